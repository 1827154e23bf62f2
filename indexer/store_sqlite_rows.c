/* SQLite store, the writer's half of rows: what a lane made of a message
 * (store_sqlite_lane.c: sealed blocks of events, the event_notes and
 * event_guids rows naming their events, scans, web.config limits) and the
 * names the lanes gave, written by binding and stepping, nothing more.
 *
 * Rows go out in multi-row INSERTs of up to BATCH_ROWS rows: one statement
 * step per batch instead of one per row, because the per-step VDBE set-up
 * and tear-down dominated. A partial batch goes out in power-of-two pieces
 * (at most BATCH_LOG + 1 steps).
 *
 * The multi-row INSERTs say OR FAIL: with the default ABORT, a statement
 * that writes several rows needs a statement journal (to undo its own rows
 * if a later one fails), and SQLite wrote one 16 KiB page to a temp file
 * per statement: 880 MB of writes for a 50 MB index, 0.3 CPU-s per GB. A
 * failed statement here is fatal anyway, and its input stays complete = 0,
 * so its rows are ignored and removed by the next run. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"
#include "wsuslog/limits.h"

#define BATCH_LOG WL_SQ_BATCH_LOG
#define BATCH_ROWS WL_SQ_BATCH_ROWS

static void bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

static void bind_null_or(sqlite3_stmt *s, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* NULL for an empty span (fault code, parameter). */
static void bind_atext(const char *base, sqlite3_stmt *s, int i, wl_aspan a)
{
	if (a.n)
		sqlite3_bind_text(s, i, base + a.off, (int)a.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* What a table's rows are bound from: one message's rows, or the names. */
typedef struct rows_src {
	const wl_sqlite_enc *enc;
	const wl_name_row *names; /* of the table's kind only */
	const char *text;         /* the names' texts */
} rows_src;

/* Row r of table t into the parameters from base + 1 on, in the column
 * order of wl_sqlite_tables[t]. */
static void bind_row(const rows_src *src, int t, sqlite3_stmt *s, int base, size_t r)
{
	const wl_sqlite_enc *enc = src->enc;
	switch (t) {
	case SQ_T_NOTES: {
		const wl_evrow *e = &enc->notes.v[r];
		const char *text = enc->bytes.p;
		sqlite3_bind_int64(s, base + 1, e->id);
		sqlite3_bind_int64(s, base + 2, e->source);
		sqlite3_bind_int64(s, base + 3, e->line);
		bind_null_or(s, base + 4, e->has_ts, e->ts);
		sqlite3_bind_int(s, base + 5, e->role);
		sqlite3_bind_int(s, base + 6, e->kind);
		bind_id(s, base + 7, e->host);
		bind_id(s, base + 8, e->server);
		bind_id(s, base + 9, e->client);
		bind_id(s, base + 10, e->comp);
		bind_null_or(s, base + 11, e->has_hr, e->hr);
		bind_atext(text, s, base + 12, e->fault_code);
		bind_atext(text, s, base + 13, e->parameter);
		bind_id(s, base + 14, e->fault);
		sqlite3_bind_text(s, base + 15, e->prefix.n ? text + e->prefix.off : "",
		                  (int)e->prefix.n, SQLITE_STATIC);
		break;
	}
	case SQ_T_EG: {
		const wl_egrow *g = &enc->eg.v[r];
		sqlite3_bind_int64(s, base + 1, g->gid);
		sqlite3_bind_int64(s, base + 2, g->eid);
		sqlite3_bind_int(s, base + 3, g->what);
		break;
	}
	case SQ_T_SCANS: {
		const wl_scanrow *c = &enc->scans.v[r];
		sqlite3_bind_int64(s, base + 1, c->id);
		sqlite3_bind_int64(s, base + 2, c->source);
		sqlite3_bind_int64(s, base + 3, c->line);
		bind_null_or(s, base + 4, c->has_ts, c->ts);
		bind_id(s, base + 5, c->host);
		bind_id(s, base + 6, c->server);
		bind_id(s, base + 7, c->client);
		sqlite3_bind_int64(s, base + 8, c->hr);
		for (int k = 0; k < 3; k++)
			bind_null_or(s, base + 9 + k, c->v[k] >= 0, c->v[k]);
		break;
	}
	case SQ_T_HOSTS:
	case SQ_T_COMPS:
	case SQ_T_GUIDS: {
		const wl_name_row *n = &src->names[r];
		sqlite3_bind_int64(s, base + 1, n->id);
		sqlite3_bind_text(s, base + 2, src->text + n->text.off, (int)n->text.n,
		                  SQLITE_STATIC);
		break;
	}
	default:
		assert(!"no such table");
	}
}

/* Write n rows of table t: whole batches, then the rest in power-of-two
 * pieces. */
static wl_status write_table(wl_sqlite *sq, int t, const rows_src *src, size_t n, char *err,
                             size_t errlen)
{
	size_t done = 0;
	for (int k = BATCH_LOG; k >= 0; k--) {
		size_t size = (size_t)1 << k;
		sqlite3_stmt *s = sq->ins[t][k];
		while (n - done >= size) {
			for (size_t i = 0; i < size; i++)
				bind_row(src, t, s, (int)i * wl_sqlite_tables[t].ncol, done + i);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return wl_sqlite_db_error(sq, err, errlen, "write");
			done += size;
		}
	}
	sq->txn_rows += n;
	return WL_OK;
}

static wl_status write_block(wl_sqlite *sq, const wl_sqlite_enc *enc, const wl_blockrow *b,
                             char *err, size_t errlen)
{
	sqlite3_stmt *s = sq->st[SQ_INS_BLOCK];
	sqlite3_bind_int64(s, 1, b->first >> WL_BLOCK_SHIFT);
	sqlite3_bind_int64(s, 2, b->source);
	sqlite3_bind_int64(s, 3, b->n);
	sqlite3_bind_int64(s, 4, b->first);
	sqlite3_bind_int64(s, 5, b->last);
	sqlite3_bind_blob(s, 6, enc->bytes.p + b->data.off, (int)b->data.n, SQLITE_STATIC);
	/* A block's events weigh like rows for when to commit. */
	sq->txn_rows += (uint64_t)b->n / 8;
	return wl_sqlite_run(sq, SQ_INS_BLOCK, err, errlen);
}

static wl_status write_config(wl_sqlite *sq, const wl_sqlite_enc *enc, const wl_configrow *c,
                              char *err, size_t errlen)
{
	sqlite3_stmt *s = sq->st[SQ_INS_CONFIG];
	sqlite3_bind_int64(s, 1, c->source);
	sqlite3_bind_text(s, 2, c->server.n ? enc->bytes.p + c->server.off : "", (int)c->server.n,
	                  SQLITE_STATIC);
	bind_null_or(s, 3, c->ts != WL_TS_NONE, c->ts);
	bind_null_or(s, 4, c->max_prereq >= 0, c->max_prereq);
	bind_null_or(s, 5, c->max_cached >= 0, c->max_cached);
	sq->txn_rows++;
	return wl_sqlite_run(sq, SQ_INS_CONFIG, err, errlen);
}

wl_status wl_sqlite_write_enc(wl_sqlite *sq, const wl_sqlite_enc *enc, char *err, size_t errlen)
{
	if (sqlite3_get_autocommit(sq->db)) {
		/* Every call runs in a transaction: SQLite rolled it back
		 * itself (SQLITE_FULL may). The sources these rows are of are
		 * gone with it, and an INSERT now would commit on its own, rows
		 * of no source. */
		snprintf(err, errlen, "rows of source %lld: the transaction was rolled back",
		         (long long)enc->source);
		return WL_E_DB;
	}
	rows_src src = {.enc = enc};
	wl_status st = WL_OK;
	for (size_t i = 0; i < enc->blocks.n && st == WL_OK; i++)
		st = write_block(sq, enc, &enc->blocks.v[i], err, errlen);
	if (st == WL_OK)
		st = write_table(sq, SQ_T_NOTES, &src, enc->notes.n, err, errlen);
	if (st == WL_OK)
		st = write_table(sq, SQ_T_EG, &src, enc->eg.n, err, errlen);
	if (st == WL_OK)
		st = write_table(sq, SQ_T_SCANS, &src, enc->scans.n, err, errlen);
	for (size_t i = 0; i < enc->configs.n && st == WL_OK; i++)
		st = write_config(sq, enc, &enc->configs.v[i], err, errlen);
	return st;
}

wl_status wl_sqlite_write_names(wl_sqlite *sq, char *err, size_t errlen)
{
	static const int table_of[SQ_NAMES_] = {
	    [SQ_HOSTS] = SQ_T_HOSTS, [SQ_COMPONENTS] = SQ_T_COMPS, [SQ_GUIDS] = SQ_T_GUIDS};
	wl_name_rows *r = &sq->name_rows;
	wl_names_take(&sq->names, r);
	if (r->n == 0)
		return WL_OK;
	/* Grouped by table, kept in the order given (ids ascend: appends). */
	wl_name_row *by = malloc(r->n * sizeof *by);
	if (!by)
		return WL_E_NOMEM;
	wl_status st = WL_OK;
	for (int t = 0; t < SQ_NAMES_ && st == WL_OK; t++) {
		size_t n = 0;
		for (size_t i = 0; i < r->n; i++)
			if ((int)r->v[i].table == t)
				by[n++] = r->v[i];
		rows_src src = {.names = by, .text = r->text.p};
		st = write_table(sq, table_of[t], &src, n, err, errlen);
	}
	free(by);
	return st;
}

/* "head (row),(row),… tail" with n rows; caller frees. */
static char *multi_sql(const wl_sqlite_table *t, unsigned n)
{
	size_t hl = strlen(t->head), rl = strlen(t->row), tl = t->tail ? strlen(t->tail) : 0;
	char *sql = malloc(hl + n * (rl + 1) + tl + 1);
	if (!sql)
		return NULL;
	memcpy(sql, t->head, hl);
	size_t o = hl;
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sql[o++] = ',';
		memcpy(sql + o, t->row, rl);
		o += rl;
	}
	if (tl)
		memcpy(sql + o, t->tail, tl);
	sql[o + tl] = 0;
	return sql;
}

wl_status wl_sqlite_prepare_multi(wl_sqlite *sq, const wl_sqlite_table *t, sqlite3_stmt **ins,
                                  char *err, size_t errlen)
{
	for (int k = 0; k <= BATCH_LOG; k++) {
		char *sql = multi_sql(t, 1u << k);
		if (!sql)
			return WL_E_NOMEM;
		int rc =
		    sqlite3_prepare_v3(sq->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ins[k], NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return wl_sqlite_db_error(sq, err, errlen, "prepare");
	}
	return WL_OK;
}

wl_status wl_sqlite_rows_prepare(wl_sqlite *sq, char *err, size_t errlen)
{
	for (int t = 0; t < SQ_T_COUNT_; t++) {
		wl_status st =
		    wl_sqlite_prepare_multi(sq, &wl_sqlite_tables[t], sq->ins[t], err, errlen);
		if (st != WL_OK)
			return st;
	}
	return WL_OK;
}

void wl_sqlite_rows_free(wl_sqlite *sq)
{
	for (int t = 0; t < SQ_T_COUNT_; t++)
		for (int k = 0; k <= BATCH_LOG; k++) {
			sqlite3_finalize(sq->ins[t][k]);
			sq->ins[t][k] = NULL;
		}
	wl_name_rows_free(&sq->name_rows);
}
