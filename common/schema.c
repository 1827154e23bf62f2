/* Index schema: the DDL both programs agree on. wsuslog-index creates it,
 * wsuslog-query checks its version. Secondary indexes are separate so the
 * writer can build them after a bulk load (PERFORMANCE.md: building them
 * afterwards is ~10x faster than inserting random GUID keys into them). */
#include "wsuslog/schema.h"

#include "wsuslog/event_block.h"

#include <stdio.h>

/* events_by_fault and events_by_param cover what `limits` reads (a few
 * events in a thousand carry a fault GUID or a parameter, so they stay
 * small): on 10 M events `limits` went from 190 to 120 ms. Created with the
 * tables and kept during loads: a load adds a few entries per thousand
 * events to them, while building them at the close read every `events`
 * row on the close's critical path (100 MB of logs: 33 M instructions at
 * the close against 14 M more in the writer during the load). */
#define DDL_LIMITS_INDEXES                                                                         \
	"CREATE INDEX IF NOT EXISTS events_by_fault ON event_notes(fault_guid_id, ts, role,"       \
	"  server_id, client_guid_id, parameter, source_id, line)"                                 \
	"  WHERE fault_guid_id IS NOT NULL;\n"                                                     \
	"CREATE INDEX IF NOT EXISTS events_by_param ON event_notes(parameter, server_id,"          \
	"  fault_code,"                                                                            \
	"  fault_guid_id, ts, role, client_guid_id, source_id, line)"                              \
	"  WHERE parameter IS NOT NULL;\n"

static const char ddl_tables[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS sources("
    "  source_id  INTEGER PRIMARY KEY,"
    "  source_key TEXT NOT NULL,"
    "  path       TEXT NOT NULL,"
    "  member     TEXT NOT NULL DEFAULT '',"
    "  format     TEXT NOT NULL,"
    "  role       TEXT NOT NULL,"
    "  host       TEXT,"
    "  bytes      INTEGER NOT NULL DEFAULT 0,"
    "  lines      INTEGER NOT NULL DEFAULT 0,"
    "  events     INTEGER NOT NULL DEFAULT 0,"
    "  first_ts   INTEGER,"
    "  last_ts    INTEGER,"
    "  complete   INTEGER NOT NULL DEFAULT 0,"
    "  indexed_at TEXT NOT NULL,"
    "  head_key   TEXT,"
    /* Every event of the source has an event_id between these two (with
     * other sources' events between them: lanes interleave). first_event
     * is set when the source begins, last_event when it completes (NULL
     * until then: its events are those from first_event on). */
    "  first_event INTEGER,"
    "  last_event  INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS sources_by_key ON sources(source_key);\n"
    "CREATE INDEX IF NOT EXISTS sources_by_path ON sources(path, member);\n"
    "CREATE INDEX IF NOT EXISTS sources_by_head ON sources(head_key);\n"
    "CREATE TABLE IF NOT EXISTS hosts("
    "  host_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS components("
    "  component_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS guids("
    "  guid_id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE);\n"
    /* The logged line is stored in two parts: the line's own header (time,
     * pid, tid, component) in events.prefix, and its message, which
     * repeats from line to line and is stored once in `messages` (hash:
     * low 64 bits of the text's XXH3-128, the same in every index file;
     * message_id is local, like guid_id). The raw line is prefix || text;
     * the view event_raw joins them. message_id NULL: prefix holds the
     * whole line. Schema 4 kept prefix and message_id in a table of their
     * own (event_text) so that events rows stayed small for scans; the
     * reports now read summaries, and the second row per event cost the
     * writer 6 % of its CPU and the index 5 % of its size. */
    "CREATE TABLE IF NOT EXISTS messages("
    "  message_id INTEGER PRIMARY KEY,"
    "  hash       INTEGER NOT NULL,"
    "  text       TEXT NOT NULL);\n"
    /* No index by source: a source's events are found in its range of
     * event ids (sources.first_event, last_event; WL_SQL_SOURCE_EVENTS).
     * Schema 4 kept events(source_id, line), an entry per event: 11 % of
     * the writer's CPU and 10 % of the index on the failing profile. */
    /* One row per GUID in an event, keyed by the event: one B-tree, filled
     * in event order by each lane. A rowid table with an index by event
     * (schema 6 until December 2026) was two B-trees, 3 MB more per GB of
     * failing-fleet logs (docs/SCHEMA.md); an index made so keeps both,
     * and reads the same. The look-up index by GUID is built after a load
     * (random keys: the trap PERFORMANCE.md measured at 55 k rows/s). */
    "CREATE TABLE IF NOT EXISTS event_guids("
    "  event_id INTEGER NOT NULL,"
    "  guid_id  INTEGER NOT NULL,"
    "  what     INTEGER NOT NULL,"
    "  PRIMARY KEY(event_id, guid_id, what)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS scans("
    "  scan_id        INTEGER PRIMARY KEY,"
    "  source_id      INTEGER NOT NULL REFERENCES sources(source_id),"
    "  line           INTEGER NOT NULL,"
    "  ts             INTEGER,"
    "  host_id        INTEGER REFERENCES hosts(host_id),"
    "  server_id      INTEGER REFERENCES hosts(host_id),"
    "  client_guid_id INTEGER REFERENCES guids(guid_id),"
    "  exit_code      INTEGER,"
    "  round_trips    INTEGER,"
    "  evaluated      INTEGER,"
    "  deployed       INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS scans_by_source ON scans(source_id);\n"
    /* Kept during loads too, although not appended in order: the writer
     * spends on them about what building them after the load cost (an
     * input's scans come in time order for one or two servers; a few
     * thousand SusClientIds keep events_by_client in the page cache), and
     * the writer has time to spare while the close after the last row is
     * on the critical path (close 0.30 -> 0.14 s per GB). */
    "CREATE INDEX IF NOT EXISTS scans_by_server ON scans(server_id, ts);\n"
    /* maxInstalledPrerequisites / maxCachedUpdates of each ClientWebService
     * web.config found among the inputs. NULL: key absent, so the documented
     * default (400 / 22000) was in force. */
    "CREATE TABLE IF NOT EXISTS server_config("
    "  config_id  INTEGER PRIMARY KEY,"
    "  source_id  INTEGER NOT NULL REFERENCES sources(source_id),"
    "  server     TEXT NOT NULL,"
    "  file_ts    INTEGER,"
    "  max_installed_prerequisites INTEGER,"
    "  max_cached_updates INTEGER);\n"
    /* Input files read to their end, with the size and mtime they had: a
     * re-run skips those unchanged without reading them. */
    "CREATE TABLE IF NOT EXISTS inputs("
    "  path       TEXT PRIMARY KEY,"
    "  size       INTEGER NOT NULL,"
    "  mtime      INTEGER NOT NULL,"
    "  complete   INTEGER NOT NULL,"
    "  indexed_at TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS problems("
    "  problem_id INTEGER PRIMARY KEY,"
    "  path       TEXT NOT NULL,"
    "  member     TEXT NOT NULL DEFAULT '',"
    "  offset     INTEGER,"
    "  line       INTEGER,"
    "  kind       TEXT NOT NULL,"
    "  message    TEXT NOT NULL,"
    "  at         TEXT NOT NULL);\n"
    "";

/* The events (a separate string: C11 compilers need only take string
 * literals of up to 4095 characters). */
static const char ddl_events[] =
    /* Events are stored in blocks (include/wsuslog/event_block.h): a
     * compressed row of event_blocks per up to 1024 events of one source,
     * read as the virtual table `events` (common/events_vtab.c) with the
     * columns below. chunk: event_id >> 10 of the block's events (the
     * writer gives each block a chunk of its own); first/last_event: the
     * smallest and largest id in it. */
    "CREATE TABLE IF NOT EXISTS event_blocks("
    "  block_id    INTEGER PRIMARY KEY,"
    "  chunk       INTEGER NOT NULL,"
    "  source_id   INTEGER NOT NULL,"
    "  n           INTEGER NOT NULL,"
    "  first_event INTEGER NOT NULL,"
    "  last_event  INTEGER NOT NULL,"
    "  data        BLOB NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS event_blocks_by_chunk ON event_blocks(chunk, last_event);\n"
    "CREATE INDEX IF NOT EXISTS event_blocks_by_source ON event_blocks(source_id);\n"
    "CREATE VIRTUAL TABLE IF NOT EXISTS events USING wl_events;\n"
    /* The events with a fault GUID, a fault code or a parameter (a few per
     * thousand), also as plain rows: their indexes answer `limits`,
     * `incident` and the fault rules, which `events` passes on to them. */
    "CREATE TABLE IF NOT EXISTS event_notes("
    "  event_id      INTEGER PRIMARY KEY,"
    "  source_id     INTEGER NOT NULL REFERENCES sources(source_id),"
    "  line          INTEGER NOT NULL,"
    "  ts            INTEGER,"
    "  role          INTEGER NOT NULL,"
    "  kind          INTEGER NOT NULL,"
    "  host_id       INTEGER REFERENCES hosts(host_id),"
    "  server_id     INTEGER REFERENCES hosts(host_id),"
    "  client_guid_id INTEGER REFERENCES guids(guid_id),"
    "  component_id  INTEGER REFERENCES components(component_id),"
    "  hresult       INTEGER,"
    "  fault_code    TEXT,"
    "  parameter     TEXT,"
    "  fault_guid_id INTEGER REFERENCES guids(guid_id),"
    "  prefix        TEXT NOT NULL DEFAULT '',"
    "  message_id    INTEGER REFERENCES messages(message_id));\n"
    "CREATE INDEX IF NOT EXISTS event_notes_by_source ON event_notes(source_id);\n"
    /* Fault records by client: what the incident report's client + time
     * fallback reads. Only fault records (a few per thousand events): an
     * index of every event with a SusClientId (all of a client log's) cost
     * the writer 12 % of its time and the index 7 % of its size on the
     * failing profile, and a client's events are found through its sources
     * instead (sum_activity_total, then the sources' ranges of ids). */
    "CREATE INDEX IF NOT EXISTS events_by_client ON event_notes(client_guid_id, role, ts)"
    "  WHERE client_guid_id IS NOT NULL AND fault_code IS NOT NULL;\n" DDL_LIMITS_INDEXES;

/* Summaries (docs/SCHEMA.md, "Summaries"): what the reports read instead
 * of every event. Each row of sum_errors, sum_activity, their hourly twins
 * and sum_spans belongs to one complete source (source_id), written in the
 * transaction that completes it and deleted with it, so they hold exactly
 * the complete sources. sum_hours is added to and subtracted from by the
 * same two moments. faults/fault_members are recomputed by the fault rules
 * for each fault a completed or deleted source has records of.
 *
 * Two grains answer any time window exactly: whole UTC days from the daily
 * tables, the whole hours of the (at most two) days cut by a bound from the
 * hourly ones, and only the partial hours at the bounds from raw events,
 * found through sum_spans. */
static const char ddl_summaries[] =
    /* Events with an HRESULT per source, UTC day and everything errors
     * and clients group or count distinct by; fg: the fault GUID (a
     * fault's records count once). day NULL: no time. */
    "CREATE TABLE IF NOT EXISTS sum_errors("
    "  source_id INTEGER NOT NULL, day INTEGER, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  hresult INTEGER NOT NULL, fg INTEGER, n INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS sum_errors_by_source ON sum_errors(source_id);\n"
    /* The same over the whole source (no day): what a report without
     * bounds reads, a few rows per source whatever its days. */
    "CREATE TABLE IF NOT EXISTS sum_errors_total("
    "  source_id INTEGER NOT NULL, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  hresult INTEGER NOT NULL, fg INTEGER, n INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS sum_errors_total_by_source ON sum_errors_total(source_id);\n"
    /* The same per UTC hour, for events with a time; read through
     * sum_spans for the hours of a cut day only. */
    "CREATE TABLE IF NOT EXISTS sum_errors_hourly("
    "  source_id INTEGER NOT NULL, hour INTEGER NOT NULL, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  hresult INTEGER NOT NULL, fg INTEGER, n INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS sum_errors_hourly_by_source"
    "  ON sum_errors_hourly(source_id, hour);\n"
    /* Events and scans per source, day, role, host, server and client:
     * counts, first and last time (both), last scan, last successful
     * scan, largest scan proxies. Scans are client-side (role 0). */
    "CREATE TABLE IF NOT EXISTS sum_activity("
    "  source_id INTEGER NOT NULL, day INTEGER, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  events INTEGER NOT NULL, scans INTEGER NOT NULL, t0 INTEGER, t1 INTEGER,"
    "  scan_t1 INTEGER, ok_t1 INTEGER, max_evaluated INTEGER, max_deployed INTEGER,"
    "  max_round_trips INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS sum_activity_by_source ON sum_activity(source_id);\n"
    "CREATE TABLE IF NOT EXISTS sum_activity_total("
    "  source_id INTEGER NOT NULL, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  events INTEGER NOT NULL, scans INTEGER NOT NULL, t0 INTEGER, t1 INTEGER,"
    "  scan_t1 INTEGER, ok_t1 INTEGER, max_evaluated INTEGER, max_deployed INTEGER,"
    "  max_round_trips INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS sum_activity_total_by_source"
    "  ON sum_activity_total(source_id);\n"
    "CREATE TABLE IF NOT EXISTS sum_activity_hourly("
    "  source_id INTEGER NOT NULL, hour INTEGER NOT NULL, role INTEGER NOT NULL,"
    "  host_id INTEGER, server_id INTEGER, client_guid_id INTEGER,"
    "  events INTEGER NOT NULL, scans INTEGER NOT NULL, t0 INTEGER, t1 INTEGER,"
    "  scan_t1 INTEGER, ok_t1 INTEGER, max_evaluated INTEGER, max_deployed INTEGER,"
    "  max_round_trips INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS sum_activity_hourly_by_source"
    "  ON sum_activity_hourly(source_id, hour);\n"
    /* Where a source's events and scans with a time are: the first and
     * last event_id and scan_id (the rows between belong to other sources
     * too) of one UTC hour (hours 1) of a day dense enough for hourly
     * rows, or of a whole sparser day (hours 24, hour: its first). The
     * rows a window's bounds cut are read from events through it, and
     * the hourly tables through the hours of dense days. */
    "CREATE TABLE IF NOT EXISTS sum_spans("
    "  hour INTEGER NOT NULL, hours INTEGER NOT NULL, source_id INTEGER NOT NULL,"
    "  e0 INTEGER, e1 INTEGER, c0 INTEGER, c1 INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS sum_spans_by_hour ON sum_spans(hour, source_id);\n"
    "CREATE INDEX IF NOT EXISTS sum_spans_by_source ON sum_spans(source_id);\n"
    /* Events with a time per UTC hour, server and HRESULT, over all
     * complete sources (timeline). server_id 0 / hresult -1: none (so the
     * key is unique). */
    "CREATE TABLE IF NOT EXISTS sum_hours("
    "  hour INTEGER NOT NULL, server_id INTEGER NOT NULL, hresult INTEGER NOT NULL,"
    "  n INTEGER NOT NULL, PRIMARY KEY(hour, server_id, hresult)) WITHOUT ROWID;\n"
    /* One row per fault (fk: the fault GUID's guid_id, or minus the
     * event_id of a GUID-less fault record) with what the fault rules
     * give it, and its distinct (client id, HRESULT) over its records. */
    "CREATE TABLE IF NOT EXISTS faults("
    "  fk INTEGER PRIMARY KEY, fts INTEGER, fsrv INTEGER, fcode TEXT, fpar TEXT);\n"
    "CREATE TABLE IF NOT EXISTS fault_members("
    "  fk INTEGER NOT NULL, cid INTEGER, hresult INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS fault_members_by_fk ON fault_members(fk);\n";

/* Views over the tables (a separate string: C11 compilers need only take
 * string literals of up to 4095 characters). */
static const char ddl_views[] =
    /* The line of each event (WL_SQL_RAW, which queries write out rather
     * than join this view: see there). */
    /* clang-format off */
    "CREATE VIEW IF NOT EXISTS event_raw AS SELECT t.event_id, t.message_id,"
    "  " WL_SQL_RAW("t.") " AS raw FROM events t;\n"
    /* Analysts' view: names instead of ids, ISO 8601 UTC times, only
     * inputs that were indexed completely. */
    "CREATE VIEW IF NOT EXISTS events_v AS SELECT"
    "  e.event_id, s.source_key, s.path, s.member, e.line,"
    "  strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000000.0, 'unixepoch') AS time,"
    "  CASE e.role WHEN 0 THEN 'client' ELSE 'server' END AS role,"
    "  e.kind, h.name AS host, sv.name AS server, cg.guid AS client_id,"
    "  c.name AS component,"
    "  CASE WHEN e.hresult IS NULL THEN NULL ELSE printf('%08X', e.hresult) END"
    "    AS code,"
    "  e.fault_code, e.parameter, fg.guid AS fault_guid, " WL_SQL_RAW("e.") " AS raw"
    " FROM events e JOIN sources s ON s.source_id = e.source_id"
    " LEFT JOIN hosts h ON h.host_id = e.host_id"
    " LEFT JOIN hosts sv ON sv.host_id = e.server_id"
    " LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id"
    " LEFT JOIN components c ON c.component_id = e.component_id"
    " LEFT JOIN guids fg ON fg.guid_id = e.fault_guid_id"
    " WHERE s.complete = 1;\n";
/* clang-format on */

/* Only what the reports need: error-code, client and time reports scan the
 * small `events` rows (about 40 bytes each) faster than they could be
 * maintained as extra indexes on every load. */
static const char ddl_indexes[] =
    /* Also here: the tables of an index may come from an older build. */
    DDL_LIMITS_INDEXES
    "CREATE INDEX IF NOT EXISTS event_guids_by_guid ON event_guids(guid_id, event_id);\n"
    /* The texts of lines earlier versions split (docs/SCHEMA.md,
     * `event_raw`), found by hash; no run looks texts up any more. */
    "CREATE INDEX IF NOT EXISTS messages_by_hash ON messages(hash);\n";

static const char ddl_drop_indexes[] = "DROP INDEX IF EXISTS event_guids_by_guid;"
                                       "DROP INDEX IF EXISTS events_by_code;"
                                       "DROP INDEX IF EXISTS events_by_ts;"
                                       "DROP INDEX IF EXISTS messages_by_hash;"
                                       "";

static wl_status exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return WL_E_DB;
	}
	return WL_OK;
}

static wl_status user_version(sqlite3 *db, int *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc = WL_E_DB;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*out = sqlite3_column_int(st, 0);
	rc = WL_OK;
out:
	if (rc != WL_OK)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

static int has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1", -1,
	                       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* Every connection that reads or writes an index passes here first. */
static wl_status register_events(sqlite3 *db, char *err, size_t errlen)
{
	if (wl_events_vtab_register(db) == SQLITE_OK)
		return WL_OK;
	snprintf(err, errlen, "registering the events table: %s", sqlite3_errmsg(db));
	return WL_E_DB;
}

wl_status wl_schema_check(sqlite3 *db, char *err, size_t errlen)
{
	int v = 0;
	if (register_events(db, err, errlen) != WL_OK)
		return WL_E_DB;
	wl_status rc = user_version(db, &v, err, errlen);
	if (rc != WL_OK)
		return rc;
	if (v != WL_SCHEMA_VERSION || !has_table(db, "events")) {
		snprintf(err, errlen, "not a wsuslog index of schema version %d (user_version %d)",
		         WL_SCHEMA_VERSION, v);
		return WL_E_SCHEMA;
	}
	return WL_OK;
}

wl_status wl_schema_init(sqlite3 *db, char *err, size_t errlen)
{
	int v = 0;
	if (register_events(db, err, errlen) != WL_OK)
		return WL_E_DB;
	wl_status rc = user_version(db, &v, err, errlen);
	if (rc != WL_OK)
		return rc;
	if (v == WL_SCHEMA_VERSION)
		return wl_schema_check(db, err, errlen);
	if (v != 0 || has_table(db, "events")) {
		snprintf(err, errlen,
		         "database has schema version %d; this wsuslog writes version %d", v,
		         WL_SCHEMA_VERSION);
		return WL_E_SCHEMA;
	}
	rc = exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc != WL_OK)
		return rc;
	rc = exec(db, ddl_tables, err, errlen);
	if (rc == WL_OK)
		rc = exec(db, ddl_events, err, errlen);
	if (rc == WL_OK)
		rc = exec(db, ddl_summaries, err, errlen);
	if (rc == WL_OK)
		rc = exec(db, ddl_views, err, errlen);
	if (rc == WL_OK) {
		char sql[128];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", WL_SCHEMA_VERSION);
		rc = exec(db, sql, err, errlen);
	}
	if (rc == WL_OK)
		rc = exec(db,
		          "INSERT OR REPLACE INTO meta(key, value) VALUES"
		          " ('created', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
		          " ('time_zone', 'UTC'), ('ts_unit', 'microseconds since 1970-01-01 UTC')",
		          err, errlen);
	if (rc != WL_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return exec(db, "COMMIT", err, errlen);
}

wl_status wl_schema_finish(sqlite3 *db, char *err, size_t errlen)
{
	return exec(db, ddl_indexes, err, errlen);
}

wl_status wl_schema_drop_indexes(sqlite3 *db, char *err, size_t errlen)
{
	return exec(db, ddl_drop_indexes, err, errlen);
}
