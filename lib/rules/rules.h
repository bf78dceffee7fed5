/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The hardening rules. Each is a pure function: the spec (never modified), the settings of the
 * tier and the host facts in, changes and denials appended to the plan out. No I/O, no
 * environment, no clock.
 *
 * Rule ids are stable: they appear in logs, in the docs (docs/rules.md) and, with the policy
 * issue, in the policy file.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "egress.h"
#include "facts.h"
#include "plan.h"
#include "spec.h" /* RW_RULE_SPEC */

#define RW_RULE_CAPS           "caps-drop"
#define RW_RULE_NNP            "no-new-privileges"
#define RW_RULE_CWD            "process-cwd"
#define RW_RULE_EXEC_CAPS      "exec-caps"
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
        /* The tier's seccomp profile (OCI LinuxSeccomp, already converted and checked), its
         * name for messages, and what to do with a filter the engine sent. Borrowed. NULL
         * profile: a spec that needs one is refused (fail closed). */
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

/* All rules for a container spec (config.json of create/run/restore). */
void rw_rules_spec(const json_t *spec, const struct rw_settings *settings,
                   const struct rw_host_facts *facts, struct rw_plan *plan);

/*
 * The rule families, callable one by one (tests). `process` is the OCI process object and
 * `pointer` its JSON pointer in the document ("/process" in config.json, "" in an exec --process
 * file, which is a bare process object). rw_rules_process() reads only settings->capabilities
 * (the capabilities the tier lets a process keep); settings may be NULL: keep none.
 */
void rw_rules_process(const json_t *process, const char *pointer,
                      const struct rw_settings *settings, struct rw_plan *plan);
/* process-cwd alone, for a working directory given elsewhere (`exec --cwd`); `what` names it in
 * messages ("exec --cwd"). */
void rw_rules_cwd(const char *cwd, const char *what, struct rw_plan *plan);
void rw_rules_mounts(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan);
void rw_rules_rootfs(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan);
/* root-path: root.path is this container's own rootfs (the bundle's, or the engine's layer). */
void rw_rules_root_path(const json_t *spec, const struct rw_host_facts *facts,
                        struct rw_plan *plan);
void rw_rules_namespaces(const json_t *spec, const struct rw_settings *settings,
                         const struct rw_host_facts *facts, struct rw_plan *plan);
void rw_rules_kernel(const json_t *spec, struct rw_plan *plan);  /* masked paths, sysctl */
void rw_rules_devices(const json_t *spec, struct rw_plan *plan); /* linux.devices, cgroup */
/* pids, memory, cgroup path and unified keys, oom score, rootfs propagation */
void rw_rules_limits(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan);
void rw_rules_seccomp(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan);
void rw_rules_annotations(const json_t *spec, struct rw_plan *plan);
/* hooks: only the tier's listed hooks and dockerd's own libnetwork-setkey may run on the host. */
void rw_rules_hooks(const json_t *spec, const struct rw_settings *settings,
                    const struct rw_host_facts *facts, struct rw_plan *plan);
/* egress.*: runwarden's egress hook appended as the last createRuntime hook (and an earlier
 * create's removed) when the tier controls egress; what would defeat its rules is refused. */
void rw_rules_egress(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan);
/* Whether the tier controls egress (settings->egress set, mode not "off"). */
bool rw_rules_egress_on(const struct rw_settings *settings);
/* The hook entry runwarden writes for the hook at `path` (NULL: out of memory). */
json_t *rw_rules_egress_hook_entry(const char *path);
/* Whether `hook` is exactly that entry, for the hook at `path`. */
bool rw_rules_is_egress_hook(const json_t *hook, const char *path);
/* Why a hook binary may not run on the host (not root's, writable by others, a symlink, not a
 * regular file, missing, not examined); NULL when it may. The one check for operator-listed
 * hooks and runwarden's own. */
const char *rw_rules_hook_binary_problem(const struct rw_hook_fact *fact);
/* privileged: a spec shaped like `--privileged` is hardened with a warning; a tier may refuse it.
 */
void rw_rules_privileged(const json_t *spec, struct rw_plan *plan);
/* secret-in-env: long-lived credentials in process.env are stripped (the tier may tune it to
 * warn or refuse). Never records a value: only the variable name and the kind of credential. */
void rw_rules_secrets(const json_t *process, const char *pointer, struct rw_plan *plan);
/* required-label: refuse unless every settings->requirements entry is present. */
void rw_rules_required(const json_t *spec, const struct rw_settings *settings,
                       struct rw_plan *plan);

/* exec-policy: an exec must keep the container's AppArmor profile and SELinux label
 * (`container_process` from its config.json, `exec_process` what runc would run). */
void rw_rules_exec_lsm(const json_t *container_process, const json_t *exec_process,
                       struct rw_plan *plan);
/* exec-policy: exec --cgroup paths must stay below the container's cgroup. */
void rw_rules_exec_cgroups(const struct rw_strv *cgroups, struct rw_plan *plan);
/* pids-limit and devices for `update`: `resources` is the canonical --resources document (may be
 * NULL) and `flags` its other flags as "name=value"; nothing may lift what the tier sets. */
void rw_rules_update(const json_t *resources, const struct rw_strv *flags,
                     const struct rw_settings *settings, struct rw_plan *plan);

/* True when rw_rules_seccomp() needs settings->seccomp_profile for `spec`: always, in both
 * modes, unless linux or linux.seccomp is malformed (the spec is refused then). `settings` is
 * not read; it stays in the signature for tiers that may one day apply no profile. */
bool rw_rules_seccomp_wants_profile(const json_t *spec, const struct rw_settings *settings);

/*
 * The member `key` of `parent` (which may be NULL) for a rule to read: *ret_ok is true and the
 * result NULL when it is absent, or the member when it has JSON type `type`. A member of another
 * type makes the spec malformed: denied under RW_RULE_SPEC naming `path` ("linux.devices"),
 * *ret_ok false.
 */
const json_t *rw_spec_member(const json_t *parent, const char *key, json_type type,
                             const char *path, struct rw_plan *plan, bool *ret_ok);

/* The user the process runs as and its HOME (from process.env, else /root for uid 0), for the
 * scratch rule; *ret_home is NULL when there is none to protect. Points into `spec`. */
void rw_rules_job_home(const json_t *spec, const char **ret_home, int64_t *ret_uid,
                       int64_t *ret_gid);
