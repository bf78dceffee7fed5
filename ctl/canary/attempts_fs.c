/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filesystem and the kernel's files: the root filesystem, scratch space, the mounts a job
 * sees (host binds, kernel filesystems), masked and read-only /proc paths, sysfs and cgroupfs,
 * device nodes, the pids limit.
 *
 * Nothing here writes to a kernel interface: a file of /proc/sys, /proc/sysrq-trigger, sysfs or
 * cgroupfs that opens for writing is closed at once, and the open alone is the finding.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "canary.h"
#include "cleanup.h"

#define CAP_MKNOD_NR 27

static bool mounted_ro(const char *path)
{
        struct statvfs sv;

        return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0;
}

static void attempt_rootfs(struct rw_canary_report *rep)
{
        bool ro_expected = rep->expect->readonly_rootfs;
        enum rw_canary_expected expected = ro_expected ? RW_CANARY_BLOCKED : RW_CANARY_ALLOWED;
        const char *why = ro_expected ? NULL : "the tier keeps the root writable";
        char file[64];
        int fd;

        if (mounted_ro("/")) {
                rw_canary_record(rep, "rootfs.write", "readonly-rootfs", expected, why,
                                 RW_CANARY_STOPPED, "/ is mounted read-only");
                return;
        }
        snprintf(file, sizeof(file), "/.runwarden-canary-%ld", (long)getpid());
        fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
                close(fd);
                unlink(file);
                rw_canary_record(rep, "rootfs.write", "readonly-rootfs", expected, why,
                                 RW_CANARY_SUCCEEDED,
                                 "wrote %s: the image's root filesystem is writable", file);
        } else if (errno == EROFS) {
                rw_canary_record(rep, "rootfs.write", "readonly-rootfs", expected, why,
                                 RW_CANARY_STOPPED, "%s: EROFS", file);
        } else {
                /* The mount is the finding: its owner (root in the image) could write. */
                rw_canary_record(rep, "rootfs.write", "readonly-rootfs", expected, why,
                                 RW_CANARY_SUCCEEDED,
                                 "/ is mounted read-write (this user cannot create %s: %s)", file,
                                 rw_canary_errname(errno));
        }
}

static void attempt_scratch(struct rw_canary_report *rep)
{
        size_t i;
        json_t *v;

        json_array_foreach(rep->expect->scratch, i, v)
        {
                const char *path = json_string_value(v);
                char id[96], file[512];
                int fd;

                if (strcmp(path, "$HOME") == 0) {
                        path = getenv("HOME");
                        if (path == NULL || path[0] != '/' || strcmp(path, "/") == 0)
                                continue;
                }
                snprintf(id, sizeof(id), "scratch:%s", path);
                snprintf(file, sizeof(file), "%s/.runwarden-canary-%ld", path, (long)getpid());
                fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd >= 0) {
                        close(fd);
                        unlink(file);
                }
                rw_canary_record(rep, id, "scratch-tmpfs", RW_CANARY_ALLOWED,
                                 "writable scratch space",
                                 fd >= 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                 fd >= 0 ? "wrote a file in %s" : "write in %s: %s", path,
                                 rw_canary_errname(errno));
        }
}

/* ---- /proc and /sys ---- */

/* runc's and runwarden's maskedPaths (lib/rules/rules_kernel.c). */
static const char *const masked_paths[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static void attempt_masked(struct rw_canary_report *rep, const char *path)
{
        char id[96];
        struct stat st;
        char byte;

        snprintf(id, sizeof(id), "masked:%s", path);
        if (lstat(path, &st) < 0) {
                rw_canary_record(rep, id, "masked-paths", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_STOPPED, "%s", rw_canary_errname(errno));
        } else if (S_ISCHR(st.st_mode)) {
                rw_canary_record(rep, id, "masked-paths", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_STOPPED, "masked (a character device %u:%u)",
                                 major(st.st_rdev), minor(st.st_rdev));
        } else if (S_ISDIR(st.st_mode)) {
                DIR *d = opendir(path);
                size_t n = 0;
                struct dirent *de;

                while (d != NULL && (de = readdir(d)) != NULL)
                        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                                n++;
                if (d == NULL)
                        rw_canary_record(rep, id, "masked-paths", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_STOPPED, "%s", rw_canary_errname(errno));
                else
                        rw_canary_record(rep, id, "masked-paths", RW_CANARY_BLOCKED, NULL,
                                         n ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                         n ? "readable: %zu entries" : "masked (empty)", n);
                if (d != NULL)
                        closedir(d);
        } else {
                _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                ssize_t got = fd >= 0 ? read(fd, &byte, 1) : -1;

                rw_canary_record(rep, id, "masked-paths", RW_CANARY_BLOCKED, NULL,
                                 got > 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                 got > 0    ? "readable"
                                 : got == 0 ? "empty"
                                            : "%s",
                                 rw_canary_errname(errno));
        }
}

/* Open `path` for writing and close it again: never a byte written. */
static void attempt_open_write(struct rw_canary_report *rep, const char *id, const char *rule,
                               const char *path, const char *harm)
{
        int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
        int saved = errno;

        if (fd >= 0) {
                close(fd);
                rw_canary_record(rep, id, rule, RW_CANARY_BLOCKED, NULL, RW_CANARY_SUCCEEDED,
                                 "%s opens for writing (nothing written): %s", path, harm);
        } else {
                rw_canary_record(rep, id, rule, RW_CANARY_BLOCKED, NULL, RW_CANARY_STOPPED,
                                 "%s: %s", path, rw_canary_errname(saved));
        }
}

static void attempt_proc(struct rw_canary_report *rep)
{
        char rw[RW_CANARY_TEXT_MAX] = "";
        size_t len = 0;

        for (size_t i = 0; i < RW_ELEMENTSOF(masked_paths); i++)
                attempt_masked(rep, masked_paths[i]);
        for (size_t i = 0; i < RW_ELEMENTSOF(readonly_paths); i++) {
                struct stat st;

                if (lstat(readonly_paths[i], &st) == 0 && !mounted_ro(readonly_paths[i]))
                        len += (size_t)snprintf(rw + len, len < sizeof(rw) ? sizeof(rw) - len : 0,
                                                "%s%s", len ? " " : "", readonly_paths[i]);
        }
        rw_canary_record(rep, "proc.readonly-paths", "masked-paths", RW_CANARY_BLOCKED, NULL,
                         rw[0] ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         rw[0] ? "mounted read-write: %s" : "all mounted read-only%s", rw);
        attempt_open_write(rep, "proc.core-pattern", "masked-paths",
                           "/proc/sys/kernel/core_pattern",
                           "a job could make the host run a program of its choice");
        attempt_open_write(rep, "proc.sysrq-trigger", "masked-paths", "/proc/sysrq-trigger",
                           "a job could reboot or crash the host");
}

/* The first of `candidates` that exists, opened for writing; or the mount flag alone. */
static void attempt_kernel_fs(struct rw_canary_report *rep, const char *id, const char *fs,
                              const char *const *candidates)
{
        struct stat st;

        for (const char *const *p = candidates; *p != NULL; p++) {
                int fd;

                if (lstat(*p, &st) < 0)
                        continue;
                fd = open(*p, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
                if (fd >= 0) {
                        close(fd);
                        rw_canary_record(rep, id, "kernel-fs-mount", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_SUCCEEDED,
                                         "%s opens for writing (nothing written)", *p);
                } else if (errno != EROFS && !mounted_ro(*p)) {
                        rw_canary_record(rep, id, "kernel-fs-mount", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_SUCCEEDED,
                                         "%s is mounted read-write (this user cannot open %s: "
                                         "%s)",
                                         fs, *p, rw_canary_errname(errno));
                } else {
                        rw_canary_record(rep, id, "kernel-fs-mount", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_STOPPED, "%s: %s", *p, rw_canary_errname(errno));
                }
                return;
        }
        if (lstat(fs, &st) < 0)
                rw_canary_record(rep, id, "kernel-fs-mount", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_STOPPED, "%s: %s", fs, rw_canary_errname(errno));
        else
                rw_canary_record(rep, id, "kernel-fs-mount", RW_CANARY_BLOCKED, NULL,
                                 mounted_ro(fs) ? RW_CANARY_STOPPED : RW_CANARY_SUCCEEDED,
                                 "%s is mounted %s", fs,
                                 mounted_ro(fs) ? "read-only" : "read-write");
}

static void attempt_sys(struct rw_canary_report *rep)
{
        static const char *const sysfs[] = {
            "/sys/kernel/uevent_helper",
            "/sys/kernel/mm/transparent_hugepage/enabled",
            "/sys/power/state",
            "/sys/kernel/profiling",
            NULL,
        };
        static const char *const cgroupfs[] = {
            "/sys/fs/cgroup/cgroup.procs",         "/sys/fs/cgroup/pids/cgroup.procs",
            "/sys/fs/cgroup/memory/cgroup.procs",  "/sys/fs/cgroup/unified/cgroup.procs",
            "/sys/fs/cgroup/systemd/cgroup.procs", NULL,
        };

        attempt_kernel_fs(rep, "sysfs.write", "/sys", sysfs);
        attempt_kernel_fs(rep, "cgroupfs.write", "/sys/fs/cgroup", cgroupfs);
}

/* ---- mounts ---- */

/* A container's own filesystems: at their top ("/") they come from no host directory. */
static bool own_fstype(const char *fstype)
{
        static const char *const own[] = {"proc",   "sysfs",   "tmpfs",   "devpts", "mqueue",
                                          "cgroup", "cgroup2", "overlay", "shm",    NULL};

        for (const char *const *p = own; *p != NULL; p++)
                if (strcmp(fstype, *p) == 0)
                        return true;
        return false;
}

/* Filesystems that are kernel interfaces (or another namespace's handle) wherever they are. */
static bool kernel_fstype(const char *fstype)
{
        static const char *const kernel[] = {
            "debugfs",     "tracefs",    "securityfs", "bpf",       "devtmpfs",
            "configfs",    "fusectl",    "efivarfs",   "pstore",    "nsfs",
            "binfmt_misc", "rpc_pipefs", "autofs",     "hugetlbfs", NULL,
        };

        for (const char *const *p = kernel; *p != NULL; p++)
                if (strcmp(fstype, *p) == 0)
                        return true;
        return false;
}

/* `s` starts with a path component (up to the next "/" or the end) of `min` to `max`
 * characters, all lower-case hex digits when `hex`. */
static bool component(const char *s, size_t min, size_t max, bool hex)
{
        size_t n = 0;

        while (s[n] != '\0' && s[n] != '/') {
                if (hex && !((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
                        return false;
                n++;
        }
        return n >= min && n <= max;
}

/*
 * The shapes of what engines bind (lib/rules/engine_paths.h), anywhere in the mount's root: a
 * data root that is a filesystem of its own shows "/containers/ID/hosts" there, one on the
 * host's root filesystem "/var/lib/docker/containers/ID/hosts".
 */
static bool engine_shaped(const char *root)
{
        for (const char *p = root; (p = strchr(p, '/')) != NULL; p++) {
                if (strncmp(p, "/containers/", 12) == 0 && component(p + 12, 64, 64, true))
                        return true;
                if (strncmp(p, "/volumes/", 9) == 0 && component(p + 9, 1, 255, false)) {
                        const char *rest = strchr(p + 9, '/');

                        if (rest != NULL && strncmp(rest, "/_data", 6) == 0 &&
                            (rest[6] == '/' || rest[6] == '\0'))
                                return true;
                }
                if (strncmp(p, "/io.containerd.grpc.v1.cri/sandboxes/", 37) == 0 ||
                    strncmp(p, "/io.containerd.grpc.v1.cri/containers/", 38) == 0 ||
                    strncmp(p, "/overlay-containers/", 20) == 0)
                        return true;
                if (strncmp(p, "/pods/", 6) == 0 && component(p + 6, 1, 64, false) &&
                    strchr(p + 6, '/') != NULL)
                        return true;
        }
        return false;
}

/*
 * The tier's bind prefix that `root` lies under, as the mount's filesystem sees it: the prefix
 * itself, or a non-empty tail of its components (a /srv that is a filesystem of its own shows
 * /srv/ci-cache/x as /ci-cache/x). A prefix that is the top of its filesystem cannot be told
 * from the whole filesystem, and is not matched.
 */
static const json_t *bind_prefix_of(const json_t *prefixes, const char *root)
{
        size_t i;
        json_t *v;

        json_array_foreach(prefixes, i, v)
        {
                const char *path = json_string_value(json_object_get(v, "path"));

                for (const char *tail = path; tail != NULL && *tail == '/';
                     tail = strchr(tail + 1, '/'))
                        if (strcmp(tail, "/") != 0 && rw_canary_path_below(root, tail))
                                return v;
        }
        return NULL;
}

/*
 * A mount without nosuid runs a setuid binary found there with its owner's rights (a job with
 * no_new_privs does not, its children keep it), one without nodev opens device nodes a
 * writable mount lets a job create: the engine's and runwarden's mounts carry both, but /dev
 * and devpts, which hold the container's own device nodes. Appends "POINT lacks OPT" to `buf`.
 */
static void mount_options(const struct rw_canary_mount *x, char *buf, size_t size, size_t *len)
{
        bool nosuid = rw_canary_has_opt(x->opts, "nosuid");
        bool nodev = rw_canary_has_opt(x->opts, "nodev") || strcmp(x->point, "/dev") == 0 ||
                     strcmp(x->fstype, "devpts") == 0;

        if ((nosuid && nodev) || *len >= size)
                return;
        *len += (size_t)snprintf(buf + *len, size - *len, "%s%s (%s) lacks %s", *len ? "; " : "",
                                 x->point, x->fstype,
                                 !nosuid && !nodev ? "nosuid and nodev"
                                 : !nosuid         ? "nosuid"
                                                   : "nodev");
}

/* docker run --init: the engine's init binary (docker-init, often a link to tini) bound read-only
 * as a file at /sbin/docker-init. */
static bool docker_init(const struct rw_canary_mount *x)
{
        static const char *const names[] = {"docker-init", "tini", "tini-static", "catatonit",
                                            NULL};
        const char *base = strrchr(x->root, '/');
        struct stat st;

        if (strcmp(x->point, "/sbin/docker-init") != 0 || !rw_canary_has_opt(x->opts, "ro") ||
            base == NULL || lstat(x->point, &st) < 0 || !S_ISREG(st.st_mode))
                return false;
        for (const char *const *p = names; *p != NULL; p++)
                if (strcmp(base + 1, *p) == 0)
                        return true;
        return false;
}

static void attempt_mounts(struct rw_canary_report *rep)
{
        struct rw_canary_mount *m = NULL;
        size_t n = 0, binds = 0, engine = 0, tier = 0, bad = 0, kernel = 0;
        char flags[RW_CANARY_TEXT_MAX] = "";
        size_t flags_len = 0;
        int r = rw_canary_mounts(&m, &n);

        if (r < 0) {
                rw_canary_record(rep, "mounts.host", "host-mount", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED, "/proc/self/mountinfo: %s",
                                 rw_canary_errname(-r));
                return;
        }
        for (size_t i = 0; i < n; i++) {
                const struct rw_canary_mount *x = &m[i];
                const json_t *prefix;
                char id[160];

                if (kernel_fstype(x->fstype)) {
                        snprintf(id, sizeof(id), "kernelfs:%s", x->point);
                        rw_canary_record(
                            rep, id,
                            strcmp(x->fstype, "nsfs") == 0 ? "host-namespace" : "kernel-fs-mount",
                            RW_CANARY_BLOCKED, NULL, RW_CANARY_SUCCEEDED,
                            "%s (%s %s) mounted at %s", x->fstype, x->source, x->root, x->point);
                        kernel++;
                        continue;
                }
                /* The root itself, and the masks and kernel files runwarden's own rules place
                 * under /proc and /sys (checked above, by what they let through). */
                if (strcmp(x->point, "/") == 0 || rw_canary_path_below(x->point, "/proc") ||
                    rw_canary_path_below(x->point, "/sys"))
                        continue;
                mount_options(x, flags, sizeof(flags), &flags_len);
                if (own_fstype(x->fstype) && strcmp(x->root, "/") == 0)
                        continue;
                binds++;
                if (engine_shaped(x->root) || docker_init(x)) {
                        engine++;
                        continue;
                }
                prefix = bind_prefix_of(rep->expect->bind_prefixes, x->root);
                snprintf(id, sizeof(id), "bind:%s", x->point);
                if (prefix == NULL) {
                        rw_canary_record(rep, id, "host-mount", RW_CANARY_BLOCKED, NULL,
                                         RW_CANARY_SUCCEEDED,
                                         "%s of a %s filesystem (%s) bound at %s (%s), under none "
                                         "of the tier's bind prefixes",
                                         x->root, x->fstype, x->source, x->point, x->opts);
                        bad++;
                } else if (json_is_true(json_object_get(prefix, "read_only")) &&
                           !rw_canary_has_opt(x->opts, "ro")) {
                        rw_canary_record(rep, id, "bind-options", RW_CANARY_BLOCKED,
                                         "read-only binds from this prefix", RW_CANARY_SUCCEEDED,
                                         "%s bound read-write at %s; prefix %s is read-only",
                                         x->root, x->point,
                                         json_string_value(json_object_get(prefix, "path")));
                        bad++;
                } else {
                        rw_canary_record(rep, id, "host-mount", RW_CANARY_ALLOWED,
                                         "a bind prefix of the tier", RW_CANARY_SUCCEEDED,
                                         "%s bound at %s (%s), under the tier's prefix %s", x->root,
                                         x->point, x->opts,
                                         json_string_value(json_object_get(prefix, "path")));
                        tier++;
                }
        }
        rw_canary_mounts_free(m, n);
        rw_canary_record(rep, "mounts.nosuid-nodev", "bind-options", RW_CANARY_BLOCKED,
                         "nosuid on every mount but /, nodev but on /dev",
                         flags[0] ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         flags[0] ? "%s" : "every mount nosuid, and nodev but /dev and devpts",
                         flags);
        rw_canary_record(rep, "mounts.host", "host-mount", RW_CANARY_BLOCKED,
                         "no host directory beyond the engine's and the tier's",
                         bad || kernel ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         "%zu mount%s from outside the image: %zu the engine's own, %zu under the "
                         "tier's bind prefixes, %zu neither; %zu kernel filesystem%s",
                         binds, binds == 1 ? "" : "s", engine, tier, bad, kernel,
                         kernel == 1 ? "" : "s");
}

/* ---- devices and limits ---- */

/* In a child: mknod a block device (7:0, a loop device) and open it. Returns -errno when mknod
 * fails, MKNOD_FENCED when the node exists but does not open (the device cgroup or nodev), and
 * MKNOD_PAST + errno when the open got past both (0 errno: it opened). */
#define MKNOD_FENCED 1
#define MKNOD_PAST   1000

static int try_mknod(void *arg)
{
        const char *path = arg;
        int fd, saved;

        if (mknod(path, S_IFBLK | 0600, makedev(7, 0)) < 0)
                return -errno;
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        saved = fd < 0 ? errno : 0;
        unlink(path);
        if (fd >= 0)
                close(fd);
        if (saved == EPERM || saved == EACCES)
                return MKNOD_FENCED;
        return MKNOD_PAST + saved;
}

static void attempt_mknod(struct rw_canary_report *rep)
{
        static const char *const dirs[] = {"/tmp", "/run", "/var/tmp", "/dev/shm", "/dev"};
        bool kept = rw_canary_expect_cap(rep->expect, CAP_MKNOD_NR);
        char path[96] = "";
        int sig = 0, r = -EROFS;

        for (size_t i = 0; i < RW_ELEMENTSOF(dirs); i++) {
                struct stat st;

                if (stat(dirs[i], &st) < 0 || !S_ISDIR(st.st_mode) || access(dirs[i], W_OK) < 0)
                        continue;
                snprintf(path, sizeof(path), "%s/.runwarden-canary-blk-%ld", dirs[i],
                         (long)getpid());
                r = rw_canary_in_child(try_mknod, path, &sig);
                break;
        }
        if (r == MKNOD_FENCED)
                rw_canary_record(rep, "devices.mknod", "devices", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_STOPPED,
                                 "made block device 7:0 at %s%s, but it does not open (device "
                                 "cgroup or nodev)",
                                 path, kept ? " (CAP_MKNOD kept)" : "");
        else if (r >= MKNOD_PAST)
                rw_canary_record(
                    rep, "devices.mknod", "devices", RW_CANARY_BLOCKED, NULL, RW_CANARY_SUCCEEDED,
                    "made block device 7:0 at %s and got past the device cgroup "
                    "(%s)",
                    path, r == MKNOD_PAST ? "it opened" : rw_canary_errname(r - MKNOD_PAST));
        else
                rw_canary_record(rep, "devices.mknod", "devices", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_STOPPED, "mknod block device 7:0%s%s: %s",
                                 path[0] ? " at " : " (no writable directory)", path,
                                 sig ? "killed by a signal" : rw_canary_errname(-r));
}

static void attempt_pids(struct rw_canary_report *rep)
{
        static const char *const files[] = {"/sys/fs/cgroup/pids.max",
                                            "/sys/fs/cgroup/pids/pids.max"};
        char value[64] = "";
        const char *file = NULL;

        for (size_t i = 0; i < RW_ELEMENTSOF(files) && file == NULL; i++) {
                _cleanup_fclose_ FILE *f = fopen(files[i], "re");

                if (f != NULL && fgets(value, sizeof(value), f) != NULL) {
                        value[strcspn(value, "\n")] = '\0';
                        file = files[i];
                }
        }
        if (file == NULL)
                rw_canary_record(rep, "pids.limit", "pids-limit", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED, "no pids.max under /sys/fs/cgroup");
        else if (strcmp(value, "max") == 0)
                rw_canary_record(rep, "pids.limit", "pids-limit", RW_CANARY_BLOCKED, "a pids limit",
                                 RW_CANARY_SUCCEEDED,
                                 "%s is max: a fork bomb meets only the host's limit", file);
        else
                rw_canary_record(rep, "pids.limit", "pids-limit", RW_CANARY_BLOCKED, "a pids limit",
                                 RW_CANARY_STOPPED, "%s is %s%s", file, value,
                                 strtoll(value, NULL, 10) > rep->expect->pids_limit
                                     ? " (above the tier's: the spec set its own)"
                                     : "");
}

void rw_canary_filesystem(struct rw_canary_report *rep)
{
        attempt_rootfs(rep);
        attempt_scratch(rep);
        attempt_mounts(rep);
}

void rw_canary_kernel(struct rw_canary_report *rep)
{
        attempt_proc(rep);
        attempt_sys(rep);
        attempt_mknod(rep);
        attempt_pids(rep);
}
