/* SPDX-License-Identifier: Apache-2.0 */
#include "mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

#define MOUNTINFO_MAX (64u * 1024u * 1024u)

/* Undo the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
static char *unescape(const char *s, size_t len)
{
        char *out;
        size_t o = 0;

        if (memchr(s, '\\', len) == NULL)
                return strndup(s, len);
        out = malloc(len + 1);
        if (out == NULL)
                return NULL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\' && i + 3 < len + 1 && i + 3 <= len && s[i + 1] >= '0' &&
                    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
                    s[i + 3] <= '7') {
                        out[o++] =
                            (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                        i += 3;
                } else {
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        return out;
}

static void mount_clear(struct rw_mount *m)
{
        free(m->root);
        free(m->mountpoint);
        free(m->fstype);
        free(m->source);
}

void rw_mountinfo_clear(struct rw_mountinfo *mi)
{
        for (size_t i = 0; i < mi->n; i++)
                mount_clear(&mi->mounts[i]);
        free(mi->mounts);
        mi->mounts = NULL;
        mi->n = 0;
}

/* The next space-separated field of `line` from *pos, as [start, len). */
static bool next_field(const char *line, size_t end, size_t *pos, size_t *ret_start,
                       size_t *ret_len)
{
        size_t p = *pos;

        while (p < end && line[p] == ' ')
                p++;
        if (p >= end)
                return false;
        *ret_start = p;
        while (p < end && line[p] != ' ')
                p++;
        *ret_len = p - *ret_start;
        *pos = p;
        return true;
}

/* A decimal number of `len` digits (the kernel's %d and %u of small values), at most INT_MAX. The
 * table has a line per mount of the host, hundreds on a busy one: sscanf() cost a thousand
 * instructions a field. */
static bool parse_decimal(const char *s, size_t len, unsigned *ret)
{
        unsigned long v = 0;

        if (len == 0 || len > 10)
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (unsigned long)(s[i] - '0');
        }
        if (v > INT_MAX)
                return false;
        *ret = (unsigned)v;
        return true;
}

/* One line: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
static int parse_line(const char *line, size_t end, struct rw_mount *m)
{
        size_t pos = 0, start, len, field = 0;
        bool dash = false;

        while (next_field(line, end, &pos, &start, &len)) {
                const char *colon;
                unsigned v;

                if (dash) {
                        char **dst = field == 0 ? &m->fstype : field == 1 ? &m->source : NULL;

                        if (dst != NULL && (*dst = unescape(line + start, len)) == NULL)
                                return -ENOMEM;
                        field++;
                        continue;
                }
                switch (field) {
                case 0:
                case 1:
                        if (!parse_decimal(line + start, len, &v))
                                return -EINVAL;
                        *(field == 0 ? &m->id : &m->parent) = (int)v;
                        break;
                case 2:
                        colon = memchr(line + start, ':', len);
                        if (colon == NULL ||
                            !parse_decimal(line + start, (size_t)(colon - (line + start)),
                                           &m->major) ||
                            !parse_decimal(colon + 1, len - (size_t)(colon + 1 - (line + start)),
                                           &m->minor))
                                return -EINVAL;
                        break;
                case 3:
                        if ((m->root = unescape(line + start, len)) == NULL)
                                return -ENOMEM;
                        break;
                case 4:
                        if ((m->mountpoint = unescape(line + start, len)) == NULL)
                                return -ENOMEM;
                        break;
                default:
                        if (len == 1 && line[start] == '-') {
                                dash = true;
                                field = 0;
                                continue;
                        }
                        break;
                }
                field++;
        }
        if (m->root == NULL || m->mountpoint == NULL || m->fstype == NULL || m->source == NULL)
                return -EINVAL;
        return 0;
}

int rw_mountinfo_parse(const char *text, struct rw_mountinfo *ret, struct rw_error *err)
{
        struct rw_mountinfo mi = {0};
        size_t cap = 0;
        const char *line = text;

        while (*line != '\0') {
                const char *nl = strchr(line, '\n');
                size_t end = nl != NULL ? (size_t)(nl - line) : strlen(line);
                struct rw_mount m = {0};
                int r;

                if (end > 0) {
                        if (mi.n == cap) {
                                struct rw_mount *grown;

                                cap = cap == 0 ? 64 : cap * 2;
                                grown = reallocarray(mi.mounts, cap, sizeof(*grown));
                                if (grown == NULL) {
                                        rw_mountinfo_clear(&mi);
                                        return rw_error_set(err, ENOMEM, "mountinfo");
                                }
                                mi.mounts = grown;
                        }
                        r = parse_line(line, end, &m);
                        if (r < 0) {
                                mount_clear(&m);
                                rw_mountinfo_clear(&mi);
                                return r == -ENOMEM
                                           ? rw_error_set(err, ENOMEM, "mountinfo")
                                           : rw_error_set(err, EINVAL,
                                                          "mountinfo: malformed line "
                                                          "%.*s",
                                                          (int)(end < 200 ? end : 200), line);
                        }
                        mi.mounts[mi.n++] = m;
                }
                line += end;
                if (*line == '\n')
                        line++;
        }
        *ret = mi;
        return 0;
}

int rw_mountinfo_read(struct rw_mountinfo *ret, struct rw_error *err)
{
        _cleanup_close_ int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        size_t len = 0, cap = 0;

        if (fd < 0)
                return rw_error_set_errno(err, errno, "/proc/self/mountinfo");
        /* procfs files have no size: read until the end */
        for (;;) {
                ssize_t n;

                if (cap - len < 4096) {
                        char *grown;

                        if (cap >= MOUNTINFO_MAX)
                                return rw_error_set(err, EFBIG,
                                                    "/proc/self/mountinfo is too large");
                        cap = cap == 0 ? 16384 : cap * 2;
                        grown = realloc(text, cap + 1);
                        if (grown == NULL)
                                return rw_error_set(err, ENOMEM, "/proc/self/mountinfo");
                        text = grown;
                }
                n = read(fd, text + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rw_error_set_errno(err, errno, "/proc/self/mountinfo");
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        if (text == NULL)
                return rw_error_set(err, EINVAL, "/proc/self/mountinfo is empty");
        text[len] = '\0';
        return rw_mountinfo_parse(text, ret, err);
}

const struct rw_mount *rw_mountinfo_find(const struct rw_mountinfo *mi, const char *path)
{
        const struct rw_mount *best = NULL;
        size_t best_len = 0;

        for (size_t i = 0; i < mi->n; i++) {
                const struct rw_mount *m = &mi->mounts[i];
                size_t len = strlen(m->mountpoint);

                if (!rw_path_within(path, m->mountpoint))
                        continue;
                /* `>=`: of stacked mounts, the last one listed is on top */
                if (best == NULL || len >= best_len) {
                        best = m;
                        best_len = len;
                }
        }
        return best;
}

/* `path` relative to mount point `mp` (both normalized): "" for the mount point itself. */
static const char *below(const char *path, const char *mp)
{
        if (strcmp(mp, "/") == 0)
                return path + 1;
        return path[strlen(mp)] == '/' ? path + strlen(mp) + 1 : "";
}

static char *join(const char *a, const char *b)
{
        char *out = NULL;

        if (b[0] == '\0')
                return strdup(a);
        if (asprintf(&out, "%s%s%s", a, strcmp(a, "/") == 0 ? "" : "/", b) < 0)
                return NULL;
        return out;
}

int rw_mountinfo_host_path(const struct rw_mountinfo *mi, const struct rw_mount *m,
                           const char *path, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *fs_path = NULL;
        const struct rw_mount *best = NULL;

        *ret = NULL;
        /* the file's path inside its filesystem */
        fs_path = join(m->root, below(path, m->mountpoint));
        if (fs_path == NULL)
                return rw_error_set(err, ENOMEM, "mountinfo");
        for (size_t i = 0; i < mi->n; i++) {
                const struct rw_mount *h = &mi->mounts[i];

                if (h == m || h->major != m->major || h->minor != m->minor ||
                    !rw_path_within(fs_path, h->root))
                        continue;
                /* the candidate must not itself be reached through `m` */
                if (rw_path_within(h->mountpoint, m->mountpoint))
                        continue;
                if (best == NULL || strcmp(h->mountpoint, "/") == 0 ||
                    (strcmp(best->mountpoint, "/") != 0 &&
                     strlen(h->mountpoint) < strlen(best->mountpoint)))
                        best = h;
        }
        if (best == NULL)
                return 0;
        *ret = join(best->mountpoint, below(fs_path, best->root));
        return *ret != NULL ? 0 : rw_error_set(err, ENOMEM, "mountinfo");
}

bool rw_mountinfo_device_shared(const struct rw_mountinfo *mi, const struct rw_mount *m)
{
        for (size_t i = 0; i < mi->n; i++) {
                const struct rw_mount *h = &mi->mounts[i];

                if (h != m && h->major == m->major && h->minor == m->minor)
                        return true;
        }
        return false;
}

int rw_mountinfo_foreach_below(const struct rw_mountinfo *mi, const char *path,
                               int (*fn)(const struct rw_mount *m, void *userdata), void *userdata)
{
        for (size_t i = 0; i < mi->n; i++) {
                const struct rw_mount *m = &mi->mounts[i];
                int r;

                if (strcmp(m->mountpoint, path) == 0 || !rw_path_within(m->mountpoint, path))
                        continue;
                r = fn(m, userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}
