/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jansson on the arena (lib/base/arena.h), as the runtime uses it: documents read, copied,
 * changed, written and released, small values and ones past the block size alike. Under
 * AddressSanitizer the arena is off and the same checks run on glibc's allocator.
 */
#include "testutil.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cleanup.h"
#include "json.h"

static char *dump(const json_t *doc, size_t *ret_len)
{
        struct rw_error err = {0};
        char *text = NULL;

        if (rw_json_dump(doc, &text, ret_len, &err) < 0)
                fail_msg("dump failed: %s", err.msg);
        return text;
}

/* Every fixture: read, copied deeply, written byte for byte as before, released. */
static void fixture_on_the_arena(const char *path, char *text, size_t len)
{
        _cleanup_free_ char *out = NULL, *copy_out = NULL;
        _cleanup_json_ json_t *doc = NULL, *copy = NULL;
        struct rw_error err = {0};
        size_t out_len, copy_len;

        if (rw_json_parse(text, len, &doc, &err) < 0)
                fail_msg("%s: %s", path, err.msg);
        copy = json_deep_copy(doc);
        assert_non_null(copy);
        assert_true(json_equal(doc, copy));
        out = dump(doc, &out_len);
        copy_out = dump(copy, &copy_len);
        assert_int_equal(out_len, copy_len);
        assert_memory_equal(out, copy_out, out_len);
}

static void test_fixtures_on_the_arena(void **state)
{
        (void)state;
        assert_true(rw_test_each_fixture(fixture_on_the_arena) >= 7);
}

/* Many values across many blocks, some larger than a block's share, some freed on the way. */
static void test_many_and_large_values(void **state)
{
        _cleanup_json_ json_t *array = json_array();
        _cleanup_free_ char *big = malloc(300 * 1024 + 1);
        _cleanup_free_ char *out = NULL;
        size_t len;

        (void)state;
        assert_non_null(array);
        assert_non_null(big);
        memset(big, 'x', 300 * 1024);
        big[300 * 1024] = '\0';
        for (int i = 0; i < 20000; i++) {
                json_t *obj = json_object();
                char key[32];

                assert_non_null(obj);
                snprintf(key, sizeof(key), "k%d", i);
                assert_int_equal(json_object_set_new(obj, key, json_integer(i)), 0);
                if (i % 1000 == 0)
                        assert_int_equal(json_object_set_new(obj, "big", json_string(big)), 0);
                assert_int_equal(json_array_append_new(array, obj), 0);
                /* replaced and removed values go back to the allocator */
                if (i % 7 == 0)
                        assert_int_equal(json_array_remove(array, json_array_size(array) - 1), 0);
        }
        assert_int_equal(json_array_size(array), 20000 - 20000 / 7 - 1);
        for (size_t i = 0; i < json_array_size(array); i++) {
                json_t *obj = json_array_get(array, i);
                const char *key;
                json_t *value;

                json_object_foreach(obj, key, value)
                {
                        if (strcmp(key, "big") == 0)
                                assert_int_equal(json_string_length(value), 300 * 1024);
                        else
                                assert_int_equal(json_integer_value(value), atoi(key + 1));
                }
        }
        out = dump(array, &len);
        assert_true(len > 300 * 1024);
}

#ifdef RW_ARENA_OFF
/* AddressSanitizer's own count (sanitizer/allocator_interface.h, which gcc does not install) */
size_t __sanitizer_get_current_allocated_bytes(void);

/* Memory still allocated: the arena is off, and resident memory would count AddressSanitizer's
 * quarantine, which holds freed memory on purpose. */
static size_t held_kib(void)
{
        return __sanitizer_get_current_allocated_bytes() / 1024;
}
#else
/* Resident memory, whichever allocator holds it (the arena's stretch is not malloc()'s heap). */
static size_t held_kib(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        size_t kib = 0;

        assert_non_null(f);
        while (fgets(line, sizeof(line), f) != NULL)
                if (sscanf(line, "VmRSS: %zu kB", &kib) == 1)
                        break;
        assert_true(kib > 0);
        return kib;
}
#endif

/*
 * What the fast reader built before it gave up is given back: a hostile document that only goes
 * wrong at its end (here a \u0000, refused before jansson reads it) would otherwise leave its
 * whole tree on the arena, and a second one beside it when jansson reads the document again.
 * (Under AddressSanitizer the arena is off: the same holds of glibc's allocator, counted by
 * AddressSanitizer.)
 */
static void test_fast_reader_gives_its_memory_back(void **state)
{
        const size_t n = 100000;
        _cleanup_free_ char *text = NULL;
        size_t len = 0, before = 0, after;

        (void)state;
        text = malloc(3 * n + 16);
        assert_non_null(text);
        text[len++] = '[';
        for (size_t i = 0; i < n; i++) {
                memcpy(text + len, "{},", 3);
                len += 3;
        }
        memcpy(text + len, "\"\\u0000\"]", 9);
        len += 9;
        for (int i = 0; i < 6; i++) {
                _cleanup_json_ json_t *doc = NULL;
                struct rw_error err = {0};

                /* the first refusal's memory is the baseline: the later ones must reuse it */
                if (i == 1)
                        before = held_kib();
                assert_int_equal(rw_json_parse(text, len, &doc, &err), -EINVAL);
                assert_non_null(strstr(err.msg, "NUL character"));
        }
        after = held_kib();
        /* the tree of 100000 objects is some 10 MB: five more would be 50 */
        if (after > before && after - before > 4096)
                fail_msg("%zu KiB more held after five more refusals", after - before);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fixtures_on_the_arena),
            cmocka_unit_test(test_many_and_large_values),
            cmocka_unit_test(test_fast_reader_gives_its_memory_back),
        };

        rw_json_use_arena();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
