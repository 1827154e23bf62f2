/* Every SQL statement of wsuslog-query (docs/STYLE.md, "SQL": all SQL text in one
 * file, values always bound, no text built at run time). Each statement
 * documents its named parameters and result columns in query_sql.c. */
#ifndef WSUSLOG_QUERY_SQL_H
#define WSUSLOG_QUERY_SQL_H

extern const char wl_sql_limit_records[];
extern const char wl_sql_host_name[];
extern const char wl_sql_guid_text[];
extern const char wl_sql_connect_events[];
extern const char wl_sql_errors_by_code[];
extern const char wl_sql_errors_by_server[];
extern const char wl_sql_errors_by_client[];
extern const char wl_sql_guid[];
extern const char wl_sql_servers[];
extern const char wl_sql_clients[];
extern const char wl_sql_timeline[];
extern const char wl_sql_problems[];
extern const char wl_sql_incident_records[];
extern const char wl_sql_incident_fallback[];
extern const char wl_sql_incident_context[];
extern const char wl_sql_capacity[];
extern const char wl_sql_capacity_rate[];
extern const char wl_sql_configs[];
extern const char wl_sql_proxies[];
extern const char wl_sql_daily_hits[];
extern const char wl_sql_overview[];

/* The statement to run for raw (one of the above): its twin over the
 * summary tables (docs/SCHEMA.md, "Summaries"), which gives the same rows,
 * or raw itself when it has none or when the environment variable
 * WSUSLOG_QUERY_RAW is set to anything but "" or "0" (the tests answer
 * every report both ways and compare). */
#define WL_QUERY_RAW_ENV "WSUSLOG_QUERY_RAW"
const char *wl_sql_pick(const char *raw);

#endif
