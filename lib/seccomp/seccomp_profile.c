/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
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

/* The bytes of DIR/NAME.json. */
static int read_named_text(const char *dir, const char *name, char **ret_data, size_t *ret_len,
                           struct rw_error *err)
{
        _cleanup_close_ int dirfd = -1;
        char file[80];
        int r;

        /* The name becomes a file name: nothing that could leave the directory. */
        if (!rw_seccomp_profile_name_valid(name))
                return rw_error_set(err, EINVAL,
                                    "invalid seccomp profile name \"%.64s\" (1 to 64 of a-z, 0-9 "
                                    "and -)",
                                    name);
        snprintf(file, sizeof(file), "%s.json", name);
        r = rw_dir_open(dir, &dirfd, err);
        if (r >= 0)
                r = rw_file_read_at(dirfd, file, PROFILE_MAX_SIZE, ret_data, ret_len, NULL, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, file);
        return 0;
}

int rw_seccomp_read_named(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = read_named_text(dir, name, &data, &len, err);
        if (r >= 0)
                r = rw_json_parse(data, len, ret, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s.json", dir, name);
        return 0;
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

int rw_seccomp_profile_for(const char *dir, const char *name, const char *const *capabilities,
                           const char *cache_dir, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *raw = NULL;
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_free_ char *data = NULL, *inputs = NULL;
        struct rw_seccomp_target target;
        size_t len, inputs_len = 0;
        int r, result;

        r = read_named_text(dir, name, &data, &len, err);
        if (r < 0)
                return r;
        r = rw_seccomp_target_host(capabilities, &target, err);
        if (r < 0)
                return r;
        /* Converted and checked before from the same inputs: one parse, nothing else. */
        if (cache_dir != NULL) {
                if (conversion_inputs(name, &target, data, len, &inputs, &inputs_len) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                if (rw_seccomp_cache_find_converted(cache_dir, inputs, inputs_len, ret) > 0)
                        return RW_SECCOMP_CACHE_HIT;
        }
        r = rw_json_parse(data, len, &raw, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s.json", dir, name);
        r = rw_seccomp_convert(raw, &target, &profile, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s.json", dir, name);
        result = rw_seccomp_check_cached(profile, cache_dir, NULL, err);
        if (result < 0)
                return rw_error_prefix(err, "%s/%s.json%s", dir, name,
                                       rw_seccomp_is_docker_format(raw)
                                           ? " (converted for this host and its capabilities)"
                                           : "");
        if (cache_dir != NULL)
                rw_seccomp_cache_store_converted(cache_dir, inputs, inputs_len, profile);
        *ret = TAKE_PTR(profile);
        return result;
}

int rw_seccomp_load_profile(const char *dir, const char *name, json_t **ret, struct rw_error *err)
{
        int r = rw_seccomp_profile_for(dir, name, NULL, NULL, ret, err);

        return r < 0 ? r : 0;
}
