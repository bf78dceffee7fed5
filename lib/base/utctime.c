/* SPDX-License-Identifier: Apache-2.0 */
#include "utctime.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 to a proleptic Gregorian date: the calendar repeats every 400 years
 * (146097 days); counted from 0000-03-01, the leap day falls at the end of each year. */
int rw_utc_time(time_t t, struct tm *ret)
{
        int64_t days = (int64_t)(t / 86400), secs = (int64_t)(t % 86400);
        int64_t era, doe, yoe, doy, mp, year;
        unsigned month, mday;

        if (secs < 0) {
                secs += 86400;
                days--;
        }
        days += 719468; /* 0000-03-01 to 1970-01-01 */
        era = (days >= 0 ? days : days - 146096) / 146097;
        doe = days - era * 146097;                                   /* [0, 146096] */
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365], from March */
        mp = (5 * doy + 2) / 153;                                    /* [0, 11], March is 0 */
        mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
        month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
        year = yoe + era * 400 + (month <= 2);
        if (year - 1900 > INT_MAX || year - 1900 < INT_MIN)
                return -EOVERFLOW;

        memset(ret, 0, sizeof(*ret));
        ret->tm_year = (int)(year - 1900);
        ret->tm_mon = (int)month - 1;
        ret->tm_mday = (int)mday;
        ret->tm_hour = (int)(secs / 3600);
        ret->tm_min = (int)(secs / 60 % 60);
        ret->tm_sec = (int)(secs % 60);
        /* 1970-01-01 was a Thursday */
        ret->tm_wday = (int)(((days - 719468) % 7 + 11) % 7);
        {
                bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                /* doy counts from March 1st */
                ret->tm_yday = (int)(doy >= 306 ? doy - 306 : doy + 59 + leap);
        }
        return 0;
}

int rw_utc_format(const struct timespec *ts, bool trim, char *buf, size_t size)
{
        long nsec = ts->tv_nsec;
        int digits = 9, n;
        struct tm tm;

        if (rw_utc_time(ts->tv_sec, &tm) < 0)
                return -EOVERFLOW;
        if (nsec < 0 || nsec > 999999999)
                nsec = 0;
        n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (n < 0 || (size_t)n >= size)
                return -EOVERFLOW;
        if (trim) {
                while (nsec != 0 && nsec % 10 == 0) {
                        nsec /= 10;
                        digits--;
                }
                if (nsec == 0)
                        digits = 0;
        }
        if (digits == 0)
                n += snprintf(buf + n, size - (size_t)n, "Z");
        else
                n += snprintf(buf + n, size - (size_t)n, ".%0*ldZ", digits, nsec);
        if ((size_t)n >= size)
                return -EOVERFLOW;
        return 0;
}
