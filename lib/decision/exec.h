/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What runc runs for `exec` without --process: the process of the container's own config.json
 * with the command line's flags applied over it, exactly as runc's getProcess() does (runc
 * ignores these flags when --process is given). Pure.
 */

#include <jansson.h>

#include "cli.h"
#include "error.h"
#include "plan.h"

/*
 * Build that process from `base` (the canonical config.json process object, NULL when the spec
 * has none) and the exec flags of `cli`. *ret is a new canonical process object, or NULL with a
 * "spec" denial in `plan` where runc itself would refuse the flags (a user or group that is not
 * a number). Fails only when out of memory.
 */
int rw_exec_process_from_flags(const json_t *base, const struct rw_cli *cli, json_t **ret,
                               struct rw_plan *plan, struct rw_error *err);
