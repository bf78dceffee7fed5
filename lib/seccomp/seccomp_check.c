/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_check.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "seccomp_compare.h"
#include "seccomp_names.h"

/* Members runwarden understands. listenerPath/listenerMetadata only serve SCMP_ACT_NOTIFY, which
 * is refused, and an unknown member is more likely a typo ("arg" for "args") that would silently
 * widen a rule than a feature. */
static const char *const profile_members[] = {
    "defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls", NULL,
};
static const char *const syscall_members[] = {"names", "action", "errnoRet", "args", NULL};

/* Above this many rules runc asks libseccomp for a binary tree; do the same so the program
 * checked here is the one runc loads. */
#define RUNC_OPTIMIZE_THRESHOLD 32

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
                const struct rw_seccomp_arch *found = rw_seccomp_arch_by_name(name);
                int r;

                if (name == NULL)
                        return rw_error_set(err, EINVAL, "architectures[%zu] is not a string", i);
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
        for (size_t t = 0; t < n_tokens; t++)
                if (rw_seccomp_name_on_arch(tokens[t], name))
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
        struct scmp_arg_cmp cmps[RW_SECCOMP_ARG_COUNT];
        const json_t *names, *name;
        char where[160], action_text[64];
        unsigned n_cmps;
        uint32_t action;
        size_t i;
        int r;

        if (!json_is_object(entry))
                return rw_error_set(err, EINVAL, "syscalls[%zu] is not an object", index);
        names = json_object_get(entry, "names");
        rw_seccomp_entry_where(entry, index, where, sizeof(where));
        r = rw_seccomp_check_members(entry, syscall_members, where, err);
        if (r < 0)
                return r;
        if (!json_is_array(names) || json_array_size(names) == 0)
                return rw_error_set(err, EINVAL, "%snames must be a non-empty array of strings",
                                    where);
        r = rw_seccomp_parse_action(entry, "action", "errnoRet", where, RW_SECCOMP_STRICT, &action,
                                    err);
        if (r < 0)
                return r;
        /* runc skips such a rule silently; it cannot be what the profile meant. */
        if (action == default_action) {
                rw_seccomp_action_describe(action, action_text, sizeof(action_text));
                return rw_error_set(err, EINVAL,
                                    "%sthe action (%s) is the default action, the rule does "
                                    "nothing",
                                    where, action_text);
        }
        r = rw_seccomp_parse_args(json_object_get(entry, "args"), where, cmps, &n_cmps, err);
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
        _cleanup_seccomp_model_ struct rw_seccomp_model *model = NULL;
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        uint32_t tokens[32];
        size_t n_tokens = 0, n_rules = 0, i;
        const json_t *syscalls, *entry;
        uint32_t default_action;
        int r;

        if (!json_is_object(profile))
                return rw_error_set(err, EINVAL, "a seccomp profile must be a JSON object");
        /* The caller converts Docker's format first; here its members are typos. */
        r = rw_seccomp_check_members(profile, profile_members, "", err);
        if (r < 0)
                return r;
        r = rw_seccomp_parse_action(profile, "defaultAction", "defaultErrnoRet", "",
                                    RW_SECCOMP_STRICT, &default_action, err);
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
                                    rw_seccomp_action_name(default_action));
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
        /* libseccomp would keep one of two such rules without a word (or refuse the second
         * with EEXIST, depending on the order): name them instead. */
        r = rw_seccomp_model_new(profile, RW_SECCOMP_STRICT, &model, err);
        if (r < 0)
                return r;
        r = rw_seccomp_model_check_conflicts(model, err);
        if (r < 0)
                return r;
        /* An older libseccomp without the attribute builds a linear filter, as runc then does. */
        if (n_rules > RUNC_OPTIMIZE_THRESHOLD)
                (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        *ret = TAKE_PTR(ctx);
        return 0;
}

int rw_seccomp_compile(const json_t *profile, size_t *ret_instructions, struct rw_error *err)
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
        if (ret_instructions != NULL)
                *ret_instructions = n_insns;
        return 0;
}

int rw_seccomp_check(const json_t *profile, struct rw_error *err)
{
        return rw_seccomp_compile(profile, NULL, err);
}
