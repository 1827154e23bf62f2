/* An open-addressing hash map whose keys and values are fixed-length rows
 * of int64s: the grouping behind the indexer's summaries (each source's
 * rows grouped as they arrive) and the query tool's `clients` (evidence
 * rows folded per client). Keys hash with XXH3; the table doubles at half
 * full, so a look-up probes a few slots. */
#ifndef WL_I64MAP_H
#define WL_I64MAP_H

#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

/* SQL's NULL in a key or value: a new key's values start as it. */
#define WL_I64_NULL INT64_MIN

typedef struct wl_i64map {
	/* cap slots of 1 + nk + nv: the generation that filled it, the key,
	 * the values. A slot is in use when its generation is gen: emptying
	 * the map is gen + 1, not a memset of every slot (small sources after
	 * a big one paid for its slots each time: 1.9 % of the indexer's
	 * instructions on 100 MB of 263 small logs, callgrind). */
	int64_t *v;
	size_t cap, used;
	unsigned nk, nv;
	int64_t gen;
	/* The slot wl_i64map_at returned last, plus one (0: none): rows come
	 * in runs with the same key (a source's events of one hour and host),
	 * and a run skips the hashing and probing. */
	size_t last;
} wl_i64map;

/* The int64s of one slot; slot i of m starts at m->v + i * this. */
static inline size_t wl_i64map_slot_len(const wl_i64map *m)
{
	return 1 + (size_t)m->nk + m->nv;
}

/* The values of key (m->nk int64s), inserted with every value WL_I64_NULL
 * when new (*added set, when added is not NULL); NULL when memory ran
 * out, m unchanged. */
int64_t *wl_i64map_at(wl_i64map *m, const int64_t *key, int *added);

/* The values of key, or NULL when m has none. */
const int64_t *wl_i64map_find(const wl_i64map *m, const int64_t *key);

/* The next key of m from slot *i on (start with *i = 0), its values after
 * it (key + m->nk); NULL after the last. In no particular order. */
int64_t *wl_i64map_next(const wl_i64map *m, size_t *i);

/* calloc(n, size) with every page already written: for a hash table,
 * whose probes read slots before writing them (i64map.c says why). */
void *wl_calloc_written(size_t n, size_t size);

/* Every key removed; the slots stay allocated for the next filling. */
void wl_i64map_empty(wl_i64map *m);

/* Every key removed and the slots freed; nk and nv stay. */
void wl_i64map_free(wl_i64map *m);

#endif
