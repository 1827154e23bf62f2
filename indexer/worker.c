/* Worker side of the pipeline: file -> (zstd | archive)* -> text -> events.
 * What a file is comes from its bytes, never its name. Events are copied
 * into the current batch message; a batch goes to the writer when full and
 * at the end of each input, so per-worker order (BEGIN, EVENTS..., END) is
 * the queue order. */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "audit.h"
#include "chars.h"
#include "decode.h"
#include "decompress.h"
#include "extract.h"
#include "frames.h"
#include "known.h"
#include "readahead.h"
#include "hostname.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

#if defined(__x86_64__) || defined(__i386__)
/* Debian's libxxhash picks SSE2, AVX2 or AVX-512 at run time through its
 * *_dispatch entry points; the plain ones are SSE2 only. The content hash
 * of every byte read: 0.22-0.26 s per GiB with SSE2, 0.035 s with AVX2 on
 * the project's VM (same digests). The header renames the calls below. */
#include <xxh_x86dispatch.h>
#endif

/* Buffers per nesting level: every container (zstd or archive) is a level. */
#define WL_LEVELS (2 * (WL_ARCHIVE_DEPTH_MAX + 1) + 1)

struct wl_worker {
	unsigned id;
	const wl_ingest_cfg *cfg;
	wl_queue *q;
	wl_stats *stats;
	atomic_bool *abort; /* set by whichever thread meets a fatal error (pipeline.c
	                       set_fatal: the writer, a worker); workers stop at it */
	/* NULL: messages go into q for the writer thread. Otherwise deliver
	 * takes each message on this thread: it hands m to a store that takes
	 * one caller per lane (store.h, lane_callers) and gives m back to q's
	 * free list, or has the store's lane encode m (store.h, encode) and
	 * queues it for the writer. */
	void (*deliver)(void *ctx, wl_msg *m);
	void *deliver_ctx;

	ZSTD_DCtx *dctx[WL_LEVELS];
	char *buf[WL_LEVELS]; /* WL_BLOCK_SIZE each, lazily allocated */
	wl_decoder *text;
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
	char host[WL_HOST_MAX];
	wl_status fatal; /* WL_E_NOMEM stops the worker */

	/* Content hash, and the check that an earlier copy of this path/member
	 * is a prefix of this one (a log that grew). */
	const struct wl_known *known; /* NULL: nothing indexed before */
	uint64_t hashed;
	uint64_t prefix_at;
	char prefix_want[WL_KEY_BUF];
	bool prefix_match;
};

void wl_worker_set_known(wl_worker *w, const struct wl_known *known)
{
	w->known = known;
}

void wl_worker_set_busy_counter(wl_worker *w, atomic_uint *busy_workers)
{
	w->busy_workers = busy_workers;
}

void wl_worker_set_deliver(wl_worker *w, void (*deliver)(void *ctx, wl_msg *m), void *ctx)
{
	w->deliver = deliver;
	w->deliver_ctx = ctx;
}

void wl_worker_set_audit(wl_worker *w, struct wl_audit *audit)
{
	w->audit = audit;
}

/* ---- messages ---- */

static char *arena_str(wl_msg *m, const char *s, size_t n)
{
	if (m->arena_n + n + 1 > WL_MSG_ARENA)
		n = WL_MSG_ARENA - m->arena_n - 1;
	char *d = m->arena + m->arena_n;
	memcpy(d, s, n);
	d[n] = 0;
	m->arena_n += n + 1;
	return d;
}

static wl_msg *blank(wl_worker *w, wl_msg_type type)
{
	wl_msg *m = wl_queue_get_blank(w->q);
	if (!m) {
		w->fatal = WL_E_NOMEM;
		return NULL;
	}
	m->type = type;
	m->worker = w->id;
	m->arena_n = 0;
	m->nev = 0;
	m->path = m->member = m->host = NULL;
	return m;
}

/* To the writer through the queue, or, when the store takes one caller per
 * lane, to the store from this thread. */
static void send(wl_worker *w, wl_msg *m)
{
	if (w->deliver)
		w->deliver(w->deliver_ctx, m);
	else
		wl_queue_push(w->q, m);
}

static void flush_batch(wl_worker *w)
{
	if (w->batch) {
		send(w, w->batch);
		w->batch = NULL;
	}
}

void wl_worker_problem(wl_worker *w, const wl_problem *p)
{
	wl_msg *m = blank(w, WL_MSG_PROBLEM);
	if (!m)
		return;
	m->problem = *p;
	m->problem.path = arena_str(m, p->path ? p->path : "", p->path ? strlen(p->path) : 0);
	m->problem.member =
	    arena_str(m, p->member ? p->member : "", p->member ? strlen(p->member) : 0);
	m->problem.message =
	    arena_str(m, p->message ? p->message : "", p->message ? strlen(p->message) : 0);
	atomic_fetch_add(&w->stats->problems, 1);
	/* Keep the order relative to this worker's events. */
	flush_batch(w);
	send(w, m);
}

/* A problem of the input open on w, at a line or a decoded offset. */
static void input_problem(wl_worker *w, wl_status st, uint64_t offset, uint64_t line,
                          const char *text)
{
	wl_worker_problem(w, &(wl_problem){.status = st,
	                                   .path = w->path,
	                                   .member = w->member,
	                                   .offset = offset,
	                                   .line = line,
	                                   .message = text});
}

/* A problem of a file or member as a whole. */
static void file_problem(wl_worker *w, wl_status st, const char *path, const char *member,
                         uint64_t offset, const char *text)
{
	wl_worker_problem(w, &(wl_problem){.status = st,
	                                   .path = path,
	                                   .member = member,
	                                   .offset = offset,
	                                   .line = 0,
	                                   .message = text});
}

static wl_span keep(wl_msg *m, wl_span s)
{
	if (!s.p || s.n == 0)
		return (wl_span){NULL, 0};
	char *d = m->arena + m->arena_n;
	memcpy(d, s.p, s.n);
	m->arena_n += s.n;
	return (wl_span){d, s.n};
}

static void on_event(void *ctx, const wl_event *ev)
{
	wl_worker *w = ctx;
	size_t need = ev->host.n + ev->server.n + ev->component.n + ev->fault_code.n +
	              ev->parameter.n + ev->raw.n;
	if (w->batch &&
	    (w->batch->nev == WL_BATCH_EVENTS || w->batch->arena_n + need > WL_MSG_ARENA))
		flush_batch(w);
	if (!w->batch) {
		w->batch = blank(w, WL_MSG_EVENTS);
		if (!w->batch)
			return;
	}
	wl_msg *m = w->batch;
	wl_event *e = &m->ev[m->nev++];
	*e = *ev;
	e->host = keep(m, ev->host);
	e->server = keep(m, ev->server);
	e->component = keep(m, ev->component);
	e->fault_code = keep(m, ev->fault_code);
	e->parameter = keep(m, ev->parameter);
	e->raw = keep(m, ev->raw);
	if (ev->kind != WL_EV_SCAN && ev->kind != WL_EV_CONFIG)
		w->events++;
}

static void on_bad_line(void *ctx, uint64_t lineno, const char *why)
{
	wl_worker *w = ctx;
	if (++w->bad_reported <= WL_BAD_LINES_REPORTED)
		input_problem(w, WL_E_BAD_LINE, UINT64_MAX, lineno, why);
}

static void on_text_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset,
                            const char *msg)
{
	wl_worker *w = ctx;
	if (!w->began)
		return; /* not known to be a log yet: if it is not one, no problem */
	input_problem(w, st, offset, lineno, msg);
}

static void begin_source(wl_worker *w)
{
	wl_msg *m = blank(w, WL_MSG_BEGIN);
	if (!m)
		return;
	m->path = arena_str(m, w->path, strlen(w->path));
	m->member = arena_str(m, w->member ? w->member : "", w->member ? strlen(w->member) : 0);
	m->fmt = w->fmt;
	size_t hn = wl_host_hint(w->path, w->member, w->host, sizeof w->host);
	m->host = arena_str(m, w->host, hn);
	wl_extract_begin(w->x, w->fmt, w->host, hn);
	wl_extract_set_file_time(w->x, w->mtime_us);
	if (w->audit) {
		if (wl_audit_begin(w->audit, w->path, w->member, w->fmt) != WL_OK)
			w->fatal = WL_E_NOMEM;
		wl_extract_set_audit(w->x, wl_audit_line, w->audit);
	}
	send(w, m);
	w->began = true;
	atomic_fetch_add(&w->stats->logs, 1);
}

static int on_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	wl_worker *w = ctx;
	if (w->fatal != WL_OK || atomic_load_explicit(w->abort, memory_order_relaxed))
		return 1;
	if (!w->began) {
		wl_format f = wl_tok_sniff_line(p, n);
		if (f == WL_FMT_UNKNOWN) {
			/* Blank lines and junk before the first entry; give up after
			 * WL_SNIFF_LINES lines. */
			return ++w->sniffed >= WL_SNIFF_LINES;
		}
		w->fmt = f;
		begin_source(w);
		if (!w->began)
			return 1;
	}
	wl_extract_line(w->x, p, n, lineno);
	return 0;
}

static size_t on_block(void *ctx, const char *p, size_t n, uint64_t *lineno)
{
	wl_worker *w = ctx;
	if (!w->began || w->fatal != WL_OK || atomic_load_explicit(w->abort, memory_order_relaxed))
		return 0; /* on_line sniffs, or stops the feed */
	return wl_extract_block(w->x, p, n, lineno);
}

static void hex128(XXH128_hash_t h, char out[WL_KEY_BUF])
{
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
	         (unsigned long long)h.low64);
}

/* Content hash of the decoded bytes; at the length of the earlier copy of
 * this input, compare its hash (XXH3 digests do not end the stream). */
static void hash_block(wl_worker *w, const char *p, size_t n)
{
	if (w->prefix_at && w->hashed < w->prefix_at && w->hashed + n >= w->prefix_at) {
		size_t k = (size_t)(w->prefix_at - w->hashed);
		XXH3_128bits_update(w->hash, p, k);
		char got[WL_KEY_BUF];
		hex128(XXH3_128bits_digest(w->hash), got);
		w->prefix_match = strcmp(got, w->prefix_want) == 0;
		p += k;
		n -= k;
		w->hashed += k;
	}
	if (w->hashed < WL_HEAD_BYTES) {
		size_t k = n < WL_HEAD_BYTES - w->hashed ? n : (size_t)(WL_HEAD_BYTES - w->hashed);
		XXH3_64bits_update(w->head, p, k);
	}
	XXH3_128bits_update(w->hash, p, n);
	w->hashed += n;
}

static void end_source(wl_worker *w, uint64_t bytes)
{
	wl_extract_end(w->x);
	flush_batch(w);
	wl_msg *m = blank(w, WL_MSG_END);
	if (!m)
		return;
	if (w->fmt == WL_FMT_WEBCONFIG) {
		/* Identical web.config files of two servers are two facts: the
		 * server comes from the path, so it is part of the identity. */
		XXH3_128bits_update(w->hash, "\0server=", 8);
		XXH3_128bits_update(w->hash, w->host, strlen(w->host));
	}
	hex128(XXH3_128bits_digest(w->hash), m->key);
	snprintf(m->head, sizeof m->head, "%016llx",
	         (unsigned long long)XXH3_64bits_digest(w->head));
	m->supersedes[0] = 0;
	if (w->prefix_match && bytes > w->prefix_at && w->fmt != WL_FMT_WEBCONFIG)
		snprintf(m->supersedes, sizeof m->supersedes, "%s", w->prefix_want);
	m->path = arena_str(m, w->path, strlen(w->path));
	m->member = arena_str(m, w->member ? w->member : "", w->member ? strlen(w->member) : 0);
	m->fmt = w->fmt;
	m->bytes = bytes;
	m->lines = wl_decode_lines(w->text);
	m->events = w->events;
	m->bad_lines = wl_extract_bad_lines(w->x);
	m->first_ts = wl_extract_first_ts(w->x);
	m->last_ts = wl_extract_last_ts(w->x);
	const char *learned = wl_extract_host(w->x);
	m->host = arena_str(m, learned, strlen(learned));
	if (m->bad_lines > WL_BAD_LINES_REPORTED) {
		char t[96];
		snprintf(t, sizeof t, "%llu more unparseable lines not listed",
		         (unsigned long long)(m->bad_lines - WL_BAD_LINES_REPORTED));
		input_problem(w, WL_E_BAD_LINE, UINT64_MAX, 0, t);
	}
	atomic_fetch_add(&w->stats->lines, m->lines);
	atomic_fetch_add(&w->stats->events, w->events);
	atomic_fetch_add(&w->stats->bytes_decoded, bytes);
	send(w, m);
}

static bool spare_thread(const wl_worker *w)
{
	if (w->cfg->threads < 2)
		return false;
	/* The writer keeps one core busy too: -j2 with one input is then a
	 * worker and the writer on two cores, and a third thread only took
	 * time from both (tarzst, 7 alternating runs: median 2.53 s with a
	 * producer, 2.28 s without). */
	return !w->busy_workers || atomic_load(w->busy_workers) + 1 < w->cfg->threads;
}

/* A log candidate: decode, split, sniff, extract. */
static wl_status text_stream(wl_worker *w, wl_reader *r, const char *path, const char *member,
                             int level)
{
	w->path = path;
	w->member = member;
	w->began = false;
	w->sniffed = 0;
	w->events = 0;
	w->bad_reported = 0;
	w->fmt = WL_FMT_UNKNOWN;
	wl_decode_reset(w->text);
	XXH3_128bits_reset(w->hash);
	XXH3_64bits_reset(w->head);
	w->hashed = 0;
	w->prefix_at = 0;
	w->prefix_match = false;
	const wl_known_source *ks = wl_known_source_of(w->known, path, member ? member : "");
	if (ks && ks->bytes > 0) {
		w->prefix_at = ks->bytes;
		snprintf(w->prefix_want, sizeof w->prefix_want, "%s", ks->hash);
	}
	atomic_fetch_add(&w->stats->streams, 1);

	uint64_t bytes = 0;
	char msg[WL_MSG_BUF];
	wl_status st = WL_OK;
	bool ahead = false;
	for (;;) {
		const char *p = w->buf[level];
		size_t got = 0;
		/* While a core is free, reading (and the decompression beneath it)
		 * moves to a producer thread and this one hashes, decodes and
		 * extracts; checked at every block, so a long stream started while
		 * all were busy gets one when the others run out of inputs. */
		if (!ahead && spare_thread(w))
			ahead = (w->ra || (w->ra = wl_readahead_new(&w->stats->cpu)) != NULL) &&
			        wl_readahead_start(w->ra, r) == WL_OK;
		if (ahead)
			st = wl_readahead_next(w->ra, &p, &got, msg, sizeof msg);
		else if (r->borrow) /* an archive member: no copy */
			st = r->borrow(r, WL_BLOCK_SIZE, &p, &got, msg, sizeof msg);
		else
			st = r->read(r, w->buf[level], WL_BLOCK_SIZE, &got, msg, sizeof msg);
		if (st == WL_OK)
			hash_block(w, p, got);
		if (st != WL_OK || got == 0)
			break;
		bytes += got;
		if (level > 1 && bytes > w->cfg->max_member_bytes) {
			/* Our zstd reader checks this itself; gzip, xz, bzip2 and zip
			 * members decompressed by libarchive are capped here (a plain
			 * file, level 1, is as big as it is on disk: no bomb). */
			st = WL_E_TOO_BIG;
			snprintf(
			    msg, sizeof msg,
			    "decompressed size exceeds the cap of %llu bytes (--max-member-bytes)",
			    (unsigned long long)w->cfg->max_member_bytes);
			break;
		}
		if (wl_decode_feed(w->text, p, got) != WL_OK) {
			w->fatal = WL_E_NOMEM;
			break;
		}
		if (w->fatal != WL_OK || atomic_load(w->abort))
			break;
		if (!w->began && w->sniffed >= WL_SNIFF_LINES)
			break;
	}
	if (ahead)
		wl_readahead_stop(w->ra);
	/* After a read error the last line is cut short: it is covered by the
	 * problem below, not parsed. */
	if (st == WL_OK && w->fatal == WL_OK && (w->began || w->sniffed < WL_SNIFF_LINES))
		wl_decode_finish(w->text);
	if (st != WL_OK) {
		/* What was read before the error is kept; the problem names the
		 * offset in the decoded stream. */
		file_problem(w, st, path, member, bytes, msg);
	}
	if (w->began) {
		end_source(w, bytes);
	} else if (st == WL_OK && w->fatal == WL_OK) {
		atomic_fetch_add(&w->stats->not_logs, 1);
	}
	return w->fatal;
}

typedef struct member_ctx {
	wl_worker *w;
	const char *path;
	const char *parent; /* member path of the enclosing archive, or NULL */
	int level;
	int adepth;
} member_ctx;

static wl_status stream(wl_worker *w, wl_reader *r, const char *path, const char *member, int level,
                        int adepth);

/* A member's full name, "outer.tar!inner.zip!WindowsUpdate.log" (nested
 * archives); caller frees. NULL when out of memory. Allocated to fit: a
 * fixed buffer would cut a deep name silently. */
static char *member_path(const member_ctx *mc, const char *name)
{
	size_t pl = mc->parent ? strlen(mc->parent) + 1 : 0;
	size_t len = pl + strlen(name) + 1;
	char *full = malloc(len);
	if (full)
		snprintf(full, len, "%s%s%s", mc->parent ? mc->parent : "", mc->parent ? "!" : "",
		         name);
	return full;
}

static wl_status on_member(void *ctx, wl_reader *r, const char *name)
{
	member_ctx *mc = ctx;
	char *full = member_path(mc, name);
	if (!full)
		return WL_E_NOMEM;
	atomic_fetch_add(&mc->w->stats->members, 1);
	mc->w->mtime_us = wl_archive_member_mtime(r);
	wl_status st = stream(mc->w, r, mc->path, full, mc->level + 1, mc->adepth + 1);
	free(full);
	return st;
}

static void on_member_skip(void *ctx, const char *name, wl_status st, const char *why)
{
	member_ctx *mc = ctx;
	char *full = member_path(mc, name);
	if (!full) {
		mc->w->fatal = WL_E_NOMEM;
		return;
	}
	file_problem(mc->w, st, mc->path, full, UINT64_MAX, why);
	free(full);
}

static wl_status stream(wl_worker *w, wl_reader *r, const char *path, const char *member, int level,
                        int adepth)
{
	if (level >= WL_LEVELS - 1 || adepth > WL_ARCHIVE_DEPTH_MAX) {
		file_problem(w, WL_E_DEPTH, path, member, UINT64_MAX,
		             "archives nested deeper than WL_ARCHIVE_DEPTH_MAX; not read");
		return WL_OK;
	}
	if (!w->buf[level]) {
		w->buf[level] = malloc(WL_BLOCK_SIZE);
		if (!w->buf[level])
			return WL_E_NOMEM;
	}
	char *head = w->buf[level];
	size_t hn = 0;
	char msg[WL_MSG_BUF];
	wl_status st = wl_read_head(r, head, &hn, msg, sizeof msg);
	if (st != WL_OK) {
		file_problem(w, st, path, member, 0, msg);
		return WL_OK;
	}
	if (hn == 0) {
		atomic_fetch_add(&w->stats->not_logs, 1); /* empty file */
		return WL_OK;
	}
	wl_peek_reader pr;
	wl_peek_reader_init(&pr, r, head, hn);
	switch (wl_sniff_container((const unsigned char *)head, hn)) {
	case WL_CONT_ZSTD: {
		if (level == 0 && w->file_fd >= 0 && w->cfg->threads > 1) {
			/* A multi-frame file: frames decoded in parallel, in order. */
			wl_frames_reader *fr = NULL;
			st = wl_frames_open(&fr, w->file_fd, w->file_size, w->cfg->threads,
			                    w->cfg->max_member_bytes, &w->stats->cpu);
			if (st != WL_OK)
				return st;
			if (fr) {
				st = stream(w, wl_frames_base(fr), path, member, level + 1, adepth);
				wl_frames_close(fr);
				return st;
			}
		}
		if (!w->dctx[level]) {
			w->dctx[level] = ZSTD_createDCtx();
			if (!w->dctx[level])
				return WL_E_NOMEM;
		}
		/* The head buffer is still being read through pr, so the
		 * decompressed stream uses the next level's buffer. */
		wl_zstd_reader zr;
		if (wl_zstd_reader_open(&zr, &pr.base, w->dctx[level], w->cfg->max_member_bytes) !=
		    WL_OK)
			return WL_E_NOMEM;
		st = stream(w, &zr.base, path, member, level + 1, adepth);
		wl_zstd_reader_close(&zr);
		return st;
	}
	case WL_CONT_ARCHIVE: {
		member_ctx mc = {
		    .w = w, .path = path, .parent = member, .level = level, .adepth = adepth};
		st = wl_archive_each(&pr.base, on_member, on_member_skip, &mc, msg, sizeof msg);
		if (st == WL_E_NOMEM || st == WL_E_DB)
			return st;
		if (st != WL_OK)
			file_problem(w, st, path, member, UINT64_MAX, msg);
		return w->fatal;
	}
	default:
		break;
	}
	/* A log candidate: its bytes go through the next level's buffer so the
	 * head (still referenced by pr) is not overwritten. */
	if (!w->buf[level + 1]) {
		w->buf[level + 1] = malloc(WL_BLOCK_SIZE);
		if (!w->buf[level + 1])
			return WL_E_NOMEM;
	}
	return text_stream(w, &pr.base, path, member, level + 1);
}

wl_status wl_worker_file(wl_worker *w, const char *path)
{
	wl_file_reader fr;
	char msg[WL_MSG_BUF];
	wl_status st = wl_file_reader_open(&fr, path, msg, sizeof msg);
	atomic_fetch_add(&w->stats->inputs, 1);
	if (st != WL_OK) {
		file_problem(w, st, path, NULL, UINT64_MAX, msg);
		return WL_OK;
	}
	if (wl_known_input_unchanged(w->known, path, fr.size, fr.mtime_us)) {
		/* Read to its end by an earlier run and unchanged since. */
		atomic_fetch_add(&w->stats->unchanged, 1);
		atomic_fetch_add(&w->stats->bytes_in, fr.size);
		wl_file_reader_close(&fr);
		return WL_OK;
	}
	fr.counter = &w->stats->bytes_in;
	w->mtime_us = fr.mtime_us;
	w->file_fd = fr.fd;
	w->file_size = fr.size;
	st = stream(w, &fr.base, path, NULL, 0, 0);
	w->file_fd = -1;
	wl_file_reader_close(&fr);
	flush_batch(w);
	if (st == WL_OK && w->fatal == WL_OK && !atomic_load(w->abort)) {
		wl_msg *m = blank(w, WL_MSG_INPUT);
		if (!m)
			return w->fatal;
		m->path = arena_str(m, path, strlen(path));
		m->bytes = fr.size;
		m->first_ts = fr.mtime_us;
		send(w, m);
	}
	return st;
}

wl_worker *wl_worker_new(unsigned id, const wl_ingest_cfg *cfg, wl_queue *q, wl_stats *stats,
                         atomic_bool *abort)
{
	wl_worker *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->id = id;
	w->cfg = cfg;
	w->q = q;
	w->stats = stats;
	w->abort = abort;
	w->file_fd = -1;
	wl_extract_cfg xc = {.has_tz = cfg->has_tz, .tz_minutes = cfg->tz_minutes};
	w->text = wl_decode_new(on_line, on_text_problem, w);
	w->x = wl_extract_new(&xc, on_event, on_bad_line, w);
	w->hash = XXH3_createState();
	w->head = XXH3_createState();
	if (!w->text || !w->x || !w->hash || !w->head) {
		wl_worker_free(w);
		return NULL;
	}
	wl_decode_set_block(w->text, on_block);
	return w;
}

void wl_worker_free(wl_worker *w)
{
	if (!w)
		return;
	for (int i = 0; i < WL_LEVELS; i++) {
		ZSTD_freeDCtx(w->dctx[i]);
		free(w->buf[i]);
	}
	wl_decode_free(w->text);
	wl_extract_free(w->x);
	XXH3_freeState(w->hash);
	XXH3_freeState(w->head);
	wl_readahead_free(w->ra);
	free(w);
}
