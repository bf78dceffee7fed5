/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What runwarden remembers about a container between calls: the tier it was created in (and its
 * exec policy and user), so that start, exec, kill and delete — whose command lines carry only
 * the container id — are logged and judged in the container's tier. Keyed by the runtime's --root
 * and the container id, kept under RW_STATE_DIR (tmpfs: gone at reboot, like runc's own state).
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buildid.h" /* RW_BUILD_ID_MAX */
#include "error.h"
#include "fileio.h" /* RW_FILE_STAMP_MAX */
#include "store.h"  /* RW_STORE_NAME_MAX */

#define RW_STATE_DIR "/run/runwarden/state"
/* runc's --root when the command line names none */
#define RW_RUNC_DEFAULT_ROOT "/run/runc"
#define RW_STATE_MAX_GIDS    64
#define RW_STATE_MAX_VOLUMES 64
#define RW_STATE_MAX_PATH    1024
#define RW_STATE_MAX_CAPS    64
#define RW_STATE_MAX_TUNING  64
#define RW_STATE_MAX_NAME    64

struct rw_container_state {
        char tier[128];
        /* The runtime runwarden handed the create to, "" unknown: later calls about the
         * container go to it, whatever the tier's runtime has become since. */
        char runtime[512];
        int64_t uid; /* process.user of the container at create, -1 unknown */
        int64_t gid;
        char sandbox[130]; /* its pod sandbox id (CRI), "" when not in a pod */
        char pod[130];     /* its pod's uid (CRI), "" when unknown */
        /* Egress (docs/egress.md): the hook got rules, keyed by the id and the bundle
         * directory's device and inode; `egress_pin`: it keeps the namespace for the counters
         * read at delete. */
        bool egress;
        bool egress_pin;
        uint64_t bundle_dev;
        uint64_t bundle_ino;
        /* The container's own process as runc starts it, what an exec is compared with (rule
         * exec-policy: its security labels, and its groups under allow-as-owner). Recorded at
         * create when it fits; `owner_known` false: an exec reads the container's config.json. */
        bool owner_known;
        char apparmor[256];
        char selinux[256];
        uint32_t gids[RW_STATE_MAX_GIDS];
        size_t n_gids;
        /* The volume registry's entries it was added to (rw_volume_entry_name()): all a delete
         * takes it out of. `volumes_known` false (more than fit, a record of an older runwarden):
         * every entry is looked at. */
        bool volumes_known;
        size_t n_volumes;
        char volumes[RW_STATE_MAX_VOLUMES][RW_STORE_NAME_MAX];
        /* The policy file the create was decided by (rw_policy_stamp(); "": unknown, a record of
         * an older runwarden), and what a call that only passes a command through needs of that
         * policy while the file stays as it was: where the decision log is ("" none), and
         * whether the container's tier is in audit mode, whether a call that cannot be logged is
         * refused (audit_log.on_failure). */
        char policy_stamp[RW_FILE_STAMP_MAX];
        /* the build of runwarden that read the policy so (its GNU build ID): another build may
         * read the same file otherwise, and its calls go the long way */
        char policy_build[RW_BUILD_ID_MAX];
        char decision_log[RW_STATE_MAX_PATH];
        bool tier_audit;
        bool log_refuse;
        /* And what an exec needs of the tier: its exec policy (enum rw_exec_policy), the
         * capabilities a process may keep, and the actions it tunes rules to (enum
         * rw_rule_action). */
        bool exec_known;
        int exec_policy;
        size_t n_exec_caps;
        char exec_caps[RW_STATE_MAX_CAPS][RW_STATE_MAX_NAME];
        size_t n_exec_tuning;
        struct rw_state_tuning {
                char rule[RW_STATE_MAX_NAME];
                int action;
        } exec_tuning[RW_STATE_MAX_TUNING];
};

/* The container's process as recorded (owner_known), shaped as in its config.json: "user"
 * (uid, gid, additionalGids), "apparmorProfile", "selinuxLabel". NULL when not recorded or out of
 * memory. */
json_t *rw_state_owner_process(const struct rw_container_state *st);

/* `state_dir` NULL: RW_STATE_DIR. `root` NULL: the delegate's default root. */
int rw_state_save(const char *state_dir, const char *root, const char *id,
                  const struct rw_container_state *st, struct rw_error *err);
/* *ret_found false (and 0 returned) when nothing is recorded. */
int rw_state_load(const char *state_dir, const char *root, const char *id,
                  struct rw_container_state *ret, bool *ret_found, struct rw_error *err);
int rw_state_remove(const char *state_dir, const char *root, const char *id, struct rw_error *err);

/* One recorded container, as rw_state_list() finds it. */
struct rw_container_record {
        char *root; /* the runtime's --root; NULL: the delegate's default root */
        char *id;
        struct rw_container_state state;
};

/*
 * Every container recorded under `state_dir` (NULL: RW_STATE_DIR), grouped by root, sorted by id
 * within one; none when nothing was ever recorded. A record that cannot be read or is not where
 * it would be looked up is an error. Free *ret with rw_state_records_free().
 */
int rw_state_list(const char *state_dir, struct rw_container_record **ret, size_t *ret_n,
                  struct rw_error *err);
void rw_state_records_free(struct rw_container_record *records, size_t n);

/*
 * Volumes: which containers mount a volume directory (a docker or podman volume's _data), and
 * which one mounted it first — the container it was created for. Kept beside the records
 * (STATE_DIR/volumes), updated at create and delete; a tier's volumes stay its own unless the
 * policy says otherwise (rule volume-owner).
 */
struct rw_volume_use {
        char *root; /* canonical --root, NULL for the default */
        char *id;
        char *tier;
};

struct rw_volume_entry {
        char *path;
        struct rw_volume_use creator;
        struct rw_volume_use *users;
        size_t n_users;
};

/* *ret_found false (0 returned) when no container ever mounted `path` since boot. */
int rw_volume_load(const char *state_dir, const char *path, struct rw_volume_entry *ret,
                   bool *ret_found, struct rw_error *err);
/* Record `use` as a user of `path` (its creator when nobody was). */
int rw_volume_add_user(const char *state_dir, const char *path, const struct rw_volume_use *use,
                       struct rw_error *err);
/* The name of the registry's entry for volume directory `path`. */
void rw_volume_entry_name(const char *path, char ret[RW_STORE_NAME_MAX]);
/* Whether `name` is one rw_volume_entry_name() gives. */
bool rw_volume_entry_name_valid(const char *name);
/* Forget container root/id as a user of the volumes whose entries `names` are (n of them; NULL:
 * of every volume, all entries read). Its creator stays recorded. */
int rw_volume_remove_user(const char *state_dir, const char *root, const char *id,
                          const char (*names)[RW_STORE_NAME_MAX], size_t n, struct rw_error *err);
void rw_volume_entry_clear(struct rw_volume_entry *e);
void rw_volume_use_clear(struct rw_volume_use *u);
