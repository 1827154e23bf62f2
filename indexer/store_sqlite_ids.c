/* SQLite store, ids: a host, component or GUID becomes a row id of its
 * table, and a message text the id of its `messages` row, through bounded
 * in-memory maps, so a string costs a database look-up at most once per
 * map filling (and none when the index started empty). */
#include <assert.h>
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
	/* Full: start again, so memory does not grow with the input. */
	if (m->used >= m->max)
		clear(m);
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		wl_idmap_slot *nv = calloc(cap, sizeof *nv);
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

/* ---- names: hosts, components, guids ---- */

wl_status wl_sqlite_intern(wl_sqlite *sq, wl_sqlite_names table, const char *k, size_t n,
                           int64_t *id, char *err, size_t errlen)
{
	static const struct {
		int sel, ins;
	} stmt[] = {[SQ_HOSTS] = {SQ_SEL_HOST, SQ_INS_HOST},
	            [SQ_COMPONENTS] = {SQ_SEL_COMP, SQ_INS_COMP},
	            [SQ_GUIDS] = {SQ_SEL_GUID, SQ_INS_GUID}};
	wl_idmap *m = table == SQ_HOSTS        ? &sq->hosts
	              : table == SQ_COMPONENTS ? &sq->comps
	                                       : &sq->guids;
	*id = 0;
	if (n == 0)
		return WL_OK;
	XXH128_hash_t h = XXH3_128bits(k, n);
	if ((*id = wl_idmap_get(m, h)) != 0)
		return WL_OK;
	int rc = SQLITE_DONE;
	if (!sq->maps_complete || m->emptied) {
		sqlite3_stmt *q = sq->st[stmt[table].sel];
		sqlite3_bind_text(q, 1, k, (int)n, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return wl_sqlite_db_error(sq, err, errlen, "look-up");
	}
	if (rc == SQLITE_DONE) {
		sqlite3_bind_text(sq->st[stmt[table].ins], 1, k, (int)n, SQLITE_STATIC);
		wl_status st = wl_sqlite_run(sq, stmt[table].ins, err, errlen);
		if (st != WL_OK)
			return st;
		*id = sqlite3_last_insert_rowid(sq->db);
		sq->txn_rows++;
	}
	return wl_idmap_put(m, h, *id);
}

/* ---- message texts ----
 * Ids are assigned here in insertion order, so `messages` is appended to
 * (random keys would cost a B-tree page write per insert); `hash` (the low
 * half of the XXH3-128) finds a text stored by an earlier run, and the
 * look-up compares the bytes, so two texts with one hash get two rows. */

wl_status wl_sqlite_message_id(wl_sqlite *sq, const char *p, size_t n, int64_t *id, int64_t *hash,
                               bool *fresh, char *err, size_t errlen)
{
	XXH128_hash_t h = XXH3_128bits(p, n);
	*hash = (int64_t)h.low64;
	*fresh = false;
	if ((*id = wl_idmap_get(&sq->msgs, h)) != 0)
		return WL_OK;
	/* Unlike names, a text missing from an emptied map is not looked up
	 * when the index started empty: a first load keeps no hash index to
	 * find it by, so a text seen again after the map was emptied is
	 * stored again. Its lines stay exact; a run into a non-empty index
	 * still looks every text up. */
	if (!sq->maps_complete) {
		sqlite3_stmt *q = sq->st[SQ_SEL_MSG];
		sqlite3_bind_int64(q, 1, *hash);
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			if ((size_t)sqlite3_column_bytes(q, 1) == n &&
			    memcmp(sqlite3_column_blob(q, 1), p, n) == 0) {
				*id = sqlite3_column_int64(q, 0);
				break;
			}
		}
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return wl_sqlite_db_error(sq, err, errlen, "look-up");
	}
	if (*id == 0) {
		*id = sq->next_message_id++;
		*fresh = true;
	}
	return wl_idmap_put(&sq->msgs, h, *id);
}
