/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_cache.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildid.h"
#include "cleanup.h"
#include "config.h"
#include "json.h"
#include "seccomp_check.h"
#include "seccomp_names.h"
#include "store.h"
#include "strv.h"

#define ENTRY_SUFFIX     ".checked"
#define CONVERTED_SUFFIX ".converted"

/* An entry is one profile: a few tens of KB. */
#define ENTRY_MAX_SIZE (1024u * 1024u)

/* What an entry of `kind` depends on besides its key: this build of runwarden, libseccomp, the
 * architecture. Returns its length, or -1 when out of memory. */
static int entry_header(const char *kind, char **ret)
{
        const struct scmp_version *v = seccomp_version();
        const struct rw_seccomp_arch *native = rw_seccomp_arch_native();
        char build[RW_BUILD_ID_MAX];

        rw_build_id(build);
        return asprintf(ret,
                        "runwarden seccomp %s\nrunwarden %s build %s\nlibseccomp %u.%u.%u api "
                        "%u\nnative %s\n",
                        kind, RW_VERSION, build, v->major, v->minor, v->micro, seccomp_api_get(),
                        native != NULL ? native->name : "unknown");
}

/* What a hit must match exactly: everything the check's outcome depends on, then the profile. */
static int entry_text(const json_t *profile, char **ret, size_t *ret_len, struct rw_error *err)
{
        _cleanup_free_ char *dump = NULL, *header = NULL;
        char *text;
        size_t len;
        int r, n;

        r = rw_json_dump(profile, &dump, &len, err);
        if (r < 0)
                return r;
        if (entry_header("check", &header) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        n = asprintf(&text, "%s\n%s\n", header, dump);
        if (n < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = text;
        *ret_len = (size_t)n;
        return 0;
}

enum lookup {
        LOOKUP_MISS,
        LOOKUP_HIT,
        LOOKUP_UNTRUSTED,
};

static enum lookup lookup(const struct rw_store *store, const char *name, const char *text,
                          size_t len, struct rw_error *cache_err)
{
        _cleanup_free_ char *data = NULL;
        struct rw_error sub = {0};
        size_t data_len;

        if (rw_store_read(store, name, ENTRY_MAX_SIZE, &data, &data_len, &sub) < 0) {
                if (sub.code == ENOENT)
                        return LOOKUP_MISS;
                if (cache_err != NULL) {
                        *cache_err = sub;
                        rw_error_prefix(cache_err, "%s", store->path);
                }
                return LOOKUP_UNTRUSTED;
        }
        if (data_len != len || memcmp(data, text, len) != 0)
                return LOOKUP_MISS;
        return LOOKUP_HIT;
}

/* Keep the directory small: above the limit, every other entry of the same kind goes. */
static void prune(const struct rw_store *store, const char *keep, const char *suffix)
{
        _cleanup_strv_ char **names = NULL;
        struct rw_error ignored;
        size_t n = 0;

        if (rw_store_list(store, suffix, &names, &ignored) < 0)
                return;
        while (names[n] != NULL)
                n++;
        if (n <= RW_SECCOMP_CACHE_MAX_ENTRIES)
                return;
        for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], keep) != 0)
                        (void)rw_store_remove(store, names[i], &ignored);
}

int rw_seccomp_check_cached(const json_t *profile, const char *cache_dir,
                            struct rw_error *ret_cache_err, struct rw_error *err)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_free_ char *text = NULL;
        struct rw_error store_err = {0};
        char name[RW_STORE_NAME_MAX];
        size_t len = 0;
        enum lookup found;
        int r;

        if (ret_cache_err != NULL)
                *ret_cache_err = (struct rw_error){0};
        if (cache_dir == NULL) {
                r = rw_seccomp_check(profile, err);
                return r < 0 ? r : RW_SECCOMP_COMPILED;
        }
        r = entry_text(profile, &text, &len, err);
        if (r < 0)
                return r;
        r = rw_store_open(cache_dir, true, &store, ret_cache_err);
        if (r < 0) {
                r = rw_seccomp_check(profile, err);
                return r < 0 ? r : RW_SECCOMP_CACHE_UNUSABLE;
        }
        rw_store_key_name(text, len, ENTRY_SUFFIX, name);
        found = lookup(&store, name, text, len, ret_cache_err);
        if (found == LOOKUP_HIT)
                return RW_SECCOMP_CACHE_HIT;

        r = rw_seccomp_check(profile, err);
        if (r < 0)
                return r;
        /* An untrusted entry is replaced by root's own: rename() takes its place. */
        if (rw_store_write(&store, name, text, len, &store_err) < 0) {
                rw_error_set(ret_cache_err, store_err.code, "cannot store %s in %s: %s", name,
                             cache_dir, store_err.msg);
                return RW_SECCOMP_CACHE_UNUSABLE;
        }
        prune(&store, name, ENTRY_SUFFIX);
        return found == LOOKUP_UNTRUSTED ? RW_SECCOMP_CACHE_UNUSABLE : RW_SECCOMP_CACHE_STORED;
}

/* The text a converted entry starts with: the header, then the inputs and their length. */
static int converted_key(const char *inputs, size_t inputs_len, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *header = NULL;
        char *key;
        int n;

        if (entry_header("conversion", &header) < 0)
                return -ENOMEM;
        n = asprintf(&key, "%sinputs %zu\n", header, inputs_len);
        if (n < 0)
                return -ENOMEM;
        *ret = malloc((size_t)n + inputs_len + 1);
        if (*ret == NULL) {
                free(key);
                return -ENOMEM;
        }
        memcpy(*ret, key, (size_t)n);
        memcpy(*ret + n, inputs, inputs_len);
        (*ret)[(size_t)n + inputs_len] = '\n';
        *ret_len = (size_t)n + inputs_len + 1;
        free(key);
        return 0;
}

int rw_seccomp_cache_find_converted_text(const char *cache_dir, const char *inputs,
                                         size_t inputs_len, char **ret_text, size_t *ret_len)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_free_ char *key = NULL, *data = NULL;
        struct rw_error ignored = {0};
        char name[RW_STORE_NAME_MAX];
        size_t key_len, data_len;

        if (cache_dir == NULL || converted_key(inputs, inputs_len, &key, &key_len) < 0)
                return 0;
        /* Never created here: a missing directory is a miss, the store creates it. */
        if (rw_store_open(cache_dir, false, &store, &ignored) < 0)
                return 0;
        rw_store_key_name(key, key_len, CONVERTED_SUFFIX, name);
        if (rw_store_read(&store, name, ENTRY_MAX_SIZE, &data, &data_len, &ignored) < 0)
                return 0;
        if (data_len <= key_len || memcmp(data, key, key_len) != 0)
                return 0;
        /* the profile after the key, moved to the front of the buffer */
        memmove(data, data + key_len, data_len - key_len);
        data[data_len - key_len] = '\0';
        *ret_len = data_len - key_len;
        *ret_text = TAKE_PTR(data);
        return 1;
}

int rw_seccomp_cache_find_converted(const char *cache_dir, const char *inputs, size_t inputs_len,
                                    json_t **ret)
{
        _cleanup_free_ char *text = NULL;
        struct rw_error ignored = {0};
        size_t len;

        if (rw_seccomp_cache_find_converted_text(cache_dir, inputs, inputs_len, &text, &len) <= 0)
                return 0;
        return rw_json_parse(text, len, ret, &ignored) < 0 ? 0 : 1;
}

void rw_seccomp_cache_store_converted(const char *cache_dir, const char *inputs, size_t inputs_len,
                                      const json_t *profile)
{
        _cleanup_store_ struct rw_store store = RW_STORE_INIT;
        _cleanup_free_ char *key = NULL, *text = NULL, *entry = NULL;
        struct rw_error ignored = {0};
        char name[RW_STORE_NAME_MAX];
        size_t key_len, text_len;

        if (cache_dir == NULL || converted_key(inputs, inputs_len, &key, &key_len) < 0 ||
            rw_json_dump(profile, &text, &text_len, &ignored) < 0 ||
            rw_store_open(cache_dir, true, &store, &ignored) < 0)
                return;
        entry = malloc(key_len + text_len);
        if (entry == NULL)
                return;
        memcpy(entry, key, key_len);
        memcpy(entry + key_len, text, text_len);
        rw_store_key_name(key, key_len, CONVERTED_SUFFIX, name);
        if (rw_store_write(&store, name, entry, key_len + text_len, &ignored) == 0)
                prune(&store, name, CONVERTED_SUFFIX);
}
