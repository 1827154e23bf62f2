/* Unit tests of the parallel frame decoder (indexer/frames.h). Multi-frame
 * .zst files are written to WL_TEST_TMP with libzstd, one frame per chunk
 * with its content size recorded; wl_frames_open with 2, 3 and 4 threads
 * must deliver exactly the concatenated chunks, in order, through
 * wl_frames_base's reader. One thread, and files it cannot vouch for (one
 * frame, a frame without its size, more than max_out, truncated, trailing
 * bytes, a header claiming an impossible size), give *out NULL so the
 * caller falls back to the streaming decoder; damage found while decoding,
 * or a file that shrinks under the reader, is an error with a message
 * after the intact frames before it, never a crash or a hang. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "frames.h"
#include "wsuslog/limits.h"

/* ---- writing test files ---- */

/* A byte pattern that names its offset, compressible but not trivially. */
static unsigned char byte_at(uint64_t off)
{
	return (unsigned char)((unsigned char)"wsuslog frames "[off % 15] + (off / 4099) % 7);
}

/* A .zst file of one frame per chunk; the frame offsets and the decoded
 * bytes are kept to check against. */
typedef struct zfile {
	char path[512];
	size_t nf;
	uint64_t frame_off[64]; /* frame k starts here; frame_off[nf] = file size */
	unsigned char *plain;   /* the decoded bytes, owned */
	size_t plain_n;
} zfile;

typedef struct zopts {
	bool checksum;
	bool unknown_size_frame1; /* frame 1 without its content size */
	bool skippable_between;   /* a skippable frame after frame 0 */
} zopts;

static void append(FILE *f, const void *p, size_t n)
{
	assert_int_equal(fwrite(p, 1, n, f), n);
}

static void zfile_write(zfile *z, const char *name, const size_t *chunks, size_t nf, zopts o)
{
	assert_true(nf < 64);
	snprintf(z->path, sizeof z->path, "%s/%s", WL_TEST_TMP, name);
	z->nf = nf;
	z->plain_n = 0;
	for (size_t k = 0; k < nf; k++)
		z->plain_n += chunks[k];
	z->plain = malloc(z->plain_n ? z->plain_n : 1);
	assert_non_null(z->plain);
	for (size_t i = 0; i < z->plain_n; i++)
		z->plain[i] = byte_at(i);

	FILE *f = fopen(z->path, "wb");
	assert_non_null(f);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	assert_non_null(cc);
	size_t cap = ZSTD_compressBound(z->plain_n) + 64;
	char *dst = malloc(cap);
	assert_non_null(dst);
	uint64_t off = 0, at = 0;
	for (size_t k = 0; k < nf; k++) {
		ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, o.checksum);
		bool unknown = o.unknown_size_frame1 && k == 1;
		ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, !unknown);
		size_t n = ZSTD_compress2(cc, dst, cap, z->plain + at, chunks[k]);
		assert_false(ZSTD_isError(n));
		/* The file is what the test says it is. */
		unsigned long long cs = ZSTD_getFrameContentSize(dst, n);
		if (unknown)
			assert_true(cs == ZSTD_CONTENTSIZE_UNKNOWN);
		else
			assert_int_equal(cs, chunks[k]);
		z->frame_off[k] = off;
		append(f, dst, n);
		off += n;
		at += chunks[k];
		if (k == 0 && o.skippable_between) {
			const unsigned char skip[12] = {0x5A, 0x2A, 0x4D, 0x18, 4, 0,
			                                0,    0,    1,    2,    3, 4};
			append(f, skip, sizeof skip);
			off += sizeof skip;
		}
	}
	z->frame_off[nf] = off;
	free(dst);
	ZSTD_freeCCtx(cc);
	assert_int_equal(fclose(f), 0);
}

static void zfile_free(zfile *z)
{
	unlink(z->path);
	free(z->plain);
	z->plain = NULL;
}

static int open_ro(const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	*size = (uint64_t)st.st_size;
	return fd;
}

static void patch_byte(const char *path, uint64_t off, unsigned char x)
{
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	unsigned char b;
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	b ^= x;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)off), 1);
	close(fd);
}

/* ---- reading back ---- */

/* Reads the whole stream through the reader in pieces of at most cap
 * bytes: the status of the last read, the bytes in *out (owned). */
static wl_status read_all(wl_reader *r, size_t cap, unsigned char **out, size_t *n, char *msg,
                          size_t msglen)
{
	size_t have = 0, room = 1 << 20;
	unsigned char *v = malloc(room);
	assert_non_null(v);
	char *buf = malloc(cap);
	assert_non_null(buf);
	wl_status st;
	for (;;) {
		size_t got = 0;
		st = r->read(r, buf, cap, &got, msg, msglen);
		if (st != WL_OK || got == 0)
			break;
		assert_true(got <= cap);
		if (have + got > room) {
			room = 2 * (have + got);
			v = realloc(v, room);
			assert_non_null(v);
		}
		memcpy(v + have, buf, got);
		have += got;
	}
	free(buf);
	*out = v;
	*n = have;
	return st;
}

static void assert_same_bytes(const unsigned char *got, size_t got_n, const unsigned char *want,
                              size_t want_n)
{
	assert_int_equal(got_n, want_n);
	assert_true(got_n == 0 || memcmp(got, want, got_n) == 0);
}

/* Opens z with `threads` and asserts the fallback answer: WL_OK, NULL. */
static void assert_falls_back(const zfile *z, uint64_t size, unsigned threads, uint64_t max_out)
{
	uint64_t real;
	int fd = open_ro(z->path, &real);
	static char sentinel;
	wl_frames_reader *fr = (wl_frames_reader *)&sentinel; /* must be overwritten */
	assert_int_equal(wl_frames_open(&fr, fd, size, threads, max_out, NULL), WL_OK);
	assert_null(fr);
	close(fd);
}

/* Uneven frames: empty, one byte, several blocks (> 128 KiB), odd sizes. */
static const size_t chunks[] = {100000, 1, 0, 300001, 4096, 77777, 131072, 250000, 12345};
#define N_CHUNKS (sizeof chunks / sizeof chunks[0])

/* ---- tests ---- */

static void delivers_the_concatenated_frames(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_ok.zst", chunks, N_CHUNKS, (zopts){.checksum = true});
	static const unsigned thread_counts[] = {2, 3, 4};
	static const size_t caps[] = {WL_BLOCK_SIZE, 4097, 1};
	for (size_t t = 0; t < 3; t++) {
		for (size_t c = 0; c < 3; c++) {
			/* One byte at a time is slow: once is enough. */
			if (caps[c] == 1 && t > 0)
				continue;
			uint64_t size;
			int fd = open_ro(z.path, &size);
			wl_frames_reader *fr = NULL;
			assert_int_equal(
			    wl_frames_open(&fr, fd, size, thread_counts[t], UINT64_MAX, NULL),
			    WL_OK);
			assert_non_null(fr);
			assert_int_equal(wl_frames_count(fr), N_CHUNKS);
			assert_int_equal(wl_frames_threads(fr), thread_counts[t]);
			unsigned char *got;
			size_t n;
			char msg[200] = "";
			assert_int_equal(
			    read_all(wl_frames_base(fr), caps[c], &got, &n, msg, sizeof msg),
			    WL_OK);
			assert_same_bytes(got, n, z.plain, z.plain_n);
			/* The end stays the end. */
			char b[4];
			size_t more = 1;
			assert_int_equal(wl_frames_base(fr)->read(wl_frames_base(fr), b, sizeof b,
			                                          &more, msg, sizeof msg),
			                 WL_OK);
			assert_int_equal(more, 0);
			free(got);
			wl_frames_close(fr);
			close(fd);
		}
	}
	zfile_free(&z);
}

static void more_threads_than_frames(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_two.zst", chunks, 2, (zopts){0});
	uint64_t size;
	int fd = open_ro(z.path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 8, UINT64_MAX, NULL), WL_OK);
	assert_non_null(fr);
	assert_int_equal(wl_frames_threads(fr), 2);
	unsigned char *got;
	size_t n;
	char msg[200] = "";
	assert_int_equal(read_all(wl_frames_base(fr), WL_BLOCK_SIZE, &got, &n, msg, sizeof msg),
	                 WL_OK);
	assert_same_bytes(got, n, z.plain, z.plain_n);
	free(got);
	wl_frames_close(fr);
	close(fd);
	zfile_free(&z);
}

static void skippable_frames_are_dropped(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_skip.zst", chunks, 4, (zopts){.skippable_between = true});
	uint64_t size;
	int fd = open_ro(z.path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 2, UINT64_MAX, NULL), WL_OK);
	assert_non_null(fr);
	assert_int_equal(wl_frames_count(fr), 4);
	unsigned char *got;
	size_t n;
	char msg[200] = "";
	assert_int_equal(read_all(wl_frames_base(fr), WL_BLOCK_SIZE, &got, &n, msg, sizeof msg),
	                 WL_OK);
	assert_same_bytes(got, n, z.plain, z.plain_n);
	free(got);
	wl_frames_close(fr);
	close(fd);
	zfile_free(&z);
}

/* Closing with frames decoded and not yet read joins the decoders. */
static void close_before_the_end(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_close.zst", chunks, N_CHUNKS, (zopts){0});
	for (unsigned reads = 0; reads < 3; reads++) {
		uint64_t size;
		int fd = open_ro(z.path, &size);
		wl_frames_reader *fr = NULL;
		assert_int_equal(wl_frames_open(&fr, fd, size, 4, UINT64_MAX, NULL), WL_OK);
		assert_non_null(fr);
		char buf[1000], msg[200];
		for (unsigned i = 0; i < reads; i++) {
			size_t got = 0;
			assert_int_equal(wl_frames_base(fr)->read(wl_frames_base(fr), buf,
			                                          sizeof buf, &got, msg,
			                                          sizeof msg),
			                 WL_OK);
			assert_int_equal(got, sizeof buf);
			assert_memory_equal(buf, z.plain + i * sizeof buf, sizeof buf);
		}
		wl_frames_close(fr);
		close(fd);
	}
	zfile_free(&z);
}

static void one_thread_falls_back(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_t1.zst", chunks, N_CHUNKS, (zopts){0});
	assert_falls_back(&z, z.frame_off[z.nf], 1, UINT64_MAX);
	assert_falls_back(&z, z.frame_off[z.nf], 0, UINT64_MAX);
	zfile_free(&z);
}

static void one_frame_falls_back(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_one.zst", chunks + 3, 1, (zopts){0});
	assert_falls_back(&z, z.frame_off[z.nf], 4, UINT64_MAX);
	zfile_free(&z);
}

static void frame_without_size_falls_back(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_nosize.zst", chunks, N_CHUNKS,
	            (zopts){.unknown_size_frame1 = true});
	assert_falls_back(&z, z.frame_off[z.nf], 4, UINT64_MAX);
	zfile_free(&z);
}

/* More than max_out decoded bytes is left to the streaming decoder, which
 * reports the cap; exactly max_out is fine. */
static void over_max_out_falls_back(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_max.zst", chunks, N_CHUNKS, (zopts){0});
	assert_falls_back(&z, z.frame_off[z.nf], 4, z.plain_n - 1);
	uint64_t size;
	int fd = open_ro(z.path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 4, z.plain_n, NULL), WL_OK);
	assert_non_null(fr);
	wl_frames_close(fr);
	close(fd);
	zfile_free(&z);
}

static void truncated_or_trailing_bytes_fall_back(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_trunc.zst", chunks, N_CHUNKS, (zopts){.checksum = true});
	uint64_t end = z.frame_off[z.nf], last = z.frame_off[z.nf - 1];
	/* Cut inside the last frame: its checksum, its blocks, its header. */
	static const uint64_t cut_from_end[] = {1, 4, 5, 100};
	for (size_t i = 0; i < 4; i++)
		assert_falls_back(&z, end - cut_from_end[i], 4, UINT64_MAX);
	for (uint64_t at = last + 1; at < last + 12; at++)
		assert_falls_back(&z, at, 4, UINT64_MAX);
	/* Bytes after the last frame that are no frame. */
	FILE *f = fopen(z.path, "ab");
	assert_non_null(f);
	append(f, "garbage!garbage!", 16);
	fclose(f);
	assert_falls_back(&z, end + 16, 4, UINT64_MAX);
	assert_falls_back(&z, end + 3, 4, UINT64_MAX);
	zfile_free(&z);
}

/* A damaged frame: the frames before it are delivered intact, then an
 * error naming the frame's offset; nothing after it. */
static void assert_damage_reported(const zfile *z, size_t bad, unsigned threads)
{
	uint64_t size;
	int fd = open_ro(z->path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, threads, UINT64_MAX, NULL), WL_OK);
	assert_non_null(fr);
	unsigned char *got;
	size_t n;
	char msg[200] = "";
	assert_int_equal(read_all(wl_frames_base(fr), WL_BLOCK_SIZE, &got, &n, msg, sizeof msg),
	                 WL_E_ZSTD);
	size_t before = 0;
	for (size_t k = 0; k < bad; k++)
		before += chunks[k];
	assert_same_bytes(got, n, z->plain, before);
	char where[64];
	snprintf(where, sizeof where, "frame at offset %llu",
	         (unsigned long long)z->frame_off[bad]);
	assert_non_null(strstr(msg, where));
	char b[4];
	size_t more = 1;
	assert_int_equal(
	    wl_frames_base(fr)->read(wl_frames_base(fr), b, sizeof b, &more, msg, sizeof msg),
	    WL_OK);
	assert_int_equal(more, 0);
	free(got);
	wl_frames_close(fr);
	close(fd);
}

static void damaged_checksum_is_an_error(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_sum.zst", chunks, N_CHUNKS, (zopts){.checksum = true});
	patch_byte(z.path, z.frame_off[5] - 2, 0x40); /* in frame 4's checksum */
	for (unsigned threads = 2; threads <= 4; threads++)
		assert_damage_reported(&z, 4, threads);
	zfile_free(&z);
}

static void damaged_block_is_an_error(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_block.zst", chunks, N_CHUNKS, (zopts){.checksum = true});
	/* Inside the payload of frame 3's first block, past its header, so the
	 * walk of the headers still vouches for the file. */
	uint64_t off = z.frame_off[3];
	unsigned char h[32];
	int fd = open(z.path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, h, sizeof h, (off_t)off), (ssize_t)sizeof h);
	close(fd);
	/* The frame header's length from its descriptor (RFC 8878 3.1.1.1). */
	unsigned desc = h[4], single = (desc >> 5) & 1, fcs = desc >> 6;
	static const size_t did_len[4] = {0, 1, 2, 4}, fcs_len[4] = {0, 2, 4, 8};
	size_t hsize =
	    5 + (single ? 0u : 1u) + did_len[desc & 3] + (fcs == 0 ? single : fcs_len[fcs]);
	uint32_t bh =
	    (uint32_t)h[hsize] | (uint32_t)h[hsize + 1] << 8 | (uint32_t)h[hsize + 2] << 16;
	assert_int_equal((bh >> 1) & 3, 2); /* a compressed block */
	assert_true((bh >> 3) > 64);
	patch_byte(z.path, off + hsize + 3 + (bh >> 3) / 2, 0xFF);
	for (unsigned threads = 2; threads <= 4; threads++)
		assert_damage_reported(&z, 3, threads);
	zfile_free(&z);
}

/* The file shrinks after it was opened: a read error after the intact
 * frames, not a hang. With two decoders, frames from 2 on are read from
 * disk only after the reader took frame 0, so after the cut. */
static void file_shrinking_under_the_reader_is_an_error(void **state)
{
	(void)state;
	zfile z;
	zfile_write(&z, "frames_shrink.zst", chunks, N_CHUNKS, (zopts){0});
	uint64_t size;
	int fd = open_ro(z.path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 2, UINT64_MAX, NULL), WL_OK);
	assert_non_null(fr);
	assert_int_equal(truncate(z.path, (off_t)(z.frame_off[5] + 7)), 0);
	unsigned char *got;
	size_t n;
	char msg[200] = "";
	assert_int_equal(read_all(wl_frames_base(fr), WL_BLOCK_SIZE, &got, &n, msg, sizeof msg),
	                 WL_E_IO);
	size_t before = 0;
	for (size_t k = 0; k < 5; k++)
		before += chunks[k];
	assert_same_bytes(got, n, z.plain, before);
	char want[80];
	snprintf(want, sizeof want, "read error in zstd frame at offset %llu",
	         (unsigned long long)z.frame_off[5]);
	assert_string_equal(msg, want);
	free(got);
	wl_frames_close(fr);
	close(fd);
	zfile_free(&z);
}

/* Writes a frame header with an 8-byte content size, then one raw block of
 * `n` bytes of `data`: a frame whose header may say anything. */
static void append_raw_frame(FILE *f, uint64_t content_size, const char *data, uint32_t n)
{
	unsigned char h[14] = {0x28, 0xB5, 0x2F, 0xFD, 0xC0 /* 8-byte size, window byte */,
	                       0x50 /* 1 MiB window */};
	for (int i = 0; i < 8; i++)
		h[6 + i] = (unsigned char)(content_size >> (8 * i));
	append(f, h, sizeof h);
	uint32_t bh = 1u /* last */ | 0u << 1 /* raw */ | n << 3;
	unsigned char b[3] = {(unsigned char)bh, (unsigned char)(bh >> 8),
	                      (unsigned char)(bh >> 16)};
	append(f, b, 3);
	append(f, data, n);
}

/* Headers that claim sizes no file has: the sum of the sizes (or one size
 * plus the frame's length) must not wrap around to something small that
 * passes the memory and max_out checks. */
static void impossible_content_sizes_fall_back(void **state)
{
	(void)state;
	static const uint64_t claims[][2] = {
	    {UINT64_MAX - 2, 5},                      /* the largest size a header can state */
	    {UINT64_MAX - 20, 5},                     /* wraps when the frame's length is added */
	    {UINT64_MAX / 2 + 1, UINT64_MAX / 2 + 1}, /* the two sizes sum to 2^64 */
	    {1ull << 40, 5},                          /* plainly too large */
	};
	for (size_t c = 0; c < sizeof claims / sizeof claims[0]; c++) {
		zfile z = {0};
		snprintf(z.path, sizeof z.path, "%s/frames_claim.zst", WL_TEST_TMP);
		FILE *f = fopen(z.path, "wb");
		assert_non_null(f);
		append_raw_frame(f, claims[c][0], "hello", 5);
		append_raw_frame(f, claims[c][1], "world", 5);
		fclose(f);
		uint64_t size;
		int fd = open_ro(z.path, &size);
		wl_frames_reader *fr = NULL;
		/* The file has no business being decoded in parallel; whether it is
		 * left to the streaming decoder or reported, it must not be "out
		 * of memory", which stops the whole run. */
		wl_status st = wl_frames_open(&fr, fd, size, 4, 1ull << 30, NULL);
		assert_int_equal(st, WL_OK);
		assert_null(fr);
		close(fd);
		unlink(z.path);
	}
}

/* A sanity check of append_raw_frame: with honest sizes the same frames
 * decode. */
static void hand_written_frames_decode(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/frames_hand.zst", WL_TEST_TMP);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	append_raw_frame(f, 5, "hello", 5);
	append_raw_frame(f, 6, " world", 6);
	fclose(f);
	uint64_t size;
	int fd = open_ro(path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 2, 1ull << 30, NULL), WL_OK);
	assert_non_null(fr);
	unsigned char *got;
	size_t n;
	char msg[200] = "";
	assert_int_equal(read_all(wl_frames_base(fr), 64, &got, &n, msg, sizeof msg), WL_OK);
	assert_same_bytes(got, n, (const unsigned char *)"hello world", 11);
	free(got);
	wl_frames_close(fr);
	close(fd);
	unlink(path);
}

/* Empty frames are valid and cost the reader nothing: a long run of them
 * between two frames with data is read through, in order. The reader runs
 * on a thread with a small stack, so that a reader whose stack grew with
 * each empty frame (recursion) overflows it here, not only
 * with a real file's hundred thousand frames under a sanitizer. */
#define EMPTY_FRAMES 4000
#define SMALL_STACK (64 * 1024)

typedef struct small_read {
	wl_reader *r;
	char got[64];
	size_t n;
	wl_status st;
	char msg[200];
} small_read;

static void *small_read_main(void *arg)
{
	small_read *sr = arg;
	for (;;) {
		size_t got = 0;
		size_t room = sizeof sr->got - sr->n;
		sr->st = sr->r->read(sr->r, sr->got + sr->n, room < 7 ? room : 7, &got, sr->msg,
		                     sizeof sr->msg);
		if (sr->st != WL_OK || got == 0 || room == 0)
			break;
		sr->n += got;
	}
	return NULL;
}

static void long_run_of_empty_frames(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/frames_empty.zst", WL_TEST_TMP);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	append_raw_frame(f, 5, "hello", 5);
	for (int i = 0; i < EMPTY_FRAMES; i++)
		append_raw_frame(f, 0, "", 0);
	append_raw_frame(f, 6, " world", 6);
	fclose(f);
	uint64_t size;
	int fd = open_ro(path, &size);
	wl_frames_reader *fr = NULL;
	assert_int_equal(wl_frames_open(&fr, fd, size, 2, 1ull << 30, NULL), WL_OK);
	assert_non_null(fr);
	assert_int_equal(wl_frames_count(fr), EMPTY_FRAMES + 2);
	small_read sr = {.r = wl_frames_base(fr)};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, &attr, small_read_main, &sr), 0);
	pthread_join(th, NULL);
	pthread_attr_destroy(&attr);
	assert_int_equal(sr.st, WL_OK);
	assert_same_bytes((const unsigned char *)sr.got, sr.n, (const unsigned char *)"hello world",
	                  11);
	wl_frames_close(fr);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(delivers_the_concatenated_frames),
	    cmocka_unit_test(more_threads_than_frames),
	    cmocka_unit_test(skippable_frames_are_dropped),
	    cmocka_unit_test(close_before_the_end),
	    cmocka_unit_test(one_thread_falls_back),
	    cmocka_unit_test(one_frame_falls_back),
	    cmocka_unit_test(frame_without_size_falls_back),
	    cmocka_unit_test(over_max_out_falls_back),
	    cmocka_unit_test(truncated_or_trailing_bytes_fall_back),
	    cmocka_unit_test(damaged_checksum_is_an_error),
	    cmocka_unit_test(damaged_block_is_an_error),
	    cmocka_unit_test(file_shrinking_under_the_reader_is_an_error),
	    cmocka_unit_test(hand_written_frames_decode),
	    cmocka_unit_test(impossible_content_sizes_fall_back),
	    cmocka_unit_test(long_run_of_empty_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
