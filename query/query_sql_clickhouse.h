/* The ClickHouse dialect of query_sql.c's statements (docs/CLICKHOUSE.md, "Reading"). */
#ifndef WSUSLOG_QUERY_SQL_CLICKHOUSE_H
#define WSUSLOG_QUERY_SQL_CLICKHOUSE_H

/* The dialect text of sqlite_text (one of query_sql.c's arrays, matched by
 * address), or NULL when it has none. */
const char *wl_sql_clickhouse(const char *sqlite_text);

/* One row, one column: the schema version of the index in the connection's
 * database, NULL or no row when there is none. */
extern const char wl_sql_clickhouse_version[];

#endif
