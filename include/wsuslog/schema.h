/* The SQLite index: the contract between wsuslog-index (writes) and
 * wsuslog-query (reads). docs/SCHEMA.md documents each table and column.
 *
 * Identity rules (so per-site databases can be merged or loaded into
 * ClickHouse): a source is identified by sources.source_key (XXH3-128 of its
 * decoded bytes, hex), an event by (source_key, line); rowids are local to
 * one file and never used as identities across files. Times are UTC. */
#ifndef WSUSLOG_SCHEMA_H
#define WSUSLOG_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

#include "wsuslog/status.h"

/* PRAGMA user_version of an index this build writes and reads. */
#define WL_SCHEMA_VERSION 2

/* The two limit parameters and their web.config keys and defaults. */
#define WL_PARAM_PREREQ "InstalledNonLeafUpdateIDs"
#define WL_PARAM_CACHED "OtherCachedUpdateIDs"
#define WL_LIMIT_PREREQ "maxInstalledPrerequisites"
#define WL_LIMIT_CACHED "maxCachedUpdates"
#define WL_LIMIT_PREREQ_DEFAULT 400
#define WL_LIMIT_CACHED_DEFAULT 22000

/* Create the tables of an empty database, or check the version of an
 * existing one. Returns WL_OK, WL_E_SCHEMA (other version; message in err)
 * or WL_E_DB. */
wl_status wl_schema_init(sqlite3 *db, char *err, size_t errlen);

/* Check that db holds a wsuslog index of this version (read-only use). */
wl_status wl_schema_check(sqlite3 *db, char *err, size_t errlen);

/* Create the secondary indexes (after a bulk load: building them once is
 * ~10x faster than maintaining them during random-key inserts). Idempotent. */
wl_status wl_schema_finish(sqlite3 *db, char *err, size_t errlen);

/* Create the indexes the writer's look-ups need while it loads into an index
 * that is not empty (messages_by_hash). */
wl_status wl_schema_lookup_indexes(sqlite3 *db, char *err, size_t errlen);

/* Drop the secondary indexes before a large load (wl_schema_finish puts them
 * back). */
wl_status wl_schema_drop_indexes(sqlite3 *db, char *err, size_t errlen);

#endif
