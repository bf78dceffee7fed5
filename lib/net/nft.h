/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The egress rules in a network namespace, through nf_tables (libnftnl over libmnl), never the
 * `nft` tool. runwarden owns one table there:
 *
 *   table inet runwarden {                      comment "runwarden egress MODE sha256:FP"
 *     chain reject { meta l4proto tcp reject with tcp reset
 *                    reject with icmpx admin-prohibited }
 *     chain output { type filter hook output priority filter; policy accept;
 *                    MATCH counter accept | MATCH counter goto reject   (one per rule, in order,
 *                    ... }                                               comment = rule id)
 *   }
 *
 * A rejected connect() fails at once (ECONNREFUSED for TCP, EPERM/EHOSTUNREACH otherwise)
 * instead of timing out. The whole table is written in one nf_tables transaction: a namespace
 * has either the old table or the new one, never half of either.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "egress.h"
#include "error.h"

#define RW_NFT_TABLE        "runwarden"
#define RW_NFT_CHAIN        "output"
#define RW_NFT_REJECT_CHAIN "reject"

enum rw_nft_outcome {
        RW_NFT_INSTALLED, /* there was no table */
        RW_NFT_KEPT,      /* the same rules were there already (another container of the pod) */
        RW_NFT_REPLACED,  /* other rules were there; replaced in the same transaction */
};

const char *rw_nft_outcome_name(enum rw_nft_outcome outcome);

/* One rule of the output chain as the kernel has it. */
struct rw_nft_rule_counter {
        char id[RW_EGRESS_ID_MAX]; /* the rule's comment */
        uint64_t handle;
        uint64_t packets;
        uint64_t bytes;
        bool reject; /* it jumps to the reject chain: its packets were blocked attempts */
};

struct rw_nft_status {
        bool present;         /* runwarden's table exists */
        char mode[16];        /* from the table's comment, "" if unreadable */
        char fingerprint[65]; /* from the table's comment, "" if unreadable */
        struct rw_nft_rule_counter *rules;
        size_t n_rules;
        size_t n_reject_rules; /* rules of the reject chain */
        bool chain_ok; /* output is a filter base chain on hook output, priority 0, accept */
};

void rw_nft_status_free(struct rw_nft_status *st);

static inline void rw_nft_status_freep(struct rw_nft_status *st)
{
        rw_nft_status_free(st);
}

#define _cleanup_nft_status_ __attribute__((cleanup(rw_nft_status_freep)))

/*
 * Install `set` in the network namespace `nsfd` (never the host's: rw_netns_check()). When the
 * table already holds exactly these rules (same fingerprint, same rule ids in order, same
 * chains), nothing is written: RW_NFT_KEPT. A mode "off" set removes runwarden's table.
 */
int rw_nft_install(int nsfd, const struct rw_egress_ruleset *set, enum rw_nft_outcome *ret,
                   struct rw_error *err);

/* What runwarden's table in `nsfd` holds, with each rule's counter. */
int rw_nft_read(int nsfd, struct rw_nft_status *ret, struct rw_error *err);

/* Remove runwarden's table from `nsfd` (nothing to do when absent). */
int rw_nft_remove(int nsfd, struct rw_error *err);
