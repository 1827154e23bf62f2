/* `incident GUID`: one fault told from both sides. The fault's records come
 * from event_guids (what = 1); when they are all on one side, the other
 * side is looked for by SusClientId and time (a server that logged another
 * ID, or none); around every client-side record the neighbouring events
 * and scans of the same log are added as context. Rows are collected,
 * de-duplicated (a line found twice keeps its strongest match) and printed
 * in time order, each saying how it was found. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"
#include "wsuslog/event.h"

/* How a row was found; also the priority when one line is found twice. */
enum { MATCH_GUID = 0, MATCH_FALLBACK = 1, MATCH_CONTEXT = 2 };
static const char *const match_names[] = {"guid", "client+time", "context"};

typedef struct span {
	char *p; /* owned; NULL: SQL NULL */
	size_t n;
} span;

/* Columns of the incident statements (query_sql.c). */
enum {
	C_SCAN,
	C_ID,
	C_SOURCE_ID,
	C_LINE,
	C_ROLE,
	C_TS,
	C_HOST,
	C_SERVER,
	C_CLIENT,
	C_CODE,
	C_FCODE,
	C_PARAM,
	C_SOURCE,
	C_MESSAGE,
	C_CID,
	C_FG,
	C_RT,
	C_EVAL,
	C_DEPL,
};
#define TEXT_COLS 7 /* host, server, client, fcode, param, source, message */

typedef struct irow {
	int match, scan, role;
	int64_t id, source_id, line, ts, code, cid;
	int has_ts, has_code, has_cid;
	span text[TEXT_COLS];
} irow;

typedef struct rows {
	irow *v;
	size_t n, cap;
} rows;

static void rows_free(rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int k = 0; k < TEXT_COLS; k++)
			free(r->v[i].text[k].p);
	free(r->v);
}

static int dup_col(wl_qstmt *st, int i, span *out)
{
	out->p = NULL;
	out->n = 0;
	if (wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return 0;
	const void *s = wl_qstmt_column_text(st, i);
	size_t n = (size_t)wl_qstmt_column_bytes(st, i);
	out->p = malloc(n + 1);
	if (!out->p)
		return -1;
	memcpy(out->p, s, n);
	out->p[n] = '\0';
	out->n = n;
	return 0;
}

/* A scan has no logged line in the index: say what it recorded, marked as
 * derived so nobody greps the logs for it. */
static int scan_message(wl_qstmt *st, span *out)
{
	char buf[256];
	int k = snprintf(buf, sizeof buf, "[scan end] exit code ");
	if (wl_qstmt_column_type(st, C_CODE) == SQLITE_NULL) {
		k += snprintf(buf + k, sizeof buf - (size_t)k, "unknown");
	} else {
		char hex[WL_QCODE_BUF];
		wl_qcode_format(wl_qstmt_column_int64(st, C_CODE), hex, sizeof hex);
		k += snprintf(buf + k, sizeof buf - (size_t)k, "%s", hex);
	}
	if (wl_qstmt_column_type(st, C_RT) != SQLITE_NULL)
		k += snprintf(buf + k, sizeof buf - (size_t)k, "; SyncUpdates round trips %lld",
		              (long long)wl_qstmt_column_int64(st, C_RT));
	if (wl_qstmt_column_type(st, C_EVAL) != SQLITE_NULL &&
	    wl_qstmt_column_type(st, C_DEPL) != SQLITE_NULL)
		k += snprintf(buf + k, sizeof buf - (size_t)k,
		              "; evaluated appl. rules of %lld out of %lld deployed entities",
		              (long long)wl_qstmt_column_int64(st, C_EVAL),
		              (long long)wl_qstmt_column_int64(st, C_DEPL));
	out->n = (size_t)k < sizeof buf ? (size_t)k : sizeof buf - 1;
	out->p = malloc(out->n + 1);
	if (!out->p)
		return -1;
	memcpy(out->p, buf, out->n + 1);
	return 0;
}

/* Step st to the end, appending each row with the given match. */
static wl_status collect(wl_qdb *db, wl_qstmt *st, int match, rows *r, char *err, size_t errlen)
{
	static const int text_col[TEXT_COLS] = {C_HOST,  C_SERVER, C_CLIENT, C_FCODE,
	                                        C_PARAM, C_SOURCE, C_MESSAGE};
	for (;;) {
		int s = wl_qstmt_step(st);
		if (s == SQLITE_DONE)
			return WL_OK;
		if (s != SQLITE_ROW)
			return wl_qdb_error(db, err, errlen);
		if (r->n == WL_Q_INCIDENT_ROWS_MAX) {
			snprintf(err, errlen, "incident: more than %u rows",
			         WL_Q_INCIDENT_ROWS_MAX);
			return WL_E_TOO_BIG;
		}
		if (r->n == r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 32;
			irow *p = realloc(r->v, nc * sizeof *p);
			if (!p)
				return WL_E_NOMEM;
			r->v = p;
			r->cap = nc;
		}
		irow *x = &r->v[r->n];
		memset(x, 0, sizeof *x);
		r->n++;
		x->match = match;
		x->scan = wl_qstmt_column_int(st, C_SCAN);
		x->id = wl_qstmt_column_int64(st, C_ID);
		x->source_id = wl_qstmt_column_int64(st, C_SOURCE_ID);
		x->line = wl_qstmt_column_int64(st, C_LINE);
		x->role = wl_qstmt_column_int(st, C_ROLE);
		x->has_ts = wl_qstmt_column_type(st, C_TS) != SQLITE_NULL;
		x->ts = wl_qstmt_column_int64(st, C_TS);
		x->has_code = wl_qstmt_column_type(st, C_CODE) != SQLITE_NULL;
		x->code = wl_qstmt_column_int64(st, C_CODE);
		x->has_cid = wl_qstmt_column_type(st, C_CID) != SQLITE_NULL;
		x->cid = wl_qstmt_column_int64(st, C_CID);
		for (int k = 0; k < TEXT_COLS; k++) {
			int rc = (x->scan && text_col[k] == C_MESSAGE)
			             ? scan_message(st, &x->text[k])
			             : dup_col(st, text_col[k], &x->text[k]);
			if (rc != 0)
				return WL_E_NOMEM;
		}
	}
}

/* Identity first, strongest match first: duplicates become neighbours. */
static int by_identity(const void *a, const void *b)
{
	const irow *x = a, *y = b;
	if (x->scan != y->scan)
		return x->scan < y->scan ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->match - y->match;
}

static int span_cmp(const span *a, const span *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	if (c != 0)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Time order (unknown last), client before server, then source and line:
 * the story as it happened. */
static int by_time(const void *a, const void *b)
{
	const irow *x = a, *y = b;
	if (x->has_ts != y->has_ts)
		return x->has_ts ? -1 : 1;
	if (x->has_ts && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->role != y->role)
		return x->role - y->role;
	int c = span_cmp(&x->text[5], &y->text[5]);
	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->scan - y->scan;
}

static void dedup(rows *r)
{
	size_t w = 0;
	if (r->n < 2)
		return;
	qsort(r->v, r->n, sizeof *r->v, by_identity);
	for (size_t i = 0; i < r->n; i++) {
		if (w > 0 && r->v[w - 1].scan == r->v[i].scan && r->v[w - 1].id == r->v[i].id) {
			for (int k = 0; k < TEXT_COLS; k++)
				free(r->v[i].text[k].p);
			continue;
		}
		r->v[w++] = r->v[i];
	}
	r->n = w;
}

static const char *const incident_cols[] = {
    "match", "role",       "time",      "host",   "server", "client_id",
    "code",  "fault_code", "parameter", "source", "line",   "message",
};

static wl_val span_val(const span *s)
{
	return s->p ? wl_v_text(s->p, s->n) : wl_v_null();
}

static wl_status print_rows(const rows *r, wl_out *o)
{
	wl_status rc =
	    wl_out_begin(o, incident_cols, sizeof incident_cols / sizeof incident_cols[0]);
	for (size_t i = 0; i < r->n && rc == WL_OK; i++) {
		const irow *x = &r->v[i];
		char t[WL_QTIME_BUF], code[WL_QCODE_BUF];
		const char *role =
		    wl_role_name(x->role == WL_ROLE_SERVER ? WL_ROLE_SERVER : WL_ROLE_CLIENT);
		wl_val v[12];
		v[0] = wl_v_text(match_names[x->match], strlen(match_names[x->match]));
		v[1] = wl_v_text(role, strlen(role));
		v[2] = x->has_ts ? wl_v_text(t, wl_qtime_format(x->ts, t, sizeof t)) : wl_v_null();
		v[3] = span_val(&x->text[0]);
		v[4] = span_val(&x->text[1]);
		v[5] = span_val(&x->text[2]);
		v[6] = x->has_code ? wl_v_text(code, wl_qcode_format(x->code, code, sizeof code))
		                   : wl_v_null();
		v[7] = span_val(&x->text[3]);
		v[8] = span_val(&x->text[4]);
		v[9] = span_val(&x->text[5]);
		v[10] = wl_v_int(x->line);
		v[11] = span_val(&x->text[6]);
		rc = wl_out_row(o, v);
	}
	return rc == WL_OK ? wl_out_end(o) : rc;
}

/* Other-side records of the fault's client near its time. */
static wl_status fallback(wl_qdb *db, rows *r, size_t nrec, int other_role, char *err,
                          size_t errlen)
{
	static const char *const own[] = {":cid", ":role", ":t0", ":t1", ":fcode", NULL};
	wl_qstmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_incident_fallback, &st, err, errlen);
	/* One search per distinct client id among the records, around the
	 * earliest time that id's records show. */
	for (size_t i = 0; i < nrec && rc == WL_OK; i++) {
		const irow *x = &r->v[i];
		int first = x->has_cid && x->has_ts;
		for (size_t j = 0; j < nrec && first; j++) {
			const irow *y = &r->v[j];
			if (j != i && y->has_cid && y->has_ts && y->cid == x->cid &&
			    (y->ts < x->ts || (y->ts == x->ts && j < i)))
				first = 0;
		}
		if (!first)
			continue;
		const span *fc = &x->text[3];
		wl_qstmt_reset(st);
		if (wl_qdb_bind_std(st, NULL, own) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":cid", 1, x->cid) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":role", 1, other_role) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":t0", 1, x->ts - WL_Q_INCIDENT_FALLBACK_US) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":t1", 1, x->ts + WL_Q_INCIDENT_FALLBACK_US) != SQLITE_OK ||
		    (fc->p ? wl_qstmt_bind_text(st, wl_qdb_param(st, ":fcode"), fc->p, (int)fc->n)
		           : wl_qstmt_bind_null(st, wl_qdb_param(st, ":fcode"))) != SQLITE_OK) {
			rc = wl_qdb_error(db, err, errlen);
			break;
		}
		rc = collect(db, st, MATCH_FALLBACK, r, err, errlen);
	}
	wl_qstmt_finalize(st);
	return rc;
}

/* Neighbouring events and scans of each client-side record found so far. */
static wl_status context(wl_qdb *db, rows *r, char *err, size_t errlen)
{
	static const char *const own[] = {":source_id", ":lo", ":hi", NULL};
	wl_qstmt *st = NULL;
	size_t n = r->n;
	wl_status rc = wl_qdb_prepare(db, wl_sql_incident_context, &st, err, errlen);
	for (size_t i = 0; i < n && rc == WL_OK; i++) {
		/* r->v may move while collecting: copy what is needed. */
		irow x = r->v[i];
		if (x.role != WL_ROLE_CLIENT || x.scan)
			continue;
		wl_qstmt_reset(st);
		if (wl_qdb_bind_std(st, NULL, own) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":source_id", 1, x.source_id) != SQLITE_OK ||
		    wl_qdb_bind_int(st, ":lo", 1, x.line - WL_Q_INCIDENT_CONTEXT_LINES) !=
		        SQLITE_OK ||
		    wl_qdb_bind_int(st, ":hi", 1, x.line + WL_Q_INCIDENT_CONTEXT_LINES) !=
		        SQLITE_OK) {
			rc = wl_qdb_error(db, err, errlen);
			break;
		}
		rc = collect(db, st, MATCH_CONTEXT, r, err, errlen);
	}
	wl_qstmt_finalize(st);
	return rc;
}

wl_status wl_report_incident(wl_qdb *db, const wl_guid *g, wl_out *o, char *err, size_t errlen)
{
	static const char *const own[] = {":guid", NULL};
	wl_qstmt *st = NULL;
	rows r = {0};
	wl_status rc = wl_qdb_prepare(db, wl_sql_incident_records, &st, err, errlen);
	if (rc != WL_OK)
		goto out;
	if (wl_qdb_bind_std(st, NULL, own) != SQLITE_OK ||
	    wl_qstmt_bind_text(st, wl_qdb_param(st, ":guid"), g->s, (int)sizeof g->s) !=
	        SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	rc = collect(db, st, MATCH_GUID, &r, err, errlen);
	if (rc != WL_OK)
		goto out;
	int client = 0, server = 0;
	for (size_t i = 0; i < r.n; i++) {
		client |= r.v[i].role == WL_ROLE_CLIENT;
		server |= r.v[i].role == WL_ROLE_SERVER;
	}
	if (client != server)
		rc = fallback(db, &r, r.n, client ? WL_ROLE_SERVER : WL_ROLE_CLIENT, err, errlen);
	if (rc == WL_OK)
		rc = context(db, &r, err, errlen);
	if (rc != WL_OK)
		goto out;
	dedup(&r);
	if (r.n > 1)
		qsort(r.v, r.n, sizeof *r.v, by_time);
	rc = print_rows(&r, o);
out:
	rows_free(&r);
	wl_qstmt_finalize(st);
	return rc;
}
