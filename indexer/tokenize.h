/* Tokenize: split one log line into its header fields (time, pid, tid,
 * component/level, message) for the three formats of FORMATS.md. Pure
 * functions on spans; no allocation. Internal to wsuslog-index. */
#ifndef WL_TOKENIZE_H
#define WL_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "civil.h"
#include "wsuslog/event.h"

typedef struct wl_fields {
	/* Time as written (local for classic/ETW, UTC for sdist), microseconds
	 * since 1970-01-01 as if it were UTC. */
	int64_t ts_us;
	uint32_t pid;      /* classic, ETW: process id; sdist: 0 */
	uint32_t tid;      /* classic: hex; ETW: decimal */
	wl_span component; /* classic/ETW component; sdist Class.Method */
	wl_span level;     /* sdist only: Info, Warning, Error, ... */
	wl_span process;   /* sdist only: process.thread */
	wl_span message;   /* the rest of the line */
} wl_fields;

/* Each returns true if line[0..n) is a well-formed line of that format and
 * fills *f; false leaves *f unspecified. */
bool wl_tok_classic(const char *line, size_t n, wl_fields *f);
bool wl_tok_etw(const char *line, size_t n, wl_fields *f);
bool wl_tok_sdist(const char *line, size_t n, wl_fields *f);

/* Does the line start like an sdist entry header ("YYYY-MM-DD HH:MM:SS")?
 * Lines that do not are continuations of the entry above. */
bool wl_tok_sdist_is_header(const char *line, size_t n);

/* The format a single line belongs to, or WL_FMT_UNKNOWN (a line starting
 * "<configuration" is a web.config). The caller
 * decides a file's format from its first line that is not UNKNOWN, within
 * the first WL_SNIFF_LINES lines. */
wl_format wl_tok_sniff_line(const char *line, size_t n);

#endif
