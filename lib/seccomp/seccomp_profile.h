/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Seccomp profiles: files in the profile directory, in OCI LinuxSeccomp form or in Docker's
 * profile format (seccomp_docker.h), converted to the OCI form that goes into config.json,
 * checked and compiled with libseccomp before any container is created with them.
 */

#include <jansson.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "seccomp_cache.h"

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

/*
 * Check an OCI LinuxSeccomp object: known default action and actions, every architecture known
 * to libseccomp, every syscall name resolvable on at least one architecture of the filter
 * (unknown names are errors, as a typo would silently allow or deny nothing), argument operators
 * valid, no rule with the default action and no two rules libseccomp would not both keep (either
 * way one rule would silently do nothing), and the whole filter compiled to BPF with
 * seccomp_export_bpf() within the kernel's size limit. Errors name the entry and the syscall.
 */
int rw_seccomp_check(const json_t *profile, struct rw_error *err);

/*
 * Build a libseccomp filter context from an OCI LinuxSeccomp object, the way runc does (default
 * action, architectures, one rule per name and argument set; a rule whose action equals the
 * default action is an error here rather than silently skipped, as runc would). Caller releases
 * *ret with seccomp_release(). Used by rw_seccomp_check() and by tests that load a profile into
 * a forked child.
 */
int rw_seccomp_build(const json_t *profile, scmp_filter_ctx *ret, struct rw_error *err);

/* The compiled program's length in BPF instructions (rw_seccomp_build() + seccomp_export_bpf()
 * into a memfd). */
int rw_seccomp_compile(const json_t *profile, size_t *ret_instructions, struct rw_error *err);

static inline void rw_seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx != NULL)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(rw_seccomp_releasep)))
