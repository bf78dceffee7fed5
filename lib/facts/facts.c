/* SPDX-License-Identifier: Apache-2.0 */
#include "facts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "json.h"
#include "mountinfo.h"
#include "pathwalk.h"
#include "rootfs.h"
#include "spec.h"
#include "paths.h"
#include "spec.h"
#include "state.h"

#define PROC_FILE_MAX  4096
#define STATE_JSON_MAX (4u * 1024u * 1024u)

static const char *const ns_names[RW_NS_COUNT] = {
    [RW_NS_PID] = "pid",   [RW_NS_NETWORK] = "network", [RW_NS_IPC] = "ipc",
    [RW_NS_UTS] = "uts",   [RW_NS_MOUNT] = "mount",     [RW_NS_CGROUP] = "cgroup",
    [RW_NS_USER] = "user", [RW_NS_TIME] = "time",
};

/* The name of the namespace under /proc/PID/ns/ ("net" for network). */
static const char *const ns_proc_names[RW_NS_COUNT] = {
    [RW_NS_PID] = "pid",   [RW_NS_NETWORK] = "net",   [RW_NS_IPC] = "ipc",   [RW_NS_UTS] = "uts",
    [RW_NS_MOUNT] = "mnt", [RW_NS_CGROUP] = "cgroup", [RW_NS_USER] = "user", [RW_NS_TIME] = "time",
};

const char *const rw_engine_socket_paths[] = {
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock.ttrpc",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
    "/var/run/buildkit/buildkitd.sock",
    "/run/buildkit/buildkitd.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/dockershim.sock",
    "/run/dockershim.sock",
    NULL,
};

const char *const rw_engine_socket_names[] = {
    "docker.sock",    "containerd.sock",  "containerd.sock.ttrpc", "crio.sock",    "podman.sock",
    "buildkitd.sock", "cri-dockerd.sock", "dockershim.sock",       "dockerd.sock", NULL,
};

int rw_ns_type_from_name(const char *name)
{
        for (int i = 0; i < RW_NS_COUNT; i++)
                if (strcmp(ns_names[i], name) == 0)
                        return i;
        return -1;
}

const char *rw_ns_type_name(enum rw_ns_type type)
{
        return (unsigned)type < RW_NS_COUNT ? ns_names[type] : "unknown";
}

const struct rw_path_fact *rw_facts_lookup(const struct rw_host_facts *facts, const char *path)
{
        for (size_t i = 0; facts != NULL && i < facts->n_paths; i++)
                if (strcmp(facts->paths[i].path, path) == 0)
                        return &facts->paths[i];
        return NULL;
}

struct rw_path_fact *rw_facts_lookup_mutable(struct rw_host_facts *facts, const char *path)
{
        return (struct rw_path_fact *)rw_facts_lookup(facts, path);
}

const struct rw_hook_fact *rw_facts_hook(const struct rw_host_facts *facts, const char *path)
{
        for (size_t i = 0; facts != NULL && i < facts->n_hooks; i++)
                if (strcmp(facts->hooks[i].path, path) == 0)
                        return &facts->hooks[i];
        return NULL;
}

int rw_facts_add_path(struct rw_host_facts *facts, const char *path, int error,
                      const char *realpath_, mode_t mode, dev_t dev, ino_t ino,
                      struct rw_error *err)
{
        struct rw_path_fact f = {
            .error = error,
            .mode = mode,
            .id = {.known = error == 0, .dev = dev, .ino = ino},
        };
        struct rw_path_fact *p;

        if (rw_facts_lookup(facts, path) != NULL)
                return 0;
        f.path = strdup(path);
        f.realpath = realpath_ != NULL ? strdup(realpath_) : NULL;
        p = reallocarray(facts->paths, facts->n_paths + 1, sizeof(*p));
        if (f.path == NULL || (realpath_ != NULL && f.realpath == NULL) || p == NULL) {
                free(f.path);
                free(f.realpath);
                if (p != NULL)
                        facts->paths = p;
                return rw_error_set(err, ENOMEM, "recording facts for %s", path);
        }
        facts->paths = p;
        facts->paths[facts->n_paths++] = f;
        return 0;
}

static bool mount_is_bind(const json_t *m)
{
        const char *type = json_string_value(json_object_get(m, "type"));
        const json_t *opts;
        size_t i;
        json_t *o;

        if (type != NULL && strcmp(type, "bind") == 0)
                return true;
        /* json_array_foreach() evaluates its array at every step */
        opts = json_object_get(m, "options");
        json_array_foreach(opts, i, o)
        {
                const char *s = json_string_value(o);

                if (s != NULL && (s[0] == 'b' || s[0] == 'r') &&
                    (strcmp(s, "bind") == 0 || strcmp(s, "rbind") == 0))
                        return true;
        }
        return false;
}

static int set_string(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_string(char **dst, const char *fmt, ...)
{
        va_list ap;
        int n;

        free(*dst);
        va_start(ap, fmt);
        n = vasprintf(dst, fmt, ap);
        va_end(ap);
        if (n < 0) {
                *dst = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* ---- bind sources ---- */

struct below_ctx {
        const struct rw_mountinfo *mi;
        struct rw_path_fact *fact;
        int r;
};

static int note_submount(const struct rw_mount *m, void *userdata)
{
        struct below_ctx *c = userdata;

        if (strcmp(m->fstype, "tmpfs") == 0 && !rw_mountinfo_device_shared(c->mi, m))
                return 0;
        c->r = set_string(&c->fact->submount, "%s (%s %s)", m->mountpoint, m->fstype, m->source);
        return 1;
}

/* What the mount table says of a resolved bind source. */
static int judge_mounts(const struct rw_mountinfo *mi, struct rw_path_fact *f, struct rw_error *err)
{
        const struct rw_mount *m = rw_mountinfo_find(mi, f->realpath);
        struct below_ctx below = {.mi = mi, .fact = f};
        int r;

        if (m == NULL)
                return 0;
        f->fs_type = strdup(m->fstype);
        f->fs_mountpoint = strdup(m->mountpoint);
        if (f->fs_type == NULL || f->fs_mountpoint == NULL)
                return rw_error_set(err, ENOMEM, "mount facts");
        if (strcmp(m->mountpoint, f->realpath) == 0) {
                f->mountpoint = true;
                if (set_string(&f->mount_desc, "%s %s", m->fstype, m->source) < 0)
                        return rw_error_set(err, ENOMEM, "mount facts");
                f->private_tmpfs =
                    strcmp(m->fstype, "tmpfs") == 0 && !rw_mountinfo_device_shared(mi, m);
                r = rw_mountinfo_host_path(mi, m, f->realpath, &f->exposes, err);
                if (r < 0)
                        return r;
        }
        rw_mountinfo_foreach_below(mi, f->realpath, note_submount, &below);
        return below.r < 0 ? rw_error_set(err, ENOMEM, "mount facts") : 0;
}

static int gather_bind(struct rw_host_facts *facts, const struct rw_mountinfo *mi,
                       const char *source, struct rw_error *err)
{
        struct rw_walk w;
        struct rw_path_fact *f;
        int r;

        if (rw_facts_lookup(facts, source) != NULL)
                return 0;
        if (source[0] != '/' && facts->bundle == NULL)
                return rw_facts_add_path(facts, source, ENOENT, NULL, 0, 0, 0, err);
        r = rw_path_walk(source, facts->bundle, &w, err);
        if (r < 0)
                return r;
        r = rw_facts_add_path(facts, source, w.error, w.resolved, w.st.st_mode, w.st.st_dev,
                              w.st.st_ino, err);
        f = rw_facts_lookup_mutable(facts, source);
        if (r >= 0 && f != NULL) {
                f->uid = w.st.st_uid;
                f->unsafe_dir = TAKE_PTR(w.unsafe_dir);
                if (w.error == 0)
                        r = judge_mounts(mi, f, err);
        }
        rw_walk_clear(&w);
        return r;
}

/* ---- volumes ---- */

/* Whether gVisor's runsc has container `id` under `root`: a state file ID_sandbox:SANDBOX.state,
 * whatever its sandbox (a pod's containers live in the pod's). Unknown (an unreadable root)
 * counts as yes. */
static bool runsc_has_container(const char *root, const char *id)
{
        size_t id_len = strlen(id);
        bool found = false;
        struct dirent *e;
        DIR *dir;

        dir = opendir(root);
        if (dir == NULL)
                return errno != ENOENT && errno != ENOTDIR;
        while (!found && (e = readdir(dir)) != NULL) {
                size_t len = strlen(e->d_name);

                found = len > id_len + sizeof("_sandbox:.state") - 1 &&
                        memcmp(e->d_name, id, id_len) == 0 &&
                        strncmp(e->d_name + id_len, "_sandbox:", 9) == 0 &&
                        strcmp(e->d_name + len - 6, ".state") == 0;
        }
        closedir(dir);
        return found;
}

/* Whether the runtime has container `id` under `root` (NULL: runc's default root): runc's and
 * crun's state directory ROOT/ID is there, whatever it holds — runc's own test before it creates
 * one — or runsc's state file is. When in doubt, it has: a volume's user still counts, a create
 * of the id is refused. */
static bool runc_has_container(const char *root, const char *id)
{
        _cleanup_free_ char *p = NULL;
        const char *r = root != NULL ? root : RW_RUNC_DEFAULT_ROOT;
        struct stat st;

        if (asprintf(&p, "%s/%s", r, id) < 0)
                return true;
        if (stat(p, &st) == 0 || errno != ENOENT)
                return true;
        return runsc_has_container(r, id);
}

static int add_volume_user(struct rw_host_facts *facts, const char *volume,
                           const struct rw_volume_use *u, bool creator, struct rw_error *err)
{
        struct rw_volume_user *grown =
            reallocarray(facts->volume_users, facts->n_volume_users + 1, sizeof(*grown));
        struct rw_volume_user *v;

        if (grown == NULL)
                return rw_error_set(err, ENOMEM, "volume facts");
        facts->volume_users = grown;
        v = &grown[facts->n_volume_users++];
        *v = (struct rw_volume_user){.creator = creator, .user = {.exec = -1, .strictness = -1}};
        v->volume = strdup(volume);
        v->user.id = strdup(u->id);
        v->user.tier = strdup(u->tier);
        if (v->volume == NULL || v->user.id == NULL || v->user.tier == NULL)
                return rw_error_set(err, ENOMEM, "volume facts");
        return 0;
}

/* Who else mounts the volume at `resolved`, and who it was created for. */
static int gather_volume(struct rw_host_facts *facts, const struct rw_facts_options *o,
                         const char *resolved, struct rw_error *err)
{
        struct rw_volume_entry e;
        bool found = false;
        int r;

        for (size_t i = 0; i < facts->n_volume_users; i++)
                if (strcmp(facts->volume_users[i].volume, resolved) == 0)
                        return 0;
        r = rw_volume_load(o->state_dir, resolved, &e, &found, err);
        if (r < 0 || !found)
                return r;
        if (o->container_id == NULL || strcmp(e.creator.id, o->container_id) != 0)
                r = add_volume_user(facts, resolved, &e.creator, true, err);
        for (size_t i = 0; r >= 0 && i < e.n_users; i++) {
                const struct rw_volume_use *u = &e.users[i];

                if (o->container_id != NULL && strcmp(u->id, o->container_id) == 0)
                        continue;
                /* a container that is gone uses nothing (its creator role stays) */
                if (!runc_has_container(u->root, u->id))
                        continue;
                r = add_volume_user(facts, resolved, u, false, err);
        }
        rw_volume_entry_clear(&e);
        return r;
}

/* ---- namespaces ---- */

static bool stat_id(const char *path, struct rw_file_id *ret)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return false;
        *ret = (struct rw_file_id){true, st.st_dev, st.st_ino};
        return true;
}

static void gather_host_ns(struct rw_host_facts *facts)
{
        for (int t = 0; t < RW_NS_COUNT; t++) {
                char p[64];

                snprintf(p, sizeof(p), "/proc/1/ns/%s", ns_proc_names[t]);
                if (stat_id(p, &facts->host_ns[t]))
                        continue;
                /* pid 1 may be out of reach (a sandboxed host): the namespaces runwarden itself
                 * runs in are then the host's as far as this engine is concerned */
                snprintf(p, sizeof(p), "/proc/self/ns/%s", ns_proc_names[t]);
                if (stat_id(p, &facts->host_ns[t]))
                        facts->host_ns_from_self = true;
        }
}

void rw_container_ref_clear(struct rw_container_ref *c)
{
        free(c->id);
        free(c->tier);
        free(c->sandbox);
        free(c->pod);
        *c = (struct rw_container_ref){.exec = -1, .strictness = -1};
}

/* runc's state of container `id` under `root`: its init's pid, 0 when none. */
static pid_t container_pid(int rootfd, const char *id)
{
        _cleanup_close_ int dirfd =
            openat(rootfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *state = NULL;
        size_t len;

        if (dirfd < 0 ||
            rw_file_read_at(dirfd, "state.json", STATE_JSON_MAX, &text, &len, NULL, NULL) < 0 ||
            rw_json_parse(text, len, &state, NULL) < 0)
                return 0;
        return (pid_t)json_integer_value(json_object_get(state, "init_process_pid"));
}

/* The container under the runtime root whose init runs in namespace `id` of type `type`. */
static int find_owner(const struct rw_facts_options *o, enum rw_ns_type type,
                      const struct rw_file_id *id, struct rw_container_ref *ret,
                      struct rw_error *err)
{
        _cleanup_close_ int rootfd = -1;
        DIR *dir;
        struct dirent *e;
        int r = 0;

        if (o->runtime_root == NULL)
                return 0;
        rootfd = open(o->runtime_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return 0;
        dir = fdopendir(dup(rootfd));
        if (dir == NULL)
                return 0;
        while ((e = readdir(dir)) != NULL) {
                struct rw_file_id theirs;
                struct rw_container_state record;
                bool found = false;
                char p[96];
                pid_t pid;

                if (e->d_name[0] == '.')
                        continue;
                pid = container_pid(rootfd, e->d_name);
                if (pid <= 0)
                        continue;
                snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, ns_proc_names[type]);
                if (!stat_id(p, &theirs) || theirs.dev != id->dev || theirs.ino != id->ino)
                        continue;
                ret->id = strdup(e->d_name);
                if (ret->id == NULL) {
                        r = rw_error_set(err, ENOMEM, "namespace owner");
                        break;
                }
                if (rw_state_load(o->state_dir, o->runtime_root, e->d_name, &record, &found,
                                  NULL) >= 0 &&
                    found) {
                        ret->tier = strdup(record.tier);
                        ret->sandbox = record.sandbox[0] != '\0' ? strdup(record.sandbox) : NULL;
                        ret->pod = record.pod[0] != '\0' ? strdup(record.pod) : NULL;
                        if (ret->tier == NULL ||
                            (record.sandbox[0] != '\0' && ret->sandbox == NULL) ||
                            (record.pod[0] != '\0' && ret->pod == NULL))
                                r = rw_error_set(err, ENOMEM, "namespace owner");
                }
                break;
        }
        closedir(dir);
        return r;
}

/* Is `path` (outside /proc) a mount point of nsfs: a namespace pinned by `ip netns` or CNI? */
static bool is_pinned_ns(const struct rw_mountinfo *mi, const char *resolved)
{
        const struct rw_mount *m = rw_mountinfo_find(mi, resolved);

        return m != NULL && strcmp(m->mountpoint, resolved) == 0 && strcmp(m->fstype, "nsfs") == 0;
}

/* "/proc/DIGITS/ns/NAME" exactly. */
static bool proc_ns_shape(const char *path)
{
        const char *p = path + strlen("/proc/");
        size_t digits = strspn(p, "0123456789");

        if (strncmp(path, "/proc/", 6) != 0 || digits == 0 || strncmp(p + digits, "/ns/", 4) != 0)
                return false;
        p += digits + 4;
        return p[0] != '\0' && strchr(p, '/') == NULL && strcmp(p, ".") != 0 &&
               strcmp(p, "..") != 0;
}

static int gather_ns_path(struct rw_host_facts *facts, const struct rw_mountinfo *mi,
                          const struct rw_facts_options *o, int type, const char *path,
                          struct rw_error *err)
{
        struct rw_path_fact *f;
        struct stat st;
        int r;

        if (rw_facts_lookup(facts, path) != NULL)
                return 0;
        if (path[0] != '/')
                return rw_facts_add_path(facts, path, EINVAL, NULL, 0, 0, 0, err);
        if (rw_path_within(path, "/proc")) {
                /* /proc/PID/ns/TYPE only, a magic link: what stat() reaches is the namespace
                 * itself. Any other way through /proc (PID/root/..., PID/cwd/...) passes through
                 * directories a job may own. */
                if (!proc_ns_shape(path) || stat(path, &st) < 0)
                        return rw_facts_add_path(facts, path, proc_ns_shape(path) ? errno : EINVAL,
                                                 NULL, 0, 0, 0, err);
                r = rw_facts_add_path(facts, path, 0, path, st.st_mode, st.st_dev, st.st_ino, err);
        } else {
                /* a pinned namespace file (ip netns, CNI): walked as runc will open it, and
                 * whether someone else could swap a directory on the way */
                struct rw_walk w = {0};

                r = rw_path_walk(path, NULL, &w, err);
                if (r < 0)
                        return r;
                st = w.st;
                r = rw_facts_add_path(facts, path, w.error, w.resolved, w.st.st_mode, w.st.st_dev,
                                      w.st.st_ino, err);
                f = rw_facts_lookup_mutable(facts, path);
                if (r >= 0 && f != NULL) {
                        f->unsafe_dir = TAKE_PTR(w.unsafe_dir);
                        f->pinned_ns = w.error == 0 && is_pinned_ns(mi, w.resolved);
                }
                rw_walk_clear(&w);
                if (r < 0 || f == NULL || f->error != 0)
                        return r;
        }
        f = rw_facts_lookup_mutable(facts, path);
        if (r < 0 || f == NULL)
                return r;
        f->uid = st.st_uid;
        f->owner.exec = -1;
        f->owner.strictness = -1;
        if (type >= 0)
                r = find_owner(o, (enum rw_ns_type)type, &f->id, &f->owner, err);
        return r;
}

/* ---- hooks ---- */

static char *read_small(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char buf[PROC_FILE_MAX];
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return NULL;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
                n--;
        buf[n] = '\0';
        return strdup(buf);
}

void rw_facts_hook_examine(const char *path, struct rw_hook_fact *ret)
{
        struct stat st;

        *ret = (struct rw_hook_fact){0};
        ret->symlink = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
        if (stat(path, &st) < 0) {
                ret->error = errno;
                return;
        }
        ret->uid = st.st_uid;
        ret->mode = st.st_mode;
}

static int gather_hook(struct rw_host_facts *facts, const char *path, struct rw_error *err)
{
        struct rw_hook_fact h, *grown;
        int pid;
        char tail;

        if (rw_facts_hook(facts, path) != NULL)
                return 0;
        rw_facts_hook_examine(path, &h);
        h.path = strdup(path);
        if (h.path == NULL)
                return rw_error_set(err, ENOMEM, "hook facts");
        if (h.error == 0)
                h.realpath = realpath(path, NULL);
        if (sscanf(path, "/proc/%d/exe%c", &pid, &tail) == 1 && pid > 0) {
                char p[64], target[PATH_MAX];
                ssize_t n;

                snprintf(p, sizeof(p), "/proc/%d/exe", pid);
                n = readlink(p, target, sizeof(target) - 1);
                if (n > 0) {
                        target[n] = '\0';
                        h.exe = strdup(target);
                }
                snprintf(p, sizeof(p), "/proc/%d/comm", pid);
                h.comm = read_small(p);
        }
        grown = reallocarray(facts->hooks, facts->n_hooks + 1, sizeof(*grown));
        if (grown == NULL) {
                free(h.path);
                free(h.realpath);
                free(h.exe);
                free(h.comm);
                return rw_error_set(err, ENOMEM, "hook facts");
        }
        facts->hooks = grown;
        facts->hooks[facts->n_hooks++] = h;
        return 0;
}

static int gather_hooks(struct rw_host_facts *facts, const json_t *hooks, struct rw_error *err)
{
        const char *phase;
        json_t *list;

        json_object_foreach((json_t *)hooks, phase, list)
        {
                size_t i;
                json_t *hook;

                json_array_foreach(list, i, hook)
                {
                        const char *path = json_string_value(json_object_get(hook, "path"));
                        int r;

                        if (path == NULL)
                                continue;
                        r = gather_hook(facts, path, err);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* ---- egress ---- */

#define RESOLV_CONF_MAX (64u * 1024u)

/* gVisor's runtime, by its binary's name (runsc, runsc-ptrace...): the operator names it. */
static bool is_runsc(const char *path)
{
        return path != NULL && strncmp(rw_path_basename(path), "runsc", 5) == 0;
}

static bool egress_wanted(const struct rw_egress_fact_options *o)
{
        return o->settings != NULL && o->settings->config.mode != RW_EGRESS_MODE_OFF;
}

/* What synthetic and real facts share: the hook's path, the delegate and its flags. */
static int egress_common(struct rw_host_facts *facts, const struct rw_egress_fact_options *o,
                         struct rw_error *err)
{
        struct rw_egress_host_facts *e = &facts->egress;

        if (o->hook != NULL && (e->hook = strdup(o->hook)) == NULL)
                return rw_error_set(err, ENOMEM, "egress facts");
        if (!egress_wanted(o))
                return 0;
        e->wanted = true;
        e->runsc_flag_override = o->runsc_flag_override;
        if ((o->delegate != NULL && (e->delegate = strdup(o->delegate)) == NULL) ||
            (o->runsc_network != NULL && (e->runsc_network = strdup(o->runsc_network)) == NULL))
                return rw_error_set(err, ENOMEM, "egress facts");
        e->delegate_runsc = is_runsc(o->delegate);
        return 0;
}

/* The host source of the spec's last bind mount on /etc/resolv.conf; NULL when none. */
static const char *resolv_conf_source(const json_t *spec)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        const char *found = NULL;
        size_t i;
        json_t *m;

        json_array_foreach(mounts, i, m)
        {
                const char *dst = json_string_value(json_object_get(m, "destination"));
                const char *src;
                _cleanup_free_ char *norm = NULL;

                /* normalizing removes components, never makes one: the name is in the text */
                if (dst == NULL || strstr(dst, "resolv.conf") == NULL || !mount_is_bind(m))
                        continue;
                src = json_string_value(json_object_get(m, "source"));
                if (src == NULL || rw_path_normalize(dst, &norm, NULL) < 0)
                        continue;
                if (strcmp(norm, "/etc/resolv.conf") == 0)
                        found = src;
        }
        return found;
}

/*
 * The nameservers the job will use: those of the file the engine binds over /etc/resolv.conf
 * (docker's per-container copy, CRI's sandbox file), as walked by gather_bind(). The image's own
 * resolv.conf is never read: the image would choose which address gets port 53.
 */
static int gather_resolvers(struct rw_host_facts *facts, const json_t *spec, struct rw_error *err)
{
        struct rw_egress_host_facts *e = &facts->egress;
        const char *src = resolv_conf_source(spec);
        const struct rw_path_fact *f = src != NULL ? rw_facts_lookup(facts, src) : NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error sub = {0};
        size_t len = 0;
        int r;

        if (src == NULL)
                return 0;
        if (f == NULL || f->error != 0 || f->realpath == NULL) {
                e->resolv_error = f != NULL && f->error != 0 ? f->error : ENOENT;
                return 0;
        }
        if ((e->resolv_conf = strdup(f->realpath)) == NULL)
                return rw_error_set(err, ENOMEM, "egress facts");
        if (!S_ISREG(f->mode)) {
                e->resolv_error = EINVAL;
                return 0;
        }
        r = rw_file_read(f->realpath, RESOLV_CONF_MAX, &text, &len, NULL, NULL, &sub);
        if (r == -ENOMEM)
                return rw_error_set(err, ENOMEM, "egress facts");
        if (r < 0 || strlen(text) != len) {
                e->resolv_error = r < 0 ? -r : EINVAL;
                return 0;
        }
        r = rw_egress_parse_resolv_conf(text, &e->resolvers, &e->n_resolvers, &sub);
        if (r == -ENOMEM)
                return rw_error_set(err, ENOMEM, "egress facts");
        if (r < 0)
                e->resolv_error = -r;
        return 0;
}

static int gather_egress(struct rw_host_facts *facts, const json_t *spec,
                         const struct rw_egress_fact_options *o, struct rw_error *err)
{
        _cleanup_free_ char *real = NULL;
        int r;

        r = egress_common(facts, o, err);
        if (r >= 0 && o->hook != NULL)
                r = gather_hook(facts, o->hook, err);
        if (r < 0 || !egress_wanted(o))
                return r;
        /* a link named runc that leads to runsc is runsc */
        real = o->delegate != NULL ? realpath(o->delegate, NULL) : NULL;
        facts->egress.delegate_runsc = facts->egress.delegate_runsc || is_runsc(real);
        r = gather_resolvers(facts, spec, err);
        if (r < 0)
                return r;
        return rw_egress_resolve(&o->settings->config, &facts->egress.hosts, err);
}

/* The hook at `path`, root's and 0755, as the one runwarden injects. */
static int synthetic_egress_hook(struct rw_host_facts *facts, const char *path,
                                 struct rw_error *err)
{
        struct rw_hook_fact h = {0}, *grown;

        free(facts->egress.hook);
        if ((facts->egress.hook = strdup(path)) == NULL)
                return rw_error_set(err, ENOMEM, "synthetic facts");
        if (rw_facts_hook(facts, path) != NULL)
                return 0;
        h.path = strdup(path);
        h.realpath = strdup(path);
        h.mode = S_IFREG | 0755;
        grown = reallocarray(facts->hooks, facts->n_hooks + 1, sizeof(*grown));
        if (h.path == NULL || h.realpath == NULL || grown == NULL) {
                free(h.path);
                free(h.realpath);
                if (grown != NULL)
                        facts->hooks = grown;
                return rw_error_set(err, ENOMEM, "synthetic facts");
        }
        facts->hooks = grown;
        facts->hooks[facts->n_hooks++] = h;
        return 0;
}

int rw_facts_synthetic_egress(const struct rw_egress_fact_options *o, struct rw_host_facts *facts,
                              struct rw_error *err)
{
        const struct rw_egress_fact_options rest = {
            .settings = o->settings,
            .delegate = o->delegate,
            .runsc_network = o->runsc_network,
            .runsc_flag_override = o->runsc_flag_override,
        };
        int r;

        r = egress_common(facts, &rest, err);
        if (r < 0 || o->hook == NULL)
                return r;
        return synthetic_egress_hook(facts, o->hook, err);
}

/* ---- rootfs ---- */

/* docker: DATA_ROOT/image/DRIVER/layerdb/mounts/ID/mount-id names the layer whose DRIVER/LAYER/
 * merged directory is this container's rootfs. */
static int docker_rootfs(struct rw_host_facts *facts, const char *id, struct rw_error *err)
{
        for (size_t k = 0; id != NULL && k < facts->engines.n[RW_ENGINE_DOCKER]; k++) {
                const char *root = facts->engines.dirs[RW_ENGINE_DOCKER][k];
                _cleanup_free_ char *images = NULL;
                DIR *dir;
                struct dirent *e;

                if (asprintf(&images, "%s/image", root) < 0)
                        return rw_error_set(err, ENOMEM, "rootfs facts");
                dir = opendir(images);
                while (dir != NULL && (e = readdir(dir)) != NULL) {
                        _cleanup_free_ char *file = NULL;
                        _cleanup_free_ char *layer = NULL;

                        if (e->d_name[0] == '.')
                                continue;
                        if (asprintf(&file, "%s/%s/layerdb/mounts/%s/mount-id", images, e->d_name,
                                     id) < 0)
                                break;
                        layer = read_small(file);
                        if (layer == NULL || layer[0] == '\0' || strchr(layer, '/') != NULL)
                                continue;
                        if (asprintf(&facts->rootfs_expected, "%s/%s/%s/merged", root, e->d_name,
                                     layer) < 0)
                                facts->rootfs_expected = NULL;
                        break;
                }
                if (dir != NULL)
                        closedir(dir);
                if (facts->rootfs_expected != NULL)
                        break;
        }
        return 0;
}

/* podman (containers/storage): GRAPHROOT/DRIVER-containers/containers.json names the layer
 * whose mount is this container's rootfs: GRAPHROOT/overlay/LAYER/merged, GRAPHROOT/vfs/dir/
 * LAYER. */
static int podman_rootfs(struct rw_host_facts *facts, const char *id, struct rw_error *err)
{
        static const struct {
                const char *driver, *below, *above; /* ROOT/below/LAYER/above */
        } drivers[] = {{"overlay", "overlay", "/merged"}, {"vfs", "vfs/dir", ""}};

        for (size_t k = 0; id != NULL && k < facts->engines.n[RW_ENGINE_PODMAN]; k++) {
                const char *root = facts->engines.dirs[RW_ENGINE_PODMAN][k];

                for (size_t d = 0; d < RW_ELEMENTSOF(drivers); d++) {
                        _cleanup_free_ char *file = NULL;
                        _cleanup_json_ json_t *list = NULL;
                        struct rw_error ignored = {0};
                        size_t i;
                        json_t *c;

                        if (asprintf(&file, "%s/%s-containers/containers.json", root,
                                     drivers[d].driver) < 0)
                                return rw_error_set(err, ENOMEM, "rootfs facts");
                        if (rw_file_read_json(file, 64 * 1024 * 1024, &list, &ignored) < 0)
                                continue;
                        json_array_foreach(list, i, c)
                        {
                                const char *cid = json_string_value(json_object_get(c, "id"));
                                const char *layer = json_string_value(json_object_get(c, "layer"));

                                if (cid == NULL || strcmp(cid, id) != 0 || layer == NULL ||
                                    layer[0] == '\0' || strchr(layer, '/') != NULL ||
                                    strcmp(layer, "..") == 0)
                                        continue;
                                if (asprintf(&facts->rootfs_expected, "%s/%s/%s%s", root,
                                             drivers[d].below, layer, drivers[d].above) < 0)
                                        return rw_error_set(err, ENOMEM, "rootfs facts");
                                return 0;
                        }
                }
        }
        return 0;
}

/* A spec mount at /etc/passwd or above it (not "/"): runc reads that file, not the image's. */
static bool passwd_mounted(const json_t *spec)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        size_t i;
        json_t *m;

        json_array_foreach(mounts, i, m)
        {
                const char *dest = json_string_value(json_object_get(m, "destination"));
                _cleanup_free_ char *norm = NULL;

                if (dest != NULL && rw_path_normalize(dest, &norm, NULL) >= 0 &&
                    strcmp(norm, "/") != 0 && rw_path_within("/etc/passwd", norm))
                        return true;
        }
        return false;
}

static int add_missing(struct rw_host_facts *facts, const char *scratch,
                       const struct rw_rootfs_dir *dir, struct rw_error *err)
{
        struct rw_rootfs_missing *grown =
            reallocarray(facts->rootfs_missing, facts->n_rootfs_missing + 1, sizeof(*grown));

        if (grown == NULL)
                return rw_error_set(err, ENOMEM, "rootfs facts");
        facts->rootfs_missing = grown;
        grown[facts->n_rootfs_missing] = (struct rw_rootfs_missing){
            .scratch = strdup(scratch),
            .exists = dir->exists,
            .parent_known = dir->parent_known,
            .parent_uid = dir->parent_uid,
            .parent_gid = dir->parent_gid,
            .parent_mode = dir->parent_mode,
        };
        if (grown[facts->n_rootfs_missing].scratch == NULL)
                return rw_error_set(err, ENOMEM, "rootfs facts");
        facts->n_rootfs_missing++;
        return 0;
}

/* What a copy of HOME into its scratch tmpfs would take (runc's tmpcopyup). */
static int gather_home(struct rw_host_facts *facts, int rootfd, const char *home,
                       struct rw_error *err)
{
        _cleanup_close_ int fd = rw_rootfs_open(rootfd, home, O_RDONLY | O_DIRECTORY);
        struct rw_dir_copy copy;
        int r;

        if (fd < 0)
                return 0;
        r = rw_dir_measure_copy(fd, &copy, err);
        if (r < 0)
                return r;
        facts->home_has_content = copy.has_content;
        facts->home_copyable = copy.copyable;
        facts->home_bytes = copy.bytes;
        facts->home_not_copyable = TAKE_PTR(copy.not_copyable);
        _Static_assert(RW_DIR_COPY_MAX_IDS == RW_ELEMENTSOF(facts->home_uids), "home ids");
        memcpy(facts->home_uids, copy.uids, sizeof(facts->home_uids));
        memcpy(facts->home_gids, copy.gids, sizeof(facts->home_gids));
        facts->n_home_uids = copy.n_uids;
        facts->n_home_gids = copy.n_gids;
        facts->home_ids_overflow = copy.ids_overflow;
        return 0;
}

/*
 * The image as runc will see it: the job's HOME (from /etc/passwd when process.env sets none),
 * which scratch directories it lacks (runc must create their mount points, which it cannot do in
 * a user namespace that does not own the image), and what is in HOME.
 */
static int gather_rootfs_dirs(struct rw_host_facts *facts, const json_t *spec,
                              const struct rw_facts_options *o, struct rw_error *err)
{
        _cleanup_close_ int rootfd = -1;
        const char *home, *env_home;
        int64_t uid;
        int r;

        if (facts->rootfs == NULL)
                return 0;
        rootfd = open(facts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return 0;
        env_home =
            rw_spec_env_get(json_object_get(json_object_get(spec, "process"), "env"), "HOME");
        uid = rw_spec_user_id(spec, "uid");
        if ((env_home == NULL || env_home[0] == '\0') && uid >= 0 && !passwd_mounted(spec)) {
                r = rw_rootfs_passwd_home(rootfd, uid, &facts->passwd_known, &facts->passwd_home,
                                          err);
                if (r < 0)
                        return r;
        }
        home = rw_spec_job_home(spec, facts->passwd_known, facts->passwd_home);
        for (const char *const *s = o->scratch; s != NULL && *s != NULL; s++) {
                bool is_home = strcmp(*s, "$HOME") == 0;
                const char *dir = is_home ? home : *s;
                struct rw_rootfs_dir probe;

                if (dir == NULL || dir[0] != '/')
                        continue;
                /* a HOME of "/" (runc's, where the image has no passwd entry) gets no scratch
                 * tmpfs (rules_rootfs.c): not worth a walk of the whole image */
                if (is_home) {
                        _cleanup_free_ char *norm = NULL;

                        r = rw_path_normalize(dir, &norm, err);
                        if (r < 0)
                                return r;
                        if (strcmp(norm, "/") == 0)
                                continue;
                }
                r = rw_rootfs_probe_dir(rootfd, dir, &probe, err);
                if (r < 0)
                        return r;
                if (!probe.is_dir)
                        r = add_missing(facts, *s, &probe, err);
                else if (is_home)
                        r = gather_home(facts, rootfd, dir, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int gather_rootfs(struct rw_host_facts *facts, const json_t *spec,
                         const struct rw_facts_options *o, struct rw_error *err)
{
        const char *path =
            json_string_value(json_object_get(json_object_get(spec, "root"), "path"));
        _cleanup_free_ char *joined = NULL;
        int r;

        r = docker_rootfs(facts, o->container_id, err);
        if (r >= 0 && facts->rootfs_expected == NULL)
                r = podman_rootfs(facts, o->container_id, err);
        if (r < 0 || path == NULL)
                return r;
        if (path[0] != '/') {
                if (facts->bundle == NULL)
                        return 0;
                if (asprintf(&joined, "%s/%s", facts->bundle, path) < 0)
                        return rw_error_set(err, ENOMEM, "rootfs facts");
                path = joined;
        }
        facts->rootfs = rw_file_realpath(path);
        if (facts->rootfs == NULL) {
                facts->rootfs_error = errno;
                return errno == ENOMEM ? rw_error_set(err, ENOMEM, "rootfs facts") : 0;
        }
        return gather_rootfs_dirs(facts, spec, o, err);
}

/* ---- cgroup ---- */

/* "slice:prefix:name" (systemd) -> the cgroup directory systemd makes of it. */
static char *systemd_cgroup_dir(const char *path)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_free_ char *dir = NULL;
        char *slice, *prefix, *name, *dash;

        if (copy == NULL)
                return NULL;
        slice = copy;
        prefix = strchr(slice, ':');
        if (prefix == NULL)
                return NULL;
        *prefix++ = '\0';
        name = strchr(prefix, ':');
        if (name == NULL)
                return NULL;
        *name++ = '\0';
        /* a-b-c.slice lives at a.slice/a-b.slice/a-b-c.slice */
        dir = strdup("");
        if (dir == NULL)
                return NULL;
        if (strcmp(slice, "-.slice") != 0 && slice[0] != '\0') {
                for (dash = strchr(slice, '-'); dash != NULL; dash = strchr(dash + 1, '-')) {
                        char *next = NULL;

                        if (asprintf(&next, "%s/%.*s.slice", dir, (int)(dash - slice), slice) < 0)
                                return NULL;
                        free(dir);
                        dir = next;
                }
                {
                        char *next = NULL;

                        if (asprintf(&next, "%s/%s", dir, slice) < 0)
                                return NULL;
                        free(dir);
                        dir = next;
                }
        }
        {
                char *out = NULL;

                if (asprintf(&out, "%s/%s-%s.scope", dir, prefix, name) < 0)
                        return NULL;
                return out;
        }
}

static bool cgroup_has_procs(const char *dir)
{
        static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
                                            "/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory"};

        for (size_t i = 0; i < RW_ELEMENTSOF(roots); i++) {
                _cleanup_free_ char *p = NULL;
                _cleanup_free_ char *procs = NULL;

                if (asprintf(&p, "%s%s%s/cgroup.procs", roots[i], dir[0] == '/' ? "" : "/", dir) <
                    0)
                        return false;
                procs = read_small(p);
                if (procs != NULL && procs[0] != '\0')
                        return true;
        }
        return false;
}

static int gather_cgroup(struct rw_host_facts *facts, const json_t *spec, struct rw_error *err)
{
        const char *path =
            json_string_value(json_object_get(json_object_get(spec, "linux"), "cgroupsPath"));
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ char *normal = NULL;

        if (path == NULL || path[0] == '\0')
                return 0;
        if (path[0] != '/' && strchr(path, ':') != NULL) {
                dir = systemd_cgroup_dir(path);
                if (dir == NULL)
                        return 0;
                path = dir;
        }
        if (rw_path_normalize(path, &normal, err) < 0)
                return rw_error_set(err, ENOMEM, "cgroup facts");
        facts->cgroup_in_use = cgroup_has_procs(normal);
        if (strcmp(normal, "/") != 0) {
                char *slash = strrchr(normal, '/');

                if (slash != NULL && slash != normal) {
                        *slash = '\0';
                        facts->cgroup_parent_in_use = cgroup_has_procs(normal);
                }
        }
        return 0;
}

/* ---- all of it ---- */

static int gather_engine_sockets(struct rw_host_facts *facts, struct rw_error *err)
{
        for (const char *const *s = rw_engine_socket_paths; *s != NULL; s++) {
                char *copies[2] = {strdup(*s), rw_file_realpath(*s)};
                char **p = reallocarray(facts->engine_sockets, facts->n_engine_sockets + 2,
                                        sizeof(char *));

                if (copies[0] == NULL || p == NULL) {
                        free(copies[0]);
                        free(copies[1]);
                        if (p != NULL)
                                facts->engine_sockets = p;
                        return rw_error_set(err, ENOMEM, "recording engine sockets");
                }
                facts->engine_sockets = p;
                for (int k = 0; k < 2; k++)
                        if (copies[k] != NULL)
                                facts->engine_sockets[facts->n_engine_sockets++] = copies[k];
        }
        return 0;
}

int rw_facts_gather(const json_t *spec, const struct rw_facts_options *o, struct rw_host_facts *ret,
                    struct rw_error *err)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        const json_t *namespaces = json_object_get(json_object_get(spec, "linux"), "namespaces");
        struct rw_mountinfo mi = {0};
        size_t i;
        json_t *v;
        int r;

        memset(ret, 0, sizeof(*ret));
        /* The host's namespaces matter only to a spec that joins a namespace by path (16 stat()s
         * otherwise spent on every create). */
        json_array_foreach(namespaces, i, v)
        {
                const char *path = json_string_value(json_object_get(v, "path"));

                if (path != NULL && path[0] != '\0') {
                        gather_host_ns(ret);
                        break;
                }
        }
        if (o->pin_dir != NULL && (ret->pin_dir = strdup(o->pin_dir)) == NULL)
                return rw_error_set(err, ENOMEM, "facts");
        if (o->container_id != NULL && (ret->container_id = strdup(o->container_id)) == NULL)
                return rw_error_set(err, ENOMEM, "facts");
        if (o->container_id != NULL && o->runtime_root != NULL)
                ret->container_exists = runc_has_container(o->runtime_root, o->container_id);
        if (o->bundle != NULL) {
                ret->bundle = rw_file_realpath(o->bundle);
                if (ret->bundle == NULL && errno == ENOMEM)
                        return rw_error_set(err, ENOMEM, "resolving the bundle");
        }
        {
                _cleanup_free_ char *meminfo = read_small("/proc/meminfo");
                unsigned long long kib;

                if (meminfo != NULL && sscanf(meminfo, "MemTotal: %llu kB", &kib) == 1)
                        ret->host_memory = (uint64_t)kib * 1024;
        }
        r = gather_engine_sockets(ret, err);
        if (r >= 0)
                r = rw_engine_dirs_discover(o->engines, &ret->engines, err);
        if (r >= 0)
                r = rw_facts_resolve_prefixes(ret, o->bind_prefixes, err);
        if (r >= 0)
                r = rw_mountinfo_read(&mi, err);
        json_array_foreach(mounts, i, v)
        {
                const char *src = json_string_value(json_object_get(v, "source"));
                bool bind = src != NULL && mount_is_bind(v);

                if (r < 0)
                        break;
                if (bind)
                        r = gather_bind(ret, &mi, src, err);
                if (r >= 0 && bind) {
                        const struct rw_path_fact *f = rw_facts_lookup(ret, src);

                        if (f != NULL && f->error == 0 && S_ISDIR(f->mode))
                                r = gather_volume(ret, o, f->realpath, err);
                }
        }
        json_array_foreach(namespaces, i, v)
        {
                const char *path = json_string_value(json_object_get(v, "path"));
                const char *type = json_string_value(json_object_get(v, "type"));

                if (r < 0)
                        break;
                if (path != NULL && path[0] != '\0')
                        r = gather_ns_path(
                            ret, &mi, o, type != NULL ? rw_ns_type_from_name(type) : -1, path, err);
        }
        if (r >= 0)
                r = gather_hooks(ret, json_object_get(spec, "hooks"), err);
        if (r >= 0)
                r = gather_egress(ret, spec, &o->egress, err);
        if (r >= 0)
                r = gather_rootfs(ret, spec, o, err);
        if (r >= 0)
                r = gather_cgroup(ret, spec, err);
        rw_mountinfo_clear(&mi);
        return r;
}

int rw_facts_resolve_prefixes(struct rw_host_facts *facts, const char *const *prefixes,
                              struct rw_error *err)
{
        for (const char *const *p = prefixes; p != NULL && *p != NULL; p++) {
                _cleanup_free_ char *resolved = rw_file_realpath(*p);
                char **grown;

                if (resolved == NULL) {
                        if (errno == ENOMEM)
                                return rw_error_set(err, ENOMEM, "resolving %s", *p);
                        continue;
                }
                grown = reallocarray(facts->resolved_prefixes, facts->n_resolved_prefixes + 1,
                                     sizeof(char *));
                if (grown == NULL)
                        return rw_error_set(err, ENOMEM, "resolving %s", *p);
                facts->resolved_prefixes = grown;
                facts->resolved_prefixes[facts->n_resolved_prefixes++] = TAKE_PTR(resolved);
        }
        return 0;
}

int rw_facts_synthetic(const json_t *spec, struct rw_host_facts *ret, struct rw_error *err)
{
        const json_t *mounts = json_object_get(spec, "mounts");
        const json_t *hooks = json_object_get(spec, "hooks");
        const char *root =
            json_string_value(json_object_get(json_object_get(spec, "root"), "path"));
        const char *phase;
        json_t *list;
        size_t i;
        json_t *m;
        int r;

        memset(ret, 0, sizeof(*ret));
        for (int t = 0; t < RW_NS_COUNT; t++)
                ret->host_ns[t] = (struct rw_file_id){true, 1, (ino_t)(4026531830u + t)};
        ret->bundle = strdup(RW_FACTS_SYNTHETIC_BUNDLE);
        if (ret->bundle == NULL)
                return rw_error_set(err, ENOMEM, "synthetic facts");
        /* runwarden is installed: its egress hook is where the build put it, root's */
        r = synthetic_egress_hook(ret, RW_EGRESS_HOOK, err);
        if (r < 0)
                return r;
        if (root != NULL) {
                _cleanup_free_ char *joined = NULL;

                if (root[0] != '/' && asprintf(&joined, "%s/%s", ret->bundle, root) < 0)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                r = rw_path_normalize(joined != NULL ? joined : root, &ret->rootfs, err);
                if (r < 0)
                        return r;
                /* an engine's own layer mount stands for this container's rootfs */
                ret->rootfs_expected = strdup(ret->rootfs);
                if (ret->rootfs_expected == NULL)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
        }
        for (const char *const *s = rw_engine_socket_paths; *s != NULL; s++) {
                char **grown =
                    reallocarray(ret->engine_sockets, ret->n_engine_sockets + 1, sizeof(char *));

                if (grown == NULL)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                ret->engine_sockets = grown;
                grown[ret->n_engine_sockets] = strdup(*s);
                if (grown[ret->n_engine_sockets] == NULL)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                ret->n_engine_sockets++;
        }
        r = rw_engine_dirs_discover(NULL, &ret->engines, err);
        if (r < 0)
                return r;
        json_array_foreach(mounts, i, m)
        {
                const char *src = json_string_value(json_object_get(m, "source"));
                _cleanup_free_ char *norm = NULL;
                _cleanup_free_ char *joined = NULL;
                mode_t mode = S_IFREG | 0644;

                if (src == NULL || !mount_is_bind(m))
                        continue;
                /* A relative source is the bundle's, as runc reads it. */
                if (src[0] != '/' && asprintf(&joined, "%s/%s", ret->bundle, src) < 0)
                        return rw_error_set(err, ENOMEM, "synthetic facts");
                r = rw_path_normalize(joined != NULL ? joined : src, &norm, err);
                if (r < 0)
                        return r;
                for (const char *const *n = rw_engine_socket_names; *n != NULL; n++)
                        if (strcmp(rw_path_basename(norm), *n) == 0)
                                mode = S_IFSOCK | 0660;
                if (strcmp(norm, "/") == 0 || strcmp(rw_path_basename(norm), "_data") == 0)
                        mode = S_IFDIR | 0755;
                r = rw_facts_add_path(ret, src, 0, norm, mode, 1, (ino_t)(1000 + i), err);
                if (r < 0)
                        return r;
        }
        /* Namespace paths: pid 1's are the host's, any other is another pod's. */
        json_array_foreach(json_object_get(json_object_get(spec, "linux"), "namespaces"), i, m)
        {
                const char *path = json_string_value(json_object_get(m, "path"));
                int type = rw_ns_type_from_name(json_string_value(json_object_get(m, "type")));
                char host[64];
                struct rw_file_id id = {true, 2, (ino_t)(5000 + i)};
                struct rw_path_fact *f;
                bool is_host = false;

                if (path == NULL || path[0] == '\0')
                        continue;
                if (type >= 0) {
                        snprintf(host, sizeof(host), "/proc/1/ns/%s", ns_proc_names[type]);
                        if (strcmp(path, host) == 0) {
                                id = ret->host_ns[type];
                                is_host = true;
                        }
                }
                r = rw_facts_add_path(ret, path, 0, path, S_IFREG | 0444, id.dev, id.ino, err);
                if (r < 0)
                        return r;
                f = rw_facts_lookup_mutable(ret, path);
                if (f != NULL && !is_host) {
                        /* the pod's sandbox: the container the spec's annotation names */
                        const char *sandbox = json_string_value(json_object_get(
                            json_object_get(spec, "annotations"), "io.kubernetes.cri.sandbox-id"));

                        f->owner.exec = -1;
                        f->owner.strictness = -1;
                        f->pinned_ns = !rw_path_within(path, "/proc");
                        if (sandbox != NULL && !f->pinned_ns) {
                                f->owner.id = strdup(sandbox);
                                f->owner.sandbox = strdup(sandbox);
                                if (f->owner.id == NULL || f->owner.sandbox == NULL)
                                        return rw_error_set(err, ENOMEM, "synthetic facts");
                        }
                }
        }
        json_object_foreach((json_t *)hooks, phase, list)
        {
                json_t *hook;

                json_array_foreach(list, i, hook)
                {
                        const char *path = json_string_value(json_object_get(hook, "path"));
                        struct rw_hook_fact h = {0}, *grown;
                        int pid;
                        char tail;

                        if (path == NULL || rw_facts_hook(ret, path) != NULL)
                                continue;
                        h.path = strdup(path);
                        h.realpath = strdup(path);
                        h.mode = S_IFREG | 0755;
                        /* /proc/PID/exe is dockerd's own network hook on a typical host */
                        if (sscanf(path, "/proc/%d/exe%c", &pid, &tail) == 1) {
                                h.exe = strdup("/usr/sbin/dockerd");
                                h.comm = strdup("dockerd");
                        }
                        grown = reallocarray(ret->hooks, ret->n_hooks + 1, sizeof(*grown));
                        if (h.path == NULL || h.realpath == NULL || grown == NULL) {
                                free(h.path);
                                free(h.realpath);
                                if (grown != NULL)
                                        ret->hooks = grown;
                                return rw_error_set(err, ENOMEM, "synthetic facts");
                        }
                        ret->hooks = grown;
                        ret->hooks[ret->n_hooks++] = h;
                }
        }
        return 0;
}

void rw_facts_clear(struct rw_host_facts *facts)
{
        for (size_t i = 0; i < facts->n_paths; i++) {
                struct rw_path_fact *f = &facts->paths[i];

                free(f->path);
                free(f->realpath);
                free(f->unsafe_dir);
                free(f->mount_desc);
                free(f->exposes);
                free(f->submount);
                free(f->fs_type);
                free(f->fs_mountpoint);
                rw_container_ref_clear(&f->owner);
        }
        for (size_t i = 0; i < facts->n_hooks; i++) {
                free(facts->hooks[i].path);
                free(facts->hooks[i].realpath);
                free(facts->hooks[i].exe);
                free(facts->hooks[i].comm);
        }
        for (size_t i = 0; i < facts->n_engine_sockets; i++)
                free(facts->engine_sockets[i]);
        for (size_t i = 0; i < facts->n_resolved_prefixes; i++)
                free(facts->resolved_prefixes[i]);
        for (size_t i = 0; i < facts->n_rootfs_missing; i++)
                free(facts->rootfs_missing[i].scratch);
        for (size_t i = 0; i < facts->n_volume_users; i++) {
                free(facts->volume_users[i].volume);
                rw_container_ref_clear(&facts->volume_users[i].user);
        }
        free(facts->volume_users);
        free(facts->rootfs_missing);
        free(facts->passwd_home);
        free(facts->home_not_copyable);
        free(facts->paths);
        free(facts->hooks);
        free(facts->engine_sockets);
        free(facts->resolved_prefixes);
        free(facts->bundle);
        free(facts->rootfs);
        free(facts->rootfs_expected);
        free(facts->container_id);
        free(facts->egress.hook);
        free(facts->egress.delegate);
        free(facts->egress.runsc_network);
        free(facts->egress.resolv_conf);
        free(facts->egress.resolvers);
        rw_egress_resolved_free(&facts->egress.hosts);
        free(facts->pin_dir);
        rw_engine_dirs_clear(&facts->engines);
        memset(facts, 0, sizeof(*facts));
}
