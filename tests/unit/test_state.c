/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "state.h"

#define ROOT_A "/run/containerd/runc/default"
#define ROOT_B "/var/run/docker/runtime-runc/moby"

struct fixture {
        char dir[64];   /* a fresh temporary directory */
        char state[96]; /* the state directory inside it (not created yet) */
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        rw_test_mkdtemp(f->dir, sizeof(f->dir), "state");
        snprintf(f->state, sizeof(f->state), "%s/run/state", f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        rw_test_remove_tree(f->dir);
        free(f);
        return 0;
}

static struct rw_container_state make_state(const char *tier, int64_t uid, int64_t gid)
{
        struct rw_container_state st = {.uid = uid, .gid = gid};

        snprintf(st.tier, sizeof(st.tier), "%s", tier);
        return st;
}

static void save_ok(const char *dir, const char *root, const char *id, const char *tier)
{
        struct rw_container_state st = make_state(tier, 1000, 1001);
        struct rw_error err = {0};

        if (rw_state_save(dir, root, id, &st, &err) < 0)
                fail_msg("save %s: %s", id, err.msg);
}

/* The tier recorded for id, or NULL when nothing is. */
static const char *load_tier(const char *dir, const char *root, const char *id)
{
        static struct rw_container_state st;
        struct rw_error err = {0};
        bool found = true;

        memset(&st, 0xaa, sizeof(st));
        if (rw_state_load(dir, root, id, &st, &found, &err) < 0)
                fail_msg("load %s: %s", id, err.msg);
        return found ? st.tier : NULL;
}

/* The one namespace directory inside the state directory. */
static char *namespace_dir(const char *state_dir)
{
        DIR *d = opendir(state_dir);
        struct dirent *e;
        char *path = NULL;
        int n = 0;

        assert_non_null(d);
        while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                        continue;
                free(path);
                assert_true(asprintf(&path, "%s/%s", state_dir, e->d_name) > 0);
                n++;
        }
        closedir(d);
        assert_int_equal(n, 1);
        return path;
}

static char *join(const char *dir, const char *name)
{
        char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        return path;
}

/* Put `text` in place of the record file at `path`, as whoever wrote it. */
static void write_record(const char *path, const char *text)
{
        FILE *out = fopen(path, "w");

        assert_non_null(out);
        fputs(text, out);
        assert_int_equal(fclose(out), 0);
}

static void test_round_trip(void **state)
{
        struct fixture *f = *state;
        struct rw_container_state st = make_state("trusted", 1000, 1001), back;
        struct rw_error err = {0};
        _cleanup_free_ char *ns = NULL, *path = NULL;
        _cleanup_free_ char *text = NULL;
        struct stat sb;
        bool found = false;

        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(found);
        assert_string_equal(back.tier, "trusted");
        assert_int_equal(back.uid, 1000);
        assert_int_equal(back.gid, 1001);

        ns = namespace_dir(f->state);
        assert_int_equal(strlen(strrchr(ns, '/') + 1), 16);
        assert_int_equal(stat(f->state, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, 0700);
        assert_int_equal(stat(ns, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, 0700);
        path = join(ns, "c1.json");
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, 0600);
        text = rw_test_read_file(path, NULL);
        assert_string_equal(text, "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"trusted\","
                                  "\"uid\":1000,\"gid\":1001}");

        /* Saving again replaces the record. */
        st = make_state("untrusted", -1, -1);
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(found);
        assert_string_equal(back.tier, "untrusted");
        assert_int_equal(back.uid, -1);
        assert_int_equal(back.gid, -1);

        assert_false(back.owner_known);

        /* The container's own process, as an exec is compared with it. */
        st = make_state("trusted", 1000, 1001);
        st.owner_known = true;
        snprintf(st.apparmor, sizeof(st.apparmor), "docker-default");
        snprintf(st.selinux, sizeof(st.selinux), "system_u:system_r:container_t:s0:c1,c2");
        st.gids[0] = 10;
        st.gids[1] = 4294967295u;
        st.n_gids = 2;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(back.owner_known);
        assert_string_equal(back.apparmor, "docker-default");
        assert_string_equal(back.selinux, "system_u:system_r:container_t:s0:c1,c2");
        assert_int_equal(back.n_gids, 2);
        assert_int_equal(back.gids[0], 10);
        assert_int_equal(back.gids[1], 4294967295u);
        st.n_gids = RW_STATE_MAX_GIDS + 1;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), -EINVAL);

        assert_int_equal(rw_state_remove(f->state, ROOT_A, "c1", &err), 0);
        assert_null(load_tier(f->state, ROOT_A, "c1"));
        assert_int_equal(rw_state_remove(f->state, ROOT_A, "c1", &err), 0);

        /* The egress hand-off's key (64-bit device and inode) and whether the hook pins. */
        st = make_state("untrusted", 0, 0);
        st.egress = true;
        st.egress_pin = true;
        st.bundle_dev = UINT64_MAX;
        st.bundle_ino = 4242;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c2", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c2", &back, &found, &err), 0);
        assert_true(found);
        assert_true(back.egress);
        assert_true(back.egress_pin);
        assert_true(back.bundle_dev == UINT64_MAX);
        assert_true(back.bundle_ino == 4242);
        assert_string_equal(back.policy_stamp, "");

        /* What a pass-through call needs of the policy: its stamp, the log ("" none), audit. */
        st = make_state("untrusted", 0, 0);
        snprintf(st.policy_stamp, sizeof(st.policy_stamp),
                 "1:2 0:0 100644 9 1.0 2.0 | 1:1 0:0 40755");
        snprintf(st.decision_log, sizeof(st.decision_log), "/var/log/runwarden/audit.jsonl");
        snprintf(st.policy_build, sizeof(st.policy_build), "0123abcd");
        st.tier_audit = true;
        st.log_refuse = true;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c3", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c3", &back, &found, &err), 0);
        assert_string_equal(back.policy_stamp, st.policy_stamp);
        assert_string_equal(back.policy_build, "0123abcd");
        assert_string_equal(back.decision_log, "/var/log/runwarden/audit.jsonl");
        assert_true(back.tier_audit);
        assert_true(back.log_refuse);
        st.decision_log[0] = '\0';
        st.tier_audit = false;
        st.log_refuse = false;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c3", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c3", &back, &found, &err), 0);
        assert_string_equal(back.policy_stamp, st.policy_stamp);
        assert_string_equal(back.decision_log, "");
        assert_false(back.tier_audit);
        assert_false(back.log_refuse);
}

/* A record that does not say whether the policy refuses a call it cannot log (audit_log's
 * on_failure) cannot stand for the policy: without the stamp, its calls read the policy. */
static void test_policy_record_without_refuse(void **state)
{
        struct fixture *f = *state;
        struct rw_container_state back;
        struct rw_error err = {0};
        _cleanup_free_ char *ns = NULL, *path = NULL;
        bool found = false;

        save_ok(f->state, ROOT_A, "c1", "trusted");
        ns = namespace_dir(f->state);
        path = join(ns, "c1.json");
        write_record(path,
                     "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
                     "\"runtime\":\"/usr/sbin/runc\",\"policy\":{\"stamp\":\"s\",\"log\":null,"
                     "\"audit\":false,\"build\":\"0123abcd\"}}");
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(found);
        assert_string_equal(back.policy_stamp, "");
        /* nor one that does not say which build read the policy */
        write_record(path,
                     "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
                     "\"runtime\":\"/usr/sbin/runc\",\"policy\":{\"stamp\":\"s\",\"log\":null,"
                     "\"audit\":false,\"refuse\":true}}");
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(found);
        assert_string_equal(back.policy_stamp, "");
}

static void test_nothing_recorded(void **state)
{
        struct fixture *f = *state;
        struct rw_error err = {0};

        /* no state directory at all */
        assert_null(load_tier(f->state, ROOT_A, "c1"));
        assert_int_equal(rw_state_remove(f->state, ROOT_A, "c1", &err), 0);
        assert_int_equal(access(f->state, F_OK), -1);

        /* a state directory, but no namespace for this root / no file for this id */
        save_ok(f->state, ROOT_A, "c1", "trusted");
        assert_null(load_tier(f->state, ROOT_B, "c1"));
        assert_null(load_tier(f->state, ROOT_A, "c2"));
        assert_int_equal(rw_state_remove(f->state, ROOT_B, "c1", &err), 0);
        assert_string_equal(load_tier(f->state, ROOT_A, "c1"), "trusted");
}

static void test_root_separation(void **state)
{
        struct fixture *f = *state;
        struct rw_error err = {0};

        save_ok(f->state, ROOT_A, "same", "a");
        save_ok(f->state, ROOT_B, "same", "b");
        save_ok(f->state, NULL, "same", "default");
        assert_string_equal(load_tier(f->state, ROOT_A, "same"), "a");
        assert_string_equal(load_tier(f->state, ROOT_B, "same"), "b");
        assert_string_equal(load_tier(f->state, NULL, "same"), "default");

        assert_int_equal(rw_state_remove(f->state, ROOT_A, "same", &err), 0);
        assert_null(load_tier(f->state, ROOT_A, "same"));
        assert_string_equal(load_tier(f->state, ROOT_B, "same"), "b");
        assert_string_equal(load_tier(f->state, NULL, "same"), "default");
}

/* A file recording another root (a hash collision) is not this root's container. */
static void test_root_compared_on_load(void **state)
{
        struct fixture *f = *state;
        _cleanup_free_ char *ns = NULL, *path = NULL;

        save_ok(f->state, ROOT_A, "c1", "trusted");
        ns = namespace_dir(f->state);
        path = join(ns, "c1.json");
        write_record(
            path,
            "{\"root\":\"/other/root\",\"id\":\"c1\",\"tier\":\"trusted\",\"uid\":0,\"gid\":0}");
        assert_null(load_tier(f->state, ROOT_A, "c1"));

        write_record(path,
                     "{\"root\":null,\"id\":\"c1\",\"tier\":\"trusted\",\"uid\":0,\"gid\":0}");
        assert_null(load_tier(f->state, ROOT_A, "c1"));
}

static void expect_load_error(const char *dir, const char *root, const char *id, int code)
{
        struct rw_container_state st;
        struct rw_error err = {0};
        bool found = false;

        assert_int_equal(rw_state_load(dir, root, id, &st, &found, &err), -code);
        assert_int_equal(err.code, code);
        assert_true(err.msg[0] != '\0');
}

static void test_malformed_file(void **state)
{
        static const char *const bad[] = {
            "not json",
            "[]",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c2\",\"tier\":\"t\",\"uid\":0,\"gid\":0}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"\",\"uid\":0,\"gid\":0}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":-2,\"gid\":0}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":\"0\"}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"tier\":\"u\",\"uid\":0,"
            "\"gid\":0}",
            /* the container's process: three members, labels strings, groups uint32 */
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"owner\":{\"apparmorProfile\":\"\",\"selinuxLabel\":\"\"}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"volumes\":[\"../../x.vol\"]}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"runtime\":\"runc\"}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"runtime\":[\"/usr/bin/runc\"]}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"volumes\":\"0123456789abcdef.vol\"}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"owner\":{\"apparmorProfile\":null,\"selinuxLabel\":\"\",\"additionalGids\":[]}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"owner\":{\"apparmorProfile\":\"\",\"selinuxLabel\":\"\",\"additionalGids\":"
            "[4294967296]}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"owner\":{\"apparmorProfile\":\"a\\u0000b\",\"selinuxLabel\":\"\","
            "\"additionalGids\":[]}}",
            /* the policy: a stamp, an absolute log path or null, audit a boolean */
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":{\"stamp\":\"\",\"log\":null,\"audit\":false}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":{\"stamp\":\"s\",\"log\":\"audit.jsonl\",\"audit\":false}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":{\"stamp\":\"s\",\"audit\":false}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":{\"stamp\":\"s\",\"log\":null,\"audit\":0}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":{\"stamp\":\"s\",\"log\":null,\"audit\":false,\"refuse\":1}}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"policy\":\"s\"}",
            /* numbers as jansson reads them: a real is no string, nor is it beyond its range */
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"pod\":1.5}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"sandbox\":-0}",
            "{\"root\":1.5,\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"x\":1e400}",
            "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,\"gid\":0,"
            "\"x\":18446744073709551615}",
        };
        struct fixture *f = *state;
        _cleanup_free_ char *ns = NULL, *path = NULL;

        save_ok(f->state, ROOT_A, "c1", "trusted");
        ns = namespace_dir(f->state);
        path = join(ns, "c1.json");
        for (size_t i = 0; i < RW_ELEMENTSOF(bad); i++) {
                write_record(path, bad[i]);
                expect_load_error(f->state, ROOT_A, "c1", EINVAL);
        }
}

static void test_id_validation(void **state)
{
        static const char *const invalid[] = {
            "", ".", "..", "a/b", "../etc", "/abs", "a b", "a\nb", "a:b", "caf\xc3\xa9", "a*",
        };
        static const char *const valid[] = {
            "c1",
            "a..b",
            ".hidden",
            "x_y+z-w.1",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        };
        struct fixture *f = *state;
        struct rw_container_state st = make_state("t", 0, 0);
        struct rw_error err = {0};
        char too_long[1100], file_too_long[300];
        bool found;

        for (size_t i = 0; i < RW_ELEMENTSOF(invalid); i++) {
                assert_int_equal(rw_state_save(f->state, NULL, invalid[i], &st, &err), -EINVAL);
                assert_int_equal(rw_state_load(f->state, NULL, invalid[i], &st, &found, &err),
                                 -EINVAL);
                assert_int_equal(rw_state_remove(f->state, NULL, invalid[i], &err), -EINVAL);
        }
        assert_int_equal(rw_state_save(f->state, NULL, NULL, &st, &err), -EINVAL);
        memset(too_long, 'a', sizeof(too_long));
        too_long[1025] = '\0';
        assert_int_equal(rw_state_save(f->state, NULL, too_long, &st, &err), -EINVAL);
        /* a valid id, but longer than a file name can be */
        memset(file_too_long, 'a', sizeof(file_too_long));
        file_too_long[sizeof(file_too_long) - 1] = '\0';
        assert_int_equal(rw_state_save(f->state, NULL, file_too_long, &st, &err), -ENAMETOOLONG);
        /* what load would refuse is not written either */
        st = make_state("", 0, 0);
        assert_int_equal(rw_state_save(f->state, NULL, "c1", &st, &err), -EINVAL);
        st = make_state("t", -2, 0);
        assert_int_equal(rw_state_save(f->state, NULL, "c1", &st, &err), -EINVAL);
        st = make_state("t", 0, (int64_t)UINT32_MAX + 1);
        assert_int_equal(rw_state_save(f->state, NULL, "c1", &st, &err), -EINVAL);
        memset(st.tier, 'x', sizeof(st.tier));
        st.gid = 0;
        assert_int_equal(rw_state_save(f->state, NULL, "c1", &st, &err), -EINVAL);
        st = make_state("t", 0, 0);
        /* nothing was created by the refused calls */
        assert_int_equal(access(f->state, F_OK), -1);

        for (size_t i = 0; i < RW_ELEMENTSOF(valid); i++) {
                save_ok(f->state, NULL, valid[i], "t");
                assert_string_equal(load_tier(f->state, NULL, valid[i]), "t");
        }
}

static bool dir_is_empty(const char *path)
{
        DIR *d = opendir(path);
        struct dirent *e;
        bool empty = true;

        assert_non_null(d);
        while ((e = readdir(d)) != NULL)
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                        empty = false;
        closedir(d);
        return empty;
}

static void test_symlinked_namespace_not_followed(void **state)
{
        struct fixture *f = *state;
        struct rw_container_state st = make_state("trusted", 0, 0);
        struct rw_error err = {0};
        _cleanup_free_ char *ns = NULL;
        char elsewhere[128], aside[128];

        save_ok(f->state, ROOT_A, "first", "trusted");
        ns = namespace_dir(f->state);
        snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", f->dir);
        assert_int_equal(mkdir(elsewhere, 0700), 0);
        snprintf(aside, sizeof(aside), "%s/aside", f->dir);
        assert_int_equal(rename(ns, aside), 0);
        assert_int_equal(symlink(elsewhere, ns), 0);

        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), -ELOOP);
        assert_non_null(strstr(err.msg, "symbolic link"));
        assert_true(dir_is_empty(elsewhere));
        expect_load_error(f->state, ROOT_A, "c1", ELOOP);
        assert_int_equal(rw_state_remove(f->state, ROOT_A, "c1", &err), -ELOOP);
}

static void test_symlinked_state_dir_not_followed(void **state)
{
        struct fixture *f = *state;
        struct rw_container_state st = make_state("trusted", 0, 0);
        struct rw_error err = {0};
        char real[128], link[128], via_link[160];

        snprintf(real, sizeof(real), "%s/real", f->dir);
        snprintf(link, sizeof(link), "%s/link", f->dir);
        snprintf(via_link, sizeof(via_link), "%s/link/state", f->dir);
        assert_int_equal(mkdir(real, 0700), 0);
        assert_int_equal(symlink(real, link), 0);

        assert_int_equal(rw_state_save(via_link, ROOT_A, "c1", &st, &err), -ELOOP);
        assert_true(dir_is_empty(real));
        expect_load_error(via_link, ROOT_A, "c1", ELOOP);

        /* the last component too */
        assert_int_equal(rw_state_save(link, ROOT_A, "c1", &st, &err), -ELOOP);
        assert_true(dir_is_empty(real));
}

static void test_symlinked_file_not_followed(void **state)
{
        struct fixture *f = *state;
        _cleanup_free_ char *ns = NULL, *path = NULL;
        char target[128];
        _cleanup_free_ char *text = NULL;
        struct stat sb;
        FILE *out;

        save_ok(f->state, ROOT_A, "first", "trusted");
        ns = namespace_dir(f->state);
        snprintf(target, sizeof(target), "%s/target.json", f->dir);
        out = fopen(target, "w");
        assert_non_null(out);
        fputs("{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"weak\",\"uid\":0,\"gid\":0}", out);
        fclose(out);
        path = join(ns, "c1.json");
        assert_int_equal(symlink(target, path), 0);

        expect_load_error(f->state, ROOT_A, "c1", ELOOP);
        /* Saving replaces the link itself; the file it pointed to is untouched. */
        save_ok(f->state, ROOT_A, "c1", "trusted");
        assert_int_equal(lstat(path, &sb), 0);
        assert_true(S_ISREG(sb.st_mode));
        assert_string_equal(load_tier(f->state, ROOT_A, "c1"), "trusted");
        text = rw_test_read_file(target, NULL);
        assert_non_null(strstr(text, "\"weak\""));
}

static void test_foreign_namespace_refused(void **state)
{
        struct fixture *f = *state;
        _cleanup_free_ char *ns = NULL;

        save_ok(f->state, ROOT_A, "c1", "trusted");
        ns = namespace_dir(f->state);
        assert_int_equal(chmod(ns, 0777), 0);
        expect_load_error(f->state, ROOT_A, "c1", EPERM);
        assert_int_equal(chmod(ns, 0700), 0);
        assert_int_equal(chmod(f->state, 0770), 0);
        expect_load_error(f->state, ROOT_A, "c1", EPERM);
        assert_int_equal(chmod(f->state, 0700), 0);
        assert_string_equal(load_tier(f->state, ROOT_A, "c1"), "trusted");
        /* planted by another user */
        if (geteuid() == 0) {
                assert_int_equal(chown(ns, 12345, 12345), 0);
                expect_load_error(f->state, ROOT_A, "c1", EPERM);
        }
}

/* Every record, whatever its root; nothing at all before the first. */
static void test_list(void **state)
{
        struct fixture *f = *state;
        struct rw_container_record *records = NULL;
        struct rw_error err = {0};
        size_t n = 99;
        bool seen[3] = {false};

        assert_int_equal(rw_state_list(f->state, &records, &n, &err), 0);
        assert_int_equal(n, 0);
        assert_null(records);

        save_ok(f->state, ROOT_A, "c1", "trusted");
        save_ok(f->state, ROOT_A, "c2", "untrusted");
        save_ok(f->state, NULL, "c1", "default");
        assert_int_equal(rw_state_list(f->state, &records, &n, &err), 0);
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++) {
                const struct rw_container_record *r = &records[i];
                size_t k = r->root == NULL ? 2 : strcmp(r->id, "c1") == 0 ? 0 : 1;

                assert_false(seen[k]);
                seen[k] = true;
                if (r->root != NULL)
                        assert_string_equal(r->root, ROOT_A);
                assert_string_equal(r->state.tier, k == 0   ? "trusted"
                                                   : k == 1 ? "untrusted"
                                                            : "default");
                assert_int_equal(r->state.uid, 1000);
                assert_int_equal(r->state.gid, 1001);
        }
        rw_state_records_free(records, n);

        /* A record that is not where it would be looked up is an error, not a guess. */
        {
                _cleanup_free_ char *default_ns = join(f->state, "default");
                _cleanup_free_ char *aside = join(f->dir, "default");
                _cleanup_free_ char *ns = NULL, *path = NULL;

                /* ROOT_A's namespace, alone */
                assert_int_equal(rename(default_ns, aside), 0);
                ns = namespace_dir(f->state);
                path = join(ns, "c3.json");
                write_record(path,
                             "{\"root\":\"" ROOT_A "\",\"id\":\"c1\",\"tier\":\"t\",\"uid\":0,"
                             "\"gid\":0}");
                assert_int_equal(chmod(path, 0600), 0);
        }
        records = NULL;
        assert_int_equal(rw_state_list(f->state, &records, &n, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "c3.json: it records another container"));
        assert_null(records);
}

static void add_use(const char *dir, const char *path, const char *root, const char *id,
                    const char *tier)
{
        struct rw_volume_use use = {.root = (char *)root, .id = (char *)id, .tier = (char *)tier};
        struct rw_error err = {0};

        if (rw_volume_add_user(dir, path, &use, &err) < 0)
                fail_msg("adding %s to %s: %s", id, path, err.msg);
}

/* The ids of the users of `path`, in order, joined by spaces. */
static char *users_of(const char *dir, const char *path)
{
        struct rw_volume_entry e = {0};
        struct rw_error err = {0};
        char *out = calloc(1, 256);
        bool found = false;

        assert_non_null(out);
        assert_int_equal(rw_volume_load(dir, path, &e, &found, &err), 0);
        assert_true(found);
        for (size_t i = 0; i < e.n_users; i++) {
                strcat(out, i > 0 ? " " : "");
                strcat(out, e.users[i].id);
        }
        rw_volume_entry_clear(&e);
        return out;
}

#define VOL_A "/var/lib/docker/volumes/a/_data"
#define VOL_B "/var/lib/docker/volumes/b/_data"

/* A delete takes the container out of the entries its record names, and only those; without a
 * list, out of all. */
static void test_volume_users_removed(void **state)
{
        struct fixture *f = *state;
        char names[2][RW_STORE_NAME_MAX];
        struct rw_error err = {0};
        char *users;

        add_use(f->state, VOL_A, ROOT_A, "c1", "t1");
        add_use(f->state, VOL_A, ROOT_A, "c2", "t1");
        add_use(f->state, VOL_B, ROOT_A, "c1", "t1");
        add_use(f->state, VOL_B, ROOT_B, "c1", "t2");
        rw_volume_entry_name(VOL_A, names[0]);
        rw_volume_entry_name(VOL_B, names[1]);
        assert_true(rw_volume_entry_name_valid(names[0]));
        assert_string_not_equal(names[0], names[1]);

        /* c1 of ROOT_A, by its record: volume A only */
        assert_int_equal(rw_volume_remove_user(f->state, ROOT_A, "c1", names, 1, &err), 0);
        users = users_of(f->state, VOL_A);
        assert_string_equal(users, "c2");
        free(users);
        users = users_of(f->state, VOL_B);
        assert_string_equal(users, "c1 c1");
        free(users);
        /* without a record: every entry */
        assert_int_equal(rw_volume_remove_user(f->state, ROOT_A, "c1", NULL, 0, &err), 0);
        users = users_of(f->state, VOL_B);
        assert_string_equal(users, "c1"); /* ROOT_B's c1 */
        free(users);
        /* an entry that is gone, and a name that is not one */
        snprintf(names[1], sizeof(names[1]), "0123456789abcdef.vol");
        assert_int_equal(rw_volume_remove_user(f->state, ROOT_B, "c1", names, 2, &err), 0);
        snprintf(names[1], sizeof(names[1]), "../../c1.json");
        assert_int_equal(rw_volume_remove_user(f->state, ROOT_B, "c1", names, 2, &err), -EINVAL);
        assert_false(rw_volume_entry_name_valid("0123456789ABCDEF.vol"));
        assert_false(rw_volume_entry_name_valid("0123456789abcdef.json"));
}

/* The record keeps the list; one it cannot hold is refused at save and at load. */
static void test_volume_list_recorded(void **state)
{
        struct fixture *f = *state;
        struct rw_container_state st = make_state("trusted", 0, 0), back;
        struct rw_error err = {0};
        bool found = false;

        st.volumes_known = true;
        st.n_volumes = 2;
        rw_volume_entry_name(VOL_A, st.volumes[0]);
        rw_volume_entry_name(VOL_B, st.volumes[1]);
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(found && back.volumes_known);
        assert_int_equal(back.n_volumes, 2);
        assert_string_equal(back.volumes[0], st.volumes[0]);
        assert_string_equal(back.volumes[1], st.volumes[1]);
        /* the runtime that created it */
        snprintf(st.runtime, sizeof(st.runtime), "/usr/local/sbin/runc");
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_string_equal(back.runtime, "/usr/local/sbin/runc");
        snprintf(st.runtime, sizeof(st.runtime), "runc");
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), -EINVAL);
        st.runtime[0] = '\0';
        /* none: an empty list, known */
        st.n_volumes = 0;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), 0);
        assert_int_equal(rw_state_load(f->state, ROOT_A, "c1", &back, &found, &err), 0);
        assert_true(back.volumes_known);
        assert_int_equal(back.n_volumes, 0);
        st.n_volumes = 1;
        snprintf(st.volumes[0], sizeof(st.volumes[0]), "../escape.vol");
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), -EINVAL);
        st.n_volumes = RW_STATE_MAX_VOLUMES + 1;
        assert_int_equal(rw_state_save(f->state, ROOT_A, "c1", &st, &err), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
            cmocka_unit_test_setup_teardown(test_nothing_recorded, setup, teardown),
            cmocka_unit_test_setup_teardown(test_policy_record_without_refuse, setup, teardown),
            cmocka_unit_test_setup_teardown(test_root_separation, setup, teardown),
            cmocka_unit_test_setup_teardown(test_root_compared_on_load, setup, teardown),
            cmocka_unit_test_setup_teardown(test_malformed_file, setup, teardown),
            cmocka_unit_test_setup_teardown(test_id_validation, setup, teardown),
            cmocka_unit_test_setup_teardown(test_symlinked_namespace_not_followed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_symlinked_state_dir_not_followed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_symlinked_file_not_followed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_foreign_namespace_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(test_list, setup, teardown),
            cmocka_unit_test_setup_teardown(test_volume_users_removed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_volume_list_recorded, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
