/* The reports of wsuslog-query: each binds its filters to one statement of
 * query_sql.c and turns the result rows into output cells. Semantics (what
 * is a fault, which server it belongs to) live in the SQL; this file only
 * converts: integer times to ISO 8601, HRESULTs to hex and names. */
#include "query.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "qdb.h"
#include "query_sql.h"
#include "wsuslog/schema.h"

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
	wl_qdb_codebuf code;
} errors_ctx;

static void errors_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	errors_ctx *e = ctx;
	int k = (int)e->lead;
	for (int i = 0; i < k; i++)
		v[i] = wl_qdb_text(st, i);
	v[k] = wl_qdb_code(st, k, &e->code, &v[k + 1]);
	v[k + 2] = wl_qdb_int(st, k + 1);
	v[k + 3] = wl_qdb_int(st, k + 2);
	v[k + 4] = wl_qdb_int(st, k + 3);
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
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	if (wl_qdb_bind_std(st, f, NULL) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	rc = wl_qdb_run(db, st, o, variants[by].cols, variants[by].ncols, errors_fill, &ctx, err,
	                errlen);
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
	wl_qdb_codebuf code;
} guid_ctx;

static void guid_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	guid_ctx *g = ctx;
	const char *role = wl_role_name(
	    sqlite3_column_int(st, 0) == WL_ROLE_SERVER ? WL_ROLE_SERVER : WL_ROLE_CLIENT);
	v[0] = wl_v_text(role, strlen(role));
	v[1] = wl_qdb_time(st, 1, g->time);
	v[2] = wl_qdb_text(st, 2);
	v[3] = wl_qdb_text(st, 3);
	v[4] = wl_qdb_text(st, 4);
	v[5] = wl_qdb_code(st, 5, &g->code, NULL);
	v[6] = wl_qdb_text(st, 6);
	v[7] = wl_qdb_text(st, 7);
	v[8] = wl_qdb_text(st, 8);
	v[9] = wl_qdb_int(st, 9);
	v[10] = wl_qdb_text(st, 10);
}

wl_status wl_report_guid(sqlite3 *db, const wl_guid *g, wl_out *o, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc;
	guid_ctx ctx;
	if (sqlite3_prepare_v2(db, wl_sql_guid, -1, &st, NULL) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	static const char *const own[] = {":guid", NULL};
	if (wl_qdb_bind_std(st, NULL, own) != SQLITE_OK ||
	    sqlite3_bind_text(st, wl_qdb_param(st, ":guid"), g->s, (int)sizeof g->s,
	                      SQLITE_STATIC) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	rc = wl_qdb_run(db, st, o, guid_cols, sizeof guid_cols / sizeof guid_cols[0], guid_fill,
	                &ctx, err, errlen);
out:
	sqlite3_finalize(st);
	return rc;
}
