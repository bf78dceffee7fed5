/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decision's edges on a host: the container's config.json an exec is judged against is read
 * from the bundle runc recorded in its state.json, found without parsing the rest of that file.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostio.h"

struct scratch {
        char root[64];
        char bundle[96];
};

static void put(const char *dir, const char *name, const char *text)
{
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static void scratch_init(struct scratch *s)
{
        char dir[128];

        snprintf(s->root, sizeof(s->root), "/tmp/rw-test-hostio-XXXXXX");
        assert_non_null(mkdtemp(s->root));
        snprintf(s->bundle, sizeof(s->bundle), "%s/bundle", s->root);
        assert_int_equal(mkdir(s->bundle, 0755), 0);
        put(s->bundle, "config.json",
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":7}}}");
        snprintf(dir, sizeof(dir), "%s/c1", s->root);
        assert_int_equal(mkdir(dir, 0700), 0);
}

/* state.json for container c1: `before`, the bundle's path, `after`. */
static void state(const struct scratch *s, const char *before, const char *after)
{
        _cleanup_free_ char *text = NULL;
        char dir[128];

        assert_true(asprintf(&text, "%s%s%s", before, s->bundle, after) > 0);
        snprintf(dir, sizeof(dir), "%s/c1", s->root);
        put(dir, "state.json", text);
}

/* What an exec of c1 is judged against: 0 and the document, or the error. */
static int container_config(const struct scratch *s, json_t **ret, struct rw_error *err)
{
        struct rw_host_io h;
        int r;

        rw_host_io_init(&h);
        r = h.io.read_document(&h, RW_DOC_CONTAINER_CONFIG, "c1", s->root, ret, err);
        rw_host_io_clear(&h);
        return r;
}

static void expect_config(const struct scratch *s)
{
        _cleanup_json_ json_t *doc = NULL;
        struct rw_error err = {0};

        if (container_config(s, &doc, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(json_integer_value(rw_test_get(doc, "/process/user/uid")), 7);
}

static void expect_error(const struct scratch *s, const char *needle)
{
        _cleanup_json_ json_t *doc = NULL;
        struct rw_error err = {0};

        assert_true(container_config(s, &doc, &err) < 0);
        assert_null(doc);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("error \"%s\" does not contain \"%s\"", err.msg, needle);
}

static void test_bundle_from_runc_state(void **state_)
{
        struct scratch s;

        (void)state_;
        scratch_init(&s);
        /* as runc writes it: compact, the configuration's large members before the labels */
        state(&s,
              "{\"id\":\"c1\",\"config\":{\"rootfs\":\"/x\",\"seccomp\":{\"syscalls\":[{\"name\":"
              "\"read\",\"args\":[]},{\"name\":\"a\\\\\\\"]}\"}]},\"labels\":[\"x=[\",\"bundle=",
              "\"],\"version\":\"1.0.2\"},\"created\":\"2026\"}");
        expect_config(&s);
        /* written by hand: spaces, an escaped key */
        state(&s, "{ \"config\" : { \"lab\\u0065ls\" : [ \"bundle=", "\" ] } }");
        expect_config(&s);
        /* the labels are parsed as they are: one that is not JSON is an error */
        state(&s, "{\"config\":{\"labels\":[\"bundle=", "\",]}}");
        expect_error(&s, "runc's state of container c1");
        /* no labels where the scanner looks: the whole file, as before */
        state(&s, "{\"config\":{\"labels\":{\"bundle\":\"", "\"}}}");
        expect_error(&s, "names no bundle");
        state(&s, "{\"config\":{}} ", "");
        expect_error(&s, "runc's state of container c1");
        rw_test_remove_tree(s.root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_bundle_from_runc_state),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
