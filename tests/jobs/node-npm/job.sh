# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A Node project: a local package packed with npm pack, installed from the tarball with a cache in
# the workspace and no registry (--offline), npm ci from the lockfile, npm test, npm run build.
JOB_DESC="Node: npm pack, npm install --offline + npm ci from a local tarball and cache, npm test"
JOB_MOUNT="named volume at /builds/group/node-npm"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_seed "$builds" "$JOB_DIR/project"
        job_docker_run -v "$builds:/builds/group/node-npm" -w /builds/group/node-npm \
                "$JOB_IMAGE" sh -c 'set -e
                        export npm_config_cache=$PWD/.npm
                        mkdir -p vendor
                        (cd rw-pad && npm pack --pack-destination ../vendor)
                        cd app
                        npm install --offline --no-audit --no-fund
                        npm ci --offline --no-audit --no-fund
                        npm test
                        npm run build
                        cat dist/table.txt
                        [ "$(sed -n 3p dist/table.txt)" = "..333" ]'
}
