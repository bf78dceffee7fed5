/* SPDX-License-Identifier: Apache-2.0 */
#include "engines.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "paths.h"

#define CONFIG_MAX (1024u * 1024u)

static const char *const kind_names[RW_ENGINE_KIND_COUNT] = {
    [RW_ENGINE_DOCKER] = "docker",
    [RW_ENGINE_DOCKER_INIT] = "docker-init",
    [RW_ENGINE_CONTAINERD_ROOT] = "containerd-root",
    [RW_ENGINE_CONTAINERD_STATE] = "containerd-state",
    [RW_ENGINE_KUBELET] = "kubelet",
    [RW_ENGINE_PODMAN] = "podman",
};

/* The distributions' defaults (Debian, upstream packages, k3s). */
static const struct {
        enum rw_engine_kind kind;
        const char *path;
} defaults[] = {
    {RW_ENGINE_DOCKER, "/var/lib/docker"},
    {RW_ENGINE_DOCKER_INIT, "/usr/bin/docker-init"},
    {RW_ENGINE_DOCKER_INIT, "/usr/libexec/docker/docker-init"},
    {RW_ENGINE_DOCKER_INIT, "/usr/sbin/docker-init"},
    {RW_ENGINE_CONTAINERD_ROOT, "/var/lib/containerd"},
    {RW_ENGINE_CONTAINERD_STATE, "/run/containerd"},
    {RW_ENGINE_CONTAINERD_ROOT, "/var/lib/rancher/k3s/agent/containerd"},
    {RW_ENGINE_CONTAINERD_STATE, "/run/k3s/containerd"},
    {RW_ENGINE_KUBELET, "/var/lib/kubelet"},
    {RW_ENGINE_PODMAN, "/var/lib/containers/storage"},
    {RW_ENGINE_PODMAN, "/run/containers/storage"},
};

const char *rw_engine_kind_name(enum rw_engine_kind kind)
{
        return (unsigned)kind < RW_ENGINE_KIND_COUNT ? kind_names[kind] : "unknown";
}

void rw_engine_dirs_clear(struct rw_engine_dirs *d)
{
        for (int k = 0; k < RW_ENGINE_KIND_COUNT; k++) {
                for (size_t i = 0; i < d->n[k]; i++)
                        free(d->dirs[k][i]);
                free(d->dirs[k]);
        }
        *d = (struct rw_engine_dirs){0};
}

int rw_engine_dirs_add(struct rw_engine_dirs *d, enum rw_engine_kind kind, const char *path,
                       struct rw_error *err)
{
        _cleanup_free_ char *resolved = NULL;
        char **grown;
        int r;

        if (path == NULL || path[0] != '/')
                return 0;
        resolved = rw_file_realpath(path);
        if (resolved == NULL) {
                if (errno == ENOMEM)
                        return rw_error_set(err, ENOMEM, "engine directories");
                r = rw_path_normalize(path, &resolved, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < d->n[kind]; i++)
                if (strcmp(d->dirs[kind][i], resolved) == 0)
                        return 0;
        grown = reallocarray(d->dirs[kind], d->n[kind] + 2, sizeof(*grown));
        if (grown == NULL)
                return rw_error_set(err, ENOMEM, "engine directories");
        d->dirs[kind] = grown;
        d->dirs[kind][d->n[kind]++] = TAKE_PTR(resolved);
        d->dirs[kind][d->n[kind]] = NULL;
        return 0;
}

/* A small root-owned configuration file, or NULL (missing, unreadable, not root's). */
static char *read_config(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        _cleanup_free_ char *text = NULL;
        struct stat st;
        size_t len = 0;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
            (st.st_mode & S_IWOTH) != 0 || st.st_size > (off_t)CONFIG_MAX)
                return NULL;
        text = malloc((size_t)st.st_size + 1);
        if (text == NULL)
                return NULL;
        while (len < (size_t)st.st_size) {
                ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        text[len] = '\0';
        return TAKE_PTR(text);
}

static const char *skip_space(const char *p)
{
        while (*p == ' ' || *p == '\t')
                p++;
        return p;
}

char *rw_toml_string(const char *text, const char *table, const char *key)
{
        size_t key_len = strlen(key);
        bool in_table = table == NULL;
        const char *line = text;

        while (line != NULL && *line != '\0') {
                const char *nl = strchr(line, '\n');
                const char *p = skip_space(line);
                size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

                if (*p == '[') {
                        const char *end = memchr(p, ']', len);
                        size_t tlen;

                        p = skip_space(p + 1);
                        tlen = end != NULL ? (size_t)(end - p) : 0;
                        while (tlen > 0 && (p[tlen - 1] == ' ' || p[tlen - 1] == '\t'))
                                tlen--;
                        in_table =
                            table != NULL && tlen == strlen(table) && strncmp(p, table, tlen) == 0;
                } else if (in_table && strncmp(p, key, key_len) == 0) {
                        const char *v = skip_space(p + key_len);

                        if (*v == '=') {
                                char quote;
                                const char *start, *stop;

                                v = skip_space(v + 1);
                                quote = *v;
                                if (quote == '"' || quote == '\'') {
                                        start = v + 1;
                                        stop = strchr(start, quote);
                                        /* escapes in basic strings: not in any real path here */
                                        if (stop != NULL && (nl == NULL || stop < nl) &&
                                            (quote == '\'' ||
                                             memchr(start, '\\', (size_t)(stop - start)) == NULL))
                                                return strndup(start, (size_t)(stop - start));
                                }
                                return NULL;
                        }
                }
                line = nl != NULL ? nl + 1 : NULL;
        }
        return NULL;
}

static int add_toml(struct rw_engine_dirs *d, const char *text, const char *table, const char *key,
                    enum rw_engine_kind kind, struct rw_error *err)
{
        _cleanup_free_ char *value = text != NULL ? rw_toml_string(text, table, key) : NULL;

        return value != NULL ? rw_engine_dirs_add(d, kind, value, err) : 0;
}

static int add_daemon_json(struct rw_engine_dirs *d, struct rw_error *err)
{
        _cleanup_free_ char *text = read_config("/etc/docker/daemon.json");
        _cleanup_json_ json_t *doc = NULL;
        int r;

        if (text == NULL)
                return 0;
        doc = json_loads(text, 0, NULL);
        r = rw_engine_dirs_add(d, RW_ENGINE_DOCKER,
                               json_string_value(json_object_get(doc, "data-root")), err);
        if (r >= 0)
                r = rw_engine_dirs_add(d, RW_ENGINE_DOCKER,
                                       json_string_value(json_object_get(doc, "graph")), err);
        if (r >= 0)
                r = rw_engine_dirs_add(d, RW_ENGINE_DOCKER_INIT,
                                       json_string_value(json_object_get(doc, "init-path")), err);
        return r;
}

int rw_engine_dirs_discover(const struct rw_engine_config *config, struct rw_engine_dirs *ret,
                            struct rw_error *err)
{
        _cleanup_free_ char *containerd = NULL;
        _cleanup_free_ char *storage = NULL;
        int r = 0;

        *ret = (struct rw_engine_dirs){0};
        for (int k = 0; config != NULL && k < RW_ENGINE_KIND_COUNT && r >= 0; k++)
                for (const char *const *p = config->dirs[k]; p != NULL && *p != NULL && r >= 0; p++)
                        r = rw_engine_dirs_add(ret, (enum rw_engine_kind)k, *p, err);
        if (r >= 0)
                r = add_daemon_json(ret, err);
        containerd = read_config("/etc/containerd/config.toml");
        if (r >= 0)
                r = add_toml(ret, containerd, NULL, "root", RW_ENGINE_CONTAINERD_ROOT, err);
        if (r >= 0)
                r = add_toml(ret, containerd, NULL, "state", RW_ENGINE_CONTAINERD_STATE, err);
        storage = read_config("/etc/containers/storage.conf");
        if (r >= 0)
                r = add_toml(ret, storage, "storage", "graphroot", RW_ENGINE_PODMAN, err);
        if (r >= 0)
                r = add_toml(ret, storage, "storage", "runroot", RW_ENGINE_PODMAN, err);
        for (size_t i = 0; i < RW_ELEMENTSOF(defaults) && r >= 0; i++)
                r = rw_engine_dirs_add(ret, defaults[i].kind, defaults[i].path, err);
        if (r < 0)
                rw_engine_dirs_clear(ret);
        return r;
}
