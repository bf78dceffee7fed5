/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Choosing the tier for a container (docs/policy.md, "Choosing the tier") and the warnings about
 * select rules that can never apply. Pure: the policy and the spec's annotations and env in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy_internal.h"
#include "spec.h"
#include "strv.h"

/* ---- warnings ---- */

/* "env X", "annotation Y" ... for what a rule reads that the job controls. */
static void describe_untrusted_inputs(const struct rw_select_rule *rule, char *buf, size_t size)
{
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < rule->n_matches && o < size; i++) {
                const struct rw_match *m = &rule->matches[i];
                int n;

                if (m->trusted)
                        continue;
                if (m->kind == RW_MATCH_ENV_DIFFERS)
                        n = snprintf(buf + o, size - o, "%senv %s and %s", o ? ", " : "", m->key,
                                     m->other);
                else if (m->kind == RW_MATCH_ENV)
                        n = snprintf(buf + o, size - o, "%senv %s", o ? ", " : "", m->key);
                else
                        n = snprintf(buf + o, size - o, "%sannotation %s (not trusted)",
                                     o ? ", " : "", m->key);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
}

static bool weakening(const struct rw_policy *policy, const struct rw_select_rule *rule,
                      const struct rw_tier *def)
{
        const struct rw_tier *tier = rw_policy_find_tier(policy, rule->tier);

        return !rule->trusted && tier != NULL && def != NULL && tier->strictness < def->strictness;
}

int rw_policy_warnings(const struct rw_policy *policy, char ***ret, struct rw_error *err)
{
        const struct rw_tier *def = rw_policy_find_tier(policy, policy->default_tier);
        char **warnings = calloc(policy->n_select + policy->n_tiers + 1, sizeof(*warnings));
        size_t n = 0;

        if (warnings == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* a rule id kept for old policies: tuning it changes nothing */
        for (size_t t = 0; t < policy->n_tiers; t++)
                for (const struct rw_rule_tuning *r = policy->tiers[t].settings.tuning;
                     r != NULL && r->rule != NULL; r++) {
                        if (strcmp(r->rule, RW_RULE_EXEC_CAPS) != 0)
                                continue;
                        if (asprintf(&warnings[n],
                                     "%s: tier %s tunes rule exec-caps, which no longer exists: "
                                     "exec --cap is judged by caps-drop",
                                     policy->origin, policy->tiers[t].name) < 0) {
                                warnings[n] = NULL;
                                rw_strv_free(warnings);
                                return rw_error_set(err, ENOMEM, "out of memory");
                        }
                        n++;
                        break;
                }
        for (size_t i = 0; i < policy->n_select; i++) {
                const struct rw_select_rule *rule = &policy->select[i];
                char inputs[384];

                if (!weakening(policy, rule, def))
                        continue;
                describe_untrusted_inputs(rule, inputs, sizeof(inputs));
                if (asprintf(&warnings[n],
                             "%s:%d: select rule %zu reads %s, which the job can set, and names "
                             "tier %s, weaker than default_tier %s: it is always skipped",
                             policy->origin, rule->line, i + 1, inputs, rule->tier,
                             policy->default_tier) < 0) {
                        warnings[n] = NULL;
                        rw_strv_free(warnings);
                        return rw_error_set(err, ENOMEM, "out of memory");
                }
                n++;
        }
        *ret = warnings;
        return 0;
}

/* ---- choosing the tier ---- */

/* Whether `m` holds; *ret_value is the policy value it matched ("*" for any). */
static bool match_holds(const struct rw_match *m, const json_t *annotations, const json_t *env,
                        const char **ret_value)
{
        const char *have, *other;

        if (m->kind == RW_MATCH_ENV_DIFFERS) {
                have = rw_spec_env_get(env, m->key);
                other = rw_spec_env_get(env, m->other);
                return have != NULL && other != NULL && strcmp(have, other) != 0;
        }
        have = m->kind == RW_MATCH_ENV ? rw_spec_env_get(env, m->key)
                                       : rw_spec_string_member(annotations, m->key);
        if (have == NULL)
                return false;
        for (size_t i = 0; m->values[i] != NULL; i++) {
                if (strcmp(m->values[i], RW_POLICY_MATCH_ANY) == 0 ||
                    strcmp(m->values[i], have) == 0) {
                        *ret_value = m->values[i];
                        return true;
                }
        }
        return false;
}

static void describe_match(const struct rw_match *m, const char *value, char *buf, size_t size)
{
        const char *what = m->kind == RW_MATCH_ANNOTATION ? "annotation" : "env";

        if (m->kind == RW_MATCH_ENV_DIFFERS)
                rw_policy_append(buf, size, "env %s differs from %s", m->key, m->other);
        else if (strcmp(value, RW_POLICY_MATCH_ANY) == 0)
                rw_policy_append(buf, size, "%s %s is set", what, m->key);
        else
                rw_policy_append(buf, size, "%s %s=%s", what, m->key, value);
}

static bool rule_matches(const struct rw_select_rule *rule, const json_t *annotations,
                         const json_t *env, char *desc, size_t size)
{
        desc[0] = '\0';
        for (size_t i = 0; i < rule->n_matches; i++) {
                const char *value = NULL;

                if (!match_holds(&rule->matches[i], annotations, env, &value))
                        return false;
                if (i > 0)
                        rw_policy_append(desc, size, " and ");
                describe_match(&rule->matches[i], value, desc, size);
        }
        return rule->n_matches > 0;
}

static int tier_by_operator(const struct rw_policy *policy, const char *name, const char *how,
                            const struct rw_tier **ret, struct rw_error *err)
{
        *ret = rw_policy_find_tier(policy, name);
        if (*ret == NULL)
                return rw_error_set(err, ENOENT, "%s names tier \"%s\", which %s does not define",
                                    how, name, policy->origin);
        return 0;
}

/*
 * The tier: --tier wins outright (the operator's own command line). Otherwise the operator's
 * choice is the binary name (runwarden-TIER), else default_tier; then the select rules, in
 * order: the first that matches may move the container to a stricter tier than that choice —
 * or, when it reads nothing but trusted annotations and no binary name chose, to any tier. A
 * rule that would weaken is skipped and recorded.
 */
int rw_policy_choose_tier(const struct rw_policy *policy, const char *flag_tier,
                          const char *invoked_as, const json_t *annotations, const json_t *env,
                          struct rw_tier_choice *ret, struct rw_error *err)
{
        static const char prefix[] = "runwarden-";
        const struct rw_tier *base;
        struct rw_tier_choice c = {0};
        bool by_name = false;
        int r;

        if (flag_tier != NULL) {
                r = tier_by_operator(policy, flag_tier, "--tier", &c.tier, err);
                if (r < 0)
                        return r;
                c.source = RW_TIER_FROM_FLAG;
                snprintf(c.reason, sizeof(c.reason), "--tier %s", flag_tier);
                *ret = c;
                return 0;
        }
        if (invoked_as != NULL) {
                const char *slash = strrchr(invoked_as, '/');
                const char *name = slash != NULL ? slash + 1 : invoked_as;

                if (strncmp(name, prefix, sizeof(prefix) - 1) == 0 &&
                    name[sizeof(prefix) - 1] != '\0') {
                        char how[300];

                        snprintf(how, sizeof(how), "the binary name %s", name);
                        r = tier_by_operator(policy, name + sizeof(prefix) - 1, how, &c.tier, err);
                        if (r < 0)
                                return r;
                        c.source = RW_TIER_FROM_BINARY_NAME;
                        snprintf(c.reason, sizeof(c.reason), "invoked as %s", name);
                        by_name = true;
                }
        }
        if (!by_name) {
                c.tier = rw_policy_find_tier(policy, policy->default_tier);
                if (c.tier == NULL)
                        return rw_error_set(err, EINVAL, "%s: default_tier \"%s\" is not a tier",
                                            policy->origin, policy->default_tier);
                c.source = RW_TIER_FROM_DEFAULT;
                snprintf(c.reason, sizeof(c.reason), "default_tier %s", c.tier->name);
        }
        base = c.tier;
        if (!json_is_object(annotations))
                annotations = NULL;
        for (size_t i = 0; i < policy->n_select; i++) {
                const struct rw_select_rule *rule = &policy->select[i];
                const struct rw_tier *tier;
                char desc[400];

                if (!rule_matches(rule, annotations, env, desc, sizeof(desc)))
                        continue;
                tier = rw_policy_find_tier(policy, rule->tier);
                if (tier == NULL)
                        return rw_error_set(err, EINVAL,
                                            "%s: select rule %zu names tier \"%s\", "
                                            "which is not defined",
                                            policy->origin, i + 1, rule->tier);
                /* Input the job controls may make a container stricter, never weaker; the
                 * runtime name the operator configured is not overruled by an annotation. */
                if (tier->strictness < base->strictness && (by_name || !rule->trusted)) {
                        rw_policy_append(c.skipped, sizeof(c.skipped),
                                         "%sselect rule %zu (%s) names tier %s, weaker than %s %s",
                                         c.skipped[0] != '\0' ? "; " : "", i + 1, desc, rule->tier,
                                         by_name ? "the runtime's tier" : "default_tier",
                                         base->name);
                        continue;
                }
                c.tier = tier;
                c.source = RW_TIER_FROM_SELECT;
                c.rule = i;
                snprintf(c.reason, sizeof(c.reason), "select rule %zu: %s", i + 1, desc);
                break;
        }
        *ret = c;
        return 0;
}
