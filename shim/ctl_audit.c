/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: being written */
#include <stdio.h>

#include "ctl.h"

int rw_ctl_audit(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "runwardenctl: audit is being written\n");
        return 2;
}
