/* The query engine interface: what the reports of wsuslog-query need from a
 * database, so the same report code runs on SQLite (qengine_sqlite.c, a
 * thin pass-through) and on ClickHouse (qengine_clickhouse.c, over HTTP).
 *
 * It is the subset of SQLite's statement API the reports use, with SQLite's
 * vocabulary: wl_qstmt_step returns SQLITE_ROW / SQLITE_DONE / an error code,
 * binds return SQLITE_OK or an error code, wl_qstmt_column_type returns
 * SQLITE_NULL / SQLITE_INTEGER / SQLITE_FLOAT / SQLITE_TEXT / SQLITE_BLOB.
 * Reports name a statement by its SQLite text (an array of query_sql.c); an
 * engine with another dialect looks that text up by address
 * (query_sql_clickhouse.c), so a statement has one name and one place per
 * dialect. Parameters are named (":since") or positional ("?"), 1-based. */
#ifndef WSUSLOG_QUERY_QENGINE_H
#define WSUSLOG_QUERY_QENGINE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

typedef struct wl_qdb wl_qdb;
typedef struct wl_qstmt wl_qstmt;

/* One engine's operations; every statement call goes through its db's. */
typedef struct wl_qengine {
	const char *name; /* "sqlite", "clickhouse" */
	/* user: an analyst's statement (`sql`), taken as given, read-only. */
	int (*prepare)(wl_qdb *db, const char *sql, int user, wl_qstmt **st);
	int (*step)(wl_qstmt *st);
	int (*reset)(wl_qstmt *st);
	void (*finalize)(wl_qstmt *st);
	int (*param_count)(wl_qstmt *st);
	const char *(*param_name)(wl_qstmt *st, int i);
	int (*bind_int64)(wl_qstmt *st, int i, int64_t v);
	int (*bind_text)(wl_qstmt *st, int i, const char *v, int n);
	int (*bind_null)(wl_qstmt *st, int i);
	int (*column_count)(wl_qstmt *st);
	const char *(*column_name)(wl_qstmt *st, int i);
	int (*column_type)(wl_qstmt *st, int i);
	int64_t (*column_int64)(wl_qstmt *st, int i);
	double (*column_double)(wl_qstmt *st, int i);
	const unsigned char *(*column_text)(wl_qstmt *st, int i);
	int (*column_bytes)(wl_qstmt *st, int i);
	const char *(*errmsg)(wl_qdb *db);
	void (*close)(wl_qdb *db);
} wl_qengine;

/* The common head of every engine's connection and statement. */
struct wl_qdb {
	const wl_qengine *e;
	sqlite3 *sqlite; /* the SQLite connection; NULL on other engines */
};
struct wl_qstmt {
	wl_qdb *db;
};

/* Open the SQLite index at path read-only (never created) with the busy
 * timeout of a report, or wrap an open connection (borrowed: close leaves
 * it open; the tests use this). *db is set even on failure when memory
 * allowed (its errmsg says why); caller closes with wl_qdb_close. Return
 * SQLITE_OK or an error code. */
int wl_qdb_open_sqlite(const char *path, int busy_ms, wl_qdb **db);
wl_qdb *wl_qdb_wrap_sqlite(sqlite3 *conn);

/* Connect to ClickHouse at url (http://host:port[/][?database=NAME]; the
 * database defaults to wsuslog) and check that it holds a wsuslog index of
 * this schema version. Returns WL_OK, or WL_E_DB / WL_E_NOMEM with the
 * reason in err; *db is NULL then. */
wl_status wl_qdb_open_clickhouse(const char *url, wl_qdb **db, char *err, size_t errlen);

/* NULL is a no-op. */
void wl_qdb_close(wl_qdb *db);
const char *wl_qdb_errmsg(wl_qdb *db);
/* The SQLite connection under db, or NULL on another engine. */
sqlite3 *wl_qdb_sqlite(wl_qdb *db);

/* Prepare one statement of query_sql.c (the engine's dialect of it) into
 * *st (caller finalizes). Returns SQLITE_OK or an error code (errmsg). */
int wl_qstmt_prepare(wl_qdb *db, const char *sql, wl_qstmt **st);
/* Prepare an analyst's statement as given (`sql`): on ClickHouse it runs
 * with readonly=1, so the server refuses any write. */
int wl_qstmt_prepare_user(wl_qdb *db, const char *sql, wl_qstmt **st);

/* A statement prepared with sqlite3 on db's connection, taking ownership
 * (finalized even when NULL is returned for lack of memory). */
wl_qstmt *wl_qstmt_wrap_sqlite(wl_qdb *db, sqlite3_stmt *st);

int wl_qstmt_step(wl_qstmt *st);
int wl_qstmt_reset(wl_qstmt *st);     /* bindings are kept */
void wl_qstmt_finalize(wl_qstmt *st); /* NULL is a no-op */

int wl_qstmt_bind_parameter_count(wl_qstmt *st);
const char *wl_qstmt_bind_parameter_name(wl_qstmt *st, int i);     /* ":name"; NULL for "?" */
int wl_qstmt_bind_parameter_index(wl_qstmt *st, const char *name); /* 0: none */
int wl_qstmt_bind_int64(wl_qstmt *st, int i, int64_t v);
int wl_qstmt_bind_int(wl_qstmt *st, int i, int v);
/* v is copied or must outlive the statement (SQLite: SQLITE_STATIC); n < 0:
 * up to the NUL. */
int wl_qstmt_bind_text(wl_qstmt *st, int i, const char *v, int n);
int wl_qstmt_bind_null(wl_qstmt *st, int i);

/* Result columns of the current row; text and names are borrowed until the
 * next step, reset or finalize. */
int wl_qstmt_column_count(wl_qstmt *st);
const char *wl_qstmt_column_name(wl_qstmt *st, int i);
int wl_qstmt_column_type(wl_qstmt *st, int i);
int64_t wl_qstmt_column_int64(wl_qstmt *st, int i);
int wl_qstmt_column_int(wl_qstmt *st, int i);
double wl_qstmt_column_double(wl_qstmt *st, int i);
const unsigned char *wl_qstmt_column_text(wl_qstmt *st, int i);
int wl_qstmt_column_bytes(wl_qstmt *st, int i);

#endif
