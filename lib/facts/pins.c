/* SPDX-License-Identifier: Apache-2.0 */
#include "pins.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"
#include "store.h"

/* Longest container id pinned under its own name (a directory name has at most 255 bytes). */
#define PIN_ID_MAX 200

static const char *pin_dir_or_default(const char *pin_dir)
{
        return pin_dir != NULL ? pin_dir : RW_PIN_DIR;
}

static int check_id(const char *id, struct rw_error *err)
{
        if (!rw_container_id_valid(id, PIN_ID_MAX))
                return rw_error_set(err, EINVAL, "container id '%.64s' cannot name a pin directory",
                                    id != NULL ? id : "(null)");
        return 0;
}

static void namespace_name(const char *root, char buf[RW_STORE_NAME_MAX])
{
        if (root == NULL)
                snprintf(buf, RW_STORE_NAME_MAX, "default");
        else
                rw_store_key_name(root, strlen(root), "", buf);
}

int rw_pins_dir(const char *pin_dir, const char *root, const char *id, char **ret,
                struct rw_error *err)
{
        char ns[RW_STORE_NAME_MAX];
        int r;

        r = check_id(id, err);
        if (r < 0)
                return r;
        namespace_name(root, ns);
        if (asprintf(ret, "%s/%s/%s", pin_dir_or_default(pin_dir), ns, id) < 0) {
                *ret = NULL;
                return rw_error_set(err, ENOMEM, "pin directory");
        }
        return 0;
}

/* The store of `root`'s pins, and in it the one of `id`: root-owned, reached without symlinks. */
static int open_stores(const char *pin_dir, const char *root, const char *id, bool create,
                       struct rw_store *ret_ns, struct rw_store *ret_id, struct rw_error *err)
{
        _cleanup_store_ struct rw_store top = RW_STORE_INIT;
        char ns[RW_STORE_NAME_MAX];
        int r;

        r = check_id(id, err);
        if (r < 0)
                return r;
        namespace_name(root, ns);
        r = rw_store_open(pin_dir_or_default(pin_dir), create, &top, err);
        if (r >= 0)
                r = rw_store_open_child(&top, ns, create, ret_ns, err);
        if (r >= 0)
                r = rw_store_open_child(ret_ns, id, create, ret_id, err);
        return r;
}

/* Every component a real directory, the last one too: a symlink swapped in fails (ELOOP). */
static int open_no_symlinks(const char *path)
{
        struct open_how how = {
            .flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
            .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };

        return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

static int pin_one(const struct rw_store *store, const struct rw_change *c, struct rw_error *err)
{
        const char *target = json_string_value(c->after);
        const struct rw_pin *pin = c->pin;
        const char *name;
        char from[64];
        _cleanup_close_ int fd = -1;
        struct stat st;

        name = target != NULL ? strrchr(target, '/') : NULL;
        if (name == NULL || strncmp(target, store->path, (size_t)(name - target)) != 0 ||
            strlen(store->path) != (size_t)(name - target))
                return rw_error_set(err, EINVAL, "pin %s is not in %s", target ? target : "?",
                                    store->path);
        name++;
        fd = open_no_symlinks(pin->source);
        if (fd < 0)
                return rw_error_set_errno(err, errno,
                                          "bind source %s cannot be opened without following a "
                                          "symlink (it changed since it was judged?)",
                                          pin->source);
        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "bind source %s", pin->source);
        if ((uint64_t)st.st_dev != pin->dev || (uint64_t)st.st_ino != pin->ino ||
            S_ISDIR(st.st_mode) != pin->directory)
                return rw_error_set(err, ESTALE,
                                    "bind source %s is no longer what was judged: it was replaced "
                                    "between the check and the pin",
                                    pin->source);
        if (pin->directory) {
                if (mkdirat(store->dirfd, name, 0700) < 0)
                        return rw_error_set_errno(err, errno, "pin %s", target);
        } else {
                _cleanup_close_ int f = openat(
                    store->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

                if (f < 0)
                        return rw_error_set_errno(err, errno, "pin %s", target);
        }
        snprintf(from, sizeof(from), "/proc/self/fd/%d", fd);
        if (mount(from, target, NULL, MS_BIND, NULL) < 0)
                return rw_error_set_errno(err, errno, "cannot pin %s at %s", pin->source, target);
        /* its own peer group: nothing mounted later at the source shows through the pin */
        if (mount(NULL, target, NULL, MS_PRIVATE, NULL) < 0)
                return rw_error_set_errno(err, errno, "pin %s", target);
        return 0;
}

int rw_pins_apply(const char *pin_dir, const char *root, const char *id, const struct rw_plan *plan,
                  struct rw_error *err)
{
        _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
        _cleanup_store_ struct rw_store own = RW_STORE_INIT;
        bool any = false;
        int r;

        for (size_t i = 0; i < plan->n_changes; i++)
                any = any || plan->changes[i].pin != NULL;
        if (!any)
                return 0;
        /* what an earlier create of the same id left (runc failed and nobody deleted it) */
        r = rw_pins_release(pin_dir, root, id, err);
        if (r < 0)
                return r;
        r = open_stores(pin_dir, root, id, true, &ns, &own, err);
        if (r < 0)
                return rw_error_prefix(err, "pins");
        for (size_t i = 0; i < plan->n_changes; i++) {
                if (plan->changes[i].pin == NULL)
                        continue;
                r = pin_one(&own, &plan->changes[i], err);
                if (r < 0) {
                        struct rw_error ignored = {0};

                        rw_pins_release(pin_dir, root, id, &ignored);
                        return r;
                }
        }
        return 0;
}

int rw_pins_release(const char *pin_dir, const char *root, const char *id, struct rw_error *err)
{
        _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
        _cleanup_store_ struct rw_store own = RW_STORE_INIT;
        struct rw_error sub = {0};
        DIR *dir;
        struct dirent *e;
        int r, fd;

        r = open_stores(pin_dir, root, id, false, &ns, &own, &sub);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *err = sub;
                return rw_error_prefix(err, "pins");
        }
        fd = dup(own.dirfd);
        dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (dir == NULL) {
                r = rw_error_set_errno(err, errno, "pins %s", own.path);
                rw_closep(&fd);
                return r;
        }
        r = 0;
        while ((e = readdir(dir)) != NULL) {
                _cleanup_free_ char *path = NULL;

                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (asprintf(&path, "%s/%s", own.path, e->d_name) < 0) {
                        path = NULL;
                        r = rw_error_set(err, ENOMEM, "pins");
                        break;
                }
                /* not mounted (a pin half made): EINVAL, nothing to undo */
                if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL) {
                        r = rw_error_set_errno(err, errno, "cannot unmount pin %s", path);
                        continue;
                }
                if (unlinkat(own.dirfd, e->d_name, e->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0 &&
                    errno != ENOENT)
                        r = rw_error_set_errno(err, errno, "cannot remove pin %s", path);
        }
        closedir(dir);
        if (r < 0)
                return r;
        if (unlinkat(ns.dirfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot remove %s", own.path);
        return 0;
}
