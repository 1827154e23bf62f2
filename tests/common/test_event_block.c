/* Event blocks (include/wsuslog/event_block.h) and the `events` table over
 * them (common/events_vtab.c): the encoding round-trips every column, a
 * damaged block is an error naming where, never a crash, and each plan of
 * the virtual table returns exactly the rows a plain table would. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "wsuslog/event_block.h"
#include "wsuslog/schema.h"

/* Event i of a test block: every column varies, some are NULL. */
static wl_bevent event_n(int i, char *buf, size_t n)
{
	snprintf(buf, n, "2026-03-0%d 10:00:%02d.000 UTC\tError\tw3wp.%d\t", i % 9 + 1, i % 60, i);
	wl_bevent e = {
	    .id = 1000 + i,
	    .source = 7,
	    .line = 10 + 3 * i,
	    .ts = i % 5 ? (int64_t)1772000000000000 + i * 1000003LL : 0,
	    .has_ts = i % 5 != 0,
	    .hresult = i % 4 ? (int64_t)0x80244007u + i : 0,
	    .has_hr = i % 4 != 0,
	    .host = 1 + i % 3,
	    .server = i % 2 ? 4 : 0,
	    .client = i % 7 ? 9 : 0,
	    .comp = 2,
	    .fault = i % 11 == 0 ? 40 + i : 0,
	    .msg = i % 6 ? 100 + i % 13 : 0,
	    .role = i % 2,
	    .kind = 1 + i % 6,
	    .fault_code = i % 11 == 0 ? (wl_btext){"InvalidParameters", 17} : (wl_btext){"", -1},
	    .parameter = i % 22 == 0 ? (wl_btext){"OtherCachedUpdateIDs", 20} : (wl_btext){"", -1},
	    .prefix = {buf, (int32_t)strlen(buf)},
	};
	return e;
}

static void assert_text_equal(wl_btext a, wl_btext b)
{
	assert_int_equal(a.n, b.n);
	if (a.n > 0)
		assert_memory_equal(a.p, b.p, (size_t)a.n);
}

static void assert_event_equal(const wl_bevent *a, const wl_bevent *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->source, b->source);
	assert_int_equal(a->line, b->line);
	assert_int_equal(a->has_ts, b->has_ts);
	if (a->has_ts)
		assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->has_hr, b->has_hr);
	if (a->has_hr)
		assert_int_equal(a->hresult, b->hresult);
	assert_int_equal(a->host, b->host);
	assert_int_equal(a->server, b->server);
	assert_int_equal(a->client, b->client);
	assert_int_equal(a->comp, b->comp);
	assert_int_equal(a->fault, b->fault);
	assert_int_equal(a->msg, b->msg);
	assert_int_equal(a->role, b->role);
	assert_int_equal(a->kind, b->kind);
	assert_text_equal(a->fault_code, b->fault_code);
	assert_text_equal(a->parameter, b->parameter);
	assert_text_equal(a->prefix, b->prefix);
}

enum { N = 300 };

/* The blob of events 0..n-1 (in id order, or reversed), in *out (malloc'd). */
static size_t make_block(int n, int reversed, void **out)
{
	wl_block_enc b = {0};
	char buf[128];
	for (int k = 0; k < n; k++) {
		int i = reversed ? n - 1 - k : k;
		wl_bevent e = event_n(i, buf, sizeof buf);
		assert_int_equal(wl_block_add(&b, &e), WL_OK);
	}
	const void *data;
	size_t size;
	assert_int_equal(wl_block_seal(&b, &data, &size), WL_OK);
	*out = malloc(size);
	memcpy(*out, data, size);
	wl_block_enc_free(&b);
	return size;
}

static void test_round_trip(void **state)
{
	(void)state;
	void *blob;
	size_t size = make_block(N, 0, &blob);
	wl_block_dec d = {0};
	char err[200] = "";
	assert_int_equal(wl_block_decode(&d, blob, size, INT64_MAX, true, err, sizeof err), WL_OK);
	assert_int_equal(d.n, N);
	char buf[128];
	for (int i = 0; i < N; i++) {
		wl_bevent want = event_n(i, buf, sizeof buf);
		assert_event_equal(&d.rows[i], &want);
	}
	/* Up to an id: a block whose ids ascend stops after it. */
	assert_int_equal(wl_block_decode(&d, blob, size, 1000 + 41, true, err, sizeof err), WL_OK);
	assert_int_equal(d.n, 42);
	assert_int_equal(d.rows[41].id, 1041);
	wl_block_dec_free(&d);
	free(blob);
}

/* Ids out of order: every event is decoded whatever upto says. */
static void test_unsorted_decodes_all(void **state)
{
	(void)state;
	void *blob;
	size_t size = make_block(N, 1, &blob);
	wl_block_dec d = {0};
	char err[200] = "";
	assert_int_equal(wl_block_decode(&d, blob, size, 1005, true, err, sizeof err), WL_OK);
	assert_int_equal(d.n, N);
	assert_int_equal(d.rows[0].id, 1000 + N - 1);
	wl_block_dec_free(&d);
	free(blob);
}

/* Events as small as the encoding allows (no time, no code, no ids, an
 * empty line) read back: the count check allows for them. */
static void test_smallest_events(void **state)
{
	(void)state;
	wl_block_enc b = {0};
	enum { M = 2000 };
	for (int i = 0; i < M; i++) {
		wl_bevent e = {.id = i + 1,
		               .source = 1,
		               .fault_code = {"", -1},
		               .parameter = {"", -1},
		               .prefix = {"", 0}};
		assert_int_equal(wl_block_add(&b, &e), WL_OK);
	}
	const void *data;
	size_t size;
	assert_int_equal(wl_block_seal(&b, &data, &size), WL_OK);
	wl_block_dec d = {0};
	char err[200] = "";
	if (wl_block_decode(&d, data, size, INT64_MAX, true, err, sizeof err) != WL_OK)
		fail_msg("%s", err);
	assert_int_equal(d.n, M);
	assert_int_equal(d.rows[M - 1].id, M);
	assert_int_equal(d.rows[M - 1].prefix.n, 0);
	wl_block_dec_free(&d);
	wl_block_enc_free(&b);
}

/* Numbers only: the texts' frame is not read (it may be damaged), every
 * text is NULL, and the numbers are the same. */
static void test_numbers_only(void **state)
{
	(void)state;
	void *blob;
	size_t size = make_block(N, 0, &blob);
	size_t first = ZSTD_findFrameCompressedSize(blob, size);
	assert_true(first < size); /* two frames */
	unsigned char *bad = malloc(size);
	memcpy(bad, blob, size);
	memset(bad + first, 0xee, size - first); /* the texts' frame destroyed */
	wl_block_dec d = {0};
	char err[200] = "";
	if (wl_block_decode(&d, bad, size, INT64_MAX, false, err, sizeof err) != WL_OK)
		fail_msg("%s", err);
	assert_false(d.texts);
	assert_int_equal(d.n, N);
	char buf[128];
	for (int i = 0; i < N; i++) {
		wl_bevent want = event_n(i, buf, sizeof buf);
		want.fault_code = want.parameter = want.prefix = (wl_btext){"", -1};
		assert_event_equal(&d.rows[i], &want);
	}
	/* With the texts: the damage is found, and named. */
	assert_int_equal(wl_block_decode(&d, bad, size, INT64_MAX, true, err, sizeof err), WL_E_DB);
	assert_non_null(strstr(err, "event block"));
	assert_int_equal(wl_block_decode(&d, blob, size, INT64_MAX, true, err, sizeof err), WL_OK);
	assert_true(d.texts);
	free(bad);
	wl_block_dec_free(&d);
	free(blob);
}

/* ---- blocks of one frame, as written before December 2026 ---- */

static void put_v(unsigned char *b, size_t *n, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		b[(*n)++] = (unsigned char)(v | 0x80);
	b[(*n)++] = (unsigned char)v;
}

static uint64_t zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void put_t(unsigned char *b, size_t *n, wl_btext t)
{
	if (t.n < 0) {
		put_v(b, n, 0);
		return;
	}
	put_v(b, n, (uint64_t)t.n + 1);
	memcpy(b + *n, t.p, (size_t)t.n);
	*n += (size_t)t.n;
}

/* Events 0..n-1 in the one-frame layout (texts after their lengths),
 * written here from its description, not by the encoder. */
static size_t one_frame_block(int n, void **out)
{
	unsigned char *raw = malloc((size_t)n * 256 + 16);
	size_t k = 0;
	put_v(raw, &k, (uint64_t)n << 1 | 1);
	wl_bevent prev = {0};
	char buf[128];
	for (int i = 0; i < n; i++) {
		wl_bevent e = event_n(i, buf, sizeof buf);
		put_v(raw, &k, zz(e.id - prev.id));
		put_v(raw, &k, zz(e.source - prev.source));
		put_v(raw, &k, zz(e.line - prev.line));
		put_v(raw, &k, (uint64_t)e.has_ts | (uint64_t)e.has_hr << 1);
		if (e.has_ts)
			put_v(raw, &k, zz(e.ts - prev.ts));
		if (e.has_hr)
			put_v(raw, &k, zz(e.hresult));
		put_v(raw, &k, zz(e.role));
		put_v(raw, &k, zz(e.kind));
		const int64_t ids[] = {e.host, e.server, e.client, e.comp, e.fault, e.msg};
		for (size_t j = 0; j < 6; j++)
			put_v(raw, &k, zz(ids[j]));
		put_t(raw, &k, e.fault_code);
		put_t(raw, &k, e.parameter);
		put_t(raw, &k, e.prefix);
		int64_t ts = e.has_ts ? e.ts : prev.ts;
		prev = e;
		prev.ts = ts;
	}
	size_t cap = ZSTD_compressBound(k);
	*out = malloc(cap);
	size_t zn = ZSTD_compress(*out, cap, raw, k, 1);
	assert_false(ZSTD_isError(zn));
	free(raw);
	return zn;
}

/* A one-frame block reads with its texts, whether they were asked for or
 * not. */
static void test_one_frame_blocks(void **state)
{
	(void)state;
	void *blob;
	size_t size = one_frame_block(N, &blob);
	wl_block_dec d = {0};
	char err[200] = "";
	char buf[128];
	for (int texts = 0; texts < 2; texts++) {
		if (wl_block_decode(&d, blob, size, INT64_MAX, texts, err, sizeof err) != WL_OK)
			fail_msg("%s", err);
		assert_true(d.texts);
		assert_int_equal(d.n, N);
		for (int i = 0; i < N; i++) {
			wl_bevent want = event_n(i, buf, sizeof buf);
			assert_event_equal(&d.rows[i], &want);
		}
	}
	wl_block_dec_free(&d);
	free(blob);
}

/* Cut, flipped or foreign bytes: an error with a reason, never a crash or
 * a read past the buffer (ASan runs this too). */
static void test_damaged(void **state)
{
	(void)state;
	void *blob;
	size_t size = make_block(N, 0, &blob);
	wl_block_dec d = {0};
	char err[200];
	for (size_t cut = 0; cut < size; cut += 7) {
		err[0] = 0;
		assert_int_not_equal(
		    wl_block_decode(&d, blob, cut, INT64_MAX, true, err, sizeof err), WL_OK);
		assert_non_null(strstr(err, "event block"));
	}
	unsigned char *bad = malloc(size);
	for (size_t at = 0; at < size; at += 3) {
		memcpy(bad, blob, size);
		bad[at] ^= 0x5a;
		err[0] = 0;
		wl_status st = wl_block_decode(&d, bad, size, INT64_MAX, true, err, sizeof err);
		if (st != WL_OK)
			assert_non_null(strstr(err, "event block"));
	}
	free(bad);
	/* A valid zstd frame whose content is not an encoding. */
	static const char junk[] = "\x05"
	                           "not an event block at all, just text";
	void *z = malloc(256);
	size_t zn = ZSTD_compress(z, 256, junk, sizeof junk, 1);
	assert_int_equal(wl_block_decode(&d, z, zn, INT64_MAX, true, err, sizeof err), WL_E_DB);
	assert_non_null(strstr(err, "offset"));
	free(z);
	wl_block_dec_free(&d);
	free(blob);
}

/* ---- the virtual table ---- */

static sqlite3 *db;

static int setup_db(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(wl_schema_init(db, err, sizeof err), WL_OK);
	/* A plain table with the same rows, to compare every plan against. */
	assert_int_equal(
	    sqlite3_exec(db,
	                 "CREATE TABLE plain AS SELECT * FROM event_notes WHERE 0;"
	                 "INSERT INTO sources(source_id, source_key, path, format, role,"
	                 " indexed_at, complete) VALUES (1, 'k1', 'a.log', 'x', 'client',"
	                 " '', 1), (2, 'k2', 'b.log', 'x', 'server', '', 1)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	/* 1500 events of two sources through SQL (one block each, in chunks
	 * spread over ids), and the same into plain. */
	const char *ins = "INSERT INTO %s(event_id, source_id, line, ts, role, kind, host_id,"
	                  " hresult, fault_code, parameter, fault_guid_id, prefix)"
	                  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                  " WHERE i < 1500) SELECT i * 7, 1 + i %% 2, i, 1772000000000000 + i,"
	                  " i %% 2, 1 + i %% 5, 1 + i %% 3, CASE WHEN i %% 4 THEN 2149793799 END,"
	                  " CASE WHEN i %% 100 = 0 THEN 'InvalidParameters' END,"
	                  " CASE WHEN i %% 200 = 0 THEN 'OtherCachedUpdateIDs' END,"
	                  " CASE WHEN i %% 50 = 0 THEN 5 + i %% 3 END, 'line ' || i FROM n";
	char sql[1024];
	for (int t = 0; t < 2; t++) {
		snprintf(sql, sizeof sql, ins, t ? "plain" : "events");
		char *msg = NULL;
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
	}
	return 0;
}

static int teardown_db(void **state)
{
	(void)state;
	sqlite3_close(db);
	return 0;
}

/* The same query over events and over plain gives the same rows. */
static void same_rows(const char *where)
{
	char a[1024], b[1024];
	const char *cols =
	    "group_concat(event_id || ':' || source_id || ':' || line || ':' ||"
	    " coalesce(ts, '') || ':' || role || ':' || kind || ':' ||"
	    " coalesce(hresult, '') || ':' || coalesce(fault_code, '') || ':' ||"
	    " coalesce(parameter, '') || ':' || coalesce(fault_guid_id, '') || ':' ||"
	    " prefix, ',')";
	snprintf(a, sizeof a, "SELECT count(*), %s FROM (SELECT * FROM events WHERE %s ORDER BY 1)",
	         cols, where);
	snprintf(b, sizeof b, "SELECT count(*), %s FROM (SELECT * FROM plain WHERE %s ORDER BY 1)",
	         cols, where);
	sqlite3_stmt *sa = NULL, *sb = NULL;
	if (sqlite3_prepare_v2(db, a, -1, &sa, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, b, -1, &sb, NULL) != SQLITE_OK)
		fail_msg("%s: %s", where, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(sa), SQLITE_ROW);
	assert_int_equal(sqlite3_step(sb), SQLITE_ROW);
	if (sqlite3_column_int(sa, 0) != sqlite3_column_int(sb, 0))
		fail_msg("%s: %d rows from events, %d from plain", where, sqlite3_column_int(sa, 0),
		         sqlite3_column_int(sb, 0));
	const char *ta = (const char *)sqlite3_column_text(sa, 1);
	const char *tb = (const char *)sqlite3_column_text(sb, 1);
	if ((ta == NULL) != (tb == NULL) || (ta && strcmp(ta, tb) != 0))
		fail_msg("%s: rows differ", where);
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
}

static void test_plans(void **state)
{
	(void)state;
	static const char *const where[] = {
	    "1",                                              /* scan */
	    "event_id = 700",                                 /* one id */
	    "event_id = 701",                                 /* no such id */
	    "event_id IN (7, 14, 7000, 10493, 10500, 99)",    /* a list */
	    "event_id BETWEEN 6000 AND 9100",                 /* a range */
	    "event_id > 10000",                               /* open range */
	    "event_id >= 7.5 AND event_id < 70.2",            /* bounds not integers */
	    "source_id = 2",                                  /* one source */
	    "source_id = 1 AND event_id BETWEEN 70 AND 7000", /* a source's range */
	    "source_id = 'x'",
	    "fault_guid_id = 6", /* event_notes */
	    "fault_guid_id IN (5, 7)",
	    "parameter IS NOT NULL",
	    "fault_code = 'InvalidParameters' AND role = 0",
	    "fault_code IS NOT NULL AND ts > 1772000000001000",
	    "hresult IS NULL AND kind = 3", /* other columns: a scan */
	    "event_id = NULL",
	};
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
		same_rows(where[i]);
	/* A join that looks events up one id at a time. */
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TEMP TABLE ids(x); INSERT INTO ids VALUES"
	                              " (7), (700), (701), (10500), (14)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	same_rows("event_id IN (SELECT x FROM ids)");
}

static void test_writes(void **state)
{
	(void)state;
	static const char *const sql[] = {
	    "UPDATE %s SET prefix = 'changed' WHERE event_id IN (700, 1400)",
	    "UPDATE %s SET fault_guid_id = 9 WHERE event_id = 2100",
	    "DELETE FROM %s WHERE event_id BETWEEN 7000 AND 7700",
	    "INSERT INTO %s(event_id, source_id, line, role, kind, prefix) VALUES (3, 1, 1, 0, 1, "
	    "'')",
	};
	char buf[256];
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
		for (int t = 0; t < 2; t++) {
			snprintf(buf, sizeof buf, sql[i], t ? "plain" : "events");
			if (sqlite3_exec(db, buf, NULL, NULL, NULL) != SQLITE_OK)
				fail_msg("%s: %s", buf, sqlite3_errmsg(db));
		}
	same_rows("1");
	same_rows("fault_guid_id = 9");
	same_rows("event_id BETWEEN 6000 AND 8000");
	/* event_notes follows: the row given a fault GUID is there. */
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM event_notes WHERE event_id = 2100"
	                                    " AND fault_guid_id = 9",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	/* An id in use, and a missing NOT NULL column, are refused. */
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO events(event_id, source_id, line, role, kind)"
	                              " VALUES (14, 1, 1, 0, 1)",
	                              NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO events(source_id, line, role) VALUES (1, 1, 0)",
	                              NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	/* An id that is not an integer (a fraction, or past int64) is refused. */
	assert_int_not_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO events(event_id, source_id, line, role, kind)"
	                 " VALUES (1e30, 1, 1, 0, 1)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO events(event_id, source_id, line, role, kind)"
	                 " VALUES (2.5, 1, 1, 0, 1)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	/* Without an id: the next after the largest. */
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO events(source_id, line, role, kind)"
	                              " VALUES (1, 5, 0, 1)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_last_insert_rowid(db), 10501);
}

/* A damaged block makes the statement fail with a message naming the
 * block, not the process crash. */
/* count(*) and sum(line) of events. */
static void events_sums(int64_t *n, int64_t *sum)
{
	sqlite3_stmt *q;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT count(*), sum(line) FROM events", -1, &q, NULL),
	    SQLITE_OK);
	if (sqlite3_step(q) != SQLITE_ROW)
		fail_msg("events: %s", sqlite3_errmsg(db));
	*n = sqlite3_column_int64(q, 0);
	*sum = sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
}

static void test_damaged_block_in_db(void **state)
{
	(void)state;
	/* Its texts' frame damaged: reads of numbers only do not see it,
	 * reads of texts are an error naming the row. */
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT block_id, data FROM event_blocks"
	                                    " ORDER BY block_id LIMIT 1",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int64_t block = sqlite3_column_int64(q, 0);
	size_t size = (size_t)sqlite3_column_bytes(q, 1);
	unsigned char *data = malloc(size);
	memcpy(data, sqlite3_column_blob(q, 1), size);
	sqlite3_finalize(q);
	size_t first = ZSTD_findFrameCompressedSize(data, size);
	assert_true(first < size);
	memset(data + first, 0xee, size - first);
	int64_t n0, s0;
	events_sums(&n0, &s0);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "UPDATE event_blocks SET data = ?1 WHERE block_id = ?2",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(q, 1, data, (int)size, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, block);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	free(data);
	int64_t n1, s1;
	events_sums(&n1, &s1);
	assert_int_equal(n1, n0);
	assert_int_equal(s1, s0);
	char *msg = NULL;
	int rc = sqlite3_exec(db, "SELECT count(prefix) FROM events", NULL, NULL, &msg);
	assert_int_not_equal(rc, SQLITE_OK);
	if (!msg || !strstr(msg, "event block") || !strstr(msg, "event_blocks row"))
		fail_msg("message: %s", msg ? msg : "(none)");
	sqlite3_free(msg);
	msg = NULL;

	/* Cut inside its first frame: every read of it fails. */
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE event_blocks SET data = substr(data, 1, 8)"
	                              " WHERE block_id = (SELECT min(block_id) FROM event_blocks)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	rc = sqlite3_exec(db, "SELECT count(*) FROM events", NULL, NULL, &msg);
	assert_int_not_equal(rc, SQLITE_OK);
	if (!msg || !strstr(msg, "event block") || !strstr(msg, "event_blocks row"))
		fail_msg("message: %s", msg ? msg : "(none)");
	sqlite3_free(msg);
}

int main(void)
{
	const struct CMUnitTest codec[] = {
	    cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_unsorted_decodes_all),
	    cmocka_unit_test(test_smallest_events), cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_numbers_only),    cmocka_unit_test(test_one_frame_blocks),
	};
	const struct CMUnitTest vtab[] = {
	    cmocka_unit_test(test_plans),
	    cmocka_unit_test(test_writes),
	    cmocka_unit_test(test_damaged_block_in_db),
	};
	int failed = cmocka_run_group_tests_name("codec", codec, NULL, NULL);
	return failed + cmocka_run_group_tests_name("vtab", vtab, setup_db, teardown_db);
}
