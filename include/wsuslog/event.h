/* The event model: what the tokenizer extracts from a log line and hands to
 * the writer. One wl_event is one row of the `events` table (scan ends go to
 * `scans`); see docs/SCHEMA.md for the meaning of each field. */
#ifndef WSUSLOG_EVENT_H
#define WSUSLOG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A byte range. Log bytes may contain NUL and invalid UTF-8: never treat a
 * span as a C string. Borrowed: valid as long as the buffer it points into. */
typedef struct wl_span {
	const char *p;
	size_t n;
} wl_span;

#define WL_SPAN_NULL ((wl_span){NULL, 0})

typedef enum wl_role {
	WL_ROLE_CLIENT = 0, /* WindowsUpdate.log */
	WL_ROLE_SERVER = 1, /* SoftwareDistribution.log */
} wl_role;

/* Pinned: stored in sources.format as text via wl_format_name(). */
typedef enum wl_format {
	WL_FMT_UNKNOWN = 0,
	WL_FMT_WU_CLASSIC = 1, /* WindowsUpdate.log, XP..8.1: TAB fields */
	WL_FMT_WU_ETW = 2,     /* WindowsUpdate.log, 10+: Get-WindowsUpdateLog */
	WL_FMT_SDIST = 3,      /* WSUS server SoftwareDistribution.log */
	WL_FMT_WEBCONFIG = 4,  /* ClientWebService web.config (limit values) */
} wl_format;

/* Pinned: stored in events.kind. */
typedef enum wl_event_kind {
	WL_EV_FAILED = 1,       /* "*FAILED* [HHHHHHHH] ..." */
	WL_EV_WARNING = 2,      /* "WARNING: ..." carrying an HRESULT */
	WL_EV_FATAL = 3,        /* "FATAL: ..." carrying an HRESULT */
	WL_EV_SOAP_FAULT = 4,   /* client SOAP fault detail (any of 3 shapes) */
	WL_EV_THROW = 5,        /* server "ThrowException: actor = ..." */
	WL_EV_SERVER_ERROR = 6, /* other server entry of level Error */
	WL_EV_SCAN = 7,         /* end of a client scan: goes to `scans` */
	WL_EV_CONFIG = 8,       /* limit values of a web.config: `server_config` */
	WL_EV_ERROR = 9,        /* other client line that says an error and spells a
	                           failure code (docs/EVENTS.md, rule 3) */
} wl_event_kind;

/* A GUID in canonical form: 36 lower-case characters, no braces. */
typedef struct wl_guid {
	char s[36];
} wl_guid;

/* Role of a GUID in an event (event_guids.what). Pinned. */
typedef enum wl_guid_what {
	WL_GUID_FAULT = 1,  /* SOAP fault ID shared by client and server */
	WL_GUID_CLIENT = 2, /* SusClientId: reserved; kept in events.client_guid_id */
	WL_GUID_OTHER = 3,  /* update IDs, service IDs, call IDs in the text */
} wl_guid_what;

#define WL_EVENT_GUIDS_MAX 8 /* further GUIDs in one line are ignored */

/* Unknown timestamp (a line whose time cannot be trusted). */
#define WL_TS_NONE INT64_MIN

typedef struct wl_event {
	wl_event_kind kind;
	wl_role role;
	uint64_t line; /* 1-based line number in the decoded input */
	int64_t ts_us; /* UTC, microseconds since 1970-01-01; WL_TS_NONE */
	bool has_hresult;
	uint32_t hresult; /* e.g. 0x80244007 */
	wl_span host;     /* machine that wrote the log, lower-case; may be empty */
	wl_span server;   /* WSUS server host, lower-case, no port; may be empty */
	wl_span component;
	wl_span fault_code; /* "InvalidParameters", ...; empty if none */
	wl_span parameter;  /* "InstalledNonLeafUpdateIDs" (no "parameters."); */
	bool has_client_id;
	wl_guid client_id;
	bool has_fault_guid;
	wl_guid fault_guid;
	unsigned n_other;
	wl_guid other[WL_EVENT_GUIDS_MAX];
	wl_span raw; /* the whole line (header line for multi-line entries) */
	/* Where the message starts in raw: raw[0..msg_off) is the line's own
	 * header (time, pid, tid, component), raw[msg_off..] the text that
	 * repeats from line to line, which the writer stores once (table
	 * `messages`). 0: not split, the line is stored whole. */
	size_t msg_off;
	/* WL_EV_SCAN only; -1 when the log did not say. */
	int64_t round_trips; /* "SyncUpdates round trips: N" of this scan */
	int64_t evaluated;   /* "evaluated appl. rules of X out of Y" */
	int64_t deployed;
	/* WL_EV_CONFIG only: the web.config's values, -1 when the key is absent
	 * (the documented default applies); ts_us is the file's time. */
	int64_t max_prereq;
	int64_t max_cached;
} wl_event;

/* "wu-classic", "wu-etw", "sdist", "unknown"; never NULL. */
const char *wl_format_name(wl_format f);

/* "client" / "server"; never NULL. */
const char *wl_role_name(wl_role r);

/* Parse a GUID at p[0..n): 8-4-4-4-12 hex digits, optionally in braces.
 * Returns the number of bytes consumed (36 or 38) and writes the canonical
 * lower-case form to *out, or 0 if p does not start with a GUID. */
size_t wl_guid_parse(const char *p, size_t n, wl_guid *out);

#endif
