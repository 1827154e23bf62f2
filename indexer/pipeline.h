/* The ingest pipeline: N workers (source -> decompress -> decode -> extract)
 * feed one writer thread through a bounded queue of messages; the writer
 * hands them to the store (store.h). A store that takes one caller per lane
 * (ClickHouse) gets each worker's messages on the worker's own thread
 * instead, and there is no writer. Internal to wsuslog-index. */
#ifndef WL_PIPELINE_H
#define WL_PIPELINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cputime.h"
#include "queue.h"
#include "source.h"
#include "wsuslog/event.h"
#include "wsuslog/status.h"

typedef struct wl_ingest_cfg {
	const char *db_path;
	const char *clickhouse_url; /* set: write into ClickHouse, not db_path */
	unsigned threads;
	bool has_tz;
	int tz_minutes;
	uint64_t max_member_bytes;
	bool progress;         /* draw progress on stderr */
	bool quiet;            /* no summary */
	uint64_t max_db_pages; /* PRAGMA max_page_count, 0 = none (disk-full tests) */
	bool audit;            /* --audit: no index; print what looks like an error
	                          but made no event (audit.h), as audit_format */
	int audit_format;      /* a wl_outfmt */
} wl_ingest_cfg;

typedef struct wl_stats {
	atomic_uint_fast64_t inputs, members, streams, logs, bytes_in, bytes_decoded, lines, events,
	    problems, not_logs, duplicates, unchanged, replaced;
	double seconds;       /* whole run */
	double close_seconds; /* final commit and index build */
	wl_cputime cpu;       /* CPU time by thread role (--stats) */
} wl_stats;

/* Run the whole ingest of the given inputs. Returns WL_OK (even if some
 * inputs had problems: see stats->problems), or a fatal status (database,
 * memory) with a message in err. */
wl_status wl_ingest_run(const wl_ingest_cfg *cfg, char *const *inputs, size_t n_inputs,
                        wl_stats *stats, char *err, size_t errlen);

/* --from-db FILE: copy the SQLite index at from into the store cfg names
 * (ClickHouse), without reading any log (copy_index.c). */
wl_status wl_copy_index_run(const wl_ingest_cfg *cfg, const char *from, wl_stats *stats, char *err,
                            size_t errlen);

#endif
