/* Pipeline stage 5: events -> SQLite. One thread, prepared statements,
 * large transactions, strings interned through in-memory maps (a host,
 * component or GUID costs a database look-up once per run). An input is
 * inserted with complete = 0 and flipped to 1 with its END message, so a
 * killed run leaves only rows that readers ignore and the next run deletes:
 * the index never shows half an input. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "known.h"
#include "wsuslog/limits.h"
#include "wsuslog/schema.h"

/* ---- string -> id map (open addressing) ---- */

typedef struct map_slot {
	char *key; /* owned, NUL-terminated */
	size_t n;
	uint64_t h;
	int64_t id;
} map_slot;

typedef struct idmap {
	map_slot *v;
	size_t cap, used;
	bool emptied; /* once full and emptied: misses may be in the database */
} idmap;

static void map_free(idmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* Forget every entry, keeping the slots allocated. */
static void map_clear(idmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	if (m->v)
		memset(m->v, 0, m->cap * sizeof *m->v);
	m->used = 0;
	m->emptied = true;
}

static map_slot *map_find(idmap *m, const char *k, size_t n, uint64_t h)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		map_slot *s = &m->v[i];
		if (!s->key)
			return s;
		if (s->h == h && s->n == n && memcmp(s->key, k, n) == 0)
			return s;
	}
}

static int map_put(idmap *m, const char *k, size_t n, uint64_t h, int64_t id)
{
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		map_slot *nv = calloc(cap, sizeof *nv);
		if (!nv)
			return -1;
		idmap bigger = {nv, cap, m->used, m->emptied};
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*map_find(&bigger, m->v[i].key, m->v[i].n, m->v[i].h) = m->v[i];
		free(m->v);
		*m = bigger;
	}
	map_slot *s = map_find(m, k, n, h);
	s->key = malloc(n + 1);
	if (!s->key)
		return -1;
	memcpy(s->key, k, n);
	s->key[n] = 0;
	s->n = n;
	s->h = h;
	s->id = id;
	m->used++;
	return 0;
}

/* ---- messages seen this run: XXH3-128 of the text -> message_id ----
 * 24 bytes per distinct message, not its text: two texts are taken as the
 * same when their 128-bit hashes are (the database look-up of a text
 * stored by an earlier run compares the bytes). */

typedef struct msg_slot {
	uint64_t lo, hi;
	int64_t id; /* 0: empty slot */
} msg_slot;

typedef struct msgset {
	msg_slot *v;
	size_t cap, used;
} msgset;

static msg_slot *mset_find(const msgset *m, uint64_t lo, uint64_t hi)
{
	for (size_t i = lo & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		msg_slot *s = &m->v[i];
		if (s->id == 0 || (s->lo == lo && s->hi == hi))
			return s;
	}
}

static void mset_clear(msgset *m)
{
	if (m->v)
		memset(m->v, 0, m->cap * sizeof *m->v);
	m->used = 0;
}

static int mset_put(msgset *m, uint64_t lo, uint64_t hi, int64_t id)
{
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		msg_slot *nv = calloc(cap, sizeof *nv);
		if (!nv)
			return -1;
		msgset bigger = {nv, cap, m->used};
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].id)
				*mset_find(&bigger, m->v[i].lo, m->v[i].hi) = m->v[i];
		free(m->v);
		*m = bigger;
	}
	msg_slot *s = mset_find(m, lo, hi);
	s->lo = lo;
	s->hi = hi;
	s->id = id;
	m->used++;
	return 0;
}

/* ---- the writer ---- */

/* Rows are buffered per table and written BATCH_ROWS at a time by one
 * multi-row INSERT (one statement step per batch instead of one per row:
 * the per-step VDBE set-up and tear-down dominated). A partial batch, when
 * one must be written, goes out in power-of-two pieces (at most
 * BATCH_LOG + 1 steps). The writer assigns event ids itself (it is the only
 * writer), so event_raw and event_guids rows need no last_insert_rowid.
 * Text of buffered rows is copied into an arena, so batches carry over
 * from one message to the next.
 *
 * The multi-row INSERTs say OR FAIL: with the default ABORT, a statement
 * that writes several rows needs a statement journal (to undo its own rows
 * if a later one fails), and SQLite wrote one 16 KiB page to a temp file
 * per statement: 880 MB of writes for a 50 MB index, 0.3 CPU-s per GB. A
 * failed statement here is fatal anyway, and its input stays complete = 0,
 * so its rows are ignored and removed by the next run. */
#define BATCH_LOG 5
#define BATCH_ROWS (1u << BATCH_LOG)

enum { T_EVENTS, T_RAW, T_MSG, T_EG, T_SCANS, T_COUNT_ };

static const struct table_sql {
	const char *head, *row;
	int ncol;
} table_sql[T_COUNT_] = {
    [T_EVENTS] = {"INSERT OR FAIL INTO events(event_id, source_id, line, ts, role, kind, host_id,"
                  " server_id, client_guid_id, component_id, hresult, fault_code, parameter,"
                  " fault_guid_id) VALUES",
                  "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 14},
    [T_RAW] = {"INSERT OR FAIL INTO event_text(event_id, prefix, message_id) VALUES", "(?,?,?)", 3},
    [T_MSG] = {"INSERT OR FAIL INTO messages(message_id, hash, text) VALUES", "(?,?,?)", 3},
    [T_EG] = {"INSERT OR FAIL INTO event_guids(guid_id, event_id, what) VALUES", "(?,?,?)", 3},
    [T_SCANS] =
        {"INSERT OR FAIL INTO scans(source_id, line, ts, host_id, server_id, client_guid_id,"
         " exit_code, round_trips, evaluated, deployed) VALUES",
         "(?,?,?,?,?,?,?,?,?,?)", 10},
};

/* Text of a buffered row: offset and length in the writer's arena. */
typedef struct aspan {
	size_t off, n;
} aspan;

typedef struct evrow {
	int64_t id, source, line, ts, host, server, client, comp, fault;
	int64_t msg; /* messages.message_id, 0 for none */
	bool has_ts, has_hr;
	int role, kind;
	uint32_t hr;
	aspan fault_code, parameter;
	aspan prefix; /* the raw line up to its message, or all of it */
} evrow;

typedef struct msgrow {
	int64_t id, hash;
	aspan text;
} msgrow;

typedef struct scanrow {
	int64_t source, line, ts, host, server, client, hr, v[3];
	bool has_ts;
} scanrow;

typedef struct egrow {
	int64_t gid, eid;
	int what;
} egrow;

enum {
	ST_INS_SOURCE,
	ST_END_SOURCE,
	ST_DUP_SOURCE,
	ST_DEL_EG,
	ST_DEL_EVENTS,
	ST_DEL_SCANS,
	ST_DEL_SOURCE,
	ST_DEL_RAW,
	ST_INS_CONFIG,
	ST_DEL_CONFIG,
	ST_SEL_HOST,
	ST_INS_HOST,
	ST_SEL_COMP,
	ST_INS_COMP,
	ST_SEL_GUID,
	ST_INS_GUID,
	ST_INS_PROBLEM,
	ST_SEL_MSG,
	ST_UPSERT_INPUT,
	ST_SAME_HEAD,
	ST_OLD_COPY,
	ST_COUNT_
};

static const char *const sql_text[ST_COUNT_] = {
    [ST_INS_SOURCE] = "INSERT INTO sources(source_key, path, member, format, role, host,"
                      " indexed_at) VALUES('', ?1, ?2, ?3, ?4, ?5,"
                      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [ST_END_SOURCE] = "UPDATE sources SET source_key = ?1, bytes = ?2, lines = ?3,"
                      " events = ?4, first_ts = ?5, last_ts = ?6,"
                      " host = CASE WHEN host = '' THEN ?7 ELSE host END, complete = 1,"
                      " head_key = ?9 WHERE source_id = ?8",
    [ST_DUP_SOURCE] = "SELECT 1 FROM sources WHERE source_key = ?1 AND complete = 1"
                      " AND source_id <> ?2 LIMIT 1",
    [ST_DEL_EG] = "DELETE FROM event_guids WHERE event_id IN"
                  " (SELECT event_id FROM events WHERE source_id = ?1)",
    [ST_DEL_EVENTS] = "DELETE FROM events WHERE source_id = ?1",
    [ST_DEL_SCANS] = "DELETE FROM scans WHERE source_id = ?1",
    [ST_DEL_SOURCE] = "DELETE FROM sources WHERE source_id = ?1",
    [ST_DEL_RAW] = "DELETE FROM event_text WHERE event_id IN"
                   " (SELECT event_id FROM events WHERE source_id = ?1)",
    [ST_INS_CONFIG] = "INSERT INTO server_config(source_id, server, file_ts,"
                      " max_installed_prerequisites, max_cached_updates)"
                      " VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_DEL_CONFIG] = "DELETE FROM server_config WHERE source_id = ?1",
    [ST_SEL_HOST] = "SELECT host_id FROM hosts WHERE name = ?1",
    [ST_INS_HOST] = "INSERT INTO hosts(name) VALUES(?1)",
    [ST_SEL_COMP] = "SELECT component_id FROM components WHERE name = ?1",
    [ST_INS_COMP] = "INSERT INTO components(name) VALUES(?1)",
    [ST_SEL_GUID] = "SELECT guid_id FROM guids WHERE guid = ?1",
    [ST_INS_GUID] = "INSERT INTO guids(guid) VALUES(?1)",
    [ST_SEL_MSG] = "SELECT message_id, text FROM messages WHERE hash = ?1",
    [ST_UPSERT_INPUT] = "INSERT INTO inputs(path, size, mtime, complete, indexed_at)"
                        " VALUES(?1, ?2, ?3, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
                        " ON CONFLICT(path) DO UPDATE SET size = excluded.size,"
                        " mtime = excluded.mtime, complete = 1, indexed_at = excluded.indexed_at",
    [ST_SAME_HEAD] = "SELECT source_id, bytes FROM sources WHERE head_key = ?1 AND complete = 1"
                     " AND source_id <> ?2 AND format = (SELECT format FROM sources"
                     " WHERE source_id = ?2)",
    [ST_OLD_COPY] = "SELECT source_id FROM sources WHERE source_key = ?1 AND path = ?2"
                    " AND member = ?3 AND complete = 1 AND source_id <> ?4",
    [ST_INS_PROBLEM] = "INSERT INTO problems(path, member, offset, line, kind, message, at)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
};

struct wl_writer {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT_];
	int lock_fd;
	/* The index file, read-only, for the write-back and the syncs. Opened
	 * once after SQLite's own and closed only after sqlite3_close: closing
	 * any descriptor of the file drops every POSIX lock this process holds
	 * on it, SQLite's included (sqlite.org/howtocorrupt.html, 2.2), and a
	 * reader that found the file unlocked could checkpoint and delete the
	 * WAL under the writer. */
	int db_fd;
	char *path; /* the index file */
	bool in_txn;
	uint64_t txn_rows;
	struct timespec txn_start;
	idmap hosts, comps, guids;
	msgset msgs;
	int64_t *open_source; /* per worker */
	unsigned workers;
	unsigned resumed;
	bool fresh; /* the database had no events: indexes are built at close */
	/* hosts, components, guids and messages were empty at open: the maps
	 * hold every row, so a key not in its map needs no database look-up
	 * (until the map fills up: WL_MAP_ENTRIES_MAX, map_clear). */
	bool maps_complete;
	size_t map_max; /* entries per map before it is emptied */
	int64_t next_event_id;
	int64_t next_message_id;
	/* events and event_text rows are inserted with a NULL rowid, which
	 * SQLite makes max + 1, the next_event_id they carry: an explicit
	 * rowid costs a B-tree seek per row (5 % of the writer's work). True
	 * while both tables end at next_event_id - 1 (checked at open, and
	 * after every batch); any delete ends it for the run. */
	bool auto_ids;
	bool ids_broken; /* a batch's rowids were not its ids: roll back */
	wl_known known;
	/* Multi-row INSERTs of 1, 2, 4, ..., BATCH_ROWS rows per table. */
	sqlite3_stmt *ins[T_COUNT_][BATCH_LOG + 1];
	evrow ev[BATCH_ROWS]; /* events and their event_text rows */
	unsigned nev;
	msgrow msg[BATCH_ROWS]; /* new messages (text in the arena) */
	unsigned nmsg;
	egrow eg[BATCH_ROWS];
	unsigned neg;
	scanrow sc[BATCH_ROWS];
	unsigned nsc;
	char *arena; /* text of the buffered event rows */
	size_t arena_n, arena_cap;
};

static wl_status db_error(wl_writer *wr, char *err, size_t errlen, const char *what)
{
	int code = sqlite3_errcode(wr->db);
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(wr->db));
	return (code == SQLITE_FULL) ? WL_E_DISK_FULL : WL_E_DB;
}

static wl_status exec(wl_writer *wr, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(wr->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(wr, err, errlen, sql);
	return WL_OK;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static wl_status begin(wl_writer *wr, char *err, size_t errlen)
{
	if (wr->in_txn)
		return WL_OK;
	wl_status st = exec(wr, "BEGIN", err, errlen);
	if (st == WL_OK) {
		wr->in_txn = true;
		wr->txn_rows = 0;
		clock_gettime(CLOCK_MONOTONIC, &wr->txn_start);
	}
	return st;
}

static wl_status commit(wl_writer *wr, char *err, size_t errlen)
{
	if (!wr->in_txn)
		return WL_OK;
	wr->in_txn = false;
	return exec(wr, "COMMIT", err, errlen);
}

/* Run a prepared statement to completion (no rows expected). */
static wl_status run(wl_writer *wr, int which, char *err, size_t errlen)
{
	sqlite3_stmt *s = wr->st[which];
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(wr, err, errlen, "write");
	return WL_OK;
}

/* Interned id of a string in table (sel, ins) through map m; 0 for an
 * empty string (stored as NULL). */
static wl_status intern(wl_writer *wr, idmap *m, int sel, int ins, const char *k, size_t n,
                        int64_t *id, char *err, size_t errlen)
{
	*id = 0;
	if (n == 0)
		return WL_OK;
	uint64_t h = XXH3_64bits(k, n);
	map_slot *s = map_find(m, k, n, h);
	if (s && s->key) {
		*id = s->id;
		return WL_OK;
	}
	int rc = SQLITE_DONE;
	if (!wr->maps_complete || m->emptied) {
		sqlite3_stmt *q = wr->st[sel];
		sqlite3_bind_text(q, 1, k, (int)n, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_error(wr, err, errlen, "look-up");
	}
	if (rc == SQLITE_DONE) {
		sqlite3_bind_text(wr->st[ins], 1, k, (int)n, SQLITE_STATIC);
		wl_status st = run(wr, ins, err, errlen);
		if (st != WL_OK)
			return st;
		*id = sqlite3_last_insert_rowid(wr->db);
		wr->txn_rows++;
	}
	if (m->used >= wr->map_max)
		map_clear(m);
	if (map_put(m, k, n, h, *id) != 0)
		return WL_E_NOMEM;
	return WL_OK;
}

static void bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

static void bind_null_or(sqlite3_stmt *s, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* NULL for an empty span (fault code, parameter). */
static void bind_atext(const wl_writer *wr, sqlite3_stmt *s, int i, aspan a)
{
	if (a.n)
		sqlite3_bind_text(s, i, wr->arena + a.off, (int)a.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Row r of table t's buffer into the parameters from base + 1 on. */
static void bind_row(const wl_writer *wr, int t, sqlite3_stmt *s, int base, unsigned r)
{
	switch (t) {
	case T_EVENTS: {
		const evrow *e = &wr->ev[r];
		if (wr->auto_ids)
			sqlite3_bind_null(s, base + 1);
		else
			sqlite3_bind_int64(s, base + 1, e->id);
		sqlite3_bind_int64(s, base + 2, e->source);
		sqlite3_bind_int64(s, base + 3, e->line);
		bind_null_or(s, base + 4, e->has_ts, e->ts);
		sqlite3_bind_int(s, base + 5, e->role);
		sqlite3_bind_int(s, base + 6, e->kind);
		bind_id(s, base + 7, e->host);
		bind_id(s, base + 8, e->server);
		bind_id(s, base + 9, e->client);
		bind_id(s, base + 10, e->comp);
		bind_null_or(s, base + 11, e->has_hr, e->hr);
		bind_atext(wr, s, base + 12, e->fault_code);
		bind_atext(wr, s, base + 13, e->parameter);
		bind_id(s, base + 14, e->fault);
		break;
	}
	case T_RAW: {
		const evrow *e = &wr->ev[r];
		if (wr->auto_ids)
			sqlite3_bind_null(s, base + 1);
		else
			sqlite3_bind_int64(s, base + 1, e->id);
		sqlite3_bind_text(s, base + 2, e->prefix.n ? wr->arena + e->prefix.off : "",
		                  (int)e->prefix.n, SQLITE_STATIC);
		bind_id(s, base + 3, e->msg);
		break;
	}
	case T_MSG: {
		const msgrow *m = &wr->msg[r];
		sqlite3_bind_int64(s, base + 1, m->id);
		sqlite3_bind_int64(s, base + 2, m->hash);
		sqlite3_bind_text(s, base + 3, wr->arena + m->text.off, (int)m->text.n,
		                  SQLITE_STATIC);
		break;
	}
	case T_EG: {
		const egrow *g = &wr->eg[r];
		sqlite3_bind_int64(s, base + 1, g->gid);
		sqlite3_bind_int64(s, base + 2, g->eid);
		sqlite3_bind_int(s, base + 3, g->what);
		break;
	}
	case T_SCANS: {
		const scanrow *c = &wr->sc[r];
		sqlite3_bind_int64(s, base + 1, c->source);
		sqlite3_bind_int64(s, base + 2, c->line);
		bind_null_or(s, base + 3, c->has_ts, c->ts);
		bind_id(s, base + 4, c->host);
		bind_id(s, base + 5, c->server);
		bind_id(s, base + 6, c->client);
		sqlite3_bind_int64(s, base + 7, c->hr);
		for (int k = 0; k < 3; k++)
			bind_null_or(s, base + 8 + k, c->v[k] >= 0, c->v[k]);
		break;
	}
	}
}

/* Write the first n buffered rows of table t: whole batches, then the
 * rest in power-of-two pieces. */
static wl_status flush_table(wl_writer *wr, int t, unsigned n, char *err, size_t errlen)
{
	unsigned done = 0;
	for (int k = BATCH_LOG; k >= 0; k--) {
		unsigned size = 1u << k;
		sqlite3_stmt *s = wr->ins[t][k];
		while (n - done >= size) {
			for (unsigned i = 0; i < size; i++)
				bind_row(wr, t, s, (int)i * table_sql[t].ncol, done + i);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return db_error(wr, err, errlen, "write");
			done += size;
		}
	}
	return WL_OK;
}

/* With auto_ids, the rowid SQLite gave the last row of a batch must be the
 * id the writer assigned it (and that event_guids rows refer to). */
static wl_status check_ids(wl_writer *wr, const char *table, char *err, size_t errlen)
{
	if (!wr->auto_ids || wr->nev == 0)
		return WL_OK;
	int64_t got = sqlite3_last_insert_rowid(wr->db), want = wr->ev[wr->nev - 1].id;
	if (got == want)
		return WL_OK;
	snprintf(err, errlen, "%s: row id %lld where %lld was assigned", table, (long long)got,
	         (long long)want);
	/* event_guids rows already written in this transaction name the
	 * assigned ids: none of it may be committed. */
	wr->ids_broken = true;
	return WL_E_DB;
}

static wl_status flush_events(wl_writer *wr, char *err, size_t errlen)
{
	wl_status st = flush_table(wr, T_EVENTS, wr->nev, err, errlen);
	if (st == WL_OK)
		st = check_ids(wr, "events", err, errlen);
	if (st == WL_OK)
		st = flush_table(wr, T_RAW, wr->nev, err, errlen);
	if (st == WL_OK)
		st = check_ids(wr, "event_text", err, errlen);
	if (st == WL_OK)
		st = flush_table(wr, T_MSG, wr->nmsg, err, errlen);
	if (st != WL_OK)
		return st;
	wr->nev = 0;
	wr->nmsg = 0;
	wr->arena_n = 0;
	return WL_OK;
}

static wl_status flush_guids(wl_writer *wr, char *err, size_t errlen)
{
	wl_status st = flush_table(wr, T_EG, wr->neg, err, errlen);
	if (st == WL_OK)
		wr->neg = 0;
	return st;
}

static wl_status flush_scans(wl_writer *wr, char *err, size_t errlen)
{
	wl_status st = flush_table(wr, T_SCANS, wr->nsc, err, errlen);
	if (st == WL_OK)
		wr->nsc = 0;
	return st;
}

/* Buffered rows go out before anything that reads, deletes or commits
 * them. Guids go after the events they name. */
static wl_status flush_all(wl_writer *wr, char *err, size_t errlen)
{
	wl_status st = flush_events(wr, err, errlen);
	if (st == WL_OK)
		st = flush_guids(wr, err, errlen);
	if (st == WL_OK)
		st = flush_scans(wr, err, errlen);
	return st;
}

/* Copy text into the arena (valid until the event rows are flushed). */
static int arena_put(wl_writer *wr, wl_span sp, size_t max, aspan *out)
{
	size_t n = sp.p ? sp.n : 0;
	if (n > max)
		n = max;
	if (wr->arena_n + n > wr->arena_cap) {
		size_t cap = wr->arena_cap ? wr->arena_cap : 64 * 1024;
		while (cap < wr->arena_n + n)
			cap *= 2;
		char *a = realloc(wr->arena, cap);
		if (!a)
			return -1;
		wr->arena = a;
		wr->arena_cap = cap;
	}
	if (n)
		memcpy(wr->arena + wr->arena_n, sp.p, n);
	out->off = wr->arena_n;
	out->n = n;
	wr->arena_n += n;
	return 0;
}

/* The id of message text a (in the arena), inserting it when new. Ids are
 * assigned here in insertion order, so `messages` is appended to (random
 * keys would cost a B-tree page write per insert); `hash` (the low half of
 * the XXH3-128) finds a text stored by an earlier run. */
static wl_status message_id(wl_writer *wr, aspan a, int64_t *out, char *err, size_t errlen)
{
	const char *p = wr->arena + a.off;
	XXH128_hash_t h = XXH3_128bits(p, a.n);
	if (wr->msgs.cap) {
		const msg_slot *s = mset_find(&wr->msgs, h.low64, h.high64);
		if (s->id) {
			*out = s->id;
			return WL_OK;
		}
	}
	int64_t id = 0;
	if (!wr->maps_complete) {
		sqlite3_stmt *q = wr->st[ST_SEL_MSG];
		sqlite3_bind_int64(q, 1, (int64_t)h.low64);
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			if ((size_t)sqlite3_column_bytes(q, 1) == a.n &&
			    memcmp(sqlite3_column_blob(q, 1), p, a.n) == 0) {
				id = sqlite3_column_int64(q, 0);
				break;
			}
		}
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_error(wr, err, errlen, "look-up");
	}
	if (id == 0) {
		msgrow *r = &wr->msg[wr->nmsg++];
		id = r->id = wr->next_message_id++;
		r->hash = (int64_t)h.low64;
		r->text = a;
		wr->txn_rows++;
		if (wr->nmsg == BATCH_ROWS) {
			wl_status st = flush_table(wr, T_MSG, wr->nmsg, err, errlen);
			if (st != WL_OK)
				return st;
			wr->nmsg = 0;
		}
	}
	/* Full: start again. A text seen again after this is stored again
	 * (a first load keeps no hash index to find it by); its lines stay
	 * exact, and a run into a non-empty index still looks it up. */
	if (wr->msgs.used >= wr->map_max)
		mset_clear(&wr->msgs);
	if (mset_put(&wr->msgs, h.low64, h.high64, id) != 0)
		return WL_E_NOMEM;
	*out = id;
	return WL_OK;
}

static wl_status add_guid(wl_writer *wr, int64_t event_id, const wl_guid *g, int what, char *err,
                          size_t errlen)
{
	int64_t gid;
	wl_status st =
	    intern(wr, &wr->guids, ST_SEL_GUID, ST_INS_GUID, g->s, 36, &gid, err, errlen);
	if (st != WL_OK)
		return st;
	egrow *r = &wr->eg[wr->neg++];
	r->gid = gid;
	r->eid = event_id;
	r->what = what;
	wr->txn_rows++;
	if (wr->neg == BATCH_ROWS)
		return flush_guids(wr, err, errlen);
	return WL_OK;
}

static wl_status write_event(wl_writer *wr, int64_t source_id, const wl_event *e, char *err,
                             size_t errlen)
{
	int64_t host, server, comp, client = 0, fault = 0;
	wl_status st;
	if ((st = intern(wr, &wr->hosts, ST_SEL_HOST, ST_INS_HOST, e->host.p, e->host.n, &host, err,
	                 errlen)) != WL_OK ||
	    (st = intern(wr, &wr->hosts, ST_SEL_HOST, ST_INS_HOST, e->server.p, e->server.n,
	                 &server, err, errlen)) != WL_OK)
		return st;
	if (e->has_client_id && (st = intern(wr, &wr->guids, ST_SEL_GUID, ST_INS_GUID,
	                                     e->client_id.s, 36, &client, err, errlen)) != WL_OK)
		return st;
	if (e->kind == WL_EV_CONFIG) {
		sqlite3_stmt *s = wr->st[ST_INS_CONFIG];
		sqlite3_bind_int64(s, 1, source_id);
		sqlite3_bind_text(s, 2, e->server.p ? e->server.p : "", (int)e->server.n,
		                  SQLITE_STATIC);
		if (e->ts_us == WL_TS_NONE)
			sqlite3_bind_null(s, 3);
		else
			sqlite3_bind_int64(s, 3, e->ts_us);
		if (e->max_prereq < 0)
			sqlite3_bind_null(s, 4);
		else
			sqlite3_bind_int64(s, 4, e->max_prereq);
		if (e->max_cached < 0)
			sqlite3_bind_null(s, 5);
		else
			sqlite3_bind_int64(s, 5, e->max_cached);
		wr->txn_rows++;
		return run(wr, ST_INS_CONFIG, err, errlen);
	}
	if (e->kind == WL_EV_SCAN) {
		scanrow *r = &wr->sc[wr->nsc++];
		r->source = source_id;
		r->line = (int64_t)e->line;
		r->has_ts = e->ts_us != WL_TS_NONE;
		r->ts = e->ts_us;
		r->host = host;
		r->server = server;
		r->client = client;
		r->hr = e->hresult;
		r->v[0] = e->round_trips;
		r->v[1] = e->evaluated;
		r->v[2] = e->deployed;
		wr->txn_rows++;
		if (wr->nsc == BATCH_ROWS)
			return flush_scans(wr, err, errlen);
		return WL_OK;
	}
	if ((st = intern(wr, &wr->comps, ST_SEL_COMP, ST_INS_COMP, e->component.p, e->component.n,
	                 &comp, err, errlen)) != WL_OK)
		return st;
	if (e->has_fault_guid && (st = intern(wr, &wr->guids, ST_SEL_GUID, ST_INS_GUID,
	                                      e->fault_guid.s, 36, &fault, err, errlen)) != WL_OK)
		return st;
	evrow *r = &wr->ev[wr->nev++];
	r->id = wr->next_event_id++;
	r->source = source_id;
	r->line = (int64_t)e->line;
	r->has_ts = e->ts_us != WL_TS_NONE;
	r->ts = e->ts_us;
	r->role = (int)e->role;
	r->kind = (int)e->kind;
	r->host = host;
	r->server = server;
	r->client = client;
	r->comp = comp;
	r->has_hr = e->has_hresult;
	r->hr = e->hresult;
	r->fault = fault;
	if (arena_put(wr, e->fault_code, SIZE_MAX, &r->fault_code) != 0 ||
	    arena_put(wr, e->parameter, SIZE_MAX, &r->parameter) != 0 ||
	    arena_put(wr, e->raw, WL_RAW_MAX, &r->prefix) != 0)
		return WL_E_NOMEM;
	wr->txn_rows += 2;
	r->msg = 0;
	if (e->msg_off > 0 && e->msg_off < r->prefix.n) {
		aspan text = {r->prefix.off + e->msg_off, r->prefix.n - e->msg_off};
		if ((st = message_id(wr, text, &r->msg, err, errlen)) != WL_OK)
			return st;
		r->prefix.n = e->msg_off;
	}
	if (e->has_fault_guid &&
	    (st = add_guid(wr, r->id, &e->fault_guid, WL_GUID_FAULT, err, errlen)) != WL_OK)
		return st;
	/* The SusClientId is not repeated in event_guids: nearly every event
	 * carries one, and events.client_guid_id (indexed) finds them. */
	for (unsigned i = 0; i < e->n_other; i++)
		if ((st = add_guid(wr, r->id, &e->other[i], WL_GUID_OTHER, err, errlen)) != WL_OK)
			return st;
	if (wr->nev == BATCH_ROWS)
		return flush_events(wr, err, errlen);
	return WL_OK;
}

static wl_status delete_source(wl_writer *wr, int64_t id, char *err, size_t errlen);

/* Copies of one log under other names (a truncated re-collection, a copy
 * taken before the log grew) start with the same WL_HEAD_BYTES: keep the
 * longest copy only, so no event is counted twice. */
static wl_status same_start(wl_writer *wr, int64_t id, const wl_msg *m, wl_stats *stats,
                            bool *dropped, char *err, size_t errlen)
{
	int64_t other[16];
	uint64_t other_bytes[16];
	int n = 0, rc;
	sqlite3_stmt *q = wr->st[ST_SAME_HEAD];
	sqlite3_bind_text(q, 1, m->head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	while (n < 16 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		other[n] = sqlite3_column_int64(q, 0);
		other_bytes[n++] = (uint64_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	*dropped = false;
	for (int i = 0; i < n; i++) {
		if (other_bytes[i] >= m->bytes) {
			atomic_fetch_add(&stats->duplicates, 1);
			*dropped = true;
			return delete_source(wr, id, err, errlen);
		}
	}
	for (int i = 0; i < n; i++) {
		wl_status st = delete_source(wr, other[i], err, errlen);
		if (st != WL_OK)
			return st;
		atomic_fetch_add(&stats->replaced, 1);
	}
	return WL_OK;
}

static wl_status delete_source(wl_writer *wr, int64_t id, char *err, size_t errlen)
{
	static const int order[] = {ST_DEL_EG,    ST_DEL_RAW,    ST_DEL_EVENTS,
	                            ST_DEL_SCANS, ST_DEL_CONFIG, ST_DEL_SOURCE};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		sqlite3_bind_int64(wr->st[order[i]], 1, id);
		wl_status st = run(wr, order[i], err, errlen);
		if (st != WL_OK)
			return st;
	}
	/* The deleted rows may have been the newest: SQLite's max + 1 would
	 * then give a deleted event's id again. Ids stay the writer's. */
	wr->auto_ids = false;
	return WL_OK;
}

static void print_problem(wl_status st, const char *path, const char *member, uint64_t offset,
                          uint64_t line, const char *text)
{
	char where[64] = "";
	if (line)
		snprintf(where, sizeof where, "line %llu: ", (unsigned long long)line);
	else if (offset != UINT64_MAX)
		snprintf(where, sizeof where, "offset %llu: ", (unsigned long long)offset);
	fprintf(stderr, "wsuslog-index: %s%s%s: %s%s (%s)\n", path, member && *member ? "!" : "",
	        member ? member : "", where, text, wl_status_name(st));
}

wl_status wl_writer_problem(wl_writer *wr, wl_status st, const char *path, const char *member,
                            uint64_t offset, uint64_t line, const char *text, char *err,
                            size_t errlen)
{
	print_problem(st, path, member, offset, line, text);
	wl_status rc = begin(wr, err, errlen);
	if (rc != WL_OK)
		return rc;
	sqlite3_stmt *s = wr->st[ST_INS_PROBLEM];
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, member ? member : "", -1, SQLITE_STATIC);
	if (offset == UINT64_MAX)
		sqlite3_bind_null(s, 3);
	else
		sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	if (line)
		sqlite3_bind_int64(s, 4, (sqlite3_int64)line);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, wl_status_name(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, text, -1, SQLITE_STATIC);
	wr->txn_rows++;
	return run(wr, ST_INS_PROBLEM, err, errlen);
}

/* After a commit during the load: have the kernel start writing the index
 * file's dirty pages (those SQLite's automatic checkpoints copied out of
 * the WAL) to disk now, without waiting for it. synchronous is OFF during a
 * load, so nothing else does until the close's fdatasync, which then had a
 * whole load to write while the program waited (on 1 GB of logs the close
 * went from 0.13-0.16 s to 0.09-0.11 s). Best effort: a failure costs only
 * that time. */
static void writeback_start(wl_writer *wr)
{
#ifdef SYNC_FILE_RANGE_WRITE
	(void)sync_file_range(wr->db_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)wr;
#endif
}

wl_status wl_writer_apply(wl_writer *wr, const wl_msg *m, wl_stats *stats, char *err, size_t errlen)
{
	wl_status st = begin(wr, err, errlen);
	if (st != WL_OK)
		return st;
	if (m->type != WL_MSG_EVENTS && (st = flush_all(wr, err, errlen)) != WL_OK)
		return st;
	int64_t *open = &wr->open_source[m->worker];
	switch (m->type) {
	case WL_MSG_BEGIN: {
		sqlite3_stmt *s = wr->st[ST_INS_SOURCE];
		sqlite3_bind_text(s, 1, m->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, m->member, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, wl_format_name(m->fmt), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4,
		                  wl_role_name(m->fmt == WL_FMT_SDIST || m->fmt == WL_FMT_WEBCONFIG
		                                   ? WL_ROLE_SERVER
		                                   : WL_ROLE_CLIENT),
		                  -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, m->host, -1, SQLITE_STATIC);
		if ((st = run(wr, ST_INS_SOURCE, err, errlen)) != WL_OK)
			return st;
		*open = sqlite3_last_insert_rowid(wr->db);
		wr->txn_rows++;
		break;
	}
	case WL_MSG_EVENTS:
		if (*open == 0)
			break; /* cannot happen: events always follow a BEGIN */
		for (size_t i = 0; i < m->nev; i++)
			if ((st = write_event(wr, *open, &m->ev[i], err, errlen)) != WL_OK)
				return st;
		break;
	case WL_MSG_END: {
		if (*open == 0)
			break;
		sqlite3_stmt *d = wr->st[ST_DUP_SOURCE];
		sqlite3_bind_text(d, 1, m->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(d, 2, *open);
		int rc = sqlite3_step(d);
		sqlite3_reset(d);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_error(wr, err, errlen, "duplicate check");
		if (rc == SQLITE_ROW) {
			/* Same bytes already indexed (a re-collected copy, or a
			 * re-run): keep one copy so no count doubles. */
			atomic_fetch_add(&stats->duplicates, 1);
			st = delete_source(wr, *open, err, errlen);
			*open = 0;
			if (st != WL_OK)
				return st;
			break;
		}
		sqlite3_stmt *s = wr->st[ST_END_SOURCE];
		sqlite3_bind_text(s, 1, m->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)m->bytes);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)m->lines);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)m->events);
		if (m->first_ts == WL_TS_NONE) {
			sqlite3_bind_null(s, 5);
			sqlite3_bind_null(s, 6);
		} else {
			sqlite3_bind_int64(s, 5, m->first_ts);
			sqlite3_bind_int64(s, 6, m->last_ts);
		}
		sqlite3_bind_text(s, 7, m->host ? m->host : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 8, *open);
		if (m->fmt == WL_FMT_WEBCONFIG)
			sqlite3_bind_null(s, 9);
		else
			sqlite3_bind_text(s, 9, m->head, -1, SQLITE_STATIC);
		if ((st = run(wr, ST_END_SOURCE, err, errlen)) != WL_OK)
			return st;
		if (m->fmt != WL_FMT_WEBCONFIG) {
			bool dropped = false;
			if ((st = same_start(wr, *open, m, stats, &dropped, err, errlen)) != WL_OK)
				return st;
			if (dropped) {
				*open = 0;
				break;
			}
		}
		if (m->supersedes[0]) {
			/* This copy extends an earlier one of the same path (a log
			 * that grew): the earlier copy goes, so nothing is counted
			 * twice. */
			int64_t old[16];
			int n = 0, rc2;
			sqlite3_stmt *q = wr->st[ST_OLD_COPY];
			sqlite3_bind_text(q, 1, m->supersedes, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, m->path, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, m->member, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 4, *open);
			while (n < 16 && (rc2 = sqlite3_step(q)) == SQLITE_ROW)
				old[n++] = sqlite3_column_int64(q, 0);
			sqlite3_reset(q);
			for (int i = 0; i < n; i++) {
				if ((st = delete_source(wr, old[i], err, errlen)) != WL_OK)
					return st;
				atomic_fetch_add(&stats->replaced, 1);
			}
		}
		*open = 0;
		break;
	}
	case WL_MSG_INPUT: {
		sqlite3_stmt *s = wr->st[ST_UPSERT_INPUT];
		sqlite3_bind_text(s, 1, m->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)m->bytes);
		sqlite3_bind_int64(s, 3, m->first_ts);
		if ((st = run(wr, ST_UPSERT_INPUT, err, errlen)) != WL_OK)
			return st;
		break;
	}
	case WL_MSG_PROBLEM:
		st = wl_writer_problem(wr, m->status, m->path, m->member, m->offset, m->line,
		                       m->text, err, errlen);
		if (st != WL_OK)
			return st;
		break;
	}
	if (wr->txn_rows >= WL_TXN_ROWS || elapsed(&wr->txn_start) >= 2.0) {
		if ((st = flush_all(wr, err, errlen)) != WL_OK)
			return st;
		if ((st = commit(wr, err, errlen)) == WL_OK)
			writeback_start(wr);
		return st;
	}
	return WL_OK;
}

/* "head (row),(row),…" with n rows; caller frees. */
static char *multi_sql(const char *head, const char *row, unsigned n)
{
	size_t hl = strlen(head), rl = strlen(row);
	char *sql = malloc(hl + n * (rl + 1) + 1);
	if (!sql)
		return NULL;
	memcpy(sql, head, hl);
	size_t o = hl;
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sql[o++] = ',';
		memcpy(sql + o, row, rl);
		o += rl;
	}
	sql[o] = 0;
	return sql;
}

static wl_status take_lock(wl_writer *wr, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path) + 6;
	char *lp = malloc(n);
	if (!lp)
		return WL_E_NOMEM;
	snprintf(lp, n, "%s.lock", path);
	wr->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (wr->lock_fd < 0) {
		snprintf(err, errlen, "%s: %s", lp, strerror(errno));
		free(lp);
		return WL_E_OPEN;
	}
	if (flock(wr->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen,
		         "%s is being written by another wsuslog-index (lock %s held); "
		         "wait for it to finish",
		         path, lp);
		free(lp);
		return WL_E_BUSY;
	}
	free(lp);
	return WL_OK;
}

static wl_status remove_incomplete(wl_writer *wr, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	wl_status st = WL_OK;
	if (sqlite3_prepare_v2(wr->db, "SELECT source_id FROM sources WHERE complete = 0", -1, &q,
	                       NULL) != SQLITE_OK)
		return db_error(wr, err, errlen, "prepare");
	int64_t ids[256];
	int n = 0;
	/* Collect first: deleting while stepping the same table is undefined. */
	do {
		n = 0;
		while (n < 256 && sqlite3_step(q) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		for (int i = 0; i < n && st == WL_OK; i++) {
			st = delete_source(wr, ids[i], err, errlen);
			wr->resumed++;
		}
	} while (n == 256 && st == WL_OK);
	sqlite3_finalize(q);
	return st;
}

wl_status wl_writer_open(wl_writer **out, const char *path, unsigned workers, uint64_t max_db_pages,
                         char *err, size_t errlen)
{
	wl_status st = WL_OK;
	wl_writer *wr = calloc(1, sizeof *wr);
	if (!wr)
		return WL_E_NOMEM;
	wr->lock_fd = -1;
	wr->db_fd = -1;
	wr->map_max = WL_MAP_ENTRIES_MAX;
	wr->workers = workers;
	wr->open_source = calloc(workers + 1, sizeof *wr->open_source);
	if (!wr->open_source) {
		st = WL_E_NOMEM;
		goto fail;
	}
	if ((st = take_lock(wr, path, err, errlen)) != WL_OK)
		goto fail;
	if (!(wr->path = strdup(path))) {
		st = WL_E_NOMEM;
		goto fail;
	}
	/* NOMUTEX: only this thread ever uses the connection. */
	if (sqlite3_open_v2(path, &wr->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		st = db_error(wr, err, errlen, path);
		goto fail;
	}
	if ((wr->db_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st = WL_E_DB;
		goto fail;
	}
	sqlite3_busy_timeout(wr->db, 10000);
	/* WAL: queries can read while we write. synchronous=OFF during the
	 * load: in WAL mode a killed process cannot corrupt the database (only
	 * an OS crash or power loss could), and the complete flag makes lost
	 * last transactions harmless. The close makes the result durable. */
	if ((st = exec(
	         wr,
	         "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
	         " PRAGMA cache_size = -32768; PRAGMA threads = 2;"
	         " PRAGMA foreign_keys = OFF",
	         err, errlen)) != WL_OK)
		goto fail;
	if ((st = wl_schema_init(wr->db, err, errlen)) != WL_OK)
		goto fail;
	if (max_db_pages) {
		/* A full disk, simulated: SQLITE_FULL once the file would grow
		 * beyond this many pages. */
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu",
		         (unsigned long long)max_db_pages);
		if ((st = exec(wr, sql, err, errlen)) != WL_OK)
			goto fail;
	}
	for (int i = 0; i < ST_COUNT_; i++) {
		if (sqlite3_prepare_v3(wr->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &wr->st[i], NULL) != SQLITE_OK) {
			st = db_error(wr, err, errlen, "prepare");
			goto fail;
		}
	}
	for (int t = 0; t < T_COUNT_; t++) {
		for (int k = 0; k <= BATCH_LOG; k++) {
			char *sql = multi_sql(table_sql[t].head, table_sql[t].row, 1u << k);
			if (!sql) {
				st = WL_E_NOMEM;
				goto fail;
			}
			int rc = sqlite3_prepare_v3(wr->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			                            &wr->ins[t][k], NULL);
			free(sql);
			if (rc != SQLITE_OK) {
				st = db_error(wr, err, errlen, "prepare");
				goto fail;
			}
		}
	}
	{
		sqlite3_stmt *q = NULL;
		wr->next_event_id = 1;
		if (sqlite3_prepare_v2(wr->db, "SELECT coalesce(max(event_id), 0) + 1 FROM events",
		                       -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			wr->next_event_id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		wr->next_message_id = 1;
		if (sqlite3_prepare_v2(wr->db,
		                       "SELECT coalesce(max(message_id), 0) + 1 FROM messages", -1,
		                       &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			wr->next_message_id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if ((st = begin(wr, err, errlen)) != WL_OK || (st = remove_incomplete(wr, err, errlen)) ||
	    (st = commit(wr, err, errlen)) != WL_OK)
		goto fail;
	{
		sqlite3_stmt *q = NULL;
		/* After remove_incomplete, which may have deleted the newest
		 * events (and turned auto_ids off; it starts on here). */
		if (sqlite3_prepare_v2(wr->db,
		                       "SELECT (SELECT coalesce(max(event_id), 0) FROM events),"
		                       " (SELECT coalesce(max(event_id), 0) FROM event_text)",
		                       -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			wr->auto_ids = sqlite3_column_int64(q, 0) == wr->next_event_id - 1 &&
			               sqlite3_column_int64(q, 1) == wr->next_event_id - 1;
		sqlite3_finalize(q);
		if (sqlite3_prepare_v2(wr->db, "SELECT NOT EXISTS (SELECT 1 FROM events)", -1, &q,
		                       NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			wr->fresh = sqlite3_column_int(q, 0) != 0;
		sqlite3_finalize(q);
		if (sqlite3_prepare_v2(
		        wr->db,
		        "SELECT NOT EXISTS (SELECT 1 FROM hosts) AND NOT EXISTS"
		        " (SELECT 1 FROM components) AND NOT EXISTS (SELECT 1 FROM guids)"
		        " AND NOT EXISTS (SELECT 1 FROM messages)",
		        -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			wr->maps_complete = sqlite3_column_int(q, 0) != 0;
		sqlite3_finalize(q);
	}
	if ((st = wl_known_load(&wr->known, wr->db, err, errlen)) != WL_OK)
		goto fail;
	if (wr->fresh) {
		/* Bulk load into a fresh index: secondary indexes are built once
		 * at close (PERFORMANCE.md: ~10x faster than random inserts). */
		if ((st = wl_schema_drop_indexes(wr->db, err, errlen)) != WL_OK)
			goto fail;
	}
	if (!wr->maps_complete && (st = wl_schema_lookup_indexes(wr->db, err, errlen)) != WL_OK)
		goto fail;
	*out = wr;
	return WL_OK;
fail:
	wl_writer_close(wr, false, NULL, 0);
	return st;
}

const wl_known *wl_writer_known(const wl_writer *wr)
{
	return &wr->known;
}

void wl_writer_set_map_max(wl_writer *wr, size_t max)
{
	wr->map_max = max > 0 ? max : 1;
}

size_t wl_writer_map_entries(const wl_writer *wr)
{
	return wr->hosts.used + wr->comps.used + wr->guids.used + wr->msgs.used;
}

unsigned wl_writer_resumed(const wl_writer *wr)
{
	return wr->resumed;
}

/* fdatasync of the index file on a helper thread. */
typedef struct bg_sync {
	pthread_t th;
	int fd;
	bool running;
} bg_sync;

static void *bg_sync_main(void *arg)
{
	bg_sync *b = arg;
	(void)fdatasync(b->fd);
	return NULL;
}

/* The table rows are in the database file (after a checkpoint) but only in
 * the page cache: start writing them to disk while the indexes are built
 * (CPU work that writes to the WAL), so the durable close at the end only
 * waits for the index pages. Best effort: without it the close does it. */
static void bg_sync_start(wl_writer *wr, bg_sync *b)
{
	b->running = false;
	if (sqlite3_wal_checkpoint_v2(wr->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) !=
	    SQLITE_OK)
		return;
	b->fd = wr->db_fd;
	if (pthread_create(&b->th, NULL, bg_sync_main, b) != 0)
		return;
	b->running = true;
}

static void bg_sync_wait(bg_sync *b)
{
	if (!b->running)
		return;
	pthread_join(b->th, NULL);
	b->running = false;
}

/* The durable close, first half: copy the WAL's frames into the database
 * file without a sync (synchronous is still OFF), then make the file
 * durable with one fdatasync. The TRUNCATE checkpoint after it (under
 * synchronous = NORMAL) then has nothing left to copy, so it only empties
 * the WAL. SQLite's own order would first fsync the WAL: every page the run
 * wrote, to protect a copy that this fdatasync makes durable anyway (0.1 s
 * per GB of logs on the 2-core VM). Until the fdatasync returns, the WAL
 * is untouched, so a crash before it leaves what SQLite would have. */
static wl_status sync_checkpoint(wl_writer *wr, char *err, size_t errlen)
{
	int frames = 0, copied = 0;
	if (sqlite3_wal_checkpoint_v2(wr->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) !=
	    SQLITE_OK)
		return db_error(wr, err, errlen, "checkpoint");
	if (copied == frames) {
		if (fdatasync(wr->db_fd) != 0) {
			snprintf(err, errlen, "%s: fdatasync: %s", wr->path, strerror(errno));
			return WL_E_DB;
		}
	}
	/* Frames a reader kept from the copy: the TRUNCATE checkpoint copies
	 * them with SQLite's syncs. */
	return exec(wr, "PRAGMA synchronous = NORMAL", err, errlen);
}

wl_status wl_writer_close(wl_writer *wr, bool ok, char *err, size_t errlen)
{
	char scratch[256];
	if (!err) {
		err = scratch;
		errlen = sizeof scratch;
	}
	wl_status st = WL_OK;
	if (!wr)
		return WL_OK;
	if (wr->db) {
		if (ok) {
			bg_sync bg = {.running = false};
			st = flush_all(wr, err, errlen);
			if (st == WL_OK)
				st = commit(wr, err, errlen);
			if (st == WL_OK)
				bg_sync_start(wr, &bg);
			if (st == WL_OK)
				st = wl_schema_finish(wr->db, err, errlen);
			if (st == WL_OK)
				st = exec(wr, "PRAGMA analysis_limit = 1000; PRAGMA optimize", err,
				          errlen);
			bg_sync_wait(&bg);
			if (st == WL_OK)
				st = sync_checkpoint(wr, err, errlen);
		} else if (wr->in_txn) {
			/* Commit what is whole: incomplete inputs stay flagged and are
			 * removed by the next run. A failed commit rolls back, and so
			 * does a transaction whose rows carry wrong event ids. */
			if (wr->ids_broken ||
			    sqlite3_exec(wr->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
				sqlite3_exec(wr->db, "ROLLBACK", NULL, NULL, NULL);
		}
		for (int i = 0; i < ST_COUNT_; i++)
			sqlite3_finalize(wr->st[i]);
		for (int t = 0; t < T_COUNT_; t++)
			for (int k = 0; k <= BATCH_LOG; k++)
				sqlite3_finalize(wr->ins[t][k]);
		if (ok)
			sqlite3_exec(wr->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(wr->db);
	}
	if (wr->lock_fd >= 0)
		close(wr->lock_fd);
	if (wr->db_fd >= 0)
		close(wr->db_fd);
	wl_known_free(&wr->known);
	map_free(&wr->hosts);
	map_free(&wr->comps);
	map_free(&wr->guids);
	free(wr->msgs.v);
	free(wr->open_source);
	free(wr->arena);
	free(wr->path);
	free(wr);
	return st;
}
