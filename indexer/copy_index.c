/* wsuslog-index --from-db FILE: an existing SQLite index replayed into
 * another store as the calls an ingest would make (store.h), without
 * re-reading the logs: each complete source is begin_source, its events,
 * scans and config as add_events, then end_source with its content key, so
 * the target keeps its own promises (a source is visible once complete, a
 * key already there is a duplicate, a copy run twice adds nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "wsuslog/limits.h"
#include "store.h"
#include "wsuslog/schema.h"

enum { Q_SOURCES, Q_EVENTS, Q_GUIDS, Q_SCANS, Q_CONFIG, Q_INPUTS, Q_PROBLEMS, Q_COUNT_ };

static const char *const copy_sql[Q_COUNT_] = {
    [Q_SOURCES] = "SELECT source_id, source_key, path, member, format, host, bytes, lines,"
                  " events, first_ts, last_ts, head_key FROM sources WHERE complete = 1"
                  " ORDER BY source_id",
    [Q_EVENTS] = "SELECT e.event_id, e.line, e.ts, e.role, e.kind, h.name, sv.name, cg.guid,"
                 " c.name, e.hresult, e.fault_code, e.parameter, fg.guid, " WL_SQL_RAW(
                     "e.") " FROM events e"
                           " LEFT JOIN hosts h ON h.host_id = e.host_id"
                           " LEFT JOIN hosts sv ON sv.host_id = e.server_id"
                           " LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id"
                           " LEFT JOIN components c ON c.component_id = e.component_id"
                           " LEFT JOIN guids fg ON fg.guid_id = e.fault_guid_id"
                           " WHERE e.source_id = ?1 ORDER BY e.event_id",
    /* The other GUIDs of the source's events, in the events' order (a
     * line's GUIDs by id: event_guids keeps no order within a line). */
    [Q_GUIDS] = "SELECT eg.event_id, g.guid FROM events e"
                " JOIN event_guids eg ON eg.event_id = e.event_id"
                " JOIN guids g ON g.guid_id = eg.guid_id"
                " WHERE e.source_id = ?1 AND eg.what = 3 ORDER BY eg.event_id, eg.guid_id",
    [Q_SCANS] = "SELECT s.line, s.ts, h.name, sv.name, cg.guid, s.exit_code, s.round_trips,"
                " s.evaluated, s.deployed FROM scans s"
                " LEFT JOIN hosts h ON h.host_id = s.host_id"
                " LEFT JOIN hosts sv ON sv.host_id = s.server_id"
                " LEFT JOIN guids cg ON cg.guid_id = s.client_guid_id"
                " WHERE s.source_id = ?1",
    [Q_CONFIG] = "SELECT server, file_ts, max_installed_prerequisites, max_cached_updates"
                 " FROM server_config WHERE source_id = ?1",
    [Q_INPUTS] = "SELECT path, size, mtime FROM inputs WHERE complete = 1",
    [Q_PROBLEMS] = "SELECT path, member, offset, line, kind, message FROM problems",
};

typedef struct copier {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT_];
	wl_store *s;
	wl_stats *stats;
	char *err;
	size_t errlen;
} copier;

static wl_status db_error(copier *c, const char *what)
{
	snprintf(c->err, c->errlen, "%s: %s", what, sqlite3_errmsg(c->db));
	return WL_E_DB;
}

static wl_span col_span(sqlite3_stmt *q, int i)
{
	const char *p = (const char *)sqlite3_column_text(q, i);
	return p ? (wl_span){p, (size_t)sqlite3_column_bytes(q, i)} : WL_SPAN_NULL;
}

static bool col_guid(sqlite3_stmt *q, int i, wl_guid *g)
{
	const char *p = (const char *)sqlite3_column_text(q, i);
	return p && wl_guid_parse(p, strlen(p), g) == 36;
}

static int64_t col_or(sqlite3_stmt *q, int i, int64_t none)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? none : sqlite3_column_int64(q, i);
}

static wl_format format_of(const char *name)
{
	for (int f = WL_FMT_WU_CLASSIC; f <= WL_FMT_WEBCONFIG; f++)
		if (strcmp(name, wl_format_name((wl_format)f)) == 0)
			return (wl_format)f;
	return WL_FMT_UNKNOWN;
}

static wl_status status_of(const char *name)
{
	for (int st = 0; st < WL_STATUS_COUNT_; st++)
		if (strcmp(name, wl_status_name((wl_status)st)) == 0)
			return (wl_status)st;
	return WL_E_IO;
}

static wl_status send_one(copier *c, const wl_event *e)
{
	return c->s->ops->add_events(c->s, 0, e, 1, NULL, c->err, c->errlen);
}

/* Events of the source, each with its other GUIDs (a merge walk of the two
 * ordered queries). */
static wl_status copy_events(copier *c, int64_t id, uint64_t *n_events)
{
	sqlite3_stmt *q = c->q[Q_EVENTS], *g = c->q[Q_GUIDS];
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(g, 1, id);
	int grc = sqlite3_step(g), rc;
	wl_status st = WL_OK;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t eid = sqlite3_column_int64(q, 0);
		wl_event e = {.line = (uint64_t)sqlite3_column_int64(q, 1),
		              .ts_us = col_or(q, 2, WL_TS_NONE),
		              .role = sqlite3_column_int(q, 3) ? WL_ROLE_SERVER : WL_ROLE_CLIENT,
		              .kind = (wl_event_kind)sqlite3_column_int(q, 4),
		              .host = col_span(q, 5),
		              .server = col_span(q, 6),
		              .component = col_span(q, 8),
		              .fault_code = col_span(q, 10),
		              .parameter = col_span(q, 11),
		              .raw = col_span(q, 13)};
		e.has_client_id = col_guid(q, 7, &e.client_id);
		e.has_hresult = sqlite3_column_type(q, 9) != SQLITE_NULL;
		e.hresult = (uint32_t)sqlite3_column_int64(q, 9);
		e.has_fault_guid = col_guid(q, 12, &e.fault_guid);
		while (grc == SQLITE_ROW && sqlite3_column_int64(g, 0) < eid)
			grc = sqlite3_step(g);
		while (grc == SQLITE_ROW && sqlite3_column_int64(g, 0) == eid) {
			if (e.n_other < WL_EVENT_GUIDS_MAX && col_guid(g, 1, &e.other[e.n_other]))
				e.n_other++;
			grc = sqlite3_step(g);
		}
		st = send_one(c, &e);
		(*n_events)++;
	}
	if (st == WL_OK && (rc != SQLITE_DONE || (grc != SQLITE_ROW && grc != SQLITE_DONE)))
		st = db_error(c, "reading events");
	sqlite3_reset(q);
	sqlite3_reset(g);
	return st;
}

static wl_status copy_scans_config(copier *c, int64_t id)
{
	sqlite3_stmt *q = c->q[Q_SCANS];
	sqlite3_bind_int64(q, 1, id);
	wl_status st = WL_OK;
	int rc;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		wl_event e = {.kind = WL_EV_SCAN,
		              .line = (uint64_t)sqlite3_column_int64(q, 0),
		              .ts_us = col_or(q, 1, WL_TS_NONE),
		              .host = col_span(q, 2),
		              .server = col_span(q, 3),
		              .hresult = (uint32_t)sqlite3_column_int64(q, 5),
		              .round_trips = col_or(q, 6, -1),
		              .evaluated = col_or(q, 7, -1),
		              .deployed = col_or(q, 8, -1)};
		e.has_client_id = col_guid(q, 4, &e.client_id);
		st = send_one(c, &e);
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		st = db_error(c, "reading scans");
	sqlite3_reset(q);
	q = c->q[Q_CONFIG];
	sqlite3_bind_int64(q, 1, id);
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		wl_event e = {.kind = WL_EV_CONFIG,
		              .role = WL_ROLE_SERVER,
		              .server = col_span(q, 0),
		              .ts_us = col_or(q, 1, WL_TS_NONE),
		              .max_prereq = col_or(q, 2, -1),
		              .max_cached = col_or(q, 3, -1)};
		st = send_one(c, &e);
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		st = db_error(c, "reading server_config");
	sqlite3_reset(q);
	return st;
}

static const char *text_or(sqlite3_stmt *q, int i, const char *none)
{
	const char *p = (const char *)sqlite3_column_text(q, i);
	return p ? p : none;
}

static wl_status copy_sources(copier *c)
{
	sqlite3_stmt *q = c->q[Q_SOURCES];
	const wl_store_ops *ops = c->s->ops;
	wl_status st = WL_OK;
	int rc;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		wl_format fmt = format_of(text_or(q, 4, ""));
		wl_source_begin b = {.path = text_or(q, 2, ""),
		                     .member = text_or(q, 3, ""),
		                     .host = text_or(q, 5, ""),
		                     .fmt = fmt};
		uint64_t events = 0;
		if ((st = ops->begin_source(c->s, 0, &b, NULL, c->err, c->errlen)) != WL_OK ||
		    (st = copy_events(c, id, &events)) != WL_OK ||
		    (st = copy_scans_config(c, id)) != WL_OK)
			break;
		wl_source_end e = {.path = b.path,
		                   .member = b.member,
		                   .host = b.host,
		                   .key = text_or(q, 1, ""),
		                   .head = text_or(q, 11, ""),
		                   .supersedes = "",
		                   .fmt = fmt,
		                   .bytes = (uint64_t)sqlite3_column_int64(q, 6),
		                   .lines = (uint64_t)sqlite3_column_int64(q, 7),
		                   .events = (uint64_t)sqlite3_column_int64(q, 8),
		                   .first_ts = col_or(q, 9, WL_TS_NONE),
		                   .last_ts = col_or(q, 10, WL_TS_NONE)};
		wl_source_outcome out = {.duplicate = false, .replaced = 0};
		if ((st = ops->end_source(c->s, 0, &e, NULL, &out, c->err, c->errlen)) != WL_OK)
			break;
		atomic_fetch_add(&c->stats->logs, 1);
		atomic_fetch_add(&c->stats->events, events);
		atomic_fetch_add(&c->stats->lines, e.lines);
		atomic_fetch_add(&c->stats->bytes_decoded, e.bytes);
		atomic_fetch_add(&c->stats->duplicates, out.duplicate);
		atomic_fetch_add(&c->stats->replaced, out.replaced);
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		st = db_error(c, "reading sources");
	return st;
}

/* Inputs read, so that an ingest of the same files into the target skips
 * them; problems, as records (they were shown when first found). */
static wl_status copy_inputs_problems(copier *c)
{
	sqlite3_stmt *q = c->q[Q_INPUTS];
	const wl_store_ops *ops = c->s->ops;
	wl_status st = WL_OK;
	int rc;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		wl_input_read in = {.path = text_or(q, 0, ""),
		                    .size = (uint64_t)sqlite3_column_int64(q, 1),
		                    .mtime_us = sqlite3_column_int64(q, 2)};
		st = ops->input_read(c->s, 0, &in, c->err, c->errlen);
		atomic_fetch_add(&c->stats->inputs, 1);
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		return db_error(c, "reading inputs");
	q = c->q[Q_PROBLEMS];
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		wl_problem p = {.status = status_of(text_or(q, 4, "")),
		                .path = text_or(q, 0, ""),
		                .member = text_or(q, 1, ""),
		                .offset = (uint64_t)col_or(q, 2, -1),
		                .line = (uint64_t)col_or(q, 3, 0),
		                .message = text_or(q, 5, "")};
		st = ops->problem(c->s, &p, c->err, c->errlen);
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		return db_error(c, "reading problems");
	return st;
}

wl_status wl_copy_index_run(const wl_ingest_cfg *cfg, const char *from, wl_stats *stats, char *err,
                            size_t errlen)
{
	copier c = {.stats = stats, .err = err, .errlen = errlen};
	wl_status st = WL_OK;
	if (sqlite3_open_v2(from, &c.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", from, c.db ? sqlite3_errmsg(c.db) : "cannot open");
		sqlite3_close(c.db);
		return WL_E_DB;
	}
	sqlite3_busy_timeout(c.db, 10000);
	char serr[256] = "";
	if ((st = wl_schema_check(c.db, serr, sizeof serr)) != WL_OK) {
		snprintf(err, errlen, "%s: %s", from, serr);
		goto out;
	}
	for (int i = 0; i < Q_COUNT_; i++)
		if (sqlite3_prepare_v2(c.db, copy_sql[i], -1, &c.q[i], NULL) != SQLITE_OK) {
			st = db_error(&c, from);
			goto out;
		}
	if ((st = wl_store_open(cfg, 1, stats, &c.s, err, errlen)) != WL_OK)
		goto out;
	/* One transaction: a consistent snapshot while an ingest may write. */
	if (sqlite3_exec(c.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		st = db_error(&c, from);
		goto out;
	}
	st = copy_sources(&c);
	if (st == WL_OK)
		st = copy_inputs_problems(&c);
	sqlite3_exec(c.db, "COMMIT", NULL, NULL, NULL);
out:;
	char cerr[WL_ERR_BUF] = "";
	wl_status cst = wl_store_close(c.s, st == WL_OK, cerr, sizeof cerr);
	if (st == WL_OK && cst != WL_OK) {
		st = cst;
		snprintf(err, errlen, "%s", cerr);
	}
	for (int i = 0; i < Q_COUNT_; i++)
		sqlite3_finalize(c.q[i]);
	sqlite3_close(c.db);
	return st;
}
