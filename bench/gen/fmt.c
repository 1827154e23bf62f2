/* wsuslog-gen: the PRNG seeding and the hand-written integer, date and GUID
 * writers every renderer uses. They write into a caller's buffer and return
 * the end, so a line is built without snprintf on the hot path. */
#include "gen.h"

#include <string.h>

#include "civil.h"

uint64_t wl_gen_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void wl_gen_rng_seed(wl_gen_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = wl_gen_mix(seed);
	x = wl_gen_mix(x ^ a);
	x = wl_gen_mix(x ^ (b * 0x100000001b3ULL));
	x = wl_gen_mix(x ^ (c * 0xc2b2ae3d27d4eb4fULL));
	for (int i = 0; i < 4; i++) {
		x = wl_gen_mix(x + (uint64_t)i);
		r->s[i] = x;
	}
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

char *wl_gen_put_2d(char *p, unsigned v)
{
	memcpy(p, digits2 + 2 * (v % 100), 2);
	return p + 2;
}

char *wl_gen_put_3d(char *p, unsigned v)
{
	p[0] = (char)('0' + (v / 100) % 10);
	memcpy(p + 1, digits2 + 2 * (v % 100), 2);
	return p + 3;
}

char *wl_gen_put_u(char *p, uint64_t v)
{
	char tmp[24];
	char *e = tmp + sizeof tmp;
	char *q = e;
	while (v >= 100) {
		q -= 2;
		memcpy(q, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, digits2 + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	size_t n = (size_t)(e - q);
	memcpy(p, q, n);
	return p + n;
}

static unsigned ndigits(uint64_t v)
{
	unsigned n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

char *wl_gen_put_u_right(char *p, uint64_t v, unsigned width)
{
	unsigned n = ndigits(v);
	while (n < width) {
		*p++ = ' ';
		n++;
	}
	return wl_gen_put_u(p, v);
}

char *wl_gen_put_u_left(char *p, uint64_t v, unsigned width)
{
	char *s = p;
	p = wl_gen_put_u(p, v);
	while ((unsigned)(p - s) < width)
		*p++ = ' ';
	return p;
}

static const char hexl[] = "0123456789abcdef";
static const char hexu[] = "0123456789ABCDEF";

char *wl_gen_put_hex8(char *p, uint32_t v, int upper)
{
	const char *h = upper ? hexu : hexl;
	for (int i = 7; i >= 0; i--) {
		p[i] = h[v & 15];
		v >>= 4;
	}
	return p + 8;
}

char *wl_gen_put_hex_right(char *p, uint32_t v, unsigned width)
{
	char tmp[8];
	unsigned n = 0;
	do {
		tmp[n++] = hexl[v & 15];
		v >>= 4;
	} while (v);
	while (width > n) {
		*p++ = ' ';
		width--;
	}
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *wl_gen_put_guid(char *p, const uint8_t g[16], int upper)
{
	const char *h = upper ? hexu : hexl;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = h[g[i] >> 4];
		*p++ = h[g[i] & 15];
	}
	return p;
}

char *wl_gen_put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

char *wl_gen_put_date(char *p, int64_t days, char sep)
{
	int64_t y;
	unsigned m, d;
	wl_civil_from_days(days, &y, &m, &d);
	p = wl_gen_put_2d(p, (unsigned)y / 100);
	p = wl_gen_put_2d(p, (unsigned)y % 100);
	*p++ = sep;
	p = wl_gen_put_2d(p, m);
	*p++ = sep;
	return wl_gen_put_2d(p, d);
}

char *wl_gen_put_tz(char *p, int tz_min)
{
	unsigned a = (unsigned)(tz_min < 0 ? -tz_min : tz_min);
	*p++ = tz_min < 0 ? '-' : '+';
	p = wl_gen_put_2d(p, a / 60);
	return wl_gen_put_2d(p, a % 60);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

char *wl_gen_put_iso_s(char *p, int64_t t)
{
	int64_t days = floordiv(t, WL_GEN_TICKS_DAY);
	int64_t tod = t - days * WL_GEN_TICKS_DAY;
	unsigned sec = (unsigned)(tod / WL_GEN_TICKS_SEC);
	p = wl_gen_put_date(p, days, '-');
	*p++ = 'T';
	p = wl_gen_put_2d(p, sec / 3600);
	*p++ = ':';
	p = wl_gen_put_2d(p, sec / 60 % 60);
	*p++ = ':';
	p = wl_gen_put_2d(p, sec % 60);
	*p++ = 'Z';
	return p;
}

char *wl_gen_put_iso_us(char *p, int64_t t)
{
	int64_t days = floordiv(t, WL_GEN_TICKS_DAY);
	int64_t tod = t - days * WL_GEN_TICKS_DAY;
	unsigned us = (unsigned)(tod % WL_GEN_TICKS_SEC / 10);
	p = wl_gen_put_iso_s(p, t);
	p[-1] = '.';
	p = wl_gen_put_3d(p, us / 1000);
	p = wl_gen_put_3d(p, us % 1000);
	*p++ = 'Z';
	return p;
}

void wl_gen_guid_new(wl_gen_rng *r, uint8_t g[16])
{
	uint64_t a = wl_gen_next(r), b = wl_gen_next(r);
	for (int i = 0; i < 8; i++) {
		g[i] = (uint8_t)(a >> (8 * i));
		g[8 + i] = (uint8_t)(b >> (8 * i));
	}
	g[6] = (uint8_t)((g[6] & 0x0f) | 0x40); /* version 4 */
	g[8] = (uint8_t)((g[8] & 0x3f) | 0x80); /* variant */
}
