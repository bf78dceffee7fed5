/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The check of an OCI LinuxSeccomp object: built into a libseccomp filter the way runc builds it,
 * and compiled to BPF, so that a profile that runc would refuse (or silently weaken) is refused
 * before any container is created with it. The bottom layer of lib/seccomp's profile handling:
 * it knows nothing of files or of the cache.
 */

#include <jansson.h>
#include <seccomp.h>
#include <stddef.h>

#include "error.h"

/*
 * Check an OCI LinuxSeccomp object: known default action and actions, every architecture known
 * to libseccomp, every syscall name resolvable on at least one architecture of the filter
 * (unknown names are errors, as a typo would silently allow or deny nothing), argument operators
 * valid, no rule with the default action and no two rules libseccomp would not both keep (either
 * way one rule would silently do nothing), and the whole filter compiled to BPF with
 * seccomp_export_bpf() within the kernel's size limit. Errors name the entry and the syscall.
 */
int rw_seccomp_check(const json_t *profile, struct rw_error *err);

/*
 * Build a libseccomp filter context from an OCI LinuxSeccomp object, the way runc does (default
 * action, architectures, one rule per name and argument set; a rule whose action equals the
 * default action is an error here rather than silently skipped, as runc would). Caller releases
 * *ret with seccomp_release(). Used by rw_seccomp_check() and by tests that load a profile into
 * a forked child.
 */
int rw_seccomp_build(const json_t *profile, scmp_filter_ctx *ret, struct rw_error *err);

/* The compiled program's length in BPF instructions (rw_seccomp_build() + seccomp_export_bpf()
 * into a memfd). */
int rw_seccomp_compile(const json_t *profile, size_t *ret_instructions, struct rw_error *err);

static inline void rw_seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx != NULL)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(rw_seccomp_releasep)))
