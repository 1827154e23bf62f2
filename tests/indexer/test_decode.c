/* Unit tests of the decoder/splitter (indexer/decode.h): BOM detection,
 * UTF-16 to UTF-8 conversion, line splitting across arbitrary feed
 * boundaries, the WL_LINE_MAX cap and the problem callbacks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "wsuslog/limits.h"

/* Cases that show a known indexer bug skip (cmocka skip()) so the suite
 * stays green; build with -DWL_RUN_BUG_CASES to run them. */
#ifdef WL_RUN_BUG_CASES
#define BUG_SKIP() ((void)0)
#else
#define BUG_SKIP() skip()
#endif

/* ---- collecting what the splitter delivers ---- */

typedef struct line_rec {
	char *p; /* owned copy, NUL-terminated for messages (may hold NULs) */
	size_t n;
	uint64_t no;
} line_rec;

typedef struct prob_rec {
	wl_status st;
	uint64_t line;
	uint64_t offset;
} prob_rec;

#define PROBS_MAX 16

typedef struct coll {
	line_rec *v;
	size_t n, cap;
	prob_rec probs[PROBS_MAX];
	size_t np;
	size_t stop_at_line; /* nonzero: ask to stop after this line */
} coll;

static int on_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	coll *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		line_rec *v = realloc(c->v, cap * sizeof *v);
		assert_non_null(v);
		c->v = v;
		c->cap = cap;
	}
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	if (n)
		memcpy(copy, p, n);
	copy[n] = 0;
	c->v[c->n].p = copy;
	c->v[c->n].n = n;
	c->v[c->n].no = lineno;
	c->n++;
	return c->stop_at_line != 0 && c->n == c->stop_at_line;
}

static void on_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset, const char *msg)
{
	coll *c = ctx;
	assert_non_null(msg);
	assert_true(c->np < PROBS_MAX);
	c->probs[c->np].st = st;
	c->probs[c->np].line = lineno;
	c->probs[c->np].offset = offset;
	c->np++;
}

static void coll_free(coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].p);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Decode p[0..n) fed in pieces of `chunk` bytes (0: one feed). */
static wl_encoding decode_chunks(const void *data, size_t n, size_t chunk, coll *c)
{
	const char *p = data;
	wl_decoder *t = wl_decode_new(on_line, on_problem, c);
	assert_non_null(t);
	if (chunk == 0)
		chunk = n ? n : 1;
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;
		assert_int_equal(wl_decode_feed(t, p + off, k), WL_OK);
	}
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(wl_decode_lines(t), c->n);
	assert_int_equal(wl_decode_bytes(t), n);
	wl_encoding e = wl_decode_encoding(t);
	wl_decode_free(t);
	return e;
}

/* Decode in two feeds split at byte k. */
static wl_encoding decode_split(const void *data, size_t n, size_t k, coll *c)
{
	const char *p = data;
	wl_decoder *t = wl_decode_new(on_line, on_problem, c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t, p, k), WL_OK);
	assert_int_equal(wl_decode_feed(t, p + k, n - k), WL_OK);
	assert_int_equal(wl_decode_finish(t), WL_OK);
	wl_encoding e = wl_decode_encoding(t);
	wl_decode_free(t);
	return e;
}

static void assert_line(const coll *c, size_t i, const char *want, size_t want_n)
{
	assert_true(i < c->n);
	if (c->v[i].n != want_n || memcmp(c->v[i].p, want, want_n) != 0)
		fail_msg("line %zu: got %zu bytes \"%s\", want %zu bytes \"%s\"", i + 1, c->v[i].n,
		         c->v[i].p, want_n, want);
	assert_int_equal(c->v[i].no, (uint64_t)(i + 1));
}
#define ASSERT_LINE(c, i, lit) assert_line((c), (i), (lit), sizeof(lit) - 1)

/* Line numbers are 1-based and consecutive. */
static void assert_numbering(const coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		assert_int_equal(c->v[i].no, (uint64_t)(i + 1));
}

static void assert_same(const coll *a, const coll *b, const char *what, size_t param)
{
	if (a->n != b->n)
		fail_msg("%s %zu: %zu lines, whole-buffer gave %zu", what, param, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].n != b->v[i].n || memcmp(a->v[i].p, b->v[i].p, a->v[i].n) != 0 ||
		    a->v[i].no != b->v[i].no)
			fail_msg("%s %zu: line %zu differs (\"%s\" vs \"%s\")", what, param, i + 1,
			         a->v[i].p, b->v[i].p);
	}
	if (a->np != b->np)
		fail_msg("%s %zu: %zu problems, whole-buffer gave %zu", what, param, a->np, b->np);
	for (size_t i = 0; i < a->np; i++) {
		assert_int_equal(a->probs[i].st, b->probs[i].st);
		assert_int_equal(a->probs[i].line, b->probs[i].line);
	}
}

/* UTF-16 text with BOM from code units. out must hold 2 + 2 * n bytes. */
static size_t utf16_bytes(const uint16_t *u, size_t n, int be, unsigned char *out)
{
	size_t o = 0;
	out[o++] = be ? 0xFE : 0xFF;
	out[o++] = be ? 0xFF : 0xFE;
	for (size_t i = 0; i < n; i++) {
		unsigned char hi = (unsigned char)(u[i] >> 8), lo = (unsigned char)(u[i] & 0xFF);
		out[o++] = be ? hi : lo;
		out[o++] = be ? lo : hi;
	}
	return o;
}

/* ---- plain UTF-8 ---- */

static void utf8_without_bom(void **state)
{
	(void)state;
	static const char in[] = "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\tx\nsecond line\n";
	coll c = {0};
	assert_int_equal(decode_chunks(in, sizeof in - 1, 0, &c), WL_ENC_UTF8);
	assert_int_equal(c.n, 2);
	ASSERT_LINE(&c, 0, "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\tx");
	ASSERT_LINE(&c, 1, "second line");
	assert_int_equal(c.np, 0);
	coll_free(&c);
}

static void utf8_with_bom(void **state)
{
	(void)state;
	static const char in[] = "\xEF\xBB\xBF"
	                         "first\r\nsecond\r\n";
	coll c = {0};
	assert_int_equal(decode_chunks(in, sizeof in - 1, 0, &c), WL_ENC_UTF8_BOM);
	assert_int_equal(c.n, 2);
	ASSERT_LINE(&c, 0, "first"); /* the BOM is not part of line 1 */
	ASSERT_LINE(&c, 1, "second");
	coll_free(&c);

	/* Only a BOM: no line at all. */
	coll d = {0};
	assert_int_equal(decode_chunks("\xEF\xBB\xBF", 3, 0, &d), WL_ENC_UTF8_BOM);
	assert_int_equal(d.n, 0);
	coll_free(&d);

	/* Non-ASCII UTF-8 passes through unchanged. */
	coll e = {0};
	static const char cjk[] = "\xEF\xBB\xBF"
	                          "Title = \xE9\x90\xA8\xE5\x8B\xAB\r\n";
	decode_chunks(cjk, sizeof cjk - 1, 0, &e);
	assert_int_equal(e.n, 1);
	ASSERT_LINE(&e, 0, "Title = \xE9\x90\xA8\xE5\x8B\xAB");
	coll_free(&e);
}

static void crlf_and_lf(void **state)
{
	(void)state;
	static const char in[] = "a\r\nbb\nccc\r\n\r\n\nd\n";
	coll c = {0};
	decode_chunks(in, sizeof in - 1, 0, &c);
	assert_int_equal(c.n, 6);
	ASSERT_LINE(&c, 0, "a");
	ASSERT_LINE(&c, 1, "bb");
	ASSERT_LINE(&c, 2, "ccc");
	ASSERT_LINE(&c, 3, "");
	ASSERT_LINE(&c, 4, "");
	ASSERT_LINE(&c, 5, "d");
	assert_numbering(&c);
	coll_free(&c);
}

static void final_line_without_eol(void **state)
{
	(void)state;
	static const char in[] = "one\r\nlast line";
	coll c = {0};
	wl_decoder *t = wl_decode_new(on_line, on_problem, &c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t, in, sizeof in - 1), WL_OK);
	assert_int_equal(c.n, 1); /* the last line waits for its end */
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(c.n, 2);
	ASSERT_LINE(&c, 0, "one");
	ASSERT_LINE(&c, 1, "last line");
	assert_int_equal(wl_decode_lines(t), 2);
	wl_decode_free(t);
	coll_free(&c);

	/* A last line ending in a lone CR (cut CRLF) loses the CR. */
	coll d = {0};
	decode_chunks("one\r\ntwo\r", 9, 0, &d);
	assert_int_equal(d.n, 2);
	ASSERT_LINE(&d, 1, "two");
	coll_free(&d);
}

static void empty_input(void **state)
{
	(void)state;
	coll c = {0};
	wl_decoder *t = wl_decode_new(on_line, on_problem, &c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t, "", 0), WL_OK);
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.np, 0);
	assert_int_equal(wl_decode_lines(t), 0);
	assert_int_equal(wl_decode_bytes(t), 0);
	wl_decode_free(t);
	coll_free(&c);

	/* Inputs shorter than a BOM are still text. */
	coll d = {0};
	assert_int_equal(decode_chunks("a\n", 2, 0, &d), WL_ENC_UTF8);
	assert_int_equal(d.n, 1);
	ASSERT_LINE(&d, 0, "a");
	coll_free(&d);
	coll e = {0};
	decode_chunks("z", 1, 0, &e);
	assert_int_equal(e.n, 1);
	ASSERT_LINE(&e, 0, "z");
	coll_free(&e);
	coll f = {0};
	decode_chunks("\n", 1, 0, &f);
	assert_int_equal(f.n, 1);
	ASSERT_LINE(&f, 0, "");
	coll_free(&f);
}

static void nul_bytes_preserved(void **state)
{
	(void)state;
	static const char in[] = "a\0b\r\n\0\nc\0";
	coll c = {0};
	decode_chunks(in, sizeof in - 1, 0, &c);
	assert_int_equal(c.n, 3);
	assert_line(&c, 0, "a\0b", 3);
	assert_line(&c, 1, "\0", 1);
	assert_line(&c, 2, "c\0", 2);
	coll_free(&c);
}

static void cr_only_line_ends(void **state)
{
	(void)state;
	/* Short lines: the CR falls inside the first three bytes. */
	coll a = {0};
	decode_chunks("a\rb\rc\r", 6, 0, &a);
	assert_int_equal(a.n, 3);
	ASSERT_LINE(&a, 0, "a");
	ASSERT_LINE(&a, 1, "b");
	ASSERT_LINE(&a, 2, "c");
	coll_free(&a);

	/* After a UTF-8 BOM, decided on the whole first block. */
	coll b = {0};
	static const char bom[] = "\xEF\xBB\xBF"
	                          "line one\rline two\r";
	decode_chunks(bom, sizeof bom - 1, 0, &b);
	assert_int_equal(b.n, 2);
	ASSERT_LINE(&b, 0, "line one");
	ASSERT_LINE(&b, 1, "line two");
	coll_free(&b);

	/* CR-only line ends (regression: the decision was once taken on the
	 * three bytes held for BOM detection, giving one line). */
	static const char in[] = "line one\rline two\rline three\r";
	coll c = {0};
	decode_chunks(in, sizeof in - 1, 0, &c);
	assert_int_equal(c.n, 3);
	ASSERT_LINE(&c, 0, "line one");
	ASSERT_LINE(&c, 1, "line two");
	ASSERT_LINE(&c, 2, "line three");
	coll_free(&c);
}

/* ---- UTF-16 ---- */

/* "Aé€中" U+1F600 "z" CRLF "x" CR LF "Ω" (no line end). */
static const uint16_t u16_text[] = {
    'A', 0x00E9, 0x20AC, 0x4E2D, 0xD83D, 0xDE00, 'z', '\r', '\n', 'x', '\r', '\n', 0x03A9,
};
#define U16_N (sizeof u16_text / sizeof u16_text[0])
static const char u16_line1[] = "A\xC3\xA9\xE2\x82\xAC\xE4\xB8\xAD\xF0\x9F\x98\x80z";

static void check_u16_lines(const coll *c)
{
	assert_int_equal(c->n, 3);
	ASSERT_LINE(c, 0, u16_line1);
	ASSERT_LINE(c, 1, "x");
	ASSERT_LINE(c, 2, "\xCE\xA9");
	assert_int_equal(c->np, 0);
}

static void utf16le_with_bom(void **state)
{
	(void)state;
	unsigned char buf[2 + 2 * U16_N];
	size_t n = utf16_bytes(u16_text, U16_N, 0, buf);
	coll c = {0};
	assert_int_equal(decode_chunks(buf, n, 0, &c), WL_ENC_UTF16LE);
	check_u16_lines(&c);
	coll_free(&c);
}

static void utf16be_with_bom(void **state)
{
	(void)state;
	unsigned char buf[2 + 2 * U16_N];
	size_t n = utf16_bytes(u16_text, U16_N, 1, buf);
	coll c = {0};
	assert_int_equal(decode_chunks(buf, n, 0, &c), WL_ENC_UTF16BE);
	check_u16_lines(&c);
	coll_free(&c);
}

static void utf16_split_everywhere(void **state)
{
	(void)state;
	for (int be = 0; be <= 1; be++) {
		unsigned char buf[2 + 2 * U16_N];
		size_t n = utf16_bytes(u16_text, U16_N, be, buf);
		for (size_t k = 0; k <= n; k++) {
			coll c = {0};
			assert_int_equal(decode_split(buf, n, k, &c),
			                 be ? WL_ENC_UTF16BE : WL_ENC_UTF16LE);
			check_u16_lines(&c);
			coll_free(&c);
		}
		static const size_t chunks[] = {1, 2, 3, 5, 7};
		for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
			coll c = {0};
			decode_chunks(buf, n, chunks[i], &c);
			check_u16_lines(&c);
			coll_free(&c);
		}
	}
}

static void utf16_odd_length(void **state)
{
	(void)state;
	static const unsigned char in[] = {0xFF, 0xFE, 'a', 0, '\n', 0, 'b', 0, 'c'};
	coll c = {0};
	assert_int_equal(decode_chunks(in, sizeof in, 0, &c), WL_ENC_UTF16LE);
	assert_int_equal(c.np, 1);
	assert_int_equal(c.probs[0].st, WL_E_ENCODING);
	assert_int_equal(c.n, 2); /* "a" and the complete part of the last line */
	ASSERT_LINE(&c, 0, "a");
	ASSERT_LINE(&c, 1, "b");
	coll_free(&c);

	/* Same when the odd byte arrives in a feed of its own. */
	coll d = {0};
	decode_chunks(in, sizeof in, 1, &d);
	assert_int_equal(d.np, 1);
	assert_int_equal(d.probs[0].st, WL_E_ENCODING);
	coll_free(&d);
}

static void utf16_unpaired_surrogates(void **state)
{
	(void)state;
	/* A lone high surrogate before a BMP char and before a line end, a lone
	 * low surrogate, and a high surrogate at the very end: each is U+FFFD. */
	static const uint16_t u[] = {'a', 0xD800, 'b', 0xDC00, 'c', 0xDBFF, '\n', 'd', 0xD83D};
	unsigned char in[2 + 2 * (sizeof u / sizeof *u)];
	for (int be = 0; be <= 1; be++) {
		size_t n = utf16_bytes(u, sizeof u / sizeof *u, be, in);
		for (size_t chunk = 0; chunk <= 3; chunk++) {
			coll c = {0};
			decode_chunks(in, n, chunk, &c);
			assert_int_equal(c.n, 2);
			ASSERT_LINE(&c, 0,
			            "a\xEF\xBF\xBD"
			            "b\xEF\xBF\xBD"
			            "c\xEF\xBF\xBD");
			ASSERT_LINE(&c, 1, "d\xEF\xBF\xBD");
			assert_int_equal(c.np, 0);
			coll_free(&c);
		}
	}
}

/* ---- feed boundaries ---- */

static const char mixed[] =
    "\xEF\xBB\xBF"
    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  *FAILED* [8024402F] Sync\r\n"
    "short\n"
    "\r\n"
    "x\0y\r\n"
    "\xE9\x90\xA8\xE5\x8B\xAB mojibake \xE9\x94\x9B\r\n"
    "a line that is a little longer than the chunk sizes used below, 0123456789\r\n"
    "no end";

static void split_at_every_byte(void **state)
{
	(void)state;
	const size_t n = sizeof mixed - 1;
	coll whole = {0};
	assert_int_equal(decode_chunks(mixed, n, 0, &whole), WL_ENC_UTF8_BOM);
	assert_int_equal(whole.n, 7);
	ASSERT_LINE(
	    &whole, 0,
	    "2024-04-12 01:39:39.2569637 4972  12948 ProtocolTalker  *FAILED* [8024402F] Sync");
	ASSERT_LINE(&whole, 1, "short");
	ASSERT_LINE(&whole, 2, "");
	assert_line(&whole, 3, "x\0y", 3);
	ASSERT_LINE(&whole, 6, "no end");
	assert_numbering(&whole);

	for (size_t k = 0; k <= n; k++) {
		coll c = {0};
		assert_int_equal(decode_split(mixed, n, k, &c), WL_ENC_UTF8_BOM);
		assert_same(&c, &whole, "split at", k);
		coll_free(&c);
	}
	static const size_t chunks[] = {1, 2, 3, 4, 7, 13, 64};
	for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		coll c = {0};
		decode_chunks(mixed, n, chunks[i], &c);
		assert_same(&c, &whole, "chunk", chunks[i]);
		coll_free(&c);
	}
	coll_free(&whole);

	/* Without a BOM too (the first bytes are held back while undecided). */
	coll w2 = {0};
	decode_chunks(mixed + 3, n - 3, 0, &w2);
	assert_int_equal(w2.n, 7);
	for (size_t k = 0; k <= n - 3; k++) {
		coll c = {0};
		assert_int_equal(decode_split(mixed + 3, n - 3, k, &c), WL_ENC_UTF8);
		assert_same(&c, &w2, "no-BOM split at", k);
		coll_free(&c);
	}
	for (size_t cs = 1; cs <= 8; cs++) {
		coll c = {0};
		decode_chunks(mixed + 3, n - 3, cs, &c);
		assert_same(&c, &w2, "no-BOM chunk", cs);
		coll_free(&c);
	}
	coll_free(&w2);
}

static void bom_first_feed_ends_with_cr(void **state)
{
	(void)state;
	/* Regression: a first feed ending right after the CR of a CRLF once
	 * switched the whole input to CR-only line ends. */
	static const char in[] = "\xEF\xBB\xBF"
	                         "line one\r\nline two\r\n";
	coll c = {0};
	decode_split(in, sizeof in - 1, 12, &c);
	assert_int_equal(c.n, 2);
	ASSERT_LINE(&c, 0, "line one");
	ASSERT_LINE(&c, 1, "line two");
	coll_free(&c);
}

static void crlf_split_between_feeds(void **state)
{
	(void)state;
	coll c = {0};
	wl_decoder *t = wl_decode_new(on_line, on_problem, &c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t, "abc\r", 4), WL_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(wl_decode_feed(t, "\ndef\r", 5), WL_OK);
	assert_int_equal(c.n, 1);
	ASSERT_LINE(&c, 0, "abc");
	assert_int_equal(wl_decode_feed(t, "\n", 1), WL_OK);
	assert_int_equal(c.n, 2);
	ASSERT_LINE(&c, 1, "def");
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(c.n, 2);
	wl_decode_free(t);
	coll_free(&c);
}

/* ---- the WL_LINE_MAX cap ---- */

static void overlong_line(size_t chunk, const char *eol)
{
	const size_t len1 = WL_LINE_MAX + 100; /* the over-long first line */
	const size_t el = strlen(eol);
	const size_t n = len1 + el + 5 + el;
	char *buf = malloc(n);
	assert_non_null(buf);
	for (size_t i = 0; i < len1; i++)
		buf[i] = (char)('a' + i % 26);
	memcpy(buf + len1, eol, el);
	memcpy(buf + len1 + el, "next!", 5);
	memcpy(buf + len1 + el + 5, eol, el);

	coll c = {0};
	decode_chunks(buf, n, chunk, &c);
	if (c.n != 2)
		fail_msg("chunk %zu: %zu lines, want 2", chunk, c.n);
	assert_int_equal(c.v[0].n, WL_LINE_MAX);
	assert_memory_equal(c.v[0].p, buf, WL_LINE_MAX);
	ASSERT_LINE(&c, 1, "next!");
	assert_int_equal(c.np, 1);
	assert_int_equal(c.probs[0].st, WL_E_LINE_TOO_LONG);
	assert_int_equal(c.probs[0].line, 1);
	coll_free(&c);
	free(buf);
}

static void line_over_max_is_cut(void **state)
{
	(void)state;
	overlong_line(0, "\n");
	overlong_line(0, "\r\n");
	overlong_line(4096, "\n");
	overlong_line(4096, "\r\n");
	overlong_line(WL_LINE_MAX - 3, "\n");
	overlong_line(WL_LINE_MAX + 50, "\r\n");
	overlong_line(1000003, "\n");
}

static void line_of_exactly_max(void **state)
{
	(void)state;
	const size_t n = WL_LINE_MAX + 1;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'q', WL_LINE_MAX);
	buf[WL_LINE_MAX] = '\n';
	for (size_t chunk = 0; chunk <= 4096; chunk += 4096) {
		coll c = {0};
		decode_chunks(buf, n, chunk, &c);
		assert_int_equal(c.n, 1);
		assert_int_equal(c.v[0].n, WL_LINE_MAX);
		assert_int_equal(c.np, 0); /* kept whole: no problem */
		coll_free(&c);
	}
	free(buf);
}

static void line_of_exactly_max_crlf(void **state)
{
	(void)state;
	/* Regression: the cap once counted the CR of a CRLF line. */
	const size_t n = WL_LINE_MAX + 2;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'q', WL_LINE_MAX);
	buf[WL_LINE_MAX] = '\r';
	buf[WL_LINE_MAX + 1] = '\n';
	coll c = {0};
	decode_chunks(buf, n, 0, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].n, WL_LINE_MAX);
	assert_int_equal(c.np, 0);
	coll_free(&c);
	free(buf);
}

/* ---- numbering, reset, stop ---- */

static void line_numbers_consecutive(void **state)
{
	(void)state;
	char buf[4096];
	size_t n = 0;
	for (int i = 1; i <= 200; i++) {
		int k = snprintf(buf + n, sizeof buf - n, "%d%s", i, i % 3 ? "\n" : "\r\n");
		assert_true(k > 0);
		n += (size_t)k;
	}
	coll c = {0};
	decode_chunks(buf, n, 5, &c);
	assert_int_equal(c.n, 200);
	for (size_t i = 0; i < c.n; i++) {
		char want[24];
		snprintf(want, sizeof want, "%zu", i + 1);
		assert_line(&c, i, want, strlen(want));
	}
	coll_free(&c);
}

static void reset_starts_new_input(void **state)
{
	(void)state;
	coll c = {0};
	wl_decoder *t = wl_decode_new(on_line, on_problem, &c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t,
	                                "\xEF\xBB\xBF"
	                                "one\ntwo\npartial",
	                                18),
	                 WL_OK);
	assert_int_equal(c.n, 2);
	wl_decode_reset(t);
	assert_int_equal(wl_decode_lines(t), 0);
	/* The next input is UTF-16LE; the partial line is forgotten. */
	static const unsigned char u[] = {0xFF, 0xFE, 'n', 0, 'e', 0, 'w', 0, '\n', 0};
	assert_int_equal(wl_decode_feed(t, (const char *)u, sizeof u), WL_OK);
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(wl_decode_encoding(t), WL_ENC_UTF16LE);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[2].n, 3);
	assert_memory_equal(c.v[2].p, "new", 3);
	assert_int_equal(c.v[2].no, 1); /* numbering restarts */
	wl_decode_free(t);
	coll_free(&c);
}

static void callback_stops_feed(void **state)
{
	(void)state;
	coll c = {.stop_at_line = 2};
	wl_decoder *t = wl_decode_new(on_line, on_problem, &c);
	assert_non_null(t);
	assert_int_equal(wl_decode_feed(t, "a\nb\nc\nd\n", 8), WL_OK);
	assert_int_equal(wl_decode_feed(t, "e\n", 2), WL_OK);
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(c.n, 2);
	wl_decode_free(t);
	coll_free(&c);
	wl_decode_free(NULL);
}

/* ---- the block fast path (wl_decode_set_block) ---- */

typedef struct blk {
	coll c;         /* every line, from both paths, in delivery order */
	unsigned calls; /* block calls */
	unsigned take;  /* lines the next call takes: 0, 1, 2, 3, 0, ... */
	size_t lines_by_block;
} blk;

static int blk_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	return on_line(&((blk *)ctx)->c, p, n, lineno);
}

static void blk_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset, const char *msg)
{
	on_problem(&((blk *)ctx)->c, st, lineno, offset, msg);
}

/* Takes up to `take` whole lines, as on_line would see them, and leaves an
 * over-long one to the splitter. */
static size_t blk_block(void *ctx, const char *p, size_t n, uint64_t *lineno)
{
	blk *b = ctx;
	b->calls++;
	unsigned want = b->take;
	b->take = (b->take + 1) % 4;
	size_t used = 0;
	for (unsigned k = 0; k < want; k++) {
		const char *nl = memchr(p + used, '\n', n - used);
		if (!nl)
			break;
		size_t len = (size_t)(nl - (p + used));
		if (len > 0 && p[used + len - 1] == '\r')
			len--;
		if (len > WL_LINE_MAX)
			break;
		(*lineno)++;
		on_line(&b->c, p + used, len, *lineno);
		b->lines_by_block++;
		used = (size_t)(nl - p) + 1;
	}
	return used;
}

static void blk_decode(const char *data, size_t n, size_t chunk, blk *b)
{
	wl_decoder *t = wl_decode_new(blk_line, blk_problem, b);
	assert_non_null(t);
	wl_decode_set_block(t, blk_block);
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;
		assert_int_equal(wl_decode_feed(t, data + off, k), WL_OK);
	}
	assert_int_equal(wl_decode_finish(t), WL_OK);
	assert_int_equal(wl_decode_lines(t), b->c.n);
	wl_decode_free(t);
}

/* Lines taken by the block callback and by on_line interleave to exactly
 * what on_line alone gets, at any feed size, with CRLF, an over-long line
 * (cut and reported by the splitter) and a last line without its end. */
static void block_callback_takes_whole_lines(void **state)
{
	(void)state;
	const size_t longn = WL_LINE_MAX + 10;
	size_t cap = longn + 4096, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int i = 1; i <= 40; i++)
		n += (size_t)snprintf(buf + n, cap - n, "line %d%s", i, i % 4 ? "\n" : "\r\n");
	memset(buf + n, 'L', longn);
	n += longn;
	buf[n++] = '\n';
	n += (size_t)snprintf(buf + n, cap - n, "\n\r\nafter\nno end");

	coll plain = {0};
	decode_chunks(buf, n, 0, &plain);
	assert_int_equal(plain.n, 45);
	assert_int_equal(plain.np, 1);
	static const size_t chunks[] = {1, 3, 7, 64, 4096, 1 << 20};
	for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		blk b = {0};
		blk_decode(buf, n, chunks[i], &b);
		assert_same(&b.c, &plain, "block path, chunk", chunks[i]);
		if (chunks[i] >= 64)
			assert_true(b.lines_by_block > 0);
		coll_free(&b.c);
	}
	coll_free(&plain);
	free(buf);

	/* CR-only line ends: never offered to the block callback. */
	static const char cr[] = "a\rb\rc\r";
	blk b = {0};
	blk_decode(cr, sizeof cr - 1, sizeof cr - 1, &b);
	assert_int_equal(b.c.n, 3);
	assert_int_equal(b.calls, 0);
	coll_free(&b.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_without_bom),
	    cmocka_unit_test(block_callback_takes_whole_lines),
	    cmocka_unit_test(utf8_with_bom),
	    cmocka_unit_test(crlf_and_lf),
	    cmocka_unit_test(final_line_without_eol),
	    cmocka_unit_test(empty_input),
	    cmocka_unit_test(nul_bytes_preserved),
	    cmocka_unit_test(cr_only_line_ends),
	    cmocka_unit_test(utf16le_with_bom),
	    cmocka_unit_test(utf16be_with_bom),
	    cmocka_unit_test(utf16_split_everywhere),
	    cmocka_unit_test(utf16_odd_length),
	    cmocka_unit_test(utf16_unpaired_surrogates),
	    cmocka_unit_test(split_at_every_byte),
	    cmocka_unit_test(bom_first_feed_ends_with_cr),
	    cmocka_unit_test(crlf_split_between_feeds),
	    cmocka_unit_test(line_over_max_is_cut),
	    cmocka_unit_test(line_of_exactly_max),
	    cmocka_unit_test(line_of_exactly_max_crlf),
	    cmocka_unit_test(line_numbers_consecutive),
	    cmocka_unit_test(reset_starts_new_input),
	    cmocka_unit_test(callback_stops_feed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
