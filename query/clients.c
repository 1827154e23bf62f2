/* The `clients` report: per SusClientId, its host, the servers it talked
 * to, its failures and top HRESULTs, its limit hits and its last scans.
 *
 * The SQL (wl_sql_clients in query_sql.c, or its ClickHouse twin) says
 * what counts: it streams the evidence about each client in the window,
 * one row per piece, already summarized where the index can. This file
 * folds those rows per client in hash maps (common/i64map.h) instead of
 * asking SQLite to sort and group them: on a 2.5-day window of 10 M events
 * that is 550,000 rows, and the report takes 0.66 s instead of 1.19 s
 * (bench/RESULTS.md). Names are looked up by id once each, after the
 * fold, for the clients listed only.
 *
 * The rules, the same over raw events and the summaries:
 * - failures: events with an HRESULT, each fault GUID once (as `errors`);
 * - top_codes: the WL_CLIENTS_TOP_CODES HRESULTs with the most failures,
 *   ties by code;
 * - limit_hits: limit faults, by their fault's time, with a record
 *   carrying the client's id;
 * - host: the lowest name among the hosts of its client-side events and of
 *   its scans; servers: every server of its events and scans, by name;
 * - --server keeps the clients with an event, scan or fault there;
 * - order: limit hits, then failures, descending; then client id. */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i64map.h"
#include "qdb.h"
#include "qlimits.h"
#include "query_sql.h"
#include "wsuslog/event.h"

/* Columns of wl_sql_clients. */
enum {
	EV_SRC,
	EV_CID,
	EV_ROLE,
	EV_HOST,
	EV_SERVER,
	EV_HRESULT,
	EV_FG,
	EV_N,
	EV_TS,
	EV_OK,
	EV_AT_SERVER,
	EV_GUID_TEXT,
	EV_HOST_NAME,
	EV_SERVER_NAME,
};
enum { SRC_EVENTS, SRC_SCANS, SRC_FAULTS };

/* Values per client (key: cid). */
enum { C_FAIL, C_HITS, C_LAST_SCAN, C_LAST_OK, C_KEPT, C_ROW, C_NV };
/* Members of a client's sets (key: cid, what, id): each counted once. */
enum { M_HOST, M_SERVER, M_FAULT, M_HIT };
/* Names (key: kind, id; values: offset and length in the arena). */
enum { N_HOST, N_GUID };

typedef struct fold {
	wl_i64map clients; /* cid -> C_* */
	wl_i64map members; /* (cid, M_*, id) -> nothing */
	wl_i64map codes;   /* (cid, HRESULT) -> failures */
	wl_i64map code_fg; /* (cid, HRESULT, fault GUID) -> nothing */
	wl_i64map names;   /* (N_*, id) -> offset, length in the arena */
	wl_qbuf arena;
	int arena_full;                  /* WL_CLIENTS_NAMES_MAX reached */
	wl_qstmt *host_name, *guid_text; /* prepared at the first look-up */
} fold;

/* One listed client, and its place in the output order. */
typedef struct client {
	size_t row; /* its index before sorting, which its items name */
	int64_t cid, failures, hits, last_scan, last_ok;
	/* Texts in the arena: offsets while it may still move, then
	 * pointers. */
	size_t guid_off, guid_n, host_off, host_n;
	const char *guid, *host;
	int has_host;
} client;

/* A server (name) or HRESULT (code, n) of a listed client, sorted into
 * its lists. */
typedef struct item {
	size_t row;
	size_t name_off, name_n;
	const char *name;
	int64_t code, n;
} item;

static int64_t max_of(int64_t a, int64_t b)
{
	return a == WL_I64_NULL || (b != WL_I64_NULL && b > a) ? b : a;
}

static int64_t col_or_null(wl_qstmt *st, int i)
{
	return wl_qstmt_column_type(st, i) == SQLITE_NULL ? WL_I64_NULL
	                                                  : wl_qstmt_column_int64(st, i);
}

/* Keep text s[0..n) as the name of (kind, id), unless it has one. */
static wl_status name_keep(fold *f, int kind, int64_t id, const char *s, size_t n)
{
	int64_t key[2] = {kind, id};
	int added;
	int64_t *v = wl_i64map_at(&f->names, key, &added);
	if (!v)
		return WL_E_NOMEM;
	if (!added)
		return WL_OK;
	v[0] = (int64_t)f->arena.n;
	v[1] = (int64_t)n;
	wl_status rc = wl_qbuf_add(&f->arena, s, n);
	f->arena_full = rc == WL_E_TOO_BIG;
	return rc;
}

/* Keep the text of column i, when the engine gave one, as (kind, id)'s. */
static wl_status name_from_row(fold *f, wl_qstmt *st, int i, int kind, int64_t id)
{
	if (id == WL_I64_NULL || wl_qstmt_column_type(st, i) == SQLITE_NULL)
		return WL_OK;
	return name_keep(f, kind, id, (const char *)wl_qstmt_column_text(st, i),
	                 (size_t)wl_qstmt_column_bytes(st, i));
}

/* The name of (kind, id) as offset and length in the arena, looked up in
 * the index the first time. *found 0: the index has none. */
static wl_status name_of(wl_qdb *db, fold *f, int kind, int64_t id, size_t *off, size_t *n,
                         int *found, char *err, size_t errlen)
{
	int64_t key[2] = {kind, id};
	const int64_t *v = wl_i64map_find(&f->names, key);
	wl_status rc = WL_OK;
	if (!v) {
		wl_qstmt **st = kind == N_HOST ? &f->host_name : &f->guid_text;
		const char *sql = kind == N_HOST ? wl_sql_host_name : wl_sql_guid_text;
		if (!*st)
			rc = wl_qdb_prepare(db, sql, st, err, errlen);
		if (rc == WL_OK && (wl_qstmt_reset(*st) != SQLITE_OK ||
		                    wl_qstmt_bind_int64(*st, 1, id) != SQLITE_OK))
			rc = wl_qdb_error(db, err, errlen);
		if (rc == WL_OK && wl_qdb_next(db, *st, &rc, err, errlen))
			rc = name_keep(f, kind, id, (const char *)wl_qstmt_column_text(*st, 0),
			               (size_t)wl_qstmt_column_bytes(*st, 0));
		if (rc != WL_OK)
			return rc;
		v = wl_i64map_find(&f->names, key);
	}
	*found = v != NULL;
	*off = v ? (size_t)v[0] : 0;
	*n = v ? (size_t)v[1] : 0;
	return WL_OK;
}

/* Add set member (cid, what, id): 1 when new, 0 when known, -1 out of
 * memory. */
static int member_add(fold *f, int64_t cid, int what, int64_t id)
{
	int64_t key[3] = {cid, what, id};
	int added;
	return wl_i64map_at(&f->members, key, &added) ? added : -1;
}

/* Fold one evidence row into f. */
static wl_status fold_row(fold *f, wl_qstmt *st, int filtered)
{
	int64_t cid = wl_qstmt_column_int64(st, EV_CID);
	int src = wl_qstmt_column_int(st, EV_SRC);
	int64_t host = col_or_null(st, EV_HOST), server = col_or_null(st, EV_SERVER);
	int64_t *c = wl_i64map_at(&f->clients, &cid, NULL);
	if (!c)
		return WL_E_NOMEM;
	if (c[C_FAIL] == WL_I64_NULL)
		c[C_FAIL] = c[C_HITS] = c[C_KEPT] = 0;
	if (!filtered || wl_qstmt_column_int(st, EV_AT_SERVER) == 1)
		c[C_KEPT] = 1;
	wl_status rc = name_from_row(f, st, EV_GUID_TEXT, N_GUID, cid);
	if (rc == WL_OK)
		rc = name_from_row(f, st, EV_HOST_NAME, N_HOST, host);
	if (rc == WL_OK)
		rc = name_from_row(f, st, EV_SERVER_NAME, N_HOST, server);
	if (rc != WL_OK)
		return rc;

	int is_new = 0;
	if (src == SRC_FAULTS) {
		if (wl_qstmt_column_int(st, EV_N) == 1)
			is_new = member_add(f, cid, M_HIT, wl_qstmt_column_int64(st, EV_FG));
		c[C_HITS] += is_new > 0;
		return is_new < 0 ? WL_E_NOMEM : WL_OK;
	}
	if (server != WL_I64_NULL && member_add(f, cid, M_SERVER, server) < 0)
		return WL_E_NOMEM;
	int client_side = src == SRC_SCANS || wl_qstmt_column_int(st, EV_ROLE) == WL_ROLE_CLIENT;
	if (host != WL_I64_NULL && client_side && member_add(f, cid, M_HOST, host) < 0)
		return WL_E_NOMEM;
	if (src == SRC_SCANS) {
		c[C_LAST_SCAN] = max_of(c[C_LAST_SCAN], col_or_null(st, EV_TS));
		c[C_LAST_OK] = max_of(c[C_LAST_OK], col_or_null(st, EV_OK));
		return WL_OK;
	}
	if (wl_qstmt_column_type(st, EV_HRESULT) == SQLITE_NULL)
		return WL_OK;
	/* An event with an HRESULT: a failure, each fault GUID once per
	 * client and once per (client, code). */
	int64_t code[3] = {cid, wl_qstmt_column_int64(st, EV_HRESULT), 0};
	int64_t *n = wl_i64map_at(&f->codes, code, NULL);
	if (!n)
		return WL_E_NOMEM;
	if (*n == WL_I64_NULL)
		*n = 0;
	if (wl_qstmt_column_type(st, EV_FG) == SQLITE_NULL) {
		int64_t k = wl_qstmt_column_int64(st, EV_N);
		*n += k;
		c[C_FAIL] += k;
		return WL_OK;
	}
	int added;
	code[2] = wl_qstmt_column_int64(st, EV_FG);
	if (!wl_i64map_at(&f->code_fg, code, &added) ||
	    (is_new = member_add(f, cid, M_FAULT, code[2])) < 0)
		return WL_E_NOMEM;
	*n += added;
	c[C_FAIL] += is_new;
	return WL_OK;
}

static int cmp_text(const char *a, size_t an, const char *b, size_t bn)
{
	int d = memcmp(a, b, an < bn ? an : bn);
	return d ? d : (an > bn) - (an < bn);
}

/* Output order: limit hits and failures descending, then client id. */
static int cmp_client(const void *pa, const void *pb)
{
	const client *a = pa, *b = pb;
	if (a->hits != b->hits)
		return a->hits > b->hits ? -1 : 1;
	if (a->failures != b->failures)
		return a->failures > b->failures ? -1 : 1;
	int d = cmp_text(a->guid, a->guid_n, b->guid, b->guid_n);
	return d ? d : (a->cid > b->cid) - (a->cid < b->cid);
}

/* Servers by client, then name; codes by client, then count descending,
 * then code. */
static int cmp_item(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	if (a->name)
		return cmp_text(a->name, a->name_n, b->name, b->name_n);
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return (a->code > b->code) - (a->code < b->code);
}

static const char *const clients_cols[] = {
    "client_id", "host",       "servers",   "failures",
    "top_codes", "limit_hits", "last_scan", "last_successful_scan",
};

static wl_status emit(wl_out *o, const client *c, const wl_qbuf *servers, const wl_qbuf *codes)
{
	char a[WL_QTIME_BUF], b[WL_QTIME_BUF];
	wl_val v[8];
	v[0] = wl_v_text(c->guid, c->guid_n);
	v[1] = c->has_host ? wl_v_text(c->host, c->host_n) : wl_v_null();
	v[2] = servers->n ? wl_v_text(servers->p, servers->n) : wl_v_null();
	v[3] = wl_v_int(c->failures);
	v[4] = codes->n ? wl_v_text(codes->p, codes->n) : wl_v_null();
	v[5] = wl_v_int(c->hits);
	v[6] = c->last_scan != WL_I64_NULL
	           ? wl_v_text(a, wl_qtime_format(c->last_scan, a, sizeof a))
	           : wl_v_null();
	v[7] = c->last_ok != WL_I64_NULL ? wl_v_text(b, wl_qtime_format(c->last_ok, b, sizeof b))
	                                 : wl_v_null();
	return wl_out_row(o, v);
}

/* The listed clients (kept by --server, with a GUID text) into *out, in
 * no order, each client's C_ROW set to its index. */
static wl_status list_clients(wl_qdb *db, fold *f, client **out, size_t *count, char *err,
                              size_t errlen)
{
	size_t n = 0, i = 0;
	client *cs = calloc(f->clients.used ? f->clients.used : 1, sizeof *cs);
	if (!cs)
		return WL_E_NOMEM;
	for (int64_t *cid; (cid = wl_i64map_next(&f->clients, &i));) {
		int64_t *v = cid + 1;
		if (!v[C_KEPT])
			continue;
		client *c = &cs[n];
		size_t gn;
		int found;
		wl_status rc = name_of(db, f, N_GUID, *cid, &c->guid_off, &gn, &found, err, errlen);
		if (rc != WL_OK) {
			free(cs);
			return rc;
		}
		if (!found)
			continue; /* as the SQL's join with guids: no text, not listed */
		c->row = n;
		c->cid = *cid;
		c->guid_n = gn;
		c->failures = v[C_FAIL];
		c->hits = v[C_HITS];
		c->last_scan = v[C_LAST_SCAN];
		c->last_ok = v[C_LAST_OK];
		v[C_ROW] = (int64_t)n++;
	}
	*out = cs;
	*count = n;
	return WL_OK;
}

/* Hosts (each client's lowest name) and servers (as items) of the listed
 * clients, from the members. */
static wl_status hosts_and_servers(wl_qdb *db, fold *f, client *cs, item **out, size_t *count,
                                   char *err, size_t errlen)
{
	size_t n = 0, i = 0;
	item *it = calloc(f->members.used ? f->members.used : 1, sizeof *it);
	if (!it)
		return WL_E_NOMEM;
	for (const int64_t *k; (k = wl_i64map_next(&f->members, &i));) {
		if (k[1] != M_HOST && k[1] != M_SERVER)
			continue;
		const int64_t *v = wl_i64map_find(&f->clients, &k[0]);
		if (!v[C_KEPT] || v[C_ROW] == WL_I64_NULL)
			continue;
		size_t off, nn;
		int found;
		wl_status rc = name_of(db, f, N_HOST, k[2], &off, &nn, &found, err, errlen);
		if (rc != WL_OK) {
			free(it);
			return rc;
		}
		if (!found)
			continue; /* as the SQL's joins with hosts */
		client *c = &cs[v[C_ROW]];
		if (k[1] == M_SERVER) {
			it[n++] = (item){(size_t)v[C_ROW], off, nn, NULL, 0, 0};
		} else if (!c->has_host || cmp_text(f->arena.p + off, nn, f->arena.p + c->host_off,
		                                    c->host_n) < 0) {
			c->has_host = 1;
			c->host_off = off;
			c->host_n = nn;
		}
	}
	*out = it;
	*count = n;
	return WL_OK;
}

/* The HRESULTs of the listed clients, as items. */
static wl_status codes_of(fold *f, item **out, size_t *count)
{
	size_t n = 0, i = 0;
	item *it = calloc(f->codes.used ? f->codes.used : 1, sizeof *it);
	if (!it)
		return WL_E_NOMEM;
	/* k: client, HRESULT; then the failures. */
	for (const int64_t *k; (k = wl_i64map_next(&f->codes, &i));) {
		const int64_t *v = wl_i64map_find(&f->clients, &k[0]);
		if (v[C_KEPT] && v[C_ROW] != WL_I64_NULL)
			it[n++] = (item){(size_t)v[C_ROW], 0, 0, NULL, k[1], k[2]};
	}
	*out = it;
	*count = n;
	return WL_OK;
}

/* start[r] .. start[r + 1]: the run of row r's items in it, sorted. */
static size_t *runs(const item *it, size_t n, size_t rows)
{
	size_t *start = calloc(rows + 1, sizeof *start);
	if (!start)
		return NULL;
	for (size_t i = 0; i < n; i++)
		start[it[i].row + 1]++;
	for (size_t r = 0; r < rows; r++)
		start[r + 1] += start[r];
	return start;
}

static wl_status client_lists(const client *c, const item *sv, const size_t *sv_at, const item *cc,
                              const size_t *cc_at, wl_qbuf *servers, wl_qbuf *codes, char *err,
                              size_t errlen)
{
	wl_status rc = WL_OK;
	servers->n = codes->n = 0;
	for (size_t j = sv_at[c->row]; rc == WL_OK && j < sv_at[c->row + 1]; j++)
		rc = wl_qbuf_item(servers, sv[j].name, sv[j].name_n, 0, 0);
	if (rc == WL_E_TOO_BIG)
		return wl_qbuf_too_big(err, errlen, "servers");
	for (size_t j = cc_at[c->row];
	     rc == WL_OK && j < cc_at[c->row + 1] && j - cc_at[c->row] < WL_CLIENTS_TOP_CODES;
	     j++) {
		char hex[WL_QCODE_BUF];
		size_t n = wl_qcode_format(cc[j].code, hex, sizeof hex);
		rc = wl_qbuf_item(codes, hex, n, cc[j].n, 1);
	}
	return rc;
}

static wl_status write_report(wl_qdb *db, fold *f, wl_out *o, char *err, size_t errlen)
{
	client *cs = NULL;
	item *sv = NULL, *cc = NULL;
	size_t ncs = 0, nsv = 0, ncc = 0, *sv_at = NULL, *cc_at = NULL;
	wl_qbuf servers = {0}, codes = {0};
	wl_status rc = list_clients(db, f, &cs, &ncs, err, errlen);
	if (rc == WL_OK)
		rc = hosts_and_servers(db, f, cs, &sv, &nsv, err, errlen);
	if (rc == WL_OK)
		rc = codes_of(f, &cc, &ncc);
	if (rc != WL_OK)
		goto out;
	/* Every name is in the arena now: offsets become pointers. */
	for (size_t i = 0; i < ncs; i++) {
		cs[i].guid = f->arena.p + cs[i].guid_off;
		cs[i].host = f->arena.p + cs[i].host_off;
	}
	for (size_t i = 0; i < nsv; i++)
		sv[i].name = f->arena.p + sv[i].name_off;
	qsort(sv, nsv, sizeof *sv, cmp_item);
	qsort(cc, ncc, sizeof *cc, cmp_item);
	sv_at = runs(sv, nsv, ncs);
	cc_at = runs(cc, ncc, ncs);
	if (!sv_at || !cc_at) {
		rc = WL_E_NOMEM;
		goto out;
	}
	qsort(cs, ncs, sizeof *cs, cmp_client);
	rc = wl_out_begin(o, clients_cols, sizeof clients_cols / sizeof clients_cols[0]);
	for (size_t i = 0; rc == WL_OK && i < ncs; i++) {
		rc = client_lists(&cs[i], sv, sv_at, cc, cc_at, &servers, &codes, err, errlen);
		if (rc == WL_OK)
			rc = emit(o, &cs[i], &servers, &codes);
	}
	if (rc == WL_OK)
		rc = wl_out_end(o);
out:
	wl_qbuf_free(&servers);
	wl_qbuf_free(&codes);
	free(sv_at);
	free(cc_at);
	free(cs);
	free(sv);
	free(cc);
	return rc;
}

static void fold_free(fold *f)
{
	wl_i64map_free(&f->clients);
	wl_i64map_free(&f->members);
	wl_i64map_free(&f->codes);
	wl_i64map_free(&f->code_fg);
	wl_i64map_free(&f->names);
	wl_qbuf_free(&f->arena);
	wl_qstmt_finalize(f->host_name);
	wl_qstmt_finalize(f->guid_text);
}

wl_status wl_report_clients(wl_qdb *db, const wl_qfilter *flt, wl_out *o, char *err, size_t errlen)
{
	fold f = {.clients = {.nk = 1, .nv = C_NV},
	          .members = {.nk = 3},
	          .codes = {.nk = 2, .nv = 1},
	          .code_fg = {.nk = 3},
	          .names = {.nk = 2, .nv = 2},
	          .arena = {.max = WL_CLIENTS_NAMES_MAX}};
	wl_qstmt *st = NULL;
	wl_status rc = wl_qdb_prepare(db, wl_sql_clients, &st, err, errlen);
	if (rc != WL_OK)
		goto out;
	if (wl_qdb_bind_std(st, flt, NULL) != SQLITE_OK) {
		rc = wl_qdb_error(db, err, errlen);
		goto out;
	}
	while (wl_qdb_next(db, st, &rc, err, errlen))
		if ((rc = fold_row(&f, st, flt->server != NULL)) != WL_OK)
			break;
	if (rc == WL_OK)
		rc = write_report(db, &f, o, err, errlen);
	if (f.arena_full)
		snprintf(err, errlen, "clients: the names of the hosts and clients exceed %u bytes",
		         WL_CLIENTS_NAMES_MAX);
out:
	wl_qstmt_finalize(st);
	fold_free(&f);
	return rc;
}
