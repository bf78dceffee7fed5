/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rw_utc_time against glibc's gmtime_r over four centuries and the edges, and the two text forms
 * of rw_utc_format.
 */
#include "testutil.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cleanup.h"
#include "utctime.h"

static void assert_as_gmtime(time_t t)
{
        struct tm want, got;

        assert_non_null(gmtime_r(&t, &want));
        assert_int_equal(rw_utc_time(t, &got), 0);
        if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon ||
            got.tm_mday != want.tm_mday || got.tm_hour != want.tm_hour ||
            got.tm_min != want.tm_min || got.tm_sec != want.tm_sec || got.tm_wday != want.tm_wday ||
            got.tm_yday != want.tm_yday)
                fail_msg("%lld: %d-%d-%d %d:%d:%d wday %d yday %d, gmtime_r says "
                         "%d-%d-%d %d:%d:%d wday %d yday %d",
                         (long long)t, got.tm_year, got.tm_mon, got.tm_mday, got.tm_hour,
                         got.tm_min, got.tm_sec, got.tm_wday, got.tm_yday, want.tm_year,
                         want.tm_mon, want.tm_mday, want.tm_hour, want.tm_min, want.tm_sec,
                         want.tm_wday, want.tm_yday);
}

static void test_as_gmtime(void **state)
{
        static const int64_t edges[] = {
            0,          -1,          1,           86399,       86400,        -86400,
            -86401,     951782400,   951868799,   951868800,   4107542400,   4107628800,
            4102444799, 4102444800,  -2208988800, -2203891200, -62135596800, 253402300799,
            2147483647, -2147483648, 4294967295,  13569465600, -12219292800};
        uint64_t x = 88172645463325252u;

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(edges); i++)
                assert_as_gmtime((time_t)edges[i]);
        /* every day of 400 years from 1800, at a time of day that moves */
        for (int64_t day = -62091; day < -62091 + 146097 + 400; day++)
                assert_as_gmtime((time_t)(day * 86400 + (day * 7919) % 86400));
        /* and scattered seconds from year -9999 to 9999 */
        for (int i = 0; i < 200000; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                assert_as_gmtime((time_t)((int64_t)(x % 631152000000u) - 315576000000));
        }
}

static void test_format(void **state)
{
        char buf[64];

        (void)state;
        assert_int_equal(
            rw_utc_format(&(struct timespec){1764720000, 5000}, false, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "2025-12-03T00:00:00.000005000Z");
        assert_int_equal(
            rw_utc_format(&(struct timespec){1764720000, 5000}, true, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "2025-12-03T00:00:00.000005Z");
        assert_int_equal(rw_utc_format(&(struct timespec){1764720001, 0}, true, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "2025-12-03T00:00:01Z");
        assert_int_equal(rw_utc_format(&(struct timespec){1764720001, 0}, false, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "2025-12-03T00:00:01.000000000Z");
        assert_int_equal(
            rw_utc_format(&(struct timespec){951825600, 123456789}, true, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "2000-02-29T12:00:00.123456789Z");
        /* what does not fit */
        assert_int_equal(rw_utc_format(&(struct timespec){1764720001, 0}, true, buf, 20),
                         -EOVERFLOW);
        assert_int_equal(rw_utc_format(&(struct timespec){1764720001, 5}, true, buf, 21),
                         -EOVERFLOW);
        if (sizeof(time_t) == 8)
                assert_int_equal(
                    rw_utc_format(&(struct timespec){(time_t)INT64_MAX, 0}, true, buf, sizeof(buf)),
                    -EOVERFLOW);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_as_gmtime),
            cmocka_unit_test(test_format),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
