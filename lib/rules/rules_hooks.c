/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hooks: OCI hooks run on the host, as root, with runc's privileges — a hook in the spec is a
 * command a client gets run outside any container. Only two kinds may stay: a hook binary the
 * tier lists (root's, a regular file nobody else may write, named by its real path), and
 * dockerd's own libnetwork-setkey prestart hook, which dockerd adds to every container with a
 * network (path /proc/PID/exe of the running dockerd, container id as argument).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "paths.h"
#include "rules.h"

/* runwarden's own egress hook, as rule egress-hook injects it (rules_egress.c) and as this rule
 * recognises it: its path, the one argument naming it, its timeout, nothing else. */
json_t *rw_rules_egress_hook_entry(const char *path)
{
        return json_pack("{s:s, s:[s], s:i}", "path", path, "args", RW_EGRESS_HOOK_NAME, "timeout",
                         RW_EGRESS_HOOK_TIMEOUT);
}

bool rw_rules_is_egress_hook(const json_t *hook, const char *path)
{
        const json_t *args = json_object_get(hook, "args");
        const json_t *timeout = json_object_get(hook, "timeout");
        const char *p = json_string_value(json_object_get(hook, "path"));

        return path != NULL && p != NULL && strcmp(p, path) == 0 && json_object_size(hook) == 3 &&
               json_array_size(args) == 1 && json_is_string(json_array_get(args, 0)) &&
               strcmp(json_string_value(json_array_get(args, 0)), RW_EGRESS_HOOK_NAME) == 0 &&
               json_is_integer(timeout) && json_integer_value(timeout) == RW_EGRESS_HOOK_TIMEOUT;
}

static const char *const phases[] = {"prestart",       "createRuntime", "createContainer",
                                     "startContainer", "poststart",     "poststop"};

/* Names the engine binary that owns a libnetwork-setkey hook may have. */
static const char *const docker_daemons[] = {"dockerd", "docker", NULL}; /* NULL-ended: in_list() */

static bool in_list(const char *const *list, const char *s)
{
        for (; list != NULL && *list != NULL; list++)
                if (strcmp(*list, s) == 0)
                        return true;
        return false;
}

static bool is_hex(const char *s, size_t min)
{
        size_t n = 0;

        for (; *s != '\0'; s++, n++)
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
                        return false;
        return n >= min;
}

/* A binary only root can change: root's regular file, not writable by group or others. */
const char *rw_rules_hook_binary_problem(const struct rw_hook_fact *f)
{
        if (f == NULL)
                return "it was not examined on the host";
        if (f->error != 0)
                return "it does not exist";
        if (f->symlink)
                return "its path is a symbolic link";
        if (!S_ISREG(f->mode))
                return "it is not a regular file";
        if (f->uid != 0)
                return "it does not belong to root";
        if ((f->mode & (S_IWGRP | S_IWOTH)) != 0)
                return "others may write it";
        return NULL;
}

/*
 * dockerd's own: ["libnetwork-setkey", ("-exec-root=DIR")?, CONTAINER-ID, CONTROLLER-ID] (the
 * first argument is argv[0], the name dockerd re-executes itself under), at /proc/PID/exe of a
 * process whose binary is root's dockerd.
 */
static bool is_docker_setkey(const json_t *hook, const struct rw_host_facts *facts)
{
        const char *path = json_string_value(json_object_get(hook, "path"));
        const json_t *args = json_object_get(hook, "args");
        const struct rw_hook_fact *f = rw_facts_hook(facts, path);
        size_t n = json_array_size(args), i = 1;
        const char *id, *controller;

        /* /proc/PID/exe is a link by nature: what it leads to must be root's binary */
        if (f == NULL || f->exe == NULL || f->comm == NULL || f->error != 0 || !S_ISREG(f->mode) ||
            f->uid != 0 || (f->mode & (S_IWGRP | S_IWOTH)) != 0)
                return false;
        if (!in_list(docker_daemons, rw_path_basename(f->exe)) || !in_list(docker_daemons, f->comm))
                return false;
        if (n < 3 || n > 4 ||
            strcmp(json_string_value(json_array_get(args, 0)), "libnetwork-setkey") != 0)
                return false;
        if (n == 4) {
                const char *flag = json_string_value(json_array_get(args, 1));

                if (strncmp(flag, "-exec-root=", 11) != 0 || flag[11] != '/')
                        return false;
                i = 2;
        }
        id = json_string_value(json_array_get(args, i));
        controller = json_string_value(json_array_get(args, i + 1));
        /* the container's own id: the hook configures this container's network, no other */
        if (facts->container_id != NULL && strcmp(id, facts->container_id) != 0)
                return false;
        return is_hex(controller, 12) && json_array_size(json_object_get(hook, "env")) == 0;
}

/* Whether a spec's hook names runwarden's egress hook: its path or file, or its name. */
static bool names_egress_hook(const json_t *hook, const char *normal,
                              const struct rw_host_facts *facts)
{
        const char *own = facts->egress.hook;
        const struct rw_hook_fact *f =
            rw_facts_hook(facts, json_string_value(json_object_get(hook, "path")));
        const struct rw_hook_fact *o = own != NULL ? rw_facts_hook(facts, own) : NULL;
        const char *arg0 = json_string_value(json_array_get(json_object_get(hook, "args"), 0));

        if (own != NULL && strcmp(normal, own) == 0)
                return true;
        if (f != NULL && o != NULL && f->realpath != NULL && o->realpath != NULL &&
            strcmp(f->realpath, o->realpath) == 0)
                return true;
        return strcmp(rw_path_basename(normal), RW_EGRESS_HOOK_NAME) == 0 ||
               (arg0 != NULL && strcmp(arg0, RW_EGRESS_HOOK_NAME) == 0);
}

static void judge_hook(const char *phase, size_t index, const json_t *hook,
                       const struct rw_settings *settings, const struct rw_host_facts *facts,
                       struct rw_plan *plan)
{
        const char *path = json_string_value(json_object_get(hook, "path"));
        _cleanup_free_ char *normal = NULL;
        char item[64];

        snprintf(item, sizeof(item), "hooks.%s[%zu]", phase, index);
        if (path == NULL || path[0] != '/' || rw_path_normalize(path, &normal, NULL) < 0) {
                rw_plan_deny(plan, RW_RULE_HOOKS, item, "the %s hook %zu has no absolute path",
                             phase, index);
                return;
        }
        /* runwarden's own, exactly as it writes it (a bundle created before), passes the checks
         * of any hook binary; anything else that names it is a client's, and refused whatever
         * the tier lists. */
        if (names_egress_hook(hook, normal, facts)) {
                const char *why = rw_rules_hook_binary_problem(rw_facts_hook(facts, path));

                if (strcmp(phase, "createRuntime") != 0 ||
                    !rw_rules_is_egress_hook(hook, facts->egress.hook))
                        rw_plan_deny(plan, RW_RULE_HOOKS, path,
                                     "the %s hook %s names runwarden's egress hook, which only "
                                     "runwarden adds (its path, as the last createRuntime hook, "
                                     "with no arguments of its own)",
                                     phase, path);
                else if (why != NULL)
                        rw_plan_deny(plan, RW_RULE_HOOKS, path,
                                     "the %s hook %s is runwarden's egress hook, but %s", phase,
                                     path, why);
                return;
        }
        if (in_list(settings->lists[RW_LIST_HOOKS], normal)) {
                const char *why = rw_rules_hook_binary_problem(rw_facts_hook(facts, path));

                if (why != NULL)
                        rw_plan_deny(plan, RW_RULE_HOOKS, path,
                                     "the %s hook %s is one the tier allows, but %s", phase, path,
                                     why);
                return;
        }
        if ((strcmp(phase, "prestart") == 0 || strcmp(phase, "createRuntime") == 0) &&
            is_docker_setkey(hook, facts))
                return;
        rw_plan_deny(plan, RW_RULE_HOOKS, path,
                     "the %s hook %s would run on the host as root; only hooks the tier lists "
                     "and dockerd's own network hook may run",
                     phase, path);
}

void rw_rules_hooks(const json_t *spec, const struct rw_settings *settings,
                    const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *hooks = json_object_get(spec, "hooks");

        for (size_t p = 0; p < RW_ELEMENTSOF(phases); p++) {
                const json_t *list = json_object_get(hooks, phases[p]);
                size_t i;
                json_t *hook;

                json_array_foreach(list, i, hook)
                {
                        judge_hook(phases[p], i, hook, settings, facts, plan);
                }
        }
}

/*
 * What `docker run --privileged` (and a privileged Kubernetes pod) asks for: every capability,
 * no masked or read-only paths. The other rules take all of it away; the warning makes it seen,
 * and a tier that sets this rule to "refuse" turns it into a refusal.
 */
void rw_rules_privileged(const json_t *spec, struct rw_plan *plan)
{
        const json_t *process = json_object_get(spec, "process");
        const json_t *bounding =
            json_object_get(json_object_get(process, "capabilities"), "bounding");
        const json_t *linux_obj = json_object_get(spec, "linux");
        size_t i;
        json_t *cap;
        bool sys_admin = false;

        json_array_foreach(bounding, i, cap)
        {
                if (json_is_string(cap) && strcmp(json_string_value(cap), "CAP_SYS_ADMIN") == 0)
                        sys_admin = true;
        }
        if (!sys_admin || json_array_size(json_object_get(linux_obj, "maskedPaths")) > 0)
                return;
        rw_plan_warn(plan, RW_RULE_PRIVILEGED,
                     "the spec asks for a privileged container (CAP_SYS_ADMIN, nothing masked): it "
                     "runs hardened like any other");
}
