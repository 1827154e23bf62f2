/* SQLite store, summaries (docs/SCHEMA.md, "Summaries"): the tables the
 * reports read instead of every event, kept exact by the two moments that
 * change what the index holds. When a source completes, its events and
 * scans are grouped into rows of its own (sum_errors, sum_activity,
 * sum_days) and added to sum_hours; when a source is deleted (duplicate,
 * shorter copy, earlier copy of a grown log, leftover of a killed run),
 * its rows go and sum_hours is subtracted from. Both happen in the
 * transaction that completes or deletes it, so the summaries hold exactly
 * the complete sources, whatever a run or a kill does.
 *
 * A fault's attributes (time, server, code, limit parameter) depend on all
 * its records, which may come in different inputs and runs: each fault a
 * source has records of is recomputed by the fault rules
 * (WL_SQL_FAULT_RULES, the query's own definition) from the events of
 * complete sources, after the source is added or its rows are gone. */
#include <string.h>

#include "store_sqlite.h"
#include "wsuslog/event.h"
#include "wsuslog/schema.h"

wl_status wl_sqlite_summary_open(wl_sqlite *sq, char *err, size_t errlen)
{
	/* The faults touched by the current add or delete. */
	return wl_sqlite_exec(
	    sq, "CREATE TEMP TABLE IF NOT EXISTS fault_touch(fk INTEGER PRIMARY KEY)", err, errlen);
}

static void bind_fault_rules(sqlite3_stmt *st)
{
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":code"), WL_FAULT_LIMIT_CODE, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":prereq"), WL_PARAM_PREREQ, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":cached"), WL_PARAM_CACHED, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":server_role"), WL_ROLE_SERVER);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":ts_max"), INT64_MAX);
}

void wl_sqlite_summary_bind(wl_sqlite *sq)
{
	bind_fault_rules(sq->st[SQ_FAULT_FILL]);
	bind_fault_rules(sq->st[SQ_FAULT_MEMBERS_FILL]);
}

static wl_status run_for(wl_sqlite *sq, int which, int64_t id, char *err, size_t errlen)
{
	sqlite3_bind_int64(sq->st[which], 1, id);
	return wl_sqlite_run(sq, which, err, errlen);
}

static wl_status hours(wl_sqlite *sq, int64_t id, int sign, char *err, size_t errlen)
{
	sqlite3_bind_int(sq->st[SQ_SUM_HOURS_ADD], 2, sign);
	return run_for(sq, SQ_SUM_HOURS_ADD, id, err, errlen);
}

/* Recompute every fault in temp.fault_touch, then empty it. */
static wl_status refresh_faults(wl_sqlite *sq, char *err, size_t errlen)
{
	static const int order[] = {SQ_FAULT_CLEAR, SQ_FAULT_MEMBERS_CLEAR, SQ_FAULT_FILL,
	                            SQ_FAULT_MEMBERS_FILL, SQ_FAULT_UNTOUCH};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		wl_status st = wl_sqlite_run(sq, order[i], err, errlen);
		if (st != WL_OK)
			return st;
	}
	return WL_OK;
}

wl_status wl_sqlite_summary_add(wl_sqlite *sq, int64_t id, char *err, size_t errlen)
{
	static const int order[] = {SQ_SUM_ERRORS_ADD, SQ_SUM_ACTIVITY_ADD, SQ_SUM_DAYS_ADD,
	                            SQ_FAULT_TOUCH};
	wl_status st = hours(sq, id, 1, err, errlen);
	for (size_t i = 0; i < sizeof order / sizeof *order && st == WL_OK; i++)
		st = run_for(sq, order[i], id, err, errlen);
	return st == WL_OK ? refresh_faults(sq, err, errlen) : st;
}

wl_status wl_sqlite_summary_remove(wl_sqlite *sq, int64_t id, char *err, size_t errlen)
{
	/* sum_hours and fault_touch read the source's events and whether it
	 * is complete: before anything of it is deleted. */
	static const int order[] = {SQ_FAULT_TOUCH, SQ_SUM_ERRORS_DEL, SQ_SUM_ACTIVITY_DEL,
	                            SQ_SUM_DAYS_DEL};
	wl_status st = hours(sq, id, -1, err, errlen);
	for (size_t i = 0; i < sizeof order / sizeof *order && st == WL_OK; i++)
		st = run_for(sq, order[i], id, err, errlen);
	return st;
}

wl_status wl_sqlite_summary_after_delete(wl_sqlite *sq, char *err, size_t errlen)
{
	return refresh_faults(sq, err, errlen);
}
