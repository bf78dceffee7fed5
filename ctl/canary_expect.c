/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canary_expect.h"
#include "cleanup.h"
#include "config.h"
#include "facts.h"
#include "rules.h"
#include "seccomp_compare.h"
#include "seccomp_names.h"

const char *const rw_canary_syscalls[] = {
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "open_tree",
    "mount_setattr",
    "ptrace",
    "process_vm_readv",
    "kcmp",
    "io_uring_setup",
    "userfaultfd",
    "open_by_handle_at",
    "name_to_handle_at",
    "perf_event_open",
    "clock_settime",
    "adjtimex",
    "swapon",
    "chroot",
    "clone3",
    NULL,
};

/* The rules whose effect the canary can see from inside: in audit mode none of them acts. */
static const char *const observed_rules[] = {
    RW_RULE_CAPS,
    RW_RULE_NNP,
    RW_RULE_ROOTFS,
    RW_RULE_SCRATCH,
    RW_RULE_ENGINE_SOCKET,
    RW_RULE_HOST_MOUNT,
    RW_RULE_KERNEL_MOUNT,
    RW_RULE_HOST_NAMESPACE,
    RW_RULE_MASKED_PATHS,
    RW_RULE_DEVICES,
    RW_RULE_SECCOMP,
    RW_RULE_PIDS,
    NULL,
};

static int oom(struct rw_error *err)
{
        return rw_error_set(err, ENOMEM, "out of memory");
}

/* Append a new reference; the caller's `value` is stolen. */
static int push(json_t *array, json_t *value, struct rw_error *err)
{
        return json_array_append_new(array, value) < 0 ? oom(err) : 0;
}

static int set(json_t *object, const char *key, json_t *value, struct rw_error *err)
{
        return json_object_set_new(object, key, value) < 0 ? oom(err) : 0;
}

static int strings(const char *const *list, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return oom(err);
        for (const char *const *p = list; p != NULL && *p != NULL; p++)
                if (push(array, json_string(*p), err) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(array);
        return 0;
}

static int cmp_json_string(const void *a, const void *b)
{
        return strcmp(json_string_value(*(json_t *const *)a),
                      json_string_value(*(json_t *const *)b));
}

/* The capabilities as a sorted array: the order of the policy file says nothing. */
static int capabilities(const char *const *caps, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *unsorted = NULL;
        _cleanup_json_ json_t *array = json_array();
        _cleanup_free_ json_t **items = NULL;
        size_t n;

        if (array == NULL || strings(caps, &unsorted, err) < 0)
                return array == NULL ? oom(err) : -ENOMEM;
        n = json_array_size(unsorted);
        items = calloc(n + 1, sizeof(*items));
        if (items == NULL)
                return oom(err);
        for (size_t i = 0; i < n; i++)
                items[i] = json_array_get(unsorted, i);
        qsort(items, n, sizeof(*items), cmp_json_string);
        for (size_t i = 0; i < n; i++)
                if (i == 0 ||
                    strcmp(json_string_value(items[i]), json_string_value(items[i - 1])) != 0)
                        if (push(array, json_incref(items[i]), err) < 0)
                                return -ENOMEM;
        *ret = TAKE_PTR(array);
        return 0;
}

static int unenforced(const struct rw_tier *tier, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *array = NULL;
        const struct rw_rule_tuning *t = tier->settings.tuning;

        if (tier->mode == RW_TIER_AUDIT)
                return strings(observed_rules, ret, err);
        if ((array = json_array()) == NULL)
                return oom(err);
        for (; t != NULL && t->rule != NULL; t++)
                if (t->action == RW_RULE_WARN && push(array, json_string(t->rule), err) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(array);
        return 0;
}

static int scratch(const struct rw_scratch_mount *mounts, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return oom(err);
        for (const struct rw_scratch_mount *m = mounts; m != NULL && m->size_bytes != 0; m++)
                if (push(array, json_string(m->destination ? m->destination : "$HOME"), err) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(array);
        return 0;
}

static int bind_prefixes(const struct rw_bind_prefix *prefixes, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return oom(err);
        for (const struct rw_bind_prefix *p = prefixes; p != NULL && p->path != NULL; p++)
                if (push(array, json_pack("{s:s, s:b}", "path", p->path, "read_only", p->read_only),
                         err) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(array);
        return 0;
}

static int seccomp(const char *name, const json_t *profile, json_t **ret, struct rw_error *err)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *model = NULL;
        _cleanup_json_ json_t *obj = NULL;
        _cleanup_json_ json_t *calls = NULL;
        uint32_t arch = rw_seccomp_arch_native()->token;
        int r;

        obj = json_pack("{s:s?}", "profile", name);
        if (obj == NULL)
                return oom(err);
        if (profile == NULL) {
                *ret = TAKE_PTR(obj);
                return 0;
        }
        r = rw_seccomp_model_new(profile, RW_SECCOMP_STRICT, &model, err);
        if (r < 0)
                return rw_error_prefix(err, "seccomp profile %s", name ? name : "(unnamed)");
        if ((calls = json_object()) == NULL)
                return oom(err);
        for (const char *const *p = rw_canary_syscalls; *p != NULL; p++) {
                enum rw_seccomp_verdict v = rw_seccomp_model_verdict(model, arch, *p);

                if (set(calls, *p, json_string(rw_seccomp_verdict_name(v)), err) < 0)
                        return -ENOMEM;
        }
        if (set(obj, "syscalls", TAKE_PTR(calls), err) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(obj);
        return 0;
}

int rw_canary_expect(const struct rw_canary_input *in, json_t **ret, struct rw_error *err)
{
        const struct rw_settings *s = &in->tier->settings;
        _cleanup_json_ json_t *doc = NULL;
        json_t *sockets;
        json_t *value;

        doc = json_pack("{s:i, s:s, s:s, s:s, s:s}", "runwarden_canary_expect",
                        RW_CANARY_EXPECT_VERSION, "runwarden", RW_VERSION, "tier", in->tier->name,
                        "policy", in->policy->origin ? in->policy->origin : "", "mode",
                        in->tier->mode == RW_TIER_AUDIT ? "audit" : "enforce");
        if (doc == NULL)
                return oom(err);
        if (unenforced(in->tier, &value, err) < 0 || set(doc, "unenforced", value, err) < 0)
                return -ENOMEM;
        if (capabilities(s->capabilities, &value, err) < 0 ||
            set(doc, "capabilities", value, err) < 0)
                return -ENOMEM;
        if (set(doc, "no_new_privileges", json_true(), err) < 0 ||
            set(doc, "readonly_rootfs", json_boolean(s->readonly_rootfs), err) < 0)
                return -ENOMEM;
        if (scratch(s->scratch, &value, err) < 0 || set(doc, "scratch", value, err) < 0)
                return -ENOMEM;
        if (set(doc, "pids_limit", json_integer(s->pids_limit), err) < 0)
                return -ENOMEM;
        if (seccomp(s->seccomp_profile_name, in->seccomp_profile, &value, err) < 0)
                return -err->code;
        if (set(doc, "seccomp", value, err) < 0)
                return -ENOMEM;
        if (strings(s->lists[RW_LIST_DEVICES], &value, err) < 0 ||
            set(doc, "devices", value, err) < 0)
                return -ENOMEM;
        if (bind_prefixes(s->extra_bind_prefixes, &value, err) < 0 ||
            set(doc, "bind_prefixes", value, err) < 0)
                return -ENOMEM;
        sockets = json_object();
        if (sockets == NULL || set(doc, "engine_sockets", sockets, err) < 0)
                return sockets == NULL ? oom(err) : -ENOMEM;
        if (strings(rw_engine_socket_paths, &value, err) < 0 ||
            set(sockets, "paths", value, err) < 0)
                return -ENOMEM;
        if (strings(rw_engine_socket_names, &value, err) < 0 ||
            set(sockets, "names", value, err) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(doc);
        return 0;
}
