/* SPDX-License-Identifier: Apache-2.0 */
/* runwarden-egress-hook, installed in libexec: the hook alone (egress_hook.c). */
#include "egress_hook.h"

int main(int argc, char **argv)
{
        return rw_egress_hook_main(argc, argv);
}
