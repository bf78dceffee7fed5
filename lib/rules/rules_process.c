/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "rules.h"

/* The five sets of process.capabilities, in the order the runtime spec lists them. */
static const char *const cap_sets[] = {
    "bounding", "effective", "inheritable", "permitted", "ambient",
};

static bool cap_allowed(const char *cap, const char *const *allowed)
{
        for (const char *const *a = allowed; a != NULL && *a != NULL; a++)
                if (strcmp(*a, cap) == 0)
                        return true;
        return false;
}

/* The set without what the tier does not allow; NULL when nothing is dropped. */
static json_t *filter_set(const json_t *set, const char *const *allowed, size_t *ret_dropped)
{
        json_t *kept = json_array();
        json_t *cap;
        size_t i;

        if (kept == NULL)
                return NULL;
        *ret_dropped = 0;
        json_array_foreach(set, i, cap)
        {
                if (json_is_string(cap) && cap_allowed(json_string_value(cap), allowed)) {
                        if (json_array_append(kept, cap) < 0) {
                                json_decref(kept);
                                return NULL;
                        }
                } else {
                        (*ret_dropped)++;
                }
        }
        return kept;
}

/* The capabilities of `set` the tier does not allow, comma-separated, into buf. */
static const char *names_of(const json_t *set, const char *const *allowed, char *buf, size_t size)
{
        size_t len = 0, i;
        json_t *cap;

        buf[0] = '\0';
        json_array_foreach(set, i, cap)
        {
                const char *name = json_string_value(cap);
                int n;

                if (name == NULL || cap_allowed(name, allowed) || len >= size)
                        continue;
                n = snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", name);
                if (n > 0)
                        len += (size_t)n;
        }
        return buf;
}

static void drop_capabilities(const json_t *process, const char *pointer,
                              const char *const *allowed, struct rw_plan *plan)
{
        _cleanup_free_ char *caps_pointer = NULL;
        json_t *caps;

        /* An absent capabilities object (or set) is not a gap: runc starts the process with an
         * empty set for whatever the spec leaves out, and an exec process without one inherits
         * the container's, which this rule emptied at create. */
        caps = json_object_get(process, "capabilities");
        if (caps == NULL)
                return;
        if (!json_is_object(caps)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "process.capabilities",
                             "process.capabilities is not a JSON object");
                return;
        }

        caps_pointer = rw_pointer_join(pointer, "capabilities");
        if (caps_pointer == NULL) {
                plan->oom = true;
                return;
        }

        for (size_t i = 0; i < RW_ELEMENTSOF(cap_sets); i++) {
                _cleanup_free_ char *set_pointer = NULL;
                json_t *set = json_object_get(caps, cap_sets[i]);
                char names[256];
                size_t dropped;
                json_t *kept;

                if (set == NULL)
                        continue;
                if (!json_is_array(set)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, "process.capabilities",
                                     "process.capabilities.%s is not a JSON array", cap_sets[i]);
                        continue;
                }
                if (json_array_size(set) == 0)
                        continue;

                set_pointer = rw_pointer_join(caps_pointer, cap_sets[i]);
                kept = filter_set(set, allowed, &dropped);
                if (set_pointer == NULL || kept == NULL) {
                        json_decref(kept);
                        plan->oom = true;
                        return;
                }
                if (dropped == 0) {
                        json_decref(kept);
                        continue;
                }
                if (json_array_size(kept) == 0)
                        rw_plan_set_new(plan, RW_RULE_CAPS, set_pointer, set, kept,
                                        "all %zu %s capabilities dropped%s%s", dropped, cap_sets[i],
                                        dropped <= 3 ? ": " : "",
                                        dropped <= 3 ? names_of(set, allowed, names, sizeof(names))
                                                     : "");
                else
                        rw_plan_set_new(
                            plan, RW_RULE_CAPS, set_pointer, set, kept,
                            "%zu %s capabilities dropped, %zu the tier allows kept%s%s", dropped,
                            cap_sets[i], json_array_size(kept), dropped <= 3 ? "; dropped: " : "",
                            dropped <= 3 ? names_of(set, allowed, names, sizeof(names)) : "");
        }
}

static void set_no_new_privileges(const json_t *process, const char *pointer, struct rw_plan *plan)
{
        _cleanup_free_ char *nnp_pointer = NULL;
        json_t *nnp = json_object_get(process, "noNewPrivileges");

        if (json_is_true(nnp))
                return;

        nnp_pointer = rw_pointer_join(pointer, "noNewPrivileges");
        if (nnp_pointer == NULL) {
                plan->oom = true;
                return;
        }
        /* Without it a setuid binary in the image gets back what the capability drop took. */
        rw_plan_set(plan, RW_RULE_NNP, nnp_pointer, nnp, json_true(),
                    "setuid and file capabilities must not raise privileges");
}

static void check_cwd(const json_t *process, struct rw_plan *plan)
{
        json_t *value = json_object_get(process, "cwd");

        if (!json_is_string(value) || rw_json_is_verbatim_number(value)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "process.cwd",
                             value == NULL ? "process.cwd is missing"
                                           : "process.cwd is not a string");
                return;
        }
        rw_rules_cwd(json_string_value(value), "process.cwd", plan);
}

void rw_rules_cwd(const char *cwd, const char *what, struct rw_plan *plan)
{
        struct rw_error err = {0};
        _cleanup_free_ char *normalized = NULL;

        if (cwd[0] != '/') {
                rw_plan_deny(plan, RW_RULE_SPEC, cwd, "%s \"%s\" is not an absolute path", what,
                             cwd);
                return;
        }
        if (rw_path_normalize(cwd, &normalized, &err) < 0) {
                if (err.code == ENOMEM)
                        plan->oom = true;
                else
                        rw_plan_deny(plan, RW_RULE_SPEC, cwd, "%s %s: %s", what, cwd, err.msg);
                return;
        }
        /* A working directory anywhere in /proc can be a descriptor or a cwd link of another
         * process, which is how CVE-2024-21626 left the container through a leaked host fd. */
        if (rw_path_within(normalized, "/proc"))
                rw_plan_deny(plan, RW_RULE_CWD, cwd, "%s %s is inside /proc (CVE-2024-21626)", what,
                             cwd);
}

void rw_rules_process(const json_t *process, const char *pointer,
                      const struct rw_settings *settings, struct rw_plan *plan)
{
        if (!json_is_object(process)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "process",
                             process == NULL ? "the spec has no process"
                                             : "the process is not a JSON object");
                return;
        }

        /* oomScoreAdj is oom-score's (rules_limits.c): a negative one is raised to 0 at create. */
        drop_capabilities(process, pointer, settings != NULL ? settings->capabilities : NULL, plan);
        set_no_new_privileges(process, pointer, plan);
        check_cwd(process, plan);
}
