/* Fuzz target for stage 4 (indexer/tokenize.c, indexer/extract.c): the input
 * is a log; its lines run through wl_extract once per format (classic, ETW,
 * server, ...), with and without a host hint. Each line lives in its own
 * exact-size heap block that is freed as soon as wl_extract_line returns, so
 * ASan flags any span that reads past a line or keeps pointing into an
 * earlier one. Every format wl_format_name() knows is tried. Invariants per event: spans lie inside
 * the current line or in extractor-owned storage; a *FAILED* event's HRESULT is the 8 hex digits
 * written in its line; GUIDs are canonical. Byte 0 sets --tz. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "chars.h"
#include "errline.h"
#include "extract.h"
#include "fuzz_util.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

#define HOST_CAP 256 /* extract.c keeps host names in 256-byte buffers */

typedef struct ctx {
	wl_format fmt;
	const char *line; /* the line being extracted (heap block of line_n) */
	size_t line_n;
	uint64_t lineno;
	uint64_t events, bad;
	unsigned sink;
} ctx;

static bool hex8_at(const char *p, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < 8; i++) {
		int h = wl_hex_value(p[i]);
		if (h < 0)
			return false;
		x = x << 4 | (uint32_t)h;
	}
	*v = x;
	return true;
}

/* Some "*FAILED* [HHHHHHHH]" in raw carries hr. */
static bool failed_in_raw(wl_span raw, uint32_t hr)
{
	static const char key[] = "*FAILED* [";
	const size_t kn = sizeof key - 1;
	for (size_t i = 0; i + kn + 9 <= raw.n; i++) {
		uint32_t v;
		if (memcmp(raw.p + i, key, kn) == 0 && raw.p[i + kn + 8] == ']' &&
		    hex8_at(raw.p + i + kn, &v) && v == hr)
			return true;
	}
	return false;
}

/* The 8 hex digits of hr appear in raw (either case). */
static bool hex_in_raw(wl_span raw, uint32_t hr)
{
	for (size_t i = 0; i + 8 <= raw.n; i++) {
		uint32_t v;
		if (hex8_at(raw.p + i, &v) && v == hr)
			return true;
	}
	return false;
}

static void check_guid(const wl_guid *g)
{
	for (int i = 0; i < 36; i++) {
		char c = g->s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23)
			FUZZ_CHECK(c == '-', "GUID dash misplaced");
		else
			FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'),
			           "GUID not lower-case hex");
	}
}

/* A span is inside the current line, or wholly outside it in storage the
 * extractor owns (bounded by its largest buffer, WL_RAW_MAX). */
static void check_span(ctx *c, wl_span s, size_t cap, const char *what)
{
	FUZZ_CHECK(s.n == 0 || s.p != NULL, what);
	c->sink += fuzz_touch(s.p, s.n);
	if (s.n == 0)
		return;
	uintptr_t a = (uintptr_t)s.p, b = a + s.n;
	uintptr_t la = (uintptr_t)c->line, lb = la + c->line_n;
	if (c->line && a >= la && b <= lb)
		return;
	FUZZ_CHECK(!c->line || b <= la || a >= lb, what);
	FUZZ_CHECK(s.n <= cap, what);
}

static void on_event(void *arg, const wl_event *ev)
{
	ctx *c = arg;
	c->events++;
	FUZZ_CHECK(ev->kind >= WL_EV_FAILED, "event kind out of range");
	bool client_fmt = c->fmt == WL_FMT_WU_CLASSIC || c->fmt == WL_FMT_WU_ETW;
	FUZZ_CHECK(ev->role == (client_fmt ? WL_ROLE_CLIENT : WL_ROLE_SERVER),
	           "event role does not match the format");
	FUZZ_CHECK(ev->line >= 1 && ev->line <= (c->lineno ? c->lineno : 1),
	           "event line out of range");
	check_span(c, ev->host, HOST_CAP - 1, "host span outside line and extractor");
	check_span(c, ev->server, HOST_CAP - 1, "server span outside line and extractor");
	check_span(c, ev->component, WL_RAW_MAX, "component span outside line and extractor");
	check_span(c, ev->fault_code, WL_RAW_MAX, "fault_code span outside line and extractor");
	check_span(c, ev->parameter, WL_RAW_MAX, "parameter span outside line and extractor");
	check_span(c, ev->raw, WL_RAW_MAX, "raw span outside line and extractor");
	FUZZ_CHECK(ev->msg_off == 0 || ev->msg_off < ev->raw.n, "message split outside the line");
	FUZZ_CHECK(ev->n_other <= WL_EVENT_GUIDS_MAX, "too many GUIDs");
	if (ev->has_client_id)
		check_guid(&ev->client_id);
	if (ev->has_fault_guid)
		check_guid(&ev->fault_guid);
	for (unsigned i = 0; i < ev->n_other; i++)
		check_guid(&ev->other[i]);
	switch (ev->kind) {
	case WL_EV_FAILED:
		FUZZ_CHECK(ev->has_hresult, "FAILED event without an HRESULT");
		FUZZ_CHECK(failed_in_raw(ev->raw, ev->hresult),
		           "FAILED event's HRESULT is not the [HHHHHHHH] of its line");
		break;
	case WL_EV_WARNING:
	case WL_EV_FATAL:
		FUZZ_CHECK(ev->has_hresult, "WARNING/FATAL event without an HRESULT");
		FUZZ_CHECK(ev->hresult & 0x80000000u, "WARNING/FATAL HRESULT is not a failure");
		FUZZ_CHECK(hex_in_raw(ev->raw, ev->hresult),
		           "WARNING/FATAL HRESULT is not written in its line");
		break;
	case WL_EV_SOAP_FAULT:
		FUZZ_CHECK(ev->has_hresult && ev->hresult == 0x80244007u,
		           "SOAP fault without 0x80244007");
		break;
	case WL_EV_SCAN:
		FUZZ_CHECK(ev->round_trips >= -1 && ev->evaluated >= -1 && ev->deployed >= -1,
		           "scan statistic below -1");
		break;
	default:
		break;
	}
	bool client_kind = ev->kind == WL_EV_FAILED || ev->kind == WL_EV_WARNING ||
	                   ev->kind == WL_EV_FATAL || ev->kind == WL_EV_SOAP_FAULT ||
	                   ev->kind == WL_EV_SCAN;
	FUZZ_CHECK(client_kind == (ev->role == WL_ROLE_CLIENT), "event kind does not match role");
}

static void on_bad(void *arg, uint64_t lineno, const char *why)
{
	ctx *c = arg;
	FUZZ_CHECK(why != NULL && lineno == c->lineno, "bad line reported for another line");
	c->bad++;
}

static void in_line(const char *line, size_t n, const wl_span *s, const char *what)
{
	if (s->n == 0)
		return;
	FUZZ_CHECK(s->p >= line && s->p + s->n <= line + n, what);
}

/* The tokenizer alone: fields of a line that parses lie inside the line. */
static void tokenize(const char *p, size_t n)
{
	wl_fields f;
	typedef bool (*tok_fn)(const char *, size_t, wl_fields *);
	static const tok_fn toks[] = {wl_tok_classic, wl_tok_etw, wl_tok_sdist};
	for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
		memset(&f, 0, sizeof f);
		if (!toks[i](p, n, &f))
			continue;
		in_line(p, n, &f.component, "component field outside the line");
		in_line(p, n, &f.level, "level field outside the line");
		in_line(p, n, &f.process, "process field outside the line");
		in_line(p, n, &f.message, "message field outside the line");
	}
	wl_format fmt = wl_tok_sniff_line(p, n);
	FUZZ_CHECK(fmt == WL_FMT_UNKNOWN || strcmp(wl_format_name(fmt), "unknown") != 0,
	           "sniffed format out of range");
	(void)wl_tok_sdist_is_header(p, n);
	char host[8];
	size_t hn = wl_url_host(p, n, host, sizeof host); /* small cap: truncation path */
	FUZZ_CHECK(hn < sizeof host && (hn == 0 || host[hn] == 0),
	           "wl_url_host overran its buffer");
	uint32_t hr;
	if (wl_find_hresult(p, n, &hr))
		FUZZ_CHECK((hr & 0x80000000u) && hex_in_raw((wl_span){p, n}, hr),
		           "wl_find_hresult returned digits not in the text");
	int tz;
	if (wl_banner_tz(p, n, &tz))
		FUZZ_CHECK(tz >= -14 * 60 - 59 && tz <= 14 * 60 + 59, "banner tz out of range");
}

/* Lines of data, split as decode.c does in LF mode (one trailing CR
 * stripped); each is copied into its own exact-size block. */
static void run_format(ctx *c, wl_extract *x, wl_format fmt, const char *hint, const uint8_t *data,
                       size_t size, bool tok)
{
	c->fmt = fmt;
	c->lineno = 0;
	c->events = c->bad = 0;
	wl_extract_begin(x, fmt, hint, strlen(hint));
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (i == size && i == start)
			break;
		size_t n = i - start;
		if (n > 0 && data[start + n - 1] == '\r')
			n--;
		char *line = malloc(n ? n : 1);
		FUZZ_CHECK(line != NULL, "out of memory in the harness");
		memcpy(line, data + start, n);
		c->line = line;
		c->line_n = n;
		c->lineno++;
		if (tok)
			tokenize(line, n);
		wl_extract_line(x, line, n, c->lineno);
		c->line = NULL;
		c->line_n = 0;
		free(line);
		start = i + 1;
	}
	wl_extract_end(x); /* may flush a pending server entry: no line is current */
	FUZZ_CHECK(wl_extract_bad_lines(x) == c->bad, "bad-line count disagrees with callbacks");
	FUZZ_CHECK(c->bad <= c->lineno, "more bad lines than lines");
	int64_t a = wl_extract_first_ts(x), b = wl_extract_last_ts(x);
	FUZZ_CHECK((a == WL_TS_NONE) == (b == WL_TS_NONE) && a <= b, "first_ts after last_ts");
	const char *h = wl_extract_host(x);
	FUZZ_CHECK(h != NULL && strlen(h) < HOST_CAP, "host not a short C string");
}

static volatile unsigned sink; /* keeps the touches from being optimised away */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	wl_extract_cfg cfg = {.has_tz = ctl & 1, .tz_minutes = ((int)(ctl >> 1) - 64) * 15};
	ctx c = {0};
	wl_extract *x = wl_extract_new(&cfg, on_event, on_bad, &c);
	FUZZ_CHECK(x != NULL, "wl_extract_new failed");
	/* Every format the model names (new ones are picked up by themselves). */
	for (int f = WL_FMT_WU_CLASSIC; strcmp(wl_format_name((wl_format)f), "unknown") != 0; f++) {
		run_format(&c, x, (wl_format)f, "pc005", data + 1, size - 1,
		           f == WL_FMT_WU_CLASSIC);
		run_format(&c, x, (wl_format)f, "", data + 1, size - 1, false);
	}
	wl_extract_free(x);
	sink = c.sink;
	return 0;
}
