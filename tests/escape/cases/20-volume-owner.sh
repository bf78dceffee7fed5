# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Issue 20: a job's volumes are its own. SVC (service tier) writes its secret into its named
# volume svcdata-MODE.

cache=runner-abc-project-1-concurrent-0-cache-3c3f060a0374fc8bc39395164f415a70
esc_case own.svc-volume 20 docker-client refused volume-owner \
        '-v SVC'"'"'s named volume (its database) into a job' \
        -- esc_docker -- -v svcdata-MODE:/d -- 'sleep 0.5; cat /d/secret || echo ESC-BLOCKED'
esc_case own.volumes-from 20 docker-client refused volume-owner \
        '--volumes-from SVC' \
        -- esc_docker -- --volumes-from SVC -- 'sleep 0.5; cat /data/secret || echo ESC-BLOCKED'
esc_case own.named-allowed 20 docker-client allowed - \
        'the job'"'"'s own named volume' \
        -- esc_docker -- -v job-vol-MODE:/d -- 'echo hi >/d/f && grep -q hi /d/f && echo ESC-OK'
esc_case own.anonymous-allowed 20 docker-client allowed - \
        'an anonymous volume (-v /d)' \
        -- esc_docker -- -v /d -- 'echo hi >/d/f && grep -q hi /d/f && echo ESC-OK'
esc_case own.gitlab-cache-allowed 20 docker-client allowed - \
        'a GitLab Runner cache volume written by one job and read by the next of the same tier' \
        -- esc_docker --prep 'esc_docker_job1 "$cache"' -- -v "$cache:/cache" -- \
        'grep -q "^job1$" /cache/f && echo ESC-OK'
esc_case own.init-allowed 20 docker-client allowed - \
        'docker run --init (dockerd binds its own docker-init read-only)' \
        -- esc_docker -- --init -- 'echo ESC-OK'
