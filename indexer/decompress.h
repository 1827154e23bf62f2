/* Decompress: zstd streams (our own decoder, so truncation, window size and
 * decompression bombs are checked) and archives through libarchive (tar,
 * zip, gzip, bzip2, xz, 7z, ...), members streamed, never extracted.
 * Internal to wsuslog-index. */
#ifndef WL_DECOMPRESS_H
#define WL_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* The buffer-less decoding API (ZSTD_decompressContinue and friends). */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "source.h"

typedef enum wl_container {
	WL_CONT_NONE = 0, /* plain bytes (maybe a log) */
	WL_CONT_ZSTD,     /* a zstd stream (or skippable frame) */
	WL_CONT_ARCHIVE,  /* anything libarchive opens: tar, zip, gz, xz, ... */
} wl_container;

/* Decide from the first bytes (pass at least 512 when available, for tar). */
wl_container wl_sniff_container(const unsigned char *p, size_t n);

/* A zstd-decompressing reader over `under`, with read() and borrow() (the
 * decoded blocks in a ring of the reader's own). dctx is borrowed (a worker
 * owns one per nesting level and reuses it). max_out caps decompressed
 * bytes. */
typedef struct wl_zstd_reader {
	wl_reader base;
	wl_reader *under;
	ZSTD_DCtx *dctx;
	char *in; /* owned: input, in[in_pos..in_end) not yet decoded */
	size_t in_cap, in_pos, in_end;
	bool under_eof;
	bool in_frame;       /* between a frame's header and its end */
	char *ring;          /* owned: decoded blocks, the window among them */
	size_t ring_cap;     /* ZSTD_decodingBufferSize_min of the frame */
	size_t ring_pos;     /* where the next block is decoded */
	size_t block_max;    /* the frame's largest block */
	uint64_t frame_size; /* its content size, ZSTD_CONTENTSIZE_UNKNOWN */
	uint64_t skip_left;  /* bytes of a skippable frame still to pass */
	const char *out_p;   /* decoded bytes not yet handed out */
	size_t out_n;
	uint64_t consumed; /* compressed bytes handed to zstd */
	uint64_t out_total;
	uint64_t max_out;
} wl_zstd_reader;

/* The ring a zstd reader needs for the first frame of file `path`
 * (ZSTD_decodingBufferSize_min: its window, or its content when that is
 * smaller); 0 when the file does not start with a zstd frame or cannot be
 * read. What the pipeline reserves before a worker opens the file. */
uint64_t wl_zstd_file_ring(const char *path);

/* Returns WL_E_NOMEM or WL_OK. Free with wl_zstd_reader_close. */
wl_status wl_zstd_reader_open(wl_zstd_reader *zr, wl_reader *under, ZSTD_DCtx *dctx,
                              uint64_t max_out);
void wl_zstd_reader_close(wl_zstd_reader *zr);

/* Called for each regular-file member; `member` reads its bytes. */
typedef wl_status (*wl_member_fn)(void *ctx, wl_reader *member, const char *name);

/* Modification time (UTC microseconds) of the member a wl_member_fn got,
 * INT64_MIN if the archive does not say. */
int64_t wl_archive_member_mtime(const wl_reader *member);

/* A member that is not a regular file (link, device, FIFO): reported, never read. A
 * name with '..' or an absolute path is read like any other: nothing is ever
 * extracted to disk, so its name is only a string in the index. */
typedef void (*wl_member_skip_fn)(void *ctx, const char *name, wl_status st, const char *why);

/* Iterate the members of the archive read from r. A damaged archive
 * returns WL_E_ARCHIVE with the reason in msg after the members before the
 * damage were delivered. A callback's error other than a per-member one
 * (WL_E_NOMEM, WL_E_DB) stops the iteration and is returned. */
wl_status wl_archive_each(wl_reader *r, wl_member_fn on_member, wl_member_skip_fn on_skip,
                          void *ctx, char *msg, size_t msglen);

#endif
