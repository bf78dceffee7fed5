/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp_cache.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config.h"
#include "json.h"
#include "seccomp_check.h"
#include "seccomp_names.h"
#include "store.h"
#include "strv.h"

#define ENTRY_SUFFIX ".checked"

/* An entry is one profile: a few tens of KB. */
#define ENTRY_MAX_SIZE (1024u * 1024u)

/* What a hit must match exactly: everything the check's outcome depends on, then the profile. */
static int entry_text(const json_t *profile, char **ret, size_t *ret_len, struct rw_error *err)
{
        const struct scmp_version *v = seccomp_version();
        const struct rw_seccomp_arch *native = rw_seccomp_arch_native();
        _cleanup_free_ char *dump = NULL;
        char *text;
        size_t len;
        int r, n;

        r = rw_json_dump(profile, &dump, &len, err);
        if (r < 0)
                return r;
        n = asprintf(&text,
                     "runwarden seccomp check\nrunwarden %s\nlibseccomp %u.%u.%u api %u\n"
                     "native %s\n\n%s\n",
                     RW_VERSION, v->major, v->minor, v->micro, seccomp_api_get(),
                     native != NULL ? native->name : "unknown", dump);
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

/* Keep the directory small: above the limit, every other entry goes. */
static void prune(const struct rw_store *store, const char *keep)
{
        _cleanup_strv_ char **names = NULL;
        struct rw_error ignored;
        size_t n = 0;

        if (rw_store_list(store, ENTRY_SUFFIX, &names, &ignored) < 0)
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
        prune(&store, name);
        return found == LOOKUP_UNTRUSTED ? RW_SECCOMP_CACHE_UNUSABLE : RW_SECCOMP_CACHE_STORED;
}
