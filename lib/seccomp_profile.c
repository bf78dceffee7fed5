/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_profile.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"

/* A profile is a few KB; a file far larger than that is not one. */
#define PROFILE_MAX_SIZE (1024u * 1024u)

/* The kernel's limit on seccomp filter arguments (syscall arguments are numbered 0-5). */
#define ARG_COUNT 6

/* Above this many rules runc asks libseccomp for a binary tree; do the same so the program
 * checked here is the one runc loads. */
#define RUNC_OPTIMIZE_THRESHOLD 32

/* The OCI names are libseccomp's own macro names, so one table serves both directions. */
#define NAMED(x) #x, x

struct named_arch {
        const char *name;
        uint32_t token;
};

static const struct named_arch arches[] = {
    {NAMED(SCMP_ARCH_X86)},      {NAMED(SCMP_ARCH_X86_64)},      {NAMED(SCMP_ARCH_X32)},
    {NAMED(SCMP_ARCH_ARM)},      {NAMED(SCMP_ARCH_AARCH64)},     {NAMED(SCMP_ARCH_MIPS)},
    {NAMED(SCMP_ARCH_MIPS64)},   {NAMED(SCMP_ARCH_MIPS64N32)},   {NAMED(SCMP_ARCH_MIPSEL)},
    {NAMED(SCMP_ARCH_MIPSEL64)}, {NAMED(SCMP_ARCH_MIPSEL64N32)}, {NAMED(SCMP_ARCH_PPC)},
    {NAMED(SCMP_ARCH_PPC64)},    {NAMED(SCMP_ARCH_PPC64LE)},     {NAMED(SCMP_ARCH_S390)},
    {NAMED(SCMP_ARCH_S390X)},    {NAMED(SCMP_ARCH_PARISC)},      {NAMED(SCMP_ARCH_PARISC64)},
    {NAMED(SCMP_ARCH_RISCV64)},
};

struct named_op {
        const char *name;
        enum scmp_compare op;
};

static const struct named_op ops[] = {
    {NAMED(SCMP_CMP_NE)}, {NAMED(SCMP_CMP_LT)}, {NAMED(SCMP_CMP_LE)},        {NAMED(SCMP_CMP_EQ)},
    {NAMED(SCMP_CMP_GE)}, {NAMED(SCMP_CMP_GT)}, {NAMED(SCMP_CMP_MASKED_EQ)},
};

struct named_action {
        const char *name;
        uint32_t action; /* with errno 0 for the two that carry one */
        bool takes_errno;
};

/* As runc maps them: SCMP_ACT_KILL kills the thread, ERRNO and TRACE default to EPERM. */
static const struct named_action actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
};

/* Members runwarden understands. listenerPath/listenerMetadata only serve SCMP_ACT_NOTIFY, which
 * is refused, and an unknown member is more likely a typo ("arg" for "args") that would silently
 * widen a rule than a feature. */
static const char *const profile_members[] = {
    "defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls", NULL,
};
static const char *const syscall_members[] = {"names", "action", "errnoRet", "args", NULL};
static const char *const arg_members[] = {"index", "value", "valueTwo", "op", NULL};

static int check_members(const json_t *object, const char *const *allowed, const char *where,
                         struct rw_error *err)
{
        const char *key;
        json_t *value;

        json_object_foreach((json_t *)object, key, value)
        {
                bool known = false;

                for (const char *const *a = allowed; *a != NULL; a++)
                        if (strcmp(*a, key) == 0)
                                known = true;
                if (!known)
                        return rw_error_set(err, EINVAL, "%sunsupported member \"%s\"", where, key);
        }
        return 0;
}

/* An unsigned 64-bit integer: a jansson integer, or (above INT64_MAX) a verbatim number. */
static bool get_u64(const json_t *value, uint64_t *ret)
{
        const char *text;
        char *end;

        if (json_is_integer(value)) {
                if (json_integer_value(value) < 0)
                        return false;
                *ret = (uint64_t)json_integer_value(value);
                return true;
        }
        text = rw_json_verbatim_number_text(value);
        if (text == NULL || text[0] < '0' || text[0] > '9')
                return false;
        errno = 0;
        *ret = strtoull(text, &end, 10);
        return errno == 0 && *end == '\0';
}

/* The action without the 16 bits of data that ERRNO and TRACE carry. */
static uint32_t action_base(uint32_t action)
{
        return action & 0xffff0000u;
}

static const char *action_name(uint32_t action)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(actions); i++)
                if (actions[i].action == action_base(action))
                        return actions[i].name;
        return "an unknown action";
}

/*
 * The action named by obj[action_key], with the errno of obj[errno_key] for the actions that
 * carry one. `where` prefixes messages ("" or "syscalls[3] (mount): ").
 */
static int parse_action(const json_t *obj, const char *action_key, const char *errno_key,
                        const char *where, uint32_t *ret, struct rw_error *err)
{
        const struct named_action *found = NULL;
        const json_t *errno_json = json_object_get(obj, errno_key);
        const char *name = json_string_value(json_object_get(obj, action_key));
        uint64_t errno_value = EPERM;

        if (name == NULL)
                return rw_error_set(err, EINVAL, "%s%s is missing or not a string", where,
                                    action_key);
        if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
                return rw_error_set(err, EINVAL,
                                    "%s%s: SCMP_ACT_NOTIFY is not supported (it hands system calls "
                                    "to a user space agent)",
                                    where, action_key);
        for (size_t i = 0; i < RW_ELEMENTSOF(actions); i++)
                if (strcmp(actions[i].name, name) == 0)
                        found = &actions[i];
        if (found == NULL)
                return rw_error_set(err, EINVAL, "%s%s: unknown action \"%s\"", where, action_key,
                                    name);

        if (errno_json != NULL) {
                /* runc ignores the errno of other actions; a profile that sets one expects
                 * something that will not happen. */
                if (!found->takes_errno)
                        return rw_error_set(err, EINVAL,
                                            "%s%s is only meaningful with SCMP_ACT_ERRNO and "
                                            "SCMP_ACT_TRACE, not %s",
                                            where, errno_key, name);
                /* The kernel caps the value at MAX_ERRNO; anything above is a mistake. */
                if (!get_u64(errno_json, &errno_value) || errno_value > 4095)
                        return rw_error_set(err, EINVAL, "%s%s must be an integer from 0 to 4095",
                                            where, errno_key);
        }
        *ret = found->takes_errno ? (found->action | (uint32_t)errno_value) : found->action;
        return 0;
}

static void describe_action(uint32_t action, char *buf, size_t size)
{
        if (action_base(action) == SCMP_ACT_ERRNO(0) || action_base(action) == SCMP_ACT_TRACE(0))
                snprintf(buf, size, "%s with errno %u", action_name(action),
                         (unsigned)(action & 0xffffu));
        else
                snprintf(buf, size, "%s", action_name(action));
}

/* Adds the listed architectures and records every architecture of the filter in ret_tokens. */
static int add_architectures(scmp_filter_ctx ctx, const json_t *list, uint32_t *ret_tokens,
                             size_t *n_tokens, struct rw_error *err)
{
        const json_t *item;
        size_t i;

        if (list == NULL)
                return 0;
        if (!json_is_array(list))
                return rw_error_set(err, EINVAL, "architectures must be an array of strings");
        json_array_foreach((json_t *)list, i, item)
        {
                const char *name = json_string_value(item);
                const struct named_arch *found = NULL;
                int r;

                if (name == NULL)
                        return rw_error_set(err, EINVAL, "architectures[%zu] is not a string", i);
                for (size_t a = 0; a < RW_ELEMENTSOF(arches); a++)
                        if (strcmp(arches[a].name, name) == 0)
                                found = &arches[a];
                if (found == NULL)
                        return rw_error_set(err, EINVAL,
                                            "architectures[%zu]: unknown architecture \"%s\"", i,
                                            name);
                /* The native architecture is already in the filter, and runc tolerates repeats. */
                r = seccomp_arch_add(ctx, found->token);
                if (r == -EEXIST)
                        continue;
                if (r < 0)
                        return rw_error_set(err, -r,
                                            "architectures[%zu]: libseccomp refused %s: %s", i,
                                            name, strerror(-r));
                ret_tokens[(*n_tokens)++] = found->token;
        }
        return 0;
}

/* The flags runc knows, applied as runc applies them. */
static int set_flags(scmp_filter_ctx ctx, const json_t *list, struct rw_error *err)
{
        const json_t *item;
        size_t i;

        if (list == NULL)
                return 0;
        if (!json_is_array(list))
                return rw_error_set(err, EINVAL, "flags must be an array of strings");
        json_array_foreach((json_t *)list, i, item)
        {
                const char *name = json_string_value(item);
                enum scmp_filter_attr attr;
                int r;

                if (name == NULL)
                        return rw_error_set(err, EINVAL, "flags[%zu] is not a string", i);
                /* Filters are loaded before the container's threads exist: nothing to sync. */
                if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
                        continue;
                if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
                        attr = SCMP_FLTATR_CTL_LOG;
                else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        attr = SCMP_FLTATR_CTL_SSB;
                else
                        return rw_error_set(err, EINVAL, "flags[%zu]: unknown flag \"%s\"", i,
                                            name);
                r = seccomp_attr_set(ctx, attr, 1);
                if (r < 0)
                        return rw_error_set(err, -r, "flags[%zu]: %s is not supported here: %s", i,
                                            name, strerror(-r));
        }
        return 0;
}

static int parse_args(const json_t *list, const char *where, struct scmp_arg_cmp *ret_cmps,
                      unsigned *ret_n, struct rw_error *err)
{
        bool seen[ARG_COUNT] = {false};
        const json_t *item;
        size_t i;
        int r;

        *ret_n = 0;
        if (list == NULL)
                return 0;
        if (!json_is_array(list))
                return rw_error_set(err, EINVAL, "%sargs must be an array", where);
        json_array_foreach((json_t *)list, i, item)
        {
                const json_t *value_two_json = json_object_get(item, "valueTwo");
                const char *op_name = json_string_value(json_object_get(item, "op"));
                const struct named_op *op = NULL;
                uint64_t index, value, value_two = 0;
                char at[224];

                snprintf(at, sizeof(at), "%sargs[%zu]: ", where, i);
                if (!json_is_object(item))
                        return rw_error_set(err, EINVAL, "%snot an object", at);
                r = check_members(item, arg_members, at, err);
                if (r < 0)
                        return r;
                if (!json_is_integer(json_object_get(item, "index")) ||
                    !get_u64(json_object_get(item, "index"), &index) || index >= ARG_COUNT)
                        return rw_error_set(err, EINVAL, "%sindex must be an integer from 0 to %d",
                                            at, ARG_COUNT - 1);
                if (!get_u64(json_object_get(item, "value"), &value))
                        return rw_error_set(err, EINVAL,
                                            "%svalue must be an unsigned 64-bit integer", at);
                if (value_two_json != NULL && !get_u64(value_two_json, &value_two))
                        return rw_error_set(err, EINVAL,
                                            "%svalueTwo must be an unsigned 64-bit integer", at);
                if (op_name == NULL)
                        return rw_error_set(err, EINVAL, "%sop is missing or not a string", at);
                for (size_t o = 0; o < RW_ELEMENTSOF(ops); o++)
                        if (strcmp(ops[o].name, op_name) == 0)
                                op = &ops[o];
                if (op == NULL)
                        return rw_error_set(err, EINVAL, "%sunknown operator \"%s\"", at, op_name);
                /*
                 * OCI says the conditions of a rule are ANDed, but runc turns a rule with two
                 * conditions on the same argument into one rule per condition, ORed: "arg0 != 38
                 * and arg0 != 40" would allow everything. Such a rule means two different things.
                 */
                if (seen[index])
                        return rw_error_set(err, EINVAL,
                                            "%sa second condition on argument %" PRIu64
                                            ": runc would OR the conditions of this rule, not "
                                            "AND them (write one rule per allowed range)",
                                            at, index);
                seen[index] = true;
                if (op->op == SCMP_CMP_MASKED_EQ) {
                        if ((value_two & ~value) != 0)
                                return rw_error_set(err, EINVAL,
                                                    "%svalueTwo has bits outside the mask in "
                                                    "value, the condition can never match",
                                                    at);
                } else if (value_two != 0) {
                        /* Only the masked comparison reads the second value. */
                        return rw_error_set(err, EINVAL,
                                            "%svalueTwo is only used by SCMP_CMP_MASKED_EQ, not %s",
                                            at, op->name);
                }
                /* For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum: runc's order,
                 * and libseccomp's. */
                ret_cmps[(*ret_n)++] = (struct scmp_arg_cmp){
                    .arg = (unsigned)index,
                    .op = op->op,
                    .datum_a = value,
                    .datum_b = value_two,
                };
        }
        return 0;
}

static int add_name(scmp_filter_ctx ctx, const json_t *name_json, size_t index, const char *where,
                    uint32_t action, const struct scmp_arg_cmp *cmps, unsigned n_cmps,
                    const uint32_t *tokens, size_t n_tokens, struct rw_error *err)
{
        const char *name = json_string_value(name_json);
        bool known = false;
        int nr, r;

        if (name == NULL || name[0] == '\0')
                return rw_error_set(err, EINVAL, "%snames[%zu] is not a system call name", where,
                                    index);
        /*
         * Negative numbers are libseccomp's placeholders for calls an architecture lacks. The
         * rewrite maps calls that 32-bit x86 multiplexes (recv, semop, ...) to socketcall / ipc,
         * where libseccomp places their rules.
         */
        for (size_t t = 0; t < n_tokens; t++)
                if (seccomp_syscall_resolve_name_rewrite(tokens[t], name) >= 0)
                        known = true;
        if (!known)
                return rw_error_set(err, EINVAL,
                                    "%sunknown system call \"%s\" (on every architecture of the "
                                    "profile)",
                                    where, name);
        /*
         * The native number, or the placeholder for a call the native architecture lacks: given
         * either, libseccomp adds the rule to each architecture that has the call, as runc's
         * rules are added.
         */
        nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
                return rw_error_set(err, EINVAL, "%slibseccomp cannot resolve \"%s\"", where, name);
        r = seccomp_rule_add_array(ctx, action, nr, n_cmps, cmps);
        if (r < 0)
                return rw_error_set(err, -r, "%slibseccomp refused the rule for \"%s\": %s", where,
                                    name, strerror(-r));
        return 0;
}

static int add_syscalls_entry(scmp_filter_ctx ctx, const json_t *entry, size_t index,
                              uint32_t default_action, const uint32_t *tokens, size_t n_tokens,
                              struct rw_error *err)
{
        struct scmp_arg_cmp cmps[ARG_COUNT];
        const json_t *names, *name;
        char where[160], action_text[64];
        unsigned n_cmps;
        uint32_t action;
        size_t i;
        int r;

        if (!json_is_object(entry))
                return rw_error_set(err, EINVAL, "syscalls[%zu] is not an object", index);
        names = json_object_get(entry, "names");
        if (json_is_array(names) && json_is_string(json_array_get(names, 0)))
                snprintf(where, sizeof(where), "syscalls[%zu] (%s%s): ", index,
                         json_string_value(json_array_get(names, 0)),
                         json_array_size(names) > 1 ? ", ..." : "");
        else
                snprintf(where, sizeof(where), "syscalls[%zu]: ", index);

        r = check_members(entry, syscall_members, where, err);
        if (r < 0)
                return r;
        if (!json_is_array(names) || json_array_size(names) == 0)
                return rw_error_set(err, EINVAL, "%snames must be a non-empty array of strings",
                                    where);
        r = parse_action(entry, "action", "errnoRet", where, &action, err);
        if (r < 0)
                return r;
        /* runc skips such a rule silently; it cannot be what the profile meant. */
        if (action == default_action) {
                describe_action(action, action_text, sizeof(action_text));
                return rw_error_set(err, EINVAL,
                                    "%sthe action (%s) is the default action, the rule does "
                                    "nothing",
                                    where, action_text);
        }
        r = parse_args(json_object_get(entry, "args"), where, cmps, &n_cmps, err);
        if (r < 0)
                return r;
        json_array_foreach((json_t *)names, i, name)
        {
                r = add_name(ctx, name, i, where, action, cmps, n_cmps, tokens, n_tokens, err);
                if (r < 0)
                        return r;
        }
        return (int)json_array_size(names);
}

int rw_seccomp_build(const json_t *profile, scmp_filter_ctx *ret, struct rw_error *err)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        uint32_t tokens[RW_ELEMENTSOF(arches) + 1];
        size_t n_tokens = 0, n_rules = 0, i;
        const json_t *syscalls, *entry;
        uint32_t default_action;
        int r;

        if (!json_is_object(profile))
                return rw_error_set(err, EINVAL, "a seccomp profile must be a JSON object");
        r = check_members(profile, profile_members, "", err);
        if (r < 0)
                return r;
        r = parse_action(profile, "defaultAction", "defaultErrnoRet", "", &default_action, err);
        if (r < 0)
                return r;
        syscalls = json_object_get(profile, "syscalls");
        if (syscalls != NULL && !json_is_array(syscalls))
                return rw_error_set(err, EINVAL, "syscalls must be an array");

        ctx = seccomp_init(default_action);
        if (ctx == NULL)
                return rw_error_set(err, EINVAL,
                                    "defaultAction: libseccomp refused %s (not supported by this "
                                    "kernel?)",
                                    action_name(default_action));
        tokens[n_tokens++] = seccomp_arch_native();
        r = add_architectures(ctx, json_object_get(profile, "architectures"), tokens, &n_tokens,
                              err);
        if (r < 0)
                return r;
        r = set_flags(ctx, json_object_get(profile, "flags"), err);
        if (r < 0)
                return r;
        /* The runtime sets no_new_privs itself, when the spec asks for it. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return rw_error_set(err, -r, "clearing the no_new_privs attribute: %s",
                                    strerror(-r));

        json_array_foreach((json_t *)syscalls, i, entry)
        {
                r = add_syscalls_entry(ctx, entry, i, default_action, tokens, n_tokens, err);
                if (r < 0)
                        return r;
                n_rules += (size_t)r;
        }
        /* An older libseccomp without the attribute builds a linear filter, as runc then does. */
        if (n_rules > RUNC_OPTIMIZE_THRESHOLD)
                (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        *ret = TAKE_PTR(ctx);
        return 0;
}

int rw_seccomp_check(const json_t *profile, struct rw_error *err)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        size_t n_insns;
        int r;

        r = rw_seccomp_build(profile, &ctx, err);
        if (r < 0)
                return r;
        /* libseccomp 2.5.4 exports to a descriptor only; a memfd keeps the program in memory. */
        fd = memfd_create("runwarden-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "memfd_create");
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return rw_error_set(err, -r, "compiling the filter to BPF failed: %s",
                                    strerror(-r));
        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "fstat of the compiled filter");
        if (st.st_size <= 0 || (size_t)st.st_size % sizeof(struct sock_filter) != 0)
                return rw_error_set(err, EINVAL,
                                    "the filter compiled to a malformed BPF program (%jd bytes)",
                                    (intmax_t)st.st_size);
        /* The kernel refuses longer programs with EINVAL, when the container starts. */
        n_insns = (size_t)st.st_size / sizeof(struct sock_filter);
        if (n_insns > BPF_MAXINSNS)
                return rw_error_set(err, E2BIG,
                                    "the filter compiles to %zu BPF instructions, the kernel "
                                    "accepts at most %d",
                                    n_insns, BPF_MAXINSNS);
        return 0;
}

static bool profile_name_valid(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_free_ char *file = NULL;
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int dirfd = -1;
        size_t len;
        int r;

        /* The name becomes a file name: nothing that could leave the directory. */
        if (!profile_name_valid(name))
                return rw_error_set(err, EINVAL,
                                    "invalid seccomp profile name \"%.64s\" (1 to 64 of a-z, 0-9 "
                                    "and -)",
                                    name);
        if (asprintf(&file, "%s.json", name) < 0) {
                file = NULL;
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        r = rw_dir_open(dir, &dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, file);
        r = rw_file_read_at(dirfd, file, PROFILE_MAX_SIZE, &data, &len, NULL, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, file);
        r = rw_json_parse(data, len, &profile, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, file);
        r = rw_seccomp_check(profile, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, file);
        *ret = TAKE_PTR(profile);
        return 0;
}

int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err)
{
        /* PLACEHOLDER until the Docker-format conversion and the cache land */
        (void)capabilities;
        (void)cache_dir;
        return rw_seccomp_load_profile(dir, name, ret, err);
}
