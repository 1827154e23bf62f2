/* The capacity planner's reports. `capacity`: per server and limit
 * parameter, how many of its clients hit the limit, how often, and what the
 * limit was (from the web.config files the indexer found, matched to the
 * server by name). `capacity --proxies`: the scan statistics the logs do
 * carry, for clients that hit vs did not. `capacity --counts`: true counts
 * exported by the admin turned into a recommended value. The logs never
 * say how many update IDs a client sent (FORMATS.md 7), so nothing here
 * presents a proxy as that count; the CLI prints WL_PROXY_NOTE with every
 * capacity output. */
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"
#include "wsuslog/schema.h"

#define MICRO INT64_C(1000000)

/* ---- web.config values ---- */

typedef struct cfg {
	char *server; /* lower-case, owned */
	int has_ts;
	int64_t ts;
	int has_val[2];
	int64_t val[2]; /* [0] maxInstalledPrerequisites, [1] maxCachedUpdates */
} cfg;

typedef struct cfgs {
	cfg *v;
	size_t n;
} cfgs;

static void cfgs_free(cfgs *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].server);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static wl_status cfgs_load(sqlite3 *db, cfgs *c, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	wl_status rc = wl_qdb_prepare(db, wl_sql_configs, &st, err, errlen);
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		if (c->n == WL_CONFIGS_MAX) {
			snprintf(err, errlen, "more than %u web.config rows", WL_CONFIGS_MAX);
			rc = WL_E_TOO_BIG;
			break;
		}
		if (c->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			cfg *p = realloc(c->v, nc * sizeof *p);
			if (!p) {
				rc = WL_E_NOMEM;
				break;
			}
			c->v = p;
			cap = nc;
		}
		cfg *x = &c->v[c->n];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		x->server = strdup(name ? name : "");
		if (!x->server) {
			rc = WL_E_NOMEM;
			break;
		}
		c->n++;
		x->has_ts = sqlite3_column_type(st, 1) != SQLITE_NULL;
		x->ts = sqlite3_column_int64(st, 1);
		for (int k = 0; k < 2; k++) {
			x->has_val[k] = sqlite3_column_type(st, 2 + k) != SQLITE_NULL;
			x->val[k] = sqlite3_column_int64(st, 2 + k);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static size_t first_label(const char *s)
{
	const char *dot = strchr(s, '.');
	return dot ? (size_t)(dot - s) : strlen(s);
}

/* 0: the config names this server exactly; 1: one side is a bare host name
 * equal to the other's first label (wsus01 vs wsus01.corp.example);
 * -1: no match. Both names are lower-case. */
static int cfg_match(const char *cfg_server, const char *server)
{
	if (strcmp(cfg_server, server) == 0)
		return 0;
	size_t a = first_label(cfg_server), b = first_label(server);
	if (cfg_server[a] == '\0' && a == b && memcmp(cfg_server, server, a) == 0)
		return 1;
	if (server[b] == '\0' && a == b && memcmp(cfg_server, server, a) == 0)
		return 1;
	return -1;
}

/* The configs of one server: the exact matches if any, else the short-name
 * ones; in file-time order (query_sql.c orders them). idx gets at most
 * c->n indexes. Returns their number. */
static size_t cfg_select(const cfgs *c, const char *server, size_t *idx)
{
	size_t n = 0;
	int best = 2;
	for (size_t i = 0; i < c->n; i++) {
		int m = cfg_match(c->v[i].server, server);
		if (m >= 0 && m < best)
			best = m;
	}
	for (size_t i = 0; i < c->n && best < 2; i++)
		if (cfg_match(c->v[i].server, server) == best)
			idx[n++] = i;
	return n;
}

static int64_t cfg_value(const cfg *x, int k)
{
	return x->has_val[k] ? x->val[k]
	                     : (k == 0 ? WL_LIMIT_PREREQ_DEFAULT : WL_LIMIT_CACHED_DEFAULT);
}

/* ---- capacity ---- */

static const char *const capacity_cols[] = {
    "server",   "parameter",    "limit",       "clients_scanned", "clients_hit",
    "hit_rate", "hits_per_day", "limit_value", "limit_source",    "rates_by_value",
};

/* A time for rates_by_value: the date alone when it is midnight UTC. */
static size_t short_time(int64_t us, char *buf)
{
	size_t n = wl_qtime_format(us, buf, WL_QTIME_BUF);
	if (n == 20 && memcmp(buf + 10, "T00:00:00Z", 10) == 0) {
		buf[10] = '\0';
		return 10;
	}
	return n;
}

/* clients_hit / clients_scanned of server sid and parameter param within
 * [lo, hi) (has_lo/has_hi 0: unbounded) intersected with f's window. *rate
 * is negative when nobody was scanned. */
static wl_status segment_rate(sqlite3 *db, sqlite3_stmt *st, const wl_qfilter *f, int64_t sid,
                              const char *param, int has_lo, int64_t lo, int has_hi, int64_t hi,
                              double *rate, char *err, size_t errlen)
{
	static const char *const own[] = {":sid", ":param", NULL};
	wl_qfilter w = *f;
	if (has_lo && (!w.has_since || lo > w.since_us)) {
		w.has_since = 1;
		w.since_us = lo;
	}
	if (has_hi && (!w.has_until || hi < w.until_us)) {
		w.has_until = 1;
		w.until_us = hi;
	}
	sqlite3_reset(st);
	if (wl_qdb_bind_std(st, &w, own) != SQLITE_OK ||
	    wl_qdb_bind_int(st, ":sid", 1, sid) != SQLITE_OK ||
	    wl_qdb_bind_text(st, ":param", param) != SQLITE_OK)
		return wl_qdb_error(db, err, errlen);
	if (sqlite3_step(st) != SQLITE_ROW)
		return wl_qdb_error(db, err, errlen);
	int64_t scanned = sqlite3_column_int64(st, 0), hit = sqlite3_column_int64(st, 1);
	*rate = scanned > 0 ? (double)hit / (double)scanned : -1.0;
	return WL_OK;
}

/* rates_by_value of one server and parameter into b (left empty when the
 * web.config value never changed). sel: the server's configs, oldest
 * first; those without a file time cannot be placed and are skipped. */
static wl_status rates_by_value(sqlite3 *db, sqlite3_stmt *rate_st, const wl_qfilter *f,
                                int64_t sid, const char *param, int k, const cfgs *c,
                                const size_t *sel, size_t nsel, wl_qbuf *b, char *err,
                                size_t errlen)
{
	int64_t val[WL_Q_CONFIG_SEGMENTS_MAX], from[WL_Q_CONFIG_SEGMENTS_MAX];
	size_t nseg = 0;
	b->n = 0;
	for (size_t i = 0; i < nsel; i++) {
		const cfg *x = &c->v[sel[i]];
		if (!x->has_ts)
			continue;
		int64_t v = cfg_value(x, k);
		if (nseg > 0 && val[nseg - 1] == v)
			continue;
		if (nseg == WL_Q_CONFIG_SEGMENTS_MAX) {
			snprintf(err, errlen, "%s: more than %u changes of %s", x->server,
			         WL_Q_CONFIG_SEGMENTS_MAX,
			         k == 0 ? WL_LIMIT_PREREQ : WL_LIMIT_CACHED);
			return WL_E_TOO_BIG;
		}
		val[nseg] = v;
		from[nseg] = x->ts;
		nseg++;
	}
	if (nseg < 2)
		return WL_OK;
	wl_status rc = WL_OK;
	for (size_t i = 0; i < nseg && rc == WL_OK; i++) {
		/* The first value is taken to hold from the start of the data:
		 * an earlier file, if any, was not collected. */
		char t0[WL_QTIME_BUF], t1[WL_QTIME_BUF], item[160];
		double r = -1.0;
		int has_lo = i > 0, has_hi = i + 1 < nseg;
		rc = segment_rate(db, rate_st, f, sid, param, has_lo, has_lo ? from[i] : 0, has_hi,
		                  has_hi ? from[i + 1] : 0, &r, err, errlen);
		if (rc != WL_OK)
			break;
		if (has_lo)
			short_time(from[i], t0);
		if (has_hi)
			short_time(from[i + 1], t1);
		char rs[WL_QNUM_BUF];
		if (r < 0)
			snprintf(rs, sizeof rs, "n/a");
		else
			snprintf(rs, sizeof rs, "%.3f", r);
		int n;
		if (!has_lo)
			n = snprintf(item, sizeof item, "%lld until %s: %s", (long long)val[i], t1,
			             rs);
		else if (!has_hi)
			n = snprintf(item, sizeof item, "%lld since %s: %s", (long long)val[i], t0,
			             rs);
		else
			n = snprintf(item, sizeof item, "%lld %s to %s: %s", (long long)val[i], t0,
			             t1, rs);
		if (b->n > 0)
			rc = wl_qbuf_add(b, "; ", 2);
		if (rc == WL_OK)
			rc = wl_qbuf_add(b, item, (size_t)n);
	}
	return rc;
}

wl_status wl_report_capacity(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL, *rate_st = NULL;
	cfgs c = {0};
	size_t *sel = NULL;
	wl_qbuf rates = {0};
	wl_status rc = cfgs_load(db, &c, err, errlen);
	if (rc == WL_OK)
		rc = wl_qdb_prepare(db, wl_sql_capacity, &st, err, errlen);
	if (rc == WL_OK)
		rc = wl_qdb_prepare(db, wl_sql_capacity_rate, &rate_st, err, errlen);
	if (rc != WL_OK)
		goto out;
	sel = calloc(c.n ? c.n : 1, sizeof *sel);
	if (!sel) {
		rc = WL_E_NOMEM;
		goto out;
	}
	if (wl_qdb_bind_std(st, f, NULL) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	rc = wl_out_begin(o, capacity_cols, sizeof capacity_cols / sizeof capacity_cols[0]);
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		int64_t sid = sqlite3_column_int64(st, 0);
		const char *server = (const char *)sqlite3_column_text(st, 1);
		const char *param = (const char *)sqlite3_column_text(st, 2);
		int k = strcmp(param, WL_PARAM_PREREQ) == 0 ? 0 : 1;
		int64_t scanned = sqlite3_column_int64(st, 4), hit = sqlite3_column_int64(st, 5);
		int64_t hits = sqlite3_column_int64(st, 6);
		int64_t t0 = sqlite3_column_int64(st, 7), t1 = sqlite3_column_int64(st, 8);
		double days = (double)(t1 - t0) / (double)WL_Q_US_PER_DAY;
		if (sqlite3_column_type(st, 7) == SQLITE_NULL || days < 1.0)
			days = 1.0;
		size_t nsel = cfg_select(&c, server, sel);
		/* The statement's text dies at the next call on it: the rate
		 * statement is another one, so server and param stay valid. */
		rc = rates_by_value(db, rate_st, f, sid, param, k, &c, sel, nsel, &rates, err,
		                    errlen);
		if (rc != WL_OK)
			break;
		char rate[WL_QNUM_BUF], perday[WL_QNUM_BUF];
		wl_val v[10];
		v[0] = wl_qdb_text(st, 1);
		v[1] = wl_qdb_text(st, 2);
		v[2] = wl_qdb_text(st, 3);
		v[3] = wl_v_int(scanned);
		v[4] = wl_v_int(hit);
		v[5] = scanned > 0 ? wl_qnum_fixed((double)hit / (double)scanned, 3, rate)
		                   : wl_v_null();
		v[6] = wl_qnum_fixed((double)hits / days, 3, perday);
		v[7] = wl_v_null();
		v[8] = wl_v_null();
		if (nsel > 0) {
			const cfg *latest = &c.v[sel[nsel - 1]];
			static const char from_file[] = "web.config";
			static const char from_default[] = "default (web.config without key)";
			v[7] = wl_v_int(cfg_value(latest, k));
			v[8] = latest->has_val[k]
			           ? wl_v_text(from_file, sizeof from_file - 1)
			           : wl_v_text(from_default, sizeof from_default - 1);
		}
		v[9] = rates.n ? wl_v_text(rates.p, rates.n) : wl_v_null();
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	wl_qbuf_free(&rates);
	free(sel);
	cfgs_free(&c);
	sqlite3_finalize(rate_st);
	sqlite3_finalize(st);
	return rc;
}

/* ---- capacity --proxies ---- */

static const char *const proxies_cols[] = {
    "server", "proxy", "group", "clients", "min", "p50", "p90", "max",
};

static void proxies_fill(sqlite3_stmt *st, wl_val *v, void *ctx)
{
	static const char *const names[] = {"?", "evaluated", "deployed", "round_trips"};
	(void)ctx;
	int pk = sqlite3_column_int(st, 1);
	const char *p = names[pk >= 1 && pk <= 3 ? pk : 0];
	const char *g = sqlite3_column_int(st, 2) ? "hit" : "not hit";
	v[0] = wl_qdb_text(st, 0);
	v[1] = wl_v_text(p, strlen(p));
	v[2] = wl_v_text(g, strlen(g));
	for (int i = 3; i < 8; i++)
		v[i] = wl_qdb_int(st, i);
}

wl_status wl_report_proxies(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_proxies, &st, err, errlen);
	if (rc == WL_OK && wl_qdb_bind_std(st, f, NULL) != SQLITE_OK)
		rc = wl_qdb_error(db, err, errlen);
	if (rc == WL_OK)
		rc = wl_qdb_run(db, st, o, proxies_cols,
		                sizeof proxies_cols / sizeof proxies_cols[0], proxies_fill, NULL,
		                err, errlen);
	sqlite3_finalize(st);
	return rc;
}

/* ---- capacity --counts ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t wl_counts_percentile(int64_t *v, size_t n, int64_t percentile_u)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_i64);
	/* Nearest rank: the smallest r with r >= P n / 100. */
	int64_t num = percentile_u * (int64_t)n;
	int64_t r = (num + 100 * MICRO - 1) / (100 * MICRO);
	if (r < 1)
		r = 1;
	if (r > (int64_t)n)
		r = (int64_t)n;
	return v[r - 1];
}

int64_t wl_counts_recommend(int64_t value, int64_t headroom_u, int64_t step)
{
	/* Integer arithmetic: 400 * 1.25 must be 500, not 500.0000001 -> 600. */
	int64_t x = (value * (MICRO + headroom_u) + MICRO - 1) / MICRO;
	int64_t r = (x + step - 1) / step * step;
	return r < step ? step : r;
}

/* A decimal in millionths, as given ("99", "99.5", "0.25"): digits, at
 * most one '.', at most 6 fractional digits. Returns 0 or -1. */
int wl_qdec_parse(const char *s, int64_t *micro)
{
	int64_t ip = 0, fp = 0, scale = MICRO;
	int digits = 0, fdigits = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (ip > INT64_C(1000000000))
			return -1;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits == 6)
				return -1;
			scale /= 10;
			fp += (*p - '0') * scale;
		}
		if (fdigits == 0)
			return -1;
	}
	if (*p != '\0' || digits == 0)
		return -1;
	*micro = ip * MICRO + fp;
	return 0;
}

/* millionths back to the shortest decimal ("99", "0.25"). */
static size_t dec_format(int64_t micro, char *buf, size_t cap)
{
	int k = snprintf(buf, cap, "%lld.%06lld", (long long)(micro / MICRO),
	                 (long long)(micro % MICRO));
	while (k > 0 && buf[k - 1] == '0')
		buf[--k] = '\0';
	if (k > 0 && buf[k - 1] == '.')
		buf[--k] = '\0';
	return (size_t)k;
}

static const char *const counts_cols[] = {
    "parameter",           "limit",    "clients",     "percentile",
    "value_at_percentile", "headroom", "recommended", "current",
};

/* `current`: the latest web.config value of every server that has one; one
 * number when they agree, else server=value pairs. */
static wl_status current_values(const cfgs *c, int k, wl_qbuf *b)
{
	wl_status rc = WL_OK;
	int all_same = 1, any = 0;
	int64_t first = 0;
	b->n = 0;
	/* Latest per server: configs are oldest first, so the last one of
	 * each name wins. */
	for (size_t i = 0; i < c->n; i++) {
		int later = 0;
		for (size_t j = i + 1; j < c->n && !later; j++)
			later = strcmp(c->v[j].server, c->v[i].server) == 0;
		if (later)
			continue;
		int64_t v = cfg_value(&c->v[i], k);
		if (!any)
			first = v;
		else if (v != first)
			all_same = 0;
		any = 1;
	}
	if (!any)
		return WL_OK;
	for (size_t i = 0; i < c->n && rc == WL_OK; i++) {
		int later = 0;
		for (size_t j = i + 1; j < c->n && !later; j++)
			later = strcmp(c->v[j].server, c->v[i].server) == 0;
		if (later)
			continue;
		char num[48];
		int n = snprintf(num, sizeof num, "%lld", (long long)cfg_value(&c->v[i], k));
		if (all_same)
			return wl_qbuf_add(b, num, (size_t)n);
		if (b->n > 0)
			rc = wl_qbuf_add(b, ";", 1);
		if (rc == WL_OK)
			rc = wl_qbuf_str(b, c->v[i].server);
		if (rc == WL_OK)
			rc = wl_qbuf_add(b, "=", 1);
		if (rc == WL_OK)
			rc = wl_qbuf_add(b, num, (size_t)n);
	}
	return rc;
}

wl_status wl_report_counts(sqlite3 *db, const wl_counts *cnt, wl_out *o, char *err, size_t errlen)
{
	cfgs c = {0};
	wl_qbuf cur = {0};
	wl_status rc = cfgs_load(db, &c, err, errlen);
	if (rc == WL_OK)
		rc = wl_out_begin(o, counts_cols, sizeof counts_cols / sizeof counts_cols[0]);
	for (int k = 0; k < 2 && rc == WL_OK; k++) {
		int64_t *vals = k == 0 ? cnt->prereq : cnt->cached;
		int64_t step = k == 0 ? 100 : 1000;
		int64_t at = wl_counts_percentile(vals, cnt->n, cnt->percentile_u);
		char p[WL_QNUM_BUF], h[WL_QNUM_BUF];
		rc = current_values(&c, k, &cur);
		if (rc != WL_OK)
			break;
		wl_val v[8];
		v[0] = k == 0 ? wl_v_text(WL_PARAM_PREREQ, sizeof WL_PARAM_PREREQ - 1)
		              : wl_v_text(WL_PARAM_CACHED, sizeof WL_PARAM_CACHED - 1);
		v[1] = k == 0 ? wl_v_text(WL_LIMIT_PREREQ, sizeof WL_LIMIT_PREREQ - 1)
		              : wl_v_text(WL_LIMIT_CACHED, sizeof WL_LIMIT_CACHED - 1);
		v[2] = wl_v_int((int64_t)cnt->n);
		v[3] = wl_v_num(p, dec_format(cnt->percentile_u, p, sizeof p));
		v[4] = wl_v_int(at);
		v[5] = wl_v_num(h, dec_format(cnt->headroom_u, h, sizeof h));
		v[6] = wl_v_int(wl_counts_recommend(at, cnt->headroom_u, step));
		v[7] = cur.n ? wl_v_text(cur.p, cur.n) : wl_v_null();
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
	wl_qbuf_free(&cur);
	cfgs_free(&c);
	return rc;
}

/* ---- the counts CSV ---- */

typedef struct seen {
	wl_guid g;
	uint64_t line;
} seen;

static int by_guid(const void *a, const void *b)
{
	const seen *x = a, *y = b;
	int c = memcmp(x->g.s, y->g.s, sizeof x->g.s);
	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static wl_status bad(char *err, size_t errlen, const char *path, uint64_t line, const char *msg)
{
	snprintf(err, errlen, "%s:%llu: %s", path, (unsigned long long)line, msg);
	return WL_E_USAGE;
}

/* A field without its quotes: "x" -> x; a quote inside is refused. */
static int unquote(const char **p, size_t *n)
{
	if (*n >= 2 && (*p)[0] == '"' && (*p)[*n - 1] == '"') {
		(*p)++;
		*n -= 2;
	}
	return memchr(*p, '"', *n) ? -1 : 0;
}

static int parse_count(const char *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (p[i] - '0');
		if (x > WL_Q_COUNTS_VALUE_MAX)
			return -1;
	}
	*v = x;
	return 0;
}

void wl_counts_free(wl_counts *c)
{
	free(c->prereq);
	free(c->cached);
	c->prereq = c->cached = NULL;
	c->n = 0;
}

wl_status wl_counts_load(const char *path, wl_counts *c, char *err, size_t errlen)
{
	static const char header[] = "client_id,installed_non_leaf,cached";
	char *line = malloc(WL_Q_COUNTS_LINE_MAX + 2);
	seen *ids = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	int blank_at = 0; /* line number of a blank line, if one was seen */
	wl_status rc = WL_OK;
	FILE *f = fopen(path, "rb");
	c->prereq = c->cached = NULL;
	c->n = 0;
	if (!line) {
		rc = WL_E_NOMEM;
		goto out;
	}
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		rc = WL_E_USAGE;
		goto out;
	}
	while (fgets(line, WL_Q_COUNTS_LINE_MAX + 2, f)) {
		size_t n = strlen(line);
		lineno++;
		if (n == WL_Q_COUNTS_LINE_MAX + 1 && line[n - 1] != '\n') {
			rc = bad(err, errlen, path, lineno, "line too long");
			goto out;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			/* fgets stopped early without a newline: a NUL byte. */
			rc = bad(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (memchr(line, '\0', n) || strlen(line) != n) {
			rc = bad(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		const char *p = line;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3; /* the BOM spreadsheets write */
			n -= 3;
		}
		if (lineno == 1) {
			if (n != sizeof header - 1 || memcmp(p, header, n) != 0) {
				rc = bad(err, errlen, path, lineno,
				         "the header must be exactly "
				         "'client_id,installed_non_leaf,cached'");
				goto out;
			}
			continue;
		}
		if (n == 0) {
			if (!blank_at)
				blank_at = (int)(lineno > INT32_MAX ? INT32_MAX : lineno);
			continue;
		}
		if (blank_at) {
			rc = bad(err, errlen, path, (uint64_t)blank_at, "empty line");
			goto out;
		}
		const char *field[3];
		size_t len[3];
		size_t nf = 0;
		const char *q = p, *end = p + n;
		for (;;) {
			const char *comma = memchr(q, ',', (size_t)(end - q));
			if (nf == 3) {
				nf = 4;
				break;
			}
			field[nf] = q;
			len[nf] = comma ? (size_t)(comma - q) : (size_t)(end - q);
			nf++;
			if (!comma)
				break;
			q = comma + 1;
		}
		if (nf != 3) {
			rc = bad(err, errlen, path, lineno,
			         "expected 3 fields: client_id,installed_non_leaf,cached");
			goto out;
		}
		for (int i = 0; i < 3; i++)
			if (unquote(&field[i], &len[i]) != 0) {
				rc = bad(err, errlen, path, lineno, "a quote inside a field");
				goto out;
			}
		wl_guid g;
		if (len[0] == 0 || wl_guid_parse(field[0], len[0], &g) != len[0]) {
			rc =
			    bad(err, errlen, path, lineno, "client_id is not a GUID (SusClientId)");
			goto out;
		}
		int64_t a, b;
		if (parse_count(field[1], len[1], &a) != 0) {
			rc = bad(err, errlen, path, lineno,
			         "installed_non_leaf is not a whole number from 0 to 1000000000");
			goto out;
		}
		if (parse_count(field[2], len[2], &b) != 0) {
			rc = bad(err, errlen, path, lineno,
			         "cached is not a whole number from 0 to 1000000000");
			goto out;
		}
		if (c->n == WL_Q_COUNTS_ROWS_MAX) {
			rc = bad(err, errlen, path, lineno, "too many clients");
			goto out;
		}
		if (c->n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			int64_t *pa = realloc(c->prereq, nc * sizeof *pa);
			if (pa)
				c->prereq = pa;
			int64_t *pb = realloc(c->cached, nc * sizeof *pb);
			if (pb)
				c->cached = pb;
			seen *ps = realloc(ids, nc * sizeof *ps);
			if (ps)
				ids = ps;
			if (!pa || !pb || !ps) {
				rc = WL_E_NOMEM;
				goto out;
			}
			cap = nc;
		}
		c->prereq[c->n] = a;
		c->cached[c->n] = b;
		ids[c->n].g = g;
		ids[c->n].line = lineno;
		c->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = WL_E_IO;
		goto out;
	}
	if (lineno == 0) {
		rc = bad(err, errlen, path, 1, "empty file (expected a header line)");
		goto out;
	}
	if (c->n == 0) {
		rc = bad(err, errlen, path, lineno, "no clients after the header");
		goto out;
	}
	qsort(ids, c->n, sizeof *ids, by_guid);
	for (size_t i = 1; i < c->n; i++)
		if (memcmp(ids[i].g.s, ids[i - 1].g.s, sizeof ids[i].g.s) == 0) {
			char msg[96];
			snprintf(msg, sizeof msg, "client_id repeats line %llu",
			         (unsigned long long)ids[i - 1].line);
			rc = bad(err, errlen, path, ids[i].line, msg);
			goto out;
		}
out:
	if (rc != WL_OK)
		wl_counts_free(c);
	if (f)
		fclose(f);
	free(ids);
	free(line);
	return rc;
}
