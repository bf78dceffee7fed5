/* SPDX-License-Identifier: Apache-2.0 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "strv.h"

int rw_store_check_owner(const struct stat *st, const char *what, bool sticky_dir_ok,
                         struct rw_error *err)
{
        uid_t me = geteuid();
        bool sticky_dir = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) != 0;

        if (st->st_uid != me && me == 0)
                return rw_error_set(err, EPERM, "%s is owned by uid %u, not root", what,
                                    (unsigned)st->st_uid);
        if (st->st_uid != me)
                return rw_error_set(err, EPERM, "%s is owned by uid %u, not uid %u", what,
                                    (unsigned)st->st_uid, (unsigned)me);
        if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(sticky_dir_ok && sticky_dir))
                return rw_error_set(err, EPERM, "%s is writable by group or others (mode %04o)",
                                    what, (unsigned)(st->st_mode & 07777));
        return 0;
}

/* The directory `name` inside `dirfd` (with `create`, made 0700 first), never through a symlink;
 * `path` names it in messages. */
static int open_dir_at(int dirfd, const char *name, bool create, const char *path, int *ret_fd,
                       struct rw_error *err)
{
        int fd;

        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
                if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
                        return rw_error_set_errno(err, errno, "cannot create %s", path);
                fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
                struct stat st;

                /* O_DIRECTORY|O_NOFOLLOW report a symlink as ENOTDIR, a plain file the same. */
                if (errno == ELOOP ||
                    (errno == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISLNK(st.st_mode)))
                        return rw_error_set(err, ELOOP, "%s is a symbolic link, not following it",
                                            path);
                return rw_error_set_errno(err, errno, "cannot open directory %s", path);
        }
        *ret_fd = fd;
        return 0;
}

/* Take `fd` (the store's directory) and `path` once the directory is one only we can change. */
static int store_take(int *fd, char **path, struct rw_store *ret, struct rw_error *err)
{
        struct stat st;
        int r;

        if (fstat(*fd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", *path);
        r = rw_store_check_owner(&st, *path, false, err);
        if (r < 0)
                return r;
        ret->dirfd = TAKE_FD(*fd);
        ret->path = TAKE_PTR(*path);
        return 0;
}

int rw_store_open(const char *path, bool create, struct rw_store *ret, struct rw_error *err)
{
        _cleanup_free_ char *copy = NULL, *owned = NULL;
        _cleanup_close_ int fd = -1;
        char *save = NULL;

        if (path == NULL || path[0] != '/')
                return rw_error_set(err, EINVAL, "%s is not an absolute path",
                                    path != NULL ? path : "(null)");
        copy = strdup(path);
        owned = strdup(path);
        if (copy == NULL || owned == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open /");
        for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
                int child, r;

                if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
                        return rw_error_set(err, EINVAL, "%s contains \".\" or \"..\"", path);
                r = open_dir_at(fd, c, create, path, &child, err);
                if (r < 0)
                        return r;
                close(fd);
                fd = child;
        }
        return store_take(&fd, &owned, ret, err);
}

int rw_store_open_child(const struct rw_store *parent, const char *name, bool create,
                        struct rw_store *ret, struct rw_error *err)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        r = rw_file_check_name(name, err);
        if (r < 0)
                return r;
        if (asprintf(&path, "%s/%s", parent->path, name) < 0) {
                path = NULL;
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        r = open_dir_at(parent->dirfd, name, create, path, &fd, err);
        if (r < 0)
                return r;
        return store_take(&fd, &path, ret, err);
}

void rw_store_close(struct rw_store *store)
{
        rw_closep(&store->dirfd);
        free(store->path);
        *store = (struct rw_store)RW_STORE_INIT;
}

void rw_store_key_name(const void *key, size_t len, const char *suffix, char ret[RW_STORE_NAME_MAX])
{
        snprintf(ret, RW_STORE_NAME_MAX, "%016" PRIx64 "%s", rw_fnv1a64(key, len), suffix);
}

int rw_store_read(const struct rw_store *store, const char *name, size_t max_size, char **ret_data,
                  size_t *ret_len, struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t len;
        int r;

        /* rw_file_read_at() refuses a symlink and anything but a regular file. */
        r = rw_file_read_at(store->dirfd, name, max_size, &data, &len, &st, err);
        if (r < 0)
                return r;
        r = rw_store_check_owner(&st, name, false, err);
        if (r < 0)
                return r;
        *ret_data = TAKE_PTR(data);
        *ret_len = len;
        return 0;
}

int rw_store_write(const struct rw_store *store, const char *name, const char *data, size_t len,
                   struct rw_error *err)
{
        /* A root-owned 0600 file (the owner is only applied when running as root). */
        const struct stat like = {.st_mode = S_IFREG | 0600, .st_uid = 0, .st_gid = 0};

        /* What a store holds lives as long as /run (see store.h): not synced. */
        return rw_file_replace_at(store->dirfd, name, data, len, &like, RW_DURABILITY_CACHE, err);
}

int rw_store_remove(const struct rw_store *store, const char *name, struct rw_error *err)
{
        int r = rw_file_check_name(name, err);

        if (r < 0)
                return r;
        if (unlinkat(store->dirfd, name, 0) < 0 && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot remove %s from %s", name,
                                          store->path);
        return 0;
}

static void closedirp(DIR **dir)
{
        if (*dir != NULL)
                closedir(*dir);
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int rw_store_list(const struct rw_store *store, const char *suffix, char ***ret_names,
                  struct rw_error *err)
{
        _cleanup_(closedirp) DIR *dir = NULL;
        _cleanup_strv_ char **names = NULL;
        size_t n = 0, slen = strlen(suffix);
        struct dirent *e;
        int fd;

        /* A descriptor of its own: readdir() moves the offset of the one it reads. */
        fd = openat(store->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open %s", store->path);
        dir = fdopendir(fd);
        if (dir == NULL) {
                close(fd);
                return rw_error_set_errno(err, errno, "cannot read %s", store->path);
        }
        names = calloc(1, sizeof(*names));
        if (names == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        errno = 0;
        while ((e = readdir(dir)) != NULL) {
                size_t len = strlen(e->d_name);
                char **grown;

                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || len <= slen ||
                    strcmp(e->d_name + len - slen, suffix) != 0)
                        continue;
                grown = reallocarray(names, n + 2, sizeof(*names));
                if (grown == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                names = grown;
                names[n + 1] = NULL;
                names[n] = strdup(e->d_name);
                if (names[n] == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                n++;
                errno = 0;
        }
        if (errno != 0)
                return rw_error_set_errno(err, errno, "cannot read %s", store->path);
        qsort(names, n, sizeof(*names), cmp_names);
        *ret_names = TAKE_PTR(names);
        return 0;
}
