/* SPDX-License-Identifier: Apache-2.0 */
#include "egress_json.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "json.h"

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

/* "80" or "8000-8080", as the hand-off and the hook spell a rule's ports */
static void format_ports(const struct rw_egress_rule *rule, char ret[16])
{
        if (rule->port_first == rule->port_last)
                snprintf(ret, 16, "%u", (unsigned)rule->port_first);
        else
                snprintf(ret, 16, "%u-%u", (unsigned)rule->port_first, (unsigned)rule->port_last);
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

                        format_ports(rule, ports);
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

/* ---- rule lists as text ---- */

void rw_egress_out_done(struct rw_egress_out *out)
{
        free(out->data);
        *out = (struct rw_egress_out){0};
}

void rw_egress_out_raw(struct rw_egress_out *out, const char *s, size_t len)
{
        if (out->code != 0)
                return;
        if (len >= out->cap - out->len) {
                size_t cap = out->cap > 0 ? out->cap : 2048;
                char *grown;

                while (len >= cap - out->len)
                        cap *= 2;
                grown = realloc(out->data, cap);
                if (grown == NULL) {
                        out->code = ENOMEM;
                        return;
                }
                out->data = grown;
                out->cap = cap;
        }
        memcpy(out->data + out->len, s, len);
        out->len += len;
        out->data[out->len] = '\0';
}

static void out_text(struct rw_egress_out *out, const char *s)
{
        rw_egress_out_raw(out, s, strlen(s));
}

void rw_egress_out_string(struct rw_egress_out *out, const char *s)
{
        _cleanup_json_ json_t *value = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err;
        size_t len = 0;

        while (s[len] >= 0x20 && s[len] < 0x7f && s[len] != '"' && s[len] != '\\')
                len++;
        if (s[len] == '\0') {
                RW_EGRESS_OUT_LITERAL(out, "\"");
                rw_egress_out_raw(out, s, len);
                RW_EGRESS_OUT_LITERAL(out, "\"");
                return;
        }
        /* Escapes or UTF-8 to check: jansson's rules, through the writer that keeps them. */
        value = json_string(s);
        if (value == NULL || rw_json_dump(value, &text, &len, &err) < 0) {
                /* what json_object_set_new() of a NULL string said: the caller's ENOMEM */
                if (out->code == 0)
                        out->code = ENOMEM;
                return;
        }
        rw_egress_out_raw(out, text, len);
}

static void out_member(struct rw_egress_out *out, const char *key, const char *value)
{
        RW_EGRESS_OUT_LITERAL(out, ",\"");
        out_text(out, key);
        RW_EGRESS_OUT_LITERAL(out, "\":\"");
        out_text(out, value);
        RW_EGRESS_OUT_LITERAL(out, "\"");
}

static int rule_write(const struct rw_egress_rule *rule, struct rw_egress_out *out,
                      struct rw_error *err)
{
        if ((size_t)rule->match >= RW_ELEMENTSOF(match_names))
                return rw_error_set(err, EINVAL, "invalid egress rule");
        RW_EGRESS_OUT_LITERAL(out, "{\"id\":");
        rw_egress_out_string(out, rule->id);
        out_member(out, "verdict", rule->verdict == RW_EGRESS_ACCEPT ? "accept" : "reject");
        out_member(out, "match", match_names[rule->match]);
        if (rule->match == RW_EGRESS_MATCH_DEST) {
                if (rule->family != 0)
                        out_member(out, "family", rule->family == AF_INET ? "ipv4" : "ipv6");
                if (rule->has_cidr) {
                        char cidr[64];

                        if (rw_cidr_format(&rule->cidr, cidr, sizeof(cidr)) < 0)
                                return rw_error_set(err, EINVAL, "invalid egress rule address");
                        out_member(out, "daddr", cidr);
                }
                if (rule->l4proto != 0)
                        out_member(out, "proto", rule->l4proto == IPPROTO_TCP ? "tcp" : "udp");
                if (rule->port_first != 0) {
                        char ports[16];

                        format_ports(rule, ports);
                        out_member(out, "ports", ports);
                }
        }
        RW_EGRESS_OUT_LITERAL(out, "}");
        return 0;
}

int rw_egress_ruleset_write(const struct rw_egress_ruleset *set, struct rw_egress_out *out,
                            struct rw_error *err)
{
        RW_EGRESS_OUT_LITERAL(out, "{\"mode\":\"");
        out_text(out, rw_egress_mode_name(set->mode));
        RW_EGRESS_OUT_LITERAL(out, "\",\"rules\":[");
        for (size_t i = 0; i < set->n_rules; i++) {
                int r;

                if (i > 0)
                        RW_EGRESS_OUT_LITERAL(out, ",");
                r = rule_write(&set->rules[i], out, err);
                if (r < 0)
                        return r;
        }
        RW_EGRESS_OUT_LITERAL(out, "]}");
        if (out->code != 0)
                return rw_error_set(err, out->code, "out of memory");
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
                if (!json_is_string(ports) ||
                    !rw_egress_port_range_parse(json_string_value(ports), &rule.port_first,
                                                &rule.port_last))
                        return rw_error_set(err, EINVAL, "%s: invalid \"ports\"", where);
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
