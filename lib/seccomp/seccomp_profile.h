/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Seccomp profiles: files in the profile directory, in OCI LinuxSeccomp form or in Docker's
 * profile format (seccomp_docker.h), converted to the OCI form that goes into config.json,
 * checked and compiled with libseccomp (seccomp_check.h) before any container is created with
 * them, unless the cache of checked profiles (seccomp_cache.h) remembers they passed.
 *
 * The layers: profile -> cache -> check. Each uses only the ones below it.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "seccomp_cache.h"
#include "seccomp_check.h"

/* The built-in default profile's name; its file is NAME.json in the profile directory. */
#define RW_SECCOMP_DEFAULT_PROFILE "ci-default"

/* True for a valid profile name (NAME.json in the directory): 1 to 64 of a-z, 0-9 and -. */
bool rw_seccomp_profile_name_valid(const char *name);

/*
 * Read and parse (losslessly) the profile file `path`, or DIR/NAME.json, as written: no
 * conversion, no check. Errors name the file and, for JSON errors, the line and column.
 */
int rw_seccomp_read_file(const char *path, json_t **ret, struct rw_error *err);
int rw_seccomp_read_named(const char *dir, const char *name, json_t **ret, struct rw_error *err);

/*
 * The profile a tier applies, ready to put in a spec: DIR/NAME.json converted to OCI for this
 * host and for `capabilities` (NULL-terminated "CAP_*" names the container keeps; NULL: none),
 * then checked and compiled with libseccomp — unless `cache_dir` (NULL: no cache) remembers that
 * exactly this converted profile passed (seccomp_cache.h). Returns an rw_seccomp_cache_result
 * (>= 0) saying whether it was compiled, or a negative errno. Errors name the file.
 */
int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err);

/* rw_seccomp_profile_for() with no capabilities and no cache: the profile as the baseline
 * applies it. */
int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err);
