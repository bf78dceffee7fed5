/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "enginelog.h"

static void test_json_line(void **state)
{
        struct timespec t = {.tv_sec = 1795456800, .tv_nsec = 120000000};
        _cleanup_free_ char *line = NULL;
        _cleanup_json_ json_t *obj = NULL;

        (void)state;
        line = rw_enginelog_format(RW_LOG_FORMAT_JSON, RW_LOG_ERROR,
                                   "runwarden: refused by rule host-mount: \"/\" at /host\n", &t);
        assert_non_null(line);
        /* exactly one line, key order as runc writes it */
        assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1);
        assert_int_equal(strncmp(line, "{\"level\":\"error\",\"msg\":", 22), 0);
        obj = json_loads(line, 0, NULL);
        assert_non_null(obj);
        assert_string_equal(json_string_value(json_object_get(obj, "level")), "error");
        assert_string_equal(json_string_value(json_object_get(obj, "msg")),
                            "runwarden: refused by rule host-mount: \"/\" at /host\n");
        assert_string_equal(json_string_value(json_object_get(obj, "time")),
                            "2026-11-23T18:00:00.12Z");
}

static void test_text_line(void **state)
{
        struct timespec t = {.tv_sec = 1795456800, .tv_nsec = 0};
        _cleanup_free_ char *line = NULL;

        (void)state;
        line = rw_enginelog_format(RW_LOG_FORMAT_TEXT, RW_LOG_DEBUG, "a \"b\"\nc\\d", &t);
        assert_string_equal(
            line, "time=\"2026-11-23T18:00:00Z\" level=debug msg=\"a \\\"b\\\"\\nc\\\\d\"\n");
}

static void test_write_creates_and_appends(void **state)
{
        char dir[] = "/tmp/rw-enginelog-XXXXXX";
        _cleanup_free_ char *path = NULL;
        _cleanup_free_ char *link = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        struct stat st;

        (void)state;
        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&path, "%s/log.json", dir) > 0);
        assert_int_equal(rw_enginelog_write(path, RW_LOG_FORMAT_JSON, RW_LOG_ERROR, "one", &err),
                         0);
        assert_int_equal(rw_enginelog_write(path, RW_LOG_FORMAT_JSON, RW_LOG_ERROR, "two", &err),
                         0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        text = rw_test_read_file(path, NULL);
        assert_non_null(strstr(text, "\"msg\":\"one\""));
        assert_non_null(strstr(strchr(text, '\n'), "\"msg\":\"two\""));
        /* NULL path: nothing to do */
        assert_int_equal(rw_enginelog_write(NULL, RW_LOG_FORMAT_JSON, RW_LOG_ERROR, "x", &err), 0);
        /* never through a symlink */
        assert_true(asprintf(&link, "%s/link.json", dir) > 0);
        assert_int_equal(symlink(path, link), 0);
        assert_true(rw_enginelog_write(link, RW_LOG_FORMAT_JSON, RW_LOG_ERROR, "x", &err) < 0);
        unlink(link);
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_json_line),
            cmocka_unit_test(test_text_line),
            cmocka_unit_test(test_write_creates_and_appends),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
