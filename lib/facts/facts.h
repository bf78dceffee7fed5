/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Facts about the host that rules need, gathered once by the caller (lib/facts/facts.c does the
 * I/O) and handed to the pure rules. Unit tests build them by hand; `policy test` uses
 * rw_facts_synthetic().
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "egress.h"
#include "egress_facts.h"
#include "engines.h"
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

/* Another container, as runc's state and runwarden's record describe it. */
struct rw_container_ref {
        char *id;
        char *tier;         /* as recorded at its create; NULL when runwarden has no record */
        char *sandbox;      /* its pod sandbox id (CRI), NULL when none */
        char *pod;          /* its pod's uid (CRI), NULL when unknown */
        int64_t exec;       /* RW_TIER_EXEC_DENIED when its tier denies exec, 0 otherwise, -1
                               unknown (filled by the decision, which knows the policy) */
        int64_t strictness; /* its tier's strictness (higher: stricter), -1 unknown */
};

#define RW_TIER_EXEC_DENIED 1

/* What the host says about one path named by the spec (a bind source, a namespace path). */
struct rw_path_fact {
        char *path;     /* exactly as the spec wrote it (the lookup key) */
        int error;      /* 0, or the errno of resolving or stat()ing it */
        char *realpath; /* symlinks resolved on the host, NULL when error != 0 */
        mode_t mode;    /* st_mode of what it resolves to */
        uid_t uid;
        struct rw_file_id id;
        /* A directory the lookup went through that anyone but root may change: what runc
         * resolves later need not be what was checked. NULL when none. */
        char *unsafe_dir;
        /* The path is itself a mount point (or the root of a bind of one). */
        bool mountpoint;
        char *mount_desc;   /* "FSTYPE SOURCE" of that mount */
        char *exposes;      /* the host path that mount really shows, NULL when none */
        bool private_tmpfs; /* a tmpfs mounted nowhere else: memory of its own */
        char *submount;     /* "MOUNTPOINT (FSTYPE SOURCE)" of the first mount below the path
                               that is not a private tmpfs, NULL when none */
        /* The mount the resolved path lies on: its filesystem type and mount point (lxcfs's
         * views are files of a "fuse.lxcfs" mount). NULL when unknown. */
        char *fs_type;
        char *fs_mountpoint;
        /* For a namespace path: the container whose init runs in that namespace. */
        struct rw_container_ref owner;
        bool pinned_ns; /* a namespace file pinned by a bind mount outside /proc (ip netns, CNI) */
};

/* A hook binary. */
struct rw_hook_fact {
        char *path;
        int error;    /* of stat()ing it */
        bool symlink; /* the path itself is a symlink */
        uid_t uid;
        mode_t mode;
        char *realpath;
        /* for /proc/PID/exe: the running program's binary (readlink) and command name */
        char *exe;
        char *comm;
};

/* How a hook binary is examined, for the hooks rule at create and before runwarden's delete runs
 * its egress hook: error, symlink, uid and mode (no path, nothing allocated). */
void rw_facts_hook_examine(const char *path, struct rw_hook_fact *ret);

/* What egress control needs to know (docs/egress.md), gathered at create. */
struct rw_egress_host_facts {
        /* runwarden's egress hook, the one path it injects (its rw_hook_fact is in `hooks`);
         * always set, whether or not the tier controls egress */
        char *hook;
        /* The rest only when the tier controls egress: */
        bool wanted;
        char *delegate;           /* the runtime runwarden hands off to, as configured */
        bool delegate_runsc;      /* gVisor's runsc, by the name of its binary */
        char *runsc_network;      /* its --network; NULL: not given (runsc's default, sandbox) */
        bool runsc_flag_override; /* its --allow-flag-override */
        /* The resolv.conf the engine bind-mounts at /etc/resolv.conf (never the image's own),
         * and its nameservers; NULL and none when the spec binds none. */
        char *resolv_conf;
        int resolv_error; /* of reading it; its nameservers are then none */
        struct rw_cidr *resolvers;
        size_t n_resolvers;
        /* Every host name of the tier's lists, looked up now (names without an address too). */
        struct rw_egress_resolved hosts;
};

struct rw_host_facts {
        struct rw_file_id host_ns[RW_NS_COUNT]; /* the host's: pid 1's, else runwarden's own;
                                                    gathered only when the spec joins a
                                                    namespace by path */
        bool host_ns_from_self;                 /* /proc/1/ns was unreadable */
        char *bundle;                           /* the bundle directory, resolved; may be NULL */
        char *rootfs;          /* root.path as resolved on the host; NULL unknown */
        int rootfs_error;      /* of resolving it */
        char *rootfs_expected; /* where this container's rootfs is, when the engine says
                                  (docker's layer mount for this id); NULL unknown */
        struct rw_path_fact *paths;
        size_t n_paths;
        struct rw_hook_fact *hooks;
        size_t n_hooks;
        /* Well-known engine socket locations (e.g. /var/run/docker.sock) as resolved on this
         * host, plus their lexical spelling, so that a bind of any ancestor is recognised. */
        char **engine_sockets;
        size_t n_engine_sockets;
        /* The tier's bind prefixes as resolved on this host (a /var/lib/docker that is a symlink
         * to /data/docker gives /data/docker/volumes), for checking resolved bind sources. */
        char **resolved_prefixes;
        size_t n_resolved_prefixes;
        struct rw_engine_dirs engines;
        /* The cgroup linux.cgroupsPath names exists and already has processes; its parent does
         * (the cgroup of a running container, with this one placed inside it). */
        bool cgroup_in_use;
        bool cgroup_parent_in_use;
        /* The runtime already has a container of this id under the state root (runc's and
         * crun's ROOT/ID, or runsc's ROOT/ID_sandbox:SANDBOX.state): it refuses to create
         * another, and runwarden's record must stay the running one's. */
        bool container_exists;
        /* The job's HOME in the image's /etc/passwd, for a spec that sets none (rw_spec_job_home):
         * passwd_known false when it was not read or cannot be told; passwd_home NULL when known
         * and there is no entry for the uid (runc then gives HOME=/). */
        bool passwd_known;
        char *passwd_home;
        /* Of the scratch directories (and "$HOME"), those that are not directories in the
         * rootfs, resolved inside it as runc resolves them: runc would have to create them. */
        struct rw_rootfs_missing {
                char *scratch; /* as the tier names it: "/run", "$HOME" */
                bool exists;   /* something that is not a directory is there */
                /* the deepest directory on the way, where runc's mkdir would happen */
                bool parent_known;
                uid_t parent_uid;
                gid_t parent_gid;
                mode_t parent_mode;
        } * rootfs_missing;
        size_t n_rootfs_missing;
        /* The job's HOME in the image, when it is a directory there: whether it holds anything,
         * and whether and at what cost (tmpfs bytes) runc could copy it into the scratch tmpfs
         * (tmpcopyup); home_not_copyable says why not. */
        bool home_has_content;
        bool home_copyable;
        uint64_t home_bytes;
        char *home_not_copyable;
        /* The owners and groups of HOME and what it holds (a user namespace copies only what it
         * maps); home_ids_overflow: there were more than fit. */
        uid_t home_uids[8];
        gid_t home_gids[8];
        size_t n_home_uids, n_home_gids;
        bool home_ids_overflow;
        /* Other containers that mount volumes this spec mounts, with the volume directory. */
        struct rw_volume_user {
                char *volume; /* resolved _data directory */
                struct rw_container_ref user;
                bool creator; /* the first container that mounted it */
        } * volume_users;
        size_t n_volume_users;
        uint64_t host_memory; /* bytes of RAM (MemTotal), 0 unknown */
        /* The container the command line names (NULL: unknown, as in synthetic facts). */
        char *container_id;
        struct rw_egress_host_facts egress;
        char *pin_dir; /* where this container's pins are made (pins.h); NULL: none can be */
};

/* The well-known engine API socket paths, NULL-terminated. */
extern const char *const rw_engine_socket_paths[];
/* Basenames that identify an engine API socket wherever it lives, NULL-terminated. */
extern const char *const rw_engine_socket_names[];

/* Find the fact for a path exactly as the spec wrote it; NULL when none was gathered. */
const struct rw_path_fact *rw_facts_lookup(const struct rw_host_facts *facts, const char *path);
const struct rw_hook_fact *rw_facts_hook(const struct rw_host_facts *facts, const char *path);

/* What the egress facts depend on beyond the spec. */
struct rw_egress_fact_options {
        const struct rw_egress_settings *settings; /* the tier's; NULL or mode off: only `hook` */
        const char *hook;                          /* the egress hook runwarden injects */
        const char *delegate;                      /* the runtime runwarden hands off to */
        const char *runsc_network;                 /* runsc's --network of the command line */
        bool runsc_flag_override;
};

/* What rw_facts_gather() needs beyond the spec. */
struct rw_facts_options {
        const char *bundle; /* relative paths are resolved against it */
        const char *container_id;
        const char *runtime_root; /* the canonical --root: other containers */
        const struct rw_engine_config *engines;
        const char *const *bind_prefixes; /* resolved into resolved_prefixes */
        const char *const *scratch;       /* destinations whose presence in the rootfs
                                             matters, "$HOME" for the home */
        const char *state_dir;            /* runwarden's records; NULL: the default */
        struct rw_egress_fact_options egress;
        const char *pin_dir; /* this container's pins (pins.h), NULL: none */
};

/*
 * Gather the facts for `spec` (a canonical config.json view): the host's namespace ids, every
 * bind mount source (relative ones against the bundle) walked and found in the mount table,
 * every namespace path and the container it belongs to, every hook binary, the rootfs, the
 * cgroup, the engines' directories. Failures to resolve one path are recorded in its fact (the
 * rules decide); only allocation failures and an unreadable mount table are errors.
 */
int rw_facts_gather(const json_t *spec, const struct rw_facts_options *options,
                    struct rw_host_facts *ret, struct rw_error *err);

/* Resolve each of `prefixes` (NULL-terminated) on the host into facts->resolved_prefixes;
 * prefixes that do not exist are skipped. */
int rw_facts_resolve_prefixes(struct rw_host_facts *facts, const char *const *prefixes,
                              struct rw_error *err);

/*
 * Facts for `spec` as a typical host would give them, without touching the filesystem, for table
 * tests of a policy (runwardenctl policy test) and unit tests: pid 1's namespaces are fixed ids
 * (a namespace path therefore never matches them), every absolute bind source resolves to itself
 * (lexically normalized) as a regular file on a plain root-owned path, except engine socket names
 * (sockets) and "/" (a directory), a relative one below RW_FACTS_SYNTHETIC_BUNDLE; the engine
 * socket paths are the well-known ones and the engine directories the defaults; a namespace path
 * is the host's when it is /proc/1/ns/TYPE, another pod's otherwise; a hook binary is root's.
 */
int rw_facts_synthetic(const json_t *spec, struct rw_host_facts *ret, struct rw_error *err);
/* The egress facts of synthetic ones: the hook is root's, the delegate is runsc when its name
 * says so, no resolv.conf is read and no host name is looked up (each then matches nothing). */
int rw_facts_synthetic_egress(const struct rw_egress_fact_options *o, struct rw_host_facts *facts,
                              struct rw_error *err);
/* The bundle of synthetic facts: relative bind sources resolve below it. */
#define RW_FACTS_SYNTHETIC_BUNDLE "/run/runwarden-synthetic/bundle"

/* Add one path fact by hand (tests) or from rw_facts_gather(). Takes copies of the strings. The
 * other members start plain (root's, no race, no mount) and may be set on the returned fact. */
int rw_facts_add_path(struct rw_host_facts *facts, const char *path, int error,
                      const char *realpath, mode_t mode, dev_t dev, ino_t ino,
                      struct rw_error *err);
struct rw_path_fact *rw_facts_lookup_mutable(struct rw_host_facts *facts, const char *path);

void rw_container_ref_clear(struct rw_container_ref *c);
void rw_facts_clear(struct rw_host_facts *facts);
static inline void rw_facts_clearp(struct rw_host_facts *facts)
{
        rw_facts_clear(facts);
}
#define _cleanup_facts_ __attribute__((cleanup(rw_facts_clearp)))
