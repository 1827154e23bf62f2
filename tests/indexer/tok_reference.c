/* The tokenizers as they were before their fast paths (commit 58aac38),
 * kept as the oracle of test_tokenize's fast_paths_match_reference: byte
 * for byte the old code, renamed. Not part of wsuslog-index. */
#include "tok_reference.h"

#include <string.h>

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n decimal digits at p; -1 if any is not a digit. */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* YYYY?MM?DD with separator sep (any of "-/." if sep is 0). */
static bool parse_date(const char *p, size_t n, char sep, int *y, int *m, int *d)
{
	if (n < 10)
		return false;
	char s1 = p[4], s2 = p[7];
	if (s1 != s2)
		return false;
	if (sep ? s1 != sep : (s1 != '-' && s1 != '/' && s1 != '.'))
		return false;
	*y = digits(p, 4);
	*m = digits(p + 5, 2);
	*d = digits(p + 8, 2);
	return *y >= 1970 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* HH:MM:SS then fraction introduced by frac_sep (':' classic, '.' others);
 * *len gets the bytes consumed. The fraction is optional. */
static bool parse_time(const char *p, size_t n, char frac_sep, int *h, int *mi, int *s, int64_t *us,
                       size_t *len)
{
	if (n < 8 || p[2] != ':' || p[5] != ':')
		return false;
	*h = digits(p, 2);
	*mi = digits(p + 3, 2);
	*s = digits(p + 6, 2);
	if (*h < 0 || *h > 23 || *mi < 0 || *mi > 59 || *s < 0 || *s > 60)
		return false;
	size_t i = 8;
	*us = 0;
	if (i < n && p[i] == frac_sep) {
		i++;
		int64_t scale = 100000;
		size_t start = i;
		while (i < n && is_digit(p[i])) {
			if (scale > 0) {
				*us += (p[i] - '0') * scale;
				scale /= 10;
			}
			i++;
		}
		if (i == start)
			return false;
	}
	*len = i;
	return true;
}

/* Next field ending at a TAB: [*pos, tab). */
static bool tab_field(const char *line, size_t n, size_t *pos, wl_span *out)
{
	if (*pos > n)
		return false;
	const char *t = memchr(line + *pos, '\t', n - *pos);
	if (!t)
		return false;
	out->p = line + *pos;
	out->n = (size_t)(t - (line + *pos));
	*pos = (size_t)(t - line) + 1;
	return true;
}

static wl_span trim(wl_span s)
{
	while (s.n > 0 && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Next blank-separated field, for classic lines whose TABs were turned
 * into spaces (as Microsoft's documentation prints them). */
static bool blank_field(const char *line, size_t n, size_t *pos, wl_span *out)
{
	size_t i = *pos;
	while (i < n && is_blank(line[i]))
		i++;
	size_t start = i;
	while (i < n && !is_blank(line[i]))
		i++;
	if (i == start || i >= n)
		return false;
	out->p = line + start;
	out->n = i - start;
	*pos = i + 1;
	return true;
}

bool ref_tok_classic(const char *line, size_t n, wl_fields *f)
{
	size_t pos = 0;
	wl_span date, time, pid, tid, comp;
	if (!tab_field(line, n, &pos, &date) || !tab_field(line, n, &pos, &time) ||
	    !tab_field(line, n, &pos, &pid) || !tab_field(line, n, &pos, &tid) ||
	    !tab_field(line, n, &pos, &comp)) {
		pos = 0;
		if (!blank_field(line, n, &pos, &date) || !blank_field(line, n, &pos, &time) ||
		    !blank_field(line, n, &pos, &pid) || !blank_field(line, n, &pos, &tid) ||
		    !blank_field(line, n, &pos, &comp))
			return false;
	}
	int y, m, d, h, mi, s;
	int64_t us;
	size_t tl;
	if (date.n != 10 || !parse_date(date.p, date.n, '-', &y, &m, &d))
		return false;
	if (!parse_time(time.p, time.n, ':', &h, &mi, &s, &us, &tl) || tl != time.n)
		return false;
	pid = trim(pid);
	tid = trim(tid);
	if (pid.n == 0 || pid.n > 10 || tid.n == 0 || tid.n > 8)
		return false;
	uint64_t pv = 0, tv = 0;
	for (size_t i = 0; i < pid.n; i++) {
		if (!is_digit(pid.p[i]))
			return false;
		pv = pv * 10 + (uint64_t)(pid.p[i] - '0');
	}
	for (size_t i = 0; i < tid.n; i++) {
		int v = hexv(tid.p[i]);
		if (v < 0)
			return false;
		tv = tv * 16 + (uint64_t)v;
	}
	f->ts_us = wl_civil_to_us(y, m, d, h, mi, s, us);
	f->pid = (uint32_t)pv;
	f->tid = (uint32_t)tv;
	f->component = trim(comp);
	f->level = WL_SPAN_NULL;
	f->process = WL_SPAN_NULL;
	f->message = (wl_span){line + pos, n - pos};
	return true;
}

/* Decimal number followed by blanks; advances *pos past the blanks. */
static bool dec_field(const char *line, size_t n, size_t *pos, uint32_t *out)
{
	size_t i = *pos;
	uint64_t v = 0;
	size_t start = i;
	while (i < n && is_digit(line[i]) && i - start < 10)
		v = v * 10 + (uint64_t)(line[i++] - '0');
	if (i == start || i >= n || line[i] != ' ' || v > UINT32_MAX)
		return false;
	while (i < n && line[i] == ' ')
		i++;
	*out = (uint32_t)v;
	*pos = i;
	return true;
}

bool ref_tok_etw(const char *line, size_t n, wl_fields *f)
{
	int y, m, d, h, mi, s;
	int64_t us;
	size_t tl;
	if (n < 30 || !parse_date(line, n, 0, &y, &m, &d) || line[10] != ' ')
		return false;
	if (!parse_time(line + 11, n - 11, '.', &h, &mi, &s, &us, &tl))
		return false;
	size_t pos = 11 + tl;
	if (pos >= n || line[pos] != ' ')
		return false;
	while (pos < n && line[pos] == ' ')
		pos++;
	if (!dec_field(line, n, &pos, &f->pid) || !dec_field(line, n, &pos, &f->tid))
		return false;
	size_t cstart = pos;
	while (pos < n && line[pos] != ' ')
		pos++;
	if (pos == cstart)
		return false;
	f->component = (wl_span){line + cstart, pos - cstart};
	/* The component is padded to 15 columns plus one separator: leading
	 * spaces beyond that belong to the message. */
	size_t mstart = cstart + 16;
	if (mstart < pos + 1)
		mstart = pos + 1;
	if (mstart > n)
		mstart = n;
	for (size_t i = pos; i < mstart; i++) {
		if (line[i] != ' ') {
			mstart = i;
			break;
		}
	}
	f->ts_us = wl_civil_to_us(y, m, d, h, mi, s, us);
	f->level = WL_SPAN_NULL;
	f->process = WL_SPAN_NULL;
	f->message = (wl_span){line + mstart, n - mstart};
	return true;
}

static bool ref_is_header(const char *line, size_t n)
{
	return n >= 19 && is_digit(line[0]) && is_digit(line[3]) && line[4] == '-' &&
	       line[7] == '-' && line[10] == ' ' && line[13] == ':' && line[16] == ':';
}

/* Next run of non-blanks after blanks. */
static bool ws_field(const char *line, size_t n, size_t *pos, wl_span *out)
{
	size_t i = *pos;
	while (i < n && is_blank(line[i]))
		i++;
	size_t start = i;
	while (i < n && !is_blank(line[i]))
		i++;
	if (i == start)
		return false;
	out->p = line + start;
	out->n = i - start;
	*pos = i;
	return true;
}

bool ref_tok_sdist(const char *line, size_t n, wl_fields *f)
{
	int y, m, d, h, mi, s;
	int64_t us;
	size_t tl;
	if (!ref_is_header(line, n) || !parse_date(line, n, '-', &y, &m, &d))
		return false;
	if (!parse_time(line + 11, n - 11, '.', &h, &mi, &s, &us, &tl))
		return false;
	size_t pos = 11 + tl;
	wl_span utc, level, proc, method;
	if (!ws_field(line, n, &pos, &utc) || utc.n != 3 || memcmp(utc.p, "UTC", 3) != 0)
		return false;
	if (!ws_field(line, n, &pos, &level) || !ws_field(line, n, &pos, &proc))
		return false;
	if (!ws_field(line, n, &pos, &method))
		method = WL_SPAN_NULL;
	while (pos < n && is_blank(line[pos]))
		pos++;
	f->ts_us = wl_civil_to_us(y, m, d, h, mi, s, us);
	f->pid = 0;
	f->tid = 0;
	f->level = level;
	f->process = proc;
	f->component = method;
	f->message = (wl_span){line + pos, n - pos};
	return true;
}
