/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nf_tables messages for the egress table. Each rule of the ruleset becomes one rule of the
 * output chain: the expressions of its match, a counter, and a verdict (accept, or goto the
 * reject chain, which answers TCP with a reset and everything else with ICMP "administratively
 * prohibited", so that the job's connect() fails at once).
 *
 * Replacing is "add table; delete table; add table ..." in one batch: the first add makes the
 * delete valid when there was no table, and the kernel applies the batch as one transaction.
 */
#include "nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "cleanup.h"
#include "netns.h"

#define COMMENT_PREFIX   "runwarden egress "
#define MSG_HEADROOM     8192  /* every message we build is far smaller */
#define REQUEST_SIZE     4096  /* a get or dump request: table and chain names */
#define RECV_SIZE        65536 /* a dump answer holds several rules per datagram */
#define RECV_TIMEOUT_S   5
#define CHAIN_PRIORITY   0   /* filter: after the output DNAT (-100), so the real destination */
#define ICMPV6_NDP_LOW   133 /* router solicitation */
#define ICMPV6_NDP_HIGH  136 /* neighbour advertisement */
#define LOOPBACK_IFINDEX 1   /* lo is ifindex 1 in every network namespace */

const char *rw_nft_outcome_name(enum rw_nft_outcome outcome)
{
        switch (outcome) {
        case RW_NFT_INSTALLED:
                return "installed";
        case RW_NFT_KEPT:
                return "kept";
        case RW_NFT_REPLACED:
                return "replaced";
        }
        return "invalid";
}

void rw_nft_status_free(struct rw_nft_status *st)
{
        if (st == NULL)
                return;
        free(st->rules);
        *st = (struct rw_nft_status){0};
}

/* ---- netlink plumbing ---- */

struct nl {
        struct mnl_socket *sock;
        uint32_t portid;
        uint32_t seq;
};

static void nl_closep(struct nl *nl)
{
        if (nl->sock != NULL)
                mnl_socket_close(nl->sock);
}

#define _cleanup_nl_ _cleanup_(nl_closep)

static void rule_freep(struct nftnl_rule **r)
{
        if (*r != NULL)
                nftnl_rule_free(*r);
}

static void table_freep(struct nftnl_table **t)
{
        if (*t != NULL)
                nftnl_table_free(*t);
}

static void chain_freep(struct nftnl_chain **c)
{
        if (*c != NULL)
                nftnl_chain_free(*c);
}

static void udata_freep(struct nftnl_udata_buf **u)
{
        if (*u != NULL)
                nftnl_udata_buf_free(*u);
}

static int nl_open(int nsfd, struct nl *ret, struct rw_error *err)
{
        struct timeval tv = {.tv_sec = RECV_TIMEOUT_S};
        _cleanup_close_ int fd = -1;
        int r;

        r = rw_netns_socket(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER, &fd, err);
        if (r < 0)
                return r;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return rw_error_set_errno(err, errno, "cannot set a netlink receive timeout");
        ret->sock = mnl_socket_fdopen(fd);
        if (ret->sock == NULL)
                return rw_error_set_errno(err, errno, "cannot use the netlink socket");
        TAKE_FD(fd);
        if (mnl_socket_bind(ret->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = rw_error_set_errno(err, errno, "cannot bind the netlink socket");
                mnl_socket_close(ret->sock);
                ret->sock = NULL;
                return r;
        }
        ret->portid = mnl_socket_get_portid(ret->sock);
        ret->seq = (uint32_t)time(NULL);
        return 0;
}

/*
 * Send one request and feed every answer to `cb` until the kernel says it is done (an ack, the
 * end of a dump) or fails. -ENOENT is returned without filling err, for "no such object".
 */
static int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
                      struct rw_error *err)
{
        _cleanup_free_ char *buf = malloc(RECV_SIZE);
        uint32_t seq = nlh->nlmsg_seq;
        int r;

        if (buf == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
                return rw_error_set_errno(err, errno, "cannot send to nf_tables");
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, RECV_SIZE);

                if (n < 0)
                        return rw_error_set_errno(err, errno == EAGAIN ? ETIMEDOUT : errno,
                                                  "no answer from nf_tables");
                r = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
                if (r < 0) {
                        if (errno == ENOENT)
                                return -ENOENT;
                        return rw_error_set_errno(err, errno, "nf_tables refused the request");
                }
                if (r == MNL_CB_STOP)
                        return 0;
        }
}

/* ---- reading the table back ---- */

static int table_comment_cb(const struct nftnl_udata *attr, void *data)
{
        const struct nftnl_udata **found = data;

        if (nftnl_udata_type(attr) == NFTNL_UDATA_TABLE_COMMENT)
                *found = attr;
        return MNL_CB_OK;
}

/* The comment runwarden wrote on its table: "runwarden egress MODE sha256:FINGERPRINT". */
static int table_cb(const struct nlmsghdr *nlh, void *data)
{
        struct rw_nft_status *st = data;
        _cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();
        const struct nftnl_udata *attr = NULL;
        const char *mode, *fp;
        const void *udata;
        uint32_t len = 0;
        char comment[NFT_USERDATA_MAXLEN + 1];
        size_t n;

        if (t == NULL || nftnl_table_nlmsg_parse(nlh, t) < 0)
                return MNL_CB_ERROR;
        st->present = true;
        udata = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
        if (udata == NULL || nftnl_udata_parse(udata, len, table_comment_cb, &attr) < 0 ||
            attr == NULL)
                return MNL_CB_OK;
        n = strnlen(nftnl_udata_get(attr), nftnl_udata_len(attr));
        memcpy(comment, nftnl_udata_get(attr), n);
        comment[n] = '\0';
        if (strncmp(comment, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) != 0)
                return MNL_CB_OK;
        mode = comment + strlen(COMMENT_PREFIX);
        fp = strstr(mode, " sha256:");
        if (fp == NULL || strlen(fp + 8) != 64 || (size_t)(fp - mode) >= sizeof(st->mode))
                return MNL_CB_OK;
        memcpy(st->mode, mode, (size_t)(fp - mode));
        st->mode[fp - mode] = '\0';
        memcpy(st->fingerprint, fp + 8, 65);
        return MNL_CB_OK;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
        struct rw_nft_status *st = data;
        _cleanup_(chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();
        const char *type;

        if (c == NULL || nftnl_chain_nlmsg_parse(nlh, c) < 0)
                return MNL_CB_ERROR;
        type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
        st->chain_ok = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) &&
                       nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) == NF_INET_LOCAL_OUT &&
                       nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) == CHAIN_PRIORITY &&
                       nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_ACCEPT && type != NULL &&
                       strcmp(type, "filter") == 0;
        return MNL_CB_OK;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
        const struct nftnl_udata **found = data;

        if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
                *found = attr;
        return MNL_CB_OK;
}

struct rules_dump {
        struct rw_nft_status *st;
        bool output; /* counting the output chain, else the reject chain */
        size_t cap;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
        struct rules_dump *d = data;
        struct rw_nft_status *st = d->st;
        _cleanup_(rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();
        struct rw_nft_rule_counter c = {0};
        const struct nftnl_udata *comment = NULL;
        struct nftnl_expr_iter *it;
        struct nftnl_expr *e;
        const void *udata;
        uint32_t len = 0;

        if (r == NULL || nftnl_rule_nlmsg_parse(nlh, r) < 0)
                return MNL_CB_ERROR;
        if (!d->output) {
                st->n_reject_rules++;
                return MNL_CB_OK;
        }
        c.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
        udata = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
        if (udata != NULL && nftnl_udata_parse(udata, len, comment_cb, &comment) >= 0 &&
            comment != NULL) {
                size_t n = strnlen(nftnl_udata_get(comment), nftnl_udata_len(comment));

                if (n < sizeof(c.id)) {
                        memcpy(c.id, nftnl_udata_get(comment), n);
                        c.id[n] = '\0';
                }
        }
        it = nftnl_expr_iter_create(r);
        if (it == NULL)
                return MNL_CB_ERROR;
        while ((e = nftnl_expr_iter_next(it)) != NULL) {
                const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

                if (name != NULL && strcmp(name, "counter") == 0) {
                        c.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
                        c.bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
                }
                if (name != NULL && strcmp(name, "immediate") == 0 &&
                    nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT))
                        c.reject = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NFT_GOTO;
        }
        nftnl_expr_iter_destroy(it);
        if (st->n_rules == d->cap) {
                size_t cap = d->cap == 0 ? 32 : d->cap * 2;
                struct rw_nft_rule_counter *grown = reallocarray(st->rules, cap, sizeof(*grown));

                if (grown == NULL)
                        return MNL_CB_ERROR;
                st->rules = grown;
                d->cap = cap;
        }
        st->rules[st->n_rules++] = c;
        return MNL_CB_OK;
}

static int read_status(struct nl *nl, struct rw_nft_status *st, struct rw_error *err)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh;
        struct rules_dump dump = {.st = st, .output = true};
        int r;

        {
                _cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();

                if (t == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                nftnl_table_set_str(t, NFTNL_TABLE_NAME, RW_NFT_TABLE);
                nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK,
                                            ++nl->seq);
                nftnl_table_nlmsg_build_payload(nlh, t);
        }
        r = nl_request(nl, nlh, table_cb, st, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return rw_error_prefix(err, "reading table inet %s", RW_NFT_TABLE);

        {
                _cleanup_(chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();

                if (c == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RW_NFT_TABLE);
                nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, RW_NFT_CHAIN);
                nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_INET, NLM_F_ACK,
                                            ++nl->seq);
                nftnl_chain_nlmsg_build_payload(nlh, c);
        }
        r = nl_request(nl, nlh, chain_cb, st, err);
        if (r < 0 && r != -ENOENT)
                return rw_error_prefix(err, "reading chain %s", RW_NFT_CHAIN);

        for (int pass = 0; pass < 2; pass++) {
                _cleanup_(rule_freep) struct nftnl_rule *rule = nftnl_rule_alloc();

                if (rule == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                dump.output = pass == 0;
                nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, RW_NFT_TABLE);
                nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN,
                                   pass == 0 ? RW_NFT_CHAIN : RW_NFT_REJECT_CHAIN);
                nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET,
                                            NLM_F_DUMP | NLM_F_ACK, ++nl->seq);
                nftnl_rule_nlmsg_build_payload(nlh, rule);
                r = nl_request(nl, nlh, rule_cb, &dump, err);
                if (r < 0 && r != -ENOENT)
                        return rw_error_prefix(err, "reading the rules of %s",
                                               pass == 0 ? RW_NFT_CHAIN : RW_NFT_REJECT_CHAIN);
        }
        return 0;
}

int rw_nft_read(int nsfd, struct rw_nft_status *ret, struct rw_error *err)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        _cleanup_nl_ struct nl nl = {0};
        int r;

        r = nl_open(nsfd, &nl, err);
        if (r < 0)
                return r;
        r = read_status(&nl, &st, err);
        if (r < 0)
                return r;
        *ret = st;
        st = (struct rw_nft_status){0};
        return 0;
}

/* ---- building the batch ---- */

struct batch {
        char *buf;
        size_t len, cap;
        uint32_t first_seq;
        size_t n_msgs;  /* between begin and end: each is acked */
        size_t skipped; /* leading messages of describe_msg() this batch does not have */
        bool oom;
};

static void batch_freep(struct batch *b)
{
        free(b->buf);
}

static struct nlmsghdr *batch_reserve(struct batch *b)
{
        if (b->oom)
                return NULL;
        if (b->cap - b->len < MSG_HEADROOM) {
                size_t cap = b->cap == 0 ? 65536 : b->cap * 2;
                char *grown = realloc(b->buf, cap);

                if (grown == NULL) {
                        b->oom = true;
                        return NULL;
                }
                memset(grown + b->cap, 0, cap - b->cap);
                b->buf = grown;
                b->cap = cap;
        }
        return (struct nlmsghdr *)(b->buf + b->len);
}

static void batch_commit(struct batch *b, const struct nlmsghdr *nlh)
{
        b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *batch_msg(struct batch *b, uint16_t type, uint16_t flags)
{
        struct nlmsghdr *nlh = batch_reserve(b);

        if (nlh == NULL)
                return NULL;
        b->n_msgs++;
        return nftnl_nlmsg_build_hdr((char *)nlh, type, NFPROTO_INET, flags | NLM_F_ACK,
                                     b->first_seq + (uint32_t)b->n_msgs);
}

static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e, bool *oom)
{
        if (e == NULL) {
                *oom = true;
                return;
        }
        nftnl_rule_add_expr(r, e);
}

static struct nftnl_expr *expr_meta(uint32_t key)
{
        struct nftnl_expr *e = nftnl_expr_alloc("meta");

        if (e != NULL) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
                nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
        }
        return e;
}

static struct nftnl_expr *expr_cmp(enum nft_cmp_ops op, const void *data, uint32_t len)
{
        struct nftnl_expr *e = nftnl_expr_alloc("cmp");

        if (e != NULL) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
                nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, data, len);
        }
        return e;
}

static struct nftnl_expr *expr_payload(enum nft_payload_bases base, uint32_t offset, uint32_t len)
{
        struct nftnl_expr *e = nftnl_expr_alloc("payload");

        if (e != NULL) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
                nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
                nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
                nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
        }
        return e;
}

static struct nftnl_expr *expr_bitwise(const void *mask, uint32_t len)
{
        static const uint8_t zero[16];
        struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

        if (e != NULL) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
                nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
                nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
        }
        return e;
}

static struct nftnl_expr *expr_verdict(int verdict, const char *chain)
{
        struct nftnl_expr *e = nftnl_expr_alloc("immediate");

        if (e != NULL) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
                nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
                if (chain != NULL)
                        nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
        }
        return e;
}

/* meta KEY == value (1 or 4 bytes, host order as the kernel stores them). */
static void match_meta_u8(struct nftnl_rule *r, uint32_t key, uint8_t value, bool *oom)
{
        add_expr(r, expr_meta(key), oom);
        add_expr(r, expr_cmp(NFT_CMP_EQ, &value, 1), oom);
}

static void match_dest(struct nftnl_rule *r, const struct rw_egress_rule *rule, bool *oom)
{
        if (rule->family != 0)
                match_meta_u8(r, NFT_META_NFPROTO,
                              rule->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6, oom);
        if (rule->has_cidr && rule->cidr.prefix > 0) {
                bool v4 = rule->family == AF_INET;
                uint32_t len = v4 ? 4 : 16;
                uint8_t mask[16] = {0};

                add_expr(r, expr_payload(NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, len), oom);
                if (rule->cidr.prefix < len * 8) {
                        for (unsigned i = 0; i < rule->cidr.prefix; i++)
                                mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
                        add_expr(r, expr_bitwise(mask, len), oom);
                }
                add_expr(r, expr_cmp(NFT_CMP_EQ, rule->cidr.addr, len), oom);
        }
        if (rule->l4proto != 0)
                match_meta_u8(r, NFT_META_L4PROTO, rule->l4proto, oom);
        if (rule->port_first != 0) {
                uint16_t first = htons(rule->port_first), last = htons(rule->port_last);

                /* Ports are compared as big-endian bytes, which orders them as numbers. */
                add_expr(r, expr_payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2), oom);
                if (rule->port_first == rule->port_last) {
                        add_expr(r, expr_cmp(NFT_CMP_EQ, &first, 2), oom);
                } else {
                        add_expr(r, expr_cmp(NFT_CMP_GTE, &first, 2), oom);
                        add_expr(r, expr_cmp(NFT_CMP_LTE, &last, 2), oom);
                }
        }
}

static void match_rule(struct nftnl_rule *r, const struct rw_egress_rule *rule, bool *oom)
{
        switch (rule->match) {
        case RW_EGRESS_MATCH_LOOPBACK: {
                uint32_t lo = LOOPBACK_IFINDEX;

                add_expr(r, expr_meta(NFT_META_OIF), oom);
                add_expr(r, expr_cmp(NFT_CMP_EQ, &lo, 4), oom);
                break;
        }
        case RW_EGRESS_MATCH_NDP: {
                uint8_t low = ICMPV6_NDP_LOW, high = ICMPV6_NDP_HIGH;

                match_meta_u8(r, NFT_META_NFPROTO, NFPROTO_IPV6, oom);
                match_meta_u8(r, NFT_META_L4PROTO, IPPROTO_ICMPV6, oom);
                add_expr(r, expr_payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1), oom);
                add_expr(r, expr_cmp(NFT_CMP_GTE, &low, 1), oom);
                add_expr(r, expr_cmp(NFT_CMP_LTE, &high, 1), oom);
                break;
        }
        case RW_EGRESS_MATCH_ESTABLISHED: {
                uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
                uint32_t zero = 0;
                struct nftnl_expr *ct = nftnl_expr_alloc("ct");

                if (ct != NULL) {
                        nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
                        nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
                }
                add_expr(r, ct, oom);
                add_expr(r, expr_bitwise(&mask, 4), oom);
                add_expr(r, expr_cmp(NFT_CMP_NEQ, &zero, 4), oom);
                break;
        }
        case RW_EGRESS_MATCH_DEST:
                match_dest(r, rule, oom);
                break;
        case RW_EGRESS_MATCH_ALL:
                break;
        }
}

static void set_comment(struct nftnl_rule *r, const char *text, bool *oom)
{
        _cleanup_(udata_freep) struct nftnl_udata_buf *u =
            nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

        if (u == NULL || !nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, text)) {
                *oom = true;
                return;
        }
        nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
                            nftnl_udata_buf_len(u));
}

static void batch_rule(struct batch *b, const char *chain, struct nftnl_rule *r)
{
        struct nlmsghdr *nlh;

        nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
        nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RW_NFT_TABLE);
        nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
        nlh = batch_msg(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND | NLM_F_EXCL);
        if (nlh == NULL)
                return;
        nftnl_rule_nlmsg_build_payload(nlh, r);
        batch_commit(b, nlh);
}

static void batch_table(struct batch *b, uint16_t type, uint16_t flags, const char *comment)
{
        _cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();
        _cleanup_(udata_freep) struct nftnl_udata_buf *u = NULL;
        struct nlmsghdr *nlh;

        if (t == NULL) {
                b->oom = true;
                return;
        }
        nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
        nftnl_table_set_str(t, NFTNL_TABLE_NAME, RW_NFT_TABLE);
        if (comment != NULL) {
                u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
                if (u == NULL || !nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT, comment)) {
                        b->oom = true;
                        return;
                }
                nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(u),
                                     nftnl_udata_buf_len(u));
        }
        nlh = batch_msg(b, type, flags);
        if (nlh == NULL)
                return;
        nftnl_table_nlmsg_build_payload(nlh, t);
        batch_commit(b, nlh);
}

static void batch_chain(struct batch *b, const char *name, bool base)
{
        _cleanup_(chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();
        struct nlmsghdr *nlh;

        if (c == NULL) {
                b->oom = true;
                return;
        }
        nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
        nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RW_NFT_TABLE);
        nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
        if (base) {
                nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_OUT);
                nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, CHAIN_PRIORITY);
                nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
                nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
        }
        nlh = batch_msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
        if (nlh == NULL)
                return;
        nftnl_chain_nlmsg_build_payload(nlh, c);
        batch_commit(b, nlh);
}

static void batch_reject_chain(struct batch *b)
{
        static const struct {
                uint32_t type;
                uint8_t code;
                bool tcp;
        } rejects[] = {
            {NFT_REJECT_TCP_RST, 0, true},
            {NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED, false},
        };

        batch_chain(b, RW_NFT_REJECT_CHAIN, false);
        for (size_t i = 0; i < RW_ELEMENTSOF(rejects); i++) {
                _cleanup_(rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();
                struct nftnl_expr *e;

                if (r == NULL) {
                        b->oom = true;
                        return;
                }
                if (rejects[i].tcp)
                        match_meta_u8(r, NFT_META_L4PROTO, IPPROTO_TCP, &b->oom);
                e = nftnl_expr_alloc("reject");
                if (e != NULL) {
                        nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, rejects[i].type);
                        nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, rejects[i].code);
                }
                add_expr(r, e, &b->oom);
                batch_rule(b, RW_NFT_REJECT_CHAIN, r);
        }
}

static void batch_ruleset(struct batch *b, const struct rw_egress_ruleset *set)
{
        for (size_t i = 0; i < set->n_rules && !b->oom; i++) {
                const struct rw_egress_rule *rule = &set->rules[i];
                _cleanup_(rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();

                if (r == NULL) {
                        b->oom = true;
                        return;
                }
                match_rule(r, rule, &b->oom);
                add_expr(r, nftnl_expr_alloc("counter"), &b->oom);
                if (rule->verdict == RW_EGRESS_ACCEPT)
                        add_expr(r, expr_verdict(NF_ACCEPT, NULL), &b->oom);
                else
                        add_expr(r, expr_verdict(NFT_GOTO, RW_NFT_REJECT_CHAIN), &b->oom);
                set_comment(r, rule->id, &b->oom);
                batch_rule(b, RW_NFT_CHAIN, r);
        }
}

/* Which message a sequence number stands for, to name it in an error. */
static void describe_msg(const struct rw_egress_ruleset *set, size_t index, bool install, char *buf,
                         size_t size)
{
        /* table, delete table, table, reject chain, 2 reject rules, output chain, rules */
        static const char *const head[] = {"table (create)", "table (delete)", "table",
                                           "chain reject",   "reject rule 1",  "reject rule 2",
                                           "chain output"};

        if (index < RW_ELEMENTSOF(head) || !install) {
                snprintf(buf, size, "%s", index < RW_ELEMENTSOF(head) ? head[index] : "message");
                return;
        }
        index -= RW_ELEMENTSOF(head);
        if (index < set->n_rules) {
                char text[RW_EGRESS_RULE_TEXT] = "";

                rw_egress_rule_format(&set->rules[index], text, sizeof(text));
                snprintf(buf, size, "rule %zu (%s: %s)", index + 1, set->rules[index].id, text);
                return;
        }
        snprintf(buf, size, "message %zu", index);
}

/* Send the batch; every message must be acked, the first error names its message. */
static int batch_send(struct nl *nl, struct batch *b, const struct rw_egress_ruleset *set,
                      bool install, struct rw_error *err)
{
        _cleanup_free_ char *buf = malloc(RECV_SIZE);
        int fd = mnl_socket_get_fd(nl->sock), size;
        size_t answered = 0;
        int first_error = 0;
        uint32_t error_seq = 0;

        if (buf == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* A large allowlist does not fit the default socket buffers; root may raise them. */
        size = (int)(b->len + 65536);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        size = (int)(b->n_msgs * 1024 + 65536);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

        if (mnl_socket_sendto(nl->sock, b->buf, b->len) < 0)
                return rw_error_set_errno(err, errno, "cannot send the nf_tables batch");
        /*
         * Every message is answered (an ack or its error) before sendto() returns: the kernel
         * runs the batch in the sender's context. After an error the rest of the answers are
         * read too, without waiting, so that the socket can serve the next request.
         */
        while (answered < b->n_msgs) {
                ssize_t n = recv(fd, buf, RECV_SIZE, first_error != 0 ? MSG_DONTWAIT : 0);
                const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
                int len = (int)n;

                if (n < 0 && first_error != 0)
                        break;
                if (n < 0)
                        return rw_error_set_errno(err, errno == EAGAIN ? ETIMEDOUT : errno,
                                                  "no answer from nf_tables after %zu of %zu "
                                                  "messages",
                                                  answered, b->n_msgs);
                for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
                        const struct nlmsgerr *e;

                        if (nlh->nlmsg_type != NLMSG_ERROR)
                                continue;
                        e = mnl_nlmsg_get_payload(nlh);
                        answered++;
                        if (e->error != 0 && first_error == 0) {
                                first_error = -e->error;
                                error_seq = e->msg.nlmsg_seq;
                        }
                }
        }
        if (first_error != 0) {
                char what[RW_EGRESS_RULE_TEXT + 64];
                size_t index = error_seq > b->first_seq ? error_seq - b->first_seq - 1 : 0;

                describe_msg(set, index + b->skipped, install, what, sizeof(what));
                return rw_error_set_errno(err, first_error, "nf_tables refused %s", what);
        }
        return 0;
}

static void batch_begin(struct batch *b, uint32_t seq)
{
        struct nlmsghdr *nlh = batch_reserve(b);

        b->first_seq = seq;
        if (nlh == NULL)
                return;
        nftnl_batch_begin((char *)nlh, seq);
        batch_commit(b, nlh);
}

static void batch_end(struct batch *b)
{
        struct nlmsghdr *nlh = batch_reserve(b);

        if (nlh == NULL)
                return;
        nftnl_batch_end((char *)nlh, b->first_seq + (uint32_t)b->n_msgs + 1);
        batch_commit(b, nlh);
}

static bool status_matches(const struct rw_nft_status *st, const struct rw_egress_ruleset *set,
                           const char *fingerprint)
{
        if (!st->present || !st->chain_ok || st->n_reject_rules != 2 ||
            strcmp(st->fingerprint, fingerprint) != 0 ||
            strcmp(st->mode, rw_egress_mode_name(set->mode)) != 0 || st->n_rules != set->n_rules)
                return false;
        for (size_t i = 0; i < set->n_rules; i++)
                if (strcmp(st->rules[i].id, set->rules[i].id) != 0)
                        return false;
        return true;
}

int rw_nft_remove(int nsfd, struct rw_error *err)
{
        _cleanup_(batch_freep) struct batch b = {0};
        _cleanup_nl_ struct nl nl = {0};
        int r;

        r = nl_open(nsfd, &nl, err);
        if (r < 0)
                return r;
        batch_begin(&b, ++nl.seq);
        batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NULL);
        batch_table(&b, NFT_MSG_DELTABLE, 0, NULL);
        batch_end(&b);
        if (b.oom)
                return rw_error_set(err, ENOMEM, "out of memory");
        return batch_send(&nl, &b, NULL, false, err);
}

/*
 * One transaction: the table (replacing runwarden's old one when `replace`), both chains, every
 * rule. Without `replace` the table is created exclusively: deleting a table costs the kernel
 * an RCU grace period (about 10 ms, paid when the socket closes), which a pod's first container
 * need not pay.
 */
static int install_batch(struct nl *nl, const struct rw_egress_ruleset *set, bool replace,
                         const char *comment, struct rw_error *err)
{
        _cleanup_(batch_freep) struct batch b = {0};

        batch_begin(&b, ++nl->seq);
        if (replace) {
                batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NULL);
                batch_table(&b, NFT_MSG_DELTABLE, 0, NULL);
        } else {
                b.skipped = 2;
        }
        batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, comment);
        batch_reject_chain(&b);
        batch_chain(&b, RW_NFT_CHAIN, true);
        batch_ruleset(&b, set);
        batch_end(&b);
        if (b.oom)
                return rw_error_set(err, ENOMEM, "out of memory building the nf_tables batch");
        nl->seq += (uint32_t)b.n_msgs + 1;
        return batch_send(nl, &b, set, true, err);
}

int rw_nft_install(int nsfd, const struct rw_egress_ruleset *set, enum rw_nft_outcome *ret,
                   struct rw_error *err)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        _cleanup_nl_ struct nl nl = {0};
        char fingerprint[65], comment[160];
        struct rw_error first = {0};
        int r;

        if (set->mode == RW_EGRESS_MODE_OFF) {
                r = rw_nft_remove(nsfd, err);
                if (r < 0)
                        return r;
                *ret = RW_NFT_REPLACED;
                return 0;
        }
        r = rw_egress_ruleset_fingerprint(set, fingerprint, err);
        if (r < 0)
                return r;
        snprintf(comment, sizeof(comment), COMMENT_PREFIX "%s sha256:%s",
                 rw_egress_mode_name(set->mode), fingerprint);
        r = nl_open(nsfd, &nl, err);
        if (r < 0)
                return r;
        r = read_status(&nl, &st, err);
        if (r < 0)
                return r;
        if (status_matches(&st, set, fingerprint)) {
                *ret = RW_NFT_KEPT;
                return 0;
        }
        if (!st.present) {
                r = install_batch(&nl, set, false, comment, &first);
                if (r >= 0) {
                        *ret = RW_NFT_INSTALLED;
                        return 0;
                }
                if (r != -EEXIST) {
                        *err = first;
                        return r;
                }
                /* Another container of the pod created the table meanwhile: judge it again. */
                rw_nft_status_free(&st);
                r = read_status(&nl, &st, err);
                if (r < 0)
                        return r;
                if (status_matches(&st, set, fingerprint)) {
                        *ret = RW_NFT_KEPT;
                        return 0;
                }
        }
        r = install_batch(&nl, set, true, comment, err);
        if (r < 0)
                return r;
        *ret = RW_NFT_REPLACED;
        return 0;
}
