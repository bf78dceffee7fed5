/* SPDX-License-Identifier: Apache-2.0 */
#include "spec.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

/*
 * The schema: the runtime-spec Go structs runc decodes (specs-go/config.go of the runtime-spec
 * runc 1.1 is built with), one table per struct. Only the kinds that occur there are modelled.
 */
enum kind {
        K_STRING,
        K_BOOL,
        K_INT,            /* signed, `bits` wide */
        K_UINT,           /* unsigned, `bits` wide */
        K_STRUCT,         /* `fields` */
        K_SLICE,          /* of `elem` */
        K_MAP,            /* string keys, `elem` values */
        K_OTHER_PLATFORM, /* decoded by runc, used on no Linux path: removed from the view */
};

struct field;

struct type {
        enum kind kind;
        unsigned bits;
        const struct field *fields;
        size_t n_fields;
        const struct type *elem;
};

struct field {
        const char *name;
        const struct type *type;
};

#define STRUCT(fields)                                                                             \
        {                                                                                          \
                K_STRUCT, 0, (fields), RW_ELEMENTSOF(fields), NULL                                 \
        }

static const struct type t_string = {K_STRING, 0, NULL, 0, NULL};
static const struct type t_bool = {K_BOOL, 0, NULL, 0, NULL};
static const struct type t_int = {K_INT, 64, NULL, 0, NULL}; /* Go int on 64-bit Linux */
static const struct type t_int64 = {K_INT, 64, NULL, 0, NULL};
static const struct type t_uint = {K_UINT, 64, NULL, 0, NULL};
static const struct type t_uint16 = {K_UINT, 16, NULL, 0, NULL};
static const struct type t_uint32 = {K_UINT, 32, NULL, 0, NULL};
static const struct type t_uint64 = {K_UINT, 64, NULL, 0, NULL};
static const struct type t_other = {K_OTHER_PLATFORM, 0, NULL, 0, NULL};
static const struct type t_strings = {K_SLICE, 0, NULL, 0, &t_string};
static const struct type t_uint32s = {K_SLICE, 0, NULL, 0, &t_uint32};
static const struct type t_string_map = {K_MAP, 0, NULL, 0, &t_string};

static const struct field f_box[] = {{"height", &t_uint}, {"width", &t_uint}};
static const struct type t_box = STRUCT(f_box);

static const struct field f_user[] = {
    {"uid", &t_uint32},      {"gid", &t_uint32},
    {"umask", &t_uint32},    {"additionalGids", &t_uint32s},
    {"username", &t_string},
};
static const struct type t_user = STRUCT(f_user);

static const struct field f_capabilities[] = {
    {"bounding", &t_strings},  {"effective", &t_strings}, {"inheritable", &t_strings},
    {"permitted", &t_strings}, {"ambient", &t_strings},
};
static const struct type t_capabilities = STRUCT(f_capabilities);

static const struct field f_rlimit[] = {
    {"type", &t_string}, {"hard", &t_uint64}, {"soft", &t_uint64}};
static const struct type t_rlimit = STRUCT(f_rlimit);
static const struct type t_rlimits = {K_SLICE, 0, NULL, 0, &t_rlimit};

static const struct field f_process[] = {
    {"terminal", &t_bool},        {"consoleSize", &t_box},           {"user", &t_user},
    {"args", &t_strings},         {"commandLine", &t_string},        {"env", &t_strings},
    {"cwd", &t_string},           {"capabilities", &t_capabilities}, {"rlimits", &t_rlimits},
    {"noNewPrivileges", &t_bool}, {"apparmorProfile", &t_string},    {"oomScoreAdj", &t_int},
    {"selinuxLabel", &t_string},
};
static const struct type t_process = STRUCT(f_process);

static const struct field f_root[] = {{"path", &t_string}, {"readonly", &t_bool}};
static const struct type t_root = STRUCT(f_root);

static const struct field f_idmap[] = {
    {"containerID", &t_uint32},
    {"hostID", &t_uint32},
    {"size", &t_uint32},
};
static const struct type t_idmap = STRUCT(f_idmap);
static const struct type t_idmaps = {K_SLICE, 0, NULL, 0, &t_idmap};

static const struct field f_mount[] = {
    {"destination", &t_string}, {"type", &t_string},        {"source", &t_string},
    {"options", &t_strings},    {"uidMappings", &t_idmaps}, {"gidMappings", &t_idmaps},
};
static const struct type t_mount = STRUCT(f_mount);
static const struct type t_mounts = {K_SLICE, 0, NULL, 0, &t_mount};

static const struct field f_hook[] = {
    {"path", &t_string},
    {"args", &t_strings},
    {"env", &t_strings},
    {"timeout", &t_int},
};
static const struct type t_hook = STRUCT(f_hook);
static const struct type t_hook_list = {K_SLICE, 0, NULL, 0, &t_hook};

static const struct field f_hooks[] = {
    {"prestart", &t_hook_list},        {"createRuntime", &t_hook_list},
    {"createContainer", &t_hook_list}, {"startContainer", &t_hook_list},
    {"poststart", &t_hook_list},       {"poststop", &t_hook_list},
};
static const struct type t_hooks = STRUCT(f_hooks);

static const struct field f_device_cgroup[] = {
    {"allow", &t_bool},  {"type", &t_string},   {"major", &t_int64},
    {"minor", &t_int64}, {"access", &t_string},
};
static const struct type t_device_cgroup = STRUCT(f_device_cgroup);
static const struct type t_device_cgroups = {K_SLICE, 0, NULL, 0, &t_device_cgroup};

static const struct field f_memory[] = {
    {"limit", &t_int64},           {"reservation", &t_int64}, {"swap", &t_int64},
    {"kernel", &t_int64},          {"kernelTCP", &t_int64},   {"swappiness", &t_uint64},
    {"disableOOMKiller", &t_bool}, {"useHierarchy", &t_bool}, {"checkBeforeUpdate", &t_bool},
};
static const struct type t_memory = STRUCT(f_memory);

static const struct field f_cpu[] = {
    {"shares", &t_uint64}, {"quota", &t_int64},           {"burst", &t_uint64},
    {"period", &t_uint64}, {"realtimeRuntime", &t_int64}, {"realtimePeriod", &t_uint64},
    {"cpus", &t_string},   {"mems", &t_string},           {"idle", &t_int64},
};
static const struct type t_cpu = STRUCT(f_cpu);

static const struct field f_pids[] = {{"limit", &t_int64}};
static const struct type t_pids = STRUCT(f_pids);

/* LinuxWeightDevice and LinuxThrottleDevice embed LinuxBlockIODevice: Go promotes its fields. */
static const struct field f_weight_device[] = {
    {"major", &t_int64},
    {"minor", &t_int64},
    {"weight", &t_uint16},
    {"leafWeight", &t_uint16},
};
static const struct type t_weight_device = STRUCT(f_weight_device);
static const struct type t_weight_devices = {K_SLICE, 0, NULL, 0, &t_weight_device};

static const struct field f_throttle_device[] = {
    {"major", &t_int64},
    {"minor", &t_int64},
    {"rate", &t_uint64},
};
static const struct type t_throttle_device = STRUCT(f_throttle_device);
static const struct type t_throttle_devices = {K_SLICE, 0, NULL, 0, &t_throttle_device};

static const struct field f_blockio[] = {
    {"weight", &t_uint16},
    {"leafWeight", &t_uint16},
    {"weightDevice", &t_weight_devices},
    {"throttleReadBpsDevice", &t_throttle_devices},
    {"throttleWriteBpsDevice", &t_throttle_devices},
    {"throttleReadIOPSDevice", &t_throttle_devices},
    {"throttleWriteIOPSDevice", &t_throttle_devices},
};
static const struct type t_blockio = STRUCT(f_blockio);

static const struct field f_hugepage[] = {{"pageSize", &t_string}, {"limit", &t_uint64}};
static const struct type t_hugepage = STRUCT(f_hugepage);
static const struct type t_hugepages = {K_SLICE, 0, NULL, 0, &t_hugepage};

static const struct field f_priority[] = {{"name", &t_string}, {"priority", &t_uint32}};
static const struct type t_priority = STRUCT(f_priority);
static const struct type t_priorities = {K_SLICE, 0, NULL, 0, &t_priority};

static const struct field f_network[] = {{"classID", &t_uint32}, {"priorities", &t_priorities}};
static const struct type t_network = STRUCT(f_network);

static const struct field f_rdma[] = {{"hcaHandles", &t_uint32}, {"hcaObjects", &t_uint32}};
static const struct type t_rdma = STRUCT(f_rdma);
static const struct type t_rdma_map = {K_MAP, 0, NULL, 0, &t_rdma};

static const struct field f_resources[] = {
    {"devices", &t_device_cgroups},
    {"memory", &t_memory},
    {"cpu", &t_cpu},
    {"pids", &t_pids},
    {"blockIO", &t_blockio},
    {"hugepageLimits", &t_hugepages},
    {"network", &t_network},
    {"rdma", &t_rdma_map},
    {"unified", &t_string_map},
};
static const struct type t_resources = STRUCT(f_resources);

static const struct field f_namespace[] = {{"type", &t_string}, {"path", &t_string}};
static const struct type t_namespace = STRUCT(f_namespace);
static const struct type t_namespaces = {K_SLICE, 0, NULL, 0, &t_namespace};

static const struct field f_device[] = {
    {"path", &t_string},     {"type", &t_string}, {"major", &t_int64}, {"minor", &t_int64},
    {"fileMode", &t_uint32}, {"uid", &t_uint32},  {"gid", &t_uint32},
};
static const struct type t_device = STRUCT(f_device);
static const struct type t_devices = {K_SLICE, 0, NULL, 0, &t_device};

static const struct field f_seccomp_arg[] = {
    {"index", &t_uint},
    {"value", &t_uint64},
    {"valueTwo", &t_uint64},
    {"op", &t_string},
};
static const struct type t_seccomp_arg = STRUCT(f_seccomp_arg);
static const struct type t_seccomp_args = {K_SLICE, 0, NULL, 0, &t_seccomp_arg};

static const struct field f_syscall[] = {
    {"names", &t_strings},
    {"action", &t_string},
    {"errnoRet", &t_uint},
    {"args", &t_seccomp_args},
};
static const struct type t_syscall = STRUCT(f_syscall);
static const struct type t_syscalls = {K_SLICE, 0, NULL, 0, &t_syscall};

static const struct field f_seccomp[] = {
    {"defaultAction", &t_string}, {"defaultErrnoRet", &t_uint}, {"architectures", &t_strings},
    {"flags", &t_strings},        {"listenerPath", &t_string},  {"listenerMetadata", &t_string},
    {"syscalls", &t_syscalls},
};
static const struct type t_seccomp = STRUCT(f_seccomp);

static const struct field f_intel_rdt[] = {
    {"closID", &t_string},  {"l3CacheSchema", &t_string}, {"memBwSchema", &t_string},
    {"enableCMT", &t_bool}, {"enableMBM", &t_bool},
};
static const struct type t_intel_rdt = STRUCT(f_intel_rdt);

static const struct field f_personality[] = {{"domain", &t_string}, {"flags", &t_strings}};
static const struct type t_personality = STRUCT(f_personality);

static const struct field f_linux[] = {
    {"uidMappings", &t_idmaps},  {"gidMappings", &t_idmaps},      {"sysctl", &t_string_map},
    {"resources", &t_resources}, {"cgroupsPath", &t_string},      {"namespaces", &t_namespaces},
    {"devices", &t_devices},     {"seccomp", &t_seccomp},         {"rootfsPropagation", &t_string},
    {"maskedPaths", &t_strings}, {"readonlyPaths", &t_strings},   {"mountLabel", &t_string},
    {"intelRdt", &t_intel_rdt},  {"personality", &t_personality},
};
static const struct type t_linux = STRUCT(f_linux);

static const struct field f_spec[] = {
    {"ociVersion", &t_string}, {"process", &t_process},        {"root", &t_root},
    {"hostname", &t_string},   {"domainname", &t_string},      {"mounts", &t_mounts},
    {"hooks", &t_hooks},       {"annotations", &t_string_map}, {"linux", &t_linux},
    {"solaris", &t_other},     {"windows", &t_other},          {"vm", &t_other},
    {"zos", &t_other},
};
static const struct type t_spec = STRUCT(f_spec);

/* Go 1.19 encoding/json field matching (fold.go): ASCII letters compare without case, and a
 * key's non-ASCII rune matches only as the simple fold of an ASCII letter (U+017F of s, U+212A
 * of k); every other byte must be equal. */
bool rw_spec_key_folds_to(const char *key, const char *field)
{
        const unsigned char *k = (const unsigned char *)key;
        const unsigned char *f = (const unsigned char *)field;

        while (*f != '\0') {
                unsigned char lf = (unsigned char)(*f | 0x20);
                bool letter = lf >= 'a' && lf <= 'z';

                if (*k == '\0')
                        return false;
                if (letter && (unsigned char)(*k | 0x20) == lf) {
                        k++;
                } else if (lf == 's' && k[0] == 0xc5 && k[1] == 0xbf) { /* U+017F */
                        k += 2;
                } else if (lf == 'k' && k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa) { /* U+212A */
                        k += 3;
                } else if (!letter && *k == *f) {
                        k++;
                } else {
                        return false;
                }
                f++;
        }
        return *k == '\0';
}

struct reader {
        struct rw_plan *plan;
        const char *name;
        bool denied;
};

/*
 * Where a value is: a chain up to the document itself, made into a JSON pointer only when a
 * denial or a removal names the value (most values need none).
 */
struct where {
        const struct where *up; /* NULL: the document itself */
        const char *key;        /* a member's key; NULL for an element at `index` */
        size_t index;
};

/* The JSON pointer of `w` ("" for the document), or NULL when out of memory. */
static char *where_pointer(const struct where *w)
{
        _cleanup_free_ char *up = NULL;

        if (w->up == NULL)
                return strdup("");
        up = where_pointer(w->up);
        if (up == NULL)
                return NULL;
        return w->key != NULL ? rw_pointer_join(up, w->key) : rw_pointer_join_index(up, w->index);
}

static const char *kind_name(const struct type *t)
{
        switch (t->kind) {
        case K_STRING:
                return "a string";
        case K_BOOL:
                return "a boolean";
        case K_INT:
        case K_UINT:
                return "an integer";
        case K_STRUCT:
        case K_MAP:
                return "an object";
        case K_SLICE:
                return "an array";
        default:
                return "a value";
        }
}

static const char *json_kind(const json_t *v)
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
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

static void deny(struct reader *rd, const struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void deny(struct reader *rd, const struct where *w, const char *fmt, ...)
{
        _cleanup_free_ char *why = NULL, *pointer = where_pointer(w);
        va_list ap;

        rd->denied = true;
        va_start(ap, fmt);
        if (vasprintf(&why, fmt, ap) < 0)
                why = NULL;
        va_end(ap);
        if (why == NULL || pointer == NULL) {
                rd->plan->oom = true;
                return;
        }
        rw_plan_deny(rd->plan, RW_RULE_SPEC, pointer[0] != '\0' ? pointer : "/", "%s %s: %s",
                     rd->name, pointer[0] != '\0' ? pointer : "/", why);
}

/* Go's strconv.ParseInt/ParseUint on a JSON number token, then the field's width. */
static bool integer_fits(const json_t *v, const struct type *t)
{
        const char *text;
        char *end;

        if (json_is_integer(v)) {
                json_int_t n = json_integer_value(v);

                if (t->kind == K_UINT)
                        return n >= 0 && (t->bits >= 64 || (uint64_t)n < (UINT64_C(1) << t->bits));
                return t->bits >= 64 ||
                       (n >= -(INT64_C(1) << (t->bits - 1)) && n < (INT64_C(1) << (t->bits - 1)));
        }
        text = rw_json_verbatim_number_text(v);
        if (text == NULL)
                return false;
        /* Verbatim: a real, "-0", or an integer beyond int64. Only the last two may be integers,
         * and only an unsigned 64-bit field takes a value above INT64_MAX. */
        if (strpbrk(text, ".eE") != NULL)
                return false;
        if (strcmp(text, "-0") == 0)
                return t->kind == K_INT;
        if (t->kind != K_UINT || t->bits < 64 || text[0] == '-')
                return false;
        errno = 0;
        (void)strtoull(text, &end, 10);
        return errno == 0 && *end == '\0';
}

static int read_value(struct reader *rd, const json_t *v, const struct type *t,
                      const struct where *w, json_t **ret);

/* The zero value runc sees for a null array element or map value. */
static json_t *zero_value(const struct type *t)
{
        switch (t->kind) {
        case K_STRING:
                return json_string("");
        case K_BOOL:
                return json_false();
        case K_INT:
        case K_UINT:
                return json_integer(0);
        case K_STRUCT:
                return json_object();
        default:
                return json_null();
        }
}

static const struct field *find_field(const struct type *t, const char *key, bool *ret_exact)
{
        for (size_t i = 0; i < t->n_fields; i++)
                if (strcmp(t->fields[i].name, key) == 0) {
                        *ret_exact = true;
                        return &t->fields[i];
                }
        *ret_exact = false;
        for (size_t i = 0; i < t->n_fields; i++)
                if (rw_spec_key_folds_to(key, t->fields[i].name))
                        return &t->fields[i];
        return NULL;
}

/*
 * The readers below return -ENOMEM when out of memory and 0 otherwise, with *ret the canonical
 * value, or NULL when runc would refuse the value (the denial is in the plan).
 */

static int read_struct(struct reader *rd, const json_t *v, const struct type *t,
                       const struct where *w, json_t **ret)
{
        _cleanup_json_ json_t *out = json_object();
        const char *key;
        json_t *member;

        if (out == NULL)
                return -ENOMEM;
        json_object_foreach((json_t *)v, key, member)
        {
                const struct where child = {.up = w, .key = key};
                _cleanup_json_ json_t *value = NULL;
                const struct field *f;
                bool exact;

                f = find_field(t, key, &exact);
                if (f != NULL && !exact) {
                        deny(rd, &child,
                             "runc reads the member \"%s\" as \"%s\" (Go matches keys without "
                             "regard to case); spell it exactly",
                             key, f->name);
                        continue;
                }
                if (json_is_null(member))
                        continue;
                if (f == NULL || f->type->kind == K_OTHER_PLATFORM) {
                        _cleanup_free_ char *pointer = where_pointer(&child);

                        /* kept in the view for the plan to remove */
                        if (pointer == NULL || json_object_set(out, key, member) < 0)
                                return -ENOMEM;
                        rw_plan_delete(rd->plan, RW_RULE_SPEC, pointer, member,
                                       f == NULL ? "runc does not read this member; no runtime "
                                                   "gets what runwarden did not judge"
                                                 : "a section for another platform, unused on "
                                                   "Linux");
                        continue;
                }
                if (read_value(rd, member, f->type, &child, &value) < 0)
                        return -ENOMEM;
                if (value != NULL && json_object_set(out, f->name, value) < 0)
                        return -ENOMEM;
        }
        *ret = rd->denied ? NULL : TAKE_PTR(out);
        return 0;
}

/* An element of a slice or a map: null is Go's zero value of its type. *ret NULL when the
 * element was refused (rd->denied). */
static int read_element(struct reader *rd, const json_t *element, const struct type *t,
                        const struct where *w, json_t **ret)
{
        if (json_is_null(element))
                *ret = zero_value(t);
        else if (read_value(rd, element, t, w, ret) < 0)
                return -ENOMEM;
        return *ret == NULL && !rd->denied ? -ENOMEM : 0;
}

static int read_slice(struct reader *rd, const json_t *v, const struct type *t,
                      const struct where *w, json_t **ret)
{
        _cleanup_json_ json_t *out = json_array();
        size_t i;
        json_t *element;

        if (out == NULL)
                return -ENOMEM;
        json_array_foreach((json_t *)v, i, element)
        {
                const struct where child = {.up = w, .index = i};
                _cleanup_json_ json_t *value = NULL;

                if (read_element(rd, element, t->elem, &child, &value) < 0)
                        return -ENOMEM;
                if (value != NULL && json_array_append(out, value) < 0)
                        return -ENOMEM;
        }
        *ret = rd->denied ? NULL : TAKE_PTR(out);
        return 0;
}

static int read_map(struct reader *rd, const json_t *v, const struct type *t, const struct where *w,
                    json_t **ret)
{
        _cleanup_json_ json_t *out = json_object();
        const char *key;
        json_t *member;

        if (out == NULL)
                return -ENOMEM;
        json_object_foreach((json_t *)v, key, member)
        {
                const struct where child = {.up = w, .key = key};
                _cleanup_json_ json_t *value = NULL;

                if (read_element(rd, member, t->elem, &child, &value) < 0)
                        return -ENOMEM;
                if (value != NULL && json_object_set(out, key, value) < 0)
                        return -ENOMEM;
        }
        *ret = rd->denied ? NULL : TAKE_PTR(out);
        return 0;
}

static int read_value(struct reader *rd, const json_t *v, const struct type *t,
                      const struct where *w, json_t **ret)
{
        bool verbatim = rw_json_is_verbatim_number(v);

        *ret = NULL;
        switch (t->kind) {
        case K_STRING:
                if (json_is_string(v) && !verbatim) {
                        *ret = json_incref((json_t *)v);
                        return 0;
                }
                break;
        case K_BOOL:
                if (json_is_boolean(v)) {
                        *ret = json_incref((json_t *)v);
                        return 0;
                }
                break;
        case K_INT:
        case K_UINT:
                if (!json_is_integer(v) && !verbatim)
                        break;
                if (integer_fits(v, t))
                        *ret = json_incref((json_t *)v);
                else
                        deny(rd, w, "the number is not a %s %u-bit integer as runc reads it",
                             t->kind == K_UINT ? "unsigned" : "signed", t->bits);
                return 0;
        case K_STRUCT:
                if (json_is_object(v))
                        return read_struct(rd, v, t, w, ret);
                break;
        case K_SLICE:
                if (json_is_array(v))
                        return read_slice(rd, v, t, w, ret);
                break;
        case K_MAP:
                if (json_is_object(v))
                        return read_map(rd, v, t, w, ret);
                break;
        case K_OTHER_PLATFORM:
                *ret = json_incref((json_t *)v);
                return 0;
        }
        deny(rd, w, "is %s where runc needs %s", json_kind(v), kind_name(t));
        return 0;
}

int rw_spec_read(const json_t *doc, enum rw_spec_kind kind, const char *name, json_t **ret,
                 struct rw_plan *plan, struct rw_error *err)
{
        static const struct type *const roots[] = {
            [RW_SPEC_CONFIG] = &t_spec,
            [RW_SPEC_PROCESS] = &t_process,
            [RW_SPEC_RESOURCES] = &t_resources,
        };
        struct reader rd = {.plan = plan, .name = name};
        const struct where top = {0};
        _cleanup_json_ json_t *view = NULL;

        *ret = NULL;
        if (!json_is_object(doc)) {
                deny(&rd, &top, "is %s, not a JSON object", json_kind(doc));
                return 0;
        }
        if (read_struct(&rd, doc, roots[kind], &top, &view) < 0 || plan->oom)
                return rw_error_set(err, ENOMEM, "reading %s", name);
        *ret = TAKE_PTR(view);
        return 0;
}

const char *rw_spec_env_get(const json_t *env, const char *name)
{
        size_t len = strlen(name), i;
        const char *found = NULL;
        json_t *e;

        json_array_foreach(env, i, e)
        {
                const char *s = json_string_value(e);

                if (s != NULL && !rw_json_is_verbatim_number(e) && strncmp(s, name, len) == 0 &&
                    s[len] == '=')
                        found = s + len + 1;
        }
        return found;
}

int64_t rw_spec_user_id(const json_t *spec, const char *key)
{
        const json_t *v =
            json_object_get(json_object_get(json_object_get(spec, "process"), "user"), key);

        if (v == NULL)
                return 0;
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) >= (json_int_t)UINT32_MAX)
                return -1;
        return json_integer_value(v);
}

const char *rw_spec_job_home(const json_t *spec, bool passwd_known, const char *passwd_home)
{
        const json_t *env = json_object_get(json_object_get(spec, "process"), "env");
        /* runc's init: os.Getenv("HOME") == "" counts as unset */
        const char *home = rw_spec_env_get(env, "HOME");

        if (home != NULL && home[0] != '\0')
                return home;
        if (passwd_known)
                return passwd_home != NULL ? passwd_home : "/";
        return rw_spec_user_id(spec, "uid") == 0 ? "/root" : NULL;
}

const char *rw_spec_string_member(const json_t *object, const char *key)
{
        const json_t *v = json_object_get(object, key);

        return json_is_string(v) && !rw_json_is_verbatim_number(v) ? json_string_value(v) : NULL;
}

static const char *type_name(json_type type)
{
        switch (type) {
        case JSON_OBJECT:
                return "a JSON object";
        case JSON_ARRAY:
                return "a JSON array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
                return "an integer";
        default:
                return "of the expected type";
        }
}

const json_t *rw_spec_member(const json_t *parent, const char *key, json_type type,
                             const char *path, struct rw_plan *plan, bool *ret_ok)
{
        const json_t *member = json_object_get(parent, key);

        *ret_ok = true;
        if (member == NULL)
                return NULL;
        if (json_typeof(member) == type && !rw_json_is_verbatim_number(member))
                return member;
        *ret_ok = false;
        rw_plan_deny(plan, RW_RULE_SPEC, path, "%s is not %s", path, type_name(type));
        return NULL;
}
