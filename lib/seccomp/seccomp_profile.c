/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "seccomp_builtin.h"
#include "seccomp_docker.h"

/* A profile is a few tens of KB; a file far larger than that is not one. */
#define PROFILE_MAX_SIZE (1024u * 1024u)

bool rw_seccomp_profile_name_valid(const char *name)
{
        size_t len = strlen(name);

        return len > 0 && len <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

int rw_seccomp_read_file(const char *path, json_t **ret, struct rw_error *err)
{
        int r = rw_file_read_json(path, PROFILE_MAX_SIZE, ret, err);

        return r < 0 ? rw_error_prefix(err, "%s", path) : 0;
}

const struct rw_seccomp_builtin *rw_seccomp_builtin_find(const char *name)
{
        for (const struct rw_seccomp_builtin *b = rw_seccomp_builtins; b->name != NULL; b++)
                if (strcmp(b->name, name) == 0)
                        return b;
        return NULL;
}

int rw_seccomp_find_named(const char *dir, const char *name, json_t **ret, char **ret_where,
                          struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ char *where = NULL;
        const struct rw_seccomp_builtin *builtin;
        char file[80];
        size_t len;
        int r;

        /* The name becomes a file name: nothing that could leave the directory. */
        if (!rw_seccomp_profile_name_valid(name))
                return rw_error_set(err, EINVAL,
                                    "invalid seccomp profile name \"%.64s\" (1 to 64 of a-z, 0-9 "
                                    "and -)",
                                    name);
        snprintf(file, sizeof(file), "%s.json", name);
        /* A directory that does not exist holds no profiles (an uninstalled build has no
         * installed directory); one that exists is read, and a broken file in it is an error,
         * never a reason to fall back. */
        r = dir != NULL ? rw_dir_open(dir, &dirfd, err) : -ENOENT;
        if (r >= 0)
                r = rw_file_read_at(dirfd, file, PROFILE_MAX_SIZE, &text, &len, NULL, err);
        if (r >= 0) {
                if (asprintf(&where, "%s/%s", dir, file) < 0)
                        return rw_error_set(err, ENOMEM, "seccomp profile %s", name);
                r = rw_json_parse(text, len, ret, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", where);
                if (ret_where != NULL)
                        *ret_where = TAKE_PTR(where);
                return 0;
        }
        if (r != -ENOENT)
                return rw_error_prefix(err, "%s/%s", dir, file);
        builtin = rw_seccomp_builtin_find(name);
        if (builtin == NULL)
                return rw_error_set(err, ENOENT,
                                    "no seccomp profile %s: neither %s/%s nor built into runwarden",
                                    name, dir != NULL ? dir : "(no directory)", file);
        if (asprintf(&where, "built-in profile %s", name) < 0)
                return rw_error_set(err, ENOMEM, "seccomp profile %s", name);
        r = rw_json_parse(builtin->text, builtin->len, ret, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", where);
        if (ret_where != NULL)
                *ret_where = TAKE_PTR(where);
        return 0;
}

int rw_seccomp_read_named(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        return rw_seccomp_find_named(dir, name, ret, NULL, err);
}

int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *raw = NULL;
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_free_ char *where = NULL;
        struct rw_seccomp_target target;
        int r, result;

        r = rw_seccomp_find_named(dir, name, &raw, &where, err);
        if (r < 0)
                return r;
        r = rw_seccomp_target_host(capabilities, &target, err);
        if (r < 0)
                return r;
        r = rw_seccomp_convert(raw, &target, &profile, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", where);
        result = rw_seccomp_check_cached(profile, cache_dir, NULL, err);
        if (result < 0)
                return rw_error_prefix(err, "%s%s", where,
                                       rw_seccomp_is_docker_format(raw)
                                           ? " (converted for this host and its capabilities)"
                                           : "");
        *ret = TAKE_PTR(profile);
        return result;
}

int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        int r = rw_seccomp_profile_for(dir, name, NULL, NULL, ret, err);

        return r < 0 ? r : 0;
}
