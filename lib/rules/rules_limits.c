/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Limits and the cgroup: a container's cgroup is its own (cgroup-path), it cannot run more
 * processes or use more memory than the tier allows (pids-limit, memory-limit), cgroup v2 files
 * written through linux.resources.unified are those that limit the container itself
 * (cgroup-unified), it cannot make itself the OOM killer's last choice (oom-score), and its
 * mounts do not propagate back to the host (rootfs-propagation).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "numbers.h"
#include "paths.h"
#include "rules.h"
#include "strv.h"

/* cgroup v2 files that only limit or weigh the container itself. */
static const char *const unified_allowed[] = {
    "cpu.max",     "cpu.weight", "cpu.weight.nice", "cpu.idle",        "cpuset.cpus",
    "cpuset.mems", "io.max",     "io.weight",       "io.bfq.weight",   "memory.high",
    "memory.low",  "memory.min", "memory.max",      "memory.swap.max", "memory.oom.group",
    "pids.max",    NULL,
};

static bool str_in(const char *s, const char *const *set)
{
        for (; set != NULL && *set != NULL; set++)
                if (strcmp(s, *set) == 0)
                        return true;
        return false;
}

/* pids-limit: the tier's limit when the spec has none, or one above it (0 and -1 are
 * "unlimited" to runc: a fork bomb then takes the host's pid space). */
static void rule_pids(const json_t *resources, const struct rw_settings *settings,
                      struct rw_plan *plan)
{
        const json_t *limit = json_object_get(json_object_get(resources, "pids"), "limit");
        int64_t n = json_is_integer(limit) ? json_integer_value(limit) : 0;

        if (settings->pids_limit <= 0 || (n > 0 && n <= settings->pids_limit))
                return;
        rw_plan_set_new(plan, RW_RULE_PIDS, "/linux/resources/pids/limit", (json_t *)limit,
                        json_integer(settings->pids_limit),
                        "the container may run at most %" PRId64 " processes%s",
                        settings->pids_limit, n > 0 ? " (the tier's limit)" : "");
}

/*
 * memory-limit: the tier's cap, applied to a spec without one or above it; without a cap of the
 * tier, a limit above the host's memory (a request that means "more than all of it") is lowered
 * to that.
 */
static void rule_memory(const json_t *resources, const struct rw_settings *settings,
                        const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *limit = json_object_get(json_object_get(resources, "memory"), "limit");
        int64_t n = json_is_integer(limit) ? json_integer_value(limit) : 0;
        uint64_t cap = settings->memory_max;
        bool tier_cap = cap > 0;

        if (cap == 0 && facts != NULL)
                cap = facts->host_memory;
        if (cap == 0 || (n > 0 && (uint64_t)n <= cap) || (!tier_cap && n <= 0))
                return;
        rw_plan_set_new(plan, RW_RULE_MEMORY, "/linux/resources/memory/limit", (json_t *)limit,
                        json_integer((json_int_t)cap),
                        "the container may use at most %" PRIu64 " bytes of memory (%s)", cap,
                        tier_cap ? "the tier's limit" : "the host's memory");
}

/* A unified value within a cap: a number of at most `max` (never "max"). */
static bool within(const char *value, uint64_t max)
{
        int64_t n;

        return rw_parse_go_int(value, &n) && n > 0 && (uint64_t)n <= max;
}

static void rule_unified(const json_t *resources, const struct rw_settings *settings,
                         struct rw_plan *plan)
{
        const json_t *unified = json_object_get(resources, "unified");
        const char *key;
        json_t *value;

        json_object_foreach((json_t *)unified, key, value)
        {
                _cleanup_free_ char *pointer = rw_pointer_join("/linux/resources/unified", key);
                const char *v = json_string_value(value);
                const char *why = NULL;
                char cap[32];

                if (pointer == NULL) {
                        plan->oom = true;
                        return;
                }
                if (!str_in(key, unified_allowed)) {
                        rw_plan_deny(plan, RW_RULE_CGROUP_UNIFIED, key,
                                     "linux.resources.unified writes the cgroup file %s, which "
                                     "does not limit the container itself",
                                     key);
                        continue;
                }
                if (strcmp(key, "pids.max") == 0 && settings->pids_limit > 0 &&
                    !within(v, (uint64_t)settings->pids_limit))
                        why = "above the tier's pids limit";
                else if ((strcmp(key, "memory.max") == 0 || strcmp(key, "memory.high") == 0) &&
                         settings->memory_max > 0 && !within(v, settings->memory_max))
                        why = "above the tier's memory limit";
                if (why == NULL)
                        continue;
                snprintf(cap, sizeof(cap), "%" PRId64,
                         strcmp(key, "pids.max") == 0 ? settings->pids_limit
                                                      : (int64_t)settings->memory_max);
                rw_plan_set_new(plan, RW_RULE_CGROUP_UNIFIED, pointer, value, json_string(cap),
                                "cgroup file %s lowered to %s: %s", key, cap, why);
        }
}

/*
 * cgroup-path: the container's own cgroup — its last component (or systemd's "slice:prefix:name"
 * name) is the container id, and neither it nor its parent already holds processes (another
 * container's cgroup, where runc would apply this spec's limits to that container and `kill
 * --all` would reach it). A tier may also list the parents it accepts.
 */
/* The cgroup's own name is the container's: its id, or WORD-ID as podman's cgroupfs manager
 * names it (libpod-ID), with systemd's ".scope" allowed after it. */
static bool names_container(const char *name, const char *id)
{
        size_t n = strlen(name), k = strlen(id);
        const char *dash;

        if (strcmp(name, id) == 0)
                return true;
        if (n > 6 && strcmp(name + n - 6, ".scope") == 0)
                n -= 6;
        dash = memchr(name, '-', n);
        return dash != NULL && dash > name && (size_t)(name + n - (dash + 1)) == k &&
               strncmp(dash + 1, id, k) == 0;
}

static void rule_cgroup_path(const json_t *linux_obj, const struct rw_settings *settings,
                             const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const char *path = json_string_value(json_object_get(linux_obj, "cgroupsPath"));
        const char *id = facts != NULL ? facts->container_id : NULL;
        _cleanup_free_ char *copy = NULL;
        const char *name, *parent;
        bool systemd;

        if (path == NULL || path[0] == '\0')
                return;
        copy = strdup(path);
        if (copy == NULL) {
                plan->oom = true;
                return;
        }
        systemd = path[0] != '/' && strchr(path, ':') != NULL;
        if (systemd) {
                char *colon = strrchr(copy, ':');

                name = colon + 1;
                *strchr(copy, ':') = '\0';
                parent = copy;
        } else {
                char *slash;

                /* runc cleans the path: judge the cleaned one */
                for (const char *c = path; *c != '\0'; c += strcspn(c, "/"), c += *c == '/')
                        if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0')) {
                                rw_plan_deny(plan, RW_RULE_CGROUP_PATH, path,
                                             "cgroupsPath %s climbs out with \"..\"", path);
                                return;
                        }
                slash = strrchr(copy, '/');
                name = slash != NULL ? slash + 1 : copy;
                if (slash != NULL)
                        *slash = '\0';
                parent = slash != NULL ? copy : "";
        }
        if (id != NULL && !names_container(name, id)) {
                rw_plan_deny(plan, RW_RULE_CGROUP_PATH, path,
                             "cgroupsPath %s does not end in this container's id %s", path, id);
                return;
        }
        if (facts != NULL && facts->cgroup_in_use) {
                rw_plan_deny(plan, RW_RULE_CGROUP_PATH, path,
                             "cgroupsPath %s already holds processes of another container", path);
                return;
        }
        if (facts != NULL && facts->cgroup_parent_in_use) {
                rw_plan_deny(plan, RW_RULE_CGROUP_PATH, path,
                             "cgroupsPath %s lies inside the cgroup of a running container", path);
                return;
        }
        if (settings->lists[RW_LIST_CGROUP_PARENTS] != NULL &&
            !rw_strv_glob_any(settings->lists[RW_LIST_CGROUP_PARENTS],
                              parent[0] != '\0' ? parent : "/"))
                rw_plan_deny(plan, RW_RULE_CGROUP_PATH, path,
                             "cgroupsPath %s is not below a parent the tier lists", path);
}

static void rule_oom_score(const json_t *spec, struct rw_plan *plan)
{
        const json_t *adj = json_object_get(json_object_get(spec, "process"), "oomScoreAdj");

        if (json_is_integer(adj) && json_integer_value(adj) < 0)
                rw_plan_set_new(plan, RW_RULE_OOM_SCORE, "/process/oomScoreAdj", (json_t *)adj,
                                json_integer(0),
                                "a job may not make the OOM killer spare it before the host's "
                                "own processes");
}

static void rule_propagation(const json_t *linux_obj, struct rw_plan *plan)
{
        const json_t *p = json_object_get(linux_obj, "rootfsPropagation");
        const char *v = json_string_value(p);

        if (v != NULL && (strcmp(v, "shared") == 0 || strcmp(v, "rshared") == 0))
                rw_plan_set_new(plan, RW_RULE_PROPAGATION, "/linux/rootfsPropagation", (json_t *)p,
                                json_string("rprivate"),
                                "mounts made in the container must not propagate to the host");
}

void rw_rules_limits(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *linux_obj = json_object_get(spec, "linux");
        const json_t *resources = json_object_get(linux_obj, "resources");

        rule_pids(resources, settings, plan);
        rule_memory(resources, settings, facts, plan);
        rule_unified(resources, settings, plan);
        rule_cgroup_path(linux_obj, settings, facts, plan);
        rule_oom_score(spec, plan);
        rule_propagation(linux_obj, plan);
}

/* For update, 0 leaves a limit as it is and a negative one lifts it (runc's libcontainer). */
static void judge_pids_update(int64_t limit, const char *what, const struct rw_settings *settings,
                              struct rw_plan *plan)
{
        if (settings->pids_limit <= 0 || limit == 0 || (limit > 0 && limit <= settings->pids_limit))
                return;
        rw_plan_deny(plan, RW_RULE_PIDS, what,
                     "update asks for a pids limit of %" PRId64
                     " (%s); the tier allows at most %" PRId64,
                     limit, limit <= 0 ? "unlimited" : "above the tier's", settings->pids_limit);
}

static void judge_memory_update(int64_t limit, const char *what, const struct rw_settings *settings,
                                struct rw_plan *plan)
{
        if (settings->memory_max == 0 || limit == 0 ||
            (limit > 0 && (uint64_t)limit <= settings->memory_max))
                return;
        rw_plan_deny(plan, RW_RULE_MEMORY, what,
                     "update asks for a memory limit of %" PRId64
                     " (%s); the tier allows at most %" PRIu64,
                     limit, limit <= 0 ? "unlimited" : "above the tier's", settings->memory_max);
}

void rw_rules_update(const json_t *resources, const struct rw_strv *flags,
                     const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *pids = json_object_get(json_object_get(resources, "pids"), "limit");
        const json_t *memory = json_object_get(json_object_get(resources, "memory"), "limit");
        _cleanup_plan_ struct rw_plan unified;

        if (json_is_integer(pids))
                judge_pids_update(json_integer_value(pids), "--resources pids.limit", settings,
                                  plan);
        if (memory != NULL)
                judge_memory_update(json_integer_value(memory), "--resources memory.limit",
                                    settings, plan);
        if (json_array_size(json_object_get(resources, "devices")) > 0)
                rw_plan_deny(plan, RW_RULE_DEVICES, "--resources devices",
                             "update cannot change which devices the container may use");
        /* what the create rule would change in unified, an update may not ask for */
        rw_plan_init(&unified);
        rule_unified(resources, settings, &unified);
        for (size_t i = 0; i < unified.n_changes; i++)
                rw_plan_deny(plan, RW_RULE_CGROUP_UNIFIED, "--resources unified", "update: %s",
                             unified.changes[i].reason);
        for (size_t i = 0; i < unified.n_denials; i++)
                rw_plan_deny(plan, RW_RULE_CGROUP_UNIFIED, "--resources unified", "update: %s",
                             unified.denials[i].reason);
        /* The flags, read as runc reads them: --pids-limit is Go's int flag (base prefixes and
         * '_' allowed), --memory docker's RAMInBytes or "-1". What cannot be read so is not
         * guessed at: it is refused. */
        for (size_t i = 0; i < flags->n; i++) {
                const char *f = flags->v[i];
                int64_t n;

                if (strncmp(f, "pids-limit=", 11) == 0) {
                        if (rw_parse_go_int_base0(f + 11, &n))
                                judge_pids_update(n, "--pids-limit", settings, plan);
                        else
                                rw_plan_deny(plan, RW_RULE_PIDS, "--pids-limit",
                                             "update --pids-limit %s is not a number", f + 11);
                } else if (strncmp(f, "memory=", 7) == 0 && f[7] != '\0') {
                        if (strcmp(f + 7, "-1") == 0)
                                judge_memory_update(-1, "--memory", settings, plan);
                        else if (rw_parse_ram_bytes(f + 7, &n))
                                judge_memory_update(n, "--memory", settings, plan);
                        else
                                rw_plan_deny(plan, RW_RULE_MEMORY, "--memory",
                                             "update --memory %s is not a size", f + 7);
                }
        }
}
