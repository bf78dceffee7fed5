#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# run-one.sh JOB_SH: one run of one job, in a process of its own so that run.sh can time it out.
# The JOB_* variables, DOCKER_HOST and DOCKER_CONFIG come from run.sh.
set -euo pipefail

# shellcheck source=tests/jobs/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1090
. "$1"
job_main
