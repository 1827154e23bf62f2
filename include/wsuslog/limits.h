/* Every cap wsuslog enforces, with the reason for the number. Hitting one is
 * a reported problem (WL_E_TOO_BIG / WL_E_LINE_TOO_LONG), never unbounded
 * growth. */
#ifndef WSUSLOG_LIMITS_H
#define WSUSLOG_LIMITS_H

/* Longest line kept whole. Real WindowsUpdate.log lines reach ~1 KiB
 * (REPORT EVENT, long criteria); 64 KiB leaves a wide margin while bounding
 * the carry-over buffer of the line splitter. Longer lines are cut and
 * recorded. */
#define WL_LINE_MAX (64u * 1024u)

/* Bytes of a line stored in events.raw. Analysts need the line, not a
 * megabyte of it; the source path and line number locate the rest. */
#define WL_RAW_MAX 4096u

/* Decompressed bytes per input file or archive member (default; the
 * --max-member-bytes option overrides). A decompression bomb (1 GiB of zeros
 * is 33 KB of zstd) must not run forever; 64 GiB is far above any real
 * WindowsUpdate.log or SoftwareDistribution.log (which rolls at 20 MB). */
#define WL_MEMBER_BYTES_MAX (64ull * 1024 * 1024 * 1024)

/* zstd window: 2^31 so `zstd --long=31` archives open (PERFORMANCE.md);
 * the decoder allocates the window, so this also caps its memory. */
#define WL_ZSTD_WINDOW_LOG_MAX 31

/* Bytes of zstd decoding rings (each input's window, decompress.c) the
 * inputs being read may need together: a worker whose next .zst needs more
 * than is left waits for others to finish (one input always goes ahead).
 * Sixteen inputs with 8 MiB windows (zstd -19) took 130 MiB of rings at
 * -j16 and broke the 256 MiB bound; with the 2 MiB windows of zstd's
 * default levels, 16 rings fit and no worker waits. */
#define WL_ZSTD_RING_BUDGET (64ull * 1024 * 1024)

/* Read block for raw files and decompressor output. PERFORMANCE.md measured
 * 128-256 KiB per ZSTD_decompressStream call as fastest; 1-4 MiB was slower. */
#define WL_BLOCK_SIZE (256u * 1024u)

/* Bytes hashed into sources.head_key. Two copies of one log (a truncated
 * re-collection, a log that grew) share their start; two different logs
 * never share 64 KiB of timestamped lines. */
#define WL_HEAD_BYTES (64u * 1024u)

/* Archives inside archives: a zip of tar.zst is common, deeper is abuse. */
#define WL_ARCHIVE_DEPTH_MAX 4

/* Directory recursion depth: protects against symlink loops the inode check
 * could miss (bind mounts). */
#define WL_DIR_DEPTH_MAX 64

/* Events per message from a parser worker to the writer: large enough to
 * amortise the queue lock (a message per ~1000 events), small enough that
 * a message's payload (0.53 MiB of event slots and a 512 KiB arena)
 * stays small: payloads are pooled apart from the WL_QUEUE_DEPTH + 3 x
 * workers + 2 messages that may exist, and number about two per worker
 * when workers encode (indexer/queue.c). */
#define WL_BATCH_EVENTS 1024u

/* Batches in flight between workers and the writer (back-pressure bound). */
#define WL_QUEUE_DEPTH 32u

/* Rows per SQLite transaction in the writer (or two seconds, whichever
 * comes first). Crash safety does not depend on it (sources.complete does);
 * larger transactions mean fewer WAL commits. */
#define WL_TXN_ROWS 200000u

/* Entries in each of the SQLite store's name maps (hosts, components,
 * GUIDs, shared by the lanes: indexer/store_sqlite_ids.c). They save a
 * database look-up per string; distinct GUIDs grow with the input (140 k
 * GUIDs in 10 GB of generated logs), so after a commit the writer empties a
 * map that holds this many entries (keeping the names given since, not yet
 * in the index): from then on a host, component or GUID missing from its
 * map is looked up in the database (its UNIQUE index). Each map then holds
 * about 2^19 slots of 24 bytes, plus what one transaction adds, whatever the
 * input. */
#define WL_MAP_ENTRIES_MAX (1u << 18)

/* wsuslog-index --audit keeps one entry per (input, line shape). A log
 * whose shapes the masking cannot fold (text that varies in more than
 * digits, GUIDs and hex) would otherwise grow it without bound: past this
 * many entries per worker, new shapes are only counted ("other shapes" in
 * the summary). 2^16 entries of about 1 KiB (shape, example) is 64 MiB at
 * most per worker, and far more shapes than a person reads. */
#define WL_AUDIT_SHAPES_MAX (1u << 16)

/* A shape is the masked message, cut here: longer shapes differ in text
 * past the point a reader would look. */
#define WL_AUDIT_SHAPE_MAX 256u

/* The example line of a shape, cut here (whole lines are in the log). */
#define WL_AUDIT_EXAMPLE_MAX 512u

/* Summaries (docs/SCHEMA.md): a source's UTC day gets hourly summary rows
 * only when it holds at least this many events and scans. A window's bound
 * in a sparser day reads that day's rows raw instead: at most this many
 * per source and cut day, while the hourly rows of a sparse day would be
 * about as many as its events (the light profile: 1.1 hourly rows per event
 * and scan, +49 % ingest CPU; the failing fleet: 0.14, all days dense).
 * WSUSLOG_SUM_DENSE=N in the environment sets it, for tests. */
#define WL_SUM_DENSE_DAY 256

/* Summary keys the open sources may hold in memory (store_sqlite_summary.c):
 * each lane's open source up to WL_SUM_KEYS_LANE keys of its own, and past
 * them chunks of WL_SUM_KEYS_CHUNK from a pool of WL_SUM_KEYS_POOL that
 * all lanes share; a source that finds the pool spent is grouped by SQL at
 * its completion instead (slower for that source, the same rows). So one
 * large source may hold about as many keys at any -j (68 Ki), and 16 lanes
 * together 128 Ki. A key takes 150-500 bytes with its map's slack. Before
 * (64 Ki keys a lane at any -j), 16 lanes of large multi-client logs held
 * 165 MiB of maps, and a -j16 run peaked at 410 MiB RSS. */
#define WL_SUM_KEYS_LANE (1u << 12)
#define WL_SUM_KEYS_POOL (1u << 16)
#define WL_SUM_KEYS_CHUNK (1u << 10)

/* Worker threads: -j above this is clamped. */
#define WL_THREADS_MAX 64

/* Decompressed bytes held by the decoder threads at once: bounds memory
 * whatever the thread count (2 frames of 32 MiB each, as `zstd -B32M` or
 * wsuslog-gen --frame-mib 32 write them, plus their input). */
#define WL_FRAMES_MEM_MAX (160ull * 1024 * 1024)

/* Blocks in flight between the producer and the worker (2 MiB): with 4 the
 * producer waited 0.3-0.4 s per GB for a free slot while the worker was
 * descheduled; with 8-16 under 0.05 s. */
#define WL_READAHEAD_BLOCKS 8

/* A file's format is decided by its first line of a known format within
 * this many lines: a log has its header on line 1, a web.config its
 * <configuration> within a few lines of comments; 64 lines of anything else
 * is not a log. */
#define WL_SNIFF_LINES 64

/* A host name (client or WSUS server), lower-cased from a URL, a DNS name
 * or a path: a DNS name has at most 253 bytes; a longer one is cut. */
#define WL_HOST_MAX 256

/* A SOAP fault field kept by the extractor (ErrorCode, Message with its
 * "parameters." prefix, a component): the MS-WUSP names are under 48 bytes;
 * longer text is cut, and the event's raw line keeps it whole. */
#define WL_FIELD_MAX 128

/* Processes of one classic log whose "Logging initialized (tz: …)" banner is
 * remembered: a log file holds a few agent processes at a time (services
 * restart); past 64 the oldest slot is reused, and a line of a forgotten
 * process takes the last banner's zone. */
#define WL_PID_SLOTS 64

/* Threads of one client log with state in flight (the Windows 7 SOAP block,
 * a scan's statistics, the server it named): a scan runs on one thread and
 * a handful run at once; one bit per slot in a 64-bit mask, so at most 64. */
#define WL_TID_SLOTS 64

/* Bytes of a borrowing reader's head copied for sniffing (>= 512). */
#define WL_HEAD_SNIFF 4096u

/* Bad-line problems recorded per input before they are only counted. */
#define WL_BAD_LINES_REPORTED 20

/* Bytes of string storage per queue message: a batch's events copy their
 * spans here (raw lines up to WL_RAW_MAX each, WL_BATCH_EVENTS of them
 * fit with their fields). Part of the memory bound of ARCHITECTURE.md: at
 * most WL_QUEUE_DEPTH + 3 N + 2 messages exist. */
#define WL_MSG_ARENA (512u * 1024u)

/* Named buffer sizes. A fatal error's message (a database error with the
 * statement, a path): 512 bytes, cut beyond. */
#define WL_ERR_BUF 512

/* A reader's or decoder's message about one input (it names an offset or
 * a member; the path is added by the problem line): 200 bytes, cut beyond. */
#define WL_MSG_BUF 200

/* An XXH3-128 content key as 32 hex digits and a NUL. */
#define WL_KEY_BUF 33

#endif
