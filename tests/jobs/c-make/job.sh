# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A C project: make -j2 with gcc (objects, a static library, threads, libm), then make check.
JOB_DESC="C project: make -j2, gcc, ar, threads; make check"
JOB_MOUNT="named volume at /builds/group/c-make"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_seed "$builds" "$JOB_DIR/project"
        job_docker_run -v "$builds:/builds/group/c-make" -w /builds/group/c-make "$JOB_IMAGE" \
                sh -c 'set -e
                        make -j2
                        make check
                        out=$(./build/stats 2 4 4 4 5 5 7 9)
                        echo "$out"
                        [ "$out" = "mean 5.00 stddev 2.00 sum 40.00" ]'
}
