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
#include "netns.h"
#include "nft.h"

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

/* The counters of the pinned namespace, summed per rule id in the chain's order. */
static int read_counters(const char *pin, json_t **ret, struct rw_error *err)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        _cleanup_json_ json_t *obj = NULL, *list = json_array();
        _cleanup_close_ int nsfd = -1;
        uint64_t blocked = 0;
        int r;

        r = rw_netns_open_path(pin, &nsfd, err);
        if (r < 0)
                return r;
        r = rw_nft_read(nsfd, &st, err);
        if (r < 0)
                return r;
        if (list == NULL)
                return rw_error_set(err, ENOMEM, "egress counters");
        for (size_t i = 0; i < st.n_rules; i++) {
                const struct rw_nft_rule_counter *c = &st.rules[i];
                json_t *entry = NULL, *e;
                size_t k;

                json_array_foreach(list, k, e)
                {
                        if (strcmp(json_string_value(json_object_get(e, "id")), c->id) == 0)
                                entry = e;
                }
                if (entry == NULL) {
                        entry =
                            json_pack("{s:s, s:I, s:I, s:b}", "id", c->id, "packets", (json_int_t)0,
                                      "bytes", (json_int_t)0, "reject", c->reject);
                        if (entry == NULL || json_array_append_new(list, entry) < 0)
                                return rw_error_set(err, ENOMEM, "egress counters");
                }
                json_object_set_new(
                    entry, "packets",
                    json_integer(json_integer_value(json_object_get(entry, "packets")) +
                                 (json_int_t)c->packets));
                json_object_set_new(
                    entry, "bytes",
                    json_integer(json_integer_value(json_object_get(entry, "bytes")) +
                                 (json_int_t)c->bytes));
                if (c->reject)
                        blocked += c->packets;
        }
        obj = json_pack("{s:b, s:s, s:O, s:I}", "present", st.present, "mode", st.mode, "counters",
                        list, "blocked", (json_int_t)blocked);
        if (obj == NULL)
                return rw_error_set(err, ENOMEM, "egress counters");
        *ret = TAKE_PTR(obj);
        return 0;
}

int rw_egress_collect(const char *dir, const char *id, const struct rw_container_state *record,
                      json_t **ret, struct rw_error *err)
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
                r = read_counters(pin, ret, err);
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
