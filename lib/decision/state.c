/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One file per container: STATE_DIR/<namespace>/<id>.json, where the namespace is "default" for
 * the delegate's default --root and the FNV-1a hash of the --root string otherwise. The hash only
 * keeps the file names short and free of "/"; the file holds the root itself, and a file whose
 * root differs (a collision) is taken as "nothing recorded".
 *
 * The state decides the tier of every later call, so a planted file could weaken it: every
 * directory is opened component by component without following symlinks, the two directories
 * runwarden owns must belong to it and be writable by nobody else, and files are replaced
 * atomically.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

#define STATE_FILE_MAX  (64u * 1024u)
#define ID_MAX          1024
#define STATE_SUFFIX    ".json"
#define NAMESPACE_CHARS 17 /* 16 hex digits, or "default", and the NUL */

/* runc's rule: [A-Za-z0-9_+.-]+, and not "." or ".." (it names a directory of its own). */
static bool valid_id(const char *id)
{
        size_t len = strlen(id);

        if (len == 0 || len > ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return false;
        for (const char *c = id; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' || *c == '.'))
                        return false;
        return true;
}

static int file_name(const char *id, char *buf, size_t size, struct rw_error *err)
{
        int n;

        if (id == NULL || !valid_id(id))
                return rw_error_set(err, EINVAL, "invalid container id '%s'",
                                    id != NULL ? id : "(null)");
        n = snprintf(buf, size, "%s" STATE_SUFFIX, id);
        if (n < 0 || (size_t)n >= size)
                return rw_error_set(err, ENAMETOOLONG, "container id %.64s... is too long", id);
        return 0;
}

static void namespace_name(const char *root, char buf[NAMESPACE_CHARS])
{
        uint64_t hash = 0xcbf29ce484222325u;

        if (root == NULL) {
                snprintf(buf, NAMESPACE_CHARS, "default");
                return;
        }
        for (const unsigned char *c = (const unsigned char *)root; *c != '\0'; c++) {
                hash ^= *c;
                hash *= 0x100000001b3u;
        }
        snprintf(buf, NAMESPACE_CHARS, "%016llx", (unsigned long long)hash);
}

/* A directory of runwarden's own: someone else's (or a writable one) could hold a planted file. */
static int check_owned(int fd, const char *what, struct rw_error *err)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", what);
        if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
                return rw_error_set(err, EPERM,
                                    "%s belongs to uid %u with mode %04o; expected uid %u, not "
                                    "writable by group or others",
                                    what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                                    (unsigned)geteuid());
        return 0;
}

/* Open (with `create`, make 0700 first) the directory `name` inside `dirfd`, never a symlink. */
static int open_child(int dirfd, const char *name, bool create, const char *path, int *ret_fd,
                      struct rw_error *err)
{
        int fd;

        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
                if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
                        return rw_error_set_errno(err, errno, "cannot create %s", path);
                fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
                struct stat st;

                /* O_DIRECTORY|O_NOFOLLOW report a symlink as ENOTDIR, a plain file the same. */
                if (errno == ELOOP ||
                    (errno == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISLNK(st.st_mode)))
                        return rw_error_set(err, ELOOP, "%s is a symbolic link, not following it",
                                            path);
                return rw_error_set_errno(err, errno, "cannot open directory %s", path);
        }
        *ret_fd = fd;
        return 0;
}

/* Walk `path` from "/" (or the working directory) one component at a time. */
static int open_path(const char *path, bool create, int *ret_fd, struct rw_error *err)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -1;
        char *save = NULL;

        if (copy == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        fd = open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open the start of %s", path);
        for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
                int child, r;

                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0)
                        return rw_error_set(err, EINVAL, "state directory %s contains \"..\"",
                                            path);
                r = open_child(fd, c, create, path, &child, err);
                if (r < 0)
                        return r;
                close(fd);
                fd = child;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The directory holding the files of `root`; -ENOENT (err not set) when absent and !create. */
static int open_namespace(const char *state_dir, const char *root, bool create, int *ret_fd,
                          struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1, fd = -1;
        char name[NAMESPACE_CHARS];
        struct rw_error sub = {0};
        int r;

        if (state_dir == NULL)
                state_dir = RW_STATE_DIR;
        r = open_path(state_dir, create, &dirfd, &sub);
        if (r == -ENOENT && !create)
                return r;
        if (r < 0) {
                *err = sub;
                return r;
        }
        r = check_owned(dirfd, state_dir, err);
        if (r < 0)
                return r;
        namespace_name(root, name);
        r = open_child(dirfd, name, create, name, &fd, &sub);
        if (r == -ENOENT && !create)
                return r;
        if (r < 0) {
                *err = sub;
                return rw_error_prefix(err, "state directory %s", state_dir);
        }
        r = check_owned(fd, name, err);
        if (r < 0)
                return rw_error_prefix(err, "state directory %s", state_dir);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int rw_state_save(const char *state_dir, const char *root, const char *id,
                  const struct rw_container_state *st, struct rw_error *err)
{
        /* A root-owned 0600 file (the owner is only applied when running as root). */
        const struct stat like = {.st_mode = S_IFREG | 0600, .st_uid = 0, .st_gid = 0};
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int dirfd = -1;
        char name[NAME_MAX + 1];
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        /* What load would refuse is not written. */
        if (st->tier[0] == '\0' || memchr(st->tier, '\0', sizeof(st->tier)) == NULL)
                return rw_error_set(err, EINVAL, "invalid tier name for container %s", id);
        if (st->uid < -1 || st->uid > UINT32_MAX || st->gid < -1 || st->gid > UINT32_MAX)
                return rw_error_set(err, EINVAL, "invalid user %lld:%lld for container %s",
                                    (long long)st->uid, (long long)st->gid, id);
        doc = json_object();
        if (doc == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* json_string() refuses text that is not UTF-8 (a strange --root): nothing is recorded. */
        if (json_object_set_new(doc, "root", root != NULL ? json_string(root) : json_null()) < 0 ||
            json_object_set_new(doc, "id", json_string(id)) < 0 ||
            json_object_set_new(doc, "tier", json_string(st->tier)) < 0 ||
            json_object_set_new(doc, "uid", json_integer(st->uid)) < 0 ||
            json_object_set_new(doc, "gid", json_integer(st->gid)) < 0)
                return rw_error_set(err, EINVAL,
                                    "cannot record container %s: root or tier is not UTF-8", id);
        text = json_dumps(doc, JSON_COMPACT);
        if (text == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");

        r = open_namespace(state_dir, root, true, &dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot record container %s", id);
        r = rw_file_replace_at(dirfd, name, text, strlen(text), &like, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot record container %s", id);
        return 0;
}

static bool is_id_number(const json_t *v)
{
        json_int_t n = json_integer_value(v);

        return json_is_integer(v) && n >= -1 && n <= (json_int_t)UINT32_MAX;
}

/* The fields of a state file; *ret_ours false when it belongs to another root with the same
 * hash. */
static int parse_state(const char *data, size_t len, const char *root, const char *id,
                       struct rw_container_state *ret, bool *ret_ours, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        json_t *file_root, *file_id, *tier, *uid, *gid;
        json_error_t jerr;

        doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
        if (doc == NULL)
                return rw_error_set(err, EINVAL, "line %d, column %d: %s", jerr.line, jerr.column,
                                    jerr.text);
        file_root = json_object_get(doc, "root");
        file_id = json_object_get(doc, "id");
        tier = json_object_get(doc, "tier");
        uid = json_object_get(doc, "uid");
        gid = json_object_get(doc, "gid");
        if (!json_is_object(doc) || !(json_is_null(file_root) || json_is_string(file_root)) ||
            !json_is_string(file_id) || !json_is_string(tier) || !is_id_number(uid) ||
            !is_id_number(gid))
                return rw_error_set(err, EINVAL, "not a runwarden state file");
        if (root == NULL
                ? !json_is_null(file_root)
                : !json_is_string(file_root) || strcmp(json_string_value(file_root), root) != 0) {
                *ret_ours = false;
                return 0;
        }
        if (strcmp(json_string_value(file_id), id) != 0)
                return rw_error_set(err, EINVAL, "it records container %s",
                                    json_string_value(file_id));
        if (json_string_length(tier) == 0 || json_string_length(tier) >= sizeof(ret->tier) ||
            strlen(json_string_value(tier)) != json_string_length(tier))
                return rw_error_set(err, EINVAL, "invalid tier name");
        memset(ret, 0, sizeof(*ret));
        memcpy(ret->tier, json_string_value(tier), json_string_length(tier));
        ret->uid = json_integer_value(uid);
        ret->gid = json_integer_value(gid);
        *ret_ours = true;
        return 0;
}

int rw_state_load(const char *state_dir, const char *root, const char *id,
                  struct rw_container_state *ret, bool *ret_found, struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int dirfd = -1;
        char name[NAME_MAX + 1];
        struct rw_error sub = {0};
        bool ours = false;
        size_t len = 0;
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        r = open_namespace(state_dir, root, false, &dirfd, err);
        if (r == -ENOENT) {
                *ret_found = false;
                return 0;
        }
        if (r < 0)
                return rw_error_prefix(err, "cannot read the record of container %s", id);
        r = rw_file_read_at(dirfd, name, STATE_FILE_MAX, &data, &len, NULL, &sub);
        if (r == -ENOENT) {
                *ret_found = false;
                return 0;
        }
        if (r < 0) {
                *err = sub;
                return rw_error_prefix(err, "cannot read the record of container %s", id);
        }
        r = parse_state(data, len, root, id, ret, &ours, err);
        if (r < 0)
                return rw_error_prefix(err, "record %s of container %s", name, id);
        *ret_found = ours;
        return 0;
}

int rw_state_remove(const char *state_dir, const char *root, const char *id, struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1;
        char name[NAME_MAX + 1];
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        r = open_namespace(state_dir, root, false, &dirfd, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return rw_error_prefix(err, "cannot remove the record of container %s", id);
        if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot remove the record of container %s",
                                          id);
        return 0;
}
