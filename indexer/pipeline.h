/* The ingest pipeline: N workers (source -> decompress -> decode -> extract)
 * feed one writer thread through a bounded queue of messages; the writer
 * hands them to the store (store.h). Internal to wsuslog-index. */
#ifndef WL_PIPELINE_H
#define WL_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cputime.h"
#include "source.h"
#include "wsuslog/event.h"
#include "wsuslog/status.h"

/* Bytes of string storage per message: events copy their spans here. */
#define WL_MSG_ARENA (512u * 1024u)

typedef enum wl_msg_type {
	WL_MSG_BEGIN = 1,   /* an input starts: path, member, format, host */
	WL_MSG_EVENTS = 2,  /* a batch of events of the worker's open input */
	WL_MSG_END = 3,     /* the input is finished: key, counts */
	WL_MSG_PROBLEM = 4, /* a problem to record (no input needs to be open) */
	WL_MSG_INPUT = 5    /* an input file was read to its end: path, size, mtime */
} wl_msg_type;

typedef struct wl_msg {
	struct wl_msg *next;
	wl_msg_type type;
	unsigned worker;

	char *arena; /* WL_MSG_ARENA bytes, owned */
	size_t arena_n;
	wl_event *ev; /* WL_BATCH_EVENTS, owned */
	size_t nev;

	/* BEGIN / PROBLEM (strings in the arena) */
	const char *path;
	const char *member;
	const char *host;
	wl_format fmt;
	/* END */
	char key[33];        /* XXH3-128 of the decoded bytes, hex */
	char supersedes[33]; /* key of an earlier copy this one extends, or "" */
	char head[17];       /* XXH3-64 of the first WL_HEAD_BYTES, hex */
	uint64_t bytes, lines, events, bad_lines;
	int64_t first_ts, last_ts;
	/* PROBLEM */
	wl_status status;
	uint64_t offset, line;
	char text[256];
} wl_msg;

/* Bounded FIFO between workers and the writer; also recycles messages. */
typedef struct wl_queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, free_cv;
	wl_msg *head, *tail;
	size_t n, depth;
	wl_msg *free_list;
	size_t allocated, max_alloc;
	bool closed;
} wl_queue;

wl_status wl_queue_init(wl_queue *q, size_t depth, size_t max_alloc);
void wl_queue_destroy(wl_queue *q);
/* A blank message (recycled or new); blocks while max_alloc are in use.
 * NULL on allocation failure. */
wl_msg *wl_queue_get_blank(wl_queue *q);
void wl_queue_put_blank(wl_queue *q, wl_msg *m);
/* Blocks while the queue is full (back-pressure). */
void wl_queue_push(wl_queue *q, wl_msg *m);
/* Blocks until a message or close; NULL when closed and drained. */
wl_msg *wl_queue_pop(wl_queue *q);
void wl_queue_close(wl_queue *q);

typedef struct wl_ingest_cfg {
	const char *db_path;
	unsigned threads;
	bool has_tz;
	int tz_minutes;
	uint64_t max_member_bytes;
	bool progress;         /* draw progress on stderr */
	bool quiet;            /* no summary */
	uint64_t max_db_pages; /* PRAGMA max_page_count, 0 = none (disk-full tests) */
	bool audit;            /* --audit: no index; print what looks like an error
	                          but made no event (audit.h), as audit_format */
	int audit_format;      /* a wl_outfmt */
} wl_ingest_cfg;

typedef struct wl_stats {
	atomic_uint_fast64_t inputs, members, streams, logs, bytes_in, bytes_decoded, lines, events,
	    problems, not_logs, duplicates, skipped, unchanged, replaced;
	double seconds;       /* whole run */
	double close_seconds; /* final commit and index build */
	wl_cputime cpu;       /* CPU time by thread role (--stats) */
} wl_stats;

/* Run the whole ingest of the given inputs. Returns WL_OK (even if some
 * inputs had problems: see stats->problems), or a fatal status (database,
 * memory) with a message in err. */
wl_status wl_ingest_run(const wl_ingest_cfg *cfg, char *const *inputs, size_t n_inputs,
                        wl_stats *stats, char *err, size_t errlen);

#endif
