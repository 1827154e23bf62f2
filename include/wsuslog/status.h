/* wsuslog status codes and problem details: the error contract shared by
 * wsuslog-index and wsuslog-query.
 *
 * Values are pinned: they are stored in the index (problems.kind) and must
 * never be renumbered. Add new codes at the end. */
#ifndef WSUSLOG_STATUS_H
#define WSUSLOG_STATUS_H

#include <stddef.h>
#include <stdint.h>

typedef enum wl_status {
	WL_OK = 0,
	WL_E_NOMEM = 1,          /* allocation failed: fatal */
	WL_E_IO = 2,             /* read error on an input */
	WL_E_OPEN = 3,           /* input cannot be opened (missing, permission) */
	WL_E_NOT_LOG = 4,        /* input is not a WSUS log: skipped, counted */
	WL_E_ZSTD = 5,           /* zstd frame is corrupt */
	WL_E_TRUNCATED = 6,      /* compressed stream ends mid-frame */
	WL_E_ARCHIVE = 7,        /* archive (tar/zip/...) is damaged */
	WL_E_TOO_BIG = 8,        /* a cap from limits.h was hit */
	WL_E_ENCODING = 9,       /* malformed text encoding (odd UTF-16 length) */
	WL_E_LINE_TOO_LONG = 10, /* a line exceeded WL_LINE_MAX and was cut */
	WL_E_BAD_LINE = 11,      /* a line of a known format failed to parse */
	WL_E_DB = 12,            /* SQLite error: fatal */
	WL_E_USAGE = 13,         /* bad command line */
	WL_E_SKIPPED = 14,       /* input skipped on purpose (FIFO, device, link loop) */
	WL_E_SCHEMA = 15,        /* index has an unknown schema version */
	WL_E_BUSY = 16,          /* another ingester holds the index */
	WL_E_DISK_FULL = 17,     /* database or disk is full: fatal */
	WL_E_UNSAFE_PATH = 18,   /* archive member with '..', absolute path, link or device */
	WL_E_DEPTH = 19,         /* archives nested deeper than WL_ARCHIVE_DEPTH_MAX */
	WL_STATUS_COUNT_
} wl_status;

/* Process exit codes (documented in README.md). */
enum {
	WL_EXIT_OK = 0,       /* everything indexed / query answered */
	WL_EXIT_FATAL = 1,    /* stopped: database error, out of memory, disk full */
	WL_EXIT_USAGE = 2,    /* bad command line */
	WL_EXIT_PROBLEMS = 3, /* finished, but some inputs had problems (see stderr) */
};

/* Stable symbolic name of a status ("WL_E_ZSTD"); never NULL. */
const char *wl_status_name(wl_status st);

/* Human-readable description of a status; never NULL. */
const char *wl_strerror(wl_status st);

/* Where a problem happened. Filled by the stage that detects it; strings are
 * borrowed from the caller for the duration of the call that reports it. */
typedef struct wl_problem {
	wl_status status;
	const char *path;   /* input path as given on the command line (+ walk) */
	const char *member; /* archive member path, or NULL */
	uint64_t offset;    /* byte offset in the decoded stream, or UINT64_MAX */
	uint64_t line;      /* 1-based line number, or 0 when not line-related */
	char message[256];  /* detail, NUL-terminated */
} wl_problem;

/* The line a problem gets on stderr: "wsuslog-index: PATH[!MEMBER]:
 * [line N: | offset N: ]MESSAGE (WL_E_...)". */
void wl_problem_print(const wl_problem *p);

#endif
