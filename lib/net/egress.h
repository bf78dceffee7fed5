/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Egress control, the pure part: a tier's egress settings (struct rw_egress_config) and the facts
 * of one job (its environment, its resolvers, the addresses its allowlisted host names had at
 * create) become an ordered list of rules (struct rw_egress_ruleset). The first rule that matches
 * a packet leaving the job's network namespace decides it. Nothing here does I/O: the list is
 * printed, logged, written to the hook's hand-off file and installed by lib/net/nft.h.
 *
 * The order the builder emits, first match wins (docs/egress.md has the full table):
 *   egress.loopback            accept  oif lo (every mode)
 *   egress.ndp                 accept  IPv6 neighbour discovery (not in `none`)
 *   egress.metadata.azure-dns  accept  168.63.129.16 port 53 (when metadata is denied)
 *   egress.metadata            reject  link-local and cloud metadata addresses
 *   egress.control-plane.*     reject  Kubernetes API, kubelet, docker, operator-listed
 *   egress.established         accept  ct state established,related
 *   egress.resolver            accept  the job's resolvers, port 53, udp and tcp
 *   egress.allow               accept  allow entries (exceptions in a deny-list)
 *   egress.private             reject  RFC 1918, 100.64.0.0/10, fc00::/7 (deny-list, when set)
 *   egress.default             reject  everything else (allowlist and none)
 * A deny-list has no last rule: what no rule rejected leaves the namespace. established,
 * resolver and allow only appear where a later rule rejects.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RW_EGRESS_ID_MAX    48
#define RW_EGRESS_RULE_TEXT 128 /* longest rule text, NUL included */
#define RW_EGRESS_RULES_MAX 4096

enum rw_egress_mode {
        RW_EGRESS_MODE_OFF,       /* no rules, no hook: the tier does not control egress */
        RW_EGRESS_MODE_DENYLIST,  /* everything but what the rules reject */
        RW_EGRESS_MODE_ALLOWLIST, /* only loopback, resolvers and the allow entries */
        RW_EGRESS_MODE_NONE,      /* only loopback */
};

enum rw_egress_proto {
        RW_EGRESS_PROTO_ANY,
        RW_EGRESS_PROTO_TCP,
        RW_EGRESS_PROTO_UDP,
};

/* An address range. IPv4 uses addr[0..3]; bits beyond the prefix are always zero. */
struct rw_cidr {
        int family; /* AF_INET or AF_INET6 */
        uint8_t addr[16];
        uint8_t prefix;
};

/*
 * One entry of an operator's list: addresses (a CIDR, a host name resolved at create, or
 * neither: every address of both families), a protocol and a port range. Ports without a
 * protocol mean TCP and UDP.
 */
struct rw_egress_target {
        char *host; /* NULL, or a DNS name looked up at create */
        bool has_cidr;
        struct rw_cidr cidr;
        enum rw_egress_proto proto;
        uint16_t port_first; /* 0 and 0: every port */
        uint16_t port_last;
};

struct rw_egress_config {
        enum rw_egress_mode mode;
        bool allow_metadata; /* the tier explicitly allows link-local and metadata addresses */
        bool allow_control_planes; /* the tier explicitly allows kube API, kubelet, docker */
        bool deny_private;         /* deny-list: reject RFC 1918, CGNAT and ULA destinations */
        bool deny_resolvers;       /* do not let the job's resolvers through (allowlist, private) */
        struct rw_egress_target *kubernetes_api; /* configured API addresses, beside the env's */
        size_t n_kubernetes_api;
        struct rw_egress_target *control_planes; /* operator-listed, rejected */
        size_t n_control_planes;
        struct rw_egress_target *allow; /* allowlist, or exceptions to egress.private */
        size_t n_allow;
};

/* The addresses one host name of the allowlist had when the container was created. */
struct rw_egress_host {
        const char *name;
        const struct rw_cidr *addrs; /* full-length prefixes */
        size_t n_addrs;
};

/* Facts about one job, gathered by the caller. */
struct rw_egress_facts {
        const char *const *env; /* process.env of the spec, "NAME=value" */
        size_t n_env;
        const struct rw_cidr *resolvers; /* nameservers of the container's resolv.conf */
        size_t n_resolvers;
        const struct rw_egress_host *hosts; /* every host name of the config, resolved */
        size_t n_hosts;
};

enum rw_egress_verdict {
        RW_EGRESS_ACCEPT,
        RW_EGRESS_REJECT, /* TCP reset for TCP, ICMP administratively prohibited otherwise */
};

enum rw_egress_match {
        RW_EGRESS_MATCH_LOOPBACK,    /* output interface is lo */
        RW_EGRESS_MATCH_NDP,         /* ICMPv6 types 133-136 */
        RW_EGRESS_MATCH_ESTABLISHED, /* conntrack state established or related */
        RW_EGRESS_MATCH_DEST,        /* family, destination range, protocol, port range */
        RW_EGRESS_MATCH_ALL,
};

struct rw_egress_rule {
        char id[RW_EGRESS_ID_MAX];
        enum rw_egress_verdict verdict;
        enum rw_egress_match match;
        /* RW_EGRESS_MATCH_DEST only: */
        int family; /* 0: both */
        bool has_cidr;
        struct rw_cidr cidr; /* family equals `family` */
        uint8_t l4proto;     /* 0: any, IPPROTO_TCP, IPPROTO_UDP */
        uint16_t port_first; /* 0 and 0: every port; else l4proto is set */
        uint16_t port_last;
};

struct rw_egress_ruleset {
        enum rw_egress_mode mode;
        struct rw_egress_rule *rules;
        size_t n_rules;
        char **notes; /* what the builder left out and why, for the decision log */
        size_t n_notes;
};

/*
 * What a tier's "egress" object says (lib/policy parses it, docs/egress.md): the rules' config and
 * whether the hook keeps the namespace for the counters read at delete.
 */
struct rw_egress_settings {
        struct rw_egress_config config;
        bool counters;
};

/* A DNS name as an allow or deny entry may name it: letters, digits, '-' and '.', at most 253
 * characters, not an address (addresses are CIDRs, looked up by nobody). */
bool rw_egress_host_name_valid(const char *name);

/* "443" or "8000-8100": a port or an inclusive range of ports 1-65535, first <= last. */
bool rw_egress_port_range_parse(const char *text, uint16_t *ret_first, uint16_t *ret_last);

/* Defaults: deny-list, metadata and control planes denied, private ranges and resolvers allowed. */
void rw_egress_config_init(struct rw_egress_config *cfg);
void rw_egress_config_free(struct rw_egress_config *cfg);
void rw_egress_ruleset_free(struct rw_egress_ruleset *set);

static inline void rw_egress_config_freep(struct rw_egress_config *cfg)
{
        rw_egress_config_free(cfg);
}

static inline void rw_egress_ruleset_freep(struct rw_egress_ruleset *set)
{
        rw_egress_ruleset_free(set);
}

#define _cleanup_egress_config_  __attribute__((cleanup(rw_egress_config_freep)))
#define _cleanup_egress_ruleset_ __attribute__((cleanup(rw_egress_ruleset_freep)))

/*
 * The rules for one job. Pure: same config and facts, same list. Values from the job's
 * environment (KUBERNETES_SERVICE_HOST) only ever add rejections. A host name of the config
 * missing from the facts, or with no address, is left out with a note (it then allows nothing).
 * Fails (-EINVAL, -E2BIG) only on an invalid config or more than RW_EGRESS_RULES_MAX rules.
 */
int rw_egress_build(const struct rw_egress_config *cfg, const struct rw_egress_facts *facts,
                    struct rw_egress_ruleset *ret, struct rw_error *err);

/* nft-like text, matches then verdict: "ip daddr 169.254.0.0/16 reject", "oif lo accept", "reject".
 */
int rw_egress_rule_format(const struct rw_egress_rule *rule, char *buf, size_t size);

/*
 * The whole list as text, one "ID: RULE" line per rule after a "mode MODE" line: what the
 * decision log records and what the fingerprint covers. Caller frees *ret.
 */
int rw_egress_ruleset_format(const struct rw_egress_ruleset *set, char **ret, struct rw_error *err);

/* One "ID: RULE" line of rw_egress_ruleset_format(), NUL included. */
#define RW_EGRESS_LINE_TEXT (RW_EGRESS_ID_MAX + 2 + RW_EGRESS_RULE_TEXT)

/*
 * The fingerprint (below) and, when `each` is not NULL, each rule's "ID: RULE" line (without its
 * newline) handed to `each` in order, from one print of the list. A negative errno from `each`
 * stops the walk and is returned.
 */
int rw_egress_ruleset_lines(const struct rw_egress_ruleset *set,
                            int (*each)(const char *line, size_t len, void *data), void *data,
                            char ret_hex[65], struct rw_error *err);

/* SHA-256 of rw_egress_ruleset_format(), hex: two lists are the same when their prints are. */
int rw_egress_ruleset_fingerprint(const struct rw_egress_ruleset *set, char ret_hex[65],
                                  struct rw_error *err);

const char *rw_egress_mode_name(enum rw_egress_mode mode);
int rw_egress_mode_from_name(const char *name, enum rw_egress_mode *ret);

/* "10.0.0.0/8", "fd00::1" (a full-length prefix), "::ffff:1.2.3.4" is taken as IPv4. */
int rw_cidr_parse(const char *text, struct rw_cidr *ret, struct rw_error *err);
int rw_cidr_format(const struct rw_cidr *cidr, char *buf, size_t size);
/* True when `addr` (a full address or a range) lies inside `range`. */
bool rw_cidr_contains(const struct rw_cidr *range, const struct rw_cidr *addr);

/*
 * The nameservers of a resolv.conf text, in order, duplicates dropped. Lines other than
 * "nameserver ADDR" are ignored; an address with a zone ("fe80::1%eth0") is kept without it.
 * Caller frees *ret.
 */
int rw_egress_parse_resolv_conf(const char *text, struct rw_cidr **ret, size_t *ret_n,
                                struct rw_error *err);
