/* SPDX-License-Identifier: Apache-2.0 */
#include "egress_facts.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cleanup.h"

#define ADDRS_PER_HOST 64

void rw_egress_resolved_free(struct rw_egress_resolved *r)
{
        if (r == NULL)
                return;
        for (size_t i = 0; i < r->n_hosts; i++) {
                free((char *)r->hosts[i].name);
                free((struct rw_cidr *)r->hosts[i].addrs);
        }
        free(r->hosts);
        *r = (struct rw_egress_resolved){0};
}

static void addrinfo_freep(struct addrinfo **ai)
{
        if (*ai != NULL)
                freeaddrinfo(*ai);
}

static bool have_host(const struct rw_egress_resolved *r, const char *name)
{
        for (size_t i = 0; i < r->n_hosts; i++)
                if (strcasecmp(r->hosts[i].name, name) == 0)
                        return true;
        return false;
}

static int resolve_one(const char *name, struct rw_egress_host *ret, struct rw_error *err)
{
        const struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        _cleanup_(addrinfo_freep) struct addrinfo *list = NULL;
        _cleanup_free_ struct rw_cidr *addrs = calloc(ADDRS_PER_HOST, sizeof(*addrs));
        _cleanup_free_ char *copy = strdup(name);
        size_t n = 0;

        if (addrs == NULL || copy == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (getaddrinfo(name, NULL, &hints, &list) != 0)
                list = NULL;
        for (const struct addrinfo *ai = list; ai != NULL && n < ADDRS_PER_HOST; ai = ai->ai_next) {
                struct rw_cidr c = {.family = ai->ai_family};
                bool dup = false;

                if (ai->ai_family == AF_INET) {
                        memcpy(c.addr, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
                        c.prefix = 32;
                } else if (ai->ai_family == AF_INET6) {
                        memcpy(c.addr, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
                        c.prefix = 128;
                } else {
                        continue;
                }
                for (size_t i = 0; i < n; i++)
                        dup = dup || (addrs[i].family == c.family &&
                                      memcmp(addrs[i].addr, c.addr, sizeof(c.addr)) == 0);
                if (!dup)
                        addrs[n++] = c;
        }
        *ret =
            (struct rw_egress_host){.name = TAKE_PTR(copy), .addrs = TAKE_PTR(addrs), .n_addrs = n};
        return 0;
}

int rw_egress_resolve(const struct rw_egress_config *cfg, struct rw_egress_resolved *ret,
                      struct rw_error *err)
{
        _cleanup_egress_resolved_ struct rw_egress_resolved r = {0};
        const struct {
                const struct rw_egress_target *t;
                size_t n;
        } lists[] = {
            {cfg->kubernetes_api, cfg->n_kubernetes_api},
            {cfg->control_planes, cfg->n_control_planes},
            {cfg->allow, cfg->n_allow},
        };

        for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++)
                for (size_t i = 0; i < lists[l].n; i++) {
                        const char *name = lists[l].t[i].host;
                        struct rw_egress_host *grown;
                        int rc;

                        if (name == NULL || have_host(&r, name))
                                continue;
                        grown = reallocarray(r.hosts, r.n_hosts + 1, sizeof(*grown));
                        if (grown == NULL)
                                return rw_error_set(err, ENOMEM, "out of memory");
                        r.hosts = grown;
                        rc = resolve_one(name, &r.hosts[r.n_hosts], err);
                        if (rc < 0)
                                return rc;
                        r.n_hosts++;
                }
        *ret = r;
        r = (struct rw_egress_resolved){0};
        return 0;
}
