/* Golden tests on the real WindowsUpdate.log files of ../shared/real-logs:
 * each file goes through wl_decoder + wl_tok_sniff_line + wl_extract exactly as
 * a worker runs it (indexer/worker.c on_line / text_stream), and the result
 * is checked against facts computed here from the raw bytes, independently
 * of the extractor. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "decode.h"
#include "errline.h"
#include "extract.h"
#include "hostname.h"
#include "tokenize.h"
#include "wsuslog/limits.h"
#include "../common/real_logs.h"

#define REAL_DIR WL_SHARED_DIR "/real-logs"
#define MIN_FILES 7

/* ---- small growable list of (line, code) pairs ---- */

typedef struct pair {
	uint64_t line;
	uint32_t code;
} pair;

typedef struct pairs {
	pair *v;
	size_t n, cap;
} pairs;

static void pairs_add(pairs *ps, uint64_t line, uint32_t code)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		pair *v = realloc(ps->v, cap * sizeof *v);
		assert_non_null(v);
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n].line = line;
	ps->v[ps->n].code = code;
	ps->n++;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

static void assert_same_pairs(const char *file, const char *what, pairs *got, pairs *want)
{
	if (got->n > 1)
		qsort(got->v, got->n, sizeof *got->v, cmp_pair);
	if (want->n > 1)
		qsort(want->v, want->n, sizeof *want->v, cmp_pair);
	size_t n = got->n < want->n ? got->n : want->n;
	for (size_t i = 0; i < n; i++) {
		if (got->v[i].line != want->v[i].line || got->v[i].code != want->v[i].code)
			fail_msg("%s: %s #%zu: extractor line %llu code %08X, raw scan line %llu "
			         "code %08X",
			         file, what, i, (unsigned long long)got->v[i].line, got->v[i].code,
			         (unsigned long long)want->v[i].line, want->v[i].code);
	}
	if (got->n != want->n)
		fail_msg("%s: %s: extractor found %zu, raw scan %zu", file, what, got->n, want->n);
}

/* ---- one file through the worker's path ---- */

typedef struct soap_rec {
	uint64_t line;
	char code[64];
	char param[64];
	bool has_guid;
	char guid[37];
} soap_rec;

#define SOAP_MAX 16

typedef struct golden {
	wl_decoder *t;
	wl_extract *x;
	char host[256];
	size_t host_n;

	/* as worker.c on_line */
	bool began;
	uint64_t sniffed;
	wl_format fmt;
	uint64_t began_at;

	/* checked here, independently of the extractor */
	uint64_t lines;
	bool numbering_ok;
	uint64_t tok_fail, first_tok_fail;
	int64_t min_ts, max_ts;
	char first[64];
	size_t first_n;

	/* what the extractor said */
	uint64_t bad_cb;
	pairs failed;
	pairs scans;
	soap_rec soap[SOAP_MAX];
	size_t nsoap;
	uint64_t events;
	pairs every; /* (line, kind) of every event, for the error-line oracle */
	uint64_t last_event_line;
	bool events_in_order;
} golden;

static void on_event(void *ctx, const wl_event *ev)
{
	golden *g = ctx;
	g->events++;
	if (ev->line < g->last_event_line)
		g->events_in_order = false;
	g->last_event_line = ev->line;
	pairs_add(&g->every, ev->line, (uint32_t)ev->kind);
	assert_int_equal(ev->role, WL_ROLE_CLIENT);
	switch (ev->kind) {
	case WL_EV_FAILED:
		assert_true(ev->has_hresult);
		pairs_add(&g->failed, ev->line, ev->hresult);
		break;
	case WL_EV_SCAN:
		pairs_add(&g->scans, ev->line, ev->hresult);
		break;
	case WL_EV_SOAP_FAULT: {
		assert_true(g->nsoap < SOAP_MAX);
		soap_rec *s = &g->soap[g->nsoap++];
		s->line = ev->line;
		assert_true(ev->fault_code.n < sizeof s->code && ev->parameter.n < sizeof s->param);
		memcpy(s->code, ev->fault_code.p, ev->fault_code.n);
		s->code[ev->fault_code.n] = 0;
		if (ev->parameter.n)
			memcpy(s->param, ev->parameter.p, ev->parameter.n);
		s->param[ev->parameter.n] = 0;
		s->has_guid = ev->has_fault_guid;
		memcpy(s->guid, ev->fault_guid.s, 36);
		s->guid[36] = 0;
		break;
	}
	default:
		break;
	}
}

static void on_bad(void *ctx, uint64_t lineno, const char *why)
{
	golden *g = ctx;
	(void)lineno;
	(void)why;
	g->bad_cb++;
}

static void on_problem(void *ctx, wl_status st, uint64_t lineno, uint64_t offset, const char *msg)
{
	(void)ctx;
	fail_msg("decoder problem %d at line %llu offset %llu: %s", (int)st,
	         (unsigned long long)lineno, (unsigned long long)offset, msg);
}

/* Tokenize the line ourselves: every non-empty line must parse. */
static void check_line(golden *g, const char *p, size_t n, uint64_t lineno)
{
	if (n == 0 || (n == 1 && p[0] == '\r'))
		return;
	wl_fields f;
	bool ok = g->fmt == WL_FMT_WU_CLASSIC ? wl_tok_classic(p, n, &f) : wl_tok_etw(p, n, &f);
	if (!ok) {
		if (g->tok_fail++ == 0)
			g->first_tok_fail = lineno;
		return;
	}
	if (g->min_ts == WL_TS_NONE || f.ts_us < g->min_ts)
		g->min_ts = f.ts_us;
	if (g->max_ts == WL_TS_NONE || f.ts_us > g->max_ts)
		g->max_ts = f.ts_us;
}

static int on_line(void *ctx, const char *p, size_t n, uint64_t lineno)
{
	golden *g = ctx;
	g->lines++;
	if (lineno != g->lines)
		g->numbering_ok = false;
	if (lineno == 1) {
		g->first_n = n < sizeof g->first ? n : sizeof g->first;
		memcpy(g->first, p, g->first_n);
	}
	/* worker.c on_line: sniff until the first line of a known format. */
	if (!g->began) {
		wl_format f = wl_tok_sniff_line(p, n);
		if (f == WL_FMT_UNKNOWN)
			return ++g->sniffed >= WL_SNIFF_LINES;
		g->fmt = f;
		g->began = true;
		g->began_at = lineno;
		wl_extract_begin(g->x, f, g->host, g->host_n);
	}
	check_line(g, p, n, lineno);
	wl_extract_line(g->x, p, n, lineno);
	return 0;
}

static char *read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			assert_non_null(nb);
			buf = nb;
		}
		size_t k = fread(buf + len, 1, cap - len, fp);
		len += k;
		if (k == 0)
			break;
	}
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
	*n = len;
	return buf;
}

static void golden_run(golden *g, const char *path, const char *data, size_t n)
{
	memset(g, 0, sizeof *g);
	g->numbering_ok = true;
	g->events_in_order = true;
	g->min_ts = g->max_ts = WL_TS_NONE;
	g->host_n = wl_host_hint(path, NULL, g->host, sizeof g->host);
	const wl_extract_cfg cfg = {.has_tz = false, .tz_minutes = 0};
	g->t = wl_decode_new(on_line, on_problem, g);
	g->x = wl_extract_new(&cfg, on_event, on_bad, g);
	assert_non_null(g->t);
	assert_non_null(g->x);
	/* Blocks of WL_BLOCK_SIZE, as the worker reads them. */
	for (size_t off = 0; off < n; off += WL_BLOCK_SIZE) {
		size_t k = n - off < WL_BLOCK_SIZE ? n - off : WL_BLOCK_SIZE;
		assert_int_equal(wl_decode_feed(g->t, data + off, k), WL_OK);
	}
	assert_int_equal(wl_decode_finish(g->t), WL_OK);
	if (g->began)
		wl_extract_end(g->x);
}

static void golden_free(golden *g)
{
	wl_decode_free(g->t);
	wl_extract_free(g->x);
	free(g->failed.v);
	free(g->scans.v);
	free(g->every.v);
}

/* ---- facts from the raw bytes ---- */

/* "*FAILED* [" + 8 hex digits + "]" anywhere in the line. */
static bool raw_failed(const char *p, size_t n, uint32_t *code)
{
	static const char key[] = "*FAILED* [";
	const size_t kn = sizeof key - 1;
	for (size_t i = 0; i + kn + 9 <= n; i++) {
		if (memcmp(p + i, key, kn) != 0)
			continue;
		const char *h = p + i + kn;
		uint32_t v = 0;
		size_t d = 0;
		while (d < 8 && wl_hex_value(h[d]) >= 0) {
			v = v << 4 | (uint32_t)wl_hex_value(h[d]);
			d++;
		}
		if (d == 8 && h[8] == ']') {
			*code = v;
			return true;
		}
	}
	return false;
}

/* The end of a scan: "* END * Finding updates ... Exit code = 0xHHHHHHHH"
 * (ETW) or "**  END  **  Agent: Finding updates" (classic, no code). */
static bool raw_scan_end(const char *p, size_t n, bool *has_code, uint32_t *code)
{
	static const char etw[] = "* END * Finding updates";
	static const char classic[] = "**  END  **  Agent: Finding updates";
	static const char exit_code[] = "Exit code = 0x";
	*has_code = false;
	bool hit = false;
	for (size_t i = 0; i < n && !hit; i++) {
		if ((i + sizeof etw - 1 <= n && memcmp(p + i, etw, sizeof etw - 1) == 0) ||
		    (i + sizeof classic - 1 <= n &&
		     memcmp(p + i, classic, sizeof classic - 1) == 0))
			hit = true;
	}
	if (!hit)
		return false;
	for (size_t i = 0; i + sizeof exit_code - 1 + 8 <= n; i++) {
		if (memcmp(p + i, exit_code, sizeof exit_code - 1) != 0)
			continue;
		const char *h = p + i + sizeof exit_code - 1;
		uint32_t v = 0;
		size_t d = 0;
		while (d < 8 && wl_hex_value(h[d]) >= 0) {
			v = v << 4 | (uint32_t)wl_hex_value(h[d]);
			d++;
		}
		if (d == 8) {
			*has_code = true;
			*code = v;
		}
		break;
	}
	return true;
}

typedef struct raw_facts {
	uint64_t lf;
	pairs failed;
	pairs scans;
	bool scans_have_codes;
} raw_facts;

static void raw_scan(const char *data, size_t n, raw_facts *rf)
{
	memset(rf, 0, sizeof *rf);
	rf->scans_have_codes = true;
	uint64_t lineno = 1;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && data[i] != '\n')
			continue;
		if (i < n)
			rf->lf++;
		const char *p = data + start;
		size_t len = i - start;
		if (len || i < n) {
			uint32_t code;
			bool has_code;
			if (raw_failed(p, len, &code))
				pairs_add(&rf->failed, lineno, code);
			if (raw_scan_end(p, len, &has_code, &code)) {
				pairs_add(&rf->scans, lineno, has_code ? code : 0);
				if (!has_code)
					rf->scans_have_codes = false;
			}
		}
		lineno++;
		start = i + 1;
	}
}

/* ---- the error-line oracle (issue 13) ----
 *
 * Written apart from the extractor and simpler than its grammar
 * (docs/EVENTS.md): a line "looks like an error with a code" when it holds
 * a level word and an HRESULT-like token. Such lines must be events; the
 * few that the grammar deliberately leaves out must match a shape of
 * not_error_shapes below, each with its reason. */

static bool is_word_byte(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

/* WARNING, FATAL, ERROR or FAILED as a whole word, in any case. */
static bool oracle_level_word(const char *p, size_t n)
{
	static const char *const words[] = {"warning", "fatal", "error", "failed"};
	for (size_t i = 0; i < n; i++) {
		if (!is_word_byte(p[i]) || (i > 0 && is_word_byte(p[i - 1])))
			continue;
		size_t e = i;
		while (e < n && is_word_byte(p[e]))
			e++;
		for (size_t k = 0; k < 4; k++) {
			size_t wn = strlen(words[k]);
			if (e - i != wn)
				continue;
			size_t j = 0;
			while (j < wn && (p[i + j] | 0x20) == words[k][j])
				j++;
			if (j == wn)
				return true;
		}
		i = e;
	}
	return false;
}

/* Exactly 8 hex digits, the first 8-F (a failure HRESULT), standing
 * alone: not inside a longer word, a GUID, a path or a version, except for
 * a 0x/0X prefix. *decimal: the token has no hex letter. */
static bool oracle_token(const char *p, size_t n, bool *decimal)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (wl_hex_value(p[i]) < 0 || (i > 0 && wl_hex_value(p[i - 1]) >= 0))
			continue;
		size_t e = i;
		while (e < n && wl_hex_value(p[e]) >= 0)
			e++;
		bool prefixed = i >= 2 && (p[i - 1] | 0x20) == 'x' && p[i - 2] == '0';
		char b = prefixed ? (i >= 3 ? p[i - 3] : ' ') : (i > 0 ? p[i - 1] : ' ');
		char a = e < n ? p[e] : ' ';
		bool alone = !is_word_byte(b) && b != '-' && b != '{' && b != '.' && b != '\\' &&
		             b != '/' && !is_word_byte(a) && a != '-' && a != '}' && a != '\\' &&
		             a != '/' && !(a == '.' && e + 1 < n && is_word_byte(p[e + 1]));
		if (e - i == 8 && alone && wl_hex_value(p[i]) >= 8) {
			*decimal = !prefixed;
			for (size_t k = i; k < e; k++)
				*decimal &= p[k] <= '9';
			return true;
		}
		i = e;
	}
	return false;
}

/* Lines the oracle takes that are not error events, and why. */
typedef struct not_error_shape {
	bool (*match)(const char *p, size_t n);
	const char *why;
} not_error_shape;

/* A bare run of 8 decimal digits with no code key before it (hr, error,
 * code, …): docs/EVENTS.md reads it as a number (a size, a count), not a
 * code, since 80070002 and 80,070,002 bytes print alike. */
static bool bare_decimal_without_key(const char *p, size_t n)
{
	bool decimal = false;
	uint32_t v;
	return oracle_token(p, n, &decimal) && decimal && !wl_find_hresult(p, n, &v);
}

static const not_error_shape not_error_shapes[] = {
    {bare_decimal_without_key, "8 decimal digits without a code key are a number, not a code"},
};

/* Every oracle line must be an event or a documented shape; at least
 * 99.5 % must be events. Returns the oracle's count; *hits the events. */
static size_t oracle_check(const char *name, const char *data, size_t n, const pairs *every,
                           size_t *hits)
{
	size_t total = 0, found = 0, k = 0;
	uint64_t lineno = 1;
	for (size_t start = 0, i = 0; i <= n; i++) {
		if (i < n && data[i] != '\n')
			continue;
		const char *p = data + start;
		size_t len = i - start;
		bool decimal;
		if (oracle_level_word(p, len) && oracle_token(p, len, &decimal)) {
			total++;
			while (k < every->n && every->v[k].line < lineno)
				k++;
			if (k < every->n && every->v[k].line == lineno) {
				found++;
			} else {
				size_t s = 0;
				while (s < sizeof not_error_shapes / sizeof *not_error_shapes &&
				       !not_error_shapes[s].match(p, len))
					s++;
				if (s == sizeof not_error_shapes / sizeof *not_error_shapes)
					fail_msg(
					    "%s:%llu looks like an error with a code, is no event "
					    "and no documented shape: %.*s",
					    name, (unsigned long long)lineno,
					    (int)(len > 300 ? 300 : len), p);
			}
		}
		lineno++;
		start = i + 1;
	}
	if (found * 1000 < total * 995)
		fail_msg("%s: oracle recall %zu/%zu is under 99.5 %%", name, found, total);
	*hits = found;
	return total;
}

/* ---- the directory ---- */

typedef struct file_list {
	char **name;
	size_t n;
} file_list;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_logs(file_list *fl)
{
	memset(fl, 0, sizeof *fl);
	DIR *d = opendir(REAL_DIR);
	if (!d)
		fail_msg("cannot open %s", REAL_DIR);
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".log") != 0)
			continue;
		if (fl->n == cap) {
			cap = cap ? cap * 2 : 16;
			char **v = realloc(fl->name, cap * sizeof *v);
			assert_non_null(v);
			fl->name = v;
		}
		fl->name[fl->n] = malloc(len + 1);
		assert_non_null(fl->name[fl->n]);
		memcpy(fl->name[fl->n], de->d_name, len + 1);
		fl->n++;
	}
	closedir(d);
	qsort(fl->name, fl->n, sizeof *fl->name, cmp_str);
}

static void free_list(file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		free(fl->name[i]);
	free(fl->name);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- tests ---- */

static void check_one(const char *name)
{
	char path[1024];
	int k = snprintf(path, sizeof path, "%s/%s", REAL_DIR, name);
	assert_true(k > 0 && (size_t)k < sizeof path);
	size_t n = 0;
	char *data = read_file(path, &n);
	assert_true(n > 0);

	golden g;
	golden_run(&g, path, data, n);
	raw_facts rf;
	raw_scan(data, n, &rf);

	wl_format want = starts_with(name, "classic-") ? WL_FMT_WU_CLASSIC
	                 : starts_with(name, "etw-")   ? WL_FMT_WU_ETW
	                                               : WL_FMT_UNKNOWN;
	if (want == WL_FMT_UNKNOWN)
		fail_msg("%s: name says neither classic- nor etw-", name);
	if (!g.began || g.fmt != want)
		fail_msg("%s: sniffed %s, want %s", name, wl_format_name(g.fmt),
		         wl_format_name(want));
	if (g.began_at != 1)
		fail_msg("%s: format recognised only at line %llu", name,
		         (unsigned long long)g.began_at);

	if (g.lines != rf.lf || wl_decode_lines(g.t) != rf.lf)
		fail_msg("%s: %llu lines, the file has %llu LF", name, (unsigned long long)g.lines,
		         (unsigned long long)rf.lf);
	if (!g.numbering_ok)
		fail_msg("%s: line numbers not 1..n", name);
	if (g.tok_fail)
		fail_msg("%s: %llu lines do not tokenize, the first is line %llu", name,
		         (unsigned long long)g.tok_fail, (unsigned long long)g.first_tok_fail);
	if (g.bad_cb || wl_extract_bad_lines(g.x))
		fail_msg("%s: extractor reported %llu bad lines", name,
		         (unsigned long long)wl_extract_bad_lines(g.x));
	if (!g.events_in_order)
		fail_msg("%s: events not in line order", name);

	assert_same_pairs(name, "*FAILED* lines", &g.failed, &rf.failed);
	if (want == WL_FMT_WU_ETW && rf.failed.n == 0)
		fail_msg("%s: no *FAILED* line at all (wrong file?)", name);

	/* Scan ends: the same lines; ETW ones carry their exit code. */
	if (!rf.scans_have_codes) {
		for (size_t i = 0; i < rf.scans.n; i++)
			rf.scans.v[i].code = 0;
		for (size_t i = 0; i < g.scans.n; i++)
			g.scans.v[i].code = 0;
	}
	assert_same_pairs(name, "scan ends", &g.scans, &rf.scans);
	if (rf.scans.n == 0)
		fail_msg("%s: no scan at all (wrong file?)", name);

	/* First/last time stay within the times of the lines (ETW: UTC as
	 * written; classic: shifted by the banners' zones, at most 14 h). */
	int64_t lo = wl_extract_first_ts(g.x), hi = wl_extract_last_ts(g.x);
	assert_true(lo != WL_TS_NONE && hi != WL_TS_NONE && lo <= hi);
	const int64_t slack = want == WL_FMT_WU_ETW ? 0 : INT64_C(14) * 3600 * 1000000;
	if (lo < g.min_ts - slack || hi > g.max_ts + slack)
		fail_msg("%s: first/last ts %lld..%lld outside the lines' %lld..%lld", name,
		         (long long)lo, (long long)hi, (long long)g.min_ts, (long long)g.max_ts);

	/* Events come in line order (checked above), as the oracle reads. */
	size_t hits = 0, total = oracle_check(name, data, n, &g.every, &hits);

	print_message("%-28s %s %6llu lines %4zu *FAILED* %4zu scans %3zu SOAP %5llu events; "
	              "error lines with a code %zu/%zu\n",
	              name, wl_format_name(g.fmt), (unsigned long long)g.lines, g.failed.n,
	              g.scans.n, g.nsoap, (unsigned long long)g.events, hits, total);
	golden_free(&g);
	free(rf.failed.v);
	free(rf.scans.v);
	free(data);
}

static void every_real_log(void **state)
{
	(void)state;
	file_list fl;
	list_logs(&fl);
	if (fl.n < MIN_FILES)
		fail_msg("%zu *.log files in %s, want at least %d", fl.n, REAL_DIR, MIN_FILES);
	for (size_t i = 0; i < fl.n; i++)
		check_one(fl.name[i]);
	free_list(&fl);
}

static void known_soap_fault(void **state)
{
	(void)state;
	static const char name[] = "etw-raja-fahad-new.log";
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", REAL_DIR, name);
	size_t n = 0;
	char *data = read_file(path, &n);
	golden g;
	golden_run(&g, path, data, n);
	assert_int_equal(g.nsoap, 1);
	assert_int_equal(g.soap[0].line, 3735);
	assert_string_equal(g.soap[0].code, "ConfigChanged");
	assert_string_equal(g.soap[0].param, "");
	assert_true(g.soap[0].has_guid);
	assert_string_equal(g.soap[0].guid, "1aa87b66-9bd6-42c1-975e-b24fa422f7e5");
	golden_free(&g);
	free(data);
}

static void bom_file_first_line(void **state)
{
	(void)state;
	static const char name[] = "etw-zayrexdev.log";
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", REAL_DIR, name);
	size_t n = 0;
	char *data = read_file(path, &n);
	assert_true(n > 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0); /* the file has a BOM */
	golden g;
	golden_run(&g, path, data, n);
	assert_int_equal(wl_decode_encoding(g.t), WL_ENC_UTF8_BOM);
	assert_int_equal(g.began_at, 1);
	assert_int_equal(g.fmt, WL_FMT_WU_ETW);
	static const char want[] =
	    "2025/01/04 14:44:39.7026250 6212  6960  Agent           Service";
	assert_true(g.first_n >= sizeof want - 1);
	assert_memory_equal(g.first, want, sizeof want - 1); /* no BOM in line 1 */
	wl_fields f;
	assert_true(wl_tok_etw(g.first, g.first_n, &f));
	assert_int_equal(f.pid, 6212);
	assert_int_equal(f.tid, 6960);
	assert_int_equal(f.ts_us, wl_civil_to_us(2025, 1, 4, 14, 44, 39, 702625));
	assert_int_equal(g.tok_fail, 0);
	golden_free(&g);
	free(data);
}

/* The same file fed in awkward pieces gives the same events. */
static void block_size_does_not_matter(void **state)
{
	(void)state;
	static const char name[] = "etw-lee-7723.log";
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", REAL_DIR, name);
	size_t n = 0;
	char *data = read_file(path, &n);
	golden a;
	golden_run(&a, path, data, n);

	golden b;
	memset(&b, 0, sizeof b);
	b.numbering_ok = b.events_in_order = true;
	b.min_ts = b.max_ts = WL_TS_NONE;
	const wl_extract_cfg cfg = {.has_tz = false, .tz_minutes = 0};
	b.t = wl_decode_new(on_line, on_problem, &b);
	b.x = wl_extract_new(&cfg, on_event, on_bad, &b);
	assert_non_null(b.t);
	assert_non_null(b.x);
	for (size_t off = 0; off < n; off += 4093) {
		size_t k = n - off < 4093 ? n - off : 4093;
		assert_int_equal(wl_decode_feed(b.t, data + off, k), WL_OK);
	}
	assert_int_equal(wl_decode_finish(b.t), WL_OK);
	wl_extract_end(b.x);

	assert_int_equal(a.lines, b.lines);
	assert_int_equal(a.events, b.events);
	assert_true(a.events > 0);
	assert_same_pairs(name, "*FAILED* (4093-byte feeds)", &b.failed, &a.failed);
	assert_same_pairs(name, "scans (4093-byte feeds)", &b.scans, &a.scans);
	golden_free(&a);
	golden_free(&b);
	free(data);
}

/* ---- the block fast path against the per-line path ---- */

static void sig_fail(const char *what)
{
	fail_msg("%s", what);
}
#define SIG_CHECK(cond, what)                                                                      \
	do {                                                                                       \
		if (!(cond))                                                                       \
			sig_fail(what);                                                            \
	} while (0)
#include "../common/extract_sig.h"

/* The text through both paths, sniffed as worker.c does, in feeds of feed
 * bytes: the same records (tests/common/extract_sig.h), and with
 * expect_block, lines taken by the block path. */
static void assert_same_paths(const char *name, const char *data, size_t n, size_t feed,
                              bool expect_block)
{
	const wl_extract_cfg cfg = {.has_tz = false, .tz_minutes = 0};
	sig a, b;
	sig_open(&a, &cfg, false);
	sig_open(&b, &cfg, true);
	sig_run(&a, WL_FMT_UNKNOWN, data, n, feed);
	sig_run(&b, WL_FMT_UNKNOWN, data, n, feed);
	if (expect_block && b.block_lines == 0)
		fail_msg("%s (feeds of %zu): the block path took no line", name, feed);
	char why[512];
	if (!sig_same(&a, &b, why, sizeof why))
		fail_msg("%s (feeds of %zu): %s", name, feed, why);
	sig_close(&a);
	sig_close(&b);
}

/* wl_extract_block gives what wl_extract_line gives, line by line, on
 * every real log, at the worker's block size and at odd feed sizes. */
static void block_path_equals_line_path(void **state)
{
	(void)state;
	file_list fl;
	list_logs(&fl);
	assert_true(fl.n >= MIN_FILES);
	for (size_t i = 0; i < fl.n; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", REAL_DIR, fl.name[i]);
		size_t n = 0;
		char *data = read_file(path, &n);
		assert_non_null(data);
		assert_same_paths(fl.name[i], data, n, WL_BLOCK_SIZE, true);
		assert_same_paths(fl.name[i], data, n, 4093, true);
		free(data);
	}
	free_list(&fl);
}

/* The lines the fast loop must treat as wl_extract_line does: a BOM in the
 * middle, empty and CR-only lines, CRLF, a candidate line split across the
 * 64-byte steps, an END that is not a scan's, a line over WL_LINE_MAX
 * (cut by the splitter), a short tail and a last line without its end. */
static void block_path_edge_lines(void **state)
{
	(void)state;
	static const char head[] =
	    "2024-04-12 01:39:39.2569637 4972  12948 Agent           Service\n"
	    "2024-04-12 01:39:40.0000000 4972  12948 ProtocolTalker  *FAILED* [8024402F] Sync\r\n"
	    "\xEF\xBB\xBF"
	    "2024-04-12 01:39:41.0000000 4972  12948 ProtocolTalker  *FAILED* [80244007] "
	    "SyncUpdates {6b5e1b4c-2f4d-4c9e-9b7e-3c2f6f6d1a2b}\n"
	    "\n\r\n"
	    "2024-04-12 01:39:42.0000000 4972  12948 Agent           * END * Install\n"
	    "2024-04-12 01:39:43.0000000 4972  12948 Agent           * END * Finding updates "
	    "CallerId = x  Exit code = 0x80244007\n"
	    "2024-04-12 01:39:44.0000000 4972  12948 Agent           WARNING: x 0x8024402c\n"
	    "not a log line at all\n";
	static const char tail[] =
	    "\n2024-04-12 01:39:45.0000000 4972  12948 ProtocolTalker  *FAILED* [80072EE2] x\n"
	    "2024-04-12 01:39:46.0000000 4972  12948 Agent           ok\n"
	    "2024-04-12 01:39:47.0000000 4972  12948 ProtocolTalker  *FAILED* [80240438] end";
	const size_t longn = WL_LINE_MAX + 5;
	size_t n = 0, cap = 64 * (sizeof head + 8) + longn + sizeof tail;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int r = 0; r < 64; r++) {
		/* Shift the lines against the 64-byte steps. */
		memcpy(buf + n, head, sizeof head - 1);
		n += sizeof head - 1;
		memset(buf + n, ' ', (size_t)r % 7);
		n += (size_t)r % 7;
		buf[n++] = '\n';
	}
	memcpy(buf + n, "2024-04-12 01:39:44.0000000 4972  12948 Agent           ", 56);
	memset(buf + n + 56, 'W', longn - 56);
	n += longn;
	memcpy(buf + n, tail, sizeof tail - 1);
	n += sizeof tail - 1;
	static const size_t feeds[] = {1, 5, 63, 64, 65, 4096, WL_BLOCK_SIZE};
	for (size_t i = 0; i < sizeof feeds / sizeof *feeds; i++)
		assert_same_paths("edge lines", buf, n, feeds[i], feeds[i] >= 64);

	/* A CR-only last line leaves the time of the line before it. */
	n = 0;
	for (int r = 0; r < 4; r++) {
		memcpy(buf + n, head, sizeof head - 1);
		n += sizeof head - 1;
	}
	static const char last[] =
	    "2024-04-12 01:39:59.0000000 4972  12948 Agent           ok, later\n\r\r\n";
	memcpy(buf + n, last, sizeof last - 1);
	n += sizeof last - 1;
	assert_same_paths("CR-only last line", buf, n, WL_BLOCK_SIZE, true);
	free(buf);
}

/* SoftwareDistribution.log through the block path: headers of every level,
 * ThrowException entries whose stack-trace lines run across the 64-byte
 * steps and the feeds, malformed headers (bad lines), continuation lines
 * before any entry, a BOM in the middle, CRLF, empty and CR-only lines, a
 * line over WL_LINE_MAX, and a last entry without its line end. */
static void block_path_sdist(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2026-03-24 23:52:07.455 UTC\tInfo\tWsusService.38\tEventLogEventReporter.ReportEvent"
	    "\tEventId=12022,Type=Information,Category=Health,Message=The Client Web Service",
	    "2026-03-24 23:52:08.001 UTC\tError\tw3wp.5\tClientImplementation.SyncUpdates"
	    "\tThrowException: actor = http://wsus01:8530/ClientWebService/client.asmx, "
	    "ID=6b5e1b4c-2f4d-4c9e-9b7e-3c2f6f6d1a2b, ErrorCode=InvalidParameters, "
	    "Message=parameters.InstalledNonLeafUpdateIDs, "
	    "Client=0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a",
	    "   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates()",
	    "   at System.Web.Services.Protocols.LogicalMethodInfo.Invoke(Object target)",
	    "2026-03-24 23:52:09.100 UTC    Warning   w3wp.7   WebService.Init   slow start",
	    "2026-03-24 23:52:10.200 UTC\tError\tWsusService.12\tDatabase.Open\tSQL timeout\r",
	    "\xEF\xBB\xBF"
	    "2026-03-24 23:52:11.300 UTC\tInfo\tw3wp.5\tX.Y\tafter a BOM",
	    "",
	    "\r",
	    "2026-03-24 23:52:12 UTC Info p.1",
	    "2026-13-24 23:52:13.400 UTC\tInfo\tw3wp.5\tX.Y\tbad month",
	    "2026-03-24 23:52:14.500 UTX\tInfo\tw3wp.5\tX.Y\tnot UTC",
	    "2026-03-24 23:52:15.600 UTC\tError\tw3wp.9\tSoapUtilities.LogException\tUSS "
	    "ThrowException: Actor = https://up.example/ServerSyncWebService.asmx, "
	    "Method = \"http://x/GetUpdateData\", ID=11111111-2222-3333-4444-555555555555, "
	    "ErrorCode=InternalServerError, Message=",
	    "System.Data.SqlClient.SqlException: Timeout expired.",
	};
	const size_t longn = WL_LINE_MAX + 9;
	size_t cap = 200 * 2048 + longn + 1024, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	/* Lines before the first entry: continuations of nothing. */
	n += (size_t)snprintf(buf + n, cap - n, "   at Nowhere()\n");
	for (int r = 0; r < 200; r++) {
		for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
			size_t k = strlen(lines[i]);
			memcpy(buf + n, lines[i], k);
			n += k;
			/* Shift what follows against the 64-byte steps. */
			if (i == 2) {
				memset(buf + n, ' ', (size_t)(r % 11));
				n += (size_t)(r % 11);
			}
			buf[n++] = '\n';
		}
		if (r == 100) {
			memcpy(buf + n, "2026-03-24 23:53:00.000 UTC\tError\tw3wp.5\tX.Y\t", 45);
			memset(buf + n + 45, 'E', longn - 45);
			n += longn;
			buf[n++] = '\n';
		}
	}
	static const char tail[] = "2026-03-24 23:59:59.999 UTC\tError\tw3wp.5\tX.Y\t"
	                           "ThrowException: ID=abc, ErrorCode=Last\n   at Tail()";
	memcpy(buf + n, tail, sizeof tail - 1);
	n += sizeof tail - 1;
	assert_true(n <= cap);
	/* Three errors per round (one with its stack trace), bad lines. */
	const wl_extract_cfg cfg = {.has_tz = false, .tz_minutes = 0};
	sig one;
	sig_open(&one, &cfg, true);
	sig_run(&one, WL_FMT_UNKNOWN, buf, n, WL_BLOCK_SIZE);
	assert_true(one.events >= 3 * 200);
	assert_true(one.bad >= 2 * 200);
	sig_close(&one);
	static const size_t feeds[] = {1, 5, 63, 64, 65, 4096, WL_BLOCK_SIZE};
	for (size_t i = 0; i < sizeof feeds / sizeof *feeds; i++)
		assert_same_paths("sdist", buf, n, feeds[i], feeds[i] >= 64);
	free(buf);
}

int main(void)
{
	wl_need_real_logs("test_reallogs", REAL_DIR);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_real_log),
	    cmocka_unit_test(known_soap_fault),
	    cmocka_unit_test(bom_file_first_line),
	    cmocka_unit_test(block_size_does_not_matter),
	    cmocka_unit_test(block_path_equals_line_path),
	    cmocka_unit_test(block_path_edge_lines),
	    cmocka_unit_test(block_path_sdist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
