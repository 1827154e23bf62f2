/* Every SQL statement of wsuslog-query (docs/STYLE.md, "SQL": all SQL text in one
 * file, values always bound, no text built at run time). Each statement
 * documents its named parameters and result columns in query_sql.c. */
#ifndef WSUSLOG_QUERY_SQL_H
#define WSUSLOG_QUERY_SQL_H

extern const char wl_sql_limit_records[];
extern const char wl_sql_host_name[];
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

#endif
