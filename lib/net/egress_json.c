/* SPDX-License-Identifier: Apache-2.0 */
#include "egress_json.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"

#define HOST_NAME_MAX_LEN 253
#define TARGETS_MAX       1024

static int check_keys(const json_t *obj, const char *const *keys, size_t n, const char *where,
                      struct rw_error *err)
{
        const char *key;
        json_t *value;

        json_object_foreach((json_t *)obj, key, value)
        {
                bool known = false;

                (void)value;
                for (size_t i = 0; i < n && !known; i++)
                        known = strcmp(key, keys[i]) == 0;
                if (!known)
                        return rw_error_set(err, EINVAL, "%s: unknown key \"%s\"", where, key);
        }
        return 0;
}

/* "deny"/"allow" into *ret_deny; absent leaves the default. */
static int get_choice(const json_t *obj, const char *key, bool *ret_deny, struct rw_error *err)
{
        const json_t *v = json_object_get(obj, key);
        const char *s;

        if (v == NULL)
                return 0;
        s = json_string_value(v);
        if (s == NULL || (strcmp(s, "deny") != 0 && strcmp(s, "allow") != 0))
                return rw_error_set(err, EINVAL, "egress.%s: expected \"deny\" or \"allow\"", key);
        *ret_deny = strcmp(s, "deny") == 0;
        return 0;
}

static bool valid_host(const char *h)
{
        size_t len = strlen(h);
        struct rw_cidr ignored;

        if (len == 0 || len > HOST_NAME_MAX_LEN || h[0] == '.' || h[0] == '-')
                return false;
        for (const char *c = h; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
                        return false;
        /* An address belongs in "cidr": a host name is looked up, an address is not. */
        return rw_cidr_parse(h, &ignored, NULL) < 0;
}

static int parse_port_value(const json_t *v, uint16_t *ret_first, uint16_t *ret_last,
                            const char *where, struct rw_error *err)
{
        if (json_is_integer(v)) {
                json_int_t p = json_integer_value(v);

                if (p < 1 || p > 65535)
                        return rw_error_set(err, EINVAL, "%s: port %lld out of range", where,
                                            (long long)p);
                *ret_first = *ret_last = (uint16_t)p;
                return 0;
        }
        if (json_is_string(v)) {
                const char *s = json_string_value(v);
                unsigned a = 0, b = 0;
                int consumed = 0;

                if (sscanf(s, "%5u-%5u%n", &a, &b, &consumed) == 2 && s[consumed] == '\0' &&
                    s[0] >= '0' && s[0] <= '9' && a >= 1 && a <= b && b <= 65535) {
                        *ret_first = (uint16_t)a;
                        *ret_last = (uint16_t)b;
                        return 0;
                }
                consumed = 0;
                if (sscanf(s, "%5u%n", &a, &consumed) == 1 && s[consumed] == '\0' && s[0] >= '0' &&
                    s[0] <= '9' && a >= 1 && a <= 65535) {
                        *ret_first = *ret_last = (uint16_t)a;
                        return 0;
                }
        }
        return rw_error_set(err, EINVAL, "%s: ports are numbers or \"FIRST-LAST\" strings", where);
}

static int append_target(struct rw_egress_target **list, size_t *n,
                         const struct rw_egress_target *t, struct rw_error *err)
{
        struct rw_egress_target *grown;

        if (*n >= TARGETS_MAX)
                return rw_error_set(err, E2BIG, "more than %d egress entries", TARGETS_MAX);
        grown = reallocarray(*list, *n + 1, sizeof(**list));
        if (grown == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        *list = grown;
        (*list)[*n] = *t;
        if (t->host != NULL) {
                (*list)[*n].host = strdup(t->host);
                if ((*list)[*n].host == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        (*n)++;
        return 0;
}

/* One TARGET object; several port ranges become several entries. */
static int parse_target(const json_t *obj, const char *where, struct rw_egress_target **list,
                        size_t *n, struct rw_error *err)
{
        static const char *const keys[] = {"cidr", "host", "proto", "ports"};
        const json_t *cidr = json_object_get(obj, "cidr"), *host = json_object_get(obj, "host"),
                     *proto = json_object_get(obj, "proto"), *ports = json_object_get(obj, "ports");
        struct rw_egress_target t = {0};
        int r;

        if (!json_is_object(obj))
                return rw_error_set(err, EINVAL, "%s: entries are objects", where);
        r = check_keys(obj, keys, RW_ELEMENTSOF(keys), where, err);
        if (r < 0)
                return r;
        if (cidr != NULL && host != NULL)
                return rw_error_set(err, EINVAL, "%s: \"cidr\" and \"host\" exclude each other",
                                    where);
        if (cidr != NULL) {
                if (!json_is_string(cidr))
                        return rw_error_set(err, EINVAL, "%s: \"cidr\" is a string", where);
                r = rw_cidr_parse(json_string_value(cidr), &t.cidr, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", where);
                t.has_cidr = true;
        }
        if (host != NULL) {
                if (!json_is_string(host) || !valid_host(json_string_value(host)))
                        return rw_error_set(err, EINVAL,
                                            "%s: \"host\" is a DNS name (addresses go in "
                                            "\"cidr\")",
                                            where);
                t.host = (char *)json_string_value(host);
        }
        if (proto != NULL) {
                const char *p = json_string_value(proto);

                if (p != NULL && strcmp(p, "tcp") == 0)
                        t.proto = RW_EGRESS_PROTO_TCP;
                else if (p != NULL && strcmp(p, "udp") == 0)
                        t.proto = RW_EGRESS_PROTO_UDP;
                else if (p != NULL && strcmp(p, "any") == 0)
                        t.proto = RW_EGRESS_PROTO_ANY;
                else
                        return rw_error_set(err, EINVAL,
                                            "%s: \"proto\" is \"tcp\", \"udp\" or \"any\"", where);
        }
        if (cidr == NULL && host == NULL && ports == NULL)
                return rw_error_set(
                    err, EINVAL, "%s: an entry names a \"cidr\", a \"host\" or \"ports\"", where);
        if (ports == NULL)
                return append_target(list, n, &t, err);
        if (json_is_array(ports)) {
                size_t i;
                json_t *v;

                if (json_array_size(ports) == 0)
                        return rw_error_set(err, EINVAL, "%s: \"ports\" is empty", where);
                json_array_foreach(ports, i, v)
                {
                        r = parse_port_value(v, &t.port_first, &t.port_last, where, err);
                        if (r < 0)
                                return r;
                        r = append_target(list, n, &t, err);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        r = parse_port_value(ports, &t.port_first, &t.port_last, where, err);
        if (r < 0)
                return r;
        return append_target(list, n, &t, err);
}

static int parse_targets(const json_t *obj, const char *key, struct rw_egress_target **list,
                         size_t *n, struct rw_error *err)
{
        const json_t *arr = json_object_get(obj, key);
        char where[64];
        size_t i;
        json_t *v;

        if (arr == NULL)
                return 0;
        if (!json_is_array(arr))
                return rw_error_set(err, EINVAL, "egress.%s: expected an array", key);
        json_array_foreach(arr, i, v)
        {
                int r;

                snprintf(where, sizeof(where), "egress.%s[%zu]", key, i);
                r = parse_target(v, where, list, n, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int rw_egress_settings_from_json(const json_t *obj, struct rw_egress_settings *ret,
                                 struct rw_error *err)
{
        static const char *const keys[] = {"mode",           "metadata",  "control_planes",
                                           "private",        "resolvers", "counters",
                                           "kubernetes_api", "deny",      "allow"};
        _cleanup_egress_config_ struct rw_egress_config cfg;
        const json_t *mode, *counters;
        bool deny_metadata = true, deny_control = true, deny_private = false,
             deny_resolvers = false;
        bool keep_counters = true;
        int r;

        rw_egress_config_init(&cfg);
        if (!json_is_object(obj))
                return rw_error_set(err, EINVAL, "egress: expected an object");
        r = check_keys(obj, keys, RW_ELEMENTSOF(keys), "egress", err);
        if (r < 0)
                return r;
        mode = json_object_get(obj, "mode");
        if (!json_is_string(mode) ||
            rw_egress_mode_from_name(json_string_value(mode), &cfg.mode) < 0)
                return rw_error_set(err, EINVAL,
                                    "egress.mode: expected \"deny-list\", \"allowlist\", "
                                    "\"none\" or \"off\"");
        r = get_choice(obj, "metadata", &deny_metadata, err);
        if (r >= 0)
                r = get_choice(obj, "control_planes", &deny_control, err);
        if (r >= 0)
                r = get_choice(obj, "private", &deny_private, err);
        if (r >= 0)
                r = get_choice(obj, "resolvers", &deny_resolvers, err);
        if (r < 0)
                return r;
        counters = json_object_get(obj, "counters");
        if (counters != NULL) {
                if (!json_is_boolean(counters))
                        return rw_error_set(err, EINVAL, "egress.counters: expected a boolean");
                keep_counters = json_is_true(counters);
        }
        if (deny_private && cfg.mode != RW_EGRESS_MODE_DENYLIST)
                return rw_error_set(err, EINVAL,
                                    "egress.private: only a deny-list denies private ranges (an "
                                    "allowlist rejects what it does not list)");
        cfg.allow_metadata = !deny_metadata;
        cfg.allow_control_planes = !deny_control;
        cfg.deny_private = deny_private;
        cfg.deny_resolvers = deny_resolvers;
        r = parse_targets(obj, "kubernetes_api", &cfg.kubernetes_api, &cfg.n_kubernetes_api, err);
        if (r >= 0)
                r = parse_targets(obj, "deny", &cfg.control_planes, &cfg.n_control_planes, err);
        if (r >= 0)
                r = parse_targets(obj, "allow", &cfg.allow, &cfg.n_allow, err);
        if (r < 0)
                return r;
        ret->config = cfg;
        ret->counters = keep_counters;
        rw_egress_config_init(&cfg);
        return 0;
}

/* ---- rule lists ---- */

static const char *const match_names[] = {
    [RW_EGRESS_MATCH_LOOPBACK] = "loopback",
    [RW_EGRESS_MATCH_NDP] = "ndp",
    [RW_EGRESS_MATCH_ESTABLISHED] = "established",
    [RW_EGRESS_MATCH_DEST] = "dest",
    [RW_EGRESS_MATCH_ALL] = "all",
};

static int rule_to_json(const struct rw_egress_rule *rule, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *obj = json_object();
        int bad = obj == NULL;

        if ((size_t)rule->match >= RW_ELEMENTSOF(match_names))
                return rw_error_set(err, EINVAL, "invalid egress rule");
        if (!bad)
                bad |= json_object_set_new(obj, "id", json_string(rule->id));
        if (!bad)
                bad |= json_object_set_new(
                    obj, "verdict",
                    json_string(rule->verdict == RW_EGRESS_ACCEPT ? "accept" : "reject"));
        if (!bad)
                bad |= json_object_set_new(obj, "match", json_string(match_names[rule->match]));
        if (!bad && rule->match == RW_EGRESS_MATCH_DEST) {
                if (rule->family != 0)
                        bad |= json_object_set_new(
                            obj, "family", json_string(rule->family == AF_INET ? "ipv4" : "ipv6"));
                if (rule->has_cidr) {
                        char cidr[64];

                        if (rw_cidr_format(&rule->cidr, cidr, sizeof(cidr)) < 0)
                                return rw_error_set(err, EINVAL, "invalid egress rule address");
                        bad |= json_object_set_new(obj, "daddr", json_string(cidr));
                }
                if (rule->l4proto != 0)
                        bad |= json_object_set_new(
                            obj, "proto",
                            json_string(rule->l4proto == IPPROTO_TCP ? "tcp" : "udp"));
                if (rule->port_first != 0) {
                        char ports[16];

                        if (rule->port_first == rule->port_last)
                                snprintf(ports, sizeof(ports), "%u", (unsigned)rule->port_first);
                        else
                                snprintf(ports, sizeof(ports), "%u-%u", (unsigned)rule->port_first,
                                         (unsigned)rule->port_last);
                        bad |= json_object_set_new(obj, "ports", json_string(ports));
                }
        }
        if (bad)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(obj);
        return 0;
}

int rw_egress_ruleset_to_json(const struct rw_egress_ruleset *set, json_t **ret,
                              struct rw_error *err)
{
        _cleanup_json_ json_t *obj = json_object(), *rules = json_array();

        if (obj == NULL || rules == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < set->n_rules; i++) {
                json_t *rule = NULL;
                int r = rule_to_json(&set->rules[i], &rule, err);

                if (r < 0)
                        return r;
                if (json_array_append_new(rules, rule) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        if (json_object_set_new(obj, "mode", json_string(rw_egress_mode_name(set->mode))) < 0 ||
            json_object_set(obj, "rules", rules) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(obj);
        return 0;
}

static bool valid_id(const char *id)
{
        size_t len = strlen(id);

        if (len == 0 || len >= RW_EGRESS_ID_MAX || strncmp(id, "egress.", 7) != 0)
                return false;
        for (const char *c = id; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
                      *c == '-'))
                        return false;
        return true;
}

static int rule_from_json(const json_t *obj, const char *where, struct rw_egress_rule *ret,
                          struct rw_error *err)
{
        static const char *const keys[] = {"id",    "verdict", "match", "family",
                                           "daddr", "proto",   "ports"};
        struct rw_egress_rule rule = {0};
        const char *id, *verdict, *match, *family, *daddr, *proto;
        const json_t *ports;
        bool found = false;
        int r;

        if (!json_is_object(obj))
                return rw_error_set(err, EINVAL, "%s: expected an object", where);
        r = check_keys(obj, keys, RW_ELEMENTSOF(keys), where, err);
        if (r < 0)
                return r;
        id = json_string_value(json_object_get(obj, "id"));
        verdict = json_string_value(json_object_get(obj, "verdict"));
        match = json_string_value(json_object_get(obj, "match"));
        family = json_string_value(json_object_get(obj, "family"));
        daddr = json_string_value(json_object_get(obj, "daddr"));
        proto = json_string_value(json_object_get(obj, "proto"));
        ports = json_object_get(obj, "ports");
        if (id == NULL || !valid_id(id))
                return rw_error_set(err, EINVAL, "%s: invalid \"id\"", where);
        snprintf(rule.id, sizeof(rule.id), "%s", id);
        if (verdict != NULL && strcmp(verdict, "accept") == 0)
                rule.verdict = RW_EGRESS_ACCEPT;
        else if (verdict != NULL && strcmp(verdict, "reject") == 0)
                rule.verdict = RW_EGRESS_REJECT;
        else
                return rw_error_set(err, EINVAL, "%s: invalid \"verdict\"", where);
        for (size_t i = 0; i < RW_ELEMENTSOF(match_names) && match != NULL && !found; i++)
                if (strcmp(match, match_names[i]) == 0) {
                        rule.match = (enum rw_egress_match)i;
                        found = true;
                }
        if (!found)
                return rw_error_set(err, EINVAL, "%s: invalid \"match\"", where);
        if (rule.match != RW_EGRESS_MATCH_DEST) {
                if (json_object_size(obj) != 3)
                        return rw_error_set(err, EINVAL,
                                            "%s: only a \"dest\" rule has "
                                            "addresses, protocols or ports",
                                            where);
                *ret = rule;
                return 0;
        }
        if (family != NULL) {
                if (strcmp(family, "ipv4") == 0)
                        rule.family = AF_INET;
                else if (strcmp(family, "ipv6") == 0)
                        rule.family = AF_INET6;
                else
                        return rw_error_set(err, EINVAL, "%s: invalid \"family\"", where);
        } else if (json_object_get(obj, "family") != NULL) {
                return rw_error_set(err, EINVAL, "%s: invalid \"family\"", where);
        }
        if (daddr != NULL) {
                r = rw_cidr_parse(daddr, &rule.cidr, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", where);
                if (rule.cidr.family != rule.family)
                        return rw_error_set(err, EINVAL, "%s: \"daddr\" is not of \"family\"",
                                            where);
                rule.has_cidr = true;
        } else if (json_object_get(obj, "daddr") != NULL) {
                return rw_error_set(err, EINVAL, "%s: invalid \"daddr\"", where);
        }
        if (proto != NULL) {
                if (strcmp(proto, "tcp") == 0)
                        rule.l4proto = IPPROTO_TCP;
                else if (strcmp(proto, "udp") == 0)
                        rule.l4proto = IPPROTO_UDP;
                else
                        return rw_error_set(err, EINVAL, "%s: invalid \"proto\"", where);
        } else if (json_object_get(obj, "proto") != NULL) {
                return rw_error_set(err, EINVAL, "%s: invalid \"proto\"", where);
        }
        if (ports != NULL) {
                if (rule.l4proto == 0)
                        return rw_error_set(err, EINVAL, "%s: \"ports\" needs \"proto\"", where);
                r = parse_port_value(ports, &rule.port_first, &rule.port_last, where, err);
                if (r < 0)
                        return r;
        }
        *ret = rule;
        return 0;
}

int rw_egress_ruleset_from_json(const json_t *obj, struct rw_egress_ruleset *ret,
                                struct rw_error *err)
{
        static const char *const keys[] = {"mode", "rules"};
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        const json_t *mode, *rules, *v;
        char where[48];
        size_t i;
        int r;

        if (!json_is_object(obj))
                return rw_error_set(err, EINVAL, "egress rules: expected an object");
        r = check_keys(obj, keys, RW_ELEMENTSOF(keys), "egress rules", err);
        if (r < 0)
                return r;
        mode = json_object_get(obj, "mode");
        rules = json_object_get(obj, "rules");
        if (!json_is_string(mode) ||
            rw_egress_mode_from_name(json_string_value(mode), &set.mode) < 0)
                return rw_error_set(err, EINVAL, "egress rules: invalid \"mode\"");
        if (!json_is_array(rules) || json_array_size(rules) > RW_EGRESS_RULES_MAX)
                return rw_error_set(err, EINVAL,
                                    "egress rules: \"rules\" is an array of at most "
                                    "%d rules",
                                    RW_EGRESS_RULES_MAX);
        if ((set.mode == RW_EGRESS_MODE_OFF) != (json_array_size(rules) == 0))
                return rw_error_set(err, EINVAL,
                                    "egress rules: mode \"off\" and an empty list go together");
        if (json_array_size(rules) > 0) {
                set.rules = calloc(json_array_size(rules), sizeof(*set.rules));
                if (set.rules == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        json_array_foreach(rules, i, v)
        {
                snprintf(where, sizeof(where), "egress rule %zu", i);
                r = rule_from_json(v, where, &set.rules[i], err);
                if (r < 0)
                        return r;
                set.n_rules++;
        }
        *ret = set;
        set = (struct rw_egress_ruleset){0};
        return 0;
}
