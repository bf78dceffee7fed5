/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process: capabilities, no_new_privs, setuid, the seccomp filter and what it stops, new
 * namespaces and mounts.
 *
 * The seccomp probes call each system call with arguments the kernel rejects at once (a bad
 * pointer, an unknown flag, a process that cannot exist), so that a call the filter lets through
 * does nothing and answers with an errno only the kernel gives (EFAULT, EINVAL, ESRCH, ...). The
 * filters of runwarden and Docker answer EPERM (ENOSYS for clone3), and a filter that kills shows
 * as SIGSYS: each probe runs in a child. Where the kernel itself checks a capability first, an
 * EPERM cannot tell the filter from the kernel; the call was stopped either way.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "canary.h"
#include "cleanup.h"

#define CAP_SETUID_NR    7
#define CAP_SYS_ADMIN_NR 21
/* A pid above PID_MAX_LIMIT (4M): never a process. */
#define NO_SUCH_PID 0x3fffffff

struct status_fields {
        bool have_caps;
        uint64_t caps[5];
        int no_new_privs; /* -1: not shown */
        int seccomp;      /* -1: not shown */
        int seccomp_filters;
};

static const char *const cap_sets[5] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
static const char *const cap_set_ids[5] = {"caps.inheritable", "caps.permitted", "caps.effective",
                                           "caps.bounding", "caps.ambient"};

static int read_status(struct status_fields *ret)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[512];
        int found = 0;

        *ret = (struct status_fields){.no_new_privs = -1, .seccomp = -1, .seccomp_filters = -1};
        if (f == NULL)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                char *colon = strchr(line, ':');

                if (colon == NULL)
                        continue;
                *colon = '\0';
                for (int i = 0; i < 5; i++)
                        if (strcmp(line, cap_sets[i]) == 0) {
                                ret->caps[i] = strtoull(colon + 1, NULL, 16);
                                found++;
                        }
                if (strcmp(line, "NoNewPrivs") == 0)
                        ret->no_new_privs = atoi(colon + 1);
                else if (strcmp(line, "Seccomp") == 0)
                        ret->seccomp = atoi(colon + 1);
                else if (strcmp(line, "Seccomp_filters") == 0)
                        ret->seccomp_filters = atoi(colon + 1);
        }
        ret->have_caps = found == 5;
        return 0;
}

/* "CAP_NET_RAW CAP_SYS_ADMIN" of the bits of `set`; "... (N in all)" when it does not fit. */
static void cap_list(uint64_t set, char *buf, size_t size)
{
        size_t len = 0;
        int n = __builtin_popcountll(set), shown = 0;

        buf[0] = '\0';
        for (int i = 0; i < 64; i++) {
                const char *name = rw_canary_cap_name(i);
                char unknown[16];

                if ((set & (UINT64_C(1) << i)) == 0)
                        continue;
                if (name == NULL) {
                        snprintf(unknown, sizeof(unknown), "cap_%d", i);
                        name = unknown;
                }
                if (len + strlen(name) + 24 >= size) {
                        snprintf(buf + len, size - len, " ... (%d in all)", n);
                        return;
                }
                len += (size_t)snprintf(buf + len, size - len, "%s%s", shown++ ? " " : "", name);
        }
}

static void attempt_caps(struct rw_canary_report *rep, const struct status_fields *st)
{
        const struct rw_canary_expectation *e = rep->expect;

        for (int i = 0; i < 5; i++) {
                uint64_t extra = st->caps[i] & ~e->capabilities;
                char have[RW_CANARY_TEXT_MAX / 2], beyond[RW_CANARY_TEXT_MAX / 2];

                if (!st->have_caps) {
                        rw_canary_record(rep, cap_set_ids[i], "caps-drop", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_NOT_TESTED, "/proc/self/status shows no %s",
                                         cap_sets[i]);
                        continue;
                }
                cap_list(st->caps[i], have, sizeof(have));
                cap_list(extra, beyond, sizeof(beyond));
                if (extra != 0)
                        rw_canary_record(rep, cap_set_ids[i], "caps-drop", RW_CANARY_BLOCKED,
                                         "no capability beyond the tier's", RW_CANARY_SUCCEEDED,
                                         "%s %016" PRIx64 " holds %s beyond the tier's",
                                         cap_sets[i], st->caps[i], beyond);
                else
                        rw_canary_record(rep, cap_set_ids[i], "caps-drop", RW_CANARY_BLOCKED,
                                         "no capability beyond the tier's", RW_CANARY_STOPPED,
                                         "%s %016" PRIx64 " (%s)", cap_sets[i], st->caps[i],
                                         have[0] ? have : "none");
        }
}

static int try_setuid(void *arg)
{
        (void)arg;
        return setuid(getuid() == 0 ? 1000 : 0) < 0 ? -errno : 0;
}

static void attempt_setuid(struct rw_canary_report *rep)
{
        bool kept = rw_canary_expect_cap(rep->expect, CAP_SETUID_NR);
        int sig, r = rw_canary_in_child(try_setuid, NULL, &sig);

        rw_canary_record(rep, "setuid", "caps-drop", kept ? RW_CANARY_ALLOWED : RW_CANARY_BLOCKED,
                         kept ? "CAP_SETUID kept" : NULL,
                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         r == 0 ? "setuid(%u) worked" : "setuid(%u): %s",
                         getuid() == 0 ? 1000u : 0u, rw_canary_errname(-r));
}

/* ---- seccomp ---- */

struct sentinel {
        const char *name;
        long (*call)(void);
        int reached[2]; /* what the kernel answers when the call gets there */
        const char *args;
};

static long call_keyctl(void)
{
        return syscall(SYS_keyctl, 0x7fffffffL, 0L, 0L, 0L, 0L);
}
static long call_add_key(void)
{
        return syscall(SYS_add_key, (const char *)1, NULL, NULL, 0L, 0L);
}
static long call_request_key(void)
{
        return syscall(SYS_request_key, (const char *)1, NULL, NULL, 0L);
}
static long call_bpf(void)
{
        return syscall(SYS_bpf, 0x7fffL, NULL, 0L);
}
static long call_unshare(void)
{
        return syscall(SYS_unshare, (long)CLONE_VFORK);
}
static long call_setns(void)
{
        return syscall(SYS_setns, -1L, 0L);
}
static long call_mount(void)
{
        return syscall(SYS_mount, NULL, "/", (const char *)1, 0L, NULL);
}
static long call_umount2(void)
{
        return syscall(SYS_umount2, "/", 0x100L);
}
static long call_open_tree(void)
{
        return syscall(SYS_open_tree, -1L, "", 0x40000000L);
}
static long call_mount_setattr(void)
{
        return syscall(SYS_mount_setattr, -1L, "", 0x40000000L, NULL, 0L);
}
static long call_ptrace(void)
{
        return syscall(SYS_ptrace, 2L /* PTRACE_PEEKDATA */, (long)NO_SUCH_PID, 0L, 0L);
}
static long call_process_vm_readv(void)
{
        return syscall(SYS_process_vm_readv, (long)NO_SUCH_PID, NULL, 0L, NULL, 0L, 1L);
}
static long call_kcmp(void)
{
        return syscall(SYS_kcmp, (long)NO_SUCH_PID, (long)NO_SUCH_PID, 0L, 0L, 0L);
}
static long call_io_uring_setup(void)
{
        return syscall(SYS_io_uring_setup, 1L, NULL);
}
static long call_userfaultfd(void)
{
        /* UFFD_USER_MODE_ONLY (allowed to anyone) plus a flag no kernel takes */
        return syscall(SYS_userfaultfd, 1L | 2L);
}
static long call_open_by_handle_at(void)
{
        return syscall(SYS_open_by_handle_at, -1L, NULL, 0L);
}
static long call_name_to_handle_at(void)
{
        return syscall(SYS_name_to_handle_at, -1L, "", NULL, NULL, 0x40000000L);
}
static long call_perf_event_open(void)
{
        return syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0L);
}
static long call_clock_settime(void)
{
        return syscall(SYS_clock_settime, 0x7fffL, NULL);
}
static long call_adjtimex(void)
{
        return syscall(SYS_adjtimex, NULL);
}
static long call_swapon(void)
{
        return syscall(SYS_swapon, "/", 0x40000000L);
}
static long call_chroot(void)
{
        return syscall(SYS_chroot, "/nonexistent-runwarden-canary");
}
static long call_clone3(void)
{
        return syscall(SYS_clone3, NULL, 0L);
}

static const struct sentinel sentinels[] = {
    {"keyctl", call_keyctl, {EOPNOTSUPP, 0}, "an unknown operation"},
    {"add_key", call_add_key, {EFAULT, 0}, "a bad type pointer"},
    {"request_key", call_request_key, {EFAULT, 0}, "a bad type pointer"},
    {"bpf", call_bpf, {EINVAL, 0}, "an unknown command"},
    {"unshare", call_unshare, {EINVAL, 0}, "CLONE_VFORK, which unshare refuses"},
    {"setns", call_setns, {EBADF, 0}, "fd -1"},
    {"mount", call_mount, {EFAULT, 0}, "a bad type pointer"},
    {"umount2", call_umount2, {EINVAL, 0}, "an unknown flag"},
    {"open_tree", call_open_tree, {EINVAL, 0}, "an unknown flag"},
    {"mount_setattr", call_mount_setattr, {EINVAL, 0}, "an unknown flag"},
    {"ptrace", call_ptrace, {ESRCH, 0}, "a pid that cannot exist"},
    {"process_vm_readv", call_process_vm_readv, {EINVAL, 0}, "a non-zero flags word"},
    {"kcmp", call_kcmp, {ESRCH, 0}, "pids that cannot exist"},
    {"io_uring_setup", call_io_uring_setup, {EFAULT, 0}, "a NULL params pointer"},
    {"userfaultfd", call_userfaultfd, {EINVAL, 0}, "an unknown flag"},
    {"open_by_handle_at", call_open_by_handle_at, {EBADF, EFAULT}, "fd -1, no handle"},
    {"name_to_handle_at", call_name_to_handle_at, {EINVAL, 0}, "an unknown flag"},
    {"perf_event_open", call_perf_event_open, {EFAULT, 0}, "a NULL attr pointer"},
    {"clock_settime", call_clock_settime, {EINVAL, 0}, "an unknown clock"},
    {"adjtimex", call_adjtimex, {EFAULT, 0}, "a NULL pointer"},
    {"swapon", call_swapon, {EINVAL, 0}, "an unknown flag"},
    {"chroot", call_chroot, {ENOENT, 0}, "a path that does not exist"},
    {"clone3", call_clone3, {EINVAL, 0}, "a zero size"},
};

static int run_sentinel(void *arg)
{
        const struct sentinel *s = arg;
        long r = s->call();

        return r < 0 ? -errno : 0;
}

static void attempt_sentinel(struct rw_canary_report *rep, const struct sentinel *s)
{
        const char *verdict = rw_canary_expect_syscall(rep->expect, s->name);
        enum rw_canary_expected expected = RW_CANARY_BLOCKED;
        char id[64], why[160] = "";
        int sig, r;

        snprintf(id, sizeof(id), "seccomp.%s", s->name);
        if (verdict == NULL) {
                expected = RW_CANARY_EITHER;
                snprintf(why, sizeof(why), "the expectation does not name %s", s->name);
        } else if (strcmp(verdict, "allowed") == 0) {
                expected = RW_CANARY_ALLOWED;
                snprintf(why, sizeof(why), "profile %s allows it",
                         rep->expect->seccomp_profile ? rep->expect->seccomp_profile : "(unnamed)");
        } else if (strcmp(verdict, "conditional") == 0) {
                expected = RW_CANARY_EITHER;
                snprintf(why, sizeof(why), "profile %s allows it for some arguments",
                         rep->expect->seccomp_profile ? rep->expect->seccomp_profile : "(unnamed)");
        }
        r = rw_canary_in_child(run_sentinel, (void *)s, &sig);
        if (sig != 0)
                rw_canary_record(rep, id, "seccomp", expected, why[0] ? why : NULL,
                                 RW_CANARY_STOPPED, "%s (%s) killed by signal %d", s->name, s->args,
                                 sig);
        else if (r == 0 || -r == s->reached[0] || (s->reached[1] != 0 && -r == s->reached[1]))
                rw_canary_record(rep, id, "seccomp", expected, why[0] ? why : NULL,
                                 RW_CANARY_SUCCEEDED, "%s (%s) reached the kernel: %s", s->name,
                                 s->args, r == 0 ? "no error" : rw_canary_errname(-r));
        else if (-r != EPERM && -r != ENOSYS && -r != EACCES)
                /* Not a filter's usual answer: count it as reached rather than miss a hole. */
                rw_canary_record(rep, id, "seccomp", expected, why[0] ? why : NULL,
                                 RW_CANARY_SUCCEEDED,
                                 "%s (%s) answered %s, which is neither the kernel's usual "
                                 "answer nor a filter's EPERM/ENOSYS",
                                 s->name, s->args, rw_canary_errname(-r));
        else
                rw_canary_record(rep, id, "seccomp", expected, why[0] ? why : NULL,
                                 RW_CANARY_STOPPED, "%s (%s): %s", s->name, s->args,
                                 rw_canary_errname(-r));
}

static void attempt_seccomp_mode(struct rw_canary_report *rep, const struct status_fields *st)
{
        if (st->seccomp < 0)
                rw_canary_record(rep, "seccomp.mode", "seccomp", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED, "/proc/self/status shows no Seccomp line");
        else if (st->seccomp != 2)
                rw_canary_record(rep, "seccomp.mode", "seccomp", RW_CANARY_BLOCKED,
                                 "a seccomp filter (mode 2)", RW_CANARY_SUCCEEDED,
                                 "no seccomp filter: Seccomp %d", st->seccomp);
        else
                rw_canary_record(rep, "seccomp.mode", "seccomp", RW_CANARY_BLOCKED,
                                 "a seccomp filter (mode 2)", RW_CANARY_STOPPED,
                                 "Seccomp 2 (%d filter%s)", st->seccomp_filters,
                                 st->seccomp_filters == 1 ? "" : "s");
}

/* ---- namespaces and mounts ---- */

static int try_unshare(void *arg)
{
        return unshare(*(int *)arg) < 0 ? -errno : 0;
}

static int try_clone_newuser(void *arg)
{
        long pid;

        (void)arg;
        pid = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, NULL, NULL, 0L);
        if (pid < 0)
                return -errno;
        if (pid == 0)
                _exit(0);
        waitpid((pid_t)pid, NULL, __WALL);
        return 0;
}

struct mount_try {
        char dir[64];
};

static int try_mount(void *arg)
{
        const struct mount_try *m = arg;

        if (mount("runwarden-canary", m->dir, "tmpfs", 0, "size=64k") < 0)
                return -errno;
        umount2(m->dir, MNT_DETACH);
        return 0;
}

static void attempt_namespaces(struct rw_canary_report *rep)
{
        const struct rw_canary_expectation *e = rep->expect;
        const char *unshare_v = rw_canary_expect_syscall(e, "unshare");
        const char *mount_v = rw_canary_expect_syscall(e, "mount");
        bool admin = rw_canary_expect_cap(e, CAP_SYS_ADMIN_NR);
        /* Without the filter, the kernel lets anyone create a user namespace (unless the host
         * turned that off): only the profile stops it. */
        bool userns_blocked = unshare_v == NULL || strcmp(unshare_v, "denied") == 0;
        bool mountns_blocked = !admin || userns_blocked;
        bool mount_blocked = !admin || mount_v == NULL || strcmp(mount_v, "denied") == 0;
        const char *userns_why = userns_blocked ? NULL : "the profile lets unshare through";
        static const char *const scratch_dirs[] = {"/tmp", "/run", "/var/tmp", "/dev/shm"};
        struct mount_try m;
        int flags, sig, r;
        bool made = false;

        flags = CLONE_NEWUSER;
        r = rw_canary_in_child(try_unshare, &flags, &sig);
        rw_canary_record(rep, "userns.unshare", "seccomp",
                         userns_blocked ? RW_CANARY_BLOCKED : RW_CANARY_EITHER, userns_why,
                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         r == 0 ? "unshare(CLONE_NEWUSER) worked: a user namespace with every "
                                  "capability in it"
                                : "unshare(CLONE_NEWUSER): %s",
                         sig ? "killed by a signal" : rw_canary_errname(-r));
        r = rw_canary_in_child(try_clone_newuser, NULL, &sig);
        rw_canary_record(rep, "userns.clone", "seccomp",
                         userns_blocked ? RW_CANARY_BLOCKED : RW_CANARY_EITHER, userns_why,
                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         r == 0 ? "clone(CLONE_NEWUSER) worked" : "clone(CLONE_NEWUSER): %s",
                         sig ? "killed by a signal" : rw_canary_errname(-r));
        flags = CLONE_NEWNS;
        r = rw_canary_in_child(try_unshare, &flags, &sig);
        rw_canary_record(rep, "mountns.unshare", "caps-drop",
                         mountns_blocked ? RW_CANARY_BLOCKED : RW_CANARY_EITHER,
                         mountns_blocked ? NULL : "CAP_SYS_ADMIN kept and unshare allowed",
                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         r == 0 ? "unshare(CLONE_NEWNS) worked" : "unshare(CLONE_NEWNS): %s",
                         sig ? "killed by a signal" : rw_canary_errname(-r));

        for (size_t i = 0; !made && i < RW_ELEMENTSOF(scratch_dirs); i++) {
                snprintf(m.dir, sizeof(m.dir), "%s/.runwarden-canary-XXXXXX", scratch_dirs[i]);
                made = mkdtemp(m.dir) != NULL;
        }
        /* Nowhere to make a directory: the attempt on / is as telling, and undone at once. */
        if (!made)
                snprintf(m.dir, sizeof(m.dir), "/");
        r = rw_canary_in_child(try_mount, &m, &sig);
        if (made)
                rmdir(m.dir);
        rw_canary_record(rep, "mount.tmpfs", "caps-drop",
                         mount_blocked ? RW_CANARY_BLOCKED : RW_CANARY_EITHER,
                         mount_blocked ? NULL : "CAP_SYS_ADMIN kept and mount allowed",
                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         r == 0 ? "mounted a tmpfs on %s" : "mount tmpfs on %s: %s", m.dir,
                         sig ? "killed by a signal" : rw_canary_errname(-r));
}

void rw_canary_process(struct rw_canary_report *rep)
{
        struct status_fields st;
        int r = read_status(&st);

        if (r < 0)
                st = (struct status_fields){.no_new_privs = -1, .seccomp = -1};
        attempt_caps(rep, &st);
        if (st.no_new_privs < 0)
                rw_canary_record(rep, "no-new-privs", "no-new-privileges", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED, "/proc/self/status shows no NoNewPrivs");
        else
                rw_canary_record(
                    rep, "no-new-privs", "no-new-privileges", RW_CANARY_BLOCKED, "no_new_privs set",
                    st.no_new_privs ? RW_CANARY_STOPPED : RW_CANARY_SUCCEEDED,
                    st.no_new_privs ? "NoNewPrivs 1"
                                    : "NoNewPrivs 0: a setuid binary gains privileges");
        attempt_setuid(rep);
        attempt_seccomp_mode(rep, &st);
}

void rw_canary_seccomp(struct rw_canary_report *rep)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(sentinels); i++)
                attempt_sentinel(rep, &sentinels[i]);
        attempt_namespaces(rep);
}
