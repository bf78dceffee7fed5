/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the image holds, read as runc will see it (lib/facts/rootfs.h): runc's lookup of HOME in
 * /etc/passwd, the scratch directories the image lacks, what a copy of HOME takes — on real
 * directories, with symlinks that try to lead out of the root filesystem — and the facts
 * rw_facts_gather() records from them.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs.h"

static void expect_home(const char *text, int64_t uid, const char *want)
{
        _cleanup_free_ char *home = NULL;
        struct rw_error err = {0};
        int r = rw_passwd_home(text, strlen(text), uid, &home, &err);

        assert_true(r >= 0);
        if (want == NULL) {
                if (r != 0)
                        fail_msg("uid %lld in \"%s\": found \"%s\", want none", (long long)uid,
                                 text, home);
                assert_null(home);
                return;
        }
        if (r != 1)
                fail_msg("uid %lld in \"%s\": none, want \"%s\"", (long long)uid, text, want);
        assert_string_equal(home, want);
}

/* libcontainer/user's reading, quirks included. */
static void test_passwd_home(void **state)
{
        static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
                                     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                                     "\n"
                                     "   ci:x:1000:1000::/home/ci:/bin/sh   \r\n"
                                     "dup:x:1000:1000::/home/dup:/bin/sh\n"
                                     "short:x:2000\n"
                                     "neg:x:-5:0::/neg:/bin/sh\n"
                                     "plus:x:+7:0::/plus:/bin/sh\n"
                                     "big:x:99999999999999999999999:0::/big:/bin/sh\n"
                                     "extra:x:3000:3000::/home/extra:/bin/sh:more:fields\n"
                                     "last:x:4000:4000::/home/last:/bin/sh";

        (void)state;
        expect_home(passwd, 0, "/root");
        expect_home(passwd, 1, "/usr/sbin");
        /* white space around a line is trimmed, and the first match wins */
        expect_home(passwd, 1000, "/home/ci");
        /* too few fields: the home is "" */
        expect_home(passwd, 2000, "");
        expect_home(passwd, -5, "/neg");
        expect_home(passwd, 7, "/plus");
        expect_home(passwd, 3000, "/home/extra");
        expect_home(passwd, 4000, "/home/last");
        expect_home(passwd, 4242, NULL);
        /* a line whose uid is not a number is uid 0 to Go's Atoi with its error ignored */
        expect_home("# a comment\nroot:x:0:0:root:/root:/bin/sh\n", 0, "");
        expect_home("root:x:zero:0:root:/root:/bin/sh\n", 0, "/root");
        /* a number out of range is no uid at all */
        expect_home("big:x:99999999999999999999999:0::/big:/bin/sh\n", 0, NULL);
        expect_home("", 0, NULL);
        expect_home("\n\n  \n", 0, NULL);
}

struct tree {
        char root[64];   /* the scratch directory */
        char rootfs[96]; /* the image's root filesystem inside it */
};

static void write_file(const char *dir, const char *name, const char *text)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
}

static void make_dir(const char *dir, const char *name, mode_t mode)
{
        _cleanup_free_ char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        assert_int_equal(mkdir(path, mode), 0);
        assert_int_equal(chmod(path, mode), 0);
}

static void make_link(const char *dir, const char *name, const char *target)
{
        _cleanup_free_ char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        assert_int_equal(symlink(target, path), 0);
}

static int open_root(const struct tree *t)
{
        int fd = open(t->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

        assert_true(fd >= 0);
        return fd;
}

/* /etc/passwd read inside the root: an absolute symlink names a file of the image, never the
 * host's, and a FIFO or a missing file is no reason to hang or guess. */
static void test_rootfs_passwd(void **state)
{
        struct tree t;
        _cleanup_free_ char *outside = NULL;
        _cleanup_close_ int rootfd = -1;
        _cleanup_free_ char *home = NULL;
        struct rw_error err = {0};
        bool known = true;
        char path[160];

        (void)state;
        rw_test_mkdtemp(t.root, sizeof(t.root), "rootfs");
        snprintf(t.rootfs, sizeof(t.rootfs), "%s/rootfs", t.root);
        assert_int_equal(mkdir(t.rootfs, 0755), 0);
        rootfd = open_root(&t);

        /* no /etc at all: runc gives HOME=/ */
        assert_int_equal(rw_rootfs_passwd_home(rootfd, 1000, &known, &home, &err), 0);
        assert_true(known);
        assert_null(home);

        make_dir(t.rootfs, "etc", 0755);
        write_file(t.root, "host-passwd", "ci:x:1000:1000::/escaped:/bin/sh\n");
        assert_true(asprintf(&outside, "%s/host-passwd", t.root) > 0);
        /* a symlink to the host's file by its absolute path: inside the root it is not there */
        make_link(t.rootfs, "etc/passwd", outside);
        assert_int_equal(rw_rootfs_passwd_home(rootfd, 1000, &known, &home, &err), 0);
        assert_true(known);
        assert_null(home);
        /* ... and one climbing out with ".." stays at the root */
        snprintf(path, sizeof(path), "%s/etc/passwd", t.rootfs);
        assert_int_equal(unlink(path), 0);
        make_link(t.rootfs, "etc/passwd", "../../../../../../../../host-passwd");
        assert_int_equal(rw_rootfs_passwd_home(rootfd, 1000, &known, &home, &err), 0);
        assert_true(known);
        assert_null(home);
        /* the image's own file, through a symlink inside the image */
        write_file(t.rootfs, "host-passwd", "ci:x:1000:1000::/home/ci:/bin/sh\n");
        assert_int_equal(rw_rootfs_passwd_home(rootfd, 1000, &known, &home, &err), 0);
        assert_true(known);
        assert_string_equal(home, "/home/ci");
        free(home);
        home = NULL;
        /* a FIFO: not read, nothing assumed */
        assert_int_equal(unlink(path), 0);
        assert_int_equal(mkfifo(path, 0644), 0);
        assert_int_equal(rw_rootfs_passwd_home(rootfd, 1000, &known, &home, &err), 0);
        assert_false(known);
        assert_null(home);
        /* a line longer than runc's reader takes: runc fails, nothing can be told */
        {
                _cleanup_free_ char *line = malloc(70000);

                assert_non_null(line);
                memset(line, 'x', 69998);
                line[69998] = '\n';
                line[69999] = '\0';
                assert_int_equal(unlink(path), 0);
                write_file(t.rootfs, "etc/passwd", line);
                assert_int_equal(rw_rootfs_passwd_home(rootfd, 0, &known, &home, &err), 0);
                assert_false(known);
        }
        rw_test_remove_tree(t.root);
}

static void probe(int rootfd, const char *path, struct rw_rootfs_dir *ret)
{
        struct rw_error err = {0};

        assert_int_equal(rw_rootfs_probe_dir(rootfd, path, ret, &err), 0);
}

static void test_rootfs_probe_dir(void **state)
{
        struct tree t;
        _cleanup_close_ int rootfd = -1;
        struct rw_rootfs_dir d;

        (void)state;
        rw_test_mkdtemp(t.root, sizeof(t.root), "rootfs");
        snprintf(t.rootfs, sizeof(t.rootfs), "%s/rootfs", t.root);
        assert_int_equal(mkdir(t.rootfs, 0755), 0);
        make_dir(t.rootfs, "var", 0750);
        make_dir(t.rootfs, "var/run", 0755);
        make_dir(t.rootfs, "home", 01777);
        write_file(t.rootfs, "tmp", "not a directory\n");
        make_link(t.rootfs, "run", "/var/run");
        /* a directory of the host, named by an absolute symlink: not the image's */
        make_link(t.rootfs, "srv", t.root);
        rootfd = open_root(&t);

        probe(rootfd, "/run", &d);
        assert_true(d.exists && d.is_dir);
        probe(rootfd, "/tmp", &d);
        assert_true(d.exists);
        assert_false(d.is_dir);
        probe(rootfd, "/var/tmp", &d);
        assert_false(d.exists);
        assert_true(d.parent_known);
        assert_int_equal(d.parent_mode & 07777, 0750);
        assert_int_equal(d.parent_uid, getuid());
        probe(rootfd, "/home/ci/work", &d);
        assert_false(d.exists);
        assert_true(d.parent_known);
        assert_int_equal(d.parent_mode & 07777, 01777);
        probe(rootfd, "/srv/rootfs", &d);
        assert_false(d.exists);
        probe(rootfd, "/opt/x", &d);
        assert_false(d.exists);
        assert_true(d.parent_known);
        assert_int_equal(d.parent_mode & 07777, 0755);
        rw_test_remove_tree(t.root);
}

static void measure(const char *dir, struct rw_dir_copy *ret)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct rw_error err = {0};

        assert_true(fd >= 0);
        assert_int_equal(rw_dir_measure_copy(fd, ret, &err), 0);
}

static void test_home_copy(void **state)
{
        char dir[64];
        _cleanup_free_ char *fifo = NULL;
        struct rw_dir_copy c;

        (void)state;
        rw_test_mkdtemp(dir, sizeof(dir), "home");
        measure(dir, &c);
        assert_false(c.has_content);
        assert_true(c.copyable);
        assert_int_equal(c.bytes, 0);
        rw_dir_copy_clear(&c);

        make_dir(dir, ".cargo", 0755);
        make_dir(dir, ".cargo/bin", 0755);
        write_file(dir, ".cargo/bin/tool", "#!/bin/sh\n");
        {
                _cleanup_free_ char *big = malloc(4098);

                assert_non_null(big);
                memset(big, 'y', 4097);
                big[4097] = '\0';
                write_file(dir, ".cargo/config.toml", big);
        }
        write_file(dir, ".empty", "");
        make_link(dir, ".link", "/etc/passwd");
        measure(dir, &c);
        assert_true(c.has_content);
        assert_true(c.copyable);
        assert_null(c.not_copyable);
        /* pages: 1 for tool, 2 for config.toml, 0 for the empty file, 1 for the symlink */
        assert_int_equal(c.bytes, 4 * 4096);
        /* every owner and group is noted (all the test's own here) */
        assert_int_equal(c.n_uids, 1);
        assert_int_equal(c.uids[0], getuid());
        assert_int_equal(c.n_gids, 1);
        assert_false(c.ids_overflow);
        rw_dir_copy_clear(&c);

        /* runc's copy fails on a FIFO: not copyable, and the message names it */
        assert_true(asprintf(&fifo, "%s/.cargo/pipe", dir) > 0);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        measure(dir, &c);
        assert_true(c.has_content);
        assert_false(c.copyable);
        assert_non_null(c.not_copyable);
        assert_non_null(strstr(c.not_copyable, "pipe"));
        rw_dir_copy_clear(&c);
        rw_test_remove_tree(dir);
}

/* The facts rw_facts_gather() records for the scratch rule, from a real image directory. */
static void test_facts_gather_rootfs(void **state)
{
        static const char *const scratch[] = {"/tmp", "/var/tmp", "/run", "$HOME", NULL};
        struct tree t;
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        struct rw_facts_options o = {.scratch = scratch};
        struct rw_error err = {0};

        (void)state;
        rw_test_mkdtemp(t.root, sizeof(t.root), "rootfs");
        snprintf(t.rootfs, sizeof(t.rootfs), "%s/rootfs", t.root);
        assert_int_equal(mkdir(t.rootfs, 0755), 0);
        make_dir(t.rootfs, "etc", 0755);
        make_dir(t.rootfs, "tmp", 01777);
        make_dir(t.rootfs, "home", 0755);
        make_dir(t.rootfs, "home/ci", 0700);
        make_dir(t.rootfs, "home/ci/.local", 0755);
        write_file(t.rootfs, "home/ci/.local/tool", "x");
        write_file(t.rootfs, "etc/passwd",
                   "root:x:0:0:root:/root:/bin/sh\nci:x:1000:1000::/home/ci:/bin/sh\n");
        o.bundle = t.root;

        assert_true(asprintf(&text,
                             "{\"root\":{\"path\":\"%s\"},\"process\":{\"user\":{\"uid\":1000,"
                             "\"gid\":1000},\"env\":[\"PATH=/bin\"],\"args\":[\"sh\"],\"cwd\":"
                             "\"/\"}}",
                             t.rootfs) > 0);
        spec = rw_test_parse(text);
        if (rw_facts_gather(spec, &o, &facts, &err) < 0)
                fail_msg("%s", err.msg);
        assert_true(facts.passwd_known);
        assert_string_equal(facts.passwd_home, "/home/ci");
        assert_true(facts.home_has_content);
        assert_true(facts.home_copyable);
        assert_int_equal(facts.home_bytes, 4096);
        /* /var/tmp and /run are missing; /tmp and HOME are there */
        assert_int_equal(facts.n_rootfs_missing, 2);
        assert_string_equal(facts.rootfs_missing[0].scratch, "/var/tmp");
        assert_string_equal(facts.rootfs_missing[1].scratch, "/run");
        assert_false(facts.rootfs_missing[1].exists);
        assert_true(facts.rootfs_missing[1].parent_known);
        rw_facts_clear(&facts);

        /* HOME from the environment: /etc/passwd is not read, and the missing HOME is listed */
        json_decref(spec);
        free(text);
        assert_true(asprintf(&text,
                             "{\"root\":{\"path\":\"%s\"},\"process\":{\"user\":{\"uid\":1000,"
                             "\"gid\":1000},\"env\":[\"HOME=/nowhere\"],\"args\":[\"sh\"],"
                             "\"cwd\":\"/\"}}",
                             t.rootfs) > 0);
        spec = rw_test_parse(text);
        if (rw_facts_gather(spec, &o, &facts, &err) < 0)
                fail_msg("%s", err.msg);
        assert_false(facts.passwd_known);
        assert_false(facts.home_has_content);
        assert_int_equal(facts.n_rootfs_missing, 3);
        assert_string_equal(facts.rootfs_missing[2].scratch, "$HOME");
        rw_facts_clear(&facts);

        /* a mount over /etc: runc reads another passwd, so nothing is assumed */
        json_decref(spec);
        free(text);
        assert_true(asprintf(&text,
                             "{\"root\":{\"path\":\"%s\"},\"process\":{\"user\":{\"uid\":1000,"
                             "\"gid\":1000},\"env\":[],\"args\":[\"sh\"],\"cwd\":\"/\"},"
                             "\"mounts\":[{\"destination\":\"/etc/\",\"type\":\"tmpfs\","
                             "\"source\":\"tmpfs\"}]}",
                             t.rootfs) > 0);
        spec = rw_test_parse(text);
        if (rw_facts_gather(spec, &o, &facts, &err) < 0)
                fail_msg("%s", err.msg);
        assert_false(facts.passwd_known);
        assert_null(facts.passwd_home);
        rw_facts_clear(&facts);

        /* HOME "/" (here from the environment; runc's own where the image has no passwd entry):
         * no scratch tmpfs goes there, so the image is not walked for a copy of it */
        json_decref(spec);
        free(text);
        assert_true(asprintf(&text,
                             "{\"root\":{\"path\":\"%s\"},\"process\":{\"user\":{\"uid\":1000,"
                             "\"gid\":1000},\"env\":[\"HOME=//.\"],\"args\":[\"sh\"],"
                             "\"cwd\":\"/\"}}",
                             t.rootfs) > 0);
        spec = rw_test_parse(text);
        if (rw_facts_gather(spec, &o, &facts, &err) < 0)
                fail_msg("%s", err.msg);
        assert_false(facts.home_has_content);
        assert_int_equal(facts.home_bytes, 0);
        assert_int_equal(facts.n_rootfs_missing, 2);
        rw_test_remove_tree(t.root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_passwd_home),         cmocka_unit_test(test_rootfs_passwd),
            cmocka_unit_test(test_rootfs_probe_dir),    cmocka_unit_test(test_home_copy),
            cmocka_unit_test(test_facts_gather_rootfs),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
