/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "rules.h"

/* Host kernel state that /proc and /sys expose through a container's own procfs and sysfs:
 * memory images, key rings, timers of every process, firmware tables, power meters (RAPL energy
 * counters leak what other tenants compute). Docker's defaults plus what newer releases added. */
static const char *const masked_paths[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};

/* Knobs that act on the whole host rather than on the container's namespaces. */
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* Kubernetes' "safe" sysctls: namespaced, and unable to hurt other containers or the host. */
static const char *const safe_sysctls[] = {
    "kernel.shm_rmid_forced",           "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",        "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_keepalive_time",      "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",     "net.ipv4.tcp_keepalive_probes",
};

/* Verbatim numbers travel as strings (lib/json.h); runc reads them as numbers. */
static bool is_text(const json_t *value)
{
        return json_is_string(value) && !rw_json_is_verbatim_number(value);
}

static bool array_has_string(const json_t *array, const char *s)
{
        size_t i;
        json_t *value;

        json_array_foreach(array, i, value)
        {
                if (is_text(value) && strcmp(json_string_value(value), s) == 0)
                        return true;
        }
        return false;
}

static void require_paths(const json_t *linux_obj, const char *key, const char *const *required,
                          size_t n_required, const char *why, struct rw_plan *plan)
{
        _cleanup_free_ char *pointer = NULL;
        json_t *current = json_object_get(linux_obj, key);
        json_t *updated;
        size_t i, added = 0;
        json_t *value;

        if (current != NULL && !json_is_array(current)) {
                rw_plan_deny(plan, RW_RULE_SPEC, key, "linux.%s is not a JSON array", key);
                return;
        }
        json_array_foreach(current, i, value)
        {
                if (!is_text(value)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, key, "linux.%s[%zu] is not a string", key,
                                     i);
                        return;
                }
        }

        updated = current != NULL ? json_copy(current) : json_array();
        if (updated == NULL) {
                plan->oom = true;
                return;
        }
        for (i = 0; i < n_required; i++) {
                if (array_has_string(current, required[i]))
                        continue;
                if (json_array_append_new(updated, json_string(required[i])) < 0) {
                        json_decref(updated);
                        plan->oom = true;
                        return;
                }
                added++;
        }
        if (added == 0) {
                json_decref(updated);
                return;
        }

        pointer = rw_pointer_join("/linux", key);
        if (pointer == NULL) {
                json_decref(updated);
                plan->oom = true;
                return;
        }
        rw_plan_set_new(plan, RW_RULE_MASKED_PATHS, pointer, current, updated, "%zu %s %s", added,
                        added == 1 ? "path" : "paths", why);
}

/* Keys may be written with "/" for "." (runc accepts both, as sysctl(8) does). */
static bool sysctl_is_safe(const char *key)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(safe_sysctls); i++) {
                const char *a = key, *b = safe_sysctls[i];

                for (; *a != '\0' && *b != '\0'; a++, b++) {
                        char c = *a == '/' ? '.' : *a;

                        if (c != *b)
                                break;
                }
                if (*a == '\0' && *b == '\0')
                        return true;
        }
        return false;
}

static void check_sysctl(const json_t *linux_obj, struct rw_plan *plan)
{
        bool ok;
        const json_t *sysctl =
            rw_spec_member(linux_obj, "sysctl", JSON_OBJECT, "linux.sysctl", plan, &ok);
        const char *key;
        json_t *value;

        if (sysctl == NULL)
                return;

        json_object_foreach((json_t *)sysctl, key, value)
        {
                const char *text;

                if (!sysctl_is_safe(key)) {
                        _cleanup_free_ char *pointer = rw_pointer_join("/linux/sysctl", key);

                        if (pointer == NULL) {
                                plan->oom = true;
                                return;
                        }
                        rw_plan_delete(plan, RW_RULE_SYSCTL, pointer, value,
                                       "sysctl %s is not known to be namespaced and safe", key);
                        continue;
                }
                if (!is_text(value)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, key,
                                     "the value of sysctl %s is not a string", key);
                        continue;
                }
                /* CVE-2022-0811 (cr8escape): CRI-O wrote "key=value" pairs joined by "+" to a
                 * helper, so a value carrying "+" or "=" set a second, unsafe sysctl. A line
                 * break does the same to anything that writes sysctl.conf-style text. */
                text = json_string_value(value);
                if (strpbrk(text, "+=\n\r") != NULL)
                        rw_plan_deny(plan, RW_RULE_SYSCTL, key,
                                     "the value of sysctl %s contains '+', '=' or a line break "
                                     "(CVE-2022-0811)",
                                     key);
        }
}

void rw_rules_kernel(const json_t *spec, struct rw_plan *plan)
{
        bool ok;
        const json_t *linux_obj = rw_spec_member(spec, "linux", JSON_OBJECT, "linux", plan, &ok);

        if (!ok)
                return;

        /* --privileged sends neither list; put back what it took away. */
        require_paths(linux_obj, "maskedPaths", masked_paths, RW_ELEMENTSOF(masked_paths),
                      "of host kernel state masked", plan);
        require_paths(linux_obj, "readonlyPaths", readonly_paths, RW_ELEMENTSOF(readonly_paths),
                      "of host-wide kernel knobs made read-only", plan);
        check_sysctl(linux_obj, plan);
}
