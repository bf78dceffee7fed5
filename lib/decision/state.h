/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What runwarden remembers about a container between calls: the tier it was created in (and its
 * exec policy and user), so that start, exec, kill and delete — whose command lines carry only
 * the container id — are logged and judged in the container's tier. Keyed by the runtime's --root
 * and the container id, kept under RW_STATE_DIR (tmpfs: gone at reboot, like runc's own state).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RW_STATE_DIR "/run/runwarden/state"

struct rw_container_state {
        char tier[128];
        int64_t uid; /* process.user of the container at create, -1 unknown */
        int64_t gid;
};

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
