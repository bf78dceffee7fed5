/* SPDX-License-Identifier: Apache-2.0 */
#include "evaluate.h"

#include <string.h>

#include "config.h"
#include "rules.h"
#include "seccomp_profile.h"

static int evaluate(const struct rw_policy *policy, const char *flag_tier, const char *invoked_as,
                    const json_t *spec, const char *bundle, const char *seccomp_dir,
                    const char *cache_dir, bool synthetic, struct rw_evaluation *ret,
                    struct rw_error *err)
{
        const json_t *process = json_object_get(spec, "process");
        int r;

        memset(ret, 0, sizeof(*ret));
        rw_plan_init(&ret->plan);
        r = rw_policy_choose_tier(policy, flag_tier, invoked_as,
                                  json_object_get(spec, "annotations"),
                                  json_object_get(process, "env"), &ret->choice, err);
        if (r < 0)
                return rw_error_prefix(err, "choosing the tier");
        ret->settings = ret->choice.tier->settings;
        /* Compiling a profile costs tens of milliseconds: only when the spec needs one. */
        if (rw_rules_seccomp_wants_profile(spec, &ret->settings)) {
                r = rw_seccomp_profile_for(seccomp_dir != NULL ? seccomp_dir : RW_SECCOMP_DIR,
                                           ret->settings.seccomp_profile_name,
                                           ret->settings.capabilities, cache_dir, &ret->profile,
                                           err);
                if (r < 0)
                        return rw_error_prefix(err, "loading the seccomp profile of tier %s",
                                               ret->choice.tier->name);
                ret->settings.seccomp_profile = ret->profile;
        }
        r = synthetic ? rw_facts_synthetic(spec, &ret->facts, err)
                      : rw_facts_gather(spec, bundle, &ret->facts, err);
        if (r < 0)
                return r;
        /* Synthetic facts describe no real host: prefixes stay as the policy spells them. */
        r = synthetic ? 0
                      : rw_facts_resolve_prefixes(&ret->facts, ret->settings.bind_prefixes, err);
        if (r < 0)
                return r;
        rw_rules_spec(spec, &ret->settings, &ret->facts, &ret->plan);
        return 0;
}

int rw_evaluate_spec(const struct rw_policy *policy, const char *flag_tier, const char *invoked_as,
                     const json_t *spec, const char *bundle, const char *seccomp_dir,
                     const char *cache_dir, struct rw_evaluation *ret, struct rw_error *err)
{
        return evaluate(policy, flag_tier, invoked_as, spec, bundle, seccomp_dir, cache_dir, false,
                        ret, err);
}

int rw_evaluate_spec_synthetic(const struct rw_policy *policy, const char *flag_tier,
                               const char *invoked_as, const json_t *spec, const char *seccomp_dir,
                               struct rw_evaluation *ret, struct rw_error *err)
{
        return evaluate(policy, flag_tier, invoked_as, spec, NULL, seccomp_dir, NULL, true, ret,
                        err);
}

void rw_evaluation_clear(struct rw_evaluation *ev)
{
        json_decref(ev->profile);
        rw_facts_clear(&ev->facts);
        rw_plan_clear(&ev->plan);
        memset(ev, 0, sizeof(*ev));
}
