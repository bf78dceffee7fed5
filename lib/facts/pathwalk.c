/* SPDX-License-Identifier: Apache-2.0 */
#include "pathwalk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"

#define MAX_SYMLINKS     40 /* the kernel's own limit */
#define PROC_SUPER_MAGIC 0x9fa0

void rw_walk_clear(struct rw_walk *w)
{
        free(w->resolved);
        free(w->unsafe_dir);
        *w = (struct rw_walk){0};
}

/* Could anyone but root replace `entry` in `dir` (both as fstat() saw them)? */
static bool lookup_is_safe(const struct stat *dir, const struct stat *entry)
{
        if (dir->st_uid != 0)
                return false;
        if ((dir->st_mode & (S_IWGRP | S_IWOTH)) == 0)
                return true;
        /* sticky: others may add entries but not replace root's */
        return (dir->st_mode & S_ISVTX) != 0 && entry != NULL && entry->st_uid == 0;
}

static char *path_join(const char *dir, const char *name)
{
        char *out = NULL;

        if (asprintf(&out, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name) < 0)
                return NULL;
        return out;
}

/* "/a/b" -> "/a"; "/a" -> "/" */
static void path_up(char *path)
{
        char *slash = strrchr(path, '/');

        if (slash == NULL || slash == path)
                strcpy(path, "/");
        else
                *slash = '\0';
}

/* Take the next component off *rest (a malloc'd string), into `comp`. False when none left. */
static bool next_component(char *rest, char *comp, size_t size, bool *ret_too_long)
{
        char *p = rest;
        size_t len;

        while (*p == '/')
                p++;
        if (*p == '\0') {
                rest[0] = '\0';
                return false;
        }
        len = strcspn(p, "/");
        *ret_too_long = len >= size;
        if (!*ret_too_long) {
                memcpy(comp, p, len);
                comp[len] = '\0';
        }
        memmove(rest, p + len, strlen(p + len) + 1);
        return true;
}

static int prepend(char **rest, const char *target)
{
        char *joined = NULL;

        if (asprintf(&joined, "%s/%s", target, *rest) < 0)
                return -ENOMEM;
        free(*rest);
        *rest = joined;
        return 0;
}

int rw_path_walk(const char *path, const char *base, struct rw_walk *ret, struct rw_error *err)
{
        _cleanup_free_ char *rest = NULL;
        _cleanup_free_ char *cur = strdup("/");
        _cleanup_close_ int dirfd = -1;
        struct stat last, dir_st;
        int links = 0;
        char comp[NAME_MAX + 1];
        bool too_long = false;

        *ret = (struct rw_walk){0};
        if (path[0] != '/' && (base == NULL || base[0] != '/'))
                return rw_error_set(err, EINVAL, "relative path %s with no absolute base", path);
        if (path[0] == '/')
                rest = strdup(path);
        else if (asprintf(&rest, "%s/%s", base, path) < 0)
                rest = NULL;
        dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rest == NULL || cur == NULL)
                return rw_error_set(err, ENOMEM, "resolving %s", path);
        if (dirfd < 0 || fstat(dirfd, &last) < 0) {
                ret->error = errno;
                return 0;
        }
        /* what dirfd is, as fstat() saw it when it was opened */
        dir_st = last;

        while (next_component(rest, comp, sizeof(comp), &too_long)) {
                struct stat st;
                _cleanup_close_ int fd = -1;

                if (too_long) {
                        ret->error = ENAMETOOLONG;
                        return 0;
                }
                if (strcmp(comp, ".") == 0)
                        continue;
                if (strcmp(comp, "..") == 0) {
                        fd = openat(dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0 || fstat(fd, &last) < 0) {
                                ret->error = errno;
                                return 0;
                        }
                        rw_closep(&dirfd);
                        dirfd = TAKE_FD(fd);
                        dir_st = last;
                        path_up(cur);
                        continue;
                }
                fd = openat(dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0) {
                        ret->error = errno;
                        /* a missing entry in a directory others may write can still appear */
                        if (!lookup_is_safe(&dir_st, NULL) && ret->unsafe_dir == NULL)
                                ret->unsafe_dir = strdup(cur);
                        return 0;
                }
                if (!lookup_is_safe(&dir_st, &st) && ret->unsafe_dir == NULL) {
                        ret->unsafe_dir = strdup(cur);
                        if (ret->unsafe_dir == NULL)
                                return rw_error_set(err, ENOMEM, "resolving %s", path);
                }
                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        struct statfs fs;
                        ssize_t n;

                        /* /proc's links (root, cwd, fd/N, exe) lead where their text does not
                         * say: the walk cannot follow them, so nothing may be judged by it */
                        if (fstatfs(dirfd, &fs) < 0 || fs.f_type == PROC_SUPER_MAGIC) {
                                ret->error = EXDEV;
                                return 0;
                        }
                        if (++links > MAX_SYMLINKS) {
                                ret->error = ELOOP;
                                return 0;
                        }
                        n = readlinkat(dirfd, comp, target, sizeof(target) - 1);
                        if (n < 0) {
                                ret->error = errno;
                                return 0;
                        }
                        target[n] = '\0';
                        ret->via_symlink = true;
                        if (prepend(&rest, target) < 0)
                                return rw_error_set(err, ENOMEM, "resolving %s", path);
                        if (target[0] == '/') {
                                fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (fd < 0 || fstat(fd, &dir_st) < 0) {
                                        ret->error = errno;
                                        return 0;
                                }
                                rw_closep(&dirfd);
                                dirfd = TAKE_FD(fd);
                                strcpy(cur, "/");
                        }
                        continue;
                }
                {
                        char *next = path_join(cur, comp);

                        if (next == NULL)
                                return rw_error_set(err, ENOMEM, "resolving %s", path);
                        free(cur);
                        cur = next;
                }
                last = dir_st = st;
                rw_closep(&dirfd);
                dirfd = TAKE_FD(fd);
                /* more to come below something that is not a directory */
                if (!S_ISDIR(st.st_mode)) {
                        char peek[NAME_MAX + 1];
                        _cleanup_free_ char *copy = strdup(rest);
                        bool long_name;

                        if (copy == NULL)
                                return rw_error_set(err, ENOMEM, "resolving %s", path);
                        if (next_component(copy, peek, sizeof(peek), &long_name)) {
                                ret->error = ENOTDIR;
                                return 0;
                        }
                }
        }
        ret->resolved = TAKE_PTR(cur);
        ret->st = last;
        return 0;
}
