# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A job given a device by its runner (`devices = ["/dev/fuse"]` in GitLab's config, --device):
# it opens /dev/fuse as a FUSE file system would. The default tier strips devices; a tier that
# allows this one must keep it.
JOB_DESC="a device from the runner (--device /dev/fuse), opened read-write"
JOB_MOUNT="named volume at /builds/group/device-fuse"
JOB_DOCKER_ARGS="--device /dev/fuse"
JOB_TIER=fuse
JOB_TIER_JSON='{"devices": ["/dev/fuse"]}'
JOB_TIER_CHANGES="keeps the device /dev/fuse (policy key not in runwarden yet)"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_docker_run -v "$builds:/builds/group/device-fuse" -w /builds/group/device-fuse \
                "$JOB_IMAGE" sh -c 'set -e
                        ls -l /dev/fuse
                        [ -c /dev/fuse ]
                        exec 3<>/dev/fuse
                        echo "/dev/fuse opened read-write"'
}
