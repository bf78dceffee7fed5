/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Remembering which seccomp profiles passed the check, so that a create does not compile the
 * same filter again (libseccomp takes tens of milliseconds; reading an entry, well under one).
 *
 * An entry is a file in the cache directory holding the exact text that was checked: a header
 * naming the runwarden version and build (buildid.h), the libseccomp version and API level and
 * the native architecture, then the converted OCI profile as rw_json_dump() writes it. It is named
 * by the hash of that text (rw_store_key_name()); the hash only finds the entry, a hit needs the
 * whole text to be equal, so a collision or a stale entry is a miss, never a wrong answer.
 *
 * The cache sits between the profiles (seccomp_profile.h) and the check (seccomp_check.h), which
 * it calls on a miss.
 *
 * The cache directory is a trusted store (store.h): only root's own entries are believed (the
 * directory, created 0700 when missing, and the file must belong to root and not be writable by
 * group or others), never through a symbolic link. A cache that cannot be used is never an
 * error: the profile is compiled.
 */

#include <jansson.h>
#include <stddef.h>

#include "error.h"

/* Above this many entries the cache is emptied before a new one is stored. */
#define RW_SECCOMP_CACHE_MAX_ENTRIES 64

enum rw_seccomp_cache_result {
        RW_SECCOMP_COMPILED,       /* no cache directory given: checked and compiled */
        RW_SECCOMP_CACHE_HIT,      /* passed before: not compiled again */
        RW_SECCOMP_CACHE_STORED,   /* checked and compiled now, and remembered */
        RW_SECCOMP_CACHE_UNUSABLE, /* checked and compiled now; the cache could not be used */
};

/*
 * rw_seccomp_check(profile), unless `cache_dir` (NULL: no cache) remembers this very profile.
 * Returns an rw_seccomp_cache_result, or a negative errno (and `err`) when the profile fails the
 * check. A cache that cannot be used is not an error: *ret_cache_err (may be NULL) then says what
 * was wrong with it, and is cleared (code 0, empty message) when nothing was.
 */
int rw_seccomp_check_cached(const json_t *profile, const char *cache_dir,
                            struct rw_error *ret_cache_err, struct rw_error *err);

/*
 * The second kind of entry: a converted profile that passed the check, found by the exact inputs
 * of its conversion (`inputs`: whatever the conversion read, as rw_seccomp_profile_for() spells
 * them: the profile's name and bytes, the kernel version, the capabilities), under the same kind
 * of header. A create with a warm cache then parses the converted profile once, instead of
 * parsing the profile file, converting it, and serializing the result to look up its check.
 * The entry holds its whole key (a hash collision is a miss) and its content is used as it is:
 * the trust rules above are what make that safe (only root can write there, as only root can
 * change the installed profiles).
 *
 * rw_seccomp_cache_find_converted() returns 1 with *ret set on a hit, 0 on a miss; a cache that
 * cannot be used is a miss, never an error. rw_seccomp_cache_find_converted_text() is the same
 * with the entry's text (rw_json_dump() of the profile; NUL-terminated, caller frees) unparsed.
 * rw_seccomp_cache_store_converted() stores `profile` (which must have passed rw_seccomp_check())
 * when it can, and says nothing when it cannot.
 */
int rw_seccomp_cache_find_converted_text(const char *cache_dir, const char *inputs,
                                         size_t inputs_len, char **ret_text, size_t *ret_len);
int rw_seccomp_cache_find_converted(const char *cache_dir, const char *inputs, size_t inputs_len,
                                    json_t **ret);
void rw_seccomp_cache_store_converted(const char *cache_dir, const char *inputs, size_t inputs_len,
                                      const json_t *profile);
