/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The policy file (docs/policy.md): named tiers resolved into rule settings, the order of their
 * strictness, the select rules and the audit log settings. Parsing and validation are pure (text
 * in, policy or an error with file, line and column out); rw_policy_load() adds the file I/O.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h" /* RW_POLICY_DEFAULT_PATH, meson option policy_path */
#include "engines.h"
#include "error.h"
#include "fileio.h" /* RW_FILE_STAMP_MAX */
#include "settings.h"
#include "strv.h" /* rw_strv_free() for rw_policy_warnings() */

#define RW_AUDIT_LOG_DEFAULT    "/var/log/runwarden/audit.jsonl"
#define RW_POLICY_BASELINE_TIER "baseline"

enum rw_tier_mode {
        RW_TIER_ENFORCE,
        RW_TIER_AUDIT,
};

enum rw_exec_policy {
        RW_EXEC_ALLOW,
        RW_EXEC_DENY,
        RW_EXEC_ALLOW_AS_OWNER,
};

struct rw_tier {
        char *name;
        size_t strictness; /* index in the policy's strictness order: 0 is the least strict */
        enum rw_tier_mode mode;
        enum rw_exec_policy exec;
        char *runtime; /* absolute path of the delegate; NULL: the built-in default */
        /* Resolved (inheritance applied) settings for the rules. Every pointer in it points
         * into storage owned by this tier (or static baseline data). */
        struct rw_settings settings;
        void *storage; /* owned allocations behind settings; private to lib/policy */
};

enum rw_match_kind {
        RW_MATCH_ANNOTATION, /* key equals one of values ("*": present) */
        RW_MATCH_ENV,        /* the same for process.env */
        RW_MATCH_ENV_DIFFERS /* key and other both present with different values */
};

struct rw_match {
        enum rw_match_kind kind;
        char *key;
        char *other;   /* RW_MATCH_ENV_DIFFERS */
        char **values; /* NULL-terminated; RW_MATCH_ANNOTATION / RW_MATCH_ENV */
        bool trusted;  /* reads only operator-controlled input (a trusted annotation) */
};

struct rw_select_rule {
        struct rw_match *matches; /* all must hold */
        size_t n_matches;
        char *tier;
        bool trusted; /* every match is trusted: the rule may choose a weaker tier */
        int line;     /* in the policy file, for messages */
};

struct rw_policy {
        char *origin; /* the file it came from, or "built-in baseline" */
        int version;
        char *default_tier;
        struct rw_tier *tiers;
        size_t n_tiers;
        char **trusted_annotations; /* NULL-terminated */
        struct rw_select_rule *select;
        size_t n_select;
        char *audit_log;       /* path */
        bool audit_log_refuse; /* refuse when the audit log cannot be written */
        /* Where the engines keep their data ("engines"), beyond what their own configuration
         * files and the defaults say (lib/facts/engines.h). Each list is NULL-terminated. */
        struct rw_engine_config engines;
        char **engine_storage[RW_ENGINE_KIND_COUNT]; /* owns the lists of `engines` */
        /* The document it was read from, freed with the policy (nothing points into it): a
         * call that hands off never frees it, and jansson's freeing is a sixth of a policy's
         * reading (docs/performance.md). */
        json_t *doc;
        /* The file as it was read (rw_policy_stamp()); "" when the policy came from text. */
        char stamp[RW_FILE_STAMP_MAX];
};

/* The policy used when there is no policy file: one tier, "baseline", the built-in rules. */
int rw_policy_baseline(struct rw_policy *ret, struct rw_error *err);

/*
 * Parse and validate policy text. `origin` names it in messages. Errors carry the location:
 * "FILE:LINE:COLUMN: ..." for JSON errors, and for semantic errors (unknown tier, capability,
 * rule, profile name syntax, type errors) "FILE: tiers.trusted.capabilities[1]: ..." with the
 * line and column of that value when it can be found.
 */
int rw_policy_parse(const char *text, size_t len, const char *origin, struct rw_policy *ret,
                    struct rw_error *err);

/*
 * Read `path` (NULL: RW_POLICY_DEFAULT_PATH). When path is NULL and the default file does not
 * exist, the result is the baseline policy (*ret_found false). Any other failure is an error.
 */
int rw_policy_load(const char *path, struct rw_policy *ret, bool *ret_found, struct rw_error *err);

/*
 * What identifies the policy file at `path` (NULL: the default) as rw_policy_load() would read it
 * now: the identity, owner, mode, size and times of the file and of its directory, or that the
 * default file is absent. Equal stamps mean the same bytes under the same protection: writing,
 * replacing, chmod and chown all change the file's ctime or identity, which nobody can set back.
 * A call that only passes a container's command through uses what its create recorded of the
 * policy while the stamp is the one recorded (docs/performance.md).
 */
int rw_policy_stamp(const char *path, char ret[RW_FILE_STAMP_MAX], struct rw_error *err);

const struct rw_tier *rw_policy_find_tier(const struct rw_policy *policy, const char *name);

/*
 * Warnings that do not make the policy invalid but that an operator must see, one string each
 * (NULL-terminated array, caller frees with rw_strv_free): select rules that read job-controlled
 * input and name a tier weaker than default_tier (they can never apply).
 */
int rw_policy_warnings(const struct rw_policy *policy, char ***ret, struct rw_error *err);

void rw_policy_clear(struct rw_policy *policy);
static inline void rw_policy_clearp(struct rw_policy *policy)
{
        rw_policy_clear(policy);
}
#define _cleanup_policy_ __attribute__((cleanup(rw_policy_clearp)))

/* How a tier was chosen, for the decision log and explain. */
enum rw_tier_source {
        RW_TIER_FROM_FLAG,        /* --tier */
        RW_TIER_FROM_BINARY_NAME, /* invoked as runwarden-NAME */
        RW_TIER_FROM_SELECT,      /* select rule number `rule` */
        RW_TIER_FROM_DEFAULT,     /* default_tier */
};

struct rw_tier_choice {
        const struct rw_tier *tier;
        enum rw_tier_source source;
        size_t rule;       /* RW_TIER_FROM_SELECT: index in policy->select */
        char reason[512];  /* e.g. "select rule 2: env A differs from B" */
        char skipped[512]; /* select rules skipped because they would weaken; "" when none */
};

/*
 * Choose the tier (docs/policy.md, "Choosing the tier"). Pure: `flag_tier` is --tier or NULL,
 * `invoked_as` the basename of argv[0], `annotations` the spec's annotations object (may be NULL)
 * and `env` its process.env array (may be NULL). Naming a tier that does not exist (--tier, the
 * binary name) is an error: refusing is safer than guessing.
 */
int rw_policy_choose_tier(const struct rw_policy *policy, const char *flag_tier,
                          const char *invoked_as, const json_t *annotations, const json_t *env,
                          struct rw_tier_choice *ret, struct rw_error *err);
