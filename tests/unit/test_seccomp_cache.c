/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cache of checked profiles: a miss compiles and stores, a hit does not compile, any change
 * to the profile is a miss, a tampered entry is a miss, and a cache directory or entry that is not
 * root's own (or is writable by others, or a symlink) is never believed. Converted profiles are
 * found by the inputs of their conversion, under the same rules.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"

static char *profile_dir;

struct scratch {
        char root[64];
        char cache[96];
};

static int setup(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");

        (void)state;
        if (root == NULL || asprintf(&profile_dir, "%s/seccomp-profiles", root) < 0)
                return -1;
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        free(profile_dir);
        return 0;
}

static void scratch_init(struct scratch *s)
{
        snprintf(s->root, sizeof(s->root), "/tmp/rw-test-cache-XXXXXX");
        assert_non_null(mkdtemp(s->root));
        /* Not there yet: the cache creates it. */
        snprintf(s->cache, sizeof(s->cache), "%s/run/seccomp-cache", s->root);
}

static void scratch_clear(struct scratch *s)
{
        rw_test_remove_tree(s->root);
}

static json_t *ci_default(void)
{
        struct rw_error err = {0};
        json_t *profile = NULL;

        if (rw_seccomp_load_profile(profile_dir, "ci-default", &profile, &err) < 0)
                fail_msg("%s", err.msg);
        return profile;
}

/* The result; *why (may be NULL) says what was wrong with the cache, "" when nothing was. */
static int check(const json_t *profile, const char *cache, struct rw_error *why)
{
        struct rw_error err = {0}, cache_err = {.code = -1, .msg = "not cleared"};
        int r = rw_seccomp_check_cached(profile, cache, &cache_err, &err);

        if (r < 0)
                fail_msg("%s", err.msg);
        /* Set exactly when the cache could not be used. */
        assert_int_equal(cache_err.code != 0, r == RW_SECCOMP_CACHE_UNUSABLE);
        if (why != NULL)
                *why = cache_err;
        return r;
}

/* The one entry in the cache directory (fails unless exactly one). */
static void only_entry(const char *cache, char *ret, size_t size)
{
        DIR *dir = opendir(cache);
        struct dirent *e;
        size_t n = 0;

        assert_non_null(dir);
        while ((e = readdir(dir)) != NULL) {
                if (e->d_name[0] == '.')
                        continue;
                snprintf(ret, size, "%s/%s", cache, e->d_name);
                n++;
        }
        closedir(dir);
        assert_int_equal(n, 1);
}

static size_t count_entries(const char *cache)
{
        DIR *dir = opendir(cache);
        struct dirent *e;
        size_t n = 0;

        assert_non_null(dir);
        while ((e = readdir(dir)) != NULL)
                n += e->d_name[0] != '.';
        closedir(dir);
        return n;
}

static void test_no_cache(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();

        (void)state;
        assert_int_equal(check(profile, NULL, NULL), RW_SECCOMP_COMPILED);
}

static void test_miss_then_hit(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();
        _cleanup_json_ json_t *changed = json_deep_copy(profile);
        struct scratch s;
        char entry[512];
        struct rw_error why;
        struct stat st;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(check(profile, s.cache, &why), RW_SECCOMP_CACHE_STORED);
        assert_string_equal(why.msg, "");
        assert_int_equal(stat(s.cache, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(st.st_uid, 0);
        only_entry(s.cache, entry, sizeof(entry));
        assert_int_equal(stat(entry, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(check(profile, s.cache, &why), RW_SECCOMP_CACHE_HIT);
        assert_int_equal(check(profile, s.cache, &why), RW_SECCOMP_CACHE_HIT);

        /* Any change is another profile: checked and stored beside the first. */
        json_object_set_new(changed, "defaultErrnoRet", json_integer(EACCES));
        assert_int_equal(check(changed, s.cache, &why), RW_SECCOMP_CACHE_STORED);
        assert_int_equal(check(changed, s.cache, &why), RW_SECCOMP_CACHE_HIT);
        assert_int_equal(check(profile, s.cache, &why), RW_SECCOMP_CACHE_HIT);
        assert_int_equal(count_entries(s.cache), 2);
        scratch_clear(&s);
}

/* The whole text must match: an entry whose content differs is a miss and is rewritten. */
static void test_tampered_entry(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();
        struct scratch s;
        char entry[512];
        FILE *f;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        only_entry(s.cache, entry, sizeof(entry));
        f = fopen(entry, "r+");
        assert_non_null(f);
        assert_int_equal(fseek(f, -4, SEEK_END), 0);
        fputs("]}}\n", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);
        /* Truncated. */
        assert_int_equal(truncate(entry, 10), 0);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        scratch_clear(&s);
}

/* A failing profile is never remembered. */
static void test_failing_profile_not_stored(void **state)
{
        _cleanup_json_ json_t *bad = rw_test_parse(
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"getpid\"], "
            "\"action\": \"SCMP_ACT_ERRNO\"}]}");
        struct rw_error err = {0};
        struct scratch s;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_true(rw_seccomp_check_cached(bad, s.cache, NULL, &err) < 0);
        assert_non_null(strstr(err.msg, "the rule does nothing"));
        assert_int_equal(count_entries(s.cache), 0);
        memset(&err, 0, sizeof(err));
        assert_true(rw_seccomp_check_cached(bad, s.cache, NULL, &err) < 0);
        scratch_clear(&s);
}

static void expect_unusable(const json_t *profile, const char *cache, const char *needle)
{
        struct rw_error why;

        assert_int_equal(check(profile, cache, &why), RW_SECCOMP_CACHE_UNUSABLE);
        if (strstr(why.msg, needle) == NULL)
                fail_msg("why \"%s\" does not contain \"%s\"", why.msg, needle);
}

static void test_untrusted_directory(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();
        char link[160];
        struct scratch s;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);

        /* Writable by others: a planted entry could claim any profile passed. */
        assert_int_equal(chmod(s.cache, 0777), 0);
        expect_unusable(profile, s.cache, "mode 0777");
        assert_int_equal(chmod(s.cache, 0720), 0);
        expect_unusable(profile, s.cache, "mode 0720");
        assert_int_equal(chmod(s.cache, 0700), 0);
        /* Someone else's. */
        assert_int_equal(chown(s.cache, 1000, 1000), 0);
        expect_unusable(profile, s.cache, "uid 1000");
        assert_int_equal(chown(s.cache, 0, 0), 0);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);

        /* Reached through a symlink. */
        snprintf(link, sizeof(link), "%s/link", s.root);
        assert_int_equal(symlink(s.cache, link), 0);
        expect_unusable(profile, link, "link");
        /* Not absolute, or with "..". */
        expect_unusable(profile, "relative/cache", "absolute");
        snprintf(link, sizeof(link), "%s/run/../run/seccomp-cache", s.root);
        expect_unusable(profile, link, "..");
        scratch_clear(&s);
}

static void test_untrusted_entry(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();
        char entry[512], target[300];
        struct scratch s;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        only_entry(s.cache, entry, sizeof(entry));

        /* The right content, but not root's: not believed, and replaced by root's own. */
        assert_int_equal(chown(entry, 1000, 1000), 0);
        expect_unusable(profile, s.cache, "uid 1000");
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);

        assert_int_equal(chmod(entry, 0666), 0);
        expect_unusable(profile, s.cache, "mode 0666");
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);

        /* A symlink to a copy elsewhere is not followed. */
        snprintf(target, sizeof(target), "%s/copy", s.root);
        assert_int_equal(rename(entry, target), 0);
        assert_int_equal(symlink(target, entry), 0);
        expect_unusable(profile, s.cache, "symbolic link");
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);
        scratch_clear(&s);
}

/* Above the limit the directory is emptied, but for the entry just stored. */
static void test_pruned(void **state)
{
        _cleanup_json_ json_t *profile = ci_default();
        struct scratch s;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        for (int i = 0; i < RW_SECCOMP_CACHE_MAX_ENTRIES + 1; i++) {
                char path[256];
                FILE *f;

                snprintf(path, sizeof(path), "%s/%016x.checked", s.cache, i);
                f = fopen(path, "w");
                assert_non_null(f);
                assert_int_equal(fclose(f), 0);
        }
        /* A hit stores nothing and prunes nothing. */
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);
        assert_int_equal(count_entries(s.cache), RW_SECCOMP_CACHE_MAX_ENTRIES + 2);
        json_object_set_new(profile, "defaultErrnoRet", json_integer(EACCES));
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_STORED);
        assert_int_equal(count_entries(s.cache), 1);
        assert_int_equal(check(profile, s.cache, NULL), RW_SECCOMP_CACHE_HIT);
        scratch_clear(&s);
}

/* End to end: the profile a tier applies, twice. */
static void test_profile_for_uses_cache(void **state)
{
        _cleanup_json_ json_t *first = NULL;
        _cleanup_json_ json_t *second = NULL;
        struct rw_error err = {0};
        struct scratch s;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "ci-strict", NULL, s.cache, &first, &err),
            RW_SECCOMP_CACHE_STORED);
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "ci-strict", NULL, s.cache, &second, &err),
            RW_SECCOMP_CACHE_HIT);
        assert_true(json_equal(first, second));
        /* for a spec that only receives it: the cache's text, unparsed, the same bytes */
        {
                _cleanup_json_ json_t *third = NULL;
                _cleanup_free_ char *dump = NULL;
                const char *text;
                size_t len, dump_len;

                assert_int_equal(rw_seccomp_profile_verbatim_for(profile_dir, "ci-strict", NULL,
                                                                 s.cache, &third, &err),
                                 RW_SECCOMP_CACHE_HIT);
                assert_true(rw_json_is_verbatim_document(third));
                text = rw_json_verbatim_document_text(third, &len);
                assert_int_equal(rw_json_dump(first, &dump, &dump_len, &err), 0);
                assert_int_equal(len, dump_len);
                assert_memory_equal(text, dump, len);
                assert_true(rw_json_equal_text(first, third));
        }
        scratch_clear(&s);
        /* a miss gives the tree */
        scratch_init(&s);
        json_decref(TAKE_PTR(second));
        assert_int_equal(
            rw_seccomp_profile_verbatim_for(profile_dir, "ci-strict", NULL, s.cache, &second, &err),
            RW_SECCOMP_CACHE_STORED);
        assert_true(json_is_object(second));
        assert_true(json_equal(first, second));
        scratch_clear(&s);
}

/* The path of the one entry ending in `suffix` (fails unless exactly one). */
static void entry_of_kind(const char *cache, const char *suffix, char *ret, size_t size)
{
        DIR *dir = opendir(cache);
        struct dirent *e;
        size_t n = 0;

        assert_non_null(dir);
        while ((e = readdir(dir)) != NULL) {
                size_t len = strlen(e->d_name);

                if (len > strlen(suffix) && strcmp(e->d_name + len - strlen(suffix), suffix) == 0) {
                        snprintf(ret, size, "%s/%s", cache, e->d_name);
                        n++;
                }
        }
        closedir(dir);
        assert_int_equal(n, 1);
}

/* A converted entry is used as it is: believed only when root's own, found only by the same
 * inputs (other capabilities convert differently), and a damaged one is a miss. */
static void test_converted_entry(void **state)
{
        static const char *const caps[] = {"CAP_SYS_ADMIN", NULL};
        _cleanup_json_ json_t *first = NULL, *second = NULL, *third = NULL, *planted = NULL;
        _cleanup_json_ json_t *fourth = NULL;
        _cleanup_free_ char *data = NULL, *text = NULL;
        struct rw_error err = {0};
        size_t data_len, text_len;
        char entry[512];
        struct scratch s;
        FILE *f;

        (void)state;
        if (geteuid() != 0)
                skip();
        scratch_init(&s);
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", NULL, s.cache, &first, &err),
            RW_SECCOMP_CACHE_STORED);
        entry_of_kind(s.cache, ".converted", entry, sizeof(entry));
        entry_of_kind(s.cache, ".checked", entry, sizeof(entry));
        entry_of_kind(s.cache, ".converted", entry, sizeof(entry));

        /* The entry ends in the profile: keep its key, put another profile after it. */
        data = rw_test_read_file(entry, &data_len);
        assert_int_equal(rw_json_dump(first, &text, &text_len, &err), 0);
        assert_true(data_len > text_len);
        assert_memory_equal(data + data_len - text_len, text, text_len);
        f = fopen(entry, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, data_len - text_len, f), data_len - text_len);
        assert_true(fputs("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", f) >= 0);
        assert_int_equal(fclose(f), 0);
        /* root's own is used: that is the trust the directory's owner carries */
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", NULL, s.cache, &planted, &err),
            RW_SECCOMP_CACHE_HIT);
        assert_string_equal(json_string_value(json_object_get(planted, "defaultAction")),
                            "SCMP_ACT_ALLOW");
        /* someone else's never is: converted again (and the check's entry says it passed) */
        assert_int_equal(chown(entry, 1000, 1000), 0);
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", NULL, s.cache, &second, &err),
            RW_SECCOMP_CACHE_HIT);
        assert_true(json_equal(first, second));
        /* ...and root's own replaced it */
        json_decref(second);
        second = NULL;
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", NULL, s.cache, &second, &err),
            RW_SECCOMP_CACHE_HIT);
        assert_true(json_equal(first, second));

        /* A truncated entry is a miss. */
        assert_int_equal(truncate(entry, (off_t)(data_len - text_len)), 0);
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", NULL, s.cache, &fourth, &err),
            RW_SECCOMP_CACHE_HIT);
        assert_true(json_equal(first, fourth));

        /* Other capabilities are other inputs: docker-default depends on them. */
        assert_int_equal(
            rw_seccomp_profile_for(profile_dir, "docker-default", caps, s.cache, &third, &err),
            RW_SECCOMP_CACHE_STORED);
        assert_false(json_equal(first, third));
        scratch_clear(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_no_cache),
            cmocka_unit_test(test_miss_then_hit),
            cmocka_unit_test(test_tampered_entry),
            cmocka_unit_test(test_failing_profile_not_stored),
            cmocka_unit_test(test_untrusted_directory),
            cmocka_unit_test(test_untrusted_entry),
            cmocka_unit_test(test_pruned),
            cmocka_unit_test(test_profile_for_uses_cache),
            cmocka_unit_test(test_converted_entry),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
