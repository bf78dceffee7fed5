/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Docker's seccomp profile format (moby's profiles/seccomp): "archMap" in place of
 * "architectures", and syscalls entries that apply only with or without some capabilities,
 * architectures or kernel versions ("includes" / "excludes"). runwarden converts such a profile
 * to the OCI LinuxSeccomp object of one container, resolving the conditions against the
 * capabilities the container keeps once runwarden's rules have run — never against the ones the
 * engine asked for, which is what Docker does.
 */

#include <jansson.h>
#include <stdbool.h>

#include "error.h"
#include "seccomp_names.h"

/* Where and for what a profile is converted. */
struct rw_seccomp_target {
        const struct rw_seccomp_arch *arch;  /* the host's: rw_seccomp_arch_native() */
        unsigned kernel_major, kernel_minor; /* the running kernel, for "minKernel" */
        /* What the container keeps ("CAP_CHOWN"), NULL-terminated; NULL: nothing. */
        const char *const *capabilities;
};

/* This host: libseccomp's native architecture and the release uname() reports. */
int rw_seccomp_target_host(const char *const *capabilities, struct rw_seccomp_target *ret,
                           struct rw_error *err);

/* True when the profile has a member only Docker's format has (archMap, or includes, excludes,
 * comment or name in a syscalls entry). */
bool rw_seccomp_is_docker_format(const json_t *profile);

/*
 * The OCI LinuxSeccomp object for `target`. An OCI profile comes back as it is (a new
 * reference). A Docker one is checked entry by entry and converted: "architectures" from the
 * archMap entry of the target's architecture (none matching: the native architecture only, as
 * Docker does), the entries whose includes/excludes hold for the target, and of their names the
 * ones that exist on an architecture of the resulting filter (the format describes every host).
 * Errors name the entry as the file numbers it.
 */
int rw_seccomp_convert(const json_t *profile, const struct rw_seccomp_target *target, json_t **ret,
                       struct rw_error *err);

/*
 * A Docker-format profile checked as a whole, for every host it may serve: each entry applies on
 * some architecture and each of its names is a system call of an architecture it applies to.
 */
int rw_seccomp_lint_docker(const json_t *profile, struct rw_error *err);

/* The capabilities the includes/excludes of a Docker-format profile name, NULL-terminated and
 * pointing into the profile (caller frees the array; NULL-terminated empty array for none). */
int rw_seccomp_docker_capabilities(const json_t *profile, const char ***ret, struct rw_error *err);
