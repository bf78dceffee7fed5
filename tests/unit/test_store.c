/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trusted store: created 0700, entries written atomically and read back, and nothing believed
 * that someone else could have changed or that is reached through a symbolic link.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "store.h"
#include "strv.h"

/* A fresh temporary directory; the store's path inside it (not created yet); its entry "e1". */
struct fixture {
        char dir[64], store[96], entry[160];
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        rw_test_mkdtemp(f->dir, sizeof(f->dir), "store");
        snprintf(f->store, sizeof(f->store), "%s/run/store", f->dir);
        snprintf(f->entry, sizeof(f->entry), "%s/e1", f->store);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        rw_test_remove_tree(((struct fixture *)*state)->dir);
        free(*state);
        return 0;
}

static void open_ok(const char *path, bool create, struct rw_store *ret)
{
        struct rw_error err = {0};

        if (rw_store_open(path, create, ret, &err) < 0)
                fail_msg("open %s: %s", path, err.msg);
}

static void write_ok(const struct rw_store *s, const char *name, const char *text)
{
        struct rw_error err = {0};

        if (rw_store_write(s, name, text, strlen(text), &err) < 0)
                fail_msg("write %s: %s", name, err.msg);
}

/* The error code of reading `name`, and its message in err. */
static int read_code(const struct rw_store *s, const char *name, struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        size_t len;

        return rw_store_read(s, name, 1024, &data, &len, err);
}

static void test_round_trip(void **state)
{
        struct fixture *f = *state;
        _cleanup_store_ struct rw_store s = RW_STORE_INIT;
        _cleanup_strv_ char **names = NULL;
        _cleanup_free_ char *data = NULL;
        struct rw_error err = {0};
        struct stat st;
        size_t len;

        /* Not there, and not made without `create`. */
        assert_int_equal(rw_store_open(f->store, false, &s, &err), -ENOENT);
        assert_int_equal(s.dirfd, -1);
        open_ok(f->store, true, &s);
        assert_int_equal(stat(f->store, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_string_equal(s.path, f->store);

        write_ok(&s, "e1", "first");
        write_ok(&s, "e1", "second");
        assert_int_equal(rw_store_read(&s, "e1", 1024, &data, &len, &err), 0);
        assert_string_equal(data, "second");
        assert_int_equal(len, 6);
        assert_int_equal(stat(f->entry, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(read_code(&s, "e2", &err), -ENOENT);

        write_ok(&s, "b.json", "{}");
        write_ok(&s, "a.json", "{}");
        assert_int_equal(rw_store_list(&s, ".json", &names, &err), 0);
        assert_non_null(names);
        assert_string_equal(names[0], "a.json");
        assert_string_equal(names[1], "b.json");
        assert_null(names[2]);

        assert_int_equal(rw_store_remove(&s, "a.json", &err), 0);
        assert_int_equal(rw_store_remove(&s, "a.json", &err), 0);
        assert_int_equal(read_code(&s, "a.json", &err), -ENOENT);
        assert_int_equal(rw_store_remove(&s, "../x", &err), -EINVAL);
}

static void test_child(void **state)
{
        struct fixture *f = *state;
        _cleanup_store_ struct rw_store s = RW_STORE_INIT, child = RW_STORE_INIT;
        struct rw_error err = {0};
        char path[160];
        struct stat st;

        open_ok(f->store, true, &s);
        assert_int_equal(rw_store_open_child(&s, "ns", false, &child, &err), -ENOENT);
        assert_int_equal(rw_store_open_child(&s, "ns", true, &child, &err), 0);
        snprintf(path, sizeof(path), "%s/ns", f->store);
        assert_string_equal(child.path, path);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        rw_store_close(&child);
        assert_int_equal(rw_store_open_child(&s, "..", true, &child, &err), -EINVAL);
        assert_int_equal(rw_store_open_child(&s, "a/b", true, &child, &err), -EINVAL);
}

static void test_key_name(void **state)
{
        char a[RW_STORE_NAME_MAX], b[RW_STORE_NAME_MAX], c[RW_STORE_NAME_MAX];

        (void)state;
        rw_store_key_name("key", 3, ".checked", a);
        rw_store_key_name("key", 3, ".checked", b);
        rw_store_key_name("kez", 3, ".checked", c);
        assert_string_equal(a, b);
        assert_string_not_equal(a, c);
        assert_int_equal(strlen(a), 16 + strlen(".checked"));
        assert_int_equal(strspn(a, "0123456789abcdef"), 16);
        /* The FNV-1a offset basis: the hash of nothing. */
        rw_store_key_name("", 0, "", a);
        assert_string_equal(a, "cbf29ce484222325");
}

static void test_path_refused(void **state)
{
        struct fixture *f = *state;
        _cleanup_store_ struct rw_store s = RW_STORE_INIT;
        struct rw_error err = {0};
        char real[128], link[128], via_link[160];

        assert_int_equal(rw_store_open("relative/store", true, &s, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "absolute"));
        snprintf(via_link, sizeof(via_link), "%s/run/../run/store", f->dir);
        assert_int_equal(rw_store_open(via_link, true, &s, &err), -EINVAL);
        assert_non_null(strstr(err.msg, ".."));

        snprintf(real, sizeof(real), "%s/real", f->dir);
        snprintf(link, sizeof(link), "%s/link", f->dir);
        snprintf(via_link, sizeof(via_link), "%s/link/store", f->dir);
        assert_int_equal(mkdir(real, 0700), 0);
        assert_int_equal(symlink(real, link), 0);
        assert_int_equal(rw_store_open(via_link, true, &s, &err), -ELOOP);
        assert_non_null(strstr(err.msg, "symbolic link"));
        assert_int_equal(rw_store_open(link, false, &s, &err), -ELOOP);
        assert_int_equal(rmdir(real), 0);
}

static void test_untrusted(void **state)
{
        struct fixture *f = *state;
        _cleanup_store_ struct rw_store s = RW_STORE_INIT;
        struct rw_error err = {0};
        char target[128];

        open_ok(f->store, true, &s);
        write_ok(&s, "e1", "data");
        rw_store_close(&s);

        /* Writable by others: a directory and an entry. */
        assert_int_equal(chmod(f->store, 0770), 0);
        assert_int_equal(rw_store_open(f->store, false, &s, &err), -EPERM);
        assert_non_null(strstr(err.msg, "is writable by group or others (mode 0770)"));
        assert_int_equal(chmod(f->store, 0700), 0);
        open_ok(f->store, false, &s);
        assert_int_equal(chmod(f->entry, 0602), 0);
        assert_int_equal(read_code(&s, "e1", &err), -EPERM);
        assert_non_null(strstr(err.msg, "e1 is writable by group or others (mode 0602)"));
        assert_int_equal(chmod(f->entry, 0600), 0);
        assert_int_equal(read_code(&s, "e1", &err), 0);

        /* An entry that is a symlink is not followed; writing replaces the link itself. */
        snprintf(target, sizeof(target), "%s/target", f->dir);
        assert_int_equal(rename(f->entry, target), 0);
        assert_int_equal(symlink(target, f->entry), 0);
        assert_int_equal(read_code(&s, "e1", &err), -ELOOP);
        write_ok(&s, "e1", "new");
        assert_int_equal(read_code(&s, "e1", &err), 0);

        /* Someone else's. */
        if (geteuid() == 0) {
                assert_int_equal(chown(f->entry, 1000, 1000), 0);
                assert_int_equal(read_code(&s, "e1", &err), -EPERM);
                assert_non_null(strstr(err.msg, "e1 is owned by uid 1000, not root"));
                rw_store_close(&s);
                assert_int_equal(chown(f->store, 1000, 1000), 0);
                assert_int_equal(rw_store_open(f->store, false, &s, &err), -EPERM);
                assert_non_null(strstr(err.msg, "is owned by uid 1000, not root"));
        }
}

static void test_check_owner(void **state)
{
        struct stat st = {.st_uid = geteuid(), .st_mode = S_IFDIR | 01777};
        struct rw_error err = {0};

        (void)state;
        /* A sticky directory writable by others: only where the caller allows it. */
        assert_int_equal(rw_store_check_owner(&st, "d", false, &err), -EPERM);
        assert_int_equal(rw_store_check_owner(&st, "d", true, &err), 0);
        /* Sticky means nothing on a file. */
        st.st_mode = S_IFREG | 01666;
        assert_int_equal(rw_store_check_owner(&st, "f", true, &err), -EPERM);
        st.st_mode = S_IFREG | 0644;
        assert_int_equal(rw_store_check_owner(&st, "f", false, &err), 0);
        st.st_uid = geteuid() + 1;
        assert_int_equal(rw_store_check_owner(&st, "f", false, &err), -EPERM);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
            cmocka_unit_test_setup_teardown(test_child, setup, teardown),
            cmocka_unit_test(test_key_name),
            cmocka_unit_test_setup_teardown(test_path_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(test_untrusted, setup, teardown),
            cmocka_unit_test(test_check_owner),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
