/* wsuslog-gen: the error-line grammar of docs/EVENTS.md, applied to every
 * client line the generator writes, so that events.csv lists exactly the
 * lines an indexer following that grammar must report. It is written from
 * the document, not from the indexer's extractor: the e2e test compares the
 * two, and a disagreement is a bug in one of them. */
#include "gen.h"

static inline int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int is_word(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

/* A bare token may not touch these: they make it part of a name, a number,
 * a GUID or a path. */
static inline int glues(char c)
{
	return is_word(c) || c == '-' || c == '{' || c == '}' || c == '\\' || c == '/';
}

static inline char low(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static uint32_t hex_value(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = low(p[i]);
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

static int word_is(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n != k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (low(p[i]) != w[i])
			return 0;
	return 1;
}

/* Does a code key end just before p[i] (blanks, at most one of "=:(,",
 * blanks)? Only then may a token of decimal digits be a code. */
static int after_key(const char *p, size_t i)
{
	static const char *const keys[] = {"hr",     "hresult", "error",  "code",   "result",
	                                   "status", "with",    "failed", "failure"};
	size_t j = i;
	while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t'))
		j--;
	if (j > 0 && (p[j - 1] == '=' || p[j - 1] == ':' || p[j - 1] == '(' || p[j - 1] == ',')) {
		j--;
		while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t'))
			j--;
	}
	size_t e = j;
	while (j > 0 && is_word(p[j - 1]))
		j--;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (word_is(p + j, e - j, keys[k]))
			return 1;
	return 0;
}

/* The first code token with bit 31 set (a failure), or 0. */
static int first_failure(const char *p, size_t n, uint32_t *code)
{
	size_t i = 0;
	while (i < n) {
		char c = p[i];
		if (!is_hex(c)) {
			i++;
			continue;
		}
		if (i > 0 && is_word(p[i - 1])) { /* inside a word or number */
			while (i < n && is_word(p[i]))
				i++;
			continue;
		}
		/* 0x / 0X + 8 hex, not followed by more of a word */
		if (c == '0' && i + 10 <= n && (p[i + 1] == 'x' || p[i + 1] == 'X')) {
			size_t k = 0;
			while (k < 8 && is_hex(p[i + 2 + k]))
				k++;
			if (k == 8 && (i + 10 == n || !is_word(p[i + 10]))) {
				uint32_t v = hex_value(p + i + 2);
				if (v & 0x80000000u) {
					*code = v;
					return 1;
				}
			}
			i += 2;
			continue;
		}
		size_t run = 0, letters = 0;
		while (i + run < n && is_hex(p[i + run])) {
			letters += p[i + run] > '9';
			run++;
		}
		if (run == 8) {
			size_t e = i + 8;
			int bracket = i > 0 && p[i - 1] == '[' && e < n && p[e] == ']';
			int alone =
			    (i == 0 || !glues(p[i - 1])) &&
			    (e == n || (!glues(p[e]) && (p[e] != '.' || e + 1 == n ||
			                                 p[e + 1] == ' ' || p[e + 1] == '\t')));
			if (bracket || (alone && (letters || after_key(p, i)))) {
				uint32_t v = hex_value(p + i);
				if (v & 0x80000000u) {
					*code = v;
					return 1;
				}
			}
		}
		i += run;
		while (i < n && is_word(p[i]))
			i++;
	}
	return 0;
}

static int has_error_word(const char *p, size_t n)
{
	static const char *const words[] = {"fail",     "fails", "failed", "failing", "failure",
	                                    "failures", "error", "errors", "fatal",   "warning"};
	size_t i = 0;
	while (i < n) {
		if (!is_word(p[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < n && is_word(p[i]))
			i++;
		size_t len = i - s;
		if (len < 4 || len > 8)
			continue;
		for (size_t k = 0; k < sizeof words / sizeof *words; k++)
			if (word_is(p + s, len, words[k]))
				return 1;
	}
	return 0;
}

static int starts(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p, lit, k) == 0;
}

int wl_gen_event_kind(const char *m, size_t n, uint32_t *code)
{
	while (n > 0 && (*m == ' ' || *m == '\t'))
		m++, n--;
	/* Rule 1: *FAILED* [HHHHHHHH] */
	if (starts(m, n, "*FAILED* [")) {
		if (n >= 19 && m[18] == ']') {
			for (int i = 10; i < 18; i++)
				if (!is_hex(m[i]))
					return 0;
			*code = hex_value(m + 10);
			return 1;
		}
		return 0;
	}
	while (n > 0 &&
	       (*m == ' ' || *m == '\t' || *m == '*' || *m == '#' || *m == '-' || *m == '+'))
		m++, n--;
	/* Rule 2: a level word, then a failure code after it. The SOAP fault
	 * lines (kind 4) carry no code token. */
	int kind = starts(m, n, "WARNING:") ? 2 : starts(m, n, "FATAL:") ? 3 : 0;
	if (kind) {
		size_t skip = kind == 2 ? 8 : 6;
		return first_failure(m + skip, n - skip, code) ? kind : 0;
	}
	/* Scan ends (kind 7) and SOAP fault details (kind 4) stay what they are. */
	if (starts(m, n, "END") || starts(m, n, "WS error: <detail>"))
		return 0;
	/* Rule 3: an error word and a failure code anywhere in the line. */
	if (first_failure(m, n, code) && has_error_word(m, n))
		return 9;
	return 0;
}
