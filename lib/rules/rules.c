/* SPDX-License-Identifier: Apache-2.0 */
#include "rules.h"

#include "cleanup.h"
#include "json.h"
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

static const char *type_name(json_type type)
{
        switch (type) {
        case JSON_OBJECT:
                return "a JSON object";
        case JSON_ARRAY:
                return "a JSON array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
                return "an integer";
        default:
                return "of the expected type";
        }
}

const json_t *rw_spec_member(const json_t *parent, const char *key, json_type type,
                             const char *path, struct rw_plan *plan, bool *ret_ok)
{
        const json_t *member = json_object_get(parent, key);

        *ret_ok = true;
        if (member == NULL)
                return NULL;
        if (json_typeof(member) == type && !rw_json_is_verbatim_number(member))
                return member;
        *ret_ok = false;
        rw_plan_deny(plan, RW_RULE_SPEC, path, "%s is not %s", path, type_name(type));
        return NULL;
}

void rw_rules_spec(const json_t *spec, const struct rw_settings *settings,
                   const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *process;

        if (!json_is_object(spec)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "config.json", "config.json is not a JSON object");
                return;
        }
        process = json_object_get(spec, "process");
        /* runc accepts a spec without process only for commands that never start it */
        if (process == NULL)
                rw_plan_deny(plan, RW_RULE_SPEC, "process", "the spec has no process");
        else
                rw_rules_process(process, "/process", settings, plan);
        /* What the container is (its root, its namespaces) before what it mounts: a refusal
         * names the first cause. scratch-tmpfs reads the plan to know which mounts
         * engine-socket removes, so the mount rules come before rw_rules_rootfs(). */
        rw_rules_root_path(spec, facts, plan);
        rw_rules_namespaces(spec, settings, facts, plan);
        rw_rules_mounts(spec, settings, facts, plan);
        rw_rules_rootfs(spec, settings, facts, plan);
        rw_rules_kernel(spec, plan);
        rw_rules_devices(spec, plan);
        rw_rules_limits(spec, settings, facts, plan);
        rw_rules_seccomp(spec, settings, plan);
        rw_rules_annotations(spec, plan);
        rw_rules_hooks(spec, settings, facts, plan);
        rw_rules_egress(spec, settings, facts, plan);
        rw_rules_privileged(spec, plan);
        if (process != NULL)
                rw_rules_secrets(process, "/process", plan);
        rw_rules_required(spec, settings, plan);
}
