/* Helpers shared by the fuzz targets: invariant checks that abort (libFuzzer
 * and the replay driver both report an abort as a crash), a tiny PRNG that
 * derives chunk sizes from the input, and a touch that makes ASan read every
 * byte of a span. Header-only; each target is one translation unit. */
#ifndef WL_FUZZ_UTIL_H
#define WL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, what)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz invariant failed: %s (%s) at %s:%d\n", what, #cond,  \
			        __FILE__, __LINE__);                                               \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* xorshift64*: deterministic per input, so a crash replays exactly. */
static inline uint64_t fuzz_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* Read every byte of p[0..n) so ASan flags a span into freed or foreign
 * memory; the sum is returned so the reads are not optimised away. */
static inline unsigned fuzz_touch(const char *p, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned char)p[i];
	return sum;
}

#endif
