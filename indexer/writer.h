/* The batched writer: the one owner of the index's sqlite3 connection.
 * Internal to wsuslog-index. */
#ifndef WL_WRITER_H
#define WL_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline.h"

typedef struct wl_writer wl_writer;

/* Open (creating if needed) the index at path, take the ingest lock
 * (WL_E_BUSY if another ingester holds it), check or create the schema and
 * remove inputs a killed run left incomplete. On success *out is owned by
 * the caller: close with wl_writer_close. */
wl_status wl_writer_open(wl_writer **out, const char *path, unsigned workers, uint64_t max_db_pages,
                         char *err, size_t errlen);

/* Apply one message. Returns WL_OK or a fatal status (WL_E_DB,
 * WL_E_DISK_FULL, WL_E_NOMEM) with err filled; after a fatal status the
 * caller stops writing and calls close with ok = false. */
wl_status wl_writer_apply(wl_writer *wr, const wl_msg *m, wl_stats *stats, char *err,
                          size_t errlen);

/* Record a problem found outside any worker (the walk). */
wl_status wl_writer_problem(wl_writer *wr, wl_status st, const char *path, const char *member,
                            uint64_t offset, uint64_t line, const char *text, char *err,
                            size_t errlen);

/* Commit; when ok, build the secondary indexes. Frees wr. */
wl_status wl_writer_close(wl_writer *wr, bool ok, char *err, size_t errlen);

/* What earlier runs indexed (loaded at open; read-only until close). */
struct wl_known;
const struct wl_known *wl_writer_known(const wl_writer *wr);

/* Entries kept in each in-memory map before it is emptied (default
 * WL_MAP_ENTRIES_MAX; tests set a small one), and the entries the maps
 * hold now, all maps together. */
void wl_writer_set_map_max(wl_writer *wr, size_t max);
size_t wl_writer_map_entries(const wl_writer *wr);

/* Inputs left incomplete by an earlier killed run and removed at open. */
unsigned wl_writer_resumed(const wl_writer *wr);

#endif
