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
