/* Times and codes as wsuslog-query reads and prints them. The index stores
 * UTC microseconds; users type and read ISO 8601 UTC. Conversions use the
 * proleptic Gregorian day count of common/civil.h. */
#include "query.h"

#include <inttypes.h>
#include <stdio.h>

#include "civil.h"

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
	int64_t days = wl_days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (date_only && end_of_day)
		days++;
	*us = ((days * WL_SEC_PER_DAY) + hh * WL_SEC_PER_HOUR + mi * WL_SEC_PER_MIN + ss) *
	      WL_US_PER_SEC;
	return 0;
}

size_t wl_qtime_format(int64_t us, char *buf, size_t n)
{
	/* Floor division: -1 us is 1969-12-31T23:59:59Z, not 1970-01-01. */
	int64_t sec = us / WL_US_PER_SEC - (us % WL_US_PER_SEC < 0);
	int64_t days = sec / WL_SEC_PER_DAY - (sec % WL_SEC_PER_DAY < 0);
	int64_t rem = sec - days * WL_SEC_PER_DAY;
	int64_t y;
	unsigned m, d;
	wl_civil_from_days(days, &y, &m, &d);
	int k = snprintf(buf, n, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", y, m, d,
	                 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
	return k > 0 ? (size_t)k : 0;
}

size_t wl_qcode_format(int64_t code, char *buf, size_t n)
{
	int k = snprintf(buf, n, "%08" PRIX32, (uint32_t)((uint64_t)code & 0xFFFFFFFFu));
	return k > 0 ? (size_t)k : 0;
}
