/* The output formats of wsuslog-query behind one row interface.
 * Log text reaches this module as it was in the log: it may hold control
 * characters and invalid UTF-8. JSON, CSV and HTML replace invalid bytes by
 * U+FFFD so the output is always valid UTF-8 (a consumer that refuses one
 * line must not lose the whole report); the table and CSV also neutralise
 * control characters so a cell cannot move the terminal cursor, and CSV
 * defuses cells a spreadsheet would run as formulas. CSV, JSON and HTML
 * stream; a table holds a bounded batch of rows to measure its columns. */
#include "output.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct cell {
	size_t off; /* into wl_out.text */
	size_t len;
	size_t width; /* display width: code points */
} cell;

struct wl_out {
	FILE *f;
	wl_outfmt fmt;
	const char *const *cols;
	size_t ncols;
	uint64_t rows;
	/* table only */
	char *text;
	size_t text_len, text_cap;
	cell *cells;
	size_t cells_len, cells_cap; /* in cells; a row is ncols cells */
	size_t *width;
	unsigned char *saw_int, *saw_text, *right;
	int header_done;
};

int wl_outfmt_parse(const char *s, wl_outfmt *out)
{
	if (strcmp(s, "table") == 0)
		*out = WL_OUT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = WL_OUT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = WL_OUT_JSON;
	else
		return -1;
	return 0;
}

/* Length of the well-formed UTF-8 sequence at p[0..n) (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF) and its code point in
 * *cp, or 0 if p does not start one. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		*cp = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		*cp = c & 0x0Fu;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		*cp = c & 0x07u;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (p[i] & 0xC0u) != 0x80u)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3Fu);
	}
	return len;
}

static const char utf8_replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static void put(wl_out *o, const char *p, size_t n)
{
	if (n > 0)
		fwrite(p, 1, n, o->f);
}

static void put_str(wl_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static wl_status io_status(const wl_out *o)
{
	return ferror(o->f) ? WL_E_IO : WL_OK;
}

static size_t fmt_int(char *buf, size_t n, int64_t v)
{
	int k = snprintf(buf, n, "%" PRId64, v);
	return k > 0 ? (size_t)k : 0;
}

/* ---- JSON ---- */

static void json_string(wl_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* start of bytes not yet written */
	put(o, "\"", 1);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(p + i, n - i, &cp);
		if (k > 0 && cp >= 0x20 && cp != '"' && cp != '\\' && cp != 0x7F) {
			i += k;
			continue;
		}
		put(o, s + run, i - run);
		if (k == 0) {
			put(o, utf8_replacement, 3);
			k = 1;
		} else if (cp == '"') {
			put(o, "\\\"", 2);
		} else if (cp == '\\') {
			put(o, "\\\\", 2);
		} else {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			put(o, esc, 6);
		}
		i += k;
		run = i;
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

static void json_row(wl_out *o, const wl_val *v)
{
	put(o, o->rows == 0 ? "\n{" : ",\n{", o->rows == 0 ? 2 : 3);
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0)
			put(o, ",", 1);
		json_string(o, o->cols[c], strlen(o->cols[c]));
		put(o, ":", 1);
		if (v[c].type == WL_V_INT) {
			char buf[24];
			put(o, buf, fmt_int(buf, sizeof buf, v[c].i));
		} else if (v[c].type == WL_V_NUM) {
			put(o, v[c].s, v[c].n);
		} else if (v[c].type == WL_V_TEXT) {
			json_string(o, v[c].s, v[c].n);
		} else {
			put(o, "null", 4);
		}
	}
	put(o, "}", 1);
}

/* ---- CSV ---- */

/* A spreadsheet opening the CSV would run a cell starting with one of these
 * as a formula (OWASP "CSV injection"); log text is attacker-controlled, so
 * such a text cell gets a leading apostrophe, which spreadsheets hide. */
static int csv_formula_lead(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* One field. Text (guard set) is made safe for spreadsheets and terminals:
 * a formula lead gets a '\'', control characters other than TAB, CR and LF
 * (C0, DEL, C1) and invalid UTF-8 bytes become U+FFFD. */
static void csv_field(wl_out *o, const char *s, size_t n, int guard)
{
	const unsigned char *p = (const unsigned char *)s;
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
	if (quote)
		put(o, "\"", 1);
	if (guard && n > 0 && csv_formula_lead(p[0]))
		put(o, "'", 1);
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(p + i, n - i, &cp);
		int ctl = k > 0 && ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') ||
		                    (cp >= 0x7F && cp <= 0x9F));
		if (k > 0 && cp != '"' && !(guard && ctl)) {
			i += k;
			continue;
		}
		put(o, s + run, i - run);
		if (k == 0 || ctl) {
			put(o, utf8_replacement, 3);
			k = k ? k : 1;
		} else {
			put(o, "\"\"", 2);
		}
		i += k;
		run = i;
	}
	put(o, s + run, n - run);
	if (quote)
		put(o, "\"", 1);
}

static void csv_row(wl_out *o, const wl_val *v)
{
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0)
			put(o, ",", 1);
		if (v[c].type == WL_V_INT) {
			char buf[24];
			put(o, buf, fmt_int(buf, sizeof buf, v[c].i));
		} else if (v[c].type == WL_V_NUM) {
			put(o, v[c].s, v[c].n);
		} else if (v[c].type == WL_V_TEXT) {
			csv_field(o, v[c].s, v[c].n, 1);
		}
	}
	put(o, "\r\n", 2);
}

/* ---- HTML ---- */

/* Text for an HTML element or attribute: the five markup characters as
 * entities, invalid UTF-8 and control characters (which HTML forbids) as
 * U+FFFD, TAB/CR/LF as a space. Log text can then never open a tag. */
static void html_text(wl_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(p + i, n - i, &cp);
		const char *rep = NULL;
		if (k == 0)
			rep = utf8_replacement;
		else if (cp == '&')
			rep = "&amp;";
		else if (cp == '<')
			rep = "&lt;";
		else if (cp == '>')
			rep = "&gt;";
		else if (cp == '"')
			rep = "&quot;";
		else if (cp == '\'')
			rep = "&#39;";
		else if (cp == '\t' || cp == '\r' || cp == '\n')
			rep = " ";
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			rep = utf8_replacement;
		if (!rep) {
			i += k;
			continue;
		}
		put(o, s + run, i - run);
		put_str(o, rep);
		i += k ? k : 1;
		run = i;
	}
	put(o, s + run, n - run);
}

void wl_out_html_text(FILE *f, const char *s, size_t n)
{
	wl_out o = {0};
	o.f = f;
	html_text(&o, s, n);
}

static void html_row(wl_out *o, const wl_val *v)
{
	put_str(o, "<tr>");
	for (size_t c = 0; c < o->ncols; c++) {
		if (v[c].type == WL_V_INT) {
			char buf[24];
			put_str(o, "<td class=\"n\">");
			put(o, buf, fmt_int(buf, sizeof buf, v[c].i));
		} else if (v[c].type == WL_V_NUM) {
			put_str(o, "<td class=\"n\">");
			html_text(o, v[c].s, v[c].n);
		} else if (v[c].type == WL_V_TEXT) {
			put_str(o, "<td>");
			html_text(o, v[c].s, v[c].n);
		} else {
			put_str(o, "<td class=\"null\">-");
		}
		put_str(o, "</td>");
	}
	put_str(o, "</tr>\n");
}

/* ---- table ---- */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int text_add(wl_out *o, const char *p, size_t n)
{
	if (grow((void **)&o->text, &o->text_cap, o->text_len + n, 1) != 0)
		return -1;
	memcpy(o->text + o->text_len, p, n);
	o->text_len += n;
	return 0;
}

/* Append s[0..n) made safe for a terminal to the batch: TAB, CR and LF
 * become a space, other C0/C1 controls and DEL '?', invalid UTF-8 bytes '?'.
 * Fills in c. */
static int table_cell(wl_out *o, cell *c, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;
	c->off = o->text_len;
	c->width = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(p + i, n - i, &cp);
		c->width++;
		if (k > 0 && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F)) {
			i += k;
			continue;
		}
		if (text_add(o, s + run, i - run) != 0)
			return -1;
		char sub = (k > 0 && (cp == '\t' || cp == '\r' || cp == '\n')) ? ' ' : '?';
		if (text_add(o, &sub, 1) != 0)
			return -1;
		i += k > 0 ? k : 1;
		run = i;
	}
	if (text_add(o, s + run, n - run) != 0)
		return -1;
	c->len = o->text_len - c->off;
	return 0;
}

static void pad(wl_out *o, size_t n)
{
	static const char spaces[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		put(o, spaces, k);
		n -= k;
	}
}

/* Print column c of a line: separator, padding to the column width (right
 * aligned for numbers; the last column gets no trailing blanks). */
static void table_col(wl_out *o, size_t c, const char *p, size_t n, size_t width)
{
	size_t fill = o->width[c] > width ? o->width[c] - width : 0;
	if (c > 0)
		put(o, "  ", 2);
	if (o->right[c])
		pad(o, fill);
	put(o, p, n);
	if (!o->right[c] && c + 1 < o->ncols)
		pad(o, fill);
	if (c + 1 == o->ncols)
		put(o, "\n", 1);
}

static void table_flush(wl_out *o)
{
	for (size_t c = 0; c < o->ncols && !o->header_done; c++) {
		size_t n = strlen(o->cols[c]); /* names are ASCII */
		if (n > o->width[c])
			o->width[c] = n;
	}
	for (size_t i = 0; i < o->cells_len; i++) {
		size_t c = i % o->ncols;
		if (o->cells[i].width > o->width[c])
			o->width[c] = o->cells[i].width;
	}
	if (!o->header_done) {
		/* Alignment is fixed by the first batch so later batches agree. */
		for (size_t c = 0; c < o->ncols; c++)
			o->right[c] = o->saw_int[c] && !o->saw_text[c];
		for (size_t c = 0; c < o->ncols; c++) {
			size_t n = strlen(o->cols[c]);
			table_col(o, c, o->cols[c], n, n);
		}
		for (size_t c = 0; c < o->ncols; c++) {
			static const char dashes[] = "--------------------------------";
			if (c > 0)
				put(o, "  ", 2);
			for (size_t n = o->width[c]; n > 0;) {
				size_t k = n < sizeof dashes - 1 ? n : sizeof dashes - 1;
				put(o, dashes, k);
				n -= k;
			}
		}
		put(o, "\n", 1);
		o->header_done = 1;
	}
	for (size_t i = 0; i < o->cells_len; i++) {
		const cell *x = &o->cells[i];
		table_col(o, i % o->ncols, o->text + x->off, x->len, x->width);
	}
	o->cells_len = 0;
	o->text_len = 0;
}

static wl_status table_row(wl_out *o, const wl_val *v)
{
	if (o->cells_len / o->ncols >= WL_OUT_TABLE_ROWS || o->text_len >= WL_OUT_TABLE_BYTES)
		table_flush(o);
	if (grow((void **)&o->cells, &o->cells_cap, o->cells_len + o->ncols, sizeof(cell)) != 0)
		return WL_E_NOMEM;
	for (size_t c = 0; c < o->ncols; c++) {
		cell *x = &o->cells[o->cells_len + c];
		int rc;
		if (v[c].type == WL_V_INT) {
			char buf[24];
			size_t n = fmt_int(buf, sizeof buf, v[c].i);
			rc = table_cell(o, x, buf, n);
			o->saw_int[c] = 1;
		} else if (v[c].type == WL_V_NUM) {
			rc = table_cell(o, x, v[c].s, v[c].n);
			o->saw_int[c] = 1;
		} else if (v[c].type == WL_V_TEXT) {
			rc = table_cell(o, x, v[c].s, v[c].n);
			o->saw_text[c] = 1;
		} else {
			rc = table_cell(o, x, "-", 1);
		}
		if (rc != 0)
			return WL_E_NOMEM;
	}
	o->cells_len += o->ncols;
	return WL_OK;
}

/* ---- the interface ---- */

wl_out *wl_out_open(FILE *f, wl_outfmt fmt)
{
	wl_out *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->f = f;
	o->fmt = fmt;
	return o;
}

wl_status wl_out_begin(wl_out *o, const char *const *cols, size_t ncols)
{
	assert(ncols > 0);
	o->cols = cols;
	o->ncols = ncols;
	o->rows = 0;
	if (o->fmt == WL_OUT_TABLE) {
		free(o->width);
		free(o->saw_int);
		free(o->saw_text);
		free(o->right);
		o->width = calloc(ncols, sizeof *o->width);
		o->saw_int = calloc(ncols, 1);
		o->saw_text = calloc(ncols, 1);
		o->right = calloc(ncols, 1);
		o->header_done = 0;
		o->cells_len = 0;
		o->text_len = 0;
		if (!o->width || !o->saw_int || !o->saw_text || !o->right)
			return WL_E_NOMEM;
	} else if (o->fmt == WL_OUT_CSV) {
		for (size_t c = 0; c < ncols; c++) {
			if (c > 0)
				put(o, ",", 1);
			csv_field(o, cols[c], strlen(cols[c]), 0);
		}
		put(o, "\r\n", 2);
	} else if (o->fmt == WL_OUT_HTML) {
		put_str(o, "<table>\n<thead><tr>");
		for (size_t c = 0; c < ncols; c++) {
			put_str(o, "<th>");
			html_text(o, cols[c], strlen(cols[c]));
			put_str(o, "</th>");
		}
		put_str(o, "</tr></thead>\n<tbody>\n");
	} else {
		put(o, "[", 1);
	}
	return io_status(o);
}

wl_status wl_out_row(wl_out *o, const wl_val *vals)
{
	wl_status st = WL_OK;
	if (o->fmt == WL_OUT_TABLE)
		st = table_row(o, vals);
	else if (o->fmt == WL_OUT_CSV)
		csv_row(o, vals);
	else if (o->fmt == WL_OUT_HTML)
		html_row(o, vals);
	else
		json_row(o, vals);
	o->rows++;
	return st != WL_OK ? st : io_status(o);
}

wl_status wl_out_end(wl_out *o)
{
	if (o->fmt == WL_OUT_TABLE)
		table_flush(o);
	else if (o->fmt == WL_OUT_JSON)
		put_str(o, o->rows ? "\n]\n" : "]\n");
	else if (o->fmt == WL_OUT_HTML)
		put_str(o, "</tbody>\n</table>\n");
	if (fflush(o->f) != 0)
		return WL_E_IO;
	return io_status(o);
}

void wl_out_close(wl_out *o)
{
	if (!o)
		return;
	free(o->text);
	free(o->cells);
	free(o->width);
	free(o->saw_int);
	free(o->saw_text);
	free(o->right);
	free(o);
}
