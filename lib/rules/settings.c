/* SPDX-License-Identifier: Apache-2.0 */
#include "settings.h"

#include "seccomp_profile.h"

#define MIB (1024u * 1024u)

/*
 * Scratch space a CI job needs with a read-only root. No noexec: go test, cargo and many build
 * tools run what they build from /tmp. Sizes count against the container's memory limit.
 */
static const struct rw_scratch_mount baseline_scratch[] = {
    {"/tmp", 512 * (uint64_t)MIB, 01777},
    {"/var/tmp", 512 * (uint64_t)MIB, 01777},
    {"/run", 64 * (uint64_t)MIB, 0755},
    {NULL, 512 * (uint64_t)MIB, 0700}, /* the job user's HOME */
    {NULL, 0, 0},
};

/* Metadata services and control planes are denied unless a tier says otherwise (issue 17). */
static const struct rw_egress_settings baseline_egress = {
    .config = {.mode = RW_EGRESS_MODE_DENYLIST},
    .counters = true,
};

void rw_settings_baseline(struct rw_settings *ret)
{
        *ret = (struct rw_settings){
            .pids_limit = 4096,
            .scratch = baseline_scratch,
            .seccomp_profile = NULL,
            .seccomp_profile_name = RW_SECCOMP_DEFAULT_PROFILE,
            .seccomp_mode = RW_SECCOMP_REPLACE,
            .capabilities = NULL,
            .readonly_rootfs = true,
            .extra_bind_prefixes = NULL,
            .requirements = NULL,
            .tuning = NULL,
            .strictness = -1,
            /* a client's tmpfs is the host's memory: 1 GiB unless the tier says otherwise */
            .tmpfs_max = 1024 * (uint64_t)MIB,
            .egress = &baseline_egress,
        };
}
