/* The messages between the workers and the writer (or the store's lanes),
 * and the bounded queue that carries them (queue.c). A message is a batch
 * of events with the arena their strings were copied into, or one step of
 * an input's life. Internal to wsuslog-index. */
#ifndef WL_QUEUE_H
#define WL_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/event.h"
#include "wsuslog/limits.h"
#include "wsuslog/status.h"

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

	/* The payload: WL_BATCH_EVENTS event slots and, after them, the
	 * WL_MSG_ARENA bytes their strings are copied into; one allocation,
	 * owned (ev is its start). A message whose rows were encoded on the
	 * worker goes on without it (wl_queue_drop_payload). */
	char *arena;
	size_t arena_n;
	wl_event *ev;
	size_t nev;

	/* BEGIN (strings in the arena) */
	const char *path;
	const char *member;
	const char *host;
	wl_format fmt;
	/* END */
	char key[WL_KEY_BUF];        /* XXH3-128 of the decoded bytes, hex */
	char supersedes[WL_KEY_BUF]; /* key of an earlier copy this one extends, or "" */
	char head[17];               /* XXH3-64 of the first WL_HEAD_BYTES, hex */
	uint64_t bytes, lines, events, bad_lines;
	int64_t first_ts, last_ts;
	/* PROBLEM: its strings in the arena */
	wl_problem problem;

	/* What the store's lane made of the message on the worker's thread
	 * (store.h, encode), for the store's writer; kept and reused with the
	 * message, freed by enc_free. NULL: not encoded. */
	struct wl_store_enc *enc;
	void (*enc_free)(struct wl_store_enc *enc);
} wl_msg;

/* Bounded FIFO between workers and the writer; also recycles messages. */
typedef struct wl_queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, free_cv;
	wl_msg *head, *tail;
	size_t n, depth;
	wl_msg *free_list;
	size_t allocated, max_alloc;
	/* Payloads given back by wl_queue_drop_payload, linked through their
	 * first bytes, for the next blank message that has none. */
	void *payloads;
	bool closed;
} wl_queue;

wl_status wl_queue_init(wl_queue *q, size_t depth, size_t max_alloc);
void wl_queue_destroy(wl_queue *q);
/* A blank message (recycled or new) with its payload; blocks while
 * max_alloc are in use. NULL on allocation failure. */
wl_msg *wl_queue_get_blank(wl_queue *q);
void wl_queue_put_blank(wl_queue *q, wl_msg *m);
/* m's events were encoded and the writer reads only what the encoding
 * made: its payload goes back to the queue now, for a worker's next batch,
 * instead of waiting with m (queue.c says why). ev and arena become NULL. */
void wl_queue_drop_payload(wl_queue *q, wl_msg *m);
/* Blocks while the queue is full (back-pressure). */
void wl_queue_push(wl_queue *q, wl_msg *m);
/* Blocks until a message or close; NULL when closed and drained. */
wl_msg *wl_queue_pop(wl_queue *q);
void wl_queue_close(wl_queue *q);

#endif
