/* The SQLite engine of qengine.h: each call is the sqlite3_* call it is
 * named after, so reports behave exactly as they did on sqlite3_stmt. */
#include <stdlib.h>

#include "qengine.h"
#include "query_sql.h"
#include "wsuslog/event_block.h"

typedef struct sq_db {
	wl_qdb head;
	int owned; /* close the connection with the handle */
} sq_db;

typedef struct sq_stmt {
	wl_qstmt head;
	sqlite3_stmt *st;
} sq_stmt;

static sqlite3_stmt *S(wl_qstmt *st)
{
	return ((sq_stmt *)st)->st;
}

static int sq_prepare(wl_qdb *db, const char *sql, int user, wl_qstmt **out)
{
	/* adhoc.c locks the connection down itself for the user's SQL. A
	 * statement of query_sql.c runs as its summary twin where it has one
	 * (wl_sql_pick; docs/SCHEMA.md, "Summaries"): summaries are this
	 * engine's, ClickHouse answers from its raw tables. */
	if (!user)
		sql = wl_sql_pick(sql);
	sq_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return SQLITE_NOMEM;
	s->head.db = db;
	int rc = sqlite3_prepare_v2(db->sqlite, sql, -1, &s->st, NULL);
	if (rc != SQLITE_OK || !s->st) {
		sqlite3_finalize(s->st);
		free(s);
		return rc != SQLITE_OK ? rc : SQLITE_MISUSE;
	}
	*out = &s->head;
	return SQLITE_OK;
}

static int sq_step(wl_qstmt *st)
{
	return sqlite3_step(S(st));
}

static int sq_reset(wl_qstmt *st)
{
	return sqlite3_reset(S(st));
}

static void sq_finalize(wl_qstmt *st)
{
	sqlite3_finalize(S(st));
	free(st);
}

static int sq_param_count(wl_qstmt *st)
{
	return sqlite3_bind_parameter_count(S(st));
}

static const char *sq_param_name(wl_qstmt *st, int i)
{
	return sqlite3_bind_parameter_name(S(st), i);
}

static int sq_bind_int64(wl_qstmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(S(st), i, v);
}

static int sq_bind_text(wl_qstmt *st, int i, const char *v, int n)
{
	return sqlite3_bind_text(S(st), i, v, n, SQLITE_TRANSIENT);
}

static int sq_bind_null(wl_qstmt *st, int i)
{
	return sqlite3_bind_null(S(st), i);
}

static int sq_column_count(wl_qstmt *st)
{
	return sqlite3_column_count(S(st));
}

static const char *sq_column_name(wl_qstmt *st, int i)
{
	return sqlite3_column_name(S(st), i);
}

static int sq_column_type(wl_qstmt *st, int i)
{
	return sqlite3_column_type(S(st), i);
}

static int64_t sq_column_int64(wl_qstmt *st, int i)
{
	return sqlite3_column_int64(S(st), i);
}

static double sq_column_double(wl_qstmt *st, int i)
{
	return sqlite3_column_double(S(st), i);
}

static const unsigned char *sq_column_text(wl_qstmt *st, int i)
{
	return sqlite3_column_text(S(st), i);
}

static int sq_column_bytes(wl_qstmt *st, int i)
{
	return sqlite3_column_bytes(S(st), i);
}

static const char *sq_errmsg(wl_qdb *db)
{
	return db->sqlite ? sqlite3_errmsg(db->sqlite) : "out of memory";
}

static void sq_close(wl_qdb *db)
{
	if (((sq_db *)db)->owned)
		sqlite3_close(db->sqlite);
	free(db);
}

static const wl_qengine sqlite_engine = {
    .name = "sqlite",
    .prepare = sq_prepare,
    .step = sq_step,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .param_count = sq_param_count,
    .param_name = sq_param_name,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column_type = sq_column_type,
    .column_int64 = sq_column_int64,
    .column_double = sq_column_double,
    .column_text = sq_column_text,
    .column_bytes = sq_column_bytes,
    .errmsg = sq_errmsg,
    .close = sq_close,
};

static sq_db *sq_new(sqlite3 *conn, int owned)
{
	/* `events` reads the event blocks through the module (every report
	 * and `sql` name the table). A failure shows at the first statement
	 * that names it. */
	if (conn)
		wl_events_vtab_register(conn);
	sq_db *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->head.e = &sqlite_engine;
	d->head.sqlite = conn;
	d->owned = owned;
	return d;
}

int wl_qdb_open_sqlite(const char *path, int busy_ms, wl_qdb **db)
{
	sqlite3 *conn = NULL;
	/* NOMUTEX: a report runs on one thread. SQLite's default serialized
	 * mode takes the connection's mutex in every step and column call:
	 * stepping the 550 k evidence rows of `clients` over a 2.5-day window
	 * of 10.5 M events took 0.68 s with it, 0.58 s without. */
	int rc = sqlite3_open_v2(path, &conn, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	sq_db *d = sq_new(conn, 1);
	if (!d) {
		sqlite3_close(conn);
		*db = NULL;
		return SQLITE_NOMEM;
	}
	*db = &d->head;
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(conn, busy_ms);
	return rc;
}

wl_qdb *wl_qdb_wrap_sqlite(sqlite3 *conn)
{
	sq_db *d = sq_new(conn, 0);
	return d ? &d->head : NULL;
}

wl_qstmt *wl_qstmt_wrap_sqlite(wl_qdb *db, sqlite3_stmt *st)
{
	sq_stmt *s = calloc(1, sizeof *s);
	if (!s) {
		sqlite3_finalize(st);
		return NULL;
	}
	s->head.db = db;
	s->st = st;
	return &s->head;
}
