/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Facts about the host that rules need, gathered once by the caller (lib/facts.c does the I/O)
 * and handed to the pure rules. Unit tests build them by hand.
 */

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum rw_ns_type {
        RW_NS_PID,
        RW_NS_NETWORK,
        RW_NS_IPC,
        RW_NS_UTS,
        RW_NS_MOUNT,
        RW_NS_CGROUP,
        RW_NS_USER,
        RW_NS_TIME,
        RW_NS_COUNT,
};

/* OCI name ("pid", "network", ...) <-> type; -1 for an unknown name. */
int rw_ns_type_from_name(const char *name);
const char *rw_ns_type_name(enum rw_ns_type type);

struct rw_file_id {
        bool known;
        dev_t dev;
        ino_t ino;
};

/* What the host says about one path named by the spec (a bind source, a namespace path). */
struct rw_path_fact {
        char *path;     /* exactly as the spec wrote it (the lookup key) */
        int error;      /* 0, or the errno of resolving or stat()ing it */
        char *realpath; /* symlinks resolved on the host, NULL when error != 0 */
        mode_t mode;    /* st_mode of what it resolves to */
        struct rw_file_id id;
};

struct rw_host_facts {
        struct rw_file_id host_ns[RW_NS_COUNT]; /* pid 1's namespaces */
        char *bundle;                           /* the bundle directory, resolved; may be NULL */
        struct rw_path_fact *paths;
        size_t n_paths;
        /* Well-known engine socket locations (e.g. /var/run/docker.sock) as resolved on this
         * host, plus their lexical spelling, so that a bind of any ancestor is recognised. */
        char **engine_sockets;
        size_t n_engine_sockets;
        /* The tier's bind prefixes as resolved on this host (a /var/lib/docker that is a symlink
         * to /data/docker gives /data/docker/volumes), for checking resolved bind sources. */
        char **resolved_prefixes;
        size_t n_resolved_prefixes;
};

/* The well-known engine API socket paths, NULL-terminated. */
extern const char *const rw_engine_socket_paths[];
/* Basenames that identify an engine API socket wherever it lives, NULL-terminated. */
extern const char *const rw_engine_socket_names[];

/* Find the fact for a path exactly as the spec wrote it; NULL when none was gathered. */
const struct rw_path_fact *rw_facts_lookup(const struct rw_host_facts *facts, const char *path);

/*
 * Gather the facts for `spec` (a config.json document): pid 1's namespace ids, every bind mount
 * source (relative ones against `bundle`), every namespace path. Failures to resolve one path are
 * recorded in its fact (the rules decide); only allocation failures are errors.
 */
int rw_facts_gather(const json_t *spec, const char *bundle, struct rw_host_facts *ret,
                    struct rw_error *err);

/* Resolve each of `prefixes` (NULL-terminated) on the host into facts->resolved_prefixes;
 * prefixes that do not exist are skipped. */
int rw_facts_resolve_prefixes(struct rw_host_facts *facts, const char *const *prefixes,
                              struct rw_error *err);

/*
 * Facts for `spec` as a typical host would give them, without touching the filesystem, for table
 * tests of a policy (runwardenctl policy test) and unit tests: pid 1's namespaces are fixed ids
 * (a namespace path therefore never matches them), every absolute bind source resolves to itself
 * (lexically normalized) as a regular file, except engine socket names (sockets) and "/" (a
 * directory), a relative one below RW_FACTS_SYNTHETIC_BUNDLE; the engine socket paths are the
 * well-known ones; a namespace path is the host's when it is /proc/1/ns/TYPE, another
 * container's otherwise.
 */
int rw_facts_synthetic(const json_t *spec, struct rw_host_facts *ret, struct rw_error *err);
/* The bundle of synthetic facts: relative bind sources resolve below it. */
#define RW_FACTS_SYNTHETIC_BUNDLE "/run/runwarden-synthetic/bundle"

/* Add one path fact by hand (tests) or from rw_facts_gather(). Takes copies of the strings. */
int rw_facts_add_path(struct rw_host_facts *facts, const char *path, int error,
                      const char *realpath, mode_t mode, dev_t dev, ino_t ino,
                      struct rw_error *err);

void rw_facts_clear(struct rw_host_facts *facts);
static inline void rw_facts_clearp(struct rw_host_facts *facts)
{
        rw_facts_clear(facts);
}
#define _cleanup_facts_ __attribute__((cleanup(rw_facts_clearp)))
