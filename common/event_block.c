/* The encoding of an event block (include/wsuslog/event_block.h).
 *
 * Each event is written as varints against the event before it in the block
 * (the first against zeros), so what repeats from line to line (the source,
 * the host, the client, the component) costs a byte before zstd, and zstd
 * takes the repetition of the texts:
 *
 *   d(id) d(source) d(line) flags [d(ts)] [hresult]
 *   role kind host server client comp fault msg
 *   len(fault_code) len(parameter) len(prefix)
 *
 * d(x): zigzag of x minus the previous event's x (ts: the previous event
 * with a time). flags: bit 0 has_ts, bit 1 has_hr. Ids are 0 for NULL.
 * len: 0 for NULL, else length + 1.
 *
 * A block is two zstd frames: the count and those varints, then the texts'
 * bytes, event after event. Most reads want numbers only (a report's time
 * window reads the events of the hours it cuts): they decompress the first
 * frame, a fifth of the bytes. Blocks written before December 2026 are one
 * frame, each text's bytes after its length; they are read as they are. */
#include "wsuslog/event_block.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define ZSTD_LEVEL 1 /* 1 GB of failing-fleet logs: 0.03 CPU-s, events 120 -> 15 MB */

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* x - y without signed overflow. */
static int64_t sub(int64_t x, int64_t y)
{
	return (int64_t)((uint64_t)x - (uint64_t)y);
}

static int64_t add(int64_t x, int64_t y)
{
	return (int64_t)((uint64_t)x + (uint64_t)y);
}

/* buf (of *cap bytes) with room for more bytes after n: itself, or grown
 * by doubling (*cap updated); NULL when memory runs out (buf is kept). */
static void *grow(void *buf, size_t *cap, size_t n, size_t more)
{
	if (buf && n + more <= *cap)
		return buf;
	size_t c = *cap ? *cap : 64 * 1024;
	while (c < n + more)
		c *= 2;
	void *p = realloc(buf, c);
	if (p)
		*cap = c;
	return p;
}

static bool reserve(wl_block_enc *b, size_t more)
{
	unsigned char *p = grow(b->buf, &b->cap, b->n, more);
	if (p)
		b->buf = p;
	return p != NULL;
}

static bool reserve_texts(wl_block_enc *b, size_t more)
{
	char *p = grow(b->tbuf, &b->tcap, b->tn, more);
	if (p)
		b->tbuf = p;
	return p != NULL;
}

/* Callers reserved room: 10 bytes per varint. */
static void put_var(wl_block_enc *b, uint64_t v)
{
	while (v >= 0x80) {
		b->buf[b->n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->buf[b->n++] = (unsigned char)v;
}

/* The length into the numbers, the bytes into the texts (room reserved). */
static void put_text(wl_block_enc *b, wl_btext t)
{
	if (t.n < 0 || !t.p) {
		put_var(b, 0);
		return;
	}
	put_var(b, (uint64_t)t.n + 1);
	if (t.n == 0)
		return; /* tbuf may be NULL still: no memcpy from or to NULL */
	memcpy(b->tbuf + b->tn, t.p, (size_t)t.n);
	b->tn += (size_t)t.n;
}

static size_t text_len(wl_btext t)
{
	return t.n > 0 && t.p ? (size_t)t.n : 0;
}

wl_status wl_block_add(wl_block_enc *b, const wl_bevent *e)
{
	if (text_len(e->fault_code) > WL_BLOCK_TEXT_MAX ||
	    text_len(e->parameter) > WL_BLOCK_TEXT_MAX || text_len(e->prefix) > WL_BLOCK_TEXT_MAX)
		return WL_E_TOO_BIG;
	if (!reserve(b, 20 * 10) ||
	    !reserve_texts(b,
	                   text_len(e->fault_code) + text_len(e->parameter) + text_len(e->prefix)))
		return WL_E_NOMEM;
	const wl_bevent *p = &b->prev;
	put_var(b, zigzag(sub(e->id, p->id)));
	put_var(b, zigzag(sub(e->source, p->source)));
	put_var(b, zigzag(sub(e->line, p->line)));
	put_var(b, (uint64_t)e->has_ts | (uint64_t)e->has_hr << 1);
	if (e->has_ts)
		put_var(b, zigzag(sub(e->ts, p->ts)));
	if (e->has_hr)
		put_var(b, zigzag(e->hresult));
	put_var(b, zigzag(e->role));
	put_var(b, zigzag(e->kind));
	const int64_t ids[] = {e->host, e->server, e->client, e->comp, e->fault, e->msg};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		put_var(b, zigzag(ids[i]));
	put_text(b, e->fault_code);
	put_text(b, e->parameter);
	put_text(b, e->prefix);
	int64_t ts = e->has_ts ? e->ts : p->ts;
	b->prev = *e;
	b->prev.ts = ts;
	if (b->count && e->id <= b->last)
		b->unsorted = true;
	if (b->count == 0) {
		b->source = e->source;
		b->first = b->last = e->id;
	}
	if (e->id < b->first)
		b->first = e->id;
	if (e->id > b->last)
		b->last = e->id;
	b->count++;
	return WL_OK;
}

/* Compress src[0..n) as one frame at z[*at..], moving *at past it. */
static wl_status compress_frame(wl_block_enc *b, const void *src, size_t n, size_t *at)
{
	size_t zn =
	    ZSTD_compressCCtx(b->cctx, (char *)b->z + *at, b->zcap - *at, src, n, ZSTD_LEVEL);
	if (ZSTD_isError(zn))
		return WL_E_NOMEM; /* only a lack of memory fails with a large enough output */
	*at += zn;
	return WL_OK;
}

wl_status wl_block_seal(wl_block_enc *b, const void **out, size_t *outn)
{
	/* The count goes first, with whether ids ascend (a reader after a few
	 * ids stops decoding past them): encode it in front of the rows. */
	unsigned char head[10];
	size_t hn = 0;
	for (uint64_t v = (uint64_t)b->count << 1 | !b->unsorted;; v >>= 7) {
		head[hn++] = (unsigned char)(v >= 0x80 ? (v | 0x80) : v);
		if (v < 0x80)
			break;
	}
	size_t total = hn + b->n;
	if (!reserve(b, hn))
		return WL_E_NOMEM;
	memmove(b->buf + hn, b->buf, b->n);
	memcpy(b->buf, head, hn);
	size_t bound = ZSTD_compressBound(total) + ZSTD_compressBound(b->tn);
	if (bound > b->zcap) {
		void *z = realloc(b->z, bound);
		if (!z)
			return WL_E_NOMEM;
		b->z = z;
		b->zcap = bound;
	}
	if (!b->cctx && !(b->cctx = ZSTD_createCCtx()))
		return WL_E_NOMEM;
	size_t zn = 0;
	wl_status st = compress_frame(b, b->buf, total, &zn);
	if (st == WL_OK)
		st = compress_frame(b, b->tn ? b->tbuf : "", b->tn, &zn);
	if (st != WL_OK)
		return st;
	*out = b->z;
	*outn = zn;
	b->n = 0;
	b->tn = 0;
	b->count = 0;
	b->unsorted = false;
	memset(&b->prev, 0, sizeof b->prev);
	return WL_OK;
}

void wl_block_enc_free(wl_block_enc *b)
{
	free(b->buf);
	free(b->tbuf);
	free(b->z);
	ZSTD_freeCCtx(b->cctx);
	memset(b, 0, sizeof *b);
}

/* ---- decoding ---- */

typedef struct rd {
	const unsigned char *p, *start, *end;
	/* The texts: inline (one-frame blocks: tp NULL), or their own frame
	 * (tp..tend; none decoded: tp = tend = NULL and texts false). */
	const char *tp, *tend;
	bool inline_texts, texts;
	bool bad;
} rd;

static uint64_t get_var(rd *r)
{
	/* Most values (deltas, small ids) take one byte. */
	if (r->p < r->end && *r->p < 0x80)
		return *r->p++;
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

/* A text: its length from the numbers, its bytes inline or from the texts'
 * frame; NULL ({"", -1}) when it is NULL or the texts are not decoded. */
static wl_btext get_text(rd *r)
{
	uint64_t n = get_var(r);
	if (n == 0 || r->bad)
		return (wl_btext){"", -1};
	n--;
	const char *at;
	if (r->inline_texts) {
		if (n > WL_BLOCK_TEXT_MAX || n > (uint64_t)(r->end - r->p)) {
			r->bad = true;
			return (wl_btext){"", -1};
		}
		at = (const char *)r->p;
		r->p += n;
	} else {
		if (n > WL_BLOCK_TEXT_MAX) {
			r->bad = true;
			return (wl_btext){"", -1};
		}
		if (!r->texts)
			return (wl_btext){"", -1};
		if (n > (uint64_t)(r->tend - r->tp)) {
			r->bad = true;
			return (wl_btext){"", -1};
		}
		at = r->tp;
		r->tp += n;
	}
	return (wl_btext){at, (int32_t)n};
}

/* Decompress the frame src[0..size) into *buf (grown to fit): its size in
 * *got. A damaged frame is WL_E_DB, err saying which (what). */
static wl_status inflate(wl_block_dec *d, const void *src, size_t size, unsigned char **buf,
                         size_t *cap, size_t *got, const char *what, char *err, size_t errlen)
{
	unsigned long long content = ZSTD_getFrameContentSize(src, size);
	if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN ||
	    content > WL_BLOCK_DECODED_MAX) {
		snprintf(err, errlen,
		         "event block: %s: not a zstd frame of a known size under %u bytes", what,
		         (unsigned)WL_BLOCK_DECODED_MAX);
		return WL_E_DB;
	}
	if (content > *cap || !*buf) {
		unsigned char *p = realloc(*buf, content ? content : 1);
		if (!p)
			return WL_E_NOMEM;
		*buf = p;
		*cap = content ? content : 1;
	}
	if (!d->dctx && !(d->dctx = ZSTD_createDCtx()))
		return WL_E_NOMEM;
	*got = ZSTD_decompressDCtx(d->dctx, *buf, *cap, src, size);
	if (ZSTD_isError(*got) || *got != content) {
		snprintf(err, errlen, "event block: %s: %s", what,
		         ZSTD_isError(*got) ? ZSTD_getErrorName(*got) : "shorter than it says");
		return WL_E_DB;
	}
	return WL_OK;
}

wl_status wl_block_decode(wl_block_dec *d, const void *data, size_t size, int64_t upto, bool texts,
                          char *err, size_t errlen)
{
	d->n = 0;
	d->upto = upto;
	/* One frame (texts inline, before December 2026) or two. */
	size_t first = ZSTD_findFrameCompressedSize(data, size);
	if (ZSTD_isError(first)) {
		snprintf(err, errlen, "event block: not a zstd frame (%s)",
		         ZSTD_getErrorName(first));
		return WL_E_DB;
	}
	rd r = {.inline_texts = first == size};
	size_t got = 0;
	wl_status st = inflate(d, data, first, &d->raw, &d->raw_cap, &got, "numbers", err, errlen);
	if (st != WL_OK)
		return st;
	r.p = r.start = d->raw;
	r.end = d->raw + got;
	d->texts = r.inline_texts || texts;
	if (!r.inline_texts && texts) {
		const char *rest = (const char *)data + first;
		size_t rest_n = size - first;
		size_t tn = ZSTD_findFrameCompressedSize(rest, rest_n);
		if (ZSTD_isError(tn) || tn != rest_n) {
			snprintf(err, errlen, "event block: %zu bytes after its frames",
			         ZSTD_isError(tn) ? rest_n : rest_n - tn);
			return WL_E_DB;
		}
		unsigned char *tb = (unsigned char *)d->traw;
		st = inflate(d, rest, rest_n, &tb, &d->traw_cap, &got, "texts", err, errlen);
		d->traw = (char *)tb;
		if (st != WL_OK)
			return st;
		r.texts = true;
		r.tp = d->traw;
		r.tend = d->traw + got;
	}
	uint64_t head = get_var(&r), count = head >> 1;
	bool sorted = head & 1;
	if (!sorted)
		d->upto = INT64_MAX;
	/* Each event takes at least 15 bytes of the encoding: 12 varints and 3
	 * text lengths. */
	if (r.bad || count > (uint64_t)(r.end - r.p) / 15) {
		snprintf(err, errlen, "event block: bad event count at offset 0");
		return WL_E_DB;
	}
	if (count > d->rows_cap) {
		wl_bevent *rows = realloc(d->rows, count * sizeof *rows);
		if (!rows)
			return WL_E_NOMEM;
		d->rows = rows;
		d->rows_cap = count;
	}
	wl_bevent prev = {0};
	int64_t last_ts = 0; /* deltas of ts run over the events with a time */
	for (uint64_t i = 0; i < count; i++) {
		size_t at = (size_t)(r.p - r.start);
		wl_bevent *e = &d->rows[i];
		memset(e, 0, sizeof *e);
		e->id = add(prev.id, unzigzag(get_var(&r)));
		e->source = add(prev.source, unzigzag(get_var(&r)));
		e->line = add(prev.line, unzigzag(get_var(&r)));
		uint64_t flags = get_var(&r);
		e->has_ts = flags & 1;
		e->has_hr = (flags >> 1) & 1;
		if (e->has_ts)
			last_ts = e->ts = add(last_ts, unzigzag(get_var(&r)));
		e->hresult = e->has_hr ? unzigzag(get_var(&r)) : 0;
		e->role = unzigzag(get_var(&r));
		e->kind = unzigzag(get_var(&r));
		int64_t *ids[] = {&e->host, &e->server, &e->client, &e->comp, &e->fault, &e->msg};
		for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
			*ids[k] = unzigzag(get_var(&r));
		e->fault_code = get_text(&r);
		e->parameter = get_text(&r);
		e->prefix = get_text(&r);
		if (flags > 3 || (d->texts && e->prefix.n < 0))
			r.bad = true;
		if (r.bad) {
			snprintf(err, errlen, "event block: event %llu damaged at offset %zu",
			         (unsigned long long)i + 1, at);
			return WL_E_DB;
		}
		prev = *e;
		if (sorted && e->id > upto) {
			d->n = i; /* what follows is past upto too */
			return WL_OK;
		}
	}
	if (r.p != r.end || r.tp != r.tend) {
		snprintf(err, errlen, "event block: %zu bytes after the last event",
		         r.p != r.end ? (size_t)(r.end - r.p) : (size_t)(r.tend - r.tp));
		return WL_E_DB;
	}
	d->n = count;
	return WL_OK;
}

void wl_block_dec_free(wl_block_dec *d)
{
	free(d->raw);
	free(d->traw);
	free(d->rows);
	ZSTD_freeDCtx(d->dctx);
	memset(d, 0, sizeof *d);
}
