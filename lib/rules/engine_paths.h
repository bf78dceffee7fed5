/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The shapes of what engines bind into a container, relative to their directories: docker's
 * containers/ID/hosts or volumes/NAME/_data, containerd's CRI sandboxes/SANDBOX/resolv.conf,
 * kubelet's pods/POD/volumes/PLUGIN/NAME, podman's overlay-containers/ID/userdata/hosts. A bind
 * source is an engine's only when its resolved path has exactly one of these shapes, and a
 * container's own only when the ID, SANDBOX or POD in it are this container's. Pure.
 */

#include <stdbool.h>

#include "engines.h"

/* Whose the identifiers are, as far as runwarden could verify them. */
struct rw_engine_ids {
        const char *container; /* from the command line; NULL: any (synthetic facts) */
        const char *sandbox;   /* the pod sandbox, verified; NULL when not a pod (or unverified) */
        const char *pod;       /* the pod's uid, verified; NULL likewise */
        /* the container whose network namespace the spec joins (docker --network container:X),
         * as its namespace file says; NULL when none */
        const char *net;
};

enum rw_engine_path_kind {
        RW_ENGINE_PATH_NONE,     /* not an engine's shape */
        RW_ENGINE_PATH_OWN_FILE, /* this container's own file (hosts, resolv.conf, shm, ...) */
        RW_ENGINE_PATH_VOLUME,   /* the top directory of a volume */
        RW_ENGINE_PATH_INIT,     /* the engine's init binary (docker --init) */
        RW_ENGINE_PATH_FOREIGN,  /* the shape of another container's or pod's file */
};

struct rw_engine_path {
        enum rw_engine_path_kind kind;
        enum rw_engine_kind engine;
        const char *shape; /* e.g. "containers/ID/hosts", for messages */
        /* RW_ENGINE_PATH_FOREIGN: the identifier found instead of ours (points into the path
         * given, not NUL-terminated at its end: use the length) */
        const char *other;
        int other_len;
};

/* Classify `resolved` (absolute, normalized) against the engine directories. */
void rw_engine_path_match(const struct rw_engine_dirs *dirs, const char *resolved,
                          const struct rw_engine_ids *ids, struct rw_engine_path *ret);

/* Whether `resolved` lies inside any engine directory at all (for messages). */
bool rw_engine_path_inside(const struct rw_engine_dirs *dirs, const char *resolved,
                           const char **ret_dir);
