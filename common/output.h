/* Row writer of both programs: every report of wsuslog-query, and
 * wsuslog-index --audit, hand their rows to this module,
 * which prints them as an aligned table, RFC 4180 CSV, a JSON array or (for
 * report --html) an HTML table. Text cells in CSV are guarded against
 * spreadsheet formula injection (a leading ' before = + - @ TAB CR). A
 * report calls wl_out_begin once with its column names, wl_out_row once per
 * row and wl_out_end once; the format is chosen when the writer is opened. */
#ifndef WSUSLOG_COMMON_OUTPUT_H
#define WSUSLOG_COMMON_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wsuslog/status.h"

typedef enum wl_outfmt {
	WL_OUT_TABLE = 0, /* default: aligned columns for a terminal */
	WL_OUT_CSV = 1,   /* RFC 4180: header row, CRLF line ends */
	WL_OUT_JSON = 2,  /* one array of objects, keys in column order */
	WL_OUT_HTML = 3,  /* internal (report --html): a <table>, text escaped */
} wl_outfmt;

/* Parse "table", "csv" or "json" into *out (never WL_OUT_HTML, which only
 * report --html uses). Returns 0, or -1 if s is none of them (*out
 * untouched). */
int wl_outfmt_parse(const char *s, wl_outfmt *out);

typedef enum wl_vtype {
	WL_V_NULL = 0, /* table "-", csv empty, json null */
	WL_V_INT = 1,  /* a JSON number; right-aligned in tables */
	WL_V_TEXT = 2, /* bytes; need not be valid UTF-8 nor NUL-free */
	WL_V_NUM = 3,  /* a number already formatted ("0.125"): ASCII digits,
	                  '-', '.'; a JSON number, right-aligned in tables */
} wl_vtype;

/* One cell. Text is borrowed for the duration of the wl_out_row call. */
typedef struct wl_val {
	wl_vtype type;
	int64_t i;
	const char *s;
	size_t n;
} wl_val;

static inline wl_val wl_v_null(void)
{
	return (wl_val){WL_V_NULL, 0, NULL, 0};
}

static inline wl_val wl_v_int(int64_t i)
{
	return (wl_val){WL_V_INT, i, NULL, 0};
}

/* s[0..n); a NULL s is a NULL value. */
static inline wl_val wl_v_text(const char *s, size_t n)
{
	if (!s)
		return wl_v_null();
	return (wl_val){WL_V_TEXT, 0, s, n};
}

/* s[0..n), a number formatted by the caller (see WL_V_NUM). */
static inline wl_val wl_v_num(const char *s, size_t n)
{
	if (!s)
		return wl_v_null();
	return (wl_val){WL_V_NUM, 0, s, n};
}

typedef struct wl_out wl_out;

/* A writer printing to f (borrowed; must outlive the writer). Caller owns
 * the result; free with wl_out_close. NULL when out of memory. */
wl_out *wl_out_open(FILE *f, wl_outfmt fmt);

/* Start the output: ncols column names (ASCII; borrowed until wl_out_end).
 * Returns WL_OK or WL_E_NOMEM / WL_E_IO. */
wl_status wl_out_begin(wl_out *o, const char *const *cols, size_t ncols);

/* One row of exactly ncols values. A table is printed in batches of at most
 * WL_OUT_TABLE_ROWS rows / WL_OUT_TABLE_BYTES bytes: column widths are
 * measured over the first batch and only grow afterwards. Returns WL_OK,
 * WL_E_NOMEM, or WL_E_IO when the stream reports a write error. */
wl_status wl_out_row(wl_out *o, const wl_val *vals);

/* Finish the output (prints a table's buffered rows, closes the JSON array)
 * and flush the stream. Returns WL_OK or WL_E_IO. */
wl_status wl_out_end(wl_out *o);

/* Free the writer; NULL is a no-op. Does not close the stream. */
void wl_out_close(wl_out *o);

/* Write s[0..n) to f as HTML text (element content or a quoted attribute
 * value): & < > " ' as entities, control characters and invalid UTF-8 as
 * U+FFFD, TAB/CR/LF as a space. For report --html's own markup. */
void wl_out_html_text(FILE *f, const char *s, size_t n);

/* A table buffers rows to measure column widths. Rows: enough for any
 * report on one screen and far beyond; a `guid` listing of thousands of
 * lines goes out in batches instead of growing without bound. Bytes: 10000
 * rows of WL_RAW_MAX-long messages would be 40 MiB; 8 MiB bounds it. */
#define WL_OUT_TABLE_ROWS 10000u
#define WL_OUT_TABLE_BYTES (8u * 1024u * 1024u)

#endif
