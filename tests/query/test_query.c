/* Tests of wsuslog-query: the reports against a hand-made index whose
 * expected answers are worked out in the comments next to the rows, the
 * output formats byte for byte, the time syntax, and the command line's
 * exit codes. The program runs in-process through wl_query_run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "qdb.h"
#include "query.h"
#include "query_sql.h"
#include "wsuslog/event_block.h"
#include "wsuslog/event.h"
#include "wsuslog/schema.h"

/* ---- fixture ---- */

#define F1 "11111111-1111-1111-1111-111111111111"  /* prereq, both sides, wsus01 */
#define F2 "22222222-2222-2222-2222-222222222222"  /* prereq, Win8 double line */
#define F3 "33333333-3333-3333-3333-333333333333"  /* prereq, server side only */
#define F4 "44444444-4444-4444-4444-444444444444"  /* ConfigChanged: no limit */
#define F5 "55555555-5555-5555-5555-555555555555"  /* other parameter: no limit */
#define F6 "66666666-6666-6666-6666-666666666666"  /* cached, wsus02, both sides */
#define F7 "77777777-7777-7777-7777-777777777777"  /* only in an incomplete source */
#define F8 "88888888-8888-8888-8888-888888888888"  /* cached, client names 2 servers */
#define F9 "99999999-9999-9999-9999-999999999999"  /* prereq, server wsus02 wins */
#define F10 "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa" /* cached, server unknown */
#define C1 "c1000000-0000-0000-0000-000000000001"
#define C2 "c2000000-0000-0000-0000-000000000002"
#define C3 "c3000000-0000-0000-0000-000000000003"
#define U1 "d0000000-0000-0000-0000-0000000000d1"

#define PRE WL_PARAM_PREREQ
#define CAC WL_PARAM_CACHED
#define IP "InvalidParameters"
#define NOHR (-1)

enum { S1 = 1, S2, S3, S4, S5, S6 };

static const struct src {
	const char *path, *member, *role, *host;
	int complete;
} srcs[] = {
    [S1] = {"logs.tar.zst", "xp01/WindowsUpdate.log", "client", "xp01", 1},
    [S2] = {"logs.tar.zst", "wsus01/SoftwareDistribution.log", "server", "wsus01", 1},
    [S3] = {"xp02/WindowsUpdate.log", "", "client", "xp02", 1},
    [S4] = {"partial/WindowsUpdate.log", "", "client", "xp03", 0},
    [S5] = {"wsus02/SoftwareDistribution.log", "", "server", "wsus02", 1},
    [S6] = {"xp03/WindowsUpdate.log", "", "client", "xp03", 1},
};

typedef struct ev {
	int src, line;
	const char *ts; /* NULL: unknown */
	int role, kind;
	const char *host, *server, *client;
	int64_t hr; /* NOHR: none */
	const char *fcode, *param, *fault, *other;
	const char *raw;
} ev;

#define CL WL_ROLE_CLIENT
#define SV WL_ROLE_SERVER
#define HR7 0x80244007
#define HR2C 0x8024402C
#define HRTO 0x80072EE2

/* Client hosts (xp*) sort after server hosts (wsus*) so a report that took
 * a server-side host for a client's host would show. e4 is inserted before
 * e3 so ordering by line, not by insertion, is tested. */
/* clang-format off */
static const ev evs[] = {
	/* e4 */ {S3, 6, "2024-03-02T08:00:00", CL, WL_EV_SOAP_FAULT, "xp02", "wsus01", C2, HR7, IP, PRE, F2, NULL,
		  "WS WARNING: Soap fault detail: errorCode='InvalidParameters'"},
	/* e3 */ {S3, 5, "2024-03-02T08:00:00", CL, WL_EV_SOAP_FAULT, "xp02", "wsus01", C2, HR7, IP, PRE, F2, NULL,
		  "WS WARNING: detail: <detail><ErrorCode>InvalidParameters</ErrorCode>"},
	/* e1 names F1 twice (fault and other): listed once by `guid` */
	/* e1 */ {S1, 10, "2024-03-01T10:00:05", CL, WL_EV_SOAP_FAULT, "xp01", "wsus01", C1, HR7, IP, PRE, F1, F1,
		  "WS\tWARNING: \"x\" caf\xC3\xA9 \xFF\x01 end"},
	/* e2 */ {S2, 100, "2024-03-01T10:00:03", SV, WL_EV_THROW, "wsus01", "wsus01", C1, NOHR, IP, PRE, F1, NULL,
		  "ThrowException: actor = http://wsus01:8530/ClientWebService/client.asmx"},
	/* e5 */ {S2, 200, "2024-03-05T12:00:00", SV, WL_EV_THROW, "wsus01", "wsus01", C3, NOHR, IP, PRE, F3, NULL, "t"},
	/* e6 */ {S1, 20, "2024-03-04T00:00:00", CL, WL_EV_SOAP_FAULT, "xp01", "wsus01", C1, HR7, "ConfigChanged", NULL, F4, NULL, "c"},
	/* e7 */ {S2, 300, "2024-03-04T06:00:00", SV, WL_EV_THROW, "wsus01", "wsus01", C1, NOHR, IP, "ClientType", F5, NULL, "o"},
	/* e8 */ {S5, 10, "2024-03-03T00:00:00", SV, WL_EV_THROW, "wsus02", "wsus02", C1, NOHR, IP, CAC, F6, NULL, "t"},
	/* e9 */ {S1, 30, "2024-03-03T00:00:02", CL, WL_EV_SOAP_FAULT, "xp01", "wsus02", C1, HR7, IP, CAC, F6, NULL, "w"},
	/* e10 */ {S4, 1, "2024-03-04T00:00:00", CL, WL_EV_SOAP_FAULT, "xp03", "wsus01", C3, HR7, IP, PRE, F7, NULL, "i"},
	/* e11: would move F1 to wsus02, earlier, with C2, if incomplete counted */
	/* e11 */ {S4, 2, "2024-02-01T00:00:00", SV, WL_EV_THROW, "wsus02", "wsus02", C2, HR7, IP, PRE, F1, NULL, "i"},
	/* e12 */ {S3, 50, "2024-03-06T00:00:00", CL, WL_EV_SOAP_FAULT, "xp02", "wsus01", C2, HR7, IP, PRE, NULL, NULL, "n"},
	/* e13 */ {S3, 51, "2024-03-06T01:00:00", CL, WL_EV_SOAP_FAULT, "xp02", "wsus01", C2, HR7, IP, PRE, NULL, NULL, "n"},
	/* e14 */ {S6, 10, "2024-03-07T00:00:00", CL, WL_EV_SOAP_FAULT, "xp03", "wsus02", C3, HR7, IP, CAC, F8, NULL, "a"},
	/* e15 */ {S6, 11, "2024-03-07T00:00:01", CL, WL_EV_SOAP_FAULT, "xp03", "wsus01", C3, HR7, IP, CAC, F8, NULL, "b"},
	/* e16 */ {S5, 20, "2024-03-08T00:00:10", SV, WL_EV_THROW, "wsus02", "wsus02", C2, NOHR, IP, PRE, F9, NULL, "t"},
	/* e17 */ {S3, 60, "2024-03-08T00:00:00", CL, WL_EV_SOAP_FAULT, "xp02", "wsus01", NULL, HR7, IP, PRE, F9, NULL, "w"},
	/* e18 */ {S1, 40, "2024-03-02T00:00:00", CL, WL_EV_FAILED, "xp01", "wsus01", C1, HR2C, NULL, NULL, NULL, U1, "f"},
	/* e19 */ {S3, 70, "2024-03-09T00:00:00", CL, WL_EV_FAILED, "xp02", "wsus01", C2, HR2C, NULL, NULL, NULL, NULL, "f"},
	/* e20 */ {S6, 20, "2024-03-09T00:30:00", CL, WL_EV_FAILED, "xp03", "wsus02", C3, HRTO, NULL, NULL, NULL, NULL, "f"},
	/* e22 */ {S5, 30, "2024-03-09T01:00:00", SV, WL_EV_SERVER_ERROR, "wsus02", "wsus02", C3, HRTO, NULL, NULL, NULL, NULL, "s"},
	/* e23 */ {S1, 1, NULL, CL, WL_EV_WARNING, "xp01", NULL, NULL, NOHR, NULL, NULL, NULL, F1, "no time"},
	/* e24 */ {S6, 30, "2024-03-10T00:00:00", CL, WL_EV_SOAP_FAULT, "xp03", NULL, C3, NOHR, IP, CAC, F10, NULL, "u"},
};
/* clang-format on */

static char db_path[64];

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* INSERT OR IGNORE name into table(col) and return its id; NULL -> NULL. */
static void bind_ref(sqlite3 *db, sqlite3_stmt *st, int idx, const char *table, const char *name)
{
	char sql[128];
	sqlite3_stmt *q = NULL;
	if (!name) {
		sqlite3_bind_null(st, idx);
		return;
	}
	int is_host = strcmp(table, "hosts") == 0;
	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO %s VALUES (NULL, ?1)", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s = ?1", table,
	         is_host ? "name" : "guid");
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	sqlite3_bind_int64(st, idx, sqlite3_column_int64(q, 0));
	sqlite3_finalize(q);
}

static int64_t ts_of(const char *iso)
{
	int64_t us;
	assert_int_equal(wl_qtime_parse(iso, 0, &us), 0);
	return us;
}

static void add_event_guid(sqlite3 *db, const char *guid, int64_t event_id, int what)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO event_guids(guid_id, event_id, what)"
	                                    " VALUES (?1, ?2, ?3)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	bind_ref(db, st, 1, "guids", guid);
	sqlite3_bind_int64(st, 2, event_id);
	sqlite3_bind_int(st, 3, what);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void build_fixture(sqlite3 *db)
{
	char err[256];
	sqlite3_stmt *st = NULL;
	assert_int_equal(wl_schema_init(db, err, sizeof err), WL_OK);
	exec_ok(db, "PRAGMA journal_mode = WAL");
	exec_ok(db, "BEGIN");
	for (size_t i = S1; i < sizeof srcs / sizeof srcs[0]; i++) {
		assert_int_equal(
		    sqlite3_prepare_v2(db,
		                       "INSERT INTO sources(source_id, source_key, path,"
		                       " member, format, role, host, complete, indexed_at)"
		                       " VALUES (?1, ?2, ?3, ?4, 'x', ?5, ?6, ?7, 'now')",
		                       -1, &st, NULL),
		    SQLITE_OK);
		char key[16];
		snprintf(key, sizeof key, "k%zu", i);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, srcs[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, srcs[i].member, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, srcs[i].role, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, srcs[i].host, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, srcs[i].complete);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
		const ev *e = &evs[i];
		assert_int_equal(
		    sqlite3_prepare_v2(db,
		                       "INSERT INTO events(source_id, line, ts, role, kind,"
		                       " host_id, server_id, client_guid_id, hresult,"
		                       " fault_code, parameter, fault_guid_id)"
		                       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
		                       -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_int(st, 1, e->src);
		sqlite3_bind_int(st, 2, e->line);
		if (e->ts)
			sqlite3_bind_int64(st, 3, ts_of(e->ts));
		sqlite3_bind_int(st, 4, e->role);
		sqlite3_bind_int(st, 5, e->kind);
		bind_ref(db, st, 6, "hosts", e->host);
		bind_ref(db, st, 7, "hosts", e->server);
		bind_ref(db, st, 8, "guids", e->client);
		if (e->hr != NOHR)
			sqlite3_bind_int64(st, 9, e->hr);
		if (e->fcode)
			sqlite3_bind_text(st, 10, e->fcode, -1, SQLITE_STATIC);
		if (e->param)
			sqlite3_bind_text(st, 11, e->param, -1, SQLITE_STATIC);
		bind_ref(db, st, 12, "guids", e->fault);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		int64_t id = sqlite3_last_insert_rowid(db);
		/* As the writer stores it: the text after the first blank is a
		 * shared message (here with an arbitrary id), the rest the
		 * prefix; a line without a blank stays whole. */
		const char *blank = strchr(e->raw, ' ');
		int64_t mid = blank ? 1000 + (int64_t)strlen(blank) : 0;
		if (blank) {
			assert_int_equal(
			    sqlite3_prepare_v2(db,
			                       "INSERT INTO messages VALUES (?1, ?1, ?2)"
			                       " ON CONFLICT DO NOTHING",
			                       -1, &st, NULL),
			    SQLITE_OK);
			sqlite3_bind_int64(st, 1, mid);
			sqlite3_bind_text(st, 2, blank + 1, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_finalize(st);
		}
		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "UPDATE events SET prefix = ?2,"
		                                    " message_id = ?3 WHERE event_id = ?1",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, e->raw, blank ? (int)(blank + 1 - e->raw) : -1,
		                  SQLITE_STATIC);
		if (mid)
			sqlite3_bind_int64(st, 3, mid);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		if (e->fault)
			add_event_guid(db, e->fault, id, WL_GUID_FAULT);
		if (e->client)
			add_event_guid(db, e->client, id, WL_GUID_CLIENT);
		if (e->other)
			add_event_guid(db, e->other, id, WL_GUID_OTHER);
	}
	exec_ok(db, "COMMIT");
	assert_int_equal(wl_schema_finish(db, err, sizeof err), WL_OK);
}

static void remove_db(void)
{
	char p[80];
	unlink(db_path);
	snprintf(p, sizeof p, "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db_path);
	unlink(p);
}

static int setup(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	const char *tmp = getenv("TMPDIR");
	snprintf(db_path, sizeof db_path, "%s/wlq-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	int fd = mkstemp(db_path);
	if (fd < 0)
		return -1;
	close(fd);
	if (sqlite3_open(db_path, &db) != SQLITE_OK)
		return -1;
	build_fixture(db);
	sqlite3_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_db();
	return 0;
}

/* ---- running the program ---- */

typedef struct result {
	int rc;
	char *out, *err;
	size_t out_len, err_len;
} result;

static result run_argv(int argc, const char *const *argv)
{
	result r = {0};
	char *args[32];
	assert_true(argc < 32);
	for (int i = 0; i < argc; i++)
		args[i] = (char *)argv[i]; /* wl_query_run does not write them */
	args[argc] = NULL;
	FILE *out = open_memstream(&r.out, &r.out_len);
	FILE *err = open_memstream(&r.err, &r.err_len);
	assert_non_null(out);
	assert_non_null(err);
	r.rc = wl_query_run(argc, args, out, err);
	fclose(out);
	fclose(err);
	return r;
}

/* Run "wsuslog-query --db <fixture> ARGS..." (NULL-terminated). */
static result query(const char *first, ...)
{
	const char *argv[32] = {"wsuslog-query", "--db", db_path};
	int argc = 3;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 31);
		argv[argc++] = a;
	}
	va_end(ap);
	return run_argv(argc, argv);
}

static void result_free(result *r)
{
	free(r->out);
	free(r->err);
}

static void expect(result r, int rc, const char *out)
{
	if (r.rc != rc || strcmp(r.out, out) != 0)
		print_error("rc %d (want %d)\n--- got:\n%s--- want:\n%s--- stderr:\n%s", r.rc, rc,
		            r.out, out, r.err);
	assert_int_equal(r.rc, rc);
	assert_string_equal(r.out, out);
	result_free(&r);
}

/* ---- a strict JSON checker (RFC 8259), for the whole output ---- */

typedef struct jp {
	const unsigned char *p, *end;
} jp;

static void jws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jlit(jp *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int jstring(jp *j)
{
	if (j->p >= j->end || *j->p++ != '"')
		return 0;
	while (j->p < j->end) {
		unsigned c = *j->p;
		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return 0;
			c = *j->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, j->p++)
					if (j->p >= j->end ||
					    !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
						return 0;
			} else if (!strchr("\"\\/bfnrt", (int)c) || c == 0) {
				return 0;
			}
			continue;
		}
		/* UTF-8: count continuation bytes and check them (no overlongs
		 * or surrogates). */
		size_t len = c < 0x80                   ? 1
		             : (c >= 0xC2 && c <= 0xDF) ? 2
		             : (c >= 0xE0 && c <= 0xEF) ? 3
		             : (c >= 0xF0 && c <= 0xF4) ? 4
		                                        : 0;
		if (len == 0 || (size_t)(j->end - j->p) < len)
			return 0;
		for (size_t i = 1; i < len; i++)
			if ((j->p[i] & 0xC0) != 0x80)
				return 0;
		if ((c == 0xE0 && j->p[1] < 0xA0) || (c == 0xED && j->p[1] > 0x9F) ||
		    (c == 0xF0 && j->p[1] < 0x90) || (c == 0xF4 && j->p[1] > 0x8F))
			return 0;
		j->p += len;
	}
	return 0;
}

static int jvalue(jp *j, int depth);

static int jnumber(jp *j)
{
	const unsigned char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return 0;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	return j->p > s;
}

static int jvalue(jp *j, int depth)
{
	if (depth > 16)
		return 0;
	jws(j);
	if (j->p >= j->end)
		return 0;
	if (*j->p == '"')
		return jstring(j);
	if (*j->p == '[' || *j->p == '{') {
		int obj = *j->p == '{';
		unsigned char close = obj ? '}' : ']';
		j->p++;
		jws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 1;
		}
		for (;;) {
			if (obj) {
				jws(j);
				if (!jstring(j))
					return 0;
				jws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return 0;
			}
			if (!jvalue(j, depth + 1))
				return 0;
			jws(j);
			if (j->p >= j->end)
				return 0;
			if (*j->p == close) {
				j->p++;
				return 1;
			}
			if (*j->p++ != ',')
				return 0;
		}
	}
	if (jlit(j, "null") || jlit(j, "true") || jlit(j, "false"))
		return 1;
	return jnumber(j);
}

static int json_valid(const char *s, size_t n)
{
	jp j = {(const unsigned char *)s, (const unsigned char *)s + n};
	if (!jvalue(&j, 0))
		return 0;
	jws(&j);
	return j.p == j.end;
}

static void test_json_checker(void **state)
{
	(void)state;
	assert_true(json_valid("[]", 2));
	static const char ok[] = "[{\"a\":1,\"b\":null,\"c\":\"\\u0009x\"}]\n";
	assert_true(json_valid(ok, sizeof ok - 1));
	assert_false(json_valid("[{\"a\":1,}]", 10));
	assert_false(json_valid("[\"\x01\"]", 5));
	assert_false(json_valid("[\"\xFF\"]", 5));
	assert_false(json_valid("[\"\xED\xA0\x80\"]", 7)); /* a surrogate */
	assert_false(json_valid("[] []", 5));
}

/* ---- limits ---- */

#define LIMITS_HEAD "server,parameter,limit,hits,clients,first_seen,last_seen\r\n"
/* wsus01 prereq: F1 (time 10:00:03 from the server record, although the
 * client logged 10:00:05), F2 (two lines, one fault), F3 (server only), e12
 * and e13 (no fault GUID: one fault each) = 5 hits; clients C1, C2, C3.
 * wsus02 prereq: F9, whose client record names wsus01 but whose server
 * record is on wsus02. wsus02 cached: F6 and F8 (client records name wsus02
 * first, then wsus01). Unknown server: F10, listed last.
 * Not counted: F4 (ConfigChanged), F5 (another parameter), F7 and e11
 * (incomplete source). */
#define ROW_W1_PRE "wsus01,InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,"
#define ROW_W2_PRE "wsus02,InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,"
#define ROW_W2_CAC "wsus02,OtherCachedUpdateIDs,maxCachedUpdates,"
#define ROW_NULL_CAC ",OtherCachedUpdateIDs,maxCachedUpdates,"

static void test_limits_all(void **state)
{
	(void)state;
	expect(query("limits", "--format", "csv", NULL), 0,
	       LIMITS_HEAD ROW_W1_PRE
	       "5,3,2024-03-01T10:00:03Z,2024-03-06T01:00:00Z\r\n" ROW_W2_PRE
	       "1,1,2024-03-08T00:00:00Z,2024-03-08T00:00:00Z\r\n" ROW_W2_CAC
	       "2,2,2024-03-03T00:00:00Z,2024-03-07T00:00:00Z\r\n" ROW_NULL_CAC
	       "1,1,2024-03-10T00:00:00Z,2024-03-10T00:00:00Z\r\n");
}

static void test_limits_since(void **state)
{
	(void)state;
	/* From 03-05: F3, e12, e13 on wsus01 (clients C3, C2); F8 only on
	 * wsus02 cached. */
	expect(query("--since", "2024-03-05", "limits", "-f", "csv", NULL), 0,
	       LIMITS_HEAD ROW_W1_PRE
	       "3,2,2024-03-05T12:00:00Z,2024-03-06T01:00:00Z\r\n" ROW_W2_PRE
	       "1,1,2024-03-08T00:00:00Z,2024-03-08T00:00:00Z\r\n" ROW_W2_CAC
	       "1,1,2024-03-07T00:00:00Z,2024-03-07T00:00:00Z\r\n" ROW_NULL_CAC
	       "1,1,2024-03-10T00:00:00Z,2024-03-10T00:00:00Z\r\n");
	/* F1's time is its earliest record (10:00:03): one second later it
	 * is out although its client record (10:00:05) is not. */
	expect(query("limits", "--since=2024-03-01T10:00:04", "--until", "2024-03-06", "-f", "csv",
	             NULL),
	       0,
	       LIMITS_HEAD ROW_W1_PRE "4,2,2024-03-02T08:00:00Z,2024-03-06T01:00:00Z\r\n" ROW_W2_CAC
	                              "1,1,2024-03-03T00:00:00Z,2024-03-03T00:00:00Z\r\n");
}

static void test_limits_until(void **state)
{
	(void)state;
	/* A date alone includes that whole day. */
	expect(query("limits", "--until", "2024-03-01", "--format=csv", NULL), 0,
	       LIMITS_HEAD ROW_W1_PRE "1,1,2024-03-01T10:00:03Z,2024-03-01T10:00:03Z\r\n");
	/* With a time, until is exclusive. */
	expect(query("limits", "--until", "2024-03-01T10:00:03Z", "--format=csv", NULL), 0,
	       LIMITS_HEAD);
	expect(query("limits", "--until", "2024-03-01 10:00:04", "--format=csv", NULL), 0,
	       LIMITS_HEAD ROW_W1_PRE "1,1,2024-03-01T10:00:03Z,2024-03-01T10:00:03Z\r\n");
}

static void test_limits_server(void **state)
{
	(void)state;
	expect(query("limits", "--server", "WSUS02", "--format", "csv", NULL), 0,
	       LIMITS_HEAD ROW_W2_PRE "1,1,2024-03-08T00:00:00Z,2024-03-08T00:00:00Z\r\n" ROW_W2_CAC
	                              "2,2,2024-03-03T00:00:00Z,2024-03-07T00:00:00Z\r\n");
	expect(query("limits", "--server", "nosuch", "--format", "json", NULL), 0, "[]\n");
}

static void test_limits_table(void **state)
{
	(void)state;
	expect(query("limits", NULL), 0,
	       "server  parameter                  limit                      hits  clients  "
	       "first_seen            last_seen\n"
	       "------  -------------------------  -------------------------  ----  -------  "
	       "--------------------  --------------------\n"
	       "wsus01  InstalledNonLeafUpdateIDs  maxInstalledPrerequisites     5        3  "
	       "2024-03-01T10:00:03Z  2024-03-06T01:00:00Z\n"
	       "wsus02  InstalledNonLeafUpdateIDs  maxInstalledPrerequisites     1        1  "
	       "2024-03-08T00:00:00Z  2024-03-08T00:00:00Z\n"
	       "wsus02  OtherCachedUpdateIDs       maxCachedUpdates              2        2  "
	       "2024-03-03T00:00:00Z  2024-03-07T00:00:00Z\n"
	       "-       OtherCachedUpdateIDs       maxCachedUpdates              1        1  "
	       "2024-03-10T00:00:00Z  2024-03-10T00:00:00Z\n");
}

static void test_limits_json(void **state)
{
	(void)state;
	result r = query("limits", "--server", "wsus01", "--format", "json", NULL);
	assert_true(json_valid(r.out, r.out_len));
	expect(
	    r, 0,
	    "[\n{\"server\":\"wsus01\",\"parameter\":\"InstalledNonLeafUpdateIDs\","
	    "\"limit\":\"maxInstalledPrerequisites\",\"hits\":5,\"clients\":3,"
	    "\"first_seen\":\"2024-03-01T10:00:03Z\",\"last_seen\":\"2024-03-06T01:00:00Z\"}\n]\n");
}

/* The limits query must not read all events: it seeks events_by_param
 * for the limit records and events_by_fault for their faults. */
static void test_limits_plan(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = strlen(wl_sql_limit_records) + 32;
	char *sql = malloc(n);
	int by_param = 0, by_fault = 0, full_scan = 0;
	assert_non_null(sql);
	snprintf(sql, n, "EXPLAIN QUERY PLAN %s", wl_sql_limit_records);
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	free(sql);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);
		by_param |= strstr(d, "events_by_param") != NULL;
		by_fault |= strstr(d, "events_by_fault") != NULL;
		/* "SCAN e" alone (no index) would read every event. */
		if (strncmp(d, "SCAN e", 6) == 0 && (d[6] == '\0' || d[6] == ' ') &&
		    !strstr(d, "INDEX"))
			full_scan = 1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(by_param);
	assert_true(by_fault);
	assert_false(full_scan);
}

/* ---- errors ---- */

#define SOAPFAULT "80244007,WU_E_PT_SOAPCLIENT_SOAPFAULT,"
#define NAMERES "8024402C,WU_E_PT_WINHTTP_NAME_NOT_RESOLVED,"
#define TIMEOUT "80072EE2,ERROR_WINHTTP_TIMEOUT,"

static void test_errors_by_code(void **state)
{
	(void)state;
	/* 80244007: faults F1 F2 F4 F6 F8 F9 once each + e12 + e13 = 8; the
	 * incomplete source's e10 and e11 are not counted. */
	expect(query("errors", "--format", "csv", NULL), 0,
	       "code,name,events,clients,servers\r\n" SOAPFAULT "8,3,2\r\n" TIMEOUT
	       "2,1,1\r\n" NAMERES "2,2,1\r\n");
	expect(query("errors", "--by", "code", "--since", "2024-03-09", "--format", "csv", NULL), 0,
	       "code,name,events,clients,servers\r\n" TIMEOUT "2,1,1\r\n" NAMERES "1,1,1\r\n");
	expect(query("errors", "--until", "2024-03-01", "--format", "csv", NULL), 0,
	       "code,name,events,clients,servers\r\n" SOAPFAULT "1,1,1\r\n");
}

static void test_errors_by_server(void **state)
{
	(void)state;
	/* F8 has records on both servers: it counts once in each. */
	expect(query("errors", "--by", "server", "--format", "csv", NULL), 0,
	       "server,code,name,events,clients,servers\r\n"
	       "wsus01," SOAPFAULT "7,3,1\r\n"
	       "wsus02," TIMEOUT "2,1,1\r\n"
	       "wsus02," SOAPFAULT "2,2,1\r\n"
	       "wsus01," NAMERES "2,2,1\r\n");
}

static void test_errors_by_client(void **state)
{
	(void)state;
	/* The host of C3 is xp03, not wsus02 where e22 was logged. */
	expect(query("errors", "--by", "client", "--format", "csv", NULL), 0,
	       "client_id,host,code,name,events,clients,servers\r\n" C1 ",xp01," SOAPFAULT
	       "3,1,2\r\n" C2 ",xp02," SOAPFAULT "3,1,1\r\n" C3 ",xp03," TIMEOUT "2,1,1\r\n" C3
	       ",xp03," SOAPFAULT "1,1,2\r\n"
	       ",xp02," SOAPFAULT "1,0,1\r\n" C1 ",xp01," NAMERES "1,1,1\r\n" C2 ",xp02," NAMERES
	       "1,1,1\r\n");
}

static void test_errors_json(void **state)
{
	(void)state;
	result r = query("errors", "--since", "2024-03-09", "--format", "json", NULL);
	assert_true(json_valid(r.out, r.out_len));
	expect(r, 0,
	       "[\n{\"code\":\"80072EE2\",\"name\":\"ERROR_WINHTTP_TIMEOUT\",\"events\":2,"
	       "\"clients\":1,\"servers\":1},\n"
	       "{\"code\":\"8024402C\",\"name\":\"WU_E_PT_WINHTTP_NAME_NOT_RESOLVED\",\"events\":1,"
	       "\"clients\":1,\"servers\":1}\n]\n");
}

/* A code that no header names prints its facility and code, in every
 * format, instead of nothing: two events are added after the fixture's
 * last day (so no other test sees them) and removed again. 800F0922 is a
 * CBS code (no public header names it) in FACILITY_SETUPAPI; 81A50001 has
 * a facility winerror.h does not name. */
static void test_errors_unnamed_code(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	static const int64_t codes[] = {0x800F0922, 0x81A50001};
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "INSERT INTO events(source_id, line, ts, role,"
		                                    " kind, host_id, hresult) VALUES (?1, ?2, ?3,"
		                                    " ?4, ?5, ?6, ?7)",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		sqlite3_bind_int(st, 1, S1);
		sqlite3_bind_int(st, 2, 9000 + (int)i);
		sqlite3_bind_int64(st, 3, ts_of("2030-01-01T00:00:00") + (int64_t)i);
		sqlite3_bind_int(st, 4, CL);
		sqlite3_bind_int(st, 5, WL_EV_FAILED);
		bind_ref(db, st, 6, "hosts", "xp01");
		sqlite3_bind_int64(st, 7, codes[i]);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	expect(query("errors", "--since", "2030-01-01", "--format", "csv", NULL), 0,
	       "code,name,events,clients,servers\r\n"
	       "800F0922,FACILITY_SETUPAPI 0x922,1,0,0\r\n"
	       "81A50001,FACILITY_0x1a5 0x1,1,0,0\r\n");
	expect(query("errors", "--since", "2030-01-01", "--format", "json", NULL), 0,
	       "[\n{\"code\":\"800F0922\",\"name\":\"FACILITY_SETUPAPI 0x922\",\"events\":1,"
	       "\"clients\":0,\"servers\":0},\n"
	       "{\"code\":\"81A50001\",\"name\":\"FACILITY_0x1a5 0x1\",\"events\":1,"
	       "\"clients\":0,\"servers\":0}\n]\n");
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	exec_ok(db, "DELETE FROM events WHERE line >= 9000 AND source_id = 1");
	assert_int_equal(sqlite3_changes(db), 2);
	sqlite3_close(db);
}

/* ---- guid ---- */

#define GUID_F1_JSON                                                                               \
	"[\n{\"role\":\"server\",\"time\":\"2024-03-01T10:00:03Z\",\"host\":\"wsus01\","           \
	"\"server\":\"wsus01\",\"client_id\":\"" C1 "\",\"code\":null,"                            \
	"\"fault_code\":\"InvalidParameters\",\"parameter\":\"InstalledNonLeafUpdateIDs\","        \
	"\"source\":\"logs.tar.zst!wsus01/SoftwareDistribution.log\",\"line\":100,"                \
	"\"message\":\"ThrowException: actor = "                                                   \
	"http://wsus01:8530/ClientWebService/client.asmx\"},\n"                                    \
	"{\"role\":\"client\",\"time\":\"2024-03-01T10:00:05Z\",\"host\":\"xp01\","                \
	"\"server\":\"wsus01\",\"client_id\":\"" C1 "\",\"code\":\"80244007\","                    \
	"\"fault_code\":\"InvalidParameters\",\"parameter\":\"InstalledNonLeafUpdateIDs\","        \
	"\"source\":\"logs.tar.zst!xp01/WindowsUpdate.log\",\"line\":10,"                          \
	"\"message\":\"WS\\u0009WARNING: \\\"x\\\" caf\xC3\xA9 \xEF\xBF\xBD\\u0001 end\"},\n"      \
	"{\"role\":\"client\",\"time\":null,\"host\":\"xp01\",\"server\":null,"                    \
	"\"client_id\":null,\"code\":null,\"fault_code\":null,\"parameter\":null,"                 \
	"\"source\":\"logs.tar.zst!xp01/WindowsUpdate.log\",\"line\":1,"                           \
	"\"message\":\"no time\"}\n]\n"

static void test_guid(void **state)
{
	(void)state;
	/* Both sides of F1, server first (earlier), the line naming F1 as an
	 * "other" GUID with no time last; e11 (incomplete source) absent. */
	result r = query("guid", F1, "--format", "json", NULL);
	assert_true(json_valid(r.out, r.out_len));
	expect(r, 0, GUID_F1_JSON);
	/* Braces name the same GUID; options may come first. */
	expect(query("--format", "json", "guid", "{" F1 "}", NULL), 0, GUID_F1_JSON);
	/* Upper case too: F10's only record, with no server. */
	r = query("guid", F10, "-f", "csv", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\r\nclient,2024-03-10T00:00:00Z,xp03,," C3 ",,"));
	expect(query("guid", "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", "-f", "csv", NULL), 0,
	       r.out);
	result_free(&r);
}

static void test_guid_order(void **state)
{
	(void)state;
	/* The Windows 8 double line: same time, same role, line 5 before 6. */
	expect(query("guid", "22222222-2222-2222-2222-222222222222", "--format", "csv", NULL), 0,
	       "role,time,host,server,client_id,code,fault_code,parameter,source,line,message\r\n"
	       "client,2024-03-02T08:00:00Z,xp02,wsus01," C2 ",80244007,InvalidParameters,"
	       "InstalledNonLeafUpdateIDs,xp02/WindowsUpdate.log,5,"
	       "WS WARNING: detail: <detail><ErrorCode>InvalidParameters</ErrorCode>\r\n"
	       "client,2024-03-02T08:00:00Z,xp02,wsus01," C2 ",80244007,InvalidParameters,"
	       "InstalledNonLeafUpdateIDs,xp02/WindowsUpdate.log,6,"
	       "WS WARNING: Soap fault detail: errorCode='InvalidParameters'\r\n");
	/* An update id (what = other) finds its line too. */
	expect(query("guid", "D0000000-0000-0000-0000-0000000000D1", "--format", "csv", NULL), 0,
	       "role,time,host,server,client_id,code,fault_code,parameter,source,line,message\r\n"
	       "client,2024-03-02T00:00:00Z,xp01,wsus01," C1 ",8024402C,,,"
	       "logs.tar.zst!xp01/WindowsUpdate.log,40,f\r\n");
}

static void test_guid_none(void **state)
{
	(void)state;
	const char *none = "01234567-89ab-cdef-0123-456789abcdef";
	expect(query("guid", none, "--format", "json", NULL), 0, "[]\n");
	expect(query("guid", none, "--format", "csv", NULL), 0,
	       "role,time,host,server,client_id,code,fault_code,parameter,source,line,message\r\n");
	/* F7 exists only in the incomplete source. */
	expect(query("guid", F7, "--format", "json", NULL), 0, "[]\n");
	expect(query("guid", none, NULL), 0,
	       "role  time  host  server  client_id  code  fault_code  parameter  source  line  "
	       "message\n"
	       "----  ----  ----  ------  ---------  ----  ----------  ---------  ------  ----  "
	       "-------\n");
}

/* ---- the command line ---- */

static void expect_usage(result r, const char *needle)
{
	if (r.rc != WL_EXIT_USAGE || !strstr(r.err, needle))
		print_error("rc %d stderr: %s", r.rc, r.err);
	assert_int_equal(r.rc, WL_EXIT_USAGE);
	assert_true(strncmp(r.err, "wsuslog-query: ", 15) == 0);
	assert_non_null(strstr(r.err, needle));
	assert_string_equal(r.out, "");
	result_free(&r);
}

static void test_cli_usage(void **state)
{
	(void)state;
	expect_usage(query("limits", "--since", "2024-13-01", NULL), "invalid time '2024-13-01'");
	expect_usage(query("limits", "--until", "yesterday", NULL), "--until");
	expect_usage(query("limits", "--since", "2024-02-30", NULL), "2024-02-30");
	expect_usage(query("errors", "--since", "2024-03-01T25:00", NULL), "invalid time");
	expect_usage(query("limits", "--since", NULL), "missing value for '--since'");
	expect_usage(query("nosuch", NULL), "unknown command 'nosuch'");
	expect_usage(query(NULL), "no command");
	expect_usage(query("limits", "extra", NULL), "unexpected argument 'extra'");
	expect_usage(query("limits", "--by", "code", NULL), "--by does not apply to 'limits'");
	expect_usage(query("errors", "--server", "wsus01", NULL), "--server does not apply");
	expect_usage(query("errors", "--by", "host", NULL), "--by takes code, server or client");
	expect_usage(query("guid", NULL), "missing GUID");
	expect_usage(query("guid", "1234", NULL), "not a GUID: '1234'");
	expect_usage(query("guid", F1 "x", NULL), "not a GUID");
	expect_usage(query("guid", F1, "--since", "2024-01-01", NULL), "--since does not apply");
	expect_usage(query("limits", "--format", "xml", NULL), "--format takes table, csv or json");
	expect_usage(query("limits", "--frobnicate", NULL), "unknown option '--frobnicate'");
	const char *nodb[] = {"wsuslog-query", "limits"};
	expect_usage(run_argv(2, nodb), "--db FILE is required");
}

static void test_cli_help_version(void **state)
{
	(void)state;
	const char *v[] = {"wsuslog-query", "--version"};
	result r = run_argv(2, v);
	assert_int_equal(r.rc, 0);
	/* The version, then the SQLite the program runs with (zstd and
	 * libarchive: query_version in CTest, against pkg-config's). */
	char want[128];
	snprintf(want, sizeof want, "wsuslog-query " WL_VERSION "\nSQLite %s, zstd ",
	         sqlite3_libversion());
	assert_true(strncmp(r.out, want, strlen(want)) == 0);
	result_free(&r);
	const char *h[] = {"wsuslog-query", "limits", "-h"};
	r = run_argv(3, h);
	assert_int_equal(r.rc, 0);
	assert_true(strncmp(r.out, "Usage: wsuslog-query --db FILE", 30) == 0);
	result_free(&r);
}

static void test_cli_fatal(void **state)
{
	(void)state;
	char missing[96], empty[96];
	struct stat sb;
	/* A missing file is named and never created. */
	snprintf(missing, sizeof missing, "%s-missing", db_path);
	const char *a[] = {"wsuslog-query", "--db", missing, "limits"};
	result r = run_argv(4, a);
	assert_int_equal(r.rc, WL_EXIT_FATAL);
	assert_non_null(strstr(r.err, missing));
	assert_int_equal(stat(missing, &sb), -1);
	result_free(&r);
	/* An SQLite file that is not a wsuslog index. */
	snprintf(empty, sizeof empty, "%s-other", db_path);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(empty, &db), SQLITE_OK);
	exec_ok(db, "CREATE TABLE t(x)");
	sqlite3_close(db);
	const char *b[] = {"wsuslog-query", "--db", empty, "errors"};
	r = run_argv(4, b);
	assert_int_equal(r.rc, WL_EXIT_FATAL);
	assert_non_null(strstr(r.err, "not a wsuslog index"));
	assert_string_equal(r.out, "");
	result_free(&r);
	unlink(empty);
}

/* An ingest holding a write transaction (WAL) does not stop a report: it
 * reads the last committed state. */
static void test_cli_concurrent_writer(void **state)
{
	(void)state;
	sqlite3 *w = NULL;
	assert_int_equal(sqlite3_open(db_path, &w), SQLITE_OK);
	exec_ok(w, "BEGIN IMMEDIATE");
	exec_ok(w, "UPDATE sources SET complete = 0");
	result r = query("errors", "--until", "2024-03-01", "--format", "csv", NULL);
	exec_ok(w, "ROLLBACK");
	sqlite3_close(w);
	expect(r, 0, "code,name,events,clients,servers\r\n" SOAPFAULT "1,1,1\r\n");
}

/* ---- times ---- */

static void test_time_parse(void **state)
{
	(void)state;
	int64_t us = 0;
	assert_int_equal(wl_qtime_parse("1970-01-01", 0, &us), 0);
	assert_int_equal(us, 0);
	assert_int_equal(wl_qtime_parse("1970-01-01", 1, &us), 0);
	assert_int_equal(us, INT64_C(86400000000));
	assert_int_equal(wl_qtime_parse("2024-03-01T10:00:03Z", 0, &us), 0);
	assert_int_equal(us, INT64_C(1709287203000000));
	assert_int_equal(wl_qtime_parse("2024-03-01 10:00:03", 1, &us), 0); /* a time: as is */
	assert_int_equal(us, INT64_C(1709287203000000));
	assert_int_equal(wl_qtime_parse("2024-03-01T10:00", 0, &us), 0);
	assert_int_equal(us, INT64_C(1709287200000000));
	assert_int_equal(wl_qtime_parse("2024-02-29", 0, &us), 0); /* leap day */
	assert_int_equal(wl_qtime_parse("2000-02-29", 0, &us), 0);
	assert_int_equal(wl_qtime_parse("1969-12-31T23:59:59Z", 0, &us), 0);
	assert_int_equal(us, -1000000);
	static const char *const bad[] = {
	    "",
	    "2024",
	    "2024-3-01",
	    "2024-03-1",
	    "2024/03/01",
	    "2024-00-10",
	    "2024-13-10",
	    "2023-02-29",
	    "1900-02-29",
	    "2024-04-31",
	    "2024-03-01T",
	    "2024-03-01T1:00",
	    "2024-03-01T24:00",
	    "2024-03-01T10:60",
	    "2024-03-01T10:00:60",
	    "2024-03-01T10:00:0",
	    "2024-03-01T10:00:00.5",
	    "2024-03-01T10:00:00+01:00",
	    "2024-03-01X10:00",
	    "2024-03-01 ",
	    "2024-03-01T10:00:00ZZ",
	    " 2024-03-01",
	    "2024-03-01Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (wl_qtime_parse(bad[i], 0, &us) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void test_time_format(void **state)
{
	(void)state;
	char buf[WL_QTIME_BUF];
	assert_int_equal(wl_qtime_format(0, buf, sizeof buf), 20);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	wl_qtime_format(INT64_C(1709287203999999), buf, sizeof buf); /* truncated */
	assert_string_equal(buf, "2024-03-01T10:00:03Z");
	wl_qtime_format(-1, buf, sizeof buf); /* towards the past */
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	wl_qtime_format(INT64_C(951782400000000), buf, sizeof buf);
	assert_string_equal(buf, "2000-02-29T00:00:00Z");
	wl_qtime_format(INT64_MIN, buf, sizeof buf); /* no overflow, no crash */
	wl_qtime_format(INT64_MAX, buf, sizeof buf);
	/* Round trip over four centuries, one day and some seconds apart. */
	for (int64_t d = -146097; d <= 146097; d += 7) {
		int64_t us = (d * 86400 + 3723) * INT64_C(1000000), back = 0;
		wl_qtime_format(us, buf, sizeof buf);
		assert_int_equal(wl_qtime_parse(buf, 0, &back), 0);
		assert_int_equal(back, us);
	}
	char code[WL_QCODE_BUF];
	assert_int_equal(wl_qcode_format(2149859335, code, sizeof code), 8);
	assert_string_equal(code, "80244007");
	wl_qcode_format(-2145107961, code, sizeof code); /* stored signed */
	assert_string_equal(code, "80244007");
	wl_qcode_format(5, code, sizeof code);
	assert_string_equal(code, "00000005");
}

/* ---- output module ---- */

typedef struct capture {
	FILE *f;
	char *buf;
	size_t len;
	wl_out *o;
} capture;

static void cap_open(capture *c, wl_outfmt fmt)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	c->o = wl_out_open(c->f, fmt);
	assert_non_null(c->o);
}

static void cap_check(capture *c, const char *want)
{
	wl_out_close(c->o);
	fclose(c->f);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

#define TXT(s) wl_v_text(s, sizeof(s) - 1)
static const char *const cols3[] = {"name", "n", "note"};

static void test_csv_quoting(void **state)
{
	(void)state;
	capture c;
	cap_open(&c, WL_OUT_CSV);
	assert_int_equal(wl_out_begin(c.o, cols3, 3), WL_OK);
	wl_val r1[] = {TXT("a,b"), wl_v_int(-7), TXT("say \"hi\"")};
	wl_val r2[] = {TXT("line\r\nbreak"), wl_v_null(), TXT("bad \xC0\xAF utf8")};
	wl_val r3[] = {TXT("plain"), wl_v_int(0), TXT("")};
	assert_int_equal(wl_out_row(c.o, r1), WL_OK);
	assert_int_equal(wl_out_row(c.o, r2), WL_OK);
	assert_int_equal(wl_out_row(c.o, r3), WL_OK);
	assert_int_equal(wl_out_end(c.o), WL_OK);
	cap_check(&c, "name,n,note\r\n"
	              "\"a,b\",-7,\"say \"\"hi\"\"\"\r\n"
	              "\"line\r\nbreak\",,bad \xEF\xBF\xBD\xEF\xBF\xBD utf8\r\n"
	              "plain,0,\r\n");
}

static void test_table_alignment(void **state)
{
	(void)state;
	capture c;
	cap_open(&c, WL_OUT_TABLE);
	assert_int_equal(wl_out_begin(c.o, cols3, 3), WL_OK);
	/* "café" and "日本" are 4 and 2 code points wide; the tab and the
	 * escape character must not reach the terminal. */
	wl_val r1[] = {TXT("caf\xC3\xA9"), wl_v_int(5), TXT("a\tb")};
	wl_val r2[] = {TXT("\xE6\x97\xA5\xE6\x9C\xAC"), wl_v_int(1234), TXT("\x1B[31mred")};
	wl_val r3[] = {wl_v_null(), wl_v_null(), TXT("x\xFFy")};
	assert_int_equal(wl_out_row(c.o, r1), WL_OK);
	assert_int_equal(wl_out_row(c.o, r2), WL_OK);
	assert_int_equal(wl_out_row(c.o, r3), WL_OK);
	assert_int_equal(wl_out_end(c.o), WL_OK);
	cap_check(&c, "name     n  note\n"
	              "----  ----  --------\n"
	              "caf\xC3\xA9     5  a b\n"
	              "\xE6\x97\xA5\xE6\x9C\xAC    1234  ?[31mred\n"
	              "-        -  x?y\n");
}

static void test_json_escaping(void **state)
{
	(void)state;
	capture c;
	cap_open(&c, WL_OUT_JSON);
	static const char *const cols[] = {"s", "i"};
	assert_int_equal(wl_out_begin(c.o, cols, 2), WL_OK);
	static const char nul[] = "a\0b\x7F\\/\xF0\x9F\x98\x80\xED\xA0\x80\xF4\x90\x80\x80";
	wl_val r1[] = {wl_v_text(nul, sizeof nul - 1), wl_v_int(INT64_MIN)};
	assert_int_equal(wl_out_row(c.o, r1), WL_OK);
	assert_int_equal(wl_out_end(c.o), WL_OK);
	wl_out_close(c.o);
	fclose(c.f);
	static const char want[] =
	    "[\n{\"s\":\"a\\u0000b\\u007f\\\\/\xF0\x9F\x98\x80"
	    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"             /* surrogate: 3 bad bytes */
	    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" /* > U+10FFFF: 4 */
	    "\",\"i\":-9223372036854775808}\n]\n";
	assert_int_equal(c.len, sizeof want - 1);
	assert_memory_equal(c.buf, want, sizeof want - 1);
	assert_true(json_valid(c.buf, c.len));
	free(c.buf);
}

/* More rows than one table batch: the writer flushes and keeps going, the
 * header is printed once and memory stays bounded. */
static void test_table_batches(void **state)
{
	(void)state;
	capture c;
	static const char *const cols[] = {"n"};
	cap_open(&c, WL_OUT_TABLE);
	assert_int_equal(wl_out_begin(c.o, cols, 1), WL_OK);
	for (int64_t i = 0; i < (int64_t)WL_OUT_TABLE_ROWS + 5; i++) {
		wl_val v = wl_v_int(i);
		assert_int_equal(wl_out_row(c.o, &v), WL_OK);
	}
	assert_int_equal(wl_out_end(c.o), WL_OK);
	wl_out_close(c.o);
	fclose(c.f);
	size_t lines = 0;
	for (size_t i = 0; i < c.len; i++)
		lines += c.buf[i] == '\n';
	assert_int_equal(lines, WL_OUT_TABLE_ROWS + 5 + 2);
	assert_true(strncmp(c.buf, "   n\n----\n   0\n", 15) == 0);
	assert_non_null(strstr(c.buf, "\n10004\n"));
	free(c.buf);
}

static void test_outfmt_parse(void **state)
{
	(void)state;
	wl_outfmt f = WL_OUT_TABLE;
	assert_int_equal(wl_outfmt_parse("json", &f), 0);
	assert_int_equal(f, WL_OUT_JSON);
	assert_int_equal(wl_outfmt_parse("csv", &f), 0);
	assert_int_equal(f, WL_OUT_CSV);
	assert_int_equal(wl_outfmt_parse("JSON", &f), -1);
	assert_int_equal(f, WL_OUT_CSV);
}

/* wl_qbuf: a list cell stops at WL_QBUF_MAX, a buffer with its own max at
 * that; a refused append keeps what the buffer had. */
static void test_qbuf_caps(void **state)
{
	(void)state;
	static char chunk[4096];
	memset(chunk, 'x', sizeof chunk);
	wl_qbuf cell = {0}, own = {.max = 10};
	while (wl_qbuf_add(&cell, chunk, sizeof chunk) == WL_OK)
		;
	assert_int_equal(cell.n, WL_QBUF_MAX);
	assert_int_equal(wl_qbuf_add(&cell, "y", 1), WL_E_TOO_BIG);
	assert_int_equal(cell.n, WL_QBUF_MAX);
	assert_int_equal(wl_qbuf_item(&own, "abc", 3, 0, 0), WL_OK);
	assert_int_equal(wl_qbuf_item(&own, "de", 2, 7, 1), WL_OK);
	assert_int_equal(own.n, 8);
	assert_memory_equal(own.p, "abc;de:7", 8);
	assert_int_equal(wl_qbuf_add(&own, "xyz", 3), WL_E_TOO_BIG);
	assert_int_equal(wl_qbuf_add(&own, "xy", 2), WL_OK);
	assert_int_equal(own.n, 10);
	char err[80];
	assert_int_equal(wl_qbuf_too_big(err, sizeof err, "servers"), WL_E_TOO_BIG);
	assert_non_null(strstr(err, "servers: the list exceeds"));
	wl_qbuf_free(&cell);
	wl_qbuf_free(&own);
}

int main(void)
{
	/* Every connection these tests open reads `events`. */
	sqlite3_auto_extension((void (*)(void))wl_events_vtab_entry);
	/* As test_reports: the fixture writes the tables directly, so the
	 * summaries are empty and these tests pin the raw-event statements;
	 * e2e_summaries holds the summaries to the same answers. */
	setenv("WSUSLOG_QUERY_RAW", "1", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_checker),
	    cmocka_unit_test(test_limits_all),
	    cmocka_unit_test(test_limits_since),
	    cmocka_unit_test(test_limits_until),
	    cmocka_unit_test(test_limits_server),
	    cmocka_unit_test(test_limits_table),
	    cmocka_unit_test(test_limits_json),
	    cmocka_unit_test(test_limits_plan),
	    cmocka_unit_test(test_errors_by_code),
	    cmocka_unit_test(test_errors_by_server),
	    cmocka_unit_test(test_errors_by_client),
	    cmocka_unit_test(test_errors_json),
	    cmocka_unit_test(test_errors_unnamed_code),
	    cmocka_unit_test(test_guid),
	    cmocka_unit_test(test_guid_order),
	    cmocka_unit_test(test_guid_none),
	    cmocka_unit_test(test_cli_usage),
	    cmocka_unit_test(test_cli_help_version),
	    cmocka_unit_test(test_cli_fatal),
	    cmocka_unit_test(test_cli_concurrent_writer),
	    cmocka_unit_test(test_time_parse),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_table_alignment),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test(test_table_batches),
	    cmocka_unit_test(test_outfmt_parse),
	    cmocka_unit_test(test_qbuf_caps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
