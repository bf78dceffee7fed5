/* SPDX-License-Identifier: Apache-2.0 */
/* rw_policy_load(): the policy file, read safely, and refused when someone else could edit it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "policy_internal.h"

/*
 * A job must never be able to edit the policy that confines it: when runwarden runs as root, the
 * file must belong to root and be writable by nobody else, and its directory must not let anyone
 * else replace it (owned by root, not writable by group or others unless sticky).
 */
static int check_ownership(const char *path, const char *dir, int dirfd, const struct stat *st,
                           struct rw_error *err)
{
        struct stat dst;

        if (geteuid() != 0)
                return 0;
        if (st->st_uid != 0)
                return rw_error_set(err, EPERM,
                                    "%s: owned by uid %u, not root: refusing a policy that "
                                    "someone else can edit",
                                    path, (unsigned)st->st_uid);
        if (st->st_mode & (S_IWGRP | S_IWOTH))
                return rw_error_set(err, EPERM,
                                    "%s: writable by group or others (mode %04o): refusing a "
                                    "policy that someone else can edit",
                                    path, (unsigned)(st->st_mode & 07777));
        if (fstat(dirfd, &dst) < 0)
                return rw_error_set_errno(err, errno, "%s: cannot stat its directory", path);
        if (dst.st_uid != 0)
                return rw_error_set(err, EPERM,
                                    "%s: directory %s is owned by uid %u, not root: the policy "
                                    "could be replaced",
                                    path, dir, (unsigned)dst.st_uid);
        if ((dst.st_mode & (S_IWGRP | S_IWOTH)) && !(dst.st_mode & S_ISVTX))
                return rw_error_set(err, EPERM,
                                    "%s: directory %s is writable by group or others (mode "
                                    "%04o): the policy could be replaced",
                                    path, dir, (unsigned)(dst.st_mode & 07777));
        return 0;
}

int rw_policy_load(const char *path, struct rw_policy *ret, bool *ret_found, struct rw_error *err)
{
        const char *file = path != NULL ? path : RW_POLICY_DEFAULT_PATH;
        _cleanup_free_ char *dir = NULL, *base = NULL, *data = NULL;
        _cleanup_close_ int dirfd = -1;
        struct stat st;
        size_t len;
        int r;

        r = rw_path_split(file, &dir, &base, err);
        if (r < 0)
                return rw_error_prefix(err, "policy %s", file);
        r = rw_dir_open(dir, &dirfd, err);
        if (r == 0)
                r = rw_file_read_at(dirfd, base, RW_POLICY_MAX_SIZE, &data, &len, &st, err);
        if (r == -ENOENT && path == NULL) {
                *ret_found = false;
                return rw_policy_baseline(ret, err);
        }
        if (r < 0)
                return rw_error_prefix(err, "policy %s", file);
        r = check_ownership(file, dir, dirfd, &st, err);
        if (r < 0)
                return r;
        r = rw_policy_parse(data, len, file, ret, err);
        if (r < 0)
                return r;
        *ret_found = true;
        return 0;
}
