/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <cap-ng.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "paths.h"
#include "plan.h"

/* A policy is a few kilobytes; anything near this is not one. */
#define POLICY_MAX_SIZE (1024u * 1024u)

#define GIB                 (1024ull * 1024ull * 1024ull)
#define SCRATCH_MAX_BYTES   (64ull * GIB)
#define TIER_NAME_MAX       63
#define PROFILE_NAME_MAX    64
#define JSON_PATH_MAX_DEPTH 8
#define BASELINE_ORIGIN     "built-in baseline"
#define SCRATCH_HOME        "$HOME"
#define MATCH_ANY           "*"

/*
 * The rules a tier may tune: every rule id except "spec" (a malformed spec is refused whatever the
 * tier says). `changes`: the rule can change a spec, so "strip" (its own behaviour) makes sense;
 * the others only ever refuse.
 */
struct known_rule {
        const char *id;
        bool changes;
};

static const struct known_rule known_rules[] = {
    {RW_RULE_CAPS, true},         {RW_RULE_NNP, true},           {RW_RULE_CWD, false},
    {RW_RULE_EXEC_CAPS, false},   {RW_RULE_EXEC_POLICY, false},  {RW_RULE_ROOTFS, true},
    {RW_RULE_SCRATCH, true},      {RW_RULE_ENGINE_SOCKET, true}, {RW_RULE_HOST_MOUNT, false},
    {RW_RULE_BIND_OPTIONS, true}, {RW_RULE_KERNEL_MOUNT, true},  {RW_RULE_HOST_NAMESPACE, true},
    {RW_RULE_MASKED_PATHS, true}, {RW_RULE_DEVICES, true},       {RW_RULE_SECCOMP, true},
    {RW_RULE_PIDS, true},         {RW_RULE_SYSCTL, true},        {RW_RULE_ANNOTATIONS, true},
    {RW_RULE_SECRET_ENV, true},   {RW_RULE_REQUIRED, false},
};

/* Append to a NUL-terminated buffer, truncating silently: for messages only. */
static void append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
        size_t o = strnlen(buf, size);
        va_list ap;

        if (o + 1 >= size)
                return;
        va_start(ap, fmt);
        vsnprintf(buf + o, size - o, fmt, ap);
        va_end(ap);
}

/* ---- storage behind a tier's settings ---- */

/*
 * Every allocation behind one tier's settings is a block of its arena, so the tier owns them all
 * and rw_policy_clear() frees them in one walk, whatever inheritance copied where.
 */
struct arena_block {
        struct arena_block *next;
        max_align_t data[];
};

struct arena {
        struct arena_block *head;
};

static void *arena_alloc(struct arena *a, size_t n, size_t size)
{
        struct arena_block *b;

        if (size != 0 && n > (SIZE_MAX - sizeof(*b)) / size)
                return NULL;
        b = calloc(1, sizeof(*b) + n * size);
        if (b == NULL)
                return NULL;
        b->next = a->head;
        a->head = b;
        return b->data;
}

static char *arena_strdup(struct arena *a, const char *s)
{
        size_t len = strlen(s);
        char *copy = arena_alloc(a, len + 1, 1);

        if (copy != NULL)
                memcpy(copy, s, len + 1);
        return copy;
}

static void arena_free(struct arena *a)
{
        if (a == NULL)
                return;
        while (a->head != NULL) {
                struct arena_block *next = a->head->next;
                free(a->head);
                a->head = next;
        }
        free(a);
}

/* ---- where a value is: a path through the document ---- */

struct path {
        size_t depth;
        struct {
                const char *key; /* NULL: an array index */
                size_t index;
        } at[JSON_PATH_MAX_DEPTH];
};

static struct path path_key(const struct path *p, const char *key)
{
        struct path n = *p;

        /* The schema is at most 6 levels deep; deeper documents fail validation before. */
        if (n.depth < JSON_PATH_MAX_DEPTH) {
                n.at[n.depth].key = key;
                n.at[n.depth].index = 0;
                n.depth++;
        }
        return n;
}

static struct path path_index(const struct path *p, size_t index)
{
        struct path n = *p;

        if (n.depth < JSON_PATH_MAX_DEPTH) {
                n.at[n.depth].key = NULL;
                n.at[n.depth].index = index;
                n.depth++;
        }
        return n;
}

static bool simple_key(const char *key)
{
        if (key[0] == '\0')
                return false;
        for (const char *c = key; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                        return false;
        return true;
}

/* tiers.trusted.capabilities[1], select[0].when.annotations["runwarden.io/tier"] */
static void path_format(const struct path *p, char *buf, size_t size)
{
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < p->depth && o < size; i++) {
                const char *key = p->at[i].key;
                int n;

                if (key == NULL)
                        n = snprintf(buf + o, size - o, "[%zu]", p->at[i].index);
                else if (simple_key(key))
                        n = snprintf(buf + o, size - o, "%s%s", i == 0 ? "" : ".", key);
                else
                        n = snprintf(buf + o, size - o, "[\"%s\"]", key);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
}

/* ---- finding a value in the original text ---- */

static size_t skip_ws(const char *t, size_t len, size_t i)
{
        while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
                i++;
        return i;
}

/* After the string opening at t[i]; escapes are honoured so \" does not end it. */
static size_t skip_json_string(const char *t, size_t len, size_t i)
{
        for (i++; i < len; i++) {
                if (t[i] == '\\')
                        i++;
                else if (t[i] == '"')
                        return i + 1;
        }
        return len;
}

static size_t skip_json_value(const char *t, size_t len, size_t i)
{
        size_t depth = 0;

        if (i >= len)
                return len;
        if (t[i] == '"')
                return skip_json_string(t, len, i);
        if (t[i] != '{' && t[i] != '[') {
                while (i < len && strchr(",]} \t\r\n", t[i]) == NULL)
                        i++;
                return i;
        }
        while (i < len) {
                char c = t[i];
                if (c == '"') {
                        i = skip_json_string(t, len, i);
                        continue;
                }
                if (c == '{' || c == '[')
                        depth++;
                else if ((c == '}' || c == ']') && --depth == 0)
                        return i + 1;
                i++;
        }
        return len;
}

/* Keys may be written with escapes ("a\u002fb"): compare the decoded string, as jansson saw it. */
static bool key_token_equals(const char *t, size_t start, size_t end, const char *key)
{
        _cleanup_json_ json_t *decoded = json_loadb(t + start, end - start, JSON_DECODE_ANY, NULL);

        return json_is_string(decoded) && strcmp(json_string_value(decoded), key) == 0;
}

/*
 * The offset of the value at `p` (or of its key, for `at_key`) in text that rw_json_parse()
 * accepted. A string-aware scan rather than a second parse: jansson does not keep positions.
 */
static bool locate(const char *t, size_t len, const struct path *p, bool at_key, size_t *ret)
{
        size_t i = skip_ws(t, len, 0);

        for (size_t d = 0; d < p->depth; d++) {
                bool last = d + 1 == p->depth;

                if (p->at[d].key != NULL) {
                        bool found = false;

                        if (i >= len || t[i] != '{')
                                return false;
                        i++;
                        while (!found) {
                                size_t kstart, kend;

                                i = skip_ws(t, len, i);
                                if (i >= len || t[i] != '"')
                                        return false;
                                kstart = i;
                                kend = skip_json_string(t, len, i);
                                found = key_token_equals(t, kstart, kend, p->at[d].key);
                                if (found && last && at_key) {
                                        *ret = kstart;
                                        return true;
                                }
                                i = skip_ws(t, len, kend);
                                if (i >= len || t[i] != ':')
                                        return false;
                                i = skip_ws(t, len, i + 1);
                                if (found)
                                        break;
                                i = skip_ws(t, len, skip_json_value(t, len, i));
                                if (i >= len || t[i] != ',')
                                        return false;
                                i++;
                        }
                } else {
                        if (i >= len || t[i] != '[')
                                return false;
                        i = skip_ws(t, len, i + 1);
                        for (size_t n = 0; n < p->at[d].index; n++) {
                                i = skip_ws(t, len, skip_json_value(t, len, i));
                                if (i >= len || t[i] != ',')
                                        return false;
                                i = skip_ws(t, len, i + 1);
                        }
                        if (i >= len || t[i] == ']')
                                return false;
                }
        }
        *ret = i;
        return i < len;
}

/* 1-based line and column; columns count UTF-8 characters, as jansson's do. */
static void offset_position(const char *t, size_t offset, int *ret_line, int *ret_column)
{
        int line = 1, column = 1;

        for (size_t i = 0; i < offset; i++) {
                unsigned char c = (unsigned char)t[i];
                if (c == '\n') {
                        line++;
                        column = 1;
                } else if (c < 0x80 || c >= 0xc0) {
                        column++;
                }
        }
        *ret_line = line;
        *ret_column = column;
}

/* ---- parsing ---- */

struct parser {
        const char *text;
        size_t len;
        const char *origin;
        struct rw_error *err;
};

/* "ORIGIN:LINE:COLUMN: PATH: message", or "ORIGIN: PATH: message" when the value is not found. */
static int fail(const struct parser *ps, const struct path *p, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const struct parser *ps, const struct path *p, bool at_key, const char *fmt, ...)
{
        char msg[RW_ERROR_MSG_MAX], where[256], sep[3] = "";
        size_t offset;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        path_format(p, where, sizeof(where));
        if (where[0] != '\0')
                strcpy(sep, ": ");
        if (locate(ps->text, ps->len, p, at_key, &offset)) {
                int line, column;

                offset_position(ps->text, offset, &line, &column);
                return rw_error_set(ps->err, EINVAL, "%s:%d:%d: %s%s%s", ps->origin, line, column,
                                    where, sep, msg);
        }
        if (where[0] == '\0')
                return rw_error_set(ps->err, EINVAL, "%s: %s", ps->origin, msg);
        return rw_error_set(ps->err, EINVAL, "%s: %s: %s", ps->origin, where, msg);
}

static int oom(const struct parser *ps)
{
        return rw_error_set(ps->err, ENOMEM, "%s: out of memory", ps->origin);
}

static const char *kind_of(const json_t *v)
{
        if (rw_json_is_verbatim_number(v))
                return "a number";
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
                return "an integer";
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

static int expect_object(const struct parser *ps, const json_t *v, const struct path *p)
{
        if (json_is_object(v))
                return 0;
        return fail(ps, p, false, "expected an object, got %s", kind_of(v));
}

static int expect_array(const struct parser *ps, const json_t *v, const struct path *p)
{
        if (json_is_array(v))
                return 0;
        return fail(ps, p, false, "expected an array, got %s", kind_of(v));
}

/* Verbatim numbers travel as strings inside jansson: they must never pass for one. */
static int expect_string(const struct parser *ps, const json_t *v, const struct path *p,
                         const char **ret)
{
        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return fail(ps, p, false, "expected a string, got %s", kind_of(v));
        *ret = json_string_value(v);
        return 0;
}

static int expect_nonempty_string(const struct parser *ps, const json_t *v, const struct path *p,
                                  const char **ret)
{
        int r = expect_string(ps, v, p, ret);

        if (r < 0)
                return r;
        if ((*ret)[0] == '\0')
                return fail(ps, p, false, "must not be empty");
        return 0;
}

static int expect_bool(const struct parser *ps, const json_t *v, const struct path *p, bool *ret)
{
        if (!json_is_boolean(v))
                return fail(ps, p, false, "expected true or false, got %s", kind_of(v));
        *ret = json_is_true(v);
        return 0;
}

static int expect_integer(const struct parser *ps, const json_t *v, const struct path *p,
                          int64_t *ret)
{
        const char *verbatim = rw_json_verbatim_number_text(v);

        if (verbatim != NULL)
                return fail(ps, p, false,
                            "expected an integer, got %s (not an integer that fits "
                            "in 64 bits)",
                            verbatim);
        if (!json_is_integer(v))
                return fail(ps, p, false, "expected an integer, got %s", kind_of(v));
        *ret = json_integer_value(v);
        return 0;
}

/* `names` NULL-terminated; the result is the index of the match. */
static int expect_enum(const struct parser *ps, const json_t *v, const struct path *p,
                       const char *const *names, int *ret)
{
        char expected[256] = "";
        const char *s;
        int r;

        r = expect_string(ps, v, p, &s);
        if (r < 0)
                return r;
        for (int i = 0; names[i] != NULL; i++) {
                if (strcmp(s, names[i]) == 0) {
                        *ret = i;
                        return 0;
                }
                append(expected, sizeof(expected), "%s%s",
                       i == 0                 ? ""
                       : names[i + 1] == NULL ? " or "
                                              : ", ",
                       names[i]);
        }
        return fail(ps, p, false, "unknown value \"%s\" (expected %s)", s, expected);
}

static int check_keys(const struct parser *ps, const json_t *obj, const struct path *p,
                      const char *const *allowed)
{
        const char *key;
        json_t *value;

        json_object_foreach((json_t *)obj, key, value)
        {
                char list[512] = "";
                bool known = false;

                for (size_t i = 0; allowed[i] != NULL; i++) {
                        if (strcmp(key, allowed[i]) == 0)
                                known = true;
                        append(list, sizeof(list), "%s%s", i == 0 ? "" : ", ", allowed[i]);
                }
                if (!known) {
                        struct path kp = path_key(p, key);
                        return fail(ps, &kp, true, "unknown key (expected one of: %s)", list);
                }
        }
        return 0;
}

static int require_key(const struct parser *ps, const json_t *obj, const struct path *p,
                       const char *key, const json_t **ret)
{
        *ret = json_object_get(obj, key);
        if (*ret == NULL)
                return fail(ps, p, false, "missing required key \"%s\"", key);
        return 0;
}

static bool lower_alnum_dash(const char *s)
{
        for (; *s != '\0'; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
                        return false;
        return true;
}

/* [a-z0-9][a-z0-9-]{0,62} */
static bool valid_tier_name(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= TIER_NAME_MAX && name[0] != '-' && lower_alnum_dash(name);
}

/* [a-z0-9-]+, the file name of a profile in the seccomp directory without ".json" */
static bool valid_profile_name(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= PROFILE_NAME_MAX && lower_alnum_dash(name);
}

/* "CAP_" and an upper-case name libcap-ng knows; it matches case-insensitively, we do not. */
static bool valid_capability(const char *name)
{
        const char *rest;

        if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
                return false;
        rest = name + 4;
        for (const char *c = rest; *c != '\0'; c++)
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        return capng_name_to_capability(rest) >= 0;
}

static const struct known_rule *find_known_rule(const char *id)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(known_rules); i++)
                if (strcmp(known_rules[i].id, id) == 0)
                        return &known_rules[i];
        return NULL;
}

/* Bytes, or a number with a k, M or G suffix (powers of 1024, as tmpfs reads them). */
static bool parse_size(const char *s, uint64_t *ret)
{
        uint64_t value = 0, unit = 1;
        const char *c = s;

        if (*c < '0' || *c > '9')
                return false;
        for (; *c >= '0' && *c <= '9'; c++) {
                if (value > (UINT64_MAX - 9) / 10)
                        return false;
                value = value * 10 + (uint64_t)(*c - '0');
        }
        switch (*c) {
        case '\0':
                break;
        case 'k':
        case 'K':
                unit = 1024;
                c++;
                break;
        case 'm':
        case 'M':
                unit = 1024 * 1024;
                c++;
                break;
        case 'g':
        case 'G':
                unit = GIB;
                c++;
                break;
        default:
                return false;
        }
        if (*c != '\0' || value > UINT64_MAX / unit)
                return false;
        *ret = value * unit;
        return true;
}

static bool parse_mode(const char *s, unsigned *ret)
{
        unsigned value = 0;
        size_t len = strlen(s);

        if (len == 0 || len > 6)
                return false;
        for (const char *c = s; *c != '\0'; c++) {
                if (*c < '0' || *c > '7')
                        return false;
                value = value * 8 + (unsigned)(*c - '0');
        }
        if (value > 07777)
                return false;
        *ret = value;
        return true;
}

/* An absolute path, normalized; "/" is refused: a tier never means "everything". */
static int expect_abs_path(const struct parser *ps, const json_t *v, const struct path *p,
                           struct arena *a, char **ret)
{
        _cleanup_free_ char *normalized = NULL;
        struct rw_error sub;
        const char *s;
        int r;

        r = expect_string(ps, v, p, &s);
        if (r < 0)
                return r;
        if (s[0] != '/')
                return fail(ps, p, false, "\"%s\" is not an absolute path", s);
        if (rw_path_normalize(s, &normalized, &sub) < 0)
                return oom(ps);
        if (strcmp(normalized, "/") == 0)
                return fail(ps, p, false, "\"%s\" is the whole host filesystem", s);
        *ret = arena_strdup(a, normalized);
        return *ret == NULL ? oom(ps) : 0;
}

/* What one tier of the file sets itself, before inheritance. Allocations in the tier's arena. */
struct tier_def {
        const char *name;    /* key in the document */
        const char *extends; /* NULL: the baseline */
        struct arena *arena;
        bool set_mode, set_exec, set_runtime, set_caps, set_rootfs, set_scratch, set_prefixes,
            set_profile, set_engine_profile, set_pids, set_require;
        enum rw_tier_mode mode;
        enum rw_exec_policy exec;
        char *runtime;
        const char **caps;
        bool readonly_rootfs;
        struct rw_scratch_mount *scratch;
        struct rw_bind_prefix *prefixes;
        char *profile;
        enum rw_seccomp_mode engine_profile;
        int64_t pids_limit;
        struct rw_requirement *require;
        struct rw_rule_tuning *rules; /* terminated by rule == NULL */
        int state;                    /* resolution: 0 pending, 1 on the current chain, 2 done */
};

static int parse_capabilities(const struct parser *ps, const json_t *v, const struct path *p,
                              struct tier_def *t)
{
        size_t n = json_array_size(v);
        const char **caps;
        int r;

        r = expect_array(ps, v, p);
        if (r < 0)
                return r;
        caps = arena_alloc(t->arena, n + 1, sizeof(*caps));
        if (caps == NULL)
                return oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct path ip = path_index(p, i);
                const char *name;

                r = expect_string(ps, json_array_get(v, i), &ip, &name);
                if (r < 0)
                        return r;
                if (!valid_capability(name))
                        return fail(ps, &ip, false,
                                    "unknown capability %s (names are like "
                                    "CAP_NET_BIND_SERVICE)",
                                    name);
                for (size_t j = 0; j < i; j++)
                        if (strcmp(caps[j], name) == 0)
                                return fail(ps, &ip, false, "capability %s is listed twice", name);
                caps[i] = arena_strdup(t->arena, name);
                if (caps[i] == NULL)
                        return oom(ps);
        }
        t->caps = caps;
        t->set_caps = true;
        return 0;
}

static int parse_scratch(const struct parser *ps, const json_t *v, const struct path *p,
                         struct tier_def *t)
{
        static const char *const keys[] = {"path", "size", "mode", NULL};
        size_t n = json_array_size(v);
        struct rw_scratch_mount *list;
        int r;

        r = expect_array(ps, v, p);
        if (r < 0)
                return r;
        list = arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct path ip = path_index(p, i), pp = path_key(&ip, "path"),
                            sp = path_key(&ip, "size"), mp = path_key(&ip, "mode");
                const json_t *entry = json_array_get(v, i), *jpath, *jsize, *jmode;
                char *dest = NULL;
                const char *s;
                uint64_t size;
                unsigned mode;

                if ((r = expect_object(ps, entry, &ip)) < 0 ||
                    (r = check_keys(ps, entry, &ip, keys)) < 0 ||
                    (r = require_key(ps, entry, &ip, "path", &jpath)) < 0 ||
                    (r = require_key(ps, entry, &ip, "size", &jsize)) < 0 ||
                    (r = require_key(ps, entry, &ip, "mode", &jmode)) < 0)
                        return r;
                if (json_is_string(jpath) && strcmp(json_string_value(jpath), SCRATCH_HOME) == 0)
                        dest = NULL;
                else if ((r = expect_abs_path(ps, jpath, &pp, t->arena, &dest)) < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (dest == NULL ? list[j].destination == NULL
                                         : list[j].destination != NULL &&
                                               strcmp(list[j].destination, dest) == 0)
                                return fail(ps, &pp, false, "%s is listed twice",
                                            dest == NULL ? SCRATCH_HOME : dest);

                if (json_is_integer(jsize)) {
                        if (json_integer_value(jsize) <= 0)
                                return fail(ps, &sp, false, "size must be above 0");
                        size = (uint64_t)json_integer_value(jsize);
                        if (size > SCRATCH_MAX_BYTES)
                                return fail(ps, &sp, false,
                                            "size %" PRIu64 " is above the limit of 64G", size);
                } else {
                        if (rw_json_is_verbatim_number(jsize))
                                return fail(ps, &sp, false, "invalid size %s",
                                            rw_json_verbatim_number_text(jsize));
                        if ((r = expect_string(ps, jsize, &sp, &s)) < 0)
                                return r;
                        if (!parse_size(s, &size))
                                return fail(ps, &sp, false,
                                            "invalid size \"%s\" (bytes, or a number with k, M or "
                                            "G: \"512M\")",
                                            s);
                        if (size == 0)
                                return fail(ps, &sp, false, "size must be above 0");
                        if (size > SCRATCH_MAX_BYTES)
                                return fail(ps, &sp, false, "size \"%s\" is above the limit of 64G",
                                            s);
                }

                if (!json_is_string(jmode) || rw_json_is_verbatim_number(jmode))
                        return fail(ps, &mp, false,
                                    "expected an octal string like \"1777\", got %s",
                                    kind_of(jmode));
                s = json_string_value(jmode);
                if (!parse_mode(s, &mode))
                        return fail(ps, &mp, false,
                                    "invalid mode \"%s\" (an octal string up to \"7777\")", s);

                list[i] = (struct rw_scratch_mount){dest, size, mode};
        }
        t->scratch = list;
        t->set_scratch = true;
        return 0;
}

static int parse_bind_prefixes(const struct parser *ps, const json_t *v, const struct path *p,
                               struct tier_def *t)
{
        static const char *const keys[] = {"path", "read_only", NULL};
        size_t n = json_array_size(v);
        struct rw_bind_prefix *list;
        int r;

        r = expect_array(ps, v, p);
        if (r < 0)
                return r;
        list = arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return oom(ps);
        for (size_t i = 0; i < n; i++) {
                struct path ip = path_index(p, i), pp = path_key(&ip, "path"),
                            rp = path_key(&ip, "read_only");
                const json_t *entry = json_array_get(v, i), *jpath, *jro;
                char *prefix;
                bool read_only = true;

                if ((r = expect_object(ps, entry, &ip)) < 0 ||
                    (r = check_keys(ps, entry, &ip, keys)) < 0 ||
                    (r = require_key(ps, entry, &ip, "path", &jpath)) < 0 ||
                    (r = expect_abs_path(ps, jpath, &pp, t->arena, &prefix)) < 0)
                        return r;
                jro = json_object_get(entry, "read_only");
                if (jro != NULL && (r = expect_bool(ps, jro, &rp, &read_only)) < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(list[j].path, prefix) == 0)
                                return fail(ps, &pp, false, "%s is listed twice", prefix);
                list[i] = (struct rw_bind_prefix){prefix, read_only};
        }
        t->prefixes = list;
        t->set_prefixes = true;
        return 0;
}

static int parse_seccomp(const struct parser *ps, const json_t *v, const struct path *p,
                         struct tier_def *t)
{
        static const char *const keys[] = {"profile", "engine_profile", NULL};
        static const char *const modes[] = {"replace", "inject", NULL};
        const json_t *profile, *engine;
        int r;

        if ((r = expect_object(ps, v, p)) < 0 || (r = check_keys(ps, v, p, keys)) < 0)
                return r;
        profile = json_object_get(v, "profile");
        if (profile != NULL) {
                struct path pp = path_key(p, "profile");
                const char *name;

                if ((r = expect_string(ps, profile, &pp, &name)) < 0)
                        return r;
                if (!valid_profile_name(name))
                        return fail(ps, &pp, false,
                                    "invalid profile name \"%s\" (letters a-z, digits and '-': "
                                    "the file NAME.json in the seccomp directory)",
                                    name);
                t->profile = arena_strdup(t->arena, name);
                if (t->profile == NULL)
                        return oom(ps);
                t->set_profile = true;
        }
        engine = json_object_get(v, "engine_profile");
        if (engine != NULL) {
                struct path ep = path_key(p, "engine_profile");
                int mode;

                if ((r = expect_enum(ps, engine, &ep, modes, &mode)) < 0)
                        return r;
                t->engine_profile = mode == 0 ? RW_SECCOMP_REPLACE : RW_SECCOMP_INJECT;
                t->set_engine_profile = true;
        }
        return 0;
}

/* {"annotations": {K: V}, "env": {K: V}} with V "*" for any value */
static int parse_require(const struct parser *ps, const json_t *v, const struct path *p,
                         struct tier_def *t)
{
        static const char *const keys[] = {"annotations", "env", NULL};
        struct rw_requirement *list;
        size_t n = 0, k = 0;
        int r;

        if ((r = expect_object(ps, v, p)) < 0 || (r = check_keys(ps, v, p, keys)) < 0)
                return r;
        for (size_t s = 0; keys[s] != NULL; s++) {
                const json_t *section = json_object_get(v, keys[s]);
                struct path sp = path_key(p, keys[s]);

                if (section == NULL)
                        continue;
                if ((r = expect_object(ps, section, &sp)) < 0)
                        return r;
                n += json_object_size(section);
        }
        list = arena_alloc(t->arena, n + 1, sizeof(*list));
        if (list == NULL)
                return oom(ps);
        for (size_t s = 0; keys[s] != NULL; s++) {
                const json_t *section = json_object_get(v, keys[s]), *value;
                struct path sp = path_key(p, keys[s]);
                bool env = s == 1;
                const char *key;

                json_object_foreach((json_t *)section, key, value)
                {
                        struct path kp = path_key(&sp, key);
                        const char *want;

                        if (key[0] == '\0' || (env && strchr(key, '=') != NULL))
                                return fail(ps, &kp, true, "invalid %s name",
                                            env ? "variable" : "annotation");
                        if ((r = expect_string(ps, value, &kp, &want)) < 0)
                                return r;
                        list[k].kind = env ? RW_REQUIRE_ENV : RW_REQUIRE_ANNOTATION;
                        list[k].key = arena_strdup(t->arena, key);
                        if (list[k].key == NULL)
                                return oom(ps);
                        if (strcmp(want, MATCH_ANY) != 0 &&
                            (list[k].value = arena_strdup(t->arena, want)) == NULL)
                                return oom(ps);
                        k++;
                }
        }
        t->require = list;
        t->set_require = true;
        return 0;
}

static int parse_rules(const struct parser *ps, const json_t *v, const struct path *p,
                       struct tier_def *t)
{
        enum { ACTION_ENFORCE, ACTION_STRIP, ACTION_REFUSE, ACTION_WARN };
        static const char *const actions[] = {"enforce", "strip", "refuse", "warn", NULL};
        /* "strip" names the rule's own behaviour for the rules that change a spec */
        static const enum rw_rule_action meaning[] = {RW_RULE_ENFORCE, RW_RULE_ENFORCE,
                                                      RW_RULE_REFUSE, RW_RULE_WARN};
        const char *key;
        json_t *value;
        size_t k = 0;
        int r;

        if ((r = expect_object(ps, v, p)) < 0)
                return r;
        t->rules = arena_alloc(t->arena, json_object_size(v) + 1, sizeof(*t->rules));
        if (t->rules == NULL)
                return oom(ps);
        json_object_foreach((json_t *)v, key, value)
        {
                struct path kp = path_key(p, key);
                const struct known_rule *rule = find_known_rule(key);
                int action;

                if (strcmp(key, RW_RULE_SPEC) == 0)
                        return fail(ps, &kp, true,
                                    "rule %s cannot be tuned: a malformed spec is always refused",
                                    key);
                if (rule == NULL)
                        return fail(ps, &kp, true, "unknown rule id \"%s\" (see docs/rules.md)",
                                    key);
                if ((r = expect_enum(ps, value, &kp, actions, &action)) < 0)
                        return r;
                if (action == ACTION_STRIP && !rule->changes)
                        return fail(ps, &kp, false,
                                    "rule %s only refuses, it never strips (use enforce, refuse "
                                    "or warn)",
                                    key);
                t->rules[k].rule = rule->id;
                t->rules[k].action = meaning[action];
                k++;
        }
        return 0;
}

static int parse_extends(const struct parser *ps, const json_t *v, const struct path *p,
                         struct tier_def *t)
{
        return expect_nonempty_string(ps, v, p, &t->extends);
}

static int parse_tier_mode(const struct parser *ps, const json_t *v, const struct path *p,
                           struct tier_def *t)
{
        static const char *const modes[] = {"enforce", "audit", NULL};
        int r, e;

        if ((r = expect_enum(ps, v, p, modes, &e)) < 0)
                return r;
        t->mode = e == 0 ? RW_TIER_ENFORCE : RW_TIER_AUDIT;
        t->set_mode = true;
        return 0;
}

static int parse_readonly_rootfs(const struct parser *ps, const json_t *v, const struct path *p,
                                 struct tier_def *t)
{
        int r = expect_bool(ps, v, p, &t->readonly_rootfs);

        t->set_rootfs = r >= 0;
        return r;
}

static int parse_pids_limit(const struct parser *ps, const json_t *v, const struct path *p,
                            struct tier_def *t)
{
        int r = expect_integer(ps, v, p, &t->pids_limit);

        if (r < 0)
                return r;
        if (t->pids_limit <= 0)
                return fail(ps, p, false, "must be above 0");
        t->set_pids = true;
        return 0;
}

static int parse_exec(const struct parser *ps, const json_t *v, const struct path *p,
                      struct tier_def *t)
{
        static const char *const execs[] = {"allow", "deny", "allow-as-owner", NULL};
        int r, e;

        if ((r = expect_enum(ps, v, p, execs, &e)) < 0)
                return r;
        t->exec = e == 0 ? RW_EXEC_ALLOW : e == 1 ? RW_EXEC_DENY : RW_EXEC_ALLOW_AS_OWNER;
        t->set_exec = true;
        return 0;
}

static int parse_runtime(const struct parser *ps, const json_t *v, const struct path *p,
                         struct tier_def *t)
{
        int r = expect_abs_path(ps, v, p, t->arena, &t->runtime);

        t->set_runtime = r >= 0;
        return r;
}

/* The members of a tier, each with its parser; a key not listed here is an error. */
static const struct {
        const char *key;
        int (*parse)(const struct parser *ps, const json_t *v, const struct path *p,
                     struct tier_def *t);
} tier_fields[] = {
    {"extends", parse_extends},
    {"mode", parse_tier_mode},
    {"capabilities", parse_capabilities},
    {"readonly_rootfs", parse_readonly_rootfs},
    {"scratch", parse_scratch},
    {"bind_prefixes", parse_bind_prefixes},
    {"seccomp", parse_seccomp},
    {"pids_limit", parse_pids_limit},
    {"exec", parse_exec},
    {"runtime", parse_runtime},
    {"require", parse_require},
    {"rules", parse_rules},
};

static int parse_tier(const struct parser *ps, const json_t *v, const struct path *p,
                      struct tier_def *t)
{
        const char *keys[RW_ELEMENTSOF(tier_fields) + 1];
        int r;

        for (size_t i = 0; i < RW_ELEMENTSOF(tier_fields); i++)
                keys[i] = tier_fields[i].key;
        keys[RW_ELEMENTSOF(tier_fields)] = NULL;
        if ((r = expect_object(ps, v, p)) < 0 || (r = check_keys(ps, v, p, keys)) < 0)
                return r;
        for (size_t i = 0; i < RW_ELEMENTSOF(tier_fields); i++) {
                const json_t *m = json_object_get(v, tier_fields[i].key);
                struct path mp;

                if (m == NULL)
                        continue;
                mp = path_key(p, tier_fields[i].key);
                if ((r = tier_fields[i].parse(ps, m, &mp, t)) < 0)
                        return r;
        }
        return 0;
}

/* ---- inheritance ---- */

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
static int settings_copy(struct arena *a, const struct rw_settings *src, struct rw_settings *dst)
{
        *dst = *src;
        if (src->scratch != NULL) {
                struct rw_scratch_mount *s;
                size_t n = 0;

                while (src->scratch[n].size_bytes != 0)
                        n++;
                s = arena_alloc(a, n + 1, sizeof(*s));
                if (s == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        s[i] = src->scratch[i];
                        if (s[i].destination != NULL &&
                            (s[i].destination = arena_strdup(a, s[i].destination)) == NULL)
                                return -ENOMEM;
                }
                dst->scratch = s;
        }
        if (src->seccomp_profile_name != NULL &&
            (dst->seccomp_profile_name = arena_strdup(a, src->seccomp_profile_name)) == NULL)
                return -ENOMEM;
        if (src->capabilities != NULL) {
                const char **c;
                size_t n = 0;

                while (src->capabilities[n] != NULL)
                        n++;
                c = arena_alloc(a, n + 1, sizeof(*c));
                if (c == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++)
                        if ((c[i] = arena_strdup(a, src->capabilities[i])) == NULL)
                                return -ENOMEM;
                dst->capabilities = c;
        }
        if (src->extra_bind_prefixes != NULL) {
                struct rw_bind_prefix *b;
                size_t n = 0;

                while (src->extra_bind_prefixes[n].path != NULL)
                        n++;
                b = arena_alloc(a, n + 1, sizeof(*b));
                if (b == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        b[i].read_only = src->extra_bind_prefixes[i].read_only;
                        if ((b[i].path = arena_strdup(a, src->extra_bind_prefixes[i].path)) == NULL)
                                return -ENOMEM;
                }
                dst->extra_bind_prefixes = b;
        }
        if (src->requirements != NULL) {
                struct rw_requirement *q;
                size_t n = 0;

                while (src->requirements[n].key != NULL)
                        n++;
                q = arena_alloc(a, n + 1, sizeof(*q));
                if (q == NULL)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        const struct rw_requirement *from = &src->requirements[i];

                        q[i].kind = from->kind;
                        if ((q[i].key = arena_strdup(a, from->key)) == NULL ||
                            (from->value != NULL &&
                             (q[i].value = arena_strdup(a, from->value)) == NULL))
                                return -ENOMEM;
                }
                dst->requirements = q;
        }
        if (src->tuning != NULL) {
                size_t n = tuning_count(src->tuning);
                struct rw_rule_tuning *t = arena_alloc(a, n + 1, sizeof(*t));

                if (t == NULL)
                        return -ENOMEM;
                /* rule ids are the static strings of known_rules[] */
                memcpy(t, src->tuning, n * sizeof(*t));
                dst->tuning = t;
        }
        return 0;
}

/* The parent's tuning with the tier's own entries merged in, key by key. */
static int merge_tuning(struct arena *a, const struct rw_rule_tuning *inherited,
                        const struct rw_rule_tuning *own, const struct rw_rule_tuning **ret)
{
        size_t n = tuning_count(inherited), k = tuning_count(own), o;
        struct rw_rule_tuning *t;

        if (k == 0) {
                *ret = inherited;
                return 0;
        }
        t = arena_alloc(a, n + k + 1, sizeof(*t));
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
static int resolve_tier(struct rw_tier *tier, const struct tier_def *def,
                        const struct rw_tier *parent)
{
        struct arena *a = def->arena;
        struct rw_settings base;
        int r;

        if (parent != NULL) {
                base = parent->settings;
                tier->mode = parent->mode;
                tier->exec = parent->exec;
                if (parent->runtime != NULL &&
                    (tier->runtime = arena_strdup(a, parent->runtime)) == NULL)
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
        return merge_tuning(a, tier->settings.tuning, def->rules, &tier->settings.tuning);
}

static ssize_t tier_index(const struct rw_policy *policy, const char *name)
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
static int resolve_all(const struct parser *ps, struct rw_policy *policy, struct tier_def *defs)
{
        _cleanup_free_ size_t *chain = calloc(policy->n_tiers + 1, sizeof(*chain));

        if (chain == NULL)
                return oom(ps);
        for (size_t i = 0; i < policy->n_tiers; i++) {
                size_t n = 0, cur = i;

                while (defs[cur].state != 2) {
                        ssize_t parent;

                        if (defs[cur].state == 1) {
                                struct path p = path_key(&(struct path){0}, "tiers");
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
                                p = path_key(&p, defs[cur].name);
                                p = path_key(&p, "extends");
                                return fail(ps, &p, false, "extends cycle: %s", cycle);
                        }
                        defs[cur].state = 1;
                        chain[n++] = cur;
                        if (defs[cur].extends == NULL ||
                            strcmp(defs[cur].extends, RW_POLICY_BASELINE_TIER) == 0)
                                break;
                        parent = tier_index(policy, defs[cur].extends);
                        cur = (size_t)parent; /* existence was checked before */
                }
                while (n > 0) {
                        size_t t = chain[--n];
                        const struct rw_tier *parent = NULL;

                        if (defs[t].extends != NULL &&
                            strcmp(defs[t].extends, RW_POLICY_BASELINE_TIER) != 0)
                                parent = &policy->tiers[tier_index(policy, defs[t].extends)];
                        if (resolve_tier(&policy->tiers[t], &defs[t], parent) < 0)
                                return oom(ps);
                        defs[t].state = 2;
                }
        }
        return 0;
}

/* ---- select rules ---- */

static bool strv_contains(char *const *strv, const char *s)
{
        for (size_t i = 0; strv != NULL && strv[i] != NULL; i++)
                if (strcmp(strv[i], s) == 0)
                        return true;
        return false;
}

static void match_clear(struct rw_match *m)
{
        free(m->key);
        free(m->other);
        rw_strv_free(m->values);
}

static void select_rule_clear(struct rw_select_rule *rule)
{
        for (size_t i = 0; i < rule->n_matches; i++)
                match_clear(&rule->matches[i]);
        free(rule->matches);
        free(rule->tier);
}

/* {K: V} of annotations or env: one match per key; V a string or an array of strings. */
static int parse_value_matches(const struct parser *ps, const json_t *v, const struct path *p,
                               enum rw_match_kind kind, char *const *trusted,
                               struct rw_select_rule *rule)
{
        const char *key;
        json_t *value;
        int r;

        if ((r = expect_object(ps, v, p)) < 0)
                return r;
        if (json_object_size(v) == 0)
                return fail(ps, p, false, "no condition");
        json_object_foreach((json_t *)v, key, value)
        {
                struct path kp = path_key(p, key);
                struct rw_match *m = &rule->matches[rule->n_matches];
                size_t n = json_is_array(value) ? json_array_size(value) : 1;

                if (key[0] == '\0' || (kind == RW_MATCH_ENV && strchr(key, '=') != NULL))
                        return fail(ps, &kp, true, "invalid %s name",
                                    kind == RW_MATCH_ENV ? "variable" : "annotation");
                if (json_is_array(value) && n == 0)
                        return fail(ps, &kp, false, "an empty list matches nothing");
                m->kind = kind;
                m->trusted = kind == RW_MATCH_ANNOTATION && strv_contains(trusted, key);
                m->key = strdup(key);
                m->values = calloc(n + 1, sizeof(*m->values));
                rule->n_matches++;
                if (m->key == NULL || m->values == NULL)
                        return oom(ps);
                for (size_t i = 0; i < n; i++) {
                        const json_t *item =
                            json_is_array(value) ? json_array_get(value, i) : value;
                        struct path ip = json_is_array(value) ? path_index(&kp, i) : kp;
                        const char *s;

                        if (!json_is_string(item) || rw_json_is_verbatim_number(item))
                                return fail(ps, &ip, false,
                                            "expected a string or an array of strings, got %s",
                                            kind_of(item));
                        s = json_string_value(item);
                        if ((m->values[i] = strdup(s)) == NULL)
                                return oom(ps);
                }
        }
        return 0;
}

static int parse_env_differs(const struct parser *ps, const json_t *v, const struct path *p,
                             struct rw_select_rule *rule)
{
        int r;

        if ((r = expect_array(ps, v, p)) < 0)
                return r;
        if (json_array_size(v) == 0)
                return fail(ps, p, false, "no condition");
        for (size_t i = 0; i < json_array_size(v); i++) {
                struct path ip = path_index(p, i);
                const json_t *pair = json_array_get(v, i);
                struct rw_match *m = &rule->matches[rule->n_matches];
                const char *names[2];

                if (!json_is_array(pair) || json_array_size(pair) != 2)
                        return fail(ps, &ip, false,
                                    "expected a pair of variable names [\"A\", \"B\"], got %s",
                                    kind_of(pair));
                for (size_t k = 0; k < 2; k++) {
                        struct path np = path_index(&ip, k);

                        if ((r = expect_nonempty_string(ps, json_array_get(pair, k), &np,
                                                        &names[k])) < 0)
                                return r;
                        if (strchr(names[k], '=') != NULL)
                                return fail(ps, &np, false, "invalid variable name");
                }
                if (strcmp(names[0], names[1]) == 0) {
                        struct path np = path_index(&ip, 1);
                        return fail(ps, &np, false, "a variable never differs from itself");
                }
                m->kind = RW_MATCH_ENV_DIFFERS;
                m->trusted = false;
                m->key = strdup(names[0]);
                m->other = strdup(names[1]);
                rule->n_matches++;
                if (m->key == NULL || m->other == NULL)
                        return oom(ps);
        }
        return 0;
}

static int parse_select_rule(const struct parser *ps, const json_t *v, const struct path *p,
                             const struct rw_policy *policy, struct rw_select_rule *rule)
{
        static const char *const keys[] = {"when", "tier", NULL};
        static const char *const when_keys[] = {"annotations", "env", "env_differs", NULL};
        const json_t *when, *tier, *m;
        struct path wp = path_key(p, "when"), tp = path_key(p, "tier");
        const char *name;
        size_t n = 0, offset;
        int r;

        if ((r = expect_object(ps, v, p)) < 0 || (r = check_keys(ps, v, p, keys)) < 0 ||
            (r = require_key(ps, v, p, "when", &when)) < 0 ||
            (r = require_key(ps, v, p, "tier", &tier)) < 0 ||
            (r = expect_object(ps, when, &wp)) < 0 ||
            (r = check_keys(ps, when, &wp, when_keys)) < 0)
                return r;
        if (json_object_size(when) == 0)
                return fail(ps, &wp, false, "no condition: a rule must test something");
        for (size_t k = 0; when_keys[k] != NULL; k++) {
                m = json_object_get(when, when_keys[k]);
                if (json_is_object(m) || json_is_array(m))
                        n += json_is_object(m) ? json_object_size(m) : json_array_size(m);
        }
        rule->matches = calloc(n + 1, sizeof(*rule->matches));
        if (rule->matches == NULL)
                return oom(ps);
        if ((m = json_object_get(when, "annotations")) != NULL) {
                struct path mp = path_key(&wp, "annotations");
                if ((r = parse_value_matches(ps, m, &mp, RW_MATCH_ANNOTATION,
                                             policy->trusted_annotations, rule)) < 0)
                        return r;
        }
        if ((m = json_object_get(when, "env")) != NULL) {
                struct path mp = path_key(&wp, "env");
                if ((r = parse_value_matches(ps, m, &mp, RW_MATCH_ENV, NULL, rule)) < 0)
                        return r;
        }
        if ((m = json_object_get(when, "env_differs")) != NULL) {
                struct path mp = path_key(&wp, "env_differs");
                if ((r = parse_env_differs(ps, m, &mp, rule)) < 0)
                        return r;
        }
        if ((r = expect_nonempty_string(ps, tier, &tp, &name)) < 0)
                return r;
        if (tier_index(policy, name) < 0)
                return fail(ps, &tp, false, "unknown tier \"%s\"", name);
        rule->tier = strdup(name);
        if (rule->tier == NULL)
                return oom(ps);
        rule->trusted = rule->n_matches > 0;
        for (size_t i = 0; i < rule->n_matches; i++)
                rule->trusted = rule->trusted && rule->matches[i].trusted;
        if (locate(ps->text, ps->len, p, false, &offset)) {
                int column;
                offset_position(ps->text, offset, &rule->line, &column);
        }
        return 0;
}

/* ---- the policy ---- */

static int parse_strv(const struct parser *ps, const json_t *v, const struct path *p, char ***ret)
{
        size_t n = json_array_size(v);
        char **strv;
        int r;

        if ((r = expect_array(ps, v, p)) < 0)
                return r;
        strv = calloc(n + 1, sizeof(*strv));
        if (strv == NULL)
                return oom(ps);
        *ret = strv;
        for (size_t i = 0; i < n; i++) {
                struct path ip = path_index(p, i);
                const char *s;

                if ((r = expect_nonempty_string(ps, json_array_get(v, i), &ip, &s)) < 0)
                        return r;
                if (strv_contains(strv, s))
                        return fail(ps, &ip, false, "\"%s\" is listed twice", s);
                if ((strv[i] = strdup(s)) == NULL)
                        return oom(ps);
        }
        return 0;
}

static int parse_tiers(const struct parser *ps, const json_t *v, struct rw_policy *policy,
                       struct tier_def **ret_defs)
{
        struct path p = path_key(&(struct path){0}, "tiers");
        size_t n = json_object_size(v), i = 0;
        struct tier_def *defs;
        const char *name;
        json_t *tier;
        int r;

        if ((r = expect_object(ps, v, &p)) < 0)
                return r;
        if (n == 0)
                return fail(ps, &p, false, "no tier defined");
        policy->tiers = calloc(n, sizeof(*policy->tiers));
        defs = calloc(n, sizeof(*defs));
        *ret_defs = defs;
        if (policy->tiers == NULL || defs == NULL)
                return oom(ps);
        json_object_foreach((json_t *)v, name, tier)
        {
                struct path tp = path_key(&p, name);
                struct arena *a;

                if (strcmp(name, RW_POLICY_BASELINE_TIER) == 0)
                        return fail(ps, &tp, true,
                                    "tier name \"%s\" is reserved for the built-in rules (extend "
                                    "it instead)",
                                    name);
                if (!valid_tier_name(name))
                        return fail(ps, &tp, true,
                                    "invalid tier name \"%s\" (a-z, 0-9 and '-', not starting "
                                    "with '-', at most 63 characters)",
                                    name);
                a = calloc(1, sizeof(*a));
                if (a == NULL)
                        return oom(ps);
                policy->tiers[i].storage = a;
                policy->n_tiers = i + 1;
                defs[i].arena = a;
                defs[i].name = name;
                policy->tiers[i].name = arena_strdup(a, name);
                if (policy->tiers[i].name == NULL)
                        return oom(ps);
                if ((r = parse_tier(ps, tier, &tp, &defs[i])) < 0)
                        return r;
                i++;
        }
        for (i = 0; i < n; i++) {
                struct path tp = path_key(&p, defs[i].name), ep = path_key(&tp, "extends");
                const char *parent = defs[i].extends;

                if (parent != NULL && strcmp(parent, RW_POLICY_BASELINE_TIER) != 0 &&
                    tier_index(policy, parent) < 0)
                        return fail(ps, &ep, false, "unknown tier \"%s\"", parent);
        }
        return resolve_all(ps, policy, defs);
}

static int parse_strictness(const struct parser *ps, const json_t *v, struct rw_policy *policy)
{
        struct path p = path_key(&(struct path){0}, "strictness");
        _cleanup_free_ bool *seen = calloc(policy->n_tiers + 1, sizeof(*seen));
        int r;

        if (seen == NULL)
                return oom(ps);
        if ((r = expect_array(ps, v, &p)) < 0)
                return r;
        for (size_t i = 0; i < json_array_size(v); i++) {
                struct path ip = path_index(&p, i);
                const char *name;
                ssize_t t;

                if ((r = expect_nonempty_string(ps, json_array_get(v, i), &ip, &name)) < 0)
                        return r;
                t = tier_index(policy, name);
                if (t < 0)
                        return fail(ps, &ip, false, "unknown tier \"%s\"", name);
                if (seen[t])
                        return fail(ps, &ip, false, "tier \"%s\" is listed twice", name);
                seen[t] = true;
                policy->tiers[t].strictness = i;
        }
        for (size_t t = 0; t < policy->n_tiers; t++)
                if (!seen[t])
                        return fail(ps, &p, false,
                                    "tier \"%s\" is missing (list every tier once, least strict "
                                    "first)",
                                    policy->tiers[t].name);
        return 0;
}

static int parse_audit_log(const struct parser *ps, const json_t *v, struct rw_policy *policy)
{
        static const char *const keys[] = {"path", "on_failure", NULL};
        static const char *const failures[] = {"refuse", "continue", NULL};
        struct path p = path_key(&(struct path){0}, "audit_log");
        const json_t *m;
        int r;

        if ((r = expect_object(ps, v, &p)) < 0 || (r = check_keys(ps, v, &p, keys)) < 0)
                return r;
        if ((m = json_object_get(v, "path")) != NULL) {
                struct path mp = path_key(&p, "path");
                _cleanup_free_ char *normalized = NULL;
                struct rw_error sub;
                const char *s;

                if ((r = expect_string(ps, m, &mp, &s)) < 0)
                        return r;
                if (s[0] != '/')
                        return fail(ps, &mp, false, "\"%s\" is not an absolute path", s);
                if (rw_path_normalize(s, &normalized, &sub) < 0)
                        return oom(ps);
                if (strcmp(normalized, "/") == 0)
                        return fail(ps, &mp, false, "\"%s\" is a directory, not a file", s);
                free(policy->audit_log);
                policy->audit_log = TAKE_PTR(normalized);
        }
        if ((m = json_object_get(v, "on_failure")) != NULL) {
                struct path mp = path_key(&p, "on_failure");
                int e;

                if ((r = expect_enum(ps, m, &mp, failures, &e)) < 0)
                        return r;
                policy->audit_log_refuse = e == 0;
        }
        return 0;
}

/* rw_json_parse() says "line L, column C: what"; the policy's form is "ORIGIN:L:C: what". */
static int json_error(const char *origin, const struct rw_error *sub, struct rw_error *err)
{
        int line, column, consumed = 0;

        if (sscanf(sub->msg, "line %d, column %d: %n", &line, &column, &consumed) == 2 &&
            consumed > 0)
                return rw_error_set(err, sub->code, "%s:%d:%d: %s", origin, line, column,
                                    sub->msg + consumed);
        return rw_error_set(err, sub->code, "%s: %s", origin, sub->msg);
}

static void tier_defs_free(struct tier_def **defs)
{
        free(*defs);
}

int rw_policy_parse(const char *text, size_t len, const char *origin, struct rw_policy *ret,
                    struct rw_error *err)
{
        static const char *const keys[] = {
            "version",   "default_tier", "strictness", "trusted_annotations",
            "audit_log", "tiers",        "select",     NULL};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_(tier_defs_free) struct tier_def *defs = NULL;
        _cleanup_json_ json_t *doc = NULL;
        const struct path top = {0};
        struct parser ps = {text, len, origin != NULL ? origin : "policy", err};
        const json_t *version, *default_tier, *strictness, *tiers, *m;
        struct rw_error sub;
        const char *name;
        int64_t v;
        int r;

        if (len > POLICY_MAX_SIZE)
                return rw_error_set(err, EFBIG, "%s: %zu bytes is too large for a policy",
                                    ps.origin, len);
        if (rw_json_parse(text, len, &doc, &sub) < 0)
                return json_error(ps.origin, &sub, err);

        if ((r = expect_object(&ps, doc, &top)) < 0 || (r = check_keys(&ps, doc, &top, keys)) < 0 ||
            (r = require_key(&ps, doc, &top, "version", &version)) < 0 ||
            (r = require_key(&ps, doc, &top, "default_tier", &default_tier)) < 0 ||
            (r = require_key(&ps, doc, &top, "strictness", &strictness)) < 0 ||
            (r = require_key(&ps, doc, &top, "tiers", &tiers)) < 0)
                return r;
        {
                struct path vp = path_key(&top, "version");
                if ((r = expect_integer(&ps, version, &vp, &v)) < 0)
                        return r;
                if (v != 1)
                        return fail(&ps, &vp, false,
                                    "unsupported version %" PRId64 " (this runwarden reads "
                                    "version 1)",
                                    v);
        }
        policy.version = 1;
        policy.origin = strdup(ps.origin);
        policy.audit_log = strdup(RW_AUDIT_LOG_DEFAULT);
        policy.audit_log_refuse = true;
        if (policy.origin == NULL || policy.audit_log == NULL)
                return oom(&ps);

        if ((r = parse_tiers(&ps, tiers, &policy, &defs)) < 0 ||
            (r = parse_strictness(&ps, strictness, &policy)) < 0)
                return r;
        {
                struct path dp = path_key(&top, "default_tier");
                if ((r = expect_nonempty_string(&ps, default_tier, &dp, &name)) < 0)
                        return r;
                if (tier_index(&policy, name) < 0)
                        return fail(&ps, &dp, false, "unknown tier \"%s\"", name);
                if ((policy.default_tier = strdup(name)) == NULL)
                        return oom(&ps);
        }
        if ((m = json_object_get(doc, "trusted_annotations")) != NULL) {
                struct path tp = path_key(&top, "trusted_annotations");
                if ((r = parse_strv(&ps, m, &tp, &policy.trusted_annotations)) < 0)
                        return r;
        } else if ((policy.trusted_annotations = calloc(1, sizeof(char *))) == NULL) {
                return oom(&ps);
        }
        if ((m = json_object_get(doc, "audit_log")) != NULL &&
            (r = parse_audit_log(&ps, m, &policy)) < 0)
                return r;
        if ((m = json_object_get(doc, "select")) != NULL) {
                struct path sp = path_key(&top, "select");

                if ((r = expect_array(&ps, m, &sp)) < 0)
                        return r;
                policy.select = calloc(json_array_size(m) + 1, sizeof(*policy.select));
                if (policy.select == NULL)
                        return oom(&ps);
                for (size_t i = 0; i < json_array_size(m); i++) {
                        struct path ip = path_index(&sp, i);

                        policy.n_select = i + 1;
                        if ((r = parse_select_rule(&ps, json_array_get(m, i), &ip, &policy,
                                                   &policy.select[i])) < 0)
                                return r;
                }
        }
        *ret = policy;
        policy = (struct rw_policy){0};
        return 0;
}

int rw_policy_baseline(struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        struct arena *a;

        policy.version = 1;
        policy.origin = strdup(BASELINE_ORIGIN);
        policy.default_tier = strdup(RW_POLICY_BASELINE_TIER);
        policy.trusted_annotations = calloc(1, sizeof(char *));
        policy.audit_log = strdup(RW_AUDIT_LOG_DEFAULT);
        /* No file, no operator decision: an unwritable log must not stop every container. */
        policy.audit_log_refuse = false;
        policy.tiers = calloc(1, sizeof(*policy.tiers));
        if (policy.origin == NULL || policy.default_tier == NULL ||
            policy.trusted_annotations == NULL || policy.audit_log == NULL || policy.tiers == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        a = calloc(1, sizeof(*a));
        if (a == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        policy.tiers[0].storage = a;
        policy.n_tiers = 1;
        policy.tiers[0].name = arena_strdup(a, RW_POLICY_BASELINE_TIER);
        if (policy.tiers[0].name == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        policy.tiers[0].strictness = 0;
        policy.tiers[0].mode = RW_TIER_ENFORCE;
        policy.tiers[0].exec = RW_EXEC_ALLOW;
        policy.tiers[0].runtime = NULL;
        rw_settings_baseline(&policy.tiers[0].settings);
        *ret = policy;
        policy = (struct rw_policy){0};
        return 0;
}

/*
 * A job must never be able to edit the policy that confines it: when runwarden runs as root, the
 * file must belong to root and be writable by nobody else, and its directory must not let anyone
 * else replace it (owned by root, not writable by group or others unless sticky).
 */
static int check_ownership(const char *path, const char *dir, int dirfd, const struct stat *st,
                           struct rw_error *err)
{
        struct stat dst;

        if (geteuid() != 0)
                return 0;
        if (st->st_uid != 0)
                return rw_error_set(err, EPERM,
                                    "%s: owned by uid %u, not root: refusing a policy that "
                                    "someone else can edit",
                                    path, (unsigned)st->st_uid);
        if (st->st_mode & (S_IWGRP | S_IWOTH))
                return rw_error_set(err, EPERM,
                                    "%s: writable by group or others (mode %04o): refusing a "
                                    "policy that someone else can edit",
                                    path, (unsigned)(st->st_mode & 07777));
        if (fstat(dirfd, &dst) < 0)
                return rw_error_set_errno(err, errno, "%s: cannot stat its directory", path);
        if (dst.st_uid != 0)
                return rw_error_set(err, EPERM,
                                    "%s: directory %s is owned by uid %u, not root: the policy "
                                    "could be replaced",
                                    path, dir, (unsigned)dst.st_uid);
        if ((dst.st_mode & (S_IWGRP | S_IWOTH)) && !(dst.st_mode & S_ISVTX))
                return rw_error_set(err, EPERM,
                                    "%s: directory %s is writable by group or others (mode "
                                    "%04o): the policy could be replaced",
                                    path, dir, (unsigned)(dst.st_mode & 07777));
        return 0;
}

int rw_policy_load(const char *path, struct rw_policy *ret, bool *ret_found, struct rw_error *err)
{
        const char *file = path != NULL ? path : RW_POLICY_DEFAULT_PATH;
        _cleanup_free_ char *dir = NULL, *base = NULL, *data = NULL;
        _cleanup_close_ int dirfd = -1;
        struct stat st;
        size_t len;
        int r;

        r = rw_path_split(file, &dir, &base, err);
        if (r < 0)
                return rw_error_prefix(err, "policy %s", file);
        r = rw_dir_open(dir, &dirfd, err);
        if (r == 0)
                r = rw_file_read_at(dirfd, base, POLICY_MAX_SIZE, &data, &len, &st, err);
        if (r == -ENOENT && path == NULL) {
                *ret_found = false;
                return rw_policy_baseline(ret, err);
        }
        if (r < 0)
                return rw_error_prefix(err, "policy %s", file);
        r = check_ownership(file, dir, dirfd, &st, err);
        if (r < 0)
                return r;
        r = rw_policy_parse(data, len, file, ret, err);
        if (r < 0)
                return r;
        *ret_found = true;
        return 0;
}

const struct rw_tier *rw_policy_find_tier(const struct rw_policy *policy, const char *name)
{
        ssize_t i;

        if (name == NULL)
                return NULL;
        i = tier_index(policy, name);
        return i < 0 ? NULL : &policy->tiers[i];
}

void rw_strv_free(char **strv)
{
        for (size_t i = 0; strv != NULL && strv[i] != NULL; i++)
                free(strv[i]);
        free(strv);
}

void rw_policy_clear(struct rw_policy *policy)
{
        for (size_t i = 0; i < policy->n_tiers; i++)
                arena_free(policy->tiers[i].storage);
        free(policy->tiers);
        for (size_t i = 0; i < policy->n_select; i++)
                select_rule_clear(&policy->select[i]);
        free(policy->select);
        rw_strv_free(policy->trusted_annotations);
        free(policy->default_tier);
        free(policy->origin);
        free(policy->audit_log);
        *policy = (struct rw_policy){0};
}

/* ---- warnings ---- */

/* "env X", "annotation Y" ... for what a rule reads that the job controls. */
static void describe_untrusted_inputs(const struct rw_select_rule *rule, char *buf, size_t size)
{
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < rule->n_matches && o < size; i++) {
                const struct rw_match *m = &rule->matches[i];
                int n;

                if (m->trusted)
                        continue;
                if (m->kind == RW_MATCH_ENV_DIFFERS)
                        n = snprintf(buf + o, size - o, "%senv %s and %s", o ? ", " : "", m->key,
                                     m->other);
                else if (m->kind == RW_MATCH_ENV)
                        n = snprintf(buf + o, size - o, "%senv %s", o ? ", " : "", m->key);
                else
                        n = snprintf(buf + o, size - o, "%sannotation %s (not trusted)",
                                     o ? ", " : "", m->key);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
}

static bool weakening(const struct rw_policy *policy, const struct rw_select_rule *rule,
                      const struct rw_tier *def)
{
        const struct rw_tier *tier = rw_policy_find_tier(policy, rule->tier);

        return !rule->trusted && tier != NULL && def != NULL && tier->strictness < def->strictness;
}

int rw_policy_warnings(const struct rw_policy *policy, char ***ret, struct rw_error *err)
{
        const struct rw_tier *def = rw_policy_find_tier(policy, policy->default_tier);
        char **warnings = calloc(policy->n_select + 1, sizeof(*warnings));
        size_t n = 0;

        if (warnings == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < policy->n_select; i++) {
                const struct rw_select_rule *rule = &policy->select[i];
                char inputs[384];

                if (!weakening(policy, rule, def))
                        continue;
                describe_untrusted_inputs(rule, inputs, sizeof(inputs));
                if (asprintf(&warnings[n],
                             "%s:%d: select rule %zu reads %s, which the job can set, and names "
                             "tier %s, weaker than default_tier %s: it is always skipped",
                             policy->origin, rule->line, i + 1, inputs, rule->tier,
                             policy->default_tier) < 0) {
                        warnings[n] = NULL;
                        rw_strv_free(warnings);
                        return rw_error_set(err, ENOMEM, "out of memory");
                }
                n++;
        }
        *ret = warnings;
        return 0;
}

/* ---- choosing the tier ---- */

/* glibc's getenv() returns the first "K=" entry; the process inside sees the same value. */
static const char *env_lookup(const json_t *env, const char *key)
{
        size_t klen = strlen(key);
        const json_t *item;
        size_t i;

        if (!json_is_array(env))
                return NULL;
        json_array_foreach((json_t *)env, i, item)
        {
                const char *s = json_string_value(item);

                if (s == NULL || rw_json_is_verbatim_number(item))
                        continue;
                if (strncmp(s, key, klen) == 0 && s[klen] == '=')
                        return s + klen + 1;
        }
        return NULL;
}

static const char *annotation_lookup(const json_t *annotations, const char *key)
{
        const json_t *v = json_object_get(annotations, key);

        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return NULL;
        return json_string_value(v);
}

/* Whether `m` holds; *ret_value is the policy value it matched ("*" for any). */
static bool match_holds(const struct rw_match *m, const json_t *annotations, const json_t *env,
                        const char **ret_value)
{
        const char *have, *other;

        if (m->kind == RW_MATCH_ENV_DIFFERS) {
                have = env_lookup(env, m->key);
                other = env_lookup(env, m->other);
                return have != NULL && other != NULL && strcmp(have, other) != 0;
        }
        have = m->kind == RW_MATCH_ENV ? env_lookup(env, m->key)
                                       : annotation_lookup(annotations, m->key);
        if (have == NULL)
                return false;
        for (size_t i = 0; m->values[i] != NULL; i++) {
                if (strcmp(m->values[i], MATCH_ANY) == 0 || strcmp(m->values[i], have) == 0) {
                        *ret_value = m->values[i];
                        return true;
                }
        }
        return false;
}

static void describe_match(const struct rw_match *m, const char *value, char *buf, size_t size)
{
        const char *what = m->kind == RW_MATCH_ANNOTATION ? "annotation" : "env";

        if (m->kind == RW_MATCH_ENV_DIFFERS)
                append(buf, size, "env %s differs from %s", m->key, m->other);
        else if (strcmp(value, MATCH_ANY) == 0)
                append(buf, size, "%s %s is set", what, m->key);
        else
                append(buf, size, "%s %s=%s", what, m->key, value);
}

static bool rule_matches(const struct rw_select_rule *rule, const json_t *annotations,
                         const json_t *env, char *desc, size_t size)
{
        desc[0] = '\0';
        for (size_t i = 0; i < rule->n_matches; i++) {
                const char *value = NULL;

                if (!match_holds(&rule->matches[i], annotations, env, &value))
                        return false;
                if (i > 0)
                        append(desc, size, " and ");
                describe_match(&rule->matches[i], value, desc, size);
        }
        return rule->n_matches > 0;
}

static int tier_by_operator(const struct rw_policy *policy, const char *name, const char *how,
                            const struct rw_tier **ret, struct rw_error *err)
{
        *ret = rw_policy_find_tier(policy, name);
        if (*ret == NULL)
                return rw_error_set(err, ENOENT, "%s names tier \"%s\", which %s does not define",
                                    how, name, policy->origin);
        return 0;
}

int rw_policy_choose_tier(const struct rw_policy *policy, const char *flag_tier,
                          const char *invoked_as, const json_t *annotations, const json_t *env,
                          struct rw_tier_choice *ret, struct rw_error *err)
{
        static const char prefix[] = "runwarden-";
        const struct rw_tier *def;
        struct rw_tier_choice c = {0};
        int r;

        if (flag_tier != NULL) {
                r = tier_by_operator(policy, flag_tier, "--tier", &c.tier, err);
                if (r < 0)
                        return r;
                c.source = RW_TIER_FROM_FLAG;
                snprintf(c.reason, sizeof(c.reason), "--tier %s", flag_tier);
                *ret = c;
                return 0;
        }
        if (invoked_as != NULL) {
                const char *slash = strrchr(invoked_as, '/');
                const char *base = slash != NULL ? slash + 1 : invoked_as;

                if (strncmp(base, prefix, sizeof(prefix) - 1) == 0 &&
                    base[sizeof(prefix) - 1] != '\0') {
                        char how[300];

                        snprintf(how, sizeof(how), "the binary name %s", base);
                        r = tier_by_operator(policy, base + sizeof(prefix) - 1, how, &c.tier, err);
                        if (r < 0)
                                return r;
                        c.source = RW_TIER_FROM_BINARY_NAME;
                        snprintf(c.reason, sizeof(c.reason), "invoked as %s", base);
                        *ret = c;
                        return 0;
                }
        }

        def = rw_policy_find_tier(policy, policy->default_tier);
        if (def == NULL)
                return rw_error_set(err, EINVAL, "%s: default_tier \"%s\" is not a tier",
                                    policy->origin, policy->default_tier);
        if (!json_is_object(annotations))
                annotations = NULL;
        for (size_t i = 0; i < policy->n_select; i++) {
                const struct rw_select_rule *rule = &policy->select[i];
                char desc[400];

                if (!rule_matches(rule, annotations, env, desc, sizeof(desc)))
                        continue;
                /* Input the job controls may make a container stricter, never weaker. */
                if (weakening(policy, rule, def)) {
                        append(c.skipped, sizeof(c.skipped),
                               "%sselect rule %zu (%s) names tier %s, weaker than default_tier %s",
                               c.skipped[0] != '\0' ? "; " : "", i + 1, desc, rule->tier,
                               policy->default_tier);
                        continue;
                }
                c.tier = rw_policy_find_tier(policy, rule->tier);
                if (c.tier == NULL)
                        return rw_error_set(err, EINVAL,
                                            "%s: select rule %zu names tier \"%s\", "
                                            "which is not defined",
                                            policy->origin, i + 1, rule->tier);
                c.source = RW_TIER_FROM_SELECT;
                c.rule = i;
                snprintf(c.reason, sizeof(c.reason), "select rule %zu: %s", i + 1, desc);
                *ret = c;
                return 0;
        }
        c.tier = def;
        c.source = RW_TIER_FROM_DEFAULT;
        snprintf(c.reason, sizeof(c.reason), "default_tier %s", def->name);
        *ret = c;
        return 0;
}
