/* Calendar arithmetic on the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil / civil_from_days), for both programs and the
 * generator: timegm/gmtime depend on the C library and TZ, and timegm is
 * not standard C. Times are microseconds since 1970-01-01 UTC. */
#ifndef WSUSLOG_COMMON_CIVIL_H
#define WSUSLOG_COMMON_CIVIL_H

#include <stdint.h>

#define WL_US_PER_SEC INT64_C(1000000)
#define WL_SEC_PER_MIN INT64_C(60)
#define WL_SEC_PER_HOUR INT64_C(3600)
#define WL_SEC_PER_DAY INT64_C(86400)
#define WL_US_PER_MIN (WL_SEC_PER_MIN * WL_US_PER_SEC)
#define WL_US_PER_DAY (WL_SEC_PER_DAY * WL_US_PER_SEC)

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31; any year). */
int64_t wl_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of day z (days from 1970-01-01). */
void wl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* y-m-d h:mi:s plus us microseconds, as microseconds since the epoch. */
int64_t wl_civil_to_us(int y, int m, int d, int h, int mi, int s, int64_t us);

#endif
