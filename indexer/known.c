/* Re-run support for the writer and workers: two sorted arrays searched with
 * bsearch. Sources and inputs number in the thousands, so loading them all
 * costs milliseconds and keeps workers away from the database. */
#include "known.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_src(const void *a, const void *b)
{
	const wl_known_source *x = a, *y = b;
	size_t n = x->key_n < y->key_n ? x->key_n : y->key_n;
	int c = memcmp(x->path_member, y->path_member, n);
	return c ? c : (x->key_n > y->key_n) - (x->key_n < y->key_n);
}

static int cmp_src_order(const void *a, const void *b)
{
	int c = cmp_src(a, b);
	if (c)
		return c;
	const wl_known_source *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_in(const void *a, const void *b)
{
	return strcmp(((const wl_known_input *)a)->path, ((const wl_known_input *)b)->path);
}

static char *join(const char *path, const char *member, size_t *n)
{
	size_t pl = strlen(path), ml = strlen(member);
	char *s = malloc(pl + ml + 2);
	if (!s)
		return NULL;
	memcpy(s, path, pl + 1);
	memcpy(s + pl + 1, member, ml + 1);
	*n = pl + ml + 2;
	return s;
}

wl_status wl_known_add_source(wl_known *k, const char *path, const char *member, uint64_t bytes,
                              const char *hash, int64_t order)
{
	if (k->nsrc == k->src_cap) {
		size_t cap = k->src_cap ? k->src_cap * 2 : 256;
		wl_known_source *v = realloc(k->src, cap * sizeof *v);
		if (!v)
			return WL_E_NOMEM;
		k->src = v;
		k->src_cap = cap;
	}
	wl_known_source *s = &k->src[k->nsrc];
	if (!(s->path_member = join(path, member, &s->key_n)))
		return WL_E_NOMEM;
	s->bytes = bytes;
	snprintf(s->hash, sizeof s->hash, "%s", hash);
	s->order = order;
	k->nsrc++;
	return WL_OK;
}

wl_status wl_known_add_input(wl_known *k, const char *path, uint64_t size, int64_t mtime_us)
{
	if (k->nin == k->in_cap) {
		size_t cap = k->in_cap ? k->in_cap * 2 : 256;
		wl_known_input *v = realloc(k->in, cap * sizeof *v);
		if (!v)
			return WL_E_NOMEM;
		k->in = v;
		k->in_cap = cap;
	}
	wl_known_input *in = &k->in[k->nin];
	if (!(in->path = strdup(path)))
		return WL_E_NOMEM;
	in->size = size;
	in->mtime_us = mtime_us;
	k->nin++;
	return WL_OK;
}

void wl_known_seal(wl_known *k)
{
	/* Keep the newest copy of each path/member. */
	if (k->nsrc) {
		qsort(k->src, k->nsrc, sizeof *k->src, cmp_src_order);
		size_t o = 0;
		for (size_t i = 0; i < k->nsrc; i++) {
			if (i + 1 < k->nsrc && cmp_src(&k->src[i], &k->src[i + 1]) == 0) {
				free(k->src[i].path_member);
				continue;
			}
			k->src[o++] = k->src[i];
		}
		k->nsrc = o;
	}
	if (k->nin)
		qsort(k->in, k->nin, sizeof *k->in, cmp_in);
}

wl_status wl_known_load(wl_known *k, sqlite3 *db, char *err, size_t errlen)
{
	memset(k, 0, sizeof *k);
	sqlite3_stmt *q = NULL;
	wl_status st = WL_OK;
	/* The newest complete copy of each path/member. */
	if (sqlite3_prepare_v2(db,
	                       "SELECT path, member, bytes, source_key, source_id FROM sources"
	                       " WHERE complete = 1 AND format <> 'web.config'",
	                       -1, &q, NULL) != SQLITE_OK)
		goto db_fail;
	int rc;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		st = wl_known_add_source(
		    k, (const char *)sqlite3_column_text(q, 0),
		    (const char *)sqlite3_column_text(q, 1), (uint64_t)sqlite3_column_int64(q, 2),
		    (const char *)sqlite3_column_text(q, 3), sqlite3_column_int64(q, 4));
	if (st != WL_OK)
		goto out;
	if (rc != SQLITE_DONE)
		goto db_fail;
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT path, size, mtime FROM inputs WHERE complete = 1", -1,
	                       &q, NULL) != SQLITE_OK)
		goto db_fail;
	while (st == WL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		st = wl_known_add_input(k, (const char *)sqlite3_column_text(q, 0),
		                        (uint64_t)sqlite3_column_int64(q, 1),
		                        sqlite3_column_int64(q, 2));
	if (st != WL_OK)
		goto out;
	if (rc != SQLITE_DONE)
		goto db_fail;
	wl_known_seal(k);
	goto out;
db_fail:
	snprintf(err, errlen, "loading indexed inputs: %s", sqlite3_errmsg(db));
	st = WL_E_DB;
out:
	sqlite3_finalize(q);
	if (st != WL_OK)
		wl_known_free(k);
	return st;
}

const wl_known_source *wl_known_source_of(const wl_known *k, const char *path, const char *member)
{
	if (!k || k->nsrc == 0)
		return NULL;
	wl_known_source probe;
	probe.path_member = join(path, member ? member : "", &probe.key_n);
	if (!probe.path_member)
		return NULL;
	const wl_known_source *hit = bsearch(&probe, k->src, k->nsrc, sizeof *k->src, cmp_src);
	free(probe.path_member);
	return hit;
}

bool wl_known_input_unchanged(const wl_known *k, const char *path, uint64_t size, int64_t mtime_us)
{
	if (!k || k->nin == 0)
		return false;
	wl_known_input probe = {.path = (char *)path};
	const wl_known_input *hit = bsearch(&probe, k->in, k->nin, sizeof *k->in, cmp_in);
	return hit && hit->size == size && hit->mtime_us == mtime_us;
}

void wl_known_free(wl_known *k)
{
	for (size_t i = 0; i < k->nsrc; i++)
		free(k->src[i].path_member);
	for (size_t i = 0; i < k->nin; i++)
		free(k->in[i].path);
	free(k->src);
	free(k->in);
	memset(k, 0, sizeof *k);
}
