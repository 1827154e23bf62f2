/* Fuzz target for stage 3 (indexer/decode.c): raw bytes -> lines.
 * The input is fed to wl_decoder in chunks whose sizes come from the input, and
 * the lines are checked against a reference decoder written here the plain
 * way (whole buffer, no state): same lines, same line-too-long and encoding
 * problems, whatever the chunking. Input layout: byte 0 selects the chunking,
 * an amplification (repeat the payload past WL_LINE_MAX, so over-long lines
 * are reachable from small inputs) and an early stop; the rest is the data. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "fuzz_util.h"
#include "wsuslog/limits.h"

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

static void buf_put(buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		char *q = realloc(b->p, cap);
		FUZZ_CHECK(q != NULL, "out of memory in the harness");
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Lines as (length, bytes) records, so two runs compare with one memcmp. */
typedef struct run {
	buf lines;
	uint64_t nlines;
	uint64_t too_long, encoding;
	uint64_t stop_after; /* 0: never ask to stop */
	bool stopped;
} run;

static void put_line(buf *b, const char *p, size_t n)
{
	uint64_t len = n;
	buf_put(b, &len, sizeof len);
	buf_put(b, p, n);
}

static int on_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	run *r = ctx;
	FUZZ_CHECK(!r->stopped, "a line was delivered after the callback asked to stop");
	FUZZ_CHECK(n <= WL_LINE_MAX, "line longer than WL_LINE_MAX delivered");
	FUZZ_CHECK(n == 0 || p != NULL, "NULL line pointer");
	FUZZ_CHECK(lineno == r->nlines + 1, "line numbers not consecutive from 1");
	r->nlines++;
	put_line(&r->lines, p, n); /* reads every byte: ASan checks the span */
	if (r->stop_after && r->nlines >= r->stop_after) {
		r->stopped = true;
		return 1;
	}
	return 0;
}

static void on_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset, const char *msg)
{
	run *r = ctx;
	(void)offset;
	FUZZ_CHECK(msg != NULL, "problem without a message");
	FUZZ_CHECK(lineno >= 1, "problem line number is 0");
	if (st == WL_E_LINE_TOO_LONG)
		r->too_long++;
	else if (st == WL_E_ENCODING)
		r->encoding++;
	else
		FUZZ_CHECK(0, "unexpected problem status from the decoder");
}

/* Feed s[0..n) in chunks: mode 0 tiny (1-16), 1 small (1-4096), 2 large
 * (1-70000, across WL_LINE_MAX), 3 whole. */
static void feed(run *r, const char *s, size_t n, unsigned mode, uint64_t seed)
{
	wl_decoder *t = wl_decode_new(on_line, on_problem, r);
	FUZZ_CHECK(t != NULL, "wl_decode_new failed");
	static const size_t max_chunk[4] = {16, 4096, 70000, 0};
	size_t off = 0;
	uint64_t rs = seed;
	while (off < n) {
		size_t k = n - off;
		if (max_chunk[mode & 3]) {
			size_t c = 1 + (size_t)(fuzz_rand(&rs) % max_chunk[mode & 3]);
			if (c < k)
				k = c;
		}
		FUZZ_CHECK(wl_decode_feed(t, s + off, k) == WL_OK, "wl_decode_feed failed");
		off += k;
	}
	FUZZ_CHECK(wl_decode_finish(t) == WL_OK, "wl_decode_finish failed");
	FUZZ_CHECK(wl_decode_lines(t) == r->nlines, "wl_decode_lines disagrees with the callbacks");
	if (!r->stopped)
		FUZZ_CHECK(wl_decode_bytes(t) == n, "wl_decode_bytes is not the bytes fed");
	wl_decode_free(t);
}

/* ---- the reference decoder ---- */

static void put_utf8(buf *b, unsigned cp)
{
	unsigned char o[4];
	size_t w;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		w = 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		w = 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		w = 3;
	} else {
		o[0] = (unsigned char)(0xF0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		w = 4;
	}
	buf_put(b, o, w);
}

/* UTF-16 -> UTF-8 the obvious way: pairs joined, lone surrogates U+FFFD,
 * an odd last byte dropped (and counted as an encoding problem). */
static void ref_utf16(buf *out, const unsigned char *p, size_t n, bool le, uint64_t *encoding)
{
	size_t units = n / 2;
	for (size_t i = 0; i < units; i++) {
		unsigned u = le ? (unsigned)(p[2 * i] | p[2 * i + 1] << 8)
		                : (unsigned)(p[2 * i] << 8 | p[2 * i + 1]);
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (i + 1 < units) {
				unsigned v = le ? (unsigned)(p[2 * i + 2] | p[2 * i + 3] << 8)
				                : (unsigned)(p[2 * i + 2] << 8 | p[2 * i + 3]);
				if (v >= 0xDC00 && v <= 0xDFFF) {
					put_utf8(out,
					         0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
					i++;
					continue;
				}
			}
			put_utf8(out, 0xFFFD);
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			put_utf8(out, 0xFFFD);
		} else {
			put_utf8(out, u);
		}
	}
	if (n % 2)
		(*encoding)++;
}

/* Split text into lines on eol; in LF mode one trailing CR is not part of
 * the line; then cut at WL_LINE_MAX. A last segment without a line end is a
 * line if non-empty. */
static void ref_split(run *r, const char *p, size_t n, bool cr_mode)
{
	const char eol = cr_mode ? '\r' : '\n';
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != eol)
			continue;
		size_t len = i - start;
		if (i == n && len == 0)
			break;
		if (!cr_mode && len > 0 && p[start + len - 1] == '\r')
			len--;
		if (len > WL_LINE_MAX) {
			len = WL_LINE_MAX;
			r->too_long++;
		}
		r->nlines++;
		put_line(&r->lines, p + start, len);
		start = i + 1;
	}
}

/* The line-end rule of decode.c: the first line end of the text decides, an
 * LF (or CR LF) for LF mode, a CR followed by anything else for CR-only
 * mode; no line end at all is LF mode. Returns 1 for CR mode, 0 for LF, -1
 * where chunking may legitimately decide otherwise: a CR-only first line
 * longer than WL_LINE_MAX (the undecided text waits in the line carry, and
 * a feed that overflows it before the CR falls back to LF mode). */
static int ref_eol(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (p[k] == '\n')
			return 0;
		if (p[k] == '\r' && k + 1 < n) {
			if (p[k + 1] == '\n')
				return 0;
			return k + 1 > WL_LINE_MAX ? -1 : 1;
		}
	}
	return 0;
}

/* Returns false where the reference is not defined (see ref_eol). */
static bool reference(run *r, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf text = {0};
	const char *p;
	size_t len;
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		ref_utf16(&text, u + 2, n - 2, u[0] == 0xFF, &r->encoding);
		p = text.p;
		len = text.n;
	} else {
		size_t skip = (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ? 3 : 0;
		p = s + skip;
		len = n - skip;
	}
	int mode = ref_eol(p, len);
	if (mode >= 0)
		ref_split(r, p, len, mode == 1);
	free(text.p);
	return mode >= 0;
}

static void run_free(run *r)
{
	free(r->lines.p);
}

static bool same(const run *a, const run *b)
{
	return a->nlines == b->nlines && a->too_long == b->too_long && a->encoding == b->encoding &&
	       a->lines.n == b->lines.n &&
	       (a->lines.n == 0 || memcmp(a->lines.p, b->lines.p, a->lines.n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	const char *payload = (const char *)data + 1;
	size_t pn = size - 1;

	/* Bit 2: repeat the payload until it is longer than WL_LINE_MAX. */
	char *amp = NULL;
	const char *s = payload;
	size_t n = pn;
	if ((ctl & 4) && pn > 0) {
		size_t reps = (WL_LINE_MAX + 4096) / pn + 1;
		n = reps * pn;
		amp = malloc(n);
		FUZZ_CHECK(amp != NULL, "out of memory in the harness");
		for (size_t i = 0; i < reps; i++)
			memcpy(amp + i * pn, payload, pn);
		s = amp;
	}
	uint64_t seed = 0x243F6A8885A308D3ull ^ (uint64_t)size;
	for (size_t i = 0; i < 8 && i < pn; i++)
		seed = seed * 131 + (unsigned char)payload[i];

	/* Bits 4-7: ask to stop after 3*k lines. */
	run chunked = {.stop_after = (uint64_t)(ctl >> 4) * 3};
	feed(&chunked, s, n, ctl & 3, seed);
	if (!chunked.stopped) {
		run whole = {0}, ref = {0};
		feed(&whole, s, n, 3, seed);
		if (reference(&ref, s, n)) {
			FUZZ_CHECK(same(&whole, &ref),
			           "whole-buffer feed differs from the reference");
			FUZZ_CHECK(same(&chunked, &ref), "chunked feed differs from the reference");
		}
		run_free(&whole);
		run_free(&ref);
	}
	run_free(&chunked);
	free(amp);
	return 0;
}
