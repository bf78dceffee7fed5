/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "rules.h"

#define PTS_MAJOR 136

/* The character devices every container gets and that reach no hardware and no host state. */
struct safe_node {
        int64_t major;
        int64_t minor;    /* -1: any minor (the cgroup rule uses a wildcard) */
        const char *path; /* NULL: only in the device cgroup, never a node of linux.devices */
};

/*
 * 5:1 and 136:* stay in the device cgroup: a terminal's /dev/console is runc's bind of the
 * container's own pty, and its /dev/pts its own devpts. As nodes of linux.devices they are
 * the host's: runc mknods 5:1, the kernel's system console, and in a user namespace, where
 * mknod fails, it bind-mounts the host's /dev/pts/N, another session's terminal.
 */
static const struct safe_node safe_nodes[] = {
    {1, 3, "/dev/null"},   {1, 5, "/dev/zero"},    {1, 7, "/dev/full"},
    {1, 8, "/dev/random"}, {1, 9, "/dev/urandom"}, {5, 0, "/dev/tty"},
    {5, 1, NULL},          {5, 2, "/dev/ptmx"},    {PTS_MAJOR, -1, NULL},
};

static bool get_int(const json_t *object, const char *key, int64_t *ret)
{
        const json_t *value = json_object_get(object, key);

        if (!json_is_integer(value))
                return false;
        *ret = json_integer_value(value);
        return true;
}

static bool device_is_safe(const json_t *device)
{
        const char *type = json_string_value(json_object_get(device, "type"));
        const char *path = json_string_value(json_object_get(device, "path"));
        int64_t major, minor;

        if (type == NULL || path == NULL || (strcmp(type, "c") != 0 && strcmp(type, "u") != 0))
                return false;
        if (!get_int(device, "major", &major) || !get_int(device, "minor", &minor))
                return false;

        for (size_t i = 0; i < RW_ELEMENTSOF(safe_nodes); i++) {
                const struct safe_node *node = &safe_nodes[i];

                /* The path must be the node's usual name too: a "/dev/null" that is really
                 * another device is how a spec would smuggle one in under a harmless name. */
                if (node->path != NULL && node->major == major && node->minor == minor)
                        return strcmp(path, node->path) == 0;
        }
        return false;
}

static void filter_devices(const json_t *linux_obj, struct rw_plan *plan)
{
        bool ok;
        const json_t *devices =
            rw_spec_member(linux_obj, "devices", JSON_ARRAY, "linux.devices", plan, &ok);
        json_t *device;
        size_t i;

        if (devices == NULL)
                return;

        json_array_foreach(devices, i, device)
        {
                const char *path = json_string_value(json_object_get(device, "path"));

                if (device_is_safe(device))
                        continue;
                rw_plan_array_remove(plan, RW_RULE_DEVICES, "/linux/devices", i, device,
                                     "device %s is not one of the standard harmless nodes",
                                     path != NULL ? path : "(no path)");
        }
}

/* The device cgroup allow list: everything denied, then the safe nodes. */
static json_t *cgroup_allow_list(void)
{
        _cleanup_json_ json_t *list = json_array();

        if (list == NULL ||
            json_array_append_new(list, json_pack("{s:b,s:s}", "allow", 0, "access", "rwm")) < 0)
                return NULL;

        for (size_t i = 0; i < RW_ELEMENTSOF(safe_nodes); i++) {
                const struct safe_node *node = &safe_nodes[i];
                json_t *entry;

                if (node->minor < 0)
                        entry = json_pack("{s:b,s:s,s:I,s:s}", "allow", 1, "type", "c", "major",
                                          (json_int_t)node->major, "access", "rwm");
                else
                        entry = json_pack("{s:b,s:s,s:I,s:I,s:s}", "allow", 1, "type", "c", "major",
                                          (json_int_t)node->major, "minor", (json_int_t)node->minor,
                                          "access", "rwm");
                if (json_array_append_new(list, entry) < 0)
                        return NULL;
        }
        return TAKE_PTR(list);
}

/* Engines order the allow entries differently (containerd, docker): the same deny-all head and the
 * same set of allow entries in another order is the same policy and needs no change. */
static bool same_allow_list(const json_t *current, const json_t *wanted)
{
        size_t n = json_array_size(wanted);
        bool used[RW_ELEMENTSOF(safe_nodes) + 1] = {false};

        if (!json_is_array(current) || json_array_size(current) != n || n > RW_ELEMENTSOF(used))
                return false;
        if (!json_equal(json_array_get(current, 0), json_array_get(wanted, 0)))
                return false;

        for (size_t i = 1; i < n; i++) {
                const json_t *entry = json_array_get(current, i);
                bool found = false;

                for (size_t j = 1; j < n && !found; j++) {
                        if (!used[j] && json_equal(entry, json_array_get(wanted, j))) {
                                used[j] = true;
                                found = true;
                        }
                }
                if (!found)
                        return false;
        }
        return true;
}

static void restrict_cgroup(const json_t *linux_obj, struct rw_plan *plan)
{
        bool ok;
        const json_t *resources =
            rw_spec_member(linux_obj, "resources", JSON_OBJECT, "linux.resources", plan, &ok);
        json_t *current;
        json_t *wanted;

        if (!ok)
                return;
        current = json_object_get(resources, "devices");

        wanted = cgroup_allow_list();
        if (wanted == NULL) {
                plan->oom = true;
                return;
        }
        if (same_allow_list(current, wanted)) {
                json_decref(wanted);
                return;
        }
        rw_plan_set_new(plan, RW_RULE_DEVICES, "/linux/resources/devices", current, wanted,
                        "the device cgroup allows only the standard harmless nodes");
}

void rw_rules_devices(const json_t *spec, struct rw_plan *plan)
{
        bool ok;
        const json_t *linux_obj = rw_spec_member(spec, "linux", JSON_OBJECT, "linux", plan, &ok);

        if (!ok)
                return;
        filter_devices(linux_obj, plan);
        restrict_cgroup(linux_obj, plan);
}
