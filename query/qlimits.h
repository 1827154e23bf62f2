/* Caps and fixed windows of wsuslog-query's reports, each with its reason
 * (docs/STYLE.md, "Limits"). The index-wide caps are in include/wsuslog/limits.h; these
 * only bound what a report holds in memory or how far it looks. */
#ifndef WSUSLOG_QUERY_QLIMITS_H
#define WSUSLOG_QUERY_QLIMITS_H

#include <stdint.h>

#define WL_Q_US_PER_MIN (INT64_C(60) * 1000000)
#define WL_Q_US_PER_DAY (INT64_C(86400) * 1000000)

/* timeline: buckets held to scale the bars and fill gaps (24 bytes each).
 * 200 000 hours are 22 years; a longer span is an error asking for a
 * coarser --by or a --since/--until window. */
#define WL_Q_TIMELINE_ROWS_MAX 200000u
/* A run of empty buckets longer than this is not filled with zero rows (a
 * single line with a bogus year must not print 10^5 empty hours); the jump
 * in `bucket` shows the gap. */
#define WL_Q_TIMELINE_GAP_FILL_MAX 1000u
/* Width of a timeline bar in terminal cells. */
#define WL_Q_TIMELINE_BAR_CELLS 40u

/* incident: context lines taken around each client-side record of the
 * fault, in the same source. Events are only the error lines, so +-20 lines
 * of the log hold a scan's PT/WS/Agent failure block with room to spare. */
#define WL_Q_INCIDENT_CONTEXT_LINES 20
/* incident: the client+time fallback window. Client clocks are converted to
 * UTC by the indexer; 5 minutes covers clock skew and the SOAP round trip
 * without reaching the client's next scan (hours later). */
#define WL_Q_INCIDENT_FALLBACK_US (5 * WL_Q_US_PER_MIN)
/* incident: rows held for sorting. One fault has a handful of records and
 * each client record at most 2*20+1 context lines; 10 000 is far above any
 * real fault and bounds a GUID that some corrupt log repeats everywhere. */
#define WL_Q_INCIDENT_ROWS_MAX 10000u

/* capacity --counts: the CSV exported from SUSDB or the client datastore.
 * A line is a GUID and two numbers; 4 KiB allows generous quoting and
 * spaces. 10^7 clients is ten times the largest WSUS hierarchy. */
#define WL_Q_COUNTS_LINE_MAX 4096u
#define WL_Q_COUNTS_ROWS_MAX 10000000u
/* The biggest count a client can have: far above any real datastore (the
 * whole Microsoft Update catalogue has under 10^7 updates). */
#define WL_Q_COUNTS_VALUE_MAX INT64_C(1000000000)

/* sql: columns of an analyst's statement held per row (SQLite's own
 * default SQLITE_MAX_COLUMN). */
#define WL_Q_SQL_COLUMNS_MAX 2000

/* capacity: distinct web.config values per server and parameter that
 * rates_by_value splits the time line into; more changes than this in one
 * index is an error, not a silently shortened string. */
#define WL_Q_CONFIG_SEGMENTS_MAX 64u

/* The widest chart, in days: beyond it a chart covers the days with hits
 * rather than the whole data span (bars would be thinner than a pixel). */
#define WL_HTML_CHART_DAYS_MAX 1000

/* The biggest string or blob a query may build: far above any log line
 * (WL_RAW_MAX 4 KiB) and any group_concat of a report, well below a size
 * that would exhaust memory (randomblob(2e9)). */
#define WL_SQL_LENGTH_MAX (64 * 1024 * 1024)

/* Configs held at once: one per web.config among the inputs; a site has a
 * few per server. */
#define WL_CONFIGS_MAX 100000u

/* ClickHouse: one statement's answer, held whole (reports read a few
 * thousand rows; `guid` and `sql` the most). Past it the report fails
 * with a message rather than growing without bound. */
#define WL_Q_CH_RESULT_MAX (512u * 1024u * 1024u)

/* ClickHouse: the statement text after the bound values are written in
 * (the longest dialect statement is about 8 KB; a bound value is a GUID,
 * a host name or a fault code). */
#define WL_Q_CH_SQL_MAX (256u * 1024u)

/* ClickHouse: how long a report waits to connect, and for its answer. */
#define WL_Q_CH_CONNECT_TIMEOUT_S 10L
#define WL_Q_CH_TIMEOUT_S 600L

/* clients: the HRESULTs top_codes lists per client, most failures first:
 * what fails most, short enough for a table cell. */
#define WL_CLIENTS_TOP_CODES 3

/* clients: the bytes of the host names and client ids it looks up, once
 * each (a host name is at most 255 bytes, a GUID 36): a million clients
 * on as many hosts use under 300 MB. Past it the report fails with a
 * message rather than growing without bound. */
#define WL_CLIENTS_NAMES_MAX (512u * 1024u * 1024u)

#endif
