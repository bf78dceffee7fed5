/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: being written */
#include <stdio.h>

#include "ctl.h"

int rw_ctl_explain(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "runwardenctl: explain is being written\n");
        return 2;
}
