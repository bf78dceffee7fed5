# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# git: a repository made in /tmp, cloned into the workspace from a local bare repository over
# git's file transport (full, shallow at a tag, fetch of a branch), with a global config in $HOME.
JOB_DESC="git: init/commit/tag in /tmp, clone --bare, clone file:// (full, --depth 1 at a tag), fetch"
JOB_MOUNT="named volume at /builds/group/git-clone"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_docker_run -v "$builds:/builds/group/git-clone" -w /builds/group/git-clone \
                "$JOB_IMAGE" sh -c 'set -e
                        git config --global user.name "CI job"
                        git config --global user.email ci@example.invalid
                        git config --global init.defaultBranch main
                        up=$(mktemp -d)/upstream
                        git init -q "$up"
                        cd "$up"
                        echo v1 >README
                        git add README
                        git commit -qm one
                        git tag v1
                        echo v2 >>README
                        git commit -qam two
                        git checkout -qb feature
                        echo feature >feature.txt
                        git add feature.txt
                        git commit -qm feature
                        git checkout -q main
                        git clone -q --bare "$up" "$up.git"
                        cd /builds/group/git-clone
                        git clone -q "file://$up.git" src
                        git clone -q --depth 1 --branch v1 "file://$up.git" shallow
                        git clone -q "$up" local-path
                        [ "$(git -C src rev-list --count HEAD)" = 2 ]
                        [ "$(cat shallow/README)" = v1 ]
                        [ "$(git -C shallow rev-list --count HEAD)" = 1 ]
                        git -C src fetch -q origin feature
                        git -C src checkout -q FETCH_HEAD
                        [ -f src/feature.txt ]
                        git -C local-path status --short | wc -l | grep -qx 0
                        git -C src log --oneline --all'
}
