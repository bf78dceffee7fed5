/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <dirent.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "seccomp_profile.h"

#include <sys/stat.h>

char *rw_test_read_file(const char *path, size_t *ret_len)
{
        _cleanup_fclose_ FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, len = 0;

        if (f == NULL)
                fail_msg("cannot open %s: %s", path, strerror(errno));
        for (;;) {
                size_t n;

                if (len + 4096 + 1 > cap) {
                        cap = (cap + 4096) * 2;
                        buf = realloc(buf, cap);
                        assert_non_null(buf);
                }
                n = fread(buf + len, 1, cap - len - 1, f);
                len += n;
                if (n == 0)
                        break;
        }
        buf[len] = '\0';
        if (ret_len != NULL)
                *ret_len = len;
        return buf;
}

json_t *rw_test_parse(const char *text)
{
        struct rw_error err = {0};
        json_t *doc = NULL;

        if (rw_json_parse(text, strlen(text), &doc, &err) < 0)
                fail_msg("parse failed: %s\n%s", err.msg, text);
        return doc;
}

json_t *rw_test_load_fixture(const char *name)
{
        /* meson test sets it; the build's own tests/fixtures/engines otherwise */
        const char *dir =
            getenv("RW_FIXTURES_DIR") != NULL ? getenv("RW_FIXTURES_DIR") : RW_TEST_FIXTURES_DIR;
        _cleanup_free_ char *path = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        json_t *doc = NULL;
        size_t len;

        if (dir == NULL)
                fail_msg("RW_FIXTURES_DIR is not set (run the tests with meson test)");
        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        text = rw_test_read_file(path, &len);
        if (rw_json_parse(text, len, &doc, &err) < 0)
                fail_msg("fixture %s: %s", path, err.msg);
        return doc;
}

int rw_test_each_fixture(void (*fn)(const char *path, char *text, size_t len))
{
        const char *dir_path = getenv("RW_FIXTURES_DIR");
        struct dirent *de;
        DIR *dir;
        int n = 0;

        if (dir_path == NULL)
                fail_msg("RW_FIXTURES_DIR is not set (run the tests with meson test)");
        dir = opendir(dir_path);
        assert_non_null(dir);
        while ((de = readdir(dir)) != NULL) {
                size_t name_len = strlen(de->d_name), len;
                _cleanup_free_ char *path = NULL, *text = NULL;

                if (name_len < 5 || strcmp(de->d_name + name_len - 5, ".json") != 0)
                        continue;
                assert_true(asprintf(&path, "%s/%s", dir_path, de->d_name) > 0);
                text = rw_test_read_file(path, &len);
                fn(path, text, len);
                n++;
        }
        closedir(dir);
        return n;
}

/* The engines' usual directories, as written (no realpath: tests describe a host of their own). */
static void test_engine_dir(struct rw_host_facts *facts, enum rw_engine_kind kind, const char *path)
{
        struct rw_engine_dirs *d = &facts->engines;
        char **grown = reallocarray(d->dirs[kind], d->n[kind] + 2, sizeof(char *));

        assert_non_null(grown);
        d->dirs[kind] = grown;
        grown[d->n[kind]] = strdup(path);
        assert_non_null(grown[d->n[kind]]);
        grown[++d->n[kind]] = NULL;
}

void rw_test_facts_init(struct rw_host_facts *facts)
{
        memset(facts, 0, sizeof(*facts));
        for (int t = 0; t < RW_NS_COUNT; t++)
                facts->host_ns[t] = (struct rw_file_id){true, 1, (ino_t)(4026531830u + t)};
        facts->container_id = strdup("c1");
        assert_non_null(facts->container_id);
        test_engine_dir(facts, RW_ENGINE_DOCKER, "/var/lib/docker");
        test_engine_dir(facts, RW_ENGINE_DOCKER_INIT, "/usr/bin/docker-init");
        test_engine_dir(facts, RW_ENGINE_CONTAINERD_ROOT, "/var/lib/containerd");
        test_engine_dir(facts, RW_ENGINE_CONTAINERD_STATE, "/run/containerd");
        test_engine_dir(facts, RW_ENGINE_KUBELET, "/var/lib/kubelet");
        test_engine_dir(facts, RW_ENGINE_PODMAN, "/var/lib/containers/storage");
}

const struct rw_change *rw_test_find_change(const struct rw_plan *plan, const char *rule,
                                            const char *path)
{
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *c = &plan->changes[i];

                if (strcmp(c->rule, rule) == 0 && (path == NULL || strcmp(c->path, path) == 0))
                        return c;
        }
        return NULL;
}

const struct rw_denial *rw_test_find_denial(const struct rw_plan *plan, const char *rule)
{
        for (size_t i = 0; i < plan->n_denials; i++)
                if (strcmp(plan->denials[i].rule, rule) == 0)
                        return &plan->denials[i];
        return NULL;
}

size_t rw_test_count_changes(const struct rw_plan *plan, const char *rule)
{
        size_t n = 0;

        for (size_t i = 0; i < plan->n_changes; i++)
                if (strcmp(plan->changes[i].rule, rule) == 0)
                        n++;
        return n;
}

json_t *rw_test_apply(const json_t *spec, const struct rw_plan *plan)
{
        struct rw_error err = {0};
        json_t *copy = json_deep_copy(spec);

        assert_non_null(copy);
        if (rw_plan_apply_copy(plan, spec, copy, &err) < 0)
                fail_msg("applying the plan failed: %s", err.msg);
        return copy;
}

json_t *rw_test_get(const json_t *doc, const char *pointer)
{
        return rw_pointer_get(doc, pointer);
}

json_t *rw_test_find_mount(const json_t *spec, const char *destination)
{
        size_t i;
        json_t *m;

        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                const char *d = json_string_value(json_object_get(m, "destination"));

                if (d != NULL && strcmp(d, destination) == 0)
                        return m;
        }
        return NULL;
}

int rw_test_array_has_string(const json_t *array, const char *s)
{
        size_t i;
        json_t *v;

        json_array_foreach(array, i, v)
        {
                if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
                        return 1;
        }
        return 0;
}

void rw_test_facts_for_spec(const json_t *spec, struct rw_host_facts *facts)
{
        struct rw_error err = {0};

        if (rw_facts_synthetic(spec, facts, &err) < 0)
                fail_msg("synthetic facts: %s", err.msg);
}

json_t *rw_test_load_profile(const char *name)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;
        struct rw_error err = {0};
        json_t *profile = NULL;

        if (root == NULL || asprintf(&dir, "%s/seccomp-profiles", root) < 0) {
                print_error("RW_SOURCE_ROOT is not set (run the tests with meson test)\n");
                return NULL;
        }
        if (rw_seccomp_load_profile(dir, name, &profile, &err) < 0) {
                print_error("loading profile %s: %s\n", name, err.msg);
                return NULL;
        }
        return profile;
}

void rw_test_mkdtemp(char *buf, size_t size, const char *tag)
{
        int n = snprintf(buf, size, "/tmp/rw-test-%s-XXXXXX", tag);

        assert_true(n > 0 && (size_t)n < size);
        assert_non_null(mkdtemp(buf));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

void rw_test_remove_tree(const char *path)
{
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void rw_test_assert_no_denials(const struct rw_plan *plan)
{
        if (plan->n_denials == 0)
                return;
        for (size_t i = 0; i < plan->n_denials; i++)
                print_error("denial %zu: %s: %s\n", i, plan->denials[i].rule,
                            plan->denials[i].reason);
        fail_msg("%zu denials, want none", plan->n_denials);
}
