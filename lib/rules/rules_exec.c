/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules for what an exec command line asks beyond its process: a sub-cgroup to run in, and a
 * security label other than the container's.
 */
#include <string.h>

#include "cleanup.h"
#include "rules.h"
#include "spec.h"

void rw_rules_exec_lsm(const json_t *container_process, const json_t *exec_process,
                       struct rw_plan *plan)
{
        static const char *const labels[] = {"apparmorProfile", "selinuxLabel"};

        for (size_t i = 0; i < RW_ELEMENTSOF(labels); i++) {
                const char *theirs = rw_spec_string_member(container_process, labels[i]);
                const char *asked = rw_spec_string_member(exec_process, labels[i]);

                if (strcmp(theirs != NULL ? theirs : "", asked != NULL ? asked : "") != 0)
                        rw_plan_deny(plan, RW_RULE_EXEC_POLICY, labels[i],
                                     "exec asks for %s \"%s\" where the container has \"%s\"",
                                     labels[i], asked != NULL ? asked : "",
                                     theirs != NULL ? theirs : "");
        }
}

/* runc joins "[controllers:]PATH" below the container's own cgroup: ".." would leave it. */
void rw_rules_exec_cgroups(const struct rw_strv *cgroups, struct rw_plan *plan)
{
        for (size_t i = 0; i < cgroups->n; i++) {
                const char *arg = cgroups->v[i];
                const char *colon = strchr(arg, ':');
                const char *c = colon != NULL ? colon + 1 : arg;
                bool escapes = false;

                while (*c != '\0' && !escapes) {
                        size_t len = strcspn(c, "/");

                        escapes = len == 2 && strncmp(c, "..", 2) == 0;
                        c += len;
                        c += *c == '/';
                }
                if (escapes)
                        rw_plan_deny(plan, RW_RULE_EXEC_POLICY, arg,
                                     "exec --cgroup %s leaves the container's own cgroup", arg);
        }
}
