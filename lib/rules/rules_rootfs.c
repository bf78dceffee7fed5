/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A read-only root filesystem, and tmpfs scratch space where jobs need to write.
 *
 * The scratch rule looks at the plan as well as the spec: a mount that the mount rules strip
 * (rw_rules_mounts() must run first) neither makes a scratch directory writable nor can serve as
 * the element the tmpfs mounts are inserted before.
 */
#include "rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "spec.h"

void rw_rules_job_home(const json_t *spec, const struct rw_host_facts *facts, const char **ret_home,
                       int64_t *ret_uid, int64_t *ret_gid)
{
        *ret_home = rw_spec_job_home(spec, facts != NULL && facts->passwd_known,
                                     facts != NULL ? facts->passwd_home : NULL);
        *ret_uid = rw_spec_user_id(spec, "uid");
        *ret_gid = rw_spec_user_id(spec, "gid");
}

/* readonly-rootfs */

static void rule_readonly_root(const json_t *spec, struct rw_plan *plan)
{
        json_t *root = json_object_get(spec, "root");
        json_t *readonly;

        if (root == NULL) {
                rw_plan_deny(plan, RW_RULE_SPEC, "root", "the spec has no root");
                return;
        }
        if (!json_is_object(root)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "root", "root is not a JSON object");
                return;
        }
        readonly = json_object_get(root, "readonly");
        if (!json_is_true(readonly))
                rw_plan_set_new(plan, RW_RULE_ROOTFS, "/root/readonly", readonly, json_true(),
                                "the root filesystem is mounted read-only; scratch directories "
                                "are tmpfs");
}

/* scratch-tmpfs */

struct scratch {
        const struct rw_scratch_mount *entry;
        char *destination; /* normalized */
        bool home;
        bool insert;   /* false: already writable (a mount or an earlier entry covers it), or
                          runc could not mount it */
        bool copyup;   /* the image's content is copied into the tmpfs (runc's tmpcopyup) */
        uint64_t size; /* of the tmpfs: the tier's, plus the copy */
};

struct scratch_list {
        struct scratch *items;
        size_t n;
        int64_t uid, gid; /* of the job user */
};

static void scratch_list_clear(struct scratch_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].destination);
        free(l->items);
}

static bool kernel_path(const char *path)
{
        return rw_path_within(path, "/proc") || rw_path_within(path, "/sys") ||
               rw_path_within(path, "/dev");
}

static bool removed_by_plan(const struct rw_plan *plan, const json_t *mount)
{
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *c = &plan->changes[i];

                if (c->kind == RW_CHANGE_ARRAY_REMOVE && c->anchor == mount &&
                    strcmp(c->pointer, "/mounts") == 0)
                        return true;
        }
        return false;
}

/* The normalized destination of a mount the spec keeps; NULL (and *ok true) if there is none. */
static char *kept_destination(const json_t *mount, const struct rw_plan *plan, bool *ok)
{
        const char *dest = json_string_value(json_object_get(mount, "destination"));
        char *out = NULL;

        *ok = true;
        if (dest == NULL || removed_by_plan(plan, mount))
                return NULL;
        if (rw_path_normalize(dest, &out, NULL) < 0)
                *ok = false;
        return out;
}

/* The normalized destinations of the mounts the spec keeps, once for every scratch entry. */
struct kept_mounts {
        char **dest; /* NULL where a mount has none or the plan removes it */
        size_t n;
};

static void kept_mounts_clear(struct kept_mounts *k)
{
        for (size_t i = 0; i < k->n; i++)
                free(k->dest[i]);
        free(k->dest);
        *k = (struct kept_mounts){0};
}

/* False: out of memory. */
static bool kept_mounts_init(const json_t *mounts, const struct rw_plan *plan,
                             struct kept_mounts *k)
{
        size_t i;
        json_t *m;

        *k = (struct kept_mounts){0};
        if (json_array_size(mounts) == 0)
                return true;
        k->dest = calloc(json_array_size(mounts), sizeof(*k->dest));
        if (k->dest == NULL)
                return false;
        json_array_foreach(mounts, i, m)
        {
                bool ok;

                k->dest[k->n++] = kept_destination(m, plan, &ok);
                if (!ok)
                        return false;
        }
        return true;
}

/* Some mount the spec keeps sits at `path` or above it. */
static bool spec_covers(const struct kept_mounts *k, const char *path)
{
        for (size_t i = 0; i < k->n; i++)
                if (k->dest[i] != NULL && rw_path_within(path, k->dest[i]))
                        return true;
        return false;
}

/*
 * The element to insert the tmpfs mounts before: the first that is not a kernel filesystem
 * mount, so that every bind or volume at or below a scratch path is mounted on top of the tmpfs
 * rather than hidden by it. NULL: append.
 */
static json_t *insert_anchor(const json_t *mounts, const struct rw_plan *plan, bool *ok)
{
        size_t i;
        json_t *m;

        json_array_foreach(mounts, i, m)
        {
                const char *dest = json_string_value(json_object_get(m, "destination"));
                _cleanup_free_ char *normalized = NULL;

                if (removed_by_plan(plan, m))
                        continue;
                if (dest == NULL)
                        return m;
                if (rw_path_normalize(dest, &normalized, NULL) < 0) {
                        *ok = false;
                        return NULL;
                }
                if (!kernel_path(normalized))
                        return m;
        }
        return NULL;
}

static bool append_string(json_t *array, const char *s)
{
        return json_array_append_new(array, json_string(s)) == 0;
}

static json_t *tmpfs_mount(const struct scratch *s, int64_t uid, int64_t gid)
{
        _cleanup_json_ json_t *options = json_array();
        _cleanup_json_ json_t *mount = json_object();
        char mode[32], size[48], uid_opt[32], gid_opt[32];

        if (options == NULL || mount == NULL)
                return NULL;
        snprintf(mode, sizeof(mode), "mode=%o", s->entry->mode);
        snprintf(size, sizeof(size), "size=%" PRIu64, s->size);
        if (!append_string(options, "rw") || !append_string(options, "nosuid") ||
            !append_string(options, "nodev") || !append_string(options, mode) ||
            !append_string(options, size))
                return NULL;
        if (s->copyup && !append_string(options, "tmpcopyup"))
                return NULL;
        /* a tmpfs is root-owned: the job user must own its HOME to use it */
        if (s->home && uid != 0) {
                snprintf(uid_opt, sizeof(uid_opt), "uid=%" PRId64, uid);
                snprintf(gid_opt, sizeof(gid_opt), "gid=%" PRId64, gid);
                if (!append_string(options, uid_opt) || !append_string(options, gid_opt))
                        return NULL;
        }
        if (json_object_set_new(mount, "destination", json_string(s->destination)) < 0 ||
            json_object_set_new(mount, "type", json_string("tmpfs")) < 0 ||
            json_object_set_new(mount, "source", json_string("tmpfs")) < 0 ||
            json_object_set(mount, "options", options) < 0)
                return NULL;
        return TAKE_PTR(mount);
}

/* Some earlier entry of the list sits at `path` or above it. */
static bool list_covers(const struct scratch_list *l, const char *path)
{
        for (size_t j = 0; j < l->n; j++)
                if (rw_path_within(path, l->items[j].destination))
                        return true;
        return false;
}

/* A host id is mapped into the container's user namespace by one of `mappings`. */
static bool id_mapped(const json_t *mappings, int64_t host_id)
{
        size_t i;
        json_t *m;

        json_array_foreach(mappings, i, m)
        {
                const json_t *h = json_object_get(m, "hostID");
                const json_t *n = json_object_get(m, "size");

                if (json_is_integer(h) && json_is_integer(n) && host_id >= json_integer_value(h) &&
                    host_id - json_integer_value(h) < json_integer_value(n))
                        return true;
        }
        return false;
}

/* The host id that container id 0 maps to; -1 when none. */
static int64_t root_host_id(const json_t *mappings)
{
        size_t i;
        json_t *m;

        json_array_foreach(mappings, i, m)
        {
                const json_t *c = json_object_get(m, "containerID");
                const json_t *h = json_object_get(m, "hostID");
                const json_t *n = json_object_get(m, "size");

                if (json_is_integer(c) && json_is_integer(h) && json_is_integer(n) &&
                    json_integer_value(c) == 0 && json_integer_value(n) > 0)
                        return json_integer_value(h);
        }
        return -1;
}

static bool has_user_namespace(const json_t *spec)
{
        size_t i;
        json_t *ns;

        json_array_foreach(json_object_get(json_object_get(spec, "linux"), "namespaces"), i, ns)
        {
                const char *type = json_string_value(json_object_get(ns, "type"));

                if (type != NULL && strcmp(type, "user") == 0)
                        return true;
        }
        return false;
}

/*
 * Whether runc's init, as root of the container's user namespace, can make a directory in `m`'s
 * deepest existing directory: by the permission bits for the host ids its root maps to, or by
 * CAP_DAC_OVERRIDE, which a user namespace holds only over files whose owner and group it maps.
 */
static bool userns_can_create(const json_t *spec, const struct rw_rootfs_missing *m)
{
        const json_t *linux_obj = json_object_get(spec, "linux");
        const json_t *uids = json_object_get(linux_obj, "uidMappings");
        const json_t *gids = json_object_get(linux_obj, "gidMappings");
        int64_t root_uid = root_host_id(uids), root_gid = root_host_id(gids);
        mode_t mode = m->parent_mode;

        if (!m->parent_known)
                return false;
        if (id_mapped(uids, m->parent_uid) && id_mapped(gids, m->parent_gid))
                return true;
        if (root_uid >= 0 && (int64_t)m->parent_uid == root_uid)
                return (mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR);
        if (root_gid >= 0 && (int64_t)m->parent_gid == root_gid)
                return (mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
        return (mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

/* Every owner and group of HOME's content is mapped into the user namespace. */
static bool home_ids_mapped(const json_t *spec, const struct rw_host_facts *facts)
{
        const json_t *linux_obj = json_object_get(spec, "linux");

        if (facts->home_ids_overflow)
                return false;
        for (size_t i = 0; i < facts->n_home_uids; i++)
                if (!id_mapped(json_object_get(linux_obj, "uidMappings"), facts->home_uids[i]))
                        return false;
        for (size_t i = 0; i < facts->n_home_gids; i++)
                if (!id_mapped(json_object_get(linux_obj, "gidMappings"), facts->home_gids[i]))
                        return false;
        return true;
}

static const struct rw_rootfs_missing *missing_fact(const struct rw_host_facts *facts,
                                                    const char *scratch)
{
        for (size_t i = 0; facts != NULL && i < facts->n_rootfs_missing; i++)
                if (strcmp(facts->rootfs_missing[i].scratch, scratch) == 0)
                        return &facts->rootfs_missing[i];
        return NULL;
}

#define MIB_ROUNDED(b) (((b) + 1024 * 1024 - 1) / (1024 * 1024))

/*
 * Whether runc can mount the scratch tmpfs `s` in this image, and how: false (with a warning)
 * where it cannot make the mount point (something else is there, or a user namespace that does
 * not own the image). For HOME with content, the content is copied into the tmpfs when the copy
 * fits the tier's tmpfs cap; else HOME is left as the image has it, read-only, with a warning.
 */
static bool judge_in_image(const json_t *spec, const struct rw_settings *settings,
                           const struct rw_host_facts *facts, struct scratch *s,
                           struct rw_plan *plan)
{
        const char *name = s->home ? "$HOME" : s->entry->destination;
        const struct rw_rootfs_missing *m = missing_fact(facts, name);
        const char *what = s->home ? "HOME " : "";

        s->size = s->entry->size_bytes;
        if (m != NULL && m->exists) {
                rw_plan_warn(plan, RW_RULE_SCRATCH,
                             "no scratch tmpfs at %s%s: the image has something there that is not "
                             "a directory, so runc could not mount one; left as the image has it",
                             what, s->destination);
                return false;
        }
        if (m != NULL && has_user_namespace(spec) && !userns_can_create(spec, m)) {
                rw_plan_warn(plan, RW_RULE_SCRATCH,
                             "no scratch tmpfs at %s%s: the image has no such directory, and in "
                             "the container's user namespace runc cannot create one in the "
                             "image (owner %u:%u, mode %o, not mapped); it stays read-only",
                             what, s->destination, (unsigned)m->parent_uid, (unsigned)m->parent_gid,
                             (unsigned)(m->parent_mode & 07777));
                return false;
        }
        if (!s->home || m != NULL || facts == NULL || !facts->home_has_content)
                return true;
        if (facts->home_copyable && has_user_namespace(spec) && !home_ids_mapped(spec, facts)) {
                rw_plan_warn(plan, RW_RULE_SCRATCH,
                             "no scratch tmpfs at HOME %s: the container's user namespace does "
                             "not map the owners of its content in the image, so runc could not "
                             "copy it into one, and an empty one would hide it; HOME stays as "
                             "the image has it, read-only",
                             s->destination);
                return false;
        }
        if (facts->home_copyable &&
            (settings->tmpfs_max == 0 || facts->home_bytes <= settings->tmpfs_max) &&
            facts->home_bytes <= UINT64_MAX - s->size) {
                s->copyup = true;
                s->size += facts->home_bytes;
                return true;
        }
        if (!facts->home_copyable)
                rw_plan_warn(plan, RW_RULE_SCRATCH,
                             "no scratch tmpfs at HOME %s: its content in the image cannot be "
                             "copied into one (%s), and an empty one would hide it; HOME stays "
                             "as the image has it, read-only",
                             s->destination,
                             facts->home_not_copyable != NULL ? facts->home_not_copyable
                                                              : "unknown reason");
        else
                rw_plan_warn(plan, RW_RULE_SCRATCH,
                             "no scratch tmpfs at HOME %s: a copy of its content in the image "
                             "(%" PRIu64 " MiB) would take more memory than the tier's "
                             "tmpfs_size (%" PRIu64 " MiB), and an empty one would hide it; "
                             "HOME stays as the image has it, read-only",
                             s->destination, MIB_ROUNDED(facts->home_bytes),
                             MIB_ROUNDED(settings->tmpfs_max));
        return false;
}

/*
 * Decide, for each scratch entry of the tier, where it goes and whether it is needed. False: out
 * of memory.
 */
static bool plan_scratch(const json_t *spec, const struct rw_settings *settings,
                         const struct rw_host_facts *facts, struct scratch_list *l,
                         struct rw_plan *plan)
{
        _cleanup_(kept_mounts_clear) struct kept_mounts kept = {0};
        const char *home;
        size_t n = 0;

        rw_rules_job_home(spec, facts, &home, &l->uid, &l->gid);
        while (settings->scratch != NULL && settings->scratch[n].size_bytes != 0)
                n++;
        if (n == 0)
                return true;
        l->items = calloc(n, sizeof(*l->items));
        if (l->items == NULL || !kept_mounts_init(json_object_get(spec, "mounts"), plan, &kept))
                return false;
        for (size_t k = 0; k < n; k++) {
                const struct rw_scratch_mount *entry = &settings->scratch[k];
                const char *raw = entry->destination != NULL ? entry->destination : home;
                _cleanup_free_ char *dest = NULL;
                struct scratch *s;

                if (raw == NULL || raw[0] != '/')
                        continue;
                if (rw_path_normalize(raw, &dest, NULL) < 0)
                        return false;
                /* "/" would replace the root; below /proc, /sys, /dev it would undo masking */
                if (strcmp(dest, "/") == 0 || kernel_path(dest))
                        continue;
                s = &l->items[l->n];
                s->entry = entry;
                s->home = entry->destination == NULL;
                s->insert = !list_covers(l, dest) && !spec_covers(&kept, dest);
                s->destination = TAKE_PTR(dest);
                l->n++;
                if (s->insert && s->home && l->uid != 0 && (l->uid < 0 || l->gid < 0)) {
                        s->insert = false;
                        rw_plan_deny(plan, RW_RULE_SPEC, "process.user",
                                     "process.user holds an invalid uid or gid");
                }
                if (s->insert)
                        s->insert = judge_in_image(spec, settings, facts, s, plan);
        }
        return true;
}

/*
 * The entries to insert, as indexes into `l`, each placed before the first of its descendants:
 * whatever the tier's order, a tmpfs never hides one mounted before it. Returns their number.
 */
static size_t order_ancestors_first(const struct scratch_list *l, size_t *order)
{
        size_t n = 0;

        for (size_t k = 0; k < l->n; k++) {
                size_t at = n;

                if (!l->items[k].insert)
                        continue;
                for (size_t j = 0; j < n; j++)
                        if (rw_path_within(l->items[order[j]].destination,
                                           l->items[k].destination)) {
                                at = j;
                                break;
                        }
                memmove(order + at + 1, order + at, (n - at) * sizeof(*order));
                order[at] = k;
                n++;
        }
        return n;
}

static void rule_scratch(const json_t *spec, const struct rw_settings *settings,
                         const struct rw_host_facts *facts, struct rw_plan *plan)
{
        _cleanup_(scratch_list_clear) struct scratch_list l = {0};
        const json_t *mounts = json_object_get(spec, "mounts");
        _cleanup_free_ size_t *order = NULL;
        _cleanup_json_ json_t *whole = NULL;
        json_t *anchor = NULL;
        size_t n_order;
        bool ok = true;

        if (mounts != NULL && !json_is_array(mounts)) {
                rw_plan_deny(plan, RW_RULE_SCRATCH, "/mounts",
                             "mounts is not an array: no scratch tmpfs can be added");
                return;
        }
        if (!plan_scratch(spec, settings, facts, &l, plan))
                goto oom;
        order = calloc(l.n + 1, sizeof(*order));
        if (order == NULL)
                goto oom;
        n_order = order_ancestors_first(&l, order);
        if (n_order == 0)
                return;
        if (mounts == NULL) {
                whole = json_array();
                if (whole == NULL)
                        goto oom;
        } else {
                anchor = insert_anchor(mounts, plan, &ok);
                if (!ok)
                        goto oom;
        }
        for (size_t j = 0; j < n_order; j++) {
                const struct scratch *s = &l.items[order[j]];
                json_t *mount = tmpfs_mount(s, l.uid, l.gid);

                if (mount == NULL)
                        goto oom;
                if (whole != NULL) {
                        if (json_array_append_new(whole, mount) < 0)
                                goto oom;
                } else if (s->home && s->copyup) {
                        rw_plan_array_insert_new(plan, RW_RULE_SCRATCH, "/mounts", anchor, mount,
                                                 "HOME %s writable on the read-only root "
                                                 "filesystem, holding a copy of the image's "
                                                 "HOME (%" PRIu64 " MiB of the tmpfs)",
                                                 s->destination,
                                                 MIB_ROUNDED(s->size - s->entry->size_bytes));
                } else if (s->home) {
                        rw_plan_array_insert_new(plan, RW_RULE_SCRATCH, "/mounts", anchor, mount,
                                                 "HOME %s writable on the read-only root "
                                                 "filesystem",
                                                 s->destination);
                } else {
                        rw_plan_array_insert_new(plan, RW_RULE_SCRATCH, "/mounts", anchor, mount,
                                                 "%s writable on the read-only root filesystem",
                                                 s->destination);
                }
        }
        if (whole != NULL)
                rw_plan_set_new(plan, RW_RULE_SCRATCH, "/mounts", NULL, TAKE_PTR(whole),
                                "scratch directories writable on the read-only root filesystem");
        return;
oom:
        plan->oom = true;
}

/*
 * root-path: the root filesystem must be this container's: the bundle's rootfs (containerd, ctr,
 * plain runc), or the layer the engine mounted for this container id (docker's layerdb, facts).
 * "/etc" or another container's rootfs would make the job's "/" a host directory.
 */
void rw_rules_root_path(const json_t *spec, const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const char *path =
            json_string_value(json_object_get(json_object_get(spec, "root"), "path"));
        _cleanup_free_ char *bundle_rootfs = NULL;

        /* no fact about the rootfs at all: nothing was gathered (unit tests of other rules) */
        if (path == NULL || facts == NULL || (facts->rootfs == NULL && facts->rootfs_error == 0))
                return;
        if (facts->rootfs == NULL) {
                rw_plan_deny(plan, RW_RULE_ROOT_PATH, path,
                             "root.path %s does not exist or cannot be resolved", path);
                return;
        }
        if (facts->bundle != NULL && asprintf(&bundle_rootfs, "%s/rootfs", facts->bundle) < 0) {
                plan->oom = true;
                return;
        }
        if ((bundle_rootfs != NULL && strcmp(facts->rootfs, bundle_rootfs) == 0) ||
            (facts->rootfs_expected != NULL && strcmp(facts->rootfs, facts->rootfs_expected) == 0))
                return;
        rw_plan_deny(plan, RW_RULE_ROOT_PATH, path,
                     "root.path %s (resolved: %s) is not this container's root filesystem: "
                     "neither the bundle's rootfs nor the engine's layer for this container",
                     path, facts->rootfs);
}

void rw_rules_rootfs(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        /* A tier may keep a writable root: then it needs no scratch either. */
        if (!settings->readonly_rootfs)
                return;
        rule_readonly_root(spec, plan);
        rule_scratch(spec, settings, facts, plan);
}
