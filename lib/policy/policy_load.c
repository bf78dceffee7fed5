/* SPDX-License-Identifier: Apache-2.0 */
/* rw_policy_load(): the policy file, read safely, and refused when someone else could edit it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "policy_internal.h"
#include "store.h"

/* The stamp of a default policy file that does not exist: the baseline policy. */
#define STAMP_ABSENT "absent"

/*
 * A job must never be able to edit the policy that confines it: when runwarden runs as root, the
 * file must belong to root and be writable by nobody else, and its directory must not let anyone
 * else replace it (owned by root, not writable by group or others unless sticky).
 */
static int check_ownership(const char *path, const struct stat *st, const struct stat *dir_st,
                           struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL, *what = NULL;
        int r;

        if (geteuid() != 0)
                return 0;
        r = rw_store_check_owner(st, path, false, err);
        if (r < 0)
                return rw_error_prefix(err, "refusing a policy that someone else can edit");
        r = rw_path_split(path, &dir, &base, err);
        if (r < 0)
                return r;
        if (asprintf(&what, "directory %s", dir) < 0) {
                what = NULL;
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        r = rw_store_check_owner(dir_st, what, true, err);
        if (r < 0)
                return rw_error_prefix(err, "refusing policy %s, which someone else could replace",
                                       path);
        return 0;
}

int rw_policy_load(const char *path, struct rw_policy *ret, bool *ret_found, struct rw_error *err)
{
        const char *file = path != NULL ? path : RW_POLICY_DEFAULT_PATH;
        _cleanup_free_ char *data = NULL;
        struct stat st, dir_st;
        size_t len;
        int r;

        r = rw_file_read(file, RW_POLICY_MAX_SIZE, &data, &len, &st, &dir_st, err);
        if (r == -ENOENT && path == NULL) {
                *ret_found = false;
                r = rw_policy_baseline(ret, err);
                if (r >= 0)
                        snprintf(ret->stamp, sizeof(ret->stamp), "%s", STAMP_ABSENT);
                return r;
        }
        if (r < 0)
                return rw_error_prefix(err, "policy %s", file);
        r = check_ownership(file, &st, &dir_st, err);
        if (r < 0)
                return r;
        r = rw_policy_parse(data, len, file, ret, err);
        if (r < 0)
                return r;
        rw_file_stamp_format(&st, &dir_st, data, len, ret->stamp);
        *ret_found = true;
        return 0;
}

int rw_policy_stamp(const char *path, char ret[RW_FILE_STAMP_MAX], struct rw_error *err)
{
        int r = rw_file_stamp(path != NULL ? path : RW_POLICY_DEFAULT_PATH, RW_POLICY_MAX_SIZE, ret,
                              err);

        if (r == -ENOENT && path == NULL) {
                snprintf(ret, RW_FILE_STAMP_MAX, "%s", STAMP_ABSENT);
                return 0;
        }
        return r;
}
