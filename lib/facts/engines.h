/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Where the engines on this host keep what they bind into containers: docker's data root,
 * containerd's root and state, kubelet's root, podman's storage, the init binary docker binds for
 * `--init`. A bind source is allowed only when it is this container's own file or a volume's top
 * directory in one of these (lib/rules/rules_mounts.c), so runwarden must know them — from the
 * policy's "engines" section, from the engines' own configuration files, and the distributions'
 * defaults, never from the spec.
 */

#include <stddef.h>

#include "error.h"

enum rw_engine_kind {
        RW_ENGINE_DOCKER,           /* data-root: containers/ID/..., volumes/NAME/_data */
        RW_ENGINE_DOCKER_INIT,      /* the docker-init binary (a file) */
        RW_ENGINE_CONTAINERD_ROOT,  /* root: io.containerd.grpc.v1.cri/{sandboxes,containers} */
        RW_ENGINE_CONTAINERD_STATE, /* state: io.containerd.grpc.v1.cri/sandboxes/ID/shm */
        RW_ENGINE_KUBELET,          /* root-dir: pods/UID/... */
        RW_ENGINE_PODMAN,           /* graphroot or runroot: overlay-containers/ID/userdata,
                                       volumes/NAME/_data */
        RW_ENGINE_KIND_COUNT,
};

const char *rw_engine_kind_name(enum rw_engine_kind kind);

struct rw_engine_dirs {
        /* per kind, the paths as resolved on the host (absolute, no symlinks), NULL-terminated */
        char **dirs[RW_ENGINE_KIND_COUNT];
        size_t n[RW_ENGINE_KIND_COUNT];
};

/* Configured directories, e.g. from the policy (kind -> absolute paths); may be empty. */
struct rw_engine_config {
        const char *const *dirs[RW_ENGINE_KIND_COUNT]; /* NULL-terminated lists, or NULL */
};

/*
 * Add `path` for `kind` (resolved with realpath when it exists; kept as written otherwise, so a
 * directory that appears later still counts lexically). Duplicates are skipped.
 */
int rw_engine_dirs_add(struct rw_engine_dirs *d, enum rw_engine_kind kind, const char *path,
                       struct rw_error *err);

/*
 * Everything this host says: `config` (may be NULL), then /etc/docker/daemon.json ("data-root",
 * "init-path"), /etc/containerd/config.toml (top-level root and state), /etc/containers/
 * storage.conf (graphroot, runroot), then the usual defaults of Debian, k3s and the upstream
 * packages. Files that are missing or unreadable are skipped (their defaults still apply).
 */
int rw_engine_dirs_discover(const struct rw_engine_config *config, struct rw_engine_dirs *ret,
                            struct rw_error *err);

/* The value of the string key `key` in table `table` of TOML text (NULL: the top level, before
 * any table), written as a basic ("...") or literal ('...') string on one line; NULL when absent
 * or written otherwise. Caller frees. Pure: enough TOML for three keys of engine configs. */
char *rw_toml_string(const char *text, const char *table, const char *key);

void rw_engine_dirs_clear(struct rw_engine_dirs *d);
