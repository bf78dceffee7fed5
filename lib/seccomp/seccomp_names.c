/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_names.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

/* The OCI names are libseccomp's own macro names. */
#define NAMED(x) #x, x

struct arch_entry {
        struct rw_seccomp_arch arch;
        const char *goarch_alias;
};

/*
 * The Go names are those Docker matches includes/excludes "arches" against (its nativeToSeccomp
 * table); the aliases are Go's GOARCH where it differs, and the misspelling Docker's table has
 * for little-endian MIPS n32. Whether arguments are 64 bits wide is libseccomp's per-architecture
 * size: X32 and the MIPS n32 ABIs compare 32 bits although the registers are 64 bits wide.
 */
static const struct arch_entry arch_table[] = {
    {{"SCMP_ARCH_X86", "x86", SCMP_ARCH_X86, false}, "386"},
    {{"SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64, true}, NULL},
    {{"SCMP_ARCH_X32", "x32", SCMP_ARCH_X32, false}, NULL},
    {{"SCMP_ARCH_ARM", "arm", SCMP_ARCH_ARM, false}, NULL},
    {{"SCMP_ARCH_AARCH64", "arm64", SCMP_ARCH_AARCH64, true}, NULL},
    {{"SCMP_ARCH_MIPS", "mips", SCMP_ARCH_MIPS, false}, NULL},
    {{"SCMP_ARCH_MIPS64", "mips64", SCMP_ARCH_MIPS64, true}, NULL},
    {{"SCMP_ARCH_MIPS64N32", "mips64n32", SCMP_ARCH_MIPS64N32, false}, NULL},
    {{"SCMP_ARCH_MIPSEL", "mipsle", SCMP_ARCH_MIPSEL, false}, "mipsel"},
    {{"SCMP_ARCH_MIPSEL64", "mipsel64", SCMP_ARCH_MIPSEL64, true}, "mips64le"},
    {{"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", SCMP_ARCH_MIPSEL64N32, false}, "mips3l64n32"},
    {{"SCMP_ARCH_PPC", "ppc", SCMP_ARCH_PPC, false}, NULL},
    {{"SCMP_ARCH_PPC64", "ppc64", SCMP_ARCH_PPC64, true}, NULL},
    {{"SCMP_ARCH_PPC64LE", "ppc64le", SCMP_ARCH_PPC64LE, true}, NULL},
    {{"SCMP_ARCH_S390", "s390", SCMP_ARCH_S390, false}, NULL},
    {{"SCMP_ARCH_S390X", "s390x", SCMP_ARCH_S390X, true}, NULL},
    {{"SCMP_ARCH_PARISC", "parisc", SCMP_ARCH_PARISC, false}, NULL},
    {{"SCMP_ARCH_PARISC64", "parisc64", SCMP_ARCH_PARISC64, true}, NULL},
    {{"SCMP_ARCH_RISCV64", "riscv64", SCMP_ARCH_RISCV64, true}, NULL},
};

size_t rw_seccomp_arch_count(void)
{
        return RW_ELEMENTSOF(arch_table);
}

const struct rw_seccomp_arch *rw_seccomp_arch_at(size_t index)
{
        return index < RW_ELEMENTSOF(arch_table) ? &arch_table[index].arch : NULL;
}

const struct rw_seccomp_arch *rw_seccomp_arch_by_name(const char *name)
{
        for (size_t i = 0; name != NULL && i < RW_ELEMENTSOF(arch_table); i++)
                if (strcmp(arch_table[i].arch.name, name) == 0)
                        return &arch_table[i].arch;
        return NULL;
}

const struct rw_seccomp_arch *rw_seccomp_arch_by_token(uint32_t token)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(arch_table); i++)
                if (arch_table[i].arch.token == token)
                        return &arch_table[i].arch;
        return NULL;
}

const struct rw_seccomp_arch *rw_seccomp_arch_by_goarch(const char *goarch)
{
        for (size_t i = 0; goarch != NULL && i < RW_ELEMENTSOF(arch_table); i++)
                if (strcmp(arch_table[i].arch.goarch, goarch) == 0 ||
                    (arch_table[i].goarch_alias != NULL &&
                     strcmp(arch_table[i].goarch_alias, goarch) == 0))
                        return &arch_table[i].arch;
        return NULL;
}

const struct rw_seccomp_arch *rw_seccomp_arch_native(void)
{
        return rw_seccomp_arch_by_token(seccomp_arch_native());
}

bool rw_seccomp_name_on_arch(uint32_t arch, const char *name)
{
        /* Negative numbers are libseccomp's placeholders for calls an architecture lacks; the
         * rewrite maps multiplexed calls to socketcall / ipc. */
        return seccomp_syscall_resolve_name_arch(arch, name) >= 0 ||
               seccomp_syscall_resolve_name_rewrite(arch, name) >= 0;
}

bool rw_seccomp_name_known(const char *name)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(arch_table); i++)
                if (rw_seccomp_name_on_arch(arch_table[i].arch.token, name))
                        return true;
        return false;
}

struct named_action {
        const char *name;
        uint32_t action; /* with errno 0 for the two that carry one */
        bool takes_errno;
        int rank;
};

/* As runc maps them: SCMP_ACT_KILL kills the thread, ERRNO and TRACE default to EPERM. */
static const struct named_action actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false, 3},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false, 3},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false, 4},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false, 2},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true, 1},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true, 0},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false, 0},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false, 0},
    /* Only read from a filter the engine sent: a user space agent decides. */
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false, 0},
};

/* The action without the 16 bits of data that ERRNO and TRACE carry. */
static uint32_t action_base(uint32_t action)
{
        return action & 0xffff0000u;
}

static const struct named_action *action_entry(uint32_t action)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(actions); i++)
                if (actions[i].action == action_base(action))
                        return &actions[i];
        return NULL;
}

bool rw_seccomp_action_lets_through(uint32_t action)
{
        const struct named_action *a = action_entry(action);

        return a == NULL || a->rank == 0;
}

int rw_seccomp_action_rank(uint32_t action)
{
        const struct named_action *a = action_entry(action);

        return a != NULL ? a->rank : 0;
}

const char *rw_seccomp_action_name(uint32_t action)
{
        const struct named_action *a = action_entry(action);

        return a != NULL ? a->name : "an unknown action";
}

void rw_seccomp_action_describe(uint32_t action, char *buf, size_t size)
{
        const struct named_action *a = action_entry(action);

        if (a != NULL && a->takes_errno)
                snprintf(buf, size, "%s with errno %u", a->name, (unsigned)(action & 0xffffu));
        else
                snprintf(buf, size, "%s", rw_seccomp_action_name(action));
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

int rw_seccomp_check_members(const json_t *object, const char *const *allowed, const char *where,
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

void rw_seccomp_entry_where(const json_t *entry, size_t index, char *buf, size_t size)
{
        const json_t *names = json_object_get(entry, "names");
        const char *first = json_string_value(json_array_get(names, 0));

        if (first == NULL)
                first = json_string_value(json_object_get(entry, "name"));
        if (first != NULL)
                snprintf(buf, size, "syscalls[%zu] (%.64s%s): ", index, first,
                         json_array_size(names) > 1 ? ", ..." : "");
        else
                snprintf(buf, size, "syscalls[%zu]: ", index);
}

int rw_seccomp_parse_action(const json_t *obj, const char *action_key, const char *errno_key,
                            const char *where, enum rw_seccomp_strictness strictness, uint32_t *ret,
                            struct rw_error *err)
{
        const struct named_action *found = NULL;
        const json_t *errno_json = json_object_get(obj, errno_key);
        const char *name = json_string_value(json_object_get(obj, action_key));
        bool strict = strictness == RW_SECCOMP_STRICT;
        uint64_t errno_value = EPERM;

        if (name == NULL)
                return rw_error_set(err, EINVAL, "%s%s is missing or not a string", where,
                                    action_key);
        if (strict && strcmp(name, "SCMP_ACT_NOTIFY") == 0)
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

        if (errno_json != NULL && !json_is_null(errno_json)) {
                /* runc ignores the errno of other actions; a profile that sets one expects
                 * something that will not happen. */
                if (!found->takes_errno) {
                        if (strict)
                                return rw_error_set(err, EINVAL,
                                                    "%s%s is only meaningful with SCMP_ACT_ERRNO "
                                                    "and SCMP_ACT_TRACE, not %s",
                                                    where, errno_key, name);
                } else if (!get_u64(errno_json, &errno_value) || errno_value > 4095) {
                        /* The kernel caps the value at MAX_ERRNO; anything above is a mistake. */
                        return rw_error_set(err, EINVAL, "%s%s must be an integer from 0 to 4095",
                                            where, errno_key);
                }
        }
        *ret = found->takes_errno ? (found->action | (uint32_t)errno_value) : found->action;
        return 0;
}

struct named_op {
        const char *name;
        enum scmp_compare op;
};

static const struct named_op ops[] = {
    {NAMED(SCMP_CMP_NE)}, {NAMED(SCMP_CMP_LT)}, {NAMED(SCMP_CMP_LE)},        {NAMED(SCMP_CMP_EQ)},
    {NAMED(SCMP_CMP_GE)}, {NAMED(SCMP_CMP_GT)}, {NAMED(SCMP_CMP_MASKED_EQ)},
};

static const char *const arg_members[] = {"index", "value", "valueTwo", "op", NULL};

int rw_seccomp_parse_condition(const json_t *item, const char *where,
                               enum rw_seccomp_strictness strictness, struct scmp_arg_cmp *ret,
                               struct rw_error *err)
{
        const json_t *value_two_json = json_object_get(item, "valueTwo");
        const char *op_name = json_string_value(json_object_get(item, "op"));
        bool strict = strictness == RW_SECCOMP_STRICT;
        const struct named_op *op = NULL;
        uint64_t index, value, value_two = 0;
        int r;

        if (!json_is_object(item))
                return rw_error_set(err, EINVAL, "%snot an object", where);
        if (strict) {
                r = rw_seccomp_check_members(item, arg_members, where, err);
                if (r < 0)
                        return r;
        }
        if (!json_is_integer(json_object_get(item, "index")) ||
            !get_u64(json_object_get(item, "index"), &index) || index >= RW_SECCOMP_ARG_COUNT)
                return rw_error_set(err, EINVAL, "%sindex must be an integer from 0 to %d", where,
                                    RW_SECCOMP_ARG_COUNT - 1);
        if (!get_u64(json_object_get(item, "value"), &value))
                return rw_error_set(err, EINVAL, "%svalue must be an unsigned 64-bit integer",
                                    where);
        if (value_two_json != NULL && !get_u64(value_two_json, &value_two))
                return rw_error_set(err, EINVAL, "%svalueTwo must be an unsigned 64-bit integer",
                                    where);
        if (op_name == NULL)
                return rw_error_set(err, EINVAL, "%sop is missing or not a string", where);
        for (size_t o = 0; o < RW_ELEMENTSOF(ops); o++)
                if (strcmp(ops[o].name, op_name) == 0)
                        op = &ops[o];
        if (op == NULL)
                return rw_error_set(err, EINVAL, "%sunknown operator \"%s\"", where, op_name);
        if (strict && op->op == SCMP_CMP_MASKED_EQ && (value_two & ~value) != 0)
                return rw_error_set(err, EINVAL,
                                    "%svalueTwo has bits outside the mask in value, the condition "
                                    "can never match",
                                    where);
        if (strict && op->op != SCMP_CMP_MASKED_EQ && value_two != 0)
                return rw_error_set(err, EINVAL,
                                    "%svalueTwo is only used by SCMP_CMP_MASKED_EQ, not %s", where,
                                    op->name);
        *ret = (struct scmp_arg_cmp){
            .arg = (unsigned)index,
            .op = op->op,
            .datum_a = value,
            .datum_b = op->op == SCMP_CMP_MASKED_EQ ? value_two : 0,
        };
        return 0;
}

int rw_seccomp_parse_args(const json_t *list, const char *where, struct scmp_arg_cmp *ret_cmps,
                          unsigned *ret_n, struct rw_error *err)
{
        bool seen[RW_SECCOMP_ARG_COUNT] = {false};
        const json_t *item;
        size_t i;
        int r;

        *ret_n = 0;
        if (list == NULL || json_is_null(list))
                return 0;
        if (!json_is_array(list))
                return rw_error_set(err, EINVAL, "%sargs must be an array", where);
        json_array_foreach((json_t *)list, i, item)
        {
                struct scmp_arg_cmp cmp;
                char at[224];

                snprintf(at, sizeof(at), "%sargs[%zu]: ", where, i);
                r = rw_seccomp_parse_condition(item, at, RW_SECCOMP_STRICT, &cmp, err);
                if (r < 0)
                        return r;
                /*
                 * OCI says the conditions of a rule are ANDed, but runc turns a rule with two
                 * conditions on the same argument into one rule per condition, ORed: "arg0 != 38
                 * and arg0 != 40" would allow everything. Such a rule means two different things.
                 */
                if (seen[cmp.arg])
                        return rw_error_set(err, EINVAL,
                                            "%sa second condition on argument %u: runc would OR "
                                            "the conditions of this rule, not AND them (write "
                                            "one rule per allowed range)",
                                            at, cmp.arg);
                seen[cmp.arg] = true;
                ret_cmps[(*ret_n)++] = cmp;
        }
        return 0;
}
