/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Pure, lexical path helpers. Nothing here touches the filesystem. */

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Normalize an absolute or relative path lexically: collapse repeated "/", drop "." components,
 * resolve ".." against the components before it (never above "/"), drop a trailing "/".
 * A relative path is taken relative to "/" (as runc does for mount destinations).
 * The result always starts with "/". Caller frees *ret.
 */
int rw_path_normalize(const char *path, char **ret, struct rw_error *err);

/* True when `path` equals `prefix` or lies beneath it, compared component-wise ("/run" is not a
 * prefix of "/running"). Both must be normalized. A prefix of "/" matches every absolute path. */
bool rw_path_within(const char *path, const char *prefix);

/* The last component of a normalized path ("" for "/"). Points into `path`. */
const char *rw_path_basename(const char *path);

/* runc's rule for a container id: [A-Za-z0-9_+.-]+, not "." or "..", at most `max_len` bytes
 * (it names a directory, and runwarden names files after it). */
bool rw_container_id_valid(const char *id, size_t max_len);
