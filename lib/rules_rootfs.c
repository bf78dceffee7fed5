/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: being written */
#include "rules.h"

void rw_rules_rootfs(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        (void)spec;
        (void)settings;
        (void)plan;
}

void rw_rules_job_home(const json_t *spec, const char **ret_home, int64_t *ret_uid,
                       int64_t *ret_gid)
{
        (void)spec;
        *ret_home = NULL;
        *ret_uid = 0;
        *ret_gid = 0;
}
