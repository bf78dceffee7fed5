/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * UTF-8 as jansson (and so runwarden's documents) takes it: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF.
 */

#include <stddef.h>
#include <stdint.h>

/* The length of the valid UTF-8 sequence at `s` (`left` bytes there, at least one): 1 for ASCII,
 * 2 to 4, or 0 when the bytes are not one. */
size_t rw_utf8_sequence(const unsigned char *s, size_t left);

/* `cp` (at most U+10FFFF, not a surrogate) encoded into out: its length, 1 to 4. */
size_t rw_utf8_encode(uint32_t cp, char out[4]);
