/* Howard Hinnant's algorithms ("chrono-Compatible Low-Level Date
 * Algorithms"): eras of 400 years, March-based years so the leap day is
 * the last of its year. */
#include "civil.h"

int64_t wl_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void wl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t wl_civil_to_us(int y, int m, int d, int h, int mi, int s, int64_t us)
{
	const int64_t days = wl_days_from_civil(y, (unsigned)m, (unsigned)d);
	const int64_t secs = days * WL_SEC_PER_DAY + h * WL_SEC_PER_HOUR + mi * WL_SEC_PER_MIN + s;
	return secs * WL_US_PER_SEC + us;
}
