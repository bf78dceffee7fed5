/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decision for one spec, shared by runwarden (which then acts on it) and runwardenctl
 * explain / policy test (which print or compare it): choose the tier, gather the host facts,
 * load the tier's seccomp profile when needed, run the rules.
 */

#include <jansson.h>

#include "error.h"
#include "facts.h"
#include "plan.h"
#include "policy.h"

struct rw_evaluation {
        struct rw_tier_choice choice;
        struct rw_settings settings; /* the tier's, with the loaded profile */
        json_t *profile;             /* owned */
        struct rw_host_facts facts;
        struct rw_plan plan;
};

/*
 * `bundle` is where relative bind sources are resolved (NULL: none). `seccomp_dir` NULL: the
 * installed profiles. `cache_dir` NULL: no profile cache.
 */
int rw_evaluate_spec(const struct rw_policy *policy, const char *flag_tier, const char *invoked_as,
                     const json_t *spec, const char *bundle, const char *seccomp_dir,
                     const char *cache_dir, struct rw_evaluation *ret, struct rw_error *err);

/*
 * The same with synthetic host facts (rw_facts_synthetic, lib/facts.h): the decision for a spec
 * captured on another host, as `runwardenctl policy test` needs it. No profile cache.
 */
int rw_evaluate_spec_synthetic(const struct rw_policy *policy, const char *flag_tier,
                               const char *invoked_as, const json_t *spec, const char *seccomp_dir,
                               struct rw_evaluation *ret, struct rw_error *err);

void rw_evaluation_clear(struct rw_evaluation *ev);
static inline void rw_evaluation_clearp(struct rw_evaluation *ev)
{
        rw_evaluation_clear(ev);
}
#define _cleanup_evaluation_ __attribute__((cleanup(rw_evaluation_clearp)))
