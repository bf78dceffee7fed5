/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/net without netlink: the egress builder (config + facts -> ordered rules, compared as the
 * printed list), addresses, resolv.conf, the policy's "egress" object, the rule list's JSON,
 * SHA-256, and the hook's hand-off file in a temporary directory.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "egress.h"
#include "egress_facts.h"
#include "egress_handoff.h"
#include "egress_json.h"
#include "policy.h"
#include "sha256.h"

#define HEAD                                                                                       \
        "egress.loopback: oif lo accept\n"                                                         \
        "egress.ndp: icmpv6 type 133-136 accept\n"
#define METADATA                                                                                   \
        "egress.metadata.azure-dns: ip daddr 168.63.129.16/32 udp dport 53 accept\n"               \
        "egress.metadata.azure-dns: ip daddr 168.63.129.16/32 tcp dport 53 accept\n"               \
        "egress.metadata: ip daddr 169.254.0.0/16 reject\n"                                        \
        "egress.metadata: ip6 daddr fe80::/10 reject\n"                                            \
        "egress.metadata: ip6 daddr fd00:ec2::254/128 reject\n"                                    \
        "egress.metadata: ip6 daddr fd00:ec2::23/128 reject\n"                                     \
        "egress.metadata: ip6 daddr fd20:ce::254/128 reject\n"                                     \
        "egress.metadata: ip daddr 100.100.100.200/32 reject\n"                                    \
        "egress.metadata: ip daddr 168.63.129.16/32 reject\n"
#define KUBELET_DOCKER                                                                             \
        "egress.control-plane.kubelet: tcp dport 10250 reject\n"                                   \
        "egress.control-plane.docker: tcp dport 2375-2376 reject\n"
#define PRIVATE                                                                                    \
        "egress.private: ip daddr 10.0.0.0/8 reject\n"                                             \
        "egress.private: ip daddr 172.16.0.0/12 reject\n"                                          \
        "egress.private: ip daddr 192.168.0.0/16 reject\n"                                         \
        "egress.private: ip daddr 100.64.0.0/10 reject\n"                                          \
        "egress.private: ip6 daddr fc00::/7 reject\n"

static struct rw_cidr cidr(const char *text)
{
        struct rw_error err = {0};
        struct rw_cidr c;

        if (rw_cidr_parse(text, &c, &err) < 0)
                fail_msg("rw_cidr_parse(%s): %s", text, err.msg);
        return c;
}

/* Build and print; the notes, if wanted, joined by "\n". */
static char *build_text(const struct rw_egress_config *cfg, const struct rw_egress_facts *facts,
                        char **ret_notes)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        struct rw_error err = {0};
        char *text = NULL;

        if (rw_egress_build(cfg, facts, &set, &err) < 0)
                fail_msg("rw_egress_build: %s", err.msg);
        if (rw_egress_ruleset_format(&set, &text, &err) < 0)
                fail_msg("rw_egress_ruleset_format: %s", err.msg);
        if (ret_notes != NULL) {
                size_t size = 1;
                char *notes;

                for (size_t i = 0; i < set.n_notes; i++)
                        size += strlen(set.notes[i]) + 1;
                notes = calloc(1, size);
                assert_non_null(notes);
                for (size_t i = 0; i < set.n_notes; i++) {
                        strcat(notes, set.notes[i]);
                        strcat(notes, "\n");
                }
                *ret_notes = notes;
        }
        return text;
}

/*
 * A tier's "egress" object goes through the policy parser, the only reader of it: the policy's
 * one tier "t" has `egress` as its "egress" member.
 */
static int policy_with(const char *egress, struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;

        assert_true(asprintf(&text,
                             "{\"version\": 1, \"default_tier\": \"t\", \"strictness\": "
                             "[\"t\"],\n \"tiers\": {\"t\": {\"egress\": %s}}}",
                             egress) > 0);
        return rw_policy_parse(text, strlen(text), "test.json", ret, err);
}

static const struct rw_egress_settings *settings_from(const char *json, struct rw_policy *policy)
{
        struct rw_error err = {0};

        if (policy_with(json, policy, &err) < 0)
                fail_msg("policy with egress %s: %s", json, err.msg);
        assert_non_null(policy->tiers[0].settings.egress);
        return policy->tiers[0].settings.egress;
}

static int settings_error(const char *json, struct rw_error *err)
{
        _cleanup_policy_ struct rw_policy policy = {0};

        return policy_with(json, &policy, err);
}

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void **state)
{
        char hex[RW_SHA256_HEX];
        char million[1000];
        struct rw_sha256 ctx;
        uint8_t digest[RW_SHA256_DIGEST];

        (void)state;
        rw_sha256_hex("", 0, hex);
        assert_string_equal(hex,
                            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        rw_sha256_hex("abc", 3, hex);
        assert_string_equal(hex,
                            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        rw_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
        assert_string_equal(hex,
                            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        memset(million, 'a', sizeof(million));
        rw_sha256_init(&ctx);
        for (int i = 0; i < 1000; i++)
                rw_sha256_update(&ctx, million, sizeof(million));
        rw_sha256_final(&ctx, digest);
        rw_sha256_to_hex(digest, hex);
        assert_string_equal(hex,
                            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* ---- addresses ---- */

static void test_cidr_parse(void **state)
{
        struct rw_error err = {0};
        char buf[64];
        struct rw_cidr c;

        (void)state;
        c = cidr("10.0.0.0/8");
        assert_int_equal(c.family, AF_INET);
        assert_int_equal(c.prefix, 8);
        c = cidr("169.254.169.254");
        assert_int_equal(c.prefix, 32);
        c = cidr("fd00:ec2::254");
        assert_int_equal(c.family, AF_INET6);
        assert_int_equal(c.prefix, 128);
        c = cidr("0.0.0.0/0");
        assert_int_equal(c.prefix, 0);
        /* A v4-mapped address leaves as IPv4 and is judged as such. */
        c = cidr("::ffff:169.254.169.254");
        assert_int_equal(c.family, AF_INET);
        assert_int_equal(c.prefix, 32);
        rw_cidr_format(&c, buf, sizeof(buf));
        assert_string_equal(buf, "169.254.169.254/32");
        c = cidr("::ffff:10.0.0.0/104");
        rw_cidr_format(&c, buf, sizeof(buf));
        assert_string_equal(buf, "10.0.0.0/8");

        assert_int_equal(rw_cidr_parse("10.0.0.1/8", &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "bits set beyond"));
        assert_int_equal(rw_cidr_parse("10.0.0.0/33", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("fe80::/129", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("10.0.0.0/", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("10.0.0.0/-1", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("10.0.0.0/8x", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("example.com", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("1.2.3", &c, &err), -EINVAL);
        assert_int_equal(rw_cidr_parse("fe80::1%eth0", &c, &err), -EINVAL);
}

/* The text is inet_ntop()'s and "/%u", as it was printed before; buffers too small are refused. */
static void test_cidr_format_as_inet_ntop(void **state)
{
        static const uint8_t octets[] = {0, 1, 9, 10, 99, 100, 169, 254, 255};
        static const uint8_t prefixes[] = {0, 7, 8, 32, 99, 100, 128, 255};
        static const char *const v6[] = {
            "::",        "::1", "fe80::", "fd00:ec2::254", "2001:db8::1:0:0:1", "1:2:3:4:5:6:7:8",
            "::ffff:0:1"};
        char buf[64], addr[INET6_ADDRSTRLEN], expected[64];
        struct rw_cidr c = {0};

        (void)state;
        for (size_t a = 0; a < RW_ELEMENTSOF(octets); a++)
                for (size_t b = 0; b < RW_ELEMENTSOF(octets); b++)
                        for (size_t p = 0; p < RW_ELEMENTSOF(prefixes); p++) {
                                c = (struct rw_cidr){.family = AF_INET, .prefix = prefixes[p]};
                                c.addr[0] = octets[a];
                                c.addr[1] = octets[b];
                                c.addr[2] = octets[(a + b) % RW_ELEMENTSOF(octets)];
                                c.addr[3] = octets[(a * 3 + p) % RW_ELEMENTSOF(octets)];
                                assert_non_null(inet_ntop(AF_INET, c.addr, addr, sizeof(addr)));
                                snprintf(expected, sizeof(expected), "%s/%u", addr, c.prefix);
                                assert_int_equal(rw_cidr_format(&c, buf, sizeof(buf)),
                                                 strlen(expected));
                                assert_string_equal(buf, expected);
                        }
        for (size_t i = 0; i < RW_ELEMENTSOF(v6); i++) {
                c = (struct rw_cidr){.family = AF_INET6, .prefix = prefixes[i]};
                assert_int_equal(inet_pton(AF_INET6, v6[i], c.addr), 1);
                assert_non_null(inet_ntop(AF_INET6, c.addr, addr, sizeof(addr)));
                snprintf(expected, sizeof(expected), "%s/%u", addr, c.prefix);
                assert_int_equal(rw_cidr_format(&c, buf, sizeof(buf)), strlen(expected));
                assert_string_equal(buf, expected);
        }
        c = cidr("255.255.255.255");
        assert_int_equal(rw_cidr_format(&c, buf, strlen("255.255.255.255/32")), -ENOBUFS);
        assert_int_equal(rw_cidr_format(&c, buf, strlen("255.255.255.255/32") + 1), 18);
        c = cidr("fd00:ec2::254");
        assert_int_equal(rw_cidr_format(&c, buf, strlen("fd00:ec2::254/128")), -ENOBUFS);
        c.family = AF_UNIX;
        assert_int_equal(rw_cidr_format(&c, buf, sizeof(buf)), -EINVAL);
}

static void test_cidr_contains(void **state)
{
        struct rw_cidr net = cidr("172.16.0.0/12"), a = cidr("172.31.255.255"),
                       b = cidr("172.32.0.0"), v6 = cidr("fc00::/7"), u = cidr("fdff::1"),
                       g = cidr("fe00::1"), all = cidr("0.0.0.0/0");

        (void)state;
        assert_true(rw_cidr_contains(&net, &a));
        assert_false(rw_cidr_contains(&net, &b));
        assert_true(rw_cidr_contains(&v6, &u));
        assert_false(rw_cidr_contains(&v6, &g));
        assert_false(rw_cidr_contains(&net, &u));
        assert_true(rw_cidr_contains(&all, &a));
        assert_false(rw_cidr_contains(&a, &net)); /* a narrower range does not hold a wider */
}

/* ---- the builder ---- */

static void test_default_denylist(void **state)
{
        struct rw_egress_config cfg;
        _cleanup_free_ char *text = NULL, *notes = NULL;

        (void)state;
        rw_egress_config_init(&cfg);
        text = build_text(&cfg, NULL, &notes);
        assert_string_equal(text, "mode deny-list\n" HEAD METADATA KUBELET_DOCKER);
        assert_string_equal(notes, "");
}

static void test_denylist_private(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        struct rw_egress_target allow[] = {
            {.has_cidr = true,
             .cidr = cidr("10.1.2.3/32"),
             .proto = RW_EGRESS_PROTO_TCP,
             .port_first = 8080,
             .port_last = 8080},
        };
        struct rw_cidr resolvers[] = {cidr("127.0.0.11"), cidr("10.0.0.2"), cidr("::1")};
        struct rw_egress_facts facts = {.resolvers = resolvers, .n_resolvers = 3};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.deny_private = true;
        cfg.allow = allow;
        cfg.n_allow = 1;
        text = build_text(&cfg, &facts, &notes);
        assert_string_equal(text,
                            "mode deny-list\n" HEAD METADATA KUBELET_DOCKER
                            "egress.established: ct state established,related accept\n"
                            "egress.resolver: ip daddr 10.0.0.2/32 udp dport 53 accept\n"
                            "egress.resolver: ip daddr 10.0.0.2/32 tcp dport 53 accept\n"
                            "egress.allow: ip daddr 10.1.2.3/32 tcp dport 8080 accept\n" PRIVATE);
        assert_string_equal(notes, "");
}

static void test_denylist_allow_without_private_is_noted(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        struct rw_egress_target allow[] = {{.has_cidr = true, .cidr = cidr("10.1.2.3/32")}};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.allow = allow;
        cfg.n_allow = 1;
        text = build_text(&cfg, NULL, &notes);
        assert_null(strstr(text, "egress.allow"));
        assert_null(strstr(text, "egress.established"));
        assert_non_null(strstr(notes, "egress.allow: 1 entries have no effect"));
}

static void test_allowlist(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        struct rw_egress_target allow[] = {
            {.host = "github.com",
             .proto = RW_EGRESS_PROTO_TCP,
             .port_first = 443,
             .port_last = 443},
            {.host = "gone.example", .port_first = 80, .port_last = 80},
            {.has_cidr = true, .cidr = cidr("2001:db8::/32")},
        };
        struct rw_cidr gh[] = {cidr("140.82.112.3"), cidr("2606:50c0::1")};
        struct rw_egress_host hosts[] = {{.name = "GitHub.com", .addrs = gh, .n_addrs = 2}};
        struct rw_cidr resolvers[] = {cidr("192.168.1.1")};
        struct rw_egress_facts facts = {
            .resolvers = resolvers, .n_resolvers = 1, .hosts = hosts, .n_hosts = 1};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.mode = RW_EGRESS_MODE_ALLOWLIST;
        cfg.allow = allow;
        cfg.n_allow = RW_ELEMENTSOF(allow);
        text = build_text(&cfg, &facts, &notes);
        assert_string_equal(text, "mode allowlist\n" HEAD METADATA KUBELET_DOCKER
                                  "egress.established: ct state established,related accept\n"
                                  "egress.resolver: ip daddr 192.168.1.1/32 udp dport 53 accept\n"
                                  "egress.resolver: ip daddr 192.168.1.1/32 tcp dport 53 accept\n"
                                  "egress.allow: ip daddr 140.82.112.3/32 tcp dport 443 accept\n"
                                  "egress.allow: ip6 daddr 2606:50c0::1/128 tcp dport 443 accept\n"
                                  "egress.allow: ip6 daddr 2001:db8::/32 accept\n"
                                  "egress.default: reject\n");
        assert_string_equal(notes, "egress.allow: host gone.example had no address at create; it "
                                   "matches nothing\n");
}

static void test_none_and_off(void **state)
{
        _cleanup_free_ char *none = NULL, *off = NULL;
        struct rw_cidr resolvers[] = {cidr("10.0.0.2")};
        const char *env[] = {"KUBERNETES_SERVICE_HOST=10.96.0.1"};
        struct rw_egress_facts facts = {
            .env = env, .n_env = 1, .resolvers = resolvers, .n_resolvers = 1};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.mode = RW_EGRESS_MODE_NONE;
        none = build_text(&cfg, &facts, NULL);
        assert_string_equal(none, "mode none\n"
                                  "egress.loopback: oif lo accept\n"
                                  "egress.default: reject\n");
        cfg.mode = RW_EGRESS_MODE_OFF;
        off = build_text(&cfg, &facts, NULL);
        assert_string_equal(off, "mode off\n");
}

static void test_allow_metadata_and_control_planes(void **state)
{
        _cleanup_free_ char *text = NULL;
        struct rw_egress_target deny[] = {
            {.has_cidr = true, .cidr = cidr("10.20.0.0/16")},
            {.proto = RW_EGRESS_PROTO_TCP, .port_first = 6443, .port_last = 6443},
        };
        struct rw_egress_target api[] = {{.has_cidr = true,
                                          .cidr = cidr("192.168.5.10/32"),
                                          .proto = RW_EGRESS_PROTO_TCP,
                                          .port_first = 6443,
                                          .port_last = 6443}};
        const char *env[] = {"KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_SERVICE_PORT=443"};
        struct rw_egress_facts facts = {.env = env, .n_env = 2};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.allow_metadata = true;
        cfg.allow_control_planes = true;
        cfg.control_planes = deny;
        cfg.n_control_planes = 2;
        cfg.kubernetes_api = api;
        cfg.n_kubernetes_api = 1;
        text = build_text(&cfg, &facts, NULL);
        /* The built-in control planes go, the operator's lists stay. */
        assert_string_equal(
            text,
            "mode deny-list\n" HEAD
            "egress.control-plane.kubernetes: ip daddr 192.168.5.10/32 tcp dport 6443 reject\n"
            "egress.control-plane.operator: ip daddr 10.20.0.0/16 reject\n"
            "egress.control-plane.operator: tcp dport 6443 reject\n");
}

static void test_kubernetes_env(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        /* Every copy counts, whichever a client reads; a value only adds rejections. */
        const char *env[] = {
            "PATH=/bin",
            "KUBERNETES_SERVICE_HOST=10.96.0.1",
            "KUBERNETES_SERVICE_PORT=443",
            "KUBERNETES_SERVICE_PORT_HTTPS=443",
            "KUBERNETES_SERVICE_HOST=fd00:96::1",
            "KUBERNETES_SERVICE_HOST=kubernetes.default.svc",
            "KUBERNETES_SERVICE_HOST=10.0.0.0/8",
            "KUBERNETES_SERVICE_HOSTX=10.1.1.1",
            "KUBERNETES_SERVICE_PORT=6443",
        };
        struct rw_egress_facts facts = {.env = env, .n_env = RW_ELEMENTSOF(env)};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        text = build_text(&cfg, &facts, &notes);
        assert_string_equal(
            text, "mode deny-list\n" HEAD METADATA
                  "egress.control-plane.kubernetes: ip daddr 10.96.0.1/32 tcp dport 443 reject\n"
                  "egress.control-plane.kubernetes: ip daddr 10.96.0.1/32 tcp dport 6443 reject\n"
                  "egress.control-plane.kubernetes: ip6 daddr fd00:96::1/128 tcp dport 443 reject\n"
                  "egress.control-plane.kubernetes: ip6 daddr fd00:96::1/128 tcp dport 6443 "
                  "reject\n" KUBELET_DOCKER);
        assert_string_equal(notes,
                            "egress.control-plane.kubernetes: KUBERNETES_SERVICE_HOST=kubernetes."
                            "default.svc is not an address; nothing added for it\n"
                            "egress.control-plane.kubernetes: KUBERNETES_SERVICE_HOST=10.0.0.0/8 "
                            "is not an address; nothing added for it\n");
}

static void test_kubernetes_env_bad_port(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        const char *env[] = {"KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_SERVICE_PORT=https"};
        struct rw_egress_facts facts = {.env = env, .n_env = 2};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        text = build_text(&cfg, &facts, &notes);
        /* A port that cannot be read makes the rejection wider, never narrower. */
        assert_non_null(strstr(text, "egress.control-plane.kubernetes: ip daddr 10.96.0.1/32 "
                                     "reject\n"));
        assert_non_null(strstr(notes, "port 'https' from the environment is not usable"));
}

static void test_resolvers(void **state)
{
        _cleanup_free_ char *text = NULL, *notes = NULL;
        struct rw_cidr resolvers[] = {cidr("127.0.0.53"),      cidr("169.254.169.253"),
                                      cidr("168.63.129.16"),   cidr("fd00:ec2::253"),
                                      cidr("2001:4860::8888"), cidr("::1")};
        struct rw_egress_facts facts = {.resolvers = resolvers,
                                        .n_resolvers = RW_ELEMENTSOF(resolvers)};
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.mode = RW_EGRESS_MODE_ALLOWLIST;
        text = build_text(&cfg, &facts, &notes);
        assert_non_null(
            strstr(text, "egress.established: ct state established,related accept\n"
                         "egress.resolver: ip6 daddr fd00:ec2::253/128 udp dport 53 accept\n"
                         "egress.resolver: ip6 daddr fd00:ec2::253/128 tcp dport 53 accept\n"
                         "egress.resolver: ip6 daddr 2001:4860::8888/128 udp dport 53 accept\n"
                         "egress.resolver: ip6 daddr 2001:4860::8888/128 tcp dport 53 accept\n"
                         "egress.default: reject\n"));
        assert_null(strstr(text, "127.0.0.53"));
        assert_null(strstr(text, "egress.resolver: ip daddr 168.63.129.16"));
        assert_string_equal(notes, "egress.resolver: 169.254.169.253/32 lies in a metadata range "
                                   "and stays rejected\n");

        free(text);
        free(notes);
        cfg.deny_resolvers = true;
        text = build_text(&cfg, &facts, &notes);
        assert_null(strstr(text, "egress.resolver"));
}

static void test_ports_and_duplicates(void **state)
{
        _cleanup_free_ char *text = NULL;
        struct rw_egress_target allow[] = {
            {.has_cidr = true,
             .cidr = cidr("198.51.100.0/24"),
             .port_first = 8000,
             .port_last = 8100},
            {.has_cidr = true,
             .cidr = cidr("198.51.100.0/24"),
             .proto = RW_EGRESS_PROTO_TCP,
             .port_first = 8000,
             .port_last = 8100},
            {.has_cidr = true, .cidr = cidr("198.51.100.7/32"), .proto = RW_EGRESS_PROTO_UDP},
        };
        struct rw_egress_config cfg;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.mode = RW_EGRESS_MODE_ALLOWLIST;
        cfg.allow = allow;
        cfg.n_allow = RW_ELEMENTSOF(allow);
        text = build_text(&cfg, NULL, NULL);
        assert_non_null(strstr(text, "egress.allow: ip daddr 198.51.100.0/24 tcp dport 8000-8100 "
                                     "accept\n"
                                     "egress.allow: ip daddr 198.51.100.0/24 udp dport 8000-8100 "
                                     "accept\n"
                                     "egress.allow: ip daddr 198.51.100.7/32 meta l4proto udp "
                                     "accept\n"
                                     "egress.default: reject\n"));
}

static void test_invalid_config_and_limit(void **state)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        struct rw_egress_target bad[] = {{.port_first = 90, .port_last = 80}};
        struct rw_egress_target *many;
        struct rw_egress_config cfg;
        struct rw_error err = {0};

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.control_planes = bad;
        cfg.n_control_planes = 1;
        assert_int_equal(rw_egress_build(&cfg, NULL, &set, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "invalid port range"));

        many = calloc(RW_EGRESS_RULES_MAX, sizeof(*many));
        assert_non_null(many);
        for (size_t i = 0; i < RW_EGRESS_RULES_MAX; i++) {
                many[i].has_cidr = true;
                many[i].cidr.family = AF_INET;
                many[i].cidr.prefix = 32;
                many[i].cidr.addr[0] = 198;
                many[i].cidr.addr[1] = 18;
                many[i].cidr.addr[2] = (uint8_t)(i >> 8);
                many[i].cidr.addr[3] = (uint8_t)i;
        }
        rw_egress_config_init(&cfg);
        cfg.mode = RW_EGRESS_MODE_ALLOWLIST;
        cfg.allow = many;
        cfg.n_allow = RW_EGRESS_RULES_MAX;
        assert_int_equal(rw_egress_build(&cfg, NULL, &set, &err), -E2BIG);
        free(many);
}

static void test_fingerprint(void **state)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset a = {0}, b = {0};
        char fa[65], fb[65], fc[65];
        struct rw_egress_config cfg;
        struct rw_error err = {0};

        (void)state;
        rw_egress_config_init(&cfg);
        assert_int_equal(rw_egress_build(&cfg, NULL, &a, &err), 0);
        assert_int_equal(rw_egress_build(&cfg, NULL, &b, &err), 0);
        assert_int_equal(rw_egress_ruleset_fingerprint(&a, fa, &err), 0);
        assert_int_equal(rw_egress_ruleset_fingerprint(&b, fb, &err), 0);
        assert_string_equal(fa, fb);
        b.rules[b.n_rules - 1].port_last = 2377;
        assert_int_equal(rw_egress_ruleset_fingerprint(&b, fc, &err), 0);
        assert_string_not_equal(fa, fc);
        assert_int_equal(strlen(fa), 64);
}

static int collect_line(const char *line, size_t len, void *data)
{
        char **text = data;
        size_t old = *text != NULL ? strlen(*text) : 0;
        char *grown = realloc(*text, old + len + 2);

        if (grown == NULL)
                return -ENOMEM;
        memcpy(grown + old, line, len);
        memcpy(grown + old + len, "\n", 2);
        *text = grown;
        return 0;
}

static int refuse_line(const char *line, size_t len, void *data)
{
        (void)line;
        (void)len;
        (void)data;
        return -ENOMEM;
}

/* The fingerprint is the SHA-256 of the printed list, and the lines handed out are its lines. */
static void test_fingerprint_is_of_the_print(void **state)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_free_ char *text = NULL, *lines = NULL, *expected = NULL;
        const struct rw_egress_settings *s;
        const char *env[] = {"KUBERNETES_SERVICE_HOST=fd00:96::1", "KUBERNETES_SERVICE_PORT=443"};
        struct rw_egress_facts facts = {.env = env, .n_env = 2};
        struct rw_error err = {0};
        char hex[65], walked[65];

        (void)state;
        s = settings_from("{\"mode\": \"allowlist\", \"allow\": [{\"cidr\": \"0.0.0.0/0\","
                          " \"ports\": [\"1-1024\"]}, {\"cidr\": \"::/0\"}]}",
                          &policy);
        assert_int_equal(rw_egress_build(&s->config, &facts, &set, &err), 0);
        assert_int_equal(rw_egress_ruleset_format(&set, &text, &err), 0);
        rw_sha256_hex(text, strlen(text), hex);
        assert_int_equal(rw_egress_ruleset_fingerprint(&set, walked, &err), 0);
        assert_string_equal(walked, hex);
        memset(walked, 0, sizeof(walked));
        assert_int_equal(rw_egress_ruleset_lines(&set, collect_line, &lines, walked, &err), 0);
        assert_string_equal(walked, hex);
        assert_true(asprintf(&expected, "mode allowlist\n%s", lines) > 0);
        assert_string_equal(expected, text);
        assert_int_equal(rw_egress_ruleset_lines(&set, refuse_line, NULL, walked, &err), -ENOMEM);
}

/* ---- resolv.conf ---- */

static void test_resolv_conf(void **state)
{
        _cleanup_free_ struct rw_cidr *list = NULL;
        struct rw_error err = {0};
        char buf[64];
        size_t n = 0;

        (void)state;
        assert_int_equal(rw_egress_parse_resolv_conf("# docker\n"
                                                     "nameserver 127.0.0.11\n"
                                                     "search example.com\n"
                                                     "nameserver\tfe80::1%eth0\r\n"
                                                     "  nameserver 10.0.0.2 \n"
                                                     "nameserver 127.0.0.11\n"
                                                     "nameserver not-an-address\n"
                                                     "nameserver 10.0.0.0/8\n"
                                                     "options ndots:0\n"
                                                     "nameserver 2001:db8::53",
                                                     &list, &n, &err),
                         0);
        assert_int_equal(n, 4);
        rw_cidr_format(&list[0], buf, sizeof(buf));
        assert_string_equal(buf, "127.0.0.11/32");
        rw_cidr_format(&list[1], buf, sizeof(buf));
        assert_string_equal(buf, "fe80::1/128");
        rw_cidr_format(&list[2], buf, sizeof(buf));
        assert_string_equal(buf, "10.0.0.2/32");
        rw_cidr_format(&list[3], buf, sizeof(buf));
        assert_string_equal(buf, "2001:db8::53/128");
        free(list);
        list = NULL;
        assert_int_equal(rw_egress_parse_resolv_conf("", &list, &n, &err), 0);
        assert_int_equal(n, 0);
}

/* ---- the policy's "egress" object ---- */

static void test_settings_from_json(void **state)
{
        _cleanup_free_ char *text = NULL;
        const struct rw_egress_settings *s;
        struct rw_policy policy = {0};

        (void)state;
        s = settings_from(
            "{\"mode\": \"deny-list\", \"private\": \"deny\", \"metadata\": \"deny\","
            " \"control_planes\": \"deny\", \"resolvers\": \"allow\", \"counters\": false,"
            " \"kubernetes_api\": [{\"cidr\": \"192.168.5.10/32\", \"proto\": \"tcp\","
            " \"ports\": 6443}],"
            " \"deny\": [{\"ports\": [5432, \"9000-9100\"], \"proto\": \"tcp\"}],"
            " \"allow\": [{\"host\": \"cache.example\", \"ports\": \"8080\"}, {\"cidr\": "
            "\"10.9.0.0/16\"}]}",
            &policy);
        assert_int_equal(s->config.mode, RW_EGRESS_MODE_DENYLIST);
        assert_true(s->config.deny_private);
        assert_false(s->config.allow_metadata);
        assert_false(s->counters);
        assert_int_equal(s->config.n_kubernetes_api, 1);
        assert_int_equal(s->config.n_control_planes, 2);
        assert_int_equal(s->config.control_planes[1].port_first, 9000);
        assert_int_equal(s->config.control_planes[1].port_last, 9100);
        assert_int_equal(s->config.n_allow, 2);
        assert_string_equal(s->config.allow[0].host, "cache.example");
        assert_int_equal(s->config.allow[0].proto, RW_EGRESS_PROTO_ANY);
        text = build_text(&s->config, NULL, NULL);
        assert_non_null(
            strstr(text, "egress.control-plane.operator: tcp dport 9000-9100 reject\n"));
        assert_non_null(strstr(text, "egress.allow: ip daddr 10.9.0.0/16 accept\n" PRIVATE));
        rw_policy_clear(&policy);

        s = settings_from("{\"mode\": \"none\"}", &policy);
        assert_int_equal(s->config.mode, RW_EGRESS_MODE_NONE);
        assert_true(s->counters);
        rw_policy_clear(&policy);
        s = settings_from("{\"mode\": \"allowlist\", \"metadata\": \"allow\"}", &policy);
        assert_true(s->config.allow_metadata);
        rw_policy_clear(&policy);
}

/* A tier without "egress" inherits its parent's, deep-copied; the baseline denies metadata. */
static void test_settings_inherited(void **state)
{
        static const char text[] =
            "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"c\", \"b\", \"a\"],"
            " \"tiers\": {\"a\": {\"egress\": {\"mode\": \"allowlist\", \"allow\": [{\"host\":"
            " \"x.example\", \"proto\": \"tcp\", \"ports\": 443}]}},"
            " \"b\": {\"extends\": \"a\"}, \"c\": {}}}";
        _cleanup_policy_ struct rw_policy policy = {0};
        const struct rw_egress_settings *a, *b, *c;
        struct rw_error err = {0};

        (void)state;
        if (rw_policy_parse(text, strlen(text), "test.json", &policy, &err) < 0)
                fail_msg("%s", err.msg);
        a = rw_policy_find_tier(&policy, "a")->settings.egress;
        b = rw_policy_find_tier(&policy, "b")->settings.egress;
        c = rw_policy_find_tier(&policy, "c")->settings.egress;
        assert_int_equal(b->config.mode, RW_EGRESS_MODE_ALLOWLIST);
        assert_int_equal(b->config.n_allow, 1);
        assert_ptr_not_equal(a, b);
        assert_ptr_not_equal(a->config.allow[0].host, b->config.allow[0].host);
        assert_string_equal(b->config.allow[0].host, "x.example");
        assert_int_equal(c->config.mode, RW_EGRESS_MODE_DENYLIST);
        assert_false(c->config.allow_metadata);
        assert_false(c->config.deny_private);
}

static void test_settings_errors(void **state)
{
        static const struct {
                const char *json;
                const char *message;
        } cases[] = {
            {"{}", "tiers.t.egress: missing required key \"mode\""},
            {"{\"mode\": \"denylist\"}", "tiers.t.egress.mode"},
            {"{\"mode\": \"deny-list\", \"extra\": 1}", "tiers.t.egress.extra"},
            {"{\"mode\": \"deny-list\", \"metadata\": true}", "tiers.t.egress.metadata"},
            {"{\"mode\": \"allowlist\", \"private\": \"deny\"}", "only a deny-list"},
            {"{\"mode\": \"deny-list\", \"counters\": \"yes\"}", "tiers.t.egress.counters"},
            {"{\"mode\": \"off\", \"counters\": true}", "mode \"off\" takes no \"counters\""},
            {"{\"mode\": \"none\", \"allow\": []}", "mode \"none\" takes no \"allow\""},
            {"{\"mode\": \"deny-list\", \"allow\": {}}", "tiers.t.egress.allow"},
            {"{\"mode\": \"deny-list\", \"allow\": [{}]}", "needs a \"cidr\""},
            {"{\"mode\": \"deny-list\", \"allow\": [{\"cidr\": \"10.0.0.1/8\"}]}",
             "tiers.t.egress.allow[0].cidr: '10.0.0.1/8' has bits set"},
            {"{\"mode\": \"deny-list\", \"allow\": [{\"cidr\": \"10.0.0.0/8\", \"host\": "
             "\"a.b\"}]}",
             "not both"},
            {"{\"mode\": \"deny-list\", \"allow\": [{\"host\": \"10.0.0.1\"}]}",
             "an address belongs in"},
            {"{\"mode\": \"deny-list\", \"allow\": [{\"host\": \"a b\"}]}", "is not a DNS name"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": 0}]}", "not in 1-65535"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": 65536}]}", "not in 1-65535"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": 1.5}]}", "expected an integer"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": \"90-80\"}]}", "FIRST-LAST"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": \"80-\"}]}", "FIRST-LAST"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": \"+80\"}]}", "FIRST-LAST"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": []}]}", "an empty list of ports"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": [80, 80]}]}", "listed twice"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": 80, \"proto\": \"icmp\"}]}",
             "tiers.t.egress.deny[0].proto"},
            {"{\"mode\": \"deny-list\", \"deny\": [{\"ports\": 80, \"port\": 81}]}",
             "tiers.t.egress.deny[0].port"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                struct rw_error err = {0};

                if (settings_error(cases[i].json, &err) != -EINVAL)
                        fail_msg("accepted: %s", cases[i].json);
                if (strstr(err.msg, cases[i].message) == NULL)
                        fail_msg("%s: message '%s' lacks '%s'", cases[i].json, err.msg,
                                 cases[i].message);
                /* located: FILE:LINE:COLUMN */
                if (strncmp(err.msg, "test.json:2:", 12) != 0)
                        fail_msg("%s: message '%s' is not located", cases[i].json, err.msg);
        }
}

/* ---- rule lists as JSON ---- */

static void test_ruleset_json_roundtrip(void **state)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0}, back = {0};
        _cleanup_free_ char *a = NULL, *b = NULL;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_policy_ struct rw_policy policy = {0};
        const struct rw_egress_settings *s;
        struct rw_error err = {0};
        const char *env[] = {"KUBERNETES_SERVICE_HOST=fd00:96::1", "KUBERNETES_SERVICE_PORT=443"};
        struct rw_egress_facts facts = {.env = env, .n_env = 2};

        (void)state;
        s = settings_from("{\"mode\": \"allowlist\", \"allow\": [{\"cidr\": \"0.0.0.0/0\","
                          " \"ports\": [\"1-1024\"]}, {\"cidr\": \"::/0\"}]}",
                          &policy);
        assert_int_equal(rw_egress_build(&s->config, &facts, &set, &err), 0);
        assert_int_equal(rw_egress_ruleset_to_json(&set, &doc, &err), 0);
        assert_int_equal(rw_egress_ruleset_from_json(doc, &back, &err), 0);
        assert_int_equal(rw_egress_ruleset_format(&set, &a, &err), 0);
        assert_int_equal(rw_egress_ruleset_format(&back, &b, &err), 0);
        assert_string_equal(a, b);
        assert_non_null(strstr(a, "egress.allow: ip daddr 0.0.0.0/0 tcp dport 1-1024 accept\n"));
}

static void test_ruleset_json_errors(void **state)
{
        static const char *const bad[] = {
            "[]",
            "{\"mode\": \"deny-list\"}",
            "{\"mode\": \"off\", \"rules\": [{\"id\": \"egress.x\", \"verdict\": \"accept\","
            " \"match\": \"all\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": []}",
            "{\"mode\": \"deny-list\", \"rules\": [], \"x\": 1}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"x\", \"verdict\": \"accept\","
            " \"match\": \"all\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"drop\","
            " \"match\": \"all\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"accept\","
            " \"match\": \"loopback\", \"proto\": \"tcp\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"accept\","
            " \"match\": \"dest\", \"ports\": \"53\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"accept\","
            " \"match\": \"dest\", \"family\": \"ipv6\", \"daddr\": \"10.0.0.0/8\"}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"accept\","
            " \"match\": \"dest\", \"family\": 4}]}",
            "{\"mode\": \"deny-list\", \"rules\": [{\"id\": \"egress.a\", \"verdict\": \"accept\","
            " \"match\": \"sideways\"}]}",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(bad); i++) {
                _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
                _cleanup_json_ json_t *doc = json_loads(bad[i], 0, NULL);
                struct rw_error err = {0};

                assert_non_null(doc);
                if (rw_egress_ruleset_from_json(doc, &set, &err) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
        }
}

/* ---- host names (getaddrinfo; "localhost" is in every /etc/hosts) ---- */

static void test_resolve(void **state)
{
        _cleanup_egress_resolved_ struct rw_egress_resolved r = {0};
        struct rw_egress_target allow[] = {
            {.host = "localhost"}, {.host = "LOCALHOST"}, {.host = "name.invalid"}};
        struct rw_egress_config cfg;
        struct rw_error err = {0};
        bool v4 = false;

        (void)state;
        rw_egress_config_init(&cfg);
        cfg.allow = allow;
        cfg.n_allow = 3;
        assert_int_equal(rw_egress_resolve(&cfg, &r, &err), 0);
        assert_int_equal(r.n_hosts, 2);
        assert_string_equal(r.hosts[0].name, "localhost");
        for (size_t i = 0; i < r.hosts[0].n_addrs; i++)
                v4 = v4 ||
                     (r.hosts[0].addrs[i].family == AF_INET && r.hosts[0].addrs[i].addr[0] == 127);
        assert_true(v4);
        assert_string_equal(r.hosts[1].name, "name.invalid");
        assert_int_equal(r.hosts[1].n_addrs, 0);
}

/* ---- the hand-off file ---- */

struct fixture {
        char dir[64];
        char egress[96];
        char bundle[96];
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        snprintf(f->dir, sizeof(f->dir), "/tmp/rw-test-egress-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->egress, sizeof(f->egress), "%s/egress", f->dir);
        snprintf(f->bundle, sizeof(f->bundle), "%s/bundle", f->dir);
        assert_int_equal(mkdir(f->bundle, 0700), 0);
        *state = f;
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(f);
        return 0;
}

static void make_handoff(const struct fixture *f, const char *id, struct rw_egress_handoff *h)
{
        struct rw_egress_config cfg;
        struct rw_error err = {0};
        struct stat st;

        assert_int_equal(stat(f->bundle, &st), 0);
        *h = (struct rw_egress_handoff){.pin = true};
        h->id = strdup(id);
        h->bundle = strdup(f->bundle);
        h->bundle_dev = (uint64_t)st.st_dev;
        h->bundle_ino = (uint64_t)st.st_ino;
        snprintf(h->tier, sizeof(h->tier), "untrusted");
        rw_egress_config_init(&cfg);
        assert_int_equal(rw_egress_build(&cfg, NULL, &h->rules, &err), 0);
}

static void key_path(const struct fixture *f, const char *id, char *buf, size_t size)
{
        char key[RW_EGRESS_KEY_CHARS];
        struct stat st;

        assert_int_equal(stat(f->bundle, &st), 0);
        assert_int_equal(
            rw_egress_handoff_key(id, (uint64_t)st.st_dev, (uint64_t)st.st_ino, key, NULL), 0);
        snprintf(buf, size, "%s/%s.json", f->egress, key);
}

static void test_handoff_key(void **state)
{
        char a[RW_EGRESS_KEY_CHARS], b[RW_EGRESS_KEY_CHARS], c[RW_EGRESS_KEY_CHARS],
            d[RW_EGRESS_KEY_CHARS];
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(rw_egress_handoff_key("job", 1, 2, a, &err), 0);
        assert_int_equal(rw_egress_handoff_key("job", 1, 3, b, &err), 0);
        assert_int_equal(rw_egress_handoff_key("job", 12, 3, c, &err), 0);
        assert_int_equal(rw_egress_handoff_key("job1", 2, 3, d, &err), 0);
        assert_string_not_equal(a, b);
        assert_string_not_equal(b, c);
        assert_string_not_equal(c, d); /* "job" 12 3 and "job1" 2 3 do not run together */
        assert_int_equal(strlen(a), 64);
        assert_int_equal(rw_egress_handoff_key("../x", 1, 2, a, &err), -EINVAL);
        assert_int_equal(rw_egress_handoff_key("..", 1, 2, a, &err), -EINVAL);
        assert_int_equal(rw_egress_handoff_key("", 1, 2, a, &err), -EINVAL);
}

static void test_handoff_roundtrip(void **state)
{
        struct fixture *f = *state;
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0}, back = {0};
        _cleanup_free_ char *a = NULL, *b = NULL;
        struct rw_error err = {0};
        char bundle_alias[160], path[200];
        struct stat st;

        make_handoff(f, "job-1", &h);
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), 0);
        assert_int_equal(stat(f->egress, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        key_path(f, "job-1", path, sizeof(path));
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);

        /* The runtime may spell the bundle differently: its inode is what counts. */
        snprintf(bundle_alias, sizeof(bundle_alias), "%s/./bundle/", f->dir);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", bundle_alias, &back, &err), 0);
        assert_string_equal(back.id, "job-1");
        assert_true(back.pin);
        assert_string_equal(back.tier, "untrusted");
        assert_int_equal(rw_egress_ruleset_format(&h.rules, &a, &err), 0);
        assert_int_equal(rw_egress_ruleset_format(&back.rules, &b, &err), 0);
        assert_string_equal(a, b);

        /* Taken once. */
        rw_egress_handoff_free(&back);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err),
                         -ENOENT);
        assert_non_null(strstr(err.msg, "runwarden prepared no egress rules for container job-1"));
        /* Another container, or the same id with another bundle, finds nothing. */
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), 0);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-2", f->bundle, &back, &err),
                         -ENOENT);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->dir, &back, &err), -ENOENT);
        assert_int_equal(
            rw_egress_handoff_remove(f->egress, "job-1", h.bundle_dev, h.bundle_ino, &err), 0);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err),
                         -ENOENT);
        /* No directory at all. */
        assert_int_equal(
            rw_egress_handoff_take("/nonexistent/egress", "job-1", f->bundle, &back, &err),
            -ENOENT);
}

static void test_handoff_refusals(void **state)
{
        struct fixture *f = *state;
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0}, back = {0};
        struct rw_error err = {0};
        char path[200], other[200], link[200];

        make_handoff(f, "job-1", &h);
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), 0);
        key_path(f, "job-1", path, sizeof(path));

        /* A file others may write is not runwarden's. */
        assert_int_equal(chmod(path, 0622), 0);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err),
                         -EPERM);
        assert_int_equal(chmod(path, 0600), 0);

        /* Nor is a directory others may write. */
        assert_int_equal(chmod(f->egress, 0733), 0);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err),
                         -EPERM);
        assert_int_equal(chmod(f->egress, 0700), 0);

        /* A file renamed to another container's name says whose it is. */
        key_path(f, "job-2", other, sizeof(other));
        assert_int_equal(rename(path, other), 0);
        assert_int_equal(rw_egress_handoff_take(f->egress, "job-2", f->bundle, &back, &err),
                         -EINVAL);
        assert_non_null(strstr(err.msg, "was written for container job-1"));

        /* A symlink in the file's place is not followed. */
        assert_int_equal(symlink(other, path), 0);
        assert_true(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err) < 0);
        assert_int_equal(unlink(path), 0);

        /* Nor a symlink in the directory's place. */
        snprintf(link, sizeof(link), "%s/egress-link", f->dir);
        assert_int_equal(symlink(f->egress, link), 0);
        assert_true(rw_egress_handoff_take(link, "job-2", f->bundle, &back, &err) < 0);
        assert_int_equal(rw_egress_handoff_take("relative/egress", "job-2", f->bundle, &back, &err),
                         -EINVAL);
}

/*
 * What the hand-off file held when it was dumped from a tree by jansson: the hook, and any older
 * hook still installed, reads the text written now, which must be the same bytes.
 */
static char *handoff_as_jansson_wrote_it(const struct rw_egress_handoff *h)
{
        _cleanup_json_ json_t *doc = NULL, *rules = NULL;
        struct rw_error err = {0};
        char dev[24], ino[24];

        if (rw_egress_ruleset_to_json(&h->rules, &rules, &err) < 0)
                return NULL;
        snprintf(dev, sizeof(dev), "%" PRIu64, h->bundle_dev);
        snprintf(ino, sizeof(ino), "%" PRIu64, h->bundle_ino);
        doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:O}", "version", 1, "id", h->id,
                        "bundle", h->bundle, "bundle_dev", dev, "bundle_ino", ino, "tier", h->tier,
                        "pin", h->pin, "egress", rules);
        return doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
}

static void test_handoff_text_as_before(void **state)
{
        static const char *const bundles[] = {
            NULL, /* the fixture's own */
            "/run/containerd/io.containerd.runtime.v2.task/k8s.io/0123abcd",
            "/tmp/with \"quotes\" and \\backslashes\\/and/slashes",
            "/tmp/\"quoted\"",
            "/tmp/back\\slash",
            "/tmp/control\x01\x1f\t\n\r\b\f\x7f",
            "/tmp/utf-8/\xc3\xa9t\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x90\xb3",
            "",
        };
        static const char *const tiers[] = {"untrusted", "a \"tier\"\\", "\xc3\xa9", ""};
        static const char *const egress[] = {
            NULL, /* the defaults */
            "{\"mode\": \"allowlist\", \"allow\": [{\"cidr\": \"0.0.0.0/0\", \"ports\": "
            "[\"1-1024\", \"8080\"]}, {\"cidr\": \"::/0\"}, {\"cidr\": \"fd00::1\"}]}",
            "{\"mode\": \"none\"}",
            "{\"mode\": \"off\"}",
        };
        struct fixture *f = *state;
        struct rw_error err = {0};
        char path[200];

        for (size_t e = 0; e < RW_ELEMENTSOF(egress); e++)
                for (size_t b = 0; b < RW_ELEMENTSOF(bundles); b++) {
                        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
                        _cleanup_policy_ struct rw_policy policy = {0};
                        _cleanup_free_ char *expected = NULL, *written = NULL;
                        const char *env[] = {"KUBERNETES_SERVICE_HOST=10.96.0.1",
                                             "KUBERNETES_SERVICE_PORT=443"};
                        struct rw_egress_facts facts = {.env = env, .n_env = 2};
                        size_t len = 0;

                        make_handoff(f, "job-1", &h);
                        if (egress[e] != NULL) {
                                rw_egress_ruleset_free(&h.rules);
                                assert_int_equal(
                                    rw_egress_build(&settings_from(egress[e], &policy)->config,
                                                    &facts, &h.rules, &err),
                                    0);
                        }
                        if (bundles[b] != NULL) {
                                free(h.bundle);
                                h.bundle = strdup(bundles[b]);
                        }
                        h.pin = (b % 2) == 0;
                        snprintf(h.tier, sizeof(h.tier), "%s",
                                 tiers[(b + e) % RW_ELEMENTSOF(tiers)]);
                        expected = handoff_as_jansson_wrote_it(&h);
                        assert_non_null(expected);
                        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), 0);
                        key_path(f, "job-1", path, sizeof(path));
                        written = rw_test_read_file(path, &len);
                        assert_non_null(written);
                        assert_int_equal(len, strlen(expected));
                        assert_string_equal(written, expected);
                }
}

/* A bundle that is not UTF-8 was refused as a string jansson would not hold: it still is. */
static void test_handoff_refuses_what_jansson_refused(void **state)
{
        struct fixture *f = *state;
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        struct rw_error err = {0};
        char path[200];
        struct stat st;

        make_handoff(f, "job-1", &h);
        free(h.bundle);
        h.bundle = strdup("/tmp/latin-1/\xe9t\xe9");
        assert_null(json_string(h.bundle));
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), -ENOMEM);
        key_path(f, "job-1", path, sizeof(path));
        assert_int_equal(stat(path, &st), -1);
        free(h.bundle);
        h.bundle = strdup("/tmp/\xed\xa0\x80"); /* a surrogate */
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), -ENOMEM);
        h.rules.rules[0].match = (enum rw_egress_match)99;
        assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), -EINVAL);
        assert_string_equal(err.msg, "invalid egress rule");
}

/*
 * Numbers in the hand-off file are read as jansson reads them: a real or an integer beyond int64
 * where a string belongs is refused, never taken for some other string.
 */
static void test_handoff_numbers_as_jansson_read_them(void **state)
{
        static const char *const members[][2] = {
            {"\"tier\":\"untrusted\"", "\"tier\":1.5"},
            {"\"tier\":\"untrusted\"", "\"tier\":-0"},
            {"\"version\":1", "\"version\":1.0"},
            {"\"pin\":true", "\"pin\":true,\"x\":18446744073709551616"},
        };
        struct fixture *f = *state;
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        char path[200];

        make_handoff(f, "job-1", &h);
        key_path(f, "job-1", path, sizeof(path));
        for (size_t i = 0; i < RW_ELEMENTSOF(members); i++) {
                _cleanup_egress_handoff_ struct rw_egress_handoff back = {0};
                _cleanup_free_ char *text = NULL, *edited = NULL;
                struct rw_error err = {0};
                const char *at;
                size_t len;
                FILE *out;

                assert_int_equal(rw_egress_handoff_write(f->egress, &h, &err), 0);
                text = rw_test_read_file(path, &len);
                at = strstr(text, members[i][0]);
                assert_non_null(at);
                assert_true(asprintf(&edited, "%.*s%s%s", (int)(at - text), text, members[i][1],
                                     at + strlen(members[i][0])) > 0);
                out = fopen(path, "we");
                assert_non_null(out);
                assert_int_equal(fputs(edited, out) >= 0, 1);
                assert_int_equal(fclose(out), 0);
                assert_int_equal(rw_egress_handoff_take(f->egress, "job-1", f->bundle, &back, &err),
                                 -EINVAL);
                assert_int_equal(unlink(path), 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sha256_vectors),
            cmocka_unit_test(test_cidr_parse),
            cmocka_unit_test(test_cidr_format_as_inet_ntop),
            cmocka_unit_test(test_cidr_contains),
            cmocka_unit_test(test_default_denylist),
            cmocka_unit_test(test_denylist_private),
            cmocka_unit_test(test_denylist_allow_without_private_is_noted),
            cmocka_unit_test(test_allowlist),
            cmocka_unit_test(test_none_and_off),
            cmocka_unit_test(test_allow_metadata_and_control_planes),
            cmocka_unit_test(test_kubernetes_env),
            cmocka_unit_test(test_kubernetes_env_bad_port),
            cmocka_unit_test(test_resolvers),
            cmocka_unit_test(test_ports_and_duplicates),
            cmocka_unit_test(test_invalid_config_and_limit),
            cmocka_unit_test(test_fingerprint),
            cmocka_unit_test(test_fingerprint_is_of_the_print),
            cmocka_unit_test(test_resolv_conf),
            cmocka_unit_test(test_settings_from_json),
            cmocka_unit_test(test_settings_inherited),
            cmocka_unit_test(test_settings_errors),
            cmocka_unit_test(test_ruleset_json_roundtrip),
            cmocka_unit_test(test_ruleset_json_errors),
            cmocka_unit_test(test_resolve),
            cmocka_unit_test(test_handoff_key),
            cmocka_unit_test_setup_teardown(test_handoff_roundtrip, setup, teardown),
            cmocka_unit_test_setup_teardown(test_handoff_refusals, setup, teardown),
            cmocka_unit_test_setup_teardown(test_handoff_text_as_before, setup, teardown),
            cmocka_unit_test_setup_teardown(test_handoff_refuses_what_jansson_refused, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_handoff_numbers_as_jansson_read_them, setup,
                                            teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
