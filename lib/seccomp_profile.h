/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Seccomp profiles: OCI LinuxSeccomp JSON (the form that goes into config.json), checked and
 * compiled with libseccomp before any container is created with them.
 */

#include <jansson.h>
#include <seccomp.h>

#include "error.h"

/* The built-in default profile's name; its file is NAME.json in the profile directory. */
#define RW_SECCOMP_DEFAULT_PROFILE "ci-default"

/*
 * Read dir/NAME.json (NAME: [a-z0-9-]+), parse it losslessly, check it (rw_seccomp_check) and
 * return it. Errors name the file and, for JSON errors, the line and column.
 */
int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err);

/*
 * The profile a tier applies, ready to put in a spec: DIR/NAME.json, in OCI or Docker format,
 * converted to OCI and resolved against `capabilities` (NULL-terminated "CAP_*" names the
 * container keeps; NULL: none), then checked and compiled with libseccomp — unless the same
 * profile was already checked (results remembered under `cache_dir`; NULL: no cache).
 */
int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err);

/*
 * Check an OCI LinuxSeccomp object: known default action and actions, every architecture known
 * to libseccomp, every syscall name resolvable on at least one listed architecture (unknown names
 * are errors, as a typo would silently allow or deny nothing), argument operators valid, and the
 * whole filter compiled to BPF with seccomp_export_bpf(). Errors name the syscall / field.
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

static inline void rw_seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx != NULL)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(rw_seccomp_releasep)))
