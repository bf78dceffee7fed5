/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The differential target for key spellings. The input drives a generator of documents over the
 * runtime-spec structs runc decodes (config.json, process.json or update resources): every
 * object gets keys that are field names spelled exactly, with case flipped, with U+017F for s or
 * U+212A for k, with look-alike characters Go does not fold, or other fields' names, in any order,
 * repeated, with valid values or null.
 *
 * A reference model of Go 1.19's encoding/json says how runc takes each key: the field named
 * exactly, else the first field (in struct order) whose name the key folds to (the port of
 * fold.go below: foldFunc, equalFoldRight, asciiEqualFold, simpleLetterEqualFold), else none.
 * The struct tables are written from specs-go/config.go, apart from lib/spec/spec.c. Then:
 *  - a key repeated byte for byte makes rw_json_parse refuse the document;
 *  - otherwise rw_spec_read refuses exactly the keys that the model assigns to a field under
 *    another spelling (every one that runc reads, at every level runwarden reads), and nothing
 *    else; when there are none it accepts, keeps every exactly spelled member with a value,
 *    removes exactly the members runc ignores or uses on other platforms only, and the plan
 *    applies;
 *  - rw_spec_key_folds_to agrees with the model on every key and field met.
 */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "json.h"
#include "plan.h"
#include "spec.h"

/* ------------------------------------------------------------------------------------------ */
/* The Go structs */

enum mkind {
        M_STRING,
        M_BOOL,
        M_INT, /* any Go integer type: the generator writes 1, valid for all of them */
        M_STRINGS,
        M_INTS,
        M_STRING_MAP,
        M_STRUCT,
        M_STRUCTS,
        M_STRUCT_MAP,
        M_OTHER_PLATFORM,
};

enum mstruct {
        S_SPEC,
        S_PROCESS,
        S_CAPABILITIES,
        S_BOX,
        S_USER,
        S_ROOT,
        S_MOUNT,
        S_HOOK,
        S_HOOKS,
        S_LINUX,
        S_NAMESPACE,
        S_IDMAP,
        S_RLIMIT,
        S_HUGEPAGE,
        S_PRIORITY,
        S_WEIGHT_DEVICE,
        S_THROTTLE_DEVICE,
        S_BLOCKIO,
        S_MEMORY,
        S_CPU,
        S_PIDS,
        S_NETWORK,
        S_RDMA,
        S_RESOURCES,
        S_DEVICE,
        S_DEVICE_CGROUP,
        S_PERSONALITY,
        S_SECCOMP,
        S_SECCOMP_ARG,
        S_SYSCALL,
        S_INTEL_RDT,
        S_COUNT,
};

struct mfield {
        const char *name;
        enum mkind kind;
        enum mstruct sub;
};

#define MAX_FIELDS 16

static const struct mfield model_structs[S_COUNT][MAX_FIELDS] = {
    [S_SPEC] = {{"ociVersion", M_STRING, 0},
                {"process", M_STRUCT, S_PROCESS},
                {"root", M_STRUCT, S_ROOT},
                {"hostname", M_STRING, 0},
                {"domainname", M_STRING, 0},
                {"mounts", M_STRUCTS, S_MOUNT},
                {"hooks", M_STRUCT, S_HOOKS},
                {"annotations", M_STRING_MAP, 0},
                {"linux", M_STRUCT, S_LINUX},
                {"solaris", M_OTHER_PLATFORM, 0},
                {"windows", M_OTHER_PLATFORM, 0},
                {"vm", M_OTHER_PLATFORM, 0},
                {"zos", M_OTHER_PLATFORM, 0}},
    [S_PROCESS] = {{"terminal", M_BOOL, 0},
                   {"consoleSize", M_STRUCT, S_BOX},
                   {"user", M_STRUCT, S_USER},
                   {"args", M_STRINGS, 0},
                   {"commandLine", M_STRING, 0},
                   {"env", M_STRINGS, 0},
                   {"cwd", M_STRING, 0},
                   {"capabilities", M_STRUCT, S_CAPABILITIES},
                   {"rlimits", M_STRUCTS, S_RLIMIT},
                   {"noNewPrivileges", M_BOOL, 0},
                   {"apparmorProfile", M_STRING, 0},
                   {"oomScoreAdj", M_INT, 0},
                   {"selinuxLabel", M_STRING, 0}},
    [S_CAPABILITIES] = {{"bounding", M_STRINGS, 0},
                        {"effective", M_STRINGS, 0},
                        {"inheritable", M_STRINGS, 0},
                        {"permitted", M_STRINGS, 0},
                        {"ambient", M_STRINGS, 0}},
    [S_BOX] = {{"height", M_INT, 0}, {"width", M_INT, 0}},
    [S_USER] = {{"uid", M_INT, 0},
                {"gid", M_INT, 0},
                {"umask", M_INT, 0},
                {"additionalGids", M_INTS, 0},
                {"username", M_STRING, 0}},
    [S_ROOT] = {{"path", M_STRING, 0}, {"readonly", M_BOOL, 0}},
    [S_MOUNT] = {{"destination", M_STRING, 0},
                 {"type", M_STRING, 0},
                 {"source", M_STRING, 0},
                 {"options", M_STRINGS, 0},
                 {"uidMappings", M_STRUCTS, S_IDMAP},
                 {"gidMappings", M_STRUCTS, S_IDMAP}},
    [S_HOOK] = {{"path", M_STRING, 0},
                {"args", M_STRINGS, 0},
                {"env", M_STRINGS, 0},
                {"timeout", M_INT, 0}},
    [S_HOOKS] = {{"prestart", M_STRUCTS, S_HOOK},
                 {"createRuntime", M_STRUCTS, S_HOOK},
                 {"createContainer", M_STRUCTS, S_HOOK},
                 {"startContainer", M_STRUCTS, S_HOOK},
                 {"poststart", M_STRUCTS, S_HOOK},
                 {"poststop", M_STRUCTS, S_HOOK}},
    [S_LINUX] = {{"uidMappings", M_STRUCTS, S_IDMAP},
                 {"gidMappings", M_STRUCTS, S_IDMAP},
                 {"sysctl", M_STRING_MAP, 0},
                 {"resources", M_STRUCT, S_RESOURCES},
                 {"cgroupsPath", M_STRING, 0},
                 {"namespaces", M_STRUCTS, S_NAMESPACE},
                 {"devices", M_STRUCTS, S_DEVICE},
                 {"seccomp", M_STRUCT, S_SECCOMP},
                 {"rootfsPropagation", M_STRING, 0},
                 {"maskedPaths", M_STRINGS, 0},
                 {"readonlyPaths", M_STRINGS, 0},
                 {"mountLabel", M_STRING, 0},
                 {"intelRdt", M_STRUCT, S_INTEL_RDT},
                 {"personality", M_STRUCT, S_PERSONALITY}},
    [S_NAMESPACE] = {{"type", M_STRING, 0}, {"path", M_STRING, 0}},
    [S_IDMAP] = {{"containerID", M_INT, 0}, {"hostID", M_INT, 0}, {"size", M_INT, 0}},
    [S_RLIMIT] = {{"type", M_STRING, 0}, {"hard", M_INT, 0}, {"soft", M_INT, 0}},
    [S_HUGEPAGE] = {{"pageSize", M_STRING, 0}, {"limit", M_INT, 0}},
    [S_PRIORITY] = {{"name", M_STRING, 0}, {"priority", M_INT, 0}},
    /* LinuxBlockIODevice is embedded: its fields come first */
    [S_WEIGHT_DEVICE] = {{"major", M_INT, 0},
                         {"minor", M_INT, 0},
                         {"weight", M_INT, 0},
                         {"leafWeight", M_INT, 0}},
    [S_THROTTLE_DEVICE] = {{"major", M_INT, 0}, {"minor", M_INT, 0}, {"rate", M_INT, 0}},
    [S_BLOCKIO] = {{"weight", M_INT, 0},
                   {"leafWeight", M_INT, 0},
                   {"weightDevice", M_STRUCTS, S_WEIGHT_DEVICE},
                   {"throttleReadBpsDevice", M_STRUCTS, S_THROTTLE_DEVICE},
                   {"throttleWriteBpsDevice", M_STRUCTS, S_THROTTLE_DEVICE},
                   {"throttleReadIOPSDevice", M_STRUCTS, S_THROTTLE_DEVICE},
                   {"throttleWriteIOPSDevice", M_STRUCTS, S_THROTTLE_DEVICE}},
    [S_MEMORY] = {{"limit", M_INT, 0},
                  {"reservation", M_INT, 0},
                  {"swap", M_INT, 0},
                  {"kernel", M_INT, 0},
                  {"kernelTCP", M_INT, 0},
                  {"swappiness", M_INT, 0},
                  {"disableOOMKiller", M_BOOL, 0},
                  {"useHierarchy", M_BOOL, 0},
                  {"checkBeforeUpdate", M_BOOL, 0}},
    [S_CPU] = {{"shares", M_INT, 0},
               {"quota", M_INT, 0},
               {"burst", M_INT, 0},
               {"period", M_INT, 0},
               {"realtimeRuntime", M_INT, 0},
               {"realtimePeriod", M_INT, 0},
               {"cpus", M_STRING, 0},
               {"mems", M_STRING, 0},
               {"idle", M_INT, 0}},
    [S_PIDS] = {{"limit", M_INT, 0}},
    [S_NETWORK] = {{"classID", M_INT, 0}, {"priorities", M_STRUCTS, S_PRIORITY}},
    [S_RDMA] = {{"hcaHandles", M_INT, 0}, {"hcaObjects", M_INT, 0}},
    [S_RESOURCES] = {{"devices", M_STRUCTS, S_DEVICE_CGROUP},
                     {"memory", M_STRUCT, S_MEMORY},
                     {"cpu", M_STRUCT, S_CPU},
                     {"pids", M_STRUCT, S_PIDS},
                     {"blockIO", M_STRUCT, S_BLOCKIO},
                     {"hugepageLimits", M_STRUCTS, S_HUGEPAGE},
                     {"network", M_STRUCT, S_NETWORK},
                     {"rdma", M_STRUCT_MAP, S_RDMA},
                     {"unified", M_STRING_MAP, 0}},
    [S_DEVICE] = {{"path", M_STRING, 0},
                  {"type", M_STRING, 0},
                  {"major", M_INT, 0},
                  {"minor", M_INT, 0},
                  {"fileMode", M_INT, 0},
                  {"uid", M_INT, 0},
                  {"gid", M_INT, 0}},
    [S_DEVICE_CGROUP] = {{"allow", M_BOOL, 0},
                         {"type", M_STRING, 0},
                         {"major", M_INT, 0},
                         {"minor", M_INT, 0},
                         {"access", M_STRING, 0}},
    [S_PERSONALITY] = {{"domain", M_STRING, 0}, {"flags", M_STRINGS, 0}},
    [S_SECCOMP] = {{"defaultAction", M_STRING, 0},
                   {"defaultErrnoRet", M_INT, 0},
                   {"architectures", M_STRINGS, 0},
                   {"flags", M_STRINGS, 0},
                   {"listenerPath", M_STRING, 0},
                   {"listenerMetadata", M_STRING, 0},
                   {"syscalls", M_STRUCTS, S_SYSCALL}},
    [S_SECCOMP_ARG] = {{"index", M_INT, 0},
                       {"value", M_INT, 0},
                       {"valueTwo", M_INT, 0},
                       {"op", M_STRING, 0}},
    [S_SYSCALL] = {{"names", M_STRINGS, 0},
                   {"action", M_STRING, 0},
                   {"errnoRet", M_INT, 0},
                   {"args", M_STRUCTS, S_SECCOMP_ARG}},
    [S_INTEL_RDT] = {{"closID", M_STRING, 0},
                     {"l3CacheSchema", M_STRING, 0},
                     {"memBwSchema", M_STRING, 0},
                     {"enableCMT", M_BOOL, 0},
                     {"enableMBM", M_BOOL, 0}},
};

static size_t n_fields(enum mstruct s)
{
        size_t n = 0;

        while (n < MAX_FIELDS && model_structs[s][n].name != NULL)
                n++;
        return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Go 1.19 encoding/json/fold.go: s is the field name, t the key. */

#define CASE_MASK ((unsigned char)~0x20u)
#define LONG_S    "\xc5\xbf"     /* U+017F */
#define KELVIN    "\xe2\x84\xaa" /* U+212A */
#define RUNE_SELF 0x80

static size_t rune_length(const unsigned char *t, size_t len)
{
        size_t n = (t[0] & 0xe0) == 0xc0   ? 2
                   : (t[0] & 0xf0) == 0xe0 ? 3
                   : (t[0] & 0xf8) == 0xf0 ? 4
                                           : 1;

        return n <= len ? n : 1;
}

static bool equal_fold_right(const unsigned char *s, size_t slen, const unsigned char *t,
                             size_t tlen)
{
        for (size_t i = 0; i < slen; i++) {
                unsigned char sb = s[i], tb;
                size_t size;

                if (tlen == 0)
                        return false;
                tb = t[0];
                if (tb < RUNE_SELF) {
                        if (sb != tb) {
                                unsigned char upper = sb & CASE_MASK;

                                if (upper < 'A' || upper > 'Z' || upper != (tb & CASE_MASK))
                                        return false;
                        }
                        t++;
                        tlen--;
                        continue;
                }
                size = rune_length(t, tlen);
                if (sb == 's' || sb == 'S') {
                        if (size != 2 || memcmp(t, LONG_S, 2) != 0)
                                return false;
                } else if (sb == 'k' || sb == 'K') {
                        if (size != 3 || memcmp(t, KELVIN, 3) != 0)
                                return false;
                } else {
                        return false;
                }
                t += size;
                tlen -= size;
        }
        return tlen == 0;
}

static bool ascii_equal_fold(const unsigned char *s, size_t slen, const unsigned char *t,
                             size_t tlen)
{
        if (slen != tlen)
                return false;
        for (size_t i = 0; i < slen; i++) {
                unsigned char sb = s[i], tb = t[i];

                if (sb == tb)
                        continue;
                if ((sb >= 'a' && sb <= 'z') || (sb >= 'A' && sb <= 'Z')) {
                        if ((sb & CASE_MASK) != (tb & CASE_MASK))
                                return false;
                } else {
                        return false;
                }
        }
        return true;
}

static bool simple_letter_equal_fold(const unsigned char *s, size_t slen, const unsigned char *t,
                                     size_t tlen)
{
        if (slen != tlen)
                return false;
        for (size_t i = 0; i < slen; i++)
                if ((s[i] & CASE_MASK) != (t[i] & CASE_MASK))
                        return false;
        return true;
}

static bool go_fold(const char *name, const char *key)
{
        const unsigned char *s = (const unsigned char *)name, *t = (const unsigned char *)key;
        size_t slen = strlen(name), tlen = strlen(key);
        bool non_letter = false, special = false;

        for (size_t i = 0; i < slen; i++) {
                unsigned char upper = s[i] & CASE_MASK;

                RW_FUZZ_ASSERT(s[i] < RUNE_SELF, "field names are ASCII");
                if (upper < 'A' || upper > 'Z')
                        non_letter = true;
                else if (upper == 'K' || upper == 'S')
                        special = true;
        }
        if (special)
                return equal_fold_right(s, slen, t, tlen);
        if (non_letter)
                return ascii_equal_fold(s, slen, t, tlen);
        return simple_letter_equal_fold(s, slen, t, tlen);
}

/* The field encoding/json assigns `key` to (exact name first, then the first that folds), or
 * NULL. Also checks rw_spec_key_folds_to against the model on every field. */
static const struct mfield *go_match(enum mstruct st, const char *key, bool *ret_exact)
{
        const struct mfield *found = NULL;
        size_t n = n_fields(st);

        *ret_exact = false;
        for (size_t i = 0; i < n; i++) {
                bool folds = go_fold(model_structs[st][i].name, key);

                RW_FUZZ_ASSERT(folds == rw_spec_key_folds_to(key, model_structs[st][i].name),
                               "Go %s \"%s\" to \"%s\", rw_spec_key_folds_to does not",
                               folds ? "folds" : "does not fold", key, model_structs[st][i].name);
        }
        for (size_t i = 0; i < n; i++)
                if (strcmp(model_structs[st][i].name, key) == 0) {
                        *ret_exact = true;
                        return &model_structs[st][i];
                }
        for (size_t i = 0; i < n && found == NULL; i++)
                if (go_fold(model_structs[st][i].name, key))
                        found = &model_structs[st][i];
        return found;
}

/* ------------------------------------------------------------------------------------------ */
/* The generator */

struct source {
        const uint8_t *p;
        size_t n;
};

static unsigned next(struct source *src)
{
        if (src->n == 0)
                return 0;
        src->n--;
        return *src->p++;
}

struct text {
        char *s;
        size_t len, cap;
};

static void put(struct text *t, const char *s, size_t len)
{
        if (t->cap - t->len < len + 1) {
                size_t cap = t->cap ? t->cap : 1024;
                char *bigger;

                while (cap - t->len < len + 1)
                        cap *= 2;
                bigger = realloc(t->s, cap);
                RW_FUZZ_ASSERT(bigger != NULL, "out of memory");
                t->s = bigger;
                t->cap = cap;
        }
        memcpy(t->s + t->len, s, len);
        t->len += len;
        t->s[t->len] = '\0';
}

static void puts_(struct text *t, const char *s)
{
        put(t, s, strlen(s));
}

static void put_string(struct text *t, const char *s)
{
        puts_(t, "\"");
        for (; *s != '\0'; s++) {
                char esc[8];

                if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20) {
                        snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)*s);
                        puts_(t, esc);
                } else {
                        put(t, s, 1);
                }
        }
        puts_(t, "\"");
}

#define MAX_EXPECT 512

/* What the model expects of runwarden: pointers. */
struct expect {
        char *refused[MAX_EXPECT]; /* spelled otherwise */
        size_t n_refused;
        char *removed[MAX_EXPECT]; /* ignored by runc or for another platform */
        size_t n_removed;
        char *kept[MAX_EXPECT]; /* exactly spelled, with a value */
        size_t n_kept;
        bool duplicate; /* a key repeated byte for byte */
        bool full;      /* too many to record: checks that need all are skipped */
};

static void record(struct expect *e, char **list, size_t *n, const char *pointer)
{
        if (*n == MAX_EXPECT) {
                e->full = true;
                return;
        }
        list[*n] = strdup(pointer);
        RW_FUZZ_ASSERT(list[*n] != NULL, "out of memory");
        (*n)++;
}

static void expect_clear(struct expect *e)
{
        for (size_t i = 0; i < e->n_refused; i++)
                free(e->refused[i]);
        for (size_t i = 0; i < e->n_removed; i++)
                free(e->removed[i]);
        for (size_t i = 0; i < e->n_kept; i++)
                free(e->kept[i]);
}

/* Characters that may replace or join a field name's: folds (U+017F, U+212A), look-alikes Go
 * does not fold (dotless i, long s where there is no s, sharp s, fullwidth s, Angstrom sign),
 * ASCII. None is '/', '~', '"' or '\\'. */
static const char *const pieces[] = {
    LONG_S,
    KELVIN,
    "\xc4\xb1",
    "\xc4\xb0",
    "\xc3\x9f",
    "\xef\xbd\x93",
    "\xe2\x84\xab",
    "s",
    "S",
    "k",
    "K",
    "x",
    "_",
    "0",
    " ",
    "\xe2\x80\x8b",
};

/* A key for field `name` (ASCII): as it is, or changed in a way the input chooses. */
static char *spell(struct source *src, const char *name)
{
        struct text t = {0};
        unsigned op = next(src) % 10, bits = 0;
        size_t len = strlen(name);

        if (op == 9) {
                /* another struct's field name */
                enum mstruct other = (enum mstruct)(next(src) % S_COUNT);

                name = model_structs[other][next(src) % n_fields(other)].name;
                len = strlen(name);
                op = next(src) % 9;
        }
        for (size_t i = 0; i < len; i++) {
                char c = name[i];
                bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

                if (i % 8 == 0)
                        bits = next(src);
                if ((op == 3 || op == 5) && letter && (bits >> (i % 8)) & 1)
                        c ^= 0x20;
                if ((op == 4 || op == 5) && (c | 0x20) == 's' && (bits >> ((i + 3) % 8)) & 1) {
                        puts_(&t, LONG_S);
                        continue;
                }
                if ((op == 4 || op == 5) && (c | 0x20) == 'k' && (bits >> ((i + 3) % 8)) & 1) {
                        puts_(&t, KELVIN);
                        continue;
                }
                put(&t, &c, 1);
        }
        if (op == 6 || op == 7) {
                /* insert or replace one character */
                const char *piece = pieces[next(src) % RW_ELEMENTSOF(pieces)];
                size_t at = len > 0 ? next(src) % len : 0;
                struct text u = {0};

                put(&u, t.s != NULL ? t.s : "", at);
                puts_(&u, piece);
                puts_(&u, t.s != NULL ? t.s + at + (op == 7 && at < t.len ? 1 : 0) : "");
                free(t.s);
                t = u;
        }
        if (t.s == NULL)
                puts_(&t, "");
        return t.s;
}

static void gen_struct(struct source *src, struct text *out, enum mstruct st, const char *pointer,
                       bool judged, int depth, struct expect *e);

static void gen_value(struct source *src, struct text *out, const struct mfield *f,
                      const char *pointer, bool judged, int depth, struct expect *e)
{
        unsigned n, i;

        switch (f->kind) {
        case M_STRING:
                puts_(out, next(src) & 1 ? "\"v\"" : "\"\"");
                return;
        case M_BOOL:
                puts_(out, next(src) & 1 ? "true" : "false");
                return;
        case M_INT:
                puts_(out, "1");
                return;
        case M_STRINGS:
                puts_(out, next(src) & 1 ? "[\"a\",null]" : "[]");
                return;
        case M_INTS:
                puts_(out, next(src) & 1 ? "[1,null,0]" : "[]");
                return;
        case M_STRING_MAP:
                /* map keys are not folded: none of these may be refused */
                puts_(out, next(src) & 1 ? "{\"Mounts\":\"x\",\"mounts\":null,\"\xc5\xbf\":\"\"}"
                                         : "{}");
                return;
        case M_OTHER_PLATFORM:
                puts_(out, next(src) & 1 ? "{\"LayerFolders\":[1],\"anything\":{}}" : "7");
                return;
        case M_STRUCT:
                if (depth > 8) {
                        puts_(out, "{}");
                        return;
                }
                gen_struct(src, out, f->sub, pointer, judged, depth + 1, e);
                return;
        case M_STRUCTS:
                n = depth > 8 ? 0 : next(src) % 3;
                puts_(out, "[");
                for (i = 0; i < n; i++) {
                        if (i > 0)
                                puts_(out, ",");
                        if (next(src) % 8 == 7) {
                                puts_(out, "null");
                                continue;
                        }
                        {
                                _cleanup_free_ char *child = NULL;

                                RW_FUZZ_ASSERT(asprintf(&child, "%s/%u", pointer, i) > 0,
                                               "out of memory");
                                gen_struct(src, out, f->sub, child, judged, depth + 1, e);
                        }
                }
                puts_(out, "]");
                return;
        case M_STRUCT_MAP:
                n = depth > 8 ? 0 : next(src) % 3;
                puts_(out, "{");
                for (i = 0; i < n; i++) {
                        char key[16];

                        snprintf(key, sizeof(key), "Dev%u", i);
                        if (i > 0)
                                puts_(out, ",");
                        put_string(out, key);
                        puts_(out, ":");
                        if (next(src) % 8 == 7) {
                                puts_(out, "null");
                                continue;
                        }
                        {
                                _cleanup_free_ char *child = NULL;

                                RW_FUZZ_ASSERT(asprintf(&child, "%s/%s", pointer, key) > 0,
                                               "out of memory");
                                gen_struct(src, out, f->sub, child, judged, depth + 1, e);
                        }
                }
                puts_(out, "}");
                return;
        }
}

/*
 * An object of struct `st` at `pointer`. `judged`: runwarden reads this object (it is reached
 * through exactly spelled members only); the expectations are recorded only then.
 */
static void gen_struct(struct source *src, struct text *out, enum mstruct st, const char *pointer,
                       bool judged, int depth, struct expect *e)
{
        char *keys[8];
        unsigned n = next(src) % (depth == 0 ? 9 : 6);

        puts_(out, "{");
        for (unsigned i = 0; i < n; i++) {
                const struct mfield *wanted = &model_structs[st][next(src) % n_fields(st)];
                const struct mfield *f;
                char *key = spell(src, wanted->name);
                _cleanup_free_ char *child = NULL;
                bool exact, null = next(src) % 8 == 7;

                keys[i] = key;
                for (unsigned k = 0; k < i; k++)
                        if (strcmp(keys[k], key) == 0)
                                e->duplicate = true;
                RW_FUZZ_ASSERT(asprintf(&child, "%s/%s", pointer, key) > 0, "out of memory");
                if (i > 0)
                        puts_(out, ",");
                put_string(out, key);
                puts_(out, ":");

                f = go_match(st, key, &exact);
                if (f != NULL && !exact) {
                        if (judged)
                                record(e, e->refused, &e->n_refused, child);
                } else if (null) {
                        /* dropped: nothing to expect */
                } else if (f == NULL || f->kind == M_OTHER_PLATFORM) {
                        if (judged)
                                record(e, e->removed, &e->n_removed, child);
                } else if (judged) {
                        record(e, e->kept, &e->n_kept, child);
                }

                if (null) {
                        puts_(out, "null");
                } else if (f == NULL) {
                        /* runc ignores it: its content is never judged */
                        gen_value(src, out, wanted, child, false, depth, e);
                } else {
                        gen_value(src, out, f, child, judged && exact, depth, e);
                }
        }
        puts_(out, "}");
        for (unsigned i = 0; i < n; i++)
                free(keys[i]);
}

/* ------------------------------------------------------------------------------------------ */

static bool listed(char *const *list, size_t n, const char *pointer)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], pointer) == 0)
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const enum rw_spec_kind kinds[] = {RW_SPEC_CONFIG, RW_SPEC_PROCESS,
                                                  RW_SPEC_RESOURCES};
        static const enum mstruct roots[] = {S_SPEC, S_PROCESS, S_RESOURCES};
        struct source src = {data, size};
        struct text doc_text = {0};
        struct expect e = {0};
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_json_ json_t *view = NULL;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_error err = {0};
        unsigned which = next(&src) % 3;
        size_t n_deletes = 0;

        rw_plan_init(&plan);
        gen_struct(&src, &doc_text, roots[which], "", true, 0, &e);

        if (rw_json_parse(doc_text.s, doc_text.len, &doc, &err) < 0) {
                RW_FUZZ_ASSERT(e.duplicate, "parse failed: %s: %s", err.msg, doc_text.s);
                RW_FUZZ_ASSERT(strstr(err.msg, "duplicate") != NULL, "parse failed: %s: %s",
                               err.msg, doc_text.s);
                goto done;
        }
        RW_FUZZ_ASSERT(!e.duplicate, "a repeated key was not refused: %s", doc_text.s);
        RW_FUZZ_ASSERT(rw_spec_read(doc, kinds[which], "fuzz", &view, &plan, &err) == 0, "%s",
                       err.msg);

        for (size_t i = 0; i < plan.n_denials; i++)
                RW_FUZZ_ASSERT(listed(e.refused, e.n_refused, plan.denials[i].item),
                               "refused %s, which Go reads as spelled (%s): %s",
                               plan.denials[i].item, plan.denials[i].reason, doc_text.s);
        if (!e.full)
                for (size_t i = 0; i < e.n_refused; i++) {
                        bool found = false;

                        for (size_t k = 0; k < plan.n_denials && !found; k++)
                                found = strcmp(plan.denials[k].item, e.refused[i]) == 0;
                        RW_FUZZ_ASSERT(found,
                                       "not refused: %s, which Go reads under another "
                                       "spelling: %s",
                                       e.refused[i], doc_text.s);
                }
        if (e.n_refused > 0) {
                RW_FUZZ_ASSERT(view == NULL, "a view of a refused document");
                goto done;
        }
        RW_FUZZ_ASSERT(view != NULL && !rw_plan_denied(&plan), "refused: %s", doc_text.s);
        for (size_t i = 0; i < plan.n_changes; i++) {
                RW_FUZZ_ASSERT(plan.changes[i].kind == RW_CHANGE_DELETE, "a change other than a "
                                                                         "removal");
                RW_FUZZ_ASSERT(listed(e.removed, e.n_removed, plan.changes[i].pointer),
                               "removes %s, which runc reads: %s", plan.changes[i].pointer,
                               doc_text.s);
                n_deletes++;
        }
        RW_FUZZ_ASSERT(e.full || n_deletes == e.n_removed, "removes %zu members, expected %zu: %s",
                       n_deletes, e.n_removed, doc_text.s);
        RW_FUZZ_ASSERT(rw_plan_apply(&plan, view, &err) == 0, "%s", err.msg);
        for (size_t i = 0; i < e.n_kept; i++)
                RW_FUZZ_ASSERT(rw_pointer_get(view, e.kept[i]) != NULL, "%s is missing: %s",
                               e.kept[i], doc_text.s);
        for (size_t i = 0; i < e.n_removed; i++)
                RW_FUZZ_ASSERT(rw_pointer_get(view, e.removed[i]) == NULL, "%s was kept: %s",
                               e.removed[i], doc_text.s);
done:
        expect_clear(&e);
        free(doc_text.s);
        return 0;
}
