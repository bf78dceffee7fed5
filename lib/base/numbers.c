/* SPDX-License-Identifier: Apache-2.0 */
#include "numbers.h"

bool rw_parse_go_int(const char *s, int64_t *ret)
{
        const uint64_t limit = UINT64_C(1) << 63;
        bool negative = false;
        uint64_t n = 0;

        if (*s == '+' || *s == '-')
                negative = *s++ == '-';
        if (*s == '\0')
                return false;
        for (; *s != '\0'; s++) {
                if (*s < '0' || *s > '9' || n > limit / 10)
                        return false;
                n = n * 10 + (uint64_t)(*s - '0');
                if (n > limit || (!negative && n == limit))
                        return false;
        }
        *ret = negative ? (int64_t)(0 - n) : (int64_t)n;
        return true;
}
