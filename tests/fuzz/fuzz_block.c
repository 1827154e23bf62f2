/* Fuzz target for stages 3-4 together: the block fast path (wl_text_set_block
 * + wl_extract_block, as ingest.c on_block) must report exactly what the
 * per-line path (ingest.c on_line) reports, as in test_reallogs.c
 * block_path_equals_line_path, with the format sniffed and forced to each of
 * classic, ETW and SoftwareDistribution.log. Byte 0: bits 0-2 the feed size,
 * bits 3-4 --tz, bits 5-7 all set: byte 1 stretches the second line to about
 * WL_LINE_MAX (see LLVMFuzzerTestOneInput). The rest is the log text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "extract.h"
#include "fuzz_util.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

/* Longer inputs only slow the fuzzer down: the fast loop works in 64-byte
 * steps, and over-long lines come from the stretch instead. */
#define BLOCK_INPUT_MAX (64u * 1024u)

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
	wl_text *t;
	bool began;
	unsigned sniffed;
	uint64_t events, bad;
} sig;

static void sig_reserve(sig *s, size_t n)
{
	if (s->n + n > s->cap) {
		size_t cap = s->cap ? s->cap : 1 << 12;
		while (cap < s->n + n)
			cap *= 2;
		char *q = realloc(s->p, cap);
		FUZZ_CHECK(q != NULL, "out of memory in the harness");
		s->p = q;
		s->cap = cap;
	}
}

static void sig_put(sig *s, const void *p, size_t n)
{
	sig_reserve(s, sizeof n + n);
	memcpy(s->p + s->n, &n, sizeof n);
	s->n += sizeof n;
	if (n)
		memcpy(s->p + s->n, p, n);
	s->n += n;
}

static void sig_tag(sig *s, char tag)
{
	size_t len = TAG_LEN(tag);
	sig_reserve(s, sizeof len);
	memcpy(s->p + s->n, &len, sizeof len);
	s->n += sizeof len;
}

static void sig_span(sig *s, wl_span v)
{
	FUZZ_CHECK(v.n == 0 || v.p != NULL, "NULL span with a length");
	sig_put(s, v.p ? v.p : "", v.n);
}

static void sig_event(void *ctx, const wl_event *ev)
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
	FUZZ_CHECK(ev->n_other <= WL_EVENT_GUIDS_MAX, "too many GUIDs");
	for (unsigned i = 0; i < ev->n_other; i++)
		sig_put(s, ev->other[i].s, 36);
}

static void sig_bad(void *ctx, uint64_t lineno, const char *why)
{
	sig *s = ctx;
	FUZZ_CHECK(why != NULL, "bad line without a reason");
	s->bad++;
	sig_tag(s, REC_BAD);
	sig_put(s, &lineno, sizeof lineno);
	sig_put(s, why, strlen(why));
}

static void sig_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset, const char *msg)
{
	sig *s = ctx;
	int64_t nums[] = {st, (int64_t)lineno, (int64_t)offset};
	sig_tag(s, REC_PROBLEM);
	sig_put(s, nums, sizeof nums);
	sig_put(s, msg ? msg : "", msg ? strlen(msg) : 0);
}

static void sig_begin(sig *s, wl_format fmt)
{
	int64_t f = fmt;
	s->began = true;
	sig_tag(s, REC_BEGIN);
	sig_put(s, &f, sizeof f);
	wl_extract_begin(s->x, fmt, "pc005", 5);
}

/* ingest.c on_line and on_block, without the queue. */
static int sig_line(void *ctx, const char *p, size_t n, uint64_t lineno)
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

static size_t sig_block(void *ctx, const char *p, size_t n, uint64_t *lineno)
{
	sig *s = ctx;
	if (!s->began)
		return 0;
	uint64_t before = *lineno;
	size_t used = wl_extract_block(s->x, p, n, lineno);
	FUZZ_CHECK(used <= n && (used == 0 || p[used - 1] == '\n'),
	           "block call took bytes that do not end a line");
	FUZZ_CHECK(*lineno - before <= used, "block call counted more lines than bytes");
	return used;
}

/* One path's decoder and extractor, reused for every run of an input as a
 * worker reuses them for every file. */
static void sig_open(sig *s, const wl_extract_cfg *cfg, bool block)
{
	memset(s, 0, sizeof *s);
	s->t = wl_text_new(sig_line, sig_problem, s);
	s->x = wl_extract_new(cfg, sig_event, sig_bad, s);
	FUZZ_CHECK(s->t != NULL && s->x != NULL, "out of memory in the harness");
	if (block)
		wl_text_set_block(s->t, sig_block);
}

static void sig_close(sig *s)
{
	wl_text_free(s->t);
	wl_extract_free(s->x);
	free(s->p);
}

/* One run over data[0..n) in feeds of feed bytes; fmt WL_FMT_UNKNOWN
 * sniffs as ingest.c does, any other format is forced from the start. */
static void sig_run(sig *s, wl_format fmt, const char *data, size_t n, size_t feed)
{
	s->n = 0;
	s->began = false;
	s->sniffed = 0;
	s->events = s->bad = 0;
	wl_text_reset(s->t);
	if (fmt != WL_FMT_UNKNOWN)
		sig_begin(s, fmt);
	for (size_t off = 0; off < n; off += feed) {
		size_t k = n - off < feed ? n - off : feed;
		FUZZ_CHECK(wl_text_feed(s->t, data + off, k) == WL_OK, "wl_text_feed failed");
	}
	FUZZ_CHECK(wl_text_finish(s->t) == WL_OK, "wl_text_finish failed");
	if (s->began)
		wl_extract_end(s->x);
	FUZZ_CHECK(wl_extract_bad_lines(s->x) == s->bad, "bad-line count disagrees with callbacks");
	int64_t tail[] = {wl_extract_first_ts(s->x), wl_extract_last_ts(s->x),
	                  (int64_t)wl_extract_bad_lines(s->x), (int64_t)wl_text_lines(s->t)};
	sig_tag(s, REC_END);
	sig_put(s, tail, sizeof tail);
	const char *host = wl_extract_host(s->x);
	FUZZ_CHECK(host != NULL, "no host string");
	sig_put(s, host, strlen(host));
}

/* The record of s that holds byte off: its index, tag and the line it is
 * about (0 if none). */
static void sig_locate(const sig *s, size_t off, size_t *index, char *tag, uint64_t *line)
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

static const char *rec_name(char tag)
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

/* a runs line by line, b with the block path too. */
static void same_paths(sig *pa, sig *pb, wl_format fmt, const char *data, size_t n, size_t feed)
{
	sig_run(pa, fmt, data, n, feed);
	sig_run(pb, fmt, data, n, feed);
	const sig a = *pa, b = *pb;
	size_t i = 0;
	while (i < a.n && i < b.n && a.p[i] == b.p[i])
		i++;
	if (i != a.n || a.n != b.n) {
		size_t ra, rb;
		char ta, tb;
		uint64_t la, lb;
		sig_locate(&a, i, &ra, &ta, &la);
		sig_locate(&b, i, &rb, &tb, &lb);
		fprintf(
		    stderr,
		    "fuzz_block: format %s, feeds of %zu: per-line and block records differ at "
		    "byte %zu of %zu/%zu: record %zu, per line %s (line %llu), by block %s "
		    "(line %llu); per line %llu events %llu bad, by block %llu events %llu bad\n",
		    fmt == WL_FMT_UNKNOWN ? "sniffed" : wl_format_name(fmt), feed, i, a.n, b.n, ra,
		    rec_name(ta), (unsigned long long)la, rec_name(tb), (unsigned long long)lb,
		    (unsigned long long)a.events, (unsigned long long)a.bad,
		    (unsigned long long)b.events, (unsigned long long)b.bad);
	}
	FUZZ_CHECK(i == a.n && a.n == b.n, "per-line and block paths differ");
}

/* The text with its second line stretched to len bytes (its own bytes
 * repeated; a CR before its LF stays at the end), so that lines at and past
 * WL_LINE_MAX come after a first line that starts the block path. NULL
 * when there is no non-empty second line. Caller owns; free. */
static char *stretch(const char *p, size_t n, size_t len, size_t *out_n)
{
	const char *nl = memchr(p, '\n', n);
	if (!nl)
		return NULL;
	size_t s2 = (size_t)(nl - p) + 1;
	const char *nl2 = memchr(p + s2, '\n', n - s2);
	size_t e2 = nl2 ? (size_t)(nl2 - p) : n;
	size_t ln = e2 - s2;
	bool cr = ln > 0 && p[e2 - 1] == '\r';
	ln -= cr;
	if (ln == 0)
		return NULL;
	*out_n = s2 + len + cr + (n - e2);
	char *out = malloc(*out_n);
	FUZZ_CHECK(out != NULL, "out of memory in the harness");
	memcpy(out, p, s2);
	for (size_t k = 0; k < len; k += ln)
		memcpy(out + s2 + k, p + s2, len - k < ln ? len - k : ln);
	if (cr)
		out[s2 + len] = '\r';
	memcpy(out + s2 + len + cr, p + e2, n - e2);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t feeds[8] = {1, 7, 63, 64, 65, 4096, 65536, WL_BLOCK_SIZE};
	/* Index 0: no --tz; the others are --tz values, odd ones included. */
	static const int tzs[4] = {0, -480, 330, 345};
	static const wl_format fmts[] = {WL_FMT_UNKNOWN, WL_FMT_WU_CLASSIC, WL_FMT_WU_ETW,
	                                 WL_FMT_SDIST};
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	size_t feed = feeds[ctl & 7];
	unsigned tz = (ctl >> 3) & 3;
	const wl_extract_cfg cfg = {.has_tz = tz != 0, .tz_minutes = tzs[tz]};
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	size_t nf = sizeof fmts / sizeof *fmts;
	wl_format forced = WL_FMT_UNKNOWN;
	char *big = NULL;
	if ((ctl >> 5) == 7 && n > 0) {
		/* Byte 1: bits 0-3 and 6-7 the stretched length, WL_LINE_MAX - 8
		 * + 0..15 + 0..3 KiB; bits 4-5 the one format forced besides
		 * the sniffed run (none, classic, ETW, sdist): a 64 KiB line
		 * costs milliseconds per run under ASan. */
		unsigned b = (unsigned char)s[0];
		size_t len = WL_LINE_MAX - 8 + (b & 15) + (size_t)(b >> 6) * 1024;
		forced = fmts[(b >> 4) & 3];
		nf = 1;
		s++;
		n--;
		if (n > BLOCK_INPUT_MAX)
			n = BLOCK_INPUT_MAX;
		big = stretch(s, n, len, &n);
		if (big) {
			s = big;
			if (feed < 63)
				feed = 63; /* byte feeds of 64 KiB are slow and add nothing */
		}
	} else if (n > BLOCK_INPUT_MAX) {
		n = BLOCK_INPUT_MAX;
	}
	/* The sniffed run first, on a fresh extractor as a worker's first file. */
	sig a, b;
	sig_open(&a, &cfg, false);
	sig_open(&b, &cfg, true);
	for (size_t f = 0; f < nf; f++)
		same_paths(&a, &b, fmts[f], s, n, feed);
	if (forced != WL_FMT_UNKNOWN)
		same_paths(&a, &b, forced, s, n, feed);
	sig_close(&a);
	sig_close(&b);
	free(big);
	return 0;
}
