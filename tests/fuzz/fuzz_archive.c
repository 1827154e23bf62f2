/* Fuzz target for stage 2 (indexer/decompress.c): the input is a whole file.
 * It goes through the same steps as a worker (indexer/worker.c stream()):
 * read the head, wl_sniff_container, then our zstd reader or wl_archive_each
 * over libarchive, recursively with the worker's depth caps, and the bytes
 * of each log candidate through wl_decoder and wl_extract. Harness limits keep
 * every input fast: 1 MiB decompressed per stream, 8 MiB per input, a zstd
 * window of 2^27 (the indexer allows 2^31, which a 20-byte frame header can
 * claim) and 256 archive members. Invariant beyond "no crash, no hang": a
 * top-level zstd stream read to its end is reported clean only if it is a
 * sequence of complete frames, and truncated only if it is not. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>

#include "decode.h"
#include "decompress.h"
#include "extract.h"
#include "fuzz_util.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

#define STREAM_CAP (1u << 20)   /* decompressed bytes per stream */
#define INPUT_BUDGET (8u << 20) /* decompressed bytes per input */
#define WINDOW_LOG 27
#define MEMBERS_MAX 256
#define LEVELS (2 * (WL_ARCHIVE_DEPTH_MAX + 1) + 1) /* as worker.c WL_LEVELS */

/* A reader over the input bytes that hands them out in uneven chunks. */
typedef struct mem_reader {
	wl_reader base;
	const char *p;
	size_t n, pos;
	uint64_t rs;
} mem_reader;

static wl_status mem_read(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                          size_t msglen)
{
	mem_reader *m = (mem_reader *)r;
	(void)msg;
	(void)msglen;
	size_t k = m->n - m->pos;
	size_t chunk = 1 + (size_t)(fuzz_rand(&m->rs) % 8192);
	if (k > cap)
		k = cap;
	if (k > chunk)
		k = chunk;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	*got = k;
	return WL_OK;
}

typedef struct fz {
	ZSTD_DCtx *dctx[LEVELS];
	char *buf[LEVELS];
	wl_decoder *text;
	wl_extract *x;
	uint64_t budget;
	unsigned members;
	bool nested; /* a container was found inside the top-level one */
	bool began;
	unsigned sniffed;
	unsigned sink;
} fz;

static int on_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	fz *f = ctx;
	if (!f->began) {
		wl_format fmt = wl_tok_sniff_line(p, n);
		if (fmt == WL_FMT_UNKNOWN) {
			f->sniffed++;
			return 0; /* unlike the worker, keep reading to the end */
		}
		wl_extract_begin(f->x, fmt, "", 0);
		f->began = true;
	}
	wl_extract_line(f->x, p, n, lineno);
	return 0;
}

static void on_text_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset,
                            const char *msg)
{
	(void)ctx;
	(void)lineno;
	(void)offset;
	FUZZ_CHECK(msg != NULL, "text problem without a message");
	FUZZ_CHECK(st == WL_E_LINE_TOO_LONG || st == WL_E_ENCODING, "unexpected text problem");
}

static void on_event(void *ctx, const wl_event *ev)
{
	fz *f = ctx;
	f->sink += fuzz_touch(ev->raw.p, ev->raw.n);
}

static bool known_status(wl_status st)
{
	return st == WL_OK || st == WL_E_IO || st == WL_E_ZSTD || st == WL_E_TRUNCATED ||
	       st == WL_E_ARCHIVE || st == WL_E_TOO_BIG || st == WL_E_UNSAFE_PATH ||
	       st == WL_E_DEPTH;
}

static wl_status stream(fz *f, wl_reader *r, int level, int adepth);

/* Read a log candidate to its end (or the harness caps) through wl_decoder. */
static wl_status text_stream(fz *f, wl_reader *r, int level)
{
	char *b = f->buf[level];
	uint64_t total = 0;
	char msg[200] = "";
	wl_status st = WL_OK;
	wl_decode_reset(f->text);
	f->began = false;
	f->sniffed = 0;
	for (;;) {
		size_t got = 0;
		st = r->read(r, b, WL_BLOCK_SIZE, &got, msg, sizeof msg);
		FUZZ_CHECK(got <= WL_BLOCK_SIZE, "reader returned more than asked");
		if (st != WL_OK || got == 0)
			break;
		total += got;
		FUZZ_CHECK(wl_decode_feed(f->text, b, got) == WL_OK, "wl_decode_feed failed");
		if (total >= STREAM_CAP || total >= f->budget) {
			st = WL_E_TOO_BIG; /* harness cap, not the indexer's */
			break;
		}
	}
	f->budget -= total < f->budget ? total : f->budget;
	if (st == WL_OK)
		wl_decode_finish(f->text);
	else
		FUZZ_CHECK(msg[0] != 0 || st == WL_E_TOO_BIG, "reader error without a message");
	if (f->began)
		wl_extract_end(f->x);
	return st;
}

typedef struct member_ctx {
	fz *f;
	int level, adepth;
} member_ctx;

static wl_status on_member(void *ctx, wl_reader *r, const char *name)
{
	member_ctx *mc = ctx;
	FUZZ_CHECK(name != NULL, "member without a name");
	mc->f->sink += fuzz_touch(name, strlen(name));
	if (++mc->f->members > MEMBERS_MAX || mc->f->budget == 0)
		return WL_E_DB; /* the one "stop iterating" status wl_archive_each honours */
	wl_status st = stream(mc->f, r, mc->level + 1, mc->adepth + 1);
	FUZZ_CHECK(known_status(st), "member stream returned an unexpected status");
	return st == WL_E_TOO_BIG ? WL_E_DB : WL_OK;
}

static void on_skip(void *ctx, const char *name, wl_status st, const char *why)
{
	member_ctx *mc = ctx;
	FUZZ_CHECK(name != NULL && why != NULL, "skip without a name or reason");
	FUZZ_CHECK(st == WL_E_UNSAFE_PATH, "member skipped with an unexpected status");
	mc->f->sink += fuzz_touch(name, strlen(name));
}

static wl_status stream(fz *f, wl_reader *r, int level, int adepth)
{
	if (level >= LEVELS - 1 || adepth > WL_ARCHIVE_DEPTH_MAX)
		return WL_E_DEPTH;
	for (int l = level; l <= level + 1; l++) {
		if (!f->buf[l]) {
			f->buf[l] = malloc(WL_BLOCK_SIZE);
			FUZZ_CHECK(f->buf[l] != NULL, "out of memory in the harness");
		}
	}
	char *head = f->buf[level];
	size_t hn = 0;
	char msg[200] = "";
	wl_status st = wl_read_head(r, head, &hn, msg, sizeof msg);
	if (st != WL_OK || hn == 0)
		return st;
	wl_peek_reader pr;
	wl_peek_reader_init(&pr, r, head, hn);
	wl_container kind = wl_sniff_container((const unsigned char *)head, hn);
	if (level > 0 && kind != WL_CONT_NONE)
		f->nested = true;
	switch (kind) {
	case WL_CONT_ZSTD: {
		if (!f->dctx[level]) {
			f->dctx[level] = ZSTD_createDCtx();
			FUZZ_CHECK(f->dctx[level] != NULL, "ZSTD_createDCtx failed");
		}
		wl_zstd_reader zr;
		FUZZ_CHECK(wl_zstd_reader_open(&zr, &pr.base, f->dctx[level], STREAM_CAP) == WL_OK,
		           "wl_zstd_reader_open failed");
		ZSTD_DCtx_setParameter(f->dctx[level], ZSTD_d_windowLogMax, WINDOW_LOG);
		st = stream(f, &zr.base, level + 1, adepth);
		wl_zstd_reader_close(&zr);
		return st;
	}
	case WL_CONT_ARCHIVE: {
		member_ctx mc = {.f = f, .level = level, .adepth = adepth};
		st = wl_archive_each(&pr.base, on_member, on_skip, &mc, msg, sizeof msg);
		if (st == WL_E_DB)
			return WL_OK; /* harness stop, see on_member */
		FUZZ_CHECK(known_status(st), "wl_archive_each returned an unexpected status");
		FUZZ_CHECK(st == WL_OK || msg[0] != 0, "archive error without a message");
		return st;
	}
	default:
		return text_stream(f, &pr.base, level + 1);
	}
}

/* Is data[0..n) a sequence of complete zstd frames (skippable included)? */
static bool complete_frames(const uint8_t *data, size_t n)
{
	size_t off = 0;
	while (off < n) {
		size_t k = ZSTD_findFrameCompressedSize(data + off, n - off);
		if (ZSTD_isError(k) || k == 0)
			return false;
		off += k;
	}
	return true;
}

static fz *fz_get(void)
{
	static fz *f;
	if (!f) {
		f = calloc(1, sizeof *f);
		FUZZ_CHECK(f != NULL, "out of memory in the harness");
		f->text = wl_decode_new(on_line, on_text_problem, f);
		wl_extract_cfg cfg = {0};
		f->x = wl_extract_new(&cfg, on_event, NULL, f);
		FUZZ_CHECK(f->text && f->x, "out of memory in the harness");
	}
	return f;
}

static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz *f = fz_get();
	f->budget = INPUT_BUDGET;
	f->members = 0;
	f->nested = false;
	mem_reader m = {.base = {.read = mem_read},
	                .p = (const char *)data,
	                .n = size,
	                .rs = 0x6A09E667F3BCC908ull ^ size};
	wl_status st = stream(f, &m.base, 0, 0);
	FUZZ_CHECK(known_status(st), "stream returned an unexpected status");
	if (size >= 4 && wl_sniff_container(data, size) == WL_CONT_ZSTD &&
	    (st == WL_OK || st == WL_E_TRUNCATED) && f->budget > 0 && !f->nested) {
		/* Read to its end: the reader's verdict must match the frames. */
		bool whole = complete_frames(data, size);
		if (st == WL_OK)
			FUZZ_CHECK(whole, "zstd stream with an incomplete frame reported clean");
		else
			FUZZ_CHECK(!whole, "complete zstd frames reported truncated");
	}
	sink = f->sink;
	return 0;
}
