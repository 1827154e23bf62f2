/* Pipeline stage 5, the write path: where sources, events and problems go.
 * A store is an ops table over one engine's state, so the pipeline does not
 * know the engine: SQLite today (one connection fed by the writer thread,
 * store_sqlite*.c), and ClickHouse over HTTP, where each worker streams its
 * own INSERTs (store_clickhouse*.c). The pipeline picks the engine once, at
 * open. Internal to wsuslog-index.
 *
 * The calls follow an input's life. A lane is one worker: it has at most one
 * source open at a time, and its calls arrive in the order the worker made
 * them (a store with one caller thread, like SQLite's, gets every lane
 * interleaved on that thread; a store may instead take one caller per lane).
 *
 *   begin_source (lane)   an input was recognised as a log
 *   add_events (lane) ... its events, in line order, in batches
 *   end_source (lane)     it was read to its end: content key, counts; the
 *                         store drops it if the same content is indexed, or
 *                         replaces earlier copies it extends
 *   input_read (lane)     a whole input file was read (re-runs skip it); it
 *                         must not outlive, on a crash, the completion of
 *                         the inputs it covers
 *   problem               something to record, with or without a source open
 *   close                 make everything durable (ok) or keep what is whole
 *
 * What a store must guarantee (README, docs/RELIABILITY.md): a source is
 * visible to readers only once complete (end_source), whatever happens to
 * the process; duplicates and grown copies are counted once; the result does
 * not depend on how lanes interleave. */
#ifndef WL_STORE_H
#define WL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"
#include "wsuslog/event.h"
#include "wsuslog/status.h"

struct wl_known;
struct wl_store_enc; /* an engine's encoded message (queue.h) */

/* An input starts. Strings borrowed for the call. */
typedef struct wl_source_begin {
	const char *path;   /* the input file */
	const char *member; /* archive member, "" for a plain file */
	const char *host;   /* machine named by the path, "" when none */
	wl_format fmt;
} wl_source_begin;

/* An input was read to its end. Strings borrowed for the call. */
typedef struct wl_source_end {
	const char *path, *member;
	const char *host;       /* learned from the log itself, or "" */
	const char *key;        /* XXH3-128 of the decoded bytes, 32 hex digits */
	const char *head;       /* XXH3-64 of the first WL_HEAD_BYTES, 16 hex digits */
	const char *supersedes; /* key of an earlier copy this one extends, or "" */
	wl_format fmt;
	uint64_t bytes, lines, events;
	int64_t first_ts, last_ts; /* WL_TS_NONE when no line had a time */
} wl_source_end;

/* What end_source did besides completing the source. */
typedef struct wl_source_outcome {
	bool duplicate;    /* the same content is indexed already: this copy was dropped */
	unsigned replaced; /* earlier copies this one contains, removed */
} wl_source_outcome;

/* An input file read completely (path as walked, size, mtime in µs). */
typedef struct wl_input_read {
	const char *path;
	uint64_t size;
	int64_t mtime_us;
} wl_input_read;

typedef struct wl_store wl_store;

/* Every call but known and resumed returns WL_OK or a fatal status
 * (WL_E_DB, WL_E_DISK_FULL, WL_E_NOMEM) with err filled; after a fatal
 * status the caller stops and calls close with ok = false. */
typedef struct wl_store_ops {
	const char *engine; /* "sqlite", "clickhouse" */
	/* false: one thread at a time calls the store (the pipeline's writer
	 * thread, fed by the queue). true: each worker calls begin_source,
	 * add_events, end_source and input_read of its own lane itself, lanes
	 * concurrently; problem may come from any thread; known, resumed and
	 * close from the main thread while no worker runs. */
	bool lane_callers;
	/* NULL, or the lane's share of a store with one caller (the writer):
	 * run by each worker on its own thread for each of its BEGIN, EVENTS
	 * and END messages, in order, before the message is queued. It does
	 * what needs no connection (ids, rows, compression) and leaves the
	 * result in m->enc, which the writer's call for m then receives as
	 * enc. A store with encode still takes enc = NULL (it then encodes
	 * itself): tests call it so. */
	wl_status (*encode)(wl_store *s, unsigned lane, struct wl_msg *m, char *err, size_t errlen);
	wl_status (*begin_source)(wl_store *s, unsigned lane, const wl_source_begin *b,
	                          const struct wl_store_enc *enc, char *err, size_t errlen);
	/* ev[0..n) are borrowed for the call: a store keeps what it needs. */
	wl_status (*add_events)(wl_store *s, unsigned lane, const wl_event *ev, size_t n,
	                        const struct wl_store_enc *enc, char *err, size_t errlen);
	wl_status (*end_source)(wl_store *s, unsigned lane, const wl_source_end *e,
	                        const struct wl_store_enc *enc, wl_source_outcome *out, char *err,
	                        size_t errlen);
	wl_status (*input_read)(wl_store *s, unsigned lane, const wl_input_read *in, char *err,
	                        size_t errlen);
	wl_status (*problem)(wl_store *s, const wl_problem *p, char *err, size_t errlen);
	/* What earlier runs indexed (read-only from open to close; workers
	 * read it concurrently). */
	const struct wl_known *(*known)(const wl_store *s);
	/* Inputs left incomplete by an earlier killed run, removed at open. */
	unsigned (*resumed)(const wl_store *s);
	/* ok: make everything handed over durable and indexed; otherwise keep
	 * what is whole (incomplete sources stay invisible). Frees s. */
	wl_status (*close)(wl_store *s, bool ok, char *err, size_t errlen);
} wl_store_ops;

/* The head of every engine's state. */
struct wl_store {
	const wl_store_ops *ops;
};

/* The engine the configuration names (--clickhouse URL, else --db FILE),
 * opened with lanes lanes: the one place that chooses. */
wl_status wl_store_open(const wl_ingest_cfg *cfg, unsigned lanes, wl_stats *stats, wl_store **out,
                        char *err, size_t errlen);

/* The store's encode for m, if it has one (on the worker's thread). */
wl_status wl_store_encode(wl_store *s, struct wl_msg *m, char *err, size_t errlen);

/* One queue message (indexer/queue.c) as store calls; counts what
 * end_source reports (duplicates, replaced) in stats. */
wl_status wl_store_apply(wl_store *s, const wl_msg *m, wl_stats *stats, char *err, size_t errlen);

/* Print a problem on stderr (naming the file, member and line or offset)
 * and record it in the store. */
wl_status wl_store_problem(wl_store *s, const wl_problem *p, char *err, size_t errlen);

static inline const struct wl_known *wl_store_known(const wl_store *s)
{
	return s->ops->known(s);
}

static inline unsigned wl_store_resumed(const wl_store *s)
{
	return s->ops->resumed(s);
}

/* NULL is a no-op. */
static inline wl_status wl_store_close(wl_store *s, bool ok, char *err, size_t errlen)
{
	return s ? s->ops->close(s, ok, err, errlen) : WL_OK;
}

/* ---- engines ---- */

/* SQLite (store_sqlite*.c): open (creating if needed) the index at path,
 * take the ingest lock (WL_E_BUSY if another ingester holds it), check or
 * create the schema and remove inputs a killed run left incomplete. Lanes
 * are 0 .. lanes - 1 (lanes >= 1). max_db_pages: PRAGMA max_page_count, 0 for none (a
 * full disk, simulated). One thread at a time may call the store. On
 * success *out is owned by the caller: close with wl_store_close. */
wl_status wl_store_sqlite_open(wl_store **out, const char *path, unsigned lanes,
                               uint64_t max_db_pages, char *err, size_t errlen);

/* ClickHouse (store_clickhouse*.c, docs/CLICKHOUSE.md): url is
 * http://HOST:PORT[/?database=NAME][&cluster=NAME]; create the database and
 * tables when missing, check the schema version (WL_E_SCHEMA), load what the
 * server holds complete. Lanes call the store concurrently (lane_callers).
 * Duplicates and replaced copies are counted into stats (may be NULL) when
 * a lane writes its completions, not by end_source. A server unreachable
 * or failing is WL_E_DB with a message naming the URL; WL_E_USAGE for a bad
 * URL. On success *out is owned by the caller: close with wl_store_close. */
wl_status wl_store_clickhouse_open(wl_store **out, const char *url, unsigned lanes, wl_stats *stats,
                                   char *err, size_t errlen);

/* Entries kept in each in-memory id map of a SQLite store before it is
 * emptied (default WL_MAP_ENTRIES_MAX; tests set a small one), and the
 * entries its maps hold now, all maps together. */
void wl_store_sqlite_set_map_max(wl_store *s, size_t max);
size_t wl_store_sqlite_map_entries(const wl_store *s);

#endif
