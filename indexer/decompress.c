/* Pipeline stage 2: compressed bytes -> plain bytes.
 * zstd: ZSTD_decompressStream does not report a stream cut at an arbitrary
 * offset (PERFORMANCE.md: 0 of 15,035 cuts flagged), so end of input while
 * the last return value is non-zero is reported as truncation here.
 * Archives: libarchive pulls bytes through our reader (so a .tar.zst is
 * decoded by our zstd reader with its checks, and libarchive sees a tar). */
#include "decompress.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd_errors.h>

#include "wsuslog/limits.h"

wl_container wl_sniff_container(const unsigned char *p, size_t n)
{
	if (n >= 4) {
		uint32_t m = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		             (uint32_t)p[3] << 24;
		if (m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u)
			return WL_CONT_ZSTD;
		if (m == 0x184D2204u) /* lz4 frame */
			return WL_CONT_ARCHIVE;
	}
	if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
		return WL_CONT_ARCHIVE; /* gzip */
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return WL_CONT_ARCHIVE;
	if (n >= 6 && memcmp(p,
	                     "\xFD"
	                     "7zXZ\0",
	                     6) == 0)
		return WL_CONT_ARCHIVE;
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return WL_CONT_ARCHIVE;
	if (n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0)
		return WL_CONT_ARCHIVE;
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return WL_CONT_ARCHIVE;
	return WL_CONT_NONE;
}

/* ---- zstd ----
 *
 * Buffer-less decoding (ZSTD_decompressContinue): each block is decoded
 * into a ring we own (ZSTD_decodingBufferSize_min: the window plus two
 * blocks), where it is handed out by borrow() without a copy; the window
 * stays in the ring for the blocks after it. ZSTD_decompressStream decodes
 * into a buffer of its own and copies out of it: that copy was a tenth of a
 * worker's instructions on a .tar.zst. The frame header is read first
 * (ZSTD_getFrameHeader) for the window cap and the ring's size. */

static wl_status zstd_error(wl_zstd_reader *zr, const char *what, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "zstd: %s (compressed offset %llu)", what,
	         (unsigned long long)zr->consumed);
	return WL_E_ZSTD;
}

static wl_status zstd_truncated(wl_zstd_reader *zr, char *msg, size_t msglen)
{
	snprintf(msg, msglen,
	         "zstd stream truncated: input ends inside a frame (compressed offset %llu)",
	         (unsigned long long)zr->consumed);
	return WL_E_TRUNCATED;
}

/* At least `need` bytes of input at zr->in + zr->in_pos, unless the input
 * ends first (then fewer: the caller decides). */
static wl_status zstd_fill(wl_zstd_reader *zr, size_t need, char *msg, size_t msglen)
{
	while (zr->in_end - zr->in_pos < need && !zr->under_eof) {
		if (zr->in_pos > 0) {
			memmove(zr->in, zr->in + zr->in_pos, zr->in_end - zr->in_pos);
			zr->in_end -= zr->in_pos;
			zr->in_pos = 0;
		}
		if (need > zr->in_cap) {
			char *q = realloc(zr->in, need);
			if (!q)
				return WL_E_NOMEM;
			zr->in = q;
			zr->in_cap = need;
		}
		size_t k = 0;
		wl_status st = zr->under->read(zr->under, zr->in + zr->in_end,
		                               zr->in_cap - zr->in_end, &k, msg, msglen);
		if (st != WL_OK)
			return st;
		if (k == 0)
			zr->under_eof = true;
		zr->in_end += k;
	}
	return WL_OK;
}

/* Start the frame at the input: its header, the window cap, the ring. */
static wl_status zstd_frame_begin(wl_zstd_reader *zr, char *msg, size_t msglen)
{
	ZSTD_frameHeader fh;
	size_t need = ZSTD_FRAMEHEADERSIZE_PREFIX(ZSTD_f_zstd1);
	for (;;) {
		wl_status st = zstd_fill(zr, need, msg, msglen);
		if (st != WL_OK)
			return st;
		size_t avail = zr->in_end - zr->in_pos;
		size_t r = ZSTD_getFrameHeader(&fh, zr->in + zr->in_pos, avail);
		if (ZSTD_isError(r))
			return zstd_error(zr, ZSTD_getErrorName(r), msg, msglen);
		if (r == 0)
			break;
		if (avail < r && zr->under_eof)
			return zstd_truncated(zr, msg, msglen);
		need = r;
	}
	if (fh.frameType == ZSTD_frame) {
		if (fh.windowSize > (1ull << WL_ZSTD_WINDOW_LOG_MAX))
			return zstd_error(
			    zr, ZSTD_getErrorString(ZSTD_error_frameParameter_windowTooLarge), msg,
			    msglen);
		size_t ring = ZSTD_decodingBufferSize_min(fh.windowSize, fh.frameContentSize);
		if (ZSTD_isError(ring))
			return zstd_error(zr, ZSTD_getErrorName(ring), msg, msglen);
		if (ring > zr->ring_cap) {
			free(zr->ring);
			zr->ring_cap = 0;
			zr->ring = malloc(ring);
			if (!zr->ring)
				return zstd_error(
				    zr,
				    ZSTD_getErrorString(ZSTD_error_frameParameter_windowTooLarge),
				    msg, msglen);
			zr->ring_cap = ring;
		}
		zr->block_max = fh.blockSizeMax;
		zr->frame_size = fh.frameContentSize; /* ZSTD_CONTENTSIZE_UNKNOWN: max */
	} else {
		/* Skippable: its content is passed over here, a piece at a time
		 * (it may claim up to 4 GiB), never handed to the decoder. */
		zr->in_pos += ZSTD_SKIPPABLEHEADERSIZE;
		zr->consumed += ZSTD_SKIPPABLEHEADERSIZE;
		zr->skip_left = fh.frameContentSize;
		zr->in_frame = zr->skip_left > 0;
		return WL_OK;
	}
	zr->ring_pos = 0;
	size_t r = ZSTD_decompressBegin(zr->dctx);
	if (ZSTD_isError(r))
		return zstd_error(zr, ZSTD_getErrorName(r), msg, msglen);
	zr->in_frame = true;
	return WL_OK;
}

static wl_status zstd_borrow(wl_reader *r, size_t cap, const char **p, size_t *got, char *msg,
                             size_t msglen)
{
	wl_zstd_reader *zr = (wl_zstd_reader *)r;
	*got = 0;
	while (zr->out_n == 0) {
		wl_status st;
		if (!zr->in_frame) {
			if ((st = zstd_fill(zr, 1, msg, msglen)) != WL_OK)
				return st;
			if (zr->in_pos == zr->in_end)
				return WL_OK; /* clean end, between frames */
			if ((st = zstd_frame_begin(zr, msg, msglen)) != WL_OK)
				return st;
			if (!zr->in_frame)
				continue; /* an empty skippable frame */
		}
		if (zr->skip_left > 0) {
			if ((st = zstd_fill(zr, 1, msg, msglen)) != WL_OK)
				return st;
			size_t avail = zr->in_end - zr->in_pos;
			if (avail == 0)
				return zstd_truncated(zr, msg, msglen);
			size_t k = avail < zr->skip_left ? avail : (size_t)zr->skip_left;
			zr->in_pos += k;
			zr->consumed += k;
			if ((zr->skip_left -= k) == 0)
				zr->in_frame = false;
			continue;
		}
		size_t need = ZSTD_nextSrcSizeToDecompress(zr->dctx);
		if (need == 0) {
			zr->in_frame = false; /* the frame is complete */
			continue;
		}
		if ((st = zstd_fill(zr, need, msg, msglen)) != WL_OK)
			return st;
		if (zr->in_end - zr->in_pos < need)
			return zstd_truncated(zr, msg, msglen);
		/* The next block goes after the last one, or at the ring's start
		 * when a whole block no longer fits before its end and the ring
		 * is smaller than the frame (as ZSTD_decompressStream does with
		 * its own buffer). */
		if (zr->ring_cap < zr->frame_size && zr->ring_cap - zr->ring_pos < zr->block_max)
			zr->ring_pos = 0;
		char *dst = zr->ring ? zr->ring + zr->ring_pos : NULL;
		size_t n = ZSTD_decompressContinue(zr->dctx, dst, zr->ring_cap - zr->ring_pos,
		                                   zr->in + zr->in_pos, need);
		if (ZSTD_isError(n))
			return zstd_error(zr, ZSTD_getErrorName(n), msg, msglen);
		zr->in_pos += need;
		zr->consumed += need;
		if (n > 0) {
			zr->out_p = zr->ring + zr->ring_pos;
			zr->out_n = n;
			zr->ring_pos += n;
			zr->out_total += n;
			if (zr->out_total > zr->max_out) {
				snprintf(msg, msglen,
				         "decompressed size exceeds the cap of %llu bytes "
				         "(--max-member-bytes)",
				         (unsigned long long)zr->max_out);
				return WL_E_TOO_BIG;
			}
		}
	}
	size_t k = zr->out_n < cap ? zr->out_n : cap;
	*p = zr->out_p;
	*got = k;
	zr->out_p += k;
	zr->out_n -= k;
	return WL_OK;
}

uint64_t wl_zstd_file_ring(const char *path)
{
	unsigned char head[ZSTD_FRAMEHEADERSIZE_MAX];
	/* As the file reader opens it (source.c): a path that became a FIFO
	 * after the walk must not hang here. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
	close(fd);
	if (got <= 0)
		return 0;
	size_t n = (size_t)got;
	ZSTD_frameHeader fh;
	if (ZSTD_getFrameHeader(&fh, head, n) != 0 || fh.frameType != ZSTD_frame ||
	    fh.windowSize > (1ull << WL_ZSTD_WINDOW_LOG_MAX))
		return 0;
	size_t ring = ZSTD_decodingBufferSize_min(fh.windowSize, fh.frameContentSize);
	return ZSTD_isError(ring) ? 0 : ring;
}

wl_status wl_zstd_reader_open(wl_zstd_reader *zr, wl_reader *under, ZSTD_DCtx *dctx,
                              uint64_t max_out)
{
	memset(zr, 0, sizeof *zr);
	zr->base.read = wl_read_borrowed;
	zr->base.borrow = zstd_borrow;
	zr->under = under;
	zr->dctx = dctx;
	zr->max_out = max_out;
	/* One block (at most 128 KiB and its 3-byte header) in one piece,
	 * and room to read ahead. */
	zr->in_cap = 2 * ZSTD_DStreamInSize();
	zr->in = malloc(zr->in_cap);
	if (!zr->in)
		return WL_E_NOMEM;
	return WL_OK;
}

void wl_zstd_reader_close(wl_zstd_reader *zr)
{
	free(zr->in);
	free(zr->ring);
	zr->in = zr->ring = NULL;
}

/* ---- archives ---- */

typedef struct arc_client {
	wl_reader *r;
	char *buf;
	wl_status st;
	char msg[WL_MSG_BUF];
} arc_client;

static la_ssize_t arc_read(struct archive *a, void *client, const void **out)
{
	arc_client *c = client;
	size_t got = 0;
	const char *p = c->buf;
	/* A borrowing reader (zstd) hands its own buffer: valid until the next
	 * call, as libarchive requires. */
	wl_status st = c->r->borrow
	                   ? c->r->borrow(c->r, WL_BLOCK_SIZE, &p, &got, c->msg, sizeof c->msg)
	                   : c->r->read(c->r, c->buf, WL_BLOCK_SIZE, &got, c->msg, sizeof c->msg);
	if (st != WL_OK) {
		c->st = st;
		archive_set_error(a, 1, "%s", c->msg);
		return -1;
	}
	*out = p;
	return (la_ssize_t)got;
}

/* libarchive may have no message for a damaged stream. */
static const char *arc_error(struct archive *a)
{
	const char *e = archive_error_string(a);
	return e ? e : "damaged or truncated archive";
}

/* A member's bytes come from archive_read_data_block (a pointer into
 * libarchive's buffer: no copy of each byte), for read() and borrow()
 * alike, so the two can be mixed. A sparse member's holes read as zeros. */
typedef struct member_reader {
	wl_reader base;
	struct archive *a;
	arc_client *c;
	int64_t mtime_us;
	const char *blk; /* rest of the current block */
	size_t blk_n;
	int64_t blk_off; /* member offset of blk */
	int64_t off;     /* member offset of the next byte handed out */
	bool eof;
} member_reader;

static const char zero_block[4096];

int64_t wl_archive_member_mtime(const wl_reader *member)
{
	return ((const member_reader *)member)->mtime_us;
}

static wl_status member_borrow(wl_reader *r, size_t cap, const char **p, size_t *got, char *msg,
                               size_t msglen)
{
	member_reader *mr = (member_reader *)r;
	*got = 0;
	while (mr->blk_n == 0 && !mr->eof) {
		const void *b = NULL;
		size_t n = 0;
		la_int64_t o = 0;
		int h = archive_read_data_block(mr->a, &b, &n, &o);
		if (h == ARCHIVE_EOF) {
			mr->eof = true;
		} else if (h < ARCHIVE_WARN) {
			if (mr->c->st != WL_OK) {
				snprintf(msg, msglen, "%s", mr->c->msg);
				return mr->c->st;
			}
			snprintf(msg, msglen, "archive: %s", arc_error(mr->a));
			return WL_E_ARCHIVE;
		} else if (o < mr->off) {
			snprintf(msg, msglen, "archive: member data out of order at offset %lld",
			         (long long)o);
			return WL_E_ARCHIVE;
		} else {
			mr->blk = b;
			mr->blk_n = n;
			mr->blk_off = o;
		}
	}
	if (mr->blk_n == 0)
		return WL_OK; /* *got = 0: the end of the member */
	if (mr->blk_off > mr->off) {
		/* A hole of a sparse member, before the current block. */
		uint64_t hole = (uint64_t)(mr->blk_off - mr->off);
		size_t k = hole < sizeof zero_block ? (size_t)hole : sizeof zero_block;
		*p = zero_block;
		*got = k < cap ? k : cap;
		mr->off += (int64_t)*got;
		return WL_OK;
	}
	size_t k = mr->blk_n < cap ? mr->blk_n : cap;
	*p = mr->blk;
	*got = k;
	mr->blk += k;
	mr->blk_n -= k;
	mr->blk_off += (int64_t)k;
	mr->off += (int64_t)k;
	return WL_OK;
}

wl_status wl_archive_each(wl_reader *r, wl_member_fn on_member, wl_member_skip_fn on_skip,
                          void *ctx, char *msg, size_t msglen)
{
	wl_status rc = WL_OK;
	arc_client c = {.r = r, .st = WL_OK};
	struct archive *a = archive_read_new();
	c.buf = malloc(WL_BLOCK_SIZE);
	if (!a || !c.buf) {
		rc = WL_E_NOMEM;
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	archive_read_support_format_raw(a); /* a lone .gz / .xz of a log */
	if (archive_read_open(a, &c, NULL, arc_read, NULL) != ARCHIVE_OK) {
		rc = c.st != WL_OK ? c.st : WL_E_ARCHIVE;
		snprintf(msg, msglen, "%s", c.st != WL_OK ? c.msg : arc_error(a));
		goto out;
	}
	for (;;) {
		struct archive_entry *e;
		int h = archive_read_next_header(a, &e);
		if (h == ARCHIVE_EOF)
			break;
		if (h == ARCHIVE_FATAL || h == ARCHIVE_RETRY) {
			rc = c.st != WL_OK ? c.st : WL_E_ARCHIVE;
			snprintf(msg, msglen, "%s", c.st != WL_OK ? c.msg : arc_error(a));
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (!name)
			name = "(unnamed)";
		if (archive_entry_filetype(e) != AE_IFREG) {
			if (archive_entry_filetype(e) != AE_IFDIR && on_skip)
				on_skip(ctx, name, WL_E_UNSAFE_PATH,
				        "link, device or special member not read");
			continue;
		}
		member_reader mr = {.base = {.read = wl_read_borrowed, .borrow = member_borrow},
		                    .a = a,
		                    .c = &c,
		                    .mtime_us = INT64_MIN};
		if (archive_entry_mtime_is_set(e))
			mr.mtime_us = (int64_t)archive_entry_mtime(e) * 1000000 +
			              archive_entry_mtime_nsec(e) / 1000;
		wl_status st = on_member(ctx, &mr.base, name);
		if (st == WL_E_NOMEM || st == WL_E_DB || st == WL_E_DISK_FULL) {
			rc = st;
			break;
		}
		if (c.st != WL_OK) {
			/* The outer stream failed under this member: nothing more can be
			 * read from the archive. */
			rc = c.st;
			snprintf(msg, msglen, "%s", c.msg);
			break;
		}
	}
out:
	if (a)
		archive_read_free(a);
	free(c.buf);
	return rc;
}
