/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/base/utf8.c against the definition: a sequence is valid exactly when it is the shortest
 * encoding of a code point up to U+10FFFF that is not a surrogate. Every sequence of two and
 * three bytes, four-byte ones over telling continuation bytes, every code point encoded.
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Whether bytes[0..n) is the encoding rw_utf8_encode() makes of some allowed code point. */
static bool is_encoding(const unsigned char *bytes, size_t n)
{
        uint32_t cp;
        char out[4];

        if (n == 2)
                cp = (uint32_t)(bytes[0] & 0x1F) << 6 | (bytes[1] & 0x3F);
        else if (n == 3)
                cp = (uint32_t)(bytes[0] & 0x0F) << 12 | (uint32_t)(bytes[1] & 0x3F) << 6 |
                     (bytes[2] & 0x3F);
        else
                cp = (uint32_t)(bytes[0] & 0x07) << 18 | (uint32_t)(bytes[1] & 0x3F) << 12 |
                     (uint32_t)(bytes[2] & 0x3F) << 6 | (bytes[3] & 0x3F);
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return false;
        return rw_utf8_encode(cp, out) == n && memcmp(out, bytes, n) == 0;
}

static void check(const unsigned char *bytes, size_t n)
{
        size_t got = rw_utf8_sequence(bytes, n);
        bool valid = is_encoding(bytes, n);

        if (got != (valid ? n : 0))
                fail_msg("%02x %02x %02x %02x (%zu bytes): %zu", bytes[0], n > 1 ? bytes[1] : 0,
                         n > 2 ? bytes[2] : 0, n > 3 ? bytes[3] : 0, n, got);
        /* one byte short is never a sequence */
        if (rw_utf8_sequence(bytes, n - 1) != 0)
                fail_msg("%02x... cut to %zu bytes is taken", bytes[0], n - 1);
}

static void test_sequences(void **state)
{
        static const unsigned char tails[] = {0x00, 0x3F, 0x7F, 0x80, 0x8F, 0x90,
                                              0x9F, 0xA0, 0xBF, 0xC0, 0xF0, 0xFF};
        unsigned char b[4];

        (void)state;
        for (unsigned c = 0; c < 0x80; c++) {
                b[0] = (unsigned char)c;
                assert_int_equal(rw_utf8_sequence(b, 1), 1);
        }
        for (unsigned lead = 0x80; lead <= 0xFF; lead++) {
                b[0] = (unsigned char)lead;
                if (lead < 0xE0) {
                        for (unsigned x = 0; x < 256; x++) {
                                b[1] = (unsigned char)x;
                                check(b, 2);
                        }
                } else if (lead < 0xF0) {
                        for (unsigned x = 0; x < 65536; x++) {
                                b[1] = (unsigned char)(x >> 8);
                                b[2] = (unsigned char)x;
                                check(b, 3);
                        }
                } else {
                        for (size_t i = 0; i < sizeof(tails); i++)
                                for (size_t j = 0; j < sizeof(tails); j++)
                                        for (size_t k = 0; k < sizeof(tails); k++) {
                                                b[1] = tails[i];
                                                b[2] = tails[j];
                                                b[3] = tails[k];
                                                check(b, 4);
                                        }
                }
        }
}

static void test_every_code_point(void **state)
{
        char out[4];

        (void)state;
        for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
                size_t n;

                if (cp >= 0xD800 && cp <= 0xDFFF)
                        continue;
                n = rw_utf8_encode(cp, out);
                assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
                assert_int_equal(rw_utf8_sequence((const unsigned char *)out, n), n);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sequences),
            cmocka_unit_test(test_every_code_point),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
