/* The reports of wsuslog-query: each binds its filters to one statement of
 * query_sql.c and turns the result rows into output cells. Semantics (what
 * is a fault, which server it belongs to) live in the SQL; this file only
 * converts: integer times to ISO 8601, HRESULTs to hex and names. */
#include "query.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "query_sql.h"
#include "wsuslog/hresult.h"
#include "wsuslog/schema.h"

/* The fault code that marks a limit record (MS-WUSP 2.2.2.4). */
#define FAULT_INVALID_PARAMETERS "InvalidParameters"

static wl_status db_error(sqlite3 *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	return WL_E_DB;
}

static int param(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);
	assert(i > 0 && "parameter missing from the statement");
	return i;
}

/* Bind text, or NULL when v is NULL. v must outlive the statement. */
static int bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = param(st, name);
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_int(sqlite3_stmt *st, const char *name, int has, int64_t v)
{
	int i = param(st, name);
	return has ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static int bind_span(sqlite3_stmt *st, const wl_qfilter *f)
{
	if (bind_int(st, ":since", f->has_since, f->since_us) != SQLITE_OK)
		return -1;
	if (bind_int(st, ":until", f->has_until, f->until_us) != SQLITE_OK)
		return -1;
	return 0;
}

static wl_val col_text(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	const char *s = (const char *)sqlite3_column_text(st, i);
	return wl_v_text(s, (size_t)sqlite3_column_bytes(st, i));
}

static wl_val col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	return wl_v_int(sqlite3_column_int64(st, i));
}

/* A time column as text in buf (WL_QTIME_BUF bytes). */
static wl_val col_time(sqlite3_stmt *st, int i, char *buf)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	size_t n = wl_qtime_format(sqlite3_column_int64(st, i), buf, WL_QTIME_BUF);
	return wl_v_text(buf, n);
}

/* An HRESULT column as hex in buf (WL_QCODE_BUF bytes); *name gets its
 * WU_E_* symbol when it has one. */
static wl_val col_code(sqlite3_stmt *st, int i, char *buf, wl_val *name)
{
	*name = wl_v_null();
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	int64_t v = sqlite3_column_int64(st, i);
	size_t n = wl_qcode_format(v, buf, WL_QCODE_BUF);
	const char *sym = wl_hresult_name((uint32_t)((uint64_t)v & 0xFFFFFFFFu));
	if (sym)
		*name = wl_v_text(sym, strlen(sym));
	return wl_v_text(buf, n);
}

/* Step st to the end, converting each row with fill() and writing it. */
typedef void (*fill_fn)(sqlite3_stmt *st, wl_val *v, void *ctx);

static wl_status run(sqlite3 *db, sqlite3_stmt *st, wl_out *o, const char *const *cols,
                     size_t ncols, fill_fn fill, void *ctx, char *err, size_t errlen)
{
	wl_val v[16];
	assert(ncols <= sizeof v / sizeof v[0]);
	wl_status rc = wl_out_begin(o, cols, ncols);
	if (rc != WL_OK)
		return rc;
	for (;;) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW)
			return db_error(db, err, errlen);
		fill(st, v, ctx);
		rc = wl_out_row(o, v);
		if (rc != WL_OK)
			return rc;
	}
	return wl_out_end(o);
}

/* ---- limits ---- */

static const char *const limits_cols[] = {
    "server", "parameter", "limit", "hits", "clients", "first_seen", "last_seen",
};

typedef struct time_bufs {
	char a[WL_QTIME_BUF], b[WL_QTIME_BUF];
} time_bufs;

static void limits_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	time_bufs *t = ctx;
	v[0] = col_text(st, 0);
	v[1] = col_text(st, 1);
	v[2] = col_text(st, 2);
	v[3] = col_int(st, 3);
	v[4] = col_int(st, 4);
	v[5] = col_time(st, 5, t->a);
	v[6] = col_time(st, 6, t->b);
}

wl_status wl_report_limits(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc;
	time_bufs t;
	if (sqlite3_prepare_v2(db, wl_sql_limits, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	if (bind_text(st, ":prereq", WL_PARAM_PREREQ) != SQLITE_OK ||
	    bind_text(st, ":cached", WL_PARAM_CACHED) != SQLITE_OK ||
	    bind_text(st, ":prereq_limit", WL_LIMIT_PREREQ) != SQLITE_OK ||
	    bind_text(st, ":cached_limit", WL_LIMIT_CACHED) != SQLITE_OK ||
	    bind_text(st, ":code", FAULT_INVALID_PARAMETERS) != SQLITE_OK ||
	    bind_int(st, ":server_role", 1, WL_ROLE_SERVER) != SQLITE_OK ||
	    bind_int(st, ":ts_max", 1, INT64_MAX) != SQLITE_OK ||
	    bind_text(st, ":server", f->server) != SQLITE_OK || bind_span(st, f) != 0) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	rc = run(db, st, o, limits_cols, sizeof limits_cols / sizeof limits_cols[0], limits_fill,
	         &t, err, errlen);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- errors ---- */

static const char *const errors_cols_code[] = {
    "code", "name", "events", "clients", "servers",
};
static const char *const errors_cols_server[] = {
    "server", "code", "name", "events", "clients", "servers",
};
static const char *const errors_cols_client[] = {
    "client_id", "host", "code", "name", "events", "clients", "servers",
};

typedef struct errors_ctx {
	size_t lead; /* columns before code: 0, 1 (server) or 2 (client, host) */
	char code[WL_QCODE_BUF];
} errors_ctx;

static void errors_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	errors_ctx *e = ctx;
	int k = (int)e->lead;
	for (int i = 0; i < k; i++)
		v[i] = col_text(st, i);
	v[k] = col_code(st, k, e->code, &v[k + 1]);
	v[k + 2] = col_int(st, k + 1);
	v[k + 3] = col_int(st, k + 2);
	v[k + 4] = col_int(st, k + 3);
}

wl_status wl_report_errors(sqlite3 *db, const wl_qfilter *f, wl_errors_by by, wl_out *o, char *err,
                           size_t errlen)
{
	/* The whitelist of variants: --by picks a row, never SQL text. */
	static const struct {
		const char *sql;
		const char *const *cols;
		size_t ncols, lead;
	} variants[] = {
	    [WL_BY_CODE] = {wl_sql_errors_by_code, errors_cols_code, 5, 0},
	    [WL_BY_SERVER] = {wl_sql_errors_by_server, errors_cols_server, 6, 1},
	    [WL_BY_CLIENT] = {wl_sql_errors_by_client, errors_cols_client, 7, 2},
	};
	sqlite3_stmt *st = NULL;
	wl_status rc;
	errors_ctx ctx;
	assert((unsigned)by < sizeof variants / sizeof variants[0]);
	ctx.lead = variants[by].lead;
	if (sqlite3_prepare_v2(db, variants[by].sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	if (bind_span(st, f) != 0 ||
	    (by == WL_BY_CLIENT && bind_int(st, ":client_role", 1, WL_ROLE_CLIENT) != SQLITE_OK)) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	rc = run(db, st, o, variants[by].cols, variants[by].ncols, errors_fill, &ctx, err, errlen);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- guid ---- */

static const char *const guid_cols[] = {
    "role",       "time",      "host",   "server", "client_id", "code",
    "fault_code", "parameter", "source", "line",   "message",
};

typedef struct guid_ctx {
	char time[WL_QTIME_BUF];
	char code[WL_QCODE_BUF];
} guid_ctx;

static void guid_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	guid_ctx *g = ctx;
	wl_val unused;
	const char *role = wl_role_name(
	    sqlite3_column_int(st, 0) == WL_ROLE_SERVER ? WL_ROLE_SERVER : WL_ROLE_CLIENT);
	v[0] = wl_v_text(role, strlen(role));
	v[1] = col_time(st, 1, g->time);
	v[2] = col_text(st, 2);
	v[3] = col_text(st, 3);
	v[4] = col_text(st, 4);
	v[5] = col_code(st, 5, g->code, &unused);
	v[6] = col_text(st, 6);
	v[7] = col_text(st, 7);
	v[8] = col_text(st, 8);
	v[9] = col_int(st, 9);
	v[10] = col_text(st, 10);
}

wl_status wl_report_guid(sqlite3 *db, const wl_guid *g, wl_out *o, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc;
	guid_ctx ctx;
	if (sqlite3_prepare_v2(db, wl_sql_guid, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	if (sqlite3_bind_text(st, param(st, ":guid"), g->s, (int)sizeof g->s, SQLITE_STATIC) !=
	    SQLITE_OK) {
		rc = db_error(db, err, errlen);
		goto out;
	}
	rc = run(db, st, o, guid_cols, sizeof guid_cols / sizeof guid_cols[0], guid_fill, &ctx, err,
	         errlen);
out:
	sqlite3_finalize(st);
	return rc;
}
