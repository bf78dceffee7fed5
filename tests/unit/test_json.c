/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cleanup.h"
#include "json_internal.h"

static char *dump(const json_t *doc)
{
        struct rw_error err = {0};
        char *text = NULL;
        size_t len = 0;

        if (rw_json_dump(doc, &text, &len, &err) < 0)
                fail_msg("dump failed: %s", err.msg);
        assert_int_equal(strlen(text), len);
        return text;
}

/* Parse `in`, dump it and expect exactly `out`. */
static void assert_round_trip(const char *in, const char *out)
{
        _cleanup_json_ json_t *doc = rw_test_parse(in);
        _cleanup_free_ char *text = dump(doc);

        if (strcmp(text, out) != 0)
                fail_msg("round trip of %s\n gave %s\n want %s", in, text, out);
}

/* Parsing `len` bytes of `in` must fail with `code` and a message containing `needle`. */
static void assert_parse_fails_n(const char *in, size_t len, int code, const char *needle)
{
        struct rw_error err = {0};
        json_t *doc = NULL;
        int r;

        r = rw_json_parse(in, len, &doc, &err);
        if (r >= 0)
                fail_msg("parse of %.*s succeeded", (int)len, in);
        assert_null(doc);
        assert_int_equal(r, -code);
        assert_int_equal(err.code, code);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("error for %.*s is \"%s\", expected it to contain \"%s\"", (int)len, in,
                         err.msg, needle);
}

static void assert_parse_fails(const char *in, const char *needle)
{
        assert_parse_fails_n(in, strlen(in), EINVAL, needle);
}

static void assert_dump_fails(const json_t *doc, const char *needle)
{
        struct rw_error err = {0};
        char *text = NULL;
        size_t len = 0;

        assert_true(rw_json_dump(doc, &text, &len, &err) < 0);
        assert_null(text);
        assert_int_equal(err.code, EINVAL);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("dump error is \"%s\", expected it to contain \"%s\"", err.msg, needle);
}

static void assert_verbatim(const json_t *value, const char *text)
{
        assert_non_null(value);
        assert_true(rw_json_is_verbatim_number(value));
        assert_string_equal(rw_json_verbatim_number_text(value), text);
}

static void assert_integer(const json_t *value, json_int_t expected)
{
        assert_non_null(value);
        assert_true(json_is_integer(value));
        assert_false(rw_json_is_verbatim_number(value));
        assert_null(rw_json_verbatim_number_text(value));
        assert_true(json_integer_value(value) == expected);
}

/* rw_json_compact_size() of `value` and of everything in it is what json_dumps() writes. */
static void assert_compact_size_everywhere(const json_t *value)
{
        _cleanup_free_ char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        const char *key;
        json_t *item;
        size_t i;

        assert_non_null(text);
        if (rw_json_compact_size(value) != strlen(text))
                fail_msg("compact size %zu, json_dumps wrote %zu: %s", rw_json_compact_size(value),
                         strlen(text), text);
        json_object_foreach((json_t *)value, key, item)
        {
                assert_compact_size_everywhere(item);
        }
        json_array_foreach((json_t *)value, i, item)
        {
                assert_compact_size_everywhere(item);
        }
}

/* What json_dumps() writes, with "\u0000rwnum:TOKEN" strings replaced by TOKEN: the text
 * rw_json_dump() wrote before it had a writer of its own. */
static char *dump_by_jansson(const json_t *doc)
{
        static const char marker[] = "\"\\u0000rwnum:";
        char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY), *in, *out;

        if (text == NULL)
                return NULL;
        for (in = out = text; *in != '\0';) {
                if (strncmp(in, marker, sizeof(marker) - 1) == 0) {
                        in += sizeof(marker) - 1;
                        while (*in != '"')
                                *out++ = *in++;
                        in++;
                        continue;
                }
                *out++ = *in++;
        }
        *out = '\0';
        return text;
}

/* rw_json_dump() writes exactly what jansson writes, or fails where jansson fails. */
static void assert_dumps_like_jansson(const json_t *doc)
{
        _cleanup_free_ char *want = dump_by_jansson(doc);
        _cleanup_free_ char *got = NULL;
        struct rw_error err = {0};
        size_t len = 0;

        if (rw_json_dump(doc, &got, &len, &err) < 0) {
                if (want != NULL)
                        fail_msg("rw_json_dump failed (%s) where jansson wrote %s", err.msg, want);
                return;
        }
        if (want == NULL)
                fail_msg("rw_json_dump wrote %s where jansson failed", got);
        assert_int_equal(len, strlen(got));
        if (strcmp(got, want) != 0)
                fail_msg("rw_json_dump wrote\n %s\njansson wrote\n %s", got, want);
}

static void test_dump_like_jansson(void **state)
{
        static const char *const texts[] = {
            "[]",
            "{}",
            "\"\"",
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
            "[1.5,-0,1e400,{\"a\":[0.1]}]",
            "true",
            "false",
            "null",
            "{\"a\":{\"b\":[1,{\"c\":\"d\"}],\"e\":{}},\"f\":[[],[[]]]}",
            "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\\u00e9\\u2028\\ud83d\\ude00\"]",
            "{\"k\\ney\":\"\\u001Fx\",\"\\u00e9\":1}",
            "[\"\\\\u0000rwnum:1.5\",\"rwnum:1.5\"]",
        };
        _cleanup_json_ json_t *crafted = json_array();
        char all[128];

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(texts); i++) {
                _cleanup_json_ json_t *doc = rw_test_parse(texts[i]);

                assert_dumps_like_jansson(doc);
        }
        for (int c = 1; c < 128; c++)
                all[c - 1] = (char)c;
        all[127] = '\0';
        assert_int_equal(json_array_append_new(crafted, json_string(all)), 0);
        assert_int_equal(json_array_append_new(crafted, json_integer(INT64_MIN)), 0);
        assert_dumps_like_jansson(crafted);
        /* Invalid UTF-8 a rule could build without jansson's check: both refuse it. */
        {
                static const char *const bad[] = {
                    "\xc0\xaf",         "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                    "\xf5\x80\x80\x80", "\x80",         "a\xc3",        "\xe2\x82"};
                static const char *const good[] = {
                    "\xc2\x80",     "\xdf\xbf",         "\xe0\xa0\x80",    "\xed\x9f\xbf",
                    "\xee\x80\x80", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"};

                for (size_t i = 0; i < RW_ELEMENTSOF(bad); i++) {
                        _cleanup_json_ json_t *doc =
                            json_pack("[o]", json_stringn_nocheck(bad[i], strlen(bad[i])));
                        _cleanup_free_ char *text = NULL;
                        struct rw_error err = {0};
                        size_t len;

                        assert_null(dump_by_jansson(doc));
                        assert_int_equal(rw_json_dump(doc, &text, &len, &err), -EINVAL);
                        assert_non_null(strstr(err.msg, "invalid UTF-8"));
                }
                for (size_t i = 0; i < RW_ELEMENTSOF(good); i++) {
                        _cleanup_json_ json_t *doc =
                            json_pack("[o]", json_stringn_nocheck(good[i], strlen(good[i])));

                        assert_dumps_like_jansson(doc);
                }
        }
}

/* What rw_json_dump() wrote, rw_json_parse() reads back to an equal document. */
static void assert_reads_back(const json_t *doc)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *back = NULL;
        struct rw_error err = {0};
        size_t len;

        assert_int_equal(rw_json_dump(doc, &text, &len, &err), 0);
        if (rw_json_parse(text, len, &back, &err) < 0)
                fail_msg("rw_json_parse refused what rw_json_dump wrote: %s (%s)", text, err.msg);
        assert_true(json_equal(doc, back));
}

static void test_dump_reads_back(void **state)
{
        _cleanup_json_ json_t *deep = json_array();
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *flat = NULL;
        json_t *inner = deep, *doc = NULL;
        struct rw_error err = {0};
        size_t len;

        (void)state;
        flat = rw_test_parse("[1.5,-0,18446744073709551615,-9223372036854775808,"
                             "9223372036854775807,0,{},[],\"\",\"\\\"\\\\\\b\\f"
                             "\\n\\r\\t\\u0001\\u001f/\\u00e9\",{\"k\\n\":[true,false,"
                             "null]}]");
        assert_reads_back(flat);
        /* as deep as rw_json_parse() reads, and not deeper */
        for (int depth = 2; depth <= JSON_PARSER_MAX_DEPTH; depth++) {
                json_t *next = json_array();

                assert_int_equal(json_array_append_new(inner, next), 0);
                inner = next;
        }
        assert_reads_back(deep);
        assert_int_equal(rw_json_dump(deep, &text, &len, &err), 0);
        {
                _cleanup_free_ char *deeper = malloc(len + 3);

                assert_non_null(deeper);
                deeper[0] = '[';
                memcpy(deeper + 1, text, len);
                deeper[len + 1] = ']';
                deeper[len + 2] = '\0';
                assert_true(rw_json_parse(deeper, len + 2, &doc, &err) < 0);
                assert_null(doc);
        }
}

/* The size of what would be written, counted: every escape, every kind of number. */
static void test_compact_size(void **state)
{
        _cleanup_json_ json_t *doc = json_array();
        _cleanup_json_ json_t *obj = json_object();
        char all[64];

        (void)state;
        for (int c = 1; c < 64; c++)
                all[c - 1] = (char)c;
        all[63] = '\0';
        assert_int_equal(json_array_append_new(doc, json_string(all)), 0);
        assert_int_equal(json_array_append_new(doc, json_stringn("a\0\"\\/\x7f", 6)), 0);
        assert_int_equal(
            json_array_append_new(doc, json_string("\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80")), 0);
        assert_int_equal(json_array_append_new(doc, json_integer(0)), 0);
        assert_int_equal(json_array_append_new(doc, json_integer(-7)), 0);
        assert_int_equal(json_array_append_new(doc, json_integer(10)), 0);
        assert_int_equal(json_array_append_new(doc, json_integer(INT64_MAX)), 0);
        assert_int_equal(json_array_append_new(doc, json_integer(INT64_MIN)), 0);
        assert_int_equal(json_array_append_new(doc, json_real(0.1)), 0);
        assert_int_equal(json_array_append_new(doc, json_true()), 0);
        assert_int_equal(json_array_append_new(doc, json_false()), 0);
        assert_int_equal(json_array_append_new(doc, json_null()), 0);
        assert_int_equal(json_array_append_new(doc, json_array()), 0);
        assert_int_equal(json_array_append_new(doc, json_object()), 0);
        assert_int_equal(json_object_setn_new(obj, "k\0\n\"", 4, json_string("v")), 0);
        assert_int_equal(json_object_set_new(obj, "", json_pack("[i,{}]", 1)), 0);
        assert_int_equal(json_array_append(doc, obj), 0);
        assert_compact_size_everywhere(doc);
        json_decref(doc);
        doc = rw_test_parse("[18446744073709551615, 1.5, -0, {\"a\": [1e400]}]");
        assert_compact_size_everywhere(doc);
}

/* Every captured engine input is compact, so a lossless round trip gives back the same bytes. */
static void fixture_round_trips(const char *path, char *text, size_t len)
{
        _cleanup_free_ char *out = NULL;
        _cleanup_json_ json_t *doc = NULL, *back = NULL;
        struct rw_error err = {0};
        size_t out_len;

        if (rw_json_parse(text, len, &doc, &err) < 0)
                fail_msg("%s: %s", path, err.msg);
        if (rw_json_dump(doc, &out, &out_len, &err) < 0)
                fail_msg("%s: %s", path, err.msg);
        /* Two of them end in a newline, which is not part of the document. */
        if (len > 0 && text[len - 1] == '\n')
                text[--len] = '\0';
        if (out_len != len || memcmp(out, text, len) != 0)
                fail_msg("%s does not round trip byte for byte", path);
        back = rw_test_parse(out);
        assert_true(json_equal(doc, back));
        assert_compact_size_everywhere(doc);
        assert_dumps_like_jansson(doc);
        assert_reads_back(doc);
}

static void test_fixtures_round_trip_byte_identical(void **state)
{
        (void)state;
        assert_true(rw_test_each_fixture(fixture_round_trips) >= 7);
}

static void test_fixture_rlimit_infinity(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_load_fixture("docker-ulimit-unlimited.json");
        _cleanup_free_ char *text = NULL;
        json_t *memlock, *nofile;

        (void)state;
        memlock = rw_test_get(doc, "/process/rlimits/0");
        nofile = rw_test_get(doc, "/process/rlimits/1");
        assert_string_equal(json_string_value(json_object_get(memlock, "type")), "RLIMIT_MEMLOCK");
        assert_verbatim(json_object_get(memlock, "hard"), "18446744073709551615");
        assert_verbatim(json_object_get(memlock, "soft"), "18446744073709551615");
        assert_integer(json_object_get(nofile, "hard"), 1048576);
        text = dump(doc);
        assert_non_null(strstr(text, "{\"type\":\"RLIMIT_MEMLOCK\",\"hard\":18446744073709551615,"
                                     "\"soft\":18446744073709551615}"));
}

static void test_numbers(void **state)
{
        const char *text = "[18446744073709551615,1,-9223372036854775808,-9223372036854775809,"
                           "9223372036854775807,9223372036854775808,-0,0,1e400,0.1,1.5e-7,"
                           "-1.5E+7,100000000000000000000000000000,-18446744073709551615,1.0,"
                           "-0.0,0e0,123456789012345678]";
        _cleanup_json_ json_t *doc = rw_test_parse(text);

        (void)state;
        assert_int_equal(json_array_size(doc), 18);
        assert_verbatim(json_array_get(doc, 0), "18446744073709551615");
        assert_integer(json_array_get(doc, 1), 1);
        assert_integer(json_array_get(doc, 2), INT64_MIN);
        assert_verbatim(json_array_get(doc, 3), "-9223372036854775809");
        assert_integer(json_array_get(doc, 4), INT64_MAX);
        assert_verbatim(json_array_get(doc, 5), "9223372036854775808");
        assert_verbatim(json_array_get(doc, 6), "-0");
        assert_integer(json_array_get(doc, 7), 0);
        assert_verbatim(json_array_get(doc, 8), "1e400");
        assert_verbatim(json_array_get(doc, 9), "0.1");
        assert_verbatim(json_array_get(doc, 10), "1.5e-7");
        assert_verbatim(json_array_get(doc, 11), "-1.5E+7");
        assert_verbatim(json_array_get(doc, 12), "100000000000000000000000000000");
        assert_verbatim(json_array_get(doc, 13), "-18446744073709551615");
        assert_verbatim(json_array_get(doc, 14), "1.0");
        assert_verbatim(json_array_get(doc, 15), "-0.0");
        assert_verbatim(json_array_get(doc, 16), "0e0");
        assert_integer(json_array_get(doc, 17), 123456789012345678);
        assert_round_trip(text, text);
}

static void test_numbers_nested_and_top_level(void **state)
{
        (void)state;
        assert_round_trip("{\"a\":{\"b\":[{\"c\":1.0,\"d\":[18446744073709551615,[2.5e10]]}]},"
                          "\"e\":-0.0,\"f\":[1,18446744073709551615,2]}",
                          "{\"a\":{\"b\":[{\"c\":1.0,\"d\":[18446744073709551615,[2.5e10]]}]},"
                          "\"e\":-0.0,\"f\":[1,18446744073709551615,2]}");
        assert_round_trip("{ \"a\" : 1.5 , \"b\" : [ 1e3 ,\n\t18446744073709551615\r\n] }",
                          "{\"a\":1.5,\"b\":[1e3,18446744073709551615]}");
        assert_round_trip("1.5", "1.5");
        assert_round_trip(" 18446744073709551615 ", "18446744073709551615");
        assert_round_trip("-7", "-7");
        assert_round_trip("\"x\"", "\"x\"");
        assert_round_trip("null", "null");
        assert_round_trip("[true,false,null,0.5]", "[true,false,null,0.5]");
        assert_round_trip("{}", "{}");
        assert_round_trip("[]", "[]");
}

static void test_key_order_preserved(void **state)
{
        (void)state;
        assert_round_trip("{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2},\"c\":3}",
                          "{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2},\"c\":3}");
}

static void test_strings_and_escapes(void **state)
{
        const char *text =
            "{\"e\":\"\\u00e9\",\"raw\":\"\xc3\xa9\",\"n\":\"a\\nb\",\"s\":\"a\\/b\","
            "\"q\":\"\\\"\\\\\",\"c\":\"\\b\\f\\r\\t\\u0001\",\"ls\":\"\\u2028\","
            "\"smile\":\"\\ud83d\\ude00\"}";
        _cleanup_json_ json_t *doc = rw_test_parse(text);
        _cleanup_json_ json_t *back = NULL;
        _cleanup_free_ char *out = NULL;

        (void)state;
        assert_string_equal(json_string_value(json_object_get(doc, "e")), "\xc3\xa9");
        assert_string_equal(json_string_value(json_object_get(doc, "n")), "a\nb");
        assert_string_equal(json_string_value(json_object_get(doc, "s")), "a/b");
        assert_string_equal(json_string_value(json_object_get(doc, "q")), "\"\\");
        assert_string_equal(json_string_value(json_object_get(doc, "smile")), "\xf0\x9f\x98\x80");
        out = dump(doc);
        /* jansson writes UTF-8 and "/" unescaped: other bytes, the same document. */
        assert_string_equal(out, "{\"e\":\"\xc3\xa9\",\"raw\":\"\xc3\xa9\",\"n\":\"a\\nb\","
                                 "\"s\":\"a/b\",\"q\":\"\\\"\\\\\",\"c\":\"\\b\\f\\r\\t\\u0001\","
                                 "\"ls\":\"\xe2\x80\xa8\",\"smile\":\"\xf0\x9f\x98\x80\"}");
        back = rw_test_parse(out);
        assert_true(json_equal(doc, back));
}

/* The output rewriting relies on how jansson escapes a NUL. */
static void test_jansson_escapes_nul_as_expected(void **state)
{
        _cleanup_json_ json_t *s = json_stringn("\0rwnum:1.5", 10);
        _cleanup_free_ char *text = NULL;

        (void)state;
        assert_non_null(s);
        text = json_dumps(s, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_string_equal(text, "\"\\u0000rwnum:1.5\"");
}

static void test_duplicate_keys_refused(void **state)
{
        (void)state;
        assert_parse_fails("{\"a\":1,\"a\":2}", "duplicate object key");
        assert_parse_fails("{\"x\":{\"a\":1.5,\"b\":2,\"a\":3}}", "duplicate object key");
        assert_parse_fails("[{\"a\":18446744073709551615,\"a\":18446744073709551615}]",
                           "duplicate object key");
}

static void test_nul_refused(void **state)
{
        static const char raw[] = "{\"a\":\"x\0y\"}";
        static const char outside[] = "[1,\0 2]";

        (void)state;
        assert_parse_fails("{\"a\":\"x\\u0000y\"}", "NUL character in a string at byte 7");
        assert_parse_fails("{\"a\":\"x\\u0000y\"}", "line 1, column 8:");
        assert_parse_fails("{\"\\u0000rwnum:5\":1}", "NUL character in a string at byte 2");
        assert_parse_fails("[\"\\u0000rwnum:1.5\"]", "NUL character in a string");
        assert_parse_fails("[\"\\\\\\u0000\"]", "NUL character in a string at byte 4");
        assert_parse_fails("{\n  \"a\": [\n    \"\\u0000\"]}", "line 3, column 6:");
        assert_parse_fails_n(raw, sizeof(raw) - 1, EINVAL, "NUL character in a string at byte 7");
        assert_parse_fails_n(outside, sizeof(outside) - 1, EINVAL, "NUL character at byte 3");
}

/* An escaped backslash followed by "u0000rwnum:" is text, in the input and in the output. */
static void test_marker_lookalikes(void **state)
{
        const char *text =
            "[\"\\\\u0000rwnum:5\",\"\\\\u0000rwnum:1.5\",\"x\\\\u0000rwnum:1.5\","
            "\"\\\\\\\\u0000rwnum:1.5\",\"rwnum:1.5\",\"\\\\\",1.5,\"\\\\\\\"\",2.5]";
        _cleanup_json_ json_t *doc = rw_test_parse(text);

        (void)state;
        assert_int_equal(json_array_size(doc), 9);
        assert_string_equal(json_string_value(json_array_get(doc, 0)), "\\u0000rwnum:5");
        assert_string_equal(json_string_value(json_array_get(doc, 1)), "\\u0000rwnum:1.5");
        assert_string_equal(json_string_value(json_array_get(doc, 2)), "x\\u0000rwnum:1.5");
        assert_string_equal(json_string_value(json_array_get(doc, 3)), "\\\\u0000rwnum:1.5");
        assert_string_equal(json_string_value(json_array_get(doc, 5)), "\\");
        assert_string_equal(json_string_value(json_array_get(doc, 7)), "\\\"");
        for (size_t i = 0; i < 8; i++) {
                if (i == 6)
                        continue;
                assert_false(rw_json_is_verbatim_number(json_array_get(doc, i)));
                assert_null(rw_json_verbatim_number_text(json_array_get(doc, i)));
        }
        assert_verbatim(json_array_get(doc, 6), "1.5");
        assert_verbatim(json_array_get(doc, 8), "2.5");
        assert_round_trip(text, text);
        /* The same strings as object keys. */
        assert_round_trip("{\"\\\\u0000rwnum:1.5\":1.5,\"\\\\\":2.5}",
                          "{\"\\\\u0000rwnum:1.5\":1.5,\"\\\\\":2.5}");
}

/* Values a rule could build by hand must never be written if they would not read back the same;
 * everything else is written exactly as it parses back (checked here by parsing it back). */
static void test_dump_refuses_what_does_not_round_trip(void **state)
{
        _cleanup_json_ json_t *real = json_pack("{s:f}", "a", 0.5);
        _cleanup_json_ json_t *nul = json_pack("[s#]", "a\0b", (size_t)3);
        _cleanup_json_ json_t *int_marker = json_pack("[s#]", "\0rwnum:5", (size_t)8);
        _cleanup_json_ json_t *bad_marker = json_pack("[s#]", "\0rwnum:1,2", (size_t)10);
        _cleanup_json_ json_t *key_marker = json_object();
        _cleanup_json_ json_t *key_nul = json_object();
        _cleanup_json_ json_t *good_marker = json_pack("[s#]", "\0rwnum:1.5", (size_t)10);
        _cleanup_json_ json_t *deep = json_array();
        _cleanup_json_ json_t *back = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        json_t *inner = deep;

        (void)state;
        assert_dump_fails(real, "a real number");
        assert_dump_fails(nul, "NUL character in a string");
        assert_false(rw_json_is_verbatim_number(json_array_get(int_marker, 0)));
        assert_dump_fails(int_marker, "NUL character in a string");
        assert_false(rw_json_is_verbatim_number(json_array_get(bad_marker, 0)));
        assert_dump_fails(bad_marker, "NUL character in a string");
        /* A marker as a key would be written as {1.5:1}. */
        assert_int_equal(json_object_setn_new(key_marker, "\0rwnum:1.5", 10, json_integer(1)), 0);
        assert_dump_fails(key_marker, "NUL character in an object key");
        assert_int_equal(json_object_setn_new(key_nul, "a\0b", 3, json_integer(1)), 0);
        assert_dump_fails(key_nul, "NUL character in an object key");
        assert_true(rw_json_is_verbatim_number(json_array_get(good_marker, 0)));
        text = dump(good_marker);
        assert_string_equal(text, "[1.5]");

        /* jansson parses 2048 levels, counting the innermost value: one more is refused. */
        for (int depth = 2; depth <= JSON_PARSER_MAX_DEPTH; depth++) {
                json_t *next = json_array();

                assert_int_equal(json_array_append_new(inner, next), 0);
                inner = next;
        }
        free(text);
        text = dump(deep);
        assert_int_equal(rw_json_parse(text, strlen(text), &back, &err), 0);
        assert_true(json_equal(deep, back));
        json_decref(back);
        back = NULL;
        assert_int_equal(json_array_append_new(inner, json_integer(1)), 0);
        free(text);
        text = NULL;
        assert_dump_fails(deep, "nested deeper");
        /* ...as the parser would have refused it */
        text = json_dumps(deep, JSON_COMPACT);
        assert_non_null(text);
        assert_true(rw_json_parse(text, strlen(text), &back, &err) < 0);
}

static void test_verbatim_predicates_on_other_values(void **state)
{
        _cleanup_json_ json_t *doc =
            rw_test_parse("[\"1.5\",\"rwnum:1.5\",\"\",1,true,null,{},[],-0]");

        (void)state;
        for (size_t i = 0; i < 8; i++) {
                assert_false(rw_json_is_verbatim_number(json_array_get(doc, i)));
                assert_null(rw_json_verbatim_number_text(json_array_get(doc, i)));
        }
        assert_verbatim(json_array_get(doc, 8), "-0");
        assert_false(rw_json_is_verbatim_number(NULL));
        assert_null(rw_json_verbatim_number_text(NULL));
}

static void test_invalid_input_refused(void **state)
{
        static const char *const invalid[] = {
            "",
            " ",
            "{",
            "{\"a\":[1,2",
            "[\"abc",
            "{\"a\":tru}",
            "[1,]",
            "{\"a\":1,}",
            "{1.5:2}",
            "{ 18446744073709551615 : 1}",
            "{1:2}",
            "[01]",
            "[1.]",
            "[-]",
            "[1e]",
            "[.5]",
            "[+1]",
            "[1.5.3]",
            "[--1]",
            "[0x10]",
            "[NaN]",
            "[Infinity]",
            "[-Infinity]",
            "[1.5 2]",
            "1.5 2",
            "[1.5e5e5]",
            "[1.5-]",
            "[\"a\":1.5]",
            "[1.5:1]",
            "{\"a\" 1.5}",
            "\"\\x\"",
            "[\"\\u12\"]",
            "[tru1.5]",
            "{\"a\":1}x",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(invalid); i++)
                assert_parse_fails(invalid[i], "line ");
}

/*
 * Errors are reported at the position of the original text, even after numbers were rewritten:
 * compare with the same text where each rewritten number is replaced by an integer of the same
 * length, which jansson reads unchanged.
 */
static void test_error_positions_refer_to_original_text(void **state)
{
        static const char *const pairs[][2] = {
            {"{\"a\":1.5,}", "{\"a\":123,}"},
            {"[18446744073709551615,1e5,\"\xc3\xa9\",x]",
             "[\"123456789012345678\",123,\"\xc3\xa9\",x]"},
            {"{\n \"a\": 1e5,\n \"b\": 0.25, \"c\": 1.5 x\n}",
             "{\n \"a\": 123,\n \"b\": 1234, \"c\": 123 x\n}"},
            {"[1.5,2.5,3.5", "[123,123,123"},
            {"[1.5,2.5,3.5,{\"a\":1,\"a\":2}]", "[123,123,123,{\"a\":1,\"a\":2}]"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(pairs); i++) {
                struct rw_error a = {0}, b = {0};
                json_t *doc = NULL;
                const char *colon;

                assert_true(rw_json_parse(pairs[i][0], strlen(pairs[i][0]), &doc, &a) < 0);
                assert_true(rw_json_parse(pairs[i][1], strlen(pairs[i][1]), &doc, &b) < 0);
                colon = strchr(b.msg, ':');
                assert_non_null(colon);
                if (strncmp(a.msg, b.msg, (size_t)(colon - b.msg)) != 0)
                        fail_msg("position differs: \"%s\" vs \"%s\"", a.msg, b.msg);
        }
        assert_parse_fails("{\n \"a\": 1e5,\n \"b\": 0.25, \"c\": 1.5 x\n}", "line 3, column 22:");
}

static void test_error_messages_show_original_tokens(void **state)
{
        (void)state;
        assert_parse_fails("{\"a\" 1.5}", "near '1.5'");
        assert_parse_fails("[1e5 2.5]", "near '2.5'");
        {
                struct rw_error err = {0};
                json_t *doc = NULL;

                assert_true(rw_json_parse("[1e5 18446744073709551615]", 26, &doc, &err) < 0);
                assert_null(strstr(err.msg, "rwnum"));
                assert_null(strstr(err.msg, "\\u0000"));
        }
}

static void test_size_limit(void **state)
{
        size_t big = RW_JSON_MAX_SIZE + 1;
        _cleanup_free_ char *text = malloc(big);
        _cleanup_json_ json_t *doc = NULL;
        struct rw_error err = {0};

        (void)state;
        assert_non_null(text);
        memset(text, ' ', big);
        text[0] = '[';
        text[big - 1] = ']';
        assert_parse_fails_n(text, big, EFBIG, "larger than");
        /* One byte less is accepted. */
        text[big - 2] = ']';
        assert_int_equal(rw_json_parse(text, big - 1, &doc, &err), 0);
        assert_true(json_is_array(doc));
}

/* A verbatim document is written back as its text, counted as its length, equal (by text) to
 * the tree it was written from, and never made of anything but a whole object or array. */
static void test_verbatim_document(void **state)
{
        static const char text[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
                                   "[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}],\"n\":"
                                   "18446744073709551615}";
        _cleanup_json_ json_t *doc = rw_json_verbatim_document(text, strlen(text));
        _cleanup_json_ json_t *tree = NULL, *spec = NULL, *other = NULL;
        _cleanup_free_ char *out = NULL;
        struct rw_error err = {0};
        const char *back;
        size_t len;

        (void)state;
        assert_non_null(doc);
        assert_true(rw_json_is_verbatim_document(doc));
        assert_false(rw_json_is_verbatim_number(doc));
        back = rw_json_verbatim_document_text(doc, &len);
        assert_int_equal(len, strlen(text));
        assert_memory_equal(back, text, len);
        assert_int_equal(rw_json_compact_size(doc), strlen(text));

        /* inside a spec: the spec written with the text in its place */
        spec = rw_test_parse("{\"linux\": {\"seccomp\": null}, \"x\": 1}");
        assert_int_equal(json_object_set(json_object_get(spec, "linux"), "seccomp", doc), 0);
        assert_int_equal(rw_json_dump(spec, &out, &len, &err), 0);
        assert_string_equal(out, "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                                 "\"syscalls\":[{\"names\":[\"read\"],\"action\":"
                                 "\"SCMP_ACT_ALLOW\"}],\"n\":18446744073709551615}},\"x\":1}");

        /* compared by text with trees, both ways; never equal to another tree */
        assert_int_equal(rw_json_parse(text, strlen(text), &tree, &err), 0);
        assert_true(rw_json_equal_text(tree, doc));
        assert_true(rw_json_equal_text(doc, tree));
        assert_false(json_equal(tree, doc));
        other = rw_test_parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}");
        assert_false(rw_json_equal_text(other, doc));
        assert_false(rw_json_equal_text(doc, other));
        assert_true(rw_json_equal_text(other, other));
        /* an empty object is no match for it either */
        json_decref(other);
        other = json_object();
        assert_false(rw_json_equal_text(other, doc));

        /* only a whole object or array, no NUL */
        assert_null(rw_json_verbatim_document("", 0));
        assert_null(rw_json_verbatim_document("\"s\"", 3));
        assert_null(rw_json_verbatim_document("{\"a\":1", 6));
        assert_null(rw_json_verbatim_document("{\"a\0\":1}", 8));
        assert_non_null(back = rw_json_verbatim_document_text(doc, &len));
        assert_null(rw_json_verbatim_document_text(other, &len));
        /* what a parser reads is never one: a string with the marker's text is refused */
        json_decref(other);
        other = NULL;
        assert_true(rw_json_parse("[\"\\u0000rwdoc:{}\"]", 17, &other, &err) < 0);
}

/*
 * The fast reader against jansson (json_internal.h): whatever it reads, jansson reads to the same
 * document, written the same; what jansson refuses, it gives up on. `fast` says whether it is
 * expected to read the text itself (plain JSON) or leave it to jansson.
 */
enum reader_expect {
        READ_FAST,    /* valid; the fast reader reads it */
        READ_JANSSON, /* valid, but left to jansson (deep nesting) */
        READ_REFUSED, /* invalid: both refuse */
};

static void assert_reader_agrees_n(const char *in, size_t len, enum reader_expect expect)
{
        _cleanup_json_ json_t *fast = rw_json_read_fast(in, len);
        _cleanup_json_ json_t *ref = NULL;
        _cleanup_free_ char *fast_text = NULL, *ref_text = NULL;
        struct rw_error err = {0};
        size_t fast_len, ref_len;
        int r = rw_json_parse_jansson(in, len, &ref, &err);

        if (fast != NULL && r < 0)
                fail_msg("the fast reader accepted %.*s, which jansson refuses: %s", (int)len, in,
                         err.msg);
        if (expect == READ_REFUSED && r >= 0)
                fail_msg("jansson accepted %.*s", (int)len, in);
        if (expect != READ_REFUSED && r < 0)
                fail_msg("jansson refused %.*s: %s", (int)len, in, err.msg);
        if (expect == READ_FAST && fast == NULL)
                fail_msg("the fast reader gave up on %.*s", (int)len, in);
        if (expect == READ_JANSSON && fast != NULL)
                fail_msg("the fast reader read %.*s, expected to leave it to jansson", (int)len,
                         in);
        if (fast == NULL)
                return;
        assert_true(json_equal(fast, ref));
        assert_int_equal(rw_json_dump(fast, &fast_text, &fast_len, &err), 0);
        assert_int_equal(rw_json_dump(ref, &ref_text, &ref_len, &err), 0);
        if (fast_len != ref_len || memcmp(fast_text, ref_text, ref_len) != 0)
                fail_msg("%.*s: the fast reader's document is written %s, jansson's %s", (int)len,
                         in, fast_text, ref_text);
}

static void assert_reader_agrees(const char *in, enum reader_expect expect)
{
        assert_reader_agrees_n(in, strlen(in), expect);
}

static void test_fast_reader_agrees_with_jansson(void **state)
{
        static const struct {
                const char *in;
                enum reader_expect expect;
        } cases[] = {
            /* values of every kind, top level and nested, with white space everywhere */
            {"{}", READ_FAST},
            {"[]", READ_FAST},
            {" \t\r\n{ \"a\" : [ 1 , -2 , true , false , null , \"s\" , { } , [ ] ] } \n",
             READ_FAST},
            {"\"top\"", READ_FAST},
            {"0", READ_FAST},
            {"true", READ_FAST},
            {"null", READ_FAST},
            /* numbers: int64 as integers, everything else verbatim */
            {"[9223372036854775807, -9223372036854775808]", READ_FAST},
            {"[9223372036854775808, -9223372036854775809, 18446744073709551615]", READ_FAST},
            {"[-0, 0.5, 1e3, 1E+3, 1e-3, -1.25e400, 0e0]", READ_FAST},
            {"[01]", READ_REFUSED},
            {"[-]", READ_REFUSED},
            {"[1.]", READ_REFUSED},
            {"[.5]", READ_REFUSED},
            {"[1e]", READ_REFUSED},
            {"[+1]", READ_REFUSED},
            {"[1-2]", READ_REFUSED},
            {"[0x10]", READ_REFUSED},
            {"{1:2}", READ_REFUSED},
            /* strings: escapes, UTF-8, surrogate pairs */
            {"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", READ_FAST},
            {"[\"\\u00e9\\u00E9\\u20ac\\ud83d\\ude00 é € 😀\"]", READ_FAST},
            {"{\"k\\u0065y\": \"v\", \"key2\": \"\\u0041\"}", READ_FAST},
            {"{\"a\\nb\": {\"c\\td\": [\"\\\\\"]}}", READ_FAST},
            {"[\"\x7f\"]", READ_FAST},
            {"[\"\\ud83d\"]", READ_REFUSED},
            {"[\"\\ude00\"]", READ_REFUSED},
            {"[\"\\ud83d\\u0041\"]", READ_REFUSED},
            {"[\"\\ud83dx\"]", READ_REFUSED},
            {"[\"\\u12\"]", READ_REFUSED},
            {"[\"\\u12g4\"]", READ_REFUSED},
            {"[\"\\x\"]", READ_REFUSED},
            {"[\"\\u0000\"]", READ_REFUSED},
            {"[\"a\tb\"]", READ_REFUSED},
            {"[\"\x1f\"]", READ_REFUSED},
            {"[\"\x01\"]", READ_REFUSED},
            {"[\"a\nb\"]", READ_REFUSED},
            {"[\"\xc3\"]", READ_REFUSED},
            {"[\"\xc0\xaf\"]", READ_REFUSED},
            {"[\"\xe0\x80\xaf\"]", READ_REFUSED},
            {"[\"\xed\xa0\x80\"]", READ_REFUSED},
            {"[\"\xf4\x90\x80\x80\"]", READ_REFUSED},
            {"[\"\xf5\x80\x80\x80\"]", READ_REFUSED},
            {"[\"\xff\"]", READ_REFUSED},
            {"[\"unterminated]", READ_REFUSED},
            {"\xef\xbb\xbf{}", READ_REFUSED},
            /* the marker's text as written is a NUL: refused */
            {"[\"\\u0000rwnum:1.5\"]", READ_REFUSED},
            /* objects: duplicates (also spelt with escapes), syntax */
            {"{\"a\": 1, \"a\": 2}", READ_REFUSED},
            {"{\"a\": 1, \"\\u0061\": 2}", READ_REFUSED},
            {"{\"a\": {\"b\": 1, \"b\": 1}}", READ_REFUSED},
            {"{\"a\" 1}", READ_REFUSED},
            {"{\"a\": 1,}", READ_REFUSED},
            {"[1,]", READ_REFUSED},
            {"[1 2]", READ_REFUSED},
            {"{\"a\": 1", READ_REFUSED},
            {"[", READ_REFUSED},
            {"", READ_REFUSED},
            {"   ", READ_REFUSED},
            {"{} {}", READ_REFUSED},
            {"[] x", READ_REFUSED},
            /* literals: jansson reads a run of letters as one token */
            {"[truex]", READ_REFUSED},
            {"[falseX]", READ_REFUSED},
            {"[nullz]", READ_REFUSED},
            {"[true1]", READ_REFUSED},
            {"[nul]", READ_REFUSED},
            {"[True]", READ_REFUSED},
            {"truefalse", READ_REFUSED},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_reader_agrees(cases[i].in, cases[i].expect);
        /* NUL bytes, which C strings cannot show */
        assert_reader_agrees_n("[\"a\0b\"]", 7, READ_REFUSED);
        assert_reader_agrees_n("[1]\0", 4, READ_REFUSED);
        assert_reader_agrees_n("\0[1]", 4, READ_REFUSED);
}

/* Nesting: shallow documents are read fast, deep ones left to jansson, which refuses past 2048. */
static void test_fast_reader_depth(void **state)
{
        const size_t depths[] = {1, 100, 255, 256, 257, 1000, 2047, 2048, 2049, 3000};

        (void)state;
        for (size_t k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
                size_t n = depths[k];
                _cleanup_free_ char *text = malloc(2 * n + 2);
                enum reader_expect expect;

                assert_non_null(text);
                /* n arrays around one integer: the integer is the (n+1)th value deep */
                memset(text, '[', n);
                text[n] = '7';
                memset(text + n + 1, ']', n);
                text[2 * n + 1] = '\0';
                if (n + 1 <= 256)
                        expect = READ_FAST;
                else if (n + 1 <= 2048)
                        expect = READ_JANSSON;
                else
                        expect = READ_REFUSED;
                assert_reader_agrees(text, expect);
        }
}

/* Every captured engine input is plain JSON: read fast, to jansson's document. */
static void fixture_read_fast(const char *path, char *text, size_t len)
{
        (void)path;
        assert_reader_agrees_n(text, len, READ_FAST);
}

static void test_fast_reader_reads_every_fixture(void **state)
{
        (void)state;
        assert_true(rw_test_each_fixture(fixture_read_fast) >= 7);
}

/* rw_json_loadb() is json_loadb(JSON_REJECT_DUPLICATES): the same document or the same error. */
static void assert_loadb_as_jansson(const char *in)
{
        json_error_t ours, theirs;
        _cleanup_json_ json_t *a = rw_json_loadb(in, strlen(in), &ours);
        _cleanup_json_ json_t *b = json_loadb(in, strlen(in), JSON_REJECT_DUPLICATES, &theirs);

        if ((a == NULL) != (b == NULL))
                fail_msg("%s: rw_json_loadb() %s, jansson %s", in,
                         a == NULL ? "refuses" : "accepts", b == NULL ? "refuses" : "accepts");
        if (a == NULL) {
                assert_string_equal(ours.text, theirs.text);
                assert_int_equal(ours.line, theirs.line);
                assert_int_equal(ours.column, theirs.column);
                assert_int_equal(ours.position, theirs.position);
                return;
        }
        assert_true(json_equal(a, b));
        /* the same types too: a real stays a real, -0 an integer */
        if (json_is_array(b) && json_array_size(b) > 0)
                assert_int_equal(json_typeof(json_array_get(a, 0)),
                                 json_typeof(json_array_get(b, 0)));
}

static void test_loadb_as_jansson(void **state)
{
        static const char *const cases[] = {
            "{}",
            "[]",
            "{\"a\":[1,-2,true,false,null,\"s\",{},[]],\"b\":{\"c\":\"\\u00e9\"}}",
            "[1.5]",
            "[-0]",
            "[1e400]",
            "[9223372036854775807]",
            "[9223372036854775808]",
            "[-9223372036854775809]",
            "{\"a\":{\"b\":[0.5,2]}}",
            "[\"a\\u0000b\"]",
            "{\"a\":1,\"a\":2}",
            "{\"a\":1,\"\\u0061\":2}",
            "1",
            "\"s\"",
            "null",
            "",
            "[1,]",
            "[\"\\ud800\"]",
            "[\"\xff\"]",
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_loadb_as_jansson(cases[i]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fixtures_round_trip_byte_identical),
            cmocka_unit_test(test_fixture_rlimit_infinity),
            cmocka_unit_test(test_numbers),
            cmocka_unit_test(test_numbers_nested_and_top_level),
            cmocka_unit_test(test_key_order_preserved),
            cmocka_unit_test(test_strings_and_escapes),
            cmocka_unit_test(test_jansson_escapes_nul_as_expected),
            cmocka_unit_test(test_duplicate_keys_refused),
            cmocka_unit_test(test_nul_refused),
            cmocka_unit_test(test_marker_lookalikes),
            cmocka_unit_test(test_dump_refuses_what_does_not_round_trip),
            cmocka_unit_test(test_compact_size),
            cmocka_unit_test(test_dump_like_jansson),
            cmocka_unit_test(test_dump_reads_back),
            cmocka_unit_test(test_verbatim_predicates_on_other_values),
            cmocka_unit_test(test_invalid_input_refused),
            cmocka_unit_test(test_error_positions_refer_to_original_text),
            cmocka_unit_test(test_error_messages_show_original_tokens),
            cmocka_unit_test(test_size_limit),
            cmocka_unit_test(test_verbatim_document),
            cmocka_unit_test(test_fast_reader_agrees_with_jansson),
            cmocka_unit_test(test_fast_reader_depth),
            cmocka_unit_test(test_fast_reader_reads_every_fixture),
            cmocka_unit_test(test_loadb_as_jansson),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
