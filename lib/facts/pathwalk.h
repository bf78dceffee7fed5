/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Resolve a path on the host the way the kernel will when runc mounts it, one component at a
 * time (openat with O_PATH|O_NOFOLLOW, symlinks followed by hand), and record whether anyone but
 * root could change what it resolves to before then: a directory that is not root's, or that
 * others may write (a sticky directory only protects entries that are root's). Such a lookup is a
 * race a job could win between runwarden's check and runc's mount.
 */

#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"

struct rw_walk {
        int error;        /* 0, or the errno that stopped the walk (ENOENT, ELOOP, ...) */
        char *resolved;   /* the path reached, symlinks resolved; NULL when error != 0 */
        struct stat st;   /* what it is (valid when error == 0) */
        char *unsafe_dir; /* the first directory a lookup went through that anyone but root
                             may change, NULL when none */
        bool via_symlink; /* a symlink was followed on the way */
};

/* Walk `path` (absolute, or relative to `base`, which must then be absolute). Only out of memory
 * is an error; everything the host says goes into *ret. */
int rw_path_walk(const char *path, const char *base, struct rw_walk *ret, struct rw_error *err);
void rw_walk_clear(struct rw_walk *w);
