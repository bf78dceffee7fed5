/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one error idiom of runwarden.
 *
 * A function that can fail takes a caller-owned `struct rw_error *err` as its last parameter and
 * returns an int: >= 0 on success, a negative errno-style value on failure. On failure, and only
 * then, it fills *err with that code and a message. On the way up, callers add context with
 * rw_error_prefix() and return the same negative value. lib/ never prints, logs or exits: only the
 * executables turn an error into a log line and an exit status.
 *
 * A policy denial is not an error: it is a result, recorded in the plan (lib/plan.h).
 */

#include <stdarg.h>
#include <stddef.h>

#define RW_ERROR_MSG_MAX 1024

struct rw_error {
        int code;                   /* positive errno value, e.g. EINVAL */
        char msg[RW_ERROR_MSG_MAX]; /* human readable, no trailing newline */
};

/* Fill *err (which may be NULL) and return -code. code must be a positive errno value. */
int rw_error_set(struct rw_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like rw_error_set(), and append ": strerror(code)" to the message. */
int rw_error_set_errno(struct rw_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "context: " to an error already set; returns -err->code (or -EIO if unset). */
int rw_error_prefix(struct rw_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
