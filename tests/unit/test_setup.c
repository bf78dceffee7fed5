/* SPDX-License-Identifier: Apache-2.0 */
/* lib/setup: the TOML scanner, runwarden's runtimes merged into engine configurations, runc CVEs.
 */
#include "testutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "setup_engines.h"
#include "json.h"
#include "runcvers.h"
#include "toml.h"

/* ---- the TOML scanner ---- */

static const char sample[] = "# top comment\n"
                             "version = 2\n"
                             "\n"
                             "[plugins.\"io.containerd.grpc.v1.cri\" . containerd]  # trailing\n"
                             "  default_runtime_name = \"runc\"\n"
                             "  list = [\n"
                             "    \"a\", # a comment inside\n"
                             "    'b',\n"
                             "  ]\n"
                             "  text = \"\"\"two \"\"\n"
                             "lines\"\"\"\"\n"
                             "  when = 1979-05-27 07:32:00Z # a date with a space\n"
                             "  inline = { x = [1, 2], y = \"}\" }\n"
                             "[[array.of.tables]]\n"
                             "site.name = 'literal \\ kept'\r\n"
                             "last = true";

static void test_toml_scan(void **state)
{
        struct rw_toml t = {0};
        struct rw_error err = {0};
        char **path = NULL;

        (void)state;
        assert_int_equal(rw_toml_scan(sample, strlen(sample), &t, &err), 0);
        assert_int_equal(t.n, 12);
        assert_int_equal(t.items[0].kind, RW_TOML_COMMENT);
        assert_int_equal(t.items[1].kind, RW_TOML_KEYVAL);
        assert_string_equal(t.items[1].key[0], "version");
        assert_int_equal(t.items[1].table, SIZE_MAX);
        assert_int_equal(t.items[2].kind, RW_TOML_BLANK);

        assert_int_equal(t.items[3].kind, RW_TOML_TABLE);
        assert_string_equal(t.items[3].key[1], "io.containerd.grpc.v1.cri");
        assert_string_equal(t.items[3].key[2], "containerd");
        assert_null(t.items[3].key[3]);
        assert_int_equal(t.items[3].line, 4);

        /* The multi-line array is one statement, comments and all. */
        assert_int_equal(t.items[5].kind, RW_TOML_KEYVAL);
        assert_int_equal(t.items[5].table, 3);
        assert_int_equal(t.items[5].line, 6);
        assert_memory_equal(sample + t.items[5].value_start, "[\n", 2);
        assert_int_equal(sample[t.items[5].value_end - 1], ']');
        /* A multi-line string whose content ends with a quote before the delimiter. */
        assert_string_equal(t.items[6].key[0], "text");
        assert_int_equal(t.items[6].value_end - t.items[6].value_start,
                         strlen("\"\"\"two \"\"\nlines\"\"\"\""));
        assert_int_equal(t.items[7].value_end - t.items[7].value_start,
                         strlen("1979-05-27 07:32:00Z"));
        assert_string_equal(t.items[8].key[0], "inline");

        assert_int_equal(t.items[9].kind, RW_TOML_ARRAY_TABLE);
        /* A dotted key under the array of tables, CRLF line end, no newline at the end. */
        assert_int_equal(rw_toml_item_path(&t, 10, &path, &err), 0);
        assert_string_equal(path[0], "array");
        assert_string_equal(path[2], "tables");
        assert_string_equal(path[3], "site");
        assert_string_equal(path[4], "name");
        assert_null(path[5]);
        rw_toml_path_free(path);
        assert_int_equal(t.items[11].kind, RW_TOML_KEYVAL);
        assert_int_equal(t.items[11].end, strlen(sample));

        /* Statements cover the text exactly, in order. */
        for (size_t i = 1; i < t.n; i++)
                assert_int_equal(t.items[i].start, t.items[i - 1].end);
        rw_toml_clear(&t);
}

static void test_toml_errors(void **state)
{
        static const struct {
                const char *text;
                const char *message;
        } cases[] = {
            {"a = \"open\n", "line 1: newline in a one-line string"},
            {"\n\nb = [1, 2\n", "line 3: unterminated array or inline table"},
            {"c = 1 2 x = 3\n", NULL}, /* a scalar runs to the comment: the engine judges it */
            {"[t\n", "line 1: ']' expected after the table name"},
            {"[[t]\n", "line 1: ']]' expected after the table name"},
            {"key\n", "line 1: '=' expected after the key"},
            {"k =\n", "line 1: a value was expected after '='"},
            {"s = \"x\" y\n", "line 1: unexpected text after the statement"},
            {"m = '''never closed\n", "line 1: unterminated string"},
            {"= 1\n", "line 1: a key was expected"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                struct rw_toml t = {0};
                struct rw_error err = {0};
                int r = rw_toml_scan(cases[i].text, strlen(cases[i].text), &t, &err);

                if (cases[i].message == NULL) {
                        assert_int_equal(r, 0);
                } else {
                        assert_int_equal(r, -EINVAL);
                        assert_string_equal(err.msg, cases[i].message);
                }
                rw_toml_clear(&t);
        }
        {
                struct rw_toml t = {0};
                struct rw_error err = {0};

                assert_int_equal(rw_toml_scan("a = 1\0", 6, &t, &err), -EINVAL);
        }
}

static void test_toml_values(void **state)
{
        static const char text[] = "s = \"caf\\u00e9 \\\"q\\\" \\\\ \\t\"\n"
                                   "l = 'C:\\path'\n"
                                   "b = false\n"
                                   "i = -1_000\n"
                                   "a = [ \"x\", # c\n 'y' , ]\n"
                                   "e = []\n"
                                   "n = [1]\n"
                                   "m = \"\"\"multi\"\"\"\n";
        struct rw_toml t = {0};
        struct rw_error err = {0};
        char *s = NULL, **v = NULL;
        long long i = 0;
        bool b = true;

        (void)state;
        assert_int_equal(rw_toml_scan(text, strlen(text), &t, &err), 0);
        assert_int_equal(rw_toml_value_string(text, &t.items[0], &s, &err), 0);
        assert_string_equal(s, "caf\xc3\xa9 \"q\" \\ \t");
        free(s);
        assert_int_equal(rw_toml_value_string(text, &t.items[1], &s, &err), 0);
        assert_string_equal(s, "C:\\path");
        free(s);
        assert_int_equal(rw_toml_value_bool(text, &t.items[2], &b, &err), 0);
        assert_false(b);
        assert_int_equal(rw_toml_value_int(text, &t.items[3], &i, &err), 0);
        assert_int_equal(i, -1000);
        assert_int_equal(rw_toml_value_string_array(text, &t.items[4], &v, &err), 0);
        assert_string_equal(v[0], "x");
        assert_string_equal(v[1], "y");
        assert_null(v[2]);
        rw_toml_path_free(v);
        assert_int_equal(rw_toml_value_string_array(text, &t.items[5], &v, &err), 0);
        assert_null(v[0]);
        rw_toml_path_free(v);
        assert_int_equal(rw_toml_value_string_array(text, &t.items[6], &v, &err), -EMEDIUMTYPE);
        assert_int_equal(rw_toml_value_string(text, &t.items[7], &s, &err), -EMEDIUMTYPE);
        assert_int_equal(rw_toml_value_bool(text, &t.items[3], &b, &err), -EMEDIUMTYPE);
        assert_int_equal(rw_toml_value_int(text, &t.items[2], &i, &err), -EMEDIUMTYPE);
        rw_toml_clear(&t);
}

static void test_toml_helpers(void **state)
{
        struct rw_toml_edit edits[] = {
            {5, 5, "<second>"},
            {0, 1, "X"},
            {5, 5, "<third>"},
            {2, 4, ""},
        };
        struct rw_toml_edit overlap[] = {{0, 3, "a"}, {2, 4, "b"}};
        struct rw_error err = {0};
        char **key = NULL, *s;

        (void)state;
        s = rw_toml_quote("a\"b\\c\nd\x01");
        assert_string_equal(s, "\"a\\\"b\\\\c\\nd\\u0001\"");
        free(s);
        s = rw_toml_key("runwarden-trusted");
        assert_string_equal(s, "runwarden-trusted");
        free(s);
        s = rw_toml_key("io.containerd.grpc.v1.cri");
        assert_string_equal(s, "\"io.containerd.grpc.v1.cri\"");
        free(s);

        assert_int_equal(rw_toml_parse_key("plugins.'a.b'.c", &key, &err), 0);
        assert_string_equal(key[1], "a.b");
        assert_null(key[3]);
        rw_toml_path_free(key);

        assert_int_equal(rw_toml_splice("abcdefg", 7, edits, RW_ELEMENTSOF(edits), &s, &err), 0);
        assert_string_equal(s, "Xbe<second><third>fg");
        free(s);
        assert_int_equal(rw_toml_splice("abcdefg", 7, overlap, 2, &s, &err), -EINVAL);
}

/* ---- engines ---- */

static const struct rw_engine_runtime runtimes3[] = {
    {"runwarden", "/usr/bin/runwarden"},
    {"runwarden-service", "/usr/bin/runwarden-service"},
    {"runwarden-trusted", "/usr/bin/runwarden-trusted"},
};

static const struct rw_engine_request req3 = {runtimes3, 3, NULL};

static void test_docker(void **state)
{
        json_t *in =
            rw_test_parse("{\"storage-driver\":\"overlay2\",\"runtimes\":{"
                          "\"crun\":{\"path\":\"/usr/bin/crun\"},"
                          "\"runwarden-trusted\":{\"path\":\"/usr/bin/runwarden-trusted\","
                          "\"runtimeArgs\":[\"--tier\",\"trusted\"]},"
                          "\"runwarden-gone\":{\"path\":\"/usr/bin/runwarden-gone\"}},"
                          "\"default-ulimits\":{\"nofile\":{\"Hard\":18446744073709551615}}}");
        struct rw_engine_request req = req3;
        struct rw_engine_notes notes = {0};
        struct rw_error err = {0};
        json_t *out = NULL, *again = NULL, *rt, *want;
        const char *key;
        json_t *value;
        size_t k = 0;

        (void)state;
        assert_int_equal(rw_engine_docker(in, &req, &out, &notes, &err), 0);
        /* Other keys kept, in order, big numbers as written. */
        assert_string_equal(json_string_value(json_object_get(out, "storage-driver")), "overlay2");
        assert_true(rw_json_is_verbatim_number(rw_test_get(out, "/default-ulimits/nofile/Hard")));
        rt = json_object_get(out, "runtimes");
        json_object_foreach(rt, key, value)
        {
                static const char *const order[] = {"crun", "runwarden-trusted", "runwarden",
                                                    "runwarden-service"};

                assert_true(k < 4);
                assert_string_equal(key, order[k++]);
        }
        assert_int_equal(k, 4);
        want = rw_test_parse("{\"path\":\"/usr/bin/runwarden-trusted\"}");
        assert_true(json_equal(json_object_get(rt, "runwarden-trusted"), want));
        json_decref(want);
        assert_int_equal(notes.n, 2);
        assert_non_null(strstr(notes.v[0], "removed runtime runwarden-gone"));
        assert_non_null(strstr(notes.v[1], "runtimeArgs dropped"));
        assert_null(json_object_get(out, "default-runtime"));

        /* A second run changes nothing. */
        rw_engine_notes_clear(&notes);
        assert_int_equal(rw_engine_docker(out, &req, &again, &notes, &err), 0);
        assert_true(json_equal(out, again));
        assert_int_equal(notes.n, 0);
        json_decref(again);

        req.default_runtime = "runwarden-trusted";
        assert_int_equal(rw_engine_docker(NULL, &req, &again, &notes, &err), 0);
        assert_string_equal(json_string_value(json_object_get(again, "default-runtime")),
                            "runwarden-trusted");
        assert_int_equal(json_object_size(json_object_get(again, "runtimes")), 3);
        json_decref(again);

        req.default_runtime = "runc";
        assert_int_equal(rw_engine_docker(NULL, &req, &again, &notes, &err), -EINVAL);
        req.default_runtime = NULL;
        json_decref(in);
        in = rw_test_parse("{\"runtimes\":[]}");
        assert_int_equal(rw_engine_docker(in, &req, &again, &notes, &err), -EINVAL);
        json_decref(in);
        in = rw_test_parse("[]");
        assert_int_equal(rw_engine_docker(in, &req, &again, &notes, &err), -EINVAL);
        json_decref(in);
        json_decref(out);
        rw_engine_notes_clear(&notes);
}

/* Debian 12's /etc/containerd/config.toml. */
static const char debian_containerd[] = "version = 2\n"
                                        "\n"
                                        "[plugins]\n"
                                        "  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
                                        "    [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
                                        "      bin_dir = \"/usr/lib/cni\"\n"
                                        "      conf_dir = \"/etc/cni/net.d\"\n"
                                        "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
                                        "    path = \"/var/lib/containerd/opt\"\n";

static char *containerd(const char *text, const struct rw_engine_request *req,
                        struct rw_engine_notes *notes, int expect)
{
        struct rw_error err = {0};
        char *out = NULL;
        int r = rw_engine_containerd(text, text != NULL ? strlen(text) : 0, req, &out, notes, &err);

        if (r != expect)
                fail_msg("rw_engine_containerd: %d (%s)", r, err.msg);
        return out;
}

static void test_containerd(void **state)
{
        struct rw_engine_notes notes = {0};
        char *out, *again;

        (void)state;
        out = containerd(debian_containerd, &req3, &notes, 0);
        /* The operator's text is kept byte for byte; the block follows it. */
        assert_memory_equal(out, debian_containerd, strlen(debian_containerd));
        assert_non_null(strstr(out, "\n\n# BEGIN runwardenctl setup containerd"));
        assert_non_null(strstr(out, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes."
                                    "runc]\n  runtime_type = \"io.containerd.runc.v2\"\n"));
        assert_non_null(strstr(
            out, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runwarden-trusted]\n"
                 "  runtime_type = \"io.containerd.runc.v2\"\n"
                 "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runwarden-trusted."
                 "options]\n"
                 "    BinaryName = \"/usr/bin/runwarden-trusted\"\n"));
        assert_null(strstr(out, "SystemdCgroup"));
        assert_int_equal(notes.n, 1);
        assert_non_null(strstr(notes.v[0], "runc"));
        assert_string_equal(strstr(out, "# END"), "# END runwardenctl setup containerd\n");
        rw_engine_notes_clear(&notes);

        /* Idempotent; a tier dropped from the policy disappears with the block's old text. */
        again = containerd(out, &req3, &notes, 0);
        assert_string_equal(again, out);
        free(again);
        {
                struct rw_engine_request two = {runtimes3, 2, NULL};

                again = containerd(out, &two, &notes, 0);
                assert_null(strstr(again, "runwarden-trusted"));
                assert_non_null(strstr(again, "runwarden-service"));
                assert_memory_equal(again, debian_containerd, strlen(debian_containerd));
                free(again);
        }
        free(out);
        rw_engine_notes_clear(&notes);

        /* No file: a version 2 file. */
        out = containerd(NULL, &req3, &notes, 0);
        assert_memory_equal(out, "version = 2\n\n# BEGIN", 20);
        free(out);
        rw_engine_notes_clear(&notes);
}

static void test_containerd_existing_runtimes(void **state)
{
        static const char systemd[] =
            "version = 2\n"
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
            "  default_runtime_name = \"runc\"\n"
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
            "  runtime_type = \"io.containerd.runc.v2\"\n"
            "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
            "    SystemdCgroup = true";
        struct rw_engine_request req = req3;
        struct rw_engine_notes notes = {0};
        char *out, *again;

        (void)state;
        out = containerd(systemd, &req, &notes, 0);
        /* runc is the operator's: not written again. The block starts on its own line. */
        assert_null(strstr(out + strlen(systemd), "runtimes.runc]"));
        assert_non_null(strstr(out, "SystemdCgroup = true\n\n# BEGIN"));
        assert_non_null(
            strstr(out, "BinaryName = \"/usr/bin/runwarden\"\n    SystemdCgroup = true\n"));
        assert_int_equal(notes.n, 1);
        free(out);
        rw_engine_notes_clear(&notes);

        /* The default runtime is set where the operator wrote it. */
        req.default_runtime = "runwarden";
        out = containerd(systemd, &req, &notes, 0);
        assert_non_null(strstr(out, "  default_runtime_name = \"runwarden\"\n[plugins"));
        again = containerd(out, &req, &notes, 0);
        assert_string_equal(again, out);
        free(again);
        free(out);
        rw_engine_notes_clear(&notes);

        /* Without a [..containerd] table: inserted after an existing header, or in the block. */
        out = containerd(debian_containerd, &req, &notes, 0);
        assert_non_null(strstr(out, "# BEGIN runwardenctl setup containerd: runwarden's runtimes, "
                                    "one per tier (generated: run it again after a policy change "
                                    "instead of editing)\n"
                                    "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                                    "  default_runtime_name = \"runwarden\"\n"));
        free(out);
        rw_engine_notes_clear(&notes);
        out = containerd("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n", &req,
                         &notes, 0);
        assert_non_null(
            strstr(out, "containerd]\n  default_runtime_name = \"runwarden\"\n\n# BEGIN"));
        free(out);
        rw_engine_notes_clear(&notes);
        req.default_runtime = "crun";
        containerd(debian_containerd, &req, &notes, -EINVAL);
}

static void test_containerd_refusals(void **state)
{
        struct rw_engine_notes notes = {0};
        struct rw_error err = {0};
        char *out = NULL;

        (void)state;
        /* Version 1 files name the plugin "cri". */
        out = containerd("[plugins.cri.containerd]\n  snapshotter = \"overlayfs\"\n", &req3, &notes,
                         0);
        assert_non_null(strstr(out, "[plugins.cri.containerd.runtimes.runwarden]\n"));
        free(out);
        rw_engine_notes_clear(&notes);

        containerd("version = 3\n", &req3, &notes, -ENOTSUP);
        containerd("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes."
                   "runwarden]\nruntime_type = \"x\"\n",
                   &req3, &notes, -EEXIST);
        containerd("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\ncontainerd = { "
                   "snapshotter = \"x\" }\n",
                   &req3, &notes, -EINVAL);
        containerd("# BEGIN runwardenctl setup containerd\nversion = 2\n", &req3, &notes, -EINVAL);
        containerd("# END runwardenctl setup containerd\n", &req3, &notes, -EINVAL);
        assert_int_equal(rw_engine_containerd("x = [", 5, &req3, &out, &notes, &err), -EINVAL);
        assert_string_equal(err.msg, "line 1: unterminated array or inline table");
        {
                struct rw_engine_runtime bad[] = {{"crun", "/usr/bin/crun"}};
                struct rw_engine_request req = {bad, 1, NULL};

                containerd(NULL, &req, &notes, -EINVAL);
        }
        rw_engine_notes_clear(&notes);

        assert_int_equal(rw_engine_containerd2_dropin(&req3, &out, &err), 0);
        assert_non_null(strstr(out, "version = 3\n"));
        assert_non_null(
            strstr(out, "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runwarden]\n"
                        "  runtime_type = \"io.containerd.runc.v2\"\n"));
        free(out);
}

static char *podman(const char *text, const struct rw_engine_request *req,
                    struct rw_engine_notes *notes, int expect)
{
        struct rw_error err = {0};
        char *out = NULL;
        int r = rw_engine_podman(text, text != NULL ? strlen(text) : 0, req, &out, notes, &err);

        if (r != expect)
                fail_msg("rw_engine_podman: %d (%s)", r, err.msg);
        return out;
}

static void test_podman(void **state)
{
        /* The shape of the containers.conf podman ships: tables present, entries commented. */
        static const char shipped[] = "[containers]\n"
                                      "#log_driver = \"k8s-file\"\n"
                                      "\n"
                                      "[engine]\n"
                                      "# The default runtime\n"
                                      "#runtime = \"crun\"\n"
                                      "events_logger = \"file\"\n"
                                      "\n"
                                      "# Paths to look for a valid OCI runtime\n"
                                      "[engine.runtimes]\n"
                                      "#runc = [\"/usr/bin/runc\"]\n"
                                      "\n"
                                      "[engine.volume_plugins]\n";
        struct rw_engine_request req = req3;
        struct rw_engine_notes notes = {0};
        char *out, *again;

        (void)state;
        out = podman(shipped, &req, &notes, 0);
        assert_string_equal(
            out, "[containers]\n"
                 "#log_driver = \"k8s-file\"\n"
                 "\n"
                 "[engine]\n"
                 "# The default runtime\n"
                 "#runtime = \"crun\"\n"
                 "events_logger = \"file\"\n"
                 "# BEGIN runwardenctl setup podman [engine] (generated: run it again after a "
                 "policy change instead of editing)\n"
                 "runtime_supports_json = [\"crun\", \"runc\", \"kata\", \"runsc\", \"youki\", "
                 "\"krun\", \"ocijail\", \"runwarden\", \"runwarden-service\", "
                 "\"runwarden-trusted\"]\n"
                 "# END runwardenctl setup podman [engine]\n"
                 "\n"
                 "# Paths to look for a valid OCI runtime\n"
                 "[engine.runtimes]\n"
                 "# BEGIN runwardenctl setup podman [engine.runtimes] (generated: run it again "
                 "after a policy change instead of editing)\n"
                 "runwarden = [\"/usr/bin/runwarden\"]\n"
                 "runwarden-service = [\"/usr/bin/runwarden-service\"]\n"
                 "runwarden-trusted = [\"/usr/bin/runwarden-trusted\"]\n"
                 "# END runwardenctl setup podman [engine.runtimes]\n"
                 "#runc = [\"/usr/bin/runc\"]\n"
                 "\n"
                 "[engine.volume_plugins]\n");
        assert_int_equal(notes.n, 0);
        again = podman(out, &req, &notes, 0);
        assert_string_equal(again, out);
        free(again);

        /* A default runtime, then a tier fewer: the blocks are rewritten where they are. */
        req.default_runtime = "runwarden";
        req.n_runtimes = 2;
        again = podman(out, &req, &notes, 0);
        assert_non_null(strstr(again, "\"runwarden-service\"]\nruntime = \"runwarden\"\n# END"));
        assert_null(strstr(again, "runwarden-trusted"));
        free(again);
        free(out);

        /* No file: both tables in blocks of their own. */
        req = req3;
        out = podman(NULL, &req, &notes, 0);
        assert_memory_equal(out, "# BEGIN runwardenctl setup podman [engine]", 42);
        assert_non_null(strstr(out, "instead of editing)\n[engine]\nruntime_supports_json = "));
        assert_non_null(strstr(out, "# END runwardenctl setup podman [engine]\n# BEGIN "
                                    "runwardenctl setup podman [engine.runtimes]"));
        assert_non_null(strstr(out, "instead of editing)\n[engine.runtimes]\nrunwarden = "));
        again = podman(out, &req, &notes, 0);
        assert_string_equal(again, out);
        free(again);
        free(out);
        rw_engine_notes_clear(&notes);
}

static void test_podman_operator_values(void **state)
{
        static const char text[] = "[engine]\n"
                                   "runtime = \"crun\"\n"
                                   "runtime_supports_json = [\"crun\", \"runc\"] # mine\n"
                                   "[engine.runtimes]\n"
                                   "runwarden = [\"/opt/runwarden\"]\n"
                                   "runwarden-old = [\"/opt/runwarden-old\"]\n"
                                   "crun = [\"/usr/bin/crun\"]";
        struct rw_engine_request req = req3;
        struct rw_engine_notes notes = {0};
        char *out, *again;

        (void)state;
        req.default_runtime = "runwarden-trusted";
        out = podman(text, &req, &notes, 0);
        assert_string_equal(
            out, "[engine]\n"
                 "runtime = \"runwarden-trusted\"\n"
                 "runtime_supports_json = [\"crun\", \"runc\", \"runwarden\", "
                 "\"runwarden-service\", \"runwarden-trusted\"] # mine\n"
                 "[engine.runtimes]\n"
                 "runwarden = [\"/usr/bin/runwarden\"]\n"
                 "crun = [\"/usr/bin/crun\"]\n"
                 "# BEGIN runwardenctl setup podman [engine.runtimes] (generated: run it again "
                 "after a policy change instead of editing)\n"
                 "runwarden-service = [\"/usr/bin/runwarden-service\"]\n"
                 "runwarden-trusted = [\"/usr/bin/runwarden-trusted\"]\n"
                 "# END runwardenctl setup podman [engine.runtimes]\n");
        assert_int_equal(notes.n, 1);
        assert_non_null(strstr(notes.v[0], "removed runtime runwarden-old"));
        rw_engine_notes_clear(&notes);
        again = podman(out, &req, &notes, 0);
        assert_string_equal(again, out);
        assert_int_equal(notes.n, 0);
        free(again);
        free(out);

        podman("engine.runtime = \"crun\"\n", &req, &notes, -EINVAL);
        podman("[engine]\nruntimes.crun = [\"/usr/bin/crun\"]\n", &req, &notes, -EINVAL);
        podman("engine = { runtime = \"crun\" }\n", &req, &notes, -EINVAL);
        podman("[engine]\nruntime_supports_json = \"crun\"\n", &req, &notes, -EMEDIUMTYPE);
        req.default_runtime = "crun";
        podman(NULL, &req, &notes, -EINVAL);
        rw_engine_notes_clear(&notes);
}

/* ---- runc versions ---- */

static void test_runc_versions(void **state)
{
        static char *const debian[] = {"CVE-2023-27561", "CVE-2024-21626", NULL};
        struct rw_runc_version v;
        const struct {
                const char *version;
                char *const *changelog;
                enum rw_cve_status expect[4];
        } cases[] = {
            {"1.1.5+ds1",
             NULL,
             {RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            /* Debian 12's runc 1.1.5+ds1-1+deb12u1 names CVE-2024-21626 in its changelog. */
            {"1.1.5+ds1",
             debian,
             {RW_CVE_FIXED_BACKPORT, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"1.1.12",
             NULL,
             {RW_CVE_FIXED, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"1.1.15",
             NULL,
             {RW_CVE_FIXED, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"1.2.7",
             NULL,
             {RW_CVE_FIXED, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"1.2.8", NULL, {RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED}},
            {"1.3.2",
             NULL,
             {RW_CVE_FIXED, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"v1.3.3", NULL, {RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED}},
            {"1.4.0-rc.2",
             NULL,
             {RW_CVE_FIXED, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
            {"1.4.0-rc.3", NULL, {RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED}},
            {"1.4.0", NULL, {RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED}},
            {"1.5.1", NULL, {RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED, RW_CVE_FIXED}},
            {"1.0.0-rc92",
             NULL,
             {RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE, RW_CVE_VULNERABLE}},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                assert_true(rw_runc_version_parse(cases[i].version, &v));
                for (size_t c = 0; c < 4; c++) {
                        enum rw_cve_status got =
                            rw_runc_cve_judge(&rw_runc_cves[c], &v, cases[i].changelog);

                        if (got != cases[i].expect[c])
                                fail_msg("%s, %s: %d, expected %d", cases[i].version,
                                         rw_runc_cves[c].id, got, cases[i].expect[c]);
                }
        }
        assert_null(rw_runc_cves[4].id);
        assert_true(rw_runc_version_parse("1.0.0-rc92", &v));
        assert_int_equal(v.rc, 92);
        assert_false(rw_runc_version_parse("1.2", &v));
        assert_false(rw_runc_version_parse("release-20221219.0", &v));
        assert_false(rw_runc_version_parse("1.2.3-rc.0", &v));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_toml_scan),
            cmocka_unit_test(test_toml_errors),
            cmocka_unit_test(test_toml_values),
            cmocka_unit_test(test_toml_helpers),
            cmocka_unit_test(test_docker),
            cmocka_unit_test(test_containerd),
            cmocka_unit_test(test_containerd_existing_runtimes),
            cmocka_unit_test(test_containerd_refusals),
            cmocka_unit_test(test_podman),
            cmocka_unit_test(test_podman_operator_values),
            cmocka_unit_test(test_runc_versions),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
