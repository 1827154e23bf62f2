/* Internal interface of wsuslog-query: the command line (cli.c), the
 * reports (report.c) and the time syntax (qtime.c). Reports read the index
 * through query_sql.c and print through output.h. */
#ifndef WSUSLOG_QUERY_QUERY_H
#define WSUSLOG_QUERY_QUERY_H

#include "qengine.h"
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
	int has_code;
	uint32_t code; /* timeline --code: an HRESULT */
} wl_qfilter;

typedef enum wl_bucket {
	WL_BUCKET_HOUR = 0,
	WL_BUCKET_DAY = 1,
	WL_BUCKET_WEEK = 2, /* ISO week: starts Monday 00:00 UTC */
} wl_bucket;

/* capacity --counts: the true per-client counts an admin exported (from
 * SUSDB or the client datastore), loaded by wl_counts_load. */
typedef struct wl_counts {
	int64_t *prereq; /* installed non-leaf update IDs, one per client */
	int64_t *cached; /* other cached update IDs */
	size_t n;
	int64_t percentile_u;                        /* P in millionths: 99 -> 99000000 */
	int64_t headroom_u;                          /* H in millionths: 0.25 -> 250000 */
	const char *percentile_text, *headroom_text; /* as given; borrowed */
} wl_counts;

typedef enum wl_errors_by {
	WL_BY_CODE = 0,
	WL_BY_SERVER = 1,
	WL_BY_CLIENT = 2,
} wl_errors_by;

/* Each report runs its query on db (borrowed) and hands the rows to o
 * between wl_out_begin and wl_out_end. Returns WL_OK, WL_E_DB (message in
 * err), WL_E_NOMEM or WL_E_IO (output stream failed). */
wl_status wl_report_limits(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_errors(wl_qdb *db, const wl_qfilter *f, wl_errors_by by, wl_out *o, char *err,
                           size_t errlen);
wl_status wl_report_guid(wl_qdb *db, const wl_guid *g, wl_out *o, char *err, size_t errlen);

/* fleet.c: per server, per client, over time, and the problems table.
 * timeline draws a bar column when bars is set (the table on a
 * terminal). */
wl_status wl_report_servers(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_clients(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_timeline(wl_qdb *db, const wl_qfilter *f, wl_bucket by, int bars, wl_out *o,
                             char *err, size_t errlen);
wl_status wl_report_problems(wl_qdb *db, wl_out *o, char *err, size_t errlen);

/* incident.c: one fault, both sides, with context and the client+time
 * fallback. */
wl_status wl_report_incident(wl_qdb *db, const wl_guid *g, wl_out *o, char *err, size_t errlen);

/* adhoc.c: one read-only SELECT of an analyst. Locks db down first
 * (authorizer, no extensions, defensive mode: db must not be used for
 * anything else afterwards). Returns WL_E_USAGE with the reason in err for
 * a statement that is refused or does not compile. */
wl_status wl_report_sql(wl_qdb *db, const char *sql, wl_out *o, char *err, size_t errlen);

/* capacity.c. The proxy disclaimer every capacity output carries. */
#define WL_PROXY_NOTE                                                                              \
	"Logs never record how many update IDs a client sent; evaluated/deployed/round trips are " \
	"proxies, not that count."
wl_status wl_report_capacity(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_proxies(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen);
wl_status wl_report_counts(wl_qdb *db, const wl_counts *c, wl_out *o, char *err, size_t errlen);

/* Read and check a counts CSV (header client_id,installed_non_leaf,cached).
 * On success c->prereq/cached/n are filled (caller frees with
 * wl_counts_free). Returns WL_OK; WL_E_USAGE for a malformed file or one
 * that cannot be opened (err names the file and line); WL_E_IO, WL_E_NOMEM
 * or WL_E_TOO_BIG. */
wl_status wl_counts_load(const char *path, wl_counts *c, char *err, size_t errlen);
void wl_counts_free(wl_counts *c);

/* A decimal as given on the command line ("99", "99.5", "0.25": digits,
 * at most one '.', at most 6 fractional digits) in millionths. Returns 0,
 * or -1 if s is anything else. */
int wl_qdec_parse(const char *s, int64_t *micro);

/* The smallest value covering P percent of v[0..n) (nearest rank; v is
 * sorted in place), times 1 + H rounded up to a multiple of step. P and H
 * in millionths. Exposed for the tests. */
int64_t wl_counts_percentile(int64_t *v, size_t n, int64_t percentile_u);
int64_t wl_counts_recommend(int64_t value, int64_t headroom_u, int64_t step);

/* html.c: the self-contained HTML report to html (borrowed). db_path is
 * printed in it. now_us: the generation time printed. */
wl_status wl_report_html(wl_qdb *db, const wl_qfilter *f, const char *db_path, int64_t now_us,
                         FILE *html, char *err, size_t errlen);

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
