/* Tests of the analyst and capacity reports of wsuslog-query (servers,
 * clients, timeline, incident, sql, problems, capacity, report --html)
 * against a hand-made index. The expected outputs are worked out by hand in
 * the comments next to the fixture, from the rules in docs/QUERY.md; the
 * program runs in-process through wl_query_run. */
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
#include "query.h"
#include "wsuslog/event_block.h"
#include "wsuslog/schema.h"

/* ---- fixture ----
 *
 * Sources: 1 c/pc1.log, 2 s/wsus01.log (server), 3 c/pc2.log, 4 c/pc3-part.log
 * (incomplete: everything in it is invisible), 5 web.config files (rows in
 * server_config), 8 s/wsus02.log (server), 9 c/pc3.log.
 * Hosts: 1 wsus01.corp.example, 2 wsus02.corp.example, 3 pc1, 4 pc2, 5 pc3.
 * GUIDs: 1..3 client ids C1..C3; 11 F1, 12 F2, 13 F2B, 14 F3, 15 F4, 16 F5.
 *
 * Faults (complete sources):
 *   F1  prereq limit, both sides (e2 client, e6 server), wsus01, C1, time
 *       03-01T10:00:03 (the server's record is earlier).
 *   F4  ConfigChanged, client only (e4), wsus01, C1, 03-02.
 *   F2  prereq limit, client only (e8), wsus01, C2, 03-05T12:00:00 ...
 *   F2B ... whose server record (e7) carries another ID, 2 s later.
 *   e9  prereq limit record without an ID: a fault of its own, C2, 03-07.
 *   F3  cached limit, server only (e11), wsus02, C1, 03-06.
 *   F5  only in the incomplete source: ignored.
 *   F6  ConfigChanged of C3, both sides: the client record (e14) names W2,
 *       the server's (e15) W1, which wins. */
#define C1 "c1000000-0000-0000-0000-000000000001"
#define C2 "c2000000-0000-0000-0000-000000000002"
#define C3 "c3000000-0000-0000-0000-000000000003"
#define F1 "f1000000-0000-0000-0000-000000000001"
#define F2 "f2000000-0000-0000-0000-000000000002"
#define F2B "f2b00000-0000-0000-0000-00000000002b"
#define F3 "f3000000-0000-0000-0000-000000000003"
#define F4 "f4000000-0000-0000-0000-000000000004"
#define F5 "f5000000-0000-0000-0000-000000000005"
#define W1 "wsus01.corp.example"
#define W2 "wsus02.corp.example"

/* clang-format off */
#define TS(s) "(CAST(strftime('%s','" s "') AS INTEGER)*1000000)"
#define EV(id, src, line, ts, role, kind, host, srv, cid, hr, fc, par, fg)                          \
	"INSERT INTO events VALUES(" #id "," #src "," #line "," ts "," #role "," #kind "," #host   \
	"," #srv "," #cid ",NULL," hr "," fc "," par "," #fg ",'',NULL);"
#define RAW(id, text) "UPDATE events SET prefix = '" text "' WHERE event_id = " #id ";"
#define SCAN(id, src, line, ts, host, srv, cid, exit, rt, ev, dep)                                 \
	"INSERT INTO scans VALUES(" #id "," #src "," #line "," ts "," #host "," #srv "," #cid       \
	"," exit "," rt "," ev "," dep ");"
#define H7 "2149859335"  /* 0x80244007 */
#define H2C "2149859372" /* 0x8024402C */
#define IP "'InvalidParameters'"
#define PRE "'InstalledNonLeafUpdateIDs'"
#define CAC "'OtherCachedUpdateIDs'"
#define N "NULL"

/* The fixture is one script, longer than C99's minimum literal length. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverlength-strings"
#endif
static const char fixture_sql[] =
    "BEGIN;"
    "INSERT INTO sources(source_id, source_key, path, member, format, role, host, complete,"
    " indexed_at) VALUES"
    " (1,'k1','c/pc1.log','','wu-etw','client','pc1',1,'t'),"
    " (2,'k2','s/wsus01.log','','sdist','server','wsus01',1,'t'),"
    " (3,'k3','c/pc2.log','','wu-etw','client','pc2',1,'t'),"
    " (4,'k4','c/pc3-part.log','','wu-etw','client','pc3',0,'t'),"
    " (5,'k5','cfg.tar','w/web.config','web.config','server','wsus01',1,'t'),"
    " (8,'k8','s/wsus02.log','','sdist','server','wsus02',1,'t'),"
    " (9,'k9','c/pc3.log','','wu-etw','client','pc3',1,'t');"
    "INSERT INTO hosts VALUES (1,'" W1 "'),(2,'" W2 "'),(3,'pc1'),(4,'pc2'),(5,'pc3');"
    "INSERT INTO guids VALUES (1,'" C1 "'),(2,'" C2 "'),(3,'" C3 "'),(11,'" F1 "'),"
    " (12,'" F2 "'),(13,'" F2B "'),(14,'" F3 "'),(15,'" F4 "'),(16,'" F5 "'),(17,'F6');"
    /* id, src, line, ts, role, kind, host, server, client, hresult, code, param, fault */
    EV(1, 1, 5, TS("2024-03-01 09:59:00"), 0, 1, 3, 1, 1, H2C, N, N, NULL)
    RAW(1, "2024/03/01 09:59:00.0000000 1 2 ProtocolTalker *FAILED* [8024402C] x")
    EV(2, 1, 10, TS("2024-03-01 10:00:05"), 0, 4, 3, 1, 1, H7, IP, PRE, 11)
    RAW(2, "2024/03/01 10:00:05.0000000 1 2 WebServices WS error: <detail>" F1 "</detail>")
    EV(3, 1, 12, TS("2024-03-01 10:00:05"), 0, 1, 3, 1, 1, H7, N, N, NULL)
    RAW(3, "2024/03/01 10:00:05.0000000 1 2 ProtocolTalker *FAILED* [80244007] Sync")
    EV(4, 1, 31, TS("2024-03-02 00:00:00"), 0, 4, 3, 1, 1, H7, "'ConfigChanged'", N, 15)
    RAW(4, "config changed " F4)
    EV(5, 1, 40, TS("2024-03-02 00:00:10"), 0, 1, 3, 1, 1, H7, N, N, NULL)
    RAW(5, "*FAILED* [80244007] after config")
    EV(6, 2, 100, TS("2024-03-01 10:00:03"), 1, 5, 1, 1, 1, N, IP, PRE, 11)
    RAW(6, "2024-03-01 10:00:03.000 UTC\tError\tw3wp.1\tSoapUtilities.LogException\t"
           "ThrowException: actor = http://wsus01:8530/ClientWebService/client.asmx, ID=" F1
           "\n   at Microsoft.UpdateServices.Internal.SoapUtilities.ThrowException()")
    EV(7, 2, 200, TS("2024-03-05 12:00:02"), 1, 5, 1, 1, 2, N, IP, PRE, 13)
    RAW(7, "ThrowException: ID=" F2B ", Client=" C2)
    EV(8, 3, 10, TS("2024-03-05 12:00:00"), 0, 4, 4, 1, 2, H7, IP, PRE, 12)
    RAW(8, "WS error: <detail>" F2 "</detail>")
    EV(9, 3, 60, TS("2024-03-07 00:00:00"), 0, 4, 4, 1, 2, H7, IP, PRE, NULL)
    RAW(9, "WS error: <detail> no ID </detail>")
    EV(10, 3, 70, TS("2024-03-08 00:00:00"), 0, 1, 4, 1, 2, H2C, N, N, NULL)
    RAW(10, "*FAILED* [8024402C]")
    EV(11, 8, 10, TS("2024-03-06 00:00:00"), 1, 5, 2, 2, 1, N, IP, CAC, 14)
    RAW(11, "ThrowException: ID=" F3 ", Client=" C1)
    EV(12, 4, 1, TS("2024-03-04 00:00:00"), 0, 4, 5, 1, 3, H7, IP, PRE, 16)
    RAW(12, "incomplete " F5)
    EV(13, 2, 300, TS("2024-03-09 00:00:00"), 1, 6, 1, 1, NULL, N, N, N, NULL)
    "UPDATE events SET prefix = '=cmd|'' /C calc''!A0' || char(27) || '[0m' WHERE event_id = 13;"
    EV(14, 9, 10, TS("2024-03-03 13:00:00"), 0, 4, 5, 2, 3, H7, "'ConfigChanged'", N, 17)
    RAW(14, "WS error: ConfigChanged")
    EV(15, 2, 400, TS("2024-03-03 13:00:01"), 1, 5, 1, 1, 3, N, "'ConfigChanged'", N, 17)
    RAW(15, "ThrowException: ErrorCode=ConfigChanged")
    "INSERT INTO event_guids(guid_id, event_id, what) VALUES"
    " (11,2,1),(11,6,1),(13,7,1),(12,8,1),(14,11,1),(15,4,1),(16,12,1),(1,2,2),(11,2,3),"
    " (17,14,1),(17,15,1);"
    /* id, src, line, ts, host, server, client, exit, round trips, evaluated, deployed */
    SCAN(1, 1, 14, TS("2024-03-01 10:00:06"), 3, 1, 1, H7, "3", "100", "200")
    SCAN(2, 1, 50, TS("2024-03-03 00:00:00"), 3, 1, 1, "0", "1", "150", "300")
    SCAN(3, 3, 20, TS("2024-03-02 00:00:00"), 4, 1, 2, "0", N, "50", "90")
    SCAN(4, 3, 80, TS("2024-03-09 00:00:00"), 4, 2, 2, "0", "2", "60", "100")
    SCAN(5, 9, 3, TS("2024-03-03 12:00:00"), 5, 1, 3, "0", "1", "10", "20")
    SCAN(6, 4, 3, TS("2024-03-04 00:00:00"), 5, 1, 3, "0", "9", "999", "999")
    /* web.config rows: id, source, server, file_ts, prereq, cached.
     * wsus01 (short name of W1): 400/default until 03-04, then 800/30000.
     * wsus01.other.example: another domain, never W1's. W2 exactly, with
     * no keys (defaults); wsus02 by short name loses to the exact one. */
    "INSERT INTO server_config VALUES"
    " (1,5,'wsus01'," TS("2024-02-01 00:00:00") ",400,NULL),"
    " (2,5,'wsus01.other.example',NULL,500,NULL),"
    " (3,5,'" W2 "'," TS("2024-03-01 00:00:00") ",NULL,NULL),"
    " (4,5,'wsus02'," TS("2024-03-02 00:00:00") ",999,999),"
    " (5,5,'WSUS01'," TS("2024-03-04 00:00:00") ",800,30000);"
    "INSERT INTO problems(path, member, offset, line, kind, message, at) VALUES"
    " ('a.tar.zst','x/WindowsUpdate.log',1234,17,'WL_E_BAD_LINE','bad date','2024-03-10T00:00:00Z'),"
    " ('b.log','',NULL,NULL,'WL_E_TRUNCATED','-1 bytes','2024-03-10T00:00:01Z');"
    "COMMIT;";
/* clang-format on */

static char db_path[64];

/* A temporary index at path (a mkstemp template) holding sql's rows. */
static int make_db(char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char err[256], *msg = NULL;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	if (sqlite3_open(path, &db) != SQLITE_OK || wl_schema_init(db, err, sizeof err) != WL_OK)
		return -1;
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fixture: %s\n", msg ? msg : sqlite3_errmsg(db));
		return -1;
	}
	if (wl_schema_finish(db, err, sizeof err) != WL_OK)
		return -1;
	/* A checkpoint leaves the WAL empty: the sql tests compare the main
	 * file's bytes, which must hold everything. */
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_close(db);
	return 0;
}

static void remove_db(const char *path)
{
	char p[80];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	(void)state;
	const char *tmp = getenv("TMPDIR");
	snprintf(db_path, sizeof db_path, "%s/wlr-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	return make_db(db_path, fixture_sql);
}

static int teardown(void **state)
{
	(void)state;
	remove_db(db_path);
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
	char *args[40];
	assert_true(argc < 40);
	for (int i = 0; i < argc; i++)
		args[i] = (char *)argv[i];
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

/* The index query() reads: the fixture's, or another a test made. */
static const char *db_now = db_path;

static result query(const char *first, ...)
{
	const char *argv[40] = {"wsuslog-query", "--db", db_now};
	int argc = 3;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 39);
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

/* CSV output with the CRs dropped, compared whole. */
static void expect_csv(result r, const char *want)
{
	size_t w = 0;
	for (size_t i = 0; i < r.out_len; i++)
		if (r.out[i] != '\r')
			r.out[w++] = r.out[i];
	r.out[w] = '\0';
	if (r.rc != 0 || strcmp(r.out, want) != 0)
		print_error("rc %d\n--- got:\n%s--- want:\n%s--- stderr:\n%s", r.rc, r.out, want,
		            r.err);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, want);
	result_free(&r);
}

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

/* ---- servers ---- */

/* W1: clients C1 C2 C3 (events, scans), 4 scans, faults F1 F4 F2 F2B e9
 * F6, limit hits F1 F2 F2B e9; first e1 (09:59), last e13 (03-09).
 * W2: clients C1 (e11) C2 (scan 4) C3 (e14), F3; first e14 (03-03). */
static void test_servers(void **state)
{
	(void)state;
	expect_csv(query("servers", "-f", "csv", NULL),
	           "server,clients,scans,faults,faults_by_code,limit_hits,first_seen,last_seen\n" W1
	           ",3,4,6,InvalidParameters:4;ConfigChanged:2,4,"
	           "2024-03-01T09:59:00Z,2024-03-09T00:00:00Z\n" W2
	           ",3,1,1,InvalidParameters:1,1,2024-03-03T13:00:00Z,2024-03-09T00:00:00Z\n");
	/* From 03-05: W1 keeps F2 F2B e9 and the clients of e7..e10 (C2). */
	expect_csv(query("servers", "--since", "2024-03-05", "-f", "csv", NULL),
	           "server,clients,scans,faults,faults_by_code,limit_hits,first_seen,last_seen\n" W1
	           ",1,0,3,InvalidParameters:3,3,2024-03-05T12:00:00Z,2024-03-09T00:00:00Z\n" W2
	           ",2,1,1,InvalidParameters:1,1,2024-03-06T00:00:00Z,2024-03-09T00:00:00Z\n");
}

/* ---- clients ---- */

/* C2: failures e9 e10 (no ID) + F2 = 3; 80244007: e9 + F2 = 2; limit hits
 *     F2 F2B e9; servers W1 (events, scan 3) and W2 (scan 4).
 * C1: failures e1 e3 e5 + F1 F4 = 5; 80244007: e3 e5 + F1 F4 = 4; limit
 *     hits F1 F3 (its server record names C1); W2 through e11.
 * C3: F6 (e14 names W2, e15 W1) and scan 5; its other events are in the
 *     incomplete source. */
static void test_clients(void **state)
{
	(void)state;
	static const char head[] =
	    "client_id,host,servers,failures,top_codes,limit_hits,last_scan,last_successful_scan\n";
	static const char c2[] = C2 ",pc2," W1 ";" W2 ",3,80244007:2;8024402C:1,3,"
	                            "2024-03-09T00:00:00Z,2024-03-09T00:00:00Z\n";
	static const char c1[] = C1 ",pc1," W1 ";" W2 ",5,80244007:4;8024402C:1,2,"
	                            "2024-03-03T00:00:00Z,2024-03-03T00:00:00Z\n";
	static const char c3[] = C3 ",pc3," W1 ";" W2 ",1,80244007:1,0,2024-03-03T12:00:00Z,"
	                            "2024-03-03T12:00:00Z\n";
	char want[1024];
	snprintf(want, sizeof want, "%s%s%s%s", head, c2, c1, c3);
	expect_csv(query("clients", "-f", "csv", NULL), want);
	/* --server keeps the clients that named W2 (all three), with their
	 * whole rows. */
	expect_csv(query("clients", "--server", "WSUS02.Corp.Example", "-f", "csv", NULL), want);
	/* From 03-05: C1 has only F3 (e11, no HRESULT) and no scan; its only
	 * event is the server's record, so no client host is known. */
	expect_csv(query("clients", "--since", "2024-03-05", "-f", "csv", NULL),
	           "client_id,host,servers,failures,top_codes,limit_hits,last_scan,last_successful_"
	           "scan\n" C2 ",pc2," W1 ";" W2 ",3,80244007:2;8024402C:1,3,"
	           "2024-03-09T00:00:00Z,2024-03-09T00:00:00Z\n" C1 ",," W2 ",0,,1,,\n");
	/* Injection through --server finds no server, so no client. */
	expect_csv(query("clients", "--server", "x' OR 1=1 --", "-f", "csv", NULL), head);
	expect_csv(query("clients", "--server", "' OR ''='", "-f", "csv", NULL), head);
}

/* The per-client rules that need more than one host or record per
 * client, on an index of their own (clients.c folds them in C):
 * - C1's events come from pcb (client side) and from wsus01's own log
 *   (server side, host "aaa"), its scans from pca (a cloned image): host is
 *   the lowest name of the client-side hosts, pca, never aaa;
 * - fault F1 has three client records (two 80244007, one 8024402C): one
 *   failure, and one under each of its two codes; with 2 + 2 failures of
 *   80072EE2 and 80072EFD, failures = 5 and the top three codes are the
 *   two tied at 2 by code, then 80244007 (tied with 8024402C at 1);
 * - F1's server record names InstalledNonLeafUpdateIDs: one limit hit;
 * - C2 scans once against wsus02 only: --server keeps it alone. */
#define HA "2147954402" /* 0x80072EE2 */
#define HB "2147954429" /* 0x80072EFD */
static const char clients_sql[] =
    "BEGIN;"
    "INSERT INTO sources(source_id, source_key, path, member, format, role, host, complete,"
    " indexed_at) VALUES (1,'k1','c/pcb.log','','wu-etw','client','pcb',1,'t'),"
    " (2,'k2','c/pca.log','','wu-etw','client','pca',1,'t'),"
    " (3,'k3','s/w1.log','','sdist','server','aaa',1,'t'),"
    " (4,'k4','c/pcz.log','','wu-etw','client','pcz',1,'t');"
    "INSERT INTO hosts VALUES (1,'" W1 "'),(2,'pcb'),(3,'pca'),(4,'aaa'),(5,'" W2 "'),"
    " (6,'pcz');"
    "INSERT INTO guids VALUES (1,'" C1 "'),(2,'" C2 "'),(11,'" F1
    "');" EV(1, 1, 1, TS("2024-03-01 10:00:00"), 0, 1, 2, 1, 1, H7, N, N,
             11) EV(2, 1, 2, TS("2024-03-01 10:00:01"), 0, 1, 2, 1, 1, H7, N, N,
                    11) EV(3, 1, 3, TS("2024-03-01 10:00:02"), 0, 1, 2, 1, 1, H2C, N, N, 11)
        EV(4, 1, 4, TS("2024-03-01 11:00:00"), 0, 1, 2, 1, 1, HA, N, N, NULL)
            EV(5, 1, 5, TS("2024-03-01 11:00:01"), 0, 1, 2, 1, 1, HA, N, N, NULL)
                EV(6, 1, 6, TS("2024-03-01 11:00:02"), 0, 1, 2, 1, 1, HB, N, N, NULL)
                    EV(7, 1, 7, TS("2024-03-01 11:00:03"), 0, 1, 2, 1, 1, HB, N, N, NULL)
                        EV(8, 3, 1, TS("2024-03-01 09:59:59"), 1, 5, 4, 1, 1, N, IP, PRE, 11)
                            SCAN(1, 2, 1, TS("2024-03-02 00:00:00"), 3, 1, 1, "0", "1", "10", "20")
                                SCAN(2, 1, 9, TS("2024-03-01 12:00:00"), 2, NULL, 1, H7, N, N, N)
                                    SCAN(3, 4, 1, TS("2024-03-03 00:00:00"), 6, 5, 2, "0", "1",
                                         "10", "20") "COMMIT;";

/* The index of test_clients_fold, removed by its teardown even when an
 * assertion ends the test early. */
static char clients_db[64];

static int clients_fold_teardown(void **state)
{
	(void)state;
	db_now = db_path;
	if (clients_db[0])
		remove_db(clients_db);
	clients_db[0] = '\0';
	return 0;
}

static void test_clients_fold(void **state)
{
	(void)state;
	static const char head[] =
	    "client_id,host,servers,failures,top_codes,limit_hits,last_scan,last_successful_scan\n";
	static const char c1[] = C1 ",pca," W1 ",5,80072EE2:2;80072EFD:2;80244007:1,1,"
	                            "2024-03-02T00:00:00Z,2024-03-02T00:00:00Z\n";
	static const char c2[] = C2 ",pcz," W2 ",0,,0,2024-03-03T00:00:00Z,2024-03-03T00:00:00Z\n";
	char want[1024];
	const char *tmp = getenv("TMPDIR");
	snprintf(clients_db, sizeof clients_db, "%s/wlc-XXXXXX",
	         tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	assert_int_equal(make_db(clients_db, clients_sql), 0);
	db_now = clients_db;
	snprintf(want, sizeof want, "%s%s%s", head, c1, c2);
	expect_csv(query("clients", "-f", "csv", NULL), want);
	snprintf(want, sizeof want, "%s%s", head, c2);
	expect_csv(query("clients", "--server", W2, "-f", "csv", NULL), want);
	/* From 03-01 11:00: F1's records are out, so are its hit and codes. */
	snprintf(want, sizeof want,
	         "%s" C1 ",pca," W1 ",4,80072EE2:2;80072EFD:2,0,2024-03-02T00:00:00Z,"
	         "2024-03-02T00:00:00Z\n%s",
	         head, c2);
	expect_csv(query("clients", "--since", "2024-03-01T11:00:00", "-f", "csv", NULL), want);
}

/* ---- timeline ---- */

static void test_timeline(void **state)
{
	(void)state;
	/* Events per day with a time; faults by their time; days without
	 * anything between two rows are filled with zeros. */
	expect_csv(query("timeline", "-f", "csv", NULL), "bucket,events,faults,limit_hits\n"
	                                                 "2024-03-01T00:00:00Z,4,1,1\n"
	                                                 "2024-03-02T00:00:00Z,2,1,0\n"
	                                                 "2024-03-03T00:00:00Z,2,1,0\n"
	                                                 "2024-03-04T00:00:00Z,0,0,0\n"
	                                                 "2024-03-05T00:00:00Z,2,2,2\n"
	                                                 "2024-03-06T00:00:00Z,1,1,1\n"
	                                                 "2024-03-07T00:00:00Z,1,1,1\n"
	                                                 "2024-03-08T00:00:00Z,1,0,0\n"
	                                                 "2024-03-09T00:00:00Z,1,0,0\n");
	/* 2024-03-01 was a Friday: its ISO week starts Monday 02-26. */
	expect_csv(query("timeline", "--by", "week", "-f", "csv", NULL),
	           "bucket,events,faults,limit_hits\n"
	           "2024-02-26T00:00:00Z,8,3,1\n"
	           "2024-03-04T00:00:00Z,6,4,4\n");
	/* --code: events with it; faults with a record carrying it (none:
	 * SOAP faults carry 80244007). */
	expect_csv(
	    query("timeline", "--code", "0x8024402c", "--until", "2024-03-03", "-f", "csv", NULL),
	    "bucket,events,faults,limit_hits\n"
	    "2024-03-01T00:00:00Z,1,0,0\n");
	/* With 80244007 the client-only faults F4, F2, e9 and F1 count; the
	 * server-only F2B and F3 do not. */
	expect_csv(query("timeline", "--code", "80244007", "--server", W1, "--since", "2024-03-05",
	                 "-f", "csv", NULL),
	           "bucket,events,faults,limit_hits\n"
	           "2024-03-05T00:00:00Z,1,1,1\n"
	           "2024-03-06T00:00:00Z,0,0,0\n"
	           "2024-03-07T00:00:00Z,1,1,1\n");
	expect_csv(query("timeline", "--by", "hour", "--server", W2, "--since", "2024-03-04", "-f",
	                 "csv", NULL),
	           "bucket,events,faults,limit_hits\n"
	           "2024-03-06T00:00:00Z,1,1,1\n");
	expect_csv(query("timeline", "--server", "x' OR 1=1 --", "-f", "csv", NULL),
	           "bucket,events,faults,limit_hits\n");
}

/* The bar column, as a terminal gets it: scaled to the largest count. */
static void test_timeline_bars(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	char *buf = NULL, err[256];
	size_t len = 0;
	wl_qfilter f = {0};
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	FILE *out = open_memstream(&buf, &len);
	wl_out *o = wl_out_open(out, WL_OUT_TABLE);
	f.has_until = 1;
	assert_int_equal(wl_qtime_parse("2024-03-03", 1, &f.until_us), 0);
	wl_qdb *q = wl_qdb_wrap_sqlite(db);
	assert_non_null(q);
	assert_int_equal(wl_report_timeline(q, &f, WL_BUCKET_DAY, 1, o, err, sizeof err), WL_OK);
	wl_qdb_close(q);
	wl_out_close(o);
	fclose(out);
	sqlite3_close(db);
	/* 4 events: 40 full blocks; 2 events: 20. */
	char full[40 * 3 + 1], half[20 * 3 + 1];
	for (int i = 0; i < 40; i++)
		memcpy(full + 3 * i, "\xE2\x96\x88", 3);
	full[40 * 3] = '\0';
	memcpy(half, full, 20 * 3);
	half[20 * 3] = '\0';
	char want[1024];
	snprintf(want, sizeof want,
	         "bucket                events  faults  limit_hits  bar\n"
	         "--------------------  ------  ------  ----------  "
	         "----------------------------------------\n"
	         "2024-03-01T00:00:00Z       4       1           1  %s\n"
	         "2024-03-02T00:00:00Z       2       1           0  %s\n"
	         "2024-03-03T00:00:00Z       2       1           0  %s\n",
	         full, half, half);
	assert_string_equal(buf, want);
	free(buf);
}

/* ---- incident ---- */

static void test_incident_both_sides(void **state)
{
	(void)state;
	/* F1: both records by GUID; the client record's neighbours in its log
	 * (lines 5, 12 and the scan on 14; line 31 is beyond +-20). */
	expect_csv(
	    query("incident", "{F1000000-0000-0000-0000-000000000001}", "-f", "csv", NULL),
	    "match,role,time,host,server,client_id,code,fault_code,parameter,source,line,message\n"
	    "context,client,2024-03-01T09:59:00Z,pc1," W1 "," C1 ",8024402C,,,c/pc1.log,5,"
	    "2024/03/01 09:59:00.0000000 1 2 ProtocolTalker *FAILED* [8024402C] x\n"
	    "guid,server,2024-03-01T10:00:03Z," W1 "," W1 "," C1 ",,InvalidParameters,"
	    "InstalledNonLeafUpdateIDs,s/wsus01.log,100,\"2024-03-01 10:00:03.000 UTC\tError\t"
	    "w3wp.1\tSoapUtilities.LogException\tThrowException: actor = "
	    "http://wsus01:8530/ClientWebService/client.asmx, ID=" F1 "\n"
	    "   at Microsoft.UpdateServices.Internal.SoapUtilities.ThrowException()\"\n"
	    "guid,client,2024-03-01T10:00:05Z,pc1," W1 "," C1 ",80244007,InvalidParameters,"
	    "InstalledNonLeafUpdateIDs,c/pc1.log,10,"
	    "2024/03/01 10:00:05.0000000 1 2 WebServices WS error: <detail>" F1 "</detail>\n"
	    "context,client,2024-03-01T10:00:05Z,pc1," W1 "," C1 ",80244007,,,c/pc1.log,12,"
	    "2024/03/01 10:00:05.0000000 1 2 ProtocolTalker *FAILED* [80244007] Sync\n"
	    "context,client,2024-03-01T10:00:06Z,pc1," W1 "," C1 ",80244007,,,c/pc1.log,14,"
	    "[scan end] exit code 80244007; SyncUpdates round trips 3; evaluated appl. rules of "
	    "100 out of 200 deployed entities\n");
}

static void test_incident_fallback(void **state)
{
	(void)state;
	static const char head[] =
	    "match,role,time,host,server,client_id,code,fault_code,parameter,source,line,message\n";
	static const char scan3[] = "context,client,2024-03-02T00:00:00Z,pc2," W1 "," C2
	                            ",00000000,,,c/pc2.log,20,[scan end] exit code 00000000; "
	                            "evaluated appl. rules of 50 out of 90 deployed entities\n";
	char want[2048];
	/* F2 is on the client only: the server's record of C2 two seconds
	 * later, under another ID, is found by client id and time. */
	snprintf(want, sizeof want, "%s%s%s%s", head, scan3,
	         "guid,client,2024-03-05T12:00:00Z,pc2," W1 "," C2 ",80244007,InvalidParameters,"
	         "InstalledNonLeafUpdateIDs,c/pc2.log,10,WS error: <detail>" F2 "</detail>\n",
	         "client+time,server,2024-03-05T12:00:02Z," W1 "," W1 "," C2 ",,InvalidParameters,"
	         "InstalledNonLeafUpdateIDs,s/wsus01.log,200,\"ThrowException: ID=" F2B
	         ", Client=" C2 "\"\n");
	expect_csv(query("incident", F2, "-f", "csv", NULL), want);
	/* And the other way round. */
	snprintf(want, sizeof want, "%s%s%s%s", head, scan3,
	         "client+time,client,2024-03-05T12:00:00Z,pc2," W1 "," C2 ",80244007,"
	         "InvalidParameters,InstalledNonLeafUpdateIDs,c/pc2.log,10,WS error: <detail>" F2
	         "</detail>\n",
	         "guid,server,2024-03-05T12:00:02Z," W1 "," W1 "," C2 ",,InvalidParameters,"
	         "InstalledNonLeafUpdateIDs,s/wsus01.log,200,\"ThrowException: ID=" F2B
	         ", Client=" C2 "\"\n");
	expect_csv(query("incident", F2B, "-f", "csv", NULL), want);
	/* F3: server only, and C1 logged nothing within 5 minutes. */
	expect_csv(
	    query("incident", F3, "-f", "csv", NULL),
	    "match,role,time,host,server,client_id,code,fault_code,parameter,source,line,"
	    "message\nguid,server,2024-03-06T00:00:00Z," W2 "," W2 "," C1
	    ",,InvalidParameters,OtherCachedUpdateIDs,s/wsus02.log,10,\"ThrowException: ID=" F3
	    ", Client=" C1 "\"\n");
	/* F4 (ConfigChanged, client only): no server record of that code. */
	result r = query("incident", F4, "-f", "csv", NULL);
	assert_int_equal(r.rc, 0);
	assert_null(strstr(r.out, "client+time"));
	assert_non_null(strstr(r.out, "guid,client,2024-03-02T00:00:00Z"));
	result_free(&r);
	/* F5 exists only in an incomplete source; C1 is a client id, not a
	 * fault ID. Neither is an incident. */
	expect_csv(query("incident", F5, "-f", "csv", NULL), head);
	expect_csv(query("incident", C1, "-f", "csv", NULL), head);
	expect_usage(query("incident", F1 "' OR '1'='1", NULL), "not a GUID");
	expect_usage(query("incident", NULL), "missing GUID for 'incident'");
}

/* ---- sql ---- */

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t k = fread(buf + *n, 1, cap - *n, f);
		*n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	return buf;
}

static void test_sql_select(void **state)
{
	(void)state;
	expect_csv(query("sql",
	                 "SELECT count(*) AS n, 1.5 AS x, X'00ff' AS b, NULL AS z, 0.1 AS t,"
	                 " 1.0 / 3 AS third FROM events",
	                 "-f", "csv", NULL),
	           "n,x,b,z,t,third\n15,1.5,X'00FF',,0.1,0.33333333333333331\n");
	expect_csv(query("sql", "  SELECT name FROM hosts WHERE host_id < 3 ORDER BY 1; -- done\n",
	                 "-f", "csv", NULL),
	           "name\n" W1 "\n" W2 "\n");
	char version[64];
	snprintf(version, sizeof version, "user_version\n%d\n", WL_SCHEMA_VERSION);
	expect_csv(query("sql", "PRAGMA user_version", "-f", "csv", NULL), version);
	result r = query("sql", "PRAGMA table_info(hosts)", "-f", "json", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "{\"cid\":1,\"name\":\"name\",\"type\":\"TEXT\""));
	result_free(&r);
	r = query("sql",
	          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
	          " WHERE x < 3) SELECT sum(x) AS s FROM c",
	          "-f", "json", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "[\n{\"s\":6}\n]\n");
	result_free(&r);
}

/* Each statement is refused (exit 2, a message naming why) and the
 * database file is byte-for-byte what it was. */
static void test_sql_refused(void **state)
{
	(void)state;
	static const struct {
		const char *sql, *why;
	} bad[] = {
	    {"INSERT INTO hosts(name) VALUES ('x')", "INSERT into hosts is not allowed"},
	    {"UPDATE hosts SET name = 'x'", "UPDATE of hosts is not allowed"},
	    {"DELETE FROM hosts", "DELETE from hosts is not allowed"},
	    {"CREATE TABLE t(x)", "changing the schema"},
	    {"CREATE TEMP TABLE t(x)", "changing the schema"},
	    {"DROP TABLE hosts", "changing the schema"},
	    {"DROP VIEW events_v", "changing the schema"},
	    {"ALTER TABLE hosts ADD COLUMN y", "not allowed"},
	    {"ATTACH DATABASE '/tmp/wl-attach.db' AS x", "ATTACH is not allowed"},
	    {"DETACH DATABASE main", "DETACH is not allowed"},
	    {"PRAGMA writable_schema = 1", "PRAGMA writable_schema is not allowed"},
	    {"PRAGMA writable_schema", "PRAGMA writable_schema is not allowed"},
	    {"PRAGMA user_version = 7", "PRAGMA user_version is not allowed"},
	    {"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode is not allowed"},
	    {"SELECT load_extension('/tmp/x.so')", "load_extension is not allowed"},
	    {"SELECT LOAD_EXTENSION('/tmp/x.so', 'init')", "load_extension is not allowed"},
	    {"SELECT fts3_tokenizer('simple')", "fts3_tokenizer is not allowed"},
	    {"SELECT 1; DROP TABLE hosts", "only one statement"},
	    {"SELECT 1; SELECT 2", "only one statement"},
	    {"VACUUM", "would write"},
	    {"VACUUM INTO '/tmp/wl-vacuum-copy.db'", "write"},
	    {"BEGIN IMMEDIATE", "not allowed"},
	    {"REINDEX", "REINDEX is not allowed"},
	    {"ANALYZE", "is not allowed"},
	    {"", "no SQL statement"},
	    {"-- nothing", "no SQL statement"},
	    {"SELEKT 1", "syntax error"},
	    {"SELECT * FROM no_such_table", "no such table"},
	};
	size_t n0, n1;
	unsigned char *before = slurp(db_path, &n0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		result r = query("sql", "--", bad[i].sql, NULL);
		if (r.rc != WL_EXIT_USAGE || !strstr(r.err, bad[i].why))
			print_error("%s: rc %d: %s", bad[i].sql, r.rc, r.err);
		assert_int_equal(r.rc, WL_EXIT_USAGE);
		assert_non_null(strstr(r.err, "wsuslog-query: sql: "));
		assert_non_null(strstr(r.err, bad[i].why));
		assert_string_equal(r.out, "");
		result_free(&r);
	}
	unsigned char *after = slurp(db_path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	free(before);
	free(after);
	struct stat sb;
	assert_int_equal(stat("/tmp/wl-vacuum-copy.db", &sb), -1);
	expect_usage(query("sql", NULL), "missing SQL statement for 'sql'");
}

/* ---- CSV and table safety for log text ---- */

static void test_csv_formula_and_controls(void **state)
{
	(void)state;
	/* e13's raw line starts with '=' and holds an ESC: CSV defuses the
	 * formula and replaces the control character; the table shows '?'. */
	expect_csv(query("sql", "SELECT raw FROM event_raw WHERE event_id = 13", "-f", "csv", NULL),
	           "raw\n'=cmd|' /C calc'!A0\xEF\xBF\xBD[0m\n");
	result r = query("sql", "SELECT raw FROM event_raw WHERE event_id = 13", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "raw\n----------------------\n=cmd|' /C calc'!A0?[0m\n");
	result_free(&r);
	/* Numbers are never prefixed; text is, for each formula lead. */
	expect_csv(query("sql",
	                 "SELECT -5 AS i, '-5' AS t, '+1' AS p, '@SUM(A1)' AS a, 'x=1' AS ok,"
	                 " char(9) || 'tab' AS tab, '' AS e",
	                 "-f", "csv", NULL),
	           "i,t,p,a,ok,tab,e\n-5,'-5,'+1,'@SUM(A1),x=1,'\ttab,\n");
	/* JSON keeps the text as it is (escaped, not prefixed). */
	r = query("sql", "SELECT '=1+1' AS f", "-f", "json", NULL);
	assert_string_equal(r.out, "[\n{\"f\":\"=1+1\"}\n]\n");
	result_free(&r);
}

static void test_html_writer(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	static const char *const cols[] = {"a<b", "n"};
	FILE *f = open_memstream(&buf, &len);
	wl_out *o = wl_out_open(f, WL_OUT_HTML);
	assert_int_equal(wl_out_begin(o, cols, 2), WL_OK);
	static const char evil[] = "<script>alert('x')</script>&\"\x01\xFF\n";
	wl_val r1[] = {wl_v_text(evil, sizeof evil - 1), wl_v_int(-3)};
	wl_val r2[] = {wl_v_null(), wl_v_num("0.125", 5)};
	assert_int_equal(wl_out_row(o, r1), WL_OK);
	assert_int_equal(wl_out_row(o, r2), WL_OK);
	assert_int_equal(wl_out_end(o), WL_OK);
	wl_out_close(o);
	fclose(f);
	assert_string_equal(buf,
	                    "<table>\n<thead><tr><th>a&lt;b</th><th>n</th></tr></thead>\n<tbody>\n"
	                    "<tr><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
	                    "\xEF\xBF\xBD\xEF\xBF\xBD </td><td class=\"n\">-3</td></tr>\n"
	                    "<tr><td class=\"null\">-</td><td class=\"n\">0.125</td></tr>\n"
	                    "</tbody>\n</table>\n");
	free(buf);
}

/* ---- problems ---- */

static void test_problems(void **state)
{
	(void)state;
	expect_csv(
	    query("problems", "-f", "csv", NULL),
	    "path,member,offset,line,kind,message,at\n"
	    "a.tar.zst,x/WindowsUpdate.log,1234,17,WL_E_BAD_LINE,bad date,2024-03-10T00:00:00Z\n"
	    "b.log,,,,WL_E_TRUNCATED,'-1 bytes,2024-03-10T00:00:01Z\n");
}

/* ---- capacity ---- */

/* W1: clients C1 C2 C3; prereq hit by C1 (F1) and C2 (F2 F2B e9): 2/3;
 * 4 faults over 7.584 days (03-01 09:59 to 03-09 00:00). The web.config
 * "wsus01" (short name) went from 400 to 800 on 03-04: before, C1 C2 C3
 * used W1 and C1 hit it (1/3); after, only C2, who hit it (1/1).
 * W2: exact web.config without keys (the short-name "wsus02" loses): the
 * defaults. F3 hit by C1 of C1 C2 C3, 1 fault over 5.458 days (03-03
 * 13:00 to 03-09). */
static void test_capacity(void **state)
{
	(void)state;
	expect_csv(query("capacity", "-f", "csv", NULL),
	           "server,parameter,limit,clients_scanned,clients_hit,hit_rate,hits_per_day,"
	           "limit_value,limit_source,rates_by_value\n" W1
	           ",InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,3,2,0.667,0.527,800,"
	           "web.config,400 until 2024-03-04: 0.333; 800 since 2024-03-04: 1.000\n" W1
	           ",OtherCachedUpdateIDs,maxCachedUpdates,3,0,0.000,0.000,30000,web.config,"
	           "22000 until 2024-03-04: 0.000; 30000 since 2024-03-04: 0.000\n" W2
	           ",InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,3,0,0.000,0.000,400,"
	           "default (web.config without key),\n" W2
	           ",OtherCachedUpdateIDs,maxCachedUpdates,3,1,0.333,0.183,22000,"
	           "default (web.config without key),\n");
	/* The disclaimer: after the table on stdout, on stderr for CSV/JSON. */
	result r = query("capacity", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\n\nNote: " WL_PROXY_NOTE "\n"));
	result_free(&r);
	r = query("capacity", "-f", "json", NULL);
	assert_int_equal(r.rc, 0);
	assert_null(strstr(r.out, "Note"));
	assert_non_null(strstr(r.err, WL_PROXY_NOTE));
	assert_non_null(
	    strstr(r.out, "\"hit_rate\":0.667,\"hits_per_day\":0.527,\"limit_value\":800"));
	result_free(&r);
}

/* Per client its largest value over its scans naming the server. W1: C1
 * (150/300/3) and C2 (50/90/-) hit, C3 (10/20/1) did not; W2: C2 only,
 * not a hit there. Nearest rank: p50 of {50, 150} is 50, p90 150. */
static void test_capacity_proxies(void **state)
{
	(void)state;
	expect_csv(query("capacity", "--proxies", "-f", "csv", NULL),
	           "server,proxy,group,clients,min,p50,p90,max\n" W1
	           ",evaluated,hit,2,50,50,150,150\n" W1 ",evaluated,not hit,1,10,10,10,10\n" W1
	           ",deployed,hit,2,90,90,300,300\n" W1 ",deployed,not hit,1,20,20,20,20\n" W1
	           ",round_trips,hit,1,3,3,3,3\n" W1 ",round_trips,not hit,1,1,1,1,1\n" W2
	           ",evaluated,not hit,1,60,60,60,60\n" W2
	           ",deployed,not hit,1,100,100,100,100\n" W2 ",round_trips,not hit,1,2,2,2,2\n");
	result r = query("capacity", "--proxies", NULL);
	assert_non_null(strstr(r.out, "Note: Logs never record how many update IDs a client sent"));
	result_free(&r);
}

static char counts_path[80];

static void write_counts(const char *text)
{
	snprintf(counts_path, sizeof counts_path, "%s.counts.csv", db_path);
	FILE *f = fopen(counts_path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_capacity_counts(void **state)
{
	(void)state;
	/* 100 clients: prereq 1..100, cached 100..10000. P99 is the 99th:
	 * 99 * 1.25 = 123.75 -> 200; 9900 * 1.25 = 12375 -> 13000. */
	size_t cap = 100 * 64 + 64;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, cap,
	                            "\xEF\xBB\xBF"
	                            "client_id,installed_non_leaf,cached\r\n");
	for (int i = 1; i <= 100; i++)
		k += (size_t)snprintf(
		    text + k, cap - k, "%s%08x-0000-4000-8000-000000000000%s,%d,\"%d\"\r\n",
		    i == 7 ? "{" : "", (unsigned)i, i == 7 ? "}" : "", i, i * 100);
	write_counts(text);
	free(text);
	/* current: the latest web.config value of each name, oldest first
	 * (the one without a file time first). */
	expect_csv(query("capacity", "--counts", counts_path, "-f", "csv", NULL),
	           "parameter,limit,clients,percentile,value_at_percentile,headroom,recommended,"
	           "current\n"
	           "InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,100,99,99,0.25,200,"
	           "wsus01.other.example=500;" W2 "=400;wsus02=999;wsus01=800\n"
	           "OtherCachedUpdateIDs,maxCachedUpdates,100,99,9900,0.25,13000,"
	           "wsus01.other.example=22000;" W2 "=22000;wsus02=999;wsus01=30000\n");
	expect_csv(query("capacity", "--counts", counts_path, "--percentile", "50", "--headroom",
	                 "0", "-f", "csv", NULL),
	           "parameter,limit,clients,percentile,value_at_percentile,headroom,recommended,"
	           "current\n"
	           "InstalledNonLeafUpdateIDs,maxInstalledPrerequisites,100,50,50,0,100,"
	           "wsus01.other.example=500;" W2 "=400;wsus02=999;wsus01=800\n"
	           "OtherCachedUpdateIDs,maxCachedUpdates,100,50,5000,0,5000,"
	           "wsus01.other.example=22000;" W2 "=22000;wsus02=999;wsus01=30000\n");
	unlink(counts_path);
}

static void expect_counts_error(const char *text, const char *needle)
{
	char want[160];
	write_counts(text);
	snprintf(want, sizeof want, "%s%s", counts_path, needle);
	result r = query("capacity", "--counts", counts_path, NULL);
	if (r.rc != WL_EXIT_USAGE || !strstr(r.err, want))
		print_error("%s: rc %d: %s", needle, r.rc, r.err);
	assert_int_equal(r.rc, WL_EXIT_USAGE);
	assert_non_null(strstr(r.err, want));
	assert_string_equal(r.out, "");
	result_free(&r);
	unlink(counts_path);
}

#define G1 "11111111-2222-3333-4444-555555555555"
#define G2 "21111111-2222-3333-4444-555555555555"
#define HDR "client_id,installed_non_leaf,cached\n"

static void test_capacity_counts_invalid(void **state)
{
	(void)state;
	expect_counts_error("", ":1: empty file");
	expect_counts_error("client,installed,cached\n" G1 ",1,2\n", ":1: the header must be");
	expect_counts_error(HDR, ":1: no clients");
	expect_counts_error(HDR G1 ",1,2\npc01,3,4\n", ":3: client_id is not a GUID");
	expect_counts_error(HDR G1 ",-1,2\n", ":2: installed_non_leaf is not a whole number");
	expect_counts_error(HDR G1 ",1,2.5\n", ":2: cached is not a whole number");
	expect_counts_error(HDR G1 ",1,99999999999\n", ":2: cached is not a whole number");
	expect_counts_error(HDR G1 ",1,\n", ":2: cached is not a whole number");
	expect_counts_error(HDR G1 ",1,2,3\n", ":2: expected 3 fields");
	expect_counts_error(HDR G1 ",1\n", ":2: expected 3 fields");
	expect_counts_error(HDR G1 ",\"1\"\"\",2\n", ":2: a quote inside a field");
	expect_counts_error(HDR G1 ",1,2\n\n" G2 ",1,2\n", ":3: empty line");
	expect_counts_error(HDR G1 ",1,2\n" G2 ",1,2\n" G1 ",5,6\n",
	                    ":4: client_id repeats line 2");
	/* A line over the cap. */
	char *big = malloc(8192);
	assert_non_null(big);
	snprintf(big, 8192, HDR G1 ",1,%05000d\n", 2);
	expect_counts_error(big, ":2: line too long");
	free(big);
	/* Trailing blank lines are fine. */
	write_counts(HDR G1 ",1,2\n\n\n");
	result r = query("capacity", "--counts", counts_path, "-f", "csv", NULL);
	assert_int_equal(r.rc, 0);
	result_free(&r);
	unlink(counts_path);
	r = query("capacity", "--counts", "/nonexistent/counts.csv", NULL);
	assert_int_equal(r.rc, WL_EXIT_USAGE);
	assert_non_null(strstr(r.err, "/nonexistent/counts.csv: cannot open"));
	result_free(&r);
}

static void test_counts_math(void **state)
{
	(void)state;
	int64_t v[] = {5, 1, 4, 2, 3};
	assert_int_equal(wl_counts_percentile(v, 5, 100000000), 5); /* P100: the largest */
	assert_int_equal(wl_counts_percentile(v, 5, 50000000), 3);  /* rank 2.5 -> 3 */
	assert_int_equal(wl_counts_percentile(v, 5, 40000000), 2);  /* rank 2 exactly */
	assert_int_equal(wl_counts_percentile(v, 5, 1), 1);
	int64_t one[] = {7};
	assert_int_equal(wl_counts_percentile(one, 1, 99000000), 7);
	/* No floating point: 400 * 1.25 is 500, not 501 -> 600. */
	assert_int_equal(wl_counts_recommend(400, 250000, 100), 500);
	assert_int_equal(wl_counts_recommend(401, 250000, 100), 600);
	assert_int_equal(wl_counts_recommend(17600, 250000, 1000), 22000);
	assert_int_equal(wl_counts_recommend(0, 250000, 100), 100);
	assert_int_equal(wl_counts_recommend(1000000000, 10000000, 1000), 11000000000);
	int64_t m;
	assert_int_equal(wl_qdec_parse("99", &m), 0);
	assert_int_equal(m, 99000000);
	assert_int_equal(wl_qdec_parse("0.25", &m), 0);
	assert_int_equal(m, 250000);
	assert_int_equal(wl_qdec_parse("99.999999", &m), 0);
	assert_int_equal(m, 99999999);
	assert_int_equal(wl_qdec_parse("1.2345678", &m), -1);
	assert_int_equal(wl_qdec_parse("-1", &m), -1);
	assert_int_equal(wl_qdec_parse(".5", &m), -1);
	assert_int_equal(wl_qdec_parse("5.", &m), -1);
	assert_int_equal(wl_qdec_parse("1e3", &m), -1);
	assert_int_equal(wl_qdec_parse("", &m), -1);
}

/* ---- report --html ---- */

static void test_report_html(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "%s.html", db_path);
	setenv("SOURCE_DATE_EPOCH", "1710028800", 1);
	result r = query("report", "--html", path, NULL);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	result_free(&r);
	size_t n;
	char *h = (char *)slurp(path, &n);
	h = realloc(h, n + 1);
	h[n] = '\0';
	assert_true(strncmp(h, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(h, "generated 2024-03-10T00:00:00Z"));
	assert_non_null(strstr(h, "<section id=\"limits\">"));
	assert_non_null(strstr(h, "<tr><td>" W1 "</td><td>InstalledNonLeafUpdateIDs</td>"
	                          "<td>maxInstalledPrerequisites</td><td class=\"n\">4</td>"));
	assert_non_null(strstr(h, "<svg"));
	assert_non_null(strstr(h, WL_PROXY_NOTE));
	assert_non_null(strstr(h, "WU_E_PT_SOAPCLIENT_SOAPFAULT"));
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "src="));
	assert_non_null(strstr(h, "</html>\n"));
	free(h);
	unlink(path);
	/* A directory that does not exist: exit 1, nothing left behind. */
	r = query("report", "--html", "/nonexistent/dir/r.html", NULL);
	assert_int_equal(r.rc, WL_EXIT_FATAL);
	assert_non_null(strstr(r.err, "cannot create"));
	result_free(&r);
}

/* ---- the command line of the new commands ---- */

static void test_cli(void **state)
{
	(void)state;
	expect_usage(query("timeline", "--by", "code", NULL), "--by takes hour, day or week");
	expect_usage(query("errors", "--by", "week", NULL), "--by takes code, server or client");
	expect_usage(query("timeline", "--code", "8024400", NULL), "--code takes an HRESULT");
	expect_usage(query("timeline", "--code", "0x8024400G", NULL), "--code takes an HRESULT");
	expect_usage(query("timeline", "--code", "80244007' OR 1=1", NULL), "--code takes");
	expect_usage(query("servers", "--server", W1, NULL),
	             "--server does not apply to 'servers'");
	expect_usage(query("problems", "--since", "2024-01-01", NULL), "--since does not apply");
	expect_usage(query("limits", "--proxies", NULL), "--proxies does not apply to 'limits'");
	expect_usage(query("errors", "--code", "80244007", NULL), "--code does not apply");
	expect_usage(query("incident", F1, "--since", "2024-01-01", NULL),
	             "--since does not apply");
	expect_usage(query("capacity", "--proxies", "--counts", "x.csv", NULL), "give one");
	expect_usage(query("capacity", "--percentile", "50", NULL), "need --counts");
	expect_usage(query("capacity", "--counts", "x.csv", "--since", "2024-01-01", NULL),
	             "do not apply to 'capacity --counts'");
	expect_usage(query("capacity", "--counts", "x.csv", "--percentile", "0", NULL),
	             "--percentile takes");
	expect_usage(query("capacity", "--counts", "x.csv", "--percentile", "101", NULL),
	             "--percentile takes");
	expect_usage(query("capacity", "--counts", "x.csv", "--headroom", "-0.1", NULL),
	             "--headroom takes");
	expect_usage(query("capacity", "--html", "x", NULL), "--html does not apply");
	expect_usage(query("report", NULL), "report needs --html FILE");
	expect_usage(query("report", "--html", "x.html", "-f", "csv", NULL),
	             "--format does not apply to 'report'");
	expect_usage(query("sql", "SELECT 1", "extra", NULL), "unexpected argument 'extra'");
	expect_usage(query("guid", "x' OR 1=1 --", NULL), "not a GUID");
}

int main(void)
{
	/* Every connection these tests open reads `events`. */
	sqlite3_auto_extension((void (*)(void))wl_events_vtab_entry);
	/* The fixture inserts rows into the tables directly, not through the
	 * store, so the summary tables are empty: these tests pin the reports'
	 * semantics on the raw-event statements, and e2e_summaries requires
	 * the summaries to give the same answers on indexes the store wrote. */
	setenv("WSUSLOG_QUERY_RAW", "1", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_servers),
	    cmocka_unit_test(test_clients),
	    cmocka_unit_test_teardown(test_clients_fold, clients_fold_teardown),
	    cmocka_unit_test(test_timeline),
	    cmocka_unit_test(test_timeline_bars),
	    cmocka_unit_test(test_incident_both_sides),
	    cmocka_unit_test(test_incident_fallback),
	    cmocka_unit_test(test_sql_select),
	    cmocka_unit_test(test_sql_refused),
	    cmocka_unit_test(test_csv_formula_and_controls),
	    cmocka_unit_test(test_html_writer),
	    cmocka_unit_test(test_problems),
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_capacity_proxies),
	    cmocka_unit_test(test_capacity_counts),
	    cmocka_unit_test(test_capacity_counts_invalid),
	    cmocka_unit_test(test_counts_math),
	    cmocka_unit_test(test_report_html),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
