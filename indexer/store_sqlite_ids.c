/* SQLite store, ids: a host, component or GUID becomes a row id of its
 * table. Every lane interns on its own thread (store_sqlite_lane.c), so the
 * maps are shared under one mutex, with a small cache per lane in front of
 * them: nearly every line repeats its host, server and client, and those
 * take no lock. A new name gets its id from the map's counter at once; its
 * row waits in the pending list until the writer inserts it, before its
 * next commit (store_sqlite.h, wl_names, says why that is enough). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

/* ---- the map: open addressing on the hash's low half ---- */

static wl_idmap_slot *slot_of(const wl_idmap *m, XXH128_hash_t h)
{
	for (size_t i = h.low64 & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		wl_idmap_slot *s = &m->v[i];
		if (s->id == 0 || (s->lo == h.low64 && s->hi == h.high64))
			return s;
	}
}

int64_t wl_idmap_get(const wl_idmap *m, XXH128_hash_t h)
{
	return m->cap ? slot_of(m, h)->id : 0;
}

/* Forget every entry, keeping the slots allocated. */
static void clear(wl_idmap *m)
{
	if (m->v)
		memset(m->v, 0, m->cap * sizeof *m->v);
	m->used = 0;
	m->emptied = true;
}

wl_status wl_idmap_put(wl_idmap *m, XXH128_hash_t h, int64_t id)
{
	assert(id > 0 && wl_idmap_get(m, h) == 0);
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		wl_idmap_slot *nv = wl_calloc_written(cap, sizeof *nv);
		if (!nv)
			return WL_E_NOMEM;
		wl_idmap bigger = {nv, cap, m->used, m->max, m->emptied};
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].id)
				*slot_of(&bigger, (XXH128_hash_t){m->v[i].lo, m->v[i].hi}) =
				    m->v[i];
		free(m->v);
		*m = bigger;
	}
	*slot_of(m, h) = (wl_idmap_slot){h.low64, h.high64, id};
	m->used++;
	return WL_OK;
}

void wl_idmap_free(wl_idmap *m)
{
	free(m->v);
	*m = (wl_idmap){0};
}

/* ---- buffers ---- */

wl_status wl_bytes_put(wl_bytes *b, const void *p, size_t n, wl_aspan *at)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		while (cap < b->n + n)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return WL_E_NOMEM;
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	*at = (wl_aspan){b->n, n};
	b->n += n;
	return WL_OK;
}

wl_status wl_rows_grow_(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return WL_OK;
	size_t c = *cap ? 2 * *cap : 64;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return WL_E_NOMEM;
	*v = nv;
	*cap = c;
	return WL_OK;
}

void wl_name_rows_free(wl_name_rows *r)
{
	free(r->v);
	free(r->text.p);
	*r = (wl_name_rows){0};
}

/* ---- names: hosts, components, guids ---- */

static const char *const sel_sql[SQ_NAMES_] = {
    [SQ_HOSTS] = "SELECT host_id FROM hosts WHERE name = ?1",
    [SQ_COMPONENTS] = "SELECT component_id FROM components WHERE name = ?1",
    [SQ_GUIDS] = "SELECT guid_id FROM guids WHERE guid = ?1",
};

/* The id the index holds for k (0: none), through the look-ups'
 * connection: what the writer committed. Under nm->mu. */
static wl_status look_up(wl_names *nm, wl_sqlite_names table, const char *k, size_t n, int64_t *id,
                         char *err, size_t errlen)
{
	if (!nm->db) {
		if (sqlite3_open_v2(nm->path, &nm->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
		                    NULL) != SQLITE_OK)
			goto fail;
		sqlite3_busy_timeout(nm->db, 10000);
		for (int t = 0; t < SQ_NAMES_; t++)
			if (sqlite3_prepare_v3(nm->db, sel_sql[t], -1, SQLITE_PREPARE_PERSISTENT,
			                       &nm->sel[t], NULL) != SQLITE_OK)
				goto fail;
	}
	sqlite3_stmt *q = nm->sel[table];
	sqlite3_bind_text(q, 1, k, (int)n, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return WL_OK;
fail:
	snprintf(err, errlen, "name look-up in %s: %s", nm->path,
	         nm->db ? sqlite3_errmsg(nm->db) : "cannot open");
	return WL_E_DB;
}

/* Under nm->mu: the id of k, given now (and its row queued) when new. */
static wl_status intern_locked(wl_names *nm, wl_sqlite_names table, XXH128_hash_t h, const char *k,
                               size_t n, int64_t *id, char *err, size_t errlen)
{
	wl_idmap *m = &nm->map[table];
	if ((*id = wl_idmap_get(m, h)) != 0)
		return WL_OK;
	wl_status st;
	if ((!nm->complete || m->emptied) &&
	    (st = look_up(nm, table, k, n, id, err, errlen)) != WL_OK)
		return st;
	if (*id == 0) {
		wl_name_rows *p = &nm->pend;
		if ((st = wl_rows_grow(p)) != WL_OK)
			return st;
		wl_name_row *r = &p->v[p->n];
		if ((st = wl_bytes_put(&p->text, k, n, &r->text)) != WL_OK)
			return st;
		r->table = table;
		r->id = *id = nm->next[table]++;
		p->n++;
	}
	return wl_idmap_put(m, h, *id);
}

wl_status wl_names_intern(wl_names *nm, wl_idmap_slot *cache, wl_sqlite_names table, const char *k,
                          size_t n, int64_t *id, char *err, size_t errlen)
{
	*id = 0;
	if (n == 0)
		return WL_OK;
	/* Seeded by the table: one cache for the three. */
	XXH128_hash_t h = XXH3_128bits_withSeed(k, n, (XXH64_hash_t)table);
	wl_idmap_slot *c = &cache[h.low64 & (WL_NAME_CACHE - 1)];
	if (c->id && c->lo == h.low64 && c->hi == h.high64) {
		*id = c->id;
		return WL_OK;
	}
	pthread_mutex_lock(&nm->mu);
	wl_status st = intern_locked(nm, table, h, k, n, id, err, errlen);
	pthread_mutex_unlock(&nm->mu);
	if (st == WL_OK)
		*c = (wl_idmap_slot){h.low64, h.high64, *id};
	return st;
}

void wl_names_take(wl_names *nm, wl_name_rows *out)
{
	out->n = 0;
	out->text.n = 0;
	pthread_mutex_lock(&nm->mu);
	wl_name_rows t = nm->pend;
	nm->pend = *out;
	*out = t;
	pthread_mutex_unlock(&nm->mu);
}

void wl_names_trim(wl_names *nm)
{
	pthread_mutex_lock(&nm->mu);
	for (int t = 0; t < SQ_NAMES_; t++) {
		wl_idmap *m = &nm->map[t];
		if (m->used < m->max)
			continue;
		clear(m);
		/* Names given since the last commit are not in the index yet:
		 * a look-up would not find them. They stay. (Putting back into
		 * a map just emptied cannot fail: its slots are allocated.) */
		for (size_t i = 0; i < nm->pend.n; i++) {
			const wl_name_row *r = &nm->pend.v[i];
			if ((int)r->table == t)
				wl_idmap_put(m,
				             XXH3_128bits_withSeed(nm->pend.text.p + r->text.off,
				                                   r->text.n, (XXH64_hash_t)t),
				             r->id);
		}
	}
	pthread_mutex_unlock(&nm->mu);
}

void wl_names_free(wl_names *nm)
{
	for (int t = 0; t < SQ_NAMES_; t++) {
		wl_idmap_free(&nm->map[t]);
		sqlite3_finalize(nm->sel[t]);
		nm->sel[t] = NULL;
	}
	sqlite3_close(nm->db);
	nm->db = NULL;
	wl_name_rows_free(&nm->pend);
}
