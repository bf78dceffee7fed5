/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Safe file access for the edges of runwarden: the bundle is opened once as a directory
 * descriptor, files inside it are opened relative to it with O_NOFOLLOW (never following a
 * symlink out of the bundle), and rewritten atomically.
 *
 * Errors name the file (its last component, or the directory that cannot be opened); callers
 * add the context they know (which path, what the file is for) with rw_error_prefix().
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
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
 * rw_file_read_at() of the last component of `path` in its directory (rw_path_split(),
 * rw_dir_open()): a symlink as the last component is refused. *ret_dir_st (may be NULL) receives
 * the fstat() of that directory, as opened.
 */
int rw_file_read(const char *path, size_t max_size, char **ret_data, size_t *ret_len,
                 struct stat *ret_st, struct stat *ret_dir_st, struct rw_error *err);

/*
 * A file's stamp: the identity, owner, mode, size, times and a hash of the contents of the file,
 * and the identity, owner and mode of its directory, as text. Equal stamps mean the same bytes
 * under the same protection (writing, replacing, chmod and chown change an identity, the ctime
 * or the hash; the hash covers an edit within one tick of the kernel's coarse clock). For
 * remembering that a file read once has not changed since; not a defence against whoever may
 * write the file.
 */
#define RW_FILE_STAMP_MAX 400
void rw_file_stamp_format(const struct stat *st, const struct stat *dir_st, const char *data,
                          size_t len, char ret[RW_FILE_STAMP_MAX]);
/* The stamp of the file at `path` now, read as rw_file_read() reads it (a symlink is refused). */
int rw_file_stamp(const char *path, size_t max_size, char ret[RW_FILE_STAMP_MAX],
                  struct rw_error *err);

/* FNV-1a, 64 bits: names and stamps, never a defence against whoever chose the bytes. */
uint64_t rw_fnv1a64(const void *data, size_t len);

/* rw_file_read_at() and rw_json_parse() (lossless, json.h): a JSON document in `dirfd`. */
int rw_file_read_json_at(int dirfd, const char *name, size_t max_size, json_t **ret,
                         struct rw_error *err);

/* rw_file_read() and rw_json_parse(): a JSON document at `path`. */
int rw_file_read_json(const char *path, size_t max_size, json_t **ret, struct rw_error *err);

/* What a write must survive (docs/performance.md, Durability). */
enum rw_durability {
        /* A crash of runwarden or of the engine, not one of the host: the data is in the page
         * cache when the call returns. For what is read back at once (config.json by the
         * delegate, runwarden's own state by its next call), lives on tmpfs on real hosts, or is
         * made again after a reboot. */
        RW_DURABILITY_CACHE,
        /* A crash of the host: the data, and the name when the file is new, are on the disk
         * before the call returns (fsync, fdatasync). For configuration files, and for the
         * decision log's record of a refusal. */
        RW_DURABILITY_SYNC,
};

/*
 * Append `line` to `path` with one write() on an O_APPEND descriptor, so that the lines of
 * concurrent writers never interleave. The file is created with `mode` when missing, never
 * through a symlink as its last component. `parent_mode` not 0: the directory holding the file is
 * created with that mode when missing (that one level only, never the whole path). With
 * RW_DURABILITY_SYNC the line is fdatasync()ed, and a file this call created has its directory
 * synced too.
 */
int rw_file_append_line(const char *path, const char *line, mode_t mode, mode_t parent_mode,
                        enum rw_durability durability, struct rw_error *err);

/*
 * Replace `name` inside `dirfd` atomically: a new temporary file in the same directory
 * (O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC), written in full, given the mode (and, when running as
 * root, the owner) of `like`, then renameat() over `name`: a reader sees the old file or the new
 * one, never a part. With RW_DURABILITY_SYNC the file is fsync()ed before the rename and the
 * directory after it. On any failure the temporary file is removed and `name` is untouched.
 */
int rw_file_replace_at(int dirfd, const char *name, const char *data, size_t len,
                       const struct stat *like, enum rw_durability durability,
                       struct rw_error *err);

/*
 * realpath(path, NULL), in three system calls however deep the path is, and in one when it does
 * not exist: open(O_PATH) follows every symbolic link as realpath() does, and /proc/self/fd names
 * what it reached. realpath() itself answers when /proc cannot (not mounted, or a magic link such
 * as /proc/PID/ns/net that names no path). NULL with errno set, as realpath(). Caller frees.
 */
char *rw_file_realpath(const char *path);

/* Split "/a/b/c.json" into a directory ("/a/b", "." when there is no "/") and a basename. */
/*
 * `data` in a sealed memfd (no write, no resize, no further seals) named `name`, at a descriptor
 * number of at least `min_fd` and without FD_CLOEXEC: a file the next program can open as
 * /proc/self/fd/N and nobody can change. The descriptor, or a negative errno.
 */
int rw_memfd_sealed(const char *name, const char *data, size_t len, int min_fd,
                    struct rw_error *err);

int rw_path_split(const char *path, char **ret_dir, char **ret_base, struct rw_error *err);
