/* wsuslog-index --audit: which lines look like errors but made no event,
 * grouped by input and by line shape, so a user with a log version nobody
 * has seen can tell what the grammar (docs/EVENTS.md) leaves out. One
 * wl_audit per worker, fed by the extractor's line hook; the parts are
 * merged and printed once the workers are done. Internal to wsuslog-index. */
#ifndef WL_AUDIT_H
#define WL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "wsuslog/event.h"
#include "wsuslog/status.h"

typedef struct wl_audit wl_audit;

/* Caller owns; free with wl_audit_free. NULL when out of memory. */
wl_audit *wl_audit_new(void);
void wl_audit_free(wl_audit *a);

/* A log starts (path and member copied; member may be NULL). Returns
 * WL_OK or WL_E_NOMEM. */
wl_status wl_audit_begin(wl_audit *a, const char *path, const char *member, wl_format fmt);

/* The extractor's hook (wl_line_audit_fn) for the log begun last. */
void wl_audit_line(void *a, const char *line, size_t n, uint64_t lineno, bool event);

/* The mask of one message: GUIDs, hex numbers and decimal digits replaced
 * by <guid>, <hex> and <n>, so lines that differ only in them share a
 * shape. Writes at most cap - 1 bytes and a NUL; returns the length. */
size_t wl_audit_shape(const char *p, size_t n, char *out, size_t cap);

/* Does a message look like an error to the audit: an error word
 * (wl_error_word) or an HRESULT-like token, i.e. 8 hex digits standing
 * alone whose first is 8-F, spelled any way (a wider net than the
 * grammar's code tokens, so what the grammar leaves out shows)? */
bool wl_audit_error_like(const char *p, size_t n);

/* Rows of the n parts, merged, most frequent shape first, as fmt, to f;
 * a summary line to stderr. Returns WL_OK, WL_E_NOMEM or WL_E_IO. */
wl_status wl_audit_print(wl_audit *const *parts, size_t n, wl_outfmt fmt, FILE *f);

#endif
