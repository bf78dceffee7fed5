/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * runwardenctl, the operator's tool: one function per top-level subcommand, each taking the
 * arguments after its own name (argv[0] is the subcommand name) and returning the process exit
 * status (0 success, 1 a finding such as a failed policy test or an invalid file, 2 usage
 * errors). They print results on stdout and problems on stderr; only `canary run` starts a
 * container.
 */

int rw_ctl_explain(int argc, char **argv);
int rw_ctl_policy(int argc, char **argv);
int rw_ctl_audit(int argc, char **argv);
int rw_ctl_seccomp(int argc, char **argv);
int rw_ctl_setup(int argc, char **argv);
int rw_ctl_setup_everywhere(int argc, char **argv); /* argv[0] is "everywhere" */
int rw_ctl_doctor(int argc, char **argv);
int rw_ctl_canary(int argc, char **argv);
