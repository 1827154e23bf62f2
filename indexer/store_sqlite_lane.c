/* SQLite store, the lanes: everything the store does with a worker's events
 * that needs no connection, done on the worker's own thread (store.h,
 * encode), so that the one writer thread only binds and steps. Per event:
 * its names become ids (shared maps, store_sqlite_ids.c), it gets an event
 * id from its lane's chunk, goes into its lane's block, and is grouped into
 * its source's summaries; blocks are compressed here when full. What a
 * message adds (sealed blocks, scans, the rows naming events of sealed
 * blocks, web.config limits) goes into the message's enc for the writer
 * (store_sqlite_rows.c).
 *
 * Why here: with these on the writer, it cost 1.1 CPU-s per GB of
 * failing-fleet logs whatever the number of cores (docs/ARCHITECTURE.md).
 *
 * Ids need no connection: sources, chunks of event ids and chunks of scan
 * ids come from counters every lane shares (atomics, set at open past what
 * the index holds). A lane takes a chunk for each block and a scan chunk
 * for each source, so the ids of one chunk are all of one source. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"
#include "wsuslog/limits.h"

/* Scan ids of a chunk (a source's scans take one or more). */
#define SCAN_CHUNK_SHIFT 10

wl_status wl_sqlite_lane_open(wl_sqlite *sq)
{
	sq->lane = calloc(sq->lanes, sizeof *sq->lane);
	if (!sq->lane)
		return WL_E_NOMEM;
	for (unsigned i = 0; i < sq->lanes; i++)
		if (!(sq->lane[i].cache = calloc(WL_NAME_CACHE, sizeof *sq->lane[i].cache)))
			return WL_E_NOMEM;
	return WL_OK;
}

void wl_sqlite_enc_reset(wl_sqlite_enc *enc)
{
	wl_sumacc_free(enc->acc);
	enc->acc = NULL;
	enc->source = enc->first_event = enc->last_event = 0;
	enc->blocks.n = enc->notes.n = enc->eg.n = enc->scans.n = enc->configs.n = 0;
	/* A message's rows are usually a few KiB; one that needed far more
	 * (long lines) does not keep it for the rest of the run. */
	if (enc->bytes.cap > 4u * WL_BLOCK_BYTES) {
		free(enc->bytes.p);
		enc->bytes = (wl_bytes){0};
	}
	enc->bytes.n = 0;
}

void wl_sqlite_enc_free(wl_sqlite_enc *enc)
{
	if (!enc)
		return;
	wl_sumacc_free(enc->acc);
	free(enc->blocks.v);
	free(enc->notes.v);
	free(enc->eg.v);
	free(enc->scans.v);
	free(enc->configs.v);
	free(enc->bytes.p);
	memset(enc, 0, sizeof *enc);
}

void wl_sqlite_lane_free(wl_sqlite *sq)
{
	if (!sq->lane)
		return;
	for (unsigned i = 0; i < sq->lanes; i++) {
		wl_sqlite_lane *l = &sq->lane[i];
		wl_block_enc_free(&l->blk);
		wl_sumacc_free(l->acc);
		wl_sqlite_enc_free(&l->side);
		free(l->cache);
	}
	free(sq->lane);
	sq->lane = NULL;
}

/* ---- blocks ---- */

/* Seal the lane's open block into enc, with the rows that name its events
 * (they wait in the lane's side until then). */
static wl_status seal_block(wl_sqlite_lane *l, wl_sqlite_enc *enc)
{
	wl_block_enc *b = &l->blk;
	l->next_id = 0;
	if (b->count == 0)
		return WL_OK;
	wl_blockrow row = {.source = b->source, .n = b->count, .first = b->first, .last = b->last};
	const void *data;
	size_t size;
	wl_status st;
	if ((st = wl_block_seal(b, &data, &size)) != WL_OK ||
	    (st = wl_rows_grow(&enc->blocks)) != WL_OK ||
	    (st = wl_bytes_put(&enc->bytes, data, size, &row.data)) != WL_OK)
		return st;
	enc->blocks.v[enc->blocks.n++] = row;
	wl_sqlite_enc *side = &l->side;
	for (size_t i = 0; i < side->eg.n; i++) {
		if ((st = wl_rows_grow(&enc->eg)) != WL_OK)
			return st;
		enc->eg.v[enc->eg.n++] = side->eg.v[i];
	}
	for (size_t i = 0; i < side->notes.n; i++) {
		wl_evrow r = side->notes.v[i];
		const char *t = side->bytes.p;
		if ((st = wl_rows_grow(&enc->notes)) != WL_OK ||
		    (st = wl_bytes_put(&enc->bytes, t + r.fault_code.off, r.fault_code.n,
		                       &r.fault_code)) != WL_OK ||
		    (st = wl_bytes_put(&enc->bytes, t + r.parameter.off, r.parameter.n,
		                       &r.parameter)) != WL_OK ||
		    (st = wl_bytes_put(&enc->bytes, t + r.prefix.off, r.prefix.n, &r.prefix)) !=
		        WL_OK)
			return st;
		enc->notes.v[enc->notes.n++] = r;
	}
	wl_sqlite_enc_reset(side);
	return WL_OK;
}

/* The next event id of the lane's block: a full block is sealed first, and
 * the lane takes a chunk of its own for the next. */
static wl_status next_event_id(wl_sqlite *sq, wl_sqlite_lane *l, wl_sqlite_enc *enc, int64_t *id)
{
	if (wl_block_full(&l->blk)) {
		wl_status st = seal_block(l, enc);
		if (st != WL_OK)
			return st;
	}
	if (l->next_id == 0)
		l->next_id = atomic_fetch_add(&sq->next_chunk, 1) << WL_BLOCK_SHIFT;
	*id = l->last_id = l->next_id++;
	return WL_OK;
}

/* ---- the ops' lane halves ---- */

wl_status wl_sqlite_lane_begin(wl_sqlite *sq, unsigned lane, wl_sqlite_enc *enc)
{
	assert(lane < sq->lanes);
	wl_sqlite_lane *l = &sq->lane[lane];
	assert(l->source == 0 && l->blk.count == 0);
	wl_sumacc_free(l->acc);
	if (!(l->acc = wl_sumacc_new()))
		return WL_E_NOMEM;
	l->source = enc->source = atomic_fetch_add(&sq->next_source, 1);
	/* Its events will have ids from the chunks given from here on (the
	 * lane takes a fresh one at its first event: a block holds one
	 * source). */
	enc->first_event = atomic_load(&sq->next_chunk) << WL_BLOCK_SHIFT;
	l->last_id = enc->first_event - 1;
	l->next_id = 0;
	l->next_scan = l->scan_end = 0;
	return WL_OK;
}

/* The name slots of wl_sqlite_lane.last. */
enum { LAST_HOST, LAST_SERVER, LAST_CLIENT, LAST_COMP };

/* The id of name k[0..n) of table t, through the lane's last name in
 * slot. */
static wl_status intern(wl_sqlite *sq, wl_sqlite_lane *l, int slot, wl_sqlite_names t,
                        const char *k, size_t n, int64_t *id, char *err, size_t errlen)
{
	struct wl_last_name *c = &l->last[slot];
	if (n == c->n && (n == 0 || memcmp(k, c->k, n) == 0)) {
		*id = c->id; /* an empty name: 0, as the slot starts */
		return WL_OK;
	}
	wl_status st = wl_names_intern(&sq->names, l->cache, t, k, n, id, err, errlen);
	if (st == WL_OK && n <= sizeof c->k) {
		if (n) /* k may be NULL when empty */
			memcpy(c->k, k, n);
		c->n = n;
		c->id = *id;
	}
	return st;
}

static wl_status add_scan(wl_sqlite *sq, wl_sqlite_lane *l, wl_sqlite_enc *enc, const wl_event *e,
                          int64_t host, int64_t server, int64_t client)
{
	wl_status st = wl_rows_grow(&enc->scans);
	if (st != WL_OK)
		return st;
	if (l->next_scan == l->scan_end) {
		l->next_scan = atomic_fetch_add(&sq->next_scan_chunk, 1) << SCAN_CHUNK_SHIFT;
		l->scan_end = l->next_scan + ((int64_t)1 << SCAN_CHUNK_SHIFT);
	}
	wl_scanrow *r = &enc->scans.v[enc->scans.n++];
	*r = (wl_scanrow){
	    .id = l->next_scan++,
	    .source = l->source,
	    .line = (int64_t)e->line,
	    .has_ts = e->ts_us != WL_TS_NONE,
	    .ts = e->ts_us,
	    .host = host,
	    .server = server,
	    .client = client,
	    .hr = e->hresult,
	    .v = {e->round_trips, e->evaluated, e->deployed},
	};
	return wl_sumacc_scan(l->acc, &sq->sum, r);
}

static wl_status add_config(wl_sqlite_lane *l, wl_sqlite_enc *enc, const wl_event *e)
{
	wl_configrow r = {.source = l->source,
	                  .ts = e->ts_us,
	                  .max_prereq = e->max_prereq,
	                  .max_cached = e->max_cached};
	wl_status st = wl_rows_grow(&enc->configs);
	if (st == WL_OK)
		st = wl_bytes_put(&enc->bytes, e->server.p, e->server.p ? e->server.n : 0,
		                  &r.server);
	if (st == WL_OK)
		enc->configs.v[enc->configs.n++] = r;
	return st;
}

/* A text of an event for a block: empty is NULL (fault code, parameter). */
static wl_btext btext(wl_span t, size_t n)
{
	return n ? (wl_btext){t.p, (int32_t)n} : (wl_btext){"", -1};
}

static wl_status add_guid(wl_sqlite *sq, wl_sqlite_lane *l, int64_t event_id, const wl_guid *g,
                          int what, char *err, size_t errlen)
{
	int64_t gid;
	wl_status st = wl_names_intern(&sq->names, l->cache, SQ_GUIDS, g->s, 36, &gid, err, errlen);
	if (st == WL_OK)
		st = wl_rows_grow(&l->side.eg);
	if (st == WL_OK)
		l->side.eg.v[l->side.eg.n++] = (wl_egrow){gid, event_id, what};
	return st;
}

/* A notable event (fault GUID, code or parameter) is a row of event_notes
 * as well, with its texts. */
static wl_status add_note(wl_sqlite_lane *l, wl_evrow r, const wl_event *e, size_t raw_n)
{
	wl_sqlite_enc *side = &l->side;
	wl_status st;
	if ((st = wl_rows_grow(&side->notes)) != WL_OK ||
	    (st = wl_bytes_put(&side->bytes, e->fault_code.p, r.fault_code.n, &r.fault_code)) !=
	        WL_OK ||
	    (st = wl_bytes_put(&side->bytes, e->parameter.p, r.parameter.n, &r.parameter)) !=
	        WL_OK ||
	    (st = wl_bytes_put(&side->bytes, e->raw.p, raw_n, &r.prefix)) != WL_OK)
		return st;
	side->notes.v[side->notes.n++] = r;
	return WL_OK;
}

static wl_status add_event(wl_sqlite *sq, wl_sqlite_lane *l, wl_sqlite_enc *enc, const wl_event *e,
                           char *err, size_t errlen)
{
	int64_t host, server, comp, client = 0, fault = 0;
	wl_status st;
	if ((st = intern(sq, l, LAST_HOST, SQ_HOSTS, e->host.p, e->host.p ? e->host.n : 0, &host,
	                 err, errlen)) != WL_OK ||
	    (st = intern(sq, l, LAST_SERVER, SQ_HOSTS, e->server.p, e->server.p ? e->server.n : 0,
	                 &server, err, errlen)) != WL_OK)
		return st;
	if (e->has_client_id && (st = intern(sq, l, LAST_CLIENT, SQ_GUIDS, e->client_id.s, 36,
	                                     &client, err, errlen)) != WL_OK)
		return st;
	if (e->kind == WL_EV_CONFIG)
		return add_config(l, enc, e);
	if (e->kind == WL_EV_SCAN)
		return add_scan(sq, l, enc, e, host, server, client);
	if ((st = intern(sq, l, LAST_COMP, SQ_COMPONENTS, e->component.p,
	                 e->component.p ? e->component.n : 0, &comp, err, errlen)) != WL_OK)
		return st;
	if (e->has_fault_guid &&
	    (st = wl_names_intern(&sq->names, l->cache, SQ_GUIDS, e->fault_guid.s, 36, &fault, err,
	                          errlen)) != WL_OK)
		return st;
	size_t fc_n = e->fault_code.p ? e->fault_code.n : 0;
	size_t par_n = e->parameter.p ? e->parameter.n : 0;
	/* The whole line goes into the block: zstd stores the text lines
	 * repeat once per block, which the table `messages` did for schema 5
	 * at the cost of a hash and a look-up per line and a third of the
	 * index (docs/ARCHITECTURE.md). */
	size_t raw_n = e->raw.p ? (e->raw.n < WL_RAW_MAX ? e->raw.n : WL_RAW_MAX) : 0;
	wl_evrow r = {
	    .source = l->source,
	    .line = (int64_t)e->line,
	    .has_ts = e->ts_us != WL_TS_NONE,
	    .ts = e->ts_us,
	    .role = (int)e->role,
	    .kind = (int)e->kind,
	    .host = host,
	    .server = server,
	    .client = client,
	    .comp = comp,
	    .has_hr = e->has_hresult,
	    .hr = e->hresult,
	    .fault = fault,
	    /* Lengths only: the summaries count a fault code. */
	    .fault_code = {0, fc_n},
	    .parameter = {0, par_n},
	};
	if ((st = next_event_id(sq, l, enc, &r.id)) != WL_OK ||
	    (st = wl_sumacc_event(l->acc, &sq->sum, &r)) != WL_OK)
		return st;
	if (e->has_fault_guid &&
	    (st = add_guid(sq, l, r.id, &e->fault_guid, WL_GUID_FAULT, err, errlen)) != WL_OK)
		return st;
	/* The SusClientId is not repeated in event_guids: nearly every event
	 * carries one, and events.client_guid_id finds them. */
	for (unsigned i = 0; i < e->n_other; i++)
		if ((st = add_guid(sq, l, r.id, &e->other[i], WL_GUID_OTHER, err, errlen)) != WL_OK)
			return st;
	wl_bevent b = {
	    .id = r.id,
	    .source = r.source,
	    .line = r.line,
	    .ts = r.ts,
	    .hresult = r.hr,
	    .host = host,
	    .server = server,
	    .client = client,
	    .comp = comp,
	    .fault = fault,
	    .has_ts = r.has_ts,
	    .has_hr = r.has_hr,
	    .role = r.role,
	    .kind = r.kind,
	    .fault_code = btext(e->fault_code, fc_n),
	    .parameter = btext(e->parameter, par_n),
	    .prefix = {raw_n ? e->raw.p : "", (int32_t)raw_n},
	};
	if ((st = wl_block_add(&l->blk, &b)) == WL_E_TOO_BIG) {
		snprintf(err, errlen, "event of line %lld: a text over %u bytes", (long long)r.line,
		         (unsigned)WL_BLOCK_TEXT_MAX);
		return WL_E_DB;
	}
	if (st == WL_OK && (fault || fc_n || par_n))
		st = add_note(l, r, e, raw_n);
	return st;
}

wl_status wl_sqlite_lane_events(wl_sqlite *sq, unsigned lane, const wl_event *ev, size_t n,
                                wl_sqlite_enc *enc, char *err, size_t errlen)
{
	assert(lane < sq->lanes);
	wl_sqlite_lane *l = &sq->lane[lane];
	/* Workers send events only between an input's BEGIN and END. */
	assert(l->source != 0);
	enc->source = l->source;
	wl_status st = WL_OK;
	for (size_t i = 0; i < n && st == WL_OK; i++)
		st = add_event(sq, l, enc, &ev[i], err, errlen);
	return st;
}

wl_status wl_sqlite_lane_end(wl_sqlite *sq, unsigned lane, wl_sqlite_enc *enc, char *err,
                             size_t errlen)
{
	(void)err;
	(void)errlen;
	assert(lane < sq->lanes);
	wl_sqlite_lane *l = &sq->lane[lane];
	assert(l->source != 0);
	enc->source = l->source;
	enc->last_event = l->last_id;
	wl_status st = seal_block(l, enc);
	if (st == WL_OK)
		st = wl_sumacc_finish(l->acc, &sq->sum);
	if (st == WL_OK) {
		enc->acc = l->acc;
		l->acc = NULL;
	}
	l->source = 0;
	return st;
}
