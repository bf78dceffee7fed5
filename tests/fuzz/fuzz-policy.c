/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy loader. Invariants: rw_policy_parse either fails with a message or gives a policy
 * whose default tier and every tier can be found by name, whose strictness indexes are in range,
 * whose warnings can be listed, and whose tier choice without flag, annotations or environment
 * succeeds (the default tier or a select rule's), as does choosing each tier by --tier.
 */
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        struct rw_tier_choice choice;
        struct rw_error err = {0};
        char **warnings = NULL;

        if (rw_policy_parse((const char *)data, size, "fuzz.json", &policy, &err) < 0) {
                RW_FUZZ_ASSERT(err.code > 0 && err.msg[0] != '\0', "error without a message");
                return 0;
        }
        RW_FUZZ_ASSERT(policy.n_tiers > 0 && policy.default_tier != NULL, "no tiers");
        RW_FUZZ_ASSERT(rw_policy_find_tier(&policy, policy.default_tier) != NULL,
                       "default tier %s not found", policy.default_tier);
        for (size_t i = 0; i < policy.n_tiers; i++) {
                const struct rw_tier *t = &policy.tiers[i];

                RW_FUZZ_ASSERT(t->name != NULL && rw_policy_find_tier(&policy, t->name) == t,
                               "tier %zu not found by its name", i);
                RW_FUZZ_ASSERT(t->strictness < policy.n_tiers, "tier %s strictness %zu of %zu",
                               t->name, t->strictness, policy.n_tiers);
                RW_FUZZ_ASSERT(rw_policy_choose_tier(&policy, t->name, "runwarden", NULL, NULL,
                                                     &choice, &err) == 0,
                               "--tier %s: %s", t->name, err.msg);
                RW_FUZZ_ASSERT(choice.tier == t, "--tier %s chose %s", t->name,
                               choice.tier != NULL ? choice.tier->name : "nothing");
        }
        for (size_t i = 0; i < policy.n_select; i++)
                RW_FUZZ_ASSERT(rw_policy_find_tier(&policy, policy.select[i].tier) != NULL,
                               "select rule %zu names tier %s that does not exist", i,
                               policy.select[i].tier);
        RW_FUZZ_ASSERT(rw_policy_warnings(&policy, &warnings, &err) == 0, "warnings: %s", err.msg);
        rw_strv_free(warnings);
        RW_FUZZ_ASSERT(
            rw_policy_choose_tier(&policy, NULL, "runwarden", NULL, NULL, &choice, &err) == 0,
            "choosing a tier: %s", err.msg);
        RW_FUZZ_ASSERT(choice.tier != NULL, "no tier chosen");
        return 0;
}
