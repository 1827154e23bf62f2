/* Read-ahead: a producer thread pulls blocks from a reader (and so runs the
 * decompressors beneath it) while the worker decodes and extracts the
 * previous blocks. On two cores this overlaps zstd with tokenizing for a
 * single large stream. Internal to wsuslog-index. */
#ifndef WL_READAHEAD_H
#define WL_READAHEAD_H

#include "cputime.h"
#include "source.h"

typedef struct wl_readahead wl_readahead;

/* Caller owns; free with wl_readahead_free. NULL on allocation failure.
 * Each producer thread adds its CPU time to cpu (WL_THREAD_READ; NULL: not
 * counted). */
wl_readahead *wl_readahead_new(wl_cputime *cpu);

/* Start reading r on a new thread. The producer only reads (and so
 * decompresses): hashing and everything else stay with the consumer, since
 * decompression alone already makes the producer the slower side. */
wl_status wl_readahead_start(wl_readahead *ra, wl_reader *r);

/* The next block (p, n), borrowed until the next call or stop; *n == 0 at
 * the end of the stream. A read error is returned with its message. */
wl_status wl_readahead_next(wl_readahead *ra, const char **p, size_t *n, char *msg, size_t msglen);

/* Stop the producer (early or at the end) and join it. */
void wl_readahead_stop(wl_readahead *ra);

/* NULL is a no-op; the producer must be stopped. */
void wl_readahead_free(wl_readahead *ra);

#endif
