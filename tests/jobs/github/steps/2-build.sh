# step "build"
[ "$BUILD_FLAVOR" = release ]
rw-helper build
make -j2
echo "binary=build/stats" >>"$GITHUB_OUTPUT"
