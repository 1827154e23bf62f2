/* Bytes as the parsers see them: hex digits, ASCII case, words, and
 * literal prefixes and needles whose length the compiler counts. Log text
 * is a byte span (NUL is data), so none of this stops at a NUL. One home
 * for what every parser needs (docs/STYLE.md, "One home per idea"). */
#ifndef WSUSLOG_COMMON_CHARS_H
#define WSUSLOG_COMMON_CHARS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The value of a hex digit in either case, or -1. */
static inline int wl_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ASCII lower case; other bytes (UTF-8 included) unchanged. */
static inline char wl_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* A byte of a word: ASCII letters, digits, '_'. */
static inline bool wl_is_word_byte(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

static inline bool wl_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A string literal as the (pointer, length) pair the span functions take. */
#define WL_LIT(lit) (lit), (sizeof(lit) - 1)

/* Does p[0..n) start with lit[0..ln)? */
static inline bool wl_starts(const char *p, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(p, lit, ln) == 0;
}
#define WL_STARTS(p, n, lit) wl_starts((p), (n), WL_LIT(lit))

/* If p[0..n) starts with lit, move *p and *n past it and return true. */
static inline bool wl_skip(const char **p, size_t *n, const char *lit, size_t ln)
{
	if (!wl_starts(*p, *n, lit, ln))
		return false;
	*p += ln;
	*n -= ln;
	return true;
}
#define WL_SKIP(p, n, lit) wl_skip(&(p), &(n), WL_LIT(lit))

/* memmem for short needles in short texts: the first lit[0..ln) in
 * p[0..n), or NULL (p when ln is 0). */
const char *wl_find(const char *p, size_t n, const char *lit, size_t ln);
#define WL_FIND(p, n, lit) wl_find((p), (n), WL_LIT(lit))

/* Just past the first lit in p[0..n), or NULL: where its value starts. */
static inline const char *wl_find_after(const char *p, size_t n, const char *lit, size_t ln)
{
	const char *a = wl_find(p, n, lit, ln);
	return a ? a + ln : NULL;
}
#define WL_AFTER(p, n, lit) wl_find_after((p), (n), WL_LIT(lit))

#endif
