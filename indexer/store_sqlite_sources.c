/* SQLite store, source lifecycle. An input is a `sources` row inserted with
 * complete = 0 at its BEGIN and flipped to 1 by its END in the same
 * transaction as its last events, so a killed run leaves only rows that
 * readers ignore and the next run deletes (wl_sqlite_remove_incomplete):
 * the index never shows half an input. At its END a source whose content
 * is indexed already is dropped, and earlier copies it contains are
 * removed, so no event is counted twice. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_sqlite.h"

/* Rows of another source found by a query: id, and its bytes where the
 * query gives them. */
typedef struct copy {
	int64_t id;
	uint64_t bytes;
} copy;

typedef struct copies {
	copy *v;
	size_t n, cap;
} copies;

/* Step the bound statement `which` to its end, collecting column 0 (and 1
 * when it has one) of every row. All rows are read before any is deleted:
 * deleting from a table while a statement steps over it is undefined. */
static wl_status collect(wl_sqlite *sq, int which, copies *out, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq->st[which];
	int rc;
	wl_status st = WL_OK;
	out->n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 16;
			copy *v = realloc(out->v, cap * sizeof *v);
			if (!v) {
				st = WL_E_NOMEM;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		copy *c = &out->v[out->n++];
		c->id = sqlite3_column_int64(q, 0);
		c->bytes = sqlite3_column_count(q) > 1 ? (uint64_t)sqlite3_column_int64(q, 1) : 0;
	}
	if (st == WL_OK && rc != SQLITE_DONE)
		st = wl_sqlite_db_error(sq, err, errlen, "look-up");
	sqlite3_reset(q);
	return st;
}

static wl_status delete_source(wl_sqlite *sq, int64_t id, char *err, size_t errlen)
{
	/* Rows that name the source's events go before the events. */
	static const int order[] = {SQ_DEL_EG,    SQ_DEL_EVENTS, SQ_DEL_NOTES,
	                            SQ_DEL_SCANS, SQ_DEL_CONFIG, SQ_DEL_SOURCE};
	wl_status st = wl_sqlite_summary_remove(sq, id, err, errlen);
	for (size_t i = 0; i < sizeof order / sizeof *order && st == WL_OK; i++) {
		sqlite3_bind_int64(sq->st[order[i]], 1, id);
		st = wl_sqlite_run(sq, order[i], err, errlen);
	}
	if (st == WL_OK)
		st = wl_sqlite_summary_after_delete(sq, err, errlen);
	return st;
}

static wl_status delete_all(wl_sqlite *sq, const copies *c, unsigned *count, char *err,
                            size_t errlen)
{
	for (size_t i = 0; i < c->n; i++) {
		wl_status st = delete_source(sq, c->v[i].id, err, errlen);
		if (st != WL_OK)
			return st;
		(*count)++;
	}
	return WL_OK;
}

wl_status wl_sqlite_source_begin(wl_sqlite *sq, unsigned lane, const wl_source_begin *b,
                                 const wl_sqlite_enc *enc, char *err, size_t errlen)
{
	assert(lane < sq->lanes && sq->open_source[lane] == 0);
	sqlite3_stmt *s = sq->st[SQ_INS_SOURCE];
	sqlite3_bind_text(s, 1, b->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, b->member, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, wl_format_name(b->fmt), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4,
	                  wl_role_name(b->fmt == WL_FMT_SDIST || b->fmt == WL_FMT_WEBCONFIG
	                                   ? WL_ROLE_SERVER
	                                   : WL_ROLE_CLIENT),
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, b->host, -1, SQLITE_STATIC);
	/* The lane gave its id, and the first its events may have. */
	sqlite3_bind_int64(s, 6, enc->first_event);
	sqlite3_bind_int64(s, 7, enc->source);
	wl_status st = wl_sqlite_run(sq, SQ_INS_SOURCE, err, errlen);
	if (st != WL_OK)
		return st;
	sq->open_source[lane] = enc->source;
	sq->txn_rows++;
	return WL_OK;
}

/* Is the same content indexed already (a re-collected copy, or a re-run)? */
static wl_status is_duplicate(wl_sqlite *sq, int64_t id, const wl_source_end *e, bool *dup,
                              char *err, size_t errlen)
{
	sqlite3_stmt *d = sq->st[SQ_DUP_SOURCE];
	sqlite3_bind_text(d, 1, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(d, 2, id);
	int rc = sqlite3_step(d);
	sqlite3_reset(d);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return wl_sqlite_db_error(sq, err, errlen, "duplicate check");
	*dup = rc == SQLITE_ROW;
	return WL_OK;
}

/* The source is indexed: its key, counts and complete = 1. */
static wl_status complete(wl_sqlite *sq, int64_t id, int64_t last, const wl_source_end *e,
                          char *err, size_t errlen)
{
	sqlite3_stmt *s = sq->st[SQ_END_SOURCE];
	sqlite3_bind_text(s, 1, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)e->bytes);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)e->lines);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)e->events);
	if (e->first_ts == WL_TS_NONE) {
		sqlite3_bind_null(s, 5);
		sqlite3_bind_null(s, 6);
	} else {
		sqlite3_bind_int64(s, 5, e->first_ts);
		sqlite3_bind_int64(s, 6, e->last_ts);
	}
	sqlite3_bind_text(s, 7, e->host ? e->host : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, id);
	if (e->fmt == WL_FMT_WEBCONFIG)
		sqlite3_bind_null(s, 9);
	else
		sqlite3_bind_text(s, 9, e->head, -1, SQLITE_STATIC);
	/* Every event it had was given an id before its end. */
	sqlite3_bind_int64(s, 10, last);
	return wl_sqlite_run(sq, SQ_END_SOURCE, err, errlen);
}

/* Copies of one log under other names (a truncated re-collection, a copy
 * taken before the log grew) start with the same WL_HEAD_BYTES: keep the
 * longest copy only, so no event is counted twice. Every such copy is
 * compared, however many there are. */
static wl_status same_start(wl_sqlite *sq, int64_t id, const wl_source_end *e, copies *other,
                            wl_source_outcome *out, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq->st[SQ_SAME_HEAD];
	sqlite3_bind_text(q, 1, e->head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	wl_status st = collect(sq, SQ_SAME_HEAD, other, err, errlen);
	if (st != WL_OK)
		return st;
	for (size_t i = 0; i < other->n; i++) {
		if (other->v[i].bytes >= e->bytes) {
			out->duplicate = true;
			return delete_source(sq, id, err, errlen);
		}
	}
	return delete_all(sq, other, &out->replaced, err, errlen);
}

/* This copy extends an earlier one of the same path (a log that grew): the
 * earlier copies go, so nothing is counted twice. */
static wl_status supersede(wl_sqlite *sq, int64_t id, const wl_source_end *e, copies *old,
                           wl_source_outcome *out, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq->st[SQ_OLD_COPY];
	sqlite3_bind_text(q, 1, e->supersedes, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, e->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, e->member, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, id);
	wl_status st = collect(sq, SQ_OLD_COPY, old, err, errlen);
	if (st != WL_OK)
		return st;
	return delete_all(sq, old, &out->replaced, err, errlen);
}

wl_status wl_sqlite_source_end(wl_sqlite *sq, unsigned lane, const wl_source_end *e,
                               const wl_sqlite_enc *enc, wl_source_outcome *out, char *err,
                               size_t errlen)
{
	assert(lane < sq->lanes);
	int64_t id = sq->open_source[lane];
	/* Workers send END only for an input they sent BEGIN for. */
	assert(id != 0 && id == enc->source);
	sq->open_source[lane] = 0;
	*out = (wl_source_outcome){.duplicate = false, .replaced = 0};
	bool dup = false;
	/* Its last rows are written (the caller): what follows reads them
	 * back, or deletes them. */
	wl_status st = is_duplicate(sq, id, e, &dup, err, errlen);
	if (st != WL_OK)
		return st;
	if (dup) {
		/* Keep one copy so no count doubles. */
		out->duplicate = true;
		return delete_source(sq, id, err, errlen);
	}
	if ((st = complete(sq, id, enc->last_event, e, err, errlen)) != WL_OK ||
	    (st = wl_sqlite_summary_add(sq, enc->acc, id, err, errlen)) != WL_OK)
		return st;
	copies found = {NULL, 0, 0};
	if (e->fmt != WL_FMT_WEBCONFIG)
		st = same_start(sq, id, e, &found, out, err, errlen);
	if (st == WL_OK && !out->duplicate && e->supersedes[0])
		st = supersede(sq, id, e, &found, out, err, errlen);
	free(found.v);
	return st;
}

wl_status wl_sqlite_input_read(wl_sqlite *sq, const wl_input_read *in, char *err, size_t errlen)
{
	sqlite3_stmt *s = sq->st[SQ_UPSERT_INPUT];
	sqlite3_bind_text(s, 1, in->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)in->size);
	sqlite3_bind_int64(s, 3, in->mtime_us);
	return wl_sqlite_run(sq, SQ_UPSERT_INPUT, err, errlen);
}

wl_status wl_sqlite_remove_incomplete(wl_sqlite *sq, char *err, size_t errlen)
{
	copies left = {NULL, 0, 0};
	wl_status st = collect(sq, SQ_INCOMPLETE, &left, err, errlen);
	if (st == WL_OK)
		st = delete_all(sq, &left, &sq->resumed, err, errlen);
	free(left.v);
	return st;
}
