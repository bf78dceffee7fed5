/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "rules.h"
#include "spec.h"

/* Namespaces a container must not share with the host. Engines ask for the host's by leaving the
 * entry out (docker run --pid host), so absence is what this rule looks for. */
static const enum rw_ns_type required[] = {
    RW_NS_PID, RW_NS_IPC, RW_NS_UTS, RW_NS_MOUNT, RW_NS_NETWORK,
};

/* Verbatim numbers travel as strings (lib/json.h); runc reads them as numbers. */
static bool is_text(const json_t *value)
{
        return json_is_string(value) && !rw_json_is_verbatim_number(value);
}

static bool same_file(const struct rw_file_id *a, const struct rw_file_id *b)
{
        return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
}

static bool in_list(const char *const *list, const char *s)
{
        for (; list != NULL && *list != NULL; list++)
                if (strcmp(*list, s) == 0)
                        return true;
        return false;
}

/*
 * An entry with a path joins an existing namespace. Never the host's (pid 1's, or runwarden's
 * own when pid 1's cannot be read); a pod's container joins its own sandbox's; a namespace pinned
 * by `ip netns` or a CNI plugin (network, ipc, uts) may be joined; another container's only where
 * the tier says it may share with that container's tier — and never the pid or mount namespace of
 * a stricter tier, nor any namespace of a tier that denies exec (joining it is an exec by other
 * means).
 */
static void check_path(const char *type_name, enum rw_ns_type type, const char *path,
                       const json_t *spec, const struct rw_settings *settings,
                       const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const struct rw_path_fact *fact = rw_facts_lookup(facts, path);
        const char *sandbox = rw_spec_string_member(json_object_get(spec, "annotations"),
                                                    "io.kubernetes.cri.sandbox-id");
        const struct rw_container_ref *owner;

        if (fact == NULL || fact->error != 0 || !fact->id.known) {
                rw_plan_deny(plan, RW_RULE_HOST_NAMESPACE, path,
                             "cannot verify namespace path %s of the %s namespace: %s", path,
                             type_name,
                             fact != NULL && fact->error == EINVAL
                                 ? "only /proc/PID/ns/TYPE or a namespace file outside /proc "
                                   "is judged"
                                 : "it does not exist or cannot be read");
                return;
        }
        if (fact->unsafe_dir != NULL) {
                rw_plan_deny(plan, RW_RULE_NAMESPACE_JOIN, path,
                             "namespace path %s is reached through %s, a directory someone other "
                             "than root can change: what runc joins later need not be what "
                             "runwarden checked now",
                             path, fact->unsafe_dir);
                return;
        }
        if (!facts->host_ns[type].known) {
                rw_plan_deny(plan, RW_RULE_HOST_NAMESPACE, path,
                             "cannot verify namespace path %s of the %s namespace: the host's %s "
                             "namespace is unknown",
                             path, type_name, type_name);
                return;
        }
        if (same_file(&fact->id, &facts->host_ns[type])) {
                rw_plan_deny(plan, RW_RULE_HOST_NAMESPACE, path,
                             "the spec joins the host's %s namespace via %s", type_name, path);
                return;
        }
        owner = &fact->owner;
        if (owner->id == NULL) {
                if (fact->pinned_ns &&
                    (type == RW_NS_NETWORK || type == RW_NS_IPC || type == RW_NS_UTS)) {
                        rw_plan_note(plan, RW_RULE_NAMESPACE_JOIN,
                                     "joins the pinned %s namespace %s", type_name, path);
                        return;
                }
                rw_plan_deny(plan, RW_RULE_NAMESPACE_JOIN, path,
                             "the %s namespace %s belongs to no container runwarden knows",
                             type_name, path);
                return;
        }
        /* a pod: its sandbox (a container recorded as its own pod's sandbox) */
        if (sandbox != NULL && strcmp(owner->id, sandbox) == 0 && owner->sandbox != NULL &&
            strcmp(owner->sandbox, owner->id) == 0) {
                rw_plan_note(plan, RW_RULE_NAMESPACE_JOIN,
                             "joins the %s namespace of its pod's sandbox %s", type_name,
                             owner->id);
                return;
        }
        if (owner->tier == NULL ||
            !in_list(settings->lists[RW_LIST_SHARE_NAMESPACES], owner->tier)) {
                rw_plan_deny(plan, RW_RULE_NAMESPACE_JOIN, path,
                             "the spec joins the %s namespace of container %s (tier %s), which "
                             "the tier does not share with",
                             type_name, owner->id, owner->tier != NULL ? owner->tier : "unknown");
                return;
        }
        if (owner->exec == RW_TIER_EXEC_DENIED) {
                rw_plan_deny(plan, RW_RULE_NAMESPACE_JOIN, path,
                             "the spec joins the %s namespace of container %s, whose tier %s "
                             "allows no exec",
                             type_name, owner->id, owner->tier);
                return;
        }
        if ((type == RW_NS_PID || type == RW_NS_MOUNT) && owner->strictness >= 0 &&
            settings->strictness >= 0 && owner->strictness > settings->strictness) {
                rw_plan_deny(plan, RW_RULE_NAMESPACE_JOIN, path,
                             "the spec joins the %s namespace of container %s of the stricter "
                             "tier %s",
                             type_name, owner->id, owner->tier);
                return;
        }
        rw_plan_note(plan, RW_RULE_NAMESPACE_JOIN,
                     "joins the %s namespace of container %s (tier %s)", type_name, owner->id,
                     owner->tier);
}

/* runc opens a namespace file when it joins, long after the check: it is handed the path that
 * was judged (symlinks resolved), whose directories only root can change. */
static void join_resolved(size_t index, const json_t *value, const struct rw_host_facts *facts,
                          struct rw_plan *plan)
{
        const char *path = json_string_value(value);
        const struct rw_path_fact *fact = facts != NULL ? rw_facts_lookup(facts, path) : NULL;
        _cleanup_free_ char *element = NULL;
        _cleanup_free_ char *pointer = NULL;

        if (fact == NULL || fact->realpath == NULL || strcmp(fact->realpath, path) == 0)
                return;
        element = rw_pointer_join_index("/linux/namespaces", index);
        pointer = element != NULL ? rw_pointer_join(element, "path") : NULL;
        if (pointer == NULL) {
                plan->oom = true;
                return;
        }
        rw_plan_set_new(plan, RW_RULE_NAMESPACE_JOIN, pointer, (json_t *)value,
                        json_string(fact->realpath),
                        "namespace path %s is joined as %s, the path it resolved to when checked",
                        path, fact->realpath);
}

void rw_rules_namespaces(const json_t *spec, const struct rw_settings *settings,
                         const struct rw_host_facts *facts, struct rw_plan *plan)
{
        bool seen[RW_NS_COUNT] = {false};
        bool ok;
        const json_t *linux_obj = rw_spec_member(spec, "linux", JSON_OBJECT, "linux", plan, &ok);
        const json_t *namespaces = NULL;
        json_t *entry;
        size_t i;

        if (!ok)
                return;
        namespaces =
            rw_spec_member(linux_obj, "namespaces", JSON_ARRAY, "linux.namespaces", plan, &ok);
        if (!ok)
                return;

        json_array_foreach(namespaces, i, entry)
        {
                const json_t *type_value = json_object_get(entry, "type");
                const char *type_name = json_string_value(type_value);
                const json_t *path = json_object_get(entry, "path");
                int type;

                if (!is_text(type_value)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, "linux.namespaces",
                                     "linux.namespaces[%zu] has no type", i);
                        continue;
                }
                type = rw_ns_type_from_name(type_name);
                if (type < 0)
                        continue; /* runc refuses unknown types itself */
                if (seen[type]) {
                        rw_plan_deny(plan, RW_RULE_SPEC, type_name,
                                     "linux.namespaces lists the %s namespace twice", type_name);
                        continue;
                }
                seen[type] = true;

                if (path == NULL)
                        continue;
                if (!is_text(path)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, type_name,
                                     "the path of the %s namespace is not a string", type_name);
                        continue;
                }
                /* runc reads an empty path as "create a new one". */
                if (json_string_length(path) > 0) {
                        size_t denials = plan->n_denials;

                        check_path(type_name, (enum rw_ns_type)type, json_string_value(path), spec,
                                   settings, facts, plan);
                        if (plan->n_denials == denials)
                                join_resolved(i, path, facts, plan);
                }
        }

        for (i = 0; i < RW_ELEMENTSOF(required); i++) {
                const char *name = rw_ns_type_name(required[i]);
                char item[64];

                if (seen[required[i]])
                        continue;
                snprintf(item, sizeof(item), "%s namespace", name);
                rw_plan_deny(plan, RW_RULE_HOST_NAMESPACE, item,
                             "the spec shares the host's %s namespace", name);
        }

        /* Engines on cgroup v1 hosts leave the cgroup namespace out by default. A private one
         * only hides the host's cgroup paths, so add it rather than refuse the container. */
        if (!seen[RW_NS_CGROUP] && namespaces != NULL) {
                json_t *cgroup = json_pack("{s:s}", "type", "cgroup");

                if (cgroup == NULL) {
                        plan->oom = true;
                        return;
                }
                rw_plan_array_insert_new(plan, RW_RULE_HOST_NAMESPACE, "/linux/namespaces", NULL,
                                         cgroup,
                                         "a private cgroup namespace hides the host's "
                                         "cgroup hierarchy");
        }
}
