/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What runwardenctl setup and doctor need from the host: files read whole, other programs run
 * with their output captured (never through a shell), and configuration files replaced
 * atomically with a backup. Errors follow the one idiom (lib/base/error.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"
#include "run.h"

/* Read `path` whole (the last component must not be a symlink). A missing file is -ENOENT with
 * *ret_text NULL and no message. */
int rw_ctl_read_file(const char *path, size_t max, char **ret_text, size_t *ret_len,
                     struct stat *ret_st, struct rw_error *err);

/* Read a file of /proc or /sys (their size is not known before reading), at most `max` bytes,
 * NUL-terminated. -errno on failure. */
int rw_ctl_read_pseudo(const char *path, size_t max, char **ret_text, size_t *ret_len);

/* The first executable `name` in $PATH (or `name` itself when it holds a "/"); NULL if none.
 * Caller frees. */
char *rw_ctl_find_program(const char *name);
bool rw_ctl_have_program(const char *name);

/* rw_run() (lib/base/run.h) of the first argv[0] in $PATH. */
int rw_ctl_run(char *const argv[], int input_fd, int timeout_ms, struct rw_run_output *ret,
               struct rw_error *err);

/*
 * Replace `path` with `text`: first a backup of the old content beside it
 * (PATH.runwardenctl-YYYYmmddTHHMMSSZ.bak, same mode and owner; *ret_backup, caller frees), then
 * the new content through a temporary file renamed over it (rw_file_replace_at: same mode and
 * owner as before, 0644 root for a new file). `old_st` is the stat of the content read, NULL when
 * there was no file: if the file changed since, nothing is written.
 */
int rw_ctl_replace_config(const char *path, const char *old_text, size_t old_len,
                          const struct stat *old_st, const char *text, size_t len,
                          char **ret_backup, struct rw_error *err);
