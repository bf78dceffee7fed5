/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "json.h"
#include "seccomp_check.h"
#include "seccomp_names.h"

#define ENTRY_SUFFIX ".checked"

/* An entry is one profile: a few tens of KB. */
#define ENTRY_MAX_SIZE (1024u * 1024u)

/* What a hit must match exactly: everything the check's outcome depends on, then the profile. */
static int entry_text(const json_t *profile, char **ret, size_t *ret_len, struct rw_error *err)
{
        const struct scmp_version *v = seccomp_version();
        const struct rw_seccomp_arch *native = rw_seccomp_arch_native();
        _cleanup_free_ char *dump = NULL;
        char *text;
        size_t len;
        int r, n;

        r = rw_json_dump(profile, &dump, &len, err);
        if (r < 0)
                return r;
        n = asprintf(&text,
                     "runwarden seccomp check\nrunwarden %s\nlibseccomp %u.%u.%u api %u\n"
                     "native %s\n\n%s\n",
                     RW_VERSION, v->major, v->minor, v->micro, seccomp_api_get(),
                     native != NULL ? native->name : "unknown", dump);
        if (n < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = text;
        *ret_len = (size_t)n;
        return 0;
}

static uint64_t fnv1a(const char *text, size_t len)
{
        uint64_t hash = UINT64_C(0xcbf29ce484222325);

        for (size_t i = 0; i < len; i++) {
                hash ^= (unsigned char)text[i];
                hash *= UINT64_C(0x100000001b3);
        }
        return hash;
}

/* Only root's, and nobody else may write to it. */
static bool trusted(const struct stat *st, const char *what, struct rw_error *cache_err)
{
        if (st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
                return true;
        rw_error_set(cache_err, EPERM,
                     "%s belongs to uid %u with mode %04o (root's and not writable by "
                     "group or others expected)",
                     what, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
        return false;
}

/* Walk `path` one component at a time from "/", never through a symlink, making missing
 * directories 0700. */
static int open_cache_dir(const char *path, int *ret_fd, struct rw_error *cache_err)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -1;
        struct stat st;
        char *save = NULL;

        if (copy == NULL || path[0] != '/')
                return rw_error_set(cache_err, EINVAL, "%s is not an absolute path", path);
        fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(cache_err, errno, "cannot open /");
        for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
                int child;

                if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
                        return rw_error_set(cache_err, EINVAL, "%s contains \".\" or \"..\"", path);
                child = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child < 0 && errno == ENOENT) {
                        if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST)
                                return rw_error_set_errno(cache_err, errno,
                                                          "cannot create %s in %s", c, path);
                        child = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (child < 0)
                        return rw_error_set_errno(cache_err, errno, "cannot open %s (component %s)",
                                                  path, c);
                close(fd);
                fd = child;
        }
        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(cache_err, errno, "cannot stat %s", path);
        if (!trusted(&st, path, cache_err))
                return -EPERM;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

enum lookup {
        LOOKUP_MISS,
        LOOKUP_HIT,
        LOOKUP_UNTRUSTED,
};

static enum lookup lookup(int dirfd, const char *name, const char *text, size_t len,
                          struct rw_error *cache_err)
{
        _cleanup_free_ char *data = NULL;
        struct rw_error sub = {0};
        size_t data_len;
        struct stat st;

        /* rw_file_read_at refuses symlinks and anything but a regular file. */
        if (rw_file_read_at(dirfd, name, ENTRY_MAX_SIZE, &data, &data_len, &st, &sub) < 0) {
                if (sub.code == ENOENT)
                        return LOOKUP_MISS;
                rw_error_set(cache_err, sub.code, "entry %s: %s", name, sub.msg);
                return LOOKUP_UNTRUSTED;
        }
        if (!trusted(&st, name, cache_err))
                return LOOKUP_UNTRUSTED;
        if (data_len != len || memcmp(data, text, len) != 0)
                return LOOKUP_MISS;
        return LOOKUP_HIT;
}

/* Keep the directory small: above the limit, every other entry goes. */
static void prune(int dirfd, const char *keep)
{
        _cleanup_close_ int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        size_t count = 0;
        DIR *dir;
        struct dirent *e;

        if (fd < 0)
                return;
        dir = fdopendir(fd);
        if (dir == NULL)
                return;
        fd = -1;
        while ((e = readdir(dir)) != NULL) {
                size_t len = strlen(e->d_name);

                if (len > strlen(ENTRY_SUFFIX) &&
                    strcmp(e->d_name + len - strlen(ENTRY_SUFFIX), ENTRY_SUFFIX) == 0)
                        count++;
        }
        if (count > RW_SECCOMP_CACHE_MAX_ENTRIES) {
                rewinddir(dir);
                while ((e = readdir(dir)) != NULL) {
                        size_t len = strlen(e->d_name);

                        if (len > strlen(ENTRY_SUFFIX) &&
                            strcmp(e->d_name + len - strlen(ENTRY_SUFFIX), ENTRY_SUFFIX) == 0 &&
                            strcmp(e->d_name, keep) != 0)
                                unlinkat(dirfd, e->d_name, 0);
                }
        }
        closedir(dir);
}

int rw_seccomp_check_cached(const json_t *profile, const char *cache_dir,
                            struct rw_error *ret_cache_err, struct rw_error *err)
{
        /* A root-owned 0600 file (the owner is only applied when running as root). */
        const struct stat like = {.st_mode = S_IFREG | 0600, .st_uid = 0, .st_gid = 0};
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int dirfd = -1;
        struct rw_error store_err = {0};
        char name[32];
        size_t len = 0;
        enum lookup found;
        int r;

        if (ret_cache_err != NULL)
                *ret_cache_err = (struct rw_error){0};
        if (cache_dir == NULL) {
                r = rw_seccomp_check(profile, err);
                return r < 0 ? r : RW_SECCOMP_COMPILED;
        }
        r = entry_text(profile, &text, &len, err);
        if (r < 0)
                return r;
        r = open_cache_dir(cache_dir, &dirfd, ret_cache_err);
        if (r < 0) {
                r = rw_seccomp_check(profile, err);
                return r < 0 ? r : RW_SECCOMP_CACHE_UNUSABLE;
        }
        snprintf(name, sizeof(name), "%016" PRIx64 ENTRY_SUFFIX, fnv1a(text, len));
        found = lookup(dirfd, name, text, len, ret_cache_err);
        if (found == LOOKUP_HIT)
                return RW_SECCOMP_CACHE_HIT;

        r = rw_seccomp_check(profile, err);
        if (r < 0)
                return r;
        /* An untrusted entry is replaced by root's own: rename() takes its place. */
        if (rw_file_replace_at(dirfd, name, text, len, &like, &store_err) < 0) {
                rw_error_set(ret_cache_err, store_err.code, "cannot store %s in %s: %s", name,
                             cache_dir, store_err.msg);
                return RW_SECCOMP_CACHE_UNUSABLE;
        }
        prune(dirfd, name);
        return found == LOOKUP_UNTRUSTED ? RW_SECCOMP_CACHE_UNUSABLE : RW_SECCOMP_CACHE_STORED;
}
