/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The hardening rules. Each is a pure function: the spec (never modified), the settings of the
 * tier and the host facts in, changes and denials appended to the plan out. No I/O, no
 * environment, no clock.
 *
 * Rule ids and the tier's settings are in settings.h; the order in which they run, in
 * ruleset.h.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "facts.h"
#include "plan.h"

#include "settings.h"

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
/* masked paths, sysctl (and the namespaced sysctls the tier lists); settings may be NULL */
void rw_rules_kernel(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan);
/* linux.devices and the device cgroup (and the devices the tier lists); settings may be NULL */
void rw_rules_devices(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan);
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

/* The user the process runs as and its HOME as runc sets it (rw_spec_job_home(): process.env,
 * else the image's /etc/passwd from the facts, which may be NULL), for the scratch rule;
 * *ret_home is NULL when nothing can be told. Points into `spec` or `facts`. */
void rw_rules_job_home(const json_t *spec, const struct rw_host_facts *facts, const char **ret_home,
                       int64_t *ret_uid, int64_t *ret_gid);
