/* SPDX-License-Identifier: Apache-2.0 */
#include "egress.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "sha256.h"

static const char *const mode_names[] = {
    [RW_EGRESS_MODE_OFF] = "off",
    [RW_EGRESS_MODE_DENYLIST] = "deny-list",
    [RW_EGRESS_MODE_ALLOWLIST] = "allowlist",
    [RW_EGRESS_MODE_NONE] = "none",
};

const char *rw_egress_mode_name(enum rw_egress_mode mode)
{
        if ((size_t)mode >= RW_ELEMENTSOF(mode_names))
                return "invalid";
        return mode_names[mode];
}

int rw_egress_mode_from_name(const char *name, enum rw_egress_mode *ret)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(mode_names); i++)
                if (strcmp(name, mode_names[i]) == 0) {
                        *ret = (enum rw_egress_mode)i;
                        return 0;
                }
        return -EINVAL;
}

/* ---- addresses ---- */

static unsigned max_prefix(int family)
{
        return family == AF_INET ? 32 : 128;
}

static void cidr_mask(struct rw_cidr *c)
{
        unsigned len = max_prefix(c->family) / 8;

        for (unsigned i = 0; i < 16; i++) {
                unsigned bit = i * 8;

                if (i >= len || bit >= c->prefix)
                        c->addr[i] = 0;
                else if (bit + 8 > c->prefix)
                        c->addr[i] &= (uint8_t)(0xff00u >> (c->prefix - bit));
        }
}

static bool cidr_host_bits_set(const struct rw_cidr *c)
{
        struct rw_cidr masked = *c;

        cidr_mask(&masked);
        return memcmp(masked.addr, c->addr, sizeof(c->addr)) != 0;
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int rw_cidr_parse(const char *text, struct rw_cidr *ret, struct rw_error *err)
{
        char addr[INET6_ADDRSTRLEN + 1];
        const char *slash = strchr(text, '/');
        size_t alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
        struct rw_cidr c = {0};
        unsigned prefix;

        if (alen == 0 || alen >= sizeof(addr))
                return rw_error_set(err, EINVAL, "'%s' is not an address or CIDR", text);
        memcpy(addr, text, alen);
        addr[alen] = '\0';
        if (inet_pton(AF_INET, addr, c.addr) == 1)
                c.family = AF_INET;
        else if (inet_pton(AF_INET6, addr, c.addr) == 1)
                c.family = AF_INET6;
        else
                return rw_error_set(err, EINVAL, "'%s' is not an address or CIDR", text);
        prefix = max_prefix(c.family);
        if (slash != NULL) {
                const char *p = slash + 1;

                if (*p == '\0' || strlen(p) > 3)
                        return rw_error_set(err, EINVAL, "'%s': invalid prefix length", text);
                prefix = 0;
                for (; *p != '\0'; p++) {
                        if (*p < '0' || *p > '9')
                                return rw_error_set(err, EINVAL, "'%s': invalid prefix length",
                                                    text);
                        prefix = prefix * 10 + (unsigned)(*p - '0');
                }
                if (prefix > max_prefix(c.family))
                        return rw_error_set(err, EINVAL, "'%s': prefix length above %u", text,
                                            max_prefix(c.family));
        }
        /* A packet to ::ffff:a.b.c.d leaves as IPv4: judge it as IPv4. */
        if (c.family == AF_INET6 && memcmp(c.addr, v4mapped_prefix, 12) == 0 && prefix >= 96) {
                memmove(c.addr, c.addr + 12, 4);
                memset(c.addr + 4, 0, 12);
                c.family = AF_INET;
                prefix -= 96;
        }
        c.prefix = (uint8_t)prefix;
        if (cidr_host_bits_set(&c))
                return rw_error_set(err, EINVAL, "'%s' has bits set beyond its prefix length",
                                    text);
        *ret = c;
        return 0;
}

/* Decimal digits of v (below 1000) at p; returns the end. */
static char *put_small(char *p, unsigned v)
{
        if (v >= 100)
                *p++ = (char)('0' + v / 100);
        if (v >= 10)
                *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        return p;
}

/* inet_ntop()'s text, "/" and the prefix; IPv4 without stdio (a create prints each twice). */
int rw_cidr_format(const struct rw_cidr *cidr, char *buf, size_t size)
{
        char text[INET6_ADDRSTRLEN + 4], *p = text;
        size_t n;

        if (cidr->family == AF_INET) {
                for (int i = 0; i < 4; i++) {
                        if (i > 0)
                                *p++ = '.';
                        p = put_small(p, cidr->addr[i]);
                }
        } else {
                if (inet_ntop(cidr->family, cidr->addr, text, INET6_ADDRSTRLEN) == NULL)
                        return -EINVAL;
                p = text + strlen(text);
        }
        *p++ = '/';
        p = put_small(p, cidr->prefix);
        n = (size_t)(p - text);
        if (n >= size)
                return -ENOBUFS;
        memcpy(buf, text, n);
        buf[n] = '\0';
        return (int)n;
}

bool rw_cidr_contains(const struct rw_cidr *range, const struct rw_cidr *addr)
{
        struct rw_cidr masked;

        if (range->family != addr->family || addr->prefix < range->prefix)
                return false;
        masked = *addr;
        masked.prefix = range->prefix;
        cidr_mask(&masked);
        return memcmp(masked.addr, range->addr, sizeof(range->addr)) == 0;
}

static struct rw_cidr cidr_const(const char *text)
{
        struct rw_cidr c = {0};

        /* Only called on the literals of this file; the unit tests parse every one of them. */
        (void)rw_cidr_parse(text, &c, NULL);
        return c;
}

/* ---- config and ruleset lifetimes ---- */

void rw_egress_config_init(struct rw_egress_config *cfg)
{
        *cfg = (struct rw_egress_config){.mode = RW_EGRESS_MODE_DENYLIST};
}

static void targets_free(struct rw_egress_target *t, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(t[i].host);
        free(t);
}

void rw_egress_config_free(struct rw_egress_config *cfg)
{
        if (cfg == NULL)
                return;
        targets_free(cfg->kubernetes_api, cfg->n_kubernetes_api);
        targets_free(cfg->control_planes, cfg->n_control_planes);
        targets_free(cfg->allow, cfg->n_allow);
        rw_egress_config_init(cfg);
}

void rw_egress_ruleset_free(struct rw_egress_ruleset *set)
{
        if (set == NULL)
                return;
        free(set->rules);
        for (size_t i = 0; i < set->n_notes; i++)
                free(set->notes[i]);
        free(set->notes);
        *set = (struct rw_egress_ruleset){0};
}

/* ---- the builder ---- */

struct builder {
        struct rw_egress_ruleset *set;
        size_t cap;
        struct rw_error *err;
};

static bool same_match(const struct rw_egress_rule *a, const struct rw_egress_rule *b)
{
        return a->match == b->match && a->family == b->family && a->has_cidr == b->has_cidr &&
               (!a->has_cidr || (a->cidr.prefix == b->cidr.prefix &&
                                 memcmp(a->cidr.addr, b->cidr.addr, sizeof(a->cidr.addr)) == 0)) &&
               a->l4proto == b->l4proto && a->port_first == b->port_first &&
               a->port_last == b->port_last;
}

static int add_rule(struct builder *b, const struct rw_egress_rule *rule)
{
        struct rw_egress_ruleset *set = b->set;

        /* A rule that an earlier one matches exactly can never decide anything. */
        for (size_t i = 0; i < set->n_rules; i++)
                if (same_match(&set->rules[i], rule))
                        return 0;
        if (set->n_rules >= RW_EGRESS_RULES_MAX)
                return rw_error_set(b->err, E2BIG, "more than %d egress rules",
                                    RW_EGRESS_RULES_MAX);
        if (set->n_rules == b->cap) {
                size_t cap = b->cap == 0 ? 32 : b->cap * 2;
                struct rw_egress_rule *rules = reallocarray(set->rules, cap, sizeof(*rules));

                if (rules == NULL)
                        return rw_error_set(b->err, ENOMEM, "out of memory");
                set->rules = rules;
                b->cap = cap;
        }
        set->rules[set->n_rules++] = *rule;
        return 0;
}

static int add_simple(struct builder *b, const char *id, enum rw_egress_verdict verdict,
                      enum rw_egress_match match)
{
        struct rw_egress_rule rule = {.verdict = verdict, .match = match};

        snprintf(rule.id, sizeof(rule.id), "%s", id);
        return add_rule(b, &rule);
}

static int add_dest(struct builder *b, const char *id, enum rw_egress_verdict verdict,
                    const struct rw_cidr *cidr, uint8_t l4proto, uint16_t port_first,
                    uint16_t port_last)
{
        struct rw_egress_rule rule = {.verdict = verdict, .match = RW_EGRESS_MATCH_DEST};

        snprintf(rule.id, sizeof(rule.id), "%s", id);
        if (cidr != NULL) {
                rule.family = cidr->family;
                rule.has_cidr = true;
                rule.cidr = *cidr;
        }
        rule.l4proto = l4proto;
        rule.port_first = port_first;
        rule.port_last = port_last;
        return add_rule(b, &rule);
}

static int add_note(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_note(struct builder *b, const char *fmt, ...)
{
        struct rw_egress_ruleset *set = b->set;
        char **notes;
        char *note;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&note, fmt, ap);
        va_end(ap);
        if (n < 0)
                return rw_error_set(b->err, ENOMEM, "out of memory");
        notes = reallocarray(set->notes, set->n_notes + 1, sizeof(*notes));
        if (notes == NULL) {
                free(note);
                return rw_error_set(b->err, ENOMEM, "out of memory");
        }
        set->notes = notes;
        set->notes[set->n_notes++] = note;
        return 0;
}

static int check_target(const struct rw_egress_target *t, const char *list, struct rw_error *err)
{
        if (t->host != NULL && t->has_cidr)
                return rw_error_set(err, EINVAL, "%s: an entry names both a host and a CIDR", list);
        if (t->port_first > t->port_last || (t->port_first == 0 && t->port_last != 0))
                return rw_error_set(err, EINVAL, "%s: invalid port range %u-%u", list,
                                    (unsigned)t->port_first, (unsigned)t->port_last);
        if (t->proto != RW_EGRESS_PROTO_ANY && t->proto != RW_EGRESS_PROTO_TCP &&
            t->proto != RW_EGRESS_PROTO_UDP)
                return rw_error_set(err, EINVAL, "%s: invalid protocol", list);
        return 0;
}

/* One entry, for every address it stands for and every protocol its ports mean. */
static int add_target(struct builder *b, const char *id, enum rw_egress_verdict verdict,
                      const struct rw_egress_target *t, const struct rw_egress_facts *facts)
{
        static const uint8_t tcp_udp[] = {IPPROTO_TCP, IPPROTO_UDP};
        const struct rw_cidr *addrs = NULL;
        uint8_t one_proto[1];
        const uint8_t *protos;
        size_t n_addrs = 1, n_protos;
        int r;

        if (t->proto == RW_EGRESS_PROTO_TCP || t->proto == RW_EGRESS_PROTO_UDP) {
                one_proto[0] = t->proto == RW_EGRESS_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
                protos = one_proto;
                n_protos = 1;
        } else if (t->port_first != 0) {
                protos = tcp_udp;
                n_protos = 2;
        } else {
                one_proto[0] = 0;
                protos = one_proto;
                n_protos = 1;
        }

        if (t->host != NULL) {
                const struct rw_egress_host *found = NULL;

                for (size_t i = 0; i < facts->n_hosts && found == NULL; i++)
                        if (facts->hosts[i].name != NULL &&
                            strcasecmp(facts->hosts[i].name, t->host) == 0)
                                found = &facts->hosts[i];
                if (found == NULL || found->n_addrs == 0)
                        return add_note(b,
                                        "%s: host %s had no address at create; it matches "
                                        "nothing",
                                        id, t->host);
                addrs = found->addrs;
                n_addrs = found->n_addrs;
        } else if (t->has_cidr) {
                addrs = &t->cidr;
        }

        for (size_t a = 0; a < n_addrs; a++)
                for (size_t p = 0; p < n_protos; p++) {
                        r = add_dest(b, id, verdict, addrs != NULL ? &addrs[a] : NULL, protos[p],
                                     t->port_first, t->port_last);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int add_targets(struct builder *b, const char *id, enum rw_egress_verdict verdict,
                       const struct rw_egress_target *t, size_t n,
                       const struct rw_egress_facts *facts)
{
        for (size_t i = 0; i < n; i++) {
                int r = add_target(b, id, verdict, &t[i], facts);

                if (r < 0)
                        return r;
        }
        return 0;
}

/* Every address always denied unless a tier allows metadata (docs/egress.md says whose). */
static const char *const metadata_ranges[] = {
    "169.254.0.0/16",   "fe80::/10",          "fd00:ec2::254/128", "fd00:ec2::23/128",
    "fd20:ce::254/128", "100.100.100.200/32", "168.63.129.16/32",
};

#define AZURE_WIRESERVER "168.63.129.16/32"

static const char *const private_ranges[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7",
};

static bool in_ranges(const struct rw_cidr *addr, const char *const *ranges, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                struct rw_cidr range = cidr_const(ranges[i]);

                if (rw_cidr_contains(&range, addr))
                        return true;
        }
        return false;
}

static bool is_loopback(const struct rw_cidr *addr)
{
        static const char *const loopback[] = {"127.0.0.0/8", "::1/128"};

        return in_ranges(addr, loopback, RW_ELEMENTSOF(loopback));
}

static int add_metadata(struct builder *b)
{
        struct rw_cidr azure = cidr_const(AZURE_WIRESERVER);
        int r;

        /* Azure's wireserver is also the VM's DNS resolver: port 53 stays reachable. */
        r = add_dest(b, "egress.metadata.azure-dns", RW_EGRESS_ACCEPT, &azure, IPPROTO_UDP, 53, 53);
        if (r < 0)
                return r;
        r = add_dest(b, "egress.metadata.azure-dns", RW_EGRESS_ACCEPT, &azure, IPPROTO_TCP, 53, 53);
        if (r < 0)
                return r;
        for (size_t i = 0; i < RW_ELEMENTSOF(metadata_ranges); i++) {
                struct rw_cidr range = cidr_const(metadata_ranges[i]);

                r = add_dest(b, "egress.metadata", RW_EGRESS_REJECT, &range, 0, 0, 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "NAME=value" entries of the environment named `name`, every one of them (duplicates too). */
static const char *env_next(const struct rw_egress_facts *facts, const char *name, size_t *pos)
{
        size_t len = strlen(name);

        for (; *pos < facts->n_env; (*pos)++) {
                const char *e = facts->env[*pos];

                if (e != NULL && strncmp(e, name, len) == 0 && e[len] == '=') {
                        (*pos)++;
                        return e + len + 1;
                }
        }
        return NULL;
}

static bool parse_port(const char *s, uint16_t *ret)
{
        unsigned long v = 0;

        if (*s == '\0' || strlen(s) > 5)
                return false;
        for (; *s != '\0'; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                v = v * 10 + (unsigned long)(*s - '0');
        }
        if (v == 0 || v > 65535)
                return false;
        *ret = (uint16_t)v;
        return true;
}

bool rw_egress_port_range_parse(const char *text, uint16_t *ret_first, uint16_t *ret_last)
{
        const char *dash = strchr(text, '-');
        char first[8];
        uint16_t a, b;

        if (dash == NULL) {
                if (!parse_port(text, &a))
                        return false;
                *ret_first = *ret_last = a;
                return true;
        }
        if ((size_t)(dash - text) >= sizeof(first))
                return false;
        memcpy(first, text, (size_t)(dash - text));
        first[dash - text] = '\0';
        if (!parse_port(first, &a) || !parse_port(dash + 1, &b) || a > b)
                return false;
        *ret_first = a;
        *ret_last = b;
        return true;
}

bool rw_egress_host_name_valid(const char *name)
{
        size_t len = strlen(name);
        struct rw_cidr ignored;

        if (len == 0 || len > 253 || name[0] == '.' || name[0] == '-')
                return false;
        for (const char *c = name; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
                        return false;
        /* An address belongs in "cidr": a host name is looked up, an address is not. */
        return rw_cidr_parse(name, &ignored, NULL) < 0;
}

/*
 * The API ports the environment names, into ports[] (*ret_n of them). False when a value is not
 * a port: the API address is then rejected on every port.
 */
static bool kubernetes_env_ports(const struct rw_egress_facts *facts, uint16_t *ports, size_t cap,
                                 size_t *ret_n, const char **ret_bad)
{
        static const char *const port_vars[] = {"KUBERNETES_SERVICE_PORT",
                                                "KUBERNETES_SERVICE_PORT_HTTPS"};
        size_t n = 0;

        for (size_t i = 0; i < RW_ELEMENTSOF(port_vars); i++) {
                size_t pos = 0;
                const char *v;

                while ((v = env_next(facts, port_vars[i], &pos)) != NULL) {
                        uint16_t port;
                        bool seen = false;

                        if (!parse_port(v, &port) || n == cap) {
                                *ret_bad = v;
                                *ret_n = 0;
                                return false;
                        }
                        for (size_t k = 0; k < n; k++)
                                seen = seen || ports[k] == port;
                        if (!seen)
                                ports[n++] = port;
                }
        }
        *ret_n = n;
        return true;
}

/*
 * The job's environment is the job's own: what it says only ever adds rejections. Every value
 * of every copy of the variables counts, whichever copy a client would read.
 */
static int add_kubernetes_env(struct builder *b, const struct rw_egress_facts *facts)
{
        const char *id = "egress.control-plane.kubernetes";
        const char *v, *bad = NULL;
        uint16_t ports[8];
        size_t n_ports, pos = 0;
        int r;

        if (!kubernetes_env_ports(facts, ports, RW_ELEMENTSOF(ports), &n_ports, &bad)) {
                r = add_note(b,
                             "%s: port '%.64s' from the environment is not usable; the API "
                             "address is rejected on every port",
                             id, bad);
                if (r < 0)
                        return r;
        }
        while ((v = env_next(facts, "KUBERNETES_SERVICE_HOST", &pos)) != NULL) {
                struct rw_cidr addr;

                if (strchr(v, '/') != NULL || rw_cidr_parse(v, &addr, NULL) < 0) {
                        r = add_note(b,
                                     "%s: KUBERNETES_SERVICE_HOST=%.64s is not an address; "
                                     "nothing added for it",
                                     id, v);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (n_ports == 0) {
                        r = add_dest(b, id, RW_EGRESS_REJECT, &addr, 0, 0, 0);
                        if (r < 0)
                                return r;
                }
                for (size_t k = 0; k < n_ports; k++) {
                        r = add_dest(b, id, RW_EGRESS_REJECT, &addr, IPPROTO_TCP, ports[k],
                                     ports[k]);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int add_control_planes(struct builder *b, const struct rw_egress_config *cfg,
                              const struct rw_egress_facts *facts)
{
        int r;

        if (!cfg->allow_control_planes) {
                r = add_kubernetes_env(b, facts);
                if (r < 0)
                        return r;
        }
        r = add_targets(b, "egress.control-plane.kubernetes", RW_EGRESS_REJECT, cfg->kubernetes_api,
                        cfg->n_kubernetes_api, facts);
        if (r < 0)
                return r;
        if (!cfg->allow_control_planes) {
                r = add_dest(b, "egress.control-plane.kubelet", RW_EGRESS_REJECT, NULL, IPPROTO_TCP,
                             10250, 10250);
                if (r < 0)
                        return r;
                r = add_dest(b, "egress.control-plane.docker", RW_EGRESS_REJECT, NULL, IPPROTO_TCP,
                             2375, 2376);
                if (r < 0)
                        return r;
        }
        return add_targets(b, "egress.control-plane.operator", RW_EGRESS_REJECT,
                           cfg->control_planes, cfg->n_control_planes, facts);
}

static int add_resolvers(struct builder *b, const struct rw_egress_config *cfg,
                         const struct rw_egress_facts *facts)
{
        int r;

        if (cfg->deny_resolvers)
                return 0;
        for (size_t i = 0; i < facts->n_resolvers; i++) {
                const struct rw_cidr *ns = &facts->resolvers[i];
                char text[INET6_ADDRSTRLEN + 8];

                /* 127.0.0.11 (docker), 127.0.0.53 (systemd-resolved): egress.loopback already. */
                if (is_loopback(ns))
                        continue;
                if (!cfg->allow_metadata &&
                    in_ranges(ns, metadata_ranges, RW_ELEMENTSOF(metadata_ranges))) {
                        struct rw_cidr azure = cidr_const(AZURE_WIRESERVER);

                        /* Azure's resolver is egress.metadata.azure-dns already. */
                        if (rw_cidr_contains(&azure, ns))
                                continue;
                        rw_cidr_format(ns, text, sizeof(text));
                        r = add_note(b,
                                     "egress.resolver: %s lies in a metadata range and stays "
                                     "rejected",
                                     text);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = add_dest(b, "egress.resolver", RW_EGRESS_ACCEPT, ns, IPPROTO_UDP, 53, 53);
                if (r < 0)
                        return r;
                r = add_dest(b, "egress.resolver", RW_EGRESS_ACCEPT, ns, IPPROTO_TCP, 53, 53);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int check_config(const struct rw_egress_config *cfg, struct rw_error *err)
{
        const struct {
                const char *name;
                const struct rw_egress_target *t;
                size_t n;
        } lists[] = {
            {"kubernetes_api", cfg->kubernetes_api, cfg->n_kubernetes_api},
            {"deny", cfg->control_planes, cfg->n_control_planes},
            {"allow", cfg->allow, cfg->n_allow},
        };

        if ((size_t)cfg->mode >= RW_ELEMENTSOF(mode_names))
                return rw_error_set(err, EINVAL, "invalid egress mode %d", (int)cfg->mode);
        for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++)
                for (size_t i = 0; i < lists[l].n; i++) {
                        int r = check_target(&lists[l].t[i], lists[l].name, err);

                        if (r < 0)
                                return r;
                }
        return 0;
}

int rw_egress_build(const struct rw_egress_config *cfg, const struct rw_egress_facts *facts,
                    struct rw_egress_ruleset *ret, struct rw_error *err)
{
        static const struct rw_egress_facts no_facts = {0};
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {.mode = cfg->mode};
        struct builder b = {.set = &set, .err = err};
        bool allowlist = cfg->mode == RW_EGRESS_MODE_ALLOWLIST;
        bool later_reject = allowlist || cfg->deny_private;
        int r;

        if (facts == NULL)
                facts = &no_facts;
        r = check_config(cfg, err);
        if (r < 0)
                return r;
        if (cfg->mode == RW_EGRESS_MODE_OFF)
                goto done;

        r = add_simple(&b, "egress.loopback", RW_EGRESS_ACCEPT, RW_EGRESS_MATCH_LOOPBACK);
        if (r < 0)
                return r;
        if (cfg->mode == RW_EGRESS_MODE_NONE) {
                r = add_simple(&b, "egress.default", RW_EGRESS_REJECT, RW_EGRESS_MATCH_ALL);
                if (r < 0)
                        return r;
                goto done;
        }

        /* Neighbour advertisements answer a router's link-local address: egress.metadata
         * would reject them and IPv6 would stop working. */
        r = add_simple(&b, "egress.ndp", RW_EGRESS_ACCEPT, RW_EGRESS_MATCH_NDP);
        if (r < 0)
                return r;
        if (!cfg->allow_metadata) {
                r = add_metadata(&b);
                if (r < 0)
                        return r;
        }
        r = add_control_planes(&b, cfg, facts);
        if (r < 0)
                return r;

        if (later_reject) {
                r = add_simple(&b, "egress.established", RW_EGRESS_ACCEPT,
                               RW_EGRESS_MATCH_ESTABLISHED);
                if (r < 0)
                        return r;
                r = add_resolvers(&b, cfg, facts);
                if (r < 0)
                        return r;
                r = add_targets(&b, "egress.allow", RW_EGRESS_ACCEPT, cfg->allow, cfg->n_allow,
                                facts);
                if (r < 0)
                        return r;
        } else if (cfg->n_allow > 0) {
                r = add_note(&b,
                             "egress.allow: %zu entries have no effect in a deny-list that "
                             "does not deny private ranges",
                             cfg->n_allow);
                if (r < 0)
                        return r;
        }

        if (allowlist) {
                r = add_simple(&b, "egress.default", RW_EGRESS_REJECT, RW_EGRESS_MATCH_ALL);
                if (r < 0)
                        return r;
        } else if (cfg->deny_private) {
                for (size_t i = 0; i < RW_ELEMENTSOF(private_ranges); i++) {
                        struct rw_cidr range = cidr_const(private_ranges[i]);

                        r = add_dest(&b, "egress.private", RW_EGRESS_REJECT, &range, 0, 0, 0);
                        if (r < 0)
                                return r;
                }
        }
done:
        *ret = set;
        set = (struct rw_egress_ruleset){0};
        return 0;
}

/* ---- printing ---- */

static const char *l4name(uint8_t proto)
{
        return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "?";
}

int rw_egress_rule_format(const struct rw_egress_rule *rule, char *buf, size_t size)
{
        const char *verdict = rule->verdict == RW_EGRESS_ACCEPT ? "accept" : "reject";
        char match[RW_EGRESS_RULE_TEXT] = "";
        size_t len = 0;
        int n;

#define APPEND(...)                                                                                \
        do {                                                                                       \
                n = snprintf(match + len, sizeof(match) - len, __VA_ARGS__);                       \
                if (n < 0 || (size_t)n >= sizeof(match) - len)                                     \
                        return -ENOBUFS;                                                           \
                len += (size_t)n;                                                                  \
        } while (0)

        switch (rule->match) {
        case RW_EGRESS_MATCH_LOOPBACK:
                APPEND("oif lo ");
                break;
        case RW_EGRESS_MATCH_NDP:
                APPEND("icmpv6 type 133-136 ");
                break;
        case RW_EGRESS_MATCH_ESTABLISHED:
                APPEND("ct state established,related ");
                break;
        case RW_EGRESS_MATCH_ALL:
                break;
        case RW_EGRESS_MATCH_DEST:
                if (rule->has_cidr) {
                        char cidr[INET6_ADDRSTRLEN + 8];

                        if (rw_cidr_format(&rule->cidr, cidr, sizeof(cidr)) < 0)
                                return -EINVAL;
                        APPEND("%s daddr %s ", rule->family == AF_INET ? "ip" : "ip6", cidr);
                } else if (rule->family != 0) {
                        APPEND("meta nfproto %s ", rule->family == AF_INET ? "ipv4" : "ipv6");
                }
                if (rule->port_first != 0 && rule->port_first != rule->port_last)
                        APPEND("%s dport %u-%u ", l4name(rule->l4proto), (unsigned)rule->port_first,
                               (unsigned)rule->port_last);
                else if (rule->port_first != 0)
                        APPEND("%s dport %u ", l4name(rule->l4proto), (unsigned)rule->port_first);
                else if (rule->l4proto != 0)
                        APPEND("meta l4proto %s ", l4name(rule->l4proto));
                break;
        default:
                return -EINVAL;
        }
#undef APPEND
        n = snprintf(buf, size, "%s%s", match, verdict);
        if (n < 0 || (size_t)n >= size)
                return -ENOBUFS;
        return n;
}

int rw_egress_ruleset_format(const struct rw_egress_ruleset *set, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r = 0;

        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        fprintf(f, "mode %s\n", rw_egress_mode_name(set->mode));
        for (size_t i = 0; i < set->n_rules && r >= 0; i++) {
                char line[RW_EGRESS_RULE_TEXT];

                r = rw_egress_rule_format(&set->rules[i], line, sizeof(line));
                if (r >= 0)
                        fprintf(f, "%s: %s\n", set->rules[i].id, line);
        }
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return rw_error_set(err, -r, "cannot print egress rule");
        *ret = TAKE_PTR(text);
        return 0;
}

int rw_egress_ruleset_lines(const struct rw_egress_ruleset *set,
                            int (*each)(const char *line, size_t len, void *data), void *data,
                            char ret_hex[65], struct rw_error *err)
{
        const char *mode = rw_egress_mode_name(set->mode);
        uint8_t digest[RW_SHA256_DIGEST];
        struct rw_sha256 ctx;

        /* The hash of rw_egress_ruleset_format()'s text, fed line by line: no second print. */
        rw_sha256_init(&ctx);
        rw_sha256_update(&ctx, "mode ", 5);
        rw_sha256_update(&ctx, mode, strlen(mode));
        rw_sha256_update(&ctx, "\n", 1);
        for (size_t i = 0; i < set->n_rules; i++) {
                char line[RW_EGRESS_LINE_TEXT];
                size_t id_len = strnlen(set->rules[i].id, sizeof(set->rules[i].id));
                int n, r;

                if (id_len == sizeof(set->rules[i].id))
                        return rw_error_set(err, EINVAL, "cannot print egress rule");
                memcpy(line, set->rules[i].id, id_len);
                memcpy(line + id_len, ": ", 2);
                /* the text's limit of rw_egress_ruleset_format(), whatever the id's length */
                n = rw_egress_rule_format(&set->rules[i], line + id_len + 2, RW_EGRESS_RULE_TEXT);
                if (n < 0)
                        return rw_error_set(err, -n, "cannot print egress rule");
                n += (int)id_len + 2;
                rw_sha256_update(&ctx, line, (size_t)n);
                rw_sha256_update(&ctx, "\n", 1);
                if (each != NULL) {
                        r = each(line, (size_t)n, data);
                        if (r < 0)
                                return rw_error_set(err, -r, "egress rule %s", set->rules[i].id);
                }
        }
        rw_sha256_final(&ctx, digest);
        rw_sha256_to_hex(digest, ret_hex);
        return 0;
}

int rw_egress_ruleset_fingerprint(const struct rw_egress_ruleset *set, char ret_hex[65],
                                  struct rw_error *err)
{
        return rw_egress_ruleset_lines(set, NULL, NULL, ret_hex, err);
}

/* ---- resolv.conf ---- */

int rw_egress_parse_resolv_conf(const char *text, struct rw_cidr **ret, size_t *ret_n,
                                struct rw_error *err)
{
        _cleanup_free_ struct rw_cidr *list = NULL;
        size_t n = 0;
        const char *line = text;

        while (line != NULL && *line != '\0') {
                const char *end = strchr(line, '\n');
                size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
                char buf[256], *p, *word, *save = NULL;

                if (len < sizeof(buf)) {
                        memcpy(buf, line, len);
                        buf[len] = '\0';
                        p = buf;
                        word = strtok_r(p, " \t\r", &save);
                        if (word != NULL && strcmp(word, "nameserver") == 0 &&
                            (word = strtok_r(NULL, " \t\r", &save)) != NULL) {
                                struct rw_cidr addr;
                                char *zone = strchr(word, '%');
                                bool dup = false;

                                if (zone != NULL)
                                        *zone = '\0';
                                if (strchr(word, '/') == NULL &&
                                    rw_cidr_parse(word, &addr, NULL) == 0) {
                                        for (size_t i = 0; i < n; i++)
                                                dup = dup ||
                                                      (list[i].family == addr.family &&
                                                       memcmp(list[i].addr, addr.addr, 16) == 0);
                                        if (!dup) {
                                                struct rw_cidr *grown =
                                                    reallocarray(list, n + 1, sizeof(*list));

                                                if (grown == NULL)
                                                        return rw_error_set(err, ENOMEM,
                                                                            "out of memory");
                                                list = grown;
                                                list[n++] = addr;
                                        }
                                }
                        }
                }
                line = end != NULL ? end + 1 : NULL;
        }
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}
