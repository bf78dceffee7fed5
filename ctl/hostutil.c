/* SPDX-License-Identifier: Apache-2.0 */
#include "hostutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

#define OUTPUT_MAX (4u * 1024u * 1024u)

int rw_ctl_read_file(const char *path, size_t max, char **ret_text, size_t *ret_len,
                     struct stat *ret_st, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL;
        _cleanup_close_ int dirfd = -1;
        struct rw_error e = {0};
        int r;

        *ret_text = NULL;
        r = rw_path_split(path, &dir, &base, err);
        if (r < 0)
                return r;
        r = rw_dir_open(dir, &dirfd, &e);
        if (r >= 0)
                r = rw_file_read_at(dirfd, base, max, ret_text, ret_len, ret_st, &e);
        if (r == -ENOENT)
                return -ENOENT;
        if (r < 0) {
                if (err != NULL)
                        *err = e;
                return rw_error_prefix(err, "%s", path);
        }
        return 0;
}

int rw_ctl_read_pseudo(const char *path, size_t max, char **ret_text, size_t *ret_len)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;

        if (fd < 0)
                return -errno;
        buf = malloc(max + 1);
        if (buf == NULL)
                return -ENOMEM;
        while (len < max) {
                ssize_t n = read(fd, buf + len, max - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *ret_text = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

char *rw_ctl_find_program(const char *name)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;

        if (strchr(name, '/') != NULL)
                return access(name, X_OK) == 0 ? strdup(name) : NULL;
        copy = strdup(path != NULL && *path != '\0' ? path
                                                    : "/usr/local/sbin:/usr/local/bin:"
                                                      "/usr/sbin:/usr/bin:/sbin:/bin");
        if (copy == NULL)
                return NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir != NULL;
             dir = strtok_r(NULL, ":", &save)) {
                char *candidate = NULL;
                struct stat st;

                if (asprintf(&candidate, "%s/%s", *dir != '\0' ? dir : ".", name) < 0)
                        return NULL;
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
                    access(candidate, X_OK) == 0)
                        return candidate;
                free(candidate);
        }
        return NULL;
}

bool rw_ctl_have_program(const char *name)
{
        _cleanup_free_ char *path = rw_ctl_find_program(name);

        return path != NULL;
}

int rw_ctl_run(char *const argv[], int input_fd, int timeout_ms, struct rw_run_output *ret,
               struct rw_error *err)
{
        _cleanup_free_ char *program = rw_ctl_find_program(argv[0]);

        *ret = (struct rw_run_output){0};
        if (program == NULL)
                return rw_error_set(err, ENOENT, "%s: not found in PATH", argv[0]);
        return rw_run(program, argv, NULL, input_fd, timeout_ms, ret, err);
}

/* A sibling file's name for the backup: base.runwardenctl-STAMP.bak */
static int backup_name(const char *base, char **ret, struct rw_error *err)
{
        char stamp[32];
        struct tm tm;
        time_t t = time(NULL);

        if (gmtime_r(&t, &tm) == NULL || strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
                return rw_error_set(err, EIO, "cannot format the time");
        if (asprintf(ret, "%s.runwardenctl-%s.bak", base, stamp) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int rw_ctl_replace_config(const char *path, const char *old_text, size_t old_len,
                          const struct stat *old_st, const char *text, size_t len,
                          char **ret_backup, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL, *backup = NULL;
        _cleanup_close_ int dirfd = -1;
        struct stat now, fresh = {.st_mode = S_IFREG | 0644, .st_uid = 0, .st_gid = 0};
        int r;

        *ret_backup = NULL;
        r = rw_path_split(path, &dir, &base, err);
        if (r >= 0)
                r = rw_dir_open(dir, &dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        /* What was read is what is replaced: an edit made meanwhile is not overwritten. */
        r = fstatat(dirfd, base, &now, AT_SYMLINK_NOFOLLOW);
        if (old_st == NULL ? r == 0 || errno != ENOENT
                           : r < 0 || now.st_ino != old_st->st_ino ||
                                 now.st_dev != old_st->st_dev || now.st_size != old_st->st_size ||
                                 now.st_mtim.tv_sec != old_st->st_mtim.tv_sec ||
                                 now.st_mtim.tv_nsec != old_st->st_mtim.tv_nsec)
                return rw_error_set(
                    err, EAGAIN, "%s changed while runwardenctl was working; run it again", path);
        if (old_st != NULL) {
                r = backup_name(base, &backup, err);
                if (r >= 0)
                        r = rw_file_replace_at(dirfd, backup, old_text, old_len, old_st,
                                               RW_DURABILITY_SYNC, err);
                if (r < 0)
                        return rw_error_prefix(err, "backup of %s", path);
        }
        r = rw_file_replace_at(dirfd, base, text, len, old_st != NULL ? old_st : &fresh,
                               RW_DURABILITY_SYNC, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        if (backup != NULL && asprintf(ret_backup, "%s/%s", dir, backup) < 0)
                *ret_backup = NULL;
        return 0;
}
