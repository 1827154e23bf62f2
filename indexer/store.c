/* Pipeline stage 5, the engine-independent half: a queue message becomes a
 * store call, and a problem is shown to the user as well as recorded.
 * Engines implement store.h's ops (store_sqlite.c). */
#include "store.h"

#include <assert.h>
#include <stdio.h>

wl_status wl_store_open(const wl_ingest_cfg *cfg, unsigned lanes, wl_stats *stats, wl_store **out,
                        char *err, size_t errlen)
{
	if (cfg->clickhouse_url)
		return wl_store_clickhouse_open(out, cfg->clickhouse_url, lanes, stats, err,
		                                errlen);
	return wl_store_sqlite_open(out, cfg->db_path, lanes, cfg->max_db_pages, err, errlen);
}

wl_status wl_store_problem(wl_store *s, const wl_problem *p, char *err, size_t errlen)
{
	wl_problem_print(p);
	return s->ops->problem(s, p, err, errlen);
}

wl_status wl_store_encode(wl_store *s, wl_msg *m, char *err, size_t errlen)
{
	if (!s->ops->encode)
		return WL_OK;
	if (m->type != WL_MSG_BEGIN && m->type != WL_MSG_EVENTS && m->type != WL_MSG_END)
		return WL_OK;
	return s->ops->encode(s, m->worker, m, err, errlen);
}

wl_status wl_store_apply(wl_store *s, const wl_msg *m, wl_stats *stats, char *err, size_t errlen)
{
	const wl_store_ops *ops = s->ops;
	switch (m->type) {
	case WL_MSG_BEGIN: {
		wl_source_begin b = {
		    .path = m->path, .member = m->member, .host = m->host, .fmt = m->fmt};
		return ops->begin_source(s, m->worker, &b, m->enc, err, errlen);
	}
	case WL_MSG_EVENTS:
		return ops->add_events(s, m->worker, m->ev, m->nev, m->enc, err, errlen);
	case WL_MSG_END: {
		wl_source_end e = {.path = m->path,
		                   .member = m->member,
		                   .host = m->host,
		                   .key = m->key,
		                   .head = m->head,
		                   .supersedes = m->supersedes,
		                   .fmt = m->fmt,
		                   .bytes = m->bytes,
		                   .lines = m->lines,
		                   .events = m->events,
		                   .first_ts = m->first_ts,
		                   .last_ts = m->last_ts};
		wl_source_outcome out = {.duplicate = false, .replaced = 0};
		wl_status st = ops->end_source(s, m->worker, &e, m->enc, &out, err, errlen);
		if (out.duplicate)
			atomic_fetch_add(&stats->duplicates, 1);
		atomic_fetch_add(&stats->replaced, out.replaced);
		return st;
	}
	case WL_MSG_INPUT: {
		/* The worker sends the file's mtime in first_ts. */
		wl_input_read in = {.path = m->path, .size = m->bytes, .mtime_us = m->first_ts};
		return ops->input_read(s, m->worker, &in, err, errlen);
	}
	case WL_MSG_PROBLEM:
		return wl_store_problem(s, &m->problem, err, errlen);
	}
	assert(!"unknown message type");
	snprintf(err, errlen, "unknown message type %d", (int)m->type);
	return WL_E_DB;
}
