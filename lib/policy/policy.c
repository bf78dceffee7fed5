/* SPDX-License-Identifier: Apache-2.0 */
/* The policy object: the built-in baseline, looking up a tier, and freeing it all. */
#include "policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"
#include "strv.h"

#define BASELINE_ORIGIN "built-in baseline"

int rw_policy_baseline(struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        struct rw_policy_arena *a;

        policy.version = 1;
        policy.origin = strdup(BASELINE_ORIGIN);
        policy.default_tier = strdup(RW_POLICY_BASELINE_TIER);
        policy.trusted_annotations = calloc(1, sizeof(char *));
        policy.audit_log = strdup(RW_AUDIT_LOG_DEFAULT);
        /* No file, no operator decision: an unwritable log must not stop every container. */
        policy.audit_log_refuse = false;
        policy.tiers = calloc(1, sizeof(*policy.tiers));
        if (policy.origin == NULL || policy.default_tier == NULL ||
            policy.trusted_annotations == NULL || policy.audit_log == NULL || policy.tiers == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        a = rw_policy_arena_new();
        if (a == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        policy.tiers[0].storage = a;
        policy.n_tiers = 1;
        policy.tiers[0].name = rw_policy_arena_strdup(a, RW_POLICY_BASELINE_TIER);
        if (policy.tiers[0].name == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        policy.tiers[0].strictness = 0;
        policy.tiers[0].mode = RW_TIER_ENFORCE;
        policy.tiers[0].exec = RW_EXEC_ALLOW;
        policy.tiers[0].runtime = NULL;
        rw_settings_baseline(&policy.tiers[0].settings);
        *ret = policy;
        policy = (struct rw_policy){0};
        return 0;
}

const struct rw_tier *rw_policy_find_tier(const struct rw_policy *policy, const char *name)
{
        ssize_t i;

        if (name == NULL)
                return NULL;
        i = rw_policy_tier_index(policy, name);
        return i < 0 ? NULL : &policy->tiers[i];
}

static void match_clear(struct rw_match *m)
{
        free(m->key);
        free(m->other);
        rw_strv_free(m->values);
}

static void select_rule_clear(struct rw_select_rule *rule)
{
        for (size_t i = 0; i < rule->n_matches; i++)
                match_clear(&rule->matches[i]);
        free(rule->matches);
        free(rule->tier);
}

void rw_policy_clear(struct rw_policy *policy)
{
        for (size_t i = 0; i < policy->n_tiers; i++)
                rw_policy_arena_free(policy->tiers[i].storage);
        free(policy->tiers);
        for (size_t i = 0; i < policy->n_select; i++)
                select_rule_clear(&policy->select[i]);
        free(policy->select);
        rw_strv_free(policy->trusted_annotations);
        free(policy->default_tier);
        free(policy->origin);
        free(policy->audit_log);
        for (int k = 0; k < RW_ENGINE_KIND_COUNT; k++)
                rw_strv_free(policy->engine_storage[k]);
        json_decref(policy->doc);
        *policy = (struct rw_policy){0};
}
