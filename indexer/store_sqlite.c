/* The SQLite store (store.h): one connection, owned by the one thread that
 * calls the store (the writer), prepared statements, large transactions.
 * This file holds the ops, the transactions and every SQL text of the
 * store; ids, rows, the source lifecycle and durability have a file each
 * (store_sqlite.h lists them). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store_sqlite.h"
#include "wsuslog/limits.h"
#include "wsuslog/schema.h"

/* ---- SQL ---- */

const char *const wl_sqlite_sql[SQ_COUNT_] = {
    [SQ_INS_SOURCE] = "INSERT INTO sources(source_key, path, member, format, role, host,"
                      " indexed_at, first_event, source_id) VALUES('', ?1, ?2, ?3, ?4, ?5,"
                      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?6, ?7)",
    [SQ_END_SOURCE] = "UPDATE sources SET source_key = ?1, bytes = ?2, lines = ?3,"
                      " events = ?4, first_ts = ?5, last_ts = ?6,"
                      " host = CASE WHEN host = '' THEN ?7 ELSE host END, complete = 1,"
                      " head_key = ?9, last_event = ?10 WHERE source_id = ?8",
    [SQ_DUP_SOURCE] = "SELECT 1 FROM sources WHERE source_key = ?1 AND complete = 1"
                      " AND source_id <> ?2 LIMIT 1",
    [SQ_DEL_EG] = "DELETE FROM event_guids WHERE event_id IN"
                  " (SELECT event_id FROM events WHERE " WL_SQL_SOURCE_EVENTS("", "?1") ")",
    [SQ_DEL_EVENTS] = "DELETE FROM event_blocks WHERE source_id = ?1",
    [SQ_DEL_NOTES] = "DELETE FROM event_notes WHERE source_id = ?1",
    [SQ_INS_BLOCK] = "INSERT INTO event_blocks(chunk, source_id, n, first_event, last_event, data)"
                     " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [SQ_DEL_SCANS] = "DELETE FROM scans WHERE source_id = ?1",
    [SQ_DEL_SOURCE] = "DELETE FROM sources WHERE source_id = ?1",
    [SQ_INS_CONFIG] = "INSERT INTO server_config(source_id, server, file_ts,"
                      " max_installed_prerequisites, max_cached_updates)"
                      " VALUES(?1, ?2, ?3, ?4, ?5)",
    [SQ_DEL_CONFIG] = "DELETE FROM server_config WHERE source_id = ?1",
    [SQ_UPSERT_INPUT] = "INSERT INTO inputs(path, size, mtime, complete, indexed_at)"
                        " VALUES(?1, ?2, ?3, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
                        " ON CONFLICT(path) DO UPDATE SET size = excluded.size,"
                        " mtime = excluded.mtime, complete = 1, indexed_at = excluded.indexed_at",
    [SQ_SAME_HEAD] = "SELECT source_id, bytes FROM sources WHERE head_key = ?1 AND complete = 1"
                     " AND source_id <> ?2 AND format = (SELECT format FROM sources"
                     " WHERE source_id = ?2)",
    [SQ_OLD_COPY] = "SELECT source_id FROM sources WHERE source_key = ?1 AND path = ?2"
                    " AND member = ?3 AND complete = 1 AND source_id <> ?4",
    [SQ_INS_PROBLEM] = "INSERT INTO problems(path, member, offset, line, kind, message, at)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [SQ_INCOMPLETE] = "SELECT source_id FROM sources WHERE complete = 0",
/* Summaries: ?1 the source. DAY/HOUR: the UTC day or hour of x. A source
 * contributes only while it is complete (COMPLETE). */
#define DAY(x) WL_SQL_FLOOR_DIV(x, WL_SQL_DAY_US)
#define HOUR(x) WL_SQL_FLOOR_DIV(x, WL_SQL_HOUR_US)
#define COMPLETE " EXISTS (SELECT 1 FROM sources WHERE source_id = ?1 AND complete = 1)"
/* The daily rows (day NULL: no time) and their hourly twins, grouped from
 * the events by g (DAY or HOUR), like the C accumulators: hourly rows only
 * for the dense days of the source (DENSE: at least ?2 events and scans
 * with a time), and spans by the hour in those days, by the day in the
 * others. Laid out by hand: clang-format cuts the SQL into fragments. */
/* clang-format off */
#define ERRORS_BY(table, g, x, where)                                                              \
	"INSERT INTO " table "(source_id, " g ", role, host_id, server_id, client_guid_id,"        \
	" hresult, fg, n) SELECT ?1, " x ", role, host_id, server_id, client_guid_id,"             \
	" hresult, fault_guid_id, COUNT(*) FROM events"                                            \
	" WHERE " WL_SQL_SOURCE_EVENTS("", "?1") " AND hresult IS NOT NULL" where               \
	" GROUP BY 2, 3, 4, 5, 6, 7, 8"
#define ACTIVITY_BY(table, g, x, where)                                                            \
	"INSERT INTO " table "(source_id, " g ", role, host_id, server_id, client_guid_id,"        \
	" events, scans, t0, t1, scan_t1, ok_t1, max_evaluated, max_deployed, max_round_trips)"    \
	" SELECT ?1, d, role, host_id, server_id, cid, SUM(ev), SUM(sc), MIN(ts), MAX(ts),"        \
	" MAX(CASE WHEN sc THEN ts END), MAX(CASE WHEN sc AND exit_code = 0 THEN ts END),"         \
	" MAX(evaluated), MAX(deployed), MAX(round_trips) FROM ("                                  \
	"  SELECT " x " AS d, role, host_id, server_id, client_guid_id AS cid, 1 AS ev,"           \
	"   0 AS sc, ts, NULL AS exit_code, NULL AS evaluated, NULL AS deployed,"                  \
	"   NULL AS round_trips FROM events WHERE " WL_SQL_SOURCE_EVENTS("", "?1") where          \
	"  UNION ALL SELECT " x ", 0, host_id, server_id, client_guid_id, 0, 1, ts,"               \
	"   exit_code, evaluated, deployed, round_trips FROM scans WHERE source_id = ?1" where     \
	" ) GROUP BY d, role, host_id, server_id, cid"
#define TIMED_ROWS                                                                                 \
	"SELECT " HOUR("ts") " AS h, event_id AS e, NULL AS c FROM events"                         \
	"  WHERE " WL_SQL_SOURCE_EVENTS("", "?1") " AND ts IS NOT NULL"                           \
	"  UNION ALL SELECT " HOUR("ts") ", NULL, scan_id FROM scans"                              \
	"  WHERE source_id = ?1 AND ts IS NOT NULL"
#define DENSE                                                                                      \
	"(SELECT d FROM (SELECT " WL_SQL_FLOOR_DIV("h", "24") " AS d FROM (" TIMED_ROWS "))"       \
	" GROUP BY d HAVING COUNT(*) >= ?2)"
#define IN_DENSE " AND ts IS NOT NULL AND " DAY("ts") " IN " DENSE
    [SQ_SUM_ERRORS_ADD] = ERRORS_BY("sum_errors", "day", DAY("ts"), ""),
    [SQ_SUM_ACTIVITY_ADD] = ACTIVITY_BY("sum_activity", "day", DAY("ts"), ""),
    /* The totals, rolled up from the daily rows just written. */
    [SQ_SUM_ERRORS_T_ADD] =
        "INSERT INTO sum_errors_total(source_id, role, host_id, server_id, client_guid_id,"
        " hresult, fg, n) SELECT ?1, role, host_id, server_id, client_guid_id, hresult, fg,"
        " SUM(n) FROM sum_errors WHERE source_id = ?1 GROUP BY 2, 3, 4, 5, 6, 7",
    [SQ_SUM_ACTIVITY_T_ADD] =
        "INSERT INTO sum_activity_total(source_id, role, host_id, server_id, client_guid_id,"
        " events, scans, t0, t1, scan_t1, ok_t1, max_evaluated, max_deployed, max_round_trips)"
        " SELECT ?1, role, host_id, server_id, client_guid_id, SUM(events), SUM(scans),"
        " MIN(t0), MAX(t1), MAX(scan_t1), MAX(ok_t1), MAX(max_evaluated), MAX(max_deployed),"
        " MAX(max_round_trips) FROM sum_activity WHERE source_id = ?1 GROUP BY 2, 3, 4, 5",
    [SQ_SUM_ERRORS_H_ADD] = ERRORS_BY("sum_errors_hourly", "hour", HOUR("ts"), IN_DENSE),
    [SQ_SUM_ACTIVITY_H_ADD] = ACTIVITY_BY("sum_activity_hourly", "hour", HOUR("ts"), IN_DENSE),
    [SQ_SUM_SPANS_ADD] =
        "INSERT INTO sum_spans(hour, hours, source_id, e0, e1, c0, c1)"
        " SELECT CASE WHEN dn THEN h ELSE d * 24 END, CASE WHEN dn THEN 1 ELSE 24 END, ?1,"
        "  MIN(e), MAX(e), MIN(c), MAX(c) FROM ("
        "  SELECT h, " WL_SQL_FLOOR_DIV("h", "24") " AS d,"
        "   " WL_SQL_FLOOR_DIV("h", "24") " IN " DENSE " AS dn, e, c FROM (" TIMED_ROWS "))"
        " GROUP BY 1, 2",
#undef IN_DENSE
#undef DENSE
#undef TIMED_ROWS
#undef ACTIVITY_BY
#undef ERRORS_BY
    /* ?2: +1 when the source completes, -1 when it goes. */
    [SQ_SUM_HOURS_ADD] =
        "INSERT INTO sum_hours(hour, server_id, hresult, n)"
        " SELECT " HOUR("ts") ", coalesce(server_id, 0), coalesce(hresult, -1), ?2 * COUNT(*)"
        " FROM events WHERE " WL_SQL_SOURCE_EVENTS("", "?1") " AND ts IS NOT NULL AND" COMPLETE
        " GROUP BY 1, 2, 3 ON CONFLICT(hour, server_id, hresult) DO UPDATE"
        " SET n = n + excluded.n",
    /* clang-format on */
    [SQ_SUM_ERRORS_DEL] = "DELETE FROM sum_errors WHERE source_id = ?1",
    [SQ_SUM_ACTIVITY_DEL] = "DELETE FROM sum_activity WHERE source_id = ?1",
    [SQ_SUM_ERRORS_T_DEL] = "DELETE FROM sum_errors_total WHERE source_id = ?1",
    [SQ_SUM_ACTIVITY_T_DEL] = "DELETE FROM sum_activity_total WHERE source_id = ?1",
    [SQ_SUM_ERRORS_H_DEL] = "DELETE FROM sum_errors_hourly WHERE source_id = ?1",
    [SQ_SUM_ACTIVITY_H_DEL] = "DELETE FROM sum_activity_hourly WHERE source_id = ?1",
    [SQ_SUM_SPANS_DEL] = "DELETE FROM sum_spans WHERE source_id = ?1",
    /* The faults source ?1 has records of: fault GUIDs, and minus the
     * event id of a GUID-less record. */
    /* clang-format off */
    [SQ_FAULT_TOUCH] = "INSERT OR IGNORE INTO temp.fault_touch(fk)"
                       " SELECT coalesce(fault_guid_id, -event_id) FROM event_notes"
                       " WHERE source_id = ?1"
                       " AND (fault_guid_id IS NOT NULL OR fault_code IS NOT NULL) AND" COMPLETE,
    /* clang-format on */
    [SQ_FAULT_CLEAR] = "DELETE FROM faults WHERE fk IN (SELECT fk FROM temp.fault_touch)",
    [SQ_FAULT_MEMBERS_CLEAR] =
        "DELETE FROM fault_members WHERE fk IN (SELECT fk FROM temp.fault_touch)",
#define TOUCHED                                                                                    \
	"(e.fault_guid_id IN (SELECT fk FROM temp.fault_touch WHERE fk > 0)"                       \
	" OR e.event_id IN (SELECT -fk FROM temp.fault_touch WHERE fk < 0))"
    [SQ_FAULT_FILL] = "WITH " WL_SQL_FAULT_RULES(
        TOUCHED) " INSERT INTO faults(fk, fts, fsrv, fcode, fpar)"
                 " SELECT DISTINCT coalesce(fg, -fe), fts, fsrv, fcode, fpar FROM frec",
    [SQ_FAULT_MEMBERS_FILL] = "WITH " WL_SQL_FAULT_RULES(
        TOUCHED) " INSERT INTO fault_members(fk, cid, hresult)"
                 " SELECT DISTINCT coalesce(fg, -fe), cid, hresult FROM frec",
    [SQ_FAULT_UNTOUCH] = "DELETE FROM temp.fault_touch",
#undef TOUCHED
#undef COMPLETE
#undef HOUR
#undef DAY
};

/* Multi-row INSERTs (store_sqlite_rows.c binds them in this column order). */
const wl_sqlite_table wl_sqlite_tables[SQ_T_COUNT_] = {
    [SQ_T_NOTES] = {"INSERT OR FAIL INTO event_notes(event_id, source_id, line, ts, role, kind,"
                    " host_id, server_id, client_guid_id, component_id, hresult, fault_code,"
                    " parameter, fault_guid_id, prefix) VALUES",
                    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 15},
    /* OR IGNORE: a line that names a GUID twice has it once. */
    [SQ_T_EG] = {"INSERT OR IGNORE INTO event_guids(guid_id, event_id, what) VALUES", "(?,?,?)", 3},
    [SQ_T_SCANS] = {"INSERT OR FAIL INTO scans(scan_id, source_id, line, ts, host_id, server_id,"
                    " client_guid_id, exit_code, round_trips, evaluated, deployed) VALUES",
                    "(?,?,?,?,?,?,?,?,?,?,?)", 11},
    [SQ_T_HOSTS] = {"INSERT OR FAIL INTO hosts(host_id, name) VALUES", "(?,?)", 2},
    [SQ_T_COMPS] = {"INSERT OR FAIL INTO components(component_id, name) VALUES", "(?,?)", 2},
    [SQ_T_GUIDS] = {"INSERT OR FAIL INTO guids(guid_id, guid) VALUES", "(?,?)", 2},
};

#define ERRORS_COLS(g)                                                                             \
	"(source_id, " g ", role, host_id, server_id, client_guid_id, hresult, fg, n) VALUES"
#define ACTIVITY_COLS(g)                                                                           \
	"(source_id, " g ", role, host_id, server_id, client_guid_id, events, scans, t0, t1,"      \
	" scan_t1, ok_t1, max_evaluated, max_deployed, max_round_trips) VALUES"
const wl_sqlite_table wl_sqlite_sum_tables[SUM_MAPS_] = {
    [SUM_ERRORS] = {"INSERT INTO sum_errors" ERRORS_COLS("day"), "(?,?,?,?,?,?,?,?,?)", 9, NULL},
    [SUM_ERRORS_H] = {"INSERT INTO sum_errors_hourly" ERRORS_COLS("hour"), "(?,?,?,?,?,?,?,?,?)", 9,
                      NULL},
    [SUM_ACTIVITY] = {"INSERT INTO sum_activity" ACTIVITY_COLS("day"),
                      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 15, NULL},
    [SUM_ACTIVITY_H] = {"INSERT INTO sum_activity_hourly" ACTIVITY_COLS("hour"),
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 15, NULL},
    [SUM_ERRORS_T] = {"INSERT INTO sum_errors_total(source_id, role, host_id, server_id,"
                      " client_guid_id, hresult, fg, n) VALUES",
                      "(?,?,?,?,?,?,?,?)", 8, NULL},
    [SUM_ACTIVITY_T] = {"INSERT INTO sum_activity_total(source_id, role, host_id, server_id,"
                        " client_guid_id, events, scans, t0, t1, scan_t1, ok_t1, max_evaluated,"
                        " max_deployed, max_round_trips) VALUES",
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 14, NULL},
    [SUM_SPANS_OUT] = {"INSERT INTO sum_spans(source_id, hour, hours, e0, e1, c0, c1) VALUES",
                       "(?,?,?,?,?,?,?)", 7, NULL},
    [SUM_HOURS] = {"INSERT INTO sum_hours(hour, server_id, hresult, n) VALUES", "(?,?,?,?)", 4,
                   " ON CONFLICT(hour, server_id, hresult) DO UPDATE SET n = n + excluded.n"},
    [SUM_FAULTS] = {"INSERT OR IGNORE INTO temp.fault_touch(fk) VALUES", "(?)", 1, NULL},
};
#undef ACTIVITY_COLS
#undef ERRORS_COLS

/* WAL: queries can read while we write. synchronous = OFF during the load
 * (store_sqlite_durable.c: the close makes the result durable). The page
 * cache is bounded (32 MiB) whatever the input. */
static const char open_pragmas[] =
    "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
    " PRAGMA cache_size = -32768; PRAGMA threads = 2; PRAGMA foreign_keys = OFF";

/* Where the ids the lanes give continue: past every source, chunk of
 * event ids, scan and name the index holds. */
static const char sql_next_ids[] = "SELECT (SELECT coalesce(max(source_id), 0) + 1 FROM sources),"
                                   " (SELECT coalesce(max(chunk), 0) + 1 FROM event_blocks),"
                                   " (SELECT (coalesce(max(scan_id), 0) >> 10) + 1 FROM scans),"
                                   " (SELECT coalesce(max(host_id), 0) + 1 FROM hosts),"
                                   " (SELECT coalesce(max(component_id), 0) + 1 FROM components),"
                                   " (SELECT coalesce(max(guid_id), 0) + 1 FROM guids)";
static const char sql_fresh[] = "SELECT NOT EXISTS (SELECT 1 FROM event_blocks)";
static const char sql_names_empty[] = "SELECT NOT EXISTS (SELECT 1 FROM hosts) AND NOT EXISTS"
                                      " (SELECT 1 FROM components) AND NOT EXISTS"
                                      " (SELECT 1 FROM guids)";

/* ---- errors and statements ---- */

wl_status wl_sqlite_db_error(wl_sqlite *sq, char *err, size_t errlen, const char *what)
{
	int code = sqlite3_errcode(sq->db);
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(sq->db));
	return (code == SQLITE_FULL) ? WL_E_DISK_FULL : WL_E_DB;
}

wl_status wl_sqlite_exec(wl_sqlite *sq, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(sq->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return wl_sqlite_db_error(sq, err, errlen, sql);
	return WL_OK;
}

wl_status wl_sqlite_run(wl_sqlite *sq, int which, char *err, size_t errlen)
{
	sqlite3_stmt *s = sq->st[which];
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return wl_sqlite_db_error(sq, err, errlen, "write");
	return WL_OK;
}

/* The n integer columns of the one row that sql returns. */
static wl_status query_row(wl_sqlite *sq, const char *sql, int64_t *v, int n, char *err,
                           size_t errlen)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(sq->db, sql, -1, &q, NULL) != SQLITE_OK)
		return wl_sqlite_db_error(sq, err, errlen, sql);
	wl_status st = WL_OK;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		assert(sqlite3_column_count(q) == n);
		for (int i = 0; i < n; i++)
			v[i] = sqlite3_column_int64(q, i);
	} else {
		st = wl_sqlite_db_error(sq, err, errlen, sql);
	}
	sqlite3_finalize(q);
	return st;
}

/* ---- transactions ----
 * Committed every WL_TXN_ROWS rows or two seconds (a reader sees a source
 * that long after its END at the latest), and at the close. */

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static wl_status begin(wl_sqlite *sq, char *err, size_t errlen)
{
	if (sq->in_txn)
		return WL_OK;
	wl_status st = wl_sqlite_exec(sq, "BEGIN", err, errlen);
	if (st == WL_OK) {
		sq->in_txn = true;
		sq->txn_rows = 0;
		clock_gettime(CLOCK_MONOTONIC, &sq->txn_start);
	}
	return st;
}

/* The names the lanes gave go in before anything is committed: a
 * committed row never names a missing id. Once committed, the maps may be
 * emptied (the look-ups find what they forget). */
static wl_status commit(wl_sqlite *sq, char *err, size_t errlen)
{
	if (!sq->in_txn)
		return WL_OK;
	wl_status st = wl_sqlite_write_names(sq, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_summary_flush(sq, err, errlen);
	if (st != WL_OK)
		return st;
	sq->in_txn = false;
	if ((st = wl_sqlite_exec(sq, "COMMIT", err, errlen)) == WL_OK)
		wl_names_trim(&sq->names);
	return st;
}

/* Every op runs in a transaction. The names given so far go in before SQL
 * that reads the index (a source's completion, its deletion). */
static wl_status enter(wl_sqlite *sq, bool names, char *err, size_t errlen)
{
	wl_status st = begin(sq, err, errlen);
	if (st == WL_OK && names)
		st = wl_sqlite_write_names(sq, err, errlen);
	return st;
}

/* The end of an op that returned st: commit when the transaction is due. */
static wl_status leave(wl_sqlite *sq, wl_status st, char *err, size_t errlen)
{
	if (st != WL_OK)
		return st;
	if (sq->txn_rows >= WL_TXN_ROWS || elapsed(&sq->txn_start) >= 2.0) {
		if ((st = commit(sq, err, errlen)) == WL_OK)
			wl_sqlite_writeback_start(sq);
	}
	return st;
}

/* ---- the ops ---- */

static wl_sqlite *sqlite_of(wl_store *s)
{
	return (wl_sqlite *)s;
}

/* The lane's half of an op, for a caller that did not encode (tests): into
 * the store's scratch rows. */
static wl_sqlite_enc *scratch(wl_sqlite *sq)
{
	wl_sqlite_enc_reset(&sq->scratch);
	return &sq->scratch;
}

static wl_status op_begin_source(wl_store *s, unsigned lane, const wl_source_begin *b,
                                 const wl_sqlite_enc *enc, char *err, size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	wl_status st = WL_OK;
	if (!enc) {
		wl_sqlite_enc *e = scratch(sq);
		st = wl_sqlite_lane_begin(sq, lane, e);
		enc = e;
	}
	if (st == WL_OK)
		st = enter(sq, false, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_source_begin(sq, lane, b, enc, err, errlen);
	return leave(sq, st, err, errlen);
}

static wl_status op_add_events(wl_store *s, unsigned lane, const wl_event *ev, size_t n,
                               const wl_sqlite_enc *enc, char *err, size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	assert(lane < sq->lanes);
	/* Workers send events only between an input's BEGIN and END. */
	assert(sq->open_source[lane] != 0);
	wl_status st = WL_OK;
	if (!enc) {
		wl_sqlite_enc *e = scratch(sq);
		st = wl_sqlite_lane_events(sq, lane, ev, n, e, err, errlen);
		enc = e;
	}
	if (st == WL_OK)
		st = enter(sq, false, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_write_enc(sq, enc, err, errlen);
	return leave(sq, st, err, errlen);
}

static wl_status op_end_source(wl_store *s, unsigned lane, const wl_source_end *e,
                               const wl_sqlite_enc *enc, wl_source_outcome *out, char *err,
                               size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	wl_status st = WL_OK;
	if (!enc) {
		wl_sqlite_enc *x = scratch(sq);
		st = wl_sqlite_lane_end(sq, lane, x, err, errlen);
		enc = x;
	}
	/* Its last block and rows, then what reads them back. */
	if (st == WL_OK)
		st = enter(sq, true, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_write_enc(sq, enc, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_source_end(sq, lane, e, enc, out, err, errlen);
	/* Its summaries are written: free them and give their keys back to
	 * the pool now, not when the message is next encoded (an idle
	 * message held them, up to a source's whole share, meanwhile). The
	 * enc is the message's, which the writer holds until it puts it
	 * back: const only to the ops that read it. */
	wl_sumacc_free(enc->acc);
	((wl_sqlite_enc *)enc)->acc = NULL;
	return leave(sq, st, err, errlen);
}

/* The lane's half of a worker's message, on the worker's thread. */
static void enc_free(wl_sqlite_enc *enc)
{
	wl_sqlite_enc_free(enc);
	free(enc);
}

static wl_status op_encode(wl_store *s, unsigned lane, wl_msg *m, char *err, size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	if (!m->enc) {
		if (!(m->enc = calloc(1, sizeof *m->enc)))
			return WL_E_NOMEM;
		m->enc_free = enc_free;
	}
	wl_sqlite_enc_reset(m->enc);
	switch (m->type) {
	case WL_MSG_BEGIN:
		return wl_sqlite_lane_begin(sq, lane, m->enc);
	case WL_MSG_EVENTS:
		return wl_sqlite_lane_events(sq, lane, m->ev, m->nev, m->enc, err, errlen);
	case WL_MSG_END:
		return wl_sqlite_lane_end(sq, lane, m->enc, err, errlen);
	default:
		return WL_OK;
	}
}

static wl_status op_input_read(wl_store *s, unsigned lane, const wl_input_read *in, char *err,
                               size_t errlen)
{
	(void)lane; /* one writer: every lane's calls arrive in queue order */
	wl_sqlite *sq = sqlite_of(s);
	wl_status st = enter(sq, true, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_input_read(sq, in, err, errlen);
	return leave(sq, st, err, errlen);
}

static wl_status op_problem(wl_store *s, const wl_problem *p, char *err, size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	wl_status st = enter(sq, true, err, errlen);
	if (st != WL_OK)
		return st;
	sqlite3_stmt *q = sq->st[SQ_INS_PROBLEM];
	sqlite3_bind_text(q, 1, p->path ? p->path : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, p->member ? p->member : "", -1, SQLITE_STATIC);
	if (p->offset == UINT64_MAX)
		sqlite3_bind_null(q, 3);
	else
		sqlite3_bind_int64(q, 3, (sqlite3_int64)p->offset);
	if (p->line)
		sqlite3_bind_int64(q, 4, (sqlite3_int64)p->line);
	else
		sqlite3_bind_null(q, 4);
	sqlite3_bind_text(q, 5, wl_status_name(p->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, p->message, -1, SQLITE_STATIC);
	sq->txn_rows++;
	return leave(sq, wl_sqlite_run(sq, SQ_INS_PROBLEM, err, errlen), err, errlen);
}

static const wl_known *op_known(const wl_store *s)
{
	return &((const wl_sqlite *)s)->known;
}

static unsigned op_resumed(const wl_store *s)
{
	return ((const wl_sqlite *)s)->resumed;
}

/* The secondary indexes (built once at the close of a first load:
 * PERFORMANCE.md, about 10x faster than random inserts) and the planner's
 * statistics. */
static wl_status build_indexes(wl_sqlite *sq, char *err, size_t errlen)
{
	wl_status st = wl_schema_finish(sq->db, err, errlen);
	if (st == WL_OK)
		st = wl_sqlite_exec(sq, "PRAGMA analysis_limit = 1000; PRAGMA optimize", err,
		                    errlen);
	return st;
}

static wl_status op_close(wl_store *s, bool ok, char *err, size_t errlen)
{
	wl_sqlite *sq = sqlite_of(s);
	char scratch[256];
	if (!err) {
		err = scratch;
		errlen = sizeof scratch;
	}
	wl_status st = WL_OK;
	if (sq->db) {
		if (ok) {
			st = commit(sq, err, errlen);
			if (st == WL_OK)
				st = wl_sqlite_durable_finish(sq, build_indexes, err, errlen);
		} else if (sq->in_txn) {
			/* Commit what is whole: incomplete inputs stay flagged and are
			 * removed by the next run (the blocks of their events that
			 * are written carry every row naming those events). A
			 * failed commit rolls back, and so does a transaction whose
			 * summaries were written in part. */
			char why[256];
			if (sq->sums_broken || commit(sq, why, sizeof why) != WL_OK)
				sqlite3_exec(sq->db, "ROLLBACK", NULL, NULL, NULL);
		}
		for (int i = 0; i < SQ_COUNT_; i++)
			sqlite3_finalize(sq->st[i]);
		wl_sqlite_rows_free(sq);
		wl_sqlite_summary_finalize(sq);
		/* Empties the WAL, whose frames are all in the synced file by
		 * now. Not checked: the index is complete and durable already,
		 * and a WAL left behind is read (and emptied) by the next open. */
		if (ok)
			sqlite3_exec(sq->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		/* The look-ups' connection first: while the writer's is open,
		 * SQLite keeps the descriptor it closes (its locks are the
		 * process's), and nothing closes one after db_fd is gone. */
		wl_names_free(&sq->names);
		sqlite3_close(sq->db);
	}
	if (sq->lock_fd >= 0)
		close(sq->lock_fd);
	wl_sqlite_durable_close(sq);
	wl_known_free(&sq->known);
	wl_names_free(&sq->names);
	pthread_mutex_destroy(&sq->names.mu);
	wl_sqlite_summary_free(sq);
	wl_sqlite_lane_free(sq);
	wl_sqlite_enc_free(&sq->scratch);
	free(sq->open_source);
	free(sq->path);
	free(sq);
	return st;
}

static const wl_store_ops sqlite_ops = {
    .engine = "sqlite",
    .lane_callers = false,
    .encode = op_encode,
    .begin_source = op_begin_source,
    .add_events = op_add_events,
    .end_source = op_end_source,
    .input_read = op_input_read,
    .problem = op_problem,
    .known = op_known,
    .resumed = op_resumed,
    .close = op_close,
};

/* ---- open ---- */

/* One ingester at a time: DB.lock, flock'ed for the whole run (readers do
 * not take it; they read through WAL). */
static wl_status take_lock(wl_sqlite *sq, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path) + 6;
	char *lp = malloc(n);
	if (!lp)
		return WL_E_NOMEM;
	snprintf(lp, n, "%s.lock", path);
	wl_status st = WL_OK;
	sq->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (sq->lock_fd < 0) {
		snprintf(err, errlen, "%s: %s", lp, strerror(errno));
		st = WL_E_OPEN;
	} else if (flock(sq->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen,
		         "%s is being written by another wsuslog-index (lock %s held); "
		         "wait for it to finish",
		         path, lp);
		st = WL_E_BUSY;
	}
	free(lp);
	return st;
}

/* What the index holds decides how this run writes: where ids continue,
 * whether indexes wait for the close, and whether the maps can stand in for
 * the name tables. */
static wl_status read_state(wl_sqlite *sq, char *err, size_t errlen)
{
	int64_t v[6] = {0};
	wl_status st = query_row(sq, sql_next_ids, v, 6, err, errlen);
	if (st != WL_OK)
		return st;
	/* Ids of what a killed run left are not given again: ids stay
	 * unique among what may still be read. */
	atomic_init(&sq->next_source, v[0]);
	atomic_init(&sq->next_chunk, v[1]);
	atomic_init(&sq->next_scan_chunk, v[2]);
	sq->names.next[SQ_HOSTS] = v[3];
	sq->names.next[SQ_COMPONENTS] = v[4];
	sq->names.next[SQ_GUIDS] = v[5];
	if ((st = begin(sq, err, errlen)) != WL_OK ||
	    (st = wl_sqlite_remove_incomplete(sq, err, errlen)) != WL_OK ||
	    (st = commit(sq, err, errlen)) != WL_OK)
		return st;
	if ((st = query_row(sq, sql_fresh, v, 1, err, errlen)) != WL_OK)
		return st;
	sq->fresh = v[0] != 0;
	if ((st = query_row(sq, sql_names_empty, v, 1, err, errlen)) != WL_OK)
		return st;
	sq->names.complete = v[0] != 0;
	return WL_OK;
}

wl_status wl_store_sqlite_open(wl_store **out, const char *path, unsigned lanes,
                               uint64_t max_db_pages, char *err, size_t errlen)
{
	assert(lanes >= 1);
	wl_status st = WL_OK;
	wl_sqlite *sq = calloc(1, sizeof *sq);
	if (!sq)
		return WL_E_NOMEM;
	sq->base.ops = &sqlite_ops;
	sq->lock_fd = -1;
	sq->db_fd = -1;
	wl_store_sqlite_set_map_max(&sq->base, WL_MAP_ENTRIES_MAX);
	sq->lanes = lanes;
	pthread_mutex_init(&sq->names.mu, NULL);
	wl_sqlite_summary_alloc(sq);
	sq->open_source = calloc(lanes, sizeof *sq->open_source);
	if (!sq->open_source || wl_sqlite_lane_open(sq) != WL_OK) {
		st = WL_E_NOMEM;
		goto fail;
	}
	/* Keys an open source's summaries may hold in memory: its own, then
	 * the pool's (limits.h). WSUSLOG_SUM_KEYS=N makes it N keys and no
	 * pool, to test the SQL fallback. */
	sq->sum.keys_own = WL_SUM_KEYS_LANE;
	sq->sum.pool_max = WL_SUM_KEYS_POOL;
	atomic_init(&sq->sum_pool, 0);
	sq->sum.pool = &sq->sum_pool;
	const char *keys = getenv("WSUSLOG_SUM_KEYS");
	if (keys && *keys) {
		sq->sum.keys_own = (size_t)strtoull(keys, NULL, 10);
		sq->sum.pool_max = 0;
	}
	sq->sum.dense = WL_SUM_DENSE_DAY;
	const char *dense = getenv("WSUSLOG_SUM_DENSE");
	if (dense && *dense)
		sq->sum.dense = (int64_t)strtoll(dense, NULL, 10);
	if ((st = take_lock(sq, path, err, errlen)) != WL_OK)
		goto fail;
	if (!(sq->path = strdup(path))) {
		st = WL_E_NOMEM;
		goto fail;
	}
	sq->names.path = sq->path;
	/* NOMUTEX: only one thread ever uses the connection. */
	if (sqlite3_open_v2(path, &sq->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		st = wl_sqlite_db_error(sq, err, errlen, path);
		goto fail;
	}
	if ((st = wl_sqlite_durable_open(sq, err, errlen)) != WL_OK)
		goto fail;
	sqlite3_busy_timeout(sq->db, 10000);
	if ((st = wl_sqlite_exec(sq, open_pragmas, err, errlen)) != WL_OK)
		goto fail;
	if ((st = wl_schema_init(sq->db, err, errlen)) != WL_OK)
		goto fail;
	if (max_db_pages) {
		/* A full disk, simulated: SQLITE_FULL once the file would grow
		 * beyond this many pages. */
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu",
		         (unsigned long long)max_db_pages);
		if ((st = wl_sqlite_exec(sq, sql, err, errlen)) != WL_OK)
			goto fail;
	}
	if ((st = wl_sqlite_summary_open(sq, err, errlen)) != WL_OK)
		goto fail;
	for (int i = 0; i < SQ_COUNT_; i++) {
		if (sqlite3_prepare_v3(sq->db, wl_sqlite_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &sq->st[i], NULL) != SQLITE_OK) {
			st = wl_sqlite_db_error(sq, err, errlen, "prepare");
			goto fail;
		}
	}
	wl_sqlite_summary_bind(sq);
	if ((st = wl_sqlite_rows_prepare(sq, err, errlen)) != WL_OK ||
	    (st = wl_sqlite_summary_prepare(sq, err, errlen)) != WL_OK)
		goto fail;
	if ((st = read_state(sq, err, errlen)) != WL_OK)
		goto fail;
	if ((st = wl_known_load(&sq->known, sq->db, err, errlen)) != WL_OK)
		goto fail;
	/* Bulk load into a fresh index: secondary indexes are built once at
	 * close (PERFORMANCE.md: ~10x faster than random inserts). */
	if (sq->fresh && (st = wl_schema_drop_indexes(sq->db, err, errlen)) != WL_OK)
		goto fail;
	*out = &sq->base;
	return WL_OK;
fail:
	op_close(&sq->base, false, NULL, 0);
	return st;
}

void wl_store_sqlite_set_map_max(wl_store *s, size_t max)
{
	wl_sqlite *sq = sqlite_of(s);
	assert(s->ops == &sqlite_ops);
	max = max > 0 ? max : 1;
	for (int t = 0; t < SQ_NAMES_; t++)
		sq->names.map[t].max = max;
}

size_t wl_store_sqlite_map_entries(const wl_store *s)
{
	const wl_sqlite *sq = (const wl_sqlite *)s;
	assert(s->ops == &sqlite_ops);
	size_t n = 0;
	for (int t = 0; t < SQ_NAMES_; t++)
		n += sq->names.map[t].used;
	return n;
}
