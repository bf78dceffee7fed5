/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ci-default profile, checked and then enforced: a forked child loads the compiled filter and
 * makes the refused and the needed system calls itself, with syscall(2), reporting what the kernel
 * answered through a pipe. The checker's refusals and the seccomp rule come after.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "seccomp_profile.h"

/* An errno no kernel path returns for the calls probed: a refusal with it came from the filter,
 * not from a missing capability or a bad argument. */
#define FILTER_ERRNO ENOTRECOVERABLE

/* Socket type one above the last valid one: the kernel refuses it with EINVAL before looking up
 * (or loading a module for) the family, so probing families has no side effect. */
#define BAD_SOCKET_TYPE 11

static json_t *profile;

static int load_profile(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;
        struct rw_error err = {0};

        (void)state;
        if (root == NULL || asprintf(&dir, "%s/seccomp-profiles", root) < 0)
                return -1;
        if (rw_seccomp_load_profile(dir, RW_SECCOMP_DEFAULT_PROFILE, &profile, &err) < 0) {
                print_error("loading the profile: %s\n", err.msg);
                return -1;
        }
        return 0;
}

static int free_profile(void **state)
{
        (void)state;
        json_decref(profile);
        return 0;
}

static void test_profile_checks(void **state)
{
        struct rw_error err = {0};

        (void)state;
        if (rw_seccomp_check(profile, &err) < 0)
                fail_msg("%s", err.msg);
        assert_string_equal(json_string_value(json_object_get(profile, "defaultAction")),
                            "SCMP_ACT_ERRNO");
        assert_int_equal(json_integer_value(json_object_get(profile, "defaultErrnoRet")), EPERM);
}

/* Never allowed, not even with an argument filter. */
static const char *const forbidden[] = {
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "clock_settime",
    "clock_settime64",
    "clock_adjtime",
    "clock_adjtime64",
    "settimeofday",
    "adjtimex",
    "stime",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "quotactl",
    "quotactl_fd",
    "lookup_dcookie",
    "vm86",
    "vm86old",
    "iopl",
    "ioperm",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "nfsservctl",
    "syslog",
    "uselib",
    "sysfs",
    "_sysctl",
    "ustat",
    "pciconfig_read",
    "pciconfig_write",
    "pciconfig_iobase",
    "fanotify_init",
    "chroot",
};

/* Allowed only under an argument filter, or (clone3) refused with ENOSYS. */
static const char *const filtered[] = {"clone", "personality", "socket"};

static bool in_list(const char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], name) == 0)
                        return true;
        return false;
}

/* The profile as written, independent of what this kernel makes of it. */
static void test_profile_allow_list(void **state)
{
        const json_t *entry, *name;
        size_t i, k, clone3_rules = 0;

        (void)state;
        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                const char *action = json_string_value(json_object_get(entry, "action"));
                bool has_args = json_array_size(json_object_get(entry, "args")) > 0;

                json_array_foreach(json_object_get(entry, "names"), k, name)
                {
                        const char *s = json_string_value(name);

                        if (strcmp(s, "clone3") == 0) {
                                assert_string_equal(action, "SCMP_ACT_ERRNO");
                                assert_int_equal(
                                    json_integer_value(json_object_get(entry, "errnoRet")), ENOSYS);
                                clone3_rules++;
                                continue;
                        }
                        if (strcmp(action, "SCMP_ACT_ALLOW") != 0)
                                fail_msg("syscalls[%zu]: unexpected action %s", i, action);
                        if (in_list(forbidden, RW_ELEMENTSOF(forbidden), s))
                                fail_msg("syscalls[%zu] allows %s", i, s);
                        if (in_list(filtered, RW_ELEMENTSOF(filtered), s) && !has_args)
                                fail_msg("syscalls[%zu] allows %s without an argument filter", i,
                                         s);
                }
        }
        assert_int_equal(clone3_rules, 1);
}

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

static long close_if_fd(long r)
{
        if (r >= 0)
                close((int)r);
        return r;
}

static void probe_refused(struct probe *p)
{
        static const unsigned long ns_flags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                                 CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                                 CLONE_NEWCGROUP};
        struct timex tx = {.modes = 0};

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
        DENIED(p, syscall(SYS_name_to_handle_at, -1, NULL, NULL, NULL, 0));
        DENIED(p, syscall(SYS_io_uring_setup, 0, NULL));
        DENIED(p, syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0L));
        DENIED(p, syscall(SYS_io_uring_register, -1, 0, NULL, 0));
        DENIED(p, syscall(SYS_clock_settime, 9999, NULL));
        DENIED(p, syscall(SYS_settimeofday, NULL, NULL));
        DENIED(p, syscall(SYS_adjtimex, &tx));
        DENIED(p, syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx));
        DENIED(p, syscall(SYS_reboot, 0, 0, 0, NULL));
        DENIED(p, syscall(SYS_acct, "/rw-nonexistent/acct"));
        DENIED(p, syscall(SYS_swapon, "/rw-nonexistent", 0));
        DENIED(p, syscall(SYS_swapoff, "/rw-nonexistent"));
        DENIED(p, syscall(SYS_quotactl, 0, NULL, 0, NULL));
        DENIED(p, syscall(SYS_syslog, 10, NULL, 0));
        DENIED(p, syscall(SYS_fanotify_init, ~0U, 0U));
        DENIED(p, syscall(SYS_chroot, "/rw-nonexistent"));
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

        DENIED(p, syscall(SYS_socket, 38 /* AF_ALG */, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 40 /* AF_VSOCK */, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 64, BAD_SOCKET_TYPE, 0));
        /* The kernel reads the family as an int: high bits must not smuggle 38 or 40 past a
         * 64-bit comparison. */
        DENIED(p, syscall(SYS_socket, 0x100000026L, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 0x100000028L, BAD_SOCKET_TYPE, 0));
        DENIED(p, syscall(SYS_socket, 0xffffffff00000028L, BAD_SOCKET_TYPE, 0));
}

static void probe_needed(struct probe *p)
{
        OK(p, syscall(SYS_getpid));
        OK(p, read_proc_status());
        OK(p, run_thread());
        OK(p, run_fork());
        OK(p, raw_clone(0));
        OK(p, run_shell());
        OK(p, close_if_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        OK(p, close_if_fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        OK(p, syscall(SYS_personality, 0xffffffffUL));
        OK(p, syscall(SYS_personality, (unsigned long)PER_LINUX));
        for (long family = 0; family < 64; family++) {
                char what[64];

                if (family == 38 || family == 40)
                        continue;
                snprintf(what, sizeof(what), "socket family %ld", family);
                check_through(p, what,
                              (errno = 0, syscall(SYS_socket, family, BAD_SOCKET_TYPE, 0)));
        }
}

/* Loads `prof` into a forked child, runs the probes there and fails with their report. */
static void enforce(const json_t *prof, int denied)
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
                probe_refused(&p);
                probe_needed(&p);
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

static void test_profile_enforced(void **state)
{
        (void)state;
        enforce(profile, EPERM);
}

/* The same profile with a default errno nothing else returns: every refusal expected of the
 * filter must come from it, not from this process lacking a capability. */
static void test_profile_enforced_marked(void **state)
{
        _cleanup_json_ json_t *marked = json_deep_copy(profile);

        (void)state;
        assert_non_null(marked);
        assert_int_equal(json_object_set_new(marked, "defaultErrnoRet", json_integer(FILTER_ERRNO)),
                         0);
        enforce(marked, FILTER_ERRNO);
}

static void expect_check_ok(const char *text)
{
        _cleanup_json_ json_t *doc = rw_test_parse(text);
        struct rw_error err = {0};

        if (rw_seccomp_check(doc, &err) < 0)
                fail_msg("refused: %s\n%s", err.msg, text);
}

static void expect_check_fails(const char *text, const char *culprit)
{
        _cleanup_json_ json_t *doc = rw_test_parse(text);
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        struct rw_error err = {0};

        if (rw_seccomp_check(doc, &err) >= 0)
                fail_msg("accepted: %s", text);
        assert_int_equal(err.code, EINVAL);
        if (strstr(err.msg, culprit) == NULL)
                fail_msg("message \"%s\" does not name \"%s\"", err.msg, culprit);
        memset(&err, 0, sizeof(err));
        assert_true(rw_seccomp_build(doc, &ctx, &err) < 0);
        assert_null(ctx);
}

static void test_check_accepts(void **state)
{
        _cleanup_json_ json_t *docker = rw_test_load_fixture("docker-default.json");
        struct rw_error err = {0};

        (void)state;
        if (rw_seccomp_check(rw_test_get(docker, "/linux/seccomp"), &err) < 0)
                fail_msg("docker's filter: %s", err.msg);
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                        "[\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}");
        /* A call that exists on one listed architecture only is added there. */
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
                        "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_ARM\"], \"syscalls\": [{\"names\": "
                        "[\"set_tls\", \"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
        /* Values above INT64_MAX (kept verbatim by the parser) are unsigned 64-bit values. */
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                        "[\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": "
                        "0, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_EQ\"}]}]}");
        expect_check_ok(
            "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"flags\": "
            "[\"SECCOMP_FILTER_FLAG_TSYNC\"], \"syscalls\": [{\"names\": [\"read\"], "
            "\"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5}, {\"names\": [\"write\"], "
            "\"action\": \"SCMP_ACT_KILL\"}]}");
}

#define DENY_ALL "\"defaultAction\": \"SCMP_ACT_ERRNO\""

static void test_check_refuses(void **state)
{
        (void)state;
        expect_check_fails("[]", "JSON object");
        expect_check_fails("\"SCMP_ACT_ALLOW\"", "JSON object");
        expect_check_fails("{\"syscalls\": []}", "defaultAction");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "SCMP_ACT_NOPE");
        expect_check_fails("{" DENY_ALL ", \"listenerPath\": \"/run/agent.sock\"}", "listenerPath");
        expect_check_fails("{" DENY_ALL ", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
                           "SCMP_ARCH_VAX");
        expect_check_fails("{" DENY_ALL ", \"flags\": [\"SECCOMP_FILTER_FLAG_FAST\"]}",
                           "SECCOMP_FILTER_FLAG_FAST");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\", "
                           "\"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "\"no_such_call\"");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_MAYBE\"}]}",
                           "SCMP_ACT_MAYBE");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_NOTIFY\"}]}",
                           "SCMP_ACT_NOTIFY");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [], \"action\": "
                           "\"SCMP_ACT_ALLOW\"}]}",
                           "names");
        /* A typo that would otherwise drop the condition and allow clone unconditionally. */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"clone\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"arg\": []}]}",
                           "\"arg\"");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
                           "\"SCMP_CMP_LIKE\"}]}]}",
                           "SCMP_CMP_LIKE");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}",
                           "index");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}",
                           "value");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
                           "18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           "value");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 2, "
                           "\"valueTwo\": 3, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           "valueTwo");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"clone\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 255, "
                           "\"valueTwo\": 256, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
                           "valueTwo");
        /* OCI reads "arg0 != 38 and arg0 != 40"; runc would build "arg0 != 38 or arg0 != 40". */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 38, \"op\": "
                           "\"SCMP_CMP_NE\"}, {\"index\": 0, \"value\": 40, \"op\": "
                           "\"SCMP_CMP_NE\"}]}]}",
                           "argument 0");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
                           "errnoRet");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\", \"errnoRet\": 5000}]}",
                           "errnoRet");
        /* A rule with the default action (and errno) does nothing. */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"mount\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\"}]}",
                           "mount");
        expect_check_fails("{" DENY_ALL ", \"defaultErrnoRet\": 38, \"syscalls\": [{\"names\": "
                           "[\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
                           "clone3");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                           "[\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "getpid");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
                           "defaultErrnoRet");
}

static void test_check_unknown_on_listed_arches(void **state)
{
        (void)state;
        /* set_tls exists on 32-bit ARM only; the native architecture is always in the filter. */
        if (seccomp_arch_native() == SCMP_ARCH_ARM)
                skip();
        expect_check_fails("{" DENY_ALL ", \"architectures\": [\"SCMP_ARCH_X86_64\", "
                           "\"SCMP_ARCH_AARCH64\"], \"syscalls\": [{\"names\": [\"set_tls\"], "
                           "\"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "set_tls");
}

/* The kernel takes at most BPF_MAXINSNS instructions; a profile beyond that is refused now
 * rather than when a container starts. */
static void test_check_program_too_long(void **state)
{
        _cleanup_json_ json_t *doc =
            json_pack("{s:s, s:[]}", "defaultAction", "SCMP_ACT_ERRNO", "syscalls");
        json_t *syscalls = json_object_get(doc, "syscalls");
        struct rw_error err = {0};

        (void)state;
        assert_non_null(syscalls);
        /* Values differing in both halves take about four instructions each. */
        for (json_int_t v = 0; v < 1500; v++) {
                json_t *rule = json_pack("{s:[s], s:s, s:[{s:i, s:I, s:s}]}", "names",
                                         "personality", "action", "SCMP_ACT_ALLOW", "args", "index",
                                         0, "value", v * 0x100000001, "op", "SCMP_CMP_EQ");

                assert_int_equal(json_array_append_new(syscalls, rule), 0);
        }
        assert_true(rw_seccomp_check(doc, &err) < 0);
        assert_int_equal(err.code, E2BIG);
        assert_non_null(strstr(err.msg, "BPF instructions"));
}

struct tmpdir {
        char path[64];
};

static void tmpdir_write(const struct tmpdir *dir, const char *name, const char *text)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        assert_true(asprintf(&path, "%s/%s", dir->path, name) > 0);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
}

static void tmpdir_remove(const struct tmpdir *dir, const char *const *names, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;

                assert_true(asprintf(&path, "%s/%s", dir->path, names[i]) > 0);
                unlink(path);
        }
        rmdir(dir->path);
}

static void expect_load_fails(const char *dir, const char *name, const char *needle)
{
        struct rw_error err = {0};
        json_t *doc = NULL;

        if (rw_seccomp_load_profile(dir, name, &doc, &err) >= 0)
                fail_msg("profile \"%s\" loaded", name);
        assert_null(doc);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("message \"%s\" does not contain \"%s\"", err.msg, needle);
}

static void test_load_profile_errors(void **state)
{
        static const char *const files[] = {"broken.json", "unknown.json"};
        struct tmpdir dir = {"/tmp/rw-test-seccomp-XXXXXX"};
        _cleanup_free_ char *broken_path = NULL;
        _cleanup_free_ char *unknown_path = NULL;
        char long_name[80];

        (void)state;
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        assert_non_null(mkdtemp(dir.path));
        tmpdir_write(&dir, "broken.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n}\n");
        tmpdir_write(&dir, "unknown.json",
                     "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                     "[\"getpid\", \"getpidd\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n");
        assert_true(asprintf(&broken_path, "%s/broken.json", dir.path) > 0);
        assert_true(asprintf(&unknown_path, "%s/unknown.json", dir.path) > 0);

        /* Names become file names: nothing that leaves the directory or surprises. */
        expect_load_fails(dir.path, "", "profile name");
        expect_load_fails(dir.path, "../broken", "profile name");
        expect_load_fails(dir.path, "a/b", "profile name");
        expect_load_fails(dir.path, "Broken", "profile name");
        expect_load_fails(dir.path, "ci_default", "profile name");
        expect_load_fails(dir.path, long_name, "profile name");

        expect_load_fails(dir.path, "missing", "missing.json");
        expect_load_fails(dir.path, "broken", broken_path);
        expect_load_fails(dir.path, "broken", "line 3");
        expect_load_fails(dir.path, "unknown", unknown_path);
        expect_load_fails(dir.path, "unknown", "\"getpidd\"");
        tmpdir_remove(&dir, files, RW_ELEMENTSOF(files));
}

/* The seccomp rule. */

static void run_rule(const json_t *spec, const json_t *prof, struct rw_plan *plan)
{
        struct rw_settings settings = {.seccomp_profile = prof};
        _cleanup_json_ json_t *before = json_deep_copy(spec);

        rw_plan_init(plan);
        rw_rules_seccomp(spec, &settings, plan);
        assert_false(plan->oom);
        /* Rules never change their input. */
        assert_true(json_equal(before, (json_t *)spec));
}

static void expect_profile_applied(const json_t *spec)
{
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_json_ json_t *out = NULL;
        const struct rw_change *change;

        run_rule(spec, profile, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SECCOMP), 1);
        change = rw_test_find_change(&plan, RW_RULE_SECCOMP, "/linux/seccomp");
        assert_non_null(change);
        assert_true(json_equal(change->after, profile));
        /* A copy: the profile is shared by every spec. */
        assert_ptr_not_equal(change->after, profile);
        out = rw_test_apply(spec, &plan);
        assert_true(json_equal(rw_test_get(out, "/linux/seccomp"), profile));
}

static void test_rule_no_filter(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *bare = rw_test_parse("{\"ociVersion\": \"1.0.2\"}");

        (void)state;
        assert_null(rw_test_get(spec, "/linux/seccomp"));
        expect_profile_applied(spec);
        expect_profile_applied(bare);
}

static void test_rule_unconfined_filter(void **state)
{
        static const char *const unconfined[] = {
            "{}",
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}",
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
            "\"syscalls\": []}",
            "{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": [{\"names\": [\"getpid\"], "
            "\"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}",
        };
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        json_t *linux_obj = json_object_get(spec, "linux");

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(unconfined); i++) {
                json_object_set_new(linux_obj, "seccomp", rw_test_parse(unconfined[i]));
                expect_profile_applied(spec);
        }
        /* Go reads null as an absent filter. */
        json_object_set_new(linux_obj, "seccomp", json_null());
        expect_profile_applied(spec);
}

static void test_rule_real_filter_kept(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_plan_ struct rw_plan plan_no_profile = {0};
        _cleanup_plan_ struct rw_plan plan_deny_one = {0};
        _cleanup_json_ json_t *deny_one = NULL;

        (void)state;
        assert_non_null(rw_test_get(spec, "/linux/seccomp/syscalls"));
        run_rule(spec, profile, &plan);
        assert_int_equal(plan.n_changes, 0);
        assert_int_equal(plan.n_denials, 0);
        run_rule(spec, NULL, &plan_no_profile);
        assert_int_equal(plan_no_profile.n_changes, 0);
        assert_int_equal(plan_no_profile.n_denials, 0);

        /* Allow by default but refuse one call: a filter, left for now. */
        deny_one = rw_test_parse("{\"linux\": {\"seccomp\": {\"defaultAction\": "
                                 "\"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mount\"], "
                                 "\"action\": \"SCMP_ACT_ERRNO\"}]}}}");
        run_rule(deny_one, profile, &plan_deny_one);
        assert_int_equal(plan_deny_one.n_changes, 0);
        assert_int_equal(plan_deny_one.n_denials, 0);
}

static void test_rule_no_profile(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *unconfined =
            rw_test_parse("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}");
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_plan_ struct rw_plan plan_unconfined = {0};
        const struct rw_denial *denial;

        (void)state;
        run_rule(spec, NULL, &plan);
        assert_int_equal(plan.n_changes, 0);
        denial = rw_test_find_denial(&plan, RW_RULE_SECCOMP);
        assert_non_null(denial);
        assert_non_null(strstr(denial->reason, "no seccomp filter"));
        assert_true(rw_plan_denied(&plan));

        run_rule(unconfined, NULL, &plan_unconfined);
        assert_int_equal(plan_unconfined.n_changes, 0);
        assert_non_null(rw_test_find_denial(&plan_unconfined, RW_RULE_SECCOMP));
}

static void test_rule_malformed(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_parse("{\"linux\": {\"seccomp\": \"unconfined\"}}");
        _cleanup_plan_ struct rw_plan plan = {0};

        (void)state;
        run_rule(spec, profile, &plan);
        assert_int_equal(plan.n_changes, 0);
        assert_non_null(rw_test_find_denial(&plan, RW_RULE_SPEC));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_profile_checks),
            cmocka_unit_test(test_profile_allow_list),
            cmocka_unit_test(test_profile_enforced),
            cmocka_unit_test(test_profile_enforced_marked),
            cmocka_unit_test(test_check_accepts),
            cmocka_unit_test(test_check_refuses),
            cmocka_unit_test(test_check_unknown_on_listed_arches),
            cmocka_unit_test(test_check_program_too_long),
            cmocka_unit_test(test_load_profile_errors),
            cmocka_unit_test(test_rule_no_filter),
            cmocka_unit_test(test_rule_unconfined_filter),
            cmocka_unit_test(test_rule_real_filter_kept),
            cmocka_unit_test(test_rule_no_profile),
            cmocka_unit_test(test_rule_malformed),
        };

        return cmocka_run_group_tests(tests, load_profile, free_profile);
}
