/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The canary's expectation (ctl/canary/README.md): what a container of one tier may and may not do
 * from inside, as the policy says it, in the JSON that `runwarden-canary --expect` reads. The
 * canary cannot read the policy or the seccomp profiles from inside a job, so the operator's
 * tool states the tier's view for it: the capabilities kept, a read-only root or not, the
 * seccomp profile and what it does with each system call the canary tries, the devices and bind
 * prefixes allowed, the rules the tier only warns about.
 *
 * Pure: the policy, the tier, the tier's seccomp profile (already read and converted by the
 * caller) in, a JSON document out. No I/O.
 */

#include <jansson.h>

#include "error.h"
#include "policy.h"

/* The "runwarden_canary_expect" member: the format's version. The canary refuses others. */
#define RW_CANARY_EXPECT_VERSION 1

/*
 * The system calls the canary tries with arguments the kernel would reject at once (so that a
 * call that reaches the kernel does nothing), to tell whether the seccomp filter stops them. The
 * expectation lists the profile's verdict on each. NULL-terminated.
 */
extern const char *const rw_canary_syscalls[];

struct rw_canary_input {
        const struct rw_policy *policy; /* for its origin */
        const struct rw_tier *tier;
        /* The tier's seccomp profile as runwarden applies it (OCI LinuxSeccomp, converted for
         * this host and for the tier's capabilities); NULL: the expectation says nothing about
         * individual system calls. */
        const json_t *seccomp_profile;
};

/*
 * Build the expectation for `in->tier`. The document has:
 *   runwarden_canary_expect  RW_CANARY_EXPECT_VERSION
 *   runwarden                the version that wrote it
 *   tier, policy, mode       the tier's name, the policy's origin, "enforce" or "audit"
 *   unenforced               rule ids the tier only warns about (every rule in audit mode)
 *   capabilities             the capabilities a process may keep ("CAP_..."), sorted
 *   no_new_privileges, readonly_rootfs   booleans
 *   scratch                  writable tmpfs paths ("$HOME" for the job user's home)
 *   pids_limit               the tier's pids limit
 *   seccomp                  {"profile": NAME, "syscalls": {NAME: "denied"|"conditional"|
 *                            "allowed"}} for each of rw_canary_syscalls on the native architecture
 *   devices                  device paths the tier keeps beyond the safe set
 *   bind_prefixes            [{"path", "read_only"}] host directories the tier lets jobs bind
 *   engine_sockets           {"paths": [...], "names": [...]}: runwarden's lists
 */
int rw_canary_expect(const struct rw_canary_input *in, json_t **ret, struct rw_error *err);
