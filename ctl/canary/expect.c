/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expectation a tier hands the canary (`runwardenctl canary expect`, ctl/canary_expect.h).
 * It is checked as strictly as the canary reads it: a member of the wrong type, or a format
 * version the canary does not know, is an error, never a weaker check.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canary.h"

#define EXPECT_VERSION 1

static const json_t *member(const json_t *obj, const char *key, json_type type, bool required,
                            bool *ok, char *why, size_t why_size)
{
        const json_t *v = json_object_get(obj, key);

        if (!*ok)
                return NULL;
        if (v == NULL && !required)
                return NULL;
        if (v == NULL || json_typeof(v) != type) {
                snprintf(why, why_size, "%s: %s", key, v == NULL ? "missing" : "of the wrong type");
                *ok = false;
                return NULL;
        }
        return v;
}

static bool strings_only(const json_t *array, const char *key, char *why, size_t why_size)
{
        size_t i;
        json_t *v;

        json_array_foreach(array, i, v)
        {
                if (!json_is_string(v)) {
                        snprintf(why, why_size, "%s[%zu]: not a string", key, i);
                        return false;
                }
        }
        return true;
}

static int cap_number(const char *name)
{
        for (int i = 0; rw_canary_cap_name(i) != NULL; i++)
                if (strcmp(rw_canary_cap_name(i), name) == 0)
                        return i;
        return -1;
}

int rw_canary_expect_parse(const char *text, size_t len, const char *source,
                           struct rw_canary_expectation *ret, char *why, size_t why_size)
{
        struct rw_canary_expectation e = {.source = source};
        json_error_t jerr;
        const json_t *caps, *seccomp, *sockets, *mode, *v;
        bool ok = true;
        size_t i;

        e.doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        if (e.doc == NULL) {
                snprintf(why, why_size, "line %d, column %d: %s", jerr.line, jerr.column,
                         jerr.text);
                return -EINVAL;
        }
        v = member(e.doc, "runwarden_canary_expect", JSON_INTEGER, true, &ok, why, why_size);
        if (ok && json_integer_value(v) != EXPECT_VERSION) {
                snprintf(why, why_size,
                         "runwarden_canary_expect: version %lld, this canary reads version %d",
                         (long long)json_integer_value(v), EXPECT_VERSION);
                ok = false;
        }
        e.tier = json_string_value(member(e.doc, "tier", JSON_STRING, true, &ok, why, why_size));
        e.policy =
            json_string_value(member(e.doc, "policy", JSON_STRING, false, &ok, why, why_size));
        mode = member(e.doc, "mode", JSON_STRING, true, &ok, why, why_size);
        e.unenforced = member(e.doc, "unenforced", JSON_ARRAY, true, &ok, why, why_size);
        caps = member(e.doc, "capabilities", JSON_ARRAY, true, &ok, why, why_size);
        v = json_object_get(e.doc, "readonly_rootfs");
        if (ok && !json_is_boolean(v)) {
                snprintf(why, why_size, "readonly_rootfs: missing or not a boolean");
                ok = false;
        }
        e.readonly_rootfs = json_is_true(v);
        v = member(e.doc, "pids_limit", JSON_INTEGER, true, &ok, why, why_size);
        e.pids_limit = ok ? json_integer_value(v) : 0;
        e.scratch = member(e.doc, "scratch", JSON_ARRAY, true, &ok, why, why_size);
        seccomp = member(e.doc, "seccomp", JSON_OBJECT, true, &ok, why, why_size);
        e.seccomp_profile =
            json_string_value(member(seccomp, "profile", JSON_STRING, false, &ok, why, why_size));
        e.syscalls = member(seccomp, "syscalls", JSON_OBJECT, false, &ok, why, why_size);
        e.devices = member(e.doc, "devices", JSON_ARRAY, true, &ok, why, why_size);
        e.bind_prefixes = member(e.doc, "bind_prefixes", JSON_ARRAY, true, &ok, why, why_size);
        sockets = member(e.doc, "engine_sockets", JSON_OBJECT, true, &ok, why, why_size);
        e.socket_paths = member(sockets, "paths", JSON_ARRAY, true, &ok, why, why_size);
        e.socket_names = member(sockets, "names", JSON_ARRAY, true, &ok, why, why_size);

        if (ok && strcmp(json_string_value(mode), "enforce") != 0 &&
            strcmp(json_string_value(mode), "audit") != 0) {
                snprintf(why, why_size, "mode: %s (expected enforce or audit)",
                         json_string_value(mode));
                ok = false;
        }
        e.audit = ok && strcmp(json_string_value(mode), "audit") == 0;
        ok = ok && strings_only(e.unenforced, "unenforced", why, why_size) &&
             strings_only(caps, "capabilities", why, why_size) &&
             strings_only(e.scratch, "scratch", why, why_size) &&
             strings_only(e.devices, "devices", why, why_size) &&
             strings_only(e.socket_paths, "engine_sockets.paths", why, why_size) &&
             strings_only(e.socket_names, "engine_sockets.names", why, why_size);
        json_array_foreach(ok ? caps : NULL, i, v)
        {
                int n = cap_number(json_string_value(v));

                /* A capability this canary cannot name would be judged as forbidden: refuse
                 * the expectation instead of failing the job for a newer kernel's name. */
                if (n < 0) {
                        snprintf(why, why_size, "capabilities[%zu]: unknown capability %s", i,
                                 json_string_value(v));
                        ok = false;
                        break;
                }
                e.capabilities |= UINT64_C(1) << n;
        }
        json_array_foreach(ok ? e.bind_prefixes : NULL, i, v)
        {
                const json_t *path = json_object_get(v, "path");

                if (!json_is_string(path) || json_string_value(path)[0] != '/' ||
                    !json_is_boolean(json_object_get(v, "read_only"))) {
                        snprintf(why, why_size,
                                 "bind_prefixes[%zu]: expected {\"path\": \"/...\", "
                                 "\"read_only\": BOOLEAN}",
                                 i);
                        ok = false;
                        break;
                }
        }
        if (!ok) {
                json_decref(e.doc);
                return -EINVAL;
        }
        *ret = e;
        return 0;
}

void rw_canary_expect_clear(struct rw_canary_expectation *e)
{
        json_decref(e->doc);
        *e = (struct rw_canary_expectation){0};
}

bool rw_canary_expect_cap(const struct rw_canary_expectation *e, int cap)
{
        return cap >= 0 && cap < 64 && (e->capabilities & (UINT64_C(1) << cap)) != 0;
}

const char *rw_canary_expect_syscall(const struct rw_canary_expectation *e, const char *name)
{
        return json_string_value(json_object_get(e->syscalls, name));
}

bool rw_canary_in_list(const json_t *array, const char *value)
{
        size_t i;
        json_t *v;

        json_array_foreach(array, i, v)
        {
                if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
                        return true;
        }
        return false;
}

bool rw_canary_expect_unenforced(const struct rw_canary_expectation *e, const char *rule)
{
        return e->audit || rw_canary_in_list(e->unenforced, rule);
}
