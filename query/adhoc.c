/* `sql "SELECT ..."`: an analyst's own query, read-only by construction.
 * Four independent locks, so a gap in one is not a hole: the connection is
 * read-only (cli.c opens it SQLITE_OPEN_READONLY), an authorizer allows
 * only reading (SELECT, table reads, functions not on a deny list, a few
 * read-only PRAGMAs), the compiled statement must be one SQLite itself
 * calls read-only (this catches VACUUM INTO, which writes a new file
 * without any authorizer action), and extension loading, untrusted schema
 * and schema writes are switched off. Exactly one statement runs. */
#include "query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"

/* Functions an analyst never needs and an attacker would: they read or
 * write files, load code or swap the FTS tokenizer pointer. Most exist only
 * in the sqlite3 shell, but a build may register them. */
static const char *const denied_functions[] = {
    "load_extension",   "writefile",     "readfile",       "edit",
    "fts3_tokenizer",   "zipfile",       "sqlar_compress", "sqlar_uncompress",
    "shell_add_schema", "sqlite_dbdata", "sqlite_dbptr",
};

/* PRAGMAs that only read the schema. user_version only without a value. */
static const char *const allowed_pragmas[] = {"table_info", "index_list", "user_version"};

typedef struct guard {
	char why[160]; /* the refusal the message names */
	int why_is_ddl;
} guard;

static const char *action_name(int action)
{
	switch (action) {
	case SQLITE_ATTACH:
		return "ATTACH";
	case SQLITE_DETACH:
		return "DETACH";
	case SQLITE_TRANSACTION:
		return "a transaction statement";
	case SQLITE_SAVEPOINT:
		return "SAVEPOINT";
	case SQLITE_ALTER_TABLE:
		return "ALTER TABLE";
	case SQLITE_ANALYZE:
		return "ANALYZE";
	case SQLITE_REINDEX:
		return "REINDEX";
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_VTABLE:
		return "CREATE";
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_VTABLE:
		return "DROP";
	default:
		return "this statement";
	}
}

/* Record why and refuse. The first refusal is named, except that a CREATE
 * or DROP replaces the INSERT/DELETE on sqlite_master SQLite checks first
 * ("CREATE is not allowed" is what the user typed). */
static int deny(guard *g, const char *what, const char *name, int ddl)
{
	if (g->why[0] == '\0' || (ddl && !g->why_is_ddl)) {
		snprintf(g->why, sizeof g->why, "%s%s%s is not allowed", what, name ? " " : "",
		         name ? name : "");
		g->why_is_ddl = ddl;
	}
	return SQLITE_DENY;
}

/* The authorizer: an allow list; everything else is refused. Arguments as
 * documented for sqlite3_set_authorizer. */
static int authorize(void *ctx, int action, const char *a3, const char *a4, const char *dbname,
                     const char *trigger)
{
	guard *g = ctx;
	(void)dbname;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		for (size_t i = 0; i < sizeof denied_functions / sizeof denied_functions[0]; i++)
			if (a4 && strcasecmp(a4, denied_functions[i]) == 0)
				return deny(g, "the function", a4, 0);
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		for (size_t i = 0; i < sizeof allowed_pragmas / sizeof allowed_pragmas[0]; i++)
			if (a3 && strcasecmp(a3, allowed_pragmas[i]) == 0 &&
			    !(strcasecmp(a3, "user_version") == 0 && a4))
				return SQLITE_OK;
		return deny(g, "PRAGMA", a3 ? a3 : "?", 0);
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/* SQLite checks the write to the schema table before the
		 * CREATE/DROP itself, and stops at the first refusal. */
		if (a3 && (strcasecmp(a3, "sqlite_master") == 0 ||
		           strcasecmp(a3, "sqlite_temp_master") == 0))
			return deny(g, "changing the schema (CREATE, DROP, ANALYZE)", NULL, 1);
		return deny(g,
		            action == SQLITE_INSERT   ? "INSERT into"
		            : action == SQLITE_UPDATE ? "UPDATE of"
		                                      : "DELETE from",
		            a3, 0);
	default: {
		const char *what = action_name(action);
		return deny(g, what, NULL,
		            strcmp(what, "CREATE") == 0 || strcmp(what, "DROP") == 0 ||
		                strcmp(what, "ALTER TABLE") == 0);
	}
	}
}

/* Only blanks, comments and semicolons after the statement. */
static int tail_is_empty(const char *p)
{
	while (*p) {
		if (isspace((unsigned char)*p) || *p == ';') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (!end)
				return 1; /* SQLite treats an open comment as ending the text */
			p = end + 2;
		} else {
			return 0;
		}
	}
	return 1;
}

static int lockdown(sqlite3 *db, guard *g)
{
	int off = 0, on = 1;
	/* Connect `events` (common/events_vtab.c) now: declaring a virtual
	 * table's columns is schema work the authorizer below would refuse
	 * when the user's statement names it first. An index without it fails
	 * at that statement, with SQLite's message. */
	sqlite3_exec(db, wl_sql_connect_events, NULL, NULL, NULL);
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &off) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK)
		return -1;
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &off) != SQLITE_OK)
		return -1;
#endif
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, WL_SQL_LENGTH_MAX);
	return sqlite3_set_authorizer(db, authorize, g) == SQLITE_OK ? 0 : -1;
}

/* One result cell. Floats print with up to 17 significant digits (enough
 * to read back the same double); blobs as X'..' hex, the SQL literal
 * spelling. */
static wl_status cell(wl_qstmt *st, int i, wl_val *v, wl_qbuf *scratch, size_t *off)
{
	switch (wl_qstmt_column_type(st, i)) {
	case SQLITE_INTEGER:
		*v = wl_v_int(wl_qstmt_column_int64(st, i));
		return WL_OK;
	case SQLITE_NULL:
		*v = wl_v_null();
		return WL_OK;
	case SQLITE_FLOAT: {
		char num[40];
		double d = wl_qstmt_column_double(st, i);
		/* The shortest of 15 or 17 digits that reads back as d: 0.1,
		 * not 0.10000000000000001. */
		int k = snprintf(num, sizeof num, "%.15g", d);
		if (strtod(num, NULL) != d)
			k = snprintf(num, sizeof num, "%.17g", d);
		if (d != d || k <= 0 || strpbrk(num, "in")) { /* NaN, inf */
			*v = wl_v_null();
			return WL_OK;
		}
		*off = scratch->n;
		wl_status rc = wl_qbuf_add(scratch, num, (size_t)k);
		*v = (wl_val){WL_V_NUM, 0, NULL, (size_t)k};
		return rc;
	}
	case SQLITE_BLOB: {
		const unsigned char *b = wl_qstmt_column_text(st, i);
		size_t n = (size_t)wl_qstmt_column_bytes(st, i);
		static const char hex[] = "0123456789ABCDEF";
		*off = scratch->n;
		wl_status rc = wl_qbuf_add(scratch, "X'", 2);
		for (size_t k = 0; k < n && rc == WL_OK; k++) {
			char h[2] = {hex[b[k] >> 4], hex[b[k] & 15]};
			rc = wl_qbuf_add(scratch, h, 2);
		}
		if (rc == WL_OK)
			rc = wl_qbuf_add(scratch, "'", 1);
		*v = (wl_val){WL_V_TEXT, 0, NULL, scratch->n - *off};
		return rc;
	}
	default: {
		const char *s = (const char *)wl_qstmt_column_text(st, i);
		*v = wl_v_text(s ? s : "", (size_t)wl_qstmt_column_bytes(st, i));
		return WL_OK;
	}
	}
}

/* Prepare sql on SQLite, locked down, with every check of the header.
 * Returns WL_OK, WL_E_USAGE (refused; reason in err) or WL_E_DB. */
static wl_status prepare_sqlite(wl_qdb *db, const char *sql, wl_qstmt **out, char *err,
                                size_t errlen)
{
	guard g = {{0}, 0};
	sqlite3 *conn = wl_qdb_sqlite(db);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	if (lockdown(conn, &g) != 0)
		return wl_qdb_error(db, err, errlen);
	if (sqlite3_prepare_v2(conn, sql, -1, &st, &tail) != SQLITE_OK) {
		if (g.why[0])
			snprintf(err, errlen, "%s (read-only SQL: one SELECT statement)", g.why);
		else
			snprintf(err, errlen, "%s", sqlite3_errmsg(conn));
		return WL_E_USAGE;
	}
	if (!st) {
		snprintf(err, errlen, "no SQL statement given");
		return WL_E_USAGE;
	}
	const char *why = NULL;
	if (tail && !tail_is_empty(tail))
		why = "only one statement may run; remove what follows the first ';'";
	else if (!sqlite3_stmt_readonly(st))
		why = "the statement would write (read-only SQL: one SELECT statement)";
	if (why) {
		sqlite3_finalize(st);
		snprintf(err, errlen, "%s", why);
		return WL_E_USAGE;
	}
	*out = wl_qstmt_wrap_sqlite(db, st);
	return *out ? WL_OK : WL_E_NOMEM;
}

/* On ClickHouse the server is the guard: the statement runs with
 * readonly=1 and one statement per request. A statement the server
 * refuses or cannot parse is a usage error; a server that cannot be
 * reached is not. */
static wl_status prepare_other(wl_qdb *db, const char *sql, wl_qstmt **out, char *err,
                               size_t errlen)
{
	if (tail_is_empty(sql)) {
		snprintf(err, errlen, "no SQL statement given");
		return WL_E_USAGE;
	}
	int r = wl_qstmt_prepare_user(db, sql, out);
	if (r == SQLITE_OK)
		return WL_OK;
	snprintf(err, errlen, "%s", wl_qdb_errmsg(db));
	return r == SQLITE_ERROR ? WL_E_USAGE : WL_E_DB;
}

wl_status wl_report_sql(wl_qdb *db, const char *sql, wl_out *o, char *err, size_t errlen)
{
	wl_qstmt *st = NULL;
	const char **cols = NULL;
	wl_val *v = NULL;
	size_t *off = NULL;
	wl_qbuf scratch = {0};
	wl_status rc = wl_qdb_sqlite(db) ? prepare_sqlite(db, sql, &st, err, errlen)
	                                 : prepare_other(db, sql, &st, err, errlen);
	if (rc != WL_OK)
		goto out;
	int ncols = wl_qstmt_column_count(st);
	if (ncols == 0) {
		snprintf(err, errlen, "the statement returns no columns");
		rc = WL_E_USAGE;
		goto out;
	}
	if (ncols > WL_Q_SQL_COLUMNS_MAX) {
		snprintf(err, errlen, "more than %d columns", WL_Q_SQL_COLUMNS_MAX);
		rc = WL_E_USAGE;
		goto out;
	}
	cols = calloc((size_t)ncols, sizeof *cols);
	v = calloc((size_t)ncols, sizeof *v);
	off = calloc((size_t)ncols, sizeof *off);
	if (!cols || !v || !off) {
		rc = WL_E_NOMEM;
		goto out;
	}
	for (int i = 0; i < ncols; i++) {
		cols[i] = wl_qstmt_column_name(st, i);
		if (!cols[i]) {
			rc = WL_E_NOMEM;
			goto out;
		}
	}
	rc = wl_out_begin(o, cols, (size_t)ncols);
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		scratch.n = 0;
		for (int i = 0; i < ncols && rc == WL_OK; i++)
			rc = cell(st, i, &v[i], &scratch, &off[i]);
		if (rc == WL_E_TOO_BIG)
			snprintf(err, errlen, "a value exceeds %u bytes", WL_QBUF_MAX);
		if (rc != WL_OK)
			break;
		/* Cells kept in scratch point into it only now that it has
		 * stopped moving. */
		for (int i = 0; i < ncols; i++)
			if (v[i].s == NULL && (v[i].type == WL_V_NUM || v[i].type == WL_V_TEXT))
				v[i].s = scratch.p + off[i];
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	wl_qstmt_finalize(st);
	free(cols);
	free(v);
	free(off);
	wl_qbuf_free(&scratch);
	return rc;
}
