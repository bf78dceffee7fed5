/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe: run inside a container by the integration tests and the demo, it tries the things a
 * hardened CI job must not be able to do and prints one "name: result" line per attempt. The
 * result is "ok" or the errno name (EPERM, EROFS, ENOSYS, ...) so that shell tests can grep the
 * exact outcome. It always exits 0 once the arguments are understood: the verdict belongs to the
 * test, not to the probe.
 *
 * Built static and without libseccomp so that it runs in a bare busybox rootfs. Attempts that
 * would change the probe's own state if they succeeded (unshare, setuid, clone3) run in a child
 * process.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define KEYCTL_GET_KEYRING_ID_OP    0
#define KEY_SPEC_SESSION_KEYRING_ID (-3)

static const char *errname(int e)
{
        const char *name = strerrorname_np(e);

        return name ? name : "EUNKNOWN";
}

static void report(const char *name, int rc, int saved_errno)
{
        printf("%s: %s\n", name, rc < 0 ? errname(saved_errno) : "ok");
}

/*
 * Run fn in a forked child and report what it returned there: fn returns 0 or -errno. A child
 * keeps a successful unshare() or clone3() from leaking into the rest of the probe.
 */
static void in_child(const char *name, int (*fn)(void))
{
        int pipefd[2];
        int result = 0;
        pid_t pid;

        if (pipe(pipefd) < 0) {
                report(name, -1, errno);
                return;
        }
        pid = fork();
        if (pid < 0) {
                report(name, -1, errno);
                close(pipefd[0]);
                close(pipefd[1]);
                return;
        }
        if (pid == 0) {
                int r = fn();

                close(pipefd[0]);
                if (write(pipefd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
                        _exit(2);
                _exit(0);
        }
        close(pipefd[1]);
        if (read(pipefd[0], &result, sizeof(result)) != (ssize_t)sizeof(result))
                result = -EIO;
        close(pipefd[0]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        report(name, result, -result);
}

static void probe_caps(void)
{
        static const char *const keys[] = {"CapInh", "CapPrm",     "CapEff", "CapBnd",
                                           "CapAmb", "NoNewPrivs", "Seccomp"};
        char line[512];
        FILE *f = fopen("/proc/self/status", "re");

        if (!f) {
                report("caps", -1, errno);
                return;
        }
        while (fgets(line, sizeof(line), f)) {
                for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                        size_t len = strlen(keys[i]);
                        const char *value;

                        if (strncmp(line, keys[i], len) != 0 || line[len] != ':')
                                continue;
                        value = line + len + 1;
                        value += strspn(value, " \t");
                        printf("%s: %s", keys[i], value);
                }
        }
        fclose(f);
}

static void probe_id(void)
{
        printf("id: uid=%u gid=%u\n", (unsigned)getuid(), (unsigned)getgid());
}

/* PATH may be a directory (a file is created inside it) or the file to create. */
static void probe_write(const char *path)
{
        char name[4096];
        char file[4096 + 32];
        struct stat st;
        int fd;

        snprintf(name, sizeof(name), "write %s", path);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                snprintf(file, sizeof(file), "%s/.probe-write-%ld", strcmp(path, "/") ? path : "",
                         (long)getpid());
        else
                snprintf(file, sizeof(file), "%s", path);

        fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                report(name, -1, errno);
                return;
        }
        if (write(fd, "probe\n", 6) != 6) {
                int saved = errno;

                close(fd);
                unlink(file);
                report(name, -1, saved);
                return;
        }
        close(fd);
        unlink(file);
        report(name, 0, 0);
}

static void probe_mount(void)
{
        int rc = mount("probe", "/mnt", "tmpfs", 0, "size=1m");
        int saved = errno;

        if (rc == 0)
                umount2("/mnt", MNT_DETACH);
        report("mount", rc, saved);
}

static int try_unshare_user(void)
{
        return unshare(CLONE_NEWUSER) < 0 ? -errno : 0;
}

static int try_unshare_mount(void)
{
        return unshare(CLONE_NEWNS) < 0 ? -errno : 0;
}

static void probe_unshare(void)
{
        in_child("unshare-user", try_unshare_user);
        in_child("unshare-mount", try_unshare_mount);
}

static void try_socket(const char *name, int domain, int type, int protocol)
{
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        int saved = errno;

        if (fd >= 0)
                close(fd);
        report(name, fd, saved);
}

static void probe_rawsock(void)
{
        try_socket("rawsock-inet", AF_INET, SOCK_RAW, IPPROTO_ICMP);
        try_socket("rawsock-packet", AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */));
}

static int try_clone3(void)
{
        struct clone_args args;
        long pid;

        memset(&args, 0, sizeof(args));
        args.exit_signal = SIGCHLD;
        pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                return -errno;
        if (pid == 0)
                _exit(0);
        waitpid((pid_t)pid, NULL, 0);
        return 0;
}

static void probe_clone3(void)
{
        in_child("clone3", try_clone3);
}

static void probe_keyctl(void)
{
        long rc = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID_OP, KEY_SPEC_SESSION_KEYRING_ID, 0);

        report("keyctl", rc < 0 ? -1 : 0, errno);
}

static void probe_bpf(void)
{
        union bpf_attr attr;
        long rc;
        int saved;

        memset(&attr, 0, sizeof(attr));
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = 4;
        attr.value_size = 4;
        attr.max_entries = 1;
        rc = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
        saved = errno;
        if (rc >= 0)
                close((int)rc);
        report("bpf", rc < 0 ? -1 : 0, saved);
}

static int try_setuid(void)
{
        /* As root without CAP_SETUID this must fail; as another user it always fails. */
        return setuid(getuid() == 0 ? 1000 : 0) < 0 ? -errno : 0;
}

static void probe_setuid(void)
{
        in_child("setuid", try_setuid);
}

static int thread_token;

static void *thread_main(void *arg)
{
        return arg;
}

static void probe_fork(void)
{
        pthread_t thread;
        void *ret = NULL;
        int status = 0;
        pid_t pid = fork();
        int rc;

        if (pid == 0)
                _exit(7);
        if (pid < 0) {
                report("fork", -1, errno);
        } else {
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 7)
                        report("fork", 0, 0);
                else
                        report("fork", -1, ECHILD);
        }

        rc = pthread_create(&thread, NULL, thread_main, &thread_token);
        if (rc != 0) {
                report("thread", -1, rc);
                return;
        }
        pthread_join(thread, &ret);
        report("thread", ret == &thread_token ? 0 : -1, EIO);
}

static int found_sockets;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        const char *base = path + ftw->base;

        (void)type;
        if (strcmp(path, "/proc") == 0 || strcmp(path, "/sys") == 0)
                return FTW_SKIP_SUBTREE;
        if (S_ISSOCK(st->st_mode) || strcmp(base, "docker.sock") == 0 ||
            strcmp(base, "containerd.sock") == 0 || strcmp(base, "podman.sock") == 0) {
                printf("socket: %s\n", path);
                found_sockets++;
        }
        return FTW_CONTINUE;
}

static void probe_ls_sockets(void)
{
        found_sockets = 0;
        if (nftw("/", visit, 32, FTW_PHYS | FTW_ACTIONRETVAL) < 0) {
                report("ls-sockets", -1, errno);
                return;
        }
        if (found_sockets == 0)
                printf("ls-sockets: none\n");
        else
                printf("ls-sockets: %d found\n", found_sockets);
}

/*
 * mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS".
 * The last line for a mount point is the one on top, the one the process sees.
 */
static void probe_mount_of(const char *target)
{
        char line[4096];
        char best[4096] = "";
        FILE *f = fopen("/proc/self/mountinfo", "re");

        if (!f) {
                printf("mount %s: %s\n", target, errname(errno));
                return;
        }
        while (fgets(line, sizeof(line), f)) {
                char point[4096], opts[1024], fstype[256], superopts[1024];
                const char *sep = strstr(line, " - ");

                if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s %1023s", point, opts) != 2)
                        continue;
                if (strcmp(point, target) != 0)
                        continue;
                if (sscanf(sep + 3, "%255s %*s %1023s", fstype, superopts) != 2)
                        continue;
                snprintf(best, sizeof(best), "%s %s %s", fstype, opts, superopts);
        }
        fclose(f);
        printf("mount %s: %s\n", target, best[0] ? best : "none");
}

static void probe_mounts(void)
{
        const char *home = getenv("HOME");

        probe_mount_of("/");
        probe_mount_of("/tmp");
        probe_mount_of("/var/tmp");
        probe_mount_of("/run");
        if (home && home[0] == '/' && strcmp(home, "/") != 0)
                probe_mount_of(home);
}

/* Test helper, run on the host: leave a unix socket file at PATH (like an engine's API socket). */
static int make_socket(const char *path)
{
        struct sockaddr_un addr;
        int fd;

        if (strlen(path) >= sizeof(addr.sun_path)) {
                fprintf(stderr, "probe: socket path too long: %s\n", path);
                return 1;
        }
        memset(&addr, 0, sizeof(addr));
        addr.sun_family = AF_UNIX;
        strcpy(addr.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                fprintf(stderr, "probe: cannot create socket %s: %s\n", path, strerror(errno));
                return 1;
        }
        close(fd);
        return 0;
}

static void probe_all(void)
{
        const char *home = getenv("HOME");

        probe_id();
        probe_caps();
        probe_write("/");
        probe_write("/tmp");
        probe_write("/var/tmp");
        probe_write("/run");
        if (home && home[0] == '/' && strcmp(home, "/") != 0)
                probe_write(home);
        probe_mount();
        probe_unshare();
        probe_rawsock();
        probe_clone3();
        probe_keyctl();
        probe_bpf();
        probe_setuid();
        probe_fork();
        probe_ls_sockets();
        probe_mounts();
}

static int usage(void)
{
        fprintf(stderr, "usage: probe all|caps|id|write PATH|mount|unshare|rawsock|clone3|keyctl|"
                        "bpf|setuid|fork|ls-sockets|mounts|mksock PATH\n");
        return 2;
}

int main(int argc, char **argv)
{
        static const struct {
                const char *name;
                void (*fn)(void);
        } simple[] = {
            {"all", probe_all},       {"caps", probe_caps},       {"id", probe_id},
            {"mount", probe_mount},   {"unshare", probe_unshare}, {"rawsock", probe_rawsock},
            {"clone3", probe_clone3}, {"keyctl", probe_keyctl},   {"bpf", probe_bpf},
            {"setuid", probe_setuid}, {"fork", probe_fork},       {"ls-sockets", probe_ls_sockets},
            {"mounts", probe_mounts},
        };

        /* Line-buffered so that output interleaves correctly with forked children. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc < 2)
                return usage();
        if (strcmp(argv[1], "write") == 0) {
                if (argc != 3)
                        return usage();
                probe_write(argv[2]);
                return 0;
        }
        if (strcmp(argv[1], "mksock") == 0) {
                if (argc != 3)
                        return usage();
                return make_socket(argv[2]);
        }
        if (argc != 2)
                return usage();
        for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
                if (strcmp(argv[1], simple[i].name) == 0) {
                        simple[i].fn();
                        return 0;
                }
        }
        return usage();
}
