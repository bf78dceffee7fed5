/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A trusted store: a directory that nobody but runwarden's own user (root, in production) can
 * change, holding small files. What runwarden must be able to believe on a later call lives in
 * one: the container records (/run/runwarden/state, lib/decision/state.h) decide the tier of
 * every later command, and the seccomp cache (/run/runwarden/seccomp-cache) says which profiles
 * passed the check. A file someone else planted or edited there could weaken a container, so:
 *
 * - The directory is reached from "/" one component at a time, openat() with O_NOFOLLOW relative
 *   to the previous one: a symbolic link anywhere on the path is refused (ELOOP), never followed.
 *   Missing components are created 0700 when asked to.
 * - The store's directory, and every entry read from it, must belong to the effective user and
 *   not be writable by group or others (EPERM otherwise).
 * - Entries are regular files named by one path component, opened relative to the directory
 *   descriptor with O_NOFOLLOW. rw_store_key_name() names an entry after a hash of its key.
 * - Writes are atomic (rw_file_replace_at(): a temporary file in the same directory, renameat):
 *   a reader sees the old entry or the new one, never half of one. They are not synced: a store
 *   describes what lives as long as /run (containers, profiles checked since the boot), and on a
 *   real host it is on tmpfs there; an entry a crash takes is one nothing needs any more.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* Room for a name from rw_store_key_name(): 16 hex digits, a suffix of at most 47 bytes, NUL. */
#define RW_STORE_NAME_MAX 64

struct rw_store {
        int dirfd;  /* the directory, O_RDONLY|O_DIRECTORY; -1 when not open */
        char *path; /* for messages */
};

#define RW_STORE_INIT                                                                              \
        {                                                                                          \
                .dirfd = -1, .path = NULL                                                          \
        }

/*
 * Open the store at the absolute `path` (no "." or ".." component). With `create`, missing
 * directories are made 0700; without it, a missing one is -ENOENT. *ret must be closed with
 * rw_store_close().
 */
int rw_store_open(const char *path, bool create, struct rw_store *ret, struct rw_error *err);

/* The store in the directory `name` (one component) of `parent`, under the same rules. */
int rw_store_open_child(const struct rw_store *parent, const char *name, bool create,
                        struct rw_store *ret, struct rw_error *err);

void rw_store_close(struct rw_store *store);
#define _cleanup_store_ __attribute__((cleanup(rw_store_close)))

/*
 * The entry name for `key`: the 64-bit FNV-1a hash of its `len` bytes in 16 hex digits, then
 * `suffix`. The hash only keeps names short and free of "/": an entry must hold its key, and a
 * reader must compare it, so that a collision is a miss and never a wrong answer.
 */
void rw_store_key_name(const void *key, size_t len, const char *suffix,
                       char ret[RW_STORE_NAME_MAX]);

/*
 * Read the entry `name` (a regular file of at most `max_size` bytes, NUL-terminated, caller
 * frees), refusing a symlink (ELOOP) and an entry not owned by us or writable by others (EPERM).
 * A missing entry is -ENOENT.
 */
int rw_store_read(const struct rw_store *store, const char *name, size_t max_size, char **ret_data,
                  size_t *ret_len, struct rw_error *err);

/* Replace (or create) the entry `name` atomically: mode 0600, owned by root when we are root. */
int rw_store_write(const struct rw_store *store, const char *name, const char *data, size_t len,
                   struct rw_error *err);

/* Remove the entry `name`; one that is not there is not an error. */
int rw_store_remove(const struct rw_store *store, const char *name, struct rw_error *err);

/* The names of the entries ending in `suffix` ("" for all) and longer than it, sorted, in a
 * NULL-terminated array (free with rw_strv_free()). */
int rw_store_list(const struct rw_store *store, const char *suffix, char ***ret_names,
                  struct rw_error *err);

/*
 * Whether `st` (of `what`, for the message) is something only we can change: owned by the
 * effective user and not writable by group or others. With `sticky_dir_ok`, a sticky directory
 * (like /tmp) may be writable by others: they cannot replace what is not theirs. -EPERM with
 * "WHAT is owned by uid N, not root" or "WHAT is writable by group or others (mode 0777)".
 */
int rw_store_check_owner(const struct stat *st, const char *what, bool sticky_dir_ok,
                         struct rw_error *err);
