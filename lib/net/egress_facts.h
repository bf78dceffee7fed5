/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The I/O half of an egress decision: the addresses of the host names a tier's lists name,
 * looked up once when the container is created (with the host's resolver, in runwarden's own
 * namespace). The builder (egress.h) takes the result as facts.
 *
 * Caveat (docs/egress.md): the job may later resolve the same name to other addresses (CDNs,
 * round-robin, geo DNS); only the addresses seen here are in the rules.
 */

#include <stddef.h>

#include "egress.h"
#include "error.h"

struct rw_egress_resolved {
        struct rw_egress_host *hosts; /* names and addresses owned here */
        size_t n_hosts;
};

void rw_egress_resolved_free(struct rw_egress_resolved *r);

static inline void rw_egress_resolved_freep(struct rw_egress_resolved *r)
{
        rw_egress_resolved_free(r);
}

#define _cleanup_egress_resolved_ __attribute__((cleanup(rw_egress_resolved_freep)))

/*
 * Look up every distinct host name of `cfg`, IPv4 and IPv6. A name that does not resolve gets
 * no address (the builder notes it: it allows nothing); only memory errors fail.
 */
int rw_egress_resolve(const struct rw_egress_config *cfg, struct rw_egress_resolved *ret,
                      struct rw_error *err);
