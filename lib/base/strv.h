/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* NULL-terminated arrays of owned strings ("strv"), as the policy and the stores hand them out. */

#include <stdbool.h>

/* Frees every string and the array; NULL is fine. */
void rw_strv_free(char **strv);

/* True when `s` is one of the strings of `strv` (which may be NULL). */
bool rw_strv_contains(char *const *strv, const char *s);

/* True when `pattern` matches all of `s`, where '*' stands for any run of characters (including
 * "/") and every other character for itself. Linear in practice: no backtracking blow-up. */
bool rw_glob_match(const char *pattern, const char *s);

/* True when one of the patterns of `patterns` (NULL-terminated, may be NULL) matches `s`. */
bool rw_strv_glob_any(const char *const *patterns, const char *s);

static inline void rw_strv_freep(char ***strv)
{
        rw_strv_free(*strv);
}
#define _cleanup_strv_ __attribute__((cleanup(rw_strv_freep)))
