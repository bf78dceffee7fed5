/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the files of lib/policy share and nothing else may use. policy.h is the contract with the
 * rest of runwarden; the modules behind it:
 *
 *   policy_schema.c   typed access to the document, errors located as FILE:LINE:COLUMN: PATH
 *   policy_tier.c     one tier's members, validated, into a tier definition
 *   policy_resolve.c  inheritance: definitions into resolved tier settings, in each tier's arena
 *   policy_parse.c    rw_policy_parse(): the whole document, select rules included
 *   policy_select.c   rw_policy_choose_tier(), rw_policy_warnings()
 *   policy_load.c     rw_policy_load(): the file, and who may have written it
 *   policy.c          the built-in baseline, lookup, rw_policy_clear()
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "egress.h"
#include "error.h"
#include "jsonpos.h"
#include "policy.h"

/* A policy is a few kilobytes; anything near this is not one. */
#define RW_POLICY_MAX_SIZE (1024u * 1024u)
/* A match value meaning "any value, as long as the key is present". */
#define RW_POLICY_MATCH_ANY "*"

/* Append to a NUL-terminated buffer, truncating silently: for messages only. */
void rw_policy_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- policy_schema.c ---- */

/* The text being parsed, for locating values in messages, and where errors go. */
struct rw_policy_parser {
        const char *text;
        size_t len;
        const char *origin;
        struct rw_error *err;
};

/*
 * Fill ps->err with EINVAL: "ORIGIN:LINE:COLUMN: PATH: message" (the value at `p`, or its key with
 * `at_key`), or "ORIGIN: PATH: message" when it cannot be found in the text.
 */
int rw_policy_fail(const struct rw_policy_parser *ps, const struct rw_json_path *p, bool at_key,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int rw_policy_oom(const struct rw_policy_parser *ps);

/* "an object", "a string", ... for messages; a verbatim number is "a number". */
const char *rw_policy_kind_of(const json_t *v);

/* Each checks the type of `v` (at `p`, for the message) and fails otherwise. Verbatim numbers
 * travel as strings inside jansson: they never pass for one. */
int rw_policy_expect_object(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p);
int rw_policy_expect_array(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p);
int rw_policy_expect_string(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p, const char **ret);
int rw_policy_expect_nonempty_string(const struct rw_policy_parser *ps, const json_t *v,
                                     const struct rw_json_path *p, const char **ret);
int rw_policy_expect_bool(const struct rw_policy_parser *ps, const json_t *v,
                          const struct rw_json_path *p, bool *ret);
int rw_policy_expect_integer(const struct rw_policy_parser *ps, const json_t *v,
                             const struct rw_json_path *p, int64_t *ret);
/* One of `names` (NULL-terminated); *ret is its index. */
int rw_policy_expect_enum(const struct rw_policy_parser *ps, const json_t *v,
                          const struct rw_json_path *p, const char *const *names, int *ret);

/* Every key of `obj` is one of `allowed` (NULL-terminated). */
int rw_policy_check_keys(const struct rw_policy_parser *ps, const json_t *obj,
                         const struct rw_json_path *p, const char *const *allowed);
int rw_policy_require_key(const struct rw_policy_parser *ps, const json_t *obj,
                          const struct rw_json_path *p, const char *key, const json_t **ret);

/* ---- policy_resolve.c ---- */

/*
 * Every allocation behind one tier's settings is a block of its arena (struct rw_tier.storage), so
 * the tier owns them all and rw_policy_clear() frees them in one walk, whatever inheritance copied
 * where.
 */
struct rw_policy_arena;

struct rw_policy_arena *rw_policy_arena_new(void);
/* n * size zeroed bytes, aligned for any type; NULL when out of memory. */
void *rw_policy_arena_alloc(struct rw_policy_arena *a, size_t n, size_t size);
char *rw_policy_arena_strdup(struct rw_policy_arena *a, const char *s);
void rw_policy_arena_free(struct rw_policy_arena *a);

/* What one tier of the file sets itself, before inheritance. Allocations in the tier's arena. */
struct rw_policy_tier_def {
        const char *name;    /* key in the document */
        const char *extends; /* NULL: the baseline */
        struct rw_policy_arena *arena;
        bool set_mode, set_exec, set_runtime, set_caps, set_rootfs, set_scratch, set_prefixes,
            set_profile, set_engine_profile, set_pids, set_require;
        enum rw_tier_mode mode;
        enum rw_exec_policy exec;
        char *runtime;
        const char **caps;
        bool readonly_rootfs;
        struct rw_scratch_mount *scratch;
        struct rw_bind_prefix *prefixes;
        char *profile;
        enum rw_seccomp_mode engine_profile;
        int64_t pids_limit;
        struct rw_requirement *require;
        struct rw_rule_tuning *rules; /* terminated by rule == NULL */
        const char **lists[RW_LIST_COUNT];
        bool set_lists[RW_LIST_COUNT];
        uint64_t memory_max, tmpfs_max;
        bool set_memory_max, set_tmpfs_max;
        const struct rw_egress_settings *egress; /* "egress"; replaces the parent's as a whole */
        bool set_egress;
        int state; /* resolution: 0 pending, 1 on the current chain, 2 done */
};

/* The index of tier `name` in policy->tiers, or -1. */
ssize_t rw_policy_tier_index(const struct rw_policy *policy, const char *name);

/*
 * Resolve every tier of `policy` from defs[i] (the definition of policy->tiers[i]), parents first.
 * Every `extends` must name a tier of the policy or the baseline; a cycle is an error.
 */
int rw_policy_resolve_all(const struct rw_policy_parser *ps, struct rw_policy *policy,
                          struct rw_policy_tier_def *defs);

/* ---- policy_tier.c ---- */

/* The members of the tier at `p` into `t`, whose name and arena are set. */
int rw_policy_parse_tier(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t);

/* [a-z0-9][a-z0-9-]{0,62} */
bool rw_policy_tier_name_valid(const char *name);

/* ---- policy_egress.c ---- */

/* A tier's "egress" object at `p` into the arena `a`. */
int rw_policy_parse_egress(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p, struct rw_policy_arena *a,
                           const struct rw_egress_settings **ret);
/* A deep copy of `src` (NULL: none) into `a`: a tier owns what it inherits. -ENOMEM. */
int rw_policy_egress_copy(struct rw_policy_arena *a, const struct rw_egress_settings *src,
                          const struct rw_egress_settings **ret);
