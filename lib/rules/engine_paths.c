/* SPDX-License-Identifier: Apache-2.0 */
#include "engine_paths.h"

#include <string.h>

#include "cleanup.h"
#include "paths.h"

enum slot {
        ANY,       /* any one component */
        CONTAINER, /* this container's id */
        SANDBOX,   /* this pod's sandbox id */
        POD,       /* this pod's uid */
};

/* A shape: components below the engine directory, "{id}", "{sandbox}", "{pod}" or "*" being
 * slots, and what a path of that shape is. */
struct shape {
        enum rw_engine_kind engine;
        const char *pattern;
        enum rw_engine_path_kind kind;
        bool net; /* {id} may also be the container whose network namespace is joined */
};

static const struct shape shapes[] = {
    /* docker: the files of containers/ID, its shm and secrets mounts, volumes' top directory;
     * with --network container:OTHER, OTHER's hosts, hostname and resolv.conf (net) */
    {RW_ENGINE_DOCKER, "containers/{id}/hosts", RW_ENGINE_PATH_OWN_FILE, true},
    {RW_ENGINE_DOCKER, "containers/{id}/hostname", RW_ENGINE_PATH_OWN_FILE, true},
    {RW_ENGINE_DOCKER, "containers/{id}/resolv.conf", RW_ENGINE_PATH_OWN_FILE, true},
    {RW_ENGINE_DOCKER, "containers/{id}/mounts/shm", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_DOCKER, "containers/{id}/mounts/secrets", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_DOCKER, "containers/{id}/mounts/secrets/*", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_DOCKER, "volumes/*/_data", RW_ENGINE_PATH_VOLUME},
    /* containerd's CRI plugin: the pod's files live with its sandbox */
    {RW_ENGINE_CONTAINERD_ROOT, "io.containerd.grpc.v1.cri/sandboxes/{sandbox}/hosts",
     RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_CONTAINERD_ROOT, "io.containerd.grpc.v1.cri/sandboxes/{sandbox}/hostname",
     RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_CONTAINERD_ROOT, "io.containerd.grpc.v1.cri/sandboxes/{sandbox}/resolv.conf",
     RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_CONTAINERD_STATE, "io.containerd.grpc.v1.cri/sandboxes/{sandbox}/shm",
     RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_CONTAINERD_ROOT, "io.containerd.grpc.v1.cri/containers/{id}/volumes/*",
     RW_ENGINE_PATH_OWN_FILE},
    /* kubelet: the pod's volumes, subPaths, /etc/hosts and termination log */
    {RW_ENGINE_KUBELET, "pods/{pod}/volumes/*/*", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_KUBELET, "pods/{pod}/volume-subpaths/*/*/*", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_KUBELET, "pods/{pod}/etc-hosts", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_KUBELET, "pods/{pod}/containers/*/*", RW_ENGINE_PATH_OWN_FILE},
    /* podman */
    {RW_ENGINE_PODMAN, "overlay-containers/{id}/userdata/hosts", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_PODMAN, "overlay-containers/{id}/userdata/hostname", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_PODMAN, "overlay-containers/{id}/userdata/resolv.conf", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_PODMAN, "overlay-containers/{id}/userdata/.containerenv", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_PODMAN, "overlay-containers/{id}/userdata/shm", RW_ENGINE_PATH_OWN_FILE},
    {RW_ENGINE_PODMAN, "volumes/*/_data", RW_ENGINE_PATH_VOLUME},
};

/* The next component of *p (a relative path), as [start, len); false at the end. */
static bool next(const char **p, const char **ret, size_t *ret_len)
{
        while (**p == '/')
                (*p)++;
        if (**p == '\0')
                return false;
        *ret = *p;
        *ret_len = strcspn(*p, "/");
        *p += *ret_len;
        return true;
}

static bool equals(const char *s, size_t len, const char *value)
{
        return value != NULL && strlen(value) == len && strncmp(s, value, len) == 0;
}

/*
 * Match `rel` against `pattern`: true when the shapes agree. A slot whose value is not ours sets
 * *ret_foreign (and where) but still matches, so the caller can say whose it is.
 */
static bool match(const char *pattern, bool net, const char *rel, const struct rw_engine_ids *ids,
                  bool *ret_foreign, const char **ret_other, int *ret_other_len)
{
        const char *p = pattern, *r = rel;
        const char *pc = NULL, *rc = NULL;
        size_t plen = 0, rlen = 0;

        *ret_foreign = false;
        for (;;) {
                bool more_p = next(&p, &pc, &plen), more_r = next(&r, &rc, &rlen);
                const char *ours = NULL;
                bool slot = true;

                if (!more_p || !more_r)
                        return more_p == more_r;
                if (rlen == 1 && rc[0] == '.')
                        return false;
                if (equals(pc, plen, "{id}"))
                        ours = net && ids->net != NULL && equals(rc, rlen, ids->net)
                                   ? ids->net
                                   : ids->container;
                else if (equals(pc, plen, "{sandbox}"))
                        ours = ids->sandbox;
                else if (equals(pc, plen, "{pod}"))
                        ours = ids->pod;
                else if (!equals(pc, plen, "*"))
                        slot = false;
                if (!slot) {
                        if (plen != rlen || strncmp(pc, rc, plen) != 0)
                                return false;
                        continue;
                }
                if (equals(pc, plen, "*"))
                        continue;
                /* an unknown id of ours (synthetic facts) takes any value for {id} only */
                if (ours == NULL && equals(pc, plen, "{id}") && ids->container == NULL)
                        continue;
                if (ours == NULL || !equals(rc, rlen, ours)) {
                        if (!*ret_foreign) {
                                *ret_other = rc;
                                *ret_other_len = (int)rlen;
                        }
                        *ret_foreign = true;
                }
        }
}

void rw_engine_path_match(const struct rw_engine_dirs *dirs, const char *resolved,
                          const struct rw_engine_ids *ids, struct rw_engine_path *ret)
{
        *ret = (struct rw_engine_path){.kind = RW_ENGINE_PATH_NONE};
        for (size_t k = 0; k < dirs->n[RW_ENGINE_DOCKER_INIT]; k++)
                if (strcmp(resolved, dirs->dirs[RW_ENGINE_DOCKER_INIT][k]) == 0) {
                        *ret = (struct rw_engine_path){.kind = RW_ENGINE_PATH_INIT,
                                                       .engine = RW_ENGINE_DOCKER_INIT,
                                                       .shape = "the docker-init binary"};
                        return;
                }
        for (size_t s = 0; s < RW_ELEMENTSOF(shapes); s++) {
                const struct shape *sh = &shapes[s];

                for (size_t k = 0; k < dirs->n[sh->engine]; k++) {
                        const char *dir = dirs->dirs[sh->engine][k];
                        const char *rel, *other = NULL;
                        bool foreign;
                        int other_len = 0;

                        if (!rw_path_within(resolved, dir) || strcmp(resolved, dir) == 0)
                                continue;
                        rel = resolved + (strcmp(dir, "/") == 0 ? 1 : strlen(dir) + 1);
                        if (!match(sh->pattern, sh->net, rel, ids, &foreign, &other, &other_len))
                                continue;
                        *ret = (struct rw_engine_path){
                            .kind = foreign ? RW_ENGINE_PATH_FOREIGN : sh->kind,
                            .engine = sh->engine,
                            .shape = sh->pattern,
                            .other = other,
                            .other_len = other_len,
                        };
                        /* our own shape wins over another's */
                        if (!foreign)
                                return;
                }
        }
}

bool rw_engine_path_inside(const struct rw_engine_dirs *dirs, const char *resolved,
                           const char **ret_dir)
{
        for (int e = 0; e < RW_ENGINE_KIND_COUNT; e++) {
                if (e == RW_ENGINE_DOCKER_INIT)
                        continue;
                for (size_t k = 0; k < dirs->n[e]; k++)
                        if (rw_path_within(resolved, dirs->dirs[e][k])) {
                                *ret_dir = dirs->dirs[e][k];
                                return true;
                        }
        }
        return false;
}
