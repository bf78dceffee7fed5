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

/*
 * The bytes of profile `name`: DIR/NAME.json, else the one built into runwarden. *ret_data is
 * owned by the caller for a file and points into the binary (*ret_owned NULL) for a built-in
 * one; *ret_where names it for messages.
 */
static int find_named_text(const char *dir, const char *name, const char **ret_data,
                           size_t *ret_len, char **ret_owned, char **ret_where,
                           struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *text = NULL;
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
                if (asprintf(ret_where, "%s/%s", dir, file) < 0) {
                        *ret_where = NULL;
                        return rw_error_set(err, ENOMEM, "seccomp profile %s", name);
                }
                *ret_data = text;
                *ret_len = len;
                *ret_owned = TAKE_PTR(text);
                return 0;
        }
        if (r != -ENOENT)
                return rw_error_prefix(err, "%s/%s", dir, file);
        builtin = rw_seccomp_builtin_find(name);
        if (builtin == NULL)
                return rw_error_set(err, ENOENT,
                                    "no seccomp profile %s: neither %s/%s nor built into runwarden",
                                    name, dir != NULL ? dir : "(no directory)", file);
        if (asprintf(ret_where, "built-in profile %s", name) < 0) {
                *ret_where = NULL;
                return rw_error_set(err, ENOMEM, "seccomp profile %s", name);
        }
        *ret_data = builtin->text;
        *ret_len = builtin->len;
        *ret_owned = NULL;
        return 0;
}

int rw_seccomp_find_named(const char *dir, const char *name, json_t **ret, char **ret_where,
                          struct rw_error *err)
{
        _cleanup_free_ char *owned = NULL;
        _cleanup_free_ char *where = NULL;
        const char *data;
        size_t len;
        int r;

        r = find_named_text(dir, name, &data, &len, &owned, &where, err);
        if (r < 0)
                return r;
        r = rw_json_parse(data, len, ret, err);
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

/* What a conversion reads besides the header of a cache entry (libseccomp, the architecture,
 * this build): the profile's name and bytes, the kernel version, the capabilities. */
static int conversion_inputs(const char *name, const struct rw_seccomp_target *target,
                             const char *data, size_t len, char **ret, size_t *ret_len)
{
        _cleanup_fclose_ FILE *f = NULL;
        char *text = NULL;
        size_t size = 0;

        f = open_memstream(&text, &size);
        if (f == NULL)
                return -ENOMEM;
        fprintf(f, "profile %s\nkernel %u.%u\ncapabilities", name, target->kernel_major,
                target->kernel_minor);
        for (const char *const *c = target->capabilities; c != NULL && *c != NULL; c++)
                fprintf(f, " %s", *c);
        fprintf(f, "\nbytes %zu\n", len);
        fwrite(data, 1, len, f);
        if (fclose(TAKE_PTR(f)) != 0) {
                free(text);
                return -ENOMEM;
        }
        *ret = text;
        *ret_len = size;
        return 0;
}

static int profile_for(const char *dir, const char *name, const char *const *capabilities,
                       const char *cache_dir, bool verbatim, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *raw = NULL;
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_free_ char *owned = NULL, *where = NULL, *inputs = NULL;
        struct rw_seccomp_target target;
        const char *data;
        size_t len, inputs_len = 0;
        int r, result;

        r = find_named_text(dir, name, &data, &len, &owned, &where, err);
        if (r < 0)
                return r;
        r = rw_seccomp_target_host(capabilities, &target, err);
        if (r < 0)
                return r;
        /* Converted and checked before from the same inputs: one parse, nothing else. */
        if (cache_dir != NULL) {
                if (conversion_inputs(name, &target, data, len, &inputs, &inputs_len) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                if (verbatim) {
                        _cleanup_free_ char *text = NULL;
                        size_t text_len;

                        if (rw_seccomp_cache_find_converted_text(cache_dir, inputs, inputs_len,
                                                                 &text, &text_len) > 0) {
                                *ret = rw_json_verbatim_document(text, text_len);
                                if (*ret == NULL)
                                        return rw_error_set(err, ENOMEM, "out of memory");
                                return RW_SECCOMP_CACHE_HIT;
                        }
                } else if (rw_seccomp_cache_find_converted(cache_dir, inputs, inputs_len, ret) > 0)
                        return RW_SECCOMP_CACHE_HIT;
        }
        r = rw_json_parse(data, len, &raw, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", where);
        r = rw_seccomp_convert(raw, &target, &profile, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", where);
        result = rw_seccomp_check_cached(profile, cache_dir, NULL, err);
        if (result < 0)
                return rw_error_prefix(err, "%s%s", where,
                                       rw_seccomp_is_docker_format(raw)
                                           ? " (converted for this host and its capabilities)"
                                           : "");
        if (cache_dir != NULL)
                rw_seccomp_cache_store_converted(cache_dir, inputs, inputs_len, profile);
        *ret = TAKE_PTR(profile);
        return result;
}

int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err)
{
        return profile_for(dir, name, capabilities, cache_dir, false, ret, err);
}

int rw_seccomp_profile_verbatim_for(const char *dir, const char *name,
                                    const char *const *capabilities, const char *cache_dir,
                                    json_t **ret, struct rw_error *err)
{
        return profile_for(dir, name, capabilities, cache_dir, true, ret, err);
}

int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        int r = rw_seccomp_profile_for(dir, name, NULL, NULL, ret, err);

        return r < 0 ? r : 0;
}
