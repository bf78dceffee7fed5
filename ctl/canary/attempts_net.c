/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the job can reach: engine sockets by any path (the well-known ones, any found by walking
 * the filesystem, abstract ones in its network namespace), device nodes, the host's namespaces
 * (told from inside by what only the host's show), raw sockets, and on request the cloud
 * metadata address. A socket is only connected to and closed: nothing is sent to it. The
 * metadata attempt is a TCP connect to 169.254.169.254:80, closed at once; no other address is
 * ever contacted.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "canary.h"
#include "cleanup.h"

#define CAP_NET_RAW_NR      13
#define METADATA_ADDR       "169.254.169.254"
#define METADATA_PORT       80
#define METADATA_TIMEOUT_MS 2000
#define DEVICE_ROWS_MAX     16

/* Sockets of host daemons that hand out root on the host as surely as an engine's. */
static bool host_daemon_socket(const char *path)
{
        static const char *const names[] = {"system_bus_socket", "snapd.socket", "libvirt-sock",
                                            "kubelet.sock", NULL};
        const char *base = strrchr(path, '/');

        base = base ? base + 1 : path;
        for (const char *const *p = names; *p != NULL; p++)
                if (strcmp(base, *p) == 0)
                        return true;
        return strstr(path, "/systemd/private") != NULL;
}

static bool engine_socket(const struct rw_canary_expectation *e, const char *path)
{
        const char *base = strrchr(path, '/');

        return rw_canary_in_list(e->socket_paths, path) ||
               rw_canary_in_list(e->socket_names, base ? base + 1 : path);
}

/*
 * Connect to a unix socket (`abstract`: a name in the abstract namespace) and close it again.
 * 0: it accepts connections (EAGAIN: a listener whose backlog is full); else -errno.
 */
static int unix_connect(const char *name, bool abstract)
{
        static const int types[] = {SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM};
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        char proc_path[64];
        _cleanup_close_ int path_fd = -1;
        size_t len = strlen(name);
        socklen_t addr_len;

        if (abstract) {
                if (len + 1 > sizeof(addr.sun_path))
                        return -ENAMETOOLONG;
                memcpy(addr.sun_path + 1, name, len);
                addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
        } else {
                /* A path too long for sun_path is reached through its descriptor. */
                if (len >= sizeof(addr.sun_path)) {
                        path_fd = open(name, O_PATH | O_CLOEXEC);
                        if (path_fd < 0)
                                return -errno;
                        snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", path_fd);
                        name = proc_path;
                        len = strlen(name);
                }
                memcpy(addr.sun_path, name, len + 1);
                addr_len = (socklen_t)sizeof(addr);
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(types); i++) {
                int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                int r, saved;

                if (fd < 0)
                        return -errno;
                r = connect(fd, (struct sockaddr *)&addr, addr_len);
                saved = errno;
                close(fd);
                if (r == 0 || saved == EAGAIN || saved == EINPROGRESS)
                        return 0;
                if (saved != EPROTOTYPE)
                        return -saved;
        }
        return -EPROTOTYPE;
}

/* ---- the walk: sockets anywhere, device nodes under /dev ---- */

struct walk_state {
        const struct rw_canary_expectation *e;
        const char *root;        /* the tree being walked */
        const char *const *skip; /* trees walked already, or never walked */
        size_t limit;
        size_t entries;
        bool truncated;
        char **sockets;
        size_t n_sockets;
        struct device_node {
                char *path;
                bool block;
                unsigned major, minor;
        } * devices;
        size_t n_devices;
        size_t safe_devices;
        bool oom;
};

/* nftw has no argument for its callback. */
static struct walk_state *walk_state;

struct safe_node {
        const char *path; /* NULL: /dev/pts/N */
        unsigned major;
        int minor; /* -1: any */
};

/* lib/rules/rules_devices.c keeps these; /dev/console is the terminal's pts when there is one. */
static const struct safe_node safe_nodes[] = {
    {"/dev/null", 1, 3},     {"/dev/zero", 1, 5},       {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},   {"/dev/urandom", 1, 9},    {"/dev/tty", 5, 0},
    {"/dev/console", 5, 1},  {"/dev/console", 136, -1}, {"/dev/ptmx", 5, 2},
    {"/dev/pts/ptmx", 5, 2}, {NULL, 136, -1},
};

static bool device_safe(const char *path, bool block, unsigned maj, unsigned min)
{
        if (block)
                return false;
        for (size_t i = 0; i < RW_ELEMENTSOF(safe_nodes); i++) {
                const struct safe_node *s = &safe_nodes[i];

                if (s->major != maj || (s->minor >= 0 && (unsigned)s->minor != min))
                        continue;
                if (s->path != NULL && strcmp(path, s->path) == 0)
                        return true;
                if (s->path == NULL && strncmp(path, "/dev/pts/", 9) == 0 &&
                    strtoul(path + 9, NULL, 10) == min && isdigit((unsigned char)path[9]))
                        return true;
        }
        return false;
}

static int push_string(char ***list, size_t *n, const char *s)
{
        char **grown = reallocarray(*list, *n + 1, sizeof(**list));

        if (grown == NULL)
                return -ENOMEM;
        *list = grown;
        if ((grown[*n] = strdup(s)) == NULL)
                return -ENOMEM;
        (*n)++;
        return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        struct walk_state *w = walk_state;

        (void)type;
        (void)ftw;
        for (const char *const *p = w->skip; *p != NULL; p++)
                if (strcmp(path, *p) == 0 && strcmp(path, w->root) != 0)
                        return FTW_SKIP_SUBTREE;
        if (++w->entries > w->limit) {
                w->truncated = true;
                return FTW_STOP;
        }
        if (S_ISSOCK(st->st_mode) || engine_socket(w->e, path))
                w->oom |= push_string(&w->sockets, &w->n_sockets, path) < 0;
        if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) && rw_canary_path_below(path, "/dev")) {
                bool block = S_ISBLK(st->st_mode);
                unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);
                struct device_node *grown;

                if (device_safe(path, block, maj, min)) {
                        w->safe_devices++;
                        return FTW_CONTINUE;
                }
                grown = reallocarray(w->devices, w->n_devices + 1, sizeof(*grown));
                if (grown == NULL || (grown[w->n_devices].path = strdup(path)) == NULL) {
                        if (grown != NULL)
                                w->devices = grown;
                        w->oom = true;
                        return FTW_CONTINUE;
                }
                w->devices = grown;
                w->devices[w->n_devices].block = block;
                w->devices[w->n_devices].major = maj;
                w->devices[w->n_devices].minor = min;
                w->n_devices++;
        }
        return FTW_CONTINUE;
}

/* Paths already reported (by their resolved name), so the walk does not repeat them. */
struct seen {
        char **paths;
        size_t n;
};

static bool seen_add(struct seen *s, const char *path)
{
        char resolved[PATH_MAX];
        const char *key = realpath(path, resolved) ? resolved : path;

        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->paths[i], key) == 0)
                        return false;
        push_string(&s->paths, &s->n, key);
        return true;
}

/* Connect to a socket found at `path` and record it; true when it is a failure (an engine's or
 * a host daemon's socket that accepts connections). */
static bool report_socket(struct rw_canary_report *rep, const char *path, struct seen *seen,
                          size_t *ret_live)
{
        bool engine = engine_socket(rep->expect, path);
        bool daemon = host_daemon_socket(path);
        char id[160];
        int r;

        if (!seen_add(seen, path))
                return false;
        r = unix_connect(path, false);
        *ret_live += r == 0;
        snprintf(id, sizeof(id), "socket:%s", path);
        if (engine || daemon)
                rw_canary_record(rep, id, engine ? "engine-socket" : "host-mount",
                                 RW_CANARY_BLOCKED, NULL,
                                 r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                 r == 0 ? "%s socket accepts connections"
                                        : "%s socket present, does not connect: %s",
                                 engine ? "an engine's" : "a host daemon's", rw_canary_errname(-r));
        else if (r == 0)
                rw_canary_record(rep, id, "engine-socket", RW_CANARY_EITHER,
                                 "not an engine's socket name", RW_CANARY_SUCCEEDED,
                                 "a unix socket that accepts connections");
        return (engine || daemon) && r == 0;
}

static void attempt_sockets_and_devices(struct rw_canary_report *rep,
                                        const struct rw_canary_options *o)
{
        struct walk_state w = {.e = rep->expect, .limit = o->walk_limit};
        struct seen seen = {0};
        size_t bad = 0, live = 0, present = 0, i;
        json_t *v;
        int r;

        /* The well-known paths first: a bind of /var/run/docker.sock is found even where the
         * walk would stop early. */
        json_array_foreach(rep->expect->socket_paths, i, v)
        {
                struct stat st;

                if (lstat(json_string_value(v), &st) == 0) {
                        present++;
                        bad += report_socket(rep, json_string_value(v), &seen, &live);
                }
        }
        rw_canary_record(rep, "engine-sockets.paths", "engine-socket", RW_CANARY_BLOCKED, NULL,
                         bad ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         "%zu of the %zu well-known engine socket paths present, %zu accept "
                         "connections",
                         present, json_array_size(rep->expect->socket_paths), live);

        /* Where sockets and device nodes are likeliest first, so that a walk stopped by the
         * limit in a huge image has still looked there; then everything else. */
        static const char *const roots[] = {"/dev", "/run", "/var/run", "/tmp", "/var/tmp", "/"};
        static const char *const skip[] = {"/proc",    "/sys", "/dev",     "/run",
                                           "/var/run", "/tmp", "/var/tmp", NULL};

        walk_state = &w;
        w.skip = skip;
        r = 0;
        for (i = 0; i < RW_ELEMENTSOF(roots) && !w.truncated; i++) {
                struct stat st;

                if (lstat(roots[i], &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                w.root = roots[i];
                if (nftw(roots[i], visit, 64, FTW_PHYS | FTW_ACTIONRETVAL) < 0)
                        r = -1;
        }
        walk_state = NULL;
        bad = live = 0;
        for (i = 0; i < w.n_sockets; i++)
                bad += report_socket(rep, w.sockets[i], &seen, &live);
        rw_canary_record(rep, "engine-sockets.walk", "engine-socket", RW_CANARY_BLOCKED, NULL,
                         bad                     ? RW_CANARY_SUCCEEDED
                         : r < 0 && !w.truncated ? RW_CANARY_NOT_TESTED
                                                 : RW_CANARY_STOPPED,
                         "walked %zu entries%s%s: %zu socket%s (or engine socket names), %zu "
                         "accept connections, %zu of them an engine's or a host daemon's",
                         w.entries, w.truncated ? " (stopped at --walk-limit)" : "",
                         r < 0 && !w.truncated ? " (the walk failed)" : "", w.n_sockets,
                         w.n_sockets == 1 ? "" : "s", live, bad);

        bad = 0;
        for (i = 0; i < w.n_devices; i++) {
                const struct device_node *d = &w.devices[i];
                bool tier = rw_canary_in_list(rep->expect->devices, d->path);
                char id[160];

                bad += !tier;
                /* A privileged container sees the host's hundred nodes: the first ones say it. */
                if (!tier && bad > DEVICE_ROWS_MAX)
                        continue;
                snprintf(id, sizeof(id), "device:%s", d->path);
                rw_canary_record(rep, id, "devices", tier ? RW_CANARY_ALLOWED : RW_CANARY_BLOCKED,
                                 tier ? "a device the tier keeps" : NULL, RW_CANARY_SUCCEEDED,
                                 "%s device %u:%u present", d->block ? "block" : "character",
                                 d->major, d->minor);
        }
        rw_canary_record(rep, "devices.nodes", "devices", RW_CANARY_BLOCKED, NULL,
                         bad ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         "%zu device node%s of the safe set, %zu beyond it (%zu the tier's%s)",
                         w.safe_devices, w.safe_devices == 1 ? "" : "s", w.n_devices,
                         w.n_devices - bad,
                         bad > DEVICE_ROWS_MAX ? "; only the first ones have a row" : "");
        if (w.oom)
                rw_canary_record(rep, "walk", "-", RW_CANARY_EITHER, NULL, RW_CANARY_NOT_TESTED,
                                 "out of memory during the walk: some entries were not judged");
        for (i = 0; i < w.n_sockets; i++)
                free(w.sockets[i]);
        free(w.sockets);
        for (i = 0; i < w.n_devices; i++)
                free(w.devices[i].path);
        free(w.devices);
        for (i = 0; i < seen.n; i++)
                free(seen.paths[i]);
        free(seen.paths);
}

/* ---- the network namespace ---- */

/* Interfaces that exist only where containers are wired up: on the host. */
static bool host_interface(const char *name)
{
        static const char *const prefixes[] = {"docker",  "br-",    "veth",  "cni",    "cbr",
                                               "flannel", "cali",   "virbr", "kube-",  "vxlan",
                                               "weave",   "cilium", "lxcbr", "podman", NULL};

        for (const char *const *p = prefixes; *p != NULL; p++)
                if (strncmp(name, *p, strlen(*p)) == 0)
                        return true;
        return false;
}

/* A named socket bound by a host daemon: it shows in /proc/net/unix of the host's namespace. */
static bool host_socket_name(const struct rw_canary_expectation *e, const char *path)
{
        return engine_socket(e, path) || host_daemon_socket(path) ||
               strncmp(path, "/run/systemd/", 13) == 0 ||
               strncmp(path, "/run/containerd/", 16) == 0 ||
               strncmp(path, "/var/run/docker", 15) == 0 || strncmp(path, "/run/dbus/", 10) == 0;
}

static bool engine_abstract(const char *name)
{
        static const char *const words[] = {"containerd", "docker", "buildkit", "shim",
                                            "podman",     "crio",   NULL};

        for (const char *const *p = words; *p != NULL; p++)
                if (strstr(name, *p) != NULL)
                        return true;
        return false;
}

static void attempt_network_namespace(struct rw_canary_report *rep)
{
        char evidence[RW_CANARY_TEXT_MAX] = "";
        size_t len = 0, abstract = 0, engine = 0, live = 0;
        char line[1024];
        FILE *f;

        f = fopen("/proc/net/dev", "re");
        while (f != NULL && fgets(line, sizeof(line), f)) {
                char *colon = strchr(line, ':');
                char *name = line;

                if (colon == NULL)
                        continue;
                *colon = '\0';
                while (*name == ' ')
                        name++;
                if (host_interface(name) && len < sizeof(evidence))
                        len += (size_t)snprintf(evidence + len, sizeof(evidence) - len,
                                                "%sinterface %s", len ? ", " : "", name);
        }
        if (f != NULL)
                fclose(f);

        /* "Num RefCount Protocol Flags Type St Inode Path": the path is optional. */
        f = fopen("/proc/net/unix", "re");
        while (f != NULL && fgets(line, sizeof(line), f)) {
                char *path;
                int consumed = 0;

                line[strcspn(line, "\n")] = '\0';
                if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %n", &consumed) < 0 ||
                    consumed == 0 || line[consumed] == '\0')
                        continue;
                path = line + consumed;
                if (path[0] == '@') {
                        char id[160];
                        int r;

                        abstract++;
                        if (!engine_abstract(path + 1))
                                continue;
                        engine++;
                        r = unix_connect(path + 1, true);
                        live += r == 0;
                        snprintf(id, sizeof(id), "abstract:%s", path);
                        rw_canary_record(rep, id, "host-namespace", RW_CANARY_BLOCKED, NULL,
                                         r == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                         r == 0 ? "an engine's abstract socket accepts "
                                                  "connections (abstract sockets belong to a "
                                                  "network namespace: this is the host's)"
                                                : "an engine's abstract socket, does not connect: "
                                                  "%s",
                                         rw_canary_errname(-r));
                } else if (host_socket_name(rep->expect, path) && len < sizeof(evidence)) {
                        len += (size_t)snprintf(evidence + len, sizeof(evidence) - len,
                                                "%ssocket %s bound here", len ? ", " : "", path);
                }
        }
        if (f != NULL)
                fclose(f);
        if (evidence[0] != '\0')
                rw_canary_record(rep, "ns.network", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own network namespace", RW_CANARY_SUCCEEDED,
                                 "the host's network namespace: %s", evidence);
        else
                rw_canary_record(rep, "ns.network", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own network namespace",
                                 live ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                                 "own network namespace: %zu abstract sockets, %zu named like an "
                                 "engine's, %zu accept connections",
                                 abstract, engine, live);
}

/* ---- pid and uts ---- */

/* PF_KTHREAD in the flags of /proc/PID/stat (include/linux/sched.h). */
#define PF_KTHREAD 0x00200000u

static void attempt_pid_namespace(struct rw_canary_report *rep)
{
        DIR *d = opendir("/proc");
        struct dirent *de;
        size_t processes = 0;
        long kthread = 0;
        char comm1[64] = "?";
        FILE *f;

        while (d != NULL && (de = readdir(d)) != NULL) {
                char path[64], buf[512];
                char *close_paren;
                unsigned flags;
                long pid;

                if (!isdigit((unsigned char)de->d_name[0]))
                        continue;
                processes++;
                pid = strtol(de->d_name, NULL, 10);
                snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
                f = fopen(path, "re");
                if (f == NULL)
                        continue;
                /* "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ..."; COMM may hold ")" */
                if (fgets(buf, sizeof(buf), f) != NULL &&
                    (close_paren = strrchr(buf, ')')) != NULL &&
                    sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) == 1 &&
                    (flags & PF_KTHREAD) != 0 && kthread == 0)
                        kthread = pid;
                fclose(f);
        }
        if (d != NULL)
                closedir(d);
        f = fopen("/proc/1/comm", "re");
        if (f != NULL) {
                if (fgets(comm1, sizeof(comm1), f) != NULL)
                        comm1[strcspn(comm1, "\n")] = '\0';
                fclose(f);
        }
        /* Only the initial pid namespace holds the kernel's threads (kthreadd and its children):
         * a process that is one, seen here, means this is the host's pid namespace. A process
         * without a parent proves nothing: an exec'd one has its parent outside. */
        if (d == NULL)
                rw_canary_record(rep, "ns.pid", "host-namespace", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED, "/proc: %s", rw_canary_errname(errno));
        else if (kthread != 0)
                rw_canary_record(rep, "ns.pid", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own pid namespace", RW_CANARY_SUCCEEDED,
                                 "the host's pid namespace: pid %ld is a kernel thread; %zu "
                                 "processes, pid 1 is %s",
                                 kthread, processes, comm1);
        else
                rw_canary_record(rep, "ns.pid", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own pid namespace", RW_CANARY_STOPPED,
                                 "own pid namespace: %zu processes, pid 1 is %s", processes, comm1);
}

static void attempt_uts_namespace(struct rw_canary_report *rep, const char *host)
{
        char name[HOST_NAME_MAX + 1] = "";

        if (host == NULL) {
                rw_canary_record(rep, "ns.uts", "host-namespace", RW_CANARY_BLOCKED, NULL,
                                 RW_CANARY_NOT_TESTED,
                                 "the host's name is not known here (--host-hostname)");
                return;
        }
        gethostname(name, sizeof(name) - 1);
        /* A new uts namespace starts with its creator's name: an engine that sets none (ctr
         * run) leaves the host's there. Only a different name proves anything. */
        if (strcmp(name, host) == 0)
                rw_canary_record(rep, "ns.uts", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own uts namespace", RW_CANARY_NOT_TESTED,
                                 "hostname %s is the host's: the host's uts namespace, or a new "
                                 "one the engine gave no name",
                                 name);
        else
                rw_canary_record(rep, "ns.uts", "host-namespace", RW_CANARY_BLOCKED,
                                 "its own uts namespace", RW_CANARY_STOPPED,
                                 "hostname %s, the host's is %s", name, host);
}

void rw_canary_namespaces(struct rw_canary_report *rep, const struct rw_canary_options *o)
{
        attempt_pid_namespace(rep);
        attempt_network_namespace(rep);
        attempt_uts_namespace(rep, o->host_hostname);
}

/* ---- sockets of the network ---- */

static void attempt_socket(struct rw_canary_report *rep, const char *id, int domain, int type,
                           int protocol, const char *what)
{
        bool kept = rw_canary_expect_cap(rep->expect, CAP_NET_RAW_NR);
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        int saved = errno;

        if (fd >= 0)
                close(fd);
        rw_canary_record(rep, id, "caps-drop", kept ? RW_CANARY_ALLOWED : RW_CANARY_BLOCKED,
                         kept ? "CAP_NET_RAW kept" : NULL,
                         fd >= 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         fd >= 0 ? "opened %s" : "%s: %s", what, rw_canary_errname(saved));
}

static void attempt_metadata(struct rw_canary_report *rep, bool asked)
{
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(METADATA_PORT)};
        const char *why = "runwarden does not filter egress: the network must";
        struct pollfd pfd;
        int fd, r, err = 0;
        socklen_t len = sizeof(err);

        if (!asked) {
                rw_canary_record(rep, "net.metadata", "-", RW_CANARY_BLOCKED, why,
                                 RW_CANARY_NOT_TESTED, "not asked to try (--metadata)");
                return;
        }
        inet_pton(AF_INET, METADATA_ADDR, &addr.sin_addr);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                rw_canary_record(rep, "net.metadata", "-", RW_CANARY_BLOCKED, why,
                                 RW_CANARY_STOPPED, "socket: %s", rw_canary_errname(errno));
                return;
        }
        r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
        if (r < 0 && errno == EINPROGRESS) {
                pfd = (struct pollfd){.fd = fd, .events = POLLOUT};
                r = poll(&pfd, 1, METADATA_TIMEOUT_MS);
                if (r == 0) {
                        err = ETIMEDOUT;
                } else if (r < 0) {
                        err = errno;
                } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                        err = errno;
                }
        } else if (r < 0) {
                err = errno;
        }
        close(fd);
        rw_canary_record(rep, "net.metadata", "-", RW_CANARY_BLOCKED, why,
                         err == 0 ? RW_CANARY_SUCCEEDED : RW_CANARY_STOPPED,
                         err == 0 ? "connected to " METADATA_ADDR ":%d (closed at once)"
                                  : "connect " METADATA_ADDR ":%d: %s",
                         METADATA_PORT, rw_canary_errname(err));
}

void rw_canary_network(struct rw_canary_report *rep, const struct rw_canary_options *o)
{
        attempt_socket(rep, "net.raw-inet", AF_INET, SOCK_RAW, IPPROTO_ICMP, "a raw IP socket");
        attempt_socket(rep, "net.packet", AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */),
                       "a packet socket");
        attempt_metadata(rep, o->metadata);
}

void rw_canary_walk(struct rw_canary_report *rep, const struct rw_canary_options *o)
{
        attempt_sockets_and_devices(rep, o);
}
