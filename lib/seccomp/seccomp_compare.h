/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What a seccomp filter lets through, compared between filters: whether the engine's filter is
 * at least as strict as the tier's profile (seccomp mode "inject"), `runwardenctl seccomp diff`
 * and `stats`, and the checker's refusal of rules that libseccomp would silently drop.
 *
 * A filter is modelled the way runc loads it into libseccomp (docs/seccomp.md): per architecture
 * of the filter (the native one plus "architectures"), per system call number, the rules with
 * their action and the set of argument values they match — a conjunction of one condition per
 * argument, or for a rule with two conditions on one argument (which runc splits), one such set
 * per condition. The comparisons are exact for each pair of rules; where a set would have to be
 * covered by the union of several rules, they answer "not shown", never a wrong "yes".
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "seccomp_names.h"

struct rw_seccomp_model;

/*
 * Model an OCI LinuxSeccomp object. RW_SECCOMP_STRICT reads a profile runwarden applies (already
 * structurally valid: rw_seccomp_build() accepted it); RW_SECCOMP_AS_RUNC reads what an engine
 * sent as runc would, skipping what runc skips (rules with the default action, names libseccomp
 * cannot resolve) and failing where runc would fail.
 */
int rw_seccomp_model_new(const json_t *profile, enum rw_seccomp_strictness strictness,
                         struct rw_seccomp_model **ret, struct rw_error *err);
void rw_seccomp_model_free(struct rw_seccomp_model *model);

static inline void rw_seccomp_model_freep(struct rw_seccomp_model **model)
{
        rw_seccomp_model_free(*model);
}
#define _cleanup_seccomp_model_ __attribute__((cleanup(rw_seccomp_model_freep)))

/* How many architectures the filter covers, the native one included. */
size_t rw_seccomp_model_arch_count(const struct rw_seccomp_model *model);

/*
 * Rules that libseccomp would not both keep: two rules for the same system call with different
 * actions whose argument sets may overlap (an unconditional rule and any other, for a start).
 * libseccomp keeps one of them without a word, so one rule silently does nothing. An error names
 * both entries.
 */
int rw_seccomp_model_check_conflicts(const struct rw_seccomp_model *model, struct rw_error *err);

/*
 * 0 when `engine` lets through nothing that `ours` does not: its default action stops at least
 * as much, it has no architecture ours lacks, no flag that weakens it, and every rule of it that
 * lets a call through is covered by a rule of ours (docs/seccomp.md states it in full).
 * Otherwise -EPERM, and `err` says what it lets through that ours does not.
 */
int rw_seccomp_check_at_least_as_strict(const struct rw_seccomp_model *engine,
                                        const struct rw_seccomp_model *ours, struct rw_error *err);

enum rw_seccomp_verdict {
        RW_SECCOMP_DENIED,      /* never let through */
        RW_SECCOMP_CONDITIONAL, /* let through for some arguments */
        RW_SECCOMP_ALLOWED,     /* let through whatever the arguments */
};

const char *rw_seccomp_verdict_name(enum rw_seccomp_verdict verdict);

/* What the filter does with the system call `name` on `arch` (an architecture of the filter). */
enum rw_seccomp_verdict rw_seccomp_model_verdict(const struct rw_seccomp_model *model,
                                                 uint32_t arch, const char *name);

struct rw_seccomp_difference {
        const struct rw_seccomp_arch *arch;
        const char *name; /* "" for every system call neither filter names */
        enum rw_seccomp_verdict a, b;
        bool a_wider; /* a lets through something b is not shown to */
        bool b_wider;
};

/*
 * The system calls one filter lets through and the other does not (or not as widely), per
 * architecture of either filter; an architecture only one filter has counts as stopping
 * everything in the other. Names point into the models. Caller frees *ret.
 */
int rw_seccomp_diff(const struct rw_seccomp_model *a, const struct rw_seccomp_model *b,
                    struct rw_seccomp_difference **ret, size_t *ret_n, struct rw_error *err);

/* Every system call name of `arch` libseccomp knows, sorted and unique (for counting). Caller
 * frees them with rw_seccomp_names_free(). */
int rw_seccomp_arch_syscalls(uint32_t arch, char ***ret, size_t *ret_n, struct rw_error *err);
void rw_seccomp_names_free(char **names, size_t n);
