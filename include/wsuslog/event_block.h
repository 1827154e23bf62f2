/* Events stored in blocks: the storage of the `events` table since schema 6.
 *
 * Why: a row per event cost the one writer thread 0.72 CPU-s per GB of
 * failing-fleet logs (1.25 M rows per GB), whatever was in the row: SQLite's
 * per-row work, not the bytes (docs/ARCHITECTURE.md, "Where the serial time
 * is"). A block holds up to WL_BLOCK_EVENTS events of one source as one
 * zstd-compressed BLOB row of event_blocks, so the writer appends about
 * 1,400 rows per GB of those logs instead of 1.25 M, and the index takes
 * 40 % of the space.
 *
 * Readers see the blocks as the table `events` (a virtual table, module
 * "wl_events", common/events_vtab.c) with the columns schema 5 had, so
 * reports, events_v and `sql` read events as before. Events with a fault
 * GUID, a fault code or a parameter (a few per thousand) are also kept as
 * plain rows in event_notes, whose indexes serve the look-ups by fault,
 * parameter and client that `limits`, `incident` and the fault rules make.
 *
 * Ids: event ids come in chunks of WL_BLOCK_EVENTS (chunk = id >>
 * WL_BLOCK_SHIFT): the writer gives each block a chunk of its own, so
 * finding an event by id reads one block. Ids of a chunk the block did not
 * fill are never used.
 *
 * The encoding: two zstd frames. The first holds varint count * 2 + (1 if
 * the ids ascend), then each event as varints, deltas against the event
 * before it in the block (zigzag for signed ones), its texts' lengths + 1
 * (0: NULL); the second the texts' bytes, event after event, so a reader
 * that wants numbers only decompresses the first. Blocks written before
 * December 2026 are the first frame alone, each text's bytes after its
 * length; both are read. See common/event_block.c. */
#ifndef WSUSLOG_EVENT_BLOCK_H
#define WSUSLOG_EVENT_BLOCK_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

/* 1024 events a block: a look-up by id decodes one block, and with 4096 a
 * report that reads the edges of a time window took 1.98 s instead of
 * 0.95-1.14 s (10.5 M events, the same code otherwise), for an index 4 %
 * smaller. */
#define WL_BLOCK_SHIFT 10
#define WL_BLOCK_EVENTS (1 << WL_BLOCK_SHIFT)
/* A block is sealed when its encoding passes this many bytes (even before
 * WL_BLOCK_EVENTS events): decoding one stays cheap for a look-up by id. */
#define WL_BLOCK_BYTES (1u << 20)
/* A text in a block (prefix, fault code, parameter) is at most this long:
 * the writer cuts lines at WL_RAW_MAX already; rows written through SQL are
 * refused above it. */
#define WL_BLOCK_TEXT_MAX (64u * 1024u)
/* A block that says it decodes to more is damaged. */
#define WL_BLOCK_DECODED_MAX (WL_BLOCK_BYTES + 4 * WL_BLOCK_TEXT_MAX + 64)

/* A text: n < 0 for NULL. Borrowed (from the caller, or the decoder). */
typedef struct wl_btext {
	const char *p;
	int32_t n;
} wl_btext;

/* One events row. Ids (host .. msg): 0 for NULL. */
typedef struct wl_bevent {
	int64_t id, source, line, ts, hresult;
	int64_t host, server, client, comp, fault, msg;
	bool has_ts, has_hr;
	int64_t role, kind;
	wl_btext fault_code, parameter, prefix; /* prefix is never NULL */
} wl_bevent;

/* Whether an event is also a row of event_notes. */
static inline bool wl_bevent_notable(const wl_bevent *e)
{
	return e->fault != 0 || e->fault_code.n >= 0 || e->parameter.n >= 0;
}

/* A block being written. Zero-initialise; wl_block_enc_free when done. */
typedef struct wl_block_enc {
	unsigned char *buf; /* the numbers after the count (count is written at seal) */
	size_t n, cap;
	char *tbuf; /* the texts */
	size_t tn, tcap;
	unsigned count;
	int64_t source, first, last; /* of the events added */
	bool unsorted;               /* an id came after a larger one */
	wl_bevent prev;
	void *z; /* compressed output, reused */
	size_t zcap;
	void *cctx; /* ZSTD_CCtx, reused: a fresh one per block costs its set-up */
} wl_block_enc;

/* Add e (its texts copied). WL_E_NOMEM, or WL_E_TOO_BIG for a text over
 * WL_BLOCK_TEXT_MAX. */
wl_status wl_block_add(wl_block_enc *b, const wl_bevent *e);
/* Whether the block should be sealed before another event is added. */
static inline bool wl_block_full(const wl_block_enc *b)
{
	return b->count >= WL_BLOCK_EVENTS || b->n + b->tn >= WL_BLOCK_BYTES;
}
/* Compress the events added into *out (valid until the next call on b),
 * then empty b for the next block. WL_E_NOMEM. */
wl_status wl_block_seal(wl_block_enc *b, const void **out, size_t *outn);
void wl_block_enc_free(wl_block_enc *b);

/* A block read back. Zero-initialise; wl_block_dec_free when done. */
typedef struct wl_block_dec {
	unsigned char *raw; /* the numbers, decompressed (and texts, in a one-frame block) */
	size_t raw_cap;
	char *traw; /* the texts, decompressed; rows' texts point here */
	size_t traw_cap;
	bool texts; /* rows hold their texts (else every text is NULL) */
	wl_bevent *rows;
	size_t n, rows_cap;
	int64_t upto; /* rows holds every event of the block with an id up to this */
	void *dctx;   /* ZSTD_DCtx, reused (its set-up cost a third of a look-up) */
} wl_block_dec;

/* Decode data[0..size) into d->rows[0..d->n): every event, or (a block
 * whose ids ascend) those up to id upto (INT64_MAX: all); with their texts
 * if texts (a one-frame block has them anyway: d->texts says). A damaged
 * block is WL_E_DB with err naming the byte offset in its encoding. */
wl_status wl_block_decode(wl_block_dec *d, const void *data, size_t size, int64_t upto, bool texts,
                          char *err, size_t errlen);
void wl_block_dec_free(wl_block_dec *d);

/* Register the module "wl_events" on db (both programs, and any program
 * that reads an index: common/events_vtab.c). SQLITE_OK or an error code. */
int wl_events_vtab_register(sqlite3 *db);
/* The same as an extension entry point: for wsuslog.so, and for
 * sqlite3_auto_extension in programs (tests) that open many connections. */
int wl_events_vtab_entry(sqlite3 *db, char **err, const void *api);

#endif
