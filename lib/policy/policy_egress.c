/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tier's "egress" object (docs/egress.md, docs/policy.md): what the tier's containers may reach
 * from their own network namespace. Read as strictly as every other key, errors located at the
 * value; everything lives in the tier's arena.
 */
#include <errno.h>
#include <string.h>

#include "egress.h"
#include "json.h"
#include "policy_internal.h"

#define TARGETS_MAX 1024

/* The lists of targets, in the order the builder reads them. */
enum target_list {
        LIST_KUBERNETES_API,
        LIST_DENY,
        LIST_ALLOW,
        LIST_COUNT,
};

static const char *const list_keys[LIST_COUNT] = {"kubernetes_api", "deny", "allow"};

struct targets {
        struct rw_egress_target *v;
        size_t n, cap;
};

static int choice(const struct rw_policy_parser *ps, const json_t *obj,
                  const struct rw_json_path *p, const char *key, bool *ret_deny)
{
        static const char *const choices[] = {"deny", "allow", NULL};
        const json_t *v = json_object_get(obj, key);
        struct rw_json_path kp;
        int r, which;

        if (v == NULL)
                return 0;
        kp = rw_jsonpos_path_key(p, key);
        r = rw_policy_expect_enum(ps, v, &kp, choices, &which);
        if (r < 0)
                return r;
        *ret_deny = which == 0;
        return 0;
}

static int port_value(const struct rw_policy_parser *ps, const json_t *v,
                      const struct rw_json_path *p, uint16_t *ret_first, uint16_t *ret_last)
{
        const char *s;
        int64_t n;
        int r;

        if (json_is_integer(v) || rw_json_is_verbatim_number(v)) {
                r = rw_policy_expect_integer(ps, v, p, &n);
                if (r < 0)
                        return r;
                if (n < 1 || n > 65535)
                        return rw_policy_fail(ps, p, false, "port %lld is not in 1-65535",
                                              (long long)n);
                *ret_first = *ret_last = (uint16_t)n;
                return 0;
        }
        if (!json_is_string(v))
                return rw_policy_fail(ps, p, false,
                                      "expected a port (a number) or a range (\"FIRST-LAST\"), "
                                      "got %s",
                                      rw_policy_kind_of(v));
        s = json_string_value(v);
        if (!rw_egress_port_range_parse(s, ret_first, ret_last))
                return rw_policy_fail(ps, p, false,
                                      "\"%s\" is not a port or a range \"FIRST-LAST\" of ports "
                                      "1-65535 with FIRST <= LAST",
                                      s);
        return 0;
}

static int push(const struct rw_policy_parser *ps, struct rw_policy_arena *a, struct targets *l,
                const struct rw_json_path *p, const struct rw_egress_target *t)
{
        if (l->n >= TARGETS_MAX)
                return rw_policy_fail(ps, p, false, "more than %d entries (ports count one each)",
                                      TARGETS_MAX);
        if (l->n == l->cap) {
                size_t cap = l->cap == 0 ? 8 : l->cap * 2;
                struct rw_egress_target *grown = rw_policy_arena_alloc(a, cap, sizeof(*grown));

                if (grown == NULL)
                        return rw_policy_oom(ps);
                if (l->n > 0)
                        memcpy(grown, l->v, l->n * sizeof(*grown));
                l->v = grown;
                l->cap = cap;
        }
        l->v[l->n++] = *t;
        return 0;
}

/* One TARGET; an array of ports becomes one entry per port or range. */
static int target(const struct rw_policy_parser *ps, const json_t *v, const struct rw_json_path *p,
                  struct rw_policy_arena *a, struct targets *l)
{
        static const char *const keys[] = {"cidr", "host", "proto", "ports", NULL};
        static const char *const protos[] = {"any", "tcp", "udp", NULL};
        static const enum rw_egress_proto proto_values[] = {
            RW_EGRESS_PROTO_ANY, RW_EGRESS_PROTO_TCP, RW_EGRESS_PROTO_UDP};
        struct rw_json_path cp = rw_jsonpos_path_key(p, "cidr"),
                            hp = rw_jsonpos_path_key(p, "host"),
                            pp = rw_jsonpos_path_key(p, "proto"),
                            portp = rw_jsonpos_path_key(p, "ports");
        const json_t *cidr, *host, *proto, *ports;
        struct rw_egress_target t = {0};
        const char *s;
        int r, which;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0)
                return r;
        cidr = json_object_get(v, "cidr");
        host = json_object_get(v, "host");
        proto = json_object_get(v, "proto");
        ports = json_object_get(v, "ports");
        if (cidr != NULL && host != NULL)
                return rw_policy_fail(ps, &hp, true,
                                      "an entry has a \"cidr\" or a \"host\", not "
                                      "both");
        if (cidr == NULL && host == NULL && ports == NULL)
                return rw_policy_fail(ps, p, false,
                                      "an entry needs a \"cidr\", a \"host\" or \"ports\" (an "
                                      "entry of only a protocol would mean everything)");
        if (cidr != NULL) {
                struct rw_error sub = {0};

                if ((r = rw_policy_expect_string(ps, cidr, &cp, &s)) < 0)
                        return r;
                if (rw_cidr_parse(s, &t.cidr, &sub) < 0)
                        return rw_policy_fail(ps, &cp, false, "%s", sub.msg);
                t.has_cidr = true;
        }
        if (host != NULL) {
                if ((r = rw_policy_expect_string(ps, host, &hp, &s)) < 0)
                        return r;
                if (!rw_egress_host_name_valid(s))
                        return rw_policy_fail(ps, &hp, false,
                                              "\"%s\" is not a DNS name (an address belongs in "
                                              "\"cidr\")",
                                              s);
                t.host = rw_policy_arena_strdup(a, s);
                if (t.host == NULL)
                        return rw_policy_oom(ps);
        }
        if (proto != NULL) {
                if ((r = rw_policy_expect_enum(ps, proto, &pp, protos, &which)) < 0)
                        return r;
                t.proto = proto_values[which];
        }
        if (ports == NULL)
                return push(ps, a, l, p, &t);
        if (json_is_array(ports)) {
                if (json_array_size(ports) == 0)
                        return rw_policy_fail(ps, &portp, false,
                                              "an empty list of ports (leave \"ports\" out for "
                                              "every port)");
                for (size_t i = 0; i < json_array_size(ports); i++) {
                        struct rw_json_path ip = rw_jsonpos_path_index(&portp, i);

                        r = port_value(ps, json_array_get(ports, i), &ip, &t.port_first,
                                       &t.port_last);
                        if (r < 0)
                                return r;
                        for (size_t k = l->n - i; k < l->n; k++)
                                if (l->v[k].port_first == t.port_first &&
                                    l->v[k].port_last == t.port_last)
                                        return rw_policy_fail(
                                            ps, &ip, false, "ports %u-%u are listed twice",
                                            (unsigned)t.port_first, (unsigned)t.port_last);
                        r = push(ps, a, l, &ip, &t);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        r = port_value(ps, ports, &portp, &t.port_first, &t.port_last);
        if (r < 0)
                return r;
        return push(ps, a, l, p, &t);
}

static int target_list(const struct rw_policy_parser *ps, const json_t *obj,
                       const struct rw_json_path *p, const char *key, struct rw_policy_arena *a,
                       struct targets *l)
{
        const json_t *v = json_object_get(obj, key);
        struct rw_json_path kp;
        int r;

        if (v == NULL)
                return 0;
        kp = rw_jsonpos_path_key(p, key);
        r = rw_policy_expect_array(ps, v, &kp);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_array_size(v); i++) {
                struct rw_json_path ip = rw_jsonpos_path_index(&kp, i);

                r = target(ps, json_array_get(v, i), &ip, a, l);
                if (r < 0)
                        return r;
        }
        return 0;
}

int rw_policy_parse_egress(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p, struct rw_policy_arena *a,
                           const struct rw_egress_settings **ret)
{
        static const char *const keys[] = {"mode",      "metadata", "control_planes", "private",
                                           "resolvers", "counters", "kubernetes_api", "deny",
                                           "allow",     NULL};
        static const char *const modes[] = {"off", "deny-list", "allowlist", "none", NULL};
        static const enum rw_egress_mode mode_values[] = {
            RW_EGRESS_MODE_OFF, RW_EGRESS_MODE_DENYLIST, RW_EGRESS_MODE_ALLOWLIST,
            RW_EGRESS_MODE_NONE};
        struct rw_egress_settings *s;
        struct targets lists[LIST_COUNT] = {{0}};
        bool deny_metadata = true, deny_control = true, deny_private = false,
             deny_resolvers = false;
        const json_t *mode, *counters;
        struct rw_json_path mp = rw_jsonpos_path_key(p, "mode");
        int r, which;

        if ((r = rw_policy_expect_object(ps, v, p)) < 0 ||
            (r = rw_policy_check_keys(ps, v, p, keys)) < 0 ||
            (r = rw_policy_require_key(ps, v, p, "mode", &mode)) < 0 ||
            (r = rw_policy_expect_enum(ps, mode, &mp, modes, &which)) < 0)
                return r;
        s = rw_policy_arena_alloc(a, 1, sizeof(*s));
        if (s == NULL)
                return rw_policy_oom(ps);
        s->config.mode = mode_values[which];
        s->counters = true;
        if ((r = choice(ps, v, p, "metadata", &deny_metadata)) < 0 ||
            (r = choice(ps, v, p, "control_planes", &deny_control)) < 0 ||
            (r = choice(ps, v, p, "private", &deny_private)) < 0 ||
            (r = choice(ps, v, p, "resolvers", &deny_resolvers)) < 0)
                return r;
        counters = json_object_get(v, "counters");
        if (counters != NULL) {
                struct rw_json_path kp = rw_jsonpos_path_key(p, "counters");

                if ((r = rw_policy_expect_bool(ps, counters, &kp, &s->counters)) < 0)
                        return r;
        }
        if (deny_private && s->config.mode != RW_EGRESS_MODE_DENYLIST) {
                struct rw_json_path kp = rw_jsonpos_path_key(p, "private");

                return rw_policy_fail(ps, &kp, false,
                                      "only a deny-list denies private ranges (an allowlist "
                                      "rejects whatever it does not list)");
        }
        /* An "off" or "none" tier that still lists addresses says something it does not do. */
        if (s->config.mode == RW_EGRESS_MODE_OFF || s->config.mode == RW_EGRESS_MODE_NONE) {
                const char *key;
                json_t *member;

                json_object_foreach((json_t *)v, key, member)
                {
                        struct rw_json_path kp = rw_jsonpos_path_key(p, key);

                        (void)member;
                        if (strcmp(key, "mode") != 0 &&
                            (s->config.mode == RW_EGRESS_MODE_OFF || strcmp(key, "counters") != 0))
                                return rw_policy_fail(ps, &kp, true, "mode \"%s\" takes no \"%s\"",
                                                      rw_egress_mode_name(s->config.mode), key);
                }
        }
        for (int l = 0; l < LIST_COUNT; l++) {
                r = target_list(ps, v, p, list_keys[l], a, &lists[l]);
                if (r < 0)
                        return r;
        }
        s->config.allow_metadata = !deny_metadata;
        s->config.allow_control_planes = !deny_control;
        s->config.deny_private = deny_private;
        s->config.deny_resolvers = deny_resolvers;
        s->config.kubernetes_api = lists[LIST_KUBERNETES_API].v;
        s->config.n_kubernetes_api = lists[LIST_KUBERNETES_API].n;
        s->config.control_planes = lists[LIST_DENY].v;
        s->config.n_control_planes = lists[LIST_DENY].n;
        s->config.allow = lists[LIST_ALLOW].v;
        s->config.n_allow = lists[LIST_ALLOW].n;
        *ret = s;
        return 0;
}

static int copy_targets(struct rw_policy_arena *a, const struct rw_egress_target *src, size_t n,
                        struct rw_egress_target **ret)
{
        struct rw_egress_target *t;

        *ret = NULL;
        if (n == 0)
                return 0;
        t = rw_policy_arena_alloc(a, n, sizeof(*t));
        if (t == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                t[i] = src[i];
                if (src[i].host != NULL &&
                    (t[i].host = rw_policy_arena_strdup(a, src[i].host)) == NULL)
                        return -ENOMEM;
        }
        *ret = t;
        return 0;
}

int rw_policy_egress_copy(struct rw_policy_arena *a, const struct rw_egress_settings *src,
                          const struct rw_egress_settings **ret)
{
        struct rw_egress_settings *s;

        *ret = NULL;
        if (src == NULL)
                return 0;
        s = rw_policy_arena_alloc(a, 1, sizeof(*s));
        if (s == NULL)
                return -ENOMEM;
        *s = *src;
        if (copy_targets(a, src->config.kubernetes_api, src->config.n_kubernetes_api,
                         &s->config.kubernetes_api) < 0 ||
            copy_targets(a, src->config.control_planes, src->config.n_control_planes,
                         &s->config.control_planes) < 0 ||
            copy_targets(a, src->config.allow, src->config.n_allow, &s->config.allow) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}
