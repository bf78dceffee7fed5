/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount rules: engine sockets, host paths, bind options, kernel filesystems.
 *
 * Every rule looks at the spec as the engine wrote it. Mounts are first read into a table (one
 * entry per element of spec.mounts) that records what earlier rules decided, so that a mount the
 * engine-socket rule strips is not also judged, denied or rewritten by the rules after it.
 */
#include "rules.h"

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
        bool volume;    /* the top directory of an engine's volume */
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
        char item[32];

        snprintf(item, sizeof(item), "/mounts/%zu", index);
        e->mount = mount;
        e->index = index;
        if (!json_is_object(mount)) {
                rw_plan_deny(plan, RW_RULE_SPEC, item, "mount %zu is not a JSON object", index);
                return false;
        }
        dest = json_object_get(mount, "destination");
        type = json_object_get(mount, "type");
        source = json_object_get(mount, "source");
        e->options = json_object_get(mount, "options");
        if (!json_is_string(dest) || json_string_value(dest)[0] == '\0') {
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

        if (sandbox == NULL)
                return ids;
        for (size_t i = 0; i < facts->n_paths && owner == NULL; i++)
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
        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                     "bind source %s lies in the container's bundle%s: its config.json decides "
                     "what the container is",
                     e->source, rel[0] == '\0' ? " (it is the bundle)" : "");
        return true;
}

/* The tier's own directories: as written and resolved within the same one. A writable one is
 * bound only as a whole: below it the job could swap a directory for a symlink in time. */
static bool judge_tier_prefix(struct mount_entry *e, const char *lexical, bool absolute,
                              const struct rw_path_fact *fact, const struct rw_settings *settings,
                              struct rw_plan *plan)
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
                        rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                                     "bind source %s lies below %s, a writable directory of the "
                                     "tier: a job could replace part of the path before runc "
                                     "mounts it; bind %s itself",
                                     e->source, prefix, prefix);
                        return true;
                }
                e->read_only = p->read_only;
                e->denied = disguised(e, fact, plan);
                return true;
        }
        return false;
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
        if (facts->rootfs != NULL && rw_path_within(fact->realpath, facts->rootfs)) {
                rw_plan_deny(plan, RW_RULE_HOST_MOUNT, e->source,
                             "bind source %s lies in the container's own root filesystem, which "
                             "the job and the spec's earlier mounts can change",
                             e->source);
                return;
        }
        ids = engine_ids(spec, facts);
        rw_engine_path_match(&facts->engines, fact->realpath, &ids, &where);
        switch (where.kind) {
        case RW_ENGINE_PATH_OWN_FILE:
        case RW_ENGINE_PATH_VOLUME:
                e->volume = where.kind == RW_ENGINE_PATH_VOLUME;
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
        if (judge_tier_prefix(e, lexical, absolute, fact, settings, plan))
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
                                    "bind mounts get nosuid, nodev and private propagation; "
                                    "this one comes from a read-only directory of the tier");
                        continue;
                }
                set_options(plan, RW_RULE_BIND_OPTIONS, e, bind_options(e->options),
                            "bind mounts get nosuid, nodev and private propagation");
        }
}

/* kernel-fs-mount */

static const char *const allowed_types[] = {"proc",  "sysfs",  "cgroup", "cgroup2",
                                            "tmpfs", "devpts", "mqueue", NULL};

static bool is_cgroup(const char *type)
{
        return str_eq(type, "cgroup") || str_eq(type, "cgroup2");
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
        } else if (rw_path_within(d, "/proc") && strcmp(d, "/proc") != 0) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount at %s would cover part of /proc and undo its masking", d);
        } else if (rw_path_within(d, "/sys") && strcmp(d, "/sys") != 0 &&
                   !(strcmp(d, "/sys/fs/cgroup") == 0 && is_cgroup(type))) {
                rw_plan_deny(plan, RW_RULE_KERNEL_MOUNT, d,
                             "a mount at %s would cover part of /sys and undo its masking", d);
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

void rw_rules_mounts(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        _cleanup_(mount_table_clear) struct mount_table t = {0};

        if (!read_mounts(spec, &t, plan))
                return;
        rule_engine_socket(&t, facts, plan);
        rule_host_mount(&t, spec, settings, facts, plan);
        rule_bind_options(&t, plan);
        rule_kernel_mount(&t, plan);
        rule_sys_readonly(&t, plan);
}
