/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "rules.h"

/* Annotation namespaces that runtimes read as configuration: crun's run.oci.* (handler, seccomp
 * overrides, keep_original_groups, ...), runsc's flags, Kata's, and the systemd unit properties
 * that crun and runc set on the container's scope. Any of them would change how the delegate runs
 * the container behind the rules' back; docker run --annotation sets them since Docker 24. */
static const char *const runtime_prefixes[] = {
    "run.oci.",
    "dev.gvisor.",
    "io.katacontainers.",
    "org.systemd.property.",
};

static bool is_runtime_annotation(const char *key)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(runtime_prefixes); i++) {
                if (strncmp(key, runtime_prefixes[i], strlen(runtime_prefixes[i])) == 0)
                        return true;
        }
        return false;
}

void rw_rules_annotations(const json_t *spec, struct rw_plan *plan)
{
        bool ok;
        const json_t *annotations =
            rw_spec_member(spec, "annotations", JSON_OBJECT, "annotations", plan, &ok);
        const char *key;
        json_t *value;

        if (annotations == NULL)
                return;

        json_object_foreach((json_t *)annotations, key, value)
        {
                _cleanup_free_ char *pointer = NULL;

                if (!is_runtime_annotation(key))
                        continue;
                pointer = rw_pointer_join("/annotations", key);
                if (pointer == NULL) {
                        plan->oom = true;
                        return;
                }
                rw_plan_delete(plan, RW_RULE_ANNOTATIONS, pointer, value,
                               "annotation %s configures the runtime itself", key);
        }
}
