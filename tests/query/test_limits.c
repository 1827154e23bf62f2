/* `limits` (query/limits.c) against an oracle: the same report written as
 * one SQL statement (a window over the records, then COUNT(DISTINCT)s),
 * the form it had before it moved to C, on random indexes full of the
 * cases the rules decide: faults seen on both sides, several servers and
 * parameters per fault, unknown times, ties in time, source and line,
 * records without a fault GUID, other fault codes and parameters, and
 * incomplete inputs. Every filter combination must give the same rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "qdb.h"
#include "query.h"
#include "wsuslog/event_block.h"
#include "wsuslog/event.h"
#include "wsuslog/schema.h"

static const char oracle_sql[] =
    "WITH lim AS ("
    "  SELECT e.event_id, e.fault_guid_id AS fg, e.ts, e.role, e.server_id,"
    "         e.client_guid_id AS cid, e.parameter, e.source_id, e.line"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.parameter IS NOT NULL AND e.parameter IN (:prereq, :cached)"
    "    AND e.fault_code = :code AND s.complete = 1"
    "), rec AS ("
    "  SELECT e.fault_guid_id AS fg, NULL AS fe, e.event_id, e.ts, e.role,"
    "         e.server_id, e.client_guid_id AS cid, e.parameter,"
    "         e.source_id, e.line"
    "  FROM events e JOIN sources s ON s.source_id = e.source_id"
    "  WHERE e.fault_guid_id IS NOT NULL"
    "    AND e.fault_guid_id IN (SELECT fg FROM lim WHERE fg IS NOT NULL)"
    "    AND s.complete = 1"
    "  UNION ALL"
    "  SELECT NULL, event_id, event_id, ts, role, server_id, cid, parameter,"
    "         source_id, line"
    "  FROM lim WHERE fg IS NULL"
    "), fault AS ("
    "  SELECT fg, fe, cid,"
    "    MIN(ts) OVER w AS fts,"
    "    FIRST_VALUE(server_id) OVER w AS fsrv,"
    "    MIN(CASE WHEN parameter = :prereq THEN coalesce(ts, :ts_max) END)"
    "      OVER w AS tp,"
    "    MIN(CASE WHEN parameter = :cached THEN coalesce(ts, :ts_max) END)"
    "      OVER w AS tc"
    "  FROM rec"
    "  WINDOW w AS (PARTITION BY fg, fe ORDER BY"
    "    server_id IS NULL, role <> :server_role, ts IS NULL, ts,"
    "    source_id, line, event_id"
    "    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    "), named AS ("
    "  SELECT fg, fe, cid, fts, fsrv,"
    "    CASE WHEN tp IS NULL OR tc < tp THEN :cached ELSE :prereq END AS fpar"
    "  FROM fault"
    ")"
    " SELECT h.name, f.fpar,"
    "   CASE f.fpar WHEN :prereq THEN :prereq_limit ELSE :cached_limit END,"
    "   COUNT(DISTINCT f.fg) + COUNT(DISTINCT f.fe),"
    "   COUNT(DISTINCT f.cid), MIN(f.fts), MAX(f.fts)"
    " FROM named f LEFT JOIN hosts h ON h.host_id = f.fsrv"
    " WHERE (:since IS NULL OR f.fts >= :since)"
    "   AND (:until IS NULL OR f.fts < :until)"
    "   AND (:server IS NULL OR h.name = lower(:server))"
    " GROUP BY f.fsrv, f.fpar"
    " ORDER BY h.name IS NULL, h.name, f.fpar";

static const char *const cols[] = {
    "server", "parameter", "limit", "hits", "clients", "first_seen", "last_seen",
};

typedef struct tbufs {
	char a[WL_QTIME_BUF], b[WL_QTIME_BUF];
} tbufs;

static void oracle_fill(wl_qstmt *st, wl_val *v, void *ctx)
{
	tbufs *t = ctx;
	v[0] = wl_qdb_text(st, 0);
	v[1] = wl_qdb_text(st, 1);
	v[2] = wl_qdb_text(st, 2);
	v[3] = wl_qdb_int(st, 3);
	v[4] = wl_qdb_int(st, 4);
	v[5] = wl_qdb_time(st, 5, t->a);
	v[6] = wl_qdb_time(st, 6, t->b);
}

static uint64_t rng;

static unsigned pick(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A random index of `nev` events in memory. */
static sqlite3 *random_index(uint64_t seed, unsigned nev)
{
	sqlite3 *db = NULL;
	char err[256];
	rng = seed;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(wl_schema_init(db, err, sizeof err), WL_OK);
	exec_ok(db, "BEGIN");
	/* Sources 1-6, the last one incomplete. */
	for (int s = 1; s <= 6; s++) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "INSERT INTO sources(source_id, source_key, path, format, role, complete,"
		         " indexed_at) VALUES (%d, 'k%d', 'p%d', 'x', 'client', %d, 'now')",
		         s, s, s, s != 6);
		exec_ok(db, sql);
	}
	exec_ok(db, "INSERT INTO hosts(host_id, name) VALUES (1, 'wsus-b'), (2, 'wsus-a'),"
	            " (3, 'wsus-c.example'), (4, 'client-x')");
	for (int g = 1; g <= 40; g++) {
		char sql[128];
		snprintf(sql, sizeof sql,
		         "INSERT INTO guids(guid_id, guid) VALUES (%d, '%08d-0000-0000-0000-"
		         "000000000000')",
		         g, g);
		exec_ok(db, sql);
	}
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO events(source_id, line, ts, role, kind,"
	                                    " server_id, client_guid_id, fault_code, parameter,"
	                                    " fault_guid_id) VALUES (?1,?2,?3,?4,4,?5,?6,?7,?8,?9)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	static const char *const codes[] = {"InvalidParameters", "InvalidParameters",
	                                    "InvalidParameters", "ConfigChanged"};
	static const char *const params[] = {WL_PARAM_PREREQ, WL_PARAM_CACHED, WL_PARAM_PREREQ,
	                                     WL_PARAM_CACHED, "SomethingElse", NULL};
	for (unsigned i = 0; i < nev; i++) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int(st, 1, 1 + (int)pick(6));
		sqlite3_bind_int(st, 2, 1 + (int)pick(5)); /* lines tie often */
		if (pick(8) != 0)                          /* 1 in 8: time unknown */
			sqlite3_bind_int64(
			    st, 3, (int64_t)1700000000000000 + (int64_t)pick(12) * 86400000000LL);
		sqlite3_bind_int(st, 4, (int)pick(2));
		if (pick(4) != 0)
			sqlite3_bind_int(st, 5, 1 + (int)pick(3));
		if (pick(5) != 0)
			sqlite3_bind_int(st, 6, 31 + (int)pick(10));
		sqlite3_bind_text(st, 7, codes[pick(4)], -1, SQLITE_STATIC);
		const char *p = params[pick(6)];
		if (p)
			sqlite3_bind_text(st, 8, p, -1, SQLITE_STATIC);
		if (pick(6) != 0)
			sqlite3_bind_int(st, 9, 1 + (int)pick(30));
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	exec_ok(db, "COMMIT");
	assert_int_equal(wl_schema_finish(db, err, sizeof err), WL_OK);
	return db;
}

static char *report(sqlite3 *db, const wl_qfilter *f, bool oracle)
{
	char *buf = NULL, err[256] = "";
	size_t n = 0;
	FILE *mem = open_memstream(&buf, &n);
	assert_non_null(mem);
	wl_out *o = wl_out_open(mem, WL_OUT_CSV);
	assert_non_null(o);
	wl_status rc;
	wl_qdb *q = wl_qdb_wrap_sqlite(db);
	assert_non_null(q);
	if (oracle) {
		sqlite3_stmt *raw = NULL;
		tbufs t;
		assert_int_equal(sqlite3_prepare_v2(db, oracle_sql, -1, &raw, NULL), SQLITE_OK);
		wl_qstmt *st = wl_qstmt_wrap_sqlite(q, raw);
		assert_non_null(st);
		assert_int_equal(wl_qdb_bind_std(st, f, NULL), SQLITE_OK);
		rc = wl_qdb_run(q, st, o, cols, 7, oracle_fill, &t, err, sizeof err);
		wl_qstmt_finalize(st);
	} else {
		rc = wl_report_limits(q, f, o, err, sizeof err);
	}
	wl_qdb_close(q);
	if (rc != WL_OK)
		fail_msg("%s: %s", oracle ? "oracle" : "limits", err);
	wl_out_close(o);
	fclose(mem);
	return buf;
}

static void same_as_oracle(void **state)
{
	(void)state;
	const int64_t day = 86400000000LL, t0 = 1700000000000000LL;
	const wl_qfilter filters[] = {
	    {0},
	    {.has_since = 1, .since_us = t0 + 4 * day},
	    {.has_until = 1, .until_us = t0 + 7 * day},
	    {.has_since = 1, .since_us = t0 + 2 * day, .has_until = 1, .until_us = t0 + 9 * day},
	    {.server = "WSUS-A"},
	    {.server = "wsus-c.example", .has_since = 1, .since_us = t0 + 3 * day},
	    {.server = "nosuch"},
	};
	size_t rows = 0;
	for (uint64_t seed = 1; seed <= 25; seed++) {
		sqlite3 *db = random_index(seed, 40 + (unsigned)(seed * 37 % 400));
		for (size_t k = 0; k < sizeof filters / sizeof *filters; k++) {
			char *want = report(db, &filters[k], true);
			char *got = report(db, &filters[k], false);
			if (strcmp(want, got) != 0)
				fail_msg("seed %llu, filter %zu:\n-- oracle --\n%s-- limits --\n%s",
				         (unsigned long long)seed, k, want, got);
			for (const char *c = want; *c; c++)
				rows += *c == '\n';
			free(want);
			free(got);
		}
		sqlite3_close(db);
	}
	/* Not vacuous: the random indexes gave rows to compare. */
	assert_true(rows > 25 * 7 + 100);
}

int main(void)
{
	/* Every connection these tests open reads `events`. */
	sqlite3_auto_extension((void (*)(void))wl_events_vtab_entry);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_as_oracle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
