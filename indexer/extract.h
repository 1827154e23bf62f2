/* Extract: tokenized lines of one input -> wl_event records, with the context
 * that carries forward (current WSUS server, SusClientId, time zone of each
 * process, the Windows 7 SOAP block, scan statistics per thread). One
 * wl_extract per worker, reset per input. Internal to wsuslog-index. */
#ifndef WL_EXTRACT_H
#define WL_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/event.h"
#include "wsuslog/status.h"

/* Receives each event. The event and every span in it are borrowed until
 * the call returns: copy what you keep. */
typedef void (*wl_event_fn)(void *ctx, const wl_event *ev);

/* A line of a known format that does not parse (WL_E_BAD_LINE). */
typedef void (*wl_bad_line_fn)(void *ctx, uint64_t lineno, const char *why);

typedef struct wl_extract_cfg {
	bool has_tz;    /* --tz given: applies to ETW files and classic files */
	int tz_minutes; /* without a banner; UTC = local - tz */
} wl_extract_cfg;

typedef struct wl_extract wl_extract;

/* Caller owns; free with wl_extract_free. NULL on allocation failure. */
wl_extract *wl_extract_new(const wl_extract_cfg *cfg, wl_event_fn on_event, wl_bad_line_fn on_bad,
                           void *ctx);

/* Start a new input of format fmt. host_hint is the machine named by the
 * input's path (lower-case, may be empty); copied. */
void wl_extract_begin(wl_extract *x, wl_format fmt, const char *host_hint, size_t host_n);

/* One line (without its line end), in order. */
void wl_extract_line(wl_extract *x, const char *p, size_t n, uint64_t lineno);

/* Whole lines, in order, the fast way: p[0..n) starts at a line's start;
 * the lines ending in '\n' within it are taken as wl_extract_line would
 * take them (a CR before the LF dropped) and *lineno counts them. Stops
 * before a line longer than WL_LINE_MAX, and returns 0 where it does not
 * apply (not a WindowsUpdate.log or SoftwareDistribution.log, or a client
 * log whose time is not seen yet): the caller then gives the next line to
 * wl_extract_line. Returns the bytes taken, which end just after a '\n'. */
size_t wl_extract_block(wl_extract *x, const char *p, size_t n, uint64_t *lineno);

/* Sees every line of a WindowsUpdate.log and every entry header of a
 * SoftwareDistribution.log after the extractor took it; event: the line
 * became an event. For wsuslog-index --audit (audit.h). */
typedef void (*wl_line_audit_fn)(void *ctx, const char *line, size_t n, uint64_t lineno,
                                 bool event);

/* fn NULL (the default): no audit, one test per line. */
void wl_extract_set_audit(wl_extract *x, wl_line_audit_fn fn, void *ctx);

/* Time of the input file (mtime, UTC microseconds, or WL_TS_NONE): the time
 * of a web.config's values. */
void wl_extract_set_file_time(wl_extract *x, int64_t ts_us);

/* End of input: flushes a pending multi-line server entry, emits the
 * WL_EV_CONFIG record of a web.config. */
void wl_extract_end(wl_extract *x);

/* Candidate lines (those whose message starts with a pattern that can
 * carry an event or a context change) that failed to tokenize in the
 * current input. Other lines are not tokenized (issue: tokenize only the
 * lines that matter), so a malformed ordinary line is not counted. */
uint64_t wl_extract_bad_lines(const wl_extract *x);

/* Earliest and latest UTC time among the first line, the last line and
 * the candidate lines of the current input (WL_TS_NONE if none). */
int64_t wl_extract_first_ts(const wl_extract *x);
int64_t wl_extract_last_ts(const wl_extract *x);

/* Host learned from the log itself (DNS name, ClientWebService actor), or
 * the hint; borrowed until the next begin. */
const char *wl_extract_host(const wl_extract *x);

/* NULL is a no-op. */
void wl_extract_free(wl_extract *x);

/* Helpers exposed for tests. */

/* Host of a URL ("https://WSUS01.corp:8531/x" -> "wsus01.corp"), written
 * lower-case into out (NUL-terminated); returns its length, 0 if none. */
size_t wl_url_host(const char *p, size_t n, char *out, size_t cap);

/* Time zone of a "Logging initialized (..., tz: +0530)" banner in minutes. */
bool wl_banner_tz(const char *p, size_t n, int *minutes);

#endif
