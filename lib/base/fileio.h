/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Safe file access for the edges of runwarden: the bundle is opened once as a directory
 * descriptor, files inside it are opened relative to it with O_NOFOLLOW (never following a
 * symlink out of the bundle), and rewritten atomically.
 */

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* Names are resolved relative to a directory descriptor: one component, never "." or "..", never
 * "/". -EINVAL otherwise. */
int rw_file_check_name(const char *name, struct rw_error *err);

/* Open a directory (O_DIRECTORY|O_CLOEXEC|O_PATH is not enough to create files: O_RDONLY). */
int rw_dir_open(const char *path, int *ret_fd, struct rw_error *err);

/*
 * Read the regular file `name` (a single path component, no "/") inside `dirfd`, refusing a
 * symlink, anything but a regular file, and files above `max_size` bytes. *ret_data is
 * NUL-terminated; caller frees it. *ret_st (may be NULL) receives its fstat().
 */
int rw_file_read_at(int dirfd, const char *name, size_t max_size, char **ret_data, size_t *ret_len,
                    struct stat *ret_st, struct rw_error *err);

/*
 * Replace `name` inside `dirfd` atomically: a new temporary file in the same directory
 * (O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC), written in full, given the mode (and, when running as
 * root, the owner) of `like`, fsync()ed, renameat() over `name`, then the directory fsync()ed.
 * On any failure the temporary file is removed and `name` is untouched.
 */
int rw_file_replace_at(int dirfd, const char *name, const char *data, size_t len,
                       const struct stat *like, struct rw_error *err);

/* Split "/a/b/c.json" into a directory ("/a/b", "." when there is no "/") and a basename. */
int rw_path_split(const char *path, char **ret_dir, char **ret_base, struct rw_error *err);
