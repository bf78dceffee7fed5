/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The vocabulary of seccomp profiles, shared by the checker (seccomp_profile.c), the Docker-format
 * converter (seccomp_docker.c) and the comparison (seccomp_compare.c): architectures, actions and
 * argument conditions as OCI and Docker spell them and as libseccomp numbers them.
 */

#include <jansson.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The kernel passes six arguments to a filter, numbered 0 to 5. */
#define RW_SECCOMP_ARG_COUNT 6

struct rw_seccomp_arch {
        const char *name;   /* "SCMP_ARCH_X86_64": OCI "architectures", Docker "archMap" */
        const char *goarch; /* "amd64": Docker's includes/excludes "arches" */
        uint32_t token;     /* SCMP_ARCH_X86_64 */
        bool wide;          /* libseccomp compares 64-bit arguments; else only the low 32 bits */
};

/* Every architecture libseccomp 2.5 knows, in a fixed order (index 0 .. count - 1). */
size_t rw_seccomp_arch_count(void);
const struct rw_seccomp_arch *rw_seccomp_arch_at(size_t index);

/* NULL when unknown. by_goarch also accepts Go's "386", "mipsle" and "mips64le" spellings. */
const struct rw_seccomp_arch *rw_seccomp_arch_by_name(const char *name);
const struct rw_seccomp_arch *rw_seccomp_arch_by_token(uint32_t token);
const struct rw_seccomp_arch *rw_seccomp_arch_by_goarch(const char *goarch);

/* The architecture libseccomp was built for, which every filter contains. */
const struct rw_seccomp_arch *rw_seccomp_arch_native(void);

/* True when libseccomp knows `name` as a system call of some architecture (a typo is not). */
bool rw_seccomp_name_known(const char *name);

/*
 * True when `name` is a system call of `arch`, directly or only through a multiplexer (32-bit
 * x86 reaches socket() and semop() through socketcall() and ipc() as well).
 */
bool rw_seccomp_name_on_arch(uint32_t arch, const char *name);

/* SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_TRACE (a tracer may let the call run) and
 * SCMP_ACT_NOTIFY (an agent decides) let a call through, as does an action this table does not
 * know; the others stop it. */
bool rw_seccomp_action_lets_through(uint32_t action);

/* How much an action stops: letting through 0, ERRNO 1, TRAP 2, KILL_THREAD 3, KILL_PROCESS 4. */
int rw_seccomp_action_rank(uint32_t action);

/* "SCMP_ACT_ERRNO", or "an unknown action". */
const char *rw_seccomp_action_name(uint32_t action);

/* "SCMP_ACT_ERRNO with errno 38" */
void rw_seccomp_action_describe(uint32_t action, char *buf, size_t size);

/* What a profile may ask of parsing: a profile runwarden applies is checked strictly; a filter
 * the engine sent is read the way runc reads it, to model what runc would load. */
enum rw_seccomp_strictness {
        RW_SECCOMP_STRICT,
        RW_SECCOMP_AS_RUNC,
};

/*
 * The action named by obj[action_key], with the errno of obj[errno_key] for ERRNO and TRACE
 * (EPERM when absent, as runc does). Strictly, SCMP_ACT_NOTIFY and an errno on another action
 * are errors. `where` prefixes messages ("" or "syscalls[3] (mount): ").
 */
int rw_seccomp_parse_action(const json_t *obj, const char *action_key, const char *errno_key,
                            const char *where, enum rw_seccomp_strictness strictness, uint32_t *ret,
                            struct rw_error *err);

/*
 * One element of "args". Strictly, unknown members and a valueTwo that the operator does not read
 * or that has bits outside the mask are errors. For SCMP_CMP_MASKED_EQ, datum_a is the mask
 * ("value") and datum_b the datum ("valueTwo"), as runc and libseccomp order them.
 */
int rw_seccomp_parse_condition(const json_t *item, const char *where,
                               enum rw_seccomp_strictness strictness, struct scmp_arg_cmp *ret,
                               struct rw_error *err);

/* Every member of `object` is in the NULL-terminated `allowed`; else an error naming it. */
int rw_seccomp_check_members(const json_t *object, const char *const *allowed, const char *where,
                             struct rw_error *err);

/* "syscalls[3] (mount, ...): " for messages about entry `index`. */
void rw_seccomp_entry_where(const json_t *entry, size_t index, char *buf, size_t size);

/*
 * The "args" of one rule (`list`; NULL or JSON null: none) into at most RW_SECCOMP_ARG_COUNT
 * conditions in `ret_cmps`. Two conditions on one argument are an error: OCI means AND, but runc
 * ORs them, so such a rule means two different things. `where` prefixes messages.
 */
int rw_seccomp_parse_args(const json_t *list, const char *where, struct scmp_arg_cmp *ret_cmps,
                          unsigned *ret_n, struct rw_error *err);
