/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The engine's log: the --log file in the --log-format it asked for, as runc writes it
 * (logrus JSON lines: {"level":"error","msg":"...","time":"..."}, or logrus text:
 * time="..." level=error msg="..."). The shim reads the last error line and docker prints its
 * msg after "OCI runtime create failed:".
 */

#include <stdbool.h>
#include <time.h>

#include "cli.h"
#include "error.h"

enum rw_log_level {
        RW_LOG_DEBUG,
        RW_LOG_WARNING,
        RW_LOG_ERROR,
};

/* Format one line (with its trailing newline) for `format` at `now`. Caller frees. */
char *rw_enginelog_format(enum rw_log_format format, enum rw_log_level level, const char *msg,
                          const struct timespec *now);

/*
 * Append lines to `path` (created 0644 if missing, never following a symlink), each with one
 * write() on an O_APPEND descriptor. `path` NULL: nothing is written and 0 is returned.
 */
int rw_enginelog_write(const char *path, enum rw_log_format format, enum rw_log_level level,
                       const char *msg, struct rw_error *err);
