/* What the extractor reports, recorded as a byte signature, for tests that
 * run the same text through the per-line path (worker.c on_line:
 * wl_extract_line per line) and the block path (on_block: wl_decode_set_block
 * + wl_extract_block) and compare: test_reallogs.c and fuzz/fuzz_block.c.
 * The includer defines SIG_CHECK(cond, what), its way to fail. */
#ifndef WL_TEST_EXTRACT_SIG_H
#define WL_TEST_EXTRACT_SIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "extract.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

#ifndef SIG_CHECK
#error "define SIG_CHECK(cond, what) before including extract_sig.h"
#endif

/* Record tags open each record, so a difference can be named. A tag is a
 * put whose length is TAG_LEN(tag), which no real put can have. */
enum { REC_BEGIN = 'F', REC_EVENT = 'E', REC_BAD = 'B', REC_PROBLEM = 'P', REC_END = 'T' };
#define TAG_LEN(tag) (SIZE_MAX - (size_t)(unsigned char)(tag))

/* Everything the extractor reports, appended to a buffer as (length,
 * bytes) puts: two runs with the same buffer reported the same things in
 * the same order. */
typedef struct sig {
	char *p;
	size_t n, cap;
	wl_extract *x;
	wl_decoder *t;
	bool began;
	unsigned sniffed;
	uint64_t events, bad;
	uint64_t block_lines; /* lines the block path took */
} sig;

static inline void sig_reserve(sig *s, size_t n)
{
	if (s->n + n > s->cap) {
		size_t cap = s->cap ? s->cap : 1 << 12;
		while (cap < s->n + n)
			cap *= 2;
		char *q = realloc(s->p, cap);
		SIG_CHECK(q != NULL, "out of memory in the harness");
		s->p = q;
		s->cap = cap;
	}
}

static inline void sig_put(sig *s, const void *p, size_t n)
{
	sig_reserve(s, sizeof n + n);
	memcpy(s->p + s->n, &n, sizeof n);
	s->n += sizeof n;
	if (n)
		memcpy(s->p + s->n, p, n);
	s->n += n;
}

static inline void sig_tag(sig *s, char tag)
{
	size_t len = TAG_LEN(tag);
	sig_reserve(s, sizeof len);
	memcpy(s->p + s->n, &len, sizeof len);
	s->n += sizeof len;
}

static inline void sig_span(sig *s, wl_span v)
{
	SIG_CHECK(v.n == 0 || v.p != NULL, "NULL span with a length");
	sig_put(s, v.p ? v.p : "", v.n);
}

static inline void sig_event(void *ctx, const wl_event *ev)
{
	sig *s = ctx;
	s->events++;
	int64_t nums[] = {ev->kind,          ev->role,
	                  (int64_t)ev->line, ev->ts_us,
	                  ev->has_hresult,   ev->hresult,
	                  ev->has_client_id, ev->has_fault_guid,
	                  ev->n_other,       (int64_t)ev->msg_off,
	                  ev->round_trips,   ev->evaluated,
	                  ev->deployed,      ev->max_prereq,
	                  ev->max_cached};
	sig_tag(s, REC_EVENT);
	sig_put(s, nums, sizeof nums);
	sig_span(s, ev->host);
	sig_span(s, ev->server);
	sig_span(s, ev->component);
	sig_span(s, ev->fault_code);
	sig_span(s, ev->parameter);
	sig_span(s, ev->raw);
	sig_put(s, ev->has_client_id ? ev->client_id.s : "", ev->has_client_id ? 36 : 0);
	sig_put(s, ev->has_fault_guid ? ev->fault_guid.s : "", ev->has_fault_guid ? 36 : 0);
	SIG_CHECK(ev->n_other <= WL_EVENT_GUIDS_MAX, "too many GUIDs");
	for (unsigned i = 0; i < ev->n_other; i++)
		sig_put(s, ev->other[i].s, 36);
}

static inline void sig_bad(void *ctx, uint64_t lineno, const char *why)
{
	sig *s = ctx;
	SIG_CHECK(why != NULL, "bad line without a reason");
	s->bad++;
	sig_tag(s, REC_BAD);
	sig_put(s, &lineno, sizeof lineno);
	sig_put(s, why, strlen(why));
}

static inline void sig_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset,
                               const char *msg)
{
	sig *s = ctx;
	int64_t nums[] = {st, (int64_t)lineno, (int64_t)offset};
	sig_tag(s, REC_PROBLEM);
	sig_put(s, nums, sizeof nums);
	sig_put(s, msg ? msg : "", msg ? strlen(msg) : 0);
}

static inline void sig_begin(sig *s, wl_format fmt)
{
	int64_t f = fmt;
	s->began = true;
	sig_tag(s, REC_BEGIN);
	sig_put(s, &f, sizeof f);
	wl_extract_begin(s->x, fmt, "pc005", 5);
}

/* worker.c on_line and on_block, without the queue. */
static inline int sig_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	sig *s = ctx;
	if (!s->began) {
		wl_format f = wl_tok_sniff_line(p, n);
		if (f == WL_FMT_UNKNOWN)
			return ++s->sniffed >= WL_SNIFF_LINES;
		sig_begin(s, f);
	}
	wl_extract_line(s->x, p, n, lineno);
	return 0;
}

static inline size_t sig_block(void *ctx, const char *p, size_t n, uint64_t *lineno)
{
	sig *s = ctx;
	if (!s->began)
		return 0;
	uint64_t before = *lineno;
	size_t used = wl_extract_block(s->x, p, n, lineno);
	SIG_CHECK(used <= n && (used == 0 || p[used - 1] == '\n'),
	          "block call took bytes that do not end a line");
	SIG_CHECK(*lineno - before <= used, "block call counted more lines than bytes");
	s->block_lines += *lineno - before;
	return used;
}

/* One path's decoder and extractor, reused for every run of an input as a
 * worker reuses them for every file. */
static inline void sig_open(sig *s, const wl_extract_cfg *cfg, bool block)
{
	memset(s, 0, sizeof *s);
	s->t = wl_decode_new(sig_line, sig_problem, s);
	s->x = wl_extract_new(cfg, sig_event, sig_bad, s);
	SIG_CHECK(s->t != NULL && s->x != NULL, "out of memory in the harness");
	if (block)
		wl_decode_set_block(s->t, sig_block);
}

static inline void sig_close(sig *s)
{
	wl_decode_free(s->t);
	wl_extract_free(s->x);
	free(s->p);
}

/* One run over data[0..n) in feeds of feed bytes; fmt WL_FMT_UNKNOWN
 * sniffs as worker.c does, any other format is forced from the start. */
static inline void sig_run(sig *s, wl_format fmt, const char *data, size_t n, size_t feed)
{
	s->n = 0;
	s->began = false;
	s->sniffed = 0;
	s->events = s->bad = s->block_lines = 0;
	wl_decode_reset(s->t);
	if (fmt != WL_FMT_UNKNOWN)
		sig_begin(s, fmt);
	for (size_t off = 0; off < n; off += feed) {
		size_t k = n - off < feed ? n - off : feed;
		SIG_CHECK(wl_decode_feed(s->t, data + off, k) == WL_OK, "wl_decode_feed failed");
	}
	SIG_CHECK(wl_decode_finish(s->t) == WL_OK, "wl_decode_finish failed");
	if (s->began)
		wl_extract_end(s->x);
	SIG_CHECK(wl_extract_bad_lines(s->x) == s->bad, "bad-line count disagrees with callbacks");
	int64_t tail[] = {wl_extract_first_ts(s->x), wl_extract_last_ts(s->x),
	                  (int64_t)wl_extract_bad_lines(s->x), (int64_t)wl_decode_lines(s->t)};
	sig_tag(s, REC_END);
	sig_put(s, tail, sizeof tail);
	const char *host = wl_extract_host(s->x);
	SIG_CHECK(host != NULL, "no host string");
	sig_put(s, host, strlen(host));
}

/* The record of s that holds byte off: its index, tag and the line it is
 * about (0 if none). */
static inline void sig_locate(const sig *s, size_t off, size_t *index, char *tag, uint64_t *line)
{
	size_t at = 0, rec = 0, start = 0;
	*index = 0;
	*tag = '?';
	while (at + sizeof(size_t) <= s->n && at <= off) {
		size_t len;
		memcpy(&len, s->p + at, sizeof len);
		at += sizeof len;
		if (len >= TAG_LEN(0xff)) {
			*index = rec++;
			*tag = (char)(SIZE_MAX - len);
			start = at;
			len = 0;
		}
		at += len;
	}
	/* The line: nums[2] of an event, the lineno of a bad line, nums[1] of
	 * a text problem; each is the record's first put. */
	size_t k = *tag == REC_EVENT ? 2 : *tag == REC_BAD ? 0 : *tag == REC_PROBLEM ? 1 : SIZE_MAX;
	*line = 0;
	if (k != SIZE_MAX && start + sizeof(size_t) + (k + 1) * 8 <= s->n)
		memcpy(line, s->p + start + sizeof(size_t) + k * 8, 8);
}

static inline const char *rec_name(char tag)
{
	switch (tag) {
	case REC_BEGIN:
		return "format";
	case REC_EVENT:
		return "event";
	case REC_BAD:
		return "bad line";
	case REC_PROBLEM:
		return "text problem";
	case REC_END:
		return "end of input";
	default:
		return "?";
	}
}

/* Compare a (the per-line path) with b (the block path) after a run each
 * over the same text: true when they recorded the same; otherwise why in
 * msg (the first differing record, its kind and line, the counts). */
static inline bool sig_same(const sig *a, const sig *b, char *msg, size_t cap)
{
	size_t i = 0;
	while (i < a->n && i < b->n && a->p[i] == b->p[i])
		i++;
	if (i == a->n && a->n == b->n)
		return true;
	size_t ra, rb;
	char ta, tb;
	uint64_t la, lb;
	sig_locate(a, i, &ra, &ta, &la);
	sig_locate(b, i, &rb, &tb, &lb);
	snprintf(msg, cap,
	         "per-line and block records differ at byte %zu of %zu/%zu: record %zu, per "
	         "line %s (line %llu), by block %s (line %llu); per line %llu events %llu bad, "
	         "by block %llu events %llu bad",
	         i, a->n, b->n, ra, rec_name(ta), (unsigned long long)la, rec_name(tb),
	         (unsigned long long)lb, (unsigned long long)a->events, (unsigned long long)a->bad,
	         (unsigned long long)b->events, (unsigned long long)b->bad);
	return false;
}

#endif
