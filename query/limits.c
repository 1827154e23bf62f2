/* limits: one row per (server, parameter) whose limit was hit.
 *
 * Which events count is SQL (wl_sql_limit_records: the limit records and
 * every record of their faults, from complete inputs only). What each
 * fault is — its time, its server, its parameter — and the grouping are
 * done here, over those few records: the same rules in SQL (a window over
 * the records, then COUNT(DISTINCT)s) cost 2.8 times the instructions on
 * 10 M events (bench/limits10m.sh). The rules are the FAULTS_CTE's of
 * query_sql.c, which the other fault reports use; golden_reports.sh checks
 * that `limits` and `servers` agree, and docs/QUERY.md states them:
 *
 *   fault key  its fault GUID, or for a record without one its event id;
 *   time       the earliest known time among its records;
 *   server     that of its first record in the order: naming a server
 *              first, server side first, known time first, time, source,
 *              line, event id;
 *   parameter  the one seen first (unknown times count as latest;
 *              InstalledNonLeafUpdateIDs on a tie).
 * --since/--until filter on the fault's time, --server on its server. */
#include "query.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qdb.h"
#include "query_sql.h"
#include "wsuslog/event.h"
#include "wsuslog/limits.h"
#include "wsuslog/schema.h"

#define NO_ID 0 /* ids are rowids: 1 or more; 0 stands for NULL */

typedef struct lrec {
	int64_t key; /* fault GUID id, or -(event id) for a GUID-less record */
	int64_t ts;  /* WL_TS_NONE: unknown */
	int64_t srv; /* server host id, NO_ID */
	int64_t cid; /* client GUID id, NO_ID */
	int64_t src, line, event_id;
	int role;
	int par; /* 0 prereq, 1 cached, -1 neither */
} lrec;

typedef struct lfault {
	int64_t fts; /* WL_TS_NONE: no record has a time */
	int64_t srv;
	int par;
	size_t first, n; /* its records: recs[first .. first + n) */
	size_t group;
} lfault;

typedef struct lgroup {
	int64_t srv;
	int par;
	char *name; /* NULL: no server */
	int64_t hits, clients, t0, t1;
} lgroup;

static int cmp_key(const void *a, const void *b)
{
	const lrec *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* The pick order of a fault's server (see the top of this file). */
static bool before(const lrec *a, const lrec *b, int server_role)
{
	int ka = a->srv == NO_ID, kb = b->srv == NO_ID;
	if (ka != kb)
		return ka < kb;
	ka = a->role != server_role;
	kb = b->role != server_role;
	if (ka != kb)
		return ka < kb;
	ka = a->ts == WL_TS_NONE;
	kb = b->ts == WL_TS_NONE;
	if (ka != kb)
		return ka < kb;
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->src != b->src)
		return a->src < b->src;
	if (a->line != b->line)
		return a->line < b->line;
	return a->event_id < b->event_id;
}

static void fault_of(const lrec *r, size_t n, lfault *f)
{
	const lrec *pick = &r[0];
	int64_t tp = WL_TS_NONE, tc = WL_TS_NONE; /* WL_TS_NONE: none seen */
	bool has_p = false, has_c = false;
	f->fts = WL_TS_NONE;
	for (size_t i = 0; i < n; i++) {
		if (r[i].ts != WL_TS_NONE && (f->fts == WL_TS_NONE || r[i].ts < f->fts))
			f->fts = r[i].ts;
		if (i > 0 && before(&r[i], pick, WL_ROLE_SERVER))
			pick = &r[i];
		int64_t t = r[i].ts == WL_TS_NONE ? INT64_MAX : r[i].ts;
		if (r[i].par == 0 && (!has_p || t < tp)) {
			tp = t;
			has_p = true;
		} else if (r[i].par == 1 && (!has_c || t < tc)) {
			tc = t;
			has_c = true;
		}
	}
	f->srv = pick->srv;
	f->par = !has_p || (has_c && tc < tp) ? 1 : 0;
}

typedef struct gpair {
	int64_t group, cid;
} gpair;

static int cmp_pair(const void *a, const void *b)
{
	const gpair *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->cid < y->cid ? -1 : x->cid > y->cid;
}

static int cmp_group(const void *a, const void *b)
{
	const lgroup *x = a, *y = b;
	if ((x->name == NULL) != (y->name == NULL))
		return x->name == NULL ? 1 : -1;
	if (x->name) {
		int c = strcmp(x->name, y->name);
		if (c)
			return c;
	}
	return x->par - y->par; /* "InstalledNonLeaf..." < "OtherCached..." */
}

/* ASCII lower case, as SQLite's lower() and the indexer's host names. */
static bool same_host(const char *name, const char *want)
{
	for (; *name && *want; name++, want++) {
		char w = *want >= 'A' && *want <= 'Z' ? (char)(*want - 'A' + 'a') : *want;
		if (*name != w)
			return false;
	}
	return *name == *want;
}

static wl_status load_records(sqlite3 *db, lrec **out, size_t *out_n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_limit_records, &st, err, errlen);
	if (rc != WL_OK)
		return rc;
	if (wl_qdb_bind_std(st, NULL, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return wl_qdb_error(db, err, errlen);
	}
	lrec *v = NULL;
	size_t n = 0, cap = 0;
	while (wl_qdb_next(db, st, &rc, err, errlen)) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			lrec *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				rc = WL_E_NOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		lrec *r = &v[n++];
		/* fg, event_id, ts, role, server_id, cid, par, source_id, line */
		r->event_id = sqlite3_column_int64(st, 1);
		r->key = sqlite3_column_type(st, 0) == SQLITE_NULL ? -r->event_id
		                                                   : sqlite3_column_int64(st, 0);
		r->ts = sqlite3_column_type(st, 2) == SQLITE_NULL ? WL_TS_NONE
		                                                  : sqlite3_column_int64(st, 2);
		r->role = sqlite3_column_int(st, 3);
		r->srv = sqlite3_column_int64(st, 4); /* NULL reads as 0 = NO_ID */
		r->cid = sqlite3_column_int64(st, 5);
		r->par = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
		r->src = sqlite3_column_int64(st, 7);
		r->line = sqlite3_column_int64(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != WL_OK) {
		free(v);
		return rc;
	}
	*out = v;
	*out_n = n;
	return WL_OK;
}

static wl_status host_name(sqlite3 *db, sqlite3_stmt *st, int64_t id, char **name, char *err,
                           size_t errlen)
{
	*name = NULL;
	if (id == NO_ID)
		return WL_OK;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		*name = strdup(s ? s : "");
		if (!*name)
			return WL_E_NOMEM;
	} else if (r != SQLITE_ROW && r != SQLITE_DONE) {
		return wl_qdb_error(db, err, errlen);
	}
	return WL_OK;
}

static const char *const limits_cols[] = {
    "server", "parameter", "limit", "hits", "clients", "first_seen", "last_seen",
};

wl_status wl_report_limits(sqlite3 *db, const wl_qfilter *f, wl_out *o, char *err, size_t errlen)
{
	static const wl_qfilter none = {0};
	if (!f)
		f = &none;
	lrec *recs = NULL;
	size_t nrec = 0, nf = 0, ng = 0;
	lfault *faults = NULL;
	lgroup *groups = NULL;
	gpair *pairs = NULL;
	sqlite3_stmt *hs = NULL;
	wl_status rc = load_records(db, &recs, &nrec, err, errlen);
	if (rc != WL_OK)
		return rc;
	if (nrec > 1)
		qsort(recs, nrec, sizeof *recs, cmp_key);
	faults = malloc((nrec ? nrec : 1) * sizeof *faults);
	groups = malloc((nrec ? nrec : 1) * sizeof *groups);
	pairs = malloc((nrec ? nrec : 1) * sizeof *pairs);
	if (!faults || !groups || !pairs) {
		rc = WL_E_NOMEM;
		goto out;
	}
	rc = wl_qdb_prepare(db, wl_sql_host_name, &hs, err, errlen);
	if (rc != WL_OK)
		goto out;

	/* Faults, filtered on their time and server; a group per (server,
	 * parameter), found by a linear search (a handful of servers). */
	for (size_t i = 0; i < nrec;) {
		size_t j = i + 1;
		while (j < nrec && recs[j].key == recs[i].key)
			j++;
		lfault *fl = &faults[nf];
		fault_of(&recs[i], j - i, fl);
		fl->first = i;
		fl->n = j - i;
		i = j;
		if ((f->has_since && (fl->fts == WL_TS_NONE || fl->fts < f->since_us)) ||
		    (f->has_until && (fl->fts == WL_TS_NONE || fl->fts >= f->until_us)))
			continue;
		size_t g = 0;
		while (g < ng && !(groups[g].srv == fl->srv && groups[g].par == fl->par))
			g++;
		if (g == ng) {
			lgroup *gr = &groups[ng];
			memset(gr, 0, sizeof *gr);
			gr->srv = fl->srv;
			gr->par = fl->par;
			gr->t0 = gr->t1 = WL_TS_NONE;
			rc = host_name(db, hs, fl->srv, &gr->name, err, errlen);
			if (rc != WL_OK)
				goto out;
			ng++;
		}
		lgroup *gr = &groups[g];
		if (f->server && !(gr->name && same_host(gr->name, f->server)))
			continue;
		gr->hits++;
		if (fl->fts != WL_TS_NONE) {
			if (gr->t0 == WL_TS_NONE || fl->fts < gr->t0)
				gr->t0 = fl->fts;
			if (gr->t1 == WL_TS_NONE || fl->fts > gr->t1)
				gr->t1 = fl->fts;
		}
		fl->group = g;
		nf++;
	}

	/* Distinct clients per group, over every record of its faults. */
	size_t np = 0;
	for (size_t k = 0; k < nf; k++)
		for (size_t i = faults[k].first; i < faults[k].first + faults[k].n; i++)
			if (recs[i].cid != NO_ID) {
				pairs[np].group = (int64_t)faults[k].group;
				pairs[np].cid = recs[i].cid;
				np++;
			}
	if (np > 1)
		qsort(pairs, np, sizeof *pairs, cmp_pair);
	for (size_t i = 0; i < np; i++)
		if (i == 0 || pairs[i].group != pairs[i - 1].group ||
		    pairs[i].cid != pairs[i - 1].cid)
			groups[pairs[i].group].clients++;

	if (ng > 1)
		qsort(groups, ng, sizeof *groups, cmp_group);
	rc = wl_out_begin(o, limits_cols, sizeof limits_cols / sizeof limits_cols[0]);
	for (size_t g = 0; g < ng && rc == WL_OK; g++) {
		const lgroup *gr = &groups[g];
		if (gr->hits == 0)
			continue; /* another server's, under --server */
		char a[WL_QTIME_BUF], b[WL_QTIME_BUF];
		const char *par = gr->par ? WL_PARAM_CACHED : WL_PARAM_PREREQ;
		const char *lim = gr->par ? WL_LIMIT_CACHED : WL_LIMIT_PREREQ;
		wl_val v[7];
		v[0] = gr->name ? wl_v_text(gr->name, strlen(gr->name)) : wl_v_null();
		v[1] = wl_v_text(par, strlen(par));
		v[2] = wl_v_text(lim, strlen(lim));
		v[3] = wl_v_int(gr->hits);
		v[4] = wl_v_int(gr->clients);
		v[5] = gr->t0 == WL_TS_NONE ? wl_v_null()
		                            : wl_v_text(a, wl_qtime_format(gr->t0, a, sizeof a));
		v[6] = gr->t1 == WL_TS_NONE ? wl_v_null()
		                            : wl_v_text(b, wl_qtime_format(gr->t1, b, sizeof b));
		rc = wl_out_row(o, v);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	sqlite3_finalize(hs);
	for (size_t g = 0; g < ng; g++)
		free(groups[g].name);
	free(groups);
	free(faults);
	free(pairs);
	free(recs);
	return rc;
}
