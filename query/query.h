/* Internal interface of wsuslog-query: the command line (cli.c), the
 * reports (report.c) and the time syntax (qtime.c). Reports read the index
 * through query_sql.c and print through output.h. */
#ifndef WSUSLOG_QUERY_QUERY_H
#define WSUSLOG_QUERY_QUERY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "wsuslog/event.h"
#include "wsuslog/status.h"

/* Run the program: argv as given to main, report on out, messages on err
 * (both borrowed). Returns the exit code (WL_EXIT_OK, WL_EXIT_USAGE,
 * WL_EXIT_FATAL). Keeps no state between calls, so tests call it directly. */
int wl_query_run(int argc, char **argv, FILE *out, FILE *err);

/* Filters shared by the reports. A report applies the ones it documents. */
typedef struct wl_qfilter {
	int has_since, has_until;
	int64_t since_us;   /* inclusive, UTC microseconds since 1970 */
	int64_t until_us;   /* exclusive */
	const char *server; /* host name, any case; NULL for all (borrowed) */
} wl_qfilter;

typedef enum wl_errors_by {
	WL_BY_CODE = 0,
	WL_BY_SERVER = 1,
	WL_BY_CLIENT = 2,
} wl_errors_by;

/* Each report runs its query on db (borrowed) and hands the rows to o
 * between wl_out_begin and wl_out_end. Returns WL_OK, WL_E_DB (message in
 * err), WL_E_NOMEM or WL_E_IO (output stream failed). */
wl_status wl_report_limits(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_errors(sqlite3 *db, const wl_qfilter *f, wl_errors_by by, wl_out *o, char *err,
                           size_t errlen);
wl_status wl_report_guid(sqlite3 *db, const wl_guid *g, wl_out *o, char *err, size_t errlen);

/* Parse a UTC time given on the command line: YYYY-MM-DD,
 * YYYY-MM-DDTHH:MM[:SS][Z] or YYYY-MM-DD HH:MM[:SS][Z]. A date alone is the
 * start of that day, or with end_of_day set the start of the next day (so
 * an exclusive --until DATE includes DATE). Returns 0 and sets *us, or -1
 * if s is malformed or names no real date/time. */
int wl_qtime_parse(const char *s, int end_of_day, int64_t *us);

/* Bytes wl_qtime_format needs for any input, NUL included. */
#define WL_QTIME_BUF 32

/* Write us (microseconds since 1970 UTC) as YYYY-MM-DDTHH:MM:SSZ to buf
 * (at least WL_QTIME_BUF bytes), sub-seconds dropped (rounded towards the
 * past). Returns the length. */
size_t wl_qtime_format(int64_t us, char *buf, size_t n);

/* Bytes wl_qcode_format needs, NUL included. */
#define WL_QCODE_BUF 9

/* An HRESULT as 8 upper-case hex digits without 0x. Only the low 32 bits
 * count, so a code stored signed (-2145107961) prints like its unsigned
 * twin (80244007). Returns the length (8). */
size_t wl_qcode_format(int64_t code, char *buf, size_t n);

#endif
