# The job's script as the runner feeds it to the shell on stdin: before_script, script,
# after_script, with the cache restored from and saved to the cache volume.
set -eo pipefail
set +o noclobber
echo "Running on $(hostname) for job $CI_JOB_ID ($CI_JOB_NAME) of pipeline $CI_PIPELINE_ID"
cd "$CI_PROJECT_DIR"
cache=/cache/$CI_PROJECT_PATH/default
if [ -f "$cache/cache.tar" ]; then
        tar -xf "$cache/cache.tar"
        echo "cache restored: $(cat .deps/pipeline)"
else
        echo "no cache yet"
fi
# script
make -j2
make check
mkdir -p .deps
echo "$CI_PIPELINE_ID" >.deps/pipeline
[ "$(./build/stats 1 2 3)" = "mean 2.00 stddev 0.82 sum 6.00" ]
# after_script: save the cache
mkdir -p "$cache"
tar -cf "$cache/cache.tar.tmp" .deps
mv "$cache/cache.tar.tmp" "$cache/cache.tar"
echo "cache saved"
