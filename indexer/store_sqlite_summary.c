/* SQLite store, summaries (docs/SCHEMA.md, "Summaries"): the tables the
 * reports read instead of every event, kept exact by the two moments that
 * change what the index holds. When a source completes, its events and
 * scans are grouped into rows of its own (sum_errors, sum_activity, their
 * hourly twins, sum_spans) and added to sum_hours; when a source is
 * deleted (duplicate, shorter copy, earlier copy of a grown log, leftover
 * of a killed run), its rows go and sum_hours is subtracted from. Both
 * happen in the transaction that completes or deletes it, so the summaries
 * hold exactly the complete sources, whatever a run or a kill does.
 *
 * A fault's attributes (time, server, code, limit parameter) depend on all
 * its records, which may come in different inputs and runs: each fault a
 * source has records of is recomputed by the fault rules
 * (WL_SQL_FAULT_RULES, the query's own definition) from the events of
 * complete sources, after the source is added or its rows are gone.
 *
 * A completing source's rows are grouped in C as they arrive (wl_sumacc,
 * by its lane on the worker's thread, store_sqlite_lane.c), so its
 * completion writes a few rows per day instead of reading its events back:
 * that read-back cost the ingest 1.4 CPU-s per GB of logs. Only the hourly
 * maps are kept per row; the daily ones are rolled up from them at the
 * source's end, and every map's rows sorted (wl_sumacc_finish, on the lane
 * too: the writer only binds them). A source with more
 * distinct keys than it may hold (its own, then chunks of a pool the lanes
 * share: bounded memory, limits.h) is grouped by SQL at its completion
 * instead, as is a complete source that is deleted (it is read once, to
 * subtract it). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"
#include "wsuslog/event.h"
#include "wsuslog/schema.h"

wl_status wl_sqlite_summary_open(wl_sqlite *sq, char *err, size_t errlen)
{
	/* The faults touched by the current add or delete. */
	return wl_sqlite_exec(
	    sq, "CREATE TEMP TABLE IF NOT EXISTS fault_touch(fk INTEGER PRIMARY KEY)", err, errlen);
}

static void bind_fault_rules(sqlite3_stmt *st)
{
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":code"), WL_FAULT_LIMIT_CODE, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":prereq"), WL_PARAM_PREREQ, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":cached"), WL_PARAM_CACHED, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":server_role"), WL_ROLE_SERVER);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":ts_max"), INT64_MAX);
}

void wl_sqlite_summary_bind(wl_sqlite *sq)
{
	bind_fault_rules(sq->st[SQ_FAULT_FILL]);
	bind_fault_rules(sq->st[SQ_FAULT_MEMBERS_FILL]);
}

/* ---- accumulators ---- */

static const unsigned map_shape[SUM_MAPS_][2] = {
    /* keys: hour (or day), role, host, server, client, HRESULT, fault
     * GUID; n */
    [SUM_ERRORS_H] = {7, 1},
    [SUM_ERRORS] = {7, 1},
    /* keys: hour (or day), role, host, server, client; events, scans, t0,
     * t1, scan_t1, ok_t1, max evaluated, deployed, round trips */
    [SUM_ACTIVITY_H] = {5, 9},
    [SUM_ACTIVITY] = {5, 9},
    /* key: hour; e0, e1, c0, c1 */
    [SUM_SPANS] = {1, 4},
    /* key: day; events and scans */
    [SUM_DAY_ROWS] = {1, 1},
    /* the daily keys without the day, the same values */
    [SUM_ERRORS_T] = {6, 1},
    [SUM_ACTIVITY_T] = {4, 9},
    /* keys: hour, hours (1, or 24 for a sparse day); e0, e1, c0, c1 */
    [SUM_SPANS_OUT] = {2, 4},
    /* keys: hour, server (0: none), HRESULT (-1: none); n */
    [SUM_HOURS] = {3, 1},
    /* key: the fault (fk) */
    [SUM_FAULTS] = {1, 0},
};

void wl_sqlite_summary_alloc(wl_sqlite *sq)
{
	sq->hours.nk = map_shape[SUM_HOURS][0];
	sq->hours.nv = map_shape[SUM_HOURS][1];
}

wl_sumacc *wl_sumacc_new(void)
{
	wl_sumacc *a = calloc(1, sizeof *a);
	if (a)
		for (int t = 0; t < SUM_MAPS_; t++) {
			a->m[t].nk = map_shape[t][0];
			a->m[t].nv = map_shape[t][1];
		}
	return a;
}

/* The keys a drew from the pool, given back. */
static void give_back(wl_sumacc *a)
{
	if (a->drawn)
		atomic_fetch_sub(a->pool, a->drawn);
	a->drawn = 0;
}

void wl_sumacc_free(wl_sumacc *a)
{
	if (!a)
		return;
	give_back(a);
	for (int t = 0; t < SUM_MAPS_; t++) {
		wl_i64map_free(&a->m[t]);
		free(a->rows[t]);
	}
	free(a);
}

void wl_sqlite_summary_free(wl_sqlite *sq)
{
	wl_i64map_free(&sq->hours);
}

/* Whether a's source is past what it may hold: its own keys, then chunks
 * drawn from the pool the lanes share. When the pool is spent too, drop
 * the maps: SQL groups the source at its completion. */
static bool full(wl_sumacc *a, const wl_sumcfg *c)
{
	if (a->overflow)
		return true;
	size_t used = 0;
	for (int t = 0; t < SUM_MAPS_; t++)
		used += a->m[t].used;
	if (used < c->keys_own + a->drawn)
		return false;
	if (c->pool_max) {
		size_t was = atomic_fetch_add(c->pool, WL_SUM_KEYS_CHUNK);
		if (was + WL_SUM_KEYS_CHUNK <= c->pool_max) {
			a->pool = c->pool;
			a->drawn += WL_SUM_KEYS_CHUNK;
			return false;
		}
		atomic_fetch_sub(c->pool, WL_SUM_KEYS_CHUNK);
	}
	give_back(a);
	for (int t = 0; t < SUM_MAPS_; t++)
		wl_i64map_free(&a->m[t]);
	a->overflow = true;
	return true;
}

static int64_t floor_div(int64_t x, int64_t w)
{
	return x / w - (x % w < 0);
}

static int64_t id_or_null(int64_t id)
{
	return id ? id : WL_I64_NULL;
}

/* SQL's MIN and MAX, NULL (WL_I64_NULL) ignored. */
static void take_min(int64_t *v, int64_t x)
{
	if (x != WL_I64_NULL && (*v == WL_I64_NULL || x < *v))
		*v = x;
}

static void take_max(int64_t *v, int64_t x)
{
	if (x != WL_I64_NULL && (*v == WL_I64_NULL || x > *v))
		*v = x;
}

static void add_count(int64_t *v, int64_t n)
{
	*v = (*v == WL_I64_NULL ? 0 : *v) + n;
}

enum { A_EVENTS, A_SCANS, A_T0, A_T1, A_SCAN_T1, A_OK_T1, A_EVAL, A_DEPL, A_RT };

#define HOUR_US INT64_C(3600000000)
#define HOURS_PER_DAY 24

wl_status wl_sumacc_event(wl_sumacc *a, const wl_sumcfg *c, const wl_evrow *r)
{
	if (full(a, c))
		return WL_OK;
	int64_t ts = r->has_ts ? r->ts : WL_I64_NULL;
	int64_t hour = r->has_ts ? floor_div(r->ts, HOUR_US) : WL_I64_NULL;
	int64_t hr = r->has_hr ? (int64_t)r->hr : WL_I64_NULL;
	int64_t who[5] = {hour, r->role, id_or_null(r->host), id_or_null(r->server),
	                  id_or_null(r->client)};
	int64_t *v = wl_i64map_at(&a->m[SUM_ACTIVITY_H], who, NULL);
	if (!v)
		return WL_E_NOMEM;
	add_count(&v[A_EVENTS], 1);
	if (v[A_SCANS] == WL_I64_NULL)
		v[A_SCANS] = 0;
	take_min(&v[A_T0], ts);
	take_max(&v[A_T1], ts);
	if (!(v = wl_i64map_at(&a->m[SUM_SPANS], &hour, NULL)))
		return WL_E_NOMEM;
	take_min(&v[0], r->id);
	take_max(&v[1], r->id);
	if (r->has_hr) {
		int64_t k[7] = {who[0], who[1], who[2], who[3], who[4], hr, id_or_null(r->fault)};
		if (!(v = wl_i64map_at(&a->m[SUM_ERRORS_H], k, NULL)))
			return WL_E_NOMEM;
		add_count(v, 1);
	}
	if (r->has_ts) {
		int64_t k[3] = {hour, r->server, r->has_hr ? hr : -1};
		if (!(v = wl_i64map_at(&a->m[SUM_HOURS], k, NULL)))
			return WL_E_NOMEM;
		add_count(v, 1);
	}
	if (r->fault || r->fault_code.n) {
		int64_t fk = r->fault ? r->fault : -r->id;
		if (!wl_i64map_at(&a->m[SUM_FAULTS], &fk, NULL))
			return WL_E_NOMEM;
	}
	return WL_OK;
}

wl_status wl_sumacc_scan(wl_sumacc *a, const wl_sumcfg *c, const wl_scanrow *r)
{
	if (full(a, c))
		return WL_OK;
	int64_t ts = r->has_ts ? r->ts : WL_I64_NULL;
	int64_t who[5] = {r->has_ts ? floor_div(r->ts, HOUR_US) : WL_I64_NULL, 0,
	                  id_or_null(r->host), id_or_null(r->server), id_or_null(r->client)};
	int64_t *v = wl_i64map_at(&a->m[SUM_ACTIVITY_H], who, NULL);
	if (!v)
		return WL_E_NOMEM;
	if (v[A_EVENTS] == WL_I64_NULL)
		v[A_EVENTS] = 0;
	add_count(&v[A_SCANS], 1);
	take_min(&v[A_T0], ts);
	take_max(&v[A_T1], ts);
	take_max(&v[A_SCAN_T1], ts);
	if (r->hr == 0)
		take_max(&v[A_OK_T1], ts);
	/* v: round trips, evaluated, deployed; -1 when the log gave none
	 * (NULL in scans). */
	take_max(&v[A_EVAL], r->v[1] >= 0 ? r->v[1] : WL_I64_NULL);
	take_max(&v[A_DEPL], r->v[2] >= 0 ? r->v[2] : WL_I64_NULL);
	take_max(&v[A_RT], r->v[0] >= 0 ? r->v[0] : WL_I64_NULL);
	if (!(v = wl_i64map_at(&a->m[SUM_SPANS], &who[0], NULL)))
		return WL_E_NOMEM;
	take_min(&v[2], r->id);
	take_max(&v[3], r->id);
	return WL_OK;
}

/* Maps that are written as rows (the others only feed them). */
static bool written(int t)
{
	return t != SUM_SPANS && t != SUM_DAY_ROWS;
}

wl_status wl_sqlite_summary_prepare(wl_sqlite *sq, char *err, size_t errlen)
{
	for (int t = 0; t < SUM_MAPS_; t++) {
		if (!written(t))
			continue;
		wl_status st = wl_sqlite_prepare_multi(sq, &wl_sqlite_sum_tables[t], sq->sum_ins[t],
		                                       err, errlen);
		if (st != WL_OK)
			return st;
	}
	return WL_OK;
}

void wl_sqlite_summary_finalize(wl_sqlite *sq)
{
	for (int t = 0; t < SUM_MAPS_; t++)
		for (int k = 0; k <= WL_SQ_BATCH_LOG; k++) {
			sqlite3_finalize(sq->sum_ins[t][k]);
			sq->sum_ins[t][k] = NULL;
		}
}

/* A day's events and scans (SUM_DAY_ROWS of the lane), 0 when none. */
static int64_t day_rows(const wl_i64map *days, int64_t day)
{
	const int64_t *n = wl_i64map_find(days, &day);
	return n ? *n : 0;
}

/* Whether a key of map t becomes a row: the hourly tables hold rows
 * with a time in dense days only (the NULL hour's key, events without a
 * time, is in the map for the daily roll-up). days: the lane's day counts. */
static bool kept(int t, const int64_t *key, const wl_i64map *days, int64_t dense)
{
	if (t != SUM_ERRORS_H && t != SUM_ACTIVITY_H)
		return true;
	return key[0] != WL_I64_NULL && day_rows(days, floor_div(key[0], HOURS_PER_DAY)) >= dense;
}

static int cmp_row(const void *pa, const void *pb)
{
	const wl_sumrow *a = pa, *b = pb;
	for (unsigned c = 0; c < a->nk; c++)
		if (a->key[c] != b->key[c])
			return a->key[c] < b->key[c] ? -1 : 1;
	return 0;
}

/* The keys of map t that become rows (kept), in key order: key order
 * makes each insert land next to the last one in the table's index (hour
 * first) instead of at a random page. NULL when memory ran out. */
static wl_sumrow *sorted_rows(const wl_i64map *m, int t, const wl_i64map *days, int64_t dense,
                              size_t *n)
{
	wl_sumrow *rows = malloc((m->used ? m->used : 1) * sizeof *rows);
	if (!rows)
		return NULL;
	size_t i = 0;
	*n = 0;
	for (const int64_t *key; (key = wl_i64map_next(m, &i));)
		if (kept(t, key, days, dense))
			rows[(*n)++] = (wl_sumrow){key, m->nk};
	qsort(rows, *n, sizeof *rows, cmp_row);
	return rows;
}

/* n rows of table t, in multi-row INSERTs of up to BATCH_ROWS rows (one
 * step per row cost the writer a third more): the source id when the
 * table has one, then the row's key and values, ncol of them (NULL for
 * WL_I64_NULL). */
static wl_status write_rows(wl_sqlite *sq, const wl_sumrow *rows, size_t n, unsigned ncol, int t,
                            int64_t id, char *err, size_t errlen)
{
	bool with_source = wl_sqlite_sum_tables[t].ncol > (int)ncol;
	size_t next = 0;
	for (int k = WL_SQ_BATCH_LOG; k >= 0; k--) {
		size_t size = (size_t)1 << k;
		sqlite3_stmt *s = sq->sum_ins[t][k];
		while (n - next >= size) {
			int p = 1;
			for (size_t r = 0; r < size; r++) {
				const int64_t *row = rows[next++].key;
				if (with_source)
					sqlite3_bind_int64(s, p++, id);
				for (unsigned c = 0; c < ncol; c++, p++) {
					if (row[c] == WL_I64_NULL)
						sqlite3_bind_null(s, p);
					else
						sqlite3_bind_int64(s, p, row[c]);
				}
			}
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return wl_sqlite_db_error(sq, err, errlen, "summaries");
		}
	}
	return WL_OK;
}

static wl_status run_for(wl_sqlite *sq, int which, int64_t id, char *err, size_t errlen)
{
	sqlite3_bind_int64(sq->st[which], 1, id);
	return wl_sqlite_run(sq, which, err, errlen);
}

static wl_status hours(wl_sqlite *sq, int64_t id, int sign, char *err, size_t errlen)
{
	sqlite3_bind_int(sq->st[SQ_SUM_HOURS_ADD], 2, sign);
	return run_for(sq, SQ_SUM_HOURS_ADD, id, err, errlen);
}

/* Recompute every fault in temp.fault_touch, then empty it. */
static wl_status refresh_faults(wl_sqlite *sq, char *err, size_t errlen)
{
	static const int order[] = {SQ_FAULT_CLEAR, SQ_FAULT_MEMBERS_CLEAR, SQ_FAULT_FILL,
	                            SQ_FAULT_MEMBERS_FILL, SQ_FAULT_UNTOUCH};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		wl_status st = wl_sqlite_run(sq, order[i], err, errlen);
		if (st != WL_OK)
			return st;
	}
	return WL_OK;
}

/* A source grouped by SQL: a deleted one's faults, an overflowed one's
 * everything. */
static wl_status add_by_sql(wl_sqlite *sq, int64_t id, char *err, size_t errlen)
{
	static const int order[] = {
	    SQ_SUM_ERRORS_ADD,   SQ_SUM_ACTIVITY_ADD,   SQ_SUM_ERRORS_T_ADD, SQ_SUM_ACTIVITY_T_ADD,
	    SQ_SUM_ERRORS_H_ADD, SQ_SUM_ACTIVITY_H_ADD, SQ_SUM_SPANS_ADD,    SQ_FAULT_TOUCH};
	wl_status st = hours(sq, id, 1, err, errlen);
	for (size_t i = 0; i < sizeof order / sizeof *order && st == WL_OK; i++) {
		/* ?2 of the hourly statements: the rows of a dense day. */
		if (sqlite3_bind_parameter_count(sq->st[order[i]]) >= 2)
			sqlite3_bind_int64(sq->st[order[i]], 2, sq->sum.dense);
		st = run_for(sq, order[i], id, err, errlen);
	}
	return st;
}

wl_status wl_sqlite_summary_flush(wl_sqlite *sq, char *err, size_t errlen)
{
	if (!sq->hours.used)
		return WL_OK;
	if (sqlite3_get_autocommit(sq->db)) {
		/* SQLite rolled the transaction back itself (SQLITE_FULL may):
		 * the sources these counts are of are gone with it, and a write
		 * now would commit on its own. */
		wl_i64map_free(&sq->hours);
		return WL_OK;
	}
	size_t n;
	wl_sumrow *rows = sorted_rows(&sq->hours, SUM_HOURS, NULL, 0, &n);
	wl_status st =
	    rows ? write_rows(sq, rows, n, sq->hours.nk + sq->hours.nv, SUM_HOURS, 0, err, errlen)
	         : WL_E_NOMEM;
	free(rows);
	wl_i64map_free(&sq->hours);
	if (st != WL_OK)
		sq->sums_broken = true;
	return st;
}

/* Add a source's sum_hours counts to the pending ones (written by
 * wl_sqlite_summary_flush, or now when they hold too many keys). */
static wl_status pend_hours(wl_sqlite *sq, const wl_i64map *m, char *err, size_t errlen)
{
	size_t i = 0;
	for (const int64_t *key; (key = wl_i64map_next(m, &i));) {
		int64_t *n = wl_i64map_at(&sq->hours, key, NULL);
		if (!n)
			return WL_E_NOMEM;
		add_count(n, key[m->nk]);
	}
	size_t most = sq->sum.keys_own + sq->sum.pool_max;
	return sq->hours.used > most ? wl_sqlite_summary_flush(sq, err, errlen) : WL_OK;
}

/* A coarser map d from map h: the daily from the hourly (the same keys
 * with the hour's day) or a total from the daily (the keys without the
 * day); the counts added, the times and proxies their extremes (the
 * accumulators' own rules, so a row is what grouping the source's events
 * by day, or not at all, gives). days: each day's events and scans, from
 * the hourly activity. */
static wl_status roll_up(const wl_i64map *h, wl_i64map *d, wl_i64map *days, bool activity)
{
	bool total = d->nk < h->nk; /* d has one key less: no time */
	int64_t key[8];
	size_t i = 0;
	for (const int64_t *hk; (hk = wl_i64map_next(h, &i));) {
		memcpy(key, hk + total, d->nk * sizeof *key);
		if (!total && key[0] != WL_I64_NULL)
			key[0] = floor_div(key[0], HOURS_PER_DAY);
		const int64_t *x = hk + h->nk;
		int64_t *v = wl_i64map_at(d, key, NULL);
		if (!v)
			return WL_E_NOMEM;
		if (!activity) {
			add_count(v, x[0]);
			continue;
		}
		add_count(&v[A_EVENTS], x[A_EVENTS]);
		add_count(&v[A_SCANS], x[A_SCANS]);
		take_min(&v[A_T0], x[A_T0]);
		for (int c = A_T1; c <= A_RT; c++)
			take_max(&v[c], x[c]);
		if (!days || key[0] == WL_I64_NULL)
			continue;
		if (!(v = wl_i64map_at(days, key, NULL)))
			return WL_E_NOMEM;
		add_count(v, x[A_EVENTS] + x[A_SCANS]);
	}
	return WL_OK;
}

/* The spans written: an hour of a dense day as it is, the hours of a
 * sparse day merged into one span of 24 hours (the query reads such a day
 * raw when a bound cuts it). Rows without a time get none: a window never
 * reads them. */
static wl_status spans_out(wl_sumacc *a, const wl_sumcfg *c)
{
	const wl_i64map *h = &a->m[SUM_SPANS];
	size_t i = 0;
	for (const int64_t *hour; (hour = wl_i64map_next(h, &i));) {
		if (hour[0] == WL_I64_NULL)
			continue;
		int64_t day = floor_div(hour[0], HOURS_PER_DAY);
		bool dense = day_rows(&a->m[SUM_DAY_ROWS], day) >= c->dense;
		int64_t key[2] = {dense ? hour[0] : day * HOURS_PER_DAY, dense ? 1 : HOURS_PER_DAY};
		int64_t *v = wl_i64map_at(&a->m[SUM_SPANS_OUT], key, NULL);
		if (!v)
			return WL_E_NOMEM;
		const int64_t *x = hour + 1;
		take_min(&v[0], x[0]);
		take_max(&v[1], x[1]);
		take_min(&v[2], x[2]);
		take_max(&v[3], x[3]);
	}
	return WL_OK;
}

wl_status wl_sumacc_finish(wl_sumacc *a, const wl_sumcfg *c)
{
	if (a->overflow)
		return WL_OK;
	wl_status st;
	if ((st = roll_up(&a->m[SUM_ERRORS_H], &a->m[SUM_ERRORS], NULL, false)) != WL_OK ||
	    (st = roll_up(&a->m[SUM_ACTIVITY_H], &a->m[SUM_ACTIVITY], &a->m[SUM_DAY_ROWS], true)) !=
	        WL_OK ||
	    (st = roll_up(&a->m[SUM_ERRORS], &a->m[SUM_ERRORS_T], NULL, false)) != WL_OK ||
	    (st = roll_up(&a->m[SUM_ACTIVITY], &a->m[SUM_ACTIVITY_T], NULL, true)) != WL_OK ||
	    (st = spans_out(a, c)) != WL_OK)
		return st;
	for (int t = 0; t < SUM_MAPS_; t++)
		if (written(t) && t != SUM_HOURS &&
		    !(a->rows[t] =
		          sorted_rows(&a->m[t], t, &a->m[SUM_DAY_ROWS], c->dense, &a->nrows[t])))
			return WL_E_NOMEM;
	a->finished = true;
	return WL_OK;
}

wl_status wl_sqlite_summary_add(wl_sqlite *sq, const wl_sumacc *a, int64_t id, char *err,
                                size_t errlen)
{
	wl_status st = WL_OK;
	assert(!a || a->overflow || a->finished);
	if (!a || a->overflow) {
		st = add_by_sql(sq, id, err, errlen);
	} else {
		for (int t = 0; t < SUM_MAPS_ && st == WL_OK; t++)
			if (t == SUM_HOURS)
				st = pend_hours(sq, &a->m[t], err, errlen);
			else if (written(t))
				st = write_rows(sq, a->rows[t], a->nrows[t],
				                a->m[t].nk + a->m[t].nv, t, id, err, errlen);
	}
	if (st == WL_OK && (!a || a->overflow || a->m[SUM_FAULTS].used))
		st = refresh_faults(sq, err, errlen);
	/* The source is complete = 1 already: its part-written summaries
	 * must not be committed with it. */
	if (st != WL_OK)
		sq->sums_broken = true;
	return st;
}

wl_status wl_sqlite_summary_remove(wl_sqlite *sq, int64_t id, char *err, size_t errlen)
{
	/* sum_hours and fault_touch read the source's events and whether it
	 * is complete: before anything of it is deleted. */
	static const int order[] = {
	    SQ_FAULT_TOUCH,        SQ_SUM_ERRORS_DEL,   SQ_SUM_ACTIVITY_DEL,   SQ_SUM_ERRORS_T_DEL,
	    SQ_SUM_ACTIVITY_T_DEL, SQ_SUM_ERRORS_H_DEL, SQ_SUM_ACTIVITY_H_DEL, SQ_SUM_SPANS_DEL};
	wl_status st = hours(sq, id, -1, err, errlen);
	for (size_t i = 0; i < sizeof order / sizeof *order && st == WL_OK; i++)
		st = run_for(sq, order[i], id, err, errlen);
	return st;
}

wl_status wl_sqlite_summary_after_delete(wl_sqlite *sq, char *err, size_t errlen)
{
	return refresh_faults(sq, err, errlen);
}
