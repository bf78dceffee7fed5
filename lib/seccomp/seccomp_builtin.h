/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The seccomp profiles built into runwarden: seccomp-profiles/NAME.json as they are in the
 * source tree, embedded at build time (tools/embed-seccomp.py), so that the baseline needs no
 * profile directory. A file of the same name in the profile directory takes precedence
 * (seccomp_profile.h).
 */

#include <stddef.h>

struct rw_seccomp_builtin {
        const char *name; /* NULL terminates the list */
        const char *text; /* the file's bytes, NUL-terminated */
        size_t len;
};

extern const struct rw_seccomp_builtin rw_seccomp_builtins[];

/* The built-in profile `name`; NULL when there is none. */
const struct rw_seccomp_builtin *rw_seccomp_builtin_find(const char *name);
