/* Times and codes as wsuslog-query reads and prints them. The index stores
 * UTC microseconds; users type and read ISO 8601 UTC. Conversions use the
 * proleptic Gregorian day count (H. Hinnant's days_from_civil), not
 * timegm/gmtime: those depend on the C library and TZ, and timegm is not
 * standard C. */
#include "query.h"

#include <inttypes.h>
#include <stdio.h>

#define US_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at s; -1 unless all are digits. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static unsigned month_days(int y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return days[m - 1] + (m == 2 && leap);
}

int wl_qtime_parse(const char *s, int end_of_day, int64_t *us)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	const char *p = s;
	/* Every digit and separator is checked before the next is read, so the
	 * scan never passes the terminating NUL. */
	if ((y = digits(p, 4)) < 0 || p[4] != '-')
		return -1;
	if ((mo = digits(p + 5, 2)) < 0 || p[7] != '-')
		return -1;
	if ((d = digits(p + 8, 2)) < 0)
		return -1;
	p += 10;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > month_days(y, (unsigned)mo))
		return -1;
	int date_only = *p == '\0';
	if (!date_only) {
		if (*p != 'T' && *p != ' ')
			return -1;
		if ((hh = digits(p + 1, 2)) < 0 || p[3] != ':')
			return -1;
		if ((mi = digits(p + 4, 2)) < 0)
			return -1;
		p += 6;
		if (*p == ':') {
			if ((ss = digits(p + 1, 2)) < 0)
				return -1;
			p += 3;
		}
		if (*p == 'Z')
			p++;
		if (*p != '\0' || hh > 23 || mi > 59 || ss > 59)
			return -1;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (date_only && end_of_day)
		days++;
	*us = ((days * SEC_PER_DAY) + hh * 3600 + mi * 60 + ss) * US_PER_SEC;
	return 0;
}

size_t wl_qtime_format(int64_t us, char *buf, size_t n)
{
	/* Floor division: -1 us is 1969-12-31T23:59:59Z, not 1970-01-01. */
	int64_t sec = us / US_PER_SEC - (us % US_PER_SEC < 0);
	int64_t days = sec / SEC_PER_DAY - (sec % SEC_PER_DAY < 0);
	int64_t rem = sec - days * SEC_PER_DAY;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int k = snprintf(buf, n, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", y, m, d,
	                 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
	return k > 0 ? (size_t)k : 0;
}

size_t wl_qcode_format(int64_t code, char *buf, size_t n)
{
	int k = snprintf(buf, n, "%08" PRIX32, (uint32_t)((uint64_t)code & 0xFFFFFFFFu));
	return k > 0 ? (size_t)k : 0;
}
