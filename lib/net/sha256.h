/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * SHA-256 (FIPS 180-4), for names and fingerprints that must not collide by accident or by
 * design: the egress hand-off file is named by a hash of the container's identity, and the rules
 * installed in a namespace are recognised by the hash of their text.
 */

#include <stddef.h>
#include <stdint.h>

#define RW_SHA256_DIGEST 32
#define RW_SHA256_HEX    (2 * RW_SHA256_DIGEST + 1)

struct rw_sha256 {
        uint32_t state[8];
        uint64_t length; /* bytes hashed so far */
        uint8_t block[64];
        size_t used; /* bytes in block */
};

void rw_sha256_init(struct rw_sha256 *ctx);
void rw_sha256_update(struct rw_sha256 *ctx, const void *data, size_t len);
void rw_sha256_final(struct rw_sha256 *ctx, uint8_t ret_digest[RW_SHA256_DIGEST]);

/* One call: the lowercase hex digest of `data`, NUL-terminated. */
void rw_sha256_hex(const void *data, size_t len, char ret_hex[RW_SHA256_HEX]);

/* Lowercase hex of a finished digest. */
void rw_sha256_to_hex(const uint8_t digest[RW_SHA256_DIGEST], char ret_hex[RW_SHA256_HEX]);
