/* One worker's view of an input: sniff what it is (zstd, archive, log),
 * unwrap containers, and run decode + extract on each log, sending BEGIN /
 * EVENTS / END messages to the writer. Internal to wsuslog-index. */
#ifndef WL_INGEST_H
#define WL_INGEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <xxhash.h>
#include <zstd.h>

#include "decode.h"
#include "extract.h"
#include "pipeline.h"
#include "wsuslog/limits.h"

/* Buffers per nesting level: every container (zstd or archive) is a level. */
#define WL_LEVELS (2 * (WL_ARCHIVE_DEPTH_MAX + 1) + 1)

typedef struct wl_worker {
	unsigned id;
	const wl_ingest_cfg *cfg;
	wl_queue *q;
	wl_stats *stats;
	atomic_bool *abort; /* set by the writer on a fatal error */

	ZSTD_DCtx *dctx[WL_LEVELS];
	char *buf[WL_LEVELS]; /* WL_BLOCK_SIZE each, lazily allocated */
	wl_text *text;
	wl_extract *x;
	XXH3_state_t *hash;
	XXH3_state_t *head; /* the first WL_HEAD_BYTES only */
	wl_msg *batch;
	struct wl_readahead *ra; /* lazily created when threads > 1 */
	struct wl_audit *audit;  /* --audit: sees every line; NULL otherwise */
	/* Workers still reading inputs (set by the pipeline; NULL: count every
	 * other thread as spare). A stream gets a read-ahead thread only while
	 * a core is free (busy workers + the writer < -j): with every core
	 * busy, splitting a stream over two threads only adds hand-offs. */
	atomic_uint *busy_workers;

	/* The input being read. */
	const char *path;
	const char *member;
	int64_t mtime_us; /* of the file or member being read */
	int file_fd;      /* the input file, for frame-parallel zstd; -1 if none */
	uint64_t file_size;
	wl_format fmt;
	bool began;
	uint64_t sniffed;
	uint64_t events;
	uint64_t bad_reported;
	char host[256];
	wl_status fatal; /* WL_E_NOMEM stops the worker */

	/* Content hash, and the check that an earlier copy of this path/member
	 * is a prefix of this one (a log that grew). */
	const struct wl_known *known; /* NULL: nothing indexed before */
	uint64_t hashed;
	uint64_t prefix_at;
	char prefix_want[33];
	bool prefix_match;
} wl_worker;

/* Caller owns; free with wl_worker_free. NULL on allocation failure. */
wl_worker *wl_worker_new(unsigned id, const wl_ingest_cfg *cfg, wl_queue *q, wl_stats *stats,
                         atomic_bool *abort);
void wl_worker_free(wl_worker *w);

/* Index one input file (any container). Problems are sent as messages;
 * returns WL_OK or a fatal status. */
wl_status wl_worker_file(wl_worker *w, const char *path);

/* Send a PROBLEM message (path/member may be NULL). */
void wl_worker_problem(wl_worker *w, wl_status st, const char *path, const char *member,
                       uint64_t offset, uint64_t line, const char *text);

/* The machine named by an input's path: "pc005-WindowsUpdate.log" -> pc005,
 * "wsus01/SoftwareDistribution.log" -> wsus01. Lower-case into out; returns
 * the length (0 if the path names none). */
size_t wl_host_hint(const char *path, const char *member, char *out, size_t cap);

#endif
