/* SPDX-License-Identifier: Apache-2.0 */
/*
 * required-label: a tier may refuse containers that do not carry a label, e.g. the annotation
 * runwarden.io/ephemeral=true that a runner sets on the job containers it throws away.
 *
 * Messages name the key and the value the policy asks for, never the value the container has:
 * an environment variable may hold a secret.
 */
#include "rules.h"

#include <stdbool.h>
#include <string.h>

#include "json.h"

enum presence {
        MISSING,
        OTHER_VALUE,
        MATCHES,
};

static enum presence compare(const char *actual, const char *wanted)
{
        if (actual == NULL)
                return MISSING;
        if (wanted == NULL || strcmp(actual, wanted) == 0)
                return MATCHES;
        return OTHER_VALUE;
}

/* The value of annotation `key`; *ret_ok false (and the spec denied) when it is not a string. */
static const char *annotation_value(const json_t *annotations, const char *key,
                                    struct rw_plan *plan, bool *ret_ok)
{
        const json_t *v = json_object_get(annotations, key);

        *ret_ok = true;
        if (v == NULL)
                return NULL;
        if (json_is_string(v) && !rw_json_is_verbatim_number(v))
                return json_string_value(v);
        *ret_ok = false;
        rw_plan_deny(plan, RW_RULE_SPEC, key, "annotation %s is not a string", key);
        return NULL;
}

static void check_annotation(const json_t *annotations, const struct rw_requirement *req,
                             struct rw_plan *plan)
{
        bool ok;
        const char *actual = annotation_value(annotations, req->key, plan, &ok);

        if (!ok)
                return;
        switch (compare(actual, req->value)) {
        case MATCHES:
                return;
        case MISSING:
                if (req->value == NULL)
                        rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                                     "the tier requires annotation %s; it is missing", req->key);
                else
                        rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                                     "the tier requires annotation %s=%s; it is missing", req->key,
                                     req->value);
                return;
        case OTHER_VALUE:
                rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                             "the tier requires annotation %s=%s; it has another value", req->key,
                             req->value);
                return;
        }
}

static void check_env(const json_t *env, const struct rw_requirement *req, struct rw_plan *plan)
{
        switch (compare(rw_spec_env_get(env, req->key), req->value)) {
        case MATCHES:
                return;
        case MISSING:
                if (req->value == NULL)
                        rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                                     "the tier requires environment variable %s; it is missing",
                                     req->key);
                else
                        rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                                     "the tier requires environment variable %s=%s; it is missing",
                                     req->key, req->value);
                return;
        case OTHER_VALUE:
                rw_plan_deny(plan, RW_RULE_REQUIRED, req->key,
                             "the tier requires environment variable %s=%s; it has another value",
                             req->key, req->value);
                return;
        }
}

void rw_rules_required(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *annotations = NULL, *process, *env = NULL;
        bool annotations_ok = true, env_ok = true;

        if (settings == NULL || settings->requirements == NULL ||
            settings->requirements[0].key == NULL)
                return;
        if (!json_is_object(spec)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "config.json", "config.json is not a JSON object");
                return;
        }

        annotations =
            rw_spec_member(spec, "annotations", JSON_OBJECT, "annotations", plan, &annotations_ok);
        process = json_object_get(spec, "process");
        if (json_is_object(process))
                env = rw_spec_member(process, "env", JSON_ARRAY, "process.env", plan, &env_ok);

        for (const struct rw_requirement *req = settings->requirements; req->key != NULL; req++) {
                /* A malformed member is refused already; "missing" on top would mislead. */
                if (req->kind == RW_REQUIRE_ANNOTATION && annotations_ok)
                        check_annotation(annotations, req, plan);
                else if (req->kind == RW_REQUIRE_ENV && env_ok)
                        check_env(env, req, plan);
        }
}
