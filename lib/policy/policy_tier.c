/* SPDX-License-Identifier: Apache-2.0 */
/* One tier of the policy file: its members, each validated, into a tier definition. */
#include <cap-ng.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "policy_internal.h"

#define GIB               (1024ull * 1024ull * 1024ull)
#define SCRATCH_MAX_BYTES (64ull * GIB)
#define TIER_NAME_MAX     63
#define PROFILE_NAME_MAX  64
#define SCRATCH_HOME      "$HOME"

/*
 * The rules a tier may tune: every rule id except "spec" (a malformed spec is refused whatever the
 * tier says). `changes`: the rule can change a spec, so "strip" (its own behaviour) makes sense;
 * the others only ever refuse.
 */
struct known_rule {
        const char *id;
        bool changes;
};

static const struct known_rule known_rules[] = {
    {RW_RULE_CAPS, true},
    {RW_RULE_NNP, true},
    {RW_RULE_CWD, false},
    {RW_RULE_EXEC_CAPS, false},
    {RW_RULE_EXEC_POLICY, false},
    {RW_RULE_ROOTFS, true},
    {RW_RULE_SCRATCH, true},
    {RW_RULE_ENGINE_SOCKET, true},
    {RW_RULE_HOST_MOUNT, false},
    {RW_RULE_BIND_OPTIONS, true},
    {RW_RULE_KERNEL_MOUNT, true},
    {RW_RULE_HOST_NAMESPACE, true},
    {RW_RULE_MASKED_PATHS, true},
    {RW_RULE_DEVICES, true},
    {RW_RULE_SECCOMP, true},
    {RW_RULE_PIDS, true},
    {RW_RULE_SYSCTL, true},
    {RW_RULE_ANNOTATIONS, true},
    {RW_RULE_SECRET_ENV, true},
    {RW_RULE_REQUIRED, false},
    {RW_RULE_HOOKS, false},
    {RW_RULE_ROOT_PATH, false},
    {RW_RULE_NAMESPACE_JOIN, false},
    {RW_RULE_CGROUP_PATH, false},
    {RW_RULE_CGROUP_UNIFIED, true},
    {RW_RULE_MEMORY, true},
    {RW_RULE_OOM_SCORE, true},
    {RW_RULE_PROPAGATION, true},
    {RW_RULE_MOUNT_OPTIONS, true},
    {RW_RULE_TMPFS_SIZE, true},
    {RW_RULE_VOLUME_OWNER, false},
    {RW_RULE_PRIVILEGED, true},
    {RW_RULE_COMMAND, false},
};

static bool lower_alnum_dash(const char *s)
{
        for (; *s != '\0'; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
                        return false;
        return true;
}

bool rw_policy_tier_name_valid(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= TIER_NAME_MAX && name[0] != '-' && lower_alnum_dash(name);
}

/* [a-z0-9-]+, the file name of a profile in the seccomp directory without ".json" */
static bool valid_profile_name(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= PROFILE_NAME_MAX && lower_alnum_dash(name);
}

/* "CAP_" and an upper-case name libcap-ng knows; it matches case-insensitively, we do not. */
static bool valid_capability(const char *name)
{
        const char *rest;

        if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
                return false;
        rest = name + 4;
        for (const char *c = rest; *c != '\0'; c++)
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        return capng_name_to_capability(rest) >= 0;
}

static const struct known_rule *find_known_rule(const char *id)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(known_rules); i++)
                if (strcmp(known_rules[i].id, id) == 0)
                        return &known_rules[i];
        return NULL;
}

/* Bytes, or a number with a k, M or G suffix (powers of 1024, as tmpfs reads them). */
static bool parse_size(const char *s, uint64_t *ret)
{
        uint64_t value = 0, unit = 1;
        const char *c = s;

        if (*c < '0' || *c > '9')
                return false;
        for (; *c >= '0' && *c <= '9'; c++) {
                if (value > (UINT64_MAX - 9) / 10)
                        return false;
                value = value * 10 + (uint64_t)(*c - '0');
        }
        switch (*c) {
        case '\0':
                break;
        case 'k':
        case 'K':
                unit = 1024;
                c++;
                break;
        case 'm':
        case 'M':
                unit = 1024 * 1024;
                c++;
                break;
        case 'g':
        case 'G':
                unit = GIB;
                c++;
                break;
        default:
                return false;
        }
        if (*c != '\0' || value > UINT64_MAX / unit)
                return false;
        *ret = value * unit;
        return true;
}

static bool parse_mode(const char *s, unsigned *ret)
{
        unsigned value = 0;
        size_t len = strlen(s);

        if (len == 0 || len > 6)
                return false;
        for (const char *c = s; *c != '\0'; c++) {
                if (*c < '0' || *c > '7')
                        return false;
                value = value * 8 + (unsigned)(*c - '0');
        }
        if (value > 07777)
                return false;
        *ret = value;
        return true;
}

/* An absolute path, normalized; "/" is refused: a tier never means "everything". */
static int expect_abs_path(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p, struct rw_policy_arena *a, char **ret)
{
        _cleanup_free_ char *normalized = NULL;
        struct rw_error sub;
        const char *s;
        int r;

        r = rw_policy_expect_string(ps, v, p, &s);
        if (r < 0)
                return r;
        if (s[0] != '/')
                return rw_policy_fail(ps, p, false, "\"%s\" is not an absolute path", s);
        if (rw_path_normalize(s, &normalized, &sub) < 0)
                return rw_policy_oom(ps);
        if (strcmp(normalized, "/") == 0)
                return rw_policy_fail(ps, p, false, "\"%s\" is the whole host filesystem", s);
        *ret = rw_policy_arena_strdup(a, normalized);
        return *ret == NULL ? rw_policy_oom(ps) : 0;
}

static int parse_capabilities(const struct rw_policy_parser *ps, const json_t *v,
                              const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        size_t n = json_array_size(v);
        const char **caps;
        int r;

        r = rw_policy_expect_array(ps, v, p);
        if (r < 0)
                return r;
        caps = rw_policy_arena_alloc(t->arena, n + 1, sizeof(*caps));
        if (caps == NULL)
                return rw_policy_oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i);
                const char *name;

                r = rw_policy_expect_string(ps, json_array_get(v, i), &ip, &name);
                if (r < 0)
                        return r;
                if (!valid_capability(name))
                        return rw_policy_fail(ps, &ip, false,
                                              "unknown capability %s (names are like "
                                              "CAP_NET_BIND_SERVICE)",
                                              name);
                for (size_t j = 0; j < i; j++)
                        if (strcmp(caps[j], name) == 0)
                                return rw_policy_fail(ps, &ip, false,
                                                      "capability %s is listed twice", name);
                caps[i] = rw_policy_arena_strdup(t->arena, name);
                if (caps[i] == NULL)
                        return rw_policy_oom(ps);
        }
        t->caps = caps;
        t->set_caps = true;
        return 0;
}

static int parse_scratch(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const keys[] = {"path", "size", "mode", NULL};
        size_t n = json_array_size(v);
        struct rw_scratch_mount *list;
        int r;

        r = rw_policy_expect_array(ps, v, p);
        if (r < 0)
                return r;
        list = rw_policy_arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return rw_policy_oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i),
                                    pp = rw_jsonpos_path_key(&ip, "path"),
                                    sp = rw_jsonpos_path_key(&ip, "size"),
                                    mp = rw_jsonpos_path_key(&ip, "mode");
                const json_t *entry = json_array_get(v, i), *jpath, *jsize, *jmode;
                char *dest = NULL;
                const char *s;
                uint64_t size;
                unsigned mode;

                if ((r = rw_policy_expect_object(ps, entry, &ip)) < 0 ||
                    (r = rw_policy_check_keys(ps, entry, &ip, keys)) < 0 ||
                    (r = rw_policy_require_key(ps, entry, &ip, "path", &jpath)) < 0 ||
                    (r = rw_policy_require_key(ps, entry, &ip, "size", &jsize)) < 0 ||
                    (r = rw_policy_require_key(ps, entry, &ip, "mode", &jmode)) < 0)
                        return r;
                if (json_is_string(jpath) && strcmp(json_string_value(jpath), SCRATCH_HOME) == 0)
                        dest = NULL;
                else if ((r = expect_abs_path(ps, jpath, &pp, t->arena, &dest)) < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (dest == NULL ? list[j].destination == NULL
                                         : list[j].destination != NULL &&
                                               strcmp(list[j].destination, dest) == 0)
                                return rw_policy_fail(ps, &pp, false, "%s is listed twice",
                                                      dest == NULL ? SCRATCH_HOME : dest);

                if (json_is_integer(jsize)) {
                        if (json_integer_value(jsize) <= 0)
                                return rw_policy_fail(ps, &sp, false, "size must be above 0");
                        size = (uint64_t)json_integer_value(jsize);
                        if (size > SCRATCH_MAX_BYTES)
                                return rw_policy_fail(ps, &sp, false,
                                                      "size %" PRIu64 " is above the limit of 64G",
                                                      size);
                } else {
                        if (rw_json_is_verbatim_number(jsize))
                                return rw_policy_fail(ps, &sp, false, "invalid size %s",
                                                      rw_json_verbatim_number_text(jsize));
                        if ((r = rw_policy_expect_string(ps, jsize, &sp, &s)) < 0)
                                return r;
                        if (!parse_size(s, &size))
                                return rw_policy_fail(
                                    ps, &sp, false,
                                    "invalid size \"%s\" (bytes, or a number with k, M or "
                                    "G: \"512M\")",
                                    s);
                        if (size == 0)
                                return rw_policy_fail(ps, &sp, false, "size must be above 0");
                        if (size > SCRATCH_MAX_BYTES)
                                return rw_policy_fail(ps, &sp, false,
                                                      "size \"%s\" is above the limit of 64G", s);
                }

                if (!json_is_string(jmode) || rw_json_is_verbatim_number(jmode))
                        return rw_policy_fail(ps, &mp, false,
                                              "expected an octal string like \"1777\", got %s",
                                              rw_policy_kind_of(jmode));
                s = json_string_value(jmode);
                if (!parse_mode(s, &mode))
                        return rw_policy_fail(
                            ps, &mp, false, "invalid mode \"%s\" (an octal string up to \"7777\")",
                            s);

                list[i] = (struct rw_scratch_mount){dest, size, mode};
        }
        t->scratch = list;
        t->set_scratch = true;
        return 0;
}

static int parse_bind_prefixes(const struct rw_policy_parser *ps, const json_t *v,
                               const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const keys[] = {"path", "read_only", NULL};
        size_t n = json_array_size(v);
        struct rw_bind_prefix *list;
        int r;

        r = rw_policy_expect_array(ps, v, p);
        if (r < 0)
                return r;
        list = rw_policy_arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return rw_policy_oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i),
                                    pp = rw_jsonpos_path_key(&ip, "path"),
                                    rp = rw_jsonpos_path_key(&ip, "read_only");
                const json_t *entry = json_array_get(v, i), *jpath, *jro;
                char *prefix;
                bool read_only = true;

                if ((r = rw_policy_expect_object(ps, entry, &ip)) < 0 ||
                    (r = rw_policy_check_keys(ps, entry, &ip, keys)) < 0 ||
                    (r = rw_policy_require_key(ps, entry, &ip, "path", &jpath)) < 0 ||
                    (r = expect_abs_path(ps, jpath, &pp, t->arena, &prefix)) < 0)
                        return r;
                jro = json_object_get(entry, "read_only");
                if (jro != NULL && (r = rw_policy_expect_bool(ps, jro, &rp, &read_only)) < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(list[j].path, prefix) == 0)
                                return rw_policy_fail(ps, &pp, false, "%s is listed twice", prefix);
                list[i] = (struct rw_bind_prefix){prefix, read_only};
        }
        t->prefixes = list;
        t->set_prefixes = true;
        return 0;
}

static int parse_seccomp(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const keys[] = {"profile", "engine_profile", NULL};
        static const char *const modes[] = {"replace", "inject", NULL};
        const json_t *profile, *engine;
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0)
                return r;
        profile = json_object_get(v, "profile");
        if (profile != NULL) {
                struct rw_json_path pp = rw_jsonpos_path_key(p, "profile");
                const char *name;

                if ((r = rw_policy_expect_string(ps, profile, &pp, &name)) < 0)
                        return r;
                if (!valid_profile_name(name))
                        return rw_policy_fail(
                            ps, &pp, false,
                            "invalid profile name \"%s\" (letters a-z, digits and '-': "
                            "the file NAME.json in the seccomp directory)",
                            name);
                t->profile = rw_policy_arena_strdup(t->arena, name);
                if (t->profile == NULL)
                        return rw_policy_oom(ps);
                t->set_profile = true;
        }
        engine = json_object_get(v, "engine_profile");
        if (engine != NULL) {
                struct rw_json_path ep = rw_jsonpos_path_key(p, "engine_profile");
                int mode;

                if ((r = rw_policy_expect_enum(ps, engine, &ep, modes, &mode)) < 0)
                        return r;
                t->engine_profile = mode == 0 ? RW_SECCOMP_REPLACE : RW_SECCOMP_INJECT;
                t->set_engine_profile = true;
        }
        return 0;
}

/* {"annotations": {K: V}, "env": {K: V}} with V "*" for any value */
static int parse_require(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const keys[] = {"annotations", "env", NULL};
        struct rw_requirement *list;
        size_t n = 0, k = 0;
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0)
                return r;
        for (size_t s = 0; keys[s] != NULL; s++) {
                const json_t *section = json_object_get(v, keys[s]);
                struct rw_json_path sp = rw_jsonpos_path_key(p, keys[s]);

                if (section == NULL)
                        continue;
                if ((r = rw_policy_expect_object(ps, section, &sp)) < 0)
                        return r;
                n += json_object_size(section);
        }
        list = rw_policy_arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return rw_policy_oom(ps);
        for (size_t s = 0; keys[s] != NULL; s++) {
                const json_t *section = json_object_get(v, keys[s]), *value;
                struct rw_json_path sp = rw_jsonpos_path_key(p, keys[s]);
                bool env = s == 1;
                const char *key;

                json_object_foreach((json_t *)section, key, value)
                {
                        struct rw_json_path kp = rw_jsonpos_path_key(&sp, key);
                        const char *want;

                        if (key[0] == '\0' || (env && strchr(key, '=') != NULL))
                                return rw_policy_fail(ps, &kp, true, "invalid %s name",
                                                      env ? "variable" : "annotation");
                        if ((r = rw_policy_expect_string(ps, value, &kp, &want)) < 0)
                                return r;
                        list[k].kind = env ? RW_REQUIRE_ENV : RW_REQUIRE_ANNOTATION;
                        list[k].key = rw_policy_arena_strdup(t->arena, key);
                        if (list[k].key == NULL)
                                return rw_policy_oom(ps);
                        if (strcmp(want, RW_POLICY_MATCH_ANY) != 0 &&
                            (list[k].value = rw_policy_arena_strdup(t->arena, want)) == NULL)
                                return rw_policy_oom(ps);
                        k++;
                }
        }
        t->require = list;
        t->set_require = true;
        return 0;
}

static int parse_rules(const struct rw_policy_parser *ps, const json_t *v,
                       const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        enum { ACTION_ENFORCE, ACTION_STRIP, ACTION_REFUSE, ACTION_WARN };
        static const char *const actions[] = {"enforce", "strip", "refuse", "warn", NULL};
        /* "strip" names the rule's own behaviour for the rules that change a spec */
        static const enum rw_rule_action meaning[] = {RW_RULE_ENFORCE, RW_RULE_ENFORCE,
                                                      RW_RULE_REFUSE, RW_RULE_WARN};
        const char *key;
        json_t *value;
        size_t k = 0;
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0)
                return r;
        t->rules = rw_policy_arena_alloc(t->arena, json_object_size(v) + 1, sizeof(*t->rules));
        if (t->rules == NULL)
                return rw_policy_oom(ps);
        json_object_foreach((json_t *)v, key, value)
        {
                struct rw_json_path kp = rw_jsonpos_path_key(p, key);
                const struct known_rule *rule = find_known_rule(key);
                int action;

                if (strcmp(key, RW_RULE_SPEC) == 0)
                        return rw_policy_fail(
                            ps, &kp, true,
                            "rule %s cannot be tuned: a malformed spec is always refused", key);
                if (strncmp(key, "egress.", 7) == 0)
                        return rw_policy_fail(ps, &kp, true,
                                              "rule %s cannot be tuned: a tier that cannot live "
                                              "with it sets \"egress\": {\"mode\": \"off\"}",
                                              key);
                if (rule == NULL)
                        return rw_policy_fail(ps, &kp, true,
                                              "unknown rule id \"%s\" (see docs/rules.md)", key);
                if ((r = rw_policy_expect_enum(ps, value, &kp, actions, &action)) < 0)
                        return r;
                if (action == ACTION_STRIP && !rule->changes)
                        return rw_policy_fail(
                            ps, &kp, false,
                            "rule %s only refuses, it never strips (use enforce, refuse "
                            "or warn)",
                            key);
                t->rules[k].rule = rule->id;
                t->rules[k].action = meaning[action];
                k++;
        }
        return 0;
}

static int parse_extends(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        return rw_policy_expect_nonempty_string(ps, v, p, &t->extends);
}

static int parse_tier_mode(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const modes[] = {"enforce", "audit", NULL};
        int r, e;

        if ((r = rw_policy_expect_enum(ps, v, p, modes, &e)) < 0)
                return r;
        t->mode = e == 0 ? RW_TIER_ENFORCE : RW_TIER_AUDIT;
        t->set_mode = true;
        return 0;
}

static int parse_readonly_rootfs(const struct rw_policy_parser *ps, const json_t *v,
                                 const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = rw_policy_expect_bool(ps, v, p, &t->readonly_rootfs);

        t->set_rootfs = r >= 0;
        return r;
}

static int parse_pids_limit(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = rw_policy_expect_integer(ps, v, p, &t->pids_limit);

        if (r < 0)
                return r;
        if (t->pids_limit <= 0)
                return rw_policy_fail(ps, p, false, "must be above 0");
        t->set_pids = true;
        return 0;
}

static int parse_exec(const struct rw_policy_parser *ps, const json_t *v,
                      const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const execs[] = {"allow", "deny", "allow-as-owner", NULL};
        int r, e;

        if ((r = rw_policy_expect_enum(ps, v, p, execs, &e)) < 0)
                return r;
        t->exec = e == 0 ? RW_EXEC_ALLOW : e == 1 ? RW_EXEC_DENY : RW_EXEC_ALLOW_AS_OWNER;
        t->set_exec = true;
        return 0;
}

static int parse_runtime(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = expect_abs_path(ps, v, p, t->arena, &t->runtime);

        t->set_runtime = r >= 0;
        return r;
}

/* What a list entry must look like. */
enum list_check {
        LIST_ABS_PATH, /* an absolute path, not / */
        LIST_DEV_PATH, /* an absolute path below /dev */
        LIST_TIER,     /* a tier name (checked when inheritance is resolved: any name here) */
        LIST_PATTERN,  /* a non-empty string; '*' matches any run of characters */
        LIST_RUNTIME,  /* "no-pivot", "no-new-keyring", "criu=/ABS", or a runtime command */
};

static int check_list_entry(const struct rw_policy_parser *ps, const struct rw_json_path *p,
                            enum list_check check, const char *s, struct rw_policy_arena *a,
                            const char **ret)
{
        _cleanup_free_ char *normalized = NULL;
        struct rw_error sub;

        switch (check) {
        case LIST_ABS_PATH:
        case LIST_DEV_PATH:
                if (s[0] != '/')
                        return rw_policy_fail(ps, p, false, "\"%s\" is not an absolute path", s);
                if (rw_path_normalize(s, &normalized, &sub) < 0)
                        return rw_policy_oom(ps);
                if (strcmp(normalized, "/") == 0 ||
                    (check == LIST_DEV_PATH &&
                     (!rw_path_within(normalized, "/dev") || strcmp(normalized, "/dev") == 0)))
                        return rw_policy_fail(ps, p, false, "\"%s\" is not %s", s,
                                              check == LIST_DEV_PATH ? "a device below /dev"
                                                                     : "a path other than /");
                s = normalized;
                break;
        case LIST_TIER:
                if (!rw_policy_tier_name_valid(s))
                        return rw_policy_fail(ps, p, false, "\"%s\" is not a tier name", s);
                break;
        case LIST_PATTERN:
                if (s[0] == '\0')
                        return rw_policy_fail(ps, p, false, "an empty pattern");
                break;
        case LIST_RUNTIME:
                if (strcmp(s, "no-pivot") != 0 && strcmp(s, "no-new-keyring") != 0 &&
                    !(strncmp(s, "criu=", 5) == 0 && s[5] == '/') && !lower_alnum_dash(s))
                        return rw_policy_fail(ps, p, false,
                                              "\"%s\" is not no-pivot, no-new-keyring, "
                                              "criu=/PATH or a runtime command",
                                              s);
                break;
        }
        *ret = rw_policy_arena_strdup(a, s);
        return *ret == NULL ? rw_policy_oom(ps) : 0;
}

static int parse_list(const struct rw_policy_parser *ps, const json_t *v,
                      const struct rw_json_path *p, struct rw_policy_tier_def *t,
                      enum rw_tier_list list, enum list_check check)
{
        size_t n = json_array_size(v);
        const char **out;
        int r;

        if ((r = rw_policy_expect_array(ps, v, p)) < 0)
                return r;
        out = rw_policy_arena_alloc(t->arena, n + 1, sizeof(*out));
        if (out == NULL)
                return rw_policy_oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(p, i);
                const char *s;

                if ((r = rw_policy_expect_string(ps, json_array_get(v, i), &ip, &s)) < 0 ||
                    (r = check_list_entry(ps, &ip, check, s, t->arena, &out[i])) < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(out[j], out[i]) == 0)
                                return rw_policy_fail(ps, &ip, false, "\"%s\" is listed twice", s);
        }
        t->lists[list] = out;
        t->set_lists[list] = true;
        return 0;
}

#define LIST_PARSER(name, list, check)                                                             \
        static int name(const struct rw_policy_parser *ps, const json_t *v,                        \
                        const struct rw_json_path *p, struct rw_policy_tier_def *t)                \
        {                                                                                          \
                return parse_list(ps, v, p, t, list, check);                                       \
        }

LIST_PARSER(parse_hooks, RW_LIST_HOOKS, LIST_ABS_PATH)
LIST_PARSER(parse_cgroup_parents, RW_LIST_CGROUP_PARENTS, LIST_PATTERN)
LIST_PARSER(parse_share_namespaces, RW_LIST_SHARE_NAMESPACES, LIST_TIER)
LIST_PARSER(parse_devices, RW_LIST_DEVICES, LIST_DEV_PATH)
LIST_PARSER(parse_sysctls, RW_LIST_SYSCTLS, LIST_PATTERN)
LIST_PARSER(parse_runtime_allow, RW_LIST_RUNTIME, LIST_RUNTIME)
LIST_PARSER(parse_lxcfs, RW_LIST_LXCFS, LIST_ABS_PATH)

/* "volumes": {"share_with": [TIER...], "allow": [PATTERN...], "mounts": [FSTYPE...]} */
static int parse_volumes(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        static const char *const keys[] = {"share_with", "allow", "mounts", NULL};
        static const struct {
                const char *key;
                enum rw_tier_list list;
                enum list_check check;
        } members[] = {
            {"share_with", RW_LIST_VOLUME_SHARE, LIST_TIER},
            {"allow", RW_LIST_VOLUME_ALLOW, LIST_PATTERN},
            {"mounts", RW_LIST_VOLUME_MOUNTS, LIST_PATTERN},
        };
        int r;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0)
                return r;
        for (size_t i = 0; i < RW_ELEMENTSOF(members); i++) {
                const json_t *m = json_object_get(v, members[i].key);
                struct rw_json_path mp = rw_jsonpos_path_key(p, members[i].key);

                if (m != NULL &&
                    (r = parse_list(ps, m, &mp, t, members[i].list, members[i].check)) < 0)
                        return r;
        }
        return 0;
}

/* A size as the scratch sizes are written: bytes, or a string with k, M or G. */
static int parse_size_value(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p, uint64_t *ret)
{
        const char *s;
        int r;

        if (json_is_integer(v)) {
                if (json_integer_value(v) <= 0)
                        return rw_policy_fail(ps, p, false, "a size must be above 0");
                *ret = (uint64_t)json_integer_value(v);
                return 0;
        }
        if ((r = rw_policy_expect_string(ps, v, p, &s)) < 0)
                return r;
        if (!parse_size(s, ret) || *ret == 0)
                return rw_policy_fail(ps, p, false, "invalid size \"%s\"", s);
        return 0;
}

static int parse_memory_limit(const struct rw_policy_parser *ps, const json_t *v,
                              const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = parse_size_value(ps, v, p, &t->memory_max);

        t->set_memory_max = r >= 0;
        return r;
}

static int parse_egress(const struct rw_policy_parser *ps, const json_t *v,
                        const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = rw_policy_parse_egress(ps, v, p, t->arena, &t->egress);

        t->set_egress = r >= 0;
        return r;
}

static int parse_tmpfs_size(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        int r = parse_size_value(ps, v, p, &t->tmpfs_max);

        t->set_tmpfs_max = r >= 0;
        return r;
}

/* The members of a tier, each with its parser; a key not listed here is an error. */
static const struct {
        const char *key;
        int (*parse)(const struct rw_policy_parser *ps, const json_t *v,
                     const struct rw_json_path *p, struct rw_policy_tier_def *t);
} tier_fields[] = {
    {"extends", parse_extends},
    {"mode", parse_tier_mode},
    {"capabilities", parse_capabilities},
    {"readonly_rootfs", parse_readonly_rootfs},
    {"scratch", parse_scratch},
    {"bind_prefixes", parse_bind_prefixes},
    {"seccomp", parse_seccomp},
    {"pids_limit", parse_pids_limit},
    {"exec", parse_exec},
    {"runtime", parse_runtime},
    {"require", parse_require},
    {"rules", parse_rules},
    {"hooks", parse_hooks},
    {"cgroup_parents", parse_cgroup_parents},
    {"share_namespaces_with", parse_share_namespaces},
    {"volumes", parse_volumes},
    {"devices", parse_devices},
    {"sysctls", parse_sysctls},
    {"runtime_allow", parse_runtime_allow},
    {"memory_limit", parse_memory_limit},
    {"tmpfs_size", parse_tmpfs_size},
    {"lxcfs", parse_lxcfs},
    {"egress", parse_egress},
};

int rw_policy_parse_tier(const struct rw_policy_parser *ps, const json_t *v,
                         const struct rw_json_path *p, struct rw_policy_tier_def *t)
{
        const char *keys[RW_ELEMENTSOF(tier_fields) + 1];
        int r;

        for (size_t i = 0; i < RW_ELEMENTSOF(tier_fields); i++)
                keys[i] = tier_fields[i].key;
        keys[RW_ELEMENTSOF(tier_fields)] = NULL;
        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0)
                return r;
        for (size_t i = 0; i < RW_ELEMENTSOF(tier_fields); i++) {
                const json_t *m = json_object_get(v, tier_fields[i].key);
                struct rw_json_path mp;

                if (m == NULL)
                        continue;
                mp = rw_jsonpos_path_key(p, tier_fields[i].key);
                if ((r = tier_fields[i].parse(ps, m, &mp, t)) < 0)
                        return r;
        }
        return 0;
}
