/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the container's image holds, read as runc will see it: every path resolved inside the
 * root filesystem (openat2 RESOLVE_IN_ROOT: a symlink in the image can never lead out of it, nor
 * through /proc's magic links). For the scratch rule: the job's HOME from the image's
 * /etc/passwd, the scratch directories the image lacks, and what a copy of HOME would take.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* A HOME whose copy would take more entries than this is not copied (a walk on every create). */
#define RW_HOME_COPY_MAX_ENTRIES 50000u

/* Open `path` (absolute, inside the root) relative to the root filesystem `rootfd`, with
 * `flags` (O_CLOEXEC is added), retrying the kernel's EAGAIN. -1 and errno on failure. */
int rw_rootfs_open(int rootfd, const char *path, int flags);

/*
 * runc's lookup of the home directory of `uid` in an /etc/passwd text (libcontainer/user): lines
 * trimmed of white space, empty ones skipped, fields split at ':', the third read as Go's Atoi
 * does with its error ignored (so a line whose uid field is not a number is uid 0), the first
 * match wins. Returns 1 with *ret_home (caller frees) for a match, 0 for none, -ENOMEM.
 */
int rw_passwd_home(const char *text, size_t len, int64_t uid, char **ret_home,
                   struct rw_error *err);

/*
 * The home directory runc gives `uid` from the root filesystem's /etc/passwd. *ret_known false
 * when it cannot be told (the file cannot be opened for another reason than its absence, is not
 * a regular file, is larger than runc's reader takes): then nothing is assumed. Known with
 * *ret_home NULL: no entry (runc then sets HOME=/).
 */
int rw_rootfs_passwd_home(int rootfd, int64_t uid, bool *ret_known, char **ret_home,
                          struct rw_error *err);

/* A scratch directory as the image has it. */
struct rw_rootfs_dir {
        bool is_dir;       /* it exists as a directory (symlinks followed inside the root) */
        bool exists;       /* something is there, a directory or not */
        bool parent_known; /* the deepest directory on the way that exists, for a missing one: */
        uid_t parent_uid;  /* where runc would have to create it */
        gid_t parent_gid;
        mode_t parent_mode;
};

/* -EAGAIN when the kernel kept asking for a retry (mounts and renames without end): nothing can
 * be told then. */
int rw_rootfs_probe_dir(int rootfd, const char *path, struct rw_rootfs_dir *ret,
                        struct rw_error *err);

#define RW_DIR_COPY_MAX_IDS 8

/* What a copy of a directory (runc's tmpcopyup) would take. */
struct rw_dir_copy {
        bool has_content;   /* anything but "." and ".." */
        bool copyable;      /* only directories, regular files and symlinks, within the limits */
        uint64_t bytes;     /* tmpfs pages for the copy: file sizes rounded up to pages */
        char *not_copyable; /* why not, for messages; NULL when copyable */
        /* The owners and groups of the directory and everything in it (a user namespace copies
         * only what it maps); more distinct ones than fit: ids_overflow. */
        uid_t uids[RW_DIR_COPY_MAX_IDS];
        gid_t gids[RW_DIR_COPY_MAX_IDS];
        size_t n_uids, n_gids;
        bool ids_overflow;
};

/* Walk the directory `dirfd` (never following a symlink). Only out of memory is an error. */
int rw_dir_measure_copy(int dirfd, struct rw_dir_copy *ret, struct rw_error *err);
void rw_dir_copy_clear(struct rw_dir_copy *c);
