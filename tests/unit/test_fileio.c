/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"

struct scratch {
        char path[64];
        int dirfd;
};

static int scratch_setup(void **state)
{
        struct scratch *s = calloc(1, sizeof(*s));
        struct rw_error err = {0};

        assert_non_null(s);
        strcpy(s->path, "/tmp/rw-test-fileio-XXXXXX");
        assert_non_null(mkdtemp(s->path));
        assert_int_equal(rw_dir_open(s->path, &s->dirfd, &err), 0);
        *state = s;
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int scratch_teardown(void **state)
{
        struct scratch *s = *state;

        close(s->dirfd);
        assert_int_equal(nftw(s->path, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(s);
        return 0;
}

static void write_file(int dirfd, const char *name, const char *data, mode_t mode)
{
        _cleanup_close_ int fd =
            openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
        assert_int_equal(fchmod(fd, mode), 0);
}

/* The names in the directory, sorted and joined by spaces. */
static char *list_dir(int dirfd)
{
        _cleanup_close_ int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char *names[32];
        size_t n = 0, len = 0;
        DIR *dir;
        struct dirent *de;
        char *out;

        assert_true(fd >= 0);
        dir = fdopendir(TAKE_FD(fd));
        assert_non_null(dir);
        while ((de = readdir(dir)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                assert_true(n < RW_ELEMENTSOF(names));
                names[n] = strdup(de->d_name);
                assert_non_null(names[n]);
                len += strlen(names[n]) + 1;
                n++;
        }
        closedir(dir);
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (strcmp(names[j], names[i]) < 0) {
                                char *t = names[i];
                                names[i] = names[j];
                                names[j] = t;
                        }
        out = calloc(1, len + 1);
        assert_non_null(out);
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        strcat(out, " ");
                strcat(out, names[i]);
                free(names[i]);
        }
        return out;
}

static void assert_read_fails(int dirfd, const char *name, size_t max, int code, const char *needle)
{
        struct rw_error err = {0};
        char *data = NULL;
        size_t len = 0;

        assert_int_equal(rw_file_read_at(dirfd, name, max, &data, &len, NULL, &err), -code);
        assert_null(data);
        assert_int_equal(err.code, code);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("error for %s is \"%s\", expected \"%s\"", name, err.msg, needle);
}

static void assert_file_is(int dirfd, const char *name, const char *content)
{
        _cleanup_free_ char *data = NULL;
        struct rw_error err = {0};
        size_t len;

        assert_int_equal(rw_file_read_at(dirfd, name, 1 << 20, &data, &len, NULL, &err), 0);
        assert_int_equal(len, strlen(content));
        assert_memory_equal(data, content, len);
}

static void test_dir_open(void **state)
{
        struct scratch *s = *state;
        struct rw_error err = {0};
        _cleanup_close_ int fd = -1;
        int flags;

        assert_int_equal(rw_dir_open(s->path, &fd, &err), 0);
        flags = fcntl(fd, F_GETFD);
        assert_true(flags & FD_CLOEXEC);
        assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);

        write_file(s->dirfd, "file", "x", 0644);
        {
                _cleanup_free_ char *path = NULL;
                int bad = -1;

                assert_true(asprintf(&path, "%s/file", s->path) > 0);
                assert_int_equal(rw_dir_open(path, &bad, &err), -ENOTDIR);
                assert_int_equal(bad, -1);
                assert_non_null(strstr(err.msg, path));
                free(TAKE_PTR(path));
                assert_true(asprintf(&path, "%s/missing", s->path) > 0);
                assert_int_equal(rw_dir_open(path, &bad, &err), -ENOENT);
        }
}

static void test_read_regular_file(void **state)
{
        struct scratch *s = *state;
        static const char content[] = "{\"ociVersion\":\"1.0.2\"}\n";
        _cleanup_free_ char *data = NULL;
        struct rw_error err = {0};
        struct stat st;
        size_t len = 0;

        write_file(s->dirfd, "config.json", content, 0640);
        assert_int_equal(rw_file_read_at(s->dirfd, "config.json", 1024, &data, &len, &st, &err), 0);
        assert_int_equal(len, sizeof(content) - 1);
        assert_memory_equal(data, content, sizeof(content));
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_size, (off_t)len);
        free(TAKE_PTR(data));

        /* Exactly at the limit is fine, ret_st may be NULL. */
        assert_int_equal(rw_file_read_at(s->dirfd, "config.json", len, &data, &len, NULL, &err), 0);
        assert_string_equal(data, content);
        free(TAKE_PTR(data));

        write_file(s->dirfd, "empty", "", 0600);
        assert_int_equal(rw_file_read_at(s->dirfd, "empty", 1024, &data, &len, NULL, &err), 0);
        assert_int_equal(len, 0);
        assert_string_equal(data, "");
}

static void test_read_refuses_symlinks(void **state)
{
        struct scratch *s = *state;

        write_file(s->dirfd, "real.json", "{}", 0644);
        assert_int_equal(symlinkat("real.json", s->dirfd, "config.json"), 0);
        assert_read_fails(s->dirfd, "config.json", 1024, ELOOP, "symbolic link");
        assert_int_equal(symlinkat("/etc/hostname", s->dirfd, "abs.json"), 0);
        assert_read_fails(s->dirfd, "abs.json", 1024, ELOOP, "symbolic link");
        assert_int_equal(symlinkat("nowhere", s->dirfd, "dangling.json"), 0);
        assert_read_fails(s->dirfd, "dangling.json", 1024, ELOOP, "symbolic link");
}

static void test_read_refuses_special_files(void **state)
{
        struct scratch *s = *state;

        assert_int_equal(mkdirat(s->dirfd, "dir", 0755), 0);
        assert_read_fails(s->dirfd, "dir", 1024, EINVAL, "not a regular file");
        assert_int_equal(mkfifoat(s->dirfd, "fifo", 0644), 0);
        /* Opening a FIFO without a writer must not block; the alarm turns a hang into a failure. */
        alarm(10);
        assert_read_fails(s->dirfd, "fifo", 1024, EINVAL, "not a regular file");
        alarm(0);
        assert_read_fails(s->dirfd, "missing", 1024, ENOENT, "cannot open missing");
}

static void test_read_refuses_oversize(void **state)
{
        struct scratch *s = *state;

        write_file(s->dirfd, "big", "0123456789", 0644);
        assert_read_fails(s->dirfd, "big", 9, EFBIG, "larger than 9 bytes");
        assert_read_fails(s->dirfd, "big", 0, EFBIG, "larger than 0 bytes");
        assert_file_is(s->dirfd, "big", "0123456789");
}

static void test_bad_names(void **state)
{
        static const char *const names[] = {"", ".", "..", "a/b", "/etc/passwd", "../x", "x/"};
        struct scratch *s = *state;
        struct stat like = {.st_mode = S_IFREG | 0644};

        assert_int_equal(mkdirat(s->dirfd, "a", 0755), 0);
        write_file(s->dirfd, "a/b", "x", 0644);
        for (size_t i = 0; i < RW_ELEMENTSOF(names); i++) {
                struct rw_error err = {0};

                assert_read_fails(s->dirfd, names[i], 1024, EINVAL, "name");
                assert_int_equal(
                    rw_file_replace_at(s->dirfd, names[i], "y", 1, &like, RW_DURABILITY_SYNC, &err),
                    -EINVAL);
        }
        {
                _cleanup_close_ int sub = openat(s->dirfd, "a", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                assert_true(sub >= 0);
                assert_file_is(sub, "b", "x");
        }
}

static void test_replace_keeps_mode_and_owner(void **state)
{
        struct scratch *s = *state;
        static const char new_content[] = "{\"new\":18446744073709551615}";
        struct rw_error err = {0};
        struct stat before, after;
        _cleanup_free_ char *names = NULL;

        write_file(s->dirfd, "config.json", "{\"old\":true}", 0640);
        assert_int_equal(fchownat(s->dirfd, "config.json", 1234, 5678, 0), 0);
        /* Set-user-ID and set-group-ID survive only if the owner is set before the mode. */
        assert_int_equal(fchmodat(s->dirfd, "config.json", 06750, 0), 0);
        assert_int_equal(fstatat(s->dirfd, "config.json", &before, AT_SYMLINK_NOFOLLOW), 0);

        assert_int_equal(rw_file_replace_at(s->dirfd, "config.json", new_content,
                                            sizeof(new_content) - 1, &before, RW_DURABILITY_SYNC,
                                            &err),
                         0);
        assert_file_is(s->dirfd, "config.json", new_content);
        assert_int_equal(fstatat(s->dirfd, "config.json", &after, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(after.st_mode));
        assert_int_equal(after.st_mode & 07777, 06750);
        assert_int_equal(after.st_uid, 1234);
        assert_int_equal(after.st_gid, 5678);
        assert_true(after.st_ino != before.st_ino);
        names = list_dir(s->dirfd);
        assert_string_equal(names, "config.json");
}

static void test_replace_creates_and_replaces_symlink_itself(void **state)
{
        struct scratch *s = *state;
        struct stat like = {.st_mode = S_IFREG | 0600, .st_uid = 0, .st_gid = 0};
        struct rw_error err = {0};
        struct stat st;
        _cleanup_free_ char *names = NULL;

        assert_int_equal(
            rw_file_replace_at(s->dirfd, "fresh", "abc", 3, &like, RW_DURABILITY_CACHE, &err), 0);
        assert_file_is(s->dirfd, "fresh", "abc");

        /* A symlink named like the target is replaced, its target is never written through. */
        write_file(s->dirfd, "victim", "precious", 0644);
        assert_int_equal(symlinkat("victim", s->dirfd, "link"), 0);
        assert_int_equal(
            rw_file_replace_at(s->dirfd, "link", "new", 3, &like, RW_DURABILITY_SYNC, &err), 0);
        assert_int_equal(fstatat(s->dirfd, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_file_is(s->dirfd, "link", "new");
        assert_file_is(s->dirfd, "victim", "precious");
        names = list_dir(s->dirfd);
        assert_string_equal(names, "fresh link victim");
}

static void test_replace_failure_on_rename_leaves_no_temp(void **state)
{
        struct scratch *s = *state;
        struct stat like = {.st_mode = S_IFREG | 0644};
        struct rw_error err = {0};
        struct stat st;
        _cleanup_free_ char *names = NULL;

        assert_int_equal(mkdirat(s->dirfd, "config.json", 0755), 0);
        assert_int_equal(
            rw_file_replace_at(s->dirfd, "config.json", "{}", 2, &like, RW_DURABILITY_SYNC, &err),
            -EISDIR);
        assert_non_null(strstr(err.msg, "cannot rename"));
        assert_int_equal(fstatat(s->dirfd, "config.json", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISDIR(st.st_mode));
        names = list_dir(s->dirfd);
        assert_string_equal(names, "config.json");
}

/* A write that fails half way (file size limit) removes the temporary and keeps the original. */
static void test_replace_failure_on_write_keeps_original(void **state)
{
        struct scratch *s = *state;
        static const char original[] = "{\"original\":\"content, byte for byte\"}";
        char big[4096];
        struct rw_error err = {0};
        struct rlimit saved, small;
        struct stat before, after;
        _cleanup_free_ char *names = NULL;
        void (*old_handler)(int);
        int r;

        write_file(s->dirfd, "config.json", original, 0644);
        assert_int_equal(fstatat(s->dirfd, "config.json", &before, AT_SYMLINK_NOFOLLOW), 0);
        memset(big, 'x', sizeof(big));

        assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
        small = saved;
        small.rlim_cur = 100;
        old_handler = signal(SIGXFSZ, SIG_IGN);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
        r = rw_file_replace_at(s->dirfd, "config.json", big, sizeof(big), &before,
                               RW_DURABILITY_SYNC, &err);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
        signal(SIGXFSZ, old_handler);

        assert_int_equal(r, -EFBIG);
        assert_non_null(strstr(err.msg, "cannot write"));
        assert_file_is(s->dirfd, "config.json", original);
        assert_int_equal(fstatat(s->dirfd, "config.json", &after, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(after.st_ino, before.st_ino);
        names = list_dir(s->dirfd);
        assert_string_equal(names, "config.json");
}

/* The temporary name does not fit: nothing is created, the original stays. */
static void test_replace_failure_long_name(void **state)
{
        struct scratch *s = *state;
        char name[NAME_MAX + 1];
        struct stat like = {.st_mode = S_IFREG | 0644};
        struct rw_error err = {0};
        _cleanup_free_ char *names = NULL;

        memset(name, 'n', NAME_MAX - 5);
        name[NAME_MAX - 5] = '\0';
        write_file(s->dirfd, name, "orig", 0644);
        assert_int_equal(
            rw_file_replace_at(s->dirfd, name, "new", 3, &like, RW_DURABILITY_SYNC, &err),
            -ENAMETOOLONG);
        assert_file_is(s->dirfd, name, "orig");
        names = list_dir(s->dirfd);
        assert_string_equal(names, name);
}

static void test_replace_needs_like(void **state)
{
        struct scratch *s = *state;
        struct rw_error err = {0};
        _cleanup_free_ char *names = NULL;

        assert_int_equal(rw_file_replace_at(s->dirfd, "x", "y", 1, NULL, RW_DURABILITY_SYNC, &err),
                         -EINVAL);
        names = list_dir(s->dirfd);
        assert_string_equal(names, "");
}

static void assert_split(const char *path, const char *dir, const char *base)
{
        _cleanup_free_ char *d = NULL, *b = NULL;
        struct rw_error err = {0};

        if (rw_path_split(path, &d, &b, &err) < 0)
                fail_msg("split of %s failed: %s", path, err.msg);
        assert_string_equal(d, dir);
        assert_string_equal(b, base);
}

static void test_path_split(void **state)
{
        static const char *const bad[] = {"", "/", "a/", "/a/b/", "a/.", "a/..", ".", ".."};

        (void)state;
        assert_split("/a/b/c.json", "/a/b", "c.json");
        assert_split("c.json", ".", "c.json");
        assert_split("/c.json", "/", "c.json");
        assert_split("//c.json", "/", "c.json");
        assert_split("a//b", "a", "b");
        assert_split("./config.json", ".", "config.json");
        assert_split("../x/.hidden", "../x", ".hidden");
        for (size_t i = 0; i < RW_ELEMENTSOF(bad); i++) {
                char *d = NULL, *b = NULL;
                struct rw_error err = {0};

                assert_int_equal(rw_path_split(bad[i], &d, &b, &err), -EINVAL);
                assert_null(d);
                assert_null(b);
        }
}

/* By path: the file in its directory, the directory's stat, and JSON parsed losslessly. */
static void test_read_by_path(void **state)
{
        struct scratch *s = *state;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *data = NULL;
        struct rw_error err = {0};
        struct stat st, dir_st;
        char path[128], link[128];
        size_t len;

        write_file(s->dirfd, "a.json", "{\"n\": 18446744073709551615}", 0640);
        snprintf(path, sizeof(path), "%s/a.json", s->path);
        assert_int_equal(rw_file_read(path, 1024, &data, &len, &st, &dir_st, &err), 0);
        assert_int_equal(len, strlen(data));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_true(S_ISDIR(dir_st.st_mode));
        assert_int_equal(rw_file_read_json(path, 1024, &doc, &err), 0);
        assert_string_equal(rw_json_verbatim_number_text(json_object_get(doc, "n")),
                            "18446744073709551615");
        json_decref(TAKE_PTR(doc));
        assert_int_equal(rw_file_read_json_at(s->dirfd, "a.json", 1024, &doc, &err), 0);
        assert_true(json_is_object(doc));

        write_file(s->dirfd, "bad.json", "{\n \"a\": }", 0644);
        snprintf(path, sizeof(path), "%s/bad.json", s->path);
        assert_int_equal(rw_file_read_json(path, 1024, &doc, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "line 2, column"));
        assert_int_equal(rw_file_read_json_at(s->dirfd, "missing.json", 1024, &doc, &err), -ENOENT);

        snprintf(link, sizeof(link), "%s/link.json", s->path);
        assert_int_equal(symlinkat("a.json", s->dirfd, "link.json"), 0);
        assert_int_equal(rw_file_read_json(link, 1024, &doc, &err), -ELOOP);
        snprintf(path, sizeof(path), "%s/no-such-dir/a.json", s->path);
        assert_int_equal(rw_file_read_json(path, 1024, &doc, &err), -ENOENT);
}

/* A stamp stays while nothing changes and moves with the contents, the mode, a replacement and the
 * directory's mode; a symlink is refused as by rw_file_read(). */
static void test_stamp(void **state)
{
        struct scratch *s = *state;
        _cleanup_free_ char *data = NULL;
        char first[RW_FILE_STAMP_MAX], now[RW_FILE_STAMP_MAX], made[RW_FILE_STAMP_MAX];
        char path[128], link[128];
        struct rw_error err = {0};
        struct stat st, dir_st;
        size_t len;

        write_file(s->dirfd, "p.json", "{\"a\": 1}", 0644);
        snprintf(path, sizeof(path), "%s/p.json", s->path);
        assert_int_equal(rw_file_stamp(path, 1024, first, &err), 0);
        assert_true(first[0] != '\0');
        assert_int_equal(rw_file_read(path, 1024, &data, &len, &st, &dir_st, &err), 0);
        rw_file_stamp_format(&st, &dir_st, data, len, made);
        assert_string_equal(made, first);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), 0);
        assert_string_equal(now, first);

        /* the same size, written at once: the kernel's clock may not have moved, the hash has */
        write_file(s->dirfd, "p.json", "{\"a\": 2}", 0644);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), 0);
        assert_string_not_equal(now, first);
        write_file(s->dirfd, "p.json", "{\"a\": 1}", 0644);
        assert_int_equal(rw_file_stamp(path, 1024, first, &err), 0);
        assert_int_equal(fchmodat(s->dirfd, "p.json", 0666, 0), 0);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), 0);
        assert_string_not_equal(now, first);
        assert_int_equal(fchmodat(s->dirfd, "p.json", 0644, 0), 0);
        assert_int_equal(rw_file_stamp(path, 1024, first, &err), 0);
        write_file(s->dirfd, "q.json", "{\"a\": 1}", 0644);
        assert_int_equal(renameat(s->dirfd, "q.json", s->dirfd, "p.json"), 0);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), 0);
        assert_string_not_equal(now, first);
        assert_int_equal(rw_file_stamp(path, 1024, first, &err), 0);
        assert_int_equal(chmod(s->path, 0777), 0);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), 0);
        assert_int_equal(chmod(s->path, 0700), 0);
        assert_string_not_equal(now, first);

        snprintf(link, sizeof(link), "%s/link.json", s->path);
        assert_int_equal(symlinkat("p.json", s->dirfd, "link.json"), 0);
        assert_int_equal(rw_file_stamp(link, 1024, now, &err), -ELOOP);
        snprintf(path, sizeof(path), "%s/missing.json", s->path);
        assert_int_equal(rw_file_stamp(path, 1024, now, &err), -ENOENT);
}

/* One line per call, appended; the directory made (one level) only when asked. */
static void test_append_line(void **state)
{
        struct scratch *s = *state;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        char path[128], link[128];
        struct stat st;

        snprintf(path, sizeof(path), "%s/logs/a.log", s->path);
        assert_int_equal(rw_file_append_line(path, "one\n", 0640, 0, RW_DURABILITY_CACHE, &err),
                         -ENOENT);
        /* a refusal's line: synced, the new file's directory entry too */
        assert_int_equal(rw_file_append_line(path, "one\n", 0640, 0750, RW_DURABILITY_SYNC, &err),
                         0);
        assert_int_equal(rw_file_append_line(path, "two\n", 0640, 0750, RW_DURABILITY_CACHE, &err),
                         0);
        text = rw_test_read_file(path, NULL);
        assert_string_equal(text, "one\ntwo\n");
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0640 & ~umask(umask(0)));
        snprintf(path, sizeof(path), "%s/logs", s->path);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0750 & ~umask(umask(0)));

        /* Never through a symlink. */
        snprintf(link, sizeof(link), "%s/link.log", s->path);
        assert_int_equal(symlinkat("logs/a.log", s->dirfd, "link.log"), 0);
        assert_int_equal(rw_file_append_line(link, "x\n", 0640, 0, RW_DURABILITY_CACHE, &err),
                         -ELOOP);
        assert_int_equal(rw_file_append_line(link, "x\n", 0640, 0, RW_DURABILITY_SYNC, &err),
                         -ELOOP);
}

/* rw_file_realpath() answers as realpath() does: the same path, or the same errno. */
static void assert_realpath_like_libc(const char *path)
{
        _cleanup_free_ char *want = NULL, *got = NULL;
        int want_errno, got_errno;

        errno = 0;
        want = realpath(path, NULL);
        want_errno = errno;
        errno = 0;
        got = rw_file_realpath(path);
        got_errno = errno;
        if (want == NULL) {
                if (got != NULL)
                        fail_msg("%s: realpath failed (%s), rw_file_realpath gave %s", path,
                                 strerror(want_errno), got);
                assert_int_equal(got_errno, want_errno);
                return;
        }
        if (got == NULL)
                fail_msg("%s: realpath gave %s, rw_file_realpath failed (%s)", path, want,
                         strerror(got_errno));
        assert_string_equal(got, want);
}

static void test_realpath(void **state)
{
        struct scratch *s = *state;
        const char *rel[] = {"",
                             "/",
                             "dir",
                             "dir/",
                             "dir/./sub/..",
                             "file",
                             "file/",
                             "missing",
                             "dir/missing/x",
                             "link-dir",
                             "link-dir/sub",
                             "link-abs/sub",
                             "chain",
                             "dangling",
                             "loop",
                             "link-dir/../file"};
        char cwd[4096];

        assert_int_equal(mkdirat(s->dirfd, "dir", 0755), 0);
        assert_int_equal(mkdirat(s->dirfd, "dir/sub", 0755), 0);
        write_file(s->dirfd, "file", "x", 0644);
        assert_int_equal(symlinkat("dir", s->dirfd, "link-dir"), 0);
        {
                char abs[256];

                snprintf(abs, sizeof(abs), "%s/dir", s->path);
                assert_int_equal(symlinkat(abs, s->dirfd, "link-abs"), 0);
        }
        assert_int_equal(symlinkat("link-dir/sub", s->dirfd, "chain"), 0);
        assert_int_equal(symlinkat("nowhere", s->dirfd, "dangling"), 0);
        assert_int_equal(symlinkat("loop", s->dirfd, "loop"), 0);
        for (size_t i = 0; i < RW_ELEMENTSOF(rel); i++) {
                char path[512];

                snprintf(path, sizeof(path), "%s/%s", s->path, rel[i]);
                assert_realpath_like_libc(path);
        }
        /* relative to the working directory */
        assert_non_null(getcwd(cwd, sizeof(cwd)));
        assert_int_equal(chdir(s->path), 0);
        assert_realpath_like_libc("link-dir/sub");
        assert_realpath_like_libc(".");
        assert_realpath_like_libc("missing");
        assert_int_equal(chdir(cwd), 0);
        /* /proc: a link to a file, and a magic link that names no path */
        assert_realpath_like_libc("/proc/self/exe");
        assert_realpath_like_libc("/proc/self/ns/net");
        assert_realpath_like_libc("/proc/self");
}

/* The sealed memfd: the bytes, readable by path, at or above the asked number, kept across exec,
 * and changed by nobody. */
static void test_memfd_sealed(void **state)
{
        static const char text[] = "{\"args\":[\"true\"]}";
        struct rw_error err = {0};
        char path[64], buf[64];
        int fd, seals, flags;
        ssize_t n;
        FILE *f;

        (void)state;
        fd = rw_memfd_sealed("runwarden-test.json", text, strlen(text), 40, &err);
        assert_true(fd >= 40);
        flags = fcntl(fd, F_GETFD);
        assert_true(flags >= 0 && !(flags & FD_CLOEXEC));
        seals = fcntl(fd, F_GET_SEALS);
        assert_int_equal(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL),
                         F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
        assert_true(write(fd, "x", 1) < 0 && errno == EPERM);
        assert_true(ftruncate(fd, 0) < 0 && errno == EPERM);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        f = fopen(path, "r");
        assert_non_null(f);
        n = (ssize_t)fread(buf, 1, sizeof(buf), f);
        fclose(f);
        assert_int_equal(n, strlen(text));
        assert_memory_equal(buf, text, strlen(text));
        /* opened anew for writing by path, it still takes no write */
        {
                int w = open(path, O_WRONLY | O_CLOEXEC);

                assert_true(w >= 0);
                assert_true(write(w, "x", 1) < 0 && errno == EPERM);
                close(w);
        }
        close(fd);
        /* an empty document is a file too */
        fd = rw_memfd_sealed("runwarden-test.json", "", 0, 3, &err);
        assert_true(fd >= 3);
        close(fd);
}

int main(void)
{
#define SCRATCH_TEST(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
        const struct CMUnitTest tests[] = {
            SCRATCH_TEST(test_dir_open),
            SCRATCH_TEST(test_realpath),
            SCRATCH_TEST(test_read_regular_file),
            SCRATCH_TEST(test_read_refuses_symlinks),
            SCRATCH_TEST(test_read_refuses_special_files),
            SCRATCH_TEST(test_read_refuses_oversize),
            SCRATCH_TEST(test_bad_names),
            SCRATCH_TEST(test_replace_keeps_mode_and_owner),
            SCRATCH_TEST(test_replace_creates_and_replaces_symlink_itself),
            SCRATCH_TEST(test_replace_failure_on_rename_leaves_no_temp),
            SCRATCH_TEST(test_replace_failure_on_write_keeps_original),
            SCRATCH_TEST(test_replace_failure_long_name),
            SCRATCH_TEST(test_replace_needs_like),
            SCRATCH_TEST(test_read_by_path),
            SCRATCH_TEST(test_append_line),
            SCRATCH_TEST(test_stamp),
            cmocka_unit_test(test_path_split),
            cmocka_unit_test(test_memfd_sealed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
