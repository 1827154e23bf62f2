/* SQLite store, durability. The load runs with synchronous = OFF (in WAL
 * mode a killed process cannot corrupt the database, only an OS crash or
 * power loss could, and the complete flag makes lost last transactions
 * harmless); the close makes the result durable with one fdatasync of the
 * index file instead of SQLite's syncs of the WAL. All of it goes through
 * one read-only descriptor of the index file, sq->db_fd. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_sqlite.h"

/* Opened once after SQLite's own descriptor and closed only after
 * sqlite3_close: closing any descriptor of the file drops every POSIX lock
 * this process holds on it, SQLite's included (sqlite.org/howtocorrupt.html,
 * 2.2), and a reader that found the file unlocked could checkpoint and
 * delete the WAL under the writer (tests/e2e/e2e_dbfd.sh traces a run and
 * fails on such a close). */
wl_status wl_sqlite_durable_open(wl_sqlite *sq, char *err, size_t errlen)
{
	if ((sq->db_fd = open(sq->path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", sq->path, strerror(errno));
		return WL_E_DB;
	}
	return WL_OK;
}

void wl_sqlite_durable_close(wl_sqlite *sq)
{
	if (sq->db_fd >= 0)
		close(sq->db_fd);
	sq->db_fd = -1;
}

/* After a commit during the load: have the kernel start writing the index
 * file's dirty pages (those SQLite's automatic checkpoints copied out of
 * the WAL) to disk now, without waiting for it. synchronous is OFF during a
 * load, so nothing else does until the close's fdatasync, which then had a
 * whole load to write while the program waited (on 1 GB of logs the close
 * went from 0.13-0.16 s to 0.09-0.11 s). Best effort: a failure costs only
 * that time. */
void wl_sqlite_writeback_start(wl_sqlite *sq)
{
#ifdef SYNC_FILE_RANGE_WRITE
	(void)sync_file_range(sq->db_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)sq;
#endif
}

/* fdatasync of the index file on a helper thread. */
typedef struct bg_sync {
	pthread_t th;
	int fd;
	bool running;
} bg_sync;

static void *bg_sync_main(void *arg)
{
	bg_sync *b = arg;
	(void)fdatasync(b->fd);
	return NULL;
}

/* The table rows are in the database file (after a checkpoint) but only in
 * the page cache: start writing them to disk while the indexes are built
 * (CPU work that writes to the WAL), so the durable close at the end only
 * waits for the index pages. Best effort: without it the close does it. */
static void bg_sync_start(wl_sqlite *sq, bg_sync *b)
{
	b->running = false;
	if (sqlite3_wal_checkpoint_v2(sq->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) !=
	    SQLITE_OK)
		return;
	b->fd = sq->db_fd;
	if (pthread_create(&b->th, NULL, bg_sync_main, b) != 0)
		return;
	b->running = true;
}

static void bg_sync_wait(bg_sync *b)
{
	if (!b->running)
		return;
	pthread_join(b->th, NULL);
	b->running = false;
}

/* Copy the WAL's frames into the database file without a sync (synchronous
 * is still OFF), then make the file durable with one fdatasync. The
 * TRUNCATE checkpoint at the close (under synchronous = NORMAL) then has
 * nothing left to copy, so it only empties the WAL. SQLite's own order
 * would first fsync the WAL: every page the run wrote, to protect a copy
 * that this fdatasync makes durable anyway (0.1 s per GB of logs on the
 * 2-core VM). Until the fdatasync returns, the WAL is untouched, so a crash
 * before it leaves what SQLite would have. */
static wl_status sync_checkpoint(wl_sqlite *sq, char *err, size_t errlen)
{
	int frames = 0, copied = 0;
	if (sqlite3_wal_checkpoint_v2(sq->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) !=
	    SQLITE_OK)
		return wl_sqlite_db_error(sq, err, errlen, "checkpoint");
	if (copied == frames) {
		if (fdatasync(sq->db_fd) != 0) {
			snprintf(err, errlen, "%s: fdatasync: %s", sq->path, strerror(errno));
			return WL_E_DB;
		}
	}
	/* Frames a reader kept from the copy: the TRUNCATE checkpoint copies
	 * them with SQLite's syncs. */
	return wl_sqlite_exec(sq, "PRAGMA synchronous = NORMAL", err, errlen);
}

wl_status wl_sqlite_durable_finish(wl_sqlite *sq,
                                   wl_status (*build)(wl_sqlite *sq, char *err, size_t errlen),
                                   char *err, size_t errlen)
{
	bg_sync bg = {.running = false};
	bg_sync_start(sq, &bg);
	wl_status st = build(sq, err, errlen);
	bg_sync_wait(&bg);
	if (st == WL_OK)
		st = sync_checkpoint(sq, err, errlen);
	return st;
}
