/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Timestamps in UTC, as the decision log and the engine's log carry them. */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * gmtime_r() without the time zone: glibc reads /etc/localtime (or $TZ) on the first call of
 * gmtime_r() too, a file and a few hundred microseconds of parsing nobody needs for UTC. Fills
 * tm_year, tm_mon, tm_mday, tm_hour, tm_min, tm_sec, tm_wday and tm_yday; -EOVERFLOW when the
 * year does not fit an int.
 */
int rw_utc_time(time_t t, struct tm *ret);

/*
 * RFC 3339 in UTC: "2006-01-02T15:04:05" then, with `trim` false, ".NNNNNNNNNZ" (nine digits,
 * always), with `trim` true Go's time.RFC3339Nano (trailing zeros of the fraction dropped, no
 * fraction at all for a whole second). -EOVERFLOW when the time or the text does not fit.
 */
int rw_utc_format(const struct timespec *ts, bool trim, char *buf, size_t size);
