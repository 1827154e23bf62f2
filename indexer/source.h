/* Sources: the inputs named on the command line, walked into a list of
 * regular files, and the pull-reader interface every later stage reads
 * through (file, zstd stream, archive member). Internal to wsuslog-index. */
#ifndef WL_SOURCE_H
#define WL_SOURCE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

/* A pull reader. read() fills up to cap bytes, sets *got (0 = end of
 * stream) and returns WL_OK, or an error with a message in msg. borrow(),
 * when not NULL, does the same without a copy: *p points at up to cap bytes
 * of the reader's own, valid until the next call on r (archive members:
 * libarchive's buffer). A reader's bytes may be taken through either. */
typedef struct wl_reader wl_reader;
struct wl_reader {
	wl_status (*read)(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
	                  size_t msglen);
	wl_status (*borrow)(wl_reader *r, size_t cap, const char **p, size_t *got, char *msg,
	                    size_t msglen);
};

/* read() of a reader that has borrow(): the borrowed bytes, copied. */
wl_status wl_read_borrowed(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                           size_t msglen);

/* A plain file opened for reading. */
typedef struct wl_file_reader {
	wl_reader base;
	int fd;
	uint64_t offset;
	atomic_uint_fast64_t *counter; /* optional: bytes read, for progress */
	int64_t mtime_us;              /* modification time, UTC microseconds */
	uint64_t size;                 /* size when opened */
} wl_file_reader;

/* Open path. On failure returns WL_E_OPEN with the reason in msg. */
wl_status wl_file_reader_open(wl_file_reader *fr, const char *path, char *msg, size_t msglen);
void wl_file_reader_close(wl_file_reader *fr);

/* A reader that first returns bytes already read (the sniffed head), then
 * continues from the underlying reader. head is borrowed. */
typedef struct wl_peek_reader {
	wl_reader base;
	wl_reader *under;
	const char *head;
	size_t head_n, head_pos;
} wl_peek_reader;

void wl_peek_reader_init(wl_peek_reader *pr, wl_reader *under, const char *head, size_t n);

/* Read the head of a stream into buf (WL_BLOCK_SIZE bytes): at least 512
 * bytes when the stream has them, enough to sniff its container; from a
 * reader with borrow(), at most WL_HEAD_SNIFF. */
wl_status wl_read_head(wl_reader *r, char *buf, size_t *n, char *msg, size_t msglen);

/* One input file found by the walk. */
typedef struct wl_input {
	char *path;    /* owned by the list */
	uint64_t size; /* bytes on disk, for progress */
} wl_input;

typedef struct wl_input_list {
	wl_input *v;
	size_t n, cap;
	uint64_t total_bytes;
} wl_input_list;

/* Called for inputs the walk skips or cannot read (FIFOs, devices,
 * symlink loops, unreadable directories). */
typedef void (*wl_walk_problem_fn)(void *ctx, wl_status st, const char *path, const char *msg);

/* Append the regular files under path (a file or a directory walked
 * recursively, in name order) to list. Returns WL_E_NOMEM on allocation
 * failure; other problems go to on_problem and the walk goes on. */
wl_status wl_walk(wl_input_list *list, const char *path, wl_walk_problem_fn on_problem, void *ctx);

/* Frees the paths and the array; the list is left empty. */
void wl_input_list_free(wl_input_list *list);

#endif
