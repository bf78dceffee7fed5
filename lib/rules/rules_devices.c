/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
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

/*
 * The devices a tier may keep by listing their path (policy key "devices"), each by its identity:
 * a character device of this major and minor, named by this path. Nothing else, whatever the
 * list says: a block device is a host disk, and among character devices /dev/mem, msr, sg, the
 * device-mapper control node or a dynamic major of some driver reach the host's memory, disks or
 * hardware. FUSE, TUN and KVM are the ones CI jobs ask for; each still needs what the tier
 * grants besides (KVM: nothing; FUSE: a mount, which needs CAP_SYS_ADMIN or fusermount; TUN: a
 * persistent device or CAP_NET_ADMIN).
 */
static const struct safe_node tier_nodes[] = {
    {10, 229, "/dev/fuse"},
    {10, 200, "/dev/net/tun"},
    {10, 232, "/dev/kvm"},
};

#define MAX_KEPT RW_ELEMENTSOF(tier_nodes)

static bool listed(const struct rw_settings *settings, const char *path)
{
        for (const char *const *p = settings != NULL ? settings->lists[RW_LIST_DEVICES] : NULL;
             p != NULL && *p != NULL; p++)
                if (strcmp(*p, path) == 0)
                        return true;
        return false;
}

/*
 * A device the tier lists: the entry of tier_nodes it is, or NULL with `why` saying why it stays
 * out. Its path is compared normalized, as runc creates the node.
 */
static const struct safe_node *tier_device(const json_t *device, const char *path,
                                           const struct rw_settings *settings, char *why,
                                           size_t why_size)
{
        const char *type = json_string_value(json_object_get(device, "type"));
        _cleanup_free_ char *norm = NULL;
        int64_t major, minor;

        why[0] = '\0';
        if (path == NULL || rw_path_normalize(path, &norm, NULL) < 0 || !listed(settings, norm))
                return NULL;
        for (size_t i = 0; i < RW_ELEMENTSOF(tier_nodes); i++) {
                const struct safe_node *node = &tier_nodes[i];

                if (strcmp(norm, node->path) != 0)
                        continue;
                if (type != NULL && (strcmp(type, "c") == 0 || strcmp(type, "u") == 0) &&
                    get_int(device, "major", &major) && get_int(device, "minor", &minor) &&
                    major == node->major && minor == node->minor)
                        return node;
                snprintf(why, why_size,
                         "; the tier lists it, but %s is the character device %" PRId64 ":%" PRId64
                         " and this one is not",
                         node->path, node->major, node->minor);
                return NULL;
        }
        snprintf(why, why_size,
                 "; the tier lists it, but a tier can keep only /dev/fuse, /dev/net/tun and "
                 "/dev/kvm");
        return NULL;
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

/* Strip every device that is neither harmless nor one the tier keeps; the kept ones of the
 * tier go into `kept` (each once). */
static void filter_devices(const json_t *linux_obj, const struct rw_settings *settings,
                           const struct safe_node **kept, size_t *n_kept, struct rw_plan *plan)
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
                const struct safe_node *node;
                char why[160];
                size_t k;

                if (device_is_safe(device))
                        continue;
                node = tier_device(device, path, settings, why, sizeof(why));
                if (node != NULL) {
                        for (k = 0; k < *n_kept && kept[k] != node; k++)
                                ;
                        if (k == *n_kept && *n_kept < MAX_KEPT)
                                kept[(*n_kept)++] = node;
                        continue;
                }
                rw_plan_array_remove(plan, RW_RULE_DEVICES, "/linux/devices", i, device,
                                     "device %s is not one of the standard harmless nodes%s",
                                     path != NULL ? path : "(no path)", why);
        }
}

static json_t *allow_entry(const struct safe_node *node)
{
        if (node->minor < 0)
                return json_pack("{s:b,s:s,s:I,s:s}", "allow", 1, "type", "c", "major",
                                 (json_int_t)node->major, "access", "rwm");
        return json_pack("{s:b,s:s,s:I,s:I,s:s}", "allow", 1, "type", "c", "major",
                         (json_int_t)node->major, "minor", (json_int_t)node->minor, "access",
                         "rwm");
}

/* The device cgroup allow list: everything denied, then the safe nodes and the tier's kept ones. */
static json_t *cgroup_allow_list(const struct safe_node *const *kept, size_t n_kept)
{
        _cleanup_json_ json_t *list = json_array();

        if (list == NULL ||
            json_array_append_new(list, json_pack("{s:b,s:s}", "allow", 0, "access", "rwm")) < 0)
                return NULL;

        for (size_t i = 0; i < RW_ELEMENTSOF(safe_nodes); i++)
                if (json_array_append_new(list, allow_entry(&safe_nodes[i])) < 0)
                        return NULL;
        for (size_t i = 0; i < n_kept; i++)
                if (json_array_append_new(list, allow_entry(kept[i])) < 0)
                        return NULL;
        return TAKE_PTR(list);
}

/* Engines order the allow entries differently (containerd, docker): the same deny-all head and the
 * same set of allow entries in another order is the same policy and needs no change. */
static bool same_allow_list(const json_t *current, const json_t *wanted)
{
        size_t n = json_array_size(wanted);
        bool used[RW_ELEMENTSOF(safe_nodes) + MAX_KEPT + 1] = {false};

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

static void restrict_cgroup(const json_t *linux_obj, const struct safe_node *const *kept,
                            size_t n_kept, struct rw_plan *plan)
{
        bool ok;
        const json_t *resources =
            rw_spec_member(linux_obj, "resources", JSON_OBJECT, "linux.resources", plan, &ok);
        json_t *current;
        json_t *wanted;

        if (!ok)
                return;
        current = json_object_get(resources, "devices");

        wanted = cgroup_allow_list(kept, n_kept);
        if (wanted == NULL) {
                plan->oom = true;
                return;
        }
        if (same_allow_list(current, wanted)) {
                json_decref(wanted);
                return;
        }
        rw_plan_set_new(plan, RW_RULE_DEVICES, "/linux/resources/devices", current, wanted,
                        n_kept > 0 ? "the device cgroup allows only the standard harmless nodes "
                                     "and the devices the tier keeps"
                                   : "the device cgroup allows only the standard harmless nodes");
}

void rw_rules_devices(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        bool ok;
        const json_t *linux_obj = rw_spec_member(spec, "linux", JSON_OBJECT, "linux", plan, &ok);
        const struct safe_node *kept[MAX_KEPT];
        size_t n_kept = 0;

        if (!ok)
                return;
        filter_devices(linux_obj, settings, kept, &n_kept, plan);
        restrict_cgroup(linux_obj, kept, n_kept, plan);
}
