/* wsuslog-index --audit (audit.h). Each worker fills its own table of
 * (input, shape) -> count and first example, so the line hook takes no
 * lock; the tables are merged only to print. */
#include "audit.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "chars.h"
#include "errline.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

typedef struct audit_input {
	char *path;
	char *member; /* "" for a file */
	wl_format fmt;
	uint64_t lines, error_like, events, other_shapes;
} audit_input;

typedef struct audit_shape {
	uint64_t hash; /* of input index and text; 0: free slot */
	uint32_t input;
	uint32_t len;
	char *text; /* shape, then the example after its NUL */
	uint64_t count;
	uint64_t line; /* of the example */
} audit_shape;

struct wl_audit {
	audit_input *in;
	size_t nin, capin;
	audit_shape *tab; /* open addressing, a power of two slots */
	size_t cap, used;
};

wl_audit *wl_audit_new(void)
{
	return calloc(1, sizeof(wl_audit));
}

void wl_audit_free(wl_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nin; i++) {
		free(a->in[i].path);
		free(a->in[i].member);
	}
	for (size_t i = 0; i < a->cap; i++)
		free(a->tab[i].text);
	free(a->in);
	free(a->tab);
	free(a);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

wl_status wl_audit_begin(wl_audit *a, const char *path, const char *member, wl_format fmt)
{
	if (a->nin == a->capin) {
		size_t cap = a->capin ? 2 * a->capin : 16;
		audit_input *v = realloc(a->in, cap * sizeof *v);
		if (!v)
			return WL_E_NOMEM;
		a->in = v;
		a->capin = cap;
	}
	audit_input *in = &a->in[a->nin];
	memset(in, 0, sizeof *in);
	in->path = dup_str(path);
	in->member = dup_str(member ? member : "");
	if (!in->path || !in->member) {
		free(in->path);
		free(in->member);
		return WL_E_NOMEM;
	}
	in->fmt = fmt;
	a->nin++;
	return WL_OK;
}

/* ---- what looks like an error ---- */

bool wl_audit_error_like(const char *p, size_t n)
{
	if (wl_error_word(p, n))
		return true;
	for (size_t i = 0; i < n; i++) {
		if (wl_hex_value(p[i]) < 0 || (i > 0 && wl_hex_value(p[i - 1]) >= 0))
			continue;
		size_t e = i;
		while (e < n && wl_hex_value(p[e]) >= 0)
			e++;
		bool prefixed = i >= 2 && (p[i - 1] | 0x20) == 'x' && p[i - 2] == '0';
		char b = prefixed ? (i >= 3 ? p[i - 3] : ' ') : (i > 0 ? p[i - 1] : ' ');
		char c = e < n ? p[e] : ' ';
		/* Not part of a word, a GUID, a path or a version. */
		bool alone = !wl_is_word_byte(b) && b != '-' && b != '{' && b != '.' && b != '\\' &&
		             b != '/' && !wl_is_word_byte(c) && c != '-' && c != '}' && c != '\\' &&
		             c != '/' && !(c == '.' && e + 1 < n && wl_is_word_byte(p[e + 1]));
		if (e - i == 8 && alone && wl_hex_value(p[i]) >= 8)
			return true;
		i = e;
	}
	return false;
}

/* ---- shapes ---- */

size_t wl_audit_shape(const char *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;
#define PUT(s, k)                                                                                  \
	do {                                                                                       \
		size_t k_ = (k);                                                                   \
		if (o + k_ >= cap)                                                                 \
			goto full;                                                                 \
		memcpy(out + o, (s), k_);                                                          \
		o += k_;                                                                           \
	} while (0)
	size_t i = 0;
	while (i < n) {
		char c = p[i];
		bool at_word = i == 0 || !wl_is_word_byte(p[i - 1]);
		wl_guid g;
		size_t k;
		if ((c == '{' || (wl_hex_value(c) >= 0 && at_word)) &&
		    (k = wl_guid_parse(p + i, n - i, &g))) {
			PUT("<guid>", 6);
			i += k;
			continue;
		}
		if (c == '0' && i + 2 < n && (p[i + 1] | 0x20) == 'x' &&
		    wl_hex_value(p[i + 2]) >= 0 && at_word) {
			i += 2;
			while (i < n && wl_hex_value(p[i]) >= 0)
				i++;
			PUT("<hex>", 5);
			continue;
		}
		if (at_word && wl_hex_value(c) >= 0) {
			/* A whole word of 8 or more hex digits: a code, a hash. */
			size_t e = i;
			while (e < n && wl_hex_value(p[e]) >= 0)
				e++;
			if (e - i >= 8 && (e == n || !wl_is_word_byte(p[e]))) {
				PUT("<hex>", 5);
				i = e;
				continue;
			}
		}
		if (c >= '0' && c <= '9') {
			while (i < n && p[i] >= '0' && p[i] <= '9')
				i++;
			PUT("<n>", 3);
			continue;
		}
		if (c == ' ' || c == '\t') {
			while (i < n && (p[i] == ' ' || p[i] == '\t'))
				i++;
			PUT(" ", 1);
			continue;
		}
		PUT(&p[i], 1);
		i++;
	}
full:
#undef PUT
	out[o] = 0;
	return o;
}

/* ---- the table ---- */

static bool grow(wl_audit *a)
{
	size_t cap = a->cap ? 2 * a->cap : 1024;
	audit_shape *t = calloc(cap, sizeof *t);
	if (!t)
		return false;
	for (size_t i = 0; i < a->cap; i++) {
		if (!a->tab[i].hash)
			continue;
		size_t j = a->tab[i].hash & (cap - 1);
		while (t[j].hash)
			j = (j + 1) & (cap - 1);
		t[j] = a->tab[i];
	}
	free(a->tab);
	a->tab = t;
	a->cap = cap;
	return true;
}

static void add(wl_audit *a, audit_input *in, const char *shape, size_t sn, const char *line,
                size_t n, uint64_t lineno)
{
	uint32_t idx = (uint32_t)(in - a->in);
	uint64_t h = XXH3_64bits_withSeed(shape, sn, idx) | 1; /* never 0, the free mark */
	if (a->used * 2 >= a->cap && a->used < WL_AUDIT_SHAPES_MAX && !grow(a)) {
		in->other_shapes++; /* out of memory: counted, not kept */
		return;
	}
	size_t j = h & (a->cap - 1);
	for (; a->tab[j].hash; j = (j + 1) & (a->cap - 1)) {
		audit_shape *s = &a->tab[j];
		if (s->hash == h && s->input == idx && s->len == sn &&
		    memcmp(s->text, shape, sn) == 0) {
			s->count++;
			return;
		}
	}
	if (a->used >= WL_AUDIT_SHAPES_MAX) {
		in->other_shapes++;
		return;
	}
	size_t en = n < WL_AUDIT_EXAMPLE_MAX ? n : WL_AUDIT_EXAMPLE_MAX;
	char *text = malloc(sn + 1 + en + 1);
	if (!text) {
		in->other_shapes++;
		return;
	}
	memcpy(text, shape, sn);
	text[sn] = 0;
	memcpy(text + sn + 1, line, en);
	text[sn + 1 + en] = 0;
	a->tab[j] = (audit_shape){h, idx, (uint32_t)sn, text, 1, lineno};
	a->used++;
}

void wl_audit_line(void *ctx, const char *line, size_t n, uint64_t lineno, bool event)
{
	wl_audit *a = ctx;
	if (a->nin == 0)
		return;
	audit_input *in = &a->in[a->nin - 1];
	in->lines++;
	/* The message and its component: header fields vary line to line. */
	wl_fields f;
	bool ok = in->fmt == WL_FMT_WU_CLASSIC ? wl_tok_classic(line, n, &f)
	          : in->fmt == WL_FMT_WU_ETW   ? wl_tok_etw(line, n, &f)
	          : in->fmt == WL_FMT_SDIST    ? wl_tok_sdist(line, n, &f)
	                                       : false;
	wl_span msg = ok ? f.message : (wl_span){line, n};
	if (!wl_audit_error_like(msg.p, msg.n))
		return;
	in->error_like++;
	if (event) {
		in->events++;
		return;
	}
	char shape[WL_AUDIT_SHAPE_MAX];
	size_t sn = 0;
	if (ok && f.component.n) {
		size_t cn = f.component.n < 64 ? f.component.n : 64;
		memcpy(shape, f.component.p, cn);
		shape[cn] = ':';
		shape[cn + 1] = ' ';
		sn = cn + 2;
	}
	const char *m = msg.p;
	size_t mn = msg.n;
	while (mn > 0 && (*m == ' ' || *m == '\t')) {
		m++;
		mn--;
	}
	sn += wl_audit_shape(m, mn, shape + sn, sizeof shape - sn);
	add(a, in, shape, sn, line, n, lineno);
}

/* ---- printing ---- */

typedef struct row {
	const audit_shape *s;
	const audit_input *in;
} row;

static int by_count(const void *x, const void *y)
{
	const row *a = x, *b = y;
	if (a->s->count != b->s->count)
		return a->s->count < b->s->count ? 1 : -1;
	int c = strcmp(a->in->path, b->in->path);
	if (c == 0)
		c = strcmp(a->in->member, b->in->member);
	if (c == 0)
		c = a->s->line < b->s->line ? -1 : a->s->line > b->s->line;
	return c;
}

wl_status wl_audit_print(wl_audit *const *parts, size_t n, wl_outfmt fmt, FILE *f)
{
	size_t nrows = 0;
	uint64_t inputs = 0, lines = 0, error_like = 0, events = 0, other = 0;
	for (size_t p = 0; p < n; p++) {
		nrows += parts[p]->used;
		for (size_t i = 0; i < parts[p]->nin; i++) {
			const audit_input *in = &parts[p]->in[i];
			inputs++;
			lines += in->lines;
			error_like += in->error_like;
			events += in->events;
			other += in->other_shapes;
		}
	}
	row *rows = calloc(nrows ? nrows : 1, sizeof *rows);
	if (!rows)
		return WL_E_NOMEM;
	size_t k = 0;
	for (size_t p = 0; p < n; p++)
		for (size_t i = 0; i < parts[p]->cap; i++)
			if (parts[p]->tab[i].hash)
				rows[k++] =
				    (row){&parts[p]->tab[i], &parts[p]->in[parts[p]->tab[i].input]};
	qsort(rows, nrows, sizeof *rows, by_count);

	wl_status st = WL_E_NOMEM;
	wl_out *o = wl_out_open(f, fmt);
	static const char *const cols[] = {"count", "input", "member", "shape", "line", "example"};
	if (o && (st = wl_out_begin(o, cols, 6)) == WL_OK) {
		for (size_t r = 0; r < nrows && st == WL_OK; r++) {
			const audit_shape *s = rows[r].s;
			const char *ex = s->text + s->len + 1;
			wl_val v[6] = {wl_v_int((int64_t)s->count),
			               wl_v_text(rows[r].in->path, strlen(rows[r].in->path)),
			               wl_v_text(rows[r].in->member, strlen(rows[r].in->member)),
			               wl_v_text(s->text, s->len),
			               wl_v_int((int64_t)s->line),
			               wl_v_text(ex, strlen(ex))};
			st = wl_out_row(o, v);
		}
		if (st == WL_OK)
			st = wl_out_end(o);
	}
	wl_out_close(o);
	free(rows);
	uint64_t missed = error_like - events;
	fprintf(stderr,
	        "wsuslog-index: audit: %llu logs, %llu lines; %llu look like errors, %llu of them "
	        "events (%.2f %%), %llu not in %zu shapes%s\n",
	        (unsigned long long)inputs, (unsigned long long)lines,
	        (unsigned long long)error_like, (unsigned long long)events,
	        error_like ? 100.0 * (double)events / (double)error_like : 100.0,
	        (unsigned long long)missed, nrows, other ? " (and more shapes not kept)" : "");
	return st;
}
