/* SQLite store, rows: an event becomes rows of events (with its line's
 * header), messages and event_guids (a scan summary a row of scans, a
 * web.config a row of server_config), buffered per table and written in
 * multi-row INSERT batches.
 *
 * One statement step per batch instead of one per row: the per-step VDBE
 * set-up and tear-down dominated. A partial batch, when one must be written,
 * goes out in power-of-two pieces (at most BATCH_LOG + 1 steps). The store
 * assigns event ids itself (it is the only writer), so event_guids rows
 * need no last_insert_rowid. Text of buffered rows is copied into an
 * arena, so batches carry over from one message to the next.
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
static void bind_atext(const wl_sqlite_batches *b, sqlite3_stmt *s, int i, wl_aspan a)
{
	if (a.n)
		sqlite3_bind_text(s, i, b->arena + a.off, (int)a.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Row r of table t's buffer into the parameters from base + 1 on, in the
 * column order of wl_sqlite_tables[t]. */
static void bind_row(const wl_sqlite *sq, int t, sqlite3_stmt *s, int base, unsigned r)
{
	const wl_sqlite_batches *b = &sq->b;
	switch (t) {
	case SQ_T_EVENTS: {
		const wl_evrow *e = &b->ev[r];
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
		bind_atext(b, s, base + 12, e->fault_code);
		bind_atext(b, s, base + 13, e->parameter);
		bind_id(s, base + 14, e->fault);
		sqlite3_bind_text(s, base + 15, e->prefix.n ? b->arena + e->prefix.off : "",
		                  (int)e->prefix.n, SQLITE_STATIC);
		bind_id(s, base + 16, e->msg);
		break;
	}
	case SQ_T_MSG: {
		const wl_msgrow *m = &b->msg[r];
		sqlite3_bind_int64(s, base + 1, m->id);
		sqlite3_bind_int64(s, base + 2, m->hash);
		sqlite3_bind_text(s, base + 3, b->arena + m->text.off, (int)m->text.n,
		                  SQLITE_STATIC);
		break;
	}
	case SQ_T_EG: {
		const wl_egrow *g = &b->eg[r];
		sqlite3_bind_int64(s, base + 1, g->gid);
		sqlite3_bind_int64(s, base + 2, g->eid);
		sqlite3_bind_int(s, base + 3, g->what);
		break;
	}
	case SQ_T_SCANS: {
		const wl_scanrow *c = &b->sc[r];
		sqlite3_bind_int64(s, base + 1, c->source);
		sqlite3_bind_int64(s, base + 2, c->line);
		bind_null_or(s, base + 3, c->has_ts, c->ts);
		bind_id(s, base + 4, c->host);
		bind_id(s, base + 5, c->server);
		bind_id(s, base + 6, c->client);
		sqlite3_bind_int64(s, base + 7, c->hr);
		for (int k = 0; k < 3; k++)
			bind_null_or(s, base + 8 + k, c->v[k] >= 0, c->v[k]);
		break;
	}
	default:
		assert(!"no such table");
	}
}

/* Write the first n buffered rows of table t: whole batches, then the
 * rest in power-of-two pieces. */
static wl_status flush_table(wl_sqlite *sq, int t, unsigned n, char *err, size_t errlen)
{
	unsigned done = 0;
	for (int k = BATCH_LOG; k >= 0; k--) {
		unsigned size = 1u << k;
		sqlite3_stmt *s = sq->b.ins[t][k];
		while (n - done >= size) {
			for (unsigned i = 0; i < size; i++)
				bind_row(sq, t, s, (int)i * wl_sqlite_tables[t].ncol, done + i);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return wl_sqlite_db_error(sq, err, errlen, "write");
			done += size;
		}
	}
	return WL_OK;
}

/* Events and the new messages they name, together: the arena holds the
 * text of both. */
static wl_status flush_events(wl_sqlite *sq, char *err, size_t errlen)
{
	wl_sqlite_batches *b = &sq->b;
	wl_status st = flush_table(sq, SQ_T_EVENTS, b->nev, err, errlen);
	if (st == WL_OK)
		st = flush_table(sq, SQ_T_MSG, b->nmsg, err, errlen);
	if (st != WL_OK)
		return st;
	b->nev = 0;
	b->nmsg = 0;
	b->arena_n = 0;
	return WL_OK;
}

static wl_status flush_guids(wl_sqlite *sq, char *err, size_t errlen)
{
	wl_status st = flush_table(sq, SQ_T_EG, sq->b.neg, err, errlen);
	if (st == WL_OK)
		sq->b.neg = 0;
	return st;
}

/* Scans are inserted with a NULL rowid: SQLite gives the rows of a batch
 * consecutive ids, max + 1 on, the last of which it reports. sum_days
 * needs them. */
static wl_status flush_scans(wl_sqlite *sq, char *err, size_t errlen)
{
	wl_sqlite_batches *b = &sq->b;
	wl_status st = flush_table(sq, SQ_T_SCANS, b->nsc, err, errlen);
	if (st != WL_OK || b->nsc == 0)
		return st;
	int64_t first = sqlite3_last_insert_rowid(sq->db) - (b->nsc - 1);
	for (unsigned i = 0; i < b->nsc && st == WL_OK; i++)
		st = wl_sqlite_summary_scan_id(sq, &b->sc[i], first + i);
	if (st == WL_OK)
		b->nsc = 0;
	return st;
}

/* Guids go after the events they name. */
wl_status wl_sqlite_flush_rows(wl_sqlite *sq, char *err, size_t errlen)
{
	wl_status st = flush_events(sq, err, errlen);
	if (st == WL_OK)
		st = flush_guids(sq, err, errlen);
	if (st == WL_OK)
		st = flush_scans(sq, err, errlen);
	return st;
}

/* Copy text into the arena (valid until the event rows are flushed), at
 * most max bytes of it. */
static wl_status arena_put(wl_sqlite_batches *b, wl_span sp, size_t max, wl_aspan *out)
{
	size_t n = sp.p ? sp.n : 0;
	if (n > max)
		n = max;
	if (b->arena_n + n > b->arena_cap) {
		size_t cap = b->arena_cap ? b->arena_cap : 64 * 1024;
		while (cap < b->arena_n + n)
			cap *= 2;
		char *a = realloc(b->arena, cap);
		if (!a)
			return WL_E_NOMEM;
		b->arena = a;
		b->arena_cap = cap;
	}
	if (n)
		memcpy(b->arena + b->arena_n, sp.p, n);
	out->off = b->arena_n;
	out->n = n;
	b->arena_n += n;
	return WL_OK;
}

/* The id of message text p[0..n) (the worker's), and its messages row,
 * text copied into the arena, when the text is new. */
static wl_status add_message(wl_sqlite *sq, const char *p, size_t n, int64_t *id, char *err,
                             size_t errlen)
{
	wl_sqlite_batches *b = &sq->b;
	int64_t hash;
	bool fresh;
	wl_status st = wl_sqlite_message_id(sq, p, n, id, &hash, &fresh, err, errlen);
	if (st != WL_OK || !fresh)
		return st;
	wl_aspan a;
	if ((st = arena_put(b, (wl_span){p, n}, SIZE_MAX, &a)) != WL_OK)
		return st;
	b->msg[b->nmsg++] = (wl_msgrow){*id, hash, a};
	sq->txn_rows++;
	if (b->nmsg == BATCH_ROWS) {
		/* Before their events: the arena stays, and a messages row
		 * needs no event. */
		if ((st = flush_table(sq, SQ_T_MSG, b->nmsg, err, errlen)) != WL_OK)
			return st;
		b->nmsg = 0;
	}
	return WL_OK;
}

static wl_status add_guid(wl_sqlite *sq, int64_t event_id, const wl_guid *g, int what, char *err,
                          size_t errlen)
{
	int64_t gid;
	wl_status st = wl_sqlite_intern(sq, SQ_GUIDS, g->s, 36, &gid, err, errlen);
	if (st != WL_OK)
		return st;
	sq->b.eg[sq->b.neg++] = (wl_egrow){gid, event_id, what};
	sq->txn_rows++;
	if (sq->b.neg == BATCH_ROWS)
		return flush_guids(sq, err, errlen);
	return WL_OK;
}

/* A web.config's limits: one row per file, written at once. */
static wl_status add_config(wl_sqlite *sq, int64_t source_id, const wl_event *e, char *err,
                            size_t errlen)
{
	sqlite3_stmt *s = sq->st[SQ_INS_CONFIG];
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, e->server.p ? e->server.p : "", (int)e->server.n, SQLITE_STATIC);
	bind_null_or(s, 3, e->ts_us != WL_TS_NONE, e->ts_us);
	bind_null_or(s, 4, e->max_prereq >= 0, e->max_prereq);
	bind_null_or(s, 5, e->max_cached >= 0, e->max_cached);
	sq->txn_rows++;
	return wl_sqlite_run(sq, SQ_INS_CONFIG, err, errlen);
}

static wl_status add_scan(wl_sqlite *sq, unsigned lane, const wl_event *e, int64_t host,
                          int64_t server, int64_t client, char *err, size_t errlen)
{
	wl_scanrow *r = &sq->b.sc[sq->b.nsc++];
	r->source = sq->open_source[lane];
	r->line = (int64_t)e->line;
	r->has_ts = e->ts_us != WL_TS_NONE;
	r->ts = e->ts_us;
	r->host = host;
	r->server = server;
	r->client = client;
	r->hr = e->hresult;
	r->v[0] = e->round_trips;
	r->v[1] = e->evaluated;
	r->v[2] = e->deployed;
	sq->txn_rows++;
	wl_status st = wl_sqlite_summary_scan(sq, lane, r);
	if (st != WL_OK)
		return st;
	if (sq->b.nsc == BATCH_ROWS)
		return flush_scans(sq, err, errlen);
	return WL_OK;
}

/* Buffered text past which the rows are written even if fewer than a
 * batch: most events leave no row to fill one, but their text stays in the
 * arena until the next flush. */
#define ARENA_FLUSH (256u * 1024u)

wl_status wl_sqlite_flush_block(wl_sqlite *sq, unsigned lane, char *err, size_t errlen)
{
	wl_block_enc *b = &sq->blk[lane];
	sq->next_id[lane] = 0;
	if (b->count == 0)
		return WL_OK;
	if (sqlite3_get_autocommit(sq->db)) {
		/* SQLite rolled the transaction back itself (SQLITE_FULL may):
		 * the source these events are of is gone with it, and the
		 * INSERT would commit on its own, the events of no source.
		 * Sealed to be emptied, and dropped. */
		const void *gone;
		size_t gone_n;
		wl_block_seal(b, &gone, &gone_n);
		snprintf(err, errlen, "event block of lane %u: the transaction was rolled back",
		         lane);
		return WL_E_DB;
	}
	int64_t first = b->first, last = b->last, source = b->source, n = b->count;
	const void *data;
	size_t size;
	if (wl_block_seal(b, &data, &size) != WL_OK)
		return WL_E_NOMEM;
	sqlite3_stmt *s = sq->st[SQ_INS_BLOCK];
	sqlite3_bind_int64(s, 1, first >> WL_BLOCK_SHIFT);
	sqlite3_bind_int64(s, 2, source);
	sqlite3_bind_int64(s, 3, n);
	sqlite3_bind_int64(s, 4, first);
	sqlite3_bind_int64(s, 5, last);
	sqlite3_bind_blob(s, 6, data, (int)size, SQLITE_STATIC);
	sq->txn_rows += (uint64_t)n / 8;
	return wl_sqlite_run(sq, SQ_INS_BLOCK, err, errlen);
}

/* The next id of lane's chunk; a full block is written first, and the lane
 * moves to a chunk of its own. */
static wl_status next_event_id(wl_sqlite *sq, unsigned lane, int64_t *id, char *err, size_t errlen)
{
	if (wl_block_full(&sq->blk[lane])) {
		wl_status st = wl_sqlite_flush_block(sq, lane, err, errlen);
		if (st != WL_OK)
			return st;
	}
	if (sq->next_id[lane] == 0)
		sq->next_id[lane] = sq->next_chunk++ << WL_BLOCK_SHIFT;
	*id = sq->last_id[lane] = sq->next_id[lane]++;
	return WL_OK;
}

/* A text of an event for a block: empty is NULL (fault code, parameter). */
static wl_btext btext(wl_span t, size_t n)
{
	return n ? (wl_btext){t.p, (int32_t)n} : (wl_btext){"", -1};
}

/* Event r, with its texts (borrowed from the worker's batch), into lane's
 * block. */
static wl_status add_to_block(wl_sqlite *sq, unsigned lane, const wl_evrow *r, wl_btext fault_code,
                              wl_btext parameter, wl_btext prefix, char *err, size_t errlen)
{
	wl_bevent e = {
	    .id = r->id,
	    .source = r->source,
	    .line = r->line,
	    .ts = r->ts,
	    .hresult = r->hr,
	    .host = r->host,
	    .server = r->server,
	    .client = r->client,
	    .comp = r->comp,
	    .fault = r->fault,
	    .msg = r->msg,
	    .has_ts = r->has_ts,
	    .has_hr = r->has_hr,
	    .role = r->role,
	    .kind = r->kind,
	    .fault_code = fault_code,
	    .parameter = parameter,
	    .prefix = prefix,
	};
	wl_status st = wl_block_add(&sq->blk[lane], &e);
	if (st == WL_E_TOO_BIG) {
		snprintf(err, errlen, "event of line %lld: a text over %u bytes",
		         (long long)r->line, (unsigned)WL_BLOCK_TEXT_MAX);
		st = WL_E_DB;
	}
	return st;
}

wl_status wl_sqlite_add_event(wl_sqlite *sq, unsigned lane, const wl_event *e, char *err,
                              size_t errlen)
{
	wl_sqlite_batches *b = &sq->b;
	int64_t source_id = sq->open_source[lane];
	int64_t host, server, comp, client = 0, fault = 0;
	wl_status st;
	if ((st = wl_sqlite_intern(sq, SQ_HOSTS, e->host.p, e->host.n, &host, err, errlen)) !=
	        WL_OK ||
	    (st = wl_sqlite_intern(sq, SQ_HOSTS, e->server.p, e->server.n, &server, err, errlen)) !=
	        WL_OK)
		return st;
	if (e->has_client_id && (st = wl_sqlite_intern(sq, SQ_GUIDS, e->client_id.s, 36, &client,
	                                               err, errlen)) != WL_OK)
		return st;
	if (e->kind == WL_EV_CONFIG)
		return add_config(sq, source_id, e, err, errlen);
	if (e->kind == WL_EV_SCAN)
		return add_scan(sq, lane, e, host, server, client, err, errlen);
	if ((st = wl_sqlite_intern(sq, SQ_COMPONENTS, e->component.p, e->component.n, &comp, err,
	                           errlen)) != WL_OK)
		return st;
	if (e->has_fault_guid && (st = wl_sqlite_intern(sq, SQ_GUIDS, e->fault_guid.s, 36, &fault,
	                                                err, errlen)) != WL_OK)
		return st;
	/* The row is kept (nev counts it) only if it goes to event_notes. */
	wl_evrow *r = &b->ev[b->nev];
	if ((st = next_event_id(sq, lane, &r->id, err, errlen)) != WL_OK)
		return st;
	r->source = source_id;
	r->line = (int64_t)e->line;
	r->has_ts = e->ts_us != WL_TS_NONE;
	r->ts = e->ts_us;
	r->role = (int)e->role;
	r->kind = (int)e->kind;
	r->host = host;
	r->server = server;
	r->client = client;
	r->comp = comp;
	r->has_hr = e->has_hresult;
	r->hr = e->hresult;
	r->fault = fault;
	/* Their lengths now (the summaries count a fault code), their bytes
	 * below if the row is kept. */
	size_t fc_n = e->fault_code.p ? e->fault_code.n : 0;
	size_t par_n = e->parameter.p ? e->parameter.n : 0;
	r->fault_code = (wl_aspan){0, fc_n};
	r->parameter = (wl_aspan){0, par_n};
	sq->txn_rows += 2;
	if ((st = wl_sqlite_summary_event(sq, lane, r)) != WL_OK)
		return st;
	/* The line's header goes into the block; its message, shared by many
	 * lines, is stored once (messages). */
	size_t raw_n = e->raw.p ? (e->raw.n < WL_RAW_MAX ? e->raw.n : WL_RAW_MAX) : 0;
	size_t prefix_n = raw_n;
	r->msg = 0;
	if (e->msg_off > 0 && e->msg_off < raw_n) {
		if ((st = add_message(sq, e->raw.p + e->msg_off, raw_n - e->msg_off, &r->msg, err,
		                      errlen)) != WL_OK)
			return st;
		prefix_n = e->msg_off;
	}
	if (e->has_fault_guid &&
	    (st = add_guid(sq, r->id, &e->fault_guid, WL_GUID_FAULT, err, errlen)) != WL_OK)
		return st;
	/* The SusClientId is not repeated in event_guids: nearly every event
	 * carries one, and events.client_guid_id finds them. */
	for (unsigned i = 0; i < e->n_other; i++)
		if ((st = add_guid(sq, r->id, &e->other[i], WL_GUID_OTHER, err, errlen)) != WL_OK)
			return st;
	if ((st = add_to_block(sq, lane, r, btext(e->fault_code, fc_n), btext(e->parameter, par_n),
	                       (wl_btext){raw_n ? e->raw.p : "", (int32_t)prefix_n}, err,
	                       errlen)) != WL_OK)
		return st;
	/* Only events with a fault GUID, a fault code or a parameter are rows
	 * of event_notes too, written in batches: their texts are copied. */
	if (fault || fc_n || par_n) {
		if ((st = arena_put(b, e->fault_code, SIZE_MAX, &r->fault_code)) != WL_OK ||
		    (st = arena_put(b, e->parameter, SIZE_MAX, &r->parameter)) != WL_OK ||
		    (st = arena_put(b, (wl_span){e->raw.p, prefix_n}, SIZE_MAX, &r->prefix)) !=
		        WL_OK)
			return st;
		b->nev++;
	}
	if (b->nev == BATCH_ROWS || b->arena_n >= ARENA_FLUSH)
		return flush_events(sq, err, errlen);
	return WL_OK;
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
		    wl_sqlite_prepare_multi(sq, &wl_sqlite_tables[t], sq->b.ins[t], err, errlen);
		if (st != WL_OK)
			return st;
	}
	return WL_OK;
}

void wl_sqlite_rows_free(wl_sqlite *sq)
{
	for (int t = 0; t < SQ_T_COUNT_; t++)
		for (int k = 0; k <= BATCH_LOG; k++)
			sqlite3_finalize(sq->b.ins[t][k]);
	free(sq->b.arena);
	memset(&sq->b, 0, sizeof sq->b);
}
