/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "rules.h"
#include "strv.h"

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

/*
 * The name as runc 1.1 uses it: "." and "/" both separate components (runc turns every "." into
 * "/" and joins the result below /proc/sys, cleaning ".."). A name whose components are not
 * plain words could name another file than the one it reads as: "net.ipv4/../../kernel/x" starts
 * with "net." and is written to /proc/sys/kernel/x. Those are refused, never judged by prefix.
 */
static bool sysctl_name_plain(const char *key)
{
        size_t len = 0;

        for (const char *c = key;; c++) {
                if (*c == '\0' || *c == '.' || *c == '/') {
                        if (len == 0)
                                return false;
                        if (*c == '\0')
                                return true;
                        len = 0;
                        continue;
                }
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                        return false;
                len++;
        }
}

/* `key` with "/" written as "." (for a plain name), into `buf`. */
static const char *sysctl_dotted(const char *key, char *buf, size_t size)
{
        size_t i;

        for (i = 0; key[i] != '\0' && i + 1 < size; i++)
                buf[i] = key[i] == '/' ? '.' : key[i];
        buf[i] = '\0';
        return buf;
}

static bool sysctl_is_safe(const char *dotted)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(safe_sysctls); i++)
                if (strcmp(dotted, safe_sysctls[i]) == 0)
                        return true;
        return false;
}

/* The IPC namespace's sysctls (runc's list), besides fs.mqueue.*. */
static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/*
 * A sysctl that belongs to the container's own network or IPC namespace, as runc's validator
 * accepts them: net.* (the kernel registers only per-namespace ones in a network namespace other
 * than the host's), the IPC ones and fs.mqueue.*. Everything else (kernel.*, vm.*, fs.*) is the
 * host's, whatever a tier lists.
 */
static bool sysctl_is_namespaced(const char *dotted)
{
        if (strncmp(dotted, "net.", 4) == 0 || strncmp(dotted, "fs.mqueue.", 10) == 0)
                return true;
        for (size_t i = 0; i < RW_ELEMENTSOF(ipc_sysctls); i++)
                if (strcmp(dotted, ipc_sysctls[i]) == 0)
                        return true;
        return false;
}

static bool tier_lists_sysctl(const struct rw_settings *settings, const char *dotted)
{
        for (const char *const *p = settings != NULL ? settings->lists[RW_LIST_SYSCTLS] : NULL;
             p != NULL && *p != NULL; p++) {
                char pattern[256];

                if (rw_glob_match(sysctl_dotted(*p, pattern, sizeof(pattern)), dotted))
                        return true;
        }
        return false;
}

static void check_sysctl(const json_t *linux_obj, const struct rw_settings *settings,
                         struct rw_plan *plan)
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
                char dotted[256];
                const char *text;
                bool listed;

                if (!sysctl_name_plain(key) || strlen(key) >= sizeof(dotted)) {
                        rw_plan_deny(plan, RW_RULE_SYSCTL, key,
                                     "sysctl \"%.100s\" is not a plain name (words separated by "
                                     "'.' or '/'): runc would write another file than it names",
                                     key);
                        continue;
                }
                sysctl_dotted(key, dotted, sizeof(dotted));
                listed = tier_lists_sysctl(settings, dotted);
                if (!sysctl_is_safe(dotted) && !(listed && sysctl_is_namespaced(dotted))) {
                        _cleanup_free_ char *pointer = rw_pointer_join("/linux/sysctl", key);

                        if (pointer == NULL) {
                                plan->oom = true;
                                return;
                        }
                        if (listed)
                                rw_plan_delete(plan, RW_RULE_SYSCTL, pointer, value,
                                               "sysctl %s is not namespaced: it would set the "
                                               "host's kernel, whatever the tier lists",
                                               key);
                        else
                                rw_plan_delete(plan, RW_RULE_SYSCTL, pointer, value,
                                               "sysctl %s is not known to be namespaced and safe",
                                               key);
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

void rw_rules_kernel(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
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
        check_sysctl(linux_obj, settings, plan);
}
