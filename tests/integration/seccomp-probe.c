/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-probe: run inside a container by tests/integration/test-seccomp.sh, it makes the
 * system calls the seccomp profiles decide on and prints one "name: result" line per call, the
 * result being "ok" or the errno name. Arguments are chosen so that the kernel's own answer
 * differs from the filter's (EPERM): a socket of an invalid type or protocol fails with EINVAL
 * before any capability check, ptrace of a process one does not trace with ESRCH. Calls that
 * would change the probe's own state run in a child. Static, for a bare rootfs.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD_SOCKET_TYPE 11

static const char *errname(int e)
{
        const char *name = strerrorname_np(e);

        return name ? name : "EUNKNOWN";
}

static void report(const char *name, long rc, int saved_errno)
{
        printf("%s: %s\n", name, rc < 0 ? errname(saved_errno) : "ok");
}

#define TRY(name, call)                                                                            \
        do {                                                                                       \
                long rc_;                                                                          \
                errno = 0;                                                                         \
                rc_ = (long)(call);                                                                \
                report((name), rc_, errno);                                                        \
        } while (0)

static long socket_closed(long family, long type, long protocol)
{
        long fd = syscall(SYS_socket, family, type, protocol);

        if (fd >= 0)
                close((int)fd);
        return fd;
}

/* fn in a child; its return value (0 or -errno) or how it died. */
static void in_child(const char *name, long (*fn)(void))
{
        int pipefd[2], status;
        long result = -EIO;
        pid_t pid;

        if (pipe(pipefd) < 0) {
                report(name, -1, errno);
                return;
        }
        pid = fork();
        if (pid == 0) {
                long r = fn();

                if (write(pipefd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
                        _exit(2);
                _exit(0);
        }
        close(pipefd[1]);
        if (pid < 0 || read(pipefd[0], &result, sizeof(result)) != (ssize_t)sizeof(result))
                result = -EIO;
        close(pipefd[0]);
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status)) {
                printf("%s: killed by %s\n", name, sigabbrev_np(WTERMSIG(status)));
                return;
        }
        report(name, result, (int)-result);
}

static long try_unshare_user(void)
{
        return syscall(SYS_unshare, CLONE_NEWUSER) < 0 ? -errno : 0;
}

static long try_unshare_none(void)
{
        return syscall(SYS_unshare, 0) < 0 ? -errno : 0;
}

static long try_clone_newuser(void)
{
        long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0L, 0L, 0L, 0L);

        if (pid == 0)
                _exit(0);
        if (pid < 0)
                return -errno;
        waitpid((pid_t)pid, NULL, 0);
        return 0;
}

static long try_clone3(void)
{
        return syscall(SYS_clone3, NULL, 0UL) < 0 ? -errno : 0;
}

#if defined(__x86_64__)
/* getpid through the 32-bit table: without SCMP_ARCH_X86 in the filter the thread dies. */
static long try_int80(void)
{
        long r;

        __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
        return r == (long)getpid() ? 0 : (r < 0 ? r : -EIO);
}
#endif

static long vm_rw(long nr)
{
        static char source[16] = "runwarden";
        char dest[16] = "";
        struct iovec local = {dest, sizeof(dest)}, remote = {source, sizeof(source)};

        return nr == SYS_process_vm_readv ? syscall(nr, getpid(), &local, 1UL, &remote, 1UL, 0UL)
                                          : syscall(nr, getpid(), &remote, 1UL, &local, 1UL, 0UL);
}

int main(void)
{
        setvbuf(stdout, NULL, _IOLBF, 0);

        /* Process inspection: LeakSanitizer needs ptrace; ci-strict refuses it. */
        TRY("ptrace", syscall(SYS_ptrace, PTRACE_PEEKUSER, getppid(), 0L, 0L));
        TRY("process_vm_readv", vm_rw(SYS_process_vm_readv));
        TRY("process_vm_writev", vm_rw(SYS_process_vm_writev));
        TRY("kcmp", syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0UL, 0UL));
        TRY("personality-query", syscall(SYS_personality, 0xffffffffUL));
        TRY("personality-exec", syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC));
        TRY("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, "/", NULL, NULL, 0));

        /* Sockets: EINVAL means the filter let the call reach the kernel. */
        TRY("socket-packet", socket_closed(AF_PACKET, BAD_SOCKET_TYPE, 0));
        TRY("socket-raw4", socket_closed(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, -1));
        TRY("socket-raw6", socket_closed(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, -1));
        TRY("socket-alg", socket_closed(38, BAD_SOCKET_TYPE, 0));
        TRY("socket-vsock", socket_closed(40, BAD_SOCKET_TYPE, 0));
        TRY("socket-tcp", socket_closed(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        TRY("socket-udp6", socket_closed(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0));
        TRY("socket-unix", socket_closed(AF_UNIX, SOCK_STREAM, 0));
        TRY("socket-netlink", socket_closed(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));

        /* Namespaces, mounts and the kernel's other doors. */
        in_child("unshare-user", try_unshare_user);
        in_child("unshare-none", try_unshare_none);
        in_child("clone-newuser", try_clone_newuser);
        in_child("clone3", try_clone3);
        TRY("mount", syscall(SYS_mount, "none", "/rw-nonexistent", "tmpfs", 0L, NULL));
        TRY("io_uring_setup", syscall(SYS_io_uring_setup, 0, NULL));
        TRY("userfaultfd", syscall(SYS_userfaultfd, 0));
        TRY("keyctl", syscall(SYS_keyctl, 0L, -3L, 0L, 0L, 0L));
#if defined(__x86_64__)
        in_child("int80-getpid", try_int80);
#endif
        return 0;
}
