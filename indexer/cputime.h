/* CPU time of the ingest by thread role, for `wsuslog-index --stats`: which
 * roles cost what per GB, and how much of it is serial (the writer and the
 * close, which no other thread can take over). Each thread reads its own
 * CPU clock (CLOCK_THREAD_CPUTIME_ID) once, when it ends, and adds it to
 * its role: nothing is measured on the hot path. Internal to wsuslog-index. */
#ifndef WL_CPUTIME_H
#define WL_CPUTIME_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

typedef enum wl_thread_role {
	WL_THREAD_WORKER, /* wl-worker: read, decode, extract, hash */
	WL_THREAD_READ,   /* wl-read: read-ahead of one stream (decompression) */
	WL_THREAD_FRAMES, /* wl-frames: frames of a multi-frame .zst */
	WL_THREAD_WRITER, /* wl-writer: the store calls */
	WL_THREAD_CLOSE,  /* the store's close, helper threads included */
	WL_THREAD_ROLES_
} wl_thread_role;

typedef struct wl_cputime {
	atomic_uint_fast64_t ns[WL_THREAD_ROLES_];
	atomic_uint_fast64_t threads[WL_THREAD_ROLES_];
} wl_cputime;

static inline const char *wl_thread_role_name(wl_thread_role r)
{
	static const char *const names[WL_THREAD_ROLES_] = {"worker", "read", "frames", "writer",
	                                                    "close"};
	return names[r];
}

/* CPU time the calling thread has used so far; 0 if the clock fails. */
static inline uint64_t wl_thread_cpu_ns(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
		return 0;
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* CPU time the whole process has used so far; 0 if the clock fails. */
static inline uint64_t wl_process_cpu_ns(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) != 0)
		return 0;
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ns of CPU time spent by one thread in role r. NULL c: not counted. */
static inline void wl_cputime_add(wl_cputime *c, wl_thread_role r, uint64_t ns)
{
	if (!c)
		return;
	atomic_fetch_add_explicit(&c->ns[r], ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->threads[r], 1, memory_order_relaxed);
}

/* At the end of a thread: all of its CPU time goes to role r. */
static inline void wl_cputime_thread_end(wl_cputime *c, wl_thread_role r)
{
	if (c)
		wl_cputime_add(c, r, wl_thread_cpu_ns());
}

#endif
