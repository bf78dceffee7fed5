/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Seccomp profiles: files in the profile directory or built into runwarden (seccomp_builtin.h),
 * in OCI LinuxSeccomp form or in Docker's profile format (seccomp_docker.h), converted to the OCI
 * form that goes into config.json, checked and compiled with libseccomp (seccomp_check.h) before
 * any container is created with them, unless the cache of checked profiles (seccomp_cache.h)
 * remembers they passed.
 *
 * The layers: profile -> cache -> check. Each uses only the ones below it.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "seccomp_cache.h"
#include "seccomp_check.h"

/* The baseline's profile: built in, and NAME.json in the profile directory overrides it. */
#define RW_SECCOMP_DEFAULT_PROFILE "ci-default"

/* True for a valid profile name (NAME.json in the directory): 1 to 64 of a-z, 0-9 and -. */
bool rw_seccomp_profile_name_valid(const char *name);

/*
 * Read and parse (losslessly) the profile file `path` as written: no conversion, no check.
 * Errors name the file and, for JSON errors, the line and column.
 */
int rw_seccomp_read_file(const char *path, json_t **ret, struct rw_error *err);

/*
 * The profile named `name`, as written: DIR/NAME.json when the directory holds it, else the
 * built-in profile of that name. The directory wins, so an operator can change a shipped profile
 * without rebuilding; a directory that does not exist (or `dir` NULL) holds nothing, and a file
 * that exists but cannot be read or parsed is an error, never a reason to fall back.
 * *ret_where (may be NULL; caller frees) says which it was: "DIR/NAME.json" or
 * "built-in profile NAME". -ENOENT when neither has it.
 */
int rw_seccomp_find_named(const char *dir, const char *name, json_t **ret, char **ret_where,
                          struct rw_error *err);
int rw_seccomp_read_named(const char *dir, const char *name, json_t **ret, struct rw_error *err);

/*
 * The profile a tier applies, ready to put in a spec: `name` (rw_seccomp_find_named()) converted
 * to OCI for this host and for `capabilities` (NULL-terminated "CAP_*" names the container keeps;
 * NULL: none), then checked and compiled with libseccomp — unless `cache_dir` (NULL: no cache)
 * remembers that exactly this converted profile passed (seccomp_cache.h). Returns an
 * rw_seccomp_cache_result (>= 0) saying whether it was compiled, or a negative errno. Errors name
 * the file, or the built-in profile.
 */
int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err);
/* The same, where a hit of the cache gives the profile as a verbatim document (lib/base/json.h):
 * its text as the cache keeps it, not parsed, for a spec that only receives it (a tier that
 * replaces the engine's filter). A miss gives the tree, as rw_seccomp_profile_for(). */
int rw_seccomp_profile_verbatim_for(const char *dir, const char *name,
                                    const char *const *capabilities, const char *cache_dir,
                                    json_t **ret, struct rw_error *err);

/* rw_seccomp_profile_for() with no capabilities and no cache: the profile as the baseline
 * applies it. */
int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err);
