/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inheritance: each tier starts from its parent's resolved settings (or the built-in baseline) and
 * overrides what it sets itself. A resolved tier owns a deep copy of everything it inherited, in
 * its own arena, so tiers can be freed in any order.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "policy_internal.h"

static size_t tuning_count(const struct rw_rule_tuning *t)
{
        size_t n = 0;

        while (t != NULL && t[n].rule != NULL)
                n++;
        return n;
}

/*
 * A deep copy of `src` into `a`, so that a tier owns everything it inherited. The engine-managed
 * bind prefixes and the (always unloaded) seccomp profile are static or NULL and stay shared.
 */
static int settings_copy(struct rw_policy_arena *a, const struct rw_settings *src,
                         struct rw_settings *dst)
{
        *dst = *src;
        if (src->scratch != NULL) {
                struct rw_scratch_mount *s;
                size_t n = 0;

                while (src->scratch[n].size_bytes != 0)
                        n++;
                s = rw_policy_arena_alloc(a, n + 1, sizeof(*s));
                if (s == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        s[i] = src->scratch[i];
                        if (s[i].destination != NULL && (s[i].destination = rw_policy_arena_strdup(
                                                             a, s[i].destination)) == NULL)
                                return -ENOMEM;
                }
                dst->scratch = s;
        }
        if (src->seccomp_profile_name != NULL &&
            (dst->seccomp_profile_name = rw_policy_arena_strdup(a, src->seccomp_profile_name)) ==
                NULL)
                return -ENOMEM;
        if (src->capabilities != NULL) {
                const char **c;
                size_t n = 0;

                while (src->capabilities[n] != NULL)
                        n++;
                c = rw_policy_arena_alloc(a, n + 1, sizeof(*c));
                if (c == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++)
                        if ((c[i] = rw_policy_arena_strdup(a, src->capabilities[i])) == NULL)
                                return -ENOMEM;
                dst->capabilities = c;
        }
        if (src->extra_bind_prefixes != NULL) {
                struct rw_bind_prefix *b;
                size_t n = 0;

                while (src->extra_bind_prefixes[n].path != NULL)
                        n++;
                b = rw_policy_arena_alloc(a, n + 1, sizeof(*b));
                if (b == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        b[i].read_only = src->extra_bind_prefixes[i].read_only;
                        if ((b[i].path = rw_policy_arena_strdup(
                                 a, src->extra_bind_prefixes[i].path)) == NULL)
                                return -ENOMEM;
                }
                dst->extra_bind_prefixes = b;
        }
        if (src->requirements != NULL) {
                struct rw_requirement *q;
                size_t n = 0;

                while (src->requirements[n].key != NULL)
                        n++;
                q = rw_policy_arena_alloc(a, n + 1, sizeof(*q));
                if (q == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        const struct rw_requirement *from = &src->requirements[i];

                        q[i].kind = from->kind;
                        if ((q[i].key = rw_policy_arena_strdup(a, from->key)) == NULL ||
                            (from->value != NULL &&
                             (q[i].value = rw_policy_arena_strdup(a, from->value)) == NULL))
                                return -ENOMEM;
                }
                dst->requirements = q;
        }
        for (int l = 0; l < RW_LIST_COUNT; l++) {
                const char **c;
                size_t n = 0;

                if (src->lists[l] == NULL)
                        continue;
                while (src->lists[l][n] != NULL)
                        n++;
                c = rw_policy_arena_alloc(a, n + 1, sizeof(*c));
                if (c == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++)
                        if ((c[i] = rw_policy_arena_strdup(a, src->lists[l][i])) == NULL)
                                return -ENOMEM;
                dst->lists[l] = c;
        }
        if (rw_policy_egress_copy(a, src->egress, &dst->egress) < 0)
                return -ENOMEM;
        if (src->tuning != NULL) {
                size_t n = tuning_count(src->tuning);
                struct rw_rule_tuning *t = rw_policy_arena_alloc(a, n + 1, sizeof(*t));

                if (t == NULL)
                        return -ENOMEM;
                /* rule ids are the static strings of known_rules[] */
                memcpy(t, src->tuning, n * sizeof(*t));
                dst->tuning = t;
        }
        return 0;
}

/* The parent's tuning with the tier's own entries merged in, key by key. */
static int merge_tuning(struct rw_policy_arena *a, const struct rw_rule_tuning *inherited,
                        const struct rw_rule_tuning *own, const struct rw_rule_tuning **ret)
{
        size_t n = tuning_count(inherited), k = tuning_count(own), o;
        struct rw_rule_tuning *t;

        if (k == 0) {
                *ret = inherited;
                return 0;
        }
        t = rw_policy_arena_alloc(a, n + k + 1, sizeof(*t));
        if (t == NULL)
                return -ENOMEM;
        if (n > 0)
                memcpy(t, inherited, n * sizeof(*t));
        o = n;
        for (size_t i = 0; i < k; i++) {
                size_t j = 0;

                while (j < o && strcmp(t[j].rule, own[i].rule) != 0)
                        j++;
                t[j] = own[i];
                if (j == o)
                        o++;
        }
        *ret = t;
        return 0;
}

/* Resolve `tier` (index i of the file's tiers) from its parent, which must be resolved. */
static int resolve_tier(struct rw_tier *tier, const struct rw_policy_tier_def *def,
                        const struct rw_tier *parent)
{
        struct rw_policy_arena *a = def->arena;
        struct rw_settings base;
        int r;

        if (parent != NULL) {
                base = parent->settings;
                tier->mode = parent->mode;
                tier->exec = parent->exec;
                if (parent->runtime != NULL &&
                    (tier->runtime = rw_policy_arena_strdup(a, parent->runtime)) == NULL)
                        return -ENOMEM;
        } else {
                rw_settings_baseline(&base);
                tier->mode = RW_TIER_ENFORCE;
                tier->exec = RW_EXEC_ALLOW;
                tier->runtime = NULL;
        }
        r = settings_copy(a, &base, &tier->settings);
        if (r < 0)
                return r;
        if (def->set_mode)
                tier->mode = def->mode;
        if (def->set_exec)
                tier->exec = def->exec;
        if (def->set_runtime)
                tier->runtime = def->runtime;
        if (def->set_caps)
                tier->settings.capabilities = def->caps;
        if (def->set_rootfs)
                tier->settings.readonly_rootfs = def->readonly_rootfs;
        if (def->set_scratch)
                tier->settings.scratch = def->scratch;
        if (def->set_prefixes)
                tier->settings.extra_bind_prefixes = def->prefixes;
        if (def->set_profile)
                tier->settings.seccomp_profile_name = def->profile;
        if (def->set_engine_profile)
                tier->settings.seccomp_mode = def->engine_profile;
        if (def->set_pids)
                tier->settings.pids_limit = def->pids_limit;
        if (def->set_require)
                tier->settings.requirements = def->require;
        for (int l = 0; l < RW_LIST_COUNT; l++)
                if (def->set_lists[l])
                        tier->settings.lists[l] = def->lists[l];
        if (def->set_memory_max)
                tier->settings.memory_max = def->memory_max;
        if (def->set_tmpfs_max)
                tier->settings.tmpfs_max = def->tmpfs_max;
        if (def->set_egress)
                tier->settings.egress = def->egress;
        return merge_tuning(a, tier->settings.tuning, def->rules, &tier->settings.tuning);
}

ssize_t rw_policy_tier_index(const struct rw_policy *policy, const char *name)
{
        for (size_t i = 0; i < policy->n_tiers; i++)
                if (strcmp(policy->tiers[i].name, name) == 0)
                        return (ssize_t)i;
        return -1;
}

/*
 * Resolve every tier, parents first. Iterative (a chain is walked up, then resolved top down) so
 * that a long extends chain cannot exhaust the stack; a tier met again on its own chain is a cycle.
 */
int rw_policy_resolve_all(const struct rw_policy_parser *ps, struct rw_policy *policy,
                          struct rw_policy_tier_def *defs)
{
        _cleanup_free_ size_t *chain = calloc(policy->n_tiers + 1, sizeof(*chain));

        if (chain == NULL)
                return rw_policy_oom(ps);
        for (size_t i = 0; i < policy->n_tiers; i++) {
                size_t n = 0, cur = i;

                while (defs[cur].state != 2) {
                        ssize_t parent;

                        if (defs[cur].state == 1) {
                                struct rw_json_path p =
                                    rw_jsonpos_path_key(&(struct rw_json_path){0}, "tiers");
                                char cycle[512];
                                size_t o = 0, start = 0;

                                while (chain[start] != cur)
                                        start++;
                                for (size_t k = start; k < n && o < sizeof(cycle); k++)
                                        o += (size_t)snprintf(cycle + o, sizeof(cycle) - o,
                                                              "%s -> ", defs[chain[k]].name);
                                if (o < sizeof(cycle))
                                        snprintf(cycle + o, sizeof(cycle) - o, "%s",
                                                 defs[cur].name);
                                p = rw_jsonpos_path_key(&p, defs[cur].name);
                                p = rw_jsonpos_path_key(&p, "extends");
                                return rw_policy_fail(ps, &p, false, "extends cycle: %s", cycle);
                        }
                        defs[cur].state = 1;
                        chain[n++] = cur;
                        if (defs[cur].extends == NULL ||
                            strcmp(defs[cur].extends, RW_POLICY_BASELINE_TIER) == 0)
                                break;
                        parent = rw_policy_tier_index(policy, defs[cur].extends);
                        cur = (size_t)parent; /* existence was checked before */
                }
                while (n > 0) {
                        size_t t = chain[--n];
                        const struct rw_tier *parent = NULL;

                        if (defs[t].extends != NULL &&
                            strcmp(defs[t].extends, RW_POLICY_BASELINE_TIER) != 0)
                                parent =
                                    &policy->tiers[rw_policy_tier_index(policy, defs[t].extends)];
                        if (resolve_tier(&policy->tiers[t], &defs[t], parent) < 0)
                                return rw_policy_oom(ps);
                        defs[t].state = 2;
                }
        }
        return 0;
}
