/* SPDX-License-Identifier: Apache-2.0 */
#include "ruleset.h"

#include "rules.h"

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
        rw_rules_kernel(spec, settings, plan);
        rw_rules_devices(spec, settings, plan);
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
