/* SPDX-License-Identifier: Apache-2.0 */
#include "facts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "paths.h"

static const char *const ns_names[RW_NS_COUNT] = {
    [RW_NS_PID] = "pid",   [RW_NS_NETWORK] = "network", [RW_NS_IPC] = "ipc",
    [RW_NS_UTS] = "uts",   [RW_NS_MOUNT] = "mount",     [RW_NS_CGROUP] = "cgroup",
    [RW_NS_USER] = "user", [RW_NS_TIME] = "time",
};

static const char *const ns_proc_names[RW_NS_COUNT] = {
    [RW_NS_PID] = "pid",   [RW_NS_NETWORK] = "net",   [RW_NS_IPC] = "ipc",   [RW_NS_UTS] = "uts",
    [RW_NS_MOUNT] = "mnt", [RW_NS_CGROUP] = "cgroup", [RW_NS_USER] = "user", [RW_NS_TIME] = "time",
};

const char *const rw_engine_socket_paths[] = {
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock.ttrpc",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
    "/var/run/buildkit/buildkitd.sock",
    "/run/buildkit/buildkitd.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/dockershim.sock",
    "/run/dockershim.sock",
    NULL,
};

const char *const rw_engine_socket_names[] = {
    "docker.sock",    "containerd.sock",  "containerd.sock.ttrpc", "crio.sock",    "podman.sock",
    "buildkitd.sock", "cri-dockerd.sock", "dockershim.sock",       "dockerd.sock", NULL,
};

int rw_ns_type_from_name(const char *name)
{
        for (int i = 0; i < RW_NS_COUNT; i++)
                if (strcmp(ns_names[i], name) == 0)
                        return i;
        return -1;
}

const char *rw_ns_type_name(enum rw_ns_type type)
{
        return (unsigned)type < RW_NS_COUNT ? ns_names[type] : "unknown";
}

const struct rw_path_fact *rw_facts_lookup(const struct rw_host_facts *facts, const char *path)
{
        for (size_t i = 0; i < facts->n_paths; i++)
                if (strcmp(facts->paths[i].path, path) == 0)
                        return &facts->paths[i];
        return NULL;
}

int rw_facts_add_path(struct rw_host_facts *facts, const char *path, int error,
                      const char *realpath_, mode_t mode, dev_t dev, ino_t ino,
                      struct rw_error *err)
{
        struct rw_path_fact f = {
            .error = error,
            .mode = mode,
            .id = {.known = error == 0, .dev = dev, .ino = ino},
        };
        struct rw_path_fact *p;

        if (rw_facts_lookup(facts, path) != NULL)
                return 0;
        f.path = strdup(path);
        f.realpath = realpath_ != NULL ? strdup(realpath_) : NULL;
        p = reallocarray(facts->paths, facts->n_paths + 1, sizeof(*p));
        if (f.path == NULL || (realpath_ != NULL && f.realpath == NULL) || p == NULL) {
                free(f.path);
                free(f.realpath);
                if (p != NULL)
                        facts->paths = p;
                return rw_error_set(err, ENOMEM, "recording facts for %s", path);
        }
        facts->paths = p;
        facts->paths[facts->n_paths++] = f;
        return 0;
}

/*
 * Resolve one path on the host. Relative paths are taken against the bundle, as runc does.
 * Namespace paths (/proc/PID/ns/net) are magic links that realpath() cannot resolve: for them
 * (`stat_only`) the identity of what stat() reaches is what counts.
 */
static int gather_path(struct rw_host_facts *facts, const char *path, const char *bundle,
                       bool stat_only, struct rw_error *err)
{
        _cleanup_free_ char *joined = NULL;
        _cleanup_free_ char *resolved = NULL;
        const char *target = path;
        struct stat st;

        if (rw_facts_lookup(facts, path) != NULL)
                return 0;
        if (path[0] != '/') {
                if (bundle == NULL)
                        return rw_facts_add_path(facts, path, ENOENT, NULL, 0, 0, 0, err);
                if (asprintf(&joined, "%s/%s", bundle, path) < 0)
                        return rw_error_set(err, ENOMEM, "resolving %s", path);
                target = joined;
        }
        errno = 0;
        resolved = stat_only ? strdup(target) : realpath(target, NULL);
        if (resolved == NULL || stat(resolved, &st) < 0)
                return rw_facts_add_path(facts, path, errno != 0 ? errno : ENOENT, NULL, 0, 0, 0,
                                         err);
        return rw_facts_add_path(facts, path, 0, resolved, st.st_mode, st.st_dev, st.st_ino, err);
}

static bool mount_is_bind(const json_t *m)
{
        const json_t *type = json_object_get(m, "type");
        const json_t *opts = json_object_get(m, "options");
        size_t i;
        json_t *o;

        if (json_is_string(type) && strcmp(json_string_value(type), "bind") == 0)
                return true;
        json_array_foreach(opts, i, o)
        {
                if (json_is_string(o) && (strcmp(json_string_value(o), "bind") == 0 ||
                                          strcmp(json_string_value(o), "rbind") == 0))
                        return true;
        }
        return false;
}

int rw_facts_gather(const json_t *spec, const char *bundle, struct rw_host_facts *ret,
                    struct rw_error *err)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        const json_t *linux_ = json_object_get(spec, "linux");
        const json_t *namespaces = json_object_get(linux_, "namespaces");
        size_t i;
        json_t *v;
        int r;

        memset(ret, 0, sizeof(*ret));
        for (int t = 0; t < RW_NS_COUNT; t++) {
                char p[64];
                struct stat st;

                snprintf(p, sizeof(p), "/proc/1/ns/%s", ns_proc_names[t]);
                if (stat(p, &st) == 0)
                        ret->host_ns[t] = (struct rw_file_id){true, st.st_dev, st.st_ino};
        }
        if (bundle != NULL) {
                ret->bundle = realpath(bundle, NULL);
                if (ret->bundle == NULL && errno == ENOMEM)
                        return rw_error_set(err, ENOMEM, "resolving the bundle");
        }
        for (const char *const *s = rw_engine_socket_paths; *s != NULL; s++) {
                char *copies[2] = {strdup(*s), realpath(*s, NULL)};
                char **p =
                    reallocarray(ret->engine_sockets, ret->n_engine_sockets + 2, sizeof(char *));

                if (copies[0] == NULL || p == NULL) {
                        free(copies[0]);
                        free(copies[1]);
                        if (p != NULL)
                                ret->engine_sockets = p;
                        return rw_error_set(err, ENOMEM, "recording engine sockets");
                }
                ret->engine_sockets = p;
                for (int k = 0; k < 2; k++)
                        if (copies[k] != NULL)
                                ret->engine_sockets[ret->n_engine_sockets++] = copies[k];
        }
        json_array_foreach(mounts, i, v)
        {
                const json_t *src = json_object_get(v, "source");

                if (!json_is_string(src) || !mount_is_bind(v))
                        continue;
                r = gather_path(ret, json_string_value(src), ret->bundle, false, err);
                if (r < 0)
                        return r;
        }
        json_array_foreach(namespaces, i, v)
        {
                const json_t *path = json_object_get(v, "path");

                if (!json_is_string(path))
                        continue;
                r = gather_path(ret, json_string_value(path), ret->bundle, true, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int rw_facts_resolve_prefixes(struct rw_host_facts *facts, const char *const *prefixes,
                              struct rw_error *err)
{
        for (const char *const *p = prefixes; p != NULL && *p != NULL; p++) {
                _cleanup_free_ char *resolved = realpath(*p, NULL);
                char **grown;

                if (resolved == NULL) {
                        if (errno == ENOMEM)
                                return rw_error_set(err, ENOMEM, "resolving %s", *p);
                        continue;
                }
                grown = reallocarray(facts->resolved_prefixes, facts->n_resolved_prefixes + 1,
                                     sizeof(char *));
                if (grown == NULL)
                        return rw_error_set(err, ENOMEM, "resolving %s", *p);
                facts->resolved_prefixes = grown;
                facts->resolved_prefixes[facts->n_resolved_prefixes++] = TAKE_PTR(resolved);
        }
        return 0;
}

int rw_facts_synthetic(const json_t *spec, struct rw_host_facts *ret, struct rw_error *err)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        size_t i;
        json_t *m;
        int r;

        memset(ret, 0, sizeof(*ret));
        for (int t = 0; t < RW_NS_COUNT; t++)
                ret->host_ns[t] = (struct rw_file_id){true, 1, (ino_t)(4026531830u + t)};
        ret->bundle = strdup(RW_FACTS_SYNTHETIC_BUNDLE);
        if (ret->bundle == NULL)
                return rw_error_set(err, ENOMEM, "synthetic facts");
        ret->engine_sockets = calloc(RW_ELEMENTSOF(rw_engine_socket_paths), sizeof(char *));
        if (ret->engine_sockets == NULL)
                return rw_error_set(err, ENOMEM, "synthetic facts");
        for (const char *const *s = rw_engine_socket_paths; *s != NULL; s++) {
                ret->engine_sockets[ret->n_engine_sockets] = strdup(*s);
                if (ret->engine_sockets[ret->n_engine_sockets] == NULL)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                ret->n_engine_sockets++;
        }
        json_array_foreach(mounts, i, m)
        {
                const char *src = json_string_value(json_object_get(m, "source"));
                _cleanup_free_ char *norm = NULL;
                mode_t mode = S_IFREG | 0644;

                _cleanup_free_ char *joined = NULL;

                if (src == NULL || !mount_is_bind(m))
                        continue;
                /* A relative source is the bundle's, as runc reads it. */
                if (src[0] != '/' && asprintf(&joined, "%s/%s", ret->bundle, src) < 0)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                r = rw_path_normalize(joined != NULL ? joined : src, &norm, err);
                if (r < 0)
                        return r;
                for (const char *const *n = rw_engine_socket_names; *n != NULL; n++)
                        if (strcmp(rw_path_basename(norm), *n) == 0)
                                mode = S_IFSOCK | 0660;
                if (strcmp(norm, "/") == 0)
                        mode = S_IFDIR | 0755;
                r = rw_facts_add_path(ret, src, 0, norm, mode, 1, (ino_t)(1000 + i), err);
                if (r < 0)
                        return r;
        }
        /* Namespace paths: pid 1's are the host's, any other is another container's. */
        json_array_foreach(json_object_get(json_object_get(spec, "linux"), "namespaces"), i, m)
        {
                const char *path = json_string_value(json_object_get(m, "path"));
                int type = rw_ns_type_from_name(json_string_value(json_object_get(m, "type")));
                char host[64];
                struct rw_file_id id = {true, 2, (ino_t)(5000 + i)};

                if (path == NULL || path[0] == '\0')
                        continue;
                if (type >= 0) {
                        snprintf(host, sizeof(host), "/proc/1/ns/%s", ns_proc_names[type]);
                        if (strcmp(path, host) == 0)
                                id = ret->host_ns[type];
                }
                r = rw_facts_add_path(ret, path, 0, path, S_IFREG | 0444, id.dev, id.ino, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

void rw_facts_clear(struct rw_host_facts *facts)
{
        for (size_t i = 0; i < facts->n_paths; i++) {
                free(facts->paths[i].path);
                free(facts->paths[i].realpath);
        }
        for (size_t i = 0; i < facts->n_engine_sockets; i++)
                free(facts->engine_sockets[i]);
        for (size_t i = 0; i < facts->n_resolved_prefixes; i++)
                free(facts->resolved_prefixes[i]);
        free(facts->paths);
        free(facts->engine_sockets);
        free(facts->resolved_prefixes);
        free(facts->bundle);
        memset(facts, 0, sizeof(*facts));
}
