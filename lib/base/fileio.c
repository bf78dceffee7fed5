/* SPDX-License-Identifier: Apache-2.0 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"

/* A temporary file that is removed again unless it was renamed into place. */
struct temp_file {
        int dirfd;
        bool armed;
        char name[NAME_MAX + 1];
};

static void temp_file_removep(struct temp_file *t)
{
        if (t->armed) {
                int saved = errno;
                unlinkat(t->dirfd, t->name, 0);
                errno = saved;
        }
}

int rw_file_check_name(const char *name, struct rw_error *err)
{
        if (name == NULL || name[0] == '\0')
                return rw_error_set(err, EINVAL, "empty file name");
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/') != NULL)
                return rw_error_set(err, EINVAL, "'%s' is not a single file name", name);
        return 0;
}

int rw_dir_open(const char *path, int *ret_fd, struct rw_error *err)
{
        int fd;

        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open directory %s", path);
        *ret_fd = fd;
        return 0;
}

static int read_all(int fd, char *buf, size_t size, size_t *ret_len)
{
        size_t done = 0;

        while (done < size) {
                ssize_t n = read(fd, buf + done, size - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                done += (size_t)n;
        }
        *ret_len = done;
        return 0;
}

int rw_file_read_at(int dirfd, const char *name, size_t max_size, char **ret_data, size_t *ret_len,
                    struct stat *ret_st, struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t size, len = 0;
        int r;

        r = rw_file_check_name(name, err);
        if (r < 0)
                return r;

        /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ELOOP)
                        return rw_error_set(err, ELOOP, "%s is a symbolic link, not following it",
                                            name);
                return rw_error_set_errno(err, errno, "cannot open %s", name);
        }
        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", name);
        if (!S_ISREG(st.st_mode))
                return rw_error_set(err, EINVAL, "%s is not a regular file", name);
        if (st.st_size < 0 || (uintmax_t)st.st_size > max_size)
                return rw_error_set(err, EFBIG, "%s is larger than %zu bytes", name, max_size);
        size = (size_t)st.st_size;

        /* One byte more than expected, to notice a file that grows while it is read. */
        data = malloc(size + 1);
        if (data == NULL)
                return rw_error_set(err, ENOMEM, "out of memory reading %s", name);
        r = read_all(fd, data, size + 1, &len);
        if (r < 0)
                return rw_error_set_errno(err, -r, "cannot read %s", name);
        if (len != size)
                return rw_error_set(err, EIO, "%s changed size while it was read", name);
        data[len] = '\0';

        if (ret_st != NULL)
                *ret_st = st;
        *ret_data = TAKE_PTR(data);
        *ret_len = len;
        return 0;
}

int rw_file_read(const char *path, size_t max_size, char **ret_data, size_t *ret_len,
                 struct stat *ret_st, struct stat *ret_dir_st, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL;
        _cleanup_close_ int dirfd = -1;
        int r;

        r = rw_path_split(path, &dir, &base, err);
        if (r < 0)
                return r;
        r = rw_dir_open(dir, &dirfd, err);
        if (r < 0)
                return r;
        if (ret_dir_st != NULL && fstat(dirfd, ret_dir_st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat directory %s", dir);
        return rw_file_read_at(dirfd, base, max_size, ret_data, ret_len, ret_st, err);
}

/* identity, owner and mode; with the size and times for the file itself */
static int stamp_one(const struct stat *st, bool contents, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%" PRIu64 ":%" PRIu64 " %" PRIu32 ":%" PRIu32 " %o",
                         (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint32_t)st->st_uid,
                         (uint32_t)st->st_gid, (unsigned)st->st_mode);

        if (!contents || n < 0 || (size_t)n >= size)
                return n;
        return n + snprintf(buf + n, size - (size_t)n,
                            " %" PRId64 " %" PRId64 ".%09ld %" PRId64 ".%09ld",
                            (int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                            (int64_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

uint64_t rw_fnv1a64(const void *data, size_t len)
{
        const unsigned char *bytes = data;
        uint64_t hash = UINT64_C(0xcbf29ce484222325);

        for (size_t i = 0; i < len; i++) {
                hash ^= bytes[i];
                hash *= UINT64_C(0x100000001b3);
        }
        return hash;
}

void rw_file_stamp_format(const struct stat *st, const struct stat *dir_st, const char *data,
                          size_t len, char ret[RW_FILE_STAMP_MAX])
{
        char file[RW_FILE_STAMP_MAX / 2], dir[RW_FILE_STAMP_MAX / 2];
        int n;

        if (stamp_one(st, true, file, sizeof(file)) >= (int)sizeof(file) ||
            stamp_one(dir_st, false, dir, sizeof(dir)) >= (int)sizeof(dir))
                n = -1;
        else
                n = snprintf(ret, RW_FILE_STAMP_MAX, "%s %016" PRIx64 " | %s", file,
                             rw_fnv1a64(data, len), dir);
        if (n < 0 || n >= RW_FILE_STAMP_MAX)
                ret[0] = '\0'; /* unknown: never equal to a stamp made now */
}

int rw_file_stamp(const char *path, size_t max_size, char ret[RW_FILE_STAMP_MAX],
                  struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        struct stat st, dir_st;
        size_t len;
        int r;

        r = rw_file_read(path, max_size, &data, &len, &st, &dir_st, err);
        if (r < 0)
                return r;
        rw_file_stamp_format(&st, &dir_st, data, len, ret);
        return 0;
}

int rw_file_read_json_at(int dirfd, const char *name, size_t max_size, json_t **ret,
                         struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = rw_file_read_at(dirfd, name, max_size, &data, &len, NULL, err);
        if (r < 0)
                return r;
        return rw_json_parse(data, len, ret, err);
}

int rw_file_read_json(const char *path, size_t max_size, json_t **ret, struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = rw_file_read(path, max_size, &data, &len, NULL, NULL, err);
        if (r < 0)
                return r;
        return rw_json_parse(data, len, ret, err);
}

/* Open `path` for appending; *ret_created says whether this call created it. */
static int open_append(const char *path, mode_t mode, bool *ret_created)
{
        const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;

        for (int attempt = 0; attempt < 8; attempt++) {
                int fd = open(path, flags);

                if (fd >= 0 || errno != ENOENT) {
                        *ret_created = false;
                        return fd;
                }
                fd = open(path, flags | O_CREAT | O_EXCL, mode);
                if (fd >= 0 || errno != EEXIST) {
                        *ret_created = fd >= 0;
                        return fd;
                }
                /* created by another writer in between: open theirs */
        }
        errno = EEXIST;
        return -1;
}

int rw_file_append_line(const char *path, const char *line, mode_t mode, mode_t parent_mode,
                        enum rw_durability durability, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL;
        _cleanup_close_ int fd = -1;
        size_t len = strlen(line);
        bool created;
        ssize_t n;
        int r;

        r = rw_path_split(path, &dir, &base, err);
        if (r < 0)
                return r;
        if (parent_mode != 0 && mkdir(dir, parent_mode) < 0 && errno != EEXIST)
                return rw_error_set_errno(err, errno, "cannot create the directory of %s", path);
        fd = open_append(path, mode, &created);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open %s", path);
        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return rw_error_set_errno(err, errno, "cannot write %s", path);
        if ((size_t)n != len)
                return rw_error_set(err, EIO, "short write to %s", path);
        if (durability != RW_DURABILITY_SYNC)
                return 0;
        if (fdatasync(fd) < 0)
                return rw_error_set_errno(err, errno, "cannot sync %s", path);
        if (created) {
                _cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                if (dirfd < 0 || fsync(dirfd) < 0)
                        return rw_error_set_errno(err, errno, "cannot sync the directory of %s",
                                                  path);
        }
        return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
        size_t done = 0;

        while (done < len) {
                ssize_t n = write(fd, data + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                done += (size_t)n;
        }
        return 0;
}

/* Create ".NAME.rw-PID-COUNTER-RANDOM" exclusively; retried on the unlikely name collision. */
static int create_temp(int dirfd, const char *name, struct temp_file *tmp, int *ret_fd,
                       struct rw_error *err)
{
        static unsigned counter;

        for (int attempt = 0; attempt < 16; attempt++) {
                uint64_t rnd = 0;
                int fd, n;

                if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0 && errno != EAGAIN)
                        return rw_error_set_errno(err, errno, "cannot get random bytes");
                n = snprintf(tmp->name, sizeof(tmp->name), ".%s.rw-%ld-%u-%016llx", name,
                             (long)getpid(), counter++, (unsigned long long)rnd);
                if (n < 0 || (size_t)n >= sizeof(tmp->name))
                        return rw_error_set(err, ENAMETOOLONG, "file name %s is too long", name);
                fd = openat(dirfd, tmp->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                            0600);
                if (fd >= 0) {
                        tmp->dirfd = dirfd;
                        tmp->armed = true;
                        *ret_fd = fd;
                        return 0;
                }
                if (errno != EEXIST)
                        return rw_error_set_errno(err, errno, "cannot create %s", tmp->name);
        }
        return rw_error_set(err, EEXIST, "cannot find a free temporary name for %s", name);
}

int rw_file_replace_at(int dirfd, const char *name, const char *data, size_t len,
                       const struct stat *like, enum rw_durability durability, struct rw_error *err)
{
        _cleanup_(temp_file_removep) struct temp_file tmp = {.dirfd = -1};
        _cleanup_close_ int fd = -1;
        int r;

        r = rw_file_check_name(name, err);
        if (r < 0)
                return r;
        if (like == NULL)
                return rw_error_set(err, EINVAL, "no file to take the mode of %s from", name);

        r = create_temp(dirfd, name, &tmp, &fd, err);
        if (r < 0)
                return r;
        r = write_all(fd, data, len);
        if (r < 0)
                return rw_error_set_errno(err, -r, "cannot write %s", tmp.name);
        /* Owner first: chown clears the set-user-ID and set-group-ID bits. */
        if (geteuid() == 0 && fchown(fd, like->st_uid, like->st_gid) < 0)
                return rw_error_set_errno(err, errno, "cannot change the owner of %s", tmp.name);
        if (fchmod(fd, like->st_mode & 07777) < 0)
                return rw_error_set_errno(err, errno, "cannot change the mode of %s", tmp.name);
        if (durability == RW_DURABILITY_SYNC && fsync(fd) < 0)
                return rw_error_set_errno(err, errno, "cannot sync %s", tmp.name);
        if (close(TAKE_FD(fd)) < 0)
                return rw_error_set_errno(err, errno, "cannot close %s", tmp.name);
        if (renameat(dirfd, tmp.name, dirfd, name) < 0)
                return rw_error_set_errno(err, errno, "cannot rename %s to %s", tmp.name, name);
        tmp.armed = false;
        if (durability == RW_DURABILITY_SYNC && fsync(dirfd) < 0)
                return rw_error_set_errno(err, errno, "%s replaced, but cannot sync its directory",
                                          name);
        return 0;
}

char *rw_file_realpath(const char *path)
{
        _cleanup_close_ int fd = -1;
        char link[64], target[PATH_MAX];
        static const char deleted[] = " (deleted)";
        ssize_t n;

        fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return NULL;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof(target));
        if (n <= 0 || (size_t)n >= sizeof(target) || target[0] != '/' ||
            ((size_t)n >= sizeof(deleted) - 1 &&
             memcmp(target + n - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1) == 0))
                return realpath(path, NULL);
        return strndup(target, (size_t)n);
}

int rw_path_split(const char *path, char **ret_dir, char **ret_base, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL, *base = NULL;
        const char *slash;
        size_t dir_len;

        if (path == NULL || path[0] == '\0')
                return rw_error_set(err, EINVAL, "empty path");
        slash = strrchr(path, '/');
        if (slash == NULL) {
                dir = strdup(".");
                base = strdup(path);
        } else {
                /* "a//b" names "a", "/b" and "//b" name "/". */
                dir_len = (size_t)(slash - path);
                while (dir_len > 0 && path[dir_len - 1] == '/')
                        dir_len--;
                dir = dir_len == 0 ? strdup("/") : strndup(path, dir_len);
                base = strdup(slash + 1);
        }
        if (dir == NULL || base == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
                return rw_error_set(err, EINVAL, "path %s does not end in a file name", path);
        *ret_dir = TAKE_PTR(dir);
        *ret_base = TAKE_PTR(base);
        return 0;
}

int rw_memfd_sealed(const char *name, const char *data, size_t len, int min_fd,
                    struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        int moved;
        size_t done = 0;

        fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot create a memfd for %s", name);
        while (done < len) {
                ssize_t n = write(fd, data + done, len - done);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return rw_error_set_errno(err, n < 0 ? errno : EIO,
                                                  "cannot write the memfd for %s", name);
                done += (size_t)n;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return rw_error_set_errno(err, errno, "cannot seal the memfd for %s", name);
        /* F_DUPFD, not F_DUPFD_CLOEXEC: the copy outlives the execv() */
        moved = fcntl(fd, F_DUPFD, min_fd);
        if (moved < 0)
                return rw_error_set_errno(err, errno, "cannot move the memfd for %s", name);
        return moved;
}
