/* The SQLite store's state, shared by its files and no one else:
 *   store_sqlite.c          the ops, transactions, every SQL text of the store
 *   store_sqlite_ids.c      id maps: hosts, components, GUIDs, message texts
 *   store_sqlite_rows.c     rows buffered per table, multi-row INSERT batches
 *   store_sqlite_sources.c  source lifecycle: duplicates, grown copies,
 *                           inputs a killed run left incomplete, completion
 *   store_sqlite_durable.c  write-back, the close's checkpoint and fdatasync
 * One thread owns a wl_sqlite (the writer): nothing here locks.
 * Internal to the SQLite store. */
#ifndef WL_STORE_SQLITE_H
#define WL_STORE_SQLITE_H

#include <sqlite3.h>
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
	size_t max;   /* entries before the map is emptied (bounded memory) */
	bool emptied; /* emptied at least once: a miss may be in the database */
} wl_idmap;

/* The id stored for h, or 0. */
int64_t wl_idmap_get(const wl_idmap *m, XXH128_hash_t h);
/* Store h -> id (id > 0, h absent); a full map (max entries) is emptied
 * first. WL_E_NOMEM when growing fails. */
wl_status wl_idmap_put(wl_idmap *m, XXH128_hash_t h, int64_t id);
void wl_idmap_free(wl_idmap *m);

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
	SQ_SEL_HOST,
	SQ_INS_HOST,
	SQ_SEL_COMP,
	SQ_INS_COMP,
	SQ_SEL_GUID,
	SQ_INS_GUID,
	SQ_INS_PROBLEM,
	SQ_SEL_MSG,
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

/* ---- row batches (store_sqlite_rows.c) ----
 * Rows are buffered per table and written BATCH_ROWS at a time by one
 * multi-row INSERT; see store_sqlite_rows.c for why. */
#define WL_SQ_BATCH_LOG 5
#define WL_SQ_BATCH_ROWS (1u << WL_SQ_BATCH_LOG)

enum { SQ_T_EVENTS, SQ_T_MSG, SQ_T_EG, SQ_T_SCANS, SQ_T_COUNT_ };

/* "head" then "row" repeated, comma-separated, then "tail" (NULL: none):
 * the multi-row INSERT of a table with ncol columns. */
typedef struct wl_sqlite_table {
	const char *head, *row;
	int ncol;
	const char *tail;
} wl_sqlite_table;
extern const wl_sqlite_table wl_sqlite_tables[SQ_T_COUNT_];

/* Text of a buffered row: offset and length in the batch arena. */
typedef struct wl_aspan {
	size_t off, n;
} wl_aspan;

typedef struct wl_evrow {
	int64_t id, source, line, ts, host, server, client, comp, fault;
	int64_t msg; /* messages.message_id, 0 for none */
	bool has_ts, has_hr;
	int role, kind;
	uint32_t hr;
	wl_aspan fault_code, parameter;
	wl_aspan prefix; /* the raw line up to its message, or all of it */
} wl_evrow;

typedef struct wl_msgrow {
	int64_t id, hash;
	wl_aspan text;
} wl_msgrow;

typedef struct wl_scanrow {
	int64_t source, line, ts, host, server, client, hr, v[3];
	bool has_ts;
} wl_scanrow;

typedef struct wl_egrow {
	int64_t gid, eid;
	int what;
} wl_egrow;

typedef struct wl_sqlite_batches {
	/* Multi-row INSERTs of 1, 2, 4, ..., BATCH_ROWS rows per table. */
	sqlite3_stmt *ins[SQ_T_COUNT_][WL_SQ_BATCH_LOG + 1];
	wl_evrow ev[WL_SQ_BATCH_ROWS]; /* events, with their lines */
	unsigned nev;
	wl_msgrow msg[WL_SQ_BATCH_ROWS]; /* new messages (text in the arena) */
	unsigned nmsg;
	wl_egrow eg[WL_SQ_BATCH_ROWS];
	unsigned neg;
	wl_scanrow sc[WL_SQ_BATCH_ROWS];
	unsigned nsc;
	char *arena; /* text of the buffered event rows */
	size_t arena_n, arena_cap;
} wl_sqlite_batches;

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

typedef struct wl_sumacc {
	wl_i64map m[SUM_MAPS_];
	/* More keys than sq->sum_keys_max: the maps are dropped and the
	 * source's rows are grouped by SQL at its completion instead. */
	bool overflow;
} wl_sumacc;

/* ---- the store ---- */

typedef struct wl_sqlite {
	wl_store base; /* first: the wl_store * the pipeline holds is this */
	sqlite3 *db;
	sqlite3_stmt *st[SQ_COUNT_];
	int lock_fd; /* DB.lock, flock'ed: one ingester at a time */
	/* The index file, read-only, for the write-back and the syncs
	 * (store_sqlite_durable.c: why there is exactly one). */
	int db_fd;
	char *path; /* the index file */

	/* The open transaction (store_sqlite.c). */
	bool in_txn;
	uint64_t txn_rows;
	struct timespec txn_start;

	/* Interning (store_sqlite_ids.c). */
	wl_idmap hosts, comps, guids, msgs;
	/* hosts, components, guids and messages were empty at open: the maps
	 * hold every row, so a key not in its map needs no database look-up
	 * (until the map fills up and is emptied). */
	bool maps_complete;

	/* Sources (store_sqlite_sources.c). */
	int64_t *open_source; /* per lane, 0: none open */
	wl_sumacc *acc;       /* per lane: the open source's summaries */
	sqlite3_stmt *sum_ins[SUM_MAPS_][WL_SQ_BATCH_LOG + 1];
	/* sum_hours counts of the sources completed in this transaction: one
	 * upsert per key at the commit instead of one per source's key. */
	wl_i64map hours;
	size_t sum_keys_max; /* keys per lane before falling back to SQL */
	int64_t sum_dense;   /* WL_SUM_DENSE_DAY, or WSUSLOG_SUM_DENSE */
	unsigned lanes;
	unsigned resumed;
	bool fresh; /* the database had no events: indexes are built at close */
	wl_known known;

	/* Ids the store assigns (store_sqlite_rows.c). Event ids come in
	 * chunks of WL_BLOCK_EVENTS, a chunk per block: each lane writes its
	 * source's events into its block (blk) with ids from next_id[lane]
	 * on, and takes the next chunk when the block is full or a source
	 * begins. */
	int64_t next_chunk;
	int64_t next_message_id;
	wl_block_enc *blk; /* per lane */
	int64_t *next_id;  /* per lane: 0 when it needs a chunk */
	int64_t *last_id;  /* per lane: the last id given to its open source */
	/* Writing summaries failed part way (a completed source's rows, or the
	 * pending sum_hours): the transaction must not be committed. */
	bool sums_broken;
	wl_sqlite_batches b;
} wl_sqlite;

/* store_sqlite.c: errors and statements. db_error names what failed with
 * SQLite's message; SQLITE_FULL is WL_E_DISK_FULL, anything else WL_E_DB. */
wl_status wl_sqlite_db_error(wl_sqlite *sq, char *err, size_t errlen, const char *what);
wl_status wl_sqlite_exec(wl_sqlite *sq, const char *sql, char *err, size_t errlen);
/* Step prepared statement `which` to completion (rows, if any, ignored)
 * and reset it. */
wl_status wl_sqlite_run(wl_sqlite *sq, int which, char *err, size_t errlen);

/* store_sqlite_ids.c */
typedef enum wl_sqlite_names { SQ_HOSTS, SQ_COMPONENTS, SQ_GUIDS } wl_sqlite_names;
/* The id of k[0..n) in hosts, components or guids, inserting it when new;
 * 0 for an empty key (stored as NULL). */
wl_status wl_sqlite_intern(wl_sqlite *sq, wl_sqlite_names table, const char *k, size_t n,
                           int64_t *id, char *err, size_t errlen);
/* The id of message text p[0..n) and its hash (messages.hash). *fresh: the
 * text is new and the caller must store it under *id. */
wl_status wl_sqlite_message_id(wl_sqlite *sq, const char *p, size_t n, int64_t *id, int64_t *hash,
                               bool *fresh, char *err, size_t errlen);

/* store_sqlite_rows.c */
wl_status wl_sqlite_rows_prepare(wl_sqlite *sq, char *err, size_t errlen);
void wl_sqlite_rows_free(wl_sqlite *sq);
/* Buffer e's rows (an event, a scan, or a web.config's limits) for the
 * source open on lane. */
wl_status wl_sqlite_add_event(wl_sqlite *sq, unsigned lane, const wl_event *e, char *err,
                              size_t errlen);
/* Prepare ins[k], the multi-row INSERT of 2^k rows of t, k = 0..BATCH_LOG. */
wl_status wl_sqlite_prepare_multi(wl_sqlite *sq, const wl_sqlite_table *t, sqlite3_stmt **ins,
                                  char *err, size_t errlen);
/* Write every buffered row: before anything that reads, deletes or commits
 * them. */
wl_status wl_sqlite_flush_rows(wl_sqlite *sq, char *err, size_t errlen);
/* Write lane's open block (its source's latest events) and give the lane a
 * fresh chunk: when its source begins and before it completes. */
wl_status wl_sqlite_flush_block(wl_sqlite *sq, unsigned lane, char *err, size_t errlen);
/* The last event id lane gave, or the one before its chunk's first. */
int64_t wl_sqlite_last_id(const wl_sqlite *sq, unsigned lane);

/* store_sqlite_sources.c */
wl_status wl_sqlite_source_begin(wl_sqlite *sq, unsigned lane, const wl_source_begin *b, char *err,
                                 size_t errlen);
wl_status wl_sqlite_source_end(wl_sqlite *sq, unsigned lane, const wl_source_end *e,
                               wl_source_outcome *out, char *err, size_t errlen);
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
/* Per-lane accumulators (sq->lanes set); wl_sqlite_summary_free frees them. */
wl_status wl_sqlite_summary_alloc(wl_sqlite *sq);
void wl_sqlite_summary_free(wl_sqlite *sq);
/* The statements that write them, and their end (before sqlite3_close). */
wl_status wl_sqlite_summary_prepare(wl_sqlite *sq, char *err, size_t errlen);
void wl_sqlite_summary_finalize(wl_sqlite *sq);
/* A source begins on lane: its accumulator starts empty. */
void wl_sqlite_summary_reset(wl_sqlite *sq, unsigned lane);
/* Group a buffered event or scan row of lane's source; a scan's scan_id,
 * known once its batch is written, by wl_sqlite_summary_scan_id. */
wl_status wl_sqlite_summary_event(wl_sqlite *sq, unsigned lane, const wl_evrow *r);
wl_status wl_sqlite_summary_scan(wl_sqlite *sq, unsigned lane, const wl_scanrow *r);
wl_status wl_sqlite_summary_scan_id(wl_sqlite *sq, const wl_scanrow *r, int64_t scan_id);
/* Before every COMMIT: add the pending sum_hours counts. */
wl_status wl_sqlite_summary_flush(wl_sqlite *sq, char *err, size_t errlen);
/* Source id, open on lane, was just completed (its rows flushed): add its
 * contributions. */
wl_status wl_sqlite_summary_add(wl_sqlite *sq, unsigned lane, int64_t id, char *err, size_t errlen);
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
