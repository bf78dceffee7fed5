/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_docker.h"

#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cleanup.h"

static const char *const docker_members[] = {
    "defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls", "flags", NULL,
};
static const char *const arch_map_members[] = {"architecture", "subArchitectures", NULL};
static const char *const entry_members[] = {
    "names", "name", "comment", "action", "errnoRet", "args", "includes", "excludes", NULL,
};
static const char *const filter_members[] = {"arches", "caps", "minKernel", NULL};

int rw_seccomp_target_host(const char *const *capabilities, struct rw_seccomp_target *ret,
                           struct rw_error *err)
{
        struct utsname u;

        memset(ret, 0, sizeof(*ret));
        ret->arch = rw_seccomp_arch_native();
        if (ret->arch == NULL)
                return rw_error_set(err, ENOTSUP, "libseccomp's native architecture is unknown");
        if (uname(&u) < 0)
                return rw_error_set_errno(err, errno, "uname");
        if (sscanf(u.release, "%u.%u", &ret->kernel_major, &ret->kernel_minor) != 2)
                return rw_error_set(err, EINVAL, "cannot read the kernel version from \"%s\"",
                                    u.release);
        ret->capabilities = capabilities;
        return 0;
}

bool rw_seccomp_is_docker_format(const json_t *profile)
{
        const json_t *entry;
        size_t i;

        if (json_object_get(profile, "archMap") != NULL)
                return true;
        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                if (json_object_get(entry, "includes") != NULL ||
                    json_object_get(entry, "excludes") != NULL ||
                    json_object_get(entry, "comment") != NULL ||
                    json_object_get(entry, "name") != NULL)
                        return true;
        }
        return false;
}

/* An array of strings, or absent / null (Go reads null as an empty list). */
static int string_list(const json_t *list, const char *what, struct rw_error *err)
{
        const json_t *item;
        size_t i;

        if (list == NULL || json_is_null(list))
                return 0;
        if (!json_is_array(list))
                return rw_error_set(err, EINVAL, "%s must be an array of strings", what);
        json_array_foreach((json_t *)list, i, item)
        {
                if (!json_is_string(item))
                        return rw_error_set(err, EINVAL, "%s[%zu] is not a string", what, i);
        }
        return 0;
}

static bool in_list(const json_t *list, const char *s)
{
        const json_t *item;
        size_t i;

        json_array_foreach((json_t *)list, i, item)
        {
                if (strcmp(json_string_value(item), s) == 0)
                        return true;
        }
        return false;
}

static bool capability_known(const char *name)
{
        return strncmp(name, "CAP_", 4) == 0 && capng_name_to_capability(name + 4) >= 0;
}

static bool parse_kernel(const char *text, unsigned *ret_major, unsigned *ret_minor)
{
        int end = 0;

        /* Docker takes MAJOR.MINOR, nothing more. */
        return text != NULL && text[0] >= '0' && text[0] <= '9' &&
               sscanf(text, "%u.%u%n", ret_major, ret_minor, &end) == 2 && text[end] == '\0';
}

/* An includes / excludes object. */
static int check_filter(const json_t *filter, const char *where, const char *what,
                        struct rw_error *err)
{
        char at[224];
        const json_t *item;
        unsigned major, minor;
        size_t i;
        int r;

        if (filter == NULL || json_is_null(filter))
                return 0;
        snprintf(at, sizeof(at), "%s%s: ", where, what);
        if (!json_is_object(filter))
                return rw_error_set(err, EINVAL, "%snot an object", at);
        r = rw_seccomp_check_members(filter, filter_members, at, err);
        if (r < 0)
                return r;
        snprintf(at, sizeof(at), "%s%s.arches", where, what);
        r = string_list(json_object_get(filter, "arches"), at, err);
        if (r < 0)
                return r;
        json_array_foreach(json_object_get(filter, "arches"), i, item)
        {
                if (rw_seccomp_arch_by_goarch(json_string_value(item)) == NULL)
                        return rw_error_set(err, EINVAL, "%s[%zu]: unknown architecture \"%s\"", at,
                                            i, json_string_value(item));
        }
        snprintf(at, sizeof(at), "%s%s.caps", where, what);
        r = string_list(json_object_get(filter, "caps"), at, err);
        if (r < 0)
                return r;
        json_array_foreach(json_object_get(filter, "caps"), i, item)
        {
                if (!capability_known(json_string_value(item)))
                        return rw_error_set(err, EINVAL, "%s[%zu]: unknown capability \"%s\"", at,
                                            i, json_string_value(item));
        }
        item = json_object_get(filter, "minKernel");
        if (item != NULL && !json_is_null(item) &&
            !parse_kernel(json_string_value(item), &major, &minor))
                return rw_error_set(err, EINVAL,
                                    "%s%s.minKernel must be a string \"MAJOR.MINOR\" such as "
                                    "\"4.8\"",
                                    where, what);
        return 0;
}

/* The names of an entry: "names", or Docker's older single "name". */
static int entry_names(const json_t *entry, const char *where, json_t **ret, struct rw_error *err)
{
        const json_t *names = json_object_get(entry, "names");
        const json_t *name = json_object_get(entry, "name");
        const json_t *item;
        size_t i;

        if (name != NULL && names != NULL)
                return rw_error_set(err, EINVAL, "%suse either \"name\" or \"names\", not both",
                                    where);
        if (name != NULL) {
                if (!json_is_string(name) || json_string_length(name) == 0)
                        return rw_error_set(err, EINVAL, "%sname is not a system call name", where);
                *ret = json_pack("[O]", name);
                return *ret != NULL ? 0 : rw_error_set(err, ENOMEM, "out of memory");
        }
        if (!json_is_array(names) || json_array_size(names) == 0)
                return rw_error_set(err, EINVAL, "%snames must be a non-empty array of strings",
                                    where);
        json_array_foreach((json_t *)names, i, item)
        {
                if (!json_is_string(item) || json_string_length(item) == 0)
                        return rw_error_set(err, EINVAL, "%snames[%zu] is not a system call name",
                                            where, i);
                /* A typo would silently allow or deny nothing. */
                if (!rw_seccomp_name_known(json_string_value(item)))
                        return rw_error_set(err, EINVAL,
                                            "%sunknown system call \"%s\" (on every architecture "
                                            "libseccomp knows)",
                                            where, json_string_value(item));
        }
        *ret = json_incref((json_t *)names);
        return 0;
}

/* What every entry must be, whether or not it applies to this host. */
static int check_entry(const json_t *entry, size_t index, uint32_t default_action,
                       json_t **ret_names, char *where, size_t where_size, struct rw_error *err)
{
        struct scmp_arg_cmp cmps[RW_SECCOMP_ARG_COUNT];
        unsigned n_cmps;
        char text[64];
        uint32_t action;
        int r;

        if (!json_is_object(entry))
                return rw_error_set(err, EINVAL, "syscalls[%zu] is not an object", index);
        rw_seccomp_entry_where(entry, index, where, where_size);
        r = rw_seccomp_check_members(entry, entry_members, where, err);
        if (r < 0)
                return r;
        if (json_object_get(entry, "comment") != NULL &&
            !json_is_string(json_object_get(entry, "comment")))
                return rw_error_set(err, EINVAL, "%scomment is not a string", where);
        r = rw_seccomp_parse_action(entry, "action", "errnoRet", where, RW_SECCOMP_STRICT, &action,
                                    err);
        if (r < 0)
                return r;
        /* runc skips such a rule silently; it cannot be what the profile meant. */
        if (action == default_action) {
                rw_seccomp_action_describe(action, text, sizeof(text));
                return rw_error_set(err, EINVAL,
                                    "%sthe action (%s) is the default action, the rule does "
                                    "nothing",
                                    where, text);
        }
        r = rw_seccomp_parse_args(json_object_get(entry, "args"), where, cmps, &n_cmps, err);
        if (r < 0)
                return r;
        r = check_filter(json_object_get(entry, "includes"), where, "includes", err);
        if (r < 0)
                return r;
        r = check_filter(json_object_get(entry, "excludes"), where, "excludes", err);
        if (r < 0)
                return r;
        return entry_names(entry, where, ret_names, err);
}

static bool kernel_at_least(const struct rw_seccomp_target *t, const json_t *min)
{
        unsigned major = 0, minor = 0;

        parse_kernel(json_string_value(min), &major, &minor);
        return t->kernel_major > major || (t->kernel_major == major && t->kernel_minor >= minor);
}

static bool has_capability(const struct rw_seccomp_target *t, const char *cap)
{
        for (const char *const *c = t->capabilities; c != NULL && *c != NULL; c++)
                if (strcmp(*c, cap) == 0)
                        return true;
        return false;
}

static bool arch_listed(const json_t *arches, const struct rw_seccomp_arch *arch)
{
        const json_t *item;
        size_t i;

        json_array_foreach((json_t *)arches, i, item)
        {
                if (rw_seccomp_arch_by_goarch(json_string_value(item)) == arch)
                        return true;
        }
        return false;
}

/* As Docker decides: excluded when any exclude holds, included when every include holds. */
static bool entry_applies(const json_t *entry, const struct rw_seccomp_target *t)
{
        const json_t *excludes = json_object_get(entry, "excludes");
        const json_t *includes = json_object_get(entry, "includes");
        const json_t *item;
        size_t i;

        if (arch_listed(json_object_get(excludes, "arches"), t->arch))
                return false;
        json_array_foreach(json_object_get(excludes, "caps"), i, item)
        {
                if (has_capability(t, json_string_value(item)))
                        return false;
        }
        item = json_object_get(excludes, "minKernel");
        if (json_is_string(item) && kernel_at_least(t, item))
                return false;

        if (json_array_size(json_object_get(includes, "arches")) > 0 &&
            !arch_listed(json_object_get(includes, "arches"), t->arch))
                return false;
        json_array_foreach(json_object_get(includes, "caps"), i, item)
        {
                if (!has_capability(t, json_string_value(item)))
                        return false;
        }
        item = json_object_get(includes, "minKernel");
        if (json_is_string(item) && !kernel_at_least(t, item))
                return false;
        return true;
}

static int check_arch_name(const json_t *item, const char *what, const struct rw_seccomp_arch **ret,
                           struct rw_error *err)
{
        *ret = rw_seccomp_arch_by_name(json_string_value(item));
        if (*ret == NULL)
                return rw_error_set(err, EINVAL, "%s: unknown architecture%s%s%s", what,
                                    json_is_string(item) ? " \"" : "",
                                    json_is_string(item) ? json_string_value(item) : "",
                                    json_is_string(item) ? "\"" : "");
        return 0;
}

static int check_arch_map(const json_t *map, struct rw_error *err)
{
        const json_t *entry, *sub;
        size_t i, k;
        int r;

        if (map == NULL || json_is_null(map))
                return 0;
        if (!json_is_array(map))
                return rw_error_set(err, EINVAL, "archMap must be an array");
        json_array_foreach((json_t *)map, i, entry)
        {
                const struct rw_seccomp_arch *arch;
                const json_t *subs = json_object_get(entry, "subArchitectures");
                char at[96];

                snprintf(at, sizeof(at), "archMap[%zu]", i);
                if (!json_is_object(entry))
                        return rw_error_set(err, EINVAL, "%s is not an object", at);
                snprintf(at, sizeof(at), "archMap[%zu]: ", i);
                r = rw_seccomp_check_members(entry, arch_map_members, at, err);
                if (r < 0)
                        return r;
                snprintf(at, sizeof(at), "archMap[%zu].architecture", i);
                r = check_arch_name(json_object_get(entry, "architecture"), at, &arch, err);
                if (r < 0)
                        return r;
                snprintf(at, sizeof(at), "archMap[%zu].subArchitectures", i);
                r = string_list(subs, at, err);
                if (r < 0)
                        return r;
                json_array_foreach((json_t *)subs, k, sub)
                {
                        snprintf(at, sizeof(at), "archMap[%zu].subArchitectures[%zu]", i, k);
                        r = check_arch_name(sub, at, &arch, err);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The filter's architectures on a host whose native architecture is `native`, as names. */
static int filter_arches(const json_t *profile, const struct rw_seccomp_arch *native, json_t **ret,
                         struct rw_error *err)
{
        _cleanup_json_ json_t *list = json_array();
        const json_t *legacy = json_object_get(profile, "architectures");
        const json_t *entry, *item;
        size_t i, k;

        if (list == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (legacy != NULL && !json_is_null(legacy)) {
                json_array_foreach((json_t *)legacy, i, item)
                {
                        if (json_array_append(list, (json_t *)item) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                }
                *ret = TAKE_PTR(list);
                return 0;
        }
        json_array_foreach(json_object_get(profile, "archMap"), i, entry)
        {
                const json_t *arch = json_object_get(entry, "architecture");

                if (rw_seccomp_arch_by_name(json_string_value(arch)) != native)
                        continue;
                if (!in_list(list, json_string_value(arch)) &&
                    json_array_append(list, (json_t *)arch) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                json_array_foreach(json_object_get(entry, "subArchitectures"), k, item)
                {
                        if (!in_list(list, json_string_value(item)) &&
                            json_array_append(list, (json_t *)item) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                }
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static bool on_some_arch(const char *name, const struct rw_seccomp_arch *native,
                         const json_t *arches)
{
        const json_t *item;
        size_t i;

        if (rw_seccomp_name_on_arch(native->token, name))
                return true;
        json_array_foreach((json_t *)arches, i, item)
        {
                const struct rw_seccomp_arch *arch =
                    rw_seccomp_arch_by_name(json_string_value(item));

                if (arch != NULL && rw_seccomp_name_on_arch(arch->token, name))
                        return true;
        }
        return false;
}

static int check_top(const json_t *profile, uint32_t *ret_default, struct rw_error *err)
{
        const json_t *syscalls = json_object_get(profile, "syscalls");
        int r;

        if (!json_is_object(profile))
                return rw_error_set(err, EINVAL, "a seccomp profile must be a JSON object");
        r = rw_seccomp_check_members(profile, docker_members, "", err);
        if (r < 0)
                return r;
        if (json_object_get(profile, "architectures") != NULL &&
            json_object_get(profile, "archMap") != NULL)
                return rw_error_set(err, EINVAL,
                                    "use either \"architectures\" or \"archMap\", not both");
        r = string_list(json_object_get(profile, "architectures"), "architectures", err);
        if (r < 0)
                return r;
        r = check_arch_map(json_object_get(profile, "archMap"), err);
        if (r < 0)
                return r;
        if (syscalls != NULL && !json_is_null(syscalls) && !json_is_array(syscalls))
                return rw_error_set(err, EINVAL, "syscalls must be an array");
        return rw_seccomp_parse_action(profile, "defaultAction", "defaultErrnoRet", "",
                                       RW_SECCOMP_STRICT, ret_default, err);
}

/* Copy `key` of `from` into `to` when present. */
static int copy_member(json_t *to, const json_t *from, const char *key)
{
        json_t *value = json_object_get(from, key);

        if (value == NULL || json_is_null(value))
                return 0;
        return json_object_set_new(to, key, json_deep_copy(value));
}

static int convert_entry(const json_t *entry, const json_t *names,
                         const struct rw_seccomp_target *t, const json_t *arches, json_t *out,
                         struct rw_error *err)
{
        _cleanup_json_ json_t *rule = json_object();
        _cleanup_json_ json_t *kept = json_array();
        const json_t *name;
        size_t i;

        if (rule == NULL || kept == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        json_array_foreach((json_t *)names, i, name)
        {
                /* Names of other architectures (arch_prctl on arm64) have nothing to filter here.
                 */
                if (on_some_arch(json_string_value(name), t->arch, arches) &&
                    json_array_append(kept, (json_t *)name) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        if (json_array_size(kept) == 0)
                return 0;
        if (json_object_set(rule, "names", kept) < 0 || copy_member(rule, entry, "action") < 0 ||
            copy_member(rule, entry, "errnoRet") < 0 || copy_member(rule, entry, "args") < 0 ||
            json_array_append(out, rule) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int rw_seccomp_convert(const json_t *profile, const struct rw_seccomp_target *target, json_t **ret,
                       struct rw_error *err)
{
        _cleanup_json_ json_t *out = NULL;
        _cleanup_json_ json_t *arches = NULL;
        _cleanup_json_ json_t *syscalls = json_array();
        const json_t *entry;
        uint32_t default_action;
        size_t i;
        int r;

        if (!rw_seccomp_is_docker_format(profile)) {
                *ret = json_incref((json_t *)profile);
                return 0;
        }
        r = check_top(profile, &default_action, err);
        if (r < 0)
                return r;
        r = filter_arches(profile, target->arch, &arches, err);
        if (r < 0)
                return r;
        out = json_object();
        if (out == NULL || syscalls == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                _cleanup_json_ json_t *names = NULL;
                char where[160];

                r = check_entry(entry, i, default_action, &names, where, sizeof(where), err);
                if (r < 0)
                        return r;
                if (!entry_applies(entry, target))
                        continue;
                r = convert_entry(entry, names, target, arches, syscalls, err);
                if (r < 0)
                        return r;
        }
        if (copy_member(out, profile, "defaultAction") < 0 ||
            copy_member(out, profile, "defaultErrnoRet") < 0 ||
            (json_array_size(arches) > 0 && json_object_set(out, "architectures", arches) < 0) ||
            copy_member(out, profile, "flags") < 0 ||
            json_object_set(out, "syscalls", syscalls) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(out);
        return 0;
}

/* Whether any host with native architecture `native` would use the entry, ignoring the
 * capability and kernel conditions (some container, some kernel may meet them). */
static bool entry_arch_applies(const json_t *entry, const struct rw_seccomp_arch *native)
{
        const json_t *includes = json_object_get(json_object_get(entry, "includes"), "arches");

        if (arch_listed(json_object_get(json_object_get(entry, "excludes"), "arches"), native))
                return false;
        return json_array_size(includes) == 0 || arch_listed(includes, native);
}

int rw_seccomp_lint_docker(const json_t *profile, struct rw_error *err)
{
        const json_t *entry;
        uint32_t default_action;
        size_t i;
        int r;

        r = check_top(profile, &default_action, err);
        if (r < 0)
                return r;
        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                _cleanup_json_ json_t *names = NULL;
                const json_t *name;
                char where[160];
                bool applies = false;
                size_t k;

                r = check_entry(entry, i, default_action, &names, where, sizeof(where), err);
                if (r < 0)
                        return r;
                json_array_foreach(names, k, name)
                {
                        bool found = false;

                        for (size_t a = 0; a < rw_seccomp_arch_count() && !found; a++) {
                                const struct rw_seccomp_arch *native = rw_seccomp_arch_at(a);
                                _cleanup_json_ json_t *arches = NULL;

                                if (!entry_arch_applies(entry, native))
                                        continue;
                                applies = true;
                                r = filter_arches(profile, native, &arches, err);
                                if (r < 0)
                                        return r;
                                found = on_some_arch(json_string_value(name), native, arches);
                        }
                        if (!applies)
                                return rw_error_set(err, EINVAL,
                                                    "%sits includes/excludes arches leave no "
                                                    "architecture it applies to",
                                                    where);
                        if (!found)
                                return rw_error_set(err, EINVAL,
                                                    "%s\"%s\" is not a system call of any "
                                                    "architecture this entry applies to",
                                                    where, json_string_value(name));
                }
        }
        return 0;
}

int rw_seccomp_docker_capabilities(const json_t *profile, const char ***ret, struct rw_error *err)
{
        static const char *const sides[] = {"includes", "excludes"};
        _cleanup_free_ const char **caps = NULL;
        const json_t *entry, *item;
        size_t n = 0, cap = 0, i, k;

        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                for (size_t s = 0; s < RW_ELEMENTSOF(sides); s++) {
                        json_array_foreach(
                            json_object_get(json_object_get(entry, sides[s]), "caps"), k, item)
                        {
                                const char *name = json_string_value(item);
                                bool seen = false;

                                for (size_t c = 0; c < n; c++)
                                        seen = seen || strcmp(caps[c], name) == 0;
                                if (name == NULL || seen)
                                        continue;
                                if (n + 2 > cap) {
                                        const char **grown;

                                        cap = cap ? cap * 2 : 16;
                                        grown = realloc(caps, cap * sizeof(*grown));
                                        if (grown == NULL)
                                                return rw_error_set(err, ENOMEM, "out of memory");
                                        caps = grown;
                                }
                                caps[n++] = name;
                        }
                }
        }
        if (caps == NULL) {
                caps = calloc(1, sizeof(*caps));
                if (caps == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        caps[n] = NULL;
        *ret = TAKE_PTR(caps);
        return 0;
}
