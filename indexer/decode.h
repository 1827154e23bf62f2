/* Decode and split: raw bytes of one input (after decompression) -> UTF-8
 * lines. Detects the BOM (UTF-8, UTF-16LE/BE), converts UTF-16 before
 * splitting, splits on LF (CRLF and lone CR in CR-only files too), and keeps
 * state that crosses block boundaries (half a line, half a code unit) in the
 * context. Internal to wsuslog-index. */
#ifndef WL_DECODE_H
#define WL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

typedef enum wl_encoding {
	WL_ENC_UNKNOWN = 0, /* not decided yet (fewer than 3 bytes seen) */
	WL_ENC_UTF8 = 1,    /* UTF-8 or any ASCII-compatible bytes */
	WL_ENC_UTF8_BOM = 2,
	WL_ENC_UTF16LE = 3,
	WL_ENC_UTF16BE = 4,
} wl_encoding;

/* Called once per line, without its line end. p is borrowed until the call
 * returns. lineno is 1-based. Return nonzero to stop the feed. */
typedef int (*wl_line_fn)(void *ctx, const char *p, size_t n, uint64_t lineno);

/* Optional fast path: called with the bytes from a line's start to the end
 * of the current block (LF line ends, nothing carried over); takes as many
 * whole lines as it wants, as on_line would, adds their number to *lineno
 * and returns the bytes taken (0 or just after a '\n'). The rest goes to
 * on_line, one line at a time; the next block call comes after that line. */
typedef size_t (*wl_block_fn)(void *ctx, const char *p, size_t n, uint64_t *lineno);

/* Called when a line is cut (WL_E_LINE_TOO_LONG) or the encoding is
 * malformed (WL_E_ENCODING). offset is in the raw input. */
typedef void (*wl_decode_problem_fn)(void *ctx, wl_status st, uint64_t lineno, uint64_t offset,
                                     const char *msg);

typedef struct wl_decoder wl_decoder;

/* Create a decoder/splitter. Caller owns; free with wl_decode_free. NULL on
 * allocation failure. */
wl_decoder *wl_decode_new(wl_line_fn on_line, wl_decode_problem_fn on_problem, void *ctx);

/* Set (or clear, with NULL) the fast path; ctx is the one given to new. */
void wl_decode_set_block(wl_decoder *t, wl_block_fn on_block);

/* Forget all state: the next feed starts a new input. */
void wl_decode_reset(wl_decoder *t);

/* Feed the next n raw bytes of the input. Lines complete within them are
 * delivered at once; the rest waits in the context. Returns WL_OK, or
 * WL_E_NOMEM. Stops early (returning WL_OK) if a callback asked to. */
wl_status wl_decode_feed(wl_decoder *t, const char *p, size_t n);

/* End of input: deliver the last line if it has no line end. */
wl_status wl_decode_finish(wl_decoder *t);

/* What the BOM said (after the first 3 bytes or finish). */
wl_encoding wl_decode_encoding(const wl_decoder *t);

/* Lines delivered so far, and raw bytes consumed. */
uint64_t wl_decode_lines(const wl_decoder *t);
uint64_t wl_decode_bytes(const wl_decoder *t);

/* NULL is a no-op. */
void wl_decode_free(wl_decoder *t);

#endif
