/* The ClickHouse store's state, shared by its files and no one else:
 *   store_clickhouse.c          the ops, the schema, lanes and their batches
 *   store_clickhouse_http.c     one HTTP connection: libcurl, gzip bodies,
 *                               the server's errors as messages
 * Each lane (worker) owns its connection and its batches and calls the store
 * itself (ops->lane_callers); only problems and the known set are shared.
 * docs/CLICKHOUSE.md is the schema and why it is this shape.
 * Internal to the ClickHouse store. */
#ifndef WL_STORE_CLICKHOUSE_H
#define WL_STORE_CLICKHOUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wsuslog/status.h"

/* A growable byte buffer: RowBinary rows, a response, a query text. */
typedef struct wl_ch_buf {
	unsigned char *p;
	size_t n, cap;
} wl_ch_buf;

wl_status wl_ch_buf_put(wl_ch_buf *b, const void *p, size_t n);
void wl_ch_buf_free(wl_ch_buf *b);

/* One HTTP connection to the server (libcurl keeps it alive between
 * requests). Not shared between threads. */
typedef struct wl_ch_http {
	void *curl;       /* CURL * */
	const char *url;  /* http://host:port, borrowed */
	wl_ch_buf resp;   /* the last answer */
	wl_ch_buf gz;     /* the last body, compressed */
	wl_ch_buf target; /* the last request's URL */
} wl_ch_http;

/* Call once, before any thread uses HTTP (curl_global_init). */
wl_status wl_ch_global_init(char *err, size_t errlen);

wl_status wl_ch_http_open(wl_ch_http *h, const char *url, char *err, size_t errlen);
void wl_ch_http_close(wl_ch_http *h);

/* Run query (SQL) with body as its data (gzip-compressed on the way; NULL:
 * none); the answer is in h->resp, NUL-terminated. Errors name the URL: the
 * server unreachable, gone mid-request, or its own message. WL_E_DB. */
wl_status wl_ch_http_run(wl_ch_http *h, const char *query, const void *body, size_t n, char *err,
                         size_t errlen);

/* ---- RowBinary: little-endian integers, strings with a LEB128 length,
 * Nullable as a 0/1 byte then the value ---- */
wl_status wl_ch_put_u8(wl_ch_buf *b, uint8_t v);
wl_status wl_ch_put_u32(wl_ch_buf *b, uint32_t v);
wl_status wl_ch_put_u64(wl_ch_buf *b, uint64_t v);
wl_status wl_ch_put_str(wl_ch_buf *b, const char *p, size_t n);
/* Nullable(String): NULL when n == 0 (SQLite's NULL for an empty name). */
wl_status wl_ch_put_nstr(wl_ch_buf *b, const char *p, size_t n);
/* Nullable(Int64) / Nullable(UInt32): NULL unless has. */
wl_status wl_ch_put_ni64(wl_ch_buf *b, bool has, int64_t v);
wl_status wl_ch_put_nu32(wl_ch_buf *b, bool has, uint32_t v);

#endif
