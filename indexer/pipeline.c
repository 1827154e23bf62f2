/* The ingest run: walk the inputs, open the store (the engine is picked
 * here, once), start one writer thread (queue -> store) unless the store
 * takes one caller per lane (then each worker calls it), and N workers,
 * show progress, join, close the store. Work is split across files
 * (largest first, so one big file does not finish last) and archive members stay with the worker
 * that opened the archive. */
#include "pipeline.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "decompress.h"
#include "worker.h"
#include "store.h"
#include "wsuslog/limits.h"

typedef struct run_ctx {
	const wl_ingest_cfg *cfg;
	wl_input_list inputs;
	atomic_size_t next;
	atomic_uint done_workers;
	atomic_uint busy_workers; /* started and not done */
	atomic_bool abort;
	wl_queue q;
	wl_store *store;
	wl_stats *stats;
	wl_status fatal;
	char err[WL_ERR_BUF];
	pthread_mutex_t err_mu;
	/* The zstd rings the inputs being read need (WL_ZSTD_RING_BUDGET). */
	pthread_mutex_t ring_mu;
	pthread_cond_t ring_cv;
	uint64_t ring_used;
} run_ctx;

typedef struct worker_arg {
	run_ctx *rc;
	wl_worker *w;
	struct wl_audit *audit; /* --audit: this worker's table */
} worker_arg;

static void set_fatal(run_ctx *rc, wl_status st, const char *msg)
{
	pthread_mutex_lock(&rc->err_mu);
	if (rc->fatal == WL_OK) {
		rc->fatal = st;
		snprintf(rc->err, sizeof rc->err, "%s", msg);
	}
	pthread_mutex_unlock(&rc->err_mu);
	atomic_store(&rc->abort, true);
}

/* Buffers of 4 MiB and more (zstd rings of large windows, WL_ZSTD_RING_BUDGET)
 * get pages of their own, given back when freed. glibc's default raises
 * its threshold to the largest block freed so far, after which such
 * buffers came from the threads' arenas and stayed there: sixteen 8 MiB
 * rings at -j16 left 290 MiB RSS for a 210 MiB heap, 200 MiB with this.
 * Smaller buffers (the 2-3 MiB rings of zstd's default levels, one per
 * input) stay in the arenas: a 2 MiB threshold doubled the system CPU. */
static void malloc_policy(void)
{
#if defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
#endif
}

/* Give the memory the workers and the queue freed back to the system
 * before the close. glibc keeps freed memory in each thread's arena, and
 * the close's index builds (SQLite's sorter) then allocated on top of it:
 * an 8.2 GB load at -j16 peaked at the close, 248-258 MiB RSS, against a
 * 256 MiB bound (ARCHITECTURE.md, "Threads and memory"). */
static void release_freed_memory(void)
{
#if defined(__GLIBC__)
	malloc_trim(0);
#endif
}

static void *writer_main(void *arg)
{
	run_ctx *rc = arg;
	char err[WL_ERR_BUF];
	wl_msg *m;
	pthread_setname_np(pthread_self(), "wl-writer");
	while ((m = wl_queue_pop(&rc->q)) != NULL) {
		if (!rc->store) {
			/* --audit writes no index; problems still go to stderr. */
			if (m->type == WL_MSG_PROBLEM)
				wl_problem_print(&m->problem);
		} else if (!atomic_load(&rc->abort)) {
			err[0] = 0;
			wl_status st = wl_store_apply(rc->store, m, rc->stats, err, sizeof err);
			if (st != WL_OK)
				set_fatal(rc, st, err);
		}
		/* After a fatal error keep draining, so no worker blocks. */
		wl_queue_put_blank(&rc->q, m);
	}
	wl_cputime_thread_end(&rc->stats->cpu, WL_THREAD_WRITER);
	return NULL;
}

/* A worker's message, applied on the worker's thread (lane_callers). */
static void deliver(void *ctx, wl_msg *m)
{
	run_ctx *rc = ctx;
	char err[WL_ERR_BUF] = "";
	if (!atomic_load(&rc->abort)) {
		wl_status st = wl_store_apply(rc->store, m, rc->stats, err, sizeof err);
		if (st != WL_OK)
			set_fatal(rc, st, err);
	}
	wl_queue_put_blank(&rc->q, m);
}

/* A worker's message, encoded on the worker's thread by the store's lane
 * (store.h, encode), then queued for the writer. A message that failed to
 * encode is queued all the same (the writer gives it back): the run
 * aborts, and the writer applies nothing more.
 *
 * Only with two workers or more. One worker (one input, or -j1) leaves its
 * lane's share to the writer, which then runs on a core of its own beside
 * it: one .tar.zst of failing logs at -j2 took 1.73 s with the worker
 * encoding, 1.48 s with the writer (the writer idled two thirds of the
 * time, the worker was the whole run), and 1.45 s before lanes encoded;
 * 263 files at -j2 took 1.32 s with the workers encoding, 1.40 s with the
 * writer, 1.55 s before (bench/RESULTS.md). */
static void encode_and_queue(void *ctx, wl_msg *m)
{
	run_ctx *rc = ctx;
	char err[WL_ERR_BUF] = "";
	if (!atomic_load(&rc->abort)) {
		wl_status st = wl_store_encode(rc->store, m, err, sizeof err);
		if (st != WL_OK)
			set_fatal(rc, st, err);
		else if (m->type == WL_MSG_EVENTS && m->enc)
			/* The writer reads the encoding only: the events' slots
			 * and strings serve the worker's next batch instead. */
			wl_queue_drop_payload(&rc->q, m);
	}
	wl_queue_push(&rc->q, m);
}

/* Reserve the decoding ring a worker's next input needs, waiting while the
 * rings of the inputs being read would pass WL_ZSTD_RING_BUDGET. A worker
 * waits holding no ring, and those that hold one read on and give it back
 * when their input ends (whatever happens to it), so the wait ends; with
 * no ring held, an input goes ahead whatever it needs. Inputs nested in
 * archives are not counted: their rings come on top. */
static void ring_take(run_ctx *rc, uint64_t need)
{
	if (!need)
		return;
	pthread_mutex_lock(&rc->ring_mu);
	while (rc->ring_used && rc->ring_used + need > WL_ZSTD_RING_BUDGET)
		pthread_cond_wait(&rc->ring_cv, &rc->ring_mu);
	rc->ring_used += need;
	pthread_mutex_unlock(&rc->ring_mu);
}

static void ring_give(run_ctx *rc, uint64_t need)
{
	if (!need)
		return;
	pthread_mutex_lock(&rc->ring_mu);
	rc->ring_used -= need;
	pthread_cond_broadcast(&rc->ring_cv);
	pthread_mutex_unlock(&rc->ring_mu);
}

static void *worker_main(void *arg)
{
	worker_arg *wa = arg;
	run_ctx *rc = wa->rc;
	pthread_setname_np(pthread_self(), "wl-worker");
	for (;;) {
		if (atomic_load(&rc->abort))
			break;
		size_t i = atomic_fetch_add(&rc->next, 1);
		if (i >= rc->inputs.n)
			break;
		const char *path = rc->inputs.v[i].path;
		uint64_t ring = wl_zstd_file_ring(path);
		ring_take(rc, ring);
		wl_status st = wl_worker_file(wa->w, path);
		ring_give(rc, ring);
		if (st != WL_OK) {
			set_fatal(rc, st, wl_strerror(st));
			break;
		}
	}
	atomic_fetch_sub(&rc->busy_workers, 1);
	wl_cputime_thread_end(&rc->stats->cpu, WL_THREAD_WORKER);
	atomic_fetch_add(&rc->done_workers, 1);
	return NULL;
}

static void on_walk_problem(void *ctx, wl_status st, const char *path, const char *msg)
{
	run_ctx *rc = ctx;
	char err[WL_ERR_BUF];
	atomic_fetch_add(&rc->stats->problems, 1);
	wl_problem p = {.status = st,
	                .path = path,
	                .member = NULL,
	                .offset = UINT64_MAX,
	                .line = 0,
	                .message = msg};
	if (!rc->store) { /* --audit: no index */
		wl_problem_print(&p);
		return;
	}
	wl_status w = wl_store_problem(rc->store, &p, err, sizeof err);
	if (w != WL_OK)
		set_fatal(rc, w, err);
}

static int by_size_desc(const void *a, const void *b)
{
	const wl_input *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->path, y->path);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void draw_progress(run_ctx *rc, double t0, bool last)
{
	double dt = now_s() - t0;
	uint64_t done = atomic_load(&rc->stats->bytes_in);
	uint64_t total = rc->inputs.total_bytes;
	uint64_t ev = atomic_load(&rc->stats->events);
	double rate = dt > 0 ? (double)done / dt : 0;
	double eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\r\033[K%6.1f%%  %.1f / %.1f MB read  %llu events  %.1f MB/s  ETA %.0fs%s",
	        total ? 100.0 * (double)done / (double)total : 100.0, (double)done / 1e6,
	        (double)total / 1e6, (unsigned long long)ev, rate / 1e6, eta, last ? "\n" : "");
}

wl_status wl_ingest_run(const wl_ingest_cfg *cfg, char *const *inputs, size_t n_inputs,
                        wl_stats *stats, char *err, size_t errlen)
{
	run_ctx rc;
	memset(&rc, 0, sizeof rc);
	rc.cfg = cfg;
	rc.stats = stats;
	malloc_policy();
	pthread_mutex_init(&rc.err_mu, NULL);
	pthread_mutex_init(&rc.ring_mu, NULL);
	pthread_cond_init(&rc.ring_cv, NULL);
	unsigned nw = cfg->threads ? cfg->threads : 1;
	pthread_t *tids = NULL;
	worker_arg *args = NULL;
	pthread_t writer;
	bool writer_started = false;
	unsigned started = 0;
	double t0 = now_s();
	wl_status st = WL_OK;
	if (!cfg->audit)
		st = wl_store_open(cfg, nw, stats, &rc.store, err, errlen);
	if (st != WL_OK)
		goto out;
	if (rc.store && wl_store_resumed(rc.store) && !cfg->quiet)
		fprintf(stderr,
		        "wsuslog-index: removed %u incomplete input(s) of an interrupted run\n",
		        wl_store_resumed(rc.store));
	for (size_t i = 0; i < n_inputs && rc.fatal == WL_OK; i++) {
		st = wl_walk(&rc.inputs, inputs[i], on_walk_problem, &rc);
		if (st != WL_OK) {
			snprintf(err, errlen, "walking %s: %s", inputs[i], wl_strerror(st));
			goto out;
		}
	}
	if (rc.fatal != WL_OK)
		goto out_fatal;
	if (rc.inputs.n) /* none found: no array, and qsort's pointer must not be NULL */
		qsort(rc.inputs.v, rc.inputs.n, sizeof *rc.inputs.v, by_size_desc);
	if (nw > rc.inputs.n && rc.inputs.n > 0)
		nw = (unsigned)rc.inputs.n;

	/* Messages in existence: queued ones, plus one batch being filled and
	 * one being sent per worker, plus the one the writer holds. */
	st = wl_queue_init(&rc.q, WL_QUEUE_DEPTH, WL_QUEUE_DEPTH + 3u * nw + 2u);
	if (st != WL_OK)
		goto out;
	bool direct = rc.store && rc.store->ops->lane_callers;
	if (!direct) {
		if (pthread_create(&writer, NULL, writer_main, &rc) != 0) {
			st = WL_E_NOMEM;
			snprintf(err, errlen, "cannot start the writer thread");
			goto out_queue;
		}
		writer_started = true;
	}
	tids = calloc(nw, sizeof *tids);
	args = calloc(nw, sizeof *args);
	if (!tids || !args) {
		st = WL_E_NOMEM;
		goto out_join;
	}
	/* Counted before any starts, so the first worker does not take the
	 * others' cores for a read-ahead thread. */
	atomic_store(&rc.busy_workers, nw);
	for (unsigned i = 0; i < nw; i++) {
		args[i].rc = &rc;
		args[i].w = wl_worker_new(i, cfg, &rc.q, stats, &rc.abort);
		if (args[i].w) {
			wl_worker_set_known(args[i].w, rc.store ? wl_store_known(rc.store) : NULL);
			wl_worker_set_busy_counter(args[i].w, &rc.busy_workers);
			if (direct)
				wl_worker_set_deliver(args[i].w, deliver, &rc);
			else if (rc.store && rc.store->ops->encode && nw > 1)
				wl_worker_set_deliver(args[i].w, encode_and_queue, &rc);
			if (cfg->audit && !(args[i].audit = wl_audit_new())) {
				wl_worker_free(args[i].w);
				args[i].w = NULL;
			}
			if (args[i].audit)
				wl_worker_set_audit(args[i].w, args[i].audit);
		}
		if (!args[i].w || pthread_create(&tids[i], NULL, worker_main, &args[i]) != 0) {
			atomic_fetch_sub(&rc.busy_workers, nw - i);
			set_fatal(&rc, WL_E_NOMEM, "cannot start a worker");
			break;
		}
		started++;
	}
	if (cfg->progress) {
		while (atomic_load(&rc.done_workers) < started) {
			draw_progress(&rc, t0, false);
			usleep(200000);
		}
		draw_progress(&rc, t0, true);
	}
out_join:
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	wl_queue_close(&rc.q);
	if (writer_started)
		pthread_join(writer, NULL);
	if (cfg->audit && rc.fatal == WL_OK && st == WL_OK) {
		struct wl_audit **parts = calloc(started ? started : 1, sizeof *parts);
		if (!parts) {
			st = WL_E_NOMEM;
		} else {
			for (unsigned i = 0; i < started; i++)
				parts[i] = args[i].audit;
			st = wl_audit_print(parts, started, (wl_outfmt)cfg->audit_format, stdout);
			free(parts);
		}
		if (st != WL_OK)
			snprintf(err, errlen, "audit: %s", wl_strerror(st));
	}
	for (unsigned i = 0; args && i < nw; i++) {
		wl_audit_free(args[i].audit);
		wl_worker_free(args[i].w);
	}
	free(tids);
	free(args);
out_queue:
	wl_queue_destroy(&rc.q);
out_fatal:
	if (rc.fatal != WL_OK && st == WL_OK) {
		st = rc.fatal;
		snprintf(err, errlen, "%s", rc.err);
	}
out:
	if (rc.store) {
		char cerr[WL_ERR_BUF] = "";
		double tc = now_s();
		/* Every other thread has been joined: the process's CPU time
		 * during the close is the close's, with its helper threads
		 * (SQLite's sorter threads building indexes, the fdatasync). */
		release_freed_memory();
		uint64_t cpu0 = wl_process_cpu_ns();
		wl_status cst = wl_store_close(rc.store, st == WL_OK, cerr, sizeof cerr);
		wl_cputime_add(&stats->cpu, WL_THREAD_CLOSE, wl_process_cpu_ns() - cpu0);
		stats->close_seconds = now_s() - tc;
		if (st == WL_OK && cst != WL_OK) {
			st = cst;
			snprintf(err, errlen, "%s", cerr);
		}
	}
	wl_input_list_free(&rc.inputs);
	pthread_mutex_destroy(&rc.err_mu);
	pthread_mutex_destroy(&rc.ring_mu);
	pthread_cond_destroy(&rc.ring_cv);
	stats->seconds = now_s() - t0;
	return st;
}
