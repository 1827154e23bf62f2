/* Pipeline stage 3 (after source and decompress): bytes -> lines.
 * UTF-8 input is split in place (zero copy: lines are spans into the caller's
 * block); only a line that straddles two blocks is copied into the carry
 * buffer, which is capped at WL_LINE_MAX. UTF-16 input is converted to UTF-8
 * into a scratch buffer first, so the tokenizer only ever sees UTF-8. */
#include "decode.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wsuslog/limits.h"

struct wl_decoder {
	wl_line_fn on_line;
	wl_block_fn on_block;
	wl_decode_problem_fn on_problem;
	void *ctx;

	wl_encoding enc;
	unsigned char head[3]; /* first bytes while the BOM is undecided */
	size_t head_n;
	int cr_mode; /* CR-only line ends (decided by the first line end) */
	int decided_eol;
	int stopped;

	char *carry; /* start of a line seen in an earlier block */
	size_t carry_n;
	char *spare;  /* WL_LINE_MAX + 1 bytes: re-splitting the carry in CR mode */
	int overlong; /* current line was cut: drop bytes until its end */

	/* UTF-16 state: a pending odd byte and a pending high surrogate. */
	int have_odd;
	unsigned char odd;
	unsigned hi_surrogate;
	char *u8; /* conversion scratch */
	size_t u8_cap;

	uint64_t lineno;
	uint64_t bytes;
};

wl_decoder *wl_decode_new(wl_line_fn on_line, wl_decode_problem_fn on_problem, void *ctx)
{
	wl_decoder *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	/* One byte beyond the cap: the CR of a CRLF line of exactly
	 * WL_LINE_MAX bytes is not part of the line. */
	t->carry = malloc(WL_LINE_MAX + 1);
	t->spare = malloc(WL_LINE_MAX + 1);
	if (!t->carry || !t->spare) {
		free(t->carry);
		free(t->spare);
		free(t);
		return NULL;
	}
	t->on_line = on_line;
	t->on_problem = on_problem;
	t->ctx = ctx;
	return t;
}

void wl_decode_set_block(wl_decoder *t, wl_block_fn on_block)
{
	t->on_block = on_block;
}

void wl_decode_reset(wl_decoder *t)
{
	t->enc = WL_ENC_UNKNOWN;
	t->head_n = 0;
	t->cr_mode = 0;
	t->decided_eol = 0;
	t->stopped = 0;
	t->carry_n = 0;
	t->overlong = 0;
	t->have_odd = 0;
	t->hi_surrogate = 0;
	t->lineno = 0;
	t->bytes = 0;
}

void wl_decode_free(wl_decoder *t)
{
	if (!t)
		return;
	free(t->carry);
	free(t->spare);
	free(t->u8);
	free(t);
}

wl_encoding wl_decode_encoding(const wl_decoder *t)
{
	return t->enc;
}

uint64_t wl_decode_lines(const wl_decoder *t)
{
	return t->lineno;
}

uint64_t wl_decode_bytes(const wl_decoder *t)
{
	return t->bytes;
}

static void problem(wl_decoder *t, wl_status st, const char *msg)
{
	if (t->on_problem)
		t->on_problem(t->ctx, st, t->lineno + 1, t->bytes, msg);
}

static void emit(wl_decoder *t, const char *p, size_t n, bool cut)
{
	if (n > 0 && p[n - 1] == '\r' && !t->cr_mode)
		n--;
	if (n > WL_LINE_MAX) {
		n = WL_LINE_MAX;
		cut = true;
	}
	if (cut)
		problem(t, WL_E_LINE_TOO_LONG, "line longer than WL_LINE_MAX; cut");
	t->lineno++;
	if (t->on_line(t->ctx, p, n, t->lineno))
		t->stopped = 1;
}

/* Append to the carry buffer, cutting the line at WL_LINE_MAX (+1 for a
 * CR); the problem is reported when the line is emitted. */
static void carry_append(wl_decoder *t, const char *p, size_t n)
{
	if (t->overlong)
		return;
	size_t room = WL_LINE_MAX + 1 - t->carry_n;
	if (n > room) {
		memcpy(t->carry + t->carry_n, p, room);
		t->carry_n += room;
		t->overlong = 1;
		return;
	}
	memcpy(t->carry + t->carry_n, p, n);
	t->carry_n += n;
}

/* Split UTF-8 text into lines. */
static void split(wl_decoder *t, const char *p, size_t n)
{
	const char eol = t->cr_mode ? '\r' : '\n';
	const char *end = p + n;
	while (p < end && !t->stopped) {
		if (t->on_block && !t->cr_mode && t->carry_n == 0 && !t->overlong) {
			/* Whole lines at once; what it leaves goes line by line. */
			p += t->on_block(t->ctx, p, (size_t)(end - p), &t->lineno);
			if (p == end)
				return;
		}
		const char *nl = memchr(p, eol, (size_t)(end - p));
		if (!nl) {
			carry_append(t, p, (size_t)(end - p));
			return;
		}
		size_t len = (size_t)(nl - p);
		if (t->carry_n > 0 || t->overlong) {
			carry_append(t, p, len);
			bool cut = t->overlong;
			t->overlong = 0;
			emit(t, t->carry, t->carry_n, cut);
			t->carry_n = 0;
		} else {
			emit(t, p, len, false);
		}
		p = nl + 1;
	}
}

static int grow_u8(wl_decoder *t, size_t need)
{
	if (need <= t->u8_cap)
		return 1;
	size_t cap = t->u8_cap ? t->u8_cap : 4096;
	while (cap < need)
		cap *= 2;
	char *q = realloc(t->u8, cap);
	if (!q)
		return 0;
	t->u8 = q;
	t->u8_cap = cap;
	return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One UTF-16 code unit -> UTF-8 bytes at o; returns bytes written. */
static size_t unit(wl_decoder *t, unsigned u, char *o)
{
	size_t w = 0;
	if (t->hi_surrogate) {
		if (u >= 0xDC00 && u <= 0xDFFF) {
			unsigned cp = 0x10000 + ((t->hi_surrogate - 0xD800) << 10) + (u - 0xDC00);
			t->hi_surrogate = 0;
			return put_utf8(o, cp);
		}
		w = put_utf8(o, 0xFFFD); /* unpaired high surrogate */
		t->hi_surrogate = 0;
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		t->hi_surrogate = u;
		return w;
	}
	if (u >= 0xDC00 && u <= 0xDFFF)
		return w + put_utf8(o + w, 0xFFFD);
	return w + put_utf8(o + w, u);
}

static void lines(wl_decoder *t, const char *p, size_t n);

static wl_status utf16(wl_decoder *t, const unsigned char *p, size_t n)
{
	/* Each code unit yields at most 3 bytes (a surrogate pair: 4 for 2). */
	if (!grow_u8(t, (n / 2 + 2) * 3 + 8))
		return WL_E_NOMEM;
	char *o = t->u8;
	const int le = t->enc == WL_ENC_UTF16LE;
	size_t i = 0;
	if (t->have_odd && n > 0) {
		unsigned u =
		    le ? (unsigned)(t->odd | (p[0] << 8)) : (unsigned)((t->odd << 8) | p[0]);
		o += unit(t, u, o);
		t->have_odd = 0;
		i = 1;
	}
	for (; i + 1 < n; i += 2) {
		unsigned u =
		    le ? (unsigned)(p[i] | (p[i + 1] << 8)) : (unsigned)((p[i] << 8) | p[i + 1]);
		if (u < 0x80 && !t->hi_surrogate)
			*o++ = (char)u;
		else
			o += unit(t, u, o);
	}
	if (i < n) {
		t->have_odd = 1;
		t->odd = p[i];
	}
	lines(t, t->u8, (size_t)(o - t->u8));
	return WL_OK;
}

/* LF or CR-only line ends, decided by the first line end: an LF, or a CR
 * followed by anything but LF. Until then (no line end yet) the bytes wait
 * in the carry, which in either mode holds the first line's start. */
static int eol_from(const wl_decoder *t, const char *p, size_t n)
{
	if (t->carry_n > 0 && t->carry[t->carry_n - 1] == '\r' && n > 0)
		return p[0] == '\n' ? 0 : 1;
	const char *lf = memchr(p, '\n', n);
	const char *cr = memchr(p, '\r', lf ? (size_t)(lf - p) : n);
	if (cr) {
		if (cr + 1 < p + n)
			return cr[1] == '\n' ? 0 : 1;
		return -1; /* a CR at the end of the block: look at the next one */
	}
	return lf ? 0 : -1;
}

static void become_cr_mode(wl_decoder *t)
{
	/* The carry was collected as one line: split it again on CR. */
	t->cr_mode = 1;
	char *old = t->carry;
	size_t old_n = t->carry_n;
	t->carry = t->spare;
	t->spare = old;
	t->carry_n = 0;
	t->overlong = 0;
	split(t, old, old_n);
}

static void lines(wl_decoder *t, const char *p, size_t n)
{
	if (!t->decided_eol) {
		int mode = eol_from(t, p, n);
		if (mode < 0 && t->carry_n + n <= WL_LINE_MAX) {
			carry_append(t, p, n);
			return;
		}
		t->decided_eol = 1;
		if (mode == 1)
			become_cr_mode(t);
	}
	split(t, p, n);
}

static wl_status body(wl_decoder *t, const char *p, size_t n)
{
	if (n == 0)
		return WL_OK;
	if (t->enc == WL_ENC_UTF16LE || t->enc == WL_ENC_UTF16BE)
		return utf16(t, (const unsigned char *)p, n);
	lines(t, p, n);
	return WL_OK;
}

static void decide_bom(wl_decoder *t)
{
	const unsigned char *h = t->head;
	if (t->head_n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		t->enc = WL_ENC_UTF8_BOM;
	else if (t->head_n >= 2 && h[0] == 0xFF && h[1] == 0xFE)
		t->enc = WL_ENC_UTF16LE;
	else if (t->head_n >= 2 && h[0] == 0xFE && h[1] == 0xFF)
		t->enc = WL_ENC_UTF16BE;
	else
		t->enc = WL_ENC_UTF8;
}

static size_t bom_len(wl_encoding e)
{
	return e == WL_ENC_UTF8_BOM ? 3 : (e == WL_ENC_UTF16LE || e == WL_ENC_UTF16BE) ? 2 : 0;
}

wl_status wl_decode_feed(wl_decoder *t, const char *p, size_t n)
{
	if (t->stopped)
		return WL_OK;
	t->bytes += n;
	if (t->enc == WL_ENC_UNKNOWN) {
		while (n > 0 && t->head_n < 3) {
			t->head[t->head_n++] = (unsigned char)*p++;
			n--;
		}
		if (t->head_n < 3)
			return WL_OK;
		decide_bom(t);
		size_t skip = bom_len(t->enc);
		wl_status st = body(t, (const char *)t->head + skip, t->head_n - skip);
		if (st != WL_OK)
			return st;
	}
	return body(t, p, n);
}

wl_status wl_decode_finish(wl_decoder *t)
{
	if (t->enc == WL_ENC_UNKNOWN) {
		decide_bom(t);
		size_t skip = bom_len(t->enc);
		if (skip > t->head_n)
			skip = t->head_n;
		wl_status st = body(t, (const char *)t->head + skip, t->head_n - skip);
		if (st != WL_OK)
			return st;
	}
	if (t->have_odd) {
		problem(t, WL_E_ENCODING, "UTF-16 input has an odd number of bytes");
		t->have_odd = 0;
	}
	if (t->hi_surrogate && (t->enc == WL_ENC_UTF16LE || t->enc == WL_ENC_UTF16BE)) {
		char o[4];
		size_t w = put_utf8(o, 0xFFFD);
		t->hi_surrogate = 0;
		carry_append(t, o, w);
	}
	if (!t->decided_eol) {
		t->decided_eol = 1;
		if (memchr(t->carry, '\r', t->carry_n) &&
		    !(t->carry_n == 1 || (t->carry_n > 0 && t->carry[t->carry_n - 1] == '\r' &&
		                          !memchr(t->carry, '\r', t->carry_n - 1))))
			become_cr_mode(t);
	}
	if ((t->carry_n > 0 || t->overlong) && !t->stopped) {
		bool cut = t->overlong;
		t->overlong = 0;
		emit(t, t->carry, t->carry_n, cut);
	}
	t->carry_n = 0;
	t->overlong = 0;
	return WL_OK;
}
