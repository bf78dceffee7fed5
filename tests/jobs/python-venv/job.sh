# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A Python project: a venv, a wheel built from a local package (no index), installed from a local
# directory, then pytest.
JOB_DESC="Python: venv, pip wheel + pip install --no-index --find-links (local wheels), pytest"
JOB_MOUNT="named volume at /builds/group/python-venv"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_seed "$builds" "$JOB_DIR/project"
        job_docker_run -v "$builds:/builds/group/python-venv" -w /builds/group/python-venv \
                "$JOB_IMAGE" sh -c 'set -e
                        python3 -m venv --system-site-packages .venv
                        . .venv/bin/activate
                        pip wheel --no-index --no-deps --no-build-isolation -w wheels ./rwstats
                        pip install --no-index --find-links wheels rwstats
                        python -m pytest -q tests | tee pytest.out
                        grep -q "^5 passed" pytest.out'
}
