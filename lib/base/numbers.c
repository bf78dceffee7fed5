/* SPDX-License-Identifier: Apache-2.0 */
#include "numbers.h"

#include <stdlib.h>
#include <string.h>

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

static int digit_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'Z')
                return c - 'A' + 10;
        return 99;
}

bool rw_parse_go_int_base0(const char *s, int64_t *ret)
{
        const uint64_t limit = UINT64_C(1) << 63;
        bool negative = false, prefixed = false, last_underscore = false, any = false;
        unsigned base = 10;
        uint64_t n = 0;

        if (*s == '+' || *s == '-')
                negative = *s++ == '-';
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16, s += 2, prefixed = true;
        } else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
                base = 8, s += 2, prefixed = true;
        } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
                base = 2, s += 2, prefixed = true;
        } else if (s[0] == '0' && s[1] != '\0') {
                base = 8, s += 1, any = true; /* the leading 0 is a digit */
                prefixed = true;
        }
        /* Go: '_' only between digits, or right after a base prefix */
        if (*s == '_' && !prefixed)
                return false;
        for (; *s != '\0'; s++) {
                int d;

                if (*s == '_') {
                        if (last_underscore)
                                return false;
                        last_underscore = true;
                        continue;
                }
                d = digit_value(*s);
                if ((unsigned)d >= base || n > (limit - (uint64_t)d) / base)
                        return false;
                n = n * base + (uint64_t)d;
                last_underscore = false;
                any = true;
        }
        if (!any || last_underscore || n > limit || (!negative && n == limit))
                return false;
        *ret = negative ? (int64_t)(0 - n) : (int64_t)n;
        return true;
}

bool rw_parse_ram_bytes(const char *s, int64_t *ret)
{
        static const char units[] = "kmgtp";
        const char *p = s, *num_end;
        double value = 0, scale = 1;
        int exponent = 0;
        char *end;

        /* ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
        if (*p < '0' || *p > '9')
                return false;
        while ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))
                p++;
        num_end = p;
        if (*p == ' ')
                p++;
        if (*p != '\0') {
                const char *u = strchr(units, *p | 0x20);

                if (u != NULL && *p != '\0') {
                        exponent = (int)(u - units) + 1;
                        p++;
                }
        }
        if (*p == 'i' || *p == 'I')
                p++;
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p != '\0')
                return false;
        {
                char number[64];
                size_t len = (size_t)(num_end - s);

                if (len >= sizeof(number))
                        return false;
                memcpy(number, s, len);
                number[len] = '\0';
                /* Go's ParseFloat rejects "1.2.3"; strtod would stop at the second dot */
                value = strtod(number, &end);
                if (*end != '\0')
                        return false;
        }
        for (int i = 0; i < exponent; i++)
                scale *= 1024;
        value *= scale;
        if (value >= 9223372036854775807.0)
                return false;
        *ret = (int64_t)value;
        return true;
}

bool rw_parse_plain_count(const char *s, unsigned max, unsigned *ret)
{
        unsigned n = 0;

        if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
                return false;
        for (; *s != '\0'; s++) {
                if (*s < '0' || *s > '9' || n > max / 10)
                        return false;
                n = n * 10 + (unsigned)(*s - '0');
        }
        if (n > max)
                return false;
        *ret = n;
        return true;
}
