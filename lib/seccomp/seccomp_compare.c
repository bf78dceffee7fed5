/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_compare.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* One argument condition, as libseccomp takes it. */
struct cond {
        unsigned arg;
        enum scmp_compare op;
        uint64_t a, b;
};

/* The calls a rule matches: a conjunction of at most one condition per argument; none: all. */
struct rect {
        unsigned n;
        struct cond c[RW_SECCOMP_ARG_COUNT];
};

struct rule {
        int key;          /* the call's number on the architecture, or libseccomp's placeholder */
        const char *name; /* as the profile spells it; points into the profile */
        const char *call; /* the call at `key`: `name`, or the multiplexer it reaches */
        size_t entry;     /* its index in "syscalls" */
        uint32_t action;
        bool lets_through;
        /* libseccomp's copy on socketcall()/ipc() of a multiplexed call (32-bit x86): it matches
         * the sub-call in argument 0 only, whatever `rect` says. */
        bool via_multiplexer;
        struct rect rect;
};

struct arch_rules {
        const struct rw_seccomp_arch *arch;
        struct rule *rules; /* sorted by key, then entry */
        size_t n, cap;
};

struct rw_seccomp_model {
        json_t *profile; /* a reference: rule names point into it */
        uint32_t default_action;
        bool spec_allow;
        struct arch_rules arches[32];
        size_t n_arches;
};

static const struct rect all_calls = {0};

/* --- Sets of argument values ------------------------------------------------------------ */

/* A set of values of one argument: up to two intervals (NE leaves two), or a masked pattern. */
struct pred {
        bool masked;
        unsigned n; /* intervals when !masked; 0 with !masked: the empty set */
        uint64_t lo[2], hi[2];
        uint64_t mask, datum;
};

static void pred_interval(struct pred *p, uint64_t lo, uint64_t hi)
{
        p->lo[p->n] = lo;
        p->hi[p->n] = hi;
        p->n++;
}

/* The set one condition allows, with values cut to the architecture's width (`max`), as
 * libseccomp compares only the low 32 bits on 32-bit architectures. */
static void pred_from(const struct cond *c, uint64_t max, struct pred *p)
{
        uint64_t a = c->a & max, b = c->b & max;

        memset(p, 0, sizeof(*p));
        switch (c->op) {
        case SCMP_CMP_EQ:
                pred_interval(p, a, a);
                break;
        case SCMP_CMP_NE:
                if (a > 0)
                        pred_interval(p, 0, a - 1);
                if (a < max)
                        pred_interval(p, a + 1, max);
                break;
        case SCMP_CMP_LT:
                if (a > 0)
                        pred_interval(p, 0, a - 1);
                break;
        case SCMP_CMP_LE:
                pred_interval(p, 0, a);
                break;
        case SCMP_CMP_GT:
                if (a < max)
                        pred_interval(p, a + 1, max);
                break;
        case SCMP_CMP_GE:
                pred_interval(p, a, max);
                break;
        case SCMP_CMP_MASKED_EQ:
                /* A datum with bits outside the mask never matches. */
                if ((b & ~a) == 0) {
                        p->masked = true;
                        p->mask = a;
                        p->datum = b;
                }
                break;
        default:
                break;
        }
}

static bool pred_empty(const struct pred *p)
{
        return !p->masked && p->n == 0;
}

static bool pred_full(const struct pred *p, uint64_t max)
{
        if (p->masked)
                return p->mask == 0;
        return p->n == 1 && p->lo[0] == 0 && p->hi[0] == max;
}

/* The smallest x >= low (and <= max) with x & mask == datum. */
static bool masked_next(uint64_t mask, uint64_t datum, uint64_t low, uint64_t max, uint64_t *ret)
{
        if ((low & mask) == datum) {
                *ret = low;
                return true;
        }
        /* Otherwise x agrees with low above some bit p, has p set where low has it clear, and
         * is as small as the pattern allows below p; the lowest such p gives the smallest x. */
        for (unsigned p = 0; p < 64; p++) {
                uint64_t bit = UINT64_C(1) << p;
                uint64_t below = bit - 1;
                uint64_t above = ~(below | bit);
                uint64_t x;

                if ((low & bit) != 0 || ((mask & bit) != 0 && (datum & bit) == 0))
                        continue;
                if ((low & above & mask) != (datum & above))
                        continue;
                x = (low & above) | bit | (datum & below);
                if (x > max)
                        return false;
                *ret = x;
                return true;
        }
        return false;
}

static bool pred_meets_interval(const struct pred *p, uint64_t lo, uint64_t hi, uint64_t max)
{
        uint64_t x;

        if (p->masked)
                return masked_next(p->mask, p->datum, lo, max, &x) && x <= hi;
        for (unsigned i = 0; i < p->n; i++)
                if (p->lo[i] <= hi && lo <= p->hi[i])
                        return true;
        return false;
}

/* p is a subset of q. */
static bool pred_subset(const struct pred *p, const struct pred *q, uint64_t max)
{
        if (pred_empty(p))
                return true;
        if (pred_empty(q))
                return false;
        if (!q->masked) {
                /* No value of p may fall in a gap of q's (sorted, disjoint) intervals. */
                uint64_t next = 0;
                bool open = true;

                for (unsigned i = 0; i < q->n; i++) {
                        if (q->lo[i] > next && pred_meets_interval(p, next, q->lo[i] - 1, max))
                                return false;
                        if (q->hi[i] == max) {
                                open = false;
                                break;
                        }
                        next = q->hi[i] + 1;
                }
                return !open || !pred_meets_interval(p, next, max, max);
        }
        if (p->masked)
                return (q->mask & ~p->mask) == 0 && (p->datum & q->mask) == q->datum;
        for (unsigned i = 0; i < p->n; i++) {
                uint64_t lo = p->lo[i], hi = p->hi[i], varying;

                if ((lo & q->mask) != q->datum)
                        return false;
                if (lo == hi)
                        continue;
                /* Over a run of consecutive values every bit up to the highest one in which its
                 * ends differ takes both values. */
                varying = UINT64_MAX >> __builtin_clzll(lo ^ hi);
                if ((q->mask & varying) != 0)
                        return false;
        }
        return true;
}

static bool pred_disjoint(const struct pred *p, const struct pred *q, uint64_t max)
{
        if (pred_empty(p) || pred_empty(q))
                return true;
        if (p->masked && q->masked)
                return ((p->datum ^ q->datum) & p->mask & q->mask) != 0;
        if (p->masked) {
                const struct pred *t = p;

                p = q;
                q = t;
        }
        for (unsigned i = 0; i < p->n; i++)
                if (pred_meets_interval(q, p->lo[i], p->hi[i], max))
                        return false;
        return true;
}

static void rect_pred(const struct rect *r, unsigned arg, uint64_t max, struct pred *p)
{
        memset(p, 0, sizeof(*p));
        pred_interval(p, 0, max);
        for (unsigned i = 0; i < r->n; i++)
                if (r->c[i].arg == arg)
                        pred_from(&r->c[i], max, p);
}

static bool rect_empty(const struct rect *r, uint64_t max)
{
        for (unsigned i = 0; i < r->n; i++) {
                struct pred p;

                pred_from(&r->c[i], max, &p);
                if (pred_empty(&p))
                        return true;
        }
        return false;
}

static bool rect_full(const struct rect *r, uint64_t max)
{
        for (unsigned i = 0; i < r->n; i++) {
                struct pred p;

                pred_from(&r->c[i], max, &p);
                if (!pred_full(&p, max))
                        return false;
        }
        return true;
}

static bool rect_subset(const struct rect *r, const struct rect *s, uint64_t max)
{
        if (rect_empty(r, max))
                return true;
        for (unsigned arg = 0; arg < RW_SECCOMP_ARG_COUNT; arg++) {
                struct pred p, q;

                rect_pred(r, arg, max, &p);
                rect_pred(s, arg, max, &q);
                if (!pred_subset(&p, &q, max))
                        return false;
        }
        return true;
}

static bool rect_disjoint(const struct rect *r, const struct rect *s, uint64_t max)
{
        if (rect_empty(r, max) || rect_empty(s, max))
                return true;
        for (unsigned arg = 0; arg < RW_SECCOMP_ARG_COUNT; arg++) {
                struct pred p, q;

                rect_pred(r, arg, max, &p);
                rect_pred(s, arg, max, &q);
                if (pred_disjoint(&p, &q, max))
                        return true;
        }
        return false;
}

static uint64_t arch_max(const struct arch_rules *ar)
{
        return ar->arch->wide ? UINT64_MAX : UINT32_MAX;
}

/* --- The model -------------------------------------------------------------------------- */

void rw_seccomp_model_free(struct rw_seccomp_model *model)
{
        if (model == NULL)
                return;
        for (size_t i = 0; i < model->n_arches; i++)
                free(model->arches[i].rules);
        json_decref(model->profile);
        free(model);
}

static struct arch_rules *model_arch(const struct rw_seccomp_model *model, uint32_t token)
{
        for (size_t i = 0; i < model->n_arches; i++)
                if (model->arches[i].arch->token == token)
                        return (struct arch_rules *)&model->arches[i];
        return NULL;
}

static int add_arch(struct rw_seccomp_model *model, const struct rw_seccomp_arch *arch)
{
        if (model_arch(model, arch->token) != NULL)
                return 0;
        if (model->n_arches == RW_ELEMENTSOF(model->arches))
                return -E2BIG;
        model->arches[model->n_arches++].arch = arch;
        return 0;
}

static int push_rule(struct arch_rules *ar, const struct rule *rule)
{
        if (ar->n == ar->cap) {
                size_t cap = ar->cap == 0 ? 64 : ar->cap * 2;
                struct rule *rules = realloc(ar->rules, cap * sizeof(*rules));

                if (rules == NULL)
                        return -ENOMEM;
                ar->rules = rules;
                ar->cap = cap;
        }
        ar->rules[ar->n++] = *rule;
        return 0;
}

/* The multiplexer libseccomp files a call under on 32-bit x86 and s390. */
static const char *multiplexer_name(uint32_t arch, int nr)
{
        static const char *const multiplexers[] = {"socketcall", "ipc"};

        for (size_t i = 0; i < RW_ELEMENTSOF(multiplexers); i++)
                if (seccomp_syscall_resolve_name_arch(arch, multiplexers[i]) == nr)
                        return multiplexers[i];
        return "a multiplexer";
}

/* A rule on every architecture of the filter that has the call, as libseccomp places it. */
static int add_name(struct rw_seccomp_model *model, const char *name, size_t entry, uint32_t action,
                    const struct rect *rects, size_t n_rects)
{
        for (size_t a = 0; a < model->n_arches; a++) {
                struct arch_rules *ar = &model->arches[a];
                int direct = seccomp_syscall_resolve_name_arch(ar->arch->token, name);
                int rewritten = seccomp_syscall_resolve_name_rewrite(ar->arch->token, name);
                struct rule rule = {
                    .name = name,
                    .call = name,
                    .entry = entry,
                    .action = action,
                    .lets_through = rw_seccomp_action_lets_through(action),
                };
                int r;

                if (direct < 0 && rewritten < 0)
                        continue;
                /* A placeholder number still stands for the call: libseccomp adds its direct
                 * variant (x86 socket() is 359) under it, and only this name maps to it. */
                rule.key = direct;
                for (size_t i = 0; i < n_rects; i++) {
                        rule.rect = rects[i];
                        r = push_rule(ar, &rule);
                        if (r < 0)
                                return r;
                }
                if (rewritten >= 0 && rewritten != direct) {
                        rule.key = rewritten;
                        rule.call = multiplexer_name(ar->arch->token, rewritten);
                        rule.via_multiplexer = true;
                        rule.rect = all_calls;
                        r = push_rule(ar, &rule);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The argument sets of a rule: runc splits a rule with two conditions on one argument into one
 * rule per condition. */
static int entry_rects(const json_t *args, const char *where, enum rw_seccomp_strictness strictness,
                       struct rect *ret, size_t *ret_n, struct rw_error *err)
{
        struct cond conds[16];
        bool seen[RW_SECCOMP_ARG_COUNT] = {false}, split = false;
        const json_t *item;
        size_t i, n = 0;

        if (args != NULL && !json_is_null(args) && !json_is_array(args))
                return rw_error_set(err, EINVAL, "%sargs must be an array", where);
        if (json_array_size(args) > RW_ELEMENTSOF(conds))
                return rw_error_set(err, E2BIG, "%smore than %zu argument conditions", where,
                                    RW_ELEMENTSOF(conds));
        json_array_foreach((json_t *)args, i, item)
        {
                struct scmp_arg_cmp cmp;
                char at[224];
                int r;

                snprintf(at, sizeof(at), "%sargs[%zu]: ", where, i);
                r = rw_seccomp_parse_condition(item, at, strictness, &cmp, err);
                if (r < 0)
                        return r;
                conds[n++] = (struct cond){cmp.arg, cmp.op, cmp.datum_a, cmp.datum_b};
                if (seen[cmp.arg])
                        split = true;
                seen[cmp.arg] = true;
        }
        if (!split) {
                ret[0].n = (unsigned)n;
                memcpy(ret[0].c, conds, n * sizeof(conds[0]));
                *ret_n = 1;
                return 0;
        }
        for (i = 0; i < n; i++) {
                ret[i].n = 1;
                ret[i].c[0] = conds[i];
        }
        *ret_n = n;
        return 0;
}

static int rule_cmp(const void *a, const void *b)
{
        const struct rule *x = a, *y = b;

        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        if (x->entry != y->entry)
                return x->entry < y->entry ? -1 : 1;
        return 0;
}

static int model_entries(struct rw_seccomp_model *model, const json_t *syscalls,
                         enum rw_seccomp_strictness strictness, struct rw_error *err)
{
        const json_t *entry;
        size_t i;

        if (syscalls != NULL && !json_is_null(syscalls) && !json_is_array(syscalls))
                return rw_error_set(err, EINVAL, "syscalls must be an array");
        json_array_foreach((json_t *)syscalls, i, entry)
        {
                const json_t *names = json_object_get(entry, "names"), *name;
                struct rect rects[16];
                size_t n_rects = 0, k;
                uint32_t action;
                char where[160];
                int r;

                if (!json_is_object(entry))
                        return rw_error_set(err, EINVAL, "syscalls[%zu] is not an object", i);
                rw_seccomp_entry_where(entry, i, where, sizeof(where));
                r = rw_seccomp_parse_action(entry, "action", "errnoRet", where, strictness, &action,
                                            err);
                if (r < 0)
                        return r;
                /* runc skips it (the strict checker refuses it before). */
                if (action == model->default_action)
                        continue;
                r = entry_rects(json_object_get(entry, "args"), where, strictness, rects, &n_rects,
                                err);
                if (r < 0)
                        return r;
                if (names != NULL && !json_is_array(names))
                        return rw_error_set(err, EINVAL, "%snames must be an array", where);
                json_array_foreach((json_t *)names, k, name)
                {
                        const char *s = json_string_value(name);

                        if (s == NULL)
                                return rw_error_set(err, EINVAL, "%snames[%zu] is not a string",
                                                    where, k);
                        /* runc ignores names libseccomp cannot resolve. */
                        if (seccomp_syscall_resolve_name(s) == __NR_SCMP_ERROR)
                                continue;
                        r = add_name(model, s, i, action, rects, n_rects);
                        if (r < 0)
                                return rw_error_set_errno(err, -r, "%smodelling the rules", where);
                }
        }
        return 0;
}

static int model_flags(struct rw_seccomp_model *model, const json_t *flags, struct rw_error *err)
{
        const json_t *item;
        size_t i;

        if (flags != NULL && !json_is_null(flags) && !json_is_array(flags))
                return rw_error_set(err, EINVAL, "flags must be an array of strings");
        json_array_foreach((json_t *)flags, i, item)
        {
                const char *name = json_string_value(item);

                if (name == NULL)
                        return rw_error_set(err, EINVAL, "flags[%zu] is not a string", i);
                if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        model->spec_allow = true;
                else if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") != 0 &&
                         strcmp(name, "SECCOMP_FILTER_FLAG_LOG") != 0)
                        return rw_error_set(err, EINVAL, "flags[%zu]: unknown flag \"%s\"", i,
                                            name);
        }
        return 0;
}

int rw_seccomp_model_new(const json_t *profile, enum rw_seccomp_strictness strictness,
                         struct rw_seccomp_model **ret, struct rw_error *err)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *model = NULL;
        const json_t *list, *item;
        size_t i;
        int r;

        if (!json_is_object(profile))
                return rw_error_set(err, EINVAL, "a seccomp filter must be a JSON object");
        model = calloc(1, sizeof(*model));
        if (model == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        model->profile = json_incref((json_t *)profile);
        r = rw_seccomp_parse_action(profile, "defaultAction", "defaultErrnoRet", "", strictness,
                                    &model->default_action, err);
        if (r < 0)
                return r;

        /* Every filter holds the native architecture; runc adds the listed ones. */
        if (rw_seccomp_arch_native() == NULL)
                return rw_error_set(err, ENOTSUP, "libseccomp's native architecture is unknown");
        r = add_arch(model, rw_seccomp_arch_native());
        if (r < 0)
                return rw_error_set_errno(err, -r, "architectures");
        list = json_object_get(profile, "architectures");
        if (list != NULL && !json_is_null(list) && !json_is_array(list))
                return rw_error_set(err, EINVAL, "architectures must be an array of strings");
        json_array_foreach((json_t *)list, i, item)
        {
                const struct rw_seccomp_arch *arch =
                    rw_seccomp_arch_by_name(json_string_value(item));

                if (arch == NULL)
                        return rw_error_set(err, EINVAL, "architectures[%zu]: unknown architecture",
                                            i);
                r = add_arch(model, arch);
                if (r < 0)
                        return rw_error_set_errno(err, -r, "architectures[%zu]", i);
        }
        r = model_flags(model, json_object_get(profile, "flags"), err);
        if (r < 0)
                return r;
        r = model_entries(model, json_object_get(profile, "syscalls"), strictness, err);
        if (r < 0)
                return r;
        for (i = 0; i < model->n_arches; i++)
                if (model->arches[i].n > 0)
                        qsort(model->arches[i].rules, model->arches[i].n, sizeof(struct rule),
                              rule_cmp);
        *ret = TAKE_PTR(model);
        return 0;
}

size_t rw_seccomp_model_arch_count(const struct rw_seccomp_model *model)
{
        return model->n_arches;
}

/* The rules of `ar` for `key`: [*ret_begin, *ret_end). */
static void key_range(const struct arch_rules *ar, int key, size_t *ret_begin, size_t *ret_end)
{
        size_t lo = 0, hi = ar->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (ar->rules[mid].key < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_begin = lo;
        while (lo < ar->n && ar->rules[lo].key == key)
                lo++;
        *ret_end = lo;
}

int rw_seccomp_model_check_conflicts(const struct rw_seccomp_model *model, struct rw_error *err)
{
        for (size_t a = 0; a < model->n_arches; a++) {
                const struct arch_rules *ar = &model->arches[a];
                uint64_t max = arch_max(ar);

                for (size_t i = 0; i < ar->n; i++) {
                        const struct rule *x = &ar->rules[i];
                        const struct rect *rx = x->via_multiplexer ? &all_calls : &x->rect;

                        for (size_t j = i + 1; j < ar->n && ar->rules[j].key == x->key; j++) {
                                const struct rule *y = &ar->rules[j];
                                const struct rect *ry = y->via_multiplexer ? &all_calls : &y->rect;
                                char ax[64], ay[64];

                                if (x->action == y->action || rect_disjoint(rx, ry, max))
                                        continue;
                                rw_seccomp_action_describe(x->action, ax, sizeof(ax));
                                rw_seccomp_action_describe(y->action, ay, sizeof(ay));
                                return rw_error_set(
                                    err, EINVAL,
                                    "syscalls[%zu] (%s, %s) and syscalls[%zu] (%s, %s) can match "
                                    "the same %s call on %s: libseccomp keeps only one of them "
                                    "and the other silently does nothing (make their arguments "
                                    "disjoint)",
                                    x->entry, x->name, ax, y->entry, y->name, ay,
                                    x->via_multiplexer ? "multiplexed" : "system", ar->arch->name);
                        }
                }
        }
        return 0;
}

/* --- Comparing -------------------------------------------------------------------------- */

/*
 * Whether every call of `key` that `e` may let through, `o` is shown to let through. For `e`,
 * what a rule reaches is over-estimated (a multiplexed copy matches any arguments, a multiplexed
 * refusal is ignored); for `o` under-estimated (the other way round). On false, *ret_culprit is
 * the rule of `e` that is not covered, or NULL when its default action is to blame.
 */
static bool key_covered(const struct arch_rules *e, uint32_t e_default, const struct arch_rules *o,
                        uint32_t o_default, int key, const struct rule **ret_culprit)
{
        bool e_lets = rw_seccomp_action_lets_through(e_default);
        bool o_lets = rw_seccomp_action_lets_through(o_default);
        uint64_t max = arch_max(e);
        size_t eb, ee, ob, oe;

        *ret_culprit = NULL;
        key_range(e, key, &eb, &ee);
        key_range(o, key, &ob, &oe);

        if (e_lets && !o_lets) {
                /* e lets the call through unless one of its refusals covers every call and
                 * nothing of it lets any through. */
                bool refused = false;

                for (size_t i = eb; i < ee; i++) {
                        const struct rule *x = &e->rules[i];

                        if (x->lets_through && (x->via_multiplexer || !rect_empty(&x->rect, max))) {
                                *ret_culprit = x;
                                return false;
                        }
                        if (!x->via_multiplexer && rect_full(&x->rect, max))
                                refused = true;
                }
                return refused;
        }
        if (e_lets && o_lets) {
                /* Each refusal of o must be one of e's, and e must not let any of it through. */
                for (size_t j = ob; j < oe; j++) {
                        const struct rule *y = &o->rules[j];
                        const struct rect *ry = y->via_multiplexer ? &all_calls : &y->rect;
                        bool refused = false;

                        if (y->lets_through)
                                continue;
                        for (size_t i = eb; i < ee; i++) {
                                const struct rule *x = &e->rules[i];

                                if (x->lets_through &&
                                    !rect_disjoint(ry, x->via_multiplexer ? &all_calls : &x->rect,
                                                   max)) {
                                        *ret_culprit = x;
                                        return false;
                                }
                                if (!x->lets_through && !x->via_multiplexer &&
                                    rect_subset(ry, &x->rect, max))
                                        refused = true;
                        }
                        if (!refused)
                                return false;
                }
                return true;
        }
        /* e refuses by default: each rule of e that lets calls through must avoid o's refusals
         * and, unless o lets through by default, lie inside one rule of o that lets through. */
        for (size_t i = eb; i < ee; i++) {
                const struct rule *x = &e->rules[i];
                const struct rect *rx = x->via_multiplexer ? &all_calls : &x->rect;
                bool covered = o_lets;

                /* A rule whose conditions nothing meets lets nothing through. */
                if (!x->lets_through || rect_empty(rx, max))
                        continue;
                for (size_t j = ob; j < oe; j++) {
                        const struct rule *y = &o->rules[j];

                        if (!y->lets_through) {
                                const struct rect *ry = y->via_multiplexer ? &all_calls : &y->rect;

                                if (!rect_disjoint(rx, ry, max)) {
                                        covered = false;
                                        break;
                                }
                        } else if (!y->via_multiplexer && rect_subset(rx, &y->rect, max)) {
                                covered = true;
                        }
                }
                if (!covered) {
                        *ret_culprit = x;
                        return false;
                }
        }
        return true;
}

/* Calls `fn` for each key either of two rule lists has, in order; stops at a false. */
static bool each_key(const struct arch_rules *a, const struct arch_rules *b,
                     bool (*fn)(int key, void *userdata), void *userdata)
{
        size_t i = 0, j = 0;

        while (i < a->n || j < b->n) {
                int key;

                if (j >= b->n || (i < a->n && a->rules[i].key <= b->rules[j].key))
                        key = a->rules[i].key;
                else
                        key = b->rules[j].key;
                if (!fn(key, userdata))
                        return false;
                while (i < a->n && a->rules[i].key == key)
                        i++;
                while (j < b->n && b->rules[j].key == key)
                        j++;
        }
        return true;
}

struct strict_walk {
        const struct rw_seccomp_model *engine, *ours;
        const struct arch_rules *e, *o;
        const struct rule *culprit;
        int key;
};

static bool strict_key(int key, void *userdata)
{
        struct strict_walk *w = userdata;

        w->key = key;
        return key_covered(w->e, w->engine->default_action, w->o, w->ours->default_action, key,
                           &w->culprit);
}

static const char *key_name(const struct arch_rules *a, const struct arch_rules *b, int key)
{
        size_t begin, end;

        key_range(a, key, &begin, &end);
        if (begin < end)
                return a->rules[begin].call;
        key_range(b, key, &begin, &end);
        return begin < end ? b->rules[begin].call : "?";
}

int rw_seccomp_check_at_least_as_strict(const struct rw_seccomp_model *engine,
                                        const struct rw_seccomp_model *ours, struct rw_error *err)
{
        char e_action[64], o_action[64];

        rw_seccomp_action_describe(engine->default_action, e_action, sizeof(e_action));
        rw_seccomp_action_describe(ours->default_action, o_action, sizeof(o_action));
        if (rw_seccomp_action_rank(engine->default_action) <
            rw_seccomp_action_rank(ours->default_action))
                return rw_error_set(err, EPERM, "its default action %s stops less than %s",
                                    e_action, o_action);
        if (engine->spec_allow && !ours->spec_allow)
                return rw_error_set(err, EPERM,
                                    "it turns off the speculative store bypass mitigation "
                                    "(SECCOMP_FILTER_FLAG_SPEC_ALLOW)");
        for (size_t a = 0; a < engine->n_arches; a++)
                if (model_arch(ours, engine->arches[a].arch->token) == NULL)
                        return rw_error_set(err, EPERM,
                                            "it accepts system calls of architecture %s",
                                            engine->arches[a].arch->name);
        for (size_t a = 0; a < engine->n_arches; a++) {
                struct strict_walk w = {.engine = engine, .ours = ours, .e = &engine->arches[a]};

                w.o = model_arch(ours, w.e->arch->token);
                if (each_key(w.e, w.o, strict_key, &w))
                        continue;
                if (w.culprit != NULL)
                        return rw_error_set(err, EPERM,
                                            "it lets %s through on %s (syscalls[%zu]%s)",
                                            w.culprit->name, w.e->arch->name, w.culprit->entry,
                                            w.culprit->via_multiplexer ? ", through the multiplexer"
                                            : w.culprit->rect.n > 0 ? ", for the arguments it names"
                                                                    : "");
                return rw_error_set(err, EPERM, "it lets %s through on %s by its default action",
                                    key_name(w.e, w.o, w.key), w.e->arch->name);
        }
        return 0;
}

const char *rw_seccomp_verdict_name(enum rw_seccomp_verdict verdict)
{
        switch (verdict) {
        case RW_SECCOMP_ALLOWED:
                return "allowed";
        case RW_SECCOMP_CONDITIONAL:
                return "conditional";
        case RW_SECCOMP_DENIED:
        default:
                return "denied";
        }
}

static enum rw_seccomp_verdict key_verdict(const struct rw_seccomp_model *model,
                                           const struct arch_rules *ar, int key)
{
        bool default_lets = rw_seccomp_action_lets_through(model->default_action);
        bool some_let = false, some_stop = false, all_let = false, all_stop = false;
        uint64_t max = arch_max(ar);
        size_t begin, end;

        key_range(ar, key, &begin, &end);
        for (size_t i = begin; i < end; i++) {
                const struct rule *x = &ar->rules[i];
                bool full = !x->via_multiplexer && rect_full(&x->rect, max);

                if (!x->via_multiplexer && rect_empty(&x->rect, max))
                        continue;
                if (x->lets_through) {
                        some_let = true;
                        all_let = all_let || full;
                } else {
                        some_stop = true;
                        all_stop = all_stop || full;
                }
        }
        if (default_lets) {
                if (!some_stop)
                        return RW_SECCOMP_ALLOWED;
                return all_stop && !some_let ? RW_SECCOMP_DENIED : RW_SECCOMP_CONDITIONAL;
        }
        if (!some_let)
                return RW_SECCOMP_DENIED;
        return all_let && !some_stop ? RW_SECCOMP_ALLOWED : RW_SECCOMP_CONDITIONAL;
}

enum rw_seccomp_verdict rw_seccomp_model_verdict(const struct rw_seccomp_model *model,
                                                 uint32_t arch, const char *name)
{
        const struct arch_rules *ar = model_arch(model, arch);
        int key;

        if (ar == NULL || !rw_seccomp_name_on_arch(arch, name))
                return RW_SECCOMP_DENIED;
        /* Rules are filed under this number even when it is a placeholder (see add_name). */
        key = seccomp_syscall_resolve_name_arch(arch, name);
        return key_verdict(model, ar, key);
}

struct diff_walk {
        const struct rw_seccomp_model *a, *b;
        const struct arch_rules *ra, *rb;
        struct rw_seccomp_difference *out;
        size_t n, cap;
        int error;
};

static bool diff_push(struct diff_walk *w, const struct rw_seccomp_difference *d)
{
        if (w->n == w->cap) {
                size_t cap = w->cap == 0 ? 32 : w->cap * 2;
                struct rw_seccomp_difference *out = realloc(w->out, cap * sizeof(*out));

                if (out == NULL) {
                        w->error = -ENOMEM;
                        return false;
                }
                w->out = out;
                w->cap = cap;
        }
        w->out[w->n++] = *d;
        return true;
}

static bool diff_key(int key, void *userdata)
{
        struct diff_walk *w = userdata;
        const struct rule *culprit;
        struct rw_seccomp_difference d = {
            .arch = w->ra->arch,
            .name = key_name(w->ra, w->rb, key),
            .a = key_verdict(w->a, w->ra, key),
            .b = key_verdict(w->b, w->rb, key),
        };

        d.a_wider =
            !key_covered(w->ra, w->a->default_action, w->rb, w->b->default_action, key, &culprit);
        d.b_wider =
            !key_covered(w->rb, w->b->default_action, w->ra, w->a->default_action, key, &culprit);
        if (d.a == d.b && !d.a_wider && !d.b_wider)
                return true;
        return diff_push(w, &d);
}

int rw_seccomp_diff(const struct rw_seccomp_model *a, const struct rw_seccomp_model *b,
                    struct rw_seccomp_difference **ret, size_t *ret_n, struct rw_error *err)
{
        struct diff_walk w = {.a = a, .b = b};
        const struct rw_seccomp_model *models[2] = {a, b};

        for (size_t m = 0; m < 2 && w.error == 0; m++) {
                for (size_t i = 0; i < models[m]->n_arches && w.error == 0; i++) {
                        const struct arch_rules *ra =
                            model_arch(a, models[m]->arches[i].arch->token);
                        const struct arch_rules *rb =
                            model_arch(b, models[m]->arches[i].arch->token);
                        bool a_lets = rw_seccomp_action_lets_through(a->default_action);
                        bool b_lets = rw_seccomp_action_lets_through(b->default_action);

                        if (m == 1 && ra != NULL)
                                continue; /* done with a's architectures */
                        if (ra == NULL || rb == NULL) {
                                /* The filter without the architecture kills all its calls. */
                                struct rw_seccomp_difference d = {
                                    .arch = models[m]->arches[i].arch,
                                    .name = "",
                                    .a = ra != NULL ? RW_SECCOMP_CONDITIONAL : RW_SECCOMP_DENIED,
                                    .b = rb != NULL ? RW_SECCOMP_CONDITIONAL : RW_SECCOMP_DENIED,
                                    .a_wider = ra != NULL,
                                    .b_wider = rb != NULL,
                                };

                                diff_push(&w, &d);
                                continue;
                        }
                        w.ra = ra;
                        w.rb = rb;
                        if (a_lets != b_lets) {
                                struct rw_seccomp_difference d = {
                                    .arch = ra->arch,
                                    .name = "",
                                    .a = a_lets ? RW_SECCOMP_ALLOWED : RW_SECCOMP_DENIED,
                                    .b = b_lets ? RW_SECCOMP_ALLOWED : RW_SECCOMP_DENIED,
                                    .a_wider = a_lets,
                                    .b_wider = b_lets,
                                };

                                if (!diff_push(&w, &d))
                                        break;
                        }
                        each_key(ra, rb, diff_key, &w);
                }
        }
        if (w.error < 0) {
                free(w.out);
                return rw_error_set_errno(err, -w.error, "comparing the filters");
        }
        *ret = w.out;
        *ret_n = w.n;
        return 0;
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void rw_seccomp_names_free(char **names, size_t n)
{
        for (size_t i = 0; names != NULL && i < n; i++)
                free(names[i]);
        free(names);
}

int rw_seccomp_arch_syscalls(uint32_t arch, char ***ret, size_t *ret_n, struct rw_error *err)
{
        /* Where each ABI's numbers start (x32 sets bit 30, MIPS ABIs start at 4000, 5000 and
         * 6000); 32-bit ARM has a few private calls at 0xf0000. */
        static const struct {
                uint32_t arch;
                int base;
        } bases[] = {
            {SCMP_ARCH_X32, 0x40000000},   {SCMP_ARCH_MIPS, 4000},     {SCMP_ARCH_MIPSEL, 4000},
            {SCMP_ARCH_MIPS64, 5000},      {SCMP_ARCH_MIPSEL64, 5000}, {SCMP_ARCH_MIPS64N32, 6000},
            {SCMP_ARCH_MIPSEL64N32, 6000},
        };
        int ranges[2][2] = {{0, 1024}, {0, 0}};
        char **names = NULL;
        size_t n = 0, cap = 0;

        for (size_t i = 0; i < RW_ELEMENTSOF(bases); i++)
                if (bases[i].arch == arch)
                        ranges[0][0] = bases[i].base;
        ranges[0][1] = ranges[0][0] + 1024;
        if (arch == SCMP_ARCH_ARM) {
                ranges[1][0] = 0xf0000;
                ranges[1][1] = 0xf0010;
        }
        for (size_t r = 0; r < 2; r++) {
                for (int nr = ranges[r][0]; nr < ranges[r][1]; nr++) {
                        char *name = seccomp_syscall_resolve_num_arch(arch, nr);

                        if (name == NULL)
                                continue;
                        if (n == cap) {
                                char **grown =
                                    realloc(names, (cap ? cap * 2 : 512) * sizeof(*grown));

                                if (grown == NULL) {
                                        free(name);
                                        rw_seccomp_names_free(names, n);
                                        return rw_error_set(err, ENOMEM, "out of memory");
                                }
                                names = grown;
                                cap = cap ? cap * 2 : 512;
                        }
                        names[n++] = name;
                }
        }
        if (n > 0)
                qsort(names, n, sizeof(*names), name_cmp);
        /* Unique: two numbers may carry one name. */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
                if (kept > 0 && strcmp(names[kept - 1], names[i]) == 0)
                        free(names[i]);
                else
                        names[kept++] = names[i];
        }
        *ret = names;
        *ret_n = kept;
        return 0;
}
