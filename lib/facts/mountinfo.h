/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The host's mount table (/proc/self/mountinfo, proc(5)), and what a path really is: which mount
 * it lies on, and which host path or device that mount exposes. A docker "volume" created with
 * `--opt type=none --opt o=bind --opt device=/` is a directory under /var/lib/docker/volumes by
 * its path, and the host's / by its mount: rules judge the latter.
 *
 * Parsing and every query are pure (text in); rw_mountinfo_read() is the one I/O.
 */

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct rw_mount {
        int id;
        int parent;
        unsigned major, minor;
        char *root;       /* the path inside its filesystem that is mounted */
        char *mountpoint; /* where, in this mount namespace */
        char *fstype;
        char *source;
};

struct rw_mountinfo {
        struct rw_mount *mounts;
        size_t n;
};

/* Parse mountinfo text (octal escapes such as \040 undone). */
int rw_mountinfo_parse(const char *text, struct rw_mountinfo *ret, struct rw_error *err);
/* Read and parse /proc/self/mountinfo. */
int rw_mountinfo_read(struct rw_mountinfo *ret, struct rw_error *err);
void rw_mountinfo_clear(struct rw_mountinfo *mi);

/* The mount `path` (absolute, normalized, symlinks resolved) lies on: the one with the longest
 * mount point above it, the last mounted where several are stacked. NULL when none (no "/"). */
const struct rw_mount *rw_mountinfo_find(const struct rw_mountinfo *mi, const char *path);

/*
 * What `path` on mount `m` exposes of the host: the same file as seen through another mount of
 * the same device whose root covers it, preferring the one mounted at "/" and otherwise the
 * shortest mount point that is not `m` itself or below it. *ret is that host path (caller
 * frees), or NULL when the device is mounted nowhere else (a block device of its own, a network
 * filesystem, a tmpfs of its own).
 */
int rw_mountinfo_host_path(const struct rw_mountinfo *mi, const struct rw_mount *m,
                           const char *path, char **ret, struct rw_error *err);

/* Whether another mount than `m` has `m`'s device (a tmpfs or bind shared with elsewhere). */
bool rw_mountinfo_device_shared(const struct rw_mountinfo *mi, const struct rw_mount *m);

/* Mounts strictly below `path` (what a recursive bind of it brings along), in table order:
 * calls `fn` for each; stops and returns its value when it is not 0. */
int rw_mountinfo_foreach_below(const struct rw_mountinfo *mi, const char *path,
                               int (*fn)(const struct rw_mount *m, void *userdata), void *userdata);
