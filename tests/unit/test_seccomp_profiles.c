/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every shipped profile, as this host gets it (converted, checked, compiled), enforced: a forked
 * child loads the filter and makes the refused and the needed system calls itself with
 * syscall(2), reporting what the kernel answered through a pipe. Each profile runs twice, the
 * second time with a default errno no kernel path returns for these calls, so that every refusal
 * expected of the filter is shown to come from it and not from a missing capability.
 *
 * Then the compiled program itself: a small interpreter runs the BPF that libseccomp produced
 * for one call per rule, with arguments that meet the rule, and expects the rule's action — a
 * rule that silently does nothing (runc skipping it, libseccomp dropping it) fails here.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "seccomp_names.h"
#include "seccomp_profile.h"

/* An errno no kernel path returns for the calls probed. */
#define FILTER_ERRNO ENOTRECOVERABLE

/* Socket type one above the last valid one: the kernel refuses it with EINVAL before looking up
 * (or loading a module for) the family, so probing families has no side effect. */
#define BAD_SOCKET_TYPE 11

#define AF_ALG_    38
#define AF_VSOCK_  40
#define AF_PACKET_ 17

static char *profile_dir;

static void closedirp(DIR **dir)
{
        if (*dir != NULL)
                closedir(*dir);
}

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

static json_t *host_profile(const char *name)
{
        struct rw_error err = {0};
        json_t *profile = NULL;

        if (rw_seccomp_profile_for(profile_dir, name, NULL, NULL, &profile, &err) < 0)
                fail_msg("profile %s: %s", name, err.msg);
        return profile;
}

/* --- Probing under a filter ---------------------------------------------------------------- */

struct probe {
        int fd;       /* where failures are reported */
        int denied;   /* the errno of the filter's default action */
        int failures; /* count */
};

static void report(struct probe *p, const char *what, long r, int e, const char *expected)
{
        dprintf(p->fd, "%s: expected %s, got %ld (%s)\n", what, expected, r,
                r == -1 ? strerror(e) : "success");
        p->failures++;
}

static void check_errno(struct probe *p, const char *what, long r, int expected)
{
        int e = errno;

        if (r != -1 || e != expected)
                report(p, what, r, e, strerror(expected));
}

/* The filter let the call through: it succeeded or the kernel refused it for another reason. */
static void check_through(struct probe *p, const char *what, long r)
{
        int e = errno;

        if (r == -1 && e == p->denied)
                report(p, what, r, e, "not refused by the filter");
}

static void check_ok(struct probe *p, const char *what, long r)
{
        int e = errno;

        if (r < 0)
                report(p, what, r, e, "success");
}

/* errno is cleared before the call and read by the check, after every argument is evaluated. */
#define DENIED(p, call)   check_errno((p), #call, (errno = 0, (long)(call)), (p)->denied)
#define ERRNO(p, e, call) check_errno((p), #call, (errno = 0, (long)(call)), (e))
#define THROUGH(p, call)  check_through((p), #call, (errno = 0, (long)(call)))
#define OK(p, call)       check_ok((p), #call, (errno = 0, (long)(call)))

static long close_if_fd(long r)
{
        if (r >= 0)
                close((int)r);
        return r;
}

/* A raw clone(2): the child, if the filter wrongly let one be made, leaves at once. */
static long raw_clone(unsigned long flags)
{
        long r = syscall(SYS_clone, flags | SIGCHLD, 0L, 0L, 0L, 0L);

        if (r == 0)
                _exit(0);
        if (r > 0)
                waitpid((pid_t)r, NULL, 0);
        return r;
}

static int thread_token;

static void *thread_main(void *arg)
{
        return arg;
}

static long run_thread(void)
{
        pthread_t thread;
        void *out = NULL;
        int r;

        /* glibc tries clone3 first and falls back to clone on ENOSYS. */
        r = pthread_create(&thread, NULL, thread_main, &thread_token);
        if (r != 0) {
                errno = r;
                return -1;
        }
        r = pthread_join(thread, &out);
        if (r != 0 || out != &thread_token) {
                errno = r != 0 ? r : EIO;
                return -1;
        }
        return 0;
}

static long run_fork(void)
{
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0)
                _exit(7);
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
                errno = ECHILD;
                return -1;
        }
        return 0;
}

static long read_proc_status(void)
{
        char buf[256];
        long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
        long n;

        if (fd < 0)
                return -1;
        n = syscall(SYS_read, (int)fd, buf, sizeof(buf));
        if (syscall(SYS_close, (int)fd) < 0 || n <= 0)
                return -1;
        return 0;
}

/* A real program under the filter: a shell, its dynamic loader and a child process. */
static long run_shell(void)
{
        char *const argv[] = {"sh", "-c", "cat /proc/self/status >/dev/null && exit 3", NULL};
        char *const envp[] = {"PATH=/usr/bin:/bin", NULL};
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                execve("/bin/sh", argv, envp);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
                errno = ECHILD;
                return -1;
        }
        return 0;
}

static long read_own_memory(long nr)
{
        static char source[16] = "runwarden";
        char dest[16] = "";
        struct iovec local = {dest, sizeof(dest)}, remote = {source, sizeof(source)};

        return nr == SYS_process_vm_readv ? syscall(nr, getpid(), &local, 1UL, &remote, 1UL, 0UL)
                                          : syscall(nr, getpid(), &remote, 1UL, &local, 1UL, 0UL);
}

#if defined(__x86_64__)
/*
 * getpid through the 32-bit system call table (int 0x80, where it is number 20), in a child:
 * 0 when it answered the child's pid, the wait status as a positive number otherwise (a filter
 * without SCMP_ARCH_X86 kills the thread with SIGSYS).
 */
static long int80_getpid(void)
{
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                long r;

                __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
                _exit(r == (long)getpid() ? 0 : 1);
        }
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : (long)status | 0x10000;
}
#endif

/* What every shipped profile refuses: kernel attack surface no CI job needs. */
static void probe_refused_everywhere(struct probe *p)
{
        static const unsigned long ns_flags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                                 CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                                 CLONE_NEWCGROUP};

        /* Arguments are invalid wherever possible, so a call the filter failed to stop does
         * nothing even when the test runs as root. */
        DENIED(p, syscall(SYS_mount, "none", "/rw-nonexistent", "tmpfs", 0L, NULL));
        DENIED(p, syscall(SYS_umount2, "/rw-nonexistent", 0));
        DENIED(p, syscall(SYS_pivot_root, "/rw-nonexistent", "/rw-nonexistent"));
        DENIED(p, syscall(SYS_fsopen, NULL, 0));
        DENIED(p, syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0));
        DENIED(p, syscall(SYS_fsmount, -1, 0, 0));
        DENIED(p, syscall(SYS_fspick, -1, NULL, 0));
        DENIED(p, syscall(SYS_move_mount, -1, NULL, -1, NULL, 0));
        DENIED(p, syscall(SYS_open_tree, -1, NULL, 0));
        DENIED(p, syscall(SYS_mount_setattr, -1, NULL, 0, NULL, 0L));
        DENIED(p, syscall(SYS_unshare, CLONE_NEWUSER));
        DENIED(p, syscall(SYS_unshare, 0));
        DENIED(p, syscall(SYS_setns, -1, 0));
        DENIED(p, syscall(SYS_keyctl, 9999L, 0L, 0L, 0L, 0L));
        DENIED(p, syscall(SYS_add_key, NULL, NULL, NULL, 0L, 0));
        DENIED(p, syscall(SYS_request_key, NULL, NULL, NULL, 0));
        DENIED(p, syscall(SYS_bpf, 9999, NULL, 0));
        DENIED(p, syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0L));
        DENIED(p, syscall(SYS_userfaultfd, ~0));
        DENIED(p, syscall(SYS_kexec_load, 0L, 0L, NULL, ~0UL));
#ifdef SYS_kexec_file_load
        DENIED(p, syscall(SYS_kexec_file_load, -1, -1, 0L, NULL, ~0UL));
#endif
        DENIED(p, syscall(SYS_init_module, NULL, 0L, ""));
        DENIED(p, syscall(SYS_finit_module, -1, "", 0));
        DENIED(p, syscall(SYS_delete_module, "rw-no-such-module", O_NONBLOCK));
        DENIED(p, syscall(SYS_open_by_handle_at, -1, NULL, 0));
        DENIED(p, syscall(SYS_io_uring_setup, 0, NULL));
        DENIED(p, syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0L));
        DENIED(p, syscall(SYS_io_uring_register, -1, 0, NULL, 0));
        DENIED(p, syscall(SYS_clock_settime, 9999, NULL));
        DENIED(p, syscall(SYS_settimeofday, NULL, NULL));
        DENIED(p, syscall(SYS_reboot, 0, 0, 0, NULL));
        DENIED(p, syscall(SYS_acct, "/rw-nonexistent/acct"));
        DENIED(p, syscall(SYS_swapon, "/rw-nonexistent", 0));
        DENIED(p, syscall(SYS_swapoff, "/rw-nonexistent"));
        DENIED(p, syscall(SYS_quotactl, 0, NULL, 0, NULL));
        DENIED(p, syscall(SYS_syslog, 10, NULL, 0));
        DENIED(p, syscall(SYS_fanotify_init, ~0U, 0U));
        DENIED(p, syscall(SYS_chroot, "/rw-nonexistent"));
        DENIED(p, syscall(SYS_lookup_dcookie, 0UL, NULL, 0UL));
        DENIED(p, syscall(SYS_sethostname, NULL, 0UL));
        DENIED(p, syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0UL, 0UL));
        DENIED(p, syscall(SYS_pidfd_getfd, -1, -1, 0U));
#ifdef SYS_iopl
        DENIED(p, syscall(SYS_iopl, 0));
        DENIED(p, syscall(SYS_ioperm, 0UL, 0UL, 0));
#endif
        DENIED(p, syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC));
        DENIED(p, syscall(SYS_personality, 0x100000000UL));

        /* clone3 passes its flags in memory, out of the filter's sight: refused with ENOSYS so
         * that libc falls back to clone, whose flags the filter sees. */
        ERRNO(p, ENOSYS, syscall(SYS_clone3, NULL, 0UL));
        for (size_t i = 0; i < RW_ELEMENTSOF(ns_flags); i++) {
                char what[64];

                snprintf(what, sizeof(what), "clone with namespace flag %#lx", ns_flags[i]);
                check_errno(p, what, (errno = 0, raw_clone(ns_flags[i])), p->denied);
        }
        DENIED(p, syscall(SYS_socket, AF_VSOCK_, BAD_SOCKET_TYPE, 0));
}

/* What every shipped profile lets a build do. */
static void probe_needed_everywhere(struct probe *p)
{
        OK(p, syscall(SYS_getpid));
        OK(p, read_proc_status());
        OK(p, run_thread());
        OK(p, run_fork());
        OK(p, raw_clone(0));
        OK(p, run_shell());
        OK(p, close_if_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(syscall(SYS_memfd_create, "rw", MFD_CLOEXEC)));
        THROUGH(p, syscall(SYS_socket, AF_INET, SOCK_SEQPACKET, 0));
}

/* The two CI profiles refuse more than Docker's default. */
static void probe_ci_refused(struct probe *p)
{
        struct timex tx = {.modes = 0};

        DENIED(p, syscall(SYS_adjtimex, &tx));
        DENIED(p, syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx));
        DENIED(p, syscall(SYS_name_to_handle_at, -1, NULL, NULL, NULL, 0));
        DENIED(p, syscall(SYS_socket, AF_ALG_, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 64, BAD_SOCKET_TYPE, 0));
        /* The kernel reads the family as an int: high bits must not smuggle 38 or 40 past a
         * 64-bit comparison. */
        DENIED(p, syscall(SYS_socket, 0x100000026L, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 0x100000028L, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 0xffffffff00000028L, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_process_madvise, -1, NULL, 0UL, 0, 0U));
        DENIED(p, syscall(SYS_get_mempolicy, NULL, NULL, 0UL, NULL, 0UL));
}

static void probe_ci_default(struct probe *p)
{
        probe_ci_refused(p);
        /* LeakSanitizer stops threads with ptrace; not traced here, so the kernel says ESRCH. */
        ERRNO(p, ESRCH, syscall(SYS_ptrace, PTRACE_PEEKUSER, getppid(), 0L, 0L));
        OK(p, read_own_memory(SYS_process_vm_readv));
        OK(p, read_own_memory(SYS_process_vm_writev));
        OK(p, syscall(SYS_personality, 0xffffffffUL));
        OK(p, syscall(SYS_personality, (unsigned long)PER_LINUX));
        THROUGH(p, syscall(SYS_socket, AF_PACKET_, BAD_SOCKET_TYPE, 0));
        for (long family = 0; family < 64; family++) {
                char what[64];

                if (family == AF_ALG_ || family == AF_VSOCK_)
                        continue;
                snprintf(what, sizeof(what), "socket family %ld", family);
                check_through(p, what,
                              (errno = 0, syscall(SYS_socket, family, BAD_SOCKET_TYPE, 0)));
        }
#if defined(__x86_64__)
        /* The 32-bit table is in the filter (and getpid allowed there). */
        OK(p, int80_getpid());
#endif
}

static void probe_ci_strict(struct probe *p)
{
        probe_ci_refused(p);
        DENIED(p, syscall(SYS_ptrace, PTRACE_PEEKUSER, getppid(), 0L, 0L));
        DENIED(p, read_own_memory(SYS_process_vm_readv));
        DENIED(p, read_own_memory(SYS_process_vm_writev));
        DENIED(p, syscall(SYS_personality, 0xffffffffUL));
        DENIED(p, syscall(SYS_personality, (unsigned long)PER_LINUX));
        DENIED(p, syscall(SYS_socket, AF_PACKET_, SOCK_RAW, 0));
        DENIED(p, syscall(SYS_socket, AF_PACKET_, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        /* The type carries SOCK_NONBLOCK and SOCK_CLOEXEC above its low four bits. */
        DENIED(p, syscall(SYS_socket, AF_INET, SOCK_RAW, 1));
        DENIED(p, syscall(SYS_socket, AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 1));
        DENIED(p, syscall(SYS_socket, AF_INET6, SOCK_RAW | SOCK_CLOEXEC, 58));
        DENIED(p, syscall(SYS_socket, AF_INET, SOCK_PACKET, 0));
        DENIED(p, syscall(SYS_socket, 0x100000002L, SOCK_STREAM, 0));
        OK(p, close_if_fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(socket(AF_INET6, SOCK_STREAM, 0)));
        /* Unprivileged ping sockets are datagram sockets; ping_group_range decides. */
        THROUGH(p, syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 1));
        /* Only unix and netlink sockets of any type; inet and inet6 ones of the types above. */
        for (long family = 0; family < 64; family++) {
                char what[64];

                if (family == AF_UNIX || family == AF_NETLINK)
                        continue;
                snprintf(what, sizeof(what), "socket family %ld", family);
                check_errno(p, what, (errno = 0, syscall(SYS_socket, family, BAD_SOCKET_TYPE, 0)),
                            p->denied);
        }
#if defined(__x86_64__)
        /* No 32-bit table: the filter kills the thread (SIGSYS) rather than run the call. */
        {
                long r = int80_getpid();

                if (!(r > 0 && WIFSIGNALED((int)(r & 0xffff)) &&
                      WTERMSIG((int)(r & 0xffff)) == SIGSYS))
                        report(p, "int 0x80 getpid", r, 0, "the child killed by SIGSYS");
        }
#endif
}

static void probe_docker_default(struct probe *p)
{
        /* Docker allows these; the CI profiles do not (probed above for those). */
        ERRNO(p, ESRCH, syscall(SYS_ptrace, PTRACE_PEEKUSER, getppid(), 0L, 0L));
        OK(p, syscall(SYS_personality, 0xffffffffUL));
        THROUGH(p, syscall(SYS_socket, AF_ALG_, BAD_SOCKET_TYPE, 0));
        THROUGH(p, syscall(SYS_name_to_handle_at, -1, "", NULL, NULL, 0));
}

struct expectation {
        const char *name;
        void (*probe)(struct probe *p);
};

static const struct expectation expectations[] = {
    {"ci-default", probe_ci_default},
    {"ci-strict", probe_ci_strict},
    {"docker-default", probe_docker_default},
};

/* Loads `prof` into a forked child, runs the probes there and fails with their report. */
static void enforce(const json_t *prof, int denied, void (*probe)(struct probe *p))
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        struct rw_error err = {0};
        char report_text[8192];
        size_t len = 0;
        int fds[2], status;
        pid_t pid;

        if (rw_seccomp_build(prof, &ctx, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct probe p = {.fd = fds[1], .denied = denied};
                int r;

                close(fds[0]);
                /* Whatever goes wrong under the filter, the child does not outlive the test. */
                alarm(60);
                /* The filter does not set no_new_privs (runc does); without it, loading needs
                 * CAP_SYS_ADMIN. */
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                        dprintf(p.fd, "PR_SET_NO_NEW_PRIVS: %s\n", strerror(errno));
                        _exit(2);
                }
                r = seccomp_load(ctx);
                if (r < 0) {
                        dprintf(p.fd, "seccomp_load: %s\n", strerror(-r));
                        _exit(2);
                }
                probe_refused_everywhere(&p);
                probe_needed_everywhere(&p);
                probe(&p);
                _exit(p.failures > 0 ? 1 : 0);
        }
        close(fds[1]);
        for (;;) {
                ssize_t n = read(fds[0], report_text + len, sizeof(report_text) - 1 - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
                if (len == sizeof(report_text) - 1)
                        break;
        }
        report_text[len] = '\0';
        close(fds[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                fail_msg("under the filter (status %#x):\n%s", (unsigned)status, report_text);
        assert_int_equal(len, 0);
}

static const struct expectation *expectation_for(const char *name)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(expectations); i++)
                if (strcmp(expectations[i].name, name) == 0)
                        return &expectations[i];
        return NULL;
}

/* Every profile in the directory has expectations: a new one cannot ship untested. */
static void test_every_profile_has_expectations(void **state)
{
        _cleanup_(closedirp) DIR *dir = NULL;
        struct dirent *e;
        size_t found = 0;

        (void)state;
        dir = opendir(profile_dir);
        assert_non_null(dir);
        while ((e = readdir(dir)) != NULL) {
                size_t len = strlen(e->d_name);
                char name[256];

                if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                        continue;
                snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
                if (expectation_for(name) == NULL)
                        fail_msg("seccomp-profiles/%s has no expectations in this test", e->d_name);
                found++;
        }
        assert_int_equal(found, RW_ELEMENTSOF(expectations));
}

static void enforce_profile(const char *name)
{
        _cleanup_json_ json_t *profile = host_profile(name);
        _cleanup_json_ json_t *marked = json_deep_copy(profile);
        const struct expectation *x = expectation_for(name);

        assert_non_null(x);
        assert_non_null(marked);
        assert_int_equal(json_integer_value(json_object_get(profile, "defaultErrnoRet")), EPERM);
        enforce(profile, EPERM, x->probe);
        assert_int_equal(json_object_set_new(marked, "defaultErrnoRet", json_integer(FILTER_ERRNO)),
                         0);
        enforce(marked, FILTER_ERRNO, x->probe);
}

static void test_ci_default_enforced(void **state)
{
        (void)state;
        enforce_profile("ci-default");
}

static void test_ci_strict_enforced(void **state)
{
        (void)state;
        enforce_profile("ci-strict");
}

static void test_docker_default_enforced(void **state)
{
        (void)state;
        enforce_profile("docker-default");
}

/* ci-strict names the native architecture only, on every host it lists. */
static void test_ci_strict_native_only(void **state)
{
        _cleanup_json_ json_t *profile = host_profile("ci-strict");
        const json_t *arches = json_object_get(profile, "architectures");
        const struct rw_seccomp_arch *native = rw_seccomp_arch_native();

        (void)state;
        assert_true(json_array_size(arches) <= 1);
        if (json_array_size(arches) == 1)
                assert_string_equal(json_string_value(json_array_get(arches, 0)), native->name);
        if (native->token == SCMP_ARCH_X86_64)
                assert_int_equal(json_array_size(arches), 1);
}

/* --- The compiled program ------------------------------------------------------------------ */

struct program {
        struct sock_filter *insns;
        size_t n;
};

static void compile(const json_t *profile, struct program *ret)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        _cleanup_close_ int fd = memfd_create("rw-test-bpf", MFD_CLOEXEC);
        struct rw_error err = {0};
        struct stat st;

        assert_true(fd >= 0);
        if (rw_seccomp_build(profile, &ctx, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
        assert_int_equal(fstat(fd, &st), 0);
        ret->n = (size_t)st.st_size / sizeof(struct sock_filter);
        ret->insns = malloc((size_t)st.st_size);
        assert_non_null(ret->insns);
        assert_int_equal(pread(fd, ret->insns, (size_t)st.st_size, 0), st.st_size);
}

/* Classic BPF as the kernel runs a seccomp filter, on a struct seccomp_data. */
static uint32_t run_bpf(const struct program *prog, const struct seccomp_data *data)
{
        uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

        for (size_t pc = 0; pc < prog->n; pc++) {
                const struct sock_filter *f = &prog->insns[pc];
                uint32_t k = f->k, operand = BPF_SRC(f->code) == BPF_X ? x : k;

                switch (BPF_CLASS(f->code)) {
                case BPF_LD:
                        if (BPF_MODE(f->code) == BPF_ABS && BPF_SIZE(f->code) == BPF_W) {
                                assert_true(k % 4 == 0 && k + 4 <= sizeof(*data));
                                memcpy(&a, (const char *)data + k, 4);
                        } else if (BPF_MODE(f->code) == BPF_IMM) {
                                a = k;
                        } else if (BPF_MODE(f->code) == BPF_MEM) {
                                a = mem[k % BPF_MEMWORDS];
                        } else {
                                fail_msg("unexpected load %#x at %zu", f->code, pc);
                        }
                        break;
                case BPF_LDX:
                        x = BPF_MODE(f->code) == BPF_MEM ? mem[k % BPF_MEMWORDS] : k;
                        break;
                case BPF_ST:
                        mem[k % BPF_MEMWORDS] = a;
                        break;
                case BPF_STX:
                        mem[k % BPF_MEMWORDS] = x;
                        break;
                case BPF_ALU:
                        switch (BPF_OP(f->code)) {
                        case BPF_AND:
                                a &= operand;
                                break;
                        case BPF_OR:
                                a |= operand;
                                break;
                        case BPF_ADD:
                                a += operand;
                                break;
                        case BPF_SUB:
                                a -= operand;
                                break;
                        case BPF_RSH:
                                a >>= operand;
                                break;
                        case BPF_LSH:
                                a <<= operand;
                                break;
                        default:
                                fail_msg("unexpected ALU op %#x at %zu", f->code, pc);
                        }
                        break;
                case BPF_JMP:
                        if (BPF_OP(f->code) == BPF_JA) {
                                pc += k;
                                break;
                        }
                        if ((BPF_OP(f->code) == BPF_JEQ && a == operand) ||
                            (BPF_OP(f->code) == BPF_JGT && a > operand) ||
                            (BPF_OP(f->code) == BPF_JGE && a >= operand) ||
                            (BPF_OP(f->code) == BPF_JSET && (a & operand) != 0))
                                pc += f->jt;
                        else
                                pc += f->jf;
                        break;
                case BPF_RET:
                        return BPF_RVAL(f->code) == BPF_A ? a : k;
                case BPF_MISC:
                        if (BPF_MISCOP(f->code) == BPF_TAX)
                                x = a;
                        else
                                a = x;
                        break;
                default:
                        fail_msg("unexpected instruction %#x at %zu", f->code, pc);
                }
        }
        fail_msg("the program ran off its end");
        return 0;
}

/* An argument value the condition accepts; false when none exists. */
static bool satisfying_value(const struct scmp_arg_cmp *c, uint64_t max, uint64_t *ret)
{
        uint64_t a = c->datum_a & max;

        switch (c->op) {
        case SCMP_CMP_EQ:
        case SCMP_CMP_LE:
        case SCMP_CMP_GE:
                *ret = a;
                return true;
        case SCMP_CMP_NE:
                *ret = a == max ? 0 : a + 1;
                return true;
        case SCMP_CMP_LT:
                *ret = a - 1;
                return a > 0;
        case SCMP_CMP_GT:
                *ret = a + 1;
                return a < max;
        case SCMP_CMP_MASKED_EQ:
                *ret = c->datum_b & max;
                return true;
        default:
                return false;
        }
}

static uint32_t rule_action(const json_t *entry, const char *key, const char *errno_key)
{
        struct rw_error err = {0};
        uint32_t action;

        if (rw_seccomp_parse_action(entry, key, errno_key, "", RW_SECCOMP_STRICT, &action, &err) <
            0)
                fail_msg("%s", err.msg);
        return action;
}

/* For every rule, on every architecture that has its call: one call that meets the rule gets
 * the rule's action from the compiled program. And a call no rule names gets the default. */
static void expect_rules_take_effect(const char *name)
{
        _cleanup_json_ json_t *profile = host_profile(name);
        uint32_t default_action = rule_action(profile, "defaultAction", "defaultErrnoRet");
        const struct rw_seccomp_arch *archs[32];
        struct program prog = {0};
        const json_t *entry, *item;
        size_t n_archs = 0, i, checked = 0;

        archs[n_archs++] = rw_seccomp_arch_native();
        json_array_foreach(json_object_get(profile, "architectures"), i, item)
        {
                const struct rw_seccomp_arch *arch =
                    rw_seccomp_arch_by_name(json_string_value(item));

                assert_non_null(arch);
                if (arch != archs[0])
                        archs[n_archs++] = arch;
        }
        compile(profile, &prog);
        for (size_t a = 0; a < n_archs; a++) {
                bool wide = archs[a]->wide;
                uint64_t max = wide ? UINT64_MAX : UINT32_MAX;
                /* x32 calls arrive as x86-64 ones with bit 30 set in the number. */
                uint32_t audit_arch =
                    archs[a]->token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : archs[a]->token;
                struct seccomp_data none = {
                    .nr = seccomp_syscall_resolve_name_arch(archs[a]->token, "kexec_load"),
                    .arch = audit_arch,
                };

                if (none.nr >= 0 && run_bpf(&prog, &none) != default_action)
                        fail_msg("%s on %s: kexec_load does not get the default action", name,
                                 archs[a]->name);
                json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
                {
                        uint32_t action = rule_action(entry, "action", "errnoRet");
                        struct seccomp_data data = {.arch = audit_arch};
                        bool possible = true;
                        const json_t *cond, *call;
                        size_t k;

                        json_array_foreach(json_object_get(entry, "args"), k, cond)
                        {
                                struct scmp_arg_cmp c;
                                struct rw_error err = {0};
                                uint64_t v = 0;

                                assert_int_equal(rw_seccomp_parse_condition(
                                                     cond, "", RW_SECCOMP_STRICT, &c, &err),
                                                 0);
                                possible = possible && satisfying_value(&c, max, &v);
                                data.args[c.arg] = v;
                        }
                        if (!possible)
                                fail_msg("%s: syscalls[%zu] can never match", name, i);
                        json_array_foreach(json_object_get(entry, "names"), k, call)
                        {
                                uint32_t got;

                                data.nr = seccomp_syscall_resolve_name_arch(
                                    archs[a]->token, json_string_value(call));
                                if (data.nr < 0)
                                        continue; /* not on this architecture, or multiplexed */
                                got = run_bpf(&prog, &data);
                                if (got != action)
                                        fail_msg("%s on %s: syscalls[%zu] %s gets %#x from the "
                                                 "compiled filter, the rule says %#x",
                                                 name, archs[a]->name, i, json_string_value(call),
                                                 got, action);
                                checked++;
                        }
                }
        }
        free(prog.insns);
        assert_true(checked > 200);
}

static void test_rules_take_effect(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(expectations); i++)
                expect_rules_take_effect(expectations[i].name);
}

/* The interpreter itself must be able to fail: a program that ignores a rule is caught. */
static void test_interpreter_sees_missing_rule(void **state)
{
        _cleanup_json_ json_t *with = rw_test_parse(
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"getpid\"], "
            "\"action\": \"SCMP_ACT_ALLOW\"}]}");
        _cleanup_json_ json_t *without = rw_test_parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}");
        struct program a = {0}, b = {0};
        struct seccomp_data data = {
            .nr = SYS_getpid,
            .arch = seccomp_arch_native(),
        };

        (void)state;
        compile(with, &a);
        compile(without, &b);
        assert_int_equal(run_bpf(&a, &data), SCMP_ACT_ALLOW);
        assert_int_equal(run_bpf(&b, &data), SCMP_ACT_ERRNO(EPERM));
        data.arch = 0x1234;
        assert_int_equal(run_bpf(&a, &data), SCMP_ACT_KILL);
        free(a.insns);
        free(b.insns);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_profile_has_expectations),
            cmocka_unit_test(test_ci_default_enforced),
            cmocka_unit_test(test_ci_strict_enforced),
            cmocka_unit_test(test_docker_default_enforced),
            cmocka_unit_test(test_ci_strict_native_only),
            cmocka_unit_test(test_rules_take_effect),
            cmocka_unit_test(test_interpreter_sees_missing_rule),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
