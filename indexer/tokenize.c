/* Pipeline stage 4a: line -> header fields. Every check is a bounds-checked
 * byte comparison (log bytes may hold NUL and anything else); the message is
 * never scanned here, so splitting costs a few dozen byte reads per line. */
#include "tokenize.h"

#include <string.h>

#include "chars.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Two decimal digits at p, or -1 if either is not a digit. */
static inline int dig2(const char *p)
{
	unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
	return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* YYYY?MM?DD with separator sep (any of "-/." if sep is 0). */
static inline bool parse_date(const char *p, size_t n, char sep, int *y, int *m, int *d)
{
	if (n < 10)
		return false;
	char s1 = p[4], s2 = p[7];
	if (s1 != s2)
		return false;
	if (sep ? s1 != sep : (s1 != '-' && s1 != '/' && s1 != '.'))
		return false;
	int hi = dig2(p), lo = dig2(p + 2);
	if (hi < 0 || lo < 0)
		return false;
	*y = hi * 100 + lo;
	*m = dig2(p + 5);
	*d = dig2(p + 8);
	return *y >= 1970 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* HH:MM:SS then fraction introduced by frac_sep (':' classic, '.' others);
 * *len gets the bytes consumed. The fraction is optional; its first six
 * digits make the microseconds, further ones are read and dropped. */
static inline bool parse_time(const char *p, size_t n, char frac_sep, int *h, int *mi, int *s,
                              int64_t *us, size_t *len)
{
	static const int64_t pow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	if (n < 8 || p[2] != ':' || p[5] != ':')
		return false;
	*h = dig2(p);
	*mi = dig2(p + 3);
	*s = dig2(p + 6);
	if (*h < 0 || *h > 23 || *mi < 0 || *mi > 59 || *s < 0 || *s > 60)
		return false;
	size_t i = 8;
	*us = 0;
	if (i < n && p[i] == frac_sep) {
		i++;
		size_t start = i, lim = n - i < 6 ? n : i + 6;
		int64_t v = 0;
		while (i < lim && is_digit(p[i]))
			v = v * 10 + (p[i++] - '0');
		if (i == start)
			return false;
		*us = v * pow10[6 - (i - start)];
		while (i < n && is_digit(p[i]))
			i++;
	}
	*len = i;
	return true;
}

/* First blank (space or TAB) at or after i, or n. */
static inline size_t find_blank(const char *line, size_t n, size_t i)
{
#if defined(__SSE2__)
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(line + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && !is_blank(line[i]))
		i++;
	return i;
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

/* The first five TAB-ended fields, as five tab_field calls would take them,
 * when all five TABs lie in the first 64 bytes; false otherwise. */
static bool tab_fields5(const char *line, size_t n, size_t *pos, wl_span out[5])
{
#if defined(__SSE2__)
	if (n < 64)
		return false;
	const __m128i tab = _mm_set1_epi8('\t');
	uint64_t m = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(line + 16 * k));
		m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)) << (16 * k);
	}
	size_t at = 0;
	for (int k = 0; k < 5; k++, m &= m - 1) {
		if (!m)
			return false;
		size_t t = (size_t)__builtin_ctzll(m);
		out[k] = (wl_span){line + at, t - at};
		at = t + 1;
	}
	*pos = at;
	return true;
#else
	(void)line;
	(void)n;
	(void)pos;
	(void)out;
	return false;
#endif
}

bool wl_tok_classic(const char *line, size_t n, wl_fields *f)
{
	size_t pos = 0;
	wl_span fld[5];
	if (!tab_fields5(line, n, &pos, fld) &&
	    !(tab_field(line, n, &pos, &fld[0]) && tab_field(line, n, &pos, &fld[1]) &&
	      tab_field(line, n, &pos, &fld[2]) && tab_field(line, n, &pos, &fld[3]) &&
	      tab_field(line, n, &pos, &fld[4]))) {
		pos = 0;
		if (!blank_field(line, n, &pos, &fld[0]) || !blank_field(line, n, &pos, &fld[1]) ||
		    !blank_field(line, n, &pos, &fld[2]) || !blank_field(line, n, &pos, &fld[3]) ||
		    !blank_field(line, n, &pos, &fld[4]))
			return false;
	}
	wl_span date = fld[0], time = fld[1], pid = fld[2], tid = fld[3], comp = fld[4];
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
		int v = wl_hex_value(tid.p[i]);
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

bool wl_tok_etw(const char *line, size_t n, wl_fields *f)
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

bool wl_tok_sdist_is_header(const char *line, size_t n)
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
	i = find_blank(line, n, i);
	if (i == start)
		return false;
	out->p = line + start;
	out->n = i - start;
	*pos = i;
	return true;
}

bool wl_tok_sdist(const char *line, size_t n, wl_fields *f)
{
	int y, m, d, h, mi, s;
	int64_t us;
	size_t tl;
	if (!wl_tok_sdist_is_header(line, n) || !parse_date(line, n, '-', &y, &m, &d))
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

wl_format wl_tok_sniff_line(const char *line, size_t n)
{
	wl_fields f;
	if (n >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
	    (unsigned char)line[2] == 0xBF) {
		line += 3;
		n -= 3;
	}
	if (wl_tok_classic(line, n, &f))
		return WL_FMT_WU_CLASSIC;
	if (wl_tok_sdist(line, n, &f))
		return WL_FMT_SDIST;
	if (wl_tok_etw(line, n, &f))
		return WL_FMT_WU_ETW;
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i >= 14 && memcmp(line + i, "<configuration", 14) == 0)
		return WL_FMT_WEBCONFIG;
	return WL_FMT_UNKNOWN;
}
