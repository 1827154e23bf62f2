/* The int64-row hash map of i64map.h: linear probing from the key's XXH3;
 * a slot whose generation is not the map's is free (no deletions, so no
 * tombstones). */
#include "i64map.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

static size_t home(const wl_i64map *m, const int64_t *key)
{
	return (size_t)XXH3_64bits(key, m->nk * sizeof *key) & (m->cap - 1);
}

static bool in_use(const wl_i64map *m, const int64_t *s)
{
	return s[0] == m->gen;
}

void *wl_calloc_written(size_t n, size_t size)
{
	char *p = calloc(n, size);
	if (!p)
		return NULL;
	/* Fresh pages map the shared zero page until written. A probe reads
	 * a slot before it writes it, and that first write then copied the
	 * page and flushed the TLB of every core running one of our threads
	 * (an IPI each): 3 % of a failing fleet's ingest CPU (perf: do_wp_page,
	 * flush_tlb_mm_range). Writing each page first faults it in once,
	 * with no flush. volatile: GCC turns malloc + memset into calloc. */
	volatile char *page = p;
	for (size_t i = 0; i < n * size; i += 4096)
		page[i] = 0;
	return p;
}

/* Twice the slots (64 at first), every key moved over; the new slots are
 * generation 1. */
static wl_status grow(wl_i64map *m)
{
	size_t cap = m->cap ? 2 * m->cap : 64, len = wl_i64map_slot_len(m);
	int64_t *v = wl_calloc_written(cap * len, sizeof *v);
	if (!v)
		return WL_E_NOMEM;
	wl_i64map g = {v, cap, m->used, m->nk, m->nv, 1, 0};
	for (size_t i = 0; i < m->cap; i++) {
		const int64_t *s = m->v + i * len;
		if (!in_use(m, s))
			continue;
		size_t j = home(&g, s + 1);
		while (v[j * len])
			j = (j + 1) & (cap - 1);
		memcpy(v + j * len, s, len * sizeof *s);
		v[j * len] = 1;
	}
	free(m->v);
	*m = g;
	return WL_OK;
}

int64_t *wl_i64map_at(wl_i64map *m, const int64_t *key, int *added)
{
	size_t len = wl_i64map_slot_len(m);
	if (m->last) {
		int64_t *s = m->v + (m->last - 1) * len;
		if (!memcmp(s + 1, key, m->nk * sizeof *key)) {
			if (added)
				*added = 0;
			return s + 1 + m->nk;
		}
	}
	if (2 * (m->used + 1) > m->cap && grow(m) != WL_OK)
		return NULL;
	for (size_t j = home(m, key);; j = (j + 1) & (m->cap - 1)) {
		int64_t *s = m->v + j * len;
		if (!in_use(m, s)) {
			s[0] = m->gen;
			memcpy(s + 1, key, m->nk * sizeof *key);
			for (unsigned k = 0; k < m->nv; k++)
				s[1 + m->nk + k] = WL_I64_NULL;
			m->used++;
			m->last = j + 1;
			if (added)
				*added = 1;
			return s + 1 + m->nk;
		}
		if (!memcmp(s + 1, key, m->nk * sizeof *key)) {
			m->last = j + 1;
			if (added)
				*added = 0;
			return s + 1 + m->nk;
		}
	}
}

const int64_t *wl_i64map_find(const wl_i64map *m, const int64_t *key)
{
	if (!m->used)
		return NULL;
	size_t len = wl_i64map_slot_len(m);
	for (size_t j = home(m, key);; j = (j + 1) & (m->cap - 1)) {
		const int64_t *s = m->v + j * len;
		if (!in_use(m, s))
			return NULL;
		if (!memcmp(s + 1, key, m->nk * sizeof *key))
			return s + 1 + m->nk;
	}
}

int64_t *wl_i64map_next(const wl_i64map *m, size_t *i)
{
	size_t len = wl_i64map_slot_len(m);
	for (; *i < m->cap; ++*i) {
		int64_t *s = m->v + *i * len;
		if (in_use(m, s)) {
			++*i;
			return s + 1;
		}
	}
	return NULL;
}

void wl_i64map_empty(wl_i64map *m)
{
	m->gen++;
	m->used = 0;
	m->last = 0;
}

void wl_i64map_free(wl_i64map *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->used = m->last = 0;
	m->gen = 0;
}
