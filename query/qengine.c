/* The engine-neutral calls of qengine.h: each forwards to the engine that
 * opened the connection. Reports call these, never an engine directly. */
#include "qengine.h"

#include <string.h>

void wl_qdb_close(wl_qdb *db)
{
	if (db)
		db->e->close(db);
}

const char *wl_qdb_errmsg(wl_qdb *db)
{
	return db ? db->e->errmsg(db) : "out of memory";
}

sqlite3 *wl_qdb_sqlite(wl_qdb *db)
{
	return db->sqlite;
}

int wl_qstmt_prepare(wl_qdb *db, const char *sql, wl_qstmt **st)
{
	*st = NULL;
	return db->e->prepare(db, sql, 0, st);
}

int wl_qstmt_prepare_user(wl_qdb *db, const char *sql, wl_qstmt **st)
{
	*st = NULL;
	return db->e->prepare(db, sql, 1, st);
}

int wl_qstmt_step(wl_qstmt *st)
{
	return st->db->e->step(st);
}

int wl_qstmt_reset(wl_qstmt *st)
{
	return st->db->e->reset(st);
}

void wl_qstmt_finalize(wl_qstmt *st)
{
	if (st)
		st->db->e->finalize(st);
}

int wl_qstmt_bind_parameter_count(wl_qstmt *st)
{
	return st->db->e->param_count(st);
}

const char *wl_qstmt_bind_parameter_name(wl_qstmt *st, int i)
{
	return st->db->e->param_name(st, i);
}

int wl_qstmt_bind_parameter_index(wl_qstmt *st, const char *name)
{
	int n = wl_qstmt_bind_parameter_count(st);
	for (int i = 1; i <= n; i++) {
		const char *p = wl_qstmt_bind_parameter_name(st, i);
		if (p && strcmp(p, name) == 0)
			return i;
	}
	return 0;
}

int wl_qstmt_bind_int64(wl_qstmt *st, int i, int64_t v)
{
	return st->db->e->bind_int64(st, i, v);
}

int wl_qstmt_bind_int(wl_qstmt *st, int i, int v)
{
	return st->db->e->bind_int64(st, i, v);
}

int wl_qstmt_bind_text(wl_qstmt *st, int i, const char *v, int n)
{
	return st->db->e->bind_text(st, i, v, n);
}

int wl_qstmt_bind_null(wl_qstmt *st, int i)
{
	return st->db->e->bind_null(st, i);
}

int wl_qstmt_column_count(wl_qstmt *st)
{
	return st->db->e->column_count(st);
}

const char *wl_qstmt_column_name(wl_qstmt *st, int i)
{
	return st->db->e->column_name(st, i);
}

int wl_qstmt_column_type(wl_qstmt *st, int i)
{
	return st->db->e->column_type(st, i);
}

int64_t wl_qstmt_column_int64(wl_qstmt *st, int i)
{
	return st->db->e->column_int64(st, i);
}

int wl_qstmt_column_int(wl_qstmt *st, int i)
{
	return (int)st->db->e->column_int64(st, i);
}

double wl_qstmt_column_double(wl_qstmt *st, int i)
{
	return st->db->e->column_double(st, i);
}

const unsigned char *wl_qstmt_column_text(wl_qstmt *st, int i)
{
	return st->db->e->column_text(st, i);
}

int wl_qstmt_column_bytes(wl_qstmt *st, int i)
{
	return st->db->e->column_bytes(st, i);
}
