/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* NULL-terminated arrays of owned strings ("strv"), as the policy and the stores hand them out. */

#include <stdbool.h>

/* Frees every string and the array; NULL is fine. */
void rw_strv_free(char **strv);

/* True when `s` is one of the strings of `strv` (which may be NULL). */
bool rw_strv_contains(char *const *strv, const char *s);

static inline void rw_strv_freep(char ***strv)
{
        rw_strv_free(*strv);
}
#define _cleanup_strv_ __attribute__((cleanup(rw_strv_freep)))
