/* The SQLite store's state, shared by its files and no one else:
 *   store_sqlite.c          the ops, transactions, every SQL text of the store
 *   store_sqlite_lane.c     a lane's share, on its worker's thread: ids,
 *                           blocks sealed and compressed, rows, summaries
 *   store_sqlite_ids.c      names (hosts, components, GUIDs) shared by lanes
 *   store_sqlite_rows.c     the writer's share: rows bound, multi-row INSERTs
 *   store_sqlite_sources.c  source lifecycle: duplicates, grown copies,
 *                           inputs a killed run left incomplete, completion
 *   store_sqlite_summary.c  summaries: grouped by lanes, written at completion
 *   store_sqlite_durable.c  write-back, the close's checkpoint and fdatasync
 * Threads: the connection and everything but the lanes belong to the one
 * thread that calls the ops (the writer). Lane i belongs to worker i (or
 * to the writer, for a caller that does not encode); lanes share only the
 * id counters (atomics) and the names (a mutex).
 * Internal to the SQLite store. */
#ifndef WL_STORE_SQLITE_H
#define WL_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <xxhash.h>

#include "i64map.h"
#include "wsuslog/event_block.h"

#include "known.h"
#include "store.h"

/* ---- id maps (store_sqlite_ids.c) ----
 * One map type for every map: XXH3-128 of a key -> its row id. 24 bytes an
 * entry whatever the key's length, and no copy of the key: two keys are
 * taken as the same when their 128-bit hashes are (as the content keys of
 * sources are). With at most WL_MAP_ENTRIES_MAX (2^18) entries a collision
 * has a chance of about 2^-93 per map filling. A miss is then looked up in
 * the database (which compares the text) unless the map holds every row. */

typedef struct wl_idmap_slot {
	uint64_t lo, hi;
	int64_t id; /* > 0; 0 marks an empty slot */
} wl_idmap_slot;

typedef struct wl_idmap {
	wl_idmap_slot *v;
	size_t cap, used;
	size_t max;   /* entries past which the writer empties it after a commit */
	bool emptied; /* emptied at least once: a miss may be in the database */
} wl_idmap;

/* The id stored for h, or 0. */
int64_t wl_idmap_get(const wl_idmap *m, XXH128_hash_t h);
/* Store h -> id (id > 0, h absent). WL_E_NOMEM when growing fails. */
wl_status wl_idmap_put(wl_idmap *m, XXH128_hash_t h, int64_t id);
void wl_idmap_free(wl_idmap *m);

/* Text of a buffered row: offset and length in its byte buffer. */
typedef struct wl_aspan {
	size_t off, n;
} wl_aspan;

/* A growable byte buffer (the texts of rows, the bytes of blocks). */
typedef struct wl_bytes {
	char *p;
	size_t n, cap;
} wl_bytes;

/* Append p[0..n) to b; *at: where it went. WL_E_NOMEM. */
wl_status wl_bytes_put(wl_bytes *b, const void *p, size_t n, wl_aspan *at);

typedef enum wl_sqlite_names { SQ_HOSTS, SQ_COMPONENTS, SQ_GUIDS, SQ_NAMES_ } wl_sqlite_names;

/* A name given an id by a lane, not yet in its table. */
typedef struct wl_name_row {
	wl_sqlite_names table;
	int64_t id;
	wl_aspan text;
} wl_name_row;

typedef struct wl_name_rows {
	wl_name_row *v;
	size_t n, cap;
	wl_bytes text;
} wl_name_rows;

/* The names (hosts, components, GUIDs) every lane interns, shared under a
 * mutex. A lane gives a new name its id itself (ids need no connection:
 * next[]), and queues the row in pend; the writer inserts the pending rows
 * before each commit (wl_sqlite_names_take), so a committed row never names
 * a missing id. A name missing from a map that does not hold every row is
 * looked up through a read-only connection of its own, which sees what the
 * writer committed: the writer empties a full map only after a commit,
 * keeping the pending names in it. */
typedef struct wl_names {
	pthread_mutex_t mu;
	wl_idmap map[SQ_NAMES_];
	int64_t next[SQ_NAMES_]; /* the next id of each table */
	/* The tables were empty at open: a map that was never emptied holds
	 * every row, and a miss needs no look-up. */
	bool complete;
	const char *path; /* the index (the store's), for db */
	sqlite3 *db;      /* the look-ups' connection, opened at the first one */
	sqlite3_stmt *sel[SQ_NAMES_];
	wl_name_rows pend;
} wl_names;

/* Each lane keeps the ids it used last in a small cache of its own, so a
 * repeated name (the host, server and client of nearly every line) takes
 * no lock. Direct-mapped: WL_NAME_CACHE slots. */
#define WL_NAME_CACHE 4096u

/* The id of k[0..n) in table (0 for an empty key, stored as NULL), given
 * now when the name is new. cache: the lane's (WL_NAME_CACHE slots).
 * Thread-safe. */
wl_status wl_names_intern(wl_names *nm, wl_idmap_slot *cache, wl_sqlite_names table, const char *k,
                          size_t n, int64_t *id, char *err, size_t errlen);
/* The writer: the pending rows, moved into *out (emptied first). */
void wl_names_take(wl_names *nm, wl_name_rows *out);
/* The writer, after a commit: empty the maps holding max entries or more,
 * keeping the pending names. */
void wl_names_trim(wl_names *nm);
void wl_names_free(wl_names *nm);
void wl_name_rows_free(wl_name_rows *r);

/* ---- statements (texts in store_sqlite.c) ---- */

enum {
	SQ_INS_SOURCE,
	SQ_END_SOURCE,
	SQ_DUP_SOURCE,
	SQ_DEL_EG,
	SQ_DEL_EVENTS,
	SQ_DEL_NOTES,
	SQ_INS_BLOCK,
	SQ_DEL_SCANS,
	SQ_DEL_SOURCE,
	SQ_INS_CONFIG,
	SQ_DEL_CONFIG,
	SQ_INS_PROBLEM,
	SQ_UPSERT_INPUT,
	SQ_SAME_HEAD,
	SQ_OLD_COPY,
	SQ_INCOMPLETE,
	/* Summaries (store_sqlite_summary.c). */
	SQ_SUM_ERRORS_ADD,
	SQ_SUM_ACTIVITY_ADD,
	SQ_SUM_ERRORS_T_ADD,
	SQ_SUM_ACTIVITY_T_ADD,
	SQ_SUM_ERRORS_H_ADD,
	SQ_SUM_ACTIVITY_H_ADD,
	SQ_SUM_SPANS_ADD,
	SQ_SUM_HOURS_ADD,
	SQ_SUM_ERRORS_DEL,
	SQ_SUM_ACTIVITY_DEL,
	SQ_SUM_ERRORS_T_DEL,
	SQ_SUM_ACTIVITY_T_DEL,
	SQ_SUM_ERRORS_H_DEL,
	SQ_SUM_ACTIVITY_H_DEL,
	SQ_SUM_SPANS_DEL,
	SQ_FAULT_TOUCH,
	SQ_FAULT_CLEAR,
	SQ_FAULT_MEMBERS_CLEAR,
	SQ_FAULT_FILL,
	SQ_FAULT_MEMBERS_FILL,
	SQ_FAULT_UNTOUCH,
	SQ_COUNT_
};
extern const char *const wl_sqlite_sql[SQ_COUNT_];

/* ---- rows (store_sqlite_lane.c makes them, store_sqlite_rows.c writes
 * them) ----
 * Rows are written BATCH_ROWS at a time by one multi-row INSERT; see
 * store_sqlite_rows.c for why. */
#define WL_SQ_BATCH_LOG 5
#define WL_SQ_BATCH_ROWS (1u << WL_SQ_BATCH_LOG)

enum { SQ_T_NOTES, SQ_T_EG, SQ_T_SCANS, SQ_T_HOSTS, SQ_T_COMPS, SQ_T_GUIDS, SQ_T_COUNT_ };

/* "head" then "row" repeated, comma-separated, then "tail" (NULL: none):
 * the multi-row INSERT of a table with ncol columns. */
typedef struct wl_sqlite_table {
	const char *head, *row;
	int ncol;
	const char *tail;
} wl_sqlite_table;
extern const wl_sqlite_table wl_sqlite_tables[SQ_T_COUNT_];

/* An event: a row of event_notes when it is notable, and what the
 * summaries group. */
typedef struct wl_evrow {
	int64_t id, source, line, ts, host, server, client, comp, fault;
	bool has_ts, has_hr;
	int role, kind;
	uint32_t hr;
	wl_aspan fault_code, parameter;
	wl_aspan prefix; /* the raw line */
} wl_evrow;

typedef struct wl_scanrow {
	int64_t id, source, line, ts, host, server, client, hr, v[3];
	bool has_ts;
} wl_scanrow;

typedef struct wl_egrow {
	int64_t gid, eid;
	int what;
} wl_egrow;

typedef struct wl_configrow {
	int64_t source, ts, max_prereq, max_cached; /* WL_TS_NONE, -1: NULL */
	wl_aspan server;
} wl_configrow;

/* A sealed block: its event_blocks row, data in the enc's bytes. */
typedef struct wl_blockrow {
	int64_t source, n, first, last;
	wl_aspan data;
} wl_blockrow;

/* A growable array of rows of one type. */
#define WL_ROWS(T)                                                                                 \
	struct {                                                                                   \
		T *v;                                                                              \
		size_t n, cap;                                                                     \
	}

/* Make room for one more row in rows (a WL_ROWS): WL_E_NOMEM. */
#define wl_rows_grow(rows)                                                                         \
	wl_rows_grow_((void **)&(rows)->v, &(rows)->cap, (rows)->n, sizeof *(rows)->v)
wl_status wl_rows_grow_(void **v, size_t *cap, size_t n, size_t size);

/* The summaries of one source (below). */
typedef struct wl_sumacc wl_sumacc;

/* What a lane made of one queue message, for the writer: every row the
 * message adds, ready to bind (the store's wl_store_enc). Kept with its
 * message and reused. */
struct wl_store_enc {
	/* The source the message is of; BEGIN: the first id its events may
	 * have. */
	int64_t source, first_event;
	/* END: the last id its events had, and its summaries (owned). */
	int64_t last_event;
	wl_sumacc *acc;
	WL_ROWS(wl_blockrow) blocks;
	WL_ROWS(wl_evrow) notes;
	WL_ROWS(wl_egrow) eg;
	WL_ROWS(wl_scanrow) scans;
	WL_ROWS(wl_configrow) configs;
	wl_bytes bytes; /* the blocks' data, the rows' texts */
};
typedef struct wl_store_enc wl_sqlite_enc;

/* A lane: the worker's share of the store's work (store_sqlite_lane.c),
 * on the worker's thread. */
typedef struct wl_sqlite_lane {
	int64_t source; /* the open source, 0: none */
	wl_block_enc blk;
	int64_t next_id;             /* in the open block's chunk; 0: take a chunk */
	int64_t last_id;             /* the last id given to the open source */
	int64_t next_scan, scan_end; /* scan ids of the lane's chunk */
	wl_sumacc *acc;              /* the open source's summaries */
	/* Rows naming the events of the open block: they go out with it, so
	 * that deleting a source (which finds its events through its blocks)
	 * finds every row naming them. */
	wl_sqlite_enc side;
	wl_idmap_slot *cache; /* WL_NAME_CACHE */
	/* The host, server, client and component of the lane's last event:
	 * most lines repeat them all, and a compare costs less than the
	 * hash the cache needs. */
	struct wl_last_name {
		char k[64];
		size_t n;
		int64_t id;
	} last[4];
} wl_sqlite_lane;

/* ---- summary contributions of an open source (store_sqlite_summary.c) ----
 * Grouped in memory as its rows are added, written when it completes: the
 * store never reads a completed source back. A map (common/i64map.h) is
 * keyed by nk int64s (WL_I64_NULL for SQL NULL) and holds nv int64s per
 * key. */

/* The hourly maps, the hourly spans, sum_hours and the faults touched are
 * kept as rows arrive; at completion the daily maps are rolled up from the
 * hourly ones, with each day's events and scans (SUM_DAY_ROWS), which say
 * whether the day is dense enough for hourly rows (WL_SUM_DENSE_DAY) and
 * so the spans written (SUM_SPANS_OUT: an hour of a dense day, or a whole
 * sparse day); the totals (_T) are rolled up from the daily maps. */
enum {
	SUM_ERRORS_H,
	SUM_ACTIVITY_H,
	SUM_SPANS,
	SUM_HOURS,
	SUM_FAULTS,
	SUM_ERRORS,
	SUM_ACTIVITY,
	SUM_DAY_ROWS,
	SUM_SPANS_OUT,
	SUM_ERRORS_T,
	SUM_ACTIVITY_T,
	SUM_MAPS_
};
/* Their rows' multi-row INSERTs: the source id (except sum_hours and
 * fault_touch), then each key's columns and values. */
extern const wl_sqlite_table wl_sqlite_sum_tables[SUM_MAPS_];

/* What bounds and shapes the accumulators: keys per source before the SQL
 * fallback, and the events and scans that make a day dense. */
typedef struct wl_sumcfg {
	size_t keys_own;     /* a source's keys before it draws on the pool */
	size_t pool_max;     /* the pool's keys (0: none) */
	atomic_size_t *pool; /* the keys drawn from it, by every lane */
	int64_t dense;
} wl_sumcfg;

/* A key of a map to write as a row, with the map's key length (for
 * sorting rows by key). */
typedef struct wl_sumrow {
	const int64_t *key;
	unsigned nk;
} wl_sumrow;

struct wl_sumacc {
	wl_i64map m[SUM_MAPS_];
	/* At completion, each written map's rows in key order (wl_sumacc_finish,
	 * on the lane: the writer only binds them). */
	wl_sumrow *rows[SUM_MAPS_];
	size_t nrows[SUM_MAPS_];
	bool finished;
	/* Keys drawn from the pool (given back when the maps go), and the pool. */
	size_t drawn;
	atomic_size_t *pool;
	/* Its own keys and the pool spent: the maps are dropped and the
	 * source's rows are grouped by SQL at its completion instead. */
	bool overflow;
};

/* ---- the store ---- */

typedef struct wl_sqlite {
	wl_store base; /* first: the wl_store * the pipeline holds is this */
	sqlite3 *db;
	sqlite3_stmt *st[SQ_COUNT_];
	/* Multi-row INSERTs of 1, 2, 4, ..., BATCH_ROWS rows per table. */
	sqlite3_stmt *ins[SQ_T_COUNT_][WL_SQ_BATCH_LOG + 1];
	int lock_fd; /* DB.lock, flock'ed: one ingester at a time */
	/* The index file, read-only, for the write-back and the syncs
	 * (store_sqlite_durable.c: why there is exactly one). */
	int db_fd;
	char *path; /* the index file */

	/* The open transaction (store_sqlite.c). */
	bool in_txn;
	uint64_t txn_rows;
	struct timespec txn_start;

	/* Names, interned by the lanes (store_sqlite_ids.c), and the rows the
	 * writer takes from them before a commit. */
	wl_names names;
	wl_name_rows name_rows;

	/* Ids the lanes give (store_sqlite_lane.c), from counters shared by
	 * every lane: sources, chunks of event ids (a chunk per block, a
	 * block holds one source's events) and chunks of scan ids. */
	atomic_int_least64_t next_source, next_chunk, next_scan_chunk;
	wl_sqlite_lane *lane; /* lanes of them */
	wl_sumcfg sum;
	atomic_size_t sum_pool; /* sum.pool */
	/* The lanes' work for a caller that did not encode (tests): one
	 * message's rows. */
	wl_sqlite_enc scratch;

	/* Sources (store_sqlite_sources.c). */
	int64_t *open_source; /* per lane, 0: none open */
	sqlite3_stmt *sum_ins[SUM_MAPS_][WL_SQ_BATCH_LOG + 1];
	/* sum_hours counts of the sources completed in this transaction: one
	 * upsert per key at the commit instead of one per source's key. */
	wl_i64map hours;
	unsigned lanes;
	unsigned resumed;
	bool fresh; /* the database had no events: indexes are built at close */
	wl_known known;

	/* Writing summaries failed part way (a completed source's rows, or the
	 * pending sum_hours): the transaction must not be committed. */
	bool sums_broken;
} wl_sqlite;

/* store_sqlite.c: errors and statements. db_error names what failed with
 * SQLite's message; SQLITE_FULL is WL_E_DISK_FULL, anything else WL_E_DB. */
wl_status wl_sqlite_db_error(wl_sqlite *sq, char *err, size_t errlen, const char *what);
wl_status wl_sqlite_exec(wl_sqlite *sq, const char *sql, char *err, size_t errlen);
/* Step prepared statement `which` to completion (rows, if any, ignored)
 * and reset it. */
wl_status wl_sqlite_run(wl_sqlite *sq, int which, char *err, size_t errlen);

/* store_sqlite_lane.c: the lane's half of the ops, on the worker's thread
 * (or the writer's, for a caller that did not encode). Each fills enc
 * (emptied first) with the rows the message adds. */
wl_status wl_sqlite_lane_open(wl_sqlite *sq);
void wl_sqlite_lane_free(wl_sqlite *sq);
/* Empty enc for the next message (its summaries freed). */
void wl_sqlite_enc_reset(wl_sqlite_enc *enc);
void wl_sqlite_enc_free(wl_sqlite_enc *enc);
wl_status wl_sqlite_lane_begin(wl_sqlite *sq, unsigned lane, wl_sqlite_enc *enc);
wl_status wl_sqlite_lane_events(wl_sqlite *sq, unsigned lane, const wl_event *ev, size_t n,
                                wl_sqlite_enc *enc, char *err, size_t errlen);
wl_status wl_sqlite_lane_end(wl_sqlite *sq, unsigned lane, wl_sqlite_enc *enc, char *err,
                             size_t errlen);

/* store_sqlite_rows.c: the writer's half. */
wl_status wl_sqlite_rows_prepare(wl_sqlite *sq, char *err, size_t errlen);
void wl_sqlite_rows_free(wl_sqlite *sq);
/* Prepare ins[k], the multi-row INSERT of 2^k rows of t, k = 0..BATCH_LOG. */
wl_status wl_sqlite_prepare_multi(wl_sqlite *sq, const wl_sqlite_table *t, sqlite3_stmt **ins,
                                  char *err, size_t errlen);
/* Write enc's blocks and rows. */
wl_status wl_sqlite_write_enc(wl_sqlite *sq, const wl_sqlite_enc *enc, char *err, size_t errlen);
/* Insert the names the lanes gave since the last call: before a commit,
 * and before SQL that may read them. */
wl_status wl_sqlite_write_names(wl_sqlite *sq, char *err, size_t errlen);

/* store_sqlite_sources.c */
/* enc: what the lane made of the BEGIN or END message (its ids; at the
 * end, the source's last rows, written already, and its summaries). */
wl_status wl_sqlite_source_begin(wl_sqlite *sq, unsigned lane, const wl_source_begin *b,
                                 const wl_sqlite_enc *enc, char *err, size_t errlen);
wl_status wl_sqlite_source_end(wl_sqlite *sq, unsigned lane, const wl_source_end *e,
                               const wl_sqlite_enc *enc, wl_source_outcome *out, char *err,
                               size_t errlen);
wl_status wl_sqlite_input_read(wl_sqlite *sq, const wl_input_read *in, char *err, size_t errlen);
/* At open, in a transaction: delete the sources a killed run left
 * incomplete (counted in sq->resumed). */
wl_status wl_sqlite_remove_incomplete(wl_sqlite *sq, char *err, size_t errlen);

/* store_sqlite_summary.c: the summary tables (docs/SCHEMA.md,
 * "Summaries"), in the caller's transaction. */
/* Before any statement is prepared: the writer's temporary tables. */
wl_status wl_sqlite_summary_open(wl_sqlite *sq, char *err, size_t errlen);
/* After the statements are prepared: bind what never changes. */
void wl_sqlite_summary_bind(wl_sqlite *sq);
/* The pending sum_hours map; wl_sqlite_summary_free frees it. */
void wl_sqlite_summary_alloc(wl_sqlite *sq);
void wl_sqlite_summary_free(wl_sqlite *sq);
/* The statements that write them, and their end (before sqlite3_close). */
wl_status wl_sqlite_summary_prepare(wl_sqlite *sq, char *err, size_t errlen);
void wl_sqlite_summary_finalize(wl_sqlite *sq);
/* The accumulators (the lanes'): a source's empty one, its events and
 * scans grouped as they come, and the roll-ups made at its end. */
wl_sumacc *wl_sumacc_new(void);
void wl_sumacc_free(wl_sumacc *a);
wl_status wl_sumacc_event(wl_sumacc *a, const wl_sumcfg *c, const wl_evrow *r);
wl_status wl_sumacc_scan(wl_sumacc *a, const wl_sumcfg *c, const wl_scanrow *r);
wl_status wl_sumacc_finish(wl_sumacc *a, const wl_sumcfg *c);
/* Before every COMMIT: add the pending sum_hours counts. */
wl_status wl_sqlite_summary_flush(wl_sqlite *sq, char *err, size_t errlen);
/* Source id was just completed (its rows written): add its contributions,
 * a (finished; NULL: grouped by SQL). */
wl_status wl_sqlite_summary_add(wl_sqlite *sq, const wl_sumacc *a, int64_t id, char *err,
                                size_t errlen);
/* Source id is about to be deleted: remove its contributions (none unless
 * it was complete). wl_sqlite_summary_after_delete, once its rows are gone,
 * recomputes the faults it had records of. */
wl_status wl_sqlite_summary_remove(wl_sqlite *sq, int64_t id, char *err, size_t errlen);
wl_status wl_sqlite_summary_after_delete(wl_sqlite *sq, char *err, size_t errlen);

/* store_sqlite_durable.c */
/* Open sq->db_fd, after SQLite opened the file. */
wl_status wl_sqlite_durable_open(wl_sqlite *sq, char *err, size_t errlen);
/* After a commit during the load: start writing dirty pages, no wait. */
void wl_sqlite_writeback_start(wl_sqlite *sq);
/* The close of a successful run, after the last commit: build runs (the
 * secondary indexes) while a helper thread syncs the table pages already in
 * the file; then the WAL is checkpointed and the file synced once. */
wl_status wl_sqlite_durable_finish(wl_sqlite *sq,
                                   wl_status (*build)(wl_sqlite *sq, char *err, size_t errlen),
                                   char *err, size_t errlen);
/* After sqlite3_close: close db_fd. */
void wl_sqlite_durable_close(wl_sqlite *sq);

#endif
