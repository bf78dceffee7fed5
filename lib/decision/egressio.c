/* SPDX-License-Identifier: Apache-2.0 */
#include "egressio.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "egress_handoff.h"
#include "json.h"
#include "netns.h"
#include "rules.h"
#include "run.h"
#include "settings.h"

static int append_line(const char *line, size_t len, void *data)
{
        return json_array_append_new(data, json_stringn(line, len)) < 0 ? -ENOMEM : 0;
}

int rw_egress_log_rules(const struct rw_egress_ruleset *set, const char *hook, json_t **ret,
                        struct rw_error *err)
{
        _cleanup_json_ json_t *obj = json_object(), *rules = json_array(), *notes = json_array();
        char fingerprint[65];
        int r;

        if (obj == NULL || rules == NULL || notes == NULL)
                return rw_error_set(err, ENOMEM, "egress log");
        /* the lines logged are the lines fingerprinted: one print of the list for both */
        r = rw_egress_ruleset_lines(set, append_line, rules, fingerprint, err);
        if (r == -ENOMEM)
                return rw_error_set(err, ENOMEM, "egress log");
        if (r < 0)
                return r;
        for (size_t i = 0; i < set->n_notes; i++)
                if (json_array_append_new(notes, json_string(set->notes[i])) < 0)
                        return rw_error_set(err, ENOMEM, "egress log");
        if (json_object_set_new(obj, "mode", json_string(rw_egress_mode_name(set->mode))) < 0 ||
            json_object_set_new(obj, "fingerprint", json_string(fingerprint)) < 0 ||
            json_object_set(obj, "rules", rules) < 0 ||
            (set->n_notes > 0 && json_object_set(obj, "notes", notes) < 0) ||
            (hook != NULL && json_object_set_new(obj, "hook", json_string(hook)) < 0))
                return rw_error_set(err, ENOMEM, "egress log");
        *ret = TAKE_PTR(obj);
        return 0;
}

int rw_egress_handoff_for(const char *dir, const char *id, const char *bundle, int bundle_dirfd,
                          const char *tier, bool pin, const struct rw_egress_ruleset *set,
                          struct rw_container_state *record, struct rw_error *err)
{
        struct rw_egress_handoff h = {0};
        struct stat st;
        int r;

        if (id == NULL)
                return rw_error_set(err, EINVAL, "egress rules need a container id");
        if (fstat(bundle_dirfd, &st) < 0)
                return rw_error_set_errno(err, errno, "the bundle directory %s", bundle);
        h = (struct rw_egress_handoff){
            .id = (char *)id,
            .bundle = (char *)bundle,
            .bundle_dev = (uint64_t)st.st_dev,
            .bundle_ino = (uint64_t)st.st_ino,
            .pin = pin,
            .rules = *set,
        };
        snprintf(h.tier, sizeof(h.tier), "%s", tier != NULL ? tier : "");
        r = rw_egress_handoff_write(dir, &h, err);
        if (r < 0)
                return r;
        record->egress = true;
        record->egress_pin = pin;
        record->bundle_dev = h.bundle_dev;
        record->bundle_ino = h.bundle_ino;
        return 0;
}

int rw_egress_handoff_undo(const char *dir, const char *id, const struct rw_container_state *record,
                           struct rw_error *err)
{
        if (!record->egress)
                return 0;
        return rw_egress_handoff_remove(dir, id, record->bundle_dev, record->bundle_ino, err);
}

/* The hook's answer, as the hook writes it: {"present", "mode", "counters": [{"id", "packets",
 * "bytes", "reject"}...], "blocked"}, nothing more. */
static bool counters_shape(json_t *obj)
{
        json_t *list, *e;
        const char *mode;
        json_int_t blocked;
        int present;
        size_t i;

        if (json_unpack(obj, "{s:b, s:s, s:o, s:I !}", "present", &present, "mode", &mode,
                        "counters", &list, "blocked", &blocked) < 0 ||
            !json_is_array(list))
                return false;
        json_array_foreach(list, i, e)
        {
                const char *id;
                json_int_t packets, bytes;
                int reject;

                if (json_unpack(e, "{s:s, s:I, s:I, s:b !}", "id", &id, "packets", &packets,
                                "bytes", &bytes, "reject", &reject) < 0)
                        return false;
        }
        return true;
}

/*
 * The counters of the namespace pinned at `pin`, read by the egress hook (`hook --counters`, the
 * namespace on its stdin): runwarden links no netlink library (docs/performance.md). The hook is
 * run as root, so it must be what the hooks rule accepts of it at create: a regular file of
 * root's that no one else may write.
 */
static int hook_counters(const char *hook, const char *pin, json_t **ret, struct rw_error *err)
{
        char *argv[] = {(char *)RW_EGRESS_HOOK_NAME, (char *)"--counters", NULL};
        _cleanup_(rw_run_output_clear) struct rw_run_output out = {0};
        _cleanup_close_ int nsfd = -1;
        _cleanup_json_ json_t *obj = NULL;
        /* no environment, as runc runs it at create (the engine's is not the hook's) */
        char *no_env[] = {NULL};
        struct rw_hook_fact f;
        json_error_t jerr;
        const char *why;
        int r;

        rw_facts_hook_examine(hook, &f);
        why = rw_rules_hook_binary_problem(&f);
        if (why != NULL)
                return rw_error_set(err, EPERM, "the egress hook %s cannot be run: %s", hook, why);
        r = rw_netns_open_path(pin, &nsfd, err);
        if (r < 0)
                return r;
        r = rw_run(hook, argv, no_env, nsfd, RW_EGRESS_COUNTERS_TIMEOUT_MS, &out, err);
        if (r < 0)
                return rw_error_prefix(err, "the egress hook %s", hook);
        if (out.status != 0) {
                size_t n = strcspn(out.err, "\n");

                return rw_error_set(err, EIO, "the egress hook %s exited with %d: %.*s", hook,
                                    out.status, (int)(n > 400 ? 400 : n), out.err);
        }
        obj = rw_json_loadb(out.out, out.out_len, &jerr);
        if (obj == NULL || !counters_shape(obj))
                return rw_error_set(err, EIO, "the egress hook %s wrote no counters it could mean",
                                    hook);
        *ret = TAKE_PTR(obj);
        return 0;
}

int rw_egress_collect(const char *dir, const char *hook, const char *id,
                      const struct rw_container_state *record, json_t **ret, struct rw_error *err)
{
        struct rw_error sub = {0};
        char pin[PATH_MAX];
        struct stat st;
        int first = 0, r;

        *ret = NULL;
        if (!record->egress)
                return 0;
        r = rw_egress_pin_path(dir, id, record->bundle_dev, record->bundle_ino, pin, sizeof(pin),
                               err);
        if (r < 0)
                return r;
        /* No pin: counters were off, or the hook never ran (the create failed before it). */
        if (record->egress_pin && lstat(pin, &st) == 0) {
                r = hook_counters(hook, pin, ret, err);
                if (r < 0) {
                        first = r;
                        rw_error_prefix(err, "egress counters of container %s", id);
                }
                r = rw_netns_unpin(pin, first < 0 ? &sub : err);
                if (r < 0 && first == 0)
                        first = r;
        }
        r = rw_egress_handoff_remove(dir, id, record->bundle_dev, record->bundle_ino,
                                     first < 0 ? &sub : err);
        if (r < 0 && first == 0)
                first = r;
        return first;
}
