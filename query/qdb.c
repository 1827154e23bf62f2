/* Statement plumbing shared by the reports: binding by name with a check
 * that nothing is left unbound, result columns as output cells, and the
 * loop that streams rows to the writer. Keeping it in one place keeps each
 * report file about what it computes. */
#include "qdb.h"
#include "query_sql.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsuslog/event.h"
#include "wsuslog/hresult.h"
#include "wsuslog/schema.h"

wl_status wl_qdb_error(wl_qdb *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", wl_qdb_errmsg(db));
	return WL_E_DB;
}

bool wl_qdb_next(wl_qdb *db, wl_qstmt *st, wl_status *rc, char *err, size_t errlen)
{
	if (*rc != WL_OK)
		return false;
	int s = wl_qstmt_step(st);
	if (s == SQLITE_ROW)
		return true;
	if (s != SQLITE_DONE)
		*rc = wl_qdb_error(db, err, errlen);
	return false;
}

wl_status wl_qdb_prepare(wl_qdb *db, const char *sql, wl_qstmt **st, char *err, size_t errlen)
{
	*st = NULL;
	if (wl_qstmt_prepare(db, sql, st) != SQLITE_OK)
		return wl_qdb_error(db, err, errlen);
	return WL_OK;
}

int wl_qdb_param(wl_qstmt *st, const char *name)
{
	int i = wl_qstmt_bind_parameter_index(st, name);
	assert(i > 0 && "parameter missing from the statement");
	return i;
}

int wl_qdb_bind_text(wl_qstmt *st, const char *name, const char *v)
{
	int i = wl_qdb_param(st, name);
	return v ? wl_qstmt_bind_text(st, i, v, -1) : wl_qstmt_bind_null(st, i);
}

int wl_qdb_bind_int(wl_qstmt *st, const char *name, int has, int64_t v)
{
	int i = wl_qdb_param(st, name);
	return has ? wl_qstmt_bind_int64(st, i, v) : wl_qstmt_bind_null(st, i);
}

int wl_qdb_bind_std(wl_qstmt *st, const wl_qfilter *f, const char *const *own)
{
	static const wl_qfilter none = {0};
	if (!f)
		f = &none;
	int n = wl_qstmt_bind_parameter_count(st);
	for (int i = 1; i <= n; i++) {
		const char *p = wl_qstmt_bind_parameter_name(st, i);
		int rc;
		assert(p && "statements use named parameters only");
		if (strcmp(p, ":prereq") == 0)
			rc = wl_qstmt_bind_text(st, i, WL_PARAM_PREREQ, -1);
		else if (strcmp(p, ":cached") == 0)
			rc = wl_qstmt_bind_text(st, i, WL_PARAM_CACHED, -1);
		else if (strcmp(p, ":prereq_limit") == 0)
			rc = wl_qstmt_bind_text(st, i, WL_LIMIT_PREREQ, -1);
		else if (strcmp(p, ":cached_limit") == 0)
			rc = wl_qstmt_bind_text(st, i, WL_LIMIT_CACHED, -1);
		else if (strcmp(p, ":prereq_default") == 0)
			rc = wl_qstmt_bind_int64(st, i, WL_LIMIT_PREREQ_DEFAULT);
		else if (strcmp(p, ":cached_default") == 0)
			rc = wl_qstmt_bind_int64(st, i, WL_LIMIT_CACHED_DEFAULT);
		else if (strcmp(p, ":code") == 0)
			rc = wl_qstmt_bind_text(st, i, WL_FAULT_LIMIT_CODE, -1);
		else if (strcmp(p, ":server_role") == 0)
			rc = wl_qstmt_bind_int(st, i, WL_ROLE_SERVER);
		else if (strcmp(p, ":client_role") == 0)
			rc = wl_qstmt_bind_int(st, i, WL_ROLE_CLIENT);
		else if (strcmp(p, ":ts_max") == 0)
			rc = wl_qstmt_bind_int64(st, i, INT64_MAX);
		else if (strcmp(p, ":since") == 0)
			rc = f->has_since ? wl_qstmt_bind_int64(st, i, f->since_us)
			                  : wl_qstmt_bind_null(st, i);
		else if (strcmp(p, ":until") == 0)
			rc = f->has_until ? wl_qstmt_bind_int64(st, i, f->until_us)
			                  : wl_qstmt_bind_null(st, i);
		else if (strcmp(p, ":server") == 0)
			rc = f->server ? wl_qstmt_bind_text(st, i, f->server, -1)
			               : wl_qstmt_bind_null(st, i);
		else if (strcmp(p, ":hresult") == 0)
			rc = f->has_code ? wl_qstmt_bind_int64(st, i, (int64_t)f->code)
			                 : wl_qstmt_bind_null(st, i);
		else {
			int mine = 0;
			for (size_t k = 0; own && own[k] && !mine; k++)
				mine = strcmp(own[k], p) == 0;
			assert(mine && "unknown parameter");
			(void)mine;
			continue;
		}
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

wl_val wl_qdb_text(wl_qstmt *st, int i)
{
	if (wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	const char *s = (const char *)wl_qstmt_column_text(st, i);
	return wl_v_text(s, (size_t)wl_qstmt_column_bytes(st, i));
}

wl_val wl_qdb_int(wl_qstmt *st, int i)
{
	if (wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	return wl_v_int(wl_qstmt_column_int64(st, i));
}

wl_val wl_qdb_time(wl_qstmt *st, int i, char *buf)
{
	if (wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	size_t n = wl_qtime_format(wl_qstmt_column_int64(st, i), buf, WL_QTIME_BUF);
	return wl_v_text(buf, n);
}

wl_val wl_qdb_code(wl_qstmt *st, int i, wl_qdb_codebuf *buf, wl_val *name)
{
	if (name)
		*name = wl_v_null();
	if (wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return wl_v_null();
	int64_t v = wl_qstmt_column_int64(st, i);
	size_t n = wl_qcode_format(v, buf->hex, sizeof buf->hex);
	if (name) {
		const char *s = wl_hresult_describe((uint32_t)((uint64_t)v & 0xFFFFFFFFu),
		                                    buf->name, sizeof buf->name);
		*name = wl_v_text(s, strlen(s));
	}
	return wl_v_text(buf->hex, n);
}

wl_status wl_qdb_run(wl_qdb *db, wl_qstmt *st, wl_out *o, const char *const *cols, size_t ncols,
                     wl_qdb_fill_fn fill, void *ctx, char *err, size_t errlen)
{
	wl_val v[WL_QDB_COLS_MAX];
	assert(ncols <= WL_QDB_COLS_MAX);
	wl_status rc = wl_out_begin(o, cols, ncols);
	if (rc != WL_OK)
		return rc;
	for (;;) {
		int s = wl_qstmt_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW)
			return wl_qdb_error(db, err, errlen);
		fill(st, v, ctx);
		rc = wl_out_row(o, v);
		if (rc != WL_OK)
			return rc;
	}
	return wl_out_end(o);
}

wl_val wl_qnum_fixed(double v, int decimals, char *buf)
{
	assert(decimals >= 0 && decimals <= 6);
	if (!isfinite(v) || fabs(v) >= 1e15)
		return wl_v_null();
	int k = snprintf(buf, WL_QNUM_BUF, "%.*f", decimals, v);
	if (k <= 0 || k >= WL_QNUM_BUF)
		return wl_v_null();
	/* "-0.000" is not wrong JSON but reads oddly in a rate. */
	if (buf[0] == '-' && strspn(buf + 1, "0.") == (size_t)(k - 1))
		return wl_v_num(buf + 1, (size_t)k - 1);
	return wl_v_num(buf, (size_t)k);
}

wl_status wl_qbuf_add(wl_qbuf *b, const char *s, size_t n)
{
	if (n > (b->max ? b->max : WL_QBUF_MAX) - b->n)
		return WL_E_TOO_BIG;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return WL_E_NOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	return WL_OK;
}

wl_status wl_qbuf_str(wl_qbuf *b, const char *s)
{
	return wl_qbuf_add(b, s, strlen(s));
}

wl_status wl_qbuf_item(wl_qbuf *b, const char *s, size_t n, int64_t count, int with_count)
{
	wl_status rc = WL_OK;
	if (b->n > 0)
		rc = wl_qbuf_add(b, ";", 1);
	if (rc == WL_OK)
		rc = wl_qbuf_add(b, s, n);
	if (rc == WL_OK && with_count) {
		char num[24];
		int k = snprintf(num, sizeof num, ":%lld", (long long)count);
		rc = wl_qbuf_add(b, num, (size_t)k);
	}
	return rc;
}

wl_status wl_qbuf_too_big(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: the list exceeds %u bytes", what, WL_QBUF_MAX);
	return WL_E_TOO_BIG;
}

void wl_qbuf_free(wl_qbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}
