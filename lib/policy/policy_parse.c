/* SPDX-License-Identifier: Apache-2.0 */
/* rw_policy_parse(): the document's top level, its tiers (policy_tier.c) and its select rules. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "policy_internal.h"
#include "strv.h"

/* ---- select rules ---- */

/* {K: V} of annotations or env: one match per key; V a string or an array of strings. */
static int parse_value_matches(const struct rw_policy_parser *ps, const json_t *v,
                               const struct rw_json_path *p, enum rw_match_kind kind,
                               char *const *trusted, struct rw_select_rule *rule)
{
        const char *key;
        json_t *value;
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0)
                return r;
        if (json_object_size(v) == 0)
                return rw_policy_fail(ps, p, false, "no condition");
        json_object_foreach((json_t *)v, key, value)
        {
                struct rw_json_path kp = rw_jsonpos_path_key(p, key);
                struct rw_match *m = &rule->matches[rule->n_matches];
                size_t n = json_is_array(value) ? json_array_size(value) : 1;

                if (key[0] == '\0' || (kind == RW_MATCH_ENV && strchr(key, '=') != NULL))
                        return rw_policy_fail(ps, &kp, true, "invalid %s name",
                                              kind == RW_MATCH_ENV ? "variable" : "annotation");
                if (json_is_array(value) && n == 0)
                        return rw_policy_fail(ps, &kp, false, "an empty list matches nothing");
                m->kind = kind;
                m->trusted = kind == RW_MATCH_ANNOTATION && rw_strv_contains(trusted, key);
                m->key = strdup(key);
                m->values = calloc(n + 1, sizeof(*m->values));
                rule->n_matches++;
                if (m->key == NULL || m->values == NULL)
                        return rw_policy_oom(ps);
                for (size_t i = 0; i < n; i++) {
                        const json_t *item =
                            json_is_array(value) ? json_array_get(value, i) : value;
                        struct rw_json_path ip =
                            json_is_array(value) ? rw_jsonpos_path_index(&kp, i) : kp;
                        const char *s;

                        if (!json_is_string(item) || rw_json_is_verbatim_number(item))
                                return rw_policy_fail(
                                    ps, &ip, false,
                                    "expected a string or an array of strings, got %s",
                                    rw_policy_kind_of(item));
                        s = json_string_value(item);
                        if ((m->values[i] = strdup(s)) == NULL)
                                return rw_policy_oom(ps);
                }
        }
        return 0;
}

static int parse_env_differs(const struct rw_policy_parser *ps, const json_t *v,
                             const struct rw_json_path *p, struct rw_select_rule *rule)
{
        int r;

        if ((r = rw_policy_expect_array(ps, v, p)) < 0)
                return r;
        if (json_array_size(v) == 0)
                return rw_policy_fail(ps, p, false, "no condition");
        for (size_t i = 0; i < json_array_size(v); i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i);
                const json_t *pair = json_array_get(v, i);
                struct rw_match *m = &rule->matches[rule->n_matches];
                const char *names[2];

                if (!json_is_array(pair) || json_array_size(pair) != 2)
                        return rw_policy_fail(
                            ps, &ip, false,
                            "expected a pair of variable names [\"A\", \"B\"], got %s",
                            rw_policy_kind_of(pair));
                for (size_t k = 0; k < 2; k++) {
                        struct rw_json_path np = rw_jsonpos_path_index(&ip, k);

                        if ((r = rw_policy_expect_nonempty_string(ps, json_array_get(pair, k), &np,
                                                                  &names[k])) < 0)
                                return r;
                        if (strchr(names[k], '=') != NULL)
                                return rw_policy_fail(ps, &np, false, "invalid variable name");
                }
                if (strcmp(names[0], names[1]) == 0) {
                        struct rw_json_path np = rw_jsonpos_path_index(&ip, 1);
                        return rw_policy_fail(ps, &np, false,
                                              "a variable never differs from itself");
                }
                m->kind = RW_MATCH_ENV_DIFFERS;
                m->trusted = false;
                m->key = strdup(names[0]);
                m->other = strdup(names[1]);
                rule->n_matches++;
                if (m->key == NULL || m->other == NULL)
                        return rw_policy_oom(ps);
        }
        return 0;
}

static int parse_select_rule(const struct rw_policy_parser *ps, const json_t *v,
                             const struct rw_json_path *p, const struct rw_policy *policy,
                             struct rw_select_rule *rule)
{
        static const char *const keys[] = {"when", "tier", NULL};
        static const char *const when_keys[] = {"annotations", "env", "env_differs", NULL};
        const json_t *when, *tier, *m;
        struct rw_json_path wp = rw_jsonpos_path_key(p, "when"),
                            tp = rw_jsonpos_path_key(p, "tier");
        const char *name;
        size_t n = 0, offset;
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0 ||
            (r = rw_policy_require_key(ps, v, p, "when", &when)) < 0 ||
            (r = rw_policy_require_key(ps, v, p, "tier", &tier)) < 0 ||
            (r = rw_policy_expect_object(ps, when, &wp)) < 0 ||
            (r = rw_policy_check_keys(ps, when, &wp, when_keys)) < 0)
                return r;
        if (json_object_size(when) == 0)
                return rw_policy_fail(ps, &wp, false, "no condition: a rule must test something");
        for (size_t k = 0; when_keys[k] != NULL; k++) {
                m = json_object_get(when, when_keys[k]);
                if (json_is_object(m) || json_is_array(m))
                        n += json_is_object(m) ? json_object_size(m) : json_array_size(m);
        }
        rule->matches = calloc(n + 1, sizeof(*rule->matches));
        if (rule->matches == NULL)
                return rw_policy_oom(ps);
        if ((m = json_object_get(when, "annotations")) != NULL) {
                struct rw_json_path mp = rw_jsonpos_path_key(&wp, "annotations");
                if ((r = parse_value_matches(ps, m, &mp, RW_MATCH_ANNOTATION,
                                             policy->trusted_annotations, rule)) < 0)
                        return r;
        }
        if ((m = json_object_get(when, "env")) != NULL) {
                struct rw_json_path mp = rw_jsonpos_path_key(&wp, "env");
                if ((r = parse_value_matches(ps, m, &mp, RW_MATCH_ENV, NULL, rule)) < 0)
                        return r;
        }
        if ((m = json_object_get(when, "env_differs")) != NULL) {
                struct rw_json_path mp = rw_jsonpos_path_key(&wp, "env_differs");
                if ((r = parse_env_differs(ps, m, &mp, rule)) < 0)
                        return r;
        }
        if ((r = rw_policy_expect_nonempty_string(ps, tier, &tp, &name)) < 0)
                return r;
        if (rw_policy_tier_index(policy, name) < 0)
                return rw_policy_fail(ps, &tp, false, "unknown tier \"%s\"", name);
        rule->tier = strdup(name);
        if (rule->tier == NULL)
                return rw_policy_oom(ps);
        rule->trusted = rule->n_matches > 0;
        for (size_t i = 0; i < rule->n_matches; i++)
                rule->trusted = rule->trusted && rule->matches[i].trusted;
        if (rw_jsonpos_locate(ps->text, ps->len, p, false, &offset)) {
                int column;
                rw_jsonpos_line_column(ps->text, offset, &rule->line, &column);
        }
        return 0;
}

/* ---- the policy ---- */

static int parse_strv(const struct rw_policy_parser *ps, const json_t *v,
                      const struct rw_json_path *p, char ***ret)
{
        size_t n = json_array_size(v);
        char **strv;
        int r;

        if ((r = rw_policy_expect_array(ps, v, p)) < 0)
                return r;
        strv = calloc(n + 1, sizeof(*strv));
        if (strv == NULL)
                return rw_policy_oom(ps);
        *ret = strv;
        for (size_t i = 0; i < n; i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i);
                const char *s;

                if ((r = rw_policy_expect_nonempty_string(ps, json_array_get(v, i), &ip, &s)) < 0)
                        return r;
                if (rw_strv_contains(strv, s))
                        return rw_policy_fail(ps, &ip, false, "\"%s\" is listed twice", s);
                if ((strv[i] = strdup(s)) == NULL)
                        return rw_policy_oom(ps);
        }
        return 0;
}

/* The tiers a tier names in its lists (share_namespaces_with, volumes.share_with) exist: a typo
 * would share less than meant, silently. */
static int check_tier_names(const struct rw_policy_parser *ps, const struct rw_json_path *p,
                            const struct rw_policy *policy)
{
        static const struct {
                enum rw_tier_list list;
                const char *key, *sub;
        } lists[] = {
            {RW_LIST_SHARE_NAMESPACES, "share_namespaces_with", NULL},
            {RW_LIST_VOLUME_SHARE, "volumes", "share_with"},
        };

        for (size_t t = 0; t < policy->n_tiers; t++)
                for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++) {
                        const char *const *names = policy->tiers[t].settings.lists[lists[l].list];

                        for (; names != NULL && *names != NULL; names++) {
                                struct rw_json_path tp =
                                    rw_jsonpos_path_key(p, policy->tiers[t].name);
                                struct rw_json_path kp = rw_jsonpos_path_key(&tp, lists[l].key);

                                if (lists[l].sub != NULL)
                                        kp = rw_jsonpos_path_key(&kp, lists[l].sub);
                                if (rw_policy_tier_index(policy, *names) < 0)
                                        return rw_policy_fail(ps, &kp, false, "unknown tier \"%s\"",
                                                              *names);
                        }
                }
        return 0;
}

static int parse_tiers(const struct rw_policy_parser *ps, const json_t *v, struct rw_policy *policy,
                       struct rw_policy_tier_def **ret_defs)
{
        struct rw_json_path p = rw_jsonpos_path_key(&(struct rw_json_path){0}, "tiers");
        size_t n = json_object_size(v), i = 0;
        struct rw_policy_tier_def *defs;
        const char *name;
        json_t *tier;
        int r;

        if ((r = rw_policy_expect_object(ps, v, &p)) < 0)
                return r;
        if (n == 0)
                return rw_policy_fail(ps, &p, false, "no tier defined");
        policy->tiers = calloc(n, sizeof(*policy->tiers));
        defs = calloc(n, sizeof(*defs));
        *ret_defs = defs;
        if (policy->tiers == NULL || defs == NULL)
                return rw_policy_oom(ps);
        json_object_foreach((json_t *)v, name, tier)
        {
                struct rw_json_path tp = rw_jsonpos_path_key(&p, name);
                struct rw_policy_arena *a;

                if (strcmp(name, RW_POLICY_BASELINE_TIER) == 0)
                        return rw_policy_fail(
                            ps, &tp, true,
                            "tier name \"%s\" is reserved for the built-in rules (extend "
                            "it instead)",
                            name);
                /* runwarden-egress-hook is the hook's name: runwarden called so is the hook */
                if (strcmp(name, "egress-hook") == 0)
                        return rw_policy_fail(ps, &tp, true,
                                              "tier name \"%s\" is reserved (runwarden-%s is the "
                                              "egress hook's name)",
                                              name, name);
                if (!rw_policy_tier_name_valid(name))
                        return rw_policy_fail(
                            ps, &tp, true,
                            "invalid tier name \"%s\" (a-z, 0-9 and '-', not starting "
                            "with '-', at most 63 characters)",
                            name);
                a = rw_policy_arena_new();
                if (a == NULL)
                        return rw_policy_oom(ps);
                policy->tiers[i].storage = a;
                policy->n_tiers = i + 1;
                defs[i].arena = a;
                defs[i].name = name;
                policy->tiers[i].name = rw_policy_arena_strdup(a, name);
                if (policy->tiers[i].name == NULL)
                        return rw_policy_oom(ps);
                if ((r = rw_policy_parse_tier(ps, tier, &tp, &defs[i])) < 0)
                        return r;
                i++;
        }
        for (i = 0; i < n; i++) {
                struct rw_json_path tp = rw_jsonpos_path_key(&p, defs[i].name),
                                    ep = rw_jsonpos_path_key(&tp, "extends");
                const char *parent = defs[i].extends;

                if (parent != NULL && strcmp(parent, RW_POLICY_BASELINE_TIER) != 0 &&
                    rw_policy_tier_index(policy, parent) < 0)
                        return rw_policy_fail(ps, &ep, false, "unknown tier \"%s\"", parent);
        }
        if ((r = rw_policy_resolve_all(ps, policy, defs)) < 0)
                return r;
        return check_tier_names(ps, &p, policy);
}

static int parse_strictness(const struct rw_policy_parser *ps, const json_t *v,
                            struct rw_policy *policy)
{
        struct rw_json_path p = rw_jsonpos_path_key(&(struct rw_json_path){0}, "strictness");
        _cleanup_free_ bool *seen = calloc(policy->n_tiers + 1, sizeof(*seen));
        int r;

        if (seen == NULL)
                return rw_policy_oom(ps);
        if ((r = rw_policy_expect_array(ps, v, &p)) < 0)
                return r;
        for (size_t i = 0; i < json_array_size(v); i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(&p, i);
                const char *name;
                ssize_t t;

                if ((r = rw_policy_expect_nonempty_string(ps, json_array_get(v, i), &ip, &name)) <
                    0)
                        return r;
                t = rw_policy_tier_index(policy, name);
                if (t < 0)
                        return rw_policy_fail(ps, &ip, false, "unknown tier \"%s\"", name);
                if (seen[t])
                        return rw_policy_fail(ps, &ip, false, "tier \"%s\" is listed twice", name);
                seen[t] = true;
                policy->tiers[t].strictness = i;
        }
        for (size_t t = 0; t < policy->n_tiers; t++)
                if (!seen[t])
                        return rw_policy_fail(
                            ps, &p, false,
                            "tier \"%s\" is missing (list every tier once, least strict "
                            "first)",
                            policy->tiers[t].name);
        return 0;
}

static int parse_audit_log(const struct rw_policy_parser *ps, const json_t *v,
                           struct rw_policy *policy)
{
        static const char *const keys[] = {"path", "on_failure", NULL};
        static const char *const failures[] = {"refuse", "continue", NULL};
        struct rw_json_path p = rw_jsonpos_path_key(&(struct rw_json_path){0}, "audit_log");
        const json_t *m;
        int r;

        if ((r = rw_policy_expect_object(ps, v, &p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, &p, keys)) < 0)
                return r;
        if ((m = json_object_get(v, "path")) != NULL) {
                struct rw_json_path mp = rw_jsonpos_path_key(&p, "path");
                _cleanup_free_ char *normalized = NULL;
                struct rw_error sub;
                const char *s;

                if ((r = rw_policy_expect_string(ps, m, &mp, &s)) < 0)
                        return r;
                if (s[0] != '/')
                        return rw_policy_fail(ps, &mp, false, "\"%s\" is not an absolute path", s);
                if (rw_path_normalize(s, &normalized, &sub) < 0)
                        return rw_policy_oom(ps);
                if (strcmp(normalized, "/") == 0)
                        return rw_policy_fail(ps, &mp, false, "\"%s\" is a directory, not a file",
                                              s);
                free(policy->audit_log);
                policy->audit_log = TAKE_PTR(normalized);
        }
        if ((m = json_object_get(v, "on_failure")) != NULL) {
                struct rw_json_path mp = rw_jsonpos_path_key(&p, "on_failure");
                int e;

                if ((r = rw_policy_expect_enum(ps, m, &mp, failures, &e)) < 0)
                        return r;
                policy->audit_log_refuse = e == 0;
        }
        return 0;
}

/*
 * "engines": {"docker": {"data_root", "init_path"}, "containerd": {"root", "state"},
 *             "kubelet": {"root"}, "podman": {"storage"}}, each an absolute path or a list of them.
 */
static int parse_engines(const struct rw_policy_parser *ps, const json_t *v,
                         struct rw_policy *policy)
{
        static const struct {
                const char *engine, *key;
                enum rw_engine_kind kind;
        } slots[] = {
            {"docker", "data_root", RW_ENGINE_DOCKER},
            {"docker", "init_path", RW_ENGINE_DOCKER_INIT},
            {"containerd", "root", RW_ENGINE_CONTAINERD_ROOT},
            {"containerd", "state", RW_ENGINE_CONTAINERD_STATE},
            {"kubelet", "root", RW_ENGINE_KUBELET},
            {"podman", "storage", RW_ENGINE_PODMAN},
        };
        static const char *const engines[] = {"docker", "containerd", "kubelet", "podman", NULL};
        struct rw_json_path p = rw_jsonpos_path_key(&(struct rw_json_path){0}, "engines");
        int r;

        if ((r = rw_policy_expect_object(ps, v, &p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, &p, engines)) < 0)
                return r;
        for (const char *const *e = engines; *e != NULL; e++) {
                const char *keys[3] = {NULL, NULL, NULL};
                const json_t *section = json_object_get(v, *e);
                struct rw_json_path ep = rw_jsonpos_path_key(&p, *e);
                size_t n = 0;

                if (section == NULL)
                        continue;
                for (size_t i = 0; i < RW_ELEMENTSOF(slots); i++)
                        if (strcmp(slots[i].engine, *e) == 0)
                                keys[n++] = slots[i].key;
                if ((r = rw_policy_expect_object(ps, section, &ep)) < 0 ||
                    (r = rw_policy_check_keys(ps, section, &ep, keys)) < 0)
                        return r;
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(slots); i++) {
                const json_t *section = json_object_get(v, slots[i].engine);
                const json_t *m = json_object_get(section, slots[i].key);
                struct rw_json_path ep = rw_jsonpos_path_key(&p, slots[i].engine);
                struct rw_json_path mp = rw_jsonpos_path_key(&ep, slots[i].key);
                size_t n = json_is_array(m) ? json_array_size(m) : 1;
                const char *s0;
                char **list;

                if (m == NULL)
                        continue;
                if (!json_is_array(m) && (r = rw_policy_expect_string(ps, m, &mp, &s0)) < 0)
                        return r;
                list = calloc(n + 1, sizeof(*list));
                if (list == NULL)
                        return rw_policy_oom(ps);
                policy->engine_storage[slots[i].kind] = list;
                policy->engines.dirs[slots[i].kind] = (const char *const *)list;
                for (size_t k = 0; k < n; k++) {
                        struct rw_json_path ip =
                            json_is_array(m) ? rw_jsonpos_path_index(&mp, k) : mp;
                        const json_t *item = json_is_array(m) ? json_array_get(m, k) : m;
                        const char *s;

                        if ((r = rw_policy_expect_string(ps, item, &ip, &s)) < 0)
                                return r;
                        if (s[0] != '/' || strcmp(s, "/") == 0)
                                return rw_policy_fail(ps, &ip, false,
                                                      "\"%s\" is not an absolute directory other "
                                                      "than /",
                                                      s);
                        if ((r = rw_path_normalize(s, &list[k], NULL)) < 0)
                                return rw_policy_oom(ps);
                }
        }
        return 0;
}

/* rw_json_parse() says "line L, column C: what"; the policy's form is "ORIGIN:L:C: what". */
static int json_error(const char *origin, const struct rw_error *sub, struct rw_error *err)
{
        int line, column, consumed = 0;

        if (sscanf(sub->msg, "line %d, column %d: %n", &line, &column, &consumed) == 2 &&
            consumed > 0)
                return rw_error_set(err, sub->code, "%s:%d:%d: %s", origin, line, column,
                                    sub->msg + consumed);
        return rw_error_set(err, sub->code, "%s: %s", origin, sub->msg);
}

static void tier_defs_free(struct rw_policy_tier_def **defs)
{
        free(*defs);
}

int rw_policy_parse(const char *text, size_t len, const char *origin, struct rw_policy *ret,
                    struct rw_error *err)
{
        static const char *const keys[] = {
            "version", "default_tier", "strictness", "trusted_annotations", "audit_log", "tiers",
            "select",  "engines",      NULL};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_(tier_defs_free) struct rw_policy_tier_def *defs = NULL;
        _cleanup_json_ json_t *doc = NULL;
        const struct rw_json_path top = {0};
        struct rw_policy_parser ps = {text, len, origin != NULL ? origin : "policy", err};
        const json_t *version, *default_tier, *strictness, *tiers, *m;
        struct rw_error sub;
        const char *name;
        int64_t v;
        int r;

        if (len > RW_POLICY_MAX_SIZE)
                return rw_error_set(err, EFBIG, "%s: %zu bytes is too large for a policy",
                                    ps.origin, len);
        if (rw_json_parse(text, len, &doc, &sub) < 0)
                return json_error(ps.origin, &sub, err);

        if ((r = rw_policy_expect_object(&ps, doc, &top)) < 0 ||
            (r = rw_policy_check_keys(&ps, doc, &top, keys)) < 0 ||
            (r = rw_policy_require_key(&ps, doc, &top, "version", &version)) < 0 ||
            (r = rw_policy_require_key(&ps, doc, &top, "default_tier", &default_tier)) < 0 ||
            (r = rw_policy_require_key(&ps, doc, &top, "strictness", &strictness)) < 0 ||
            (r = rw_policy_require_key(&ps, doc, &top, "tiers", &tiers)) < 0)
                return r;
        {
                struct rw_json_path vp = rw_jsonpos_path_key(&top, "version");
                if ((r = rw_policy_expect_integer(&ps, version, &vp, &v)) < 0)
                        return r;
                if (v != 1)
                        return rw_policy_fail(&ps, &vp, false,
                                              "unsupported version %" PRId64
                                              " (this runwarden reads "
                                              "version 1)",
                                              v);
        }
        policy.version = 1;
        policy.origin = strdup(ps.origin);
        policy.audit_log = strdup(RW_AUDIT_LOG_DEFAULT);
        policy.audit_log_refuse = true;
        if (policy.origin == NULL || policy.audit_log == NULL)
                return rw_policy_oom(&ps);

        if ((r = parse_tiers(&ps, tiers, &policy, &defs)) < 0 ||
            (r = parse_strictness(&ps, strictness, &policy)) < 0)
                return r;
        {
                struct rw_json_path dp = rw_jsonpos_path_key(&top, "default_tier");
                if ((r = rw_policy_expect_nonempty_string(&ps, default_tier, &dp, &name)) < 0)
                        return r;
                if (rw_policy_tier_index(&policy, name) < 0)
                        return rw_policy_fail(&ps, &dp, false, "unknown tier \"%s\"", name);
                if ((policy.default_tier = strdup(name)) == NULL)
                        return rw_policy_oom(&ps);
        }
        if ((m = json_object_get(doc, "trusted_annotations")) != NULL) {
                struct rw_json_path tp = rw_jsonpos_path_key(&top, "trusted_annotations");
                if ((r = parse_strv(&ps, m, &tp, &policy.trusted_annotations)) < 0)
                        return r;
        } else if ((policy.trusted_annotations = calloc(1, sizeof(char *))) == NULL) {
                return rw_policy_oom(&ps);
        }
        if ((m = json_object_get(doc, "audit_log")) != NULL &&
            (r = parse_audit_log(&ps, m, &policy)) < 0)
                return r;
        if ((m = json_object_get(doc, "engines")) != NULL &&
            (r = parse_engines(&ps, m, &policy)) < 0)
                return r;
        if ((m = json_object_get(doc, "select")) != NULL) {
                struct rw_json_path sp = rw_jsonpos_path_key(&top, "select");

                if ((r = rw_policy_expect_array(&ps, m, &sp)) < 0)
                        return r;
                policy.select = calloc(json_array_size(m) + 1, sizeof(*policy.select));
                if (policy.select == NULL)
                        return rw_policy_oom(&ps);
                for (size_t i = 0; i < json_array_size(m); i++) {
                        struct rw_json_path ip = rw_jsonpos_path_index(&sp, i);

                        policy.n_select = i + 1;
                        if ((r = parse_select_rule(&ps, json_array_get(m, i), &ip, &policy,
                                                   &policy.select[i])) < 0)
                                return r;
                }
        }
        policy.doc = TAKE_PTR(doc);
        *ret = policy;
        policy = (struct rw_policy){0};
        return 0;
}
