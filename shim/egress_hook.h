/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The egress hook (egress_hook.c): the OCI state on stdin, the rules installed; 0 or 1. */
int rw_egress_hook_main(int argc, char **argv);
