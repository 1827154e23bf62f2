/* The SQLite index: the contract between wsuslog-index (writes) and
 * wsuslog-query (reads). docs/SCHEMA.md documents each table and column.
 *
 * Identity rules (so per-site databases can be merged or loaded into
 * ClickHouse): a source is identified by sources.source_key (XXH3-128 of its
 * decoded bytes, hex), an event by (source_key, line); rowids are local to
 * one file and never used as identities across files. Times are UTC. */
#ifndef WSUSLOG_SCHEMA_H
#define WSUSLOG_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

#include "wsuslog/status.h"

/* PRAGMA user_version of an index this build writes and reads. */
#define WL_SCHEMA_VERSION 6

/* meta.schema_version of the ClickHouse layout (docs/CLICKHOUSE.md,
 * "Schema") that wsuslog-index --clickhouse writes and wsuslog-query
 * --clickhouse reads: one constant, so the two cannot disagree. */
#define WL_CH_SCHEMA_VERSION 1

/* The two limit parameters and their web.config keys and defaults. */
#define WL_PARAM_PREREQ "InstalledNonLeafUpdateIDs"
#define WL_PARAM_CACHED "OtherCachedUpdateIDs"
#define WL_LIMIT_PREREQ "maxInstalledPrerequisites"
#define WL_LIMIT_CACHED "maxCachedUpdates"
#define WL_LIMIT_PREREQ_DEFAULT 400
#define WL_LIMIT_CACHED_DEFAULT 22000
/* The SOAP fault code of a limit record (MS-WUSP 2.2.2.4). */
#define WL_FAULT_LIMIT_CODE "InvalidParameters"

/* Grains of the summary tables (docs/SCHEMA.md, "Summaries"), in the
 * microseconds of events.ts. */
#define WL_SQL_DAY_US "86400000000"
#define WL_SQL_HOUR_US "3600000000"
/* floor(x / w) for SQL integers (SQL's / truncates towards zero). */
#define WL_SQL_FLOOR_DIV(x, w) "((" x ") / " w " - ((" x ") % " w " < 0))"

/* A source's events lie in its range of event ids (sources.first_event,
 * last_event), read as a rowid range in place of an index by source. An
 * open source's range runs to the end (last_event NULL); a source without
 * one (a row not written by wsuslog-index) spans every event.
 * WL_SQL_IN_RANGE: e's event_id (`e` prefixes the column: "e." or "") is
 * in the range [first, last] (SQL expressions). WL_SQL_SOURCE_EVENTS: the
 * events of source `sid` (an SQL expression), other sources' events in its
 * range left out. */
#define WL_SQL_MAX_ID "9223372036854775807"
#define WL_SQL_IN_RANGE(e, first, last)                                                            \
	e "event_id BETWEEN coalesce(" first ", 0) AND coalesce(" last ", " WL_SQL_MAX_ID ")"
#define WL_SQL_SOURCE_EVENTS(e, sid)                                                               \
	WL_SQL_IN_RANGE(e, "(SELECT first_event FROM sources WHERE source_id = " sid ")",          \
	                "(SELECT last_event FROM sources WHERE source_id = " sid ")")              \
	" AND " e "source_id = " sid

/* The logged line of event e (`e` prefixes the columns: "e." or ""): its
 * prefix, then its message's text. Written out where a query needs it,
 * not joined from the view event_raw: SQLite does not flatten a view over
 * a virtual table into the right side of a LEFT JOIN, and materialises
 * it (every event decoded) instead. */
#define WL_SQL_RAW(e)                                                                              \
	"CASE WHEN " e "message_id IS NULL THEN " e "prefix ELSE " e "prefix ||"                   \
	" (SELECT m.text FROM messages m WHERE m.message_id = " e "message_id) END"

/* The fault rules, one home for the query (over every fault) and the
 * writer (faults and fault_members, for the faults an input touched).
 * CTEs fr, fw, frec; `restrict` is an SQL condition on events e that picks
 * the records (whole faults: every record of a chosen fault must pass).
 * fr    the fault records of complete sources (in event_notes): events with a fault GUID,
 *       and events with a fault code but no GUID (a fault of their own,
 *       keyed by event id): (fg, fe).
 * frec  each record tagged with its fault's time (fts: earliest), server
 *       (fsrv: a server-side record's, else the earliest client record
 *       naming one), fault code (fcode: that first record's, else any) and
 *       limit parameter (fpar: NULL unless some record is an
 *       InvalidParameters fault on one of the two limit parameters; then
 *       the parameter seen first, as `limits`).
 * Parameters: :code, :prereq, :cached, :server_role, :ts_max. */
/* (laid out by hand: clang-format cuts this macro into fragments of a few letters) */
/* clang-format off */
#define WL_SQL_FAULT_RULES(restrict) \
	"fr AS (" \
	"  SELECT e.fault_guid_id AS fg," \
	"    CASE WHEN e.fault_guid_id IS NULL THEN e.event_id END AS fe," \
	"    e.event_id, e.ts, e.role, e.server_id, e.client_guid_id AS cid," \
	"    e.fault_code, e.parameter, e.hresult, e.source_id, e.line," \
	"    coalesce(e.fault_code = :code AND e.parameter IN (:prereq, :cached), 0) AS islim" \
	"  FROM event_notes e JOIN sources s ON s.source_id = e.source_id" \
	"  WHERE s.complete = 1" \
	"    AND (e.fault_guid_id IS NOT NULL OR e.fault_code IS NOT NULL) AND " restrict "), fw AS (" \
	"  SELECT fg, fe, event_id, cid, hresult," \
	"    MIN(ts) OVER w AS fts," \
	"    FIRST_VALUE(server_id) OVER w AS fsrv," \
	"    coalesce(FIRST_VALUE(fault_code) OVER w, MAX(fault_code) OVER w) AS fcode," \
	"    MAX(islim) OVER w AS flim," \
	"    MIN(CASE WHEN parameter = :prereq THEN coalesce(ts, :ts_max) END) OVER w AS tp," \
	"    MIN(CASE WHEN parameter = :cached THEN coalesce(ts, :ts_max) END) OVER w AS tc" \
	"  FROM fr" \
	"  WINDOW w AS (PARTITION BY fg, fe ORDER BY" \
	"    server_id IS NULL, role <> :server_role, ts IS NULL, ts," \
	"    source_id, line, event_id" \
	"    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)), frec AS (" \
	"  SELECT fg, fe, event_id, cid, hresult, fts, fsrv, fcode," \
	"    CASE WHEN flim THEN CASE WHEN tp IS NULL OR tc < tp" \
	"      THEN :cached ELSE :prereq END END AS fpar" \
	"  FROM fw)"
/* clang-format on */

/* Create the tables of an empty database, or check the version of an
 * existing one. Returns WL_OK, WL_E_SCHEMA (other version; message in err)
 * or WL_E_DB. */
wl_status wl_schema_init(sqlite3 *db, char *err, size_t errlen);

/* Check that db holds a wsuslog index of this version (read-only use). */
wl_status wl_schema_check(sqlite3 *db, char *err, size_t errlen);

/* Create the secondary indexes (after a bulk load: building them once is
 * ~10x faster than maintaining them during random-key inserts). Idempotent. */
wl_status wl_schema_finish(sqlite3 *db, char *err, size_t errlen);

/* Drop the secondary indexes before a large load (wl_schema_finish puts them
 * back). */
wl_status wl_schema_drop_indexes(sqlite3 *db, char *err, size_t errlen);

#endif
