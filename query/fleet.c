/* The fleet reports of wsuslog-query: per WSUS server (`servers`), over
 * time (`timeline`) and the ingest problems (per client: clients.c). The
 * SQL (query_sql.c) decides what counts; this file joins the multi-row
 * answers into list cells (faults_by_code), fills the timeline's empty
 * buckets and draws its bars. */
#include "query.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"

/* Copy of a text column (result text dies at the next step). */
static wl_status keep_text(wl_qbuf *b, wl_qstmt *st, int i, int *is_null)
{
	b->n = 0;
	*is_null = wl_qstmt_column_type(st, i) == SQLITE_NULL;
	if (*is_null)
		return WL_OK;
	return wl_qbuf_add(b, (const char *)wl_qstmt_column_text(st, i),
	                   (size_t)wl_qstmt_column_bytes(st, i));
}

/* ---- servers ---- */

static const char *const servers_cols[] = {
    "server",         "clients",    "scans",      "faults",
    "faults_by_code", "limit_hits", "first_seen", "last_seen",
};

typedef struct server_row {
	int open;
	int64_t sid;
	int sid_null, name_null;
	wl_qbuf name, codes;
	int64_t clients, scans, faults, hits;
	int has_t0, has_t1;
	int64_t t0, t1;
} server_row;

static wl_status server_emit(server_row *r, wl_out *o)
{
	char a[WL_QTIME_BUF], b[WL_QTIME_BUF];
	wl_val v[8];
	v[0] = r->name_null ? wl_v_null() : wl_v_text(r->name.p ? r->name.p : "", r->name.n);
	v[1] = wl_v_int(r->clients);
	v[2] = wl_v_int(r->scans);
	v[3] = wl_v_int(r->faults);
	v[4] = r->codes.n ? wl_v_text(r->codes.p, r->codes.n) : wl_v_null();
	v[5] = wl_v_int(r->hits);
	v[6] = r->has_t0 ? wl_v_text(a, wl_qtime_format(r->t0, a, sizeof a)) : wl_v_null();
	v[7] = r->has_t1 ? wl_v_text(b, wl_qtime_format(r->t1, b, sizeof b)) : wl_v_null();
	r->open = 0;
	return wl_out_row(o, v);
}

wl_status wl_report_servers(wl_qdb *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen)
{
	wl_qstmt *st = NULL;
	server_row r = {0};
	wl_status rc = wl_qdb_prepare(db, wl_sql_servers, &st, err, errlen);
	if (rc != WL_OK)
		goto out;
	if (wl_qdb_bind_std(st, f, NULL) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	rc = wl_out_begin(o, servers_cols, sizeof servers_cols / sizeof servers_cols[0]);
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		int sid_null = wl_qstmt_column_type(st, 0) == SQLITE_NULL;
		int64_t sid = wl_qstmt_column_int64(st, 0);
		if (r.open && (sid_null != r.sid_null || sid != r.sid))
			rc = server_emit(&r, o);
		if (rc != WL_OK)
			break;
		if (!r.open) {
			r.open = 1;
			r.sid = sid;
			r.sid_null = sid_null;
			r.codes.n = 0;
			rc = keep_text(&r.name, st, 1, &r.name_null);
			r.clients = wl_qstmt_column_int64(st, 2);
			r.scans = wl_qstmt_column_int64(st, 3);
			r.faults = wl_qstmt_column_int64(st, 4);
			r.hits = wl_qstmt_column_int64(st, 5);
			r.has_t0 = wl_qstmt_column_type(st, 6) != SQLITE_NULL;
			r.t0 = wl_qstmt_column_int64(st, 6);
			r.has_t1 = wl_qstmt_column_type(st, 7) != SQLITE_NULL;
			r.t1 = wl_qstmt_column_int64(st, 7);
		}
		if (rc == WL_OK && wl_qstmt_column_type(st, 9) != SQLITE_NULL) {
			const char *code = (const char *)wl_qstmt_column_text(st, 8);
			size_t n = (size_t)wl_qstmt_column_bytes(st, 8);
			if (!code) {
				code = "unknown";
				n = 7;
			}
			rc = wl_qbuf_item(&r.codes, code, n, wl_qstmt_column_int64(st, 9), 1);
			if (rc == WL_E_TOO_BIG)
				rc = wl_qbuf_too_big(err, errlen, "faults_by_code");
		}
	}
	if (rc == WL_OK && r.open)
		rc = server_emit(&r, o);
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	wl_qbuf_free(&r.name);
	wl_qbuf_free(&r.codes);
	wl_qstmt_finalize(st);
	return rc;
}

/* ---- timeline ---- */

typedef struct bucket {
	int64_t t, events, faults, hits;
} bucket;

/* Bucket width and alignment. Days and weeks are whole UTC days; 1970-01-05
 * (day 4) was a Monday, so weeks start at 4 days mod 7. */
static void bucket_shape(wl_bucket by, int64_t *width, int64_t *origin)
{
	*origin = 0;
	if (by == WL_BUCKET_HOUR) {
		*width = 60 * WL_Q_US_PER_MIN;
	} else if (by == WL_BUCKET_DAY) {
		*width = WL_Q_US_PER_DAY;
	} else {
		*width = 7 * WL_Q_US_PER_DAY;
		*origin = 4 * WL_Q_US_PER_DAY;
	}
}

/* A bar of v/max of WL_Q_TIMELINE_BAR_CELLS cells in eighth blocks
 * (U+2588 full, U+2589..U+258F seven to one eighths) into buf; a non-zero
 * value gets at least one eighth. Returns the length in bytes. */
static size_t draw_bar(int64_t v, int64_t max, char *buf, size_t cap)
{
	static const char *const part[8] = {
	    "",
	    "\xE2\x96\x8F",
	    "\xE2\x96\x8E",
	    "\xE2\x96\x8D",
	    "\xE2\x96\x8C",
	    "\xE2\x96\x8B",
	    "\xE2\x96\x8A",
	    "\xE2\x96\x89",
	};
	size_t n = 0;
	if (v <= 0 || max <= 0)
		return 0;
	int64_t eighths = (v * (int64_t)WL_Q_TIMELINE_BAR_CELLS * 8 + max / 2) / max;
	if (eighths < 1)
		eighths = 1;
	for (int64_t i = 0; i < eighths / 8 && n + 3 <= cap; i++) {
		memcpy(buf + n, "\xE2\x96\x88", 3);
		n += 3;
	}
	const char *p = part[eighths % 8];
	size_t k = strlen(p);
	if (n + k <= cap) {
		memcpy(buf + n, p, k);
		n += k;
	}
	return n;
}

static const char *const timeline_cols[] = {"bucket", "events", "faults", "limit_hits", "bar"};

static wl_status timeline_push(bucket **rows, size_t *n, size_t *cap, bucket b, char *err,
                               size_t errlen)
{
	if (*n == WL_Q_TIMELINE_ROWS_MAX) {
		snprintf(err, errlen,
		         "timeline: more than %u buckets; use a coarser --by or --since/--until",
		         WL_Q_TIMELINE_ROWS_MAX);
		return WL_E_TOO_BIG;
	}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		bucket *p = realloc(*rows, nc * sizeof *p);
		if (!p)
			return WL_E_NOMEM;
		*rows = p;
		*cap = nc;
	}
	(*rows)[(*n)++] = b;
	return WL_OK;
}

wl_status wl_report_timeline(wl_qdb *db, const wl_qfilter *f, wl_bucket by, int bars, wl_out *o,
                             char *err, size_t errlen)
{
	static const char *const own[] = {":width", ":origin", NULL};
	wl_qstmt *st = NULL;
	bucket *rows = NULL;
	size_t n = 0, cap = 0;
	int64_t width, origin, max = 0;
	bucket_shape(by, &width, &origin);
	wl_status rc = wl_qdb_prepare(db, wl_sql_timeline, &st, err, errlen);
	if (rc != WL_OK)
		goto out;
	if (wl_qdb_bind_std(st, f, own) != SQLITE_OK ||
	    wl_qdb_bind_int(st, ":width", 1, width) != SQLITE_OK ||
	    wl_qdb_bind_int(st, ":origin", 1, origin) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	for (;;) {
		int s = wl_qstmt_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = wl_qdb_error(db, err, errlen);
			goto out;
		}
		bucket b = {wl_qstmt_column_int64(st, 0), wl_qstmt_column_int64(st, 1),
		            wl_qstmt_column_int64(st, 2), wl_qstmt_column_int64(st, 3)};
		/* Empty buckets between two rows, unless the gap is absurd. */
		if (n > 0 && b.t > rows[n - 1].t + width) {
			int64_t gap = (b.t - rows[n - 1].t) / width - 1;
			for (int64_t k = 1; gap <= (int64_t)WL_Q_TIMELINE_GAP_FILL_MAX && k <= gap;
			     k++) {
				bucket z = {rows[n - 1].t + width, 0, 0, 0};
				if ((rc = timeline_push(&rows, &n, &cap, z, err, errlen)) != WL_OK)
					goto out;
			}
		}
		if ((rc = timeline_push(&rows, &n, &cap, b, err, errlen)) != WL_OK)
			goto out;
		if (b.events > max)
			max = b.events;
	}
	rc = wl_out_begin(o, timeline_cols, bars ? 5 : 4);
	for (size_t i = 0; i < n && rc == WL_OK; i++) {
		char t[WL_QTIME_BUF], bar[WL_Q_TIMELINE_BAR_CELLS * 3 + 8];
		wl_val v[5];
		v[0] = wl_v_text(t, wl_qtime_format(rows[i].t, t, sizeof t));
		v[1] = wl_v_int(rows[i].events);
		v[2] = wl_v_int(rows[i].faults);
		v[3] = wl_v_int(rows[i].hits);
		v[4] = wl_v_text(bar, draw_bar(rows[i].events, max, bar, sizeof bar));
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	free(rows);
	wl_qstmt_finalize(st);
	return rc;
}

/* ---- problems ---- */

static const char *const problems_cols[] = {
    "path", "member", "offset", "line", "kind", "message", "at",
};

static void problems_fill(wl_qstmt *st, wl_val *v, void *ctx)
{
	(void)ctx;
	v[0] = wl_qdb_text(st, 0);
	v[1] = wl_qdb_text(st, 1);
	v[2] = wl_qdb_int(st, 2);
	v[3] = wl_qdb_int(st, 3);
	v[4] = wl_qdb_text(st, 4);
	v[5] = wl_qdb_text(st, 5);
	v[6] = wl_qdb_text(st, 6);
}

wl_status wl_report_problems(wl_qdb *db, wl_out *o, char *err, size_t errlen)
{
	wl_qstmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_problems, &st, err, errlen);
	if (rc == WL_OK)
		rc = wl_qdb_run(db, st, o, problems_cols,
		                sizeof problems_cols / sizeof problems_cols[0], problems_fill, NULL,
		                err, errlen);
	wl_qstmt_finalize(st);
	return rc;
}
