/* SPDX-License-Identifier: Apache-2.0 */
#include "paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

int rw_path_normalize(const char *path, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *out = NULL;
        size_t len = strlen(path);
        size_t o = 0;
        const char *p = path;

        /* The result is never longer than the input plus a leading "/". */
        out = malloc(len + 2);
        if (out == NULL)
                return rw_error_set(err, ENOMEM, "normalizing path");
        out[o++] = '/';
        while (*p != '\0') {
                const char *start;
                size_t clen;

                while (*p == '/')
                        p++;
                start = p;
                while (*p != '\0' && *p != '/')
                        p++;
                clen = (size_t)(p - start);
                if (clen == 0 || (clen == 1 && start[0] == '.'))
                        continue;
                if (clen == 2 && start[0] == '.' && start[1] == '.') {
                        /* Back to the previous "/", never above the root. */
                        while (o > 1 && out[o - 1] != '/')
                                o--;
                        if (o > 1)
                                o--;
                        continue;
                }
                if (o > 1)
                        out[o++] = '/';
                memcpy(out + o, start, clen);
                o += clen;
        }
        out[o] = '\0';
        *ret = TAKE_PTR(out);
        return 0;
}

bool rw_path_within(const char *path, const char *prefix)
{
        size_t plen = strlen(prefix);

        if (strcmp(prefix, "/") == 0)
                return path[0] == '/';
        if (strncmp(path, prefix, plen) != 0)
                return false;
        return path[plen] == '\0' || path[plen] == '/';
}

const char *rw_path_basename(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash == NULL ? path : slash + 1;
}

bool rw_container_id_valid(const char *id, size_t max_len)
{
        size_t len = id != NULL ? strlen(id) : 0;

        return len > 0 && len <= max_len && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 &&
               strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+.-") ==
                   len;
}
