/* What an earlier run already indexed, loaded once at the start of a run:
 * inputs whose size and mtime are unchanged are skipped without being read,
 * and a log that grew is recognised by the hash of its old length so its
 * earlier copy is replaced, not doubled. Read-only while workers run.
 * Internal to wsuslog-index. */
#ifndef WL_KNOWN_H
#define WL_KNOWN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "wsuslog/status.h"
#include "wsuslog/limits.h"

typedef struct wl_known_source {
	char *path_member;     /* "path" NUL "member" NUL, owned */
	size_t key_n;          /* bytes of path_member used as the key */
	uint64_t bytes;        /* decompressed bytes of the indexed copy */
	char hash[WL_KEY_BUF]; /* its source_key */
	int64_t order;         /* source_id: the newest copy wins */
} wl_known_source;

typedef struct wl_known_input {
	char *path; /* owned */
	uint64_t size;
	int64_t mtime_us;
} wl_known_input;

typedef struct wl_known {
	wl_known_source *src;
	size_t nsrc;
	wl_known_input *in;
	size_t nin;
	size_t src_cap, in_cap;
} wl_known;

/* Load from an open index (tables sources and inputs). */
wl_status wl_known_load(wl_known *k, sqlite3 *db, char *err, size_t errlen);

/* Or build it from another engine's answers (k zeroed first): add every
 * complete source (order: higher is newer) and every input read, then seal
 * (sort; keep the newest copy of each path/member) before any look-up. */
wl_status wl_known_add_source(wl_known *k, const char *path, const char *member, uint64_t bytes,
                              const char *hash, int64_t order);
wl_status wl_known_add_input(wl_known *k, const char *path, uint64_t size, int64_t mtime_us);
void wl_known_seal(wl_known *k);

/* The complete source last indexed from path/member (member "" for a plain
 * file), or NULL. */
const wl_known_source *wl_known_source_of(const wl_known *k, const char *path, const char *member);

/* Was this input file read completely by an earlier run with the same size
 * and modification time? */
bool wl_known_input_unchanged(const wl_known *k, const char *path, uint64_t size, int64_t mtime_us);

/* Empties k. */
void wl_known_free(wl_known *k);

#endif
