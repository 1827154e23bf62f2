/* wsuslog.so: the `events` table for any SQLite program, such as the
 * sqlite3 shell (`.load /usr/lib/wsuslog/wsuslog`, docs/SCHEMA.md). The
 * index stores events in blocks (include/wsuslog/event_block.h) that only
 * the module "wl_events" reads; wsuslog-query registers it itself. The
 * module links the same libsqlite3 as the program that loads it, so it
 * calls SQLite directly rather than through sqlite3ext.h's table. */
#include <sqlite3.h>

#include "wsuslog/event_block.h"

/* The name SQLite derives from "wsuslog.so". */
int sqlite3_wsuslog_init(sqlite3 *db, char **err, const void *api);

int sqlite3_wsuslog_init(sqlite3 *db, char **err, const void *api)
{
	return wl_events_vtab_entry(db, err, api);
}
