/* The out-of-line part of chars.h: the short-needle search every parser
 * uses on log lines. */
#include "chars.h"

/* memchr for the needle's first byte that is not a blank, then a compare:
 * glibc's memmem sets up a shift table on each call, which cost more than
 * the search on lines of a hundred bytes. */
const char *wl_find(const char *p, size_t n, const char *lit, size_t ln)
{
	if (n < ln || ln == 0)
		return ln == 0 ? p : NULL;
	size_t k = 0;
	while (k + 1 < ln && lit[k] == ' ')
		k++;
	const char *last = p + (n - ln); /* the last place the needle can start */
	for (const char *q = p + k; q <= last + k;) {
		const char *a = memchr(q, lit[k], (size_t)(last + k - q) + 1);
		if (!a)
			return NULL;
		if (memcmp(a - k, lit, ln) == 0)
			return a - k;
		q = a + 1;
	}
	return NULL;
}
