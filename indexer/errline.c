/* The grammar of "an error line with a code", docs/EVENTS.md. Everything
 * here is a rule about bytes, never about one message's text: the held-out
 * logs this is judged on print messages no sample shows. */
#include "errline.h"

#include <string.h>

#include "chars.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A byte of a word: letters, digits, '_'. */
/* Before a bare token: what separates a value from its key or from the
 * text before it. Not '-', '{', '.', '\\' or '/': a token there is part of
 * a GUID, a version or a path. */
static bool bare_before(char c)
{
	return c == ' ' || c == '\t' || c == '=' || c == ':' || c == '(' || c == '[' || c == ',' ||
	       c == ';' || c == '\'' || c == '"' || c == '<' || c == '>';
}

/* After a bare token; a '.' only where a sentence ends (p[e] is the
 * byte after the token, e < n). */
static bool bare_after(const char *p, size_t n, size_t e)
{
	char c = p[e];
	if (c == '.')
		return e + 1 == n || p[e + 1] == ' ' || p[e + 1] == '\t' || p[e + 1] == '\r';
	return c == ' ' || c == '\t' || c == '\r' || c == ')' || c == ']' || c == ',' || c == ';' ||
	       c == '\'' || c == '"' || c == '<' || c == '>' || c == ':';
}

/* The word before a value names it a code: it ends in one of these, in any
 * case ("hr", "HResult", "ErrorCode", "Exit code", "failed with"). */
static bool code_key_before(const char *p, size_t at)
{
	static const char *const keys[] = {"hr",     "hresult", "error",  "code",   "result",
	                                   "status", "with",    "failed", "failure"};
	size_t j = at;
	while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t'))
		j--;
	if (j > 0 && (p[j - 1] == '=' || p[j - 1] == ':' || p[j - 1] == '(' || p[j - 1] == ','))
		j--;
	while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t'))
		j--;
	size_t end = j;
	while (j > 0 && ((p[j - 1] | 0x20) >= 'a' && (p[j - 1] | 0x20) <= 'z'))
		j--;
	size_t wn = end - j;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		size_t kn = strlen(keys[k]);
		if (wn < kn)
			continue;
		size_t i = 0;
		while (i < kn && wl_ascii_lower(p[end - kn + i]) == keys[k][i])
			i++;
		if (i == kn)
			return true;
	}
	return false;
}

/* The 8 hex digits p[s..s+8) as a code token, given the bytes around them
 * (docs/EVENTS.md): 0x-prefixed, bracketed, or bare. */
static bool code_token(const char *p, size_t n, size_t s, uint32_t *v)
{
	size_t e = s + 8;
	if (s >= 2 && (p[s - 1] == 'x' || p[s - 1] == 'X') && p[s - 2] == '0') {
		/* 0x8024402C: the prefix starts a word of its own. */
		if ((s >= 3 && wl_is_word_byte(p[s - 3])) || (e < n && wl_is_word_byte(p[e])))
			return false;
	} else if (s >= 1 && p[s - 1] == '[' && e < n && p[e] == ']') {
		/* [80244007]: brackets say "this is a code" as 0x does. */
	} else {
		if ((s > 0 && !bare_before(p[s - 1])) || (e < n && !bare_after(p, n, e)))
			return false;
		bool letter = false;
		for (size_t i = s; i < e; i++)
			letter |= p[i] > '9';
		/* 80070002 alone could be a decimal number; after a code key
		 * it is a code. 8024402C cannot be decimal. */
		if (!letter && !code_key_before(p, s))
			return false;
	}
	uint32_t x = 0;
	for (size_t i = s; i < e; i++)
		x = x << 4 | (uint32_t)wl_hex_value(p[i]);
	*v = x;
	return true;
}

/* The scalar walk: every maximal run of hex digits. */
bool wl_find_hresult_scalar(const char *p, size_t n, uint32_t *out)
{
	size_t i = 0;
	while (i < n) {
		if (wl_hex_value(p[i]) < 0) {
			i++;
			continue;
		}
		size_t e = i;
		while (e < n && wl_hex_value(p[e]) >= 0)
			e++;
		uint32_t v;
		/* Exactly 8 digits: a longer run is a hash, a path or an id. */
		if (e - i == 8 && code_token(p, n, i, &v) && (v & 0x80000000u)) {
			*out = v;
			return true;
		}
		i = e;
	}
	return false;
}

bool wl_error_word(const char *p, size_t n)
{
	static const char *const words[] = {"fail",     "fails", "failed", "failing", "failure",
	                                    "failures", "error", "errors", "fatal",   "warning"};
	size_t i = 0;
	while (i < n) {
		if (!wl_is_word_byte(p[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < n && wl_is_word_byte(p[i]))
			i++;
		size_t wn = i - s;
		char c = wl_ascii_lower(p[s]);
		if (wn < 4 || wn > 8 || (c != 'f' && c != 'e' && c != 'w'))
			continue;
		for (size_t k = 0; k < sizeof words / sizeof *words; k++) {
			if (strlen(words[k]) != wn)
				continue;
			size_t j = 0;
			while (j < wn && wl_ascii_lower(p[s + j]) == words[k][j])
				j++;
			if (j == wn)
				return true;
		}
	}
	return false;
}

#if defined(__SSE2__)
/* Bit i set where w[i] is a hex digit, for the 16 bytes at w. */
static inline uint32_t hex_mask16(const char *w)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)w);
	const __m128i zero = _mm_setzero_si128();
	/* c in [lo, lo + span] <=> (c - lo) saturating-minus span == 0 */
	__m128i d = _mm_subs_epu8(_mm_sub_epi8(x, _mm_set1_epi8('0')), _mm_set1_epi8(9));
	__m128i l =
	    _mm_subs_epu8(_mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a')),
	                  _mm_set1_epi8(5));
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(d, zero), _mm_cmpeq_epi8(l, zero));
	return (uint32_t)_mm_movemask_epi8(m);
}
#endif

/* The hex-digit mask of p[0..n), 64 bytes a word, for lines of up to
 * MASK_WORDS * 64 bytes; the last word is zero-padded. */
#define MASK_WORDS 32

#if defined(__SSE2__)
static inline uint64_t hex_mask64(const char *w)
{
	return (uint64_t)hex_mask16(w) | (uint64_t)hex_mask16(w + 16) << 16 |
	       (uint64_t)hex_mask16(w + 32) << 32 | (uint64_t)hex_mask16(w + 48) << 48;
}

static size_t hex_mask(const char *p, size_t n, uint64_t *m)
{
	size_t k = 0, i = 0;
	for (; i + 64 <= n; i += 64)
		m[k++] = hex_mask64(p + i);
	if (i < n) {
		/* 16-byte pieces, read in place: no load reads past the line. */
		uint64_t w = 0;
		unsigned shift = 0;
		for (; i + 16 <= n; i += 16, shift += 16)
			w |= (uint64_t)hex_mask16(p + i) << shift;
		if (i < n) {
			/* The line's last 16 bytes, shifted down to byte i: a copy
			 * into a buffer would stall the load on the stores. */
			uint64_t t;
			if (n >= 16) {
				t = hex_mask16(p + n - 16) >> (i - (n - 16));
			} else {
				t = 0;
				for (size_t j = i; j < n; j++)
					t |= (uint64_t)(wl_hex_value(p[j]) >= 0) << (j - i);
			}
			w |= t << shift;
		}
		m[k++] = w;
	}
	return k;
}
#endif

/* Most lines hold no run of exactly 8 hex digits; those that do are GUIDs'
 * first groups more often than codes. The mask finds the runs' starts for
 * a whole word of bytes at once, and only those are looked at. */
bool wl_find_hresult(const char *p, size_t n, uint32_t *out)
{
#if defined(__SSE2__)
	uint64_t m[MASK_WORDS + 1];
	if (n > MASK_WORDS * 64)
		return wl_find_hresult_scalar(p, n, out);
	size_t words = hex_mask(p, n, m);
	m[words] = 0;
	uint64_t prev = 0; /* the last bit of the word before */
	for (size_t k = 0; k < words; k++) {
		const uint64_t w = m[k], nx = m[k + 1];
		/* bit i of shr(j): bit i + j of the line's mask, across words */
#define SHR(j) (w >> (j) | nx << (64 - (j)))
		const uint64_t run8 =
		    w & SHR(1) & SHR(2) & SHR(3) & SHR(4) & SHR(5) & SHR(6) & SHR(7);
		/* a run starts at i (bit i-1 clear) and ends at i+7 (bit i+8 clear) */
		uint64_t exact = run8 & ~(w << 1 | prev) & ~SHR(8);
#undef SHR
		prev = m[k] >> 63;
		for (; exact; exact &= exact - 1) {
			size_t s = k * 64 + (size_t)__builtin_ctzll(exact);
			uint32_t v;
			if (wl_hex_value(p[s]) >= 8 && code_token(p, n, s, &v)) {
				*out = v;
				return true;
			}
		}
	}
	return false;
#else
	return wl_find_hresult_scalar(p, n, out);
#endif
}
