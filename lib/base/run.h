/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Another program run with its output captured, never through a shell: runwardenctl's probes of
 * the host (ctl/hostutil.h looks the program up in $PATH) and runwarden's delete, which asks its
 * egress hook for the counters (lib/decision/egressio.h).
 */

#include <stddef.h>

#include "error.h"

struct rw_run_output {
        char *out; /* stdout, NUL-terminated */
        size_t out_len;
        char *err;  /* stderr, NUL-terminated */
        int status; /* exit status; 128+N when killed by signal N */
};
void rw_run_output_clear(struct rw_run_output *o);

/*
 * Run `program` (a path) with `argv` and `envp` (NULL: the caller's environment), an empty stdin
 * or `input_fd` when >= 0, capturing stdout and stderr (each at most 4 MiB), no other descriptor of
 * the caller's. After `timeout_ms` it is killed and the call fails with -ETIMEDOUT. Only a failure
 * to run at all, or to learn how it ended
 * (-ECHILD where the caller ignores SIGCHLD), is an error: the exit status is a result.
 */
int rw_run(const char *program, char *const argv[], char *const envp[], int input_fd,
           int timeout_ms, struct rw_run_output *ret, struct rw_error *err);
