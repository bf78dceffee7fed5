/* SPDX-License-Identifier: Apache-2.0 */
#include "strv.h"

#include <stdlib.h>
#include <string.h>

void rw_strv_free(char **strv)
{
        for (size_t i = 0; strv != NULL && strv[i] != NULL; i++)
                free(strv[i]);
        free(strv);
}

bool rw_strv_contains(char *const *strv, const char *s)
{
        for (size_t i = 0; strv != NULL && strv[i] != NULL; i++)
                if (strcmp(strv[i], s) == 0)
                        return true;
        return false;
}

bool rw_glob_match(const char *pattern, const char *s)
{
        const char *star = NULL, *resume = NULL;

        while (*s != '\0') {
                if (*pattern == '*') {
                        /* remember where the run may be extended from */
                        star = ++pattern;
                        resume = s;
                } else if (*pattern == *s) {
                        pattern++;
                        s++;
                } else if (star != NULL) {
                        pattern = star;
                        s = ++resume;
                } else {
                        return false;
                }
        }
        while (*pattern == '*')
                pattern++;
        return *pattern == '\0';
}

bool rw_strv_glob_any(const char *const *patterns, const char *s)
{
        for (; patterns != NULL && *patterns != NULL; patterns++)
                if (rw_glob_match(*patterns, s))
                        return true;
        return false;
}
