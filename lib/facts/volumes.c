/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The volume registry: STATE_DIR/volumes/<hash>.vol, one JSON file per volume directory:
 *   {"path": "/var/lib/docker/volumes/db/_data",
 *    "creator": {"root": ..., "id": ..., "tier": ...},
 *    "users": [{"root": ..., "id": ..., "tier": ...}, ...]}
 * Updates are read-modify-write under an exclusive flock() of the store's lock file, so two
 * creates that mount one new volume at once cannot both become its creator.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "store.h"
#include "strv.h"

#define VOLUME_FILE_MAX (1024u * 1024u)
#define VOLUME_SUFFIX   ".vol"
#define VOLUMES_DIR     "volumes"
#define LOCK_NAME       "lock"

void rw_volume_entry_name(const char *path, char ret[RW_STORE_NAME_MAX])
{
        rw_store_key_name(path, strlen(path), VOLUME_SUFFIX, ret);
}

bool rw_volume_entry_name_valid(const char *name)
{
        return strlen(name) == 16 + strlen(VOLUME_SUFFIX) &&
               strspn(name, "0123456789abcdef") == 16 && strcmp(name + 16, VOLUME_SUFFIX) == 0;
}

void rw_volume_use_clear(struct rw_volume_use *u)
{
        free(u->root);
        free(u->id);
        free(u->tier);
        *u = (struct rw_volume_use){0};
}

void rw_volume_entry_clear(struct rw_volume_entry *e)
{
        free(e->path);
        rw_volume_use_clear(&e->creator);
        for (size_t i = 0; i < e->n_users; i++)
                rw_volume_use_clear(&e->users[i]);
        free(e->users);
        *e = (struct rw_volume_entry){0};
}

static int open_volumes(const char *state_dir, bool create, struct rw_store *ret,
                        struct rw_error *err)
{
        _cleanup_store_ struct rw_store top = RW_STORE_INIT;
        int r;

        r = rw_store_open(state_dir != NULL ? state_dir : RW_STATE_DIR, create, &top, err);
        if (r < 0)
                return r;
        return rw_store_open_child(&top, VOLUMES_DIR, create, ret, err);
}

static int use_from_json(const json_t *j, struct rw_volume_use *ret)
{
        const char *root = json_string_value(json_object_get(j, "root"));
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *tier = json_string_value(json_object_get(j, "tier"));

        if (id == NULL || tier == NULL)
                return -EINVAL;
        ret->root = root != NULL ? strdup(root) : NULL;
        ret->id = strdup(id);
        ret->tier = strdup(tier);
        if ((root != NULL && ret->root == NULL) || ret->id == NULL || ret->tier == NULL)
                return -ENOMEM;
        return 0;
}

static json_t *use_to_json(const struct rw_volume_use *u)
{
        return json_pack("{s:o,s:s,s:s}", "root",
                         u->root != NULL ? json_string(u->root) : json_null(), "id", u->id, "tier",
                         u->tier);
}

static bool same_container(const struct rw_volume_use *u, const char *root, const char *id)
{
        bool same_root = (u->root == NULL && root == NULL) ||
                         (u->root != NULL && root != NULL && strcmp(u->root, root) == 0);

        return same_root && strcmp(u->id, id) == 0;
}

static int parse_entry(const char *data, size_t len, const char *path, struct rw_volume_entry *ret,
                       bool *ret_ours)
{
        _cleanup_json_ json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
        const json_t *users = json_object_get(doc, "users");
        const char *recorded = json_string_value(json_object_get(doc, "path"));
        size_t i;
        json_t *u;
        int r;

        *ret = (struct rw_volume_entry){0};
        if (recorded == NULL || !json_is_array(users))
                return -EINVAL;
        /* a hash collision: another volume's entry */
        *ret_ours = path == NULL || strcmp(recorded, path) == 0;
        if (!*ret_ours)
                return 0;
        ret->path = strdup(recorded);
        if (ret->path == NULL)
                return -ENOMEM;
        r = use_from_json(json_object_get(doc, "creator"), &ret->creator);
        if (r < 0)
                return r;
        ret->users = calloc(json_array_size(users) + 1, sizeof(*ret->users));
        if (ret->users == NULL)
                return -ENOMEM;
        json_array_foreach(users, i, u)
        {
                r = use_from_json(u, &ret->users[ret->n_users]);
                if (r < 0)
                        return r;
                ret->n_users++;
        }
        return 0;
}

static int write_entry(const struct rw_store *store, const char *name,
                       const struct rw_volume_entry *e, struct rw_error *err)
{
        _cleanup_json_ json_t *users = json_array();
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *text = NULL;
        size_t len;

        for (size_t i = 0; users != NULL && i < e->n_users; i++)
                if (json_array_append_new(users, use_to_json(&e->users[i])) < 0)
                        return rw_error_set(err, ENOMEM, "volume registry");
        doc = json_pack("{s:s,s:o,s:O}", "path", e->path, "creator", use_to_json(&e->creator),
                        "users", users);
        if (doc == NULL || rw_json_dump(doc, &text, &len, err) < 0)
                return rw_error_set(err, ENOMEM, "volume registry");
        return rw_store_write(store, name, text, len, err);
}

int rw_volume_load(const char *state_dir, const char *path, struct rw_volume_entry *ret,
                   bool *ret_found, struct rw_error *err)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_free_ char *data = NULL;
        char name[RW_STORE_NAME_MAX];
        struct rw_error sub = {0};
        bool ours = false;
        size_t len;
        int r;

        *ret_found = false;
        *ret = (struct rw_volume_entry){0};
        r = open_volumes(state_dir, false, &store, &sub);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *err = sub;
                return r;
        }
        rw_volume_entry_name(path, name);
        r = rw_store_read(&store, name, VOLUME_FILE_MAX, &data, &len, &sub);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *err = sub;
                return r;
        }
        r = parse_entry(data, len, path, ret, &ours);
        if (r < 0) {
                rw_volume_entry_clear(ret);
                return rw_error_set(err, -r, "volume registry entry %s is not valid", name);
        }
        *ret_found = ours;
        return 0;
}

/* An exclusive lock on the registry for a read-modify-write. */
static int lock_registry(const struct rw_store *store, int *ret_fd, struct rw_error *err)
{
        int fd = openat(store->dirfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return rw_error_set_errno(err, errno, "locking the volume registry");
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR) {
                        close(fd);
                        return rw_error_set_errno(err, errno, "locking the volume registry");
                }
        *ret_fd = fd;
        return 0;
}

int rw_volume_add_user(const char *state_dir, const char *path, const struct rw_volume_use *use,
                       struct rw_error *err)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_close_ int lock = -1;
        _cleanup_free_ char *data = NULL;
        struct rw_volume_entry e = {0};
        struct rw_error sub = {0};
        char name[RW_STORE_NAME_MAX];
        bool ours = false;
        size_t len;
        int r;

        r = open_volumes(state_dir, true, &store, err);
        if (r >= 0)
                r = lock_registry(&store, &lock, err);
        if (r < 0)
                return rw_error_prefix(err, "recording volume %s", path);
        rw_volume_entry_name(path, name);
        r = rw_store_read(&store, name, VOLUME_FILE_MAX, &data, &len, &sub);
        if (r >= 0 && parse_entry(data, len, path, &e, &ours) < 0)
                r = -EINVAL;
        if (r < 0 && r != -ENOENT) {
                rw_volume_entry_clear(&e);
                return rw_error_set(err, -r, "volume registry entry %s cannot be read", name);
        }
        if (r == -ENOENT || !ours) {
                rw_volume_entry_clear(&e);
                e.path = strdup(path);
                e.creator = (struct rw_volume_use){
                    .root = use->root != NULL ? strdup(use->root) : NULL,
                    .id = strdup(use->id),
                    .tier = strdup(use->tier),
                };
                if (e.path == NULL || e.creator.id == NULL || e.creator.tier == NULL ||
                    (use->root != NULL && e.creator.root == NULL)) {
                        rw_volume_entry_clear(&e);
                        return rw_error_set(err, ENOMEM, "volume registry");
                }
        }
        for (size_t i = 0; i < e.n_users; i++)
                if (same_container(&e.users[i], use->root, use->id)) {
                        rw_volume_entry_clear(&e);
                        return 0;
                }
        {
                struct rw_volume_use *grown = reallocarray(e.users, e.n_users + 1, sizeof(*grown));

                if (grown == NULL) {
                        rw_volume_entry_clear(&e);
                        return rw_error_set(err, ENOMEM, "volume registry");
                }
                e.users = grown;
                e.users[e.n_users] = (struct rw_volume_use){
                    .root = use->root != NULL ? strdup(use->root) : NULL,
                    .id = strdup(use->id),
                    .tier = strdup(use->tier),
                };
                e.n_users++;
                if (e.users[e.n_users - 1].id == NULL || e.users[e.n_users - 1].tier == NULL) {
                        rw_volume_entry_clear(&e);
                        return rw_error_set(err, ENOMEM, "volume registry");
                }
        }
        r = write_entry(&store, name, &e, err);
        rw_volume_entry_clear(&e);
        return r;
}

int rw_volume_remove_user(const char *state_dir, const char *root, const char *id,
                          const char (*names_given)[RW_STORE_NAME_MAX], size_t n_given,
                          struct rw_error *err)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_close_ int lock = -1;
        _cleanup_strv_ char **names = NULL;
        struct rw_error sub = {0};
        int r;

        r = open_volumes(state_dir, false, &store, &sub);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *err = sub;
                return r;
        }
        r = lock_registry(&store, &lock, err);
        if (r >= 0 && names_given == NULL)
                r = rw_store_list(&store, VOLUME_SUFFIX, &names, err);
        if (r >= 0 && names_given != NULL) {
                /* only the entries the container was added to */
                names = calloc(n_given + 1, sizeof(char *));
                if (names == NULL)
                        r = rw_error_set(err, ENOMEM, "volume registry");
                for (size_t i = 0; r >= 0 && i < n_given; i++) {
                        if (!rw_volume_entry_name_valid(names_given[i]))
                                r = rw_error_set(err, EINVAL, "invalid volume entry name");
                        else if ((names[i] = strdup(names_given[i])) == NULL)
                                r = rw_error_set(err, ENOMEM, "volume registry");
                }
        }
        if (r < 0)
                return r;
        for (size_t i = 0; names[i] != NULL; i++) {
                _cleanup_free_ char *data = NULL;
                struct rw_volume_entry e = {0};
                size_t len, kept = 0;
                bool ours;

                if (rw_store_read(&store, names[i], VOLUME_FILE_MAX, &data, &len, &sub) < 0 ||
                    parse_entry(data, len, NULL, &e, &ours) < 0) {
                        rw_volume_entry_clear(&e);
                        continue;
                }
                for (size_t k = 0; k < e.n_users; k++) {
                        if (same_container(&e.users[k], root, id))
                                rw_volume_use_clear(&e.users[k]);
                        else
                                e.users[kept++] = e.users[k];
                }
                if (kept != e.n_users) {
                        e.n_users = kept;
                        r = write_entry(&store, names[i], &e, err);
                }
                rw_volume_entry_clear(&e);
                if (r < 0)
                        return r;
        }
        return 0;
}
