/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the rules are called (stable rule ids: logs, docs/rules.md, the policy's "rules" tuning)
 * and what a tier asks of them (struct rw_settings). Below the rules and the policy, which both
 * read it.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "egress.h"
#include "plan.h"
#include "spec.h" /* RW_RULE_SPEC */

#define RW_RULE_CAPS           "caps-drop"
#define RW_RULE_NNP            "no-new-privileges"
#define RW_RULE_CWD            "process-cwd"
#define RW_RULE_EXEC_CAPS      "exec-caps" /* gone: accepted in old policies, with a warning */
#define RW_RULE_EXEC_POLICY    "exec-policy"
#define RW_RULE_ROOTFS         "readonly-rootfs"
#define RW_RULE_SCRATCH        "scratch-tmpfs"
#define RW_RULE_ENGINE_SOCKET  "engine-socket"
#define RW_RULE_HOST_MOUNT     "host-mount"
#define RW_RULE_BIND_OPTIONS   "bind-options"
#define RW_RULE_KERNEL_MOUNT   "kernel-fs-mount"
#define RW_RULE_HOST_NAMESPACE "host-namespace"
#define RW_RULE_MASKED_PATHS   "masked-paths"
#define RW_RULE_DEVICES        "devices"
#define RW_RULE_SECCOMP        "seccomp"
#define RW_RULE_PIDS           "pids-limit"
#define RW_RULE_SYSCTL         "sysctl"
#define RW_RULE_ANNOTATIONS    "runtime-annotation"
#define RW_RULE_SECRET_ENV     "secret-in-env"
#define RW_RULE_REQUIRED       "required-label"
#define RW_RULE_HOOKS          "hooks"
#define RW_RULE_ROOT_PATH      "root-path"
#define RW_RULE_NAMESPACE_JOIN "namespace-join"
#define RW_RULE_CGROUP_PATH    "cgroup-path"
#define RW_RULE_CGROUP_UNIFIED "cgroup-unified"
#define RW_RULE_MEMORY         "memory-limit"
#define RW_RULE_OOM_SCORE      "oom-score"
#define RW_RULE_PROPAGATION    "rootfs-propagation"
#define RW_RULE_MOUNT_OPTIONS  "mount-options"
#define RW_RULE_TMPFS_SIZE     "tmpfs-size"
#define RW_RULE_VOLUME_OWNER   "volume-owner"
#define RW_RULE_PRIVILEGED     "privileged"
#define RW_RULE_COMMAND        "runtime-command"
/* egress (docs/egress.md): never tunable, see rules_egress.c */
#define RW_RULE_EGRESS_HOST_NETWORK "egress.host-network"
#define RW_RULE_EGRESS_CAPS         "egress.capabilities"
#define RW_RULE_EGRESS_GVISOR       "egress.gvisor"
#define RW_RULE_EGRESS_HOOK         "egress.hook"

/* The entry runwarden appends to hooks.createRuntime: {"path": HOOK, "args": [NAME], "timeout":
 * TIMEOUT}. The hook takes no arguments of its own: nothing in a spec chooses what it installs. */
#define RW_EGRESS_HOOK_NAME    "runwarden-egress-hook"
#define RW_EGRESS_HOOK_TIMEOUT 10
/* How long a delete waits for the hook's `--counters` before it goes on without them (ms). */
#define RW_EGRESS_COUNTERS_TIMEOUT_MS 5000

/* A host directory below which a tier allows bind mount sources, beyond the engine's own. */
struct rw_bind_prefix {
        const char *path; /* NULL terminates a list */
        bool read_only;   /* binds from here get "ro" */
};

/* A label a container must carry to be created (e.g. annotation runwarden.io/ephemeral=true). */
enum rw_requirement_kind {
        RW_REQUIRE_ANNOTATION,
        RW_REQUIRE_ENV,
};

struct rw_requirement {
        enum rw_requirement_kind kind;
        const char *key;   /* NULL terminates a list */
        const char *value; /* NULL: any value */
};

struct rw_scratch_mount {
        const char *destination; /* NULL for the job user's HOME */
        uint64_t size_bytes;
        unsigned mode; /* e.g. 01777 */
};

/* Lists a tier sets (policy keys in docs/policy.md), each NULL-terminated or NULL for none. */
enum rw_tier_list {
        RW_LIST_HOOKS,            /* "hooks": host paths of hook binaries the tier allows */
        RW_LIST_CGROUP_PARENTS,   /* "cgroup_parents": where a container's cgroup may be */
        RW_LIST_SHARE_NAMESPACES, /* "share_namespaces_with": tiers whose namespaces may be
                                     joined (never pid or mount of a stricter tier) */
        RW_LIST_VOLUME_SHARE,     /* "volumes.share_with": tiers whose volumes may be mounted */
        RW_LIST_VOLUME_ALLOW,     /* "volumes.allow": volume name patterns any tier may share */
        RW_LIST_VOLUME_MOUNTS,    /* "volumes.mounts": filesystem types a volume may be a mount
                                     of (nfs4, ...) */
        RW_LIST_DEVICES,          /* "devices": device paths kept (/dev/fuse) */
        RW_LIST_SYSCTLS,          /* "sysctls": namespaced sysctl name patterns kept */
        RW_LIST_RUNTIME,          /* "runtime_allow": runtime flags and commands allowed
                                     ("no-pivot", "no-new-keyring", "criu=PATH", a command) */
        RW_LIST_LXCFS,            /* "lxcfs": the /proc and /sys files lxcfs may stand in for */
        RW_LIST_COUNT,
};

enum rw_seccomp_mode {
        RW_SECCOMP_REPLACE, /* the engine's filter is discarded, the tier's profile applied */
        RW_SECCOMP_INJECT,  /* the engine's filter is kept when it is at least as strict */
};

/* What a tier asks of the rules. The built-in baseline fills it with rw_settings_baseline(). */
struct rw_settings {
        int64_t pids_limit;
        const struct rw_scratch_mount *scratch; /* terminated by size_bytes == 0 */
        /* The tier's seccomp profile (OCI LinuxSeccomp, already converted and checked; in
         * replace mode possibly a verbatim document of its text, lib/base/json.h), its name for
         * messages, and what to do with a filter the engine sent. Borrowed. NULL profile: a spec
         * that needs one is refused (fail closed). */
        const json_t *seccomp_profile;
        const char *seccomp_profile_name;
        enum rw_seccomp_mode seccomp_mode;
        /* Capabilities the tier lets a container keep ("CAP_NET_BIND_SERVICE"), NULL-terminated;
         * NULL or empty: none (the baseline). Profiles with capability conditions are resolved
         * against this set, never against what the engine asked for. */
        const char *const *capabilities;
        /* Root filesystem read-only with scratch tmpfs (true in the baseline). */
        bool readonly_rootfs;
        /* Operator-listed host directories for bind mounts; NULL: none. */
        const struct rw_bind_prefix *extra_bind_prefixes;
        /* Labels every container of the tier must carry; NULL: none. */
        const struct rw_requirement *requirements;
        /* Per-rule actions (lib/plan.h); NULL: every rule as it is. */
        const struct rw_rule_tuning *tuning;
        const char *const *lists[RW_LIST_COUNT];
        /* The tier's name and strictness (higher: stricter; -1 unknown), for rules that compare
         * it with other containers' tiers. */
        const char *tier_name;
        int64_t strictness;
        /* Caps on what a spec asks for (0: none): memory.limit, and the size of tmpfs mounts the
         * client adds (docker --tmpfs, --shm-size). */
        uint64_t memory_max;
        uint64_t tmpfs_max;
        /* What the tier's containers may reach from their network namespace (docs/egress.md);
         * NULL or mode "off": runwarden installs no egress rules. */
        const struct rw_egress_settings *egress;
};

void rw_settings_baseline(struct rw_settings *ret);
