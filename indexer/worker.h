/* One worker's view of an input: sniff what it is (zstd, archive, log),
 * unwrap containers, and run decode + extract on each log, sending BEGIN /
 * EVENTS / END messages to the writer. Internal to wsuslog-index. */
#ifndef WL_WORKER_H
#define WL_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "pipeline.h"

struct wl_audit;
struct wl_known;

typedef struct wl_worker wl_worker;

/* Caller owns; free with wl_worker_free. NULL on allocation failure. */
wl_worker *wl_worker_new(unsigned id, const wl_ingest_cfg *cfg, wl_queue *q, wl_stats *stats,
                         atomic_bool *abort);
void wl_worker_free(wl_worker *w);

/* What the pipeline links a worker to before it starts (each optional):
 * what earlier runs indexed (inputs unchanged since are not read; borrowed),
 * the count of workers still reading (a stream gets a read-ahead thread
 * only while a core is free; NULL: count every other thread as spare),
 * what happens to each message on the worker's thread (deliver: handed to
 * a store that takes one caller per lane, or encoded by the store's lane
 * and queued; NULL: queued as it is for the writer thread), and --audit's
 * table (borrowed; it sees every line). */
void wl_worker_set_known(wl_worker *w, const struct wl_known *known);
void wl_worker_set_busy_counter(wl_worker *w, atomic_uint *busy_workers);
void wl_worker_set_deliver(wl_worker *w, void (*deliver)(void *ctx, wl_msg *m), void *ctx);
void wl_worker_set_audit(wl_worker *w, struct wl_audit *audit);

/* Index one input file (any container). Problems are sent as messages;
 * returns WL_OK or a fatal status. */
wl_status wl_worker_file(wl_worker *w, const char *path);

/* Send a PROBLEM message (path/member may be NULL). */
void wl_worker_problem(wl_worker *w, const wl_problem *p);

#endif
