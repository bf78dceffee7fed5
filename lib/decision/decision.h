/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one decision runwarden takes for every command line: create, run, restore, exec, update,
 * the pass-throughs, and commands it does not know. `runwarden` acts on it, `runwardenctl
 * explain` prints it and `runwardenctl policy test` compares it with a table, so the three
 * cannot disagree.
 *
 *   command line + policy ─► documents the command names (read through the spec gate)
 *        ─► tier (chosen for a new container, recorded for an existing one)
 *        ─► host facts and the tier's seccomp profile ─► rules ─► plan ─► outcome
 *
 * Everything here is pure except what the caller provides in `struct rw_decision_io`: reading a
 * document, a container's record, the tier's seccomp profile and the host facts. runwarden gives
 * the real ones; `policy test` gives synthetic facts and documents of its table, which is how a
 * test case decides the same on every machine.
 */

#include <jansson.h>
#include <stdbool.h>

#include "audit.h"
#include "cli.h"
#include "egress.h"
#include "error.h"
#include "facts.h"
#include "plan.h"
#include "policy.h"
#include "spec.h"
#include "state.h"

/* The documents a command line names. */
enum rw_document {
        RW_DOC_NONE,
        RW_DOC_BUNDLE_CONFIG,    /* create/run/restore: BUNDLE/config.json; `where` = bundle */
        RW_DOC_PROCESS,          /* exec --process FILE; `where` = FILE */
        RW_DOC_RESOURCES,        /* update --resources FILE; `where` = FILE */
        RW_DOC_CONTAINER_CONFIG, /* exec without --process: the config.json runc itself reads
                                    for the container (the bundle runc recorded); `where` = id */
};

struct rw_fact_request {
        const json_t *spec; /* canonical config.json */
        const char *bundle; /* as on the command line ("." when absent) */
        const char *container_id;
        const struct rw_cli *cli;
        const struct rw_policy *policy;
        const struct rw_settings *settings; /* the tier's */
        const char *egress_hook;            /* the egress hook runwarden would inject */
        const char *delegate;               /* the runtime the call is handed off to */
};

struct rw_decision_io {
        void *userdata;
        /* Read and parse `which` (lib/base/json.h rw_json_parse). `root` is the command line's
         * --root (NULL: runc's default), for RW_DOC_CONTAINER_CONFIG. */
        int (*read_document)(void *userdata, enum rw_document which, const char *where,
                             const char *root, json_t **ret, struct rw_error *err);
        /* What was recorded at create for the container (`root` as on the command line, NULL
         * for the runtime's default); *ret_found false when nothing was. */
        int (*load_record)(void *userdata, const char *root, const char *id,
                           struct rw_container_state *ret, bool *ret_found, struct rw_error *err);
        /* The seccomp profile `name` resolved for the capabilities the tier keeps; `verbatim`:
         * only to be put into the spec, and may come as a verbatim document (lib/base/json.h). */
        int (*load_profile)(void *userdata, const char *name, const char *const *capabilities,
                            bool verbatim, json_t **ret, struct rw_error *err);
        int (*gather_facts)(void *userdata, const struct rw_fact_request *request,
                            struct rw_host_facts *ret, struct rw_error *err);
        /* The stamp of the policy file at `path` (NULL: the default) now, rw_policy_stamp(): for
         * a call decided from the container's record (rw_decide_recorded()). */
        int (*policy_stamp)(void *userdata, const char *path, char ret[RW_FILE_STAMP_MAX],
                            struct rw_error *err);
};

struct rw_decision {
        enum rw_command command;
        bool have_tier;
        struct rw_tier_choice choice;
        char tier_reason[768]; /* how the tier was known (choice.reason or the record) */
        bool audit;            /* the tier or the command line asks for audit mode */
        bool have_record;      /* the container's record was found */
        /* Decided from the record alone (rw_decide_recorded()): no tier of the policy at hand,
         * the record's tier and runtime stand for it. */
        bool from_record;
        /* The tier an exec decided from the record is judged in, and what its settings point
         * at (rw_decide_recorded()). */
        struct rw_tier record_tier;
        const char *record_caps[RW_STATE_MAX_CAPS + 1];
        struct rw_rule_tuning record_tuning[RW_STATE_MAX_TUNING + 1];
        struct rw_container_state record; /* found, or to save after a create */
        bool save_record;                 /* create/run/restore that goes ahead */
        bool remove_record;               /* delete */
        /* volume directories the container mounts, to register as its own (NULL-terminated) */
        char **volumes;
        enum rw_document rewrite;    /* the document the plan changes (RW_DOC_NONE: none) */
        json_t *original;            /* that document as read (for identity and explain) */
        json_t *view;                /* its canonical view: what the rules judged, the plan applies
                                        to, and what is written when the plan changes something */
        struct rw_settings settings; /* the tier's, with the loaded profile */
        json_t *profile;
        struct rw_host_facts facts;
        bool have_facts;
        struct rw_plan plan;
        /* The egress rules the hook installs (docs/egress.md): built for a create whose tier
         * controls egress, from the spec's environment and the egress facts. */
        bool have_egress;
        struct rw_egress_ruleset egress;
        enum rw_outcome outcome; /* as enforce or audit mode makes it */
        enum rw_outcome enforce; /* what enforce mode would make of it */
        char *message;           /* "runwarden: refused by rule ...", when refused */
};

/*
 * Decide for the parsed command line `cli` under `policy`. `invoked_as` is the basename of
 * argv[0] (a tier symlink names its tier). Errors are failures to decide (a document that cannot
 * be read, a profile that does not load, no memory); a refusal is an outcome, not an error.
 * *ret is filled as far as the decision got even on error, and must be cleared.
 */
int rw_decide(const struct rw_cli *cli, const struct rw_policy *policy, const char *invoked_as,
              const struct rw_decision_io *io, struct rw_decision *ret, struct rw_error *err);

/*
 * Whether `cli` only passes a command about an existing container through to its runtime, with
 * nothing the tier would have to allow (no --criu): state, start, kill, delete, pause, resume,
 * ps, events; or is an exec. For such a call rw_decide() needs nothing of the policy but the
 * container's tier, where the decision log goes and, for an exec, the tier's exec policy,
 * capabilities and rule tuning.
 */
bool rw_decision_may_use_record(const struct rw_cli *cli);

/*
 * rw_decide() of such a call without the policy: from the container's record, when the record
 * names the runtime that created the container and the policy file the create was decided by,
 * that file is unchanged (io->policy_stamp(), asked only of such a record) and this build of
 * runwarden read it. The decision is the one rw_decide() makes under
 * that policy; reading the policy costs more than the rest of such a call (docs/performance.md).
 * false (and *ret cleared): rw_decide() must decide — also when the exec cannot be judged (its
 * process unreadable), so that rw_decide() reports why.
 */
bool rw_decide_recorded(const struct rw_cli *cli, const struct rw_decision_io *io,
                        struct rw_decision *ret);

/* The tier of the decision (of the policy, or recorded); NULL when none. */
const char *rw_decision_tier_name(const struct rw_decision *d);

void rw_decision_clear(struct rw_decision *d);
static inline void rw_decision_clearp(struct rw_decision *d)
{
        rw_decision_clear(d);
}
#define _cleanup_decision_ __attribute__((cleanup(rw_decision_clearp)))

/* The runtime a call is handed off to: the operator's --runtime, else the one that created the
 * container (its `record`, NULL for none), else the tier's, else the built-in default (`tier`
 * may be NULL). A container is never handed to a runtime that has no state of it: a tier whose
 * runtime changed still stops and deletes its old containers with the old one. */
const char *rw_decision_delegate(const struct rw_cli *cli, const struct rw_tier *tier,
                                 const struct rw_container_state *record);
/* The egress hook runwarden injects: --egress-hook, else the installed one. */
const char *rw_decision_egress_hook(const struct rw_cli *cli);

/* The uid/gid a canonical process object runs as (absent user: 0, as runc reads it). */
void rw_decision_process_user(const json_t *process, int64_t *ret_uid, int64_t *ret_gid);
