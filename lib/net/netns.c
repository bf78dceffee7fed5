/* SPDX-License-Identifier: Apache-2.0 */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static bool same_file(const struct stat *a, const struct stat *b)
{
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int rw_netns_check(int nsfd, struct rw_error *err)
{
        struct stat st, host;
        int type;

        type = ioctl(nsfd, NS_GET_NSTYPE);
        if (type < 0)
                return rw_error_set_errno(err, errno == ENOTTY ? EINVAL : errno, "not a namespace");
        if (type != CLONE_NEWNET)
                return rw_error_set(err, EINVAL, "not a network namespace");
        if (fstat(nsfd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat the network namespace");
        if (stat("/proc/1/ns/net", &host) == 0 && same_file(&st, &host))
                return rw_error_set(err, EPERM,
                                    "it is the host's network namespace (that of pid 1): egress "
                                    "rules are never installed there");
        if (stat("/proc/self/ns/net", &host) < 0)
                return rw_error_set_errno(err, errno, "cannot stat /proc/self/ns/net");
        if (same_file(&st, &host))
                return rw_error_set(err, EPERM,
                                    "it is the runtime's own network namespace (host networking): "
                                    "egress rules are never installed there");
        return 0;
}

static int open_checked(const char *path, int *ret_fd, struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open %s", path);
        r = rw_netns_check(fd, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int rw_netns_open_pid(pid_t pid, int *ret_fd, struct rw_error *err)
{
        char path[64];

        if (pid <= 0)
                return rw_error_set(err, EINVAL, "invalid pid %d", (int)pid);
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        return open_checked(path, ret_fd, err);
}

int rw_netns_open_path(const char *path, int *ret_fd, struct rw_error *err)
{
        return open_checked(path, ret_fd, err);
}

struct socket_call {
        int nsfd, domain, type, protocol;
        int fd;
        int error;
        const char *step;
};

static void *socket_thread(void *arg)
{
        struct socket_call *c = arg;

        if (setns(c->nsfd, CLONE_NEWNET) < 0) {
                c->error = errno;
                c->step = "cannot enter the network namespace";
                return NULL;
        }
        c->fd = socket(c->domain, c->type | SOCK_CLOEXEC, c->protocol);
        if (c->fd < 0) {
                c->error = errno;
                c->step = "cannot create a socket in the network namespace";
        }
        return NULL;
}

int rw_netns_socket(int nsfd, int domain, int type, int protocol, int *ret_fd, struct rw_error *err)
{
        struct socket_call c = {
            .nsfd = nsfd, .domain = domain, .type = type, .protocol = protocol, .fd = -1};
        pthread_t thread;
        int r;

        r = rw_netns_check(nsfd, err);
        if (r < 0)
                return r;
        r = pthread_create(&thread, NULL, socket_thread, &c);
        if (r != 0)
                return rw_error_set_errno(err, r, "cannot start a thread to enter the namespace");
        r = pthread_join(thread, NULL);
        if (r != 0)
                return rw_error_set_errno(err, r, "cannot join the namespace thread");
        if (c.fd < 0)
                return rw_error_set_errno(err, c.error, "%s", c.step);
        *ret_fd = c.fd;
        return 0;
}

int rw_netns_pin(int nsfd, const char *path, struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        char source[64];
        struct stat st;
        int r;

        r = rw_netns_check(nsfd, err);
        if (r < 0)
                return r;
        /* A mount left by an earlier container of the same name goes first. */
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot unmount the stale pin %s", path);
        fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot create %s", path);
        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", path);
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
                return rw_error_set(err, EPERM, "%s is not a regular file of runwarden's own",
                                    path);
        snprintf(source, sizeof(source), "/proc/self/fd/%d", nsfd);
        if (mount(source, path, NULL, MS_BIND, NULL) < 0)
                return rw_error_set_errno(err, errno, "cannot bind the namespace on %s", path);
        return 0;
}

int rw_netns_unpin(const char *path, struct rw_error *err)
{
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot unmount %s", path);
        if (unlink(path) < 0 && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot remove %s", path);
        return 0;
}
