/* SPDX-License-Identifier: Apache-2.0 */
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

void rw_plan_init(struct rw_plan *plan)
{
        memset(plan, 0, sizeof(*plan));
}

static void change_clear(struct rw_change *c)
{
        free(c->pointer);
        free(c->path);
        free(c->reason);
        json_decref(c->anchor);
        json_decref(c->before);
        json_decref(c->after);
        if (c->pin != NULL)
                free(c->pin->source);
        free(c->pin);
}

void rw_plan_clear(struct rw_plan *plan)
{
        for (size_t i = 0; i < plan->n_changes; i++)
                change_clear(&plan->changes[i]);
        for (size_t i = 0; i < plan->n_denials; i++) {
                free(plan->denials[i].item);
                free(plan->denials[i].reason);
        }
        for (size_t i = 0; i < plan->n_warnings; i++)
                free(plan->warnings[i].text);
        for (size_t i = 0; i < plan->n_notes; i++)
                free(plan->notes[i].text);
        free(plan->notes);
        free(plan->changes);
        free(plan->denials);
        free(plan->warnings);
        rw_plan_init(plan);
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
        char *s = NULL;

        if (vasprintf(&s, fmt, ap) < 0)
                return NULL;
        return s;
}

static bool grow(void **items, size_t *cap, size_t n, size_t size)
{
        void *p;
        size_t ncap;

        if (n < *cap)
                return true;
        ncap = *cap == 0 ? 16 : *cap * 2;
        p = reallocarray(*items, ncap, size);
        if (p == NULL)
                return false;
        *items = p;
        *cap = ncap;
        return true;
}

/* Takes over `after` in every case, borrows everything else. */
static void add_change(struct rw_plan *plan, enum rw_change_kind kind, const char *rule,
                       const char *pointer, char *path_owned, json_t *anchor, json_t *before,
                       json_t *after_stolen, const char *fmt, va_list ap)
    __attribute__((format(printf, 9, 0)));
static void add_change(struct rw_plan *plan, enum rw_change_kind kind, const char *rule,
                       const char *pointer, char *path_owned, json_t *anchor, json_t *before,
                       json_t *after_stolen, const char *fmt, va_list ap)
{
        struct rw_change c = {
            .kind = kind,
            .rule = rule,
        };

        c.pointer = strdup(pointer);
        c.path = path_owned != NULL ? path_owned : strdup(pointer);
        c.reason = vformat(fmt, ap);
        c.anchor = json_incref(anchor);
        c.before = json_incref(before);
        c.after = after_stolen;
        if (c.pointer == NULL || c.path == NULL || c.reason == NULL ||
            (kind == RW_CHANGE_SET && c.after == NULL) ||
            (kind == RW_CHANGE_ARRAY_INSERT && c.after == NULL) ||
            (kind == RW_CHANGE_ARRAY_REMOVE && c.anchor == NULL) ||
            !grow((void **)&plan->changes, &plan->cap_changes, plan->n_changes,
                  sizeof(*plan->changes))) {
                change_clear(&c);
                plan->oom = true;
                return;
        }
        plan->changes[plan->n_changes++] = c;
}

void rw_plan_set(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                 json_t *after, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_SET, rule, pointer, NULL, NULL, before, json_incref(after), fmt,
                   ap);
        va_end(ap);
}

void rw_plan_set_new(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                     json_t *after_stolen, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_SET, rule, pointer, NULL, NULL, before, after_stolen, fmt, ap);
        va_end(ap);
}

void rw_plan_pin_last(struct rw_plan *plan, const char *source, uint64_t dev, uint64_t ino,
                      bool directory)
{
        struct rw_change *c = plan->n_changes > 0 ? &plan->changes[plan->n_changes - 1] : NULL;

        if (plan->oom)
                return;
        if (c == NULL || c->kind != RW_CHANGE_SET || !json_is_string(c->after) || c->pin != NULL) {
                /* a rule's bug: make the plan unusable rather than hand off an unpinned source */
                plan->oom = true;
                return;
        }
        c->pin = calloc(1, sizeof(*c->pin));
        if (c->pin == NULL || (c->pin->source = strdup(source)) == NULL) {
                free(c->pin);
                c->pin = NULL;
                plan->oom = true;
                return;
        }
        c->pin->dev = dev;
        c->pin->ino = ino;
        c->pin->directory = directory;
}

void rw_plan_delete(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                    const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_DELETE, rule, pointer, NULL, NULL, before, NULL, fmt, ap);
        va_end(ap);
}

void rw_plan_array_remove(struct rw_plan *plan, const char *rule, const char *array_pointer,
                          size_t index, json_t *element, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_ARRAY_REMOVE, rule, array_pointer,
                   rw_pointer_join_index(array_pointer, index), element, element, NULL, fmt, ap);
        va_end(ap);
}

void rw_plan_array_insert_new(struct rw_plan *plan, const char *rule, const char *array_pointer,
                              json_t *anchor, json_t *value_stolen, const char *fmt, ...)
{
        char *path = NULL;
        va_list ap;

        if (asprintf(&path, "%s/-", array_pointer) < 0)
                path = NULL;
        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_ARRAY_INSERT, rule, array_pointer, path, anchor, NULL,
                   value_stolen, fmt, ap);
        va_end(ap);
}

void rw_plan_deny(struct rw_plan *plan, const char *rule, const char *item, const char *fmt, ...)
{
        struct rw_denial d = {.rule = rule};
        va_list ap;

        d.item = strdup(item != NULL ? item : "");
        va_start(ap, fmt);
        d.reason = vformat(fmt, ap);
        va_end(ap);
        /* Several rules read the same member: a malformed one is reported once. */
        for (size_t i = 0; d.reason != NULL && i < plan->n_denials; i++)
                if (strcmp(plan->denials[i].rule, rule) == 0 &&
                    strcmp(plan->denials[i].reason, d.reason) == 0) {
                        free(d.item);
                        free(d.reason);
                        return;
                }
        if (d.item == NULL || d.reason == NULL ||
            !grow((void **)&plan->denials, &plan->cap_denials, plan->n_denials,
                  sizeof(*plan->denials))) {
                free(d.item);
                free(d.reason);
                plan->oom = true;
                return;
        }
        plan->denials[plan->n_denials++] = d;
}

void rw_plan_warn(struct rw_plan *plan, const char *rule, const char *fmt, ...)
{
        struct rw_warning w = {.rule = rule};
        va_list ap;

        va_start(ap, fmt);
        w.text = vformat(fmt, ap);
        va_end(ap);
        if (w.text == NULL || !grow((void **)&plan->warnings, &plan->cap_warnings, plan->n_warnings,
                                    sizeof(*plan->warnings))) {
                free(w.text);
                plan->oom = true;
                return;
        }
        plan->warnings[plan->n_warnings++] = w;
}

void rw_plan_note(struct rw_plan *plan, const char *rule, const char *fmt, ...)
{
        struct rw_warning n = {.rule = rule};
        va_list ap;

        va_start(ap, fmt);
        n.text = vformat(fmt, ap);
        va_end(ap);
        if (n.text == NULL ||
            !grow((void **)&plan->notes, &plan->cap_notes, plan->n_notes, sizeof(*plan->notes))) {
                free(n.text);
                plan->oom = true;
                return;
        }
        plan->notes[plan->n_notes++] = n;
}

void rw_plan_array_remove_redacted(struct rw_plan *plan, const char *rule,
                                   const char *array_pointer, size_t index, json_t *element,
                                   json_t *shown_stolen, const char *fmt, ...)
{
        size_t before = plan->n_changes;
        va_list ap;

        va_start(ap, fmt);
        add_change(plan, RW_CHANGE_ARRAY_REMOVE, rule, array_pointer,
                   rw_pointer_join_index(array_pointer, index), element, NULL, NULL, fmt, ap);
        va_end(ap);
        if (plan->n_changes == before || shown_stolen == NULL) {
                json_decref(shown_stolen);
                plan->oom = plan->oom || shown_stolen == NULL;
                return;
        }
        plan->changes[before].before = shown_stolen;
}

static enum rw_rule_action tuning_for(const struct rw_rule_tuning *tuning, const char *rule)
{
        for (const struct rw_rule_tuning *t = tuning; t != NULL && t->rule != NULL; t++)
                if (strcmp(t->rule, rule) == 0)
                        return t->action;
        return RW_RULE_ENFORCE;
}

/* What a refusal names: a mount by its source (the socket, the host path), else the path. */
static const char *change_item(const struct rw_change *c)
{
        const char *source = json_string_value(json_object_get(c->before, "source"));

        return c->kind == RW_CHANGE_ARRAY_REMOVE && source != NULL ? source : c->path;
}

void rw_plan_tune(struct rw_plan *plan, const struct rw_rule_tuning *tuning)
{
        size_t kept = 0;

        for (size_t i = 0; i < plan->n_changes; i++) {
                struct rw_change *c = &plan->changes[i];
                enum rw_rule_action action = tuning_for(tuning, c->rule);
                _cleanup_free_ char *what = NULL;

                if (action == RW_RULE_ENFORCE) {
                        plan->changes[kept++] = *c;
                        continue;
                }
                what = rw_change_describe(c, 200);
                if (what == NULL)
                        plan->oom = true;
                else if (action == RW_RULE_REFUSE)
                        rw_plan_deny(plan, c->rule, change_item(c),
                                     "the tier refuses what the rule would change: %s", what);
                else
                        rw_plan_warn(plan, c->rule, "would change %s", what);
                change_clear(c);
        }
        plan->n_changes = kept;
        kept = 0;
        for (size_t i = 0; i < plan->n_denials; i++) {
                struct rw_denial *d = &plan->denials[i];

                if (tuning_for(tuning, d->rule) != RW_RULE_WARN) {
                        plan->denials[kept++] = *d;
                        continue;
                }
                rw_plan_warn(plan, d->rule, "would refuse: %s", d->reason);
                free(d->item);
                free(d->reason);
        }
        plan->n_denials = kept;
        /* a rule that only warns by itself (privileged) is refused where the tier says so */
        kept = 0;
        for (size_t i = 0, n = plan->n_warnings; i < n; i++) {
                struct rw_warning *w = &plan->warnings[i];

                if (tuning_for(tuning, w->rule) != RW_RULE_REFUSE) {
                        plan->warnings[kept++] = *w;
                        continue;
                }
                rw_plan_deny(plan, w->rule, w->rule, "the tier refuses it: %s", w->text);
                free(w->text);
        }
        plan->n_warnings = kept;
}

/* JSON pointers (RFC 6901) */

void rw_plan_changes_to_denials(struct rw_plan *plan, const char *why)
{
        /* one denial per rule, naming every change it would have made */
        for (size_t i = 0; i < plan->n_changes; i++) {
                const char *rule = plan->changes[i].rule;
                _cleanup_free_ char *reasons = NULL;
                bool first = true;

                if (rule == NULL)
                        continue;
                for (size_t k = i; k < plan->n_changes; k++) {
                        struct rw_change *c = &plan->changes[k];
                        char *joined = NULL;

                        if (c->rule == NULL || strcmp(c->rule, rule) != 0)
                                continue;
                        if (asprintf(&joined, "%s%s%s", first ? "" : reasons, first ? "" : "; ",
                                     c->reason != NULL ? c->reason : c->path) < 0) {
                                plan->oom = true;
                                return;
                        }
                        free(reasons);
                        reasons = joined;
                        first = false;
                        if (k != i) {
                                change_clear(c);
                                c->rule = NULL;
                        }
                }
                rw_plan_deny(plan, rule, change_item(&plan->changes[i]), "%s: %s", why, reasons);
                change_clear(&plan->changes[i]);
                plan->changes[i].rule = NULL;
        }
        plan->n_changes = 0;
}

/* Append n items of `size` bytes from `from` to the array *items holding *n_items. */
static bool append_items(void **items, size_t *n_items, size_t *cap, const void *from, size_t n,
                         size_t size)
{
        if (n == 0)
                return true;
        if (*n_items + n > *cap) {
                size_t want = *n_items + n;
                void *p = reallocarray(*items, want, size);

                if (p == NULL)
                        return false;
                *items = p;
                *cap = want;
        }
        memcpy((char *)*items + *n_items * size, from, n * size);
        *n_items += n;
        return true;
}

int rw_plan_take(struct rw_plan *dst, struct rw_plan *src)
{
        if (!append_items((void **)&dst->changes, &dst->n_changes, &dst->cap_changes, src->changes,
                          src->n_changes, sizeof(*src->changes)) ||
            !append_items((void **)&dst->denials, &dst->n_denials, &dst->cap_denials, src->denials,
                          src->n_denials, sizeof(*src->denials)) ||
            !append_items((void **)&dst->warnings, &dst->n_warnings, &dst->cap_warnings,
                          src->warnings, src->n_warnings, sizeof(*src->warnings)) ||
            !append_items((void **)&dst->notes, &dst->n_notes, &dst->cap_notes, src->notes,
                          src->n_notes, sizeof(*src->notes))) {
                dst->oom = true;
                return -ENOMEM;
        }
        /* the entries now belong to dst */
        src->n_changes = src->n_denials = src->n_warnings = src->n_notes = 0;
        dst->oom = dst->oom || src->oom;
        return 0;
}

/* Built by hand, not with asprintf(): the spec gate joins one for every member it reads, about
 * 700 for a docker spec, and formatting them was a tenth of a create (docs/performance.md). */
char *rw_pointer_join(const char *parent, const char *key)
{
        size_t parent_len = strlen(parent), len = 0;
        char *out, *o;

        for (const char *k = key; *k != '\0'; k++)
                len += *k == '~' || *k == '/' ? 2 : 1;
        out = malloc(parent_len + 1 + len + 1);
        if (out == NULL)
                return NULL;
        memcpy(out, parent, parent_len);
        o = out + parent_len;
        *o++ = '/';
        for (const char *k = key; *k != '\0'; k++) {
                if (*k == '~' || *k == '/') {
                        *o++ = '~';
                        *o++ = *k == '~' ? '0' : '1';
                } else {
                        *o++ = *k;
                }
        }
        *o = '\0';
        return out;
}

char *rw_pointer_join_index(const char *parent, size_t index)
{
        size_t parent_len = strlen(parent), n = 0;
        char digits[24], *out;

        do {
                digits[n++] = (char)('0' + index % 10);
                index /= 10;
        } while (index > 0);
        out = malloc(parent_len + 1 + n + 1);
        if (out == NULL)
                return NULL;
        memcpy(out, parent, parent_len);
        out[parent_len] = '/';
        for (size_t i = 0; i < n; i++)
                out[parent_len + 1 + i] = digits[n - 1 - i];
        out[parent_len + 1 + n] = '\0';
        return out;
}

/* Split the next token off *p (which points at a "/"), unescaped into `buf`. */
static int pointer_next(const char **p, char *buf, size_t size)
{
        const char *s = *p;
        size_t n = 0;

        if (*s != '/')
                return -EINVAL;
        s++;
        while (*s != '\0' && *s != '/') {
                char ch = *s++;

                if (ch == '~') {
                        if (*s == '0')
                                ch = '~';
                        else if (*s == '1')
                                ch = '/';
                        else
                                return -EINVAL;
                        s++;
                }
                if (n + 1 >= size)
                        return -ENAMETOOLONG;
                buf[n++] = ch;
        }
        buf[n] = '\0';
        *p = s;
        return 0;
}

static bool parse_index(const char *token, size_t *ret)
{
        char *end = NULL;
        unsigned long long v;

        if (token[0] < '0' || token[0] > '9' || (token[0] == '0' && token[1] != '\0'))
                return false;
        errno = 0;
        v = strtoull(token, &end, 10);
        if (errno != 0 || *end != '\0')
                return false;
        *ret = (size_t)v;
        return true;
}

/*
 * Resolve `pointer` in `doc`. With `create`, missing object members on the way are created as
 * objects; the last token is not resolved but returned in `last` with its parent in *ret.
 */
static int pointer_resolve(json_t *doc, const char *pointer, bool parent_only, bool create,
                           json_t **ret, char *last, size_t last_size, struct rw_error *err)
{
        /* no token is longer than the pointer */
        size_t token_size = strlen(pointer) + 1;
        _cleanup_free_ char *token = malloc(token_size);
        const char *p = pointer;
        json_t *cur = doc;

        if (token == NULL)
                return rw_error_set(err, ENOMEM, "resolving %s", pointer);
        while (*p != '\0') {
                json_t *next = NULL;
                size_t index;
                int r = pointer_next(&p, token, token_size);

                if (r < 0)
                        return rw_error_set(err, -r, "bad JSON pointer %s", pointer);
                if (parent_only && *p == '\0') {
                        if (strlen(token) + 1 > last_size)
                                return rw_error_set(err, ENAMETOOLONG, "key too long in %s",
                                                    pointer);
                        strcpy(last, token);
                        break;
                }
                if (json_is_object(cur)) {
                        next = json_object_get(cur, token);
                        if (next == NULL && create) {
                                next = json_object();
                                if (next == NULL || json_object_set_new(cur, token, next) < 0)
                                        return rw_error_set(err, ENOMEM, "creating %s", pointer);
                        }
                } else if (json_is_array(cur) && parse_index(token, &index)) {
                        next = json_array_get(cur, index);
                }
                if (next == NULL)
                        return rw_error_set(err, ENOENT, "%s does not lead to a value", pointer);
                cur = next;
        }
        *ret = cur;
        return 0;
}

static bool pointer_overlaps(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        size_t n = la < lb ? la : lb;

        if (strncmp(a, b, n) != 0)
                return false;
        /* equal, or one is a component-wise prefix of the other */
        return la == lb || (la < lb ? b[la] == '/' : a[lb] == '/');
}

/*
 * Whether `removal`, the spec gate's deletion of a member runc does not decode, is moot because
 * `set` replaces a member above it with a value of its rule's own making that does not hold that
 * member: `linux.seccomp` replaced by the tier's profile removes `linux.seccomp.unknownKey` too.
 * A replacement that still holds the member leaves the two in conflict (fail closed).
 */
static bool superseded(const struct rw_change *removal, const struct rw_change *set)
{
        size_t n = strlen(set->pointer);

        if (removal->kind != RW_CHANGE_DELETE || strcmp(removal->rule, RW_RULE_SPEC) != 0 ||
            set->kind != RW_CHANGE_SET || strlen(removal->pointer) <= n ||
            removal->pointer[n] != '/')
                return false;
        return rw_pointer_get(set->after, removal->pointer + n) == NULL;
}

static int apply_one(const struct rw_change *c, json_t *doc, struct rw_error *err)
{
        size_t key_size = strlen(c->pointer) + 1;
        _cleanup_free_ char *key = malloc(key_size);
        json_t *target = NULL;
        size_t i, n;
        int r;

        if (key == NULL)
                return rw_error_set(err, ENOMEM, "applying %s", c->pointer);
        switch (c->kind) {
        case RW_CHANGE_SET:
                r = pointer_resolve(doc, c->pointer, true, true, &target, key, key_size, err);
                if (r < 0)
                        return r;
                if (json_is_object(target)) {
                        if (json_object_set(target, key, c->after) < 0)
                                return rw_error_set(err, ENOMEM, "setting %s", c->pointer);
                        return 0;
                }
                if (json_is_array(target) && parse_index(key, &i) && i < json_array_size(target)) {
                        if (json_array_set(target, i, c->after) < 0)
                                return rw_error_set(err, ENOMEM, "setting %s", c->pointer);
                        return 0;
                }
                return rw_error_set(err, EINVAL, "cannot set %s: its parent is not an object",
                                    c->pointer);
        case RW_CHANGE_DELETE:
                r = pointer_resolve(doc, c->pointer, true, false, &target, key, key_size, err);
                if (r < 0)
                        return r;
                if (!json_is_object(target) || json_object_del(target, key) < 0)
                        return rw_error_set(err, ENOENT, "cannot delete %s: not present",
                                            c->pointer);
                return 0;
        case RW_CHANGE_ARRAY_REMOVE:
        case RW_CHANGE_ARRAY_INSERT:
                r = pointer_resolve(doc, c->pointer, false, false, &target, NULL, 0, err);
                if (r < 0)
                        return r;
                if (!json_is_array(target))
                        return rw_error_set(err, EINVAL, "%s is not an array", c->pointer);
                n = json_array_size(target);
                if (c->kind == RW_CHANGE_ARRAY_INSERT && c->anchor == NULL) {
                        if (json_array_append(target, c->after) < 0)
                                return rw_error_set(err, ENOMEM, "appending to %s", c->pointer);
                        return 0;
                }
                for (i = 0; i < n; i++)
                        if (json_array_get(target, i) == c->anchor)
                                break;
                if (i == n)
                        return rw_error_set(err, ENOENT,
                                            "%s: the element a rule referred to is gone", c->path);
                if (c->kind == RW_CHANGE_ARRAY_REMOVE)
                        r = json_array_remove(target, i);
                else
                        r = json_array_insert(target, i, c->after);
                if (r < 0)
                        return rw_error_set(err, ENOMEM, "changing %s", c->pointer);
                return 0;
        }
        return rw_error_set(err, EINVAL, "unknown change kind %d", (int)c->kind);
}

int rw_plan_apply(const struct rw_plan *plan, json_t *doc, struct rw_error *err)
{
        /* Values first, while array indexes in pointers still mean what the rules saw; then
         * member deletions; then structural array changes, which go by element identity. */
        static const enum rw_change_kind order[] = {RW_CHANGE_SET, RW_CHANGE_DELETE,
                                                    RW_CHANGE_ARRAY_REMOVE, RW_CHANGE_ARRAY_INSERT};

        _cleanup_free_ bool *moot = NULL;

        if (plan->oom)
                return rw_error_set(err, ENOMEM, "out of memory while planning changes");
        if (plan->n_denials > 0)
                return rw_error_set(err, EPERM, "the plan holds denials");
        moot = calloc(plan->n_changes + 1, sizeof(*moot));
        if (moot == NULL)
                return rw_error_set(err, ENOMEM, "applying the plan");
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *a = &plan->changes[i];

                if (a->kind != RW_CHANGE_SET && a->kind != RW_CHANGE_DELETE)
                        continue;
                for (size_t j = i + 1; j < plan->n_changes; j++) {
                        const struct rw_change *b = &plan->changes[j];

                        if (!(b->kind == RW_CHANGE_SET || b->kind == RW_CHANGE_DELETE) ||
                            !pointer_overlaps(a->pointer, b->pointer))
                                continue;
                        if (superseded(a, b)) {
                                moot[i] = true;
                                continue;
                        }
                        if (superseded(b, a)) {
                                moot[j] = true;
                                continue;
                        }
                        return rw_error_set(err, EINVAL, "rules %s and %s both change %s", a->rule,
                                            b->rule, b->pointer);
                }
        }
        for (size_t k = 0; k < RW_ELEMENTSOF(order); k++)
                for (size_t i = 0; i < plan->n_changes; i++) {
                        int r;

                        if (plan->changes[i].kind != order[k] || moot[i])
                                continue;
                        r = apply_one(&plan->changes[i], doc, err);
                        if (r < 0)
                                return rw_error_prefix(err, "applying rule %s",
                                                       plan->changes[i].rule);
                }
        return 0;
}

json_t *rw_pointer_get(const json_t *doc, const char *pointer)
{
        json_t *found = NULL;

        if (pointer_resolve((json_t *)doc, pointer, false, false, &found, NULL, 0, NULL) < 0)
                return NULL;
        return found;
}

int rw_plan_apply_copy(const struct rw_plan *plan, const json_t *orig, json_t *copy,
                       struct rw_error *err)
{
        _cleanup_free_ struct rw_change *changes = NULL;
        struct rw_plan remapped = *plan;

        if (plan->n_changes > 0) {
                changes = calloc(plan->n_changes, sizeof(*changes));
                if (changes == NULL)
                        return rw_error_set(err, ENOMEM, "copying the plan");
                memcpy(changes, plan->changes, plan->n_changes * sizeof(*changes));
        }
        for (size_t i = 0; i < plan->n_changes; i++) {
                const json_t *array;
                size_t k, n;

                if (changes[i].anchor == NULL)
                        continue;
                array = rw_pointer_get(orig, changes[i].pointer);
                n = json_array_size(array);
                for (k = 0; k < n; k++)
                        if (json_array_get(array, k) == changes[i].anchor)
                                break;
                changes[i].anchor =
                    k < n ? json_array_get(rw_pointer_get(copy, changes[i].pointer), k) : NULL;
                if (changes[i].anchor == NULL)
                        return rw_error_set(err, ENOENT, "change %s %s: the element is not in %s",
                                            changes[i].rule, changes[i].path,
                                            k < n ? "the copy" : "the document");
        }
        /* Only the anchors differ: the references the plan owns are neither taken nor freed. */
        remapped.changes = changes;
        return rw_plan_apply(&remapped, copy, err);
}

/* What json_dump_callback() writes, kept up to `max` bytes (0: all), then cut. */
struct value_buf {
        char *data;
        size_t len, cap, max;
        bool cut;
};

static int value_buf_append(const char *text, size_t size, void *userdata)
{
        struct value_buf *b = userdata;

        if (b->max > 0 && size > b->max - b->len) {
                size = b->max - b->len;
                b->cut = true;
        }
        if (b->len + size + 1 > b->cap) {
                size_t cap = (b->len + size + 1) * 2;
                char *data = realloc(b->data, cap);

                if (data == NULL)
                        return -1;
                b->data = data;
                b->cap = cap;
        }
        memcpy(b->data + b->len, text, size);
        b->len += size;
        b->data[b->len] = '\0';
        return b->cut ? -1 : 0; /* a cut value stops the writing: the rest is not shown */
}

/* A value as compact JSON, at most `max` bytes ("..." at the end of a longer one; max below 4:
 * all of it). A large value (a seccomp profile) is not written beyond what is shown. */
static char *value_text(const json_t *v, size_t max)
{
        struct value_buf b = {.max = max >= 4 ? max : 0};

        if (v == NULL)
                return strdup("(none)");
        if (rw_json_is_verbatim_document(v)) {
                size_t len;
                const char *text = rw_json_verbatim_document_text(v, &len);

                if (b.max == 0 || len < b.max)
                        return strndup(text, len);
                b.data = strndup(text, b.max);
                if (b.data != NULL)
                        strcpy(b.data + b.max - 3, "...");
                return b.data;
        }
        if (json_dump_callback(v, value_buf_append, &b, JSON_COMPACT | JSON_ENCODE_ANY) < 0 &&
            !b.cut) {
                free(b.data);
                return NULL;
        }
        if (b.data == NULL)
                return strdup("");
        if (b.cut)
                strcpy(b.data + b.max - 3, "...");
        return b.data;
}

bool rw_change_takes_away(const struct rw_change *change)
{
        size_t i, k;
        json_t *had, *kept;

        switch (change->kind) {
        case RW_CHANGE_ARRAY_REMOVE:
        case RW_CHANGE_DELETE:
                return true;
        case RW_CHANGE_SET:
                if (!json_is_array(change->before))
                        return false;
                json_array_foreach(change->before, i, had)
                {
                        bool found = false;

                        json_array_foreach(change->after, k, kept)
                        {
                                if (json_equal(had, kept)) {
                                        found = true;
                                        break;
                                }
                        }
                        if (!found)
                                return true;
                }
                return false;
        default:
                return false;
        }
}

char *rw_change_describe(const struct rw_change *change, size_t max_value)
{
        _cleanup_free_ char *before = value_text(change->before, max_value);
        _cleanup_free_ char *after = NULL;
        char *out = NULL;
        int r;

        if (before == NULL)
                return NULL;
        switch (change->kind) {
        case RW_CHANGE_SET:
                after = value_text(change->after, max_value);
                if (after == NULL)
                        return NULL;
                r = asprintf(&out, "%s %s: %s -> %s (%s)", change->rule, change->path, before,
                             after, change->reason);
                break;
        case RW_CHANGE_DELETE:
        case RW_CHANGE_ARRAY_REMOVE:
                r = asprintf(&out, "%s %s: removed %s (%s)", change->rule, change->path, before,
                             change->reason);
                break;
        case RW_CHANGE_ARRAY_INSERT:
                after = value_text(change->after, max_value);
                if (after == NULL)
                        return NULL;
                r = asprintf(&out, "%s %s: added %s (%s)", change->rule, change->path, after,
                             change->reason);
                break;
        default:
                r = -1;
        }
        return r < 0 ? NULL : out;
}

char *rw_plan_describe_denials(const struct rw_plan *plan)
{
        size_t len = 1;
        char *out, *o;

        for (size_t i = 0; i < plan->n_denials; i++)
                len += strlen("refused by rule : ; ") + strlen(plan->denials[i].rule) +
                       strlen(plan->denials[i].reason);
        out = malloc(len);
        if (out == NULL)
                return NULL;
        o = out;
        *o = '\0';
        for (size_t i = 0; i < plan->n_denials; i++)
                o += sprintf(o, "%srefused by rule %s: %s", i > 0 ? "; " : "",
                             plan->denials[i].rule, plan->denials[i].reason);
        return out;
}
