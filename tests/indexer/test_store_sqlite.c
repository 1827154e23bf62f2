/* Unit tests of the SQLite store (indexer/store.h, store_sqlite*.c): each
 * event's raw line is stored whole in its block (events.prefix, message_id
 * NULL), whatever the tokenizer's msg_off, and the view event_raw gives
 * back the exact line. Covers a fresh index, a second run into a non-empty
 * index, an index holding lines split into prefix and `messages` (as
 * earlier versions wrote them), ids, bounded maps and copies. The store is
 * driven directly with BEGIN / EVENTS / END messages (wl_store_apply, as the
 * writer thread does); the index is read back with sqlite3. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "pipeline.h"
#include "store.h"
#include "store_sqlite.h"
#include "wsuslog/event_block.h"
#include "wsuslog/limits.h"

/* ---- test lines ---- */

/* One event's line: raw = prefix || message, split at msg_off. */
typedef struct tline {
	char *raw; /* owned */
	size_t n;
	size_t msg_off;
	uint64_t line;
} tline;

static tline make_line(uint64_t line, const char *prefix, size_t pn, const char *msg, size_t mn,
                       size_t msg_off)
{
	tline t = {malloc(pn + mn + 1), pn + mn, msg_off, line};
	assert_non_null(t.raw);
	memcpy(t.raw, prefix, pn);
	memcpy(t.raw + pn, msg, mn);
	t.raw[pn + mn] = 0;
	return t;
}

/* A line split right after its prefix (the usual case). */
static tline split_line(uint64_t line, const char *prefix, const char *msg)
{
	return make_line(line, prefix, strlen(prefix), msg, strlen(msg), strlen(prefix));
}

static void free_lines(tline *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].raw);
}

/* Bytes the index keeps of a line. */
static size_t stored_len(const tline *t)
{
	return t->n < WL_RAW_MAX ? t->n : WL_RAW_MAX;
}

/* ---- texts of the test lines ---- */

#define P(n) "2024-03-0" #n "\t10:1" #n ":22:333\t 1234\t 5678\tAgent\t"

static const char MSG_A[] = "  * WARNING: Failed to synchronize, error = 0x80244007";
static const char MSG_B[] = "  * WARNING: SyncUpdates failure, error = 0x80244010, soap client "
                            "error = 10, soap error code = 0";
static const char MSG_C[] = "*FAILED* [80072EE2] Method failed [CClientWebService::SyncUpdates]";
static const char MSG_D[] = "*FAILED* [8024402C] Send request";
/* Invalid UTF-8 and an embedded NUL: not a C string. */
static const char MSG_E[] = "  * WARNING: bad bytes \xFF\xFE here \0 and after the NUL \xC3(";
#define MSG_E_LEN (sizeof MSG_E - 1)
static const char MSG_G[] = "  * WARNING: new in the second run, error = 0x8024401B";
/* New in the second run, inserted by the non-empty-index path: NUL too. */
static const char MSG_H[] = "  * WARNING: run 2 \x80\x81 \0 after the NUL";
#define MSG_H_LEN (sizeof MSG_H - 1)

/* The run-1 lines. Distinct messages stored: A, B, E and the cut long one. */
#define RUN1_LINES 13
#define RUN1_MESSAGES 4
#define RUN1_PATH "/logs/pc01/WindowsUpdate.log"

static size_t make_run1(tline *t)
{
	size_t n = 0;
	t[n++] = split_line(1, P(1), MSG_A);
	t[n++] = split_line(2, P(2), MSG_A);
	t[n++] = split_line(3, P(3) "extra\t", MSG_A); /* longer prefix, same message */
	t[n++] = split_line(4, P(4), MSG_B);
	t[n++] = split_line(5, P(5), MSG_B);
	/* msg_off = 0: stored whole. */
	t[n++] = make_line(6, P(6), strlen(P(6)), MSG_C, strlen(MSG_C), 0);
	/* msg_off = length and beyond it: stored whole. */
	t[n++] = make_line(7, P(7), strlen(P(7)), MSG_D, strlen(MSG_D), 0);
	t[n - 1].msg_off = t[n - 1].n;
	t[n++] = make_line(8, P(8), strlen(P(8)), MSG_D, strlen(MSG_D), 0);
	t[n - 1].msg_off = t[n - 1].n + 7;
	/* Invalid UTF-8 and a NUL in the message, twice. */
	t[n++] = make_line(9, P(9), strlen(P(9)), MSG_E, MSG_E_LEN, strlen(P(9)));
	t[n++] =
	    make_line(10, P(1) "x\t", strlen(P(1) "x\t"), MSG_E, MSG_E_LEN, strlen(P(1) "x\t"));
	/* Longer than WL_RAW_MAX, split inside the kept bytes: the message is
	 * raw[msg_off..WL_RAW_MAX). */
	size_t big = WL_RAW_MAX + 2000;
	char *long_msg = malloc(big);
	assert_non_null(long_msg);
	for (size_t i = 0; i < big; i++)
		long_msg[i] = (char)('a' + i % 26);
	memcpy(long_msg, "*FAILED* [80240022] ", 20);
	t[n++] = make_line(11, P(2), strlen(P(2)), long_msg, big, strlen(P(2)));
	/* Longer than WL_RAW_MAX, msg_off past the kept bytes: stored whole
	 * (cut). */
	t[n++] = make_line(12, P(3), strlen(P(3)), long_msg, big, WL_RAW_MAX + 100);
	/* msg_off exactly at WL_RAW_MAX: nothing of the message is kept. */
	t[n++] = make_line(13, P(4), strlen(P(4)), long_msg, big, WL_RAW_MAX);
	free(long_msg);
	assert_int_equal(n, RUN1_LINES);
	return n;
}

/* ---- temporary index ---- */

typedef struct fixture {
	char dir[64];
	char db[96];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/wl_test_store.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof f->db, "%s/index.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	DIR *d = opendir(f->dir);
	if (d) {
		struct dirent *de;
		char p[512];
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- driving the store ---- */

static void apply(wl_store *wr, const wl_msg *m, wl_stats *stats)
{
	char err[512] = "";
	wl_status st = wl_store_apply(wr, m, stats, err, sizeof err);
	if (st != WL_OK)
		fail_msg("wl_store_apply(type %d): %s", (int)m->type, err);
}

/* A SQLite store on db (one lane), or the test fails. */
static wl_store *open_store(const char *db)
{
	char err[512] = "";
	wl_store *wr = NULL;
	if (wl_store_sqlite_open(&wr, db, 1, 0, err, sizeof err) != WL_OK)
		fail_msg("wl_store_sqlite_open: %s", err);
	return wr;
}

/* One run of the store: one source at path with the given lines. */
static void write_source(const char *db, const char *path, const tline *t, size_t n)
{
	char err[512] = "";
	wl_store *wr = open_store(db);
	wl_stats stats;
	memset(&stats, 0, sizeof stats);

	wl_msg m;
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_BEGIN;
	m.worker = 0;
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_CLASSIC;
	apply(wr, &m, &stats);

	wl_event *ev = calloc(n, sizeof *ev);
	assert_non_null(ev);
	for (size_t i = 0; i < n; i++) {
		wl_event *e = &ev[i];
		e->kind = i % 2 ? WL_EV_WARNING : WL_EV_FAILED;
		e->role = WL_ROLE_CLIENT;
		e->line = t[i].line;
		e->ts_us = 1709460000000000LL + (int64_t)t[i].line * 1000000;
		e->has_hresult = true;
		e->hresult = 0x80244007u;
		e->host = (wl_span){"pc01", 4};
		e->component = (wl_span){"Agent", 5};
		e->raw = (wl_span){t[i].raw, t[i].n};
		e->msg_off = t[i].msg_off;
		e->round_trips = e->evaluated = e->deployed = -1;
		e->max_prereq = e->max_cached = -1;
	}
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_EVENTS;
	m.worker = 0;
	m.ev = ev;
	m.nev = n;
	apply(wr, &m, &stats);

	memset(&m, 0, sizeof m);
	m.type = WL_MSG_END;
	m.worker = 0;
	XXH128_hash_t k = XXH3_128bits(path, strlen(path));
	snprintf(m.key, sizeof m.key, "%016llx%016llx", (unsigned long long)k.high64,
	         (unsigned long long)k.low64);
	snprintf(m.head, sizeof m.head, "%016llx",
	         (unsigned long long)XXH3_64bits(path, strlen(path)));
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_CLASSIC;
	m.bytes = 100000;
	m.lines = 100;
	m.events = n;
	m.first_ts = WL_TS_NONE;
	m.last_ts = WL_TS_NONE;
	apply(wr, &m, &stats);
	free(ev);

	wl_status st = wl_store_close(wr, true, err, sizeof err);
	if (st != WL_OK)
		fail_msg("wl_store_close: %s", err);
	assert_int_equal(atomic_load(&stats.duplicates), 0);
}

/* ---- reading the index ---- */

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
	if (wl_events_vtab_register(db) != SQLITE_OK)
		fail_msg("register events: %s", sqlite3_errmsg(db));
	return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	return s;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = prep(db, sql);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Column i of the current row equals p[0..n) byte for byte. */
static void assert_col_bytes(sqlite3_stmt *s, int i, const char *p, size_t n, uint64_t line,
                             const char *what)
{
	const void *got = sqlite3_column_blob(s, i);
	size_t gn = (size_t)sqlite3_column_bytes(s, i);
	if (gn != n || (n && memcmp(got, p, n) != 0))
		fail_msg("line %llu: %s: %zu bytes stored, %zu expected%s",
		         (unsigned long long)line, what, gn, n,
		         gn == n ? " (same length, different bytes)" : "");
}

static int64_t event_id_of(sqlite3 *db, const char *path, uint64_t line)
{
	sqlite3_stmt *s = prep(db, "SELECT e.event_id FROM events e JOIN sources s"
	                           " ON s.source_id = e.source_id"
	                           " WHERE s.path = ?1 AND e.line = ?2 AND s.complete = 1");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s line %llu: no event", path, (unsigned long long)line);
	int64_t id = sqlite3_column_int64(s, 0);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	return id;
}

/* One line as stored: event_raw gives it back exactly, and events holds it
 * whole (its block compresses what lines repeat; message_id is NULL). */
static void check_line(sqlite3 *db, const char *path, const tline *t)
{
	int64_t eid = event_id_of(db, path, t->line);
	size_t n = stored_len(t);

	sqlite3_stmt *s = prep(db, "SELECT raw FROM event_raw WHERE event_id = ?1");
	sqlite3_bind_int64(s, 1, eid);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_col_bytes(s, 0, t->raw, n, t->line, "event_raw.raw");
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);

	s = prep(db, "SELECT prefix, message_id FROM events WHERE event_id = ?1");
	sqlite3_bind_int64(s, 1, eid);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_col_bytes(s, 0, t->raw, n, t->line, "events.prefix (whole line)");
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		fail_msg("line %llu: message_id %lld, NULL expected", (unsigned long long)t->line,
		         (long long)sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
}

static void check_lines(sqlite3 *db, const char *path, const tline *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_line(db, path, &t[i]);
}

/* ---- tests ---- */

/* Fresh index: lines with and without a message split, binary and cut
 * lines come back exactly, stored whole; `messages` gets no row. */
static void test_round_trip_fresh(void **state)
{
	fixture *f = *state;
	tline t[RUN1_LINES];
	size_t n = make_run1(t);
	write_source(f->db, RUN1_PATH, t, n);

	sqlite3 *db = open_db(f->db);
	check_lines(db, RUN1_PATH, t, n);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), RUN1_LINES);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events WHERE message_id IS NULL"),
	                 RUN1_LINES);
	assert_int_equal(query_int(db, "SELECT count(*) FROM messages"), 0);
	/* The long line is the kept part only (check_line compared it with
	 * raw[0..WL_RAW_MAX)). */
	assert_int_equal(stored_len(&t[10]), WL_RAW_MAX);

	sqlite3_close(db);
	free_lines(t, n);
}

/* A second run into the non-empty index: messages of run 1 are reused under
 * their ids (no second row), new messages are inserted once. */
static void test_second_run(void **state)
{
	fixture *f = *state;
	tline t1[RUN1_LINES];
	size_t n1 = make_run1(t1);
	write_source(f->db, RUN1_PATH, t1, n1);

	static const char path2[] = "/logs/pc02/WindowsUpdate.log";
	tline t2[8];
	size_t n2 = 0;
	t2[n2++] = split_line(1, P(5) "pc02\t", MSG_A);               /* from run 1 */
	t2[n2++] = split_line(2, P(6), MSG_G);                        /* new */
	t2[n2++] = split_line(3, P(7), MSG_G);                        /* new, again */
	t2[n2++] = make_line(4, P(8), strlen(P(8)), MSG_E, MSG_E_LEN, /* run 1, with NUL */
	                     strlen(P(8)));
	t2[n2++] = split_line(5, P(9), MSG_B); /* from run 1 */
	t2[n2++] = make_line(6, P(1), strlen(P(1)), MSG_G, strlen(MSG_G), 0);
	t2[n2++] = make_line(7, P(2), strlen(P(2)), MSG_H, MSG_H_LEN, strlen(P(2))); /* new */
	t2[n2++] = make_line(8, P(3), strlen(P(3)), MSG_H, MSG_H_LEN, strlen(P(3)));
	write_source(f->db, path2, t2, n2);

	sqlite3 *db = open_db(f->db);
	check_lines(db, path2, t2, n2);
	check_lines(db, RUN1_PATH, t1, n1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), RUN1_LINES + n2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources WHERE complete = 1"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM messages"), 0);

	sqlite3_close(db);
	free_lines(t1, n1);
	free_lines(t2, n2);
}

/* Lines split into a prefix and a shared `messages` row (as versions
 * before this one wrote them, schema 5 and early schema 6) still read back
 * exactly through event_raw, and a run into such an index adds whole lines
 * beside them. */
static void test_split_lines_read(void **state)
{
	fixture *f = *state;
	tline t1[RUN1_LINES];
	size_t n1 = make_run1(t1);
	write_source(f->db, RUN1_PATH, t1, n1);

	/* Line 1 as an earlier version stored it: its message in messages. */
	const tline *l = &t1[0];
	assert_true(l->msg_off > 0 && l->msg_off < stored_len(l));
	sqlite3 *db = open_db(f->db);
	int64_t eid = event_id_of(db, RUN1_PATH, l->line);
	sqlite3_stmt *s =
	    prep(db, "INSERT INTO messages(message_id, hash, text) VALUES(77, 0, ?1)");
	sqlite3_bind_blob(s, 1, l->raw + l->msg_off, (int)(stored_len(l) - l->msg_off),
	                  SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	s = prep(db, "UPDATE events SET prefix = ?1, message_id = 77 WHERE event_id = ?2");
	sqlite3_bind_blob(s, 1, l->raw, (int)l->msg_off, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, eid);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	s = prep(db, "SELECT raw FROM event_raw WHERE event_id = ?1");
	sqlite3_bind_int64(s, 1, eid);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_col_bytes(s, 0, l->raw, stored_len(l), l->line, "event_raw.raw of a split line");
	sqlite3_finalize(s);
	sqlite3_close(db);

	static const char path3[] = "/logs/pc03/WindowsUpdate.log";
	tline t3[2];
	size_t n3 = 0;
	t3[n3++] = split_line(1, P(1), MSG_A);
	t3[n3++] = split_line(2, P(2), MSG_G);
	write_source(f->db, path3, t3, n3);
	db = open_db(f->db);
	check_lines(db, path3, t3, n3);
	check_lines(db, RUN1_PATH, t1 + 1, n1 - 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events WHERE message_id = 77"), 1);
	sqlite3_close(db);
	free_lines(t1, n1);
	free_lines(t3, n3);
}

/* ---- event ids after a delete ---- */

/* n SOAP-fault events of path, event i with the fault GUID guid_base + i
 * and its own raw line in raw[i]. */
static void fault_events(wl_event *ev, char (*raw)[96], unsigned n, const char *path,
                         unsigned guid_base)
{
	memset(ev, 0, n * sizeof *ev);
	for (unsigned i = 0; i < n; i++) {
		wl_event *e = &ev[i];
		snprintf(raw[i], sizeof raw[i], "2024/01/02 03:04:05.0000000 1 2 Agent %s %u", path,
		         i);
		char g[37];
		snprintf(g, sizeof g, "%08x-0000-4000-8000-000000000000", guid_base + i);
		assert_int_equal(wl_guid_parse(g, 36, &e->fault_guid), 36);
		e->has_fault_guid = true;
		e->kind = WL_EV_SOAP_FAULT;
		e->role = WL_ROLE_CLIENT;
		e->line = i + 1;
		e->ts_us = 1709460000000000LL + i;
		e->host = (wl_span){"pc01", 4};
		e->component = (wl_span){"Agent", 5};
		e->raw = (wl_span){raw[i], strlen(raw[i])};
		e->msg_off = 38;
		e->round_trips = e->evaluated = e->deployed = -1;
		e->max_prereq = e->max_cached = -1;
	}
}

/* BEGIN, EVENTS (ev[0..n)), END with the given content key, into an open
 * writer. */
static void send_events(wl_store *wr, wl_stats *stats, const char *path, const char *key,
                        wl_event *ev, unsigned n)
{
	wl_msg m;
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_BEGIN;
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_ETW;
	apply(wr, &m, stats);
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_EVENTS;
	m.ev = ev;
	m.nev = n;
	apply(wr, &m, stats);
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_END;
	snprintf(m.key, sizeof m.key, "%s", key);
	snprintf(m.head, sizeof m.head, "%016llx", (unsigned long long)XXH3_64bits(path, 4));
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_ETW;
	m.bytes = 1000;
	m.lines = n;
	m.events = n;
	m.first_ts = m.last_ts = WL_TS_NONE;
	apply(wr, &m, stats);
}

/* A source of n events, each with its own fault GUID. */
static void send_source(wl_store *wr, wl_stats *stats, const char *path, const char *key,
                        unsigned n, unsigned guid_base)
{
	wl_event *ev = calloc(n, sizeof *ev);
	char(*raw)[96] = calloc(n, sizeof *raw);
	assert_non_null(ev);
	assert_non_null(raw);
	fault_events(ev, raw, n, path, guid_base);
	send_events(wr, stats, path, key, ev, n);
	free(ev);
	free(raw);
}

/* Source B repeats source A's bytes and is deleted when it ends: its events
 * were the newest. C's events then take ids after B's (ids are never given
 * twice), and every event_guids row and raw line names its own event
 * (SQLite would have given C the ids B had: the writer then assigns them). */
static void test_ids_after_delete(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_store *wr = open_store(f->db);
	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	const char *ka = "00000000000000000000000000000aaa";
	enum { N = 70 }; /* more than one batch */
	send_source(wr, &stats, "A.log", ka, N, 0x1000);
	send_source(wr, &stats, "B.log", ka, N, 0x2000);
	send_source(wr, &stats, "C.log", "00000000000000000000000000000ccc", N, 0x3000);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	assert_int_equal(atomic_load(&stats.duplicates), 1);

	sqlite3 *db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), 2 * N);
	/* A and C own their ranges of event ids, and B left nothing in them. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources s JOIN events e"
	                               " ON e.event_id BETWEEN s.first_event AND s.last_event"
	                               " AND e.source_id = s.source_id"),
	                 2 * N);
	/* One lane: the ranges hold nothing else. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources"
	                               " WHERE last_event - first_event + 1 <> events"),
	                 0);
	/* Each event's fault GUID row is its own. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids g JOIN events e"
	                               " USING (event_id) WHERE g.guid_id = e.fault_guid_id"),
	                 2 * N);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids"), 2 * N);
	/* The raw line of each event names its own source. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM events e JOIN sources s"
	                               " USING (source_id) JOIN event_raw r USING (event_id)"
	                               " WHERE instr(r.raw, s.path) > 0"),
	                 2 * N);
	/* Each source had a chunk of ids of its own, and C's follows B's
	 * deleted one. */
	assert_int_equal(query_int(db, "SELECT min(event_id) FROM events e JOIN sources s"
	                               " USING (source_id) WHERE s.path = 'C.log'"),
	                 3 << WL_BLOCK_SHIFT);
	sqlite3_close(db);

	/* A later run takes the chunk after the highest. */
	wr = open_store(f->db);
	send_source(wr, &stats, "D.log", "00000000000000000000000000000ddd", N, 0x4000);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT min(event_id) FROM events e JOIN sources s"
	                               " USING (source_id) WHERE s.path = 'D.log'"),
	                 4 << WL_BLOCK_SHIFT);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids g JOIN events e"
	                               " USING (event_id) WHERE g.guid_id = e.fault_guid_id"),
	                 3 * N);
	sqlite3_close(db);
}

/* An index whose event_guids is the rowid table with an index by event
 * that earlier versions created: a run into it adds rows, and removes
 * those of a source it drops, as into the keyed table of today. */
static void test_old_event_guids_table(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_store *wr = open_store(f->db);
	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	const char *ka = "00000000000000000000000000000aaa";
	enum { N = 70 };
	send_source(wr, &stats, "A.log", ka, N, 0x1000);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	sqlite3 *db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	                               " 'event_guids' AND sql LIKE '%WITHOUT ROWID%'"),
	                 1);
	if (sqlite3_exec(db,
	                 "CREATE TABLE old_eg(guid_id INTEGER NOT NULL, event_id INTEGER NOT NULL,"
	                 " what INTEGER NOT NULL);"
	                 "INSERT INTO old_eg SELECT guid_id, event_id, what FROM event_guids;"
	                 "DROP TABLE event_guids; ALTER TABLE old_eg RENAME TO event_guids;"
	                 "CREATE INDEX event_guids_by_event ON event_guids(event_id);"
	                 "CREATE INDEX event_guids_by_guid ON event_guids(guid_id, event_id);",
	                 NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("old event_guids: %s", sqlite3_errmsg(db));
	sqlite3_close(db);

	wr = open_store(f->db);
	send_source(wr, &stats, "B.log", ka, N, 0x2000); /* A's bytes: dropped */
	send_source(wr, &stats, "C.log", "00000000000000000000000000000ccc", N, 0x3000);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	assert_int_equal(atomic_load(&stats.duplicates), 1);
	db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	                               " 'event_guids' AND sql LIKE '%WITHOUT ROWID%'"),
	                 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids"), 2 * N);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids g JOIN events e"
	                               " USING (event_id) WHERE g.guid_id = e.fault_guid_id"),
	                 2 * N);
	sqlite3_close(db);
}

/* Events written behind the store's back (through SQL, here with ids in
 * chunk 2) are not given again: the store's chunks start after the
 * highest, and both sets read back whole. */
static void test_ids_after_foreign_rows(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_store *wr = open_store(f->db);
	wl_store_close(wr, true, err, sizeof err);
	sqlite3 *db = open_db(f->db);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO events(event_id, source_id, line, role, kind)"
	         " VALUES (%d, 999, 1, 0, 1), (%d, 999, 2, 0, 1)",
	         2 * WL_BLOCK_EVENTS + 8, 2 * WL_BLOCK_EVENTS + 108);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	wr = open_store(f->db);
	enum { N = 40 };
	send_source(wr, &stats, "A.log", "00000000000000000000000000000aaa", N, 0x5000);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);

	db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), N + 2);
	assert_int_equal(query_int(db, "SELECT min(event_id) FROM events WHERE source_id <> 999"),
	                 3 << WL_BLOCK_SHIFT);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_guids g JOIN events e"
	                               " USING (event_id) WHERE g.guid_id = e.fault_guid_id"),
	                 N);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE event_id = %d",
	         2 * WL_BLOCK_EVENTS + 108);
	assert_int_equal(query_int(db, sql), 1);
	sqlite3_close(db);
}

/* The indexes `limits` reads are kept during a first load, not built at
 * its close: a run that fails (or is killed) before its close leaves them
 * in place, holding every event of what it committed. */
static void test_limits_indexes_during_load(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_store *wr = open_store(f->db);
	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	enum { N = 70 };
	send_source(wr, &stats, "A.log", "00000000000000000000000000000aaa", N, 0x6000);
	wl_store_close(wr, false, err, sizeof err);

	sqlite3 *db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                               " AND name IN ('events_by_fault', 'events_by_param')"),
	                 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM event_notes INDEXED BY events_by_fault"
	                               " WHERE fault_guid_id IS NOT NULL"),
	                 N);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* COPIES complete sources, inserted behind the store's back: same format,
 * and either the same head_key (copies of one log's start) or the same
 * source_key, path and member (earlier reads of a log that grew). One run
 * keeps at most one of each, but an index may hold more (older versions
 * kept every copy), and every one must go: before, only the first 16 did. */
enum { COPIES = 20 };

static void insert_copies(const char *db_path, const char *head, const char *key, const char *path)
{
	sqlite3 *db = open_db(db_path);
	for (unsigned i = 0; i < COPIES; i++) {
		char sql[512];
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO sources(source_key, path, member, format, role, host, bytes,"
		    " complete, indexed_at, head_key) VALUES('%s%02u', '%s', '', '%s', 'client',"
		    " 'pc01', %u, 1, 'now', %s%s%s)",
		    key, key[0] ? 0u : i, path, wl_format_name(WL_FMT_WU_ETW), 100 + i,
		    head ? "'" : "", head ? head : "NULL", head ? "'" : "");
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	}
	sqlite3_close(db);
}

/* One source of 3 events, ending with the given head, key and supersedes. */
static void send_copy(wl_store *wr, wl_stats *stats, const char *path, const char *head,
                      const char *key, const char *supersedes)
{
	wl_msg m;
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_BEGIN;
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_ETW;
	apply(wr, &m, stats);
	wl_event ev[3];
	char raw[3][96];
	fault_events(ev, raw, 3, path, 0x9000);
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_EVENTS;
	m.ev = ev;
	m.nev = 3;
	apply(wr, &m, stats);
	memset(&m, 0, sizeof m);
	m.type = WL_MSG_END;
	snprintf(m.key, sizeof m.key, "%s", key);
	snprintf(m.head, sizeof m.head, "%s", head);
	snprintf(m.supersedes, sizeof m.supersedes, "%s", supersedes);
	m.path = path;
	m.member = "";
	m.host = "pc01";
	m.fmt = WL_FMT_WU_ETW;
	m.bytes = 5000;
	m.lines = m.events = 3;
	m.first_ts = m.last_ts = WL_TS_NONE;
	apply(wr, &m, stats);
}

static void test_all_copies_replaced(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	/* Same start: the longer copy replaces every shorter one. */
	const char *head = "00000000000000aa";
	wl_store *wr = open_store(f->db);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK) /* the schema */
		fail_msg("wl_store_close: %s", err);
	insert_copies(f->db, head, "", "H.log");
	wr = open_store(f->db);
	send_copy(wr, &stats, "H-long.log", head, "000000000000000000000000000000bb", "");
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	assert_int_equal(atomic_load(&stats.replaced), COPIES);
	assert_int_equal(atomic_load(&stats.duplicates), 0);
	sqlite3 *db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources WHERE path = 'H-long.log'"),
	                 1);
	sqlite3_close(db);

	/* A log that grew: every earlier read of it (same key, path, member)
	 * goes. */
	const char *old_key = "00000000000000000000000000000c"; /* + "00" */
	insert_copies(f->db, NULL, old_key, "G.log");
	wr = open_store(f->db);
	memset(&stats, 0, sizeof stats);
	send_copy(wr, &stats, "G.log", "00000000000000dd", "000000000000000000000000000000dd",
	          "00000000000000000000000000000c00");
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	assert_int_equal(atomic_load(&stats.replaced), COPIES);
	db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sources WHERE path = 'G.log'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events e JOIN sources s"
	                               " USING (source_id) WHERE s.path = 'G.log'"),
	                 3);
	sqlite3_close(db);
}

enum { BN = 300, BTEXTS = 20, BGUIDS = 30 };

/* BN events whose texts (BTEXTS) and fault GUIDs (BGUIDS, from
 * 0x7000 + shift) come back after more than 8 others. */
static void bounded_events(wl_event *ev, char (*raw)[96], const char *path, unsigned shift)
{
	fault_events(ev, raw, BN, path, 0);
	for (unsigned i = 0; i < BN; i++) {
		snprintf(raw[i], sizeof raw[i], "2024/01/02 03:04:05.0000000 1 2 Agent text %u",
		         (i * 7) % BTEXTS);
		ev[i].raw = (wl_span){raw[i], strlen(raw[i])};
		char g[37];
		snprintf(g, sizeof g, "%08x-0000-4000-8000-000000000000",
		         0x7000 + shift + (i * 11) % BGUIDS);
		assert_int_equal(wl_guid_parse(g, 36, &ev[i].fault_guid), 36);
	}
}

/* The events of source path read back in order: each line and fault GUID
 * as bounded_events made them. */
static void check_bounded(sqlite3 *db, const char *path, char (*raw)[96], unsigned shift)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT r.raw, g.guid FROM events e JOIN event_raw r"
	                                    " USING (event_id) JOIN guids g"
	                                    " ON g.guid_id = e.fault_guid_id JOIN sources s"
	                                    " USING (source_id) WHERE s.path = ?1"
	                                    " ORDER BY e.event_id",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	for (unsigned i = 0; i < BN; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), raw[i]);
		char g[37];
		snprintf(g, sizeof g, "%08x-0000-4000-8000-000000000000",
		         0x7000 + shift + (i * 11) % BGUIDS);
		assert_string_equal((const char *)sqlite3_column_text(st, 1), g);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The writer's maps stay bounded (here at 8 entries each) whatever the
 * input: a full map is emptied, and a GUID missing from it is looked up
 * in the database, so one seen before is found again, never stored twice
 * (a second row would break its UNIQUE constraint). A message text may be
 * stored again; every line stays exact. Then a second run into the same,
 * non-empty index, half of whose GUIDs are the first run's. */
static void test_maps_bounded(void **state)
{
	fixture *f = *state;
	char err[512] = "";
	wl_store *wr = open_store(f->db);
	wl_store_sqlite_set_map_max(wr, 8);
	wl_stats stats;
	memset(&stats, 0, sizeof stats);
	wl_event *ev = calloc(BN, sizeof *ev);
	char(*raw)[96] = calloc(BN, sizeof *raw);
	assert_non_null(ev);
	assert_non_null(raw);
	bounded_events(ev, raw, "M.log", 0);
	send_events(wr, &stats, "M.log", "00000000000000000000000000000eee", ev, BN);
	assert_true(wl_store_sqlite_map_entries(wr) <= 4 * 8);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);

	sqlite3 *db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), BN);
	assert_int_equal(query_int(db, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM guids"), BGUIDS);
	check_bounded(db, "M.log", raw, 0);
	sqlite3_close(db);

	wr = open_store(f->db);
	wl_store_sqlite_set_map_max(wr, 8);
	bounded_events(ev, raw, "N.log", BGUIDS / 2);
	send_events(wr, &stats, "N.log", "00000000000000000000000000000fff", ev, BN);
	assert_true(wl_store_sqlite_map_entries(wr) <= 4 * 8);
	if (wl_store_close(wr, true, err, sizeof err) != WL_OK)
		fail_msg("wl_store_close: %s", err);
	db = open_db(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), 2 * BN);
	assert_int_equal(query_int(db, "SELECT count(*) FROM guids"), BGUIDS + BGUIDS / 2);
	check_bounded(db, "N.log", raw, BGUIDS / 2);
	sqlite3_close(db);
	free(ev);
	free(raw);
}

/* n events of distinct hours into a: three keys each (hourly activity,
 * span, sum_hours). */
static void hourly_events(wl_sumacc *a, const wl_sumcfg *c, int n)
{
	for (int i = 0; i < n; i++) {
		wl_evrow r = {
		    .id = i + 1, .source = 1, .has_ts = true, .ts = i * INT64_C(3600000000)};
		assert_int_equal(wl_sumacc_event(a, c, &r), WL_OK);
	}
}

/* A source's summary keys: its own, then chunks of the pool every lane
 * shares (limits.h, WL_SUM_KEYS_POOL); with both spent it overflows (its
 * rows are grouped by SQL), and keys drawn go back when its maps go. */
static void test_summary_keys_pool(void **state)
{
	(void)state;
	atomic_size_t pool;
	atomic_init(&pool, 0);
	wl_sumcfg c = {.keys_own = 8, .pool_max = WL_SUM_KEYS_CHUNK, .pool = &pool, .dense = 1};
	wl_sumacc *a = wl_sumacc_new(), *b = wl_sumacc_new(), *d = wl_sumacc_new();
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	hourly_events(a, &c, 20); /* 60 keys: past its own 8, one chunk */
	assert_false(a->overflow);
	assert_int_equal(atomic_load(&pool), WL_SUM_KEYS_CHUNK);
	hourly_events(b, &c, 20); /* its own 8, then the pool is spent */
	assert_true(b->overflow);
	assert_int_equal(atomic_load(&pool), WL_SUM_KEYS_CHUNK);
	wl_sumacc_free(a);
	assert_int_equal(atomic_load(&pool), 0);
	hourly_events(d, &c, 20); /* a's chunk, back in the pool */
	assert_false(d->overflow);
	assert_int_equal(atomic_load(&pool), WL_SUM_KEYS_CHUNK);
	wl_sumacc_free(b);
	wl_sumacc_free(d);
	assert_int_equal(atomic_load(&pool), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip_fresh, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_split_lines_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ids_after_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ids_after_foreign_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_old_event_guids_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limits_indexes_during_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_maps_bounded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_all_copies_replaced, setup, teardown),
	    cmocka_unit_test(test_summary_keys_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
