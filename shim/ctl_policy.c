/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: being written */
#include <stdio.h>

#include "ctl.h"

int rw_ctl_policy(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "runwardenctl: policy is being written\n");
        return 2;
}
