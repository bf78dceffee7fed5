/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount rules: engine sockets, host paths, bind options, kernel filesystems.
 *
 * Every rule looks at the spec as the engine wrote it. Mounts are first read into a table (one
 * entry per element of spec.mounts) that records what earlier rules decided, so that a mount the
 * engine-socket rule strips is not also judged, denied or rewritten by the rules after it.
 */
#include "rules.h"
#include "strv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "engine_paths.h"
#include "paths.h"
#include "spec.h"

struct mount_entry {
        json_t *mount;         /* the element of spec.mounts (borrowed) */
        size_t index;          /* in the original array */
        const char *type;      /* NULL when absent */
        const char *source;    /* NULL when absent */
        const json_t *options; /* an array of strings, or NULL when absent */
        char *destination;     /* lexically normalized */
        bool valid;            /* well formed; the rules only judge valid entries */
        bool bind;
        bool removed;   /* stripped by engine-socket */
        bool denied;    /* refused by host-mount */
        bool read_only; /* allowed only through a read-only prefix of the tier */
        /* below a writable prefix of the tier: mounted through a pin (pins.h) */
        const struct rw_path_fact *pin;
        bool volume; /* the top directory of an engine's volume */
        bool lxcfs;  /* one of lxcfs's views, over the /proc or /sys file it stands for */
};

struct mount_table {
        struct mount_entry *entries;
        size_t n;
};

static void mount_table_clear(struct mount_table *t)
{
        for (size_t i = 0; i < t->n; i++)
                free(t->entries[i].destination);
        free(t->entries);
        t->entries = NULL;
        t->n = 0;
}

static bool str_eq(const char *a, const char *b)
{
        return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool str_in(const char *s, const char *const *set)
{
        for (; *set != NULL; set++)
                if (str_eq(s, *set))
                        return true;
        return false;
}

static bool options_have(const json_t *options, const char *option)
{
        size_t i;
        json_t *o;

        json_array_foreach(options, i, o)
        {
                if (str_eq(json_string_value(o), option))
                        return true;
        }
        return false;
}

static bool options_valid(const json_t *options)
{
        size_t i;
        json_t *o;

        if (options == NULL)
                return true;
        if (!json_is_array(options))
                return false;
        json_array_foreach(options, i, o)
        {
                if (!json_is_string(o))
                        return false;
        }
        return true;
}

/* Check one element of spec.mounts and fill its entry. False: the spec is malformed (denied). */
static bool read_mount(json_t *mount, size_t index, struct mount_entry *e, struct rw_plan *plan)
{
        const json_t *dest, *type, *source;

        e->mount = mount;
        e->index = index;
        if (!json_is_object(mount)) {
                char item[32];

                snprintf(item, sizeof(item), "/mounts/%zu", index);
                rw_plan_deny(plan, RW_RULE_SPEC, item, "mount %zu is not a JSON object", index);
                return false;
        }
        dest = json_object_get(mount, "destination");
        type = json_object_get(mount, "type");
        source = json_object_get(mount, "source");
        e->options = json_object_get(mount, "options");
        if (!json_is_string(dest) || json_string_value(dest)[0] == '\0') {
                char item[32];

                snprintf(item, sizeof(item), "/mounts/%zu", index);
                rw_plan_deny(plan, RW_RULE_SPEC, item, "mount %zu has no destination", index);
                return false;
        }
        if ((type != NULL && !json_is_string(type)) ||
            (source != NULL && !json_is_string(source))) {
                rw_plan_deny(plan, RW_RULE_SPEC, json_string_value(dest),
                             "the type or source of the mount at %s is not a string",
                             json_string_value(dest));
                return false;
        }
        if (!options_valid(e->options)) {
                rw_plan_deny(plan, RW_RULE_SPEC, json_string_value(dest),
                             "the options of the mount at %s are not an array of strings",
                             json_string_value(dest));
                return false;
        }
        e->type = json_string_value(type);
        e->source = json_string_value(source);
        /* runc's own test: the options decide, a "bind" type is accepted as well */
        e->bind = str_eq(e->type, "bind") || options_have(e->options, "bind") ||
                  options_have(e->options, "rbind");
        if (e->bind && e->source == NULL) {
                rw_plan_deny(plan, RW_RULE_SPEC, json_string_value(dest),
                             "the bind mount at %s has no source", json_string_value(dest));
                return false;
        }
        if (rw_path_normalize(json_string_value(dest), &e->destination, NULL) < 0) {
                plan->oom = true;
                return false;
        }
        return true;
}

/* Read spec.mounts into `t`. False when the plan cannot be built (out of memory). */
static bool read_mounts(const json_t *spec, struct mount_table *t, struct rw_plan *plan)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        size_t i;
        json_t *m;

        if (mounts == NULL)
                return true;
        if (!json_is_array(mounts)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "/mounts", "mounts is not an array");
                return true;
        }
        if (json_array_size(mounts) == 0)
                return true;
        t->entries = calloc(json_array_size(mounts), sizeof(*t->entries));
        if (t->entries == NULL) {
                plan->oom = true;
                return false;
        }
        t->n = json_array_size(mounts);
        json_array_foreach(mounts, i, m)
        {
                t->entries[i].valid = read_mount(m, i, &t->entries[i], plan);
                if (plan->oom)
                        return false;
        }
        return true;
}

/* engine-socket */

/*
 * Why `path` (normalized, absolute) exposes an engine API, written to `why`; false if it does
 * not. The root is left to host-mount, which refuses it outright rather than stripping it.
 */
static bool engine_socket_path(const char *path, const struct rw_host_facts *facts, char *why,
                               size_t size, struct rw_plan *plan)
{
        if (strcmp(path, "/") == 0)
                return false;
        if (str_in(rw_path_basename(path), rw_engine_socket_names)) {
                snprintf(why, size, "%s is a container engine API socket", path);
                return true;
        }
        for (size_t i = 0; facts != NULL && i < facts->n_engine_sockets; i++) {
                _cleanup_free_ char *sock = NULL;

                if (rw_path_normalize(facts->engine_sockets[i], &sock, NULL) < 0) {
                        plan->oom = true;
                        return false;
                }
                if (rw_path_within(sock, path)) {
                        if (strcmp(sock, path) == 0)
                                snprintf(why, size, "%s is a container engine API socket", path);
                        else
                                snprintf(why, size, "%s holds the container engine API socket %s",
                                         path, sock);
                        return true;
                }
        }
        return false;
}

static bool engine_socket_mount(const struct mount_entry *e, const struct rw_host_facts *facts,
                                char *why, size_t size, struct rw_plan *plan)
{
        const struct rw_path_fact *fact = facts != NULL ? rw_facts_lookup(facts, e->source) : NULL;
        _cleanup_free_ char *lexical = NULL;

        if (rw_path_normalize(e->source, &lexical, NULL) < 0) {
                plan->oom = true;
                return false;
        }
        /* A relative source is relative to the bundle: only its name means something here. */
        if (e->source[0] != '/') {
                if (str_in(rw_path_basename(lexical), rw_engine_socket_names)) {
                        snprintf(why, size, "%s is a container engine API socket", e->source);
                        return true;
                }
        } else if (engine_socket_path(lexical, facts, why, size, plan)) {
                return true;
        }
        if (fact == NULL || fact->error != 0 || fact->realpath == NULL)
                return false;
        if (engine_socket_path(fact->realpath, facts, why, size, plan))
                return true;
        if (S_ISSOCK(fact->mode)) {
                snprintf(why, size, "it resolves to %s, a socket on the host", fact->realpath);
                return true;
        }
        return false;
}

static void rule_engine_socket(struct mount_table *t, const struct rw_host_facts *facts,
                               struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->entries[i];
                char why[512];

                if (!e->valid || !e->bind)
                        continue;
                if (!engine_socket_mount(e, facts, why, sizeof(why), plan))
                        continue;
                e->removed = true;
                rw_plan_array_remove(plan, RW_RULE_ENGINE_SOCKET, "/mounts", e->index, e->mount,
                                     "bind mount of %s at %s removed: %s; engine API sockets "
                                     "give control of the host",
                                     e->source, e->destination, why);
        }
}

/* host-mount */

/*
 * Whose identifiers may appear in engine paths: the container id of the command line, and, for a
 * pod, its sandbox and pod uid from CRI's annotations — believed only when this container is the
 * sandbox, or when it joins a namespace that the sandbox's own init runs in (facts).
 */
static struct rw_engine_ids engine_ids(const json_t *spec, const struct rw_host_facts *facts)
{
        const json_t *annotations = json_object_get(spec, "annotations");
        const char *sandbox = rw_spec_string_member(annotations, "io.kubernetes.cri.sandbox-id");
        const char *pod = rw_spec_string_member(annotations, "io.kubernetes.cri.sandbox-uid");
        struct rw_engine_ids ids = {.container = facts->container_id};
        const struct rw_path_fact *owner = NULL;
        const json_t *namespaces = json_object_get(json_object_get(spec, "linux"), "namespaces");
        size_t i;
        json_t *ns;

        /* whether joining it is allowed is namespace-join's to say */
        json_array_foreach(namespaces, i, ns)
        {
                const char *type = json_string_value(json_object_get(ns, "type"));
                const char *path = json_string_value(json_object_get(ns, "path"));
                const struct rw_path_fact *f =
                    type != NULL && path != NULL && strcmp(type, "network") == 0
                        ? rw_facts_lookup(facts, path)
                        : NULL;

                if (f != NULL && f->error == 0)
                        ids.net = f->owner.id;
        }
        if (sandbox == NULL)
                return ids;
        for (i = 0; i < facts->n_paths && owner == NULL; i++)
                if (facts->paths[i].owner.id != NULL &&
                    strcmp(facts->paths[i].owner.id, sandbox) == 0)
                        owner = &facts->paths[i];
        if (owner == NULL &&
            !(facts->container_id != NULL && strcmp(sandbox, facts->container_id) == 0))
                return ids;
        ids.sandbox = sandbox;
        /* the pod uid is the sandbox's, as recorded when the sandbox was created */
        if (pod != NULL &&
            (owner == NULL || (owner->owner.pod != NULL && strcmp(owner->owner.pod, pod) == 0) ||
             facts->container_id == NULL))
                ids.pod = pod;
        return ids;
}

/* What the mount table says against a source that is otherwise allowed. */
static bool disguised(const struct mount_entry *e, const struct rw_path_fact *fact,
                      struct rw_plan *plan)
{
        if (fact->mountpoint && !fact->private_tmpfs) {
                if (fact->exposes != NULL)
                        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                                     "bind source %s is a mount (%s) of the host path %s, not a "
                                     "directory of its engine: judged as %s it is not allowed",
                                     e->source, fact->mount_desc, fact->exposes, fact->exposes);
                else
                        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                                     "bind source %s is a mount of %s, a filesystem of its own "
                                     "(a device, a network share), which the tier does not allow",
                                     e->source, fact->mount_desc);
                return true;
        }
        if (fact->submount != NULL) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s has another mount below it: %s", e->source,
                             fact->submount);
                return true;
        }
        return false;
}

/* A volume that is a filesystem of its own (an NFS share, a disk) whose type the tier lists in
 * volumes.mounts: the operator's choice. Never one that shows a host path (a bind of a host
 * directory, whatever its type), nor one with other mounts below it. */
static bool volume_mount_allowed(const struct rw_path_fact *fact,
                                 const struct rw_settings *settings)
{
        return fact->mountpoint && !fact->private_tmpfs && fact->exposes == NULL &&
               fact->submount == NULL && fact->fs_type != NULL &&
               rw_strv_glob_any(settings->lists[RW_LIST_VOLUME_MOUNTS], fact->fs_type);
}

static const char *const bundle_files[] = {"hosts", "hostname", "resolv.conf", ".containerenv",
                                           NULL};

static bool judge_bundle(struct mount_entry *e, const struct rw_path_fact *fact,
                         const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const char *rel;

        if (facts->bundle == NULL || !rw_path_within(fact->realpath, facts->bundle))
                return false;
        rel = fact->realpath + strlen(facts->bundle);
        rel += rel[0] == '/';
        /* podman keeps the container's hosts and resolv.conf in its bundle */
        if (S_ISREG(fact->mode) && str_in(rel, bundle_files)) {
                e->denied = disguised(e, fact, plan);
                return true;
        }
        /* ... and its /dev/shm: a tmpfs of its own mounted at BUNDLE/shm */
        if (S_ISDIR(fact->mode) && strcmp(rel, "shm") == 0 && fact->mountpoint &&
            fact->private_tmpfs)
                return true;
        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                     "bind source %s lies in the container's bundle%s: its config.json decides "
                     "what the container is",
                     e->source, rel[0] == '\0' ? " (it is the bundle)" : "");
        return true;
}

/* The tier's own directories: as written and resolved within the same one. Below a writable one
 * a running job could swap a directory for a symlink between this check and runc's mount: such
 * a source is pinned (pins.h), or refused where no pin can be made. */
static bool judge_tier_prefix(struct mount_entry *e, const char *lexical, bool absolute,
                              const struct rw_path_fact *fact, const struct rw_settings *settings,
                              const struct rw_host_facts *facts, struct rw_plan *plan)
{
        for (const struct rw_bind_prefix *p = settings->extra_bind_prefixes;
             p != NULL && p->path != NULL; p++) {
                _cleanup_free_ char *prefix = NULL;

                if (rw_path_normalize(p->path, &prefix, NULL) < 0) {
                        plan->oom = true;
                        return true;
                }
                if ((absolute && !rw_path_within(lexical, prefix)) ||
                    !rw_path_within(fact->realpath, prefix))
                        continue;
                if (!p->read_only && strcmp(fact->realpath, prefix) != 0) {
                        if (facts == NULL || facts->pin_dir == NULL || !fact->id.known ||
                            !(S_ISDIR(fact->mode) || S_ISREG(fact->mode))) {
                                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                                             "bind source %s lies below %s, a writable "
                                             "directory of the tier, and cannot be pinned: a job "
                                             "could replace part of the path before runc mounts "
                                             "it",
                                             e->source, prefix);
                                return true;
                        }
                        e->pin = fact;
                }
                e->read_only = p->read_only;
                e->denied = disguised(e, fact, plan);
                return true;
        }
        return false;
}

/* The files lxcfs stands in for (its views carry the same path below its mount point): what a
 * tier may let it cover ("lxcfs" in the policy), and nothing else of /proc or /sys. */
static const char *const lxcfs_views[] = {
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/uptime",
    "/proc/diskstats",
    "/proc/swaps",
    "/proc/loadavg",
    "/sys/devices/system/cpu/online",
    NULL,
};

/*
 * A bind whose source lies on a fuse.lxcfs mount: allowed, read-only, when it is the view of the
 * very file it covers, that file is one lxcfs stands in for, and the tier lists it. False when
 * the source is not lxcfs's (the other host-mount checks judge it).
 */
static bool judge_lxcfs(struct mount_entry *e, const struct rw_path_fact *fact,
                        const struct rw_settings *settings, struct rw_plan *plan)
{
        const char *rel;

        if (!str_eq(fact->fs_type, "fuse.lxcfs") || fact->fs_mountpoint == NULL ||
            !rw_path_within(fact->realpath, fact->fs_mountpoint))
                return false;
        rel = fact->realpath + strlen(fact->fs_mountpoint);
        if (strcmp(fact->fs_mountpoint, "/") == 0)
                rel = fact->realpath;
        if (strcmp(rel, e->destination) != 0) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s is lxcfs's view of %s, mounted at %s: an lxcfs view "
                             "goes only over the file it stands for",
                             e->source, rel[0] != '\0' ? rel : "/", e->destination);
                return true;
        }
        if (!str_in(rel, lxcfs_views)) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s is lxcfs's %s, which is not one of the files lxcfs "
                             "may stand in for (/proc/cpuinfo, meminfo, stat, uptime, diskstats, "
                             "swaps, loadavg, /sys/devices/system/cpu/online)",
                             e->source, rel);
                return true;
        }
        if (settings->lists[RW_LIST_LXCFS] == NULL ||
            !str_in(rel, settings->lists[RW_LIST_LXCFS])) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s is lxcfs's %s, and the tier does not let lxcfs "
                             "stand in for it (policy key \"lxcfs\")",
                             e->source, rel);
                return true;
        }
        if (!S_ISREG(fact->mode)) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source, "%s is not a regular file",
                             e->source);
                return true;
        }
        e->lxcfs = true;
        e->read_only = true;
        e->denied = disguised(e, fact, plan);
        return true;
}

static void judge_host_mount(struct mount_entry *e, const json_t *spec,
                             const struct rw_settings *settings, const struct rw_host_facts *facts,
                             struct rw_plan *plan)
{
        const struct rw_path_fact *fact = facts != NULL ? rw_facts_lookup(facts, e->source) : NULL;
        bool absolute = e->source[0] == '/';
        _cleanup_free_ char *lexical = NULL;
        struct rw_engine_ids ids;
        struct rw_engine_path where;
        const char *engine_dir;

        if (rw_path_normalize(e->source, &lexical, NULL) < 0) {
                plan->oom = true;
                return;
        }
        e->denied = true;
        if ((absolute && strcmp(lexical, "/") == 0) ||
            (fact != NULL && fact->error == 0 && str_eq(fact->realpath, "/"))) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind mount of the host root filesystem (%s) at %s", e->source,
                             e->destination);
                return;
        }
        if (fact == NULL) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s was not examined on the host", e->source);
                return;
        }
        if (fact->error != 0 || fact->realpath == NULL) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source, "bind source %s %s", e->source,
                             fact->error == EXDEV   ? "goes through /proc's links, which lead "
                                                      "where their names do not say"
                             : fact->error == ELOOP ? "has too many symbolic links"
                                                    : "does not exist or cannot be resolved");
                return;
        }
        if (fact->unsafe_dir != NULL) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s is reached through %s, a directory someone other "
                             "than root can change: what runc mounts later need not be what "
                             "runwarden checked now",
                             e->source, fact->unsafe_dir);
                return;
        }
        if (judge_bundle(e, fact, facts, plan))
                return;
        /* (a root.path of "/" is root-path's to refuse, not every bind's) */
        if (facts->rootfs != NULL && strcmp(facts->rootfs, "/") != 0 &&
            rw_path_within(fact->realpath, facts->rootfs)) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s lies in the container's own root filesystem, which "
                             "the job and the spec's earlier mounts can change",
                             e->source);
                return;
        }
        if (judge_lxcfs(e, fact, settings, plan))
                return;
        ids = engine_ids(spec, facts);
        rw_engine_path_match(&facts->engines, fact->realpath, &ids, &where);
        switch (where.kind) {
        case RW_ENGINE_PATH_OWN_FILE:
        case RW_ENGINE_PATH_VOLUME:
                e->volume = where.kind == RW_ENGINE_PATH_VOLUME;
                if (e->volume && volume_mount_allowed(fact, settings)) {
                        rw_plan_note(plan, RW_RULE_HOST_MOUNT,
                                     "volume %s is a %s mount the tier allows (volumes.mounts)",
                                     e->source, fact->fs_type);
                        return;
                }
                e->denied = disguised(e, fact, plan);
                return;
        case RW_ENGINE_PATH_INIT:
                e->read_only = true;
                e->denied = !S_ISREG(fact->mode) || disguised(e, fact, plan);
                if (!S_ISREG(fact->mode))
                        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                                     "%s is not a regular file", e->source);
                return;
        case RW_ENGINE_PATH_FOREIGN:
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s is %s of %.*s, not of this container", e->source,
                             where.shape, where.other_len, where.other);
                return;
        case RW_ENGINE_PATH_NONE:
                break;
        }
        if (judge_tier_prefix(e, lexical, absolute, fact, settings, facts, plan))
                return;
        if (rw_engine_path_inside(&facts->engines, fact->realpath, &engine_dir))
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s lies in the engine's directory %s but is neither "
                             "this container's own file nor a volume's top directory",
                             e->source, engine_dir);
        else if (absolute && strcmp(lexical, fact->realpath) == 0)
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind mount of host path %s at %s is outside the engine-managed "
                             "directories",
                             e->source, e->destination);
        else
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind mount of host path %s (resolved: %s) at %s is outside the "
                             "engine-managed directories",
                             e->source, fact->realpath, e->destination);
}

static void rule_host_mount(struct mount_table *t, const json_t *spec,
                            const struct rw_settings *settings, const struct rw_host_facts *facts,
                            struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->entries[i];

                if (e->valid && e->bind && !e->removed)
                        judge_host_mount(e, spec, settings, facts, plan);
        }
}

/* bind-options and the read-only kernel filesystems */

static bool append_string(json_t *array, const char *s)
{
        return json_array_append_new(array, json_string(s)) == 0;
}

static const char *const propagation_private[] = {"private", "rprivate", NULL};
static const char *const propagation_open[] = {"shared",     "rshared",     "slave", "rslave",
                                               "unbindable", "runbindable", NULL};

/*
 * nosuid and nodev always; propagation private, so that nothing mounted on the host later (a
 * device, another container's volume) appears inside the job.
 */
static json_t *bind_options(const json_t *options)
{
        _cleanup_json_ json_t *out = json_array();
        bool has_private = false, placed = false;
        size_t i;
        json_t *o;

        if (out == NULL)
                return NULL;
        json_array_foreach(options, i, o)
        {
                if (str_in(json_string_value(o), propagation_private))
                        has_private = true;
        }
        json_array_foreach(options, i, o)
        {
                const char *s = json_string_value(o);

                if (str_eq(s, "suid") || str_eq(s, "dev"))
                        continue;
                if (str_in(s, propagation_open)) {
                        /* runc applies propagation flags in order: keep a single private one */
                        if (!has_private && !placed && !append_string(out, "rprivate"))
                                return NULL;
                        placed = true;
                        continue;
                }
                if (json_array_append(out, o) < 0)
                        return NULL;
        }
        if (!options_have(out, "nosuid") && !append_string(out, "nosuid"))
                return NULL;
        if (!options_have(out, "nodev") && !append_string(out, "nodev"))
                return NULL;
        if (!has_private && !placed && !append_string(out, "rprivate"))
                return NULL;
        return TAKE_PTR(out);
}

/* "ro" instead of every "rw" (runc honours the last of the two), or added. */
static json_t *readonly_options(const json_t *options)
{
        _cleanup_json_ json_t *out = json_array();
        bool placed = options_have(options, "ro");
        size_t i;
        json_t *o;

        if (out == NULL)
                return NULL;
        json_array_foreach(options, i, o)
        {
                if (str_eq(json_string_value(o), "rw")) {
                        if (!placed && !append_string(out, "ro"))
                                return NULL;
                        placed = true;
                        continue;
                }
                if (json_array_append(out, o) < 0)
                        return NULL;
        }
        if (!placed && !append_string(out, "ro"))
                return NULL;
        return TAKE_PTR(out);
}

static void set_options(struct rw_plan *plan, const char *rule, const struct mount_entry *e,
                        json_t *after_stolen, const char *why)
{
        _cleanup_json_ json_t *after = after_stolen;
        _cleanup_free_ char *element = NULL;
        _cleanup_free_ char *pointer = NULL;

        if (after == NULL) {
                plan->oom = true;
                return;
        }
        if (e->options != NULL && json_equal(after, e->options))
                return;
        element = rw_pointer_join_index("/mounts", e->index);
        pointer = element != NULL ? rw_pointer_join(element, "options") : NULL;
        if (pointer == NULL) {
                plan->oom = true;
                return;
        }
        rw_plan_set_new(plan, rule, pointer, (json_t *)e->options, TAKE_PTR(after),
                        "%s (mount at %s)", why, e->destination);
}

/* The sources judged below a writable prefix of the tier, pointed at their pins. */
static void rule_pin(struct mount_table *t, const struct rw_host_facts *facts, struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];
                _cleanup_free_ char *element = NULL;
                _cleanup_free_ char *pointer = NULL;
                _cleanup_free_ char *target = NULL;

                if (e->pin == NULL || e->removed || e->denied)
                        continue;
                element = rw_pointer_join_index("/mounts", e->index);
                pointer = element != NULL ? rw_pointer_join(element, "source") : NULL;
                if (pointer == NULL || asprintf(&target, "%s/%zu", facts->pin_dir, e->index) < 0) {
                        plan->oom = true;
                        return;
                }
                rw_plan_set_new(plan, RW_RULE_HOST_MOUNT, pointer,
                                json_object_get(e->mount, "source"), json_string(target),
                                "%s lies below a writable directory of the tier: mounted through "
                                "a pin of that very directory, which a job cannot swap (mount at "
                                "%s)",
                                e->source, e->destination);
                rw_plan_pin_last(plan, e->pin->realpath, (uint64_t)e->pin->id.dev,
                                 (uint64_t)e->pin->id.ino, S_ISDIR(e->pin->mode));
        }
}

static void rule_bind_options(struct mount_table *t, struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];

                if (!e->valid || !e->bind || e->removed || e->denied)
                        continue;
                if (e->read_only) {
                        _cleanup_json_ json_t *opts = bind_options(e->options);

                        set_options(plan, RW_RULE_BIND_OPTIONS, e,
                                    opts != NULL ? readonly_options(opts) : NULL,
                                    e->lxcfs ? "bind mounts get nosuid, nodev and private "
                                               "propagation; lxcfs's views are read-only"
                                             : "bind mounts get nosuid, nodev and private "
                                               "propagation; this one comes from a read-only "
                                               "directory of the tier");
                        continue;
                }
                set_options(plan, RW_RULE_BIND_OPTIONS, e, bind_options(e->options),
                            "bind mounts get nosuid, nodev and private propagation");
        }
}

/*
 * host-mount, second half: runc resolves a bind source again when it mounts it, long after the
 * check. Spelled through a symlink or a ".." below a directory the job writes (a volume's _data,
 * a tier's writable prefix), the same text may then lead elsewhere: runc is handed the path that
 * was judged, whose directories only root can change.
 */
static void rule_bind_source(struct mount_table *t, const struct rw_host_facts *facts,
                             struct rw_plan *plan)
{
        for (size_t i = 0; facts != NULL && i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];
                const struct rw_path_fact *fact;
                _cleanup_free_ char *element = NULL;
                _cleanup_free_ char *pointer = NULL;
                json_t *after;

                /* a pinned source is pointed at its pin instead (rule_pin) */
                if (!e->valid || !e->bind || e->removed || e->denied || e->pin != NULL)
                        continue;
                fact = rw_facts_lookup(facts, e->source);
                if (fact == NULL || fact->error != 0 || fact->realpath == NULL ||
                    strcmp(fact->realpath, e->source) == 0)
                        continue;
                element = rw_pointer_join_index("/mounts", e->index);
                pointer = element != NULL ? rw_pointer_join(element, "source") : NULL;
                after = json_string(fact->realpath);
                if (pointer == NULL || after == NULL) {
                        json_decref(after);
                        plan->oom = true;
                        return;
                }
                rw_plan_set_new(plan, RW_RULE_HOST_MOUNT, pointer,
                                json_object_get(e->mount, "source"), after,
                                "bind source %s is mounted as %s, the path it resolved to when "
                                "checked (mount at %s)",
                                e->source, fact->realpath, e->destination);
        }
}

/* kernel-fs-mount */

static const char *const allowed_types[] = {"proc",  "sysfs",  "cgroup", "cgroup2",
                                            "tmpfs", "devpts", "mqueue", NULL};

static bool is_cgroup(const char *type)
{
        return str_eq(type, "cgroup") || str_eq(type, "cgroup2");
}

/* Binds the engines themselves put below /dev: the container's shm (docker's
 * containers/ID/mounts/shm, a pod's sandbox shm) and Kubernetes' termination log. */
static bool dev_bind_allowed(const char *destination)
{
        return strcmp(destination, "/dev/shm") == 0 ||
               strcmp(destination, "/dev/termination-log") == 0;
}

static void judge_kernel_mount(const struct mount_entry *e, struct rw_plan *plan)
{
        const char *d = e->destination;
        /* A bind brings a host path whatever its "type" says. */
        const char *type = e->bind ? "bind" : e->type;

        if (strcmp(d, "/") == 0) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount at / would replace the container's root filesystem");
        } else if (strcmp(d, "/proc") == 0 && !str_eq(type, "proc")) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a %s mount at /proc would replace the masked procfs",
                             type != NULL ? type : "typeless");
        } else if (strcmp(d, "/sys") == 0 && !str_eq(type, "sysfs")) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a %s mount at /sys would replace the masked sysfs",
                             type != NULL ? type : "typeless");
        } else if (e->lxcfs && !e->denied) {
                /* host-mount let lxcfs's view of this very file cover it, read-only */
                return;
        } else if (rw_path_within(d, "/proc") && strcmp(d, "/proc") != 0) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount at %s would cover part of /proc and undo its masking", d);
        } else if (rw_path_within(d, "/sys") && strcmp(d, "/sys") != 0 &&
                   !(strcmp(d, "/sys/fs/cgroup") == 0 && is_cgroup(type))) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount at %s would cover part of /sys and undo its masking", d);
        } else if (e->bind && rw_path_within(d, "/dev") && !dev_bind_allowed(d)) {
                /* runc makes /dev itself (its nodes, devpts, the console) and masks paths with
                 * /dev/null: a bind the job can write there, shared with another container, is
                 * how CVE-2025-31133, -52565 and -52881 redirect runc's own mounts */
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a bind mount at %s would put a directory the job can change where "
                             "runc makes its device nodes and masks paths",
                             d);
        } else if (e->bind) {
                return;
        } else if (type == NULL) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d, "the mount at %s has no type", d);
        } else if (!str_in(type, allowed_types)) {
                /* overlay lowerdirs, block devices, devtmpfs, debugfs...: host data no fact
                 * covers, so they cannot be judged */
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount of type %s at %s is not allowed", type, d);
        } else if ((str_eq(type, "proc") && strcmp(d, "/proc") != 0) ||
                   (str_eq(type, "sysfs") && strcmp(d, "/sys") != 0) ||
                   (is_cgroup(type) && strcmp(d, "/sys/fs/cgroup") != 0)) {
                /* a second instance elsewhere would not be masked */
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a %s filesystem at %s would escape the masking of /proc and /sys",
                             type, d);
        }
}

static void rule_kernel_mount(struct mount_table *t, struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];

                if (e->valid && !e->removed)
                        judge_kernel_mount(e, plan);
        }
}

static void rule_sys_readonly(struct mount_table *t, struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];

                if (!e->valid || e->removed || e->bind)
                        continue;
                /* writable, they would let the job retune the host's kernel and cgroups */
                if (str_eq(e->type, "sysfs"))
                        set_options(plan, RW_RULE_KERNEL_MOUNT, e, readonly_options(e->options),
                                    "sysfs read-only");
                else if (is_cgroup(e->type))
                        set_options(plan, RW_RULE_KERNEL_MOUNT, e, readonly_options(e->options),
                                    "cgroup filesystem read-only");
        }
}

/* mount-options: "remount" changes a mount made earlier (a read-only bind becomes writable, with
 * suid and dev), whatever the entry's own type says. */
static void rule_remount(struct mount_table *t, struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];

                if (e->valid && !e->removed && options_have(e->options, "remount"))
                        rw_plan_deny(plan, RW_RULE_MOUNT_OPTIONS, e->destination,
                                     "the mount at %s remounts what an earlier mount made "
                                     "(remount)",
                                     e->destination);
        }
}

/* Parse "size=N[kmg%]" as the kernel's tmpfs does, into bytes; false for a percentage or junk. */
static bool tmpfs_size(const char *value, uint64_t *ret)
{
        char *end;
        unsigned long long n = strtoull(value, &end, 10);
        uint64_t scale = 1;

        if (end == value)
                return false;
        switch (*end) {
        case 'k':
        case 'K':
                scale = 1024, end++;
                break;
        case 'm':
        case 'M':
                scale = 1024 * 1024, end++;
                break;
        case 'g':
        case 'G':
                scale = 1024 * 1024 * 1024, end++;
                break;
        default:
                break;
        }
        if (*end != '\0' || n > UINT64_MAX / scale)
                return false;
        *ret = n * scale;
        return true;
}

/*
 * tmpfs-size and mount-options for the tmpfs mounts a client adds (docker --tmpfs /x:exec,suid,
 * dev): nosuid and nodev like binds (not /dev, whose nodes need dev), and a size within the
 * tier's cap — an unlimited tmpfs is the host's memory.
 */
static void rule_tmpfs(struct mount_table *t, const struct rw_settings *settings,
                       struct rw_plan *plan)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];
                _cleanup_json_ json_t *out = NULL;
                bool is_dev, sized = false, changed = false;
                uint64_t cap = settings->tmpfs_max;
                size_t k;
                json_t *o;

                if (!e->valid || e->removed || e->bind || !str_eq(e->type, "tmpfs"))
                        continue;
                is_dev = strcmp(e->destination, "/dev") == 0;
                out = json_array();
                if (out == NULL) {
                        plan->oom = true;
                        return;
                }
                json_array_foreach(e->options, k, o)
                {
                        const char *opt = json_string_value(o);
                        uint64_t size;

                        if (str_eq(opt, "suid") || (!is_dev && str_eq(opt, "dev"))) {
                                changed = true;
                                continue;
                        }
                        if (opt != NULL && strncmp(opt, "size=", 5) == 0 && cap > 0) {
                                if (!tmpfs_size(opt + 5, &size) || size > cap) {
                                        changed = true;
                                        continue;
                                }
                                sized = true;
                        }
                        if (json_array_append(out, o) < 0) {
                                plan->oom = true;
                                return;
                        }
                }
                if (!options_have(out, "nosuid")) {
                        changed = true;
                        if (!append_string(out, "nosuid"))
                                plan->oom = true;
                }
                if (!is_dev && !options_have(out, "nodev")) {
                        changed = true;
                        if (!append_string(out, "nodev"))
                                plan->oom = true;
                }
                if (cap > 0 && !sized) {
                        char opt[48];

                        snprintf(opt, sizeof(opt), "size=%" PRIu64, cap);
                        changed = true;
                        if (!append_string(out, opt))
                                plan->oom = true;
                }
                if (changed)
                        set_options(plan,
                                    cap > 0 && !sized ? RW_RULE_TMPFS_SIZE : RW_RULE_MOUNT_OPTIONS,
                                    e, TAKE_PTR(out),
                                    "tmpfs mounts get nosuid, nodev and a size within the tier's "
                                    "cap");
        }
}

/* The name of a docker or podman volume from its top directory (…/volumes/NAME/_data). */
static const char *volume_name(const char *path, char *buf, size_t size)
{
        const char *end = strrchr(path, '/');
        const char *start;

        if (end == NULL || end == path)
                return path;
        start = end - 1;
        while (start > path && *start != '/')
                start--;
        snprintf(buf, size, "%.*s", (int)(end - start - 1), start + 1);
        return buf;
}

/* Whether `name` matches `pattern`, where '*' stands for any run of characters. */
static bool in_list(const char *const *list, const char *s)
{
        for (; list != NULL && *list != NULL; list++)
                if (strcmp(*list, s) == 0)
                        return true;
        return false;
}

/*
 * volume-owner: a volume another tier's container created or uses (a service's database) is that
 * tier's, unless this tier shares with it ("volumes.share_with") or names the volume
 * ("volumes.allow" patterns, e.g. GitLab Runner's cache volumes).
 */
static void rule_volume_owner(struct mount_table *t, const struct rw_settings *settings,
                              const struct rw_host_facts *facts, struct rw_plan *plan)
{
        for (size_t i = 0; facts != NULL && i < t->n; i++) {
                const struct mount_entry *e = &t->entries[i];
                const struct rw_path_fact *fact;
                char name_buf[256];
                const char *name;
                bool allowed = false;

                if (!e->valid || e->removed || e->denied || !e->volume)
                        continue;
                fact = rw_facts_lookup(facts, e->source);
                if (fact == NULL || fact->realpath == NULL)
                        continue;
                name = volume_name(fact->realpath, name_buf, sizeof(name_buf));
                for (const char *const *p = settings->lists[RW_LIST_VOLUME_ALLOW];
                     p != NULL && *p != NULL && !allowed; p++)
                        allowed = rw_glob_match(*p, name);
                for (size_t k = 0; !allowed && k < facts->n_volume_users; k++) {
                        const struct rw_volume_user *u = &facts->volume_users[k];

                        if (strcmp(u->volume, fact->realpath) != 0 ||
                            (settings->tier_name != NULL && u->user.tier != NULL &&
                             strcmp(u->user.tier, settings->tier_name) == 0) ||
                            in_list(settings->lists[RW_LIST_VOLUME_SHARE], u->user.tier))
                                continue;
                        rw_plan_deny(plan, RW_RULE_VOLUME_OWNER, name,
                                     "volume %s %s container %s of tier %s; tier %s does not "
                                     "share volumes with it",
                                     name, u->creator ? "was created for" : "is in use by",
                                     u->user.id, u->user.tier != NULL ? u->user.tier : "unknown",
                                     settings->tier_name != NULL ? settings->tier_name : "(this)");
                        break;
                }
        }
}

void rw_rules_mounts(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        _cleanup_(mount_table_clear) struct mount_table t = {0};

        if (!read_mounts(spec, &t, plan))
                return;
        rule_engine_socket(&t, facts, plan);
        rule_host_mount(&t, spec, settings, facts, plan);
        rule_pin(&t, facts, plan);
        rule_bind_options(&t, plan);
        rule_bind_source(&t, facts, plan);
        rule_kernel_mount(&t, plan);
        rule_sys_readonly(&t, plan);
        rule_remount(&t, plan);
        rule_tmpfs(&t, settings, plan);
        rule_volume_owner(&t, settings, facts, plan);
}
