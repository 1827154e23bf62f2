/* `report --html FILE`: the reports a WSUS admin hands on, as one HTML file
 * that opens anywhere: inline CSS, inline SVG charts, no script, no fetch.
 * Tables come from the same report functions as the command line (through
 * the writer's HTML mode, which escapes every cell); the charts are drawn
 * here from one query. Every byte of log text passes wl_out_html_text. */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"
#include "wsuslog/schema.h"

/* Rows of the top error codes table. */
#define HTML_TOP_CODES 15
/* Chart geometry, SVG user units. */
#define CH_W 900
#define CH_H 180
#define CH_LEFT 44
#define CH_RIGHT 10
#define CH_TOP 12
#define CH_BOTTOM 28

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
    "max-width:1240px;color:#1d2330;background:#fff;padding:0 16px}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #d0d7e2;"
    "padding-bottom:.2em;margin-top:1.8em}h3{margin:1.2em 0 .3em;font-size:1.05em}"
    ".meta{color:#4a5568;font-size:.92em;line-height:1.5}"
    "code{background:#f1f4f8;padding:1px 4px;border-radius:3px}"
    ".scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.85em}"
    "th,td{border:1px solid #d0d7e2;padding:3px 7px;text-align:left;vertical-align:top;"
    "white-space:nowrap}"
    "th{background:#eef2f7}tbody tr:nth-child(even){background:#f8fafc}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}td.null{color:#9aa5b5}"
    ".note{border-left:4px solid #d69e2e;background:#fffaf0;padding:8px 12px;margin:.8em 0}"
    ".empty{color:#4a5568;font-style:italic}"
    "svg{display:block;margin:.3em 0 1em;max-width:100%;height:auto}"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
    "vertical-align:-1px}"
    "footer{margin-top:2.5em;color:#718096;font-size:.85em}";

#define COLOR_PREREQ "#2b6cb0"
#define COLOR_CACHED "#dd6b20"

static void text(FILE *h, const char *s)
{
	wl_out_html_text(h, s, strlen(s));
}

/* One report into h as an HTML table, through the writer's HTML mode. */
typedef wl_status (*table_fn)(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err,
                              size_t errlen);

static wl_status table(sqlite3 *db, const wl_qfilter *f, FILE *h, table_fn fn, char *err,
                       size_t errlen)
{
	wl_out *o = wl_out_open(h, WL_OUT_HTML);
	if (!o)
		return WL_E_NOMEM;
	fputs("<div class=\"scroll\">\n", h);
	wl_status rc = fn(db, f, o, err, errlen);
	fputs("</div>\n", h);
	wl_out_close(o);
	return rc;
}

/* ---- the top error codes ---- */

static wl_status top_codes(sqlite3 *db, const wl_qfilter *f, FILE *h, char *err, size_t errlen)
{
	static const char *const cols[] = {"code", "name", "events", "clients", "servers"};
	sqlite3_stmt *st = NULL;
	wl_out *o = wl_out_open(h, WL_OUT_HTML);
	wl_status rc = o ? wl_qdb_prepare(db, wl_sql_errors_by_code, &st, err, errlen) : WL_E_NOMEM;
	if (rc == WL_OK && wl_qdb_bind_std(st, f, NULL) != SQLITE_OK)
		rc = wl_qdb_error(db, err, errlen);
	if (rc == WL_OK)
		rc = wl_out_begin(o, cols, 5);
	for (int i = 0; i < HTML_TOP_CODES && rc == WL_OK; i++) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = wl_qdb_error(db, err, errlen);
			break;
		}
		wl_qdb_codebuf code;
		wl_val v[5];
		v[0] = wl_qdb_code(st, 0, &code, &v[1]);
		v[2] = wl_qdb_int(st, 1);
		v[3] = wl_qdb_int(st, 2);
		v[4] = wl_qdb_int(st, 3);
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
	sqlite3_finalize(st);
	wl_out_close(o);
	return rc;
}

/* ---- daily limit hits ---- */

typedef struct day_hits {
	char *server; /* owned; NULL: no known server */
	int64_t day, prereq, cached;
} day_hits;

typedef struct hits {
	day_hits *v;
	size_t n, cap;
} hits;

static void hits_free(hits *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i].server);
	free(x->v);
}

static wl_status hits_load(sqlite3 *db, const wl_qfilter *f, hits *x, char *err, size_t errlen)
{
	static const char *const own[] = {":day", NULL};
	sqlite3_stmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_daily_hits, &st, err, errlen);
	if (rc == WL_OK && (wl_qdb_bind_std(st, f, own) != SQLITE_OK ||
	                    wl_qdb_bind_int(st, ":day", 1, WL_Q_US_PER_DAY) != SQLITE_OK))
		rc = wl_qdb_error(db, err, errlen);
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		if (x->n == WL_Q_TIMELINE_ROWS_MAX) {
			snprintf(err, errlen, "report: more than %u server-days with limit hits",
			         WL_Q_TIMELINE_ROWS_MAX);
			rc = WL_E_TOO_BIG;
			break;
		}
		if (x->n == x->cap) {
			size_t nc = x->cap ? x->cap * 2 : 64;
			day_hits *p = realloc(x->v, nc * sizeof *p);
			if (!p) {
				rc = WL_E_NOMEM;
				break;
			}
			x->v = p;
			x->cap = nc;
		}
		day_hits *d = &x->v[x->n];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		d->server = NULL;
		if (name && !(d->server = strdup(name))) {
			rc = WL_E_NOMEM;
			break;
		}
		x->n++;
		d->day = sqlite3_column_int64(st, 1);
		d->prereq = sqlite3_column_int64(st, 2);
		d->cached = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc;
}

static int same_server(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void day_label(int64_t day, char *buf, int with_year)
{
	char t[WL_QTIME_BUF];
	wl_qtime_format(day * WL_Q_US_PER_DAY, t, sizeof t);
	if (with_year) {
		memcpy(buf, t, 10);
		buf[10] = '\0';
	} else {
		memcpy(buf, t + 5, 5); /* MM-DD */
		buf[5] = '\0';
	}
}

/* One stacked bar chart: days d0..d1 (inclusive) of rows v[0..n). */
static void chart(FILE *h, const char *server, const day_hits *v, size_t n, int64_t d0, int64_t d1,
                  int64_t ymax)
{
	int64_t ndays = d1 - d0 + 1;
	double pw = CH_W - CH_LEFT - CH_RIGHT, ph = CH_H - CH_TOP - CH_BOTTOM;
	double bw = pw / (double)ndays;
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].prereq + v[i].cached;
	fprintf(h, "<svg role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n", CH_W,
	        CH_H, CH_W, CH_H);
	fputs("<title>Limit hits per day on ", h);
	text(h, server ? server : "(unknown server)");
	fprintf(h, ": %lld in all</title>\n", (long long)total);
	/* Axes and the y scale: 0, half, max. */
	fprintf(h,
	        "<g stroke=\"#a0aec0\" stroke-width=\"1\">"
	        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
	        CH_LEFT, CH_TOP, CH_LEFT, CH_H - CH_BOTTOM, CH_LEFT, CH_H - CH_BOTTOM,
	        CH_W - CH_RIGHT, CH_H - CH_BOTTOM);
	fputs("<g font-size=\"11\" fill=\"#4a5568\" text-anchor=\"end\">", h);
	for (int k = 0; k <= 2; k++) {
		int64_t val = ymax * k / 2;
		double y = CH_TOP + ph - ph * (double)val / (double)ymax;
		if (k == 1 && (val == 0 || val == ymax))
			continue;
		fprintf(h, "<text x=\"%d\" y=\"%.1f\">%lld</text>", CH_LEFT - 6, y + 4,
		        (long long)val);
		if (k > 0)
			fprintf(h,
			        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			        "stroke=\"#edf2f7\"/>",
			        CH_LEFT + 1, y, CH_W - CH_RIGHT, y);
	}
	fputs("</g>\n<g font-size=\"11\" fill=\"#4a5568\" text-anchor=\"middle\">", h);
	/* x labels: about eight, on whole days. */
	int64_t stepd = ndays / 8 + 1;
	for (int64_t d = d0; d <= d1; d += stepd) {
		char lab[16];
		day_label(d, lab, 0);
		fprintf(h, "<text x=\"%.1f\" y=\"%d\">%s</text>",
		        CH_LEFT + bw * (double)(d - d0) + bw / 2, CH_H - CH_BOTTOM + 16, lab);
	}
	fputs("</g>\n<g>", h);
	for (size_t i = 0; i < n; i++) {
		const day_hits *x = &v[i];
		if (x->day < d0 || x->day > d1)
			continue;
		double x0 = CH_LEFT + bw * (double)(x->day - d0) + (bw > 3 ? 1 : 0);
		double w = bw > 3 ? bw - 2 : bw;
		double hp = ph * (double)x->prereq / (double)ymax;
		double hc = ph * (double)x->cached / (double)ymax;
		double base = CH_TOP + ph;
		char lab[16];
		day_label(x->day, lab, 1);
		fprintf(h, "<g><title>%s: %lld %s, %lld %s</title>", lab, (long long)x->prereq,
		        WL_PARAM_PREREQ, (long long)x->cached, WL_PARAM_CACHED);
		if (x->prereq > 0)
			fprintf(h,
			        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			        "fill=\"%s\"/>",
			        x0, base - hp, w, hp, COLOR_PREREQ);
		if (x->cached > 0)
			fprintf(h,
			        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			        "fill=\"%s\"/>",
			        x0, base - hp - hc, w, hc, COLOR_CACHED);
		fputs("</g>\n", h);
	}
	fputs("</g>\n</svg>\n", h);
}

static wl_status charts(sqlite3 *db, const wl_qfilter *f, int has_span, int64_t t0, int64_t t1,
                        FILE *h, char *err, size_t errlen)
{
	hits x = {0};
	wl_status rc = hits_load(db, f, &x, err, errlen);
	if (rc != WL_OK || x.n == 0) {
		if (rc == WL_OK)
			fputs("<p class=\"empty\">No limit was hit in this period.</p>\n", h);
		hits_free(&x);
		return rc;
	}
	int64_t hmin = x.v[0].day, hmax = x.v[0].day, ymax = 1;
	for (size_t i = 0; i < x.n; i++) {
		if (x.v[i].day < hmin)
			hmin = x.v[i].day;
		if (x.v[i].day > hmax)
			hmax = x.v[i].day;
		if (x.v[i].prereq + x.v[i].cached > ymax)
			ymax = x.v[i].prereq + x.v[i].cached;
	}
	/* One time axis for every server, so charts compare at a glance: the
	 * data span (inside the window), unless absurdly long. */
	int64_t d0 = hmin, d1 = hmax;
	if (has_span) {
		int64_t s0 = t0 / WL_Q_US_PER_DAY - (t0 % WL_Q_US_PER_DAY < 0);
		int64_t s1 = t1 / WL_Q_US_PER_DAY - (t1 % WL_Q_US_PER_DAY < 0);
		if (f->has_since && f->since_us > t0)
			s0 = f->since_us / WL_Q_US_PER_DAY;
		if (f->has_until && f->until_us <= t1)
			s1 = (f->until_us - 1) / WL_Q_US_PER_DAY;
		if (s0 < d0)
			d0 = s0;
		if (s1 > d1)
			d1 = s1;
	}
	if (d1 - d0 + 1 > WL_HTML_CHART_DAYS_MAX) {
		d0 = hmin;
		d1 = hmax;
	}
	fputs("<p>Limit faults per UTC day (one fault counted once, both sides joined by fault "
	      "ID); the same scale for every server.</p>\n<p class=\"legend\">"
	      "<span style=\"background:" COLOR_PREREQ "\"></span>" WL_PARAM_PREREQ
	      " (" WL_LIMIT_PREREQ ")<span style=\"background:" COLOR_CACHED
	      "\"></span>" WL_PARAM_CACHED " (" WL_LIMIT_CACHED ")</p>\n",
	      h);
	size_t i = 0;
	while (i < x.n) {
		size_t j = i;
		while (j < x.n && same_server(x.v[j].server, x.v[i].server))
			j++;
		int64_t total = 0;
		for (size_t k = i; k < j; k++)
			total += x.v[k].prereq + x.v[k].cached;
		fputs("<h3>", h);
		text(h, x.v[i].server ? x.v[i].server : "(unknown server)");
		fprintf(h, " <small>(%lld limit hits)</small></h3>\n", (long long)total);
		chart(h, x.v[i].server, x.v + i, j - i, d0, d1, ymax);
		i = j;
	}
	hits_free(&x);
	return WL_OK;
}

/* ---- the page ---- */

wl_status wl_report_html(sqlite3 *db, const wl_qfilter *f, const char *db_path, int64_t now_us,
                         FILE *h, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char now[WL_QTIME_BUF], a[WL_QTIME_BUF], b[WL_QTIME_BUF];
	wl_status rc = wl_qdb_prepare(db, wl_sql_overview, &st, err, errlen);
	if (rc != WL_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = wl_qdb_error(db, err, errlen);
		sqlite3_finalize(st);
		return rc;
	}
	int64_t nsrc = sqlite3_column_int64(st, 0), nev = sqlite3_column_int64(st, 1);
	int64_t nscan = sqlite3_column_int64(st, 2), nprob = sqlite3_column_int64(st, 3);
	int has_span =
	    sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_type(st, 5) != SQLITE_NULL;
	int64_t t0 = sqlite3_column_int64(st, 4), t1 = sqlite3_column_int64(st, 5);
	sqlite3_finalize(st);

	wl_qtime_format(now_us, now, sizeof now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>wsuslog report</title>\n<style>",
	      h);
	fputs(css, h);
	fputs("</style>\n</head>\n<body>\n<h1>WSUS limits and errors</h1>\n<p class=\"meta\">Index "
	      "<code>",
	      h);
	text(h, db_path);
	fprintf(h, "</code> &middot; generated %s by wsuslog-query " WL_VERSION "<br>\n", now);
	fprintf(h, "%lld inputs indexed, %lld error events, %lld scans, %lld ingest problems",
	        (long long)nsrc, (long long)nev, (long long)nscan, (long long)nprob);
	if (has_span) {
		wl_qtime_format(t0, a, sizeof a);
		wl_qtime_format(t1, b, sizeof b);
		fprintf(h, " &middot; log lines from %s to %s", a, b);
	}
	if (f->has_since || f->has_until) {
		fputs("<br>\nThis report covers ", h);
		if (f->has_since) {
			wl_qtime_format(f->since_us, a, sizeof a);
			fprintf(h, "from %s ", a);
		}
		if (f->has_until) {
			wl_qtime_format(f->until_us, b, sizeof b);
			fprintf(h, "up to (not including) %s", b);
		}
	}
	fputs(". All times UTC.</p>\n", h);

	fputs("<section id=\"limits\">\n<h2>Limits hit</h2>\n<p>InvalidParameters faults on "
	      "<code>" WL_PARAM_PREREQ "</code> (web.config <code>" WL_LIMIT_PREREQ "</code>, "
	      "default 400) and <code>" WL_PARAM_CACHED "</code> (<code>" WL_LIMIT_CACHED
	      "</code>, default 22000), per server. <em>hits</em> counts faults (the client's and "
	      "the server's record of one fault are one hit); <em>clients</em> counts "
	      "SusClientIds.</p>\n",
	      h);
	rc = table(db, f, h, wl_report_limits, err, errlen);
	if (rc != WL_OK)
		return rc;
	fputs("</section>\n<section id=\"daily\">\n<h2>Daily limit hits per server</h2>\n", h);
	rc = charts(db, f, has_span, t0, t1, h, err, errlen);
	if (rc != WL_OK)
		return rc;
	fputs("</section>\n<section id=\"errors\">\n<h2>Top error codes</h2>\n<p>The "
	      "HRESULTs logged most often (a fault's records counted once), with their "
	      "<code>WU_E_*</code> names from wuerror.h.</p>\n",
	      h);
	fputs("<div class=\"scroll\">\n", h);
	rc = top_codes(db, f, h, err, errlen);
	fputs("</div>\n", h);
	if (rc != WL_OK)
		return rc;
	fputs(
	    "</section>\n<section id=\"capacity\">\n<h2>Capacity</h2>\n<p class=\"note\"><strong>",
	    h);
	text(h, WL_PROXY_NOTE);
	fputs("</strong> The logs show <em>that</em> a client hit a limit, never by how much. "
	      "<em>hit_rate</em>: clients that hit the limit / clients that used the server; "
	      "<em>limit_value</em>: from the server's ClientWebService web.config when one "
	      "was indexed.</p>\n",
	      h);
	rc = table(db, f, h, wl_report_capacity, err, errlen);
	if (rc != WL_OK)
		return rc;
	fputs("<h3>Proxies: scan statistics of clients that hit a limit vs the others</h3>\n"
	      "<p>Per client, its largest value in the scans against the server; nearest-rank "
	      "percentiles. These are proxies, not the number of update IDs sent.</p>\n",
	      h);
	rc = table(db, f, h, wl_report_proxies, err, errlen);
	if (rc != WL_OK)
		return rc;
	fputs("</section>\n<footer>wsuslog &middot; the index schema and every column are "
	      "described in docs/SCHEMA.md and docs/QUERY.md.</footer>\n</body>\n</html>\n",
	      h);
	return ferror(h) ? WL_E_IO : WL_OK;
}
