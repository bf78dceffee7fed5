/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "numbers.h"

/* bufio.Scanner's default limit: runc fails on a longer line, so nothing can be told then. */
#define PASSWD_LINE_MAX   (64u * 1024u)
#define PASSWD_MAX        (16u * 1024u * 1024u)
#define PAGE              4096u
#define COPY_MAX_DEPTH    64
#define ROOTFS_OPEN_TRIES 256

int rw_rootfs_open(int rootfd, const char *path, int flags)
{
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = -1;

        /* With RESOLVE_IN_ROOT a ".." fails with EAGAIN whenever a mount or a rename happened
         * anywhere meanwhile, which on a host starting containers is often: the kernel asks
         * for a retry. */
        for (int i = 0; i < ROOTFS_OPEN_TRIES; i++) {
                fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd;
}

/* Go's strconv.Atoi of s[0..len) with its error ignored: 0 for a syntax error, a value no uid
 * has (-1) for a number out of range. */
static int64_t go_atoi_ignoring_error(const char *s, size_t len)
{
        char text[32];
        size_t sign = len > 0 && (s[0] == '+' || s[0] == '-');
        size_t digits = 0;
        int64_t n;

        while (sign + digits < len && s[sign + digits] >= '0' && s[sign + digits] <= '9')
                digits++;
        if (digits == 0 || sign + digits != len)
                return 0;
        if (len >= sizeof(text))
                return -1;
        memcpy(text, s, len);
        text[len] = '\0';
        return rw_parse_go_int(text, &n) ? n : -1;
}

static bool is_space(char c)
{
        /* bytes.TrimSpace: ASCII white space (and Unicode's, which passwd files do not hold) */
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int rw_passwd_home(const char *text, size_t len, int64_t uid, char **ret_home, struct rw_error *err)
{
        size_t pos = 0;

        *ret_home = NULL;
        while (pos < len) {
                const char *line = text + pos;
                const char *nl = memchr(line, '\n', len - pos);
                size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
                const char *field[7] = {0};
                size_t field_len[7] = {0};
                size_t k = 0;

                pos += n + (nl != NULL);
                while (n > 0 && is_space(line[0]))
                        line++, n--;
                while (n > 0 && is_space(line[n - 1]))
                        n--;
                if (n == 0)
                        continue;
                field[0] = line;
                for (size_t i = 0; i < n && k < 7; i++) {
                        if (line[i] != ':') {
                                field_len[k]++;
                                continue;
                        }
                        if (++k < 7)
                                field[k] = line + i + 1;
                }
                /* a line without a uid field is uid 0 to Go (and its home is "") */
                if ((field[2] != NULL ? go_atoi_ignoring_error(field[2], field_len[2]) : 0) != uid)
                        continue;
                *ret_home = strndup(field[5] != NULL ? field[5] : "", field_len[5]);
                if (*ret_home == NULL)
                        return rw_error_set(err, ENOMEM, "/etc/passwd");
                return 1;
        }
        return 0;
}

int rw_rootfs_passwd_home(int rootfd, int64_t uid, bool *ret_known, char **ret_home,
                          struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        size_t len = 0, line = 0;
        struct stat st;

        *ret_known = false;
        *ret_home = NULL;
        /* O_NONBLOCK: a FIFO planted as /etc/passwd must not hang runwarden */
        fd = rw_rootfs_open(rootfd, "/etc/passwd", O_RDONLY | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                /* runc reads no file then, and the user gets HOME=/ */
                *ret_known = errno == ENOENT || errno == ENOTDIR;
                return 0;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)PASSWD_MAX)
                return 0;
        text = malloc((size_t)st.st_size + 1);
        if (text == NULL)
                return rw_error_set(err, ENOMEM, "/etc/passwd");
        while (len < (size_t)st.st_size) {
                ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return 0;
                len += (size_t)n;
        }
        for (size_t i = 0; i < len; i++) {
                line = text[i] == '\n' ? 0 : line + 1;
                if (line > PASSWD_LINE_MAX)
                        return 0;
        }
        if (rw_passwd_home(text, len, uid, ret_home, err) < 0)
                return -ENOMEM;
        *ret_known = true;
        return 0;
}

int rw_rootfs_probe_dir(int rootfd, const char *path, struct rw_rootfs_dir *ret,
                        struct rw_error *err)
{
        _cleanup_free_ char *prefix = strdup(path);
        _cleanup_close_ int fd = -1;
        struct stat st;

        *ret = (struct rw_rootfs_dir){0};
        if (prefix == NULL)
                return rw_error_set(err, ENOMEM, "rootfs facts");
        fd = rw_rootfs_open(rootfd, path, O_PATH);
        if (fd >= 0 && fstat(fd, &st) == 0) {
                ret->exists = true;
                ret->is_dir = S_ISDIR(st.st_mode);
                return 0;
        }
        if (fd < 0 && errno == EAGAIN)
                return rw_error_set(err, EAGAIN, "looking up %s in the root filesystem", path);
        /* The deepest directory that exists on the way: where runc's MkdirAll starts. */
        for (;;) {
                char *slash = strrchr(prefix, '/');
                _cleanup_close_ int pfd = -1;

                if (slash == NULL)
                        return 0;
                if (slash == prefix)
                        slash[1] = '\0';
                else
                        *slash = '\0';
                pfd = rw_rootfs_open(rootfd, prefix, O_PATH);
                if (pfd < 0 && errno == EAGAIN)
                        return rw_error_set(err, EAGAIN, "looking up %s in the root filesystem",
                                            path);
                if (pfd >= 0 && fstat(pfd, &st) == 0) {
                        if (S_ISDIR(st.st_mode)) {
                                ret->parent_known = true;
                                ret->parent_uid = st.st_uid;
                                ret->parent_gid = st.st_gid;
                                ret->parent_mode = st.st_mode;
                        }
                        return 0;
                }
                if (strcmp(prefix, "/") == 0)
                        return 0;
        }
}

void rw_dir_copy_clear(struct rw_dir_copy *c)
{
        free(c->not_copyable);
        *c = (struct rw_dir_copy){0};
}

struct walk {
        struct rw_dir_copy *c;
        size_t entries;
};

static int not_copyable(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int not_copyable(struct walk *w, const char *fmt, ...)
{
        va_list ap;
        int n = 0;

        if (w->c->copyable) {
                va_start(ap, fmt);
                n = vasprintf(&w->c->not_copyable, fmt, ap);
                va_end(ap);
        }
        w->c->copyable = false;
        if (n < 0) {
                w->c->not_copyable = NULL;
                return -ENOMEM;
        }
        return 0;
}

static void note_ids(struct rw_dir_copy *c, const struct stat *st)
{
        size_t i;

        for (i = 0; i < c->n_uids && c->uids[i] != st->st_uid; i++)
                ;
        if (i == c->n_uids) {
                if (c->n_uids < RW_DIR_COPY_MAX_IDS)
                        c->uids[c->n_uids++] = st->st_uid;
                else
                        c->ids_overflow = true;
        }
        for (i = 0; i < c->n_gids && c->gids[i] != st->st_gid; i++)
                ;
        if (i == c->n_gids) {
                if (c->n_gids < RW_DIR_COPY_MAX_IDS)
                        c->gids[c->n_gids++] = st->st_gid;
                else
                        c->ids_overflow = true;
        }
}

static int walk_dir(struct walk *w, int fd, int depth)
{
        DIR *d;
        struct dirent *e;
        int r = 0;

        d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return not_copyable(w, "a directory cannot be read");
        }
        while (r >= 0 && w->c->copyable && (e = readdir(d)) != NULL) {
                struct stat st;

                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                w->c->has_content = true;
                if (++w->entries > RW_HOME_COPY_MAX_ENTRIES) {
                        r = not_copyable(w, "it holds more than %u entries",
                                         RW_HOME_COPY_MAX_ENTRIES);
                        break;
                }
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = not_copyable(w, "%s cannot be examined", e->d_name);
                        break;
                }
                note_ids(w->c, &st);
                if (S_ISREG(st.st_mode)) {
                        w->c->bytes += ((uint64_t)st.st_size + PAGE - 1) / PAGE * PAGE;
                } else if (S_ISLNK(st.st_mode)) {
                        w->c->bytes += PAGE; /* a long target takes a page */
                } else if (S_ISDIR(st.st_mode)) {
                        int sub;

                        if (depth >= COPY_MAX_DEPTH) {
                                r = not_copyable(w, "it is nested deeper than %d levels",
                                                 COPY_MAX_DEPTH);
                                break;
                        }
                        sub = openat(dirfd(d), e->d_name,
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0) {
                                r = not_copyable(w, "%s cannot be read", e->d_name);
                                break;
                        }
                        r = walk_dir(w, sub, depth + 1);
                } else {
                        /* runc's copy fails on a FIFO, a socket or a device node */
                        r = not_copyable(w, "%s is not a file, a directory or a symlink",
                                         e->d_name);
                }
        }
        closedir(d);
        return r;
}

int rw_dir_measure_copy(int dirfd, struct rw_dir_copy *ret, struct rw_error *err)
{
        struct walk w = {.c = ret};
        struct stat st;
        int fd;

        *ret = (struct rw_dir_copy){.copyable = true};
        if (fstat(dirfd, &st) == 0)
                note_ids(ret, &st);
        fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return not_copyable(&w, "it cannot be read") < 0
                           ? rw_error_set(err, ENOMEM, "measuring HOME")
                           : 0;
        if (walk_dir(&w, fd, 0) < 0)
                return rw_error_set(err, ENOMEM, "measuring HOME");
        return 0;
}
