/* ClickHouse store, HTTP: one libcurl handle per connection, a query in the
 * URL and its data in the POST body, gzip-compressed (Content-Encoding:
 * gzip, which the HTTP interface decompresses since before 18.16; its own
 * LZ4 framing would need CityHash checksums). The server reports an error
 * as a non-200 status with its message as the body: that message, with the
 * URL, is what the user sees. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "store_clickhouse.h"

wl_status wl_ch_buf_put(wl_ch_buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		unsigned char *v = realloc(b->p, cap);
		if (!v)
			return WL_E_NOMEM;
		b->p = v;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	return WL_OK;
}

void wl_ch_buf_free(wl_ch_buf *b)
{
	free(b->p);
	*b = (wl_ch_buf){0};
}

wl_status wl_ch_put_u8(wl_ch_buf *b, uint8_t v)
{
	return wl_ch_buf_put(b, &v, 1);
}

wl_status wl_ch_put_u32(wl_ch_buf *b, uint32_t v)
{
	unsigned char d[4];
	for (int i = 0; i < 4; i++)
		d[i] = (unsigned char)(v >> (8 * i));
	return wl_ch_buf_put(b, d, sizeof d);
}

wl_status wl_ch_put_u64(wl_ch_buf *b, uint64_t v)
{
	unsigned char d[8];
	for (int i = 0; i < 8; i++)
		d[i] = (unsigned char)(v >> (8 * i));
	return wl_ch_buf_put(b, d, sizeof d);
}

wl_status wl_ch_put_str(wl_ch_buf *b, const char *p, size_t n)
{
	unsigned char len[10];
	size_t k = 0;
	uint64_t v = n;
	do {
		len[k++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	wl_status st = wl_ch_buf_put(b, len, k);
	return st == WL_OK ? wl_ch_buf_put(b, p, n) : st;
}

wl_status wl_ch_put_nstr(wl_ch_buf *b, const char *p, size_t n)
{
	if (n == 0)
		return wl_ch_put_u8(b, 1);
	wl_status st = wl_ch_put_u8(b, 0);
	return st == WL_OK ? wl_ch_put_str(b, p, n) : st;
}

wl_status wl_ch_put_ni64(wl_ch_buf *b, bool has, int64_t v)
{
	if (!has)
		return wl_ch_put_u8(b, 1);
	wl_status st = wl_ch_put_u8(b, 0);
	return st == WL_OK ? wl_ch_put_u64(b, (uint64_t)v) : st;
}

wl_status wl_ch_put_nu32(wl_ch_buf *b, bool has, uint32_t v)
{
	if (!has)
		return wl_ch_put_u8(b, 1);
	wl_status st = wl_ch_put_u8(b, 0);
	return st == WL_OK ? wl_ch_put_u32(b, v) : st;
}

wl_status wl_ch_global_init(char *err, size_t errlen)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return WL_E_NOMEM;
	}
	return WL_OK;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	return wl_ch_buf_put(ctx, p, size * n) == WL_OK ? size * n : 0;
}

wl_status wl_ch_http_open(wl_ch_http *h, const char *url, char *err, size_t errlen)
{
	*h = (wl_ch_http){.url = url};
	if (!(h->curl = curl_easy_init())) {
		snprintf(err, errlen, "cannot create an HTTP handle for ClickHouse at %s", url);
		return WL_E_NOMEM;
	}
	CURL *c = h->curl;
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &h->resp);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	/* A server that stops answering (not a slow query: merges go on in the
	 * background) ends the run instead of hanging it. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 300L);
	return WL_OK;
}

void wl_ch_http_close(wl_ch_http *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl);
	wl_ch_buf_free(&h->resp);
	wl_ch_buf_free(&h->gz);
	wl_ch_buf_free(&h->target);
	*h = (wl_ch_http){0};
}

/* gzip of p[0..n) into out (level 1: the rows are text-heavy and compress
 * 5-10x at a few hundred MB/s; a higher level costs the worker's CPU). */
static wl_status gzip_body(wl_ch_buf *out, const void *p, size_t n)
{
	z_stream z = {0};
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return WL_E_NOMEM;
	size_t bound = deflateBound(&z, (uLong)n);
	if (out->cap < bound) {
		unsigned char *v = realloc(out->p, bound);
		if (!v) {
			deflateEnd(&z);
			return WL_E_NOMEM;
		}
		out->p = v;
		out->cap = bound;
	}
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out->p;
	z.avail_out = (uInt)out->cap;
	int rc = deflate(&z, Z_FINISH);
	out->n = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? WL_OK : WL_E_NOMEM;
}

wl_status wl_ch_http_run(wl_ch_http *h, const char *query, const void *body, size_t n, char *err,
                         size_t errlen)
{
	CURL *c = h->curl;
	wl_status st;
	char *q = curl_easy_escape(c, query, 0);
	if (!q)
		return WL_E_NOMEM;
	h->target.n = 0;
	if ((st = wl_ch_buf_put(&h->target, h->url, strlen(h->url))) != WL_OK ||
	    (st = wl_ch_buf_put(&h->target, "/?query=", 8)) != WL_OK ||
	    (st = wl_ch_buf_put(&h->target, q, strlen(q) + 1)) != WL_OK) {
		curl_free(q);
		return st;
	}
	curl_free(q);
	struct curl_slist *hdr = NULL;
	if (body) {
		if ((st = gzip_body(&h->gz, body, n)) != WL_OK)
			return st;
		hdr = curl_slist_append(hdr, "Content-Encoding: gzip");
		if (!hdr)
			return WL_E_NOMEM;
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)h->gz.p);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->gz.n);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_URL, (const char *)h->target.p);
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	h->resp.n = 0;
	CURLcode rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdr);
	if (wl_ch_buf_put(&h->resp, "", 1) != WL_OK)
		return WL_E_NOMEM;
	h->resp.n--;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "ClickHouse at %s: %s", h->url,
		         cerr[0] ? cerr : curl_easy_strerror(rc));
		return WL_E_DB;
	}
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		/* The server's message, first line: "Code: 60, e.displayText() = …" */
		char *msg = (char *)h->resp.p;
		msg[strcspn(msg, "\n")] = 0;
		snprintf(err, errlen, "ClickHouse at %s: HTTP %ld: %.300s", h->url, code, msg);
		return WL_E_DB;
	}
	return WL_OK;
}
