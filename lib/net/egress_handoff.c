/* SPDX-License-Identifier: Apache-2.0 */
#include "egress_handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "egress_json.h"
#include "fileio.h"
#include "sha256.h"

#define ID_MAX          1024
#define HANDOFF_VERSION 1
#define HANDOFF_SUFFIX  ".json"
#define PIN_SUFFIX      ".netns"

void rw_egress_handoff_free(struct rw_egress_handoff *h)
{
        if (h == NULL)
                return;
        free(h->id);
        free(h->bundle);
        rw_egress_ruleset_free(&h->rules);
        *h = (struct rw_egress_handoff){0};
}

int rw_egress_handoff_key(const char *id, uint64_t dev, uint64_t ino,
                          char ret_key[RW_EGRESS_KEY_CHARS], struct rw_error *err)
{
        char numbers[48];
        uint8_t digest[RW_SHA256_DIGEST];
        struct rw_sha256 ctx;
        int n;

        if (!rw_container_id_valid(id, ID_MAX))
                return rw_error_set(err, EINVAL, "invalid container id '%.64s'",
                                    id != NULL ? id : "(null)");
        n = snprintf(numbers, sizeof(numbers), "%" PRIu64 "%c%" PRIu64, dev, '\0', ino);
        rw_sha256_init(&ctx);
        rw_sha256_update(&ctx, id, strlen(id) + 1);
        rw_sha256_update(&ctx, numbers, (size_t)n + 1);
        rw_sha256_final(&ctx, digest);
        rw_sha256_to_hex(digest, ret_key);
        return 0;
}

/* A directory of runwarden's own: anyone else's could hold a planted file. */
static int check_owned(int fd, const char *path, struct rw_error *err)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", path);
        if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
                return rw_error_set(err, EPERM,
                                    "%s belongs to uid %u with mode %04o; expected uid %u and "
                                    "not writable by group or others",
                                    path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                                    (unsigned)geteuid());
        return 0;
}

/*
 * Open `path` from "/" one component at a time, never through a symlink; with `create`, missing
 * components are made 0700. The last directory and its parent must be runwarden's own.
 */
static int open_dir(const char *path, bool create, int *ret_fd, struct rw_error *err)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -1, parent = -1;
        char *save = NULL;
        int r;

        if (copy == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (path[0] != '/')
                return rw_error_set(err, EINVAL, "egress directory %s is not absolute", path);
        fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "cannot open /");
        for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
                int child;

                if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
                        return rw_error_set(err, EINVAL, "egress directory %s is not canonical",
                                            path);
                child = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child < 0 && errno == ENOENT && create) {
                        if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST)
                                return rw_error_set_errno(err, errno, "cannot create %s in %s", c,
                                                          path);
                        child = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (child < 0) {
                        if (errno == ENOENT)
                                return -ENOENT;
                        return rw_error_set_errno(err, errno == ENOTDIR ? ELOOP : errno,
                                                  "cannot open directory %s (component %s)", path,
                                                  c);
                }
                rw_closep(&parent);
                parent = fd;
                fd = child;
        }
        if (parent >= 0) {
                r = check_owned(parent, "the parent of the egress directory", err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", path);
        }
        r = check_owned(fd, path, err);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static void out_u64(struct rw_egress_out *out, const char *member, uint64_t value)
{
        char text[64];
        int n = snprintf(text, sizeof(text), "%s\"%" PRIu64 "\"", member, value);

        rw_egress_out_raw(out, text, (size_t)n);
}

/*
 * The text is written, not dumped from a tree: the file is what json_dumps(JSON_COMPACT) made of
 * {version, id, bundle, bundle_dev, bundle_ino, tier, pin, egress}, byte for byte (the unit test
 * compares the two), for a third of the instructions.
 */
int rw_egress_handoff_write(const char *dir, const struct rw_egress_handoff *h,
                            struct rw_error *err)
{
        const struct stat like = {.st_mode = S_IFREG | 0600, .st_uid = 0, .st_gid = 0};
        _cleanup_(rw_egress_out_done) struct rw_egress_out text = {0};
        _cleanup_close_ int dirfd = -1;
        char key[RW_EGRESS_KEY_CHARS], name[RW_EGRESS_KEY_CHARS + 8];
        int r;

        if (dir == NULL)
                dir = RW_EGRESS_DIR;
        r = rw_egress_handoff_key(h->id, h->bundle_dev, h->bundle_ino, key, err);
        if (r < 0)
                return r;
        _Static_assert(HANDOFF_VERSION == 1, "the version written below");
        RW_EGRESS_OUT_LITERAL(&text, "{\"version\":1,\"id\":");
        rw_egress_out_string(&text, h->id);
        RW_EGRESS_OUT_LITERAL(&text, ",\"bundle\":");
        rw_egress_out_string(&text, h->bundle != NULL ? h->bundle : "");
        out_u64(&text, ",\"bundle_dev\":", h->bundle_dev);
        out_u64(&text, ",\"bundle_ino\":", h->bundle_ino);
        RW_EGRESS_OUT_LITERAL(&text, ",\"tier\":");
        rw_egress_out_string(&text, h->tier);
        if (h->pin)
                RW_EGRESS_OUT_LITERAL(&text, ",\"pin\":true,\"egress\":");
        else
                RW_EGRESS_OUT_LITERAL(&text, ",\"pin\":false,\"egress\":");
        r = rw_egress_ruleset_write(&h->rules, &text, err);
        if (r < 0)
                return r;
        RW_EGRESS_OUT_LITERAL(&text, "}");
        if (text.code != 0)
                return rw_error_set(err, text.code, "out of memory");
        r = open_dir(dir, true, &dirfd, err);
        if (r == -ENOENT)
                return rw_error_set(err, ENOENT, "cannot create %s", dir);
        if (r < 0)
                return r;
        snprintf(name, sizeof(name), "%s" HANDOFF_SUFFIX, key);
        r = rw_file_replace_at(dirfd, name, text.data, text.len, &like, RW_DURABILITY_CACHE, err);
        if (r < 0)
                return rw_error_prefix(err, "writing the egress rules of %s to %s", h->id, dir);
        return 0;
}

static int get_u64_text(const json_t *doc, const char *key, uint64_t *ret)
{
        const char *s = json_string_value(json_object_get(doc, key));
        char *end = NULL;
        unsigned long long v;

        if (s == NULL || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_handoff(const char *text, struct rw_egress_handoff *ret, struct rw_error *err)
{
        static const char *const keys[] = {"version",    "id",   "bundle", "bundle_dev",
                                           "bundle_ino", "tier", "pin",    "egress"};
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        _cleanup_json_ json_t *doc = NULL;
        json_error_t jerr;
        const char *key, *id, *bundle, *tier;
        json_t *value;
        int r;

        doc = rw_json_loadb(text, strlen(text), &jerr);
        if (doc == NULL || !json_is_object(doc))
                return rw_error_set(err, EINVAL, "not a JSON object (%s)",
                                    doc == NULL ? jerr.text : "wrong type");
        json_object_foreach(doc, key, value)
        {
                bool known = false;

                (void)value;
                for (size_t i = 0; i < RW_ELEMENTSOF(keys) && !known; i++)
                        known = strcmp(key, keys[i]) == 0;
                if (!known)
                        return rw_error_set(err, EINVAL, "unknown key \"%s\"", key);
        }
        if (json_integer_value(json_object_get(doc, "version")) != HANDOFF_VERSION)
                return rw_error_set(err, EINVAL, "unknown version");
        id = json_string_value(json_object_get(doc, "id"));
        bundle = json_string_value(json_object_get(doc, "bundle"));
        tier = json_string_value(json_object_get(doc, "tier"));
        if (id == NULL || bundle == NULL || tier == NULL || strlen(tier) >= sizeof(h.tier) ||
            !json_is_boolean(json_object_get(doc, "pin")) ||
            get_u64_text(doc, "bundle_dev", &h.bundle_dev) < 0 ||
            get_u64_text(doc, "bundle_ino", &h.bundle_ino) < 0)
                return rw_error_set(err, EINVAL, "missing or invalid members");
        h.id = strdup(id);
        h.bundle = strdup(bundle);
        if (h.id == NULL || h.bundle == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        snprintf(h.tier, sizeof(h.tier), "%s", tier);
        h.pin = json_is_true(json_object_get(doc, "pin"));
        r = rw_egress_ruleset_from_json(json_object_get(doc, "egress"), &h.rules, err);
        if (r < 0)
                return r;
        *ret = h;
        h = (struct rw_egress_handoff){0};
        return 0;
}

int rw_egress_handoff_take(const char *dir, const char *id, const char *bundle,
                           struct rw_egress_handoff *ret, struct rw_error *err)
{
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int dirfd = -1;
        char key[RW_EGRESS_KEY_CHARS], name[RW_EGRESS_KEY_CHARS + 8];
        struct stat bst, st;
        size_t len = 0;
        int r;

        if (dir == NULL)
                dir = RW_EGRESS_DIR;
        if (bundle == NULL || bundle[0] != '/')
                return rw_error_set(err, EINVAL, "the state's bundle is not an absolute path");
        if (stat(bundle, &bst) < 0)
                return rw_error_set_errno(err, errno, "cannot stat the bundle %s", bundle);
        r = rw_egress_handoff_key(id, (uint64_t)bst.st_dev, (uint64_t)bst.st_ino, key, err);
        if (r < 0)
                return r;
        r = open_dir(dir, false, &dirfd, err);
        if (r == -ENOENT)
                return rw_error_set(err, ENOENT,
                                    "runwarden prepared no egress rules for container %s (%s "
                                    "does not exist)",
                                    id, dir);
        if (r < 0)
                return r;
        snprintf(name, sizeof(name), "%s" HANDOFF_SUFFIX, key);
        r = rw_file_read_at(dirfd, name, RW_EGRESS_HANDOFF_MAX, &text, &len, &st, err);
        if (r == -ENOENT)
                return rw_error_set(err, ENOENT,
                                    "runwarden prepared no egress rules for container %s with "
                                    "bundle %s (no %s/%s)",
                                    id, bundle, dir, name);
        if (r < 0)
                return r;
        if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
                return rw_error_set(err, EPERM, "%s/%s is not runwarden's (uid %u, mode %04o)", dir,
                                    name, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
        if (strlen(text) != len)
                return rw_error_set(err, EINVAL, "%s/%s contains a NUL byte", dir, name);
        r = parse_handoff(text, &h, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, name);
        if (strcmp(h.id, id) != 0 || h.bundle_dev != (uint64_t)bst.st_dev ||
            h.bundle_ino != (uint64_t)bst.st_ino)
                return rw_error_set(err, EINVAL,
                                    "%s/%s was written for container %s with another bundle", dir,
                                    name, h.id);
        /* Taken once: a second hook of the same container finds nothing and fails closed. */
        if (unlinkat(dirfd, name, 0) < 0)
                return rw_error_set_errno(err, errno, "cannot remove %s/%s", dir, name);
        *ret = h;
        h = (struct rw_egress_handoff){0};
        return 0;
}

int rw_egress_pin_path(const char *dir, const char *id, uint64_t dev, uint64_t ino, char *buf,
                       size_t size, struct rw_error *err)
{
        char key[RW_EGRESS_KEY_CHARS];
        int r, n;

        if (dir == NULL)
                dir = RW_EGRESS_DIR;
        r = rw_egress_handoff_key(id, dev, ino, key, err);
        if (r < 0)
                return r;
        n = snprintf(buf, size, "%s/%s" PIN_SUFFIX, dir, key);
        if (n < 0 || (size_t)n >= size)
                return rw_error_set(err, ENAMETOOLONG, "egress directory %s is too long", dir);
        return 0;
}

int rw_egress_handoff_remove(const char *dir, const char *id, uint64_t dev, uint64_t ino,
                             struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1;
        char key[RW_EGRESS_KEY_CHARS], name[RW_EGRESS_KEY_CHARS + 8];
        int r;

        if (dir == NULL)
                dir = RW_EGRESS_DIR;
        r = rw_egress_handoff_key(id, dev, ino, key, err);
        if (r < 0)
                return r;
        r = open_dir(dir, false, &dirfd, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        snprintf(name, sizeof(name), "%s" HANDOFF_SUFFIX, key);
        if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
                return rw_error_set_errno(err, errno, "cannot remove %s/%s", dir, name);
        return 0;
}
