/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One file per container: STATE_DIR/<namespace>/<id>.json, where the namespace is "default" for
 * the delegate's default --root and the hash of the --root string otherwise (rw_store_key_name()).
 * The hash only keeps the directory names short and free of "/"; the file holds the root itself,
 * and a file whose root differs (a collision) is taken as "nothing recorded".
 *
 * The state decides the tier of every later call, so a planted file could weaken it: the state
 * directory and each namespace are trusted stores (store.h), reached without following symlinks,
 * belonging to runwarden's user and writable by nobody else, and files are replaced atomically.
 */
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "store.h"
#include "strv.h"

#define STATE_FILE_MAX    (64u * 1024u)
#define ID_MAX            1024
#define STATE_SUFFIX      ".json"
#define DEFAULT_NAMESPACE "default"

static int file_name(const char *id, char *buf, size_t size, struct rw_error *err)
{
        int n;

        if (!rw_container_id_valid(id, ID_MAX))
                return rw_error_set(err, EINVAL, "invalid container id '%s'",
                                    id != NULL ? id : "(null)");
        n = snprintf(buf, size, "%s" STATE_SUFFIX, id);
        if (n < 0 || (size_t)n >= size)
                return rw_error_set(err, ENAMETOOLONG, "container id %.64s... is too long", id);
        return 0;
}

static void namespace_name(const char *root, char buf[RW_STORE_NAME_MAX])
{
        if (root == NULL)
                snprintf(buf, RW_STORE_NAME_MAX, DEFAULT_NAMESPACE);
        else
                rw_store_key_name(root, strlen(root), "", buf);
}

static const char *state_dir_or_default(const char *state_dir)
{
        return state_dir != NULL ? state_dir : RW_STATE_DIR;
}

/* The store holding the files of `root`; -ENOENT (err not set) when absent and !create. */
static int open_namespace(const char *state_dir, const char *root, bool create,
                          struct rw_store *ret, struct rw_error *err)
{
        _cleanup_store_ struct rw_store top = RW_STORE_INIT;
        char name[RW_STORE_NAME_MAX];
        struct rw_error sub = {0};
        int r;

        state_dir = state_dir_or_default(state_dir);
        r = rw_store_open(state_dir, create, &top, &sub);
        if (r == -ENOENT && !create)
                return r;
        if (r < 0) {
                *err = sub;
                return r;
        }
        namespace_name(root, name);
        r = rw_store_open_child(&top, name, create, ret, &sub);
        if (r == -ENOENT && !create)
                return r;
        if (r < 0) {
                *err = sub;
                return rw_error_prefix(err, "state directory %s", state_dir);
        }
        return 0;
}

/* 64-bit device and inode numbers as decimal strings: jansson's integers are signed. */
static json_t *egress_json(const struct rw_container_state *st)
{
        char dev[24], ino[24];

        snprintf(dev, sizeof(dev), "%" PRIu64, st->bundle_dev);
        snprintf(ino, sizeof(ino), "%" PRIu64, st->bundle_ino);
        return json_pack("{s:s, s:s, s:b}", "bundle_dev", dev, "bundle_ino", ino, "pin",
                         st->egress_pin);
}

static json_t *gids_json(const struct rw_container_state *st)
{
        _cleanup_json_ json_t *gids = json_array();

        if (gids == NULL)
                return NULL;
        for (size_t i = 0; i < st->n_gids; i++)
                if (json_array_append_new(gids, json_integer(st->gids[i])) < 0)
                        return NULL;
        return TAKE_PTR(gids);
}

/* The container's own process, as an exec is compared with it. */
static json_t *owner_json(const struct rw_container_state *st)
{
        return json_pack("{s:s, s:s, s:o}", "apparmorProfile", st->apparmor, "selinuxLabel",
                         st->selinux, "additionalGids", gids_json(st));
}

json_t *rw_state_owner_process(const struct rw_container_state *st)
{
        if (!st->owner_known)
                return NULL;
        return json_pack("{s:{s:I, s:I, s:o}, s:s, s:s}", "user", "uid", (json_int_t)st->uid, "gid",
                         (json_int_t)st->gid, "additionalGids", gids_json(st), "apparmorProfile",
                         st->apparmor, "selinuxLabel", st->selinux);
}

/* The volume registry's entries it is in. */
static json_t *volumes_json(const struct rw_container_state *st)
{
        _cleanup_json_ json_t *list = json_array();

        if (list == NULL)
                return NULL;
        for (size_t i = 0; i < st->n_volumes; i++)
                if (json_array_append_new(list, json_string(st->volumes[i])) < 0)
                        return NULL;
        return TAKE_PTR(list);
}

/* What a pass-through call needs of the policy the create was decided by. */
static json_t *exec_json(const struct rw_container_state *st)
{
        _cleanup_json_ json_t *caps = json_array(), *tuning = json_array();

        if (caps == NULL || tuning == NULL)
                return NULL;
        for (size_t i = 0; i < st->n_exec_caps; i++)
                if (json_array_append_new(caps, json_string(st->exec_caps[i])) < 0)
                        return NULL;
        for (size_t i = 0; i < st->n_exec_tuning; i++)
                if (json_array_append_new(tuning, json_pack("[s,i]", st->exec_tuning[i].rule,
                                                            st->exec_tuning[i].action)) < 0)
                        return NULL;
        return json_pack("{s:i, s:O, s:O}", "policy", st->exec_policy, "capabilities", caps,
                         "tuning", tuning);
}

static json_t *policy_json(const struct rw_container_state *st)
{
        _cleanup_json_ json_t *doc = json_pack(
            "{s:s, s:s, s:s?, s:b, s:b}", "stamp", st->policy_stamp, "build", st->policy_build,
            "log", st->decision_log[0] != '\0' ? st->decision_log : NULL, "audit", st->tier_audit,
            "refuse", st->log_refuse);

        if (doc != NULL && st->exec_known && json_object_set_new(doc, "exec", exec_json(st)) < 0)
                return NULL;
        return TAKE_PTR(doc);
}

static bool u64_text(const json_t *v, uint64_t *ret)
{
        const char *s = json_string_value(v);
        char *end = NULL;
        unsigned long long n;

        if (s == NULL || s[0] < '0' || s[0] > '9')
                return false;
        errno = 0;
        n = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0')
                return false;
        *ret = n;
        return true;
}

int rw_state_save(const char *state_dir, const char *root, const char *id,
                  const struct rw_container_state *st, struct rw_error *err)
{
        _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *text = NULL;
        char name[NAME_MAX + 1];
        size_t len;
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        /* What load would refuse is not written. */
        if (st->tier[0] == '\0' || memchr(st->tier, '\0', sizeof(st->tier)) == NULL)
                return rw_error_set(err, EINVAL, "invalid tier name for container %s", id);
        if (memchr(st->runtime, '\0', sizeof(st->runtime)) == NULL ||
            (st->runtime[0] != '\0' && st->runtime[0] != '/'))
                return rw_error_set(err, EINVAL, "invalid runtime for container %s", id);
        if (st->volumes_known && st->n_volumes > RW_STATE_MAX_VOLUMES)
                return rw_error_set(err, EINVAL, "invalid volume list for container %s", id);
        for (size_t i = 0; st->volumes_known && i < st->n_volumes; i++)
                if (memchr(st->volumes[i], '\0', sizeof(st->volumes[i])) == NULL ||
                    !rw_volume_entry_name_valid(st->volumes[i]))
                        return rw_error_set(err, EINVAL, "invalid volume list for container %s",
                                            id);
        if (st->owner_known && (memchr(st->apparmor, '\0', sizeof(st->apparmor)) == NULL ||
                                memchr(st->selinux, '\0', sizeof(st->selinux)) == NULL ||
                                st->n_gids > RW_STATE_MAX_GIDS))
                return rw_error_set(err, EINVAL, "invalid process record for container %s", id);
        if (memchr(st->policy_stamp, '\0', sizeof(st->policy_stamp)) == NULL ||
            memchr(st->decision_log, '\0', sizeof(st->decision_log)) == NULL)
                return rw_error_set(err, EINVAL, "invalid policy record for container %s", id);
        if (st->exec_known &&
            (st->n_exec_caps > RW_STATE_MAX_CAPS || st->n_exec_tuning > RW_STATE_MAX_TUNING))
                return rw_error_set(err, EINVAL, "invalid exec record for container %s", id);
        if (st->uid < -1 || st->uid > UINT32_MAX || st->gid < -1 || st->gid > UINT32_MAX)
                return rw_error_set(err, EINVAL, "invalid user %lld:%lld for container %s",
                                    (long long)st->uid, (long long)st->gid, id);
        doc = json_object();
        if (doc == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* json_string() refuses text that is not UTF-8 (a strange --root): nothing is recorded. */
        if (json_object_set_new(doc, "root", root != NULL ? json_string(root) : json_null()) < 0 ||
            json_object_set_new(doc, "id", json_string(id)) < 0 ||
            json_object_set_new(doc, "tier", json_string(st->tier)) < 0 ||
            json_object_set_new(doc, "uid", json_integer(st->uid)) < 0 ||
            json_object_set_new(doc, "gid", json_integer(st->gid)) < 0 ||
            (st->sandbox[0] != '\0' &&
             json_object_set_new(doc, "sandbox", json_string(st->sandbox)) < 0) ||
            (st->pod[0] != '\0' && json_object_set_new(doc, "pod", json_string(st->pod)) < 0) ||
            (st->egress && json_object_set_new(doc, "egress", egress_json(st)) < 0) ||
            (st->owner_known && json_object_set_new(doc, "owner", owner_json(st)) < 0) ||
            (st->volumes_known && json_object_set_new(doc, "volumes", volumes_json(st)) < 0) ||
            (st->runtime[0] != '\0' &&
             json_object_set_new(doc, "runtime", json_string(st->runtime)) < 0) ||
            (st->policy_stamp[0] != '\0' &&
             json_object_set_new(doc, "policy", policy_json(st)) < 0))
                return rw_error_set(err, EINVAL,
                                    "cannot record container %s: a name in it is not UTF-8", id);
        r = rw_json_dump(doc, &text, &len, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot record container %s", id);

        r = open_namespace(state_dir, root, true, &ns, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot record container %s", id);
        r = rw_store_write(&ns, name, text, len, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot record container %s", id);
        return 0;
}

static bool is_id_number(const json_t *v)
{
        json_int_t n = json_integer_value(v);

        return json_is_integer(v) && n >= -1 && n <= (json_int_t)UINT32_MAX;
}

/* A state file as written; the strings point into *ret_doc. */
struct record_view {
        const char *root; /* NULL: the default root */
        const char *id;
        const json_t *tier, *uid, *gid, *sandbox, *pod, *egress, *owner, *volumes, *runtime,
            *policy;
};

static int parse_record(const char *data, size_t len, json_t **ret_doc, struct record_view *ret,
                        struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        json_t *root;
        json_error_t jerr;

        doc = rw_json_loadb(data, len, &jerr);
        if (doc == NULL)
                return rw_error_set(err, EINVAL, "line %d, column %d: %s", jerr.line, jerr.column,
                                    jerr.text);
        root = json_object_get(doc, "root");
        *ret = (struct record_view){
            .root = json_string_value(root),
            .id = json_string_value(json_object_get(doc, "id")),
            .tier = json_object_get(doc, "tier"),
            .uid = json_object_get(doc, "uid"),
            .gid = json_object_get(doc, "gid"),
            .sandbox = json_object_get(doc, "sandbox"),
            .pod = json_object_get(doc, "pod"),
            .egress = json_object_get(doc, "egress"),
            .owner = json_object_get(doc, "owner"),
            .volumes = json_object_get(doc, "volumes"),
            .runtime = json_object_get(doc, "runtime"),
            .policy = json_object_get(doc, "policy"),
        };
        if (!json_is_object(doc) || !(json_is_null(root) || json_is_string(root)) ||
            ret->id == NULL || !json_is_string(ret->tier) || !is_id_number(ret->uid) ||
            !is_id_number(ret->gid) || (ret->sandbox != NULL && !json_is_string(ret->sandbox)) ||
            (ret->pod != NULL && !json_is_string(ret->pod)) ||
            (ret->egress != NULL &&
             (!json_is_object(ret->egress) || json_object_size(ret->egress) != 3 ||
              !json_is_boolean(json_object_get(ret->egress, "pin")))))
                return rw_error_set(err, EINVAL, "not a runwarden state file");
        *ret_doc = TAKE_PTR(doc);
        return 0;
}

static int owner_label(const json_t *v, char *buf, size_t size)
{
        if (!json_is_string(v) || json_string_length(v) >= size ||
            strlen(json_string_value(v)) != json_string_length(v))
                return -EINVAL;
        memcpy(buf, json_string_value(v), json_string_length(v) + 1);
        return 0;
}

static int owner_state(const json_t *owner, struct rw_container_state *ret)
{
        const json_t *gids = json_object_get(owner, "additionalGids");
        size_t i;
        json_t *g;

        if (!json_is_object(owner) || json_object_size(owner) != 3 || !json_is_array(gids) ||
            json_array_size(gids) > RW_STATE_MAX_GIDS ||
            owner_label(json_object_get(owner, "apparmorProfile"), ret->apparmor,
                        sizeof(ret->apparmor)) < 0 ||
            owner_label(json_object_get(owner, "selinuxLabel"), ret->selinux,
                        sizeof(ret->selinux)) < 0)
                return -EINVAL;
        json_array_foreach(gids, i, g)
        {
                if (!json_is_integer(g) || json_integer_value(g) < 0 ||
                    json_integer_value(g) > (json_int_t)UINT32_MAX)
                        return -EINVAL;
                ret->gids[i] = (uint32_t)json_integer_value(g);
        }
        ret->n_gids = json_array_size(gids);
        ret->owner_known = true;
        return 0;
}

static int volumes_state(const json_t *volumes, struct rw_container_state *ret)
{
        size_t i;
        json_t *name;

        if (!json_is_array(volumes) || json_array_size(volumes) > RW_STATE_MAX_VOLUMES)
                return -EINVAL;
        json_array_foreach(volumes, i, name)
        {
                if (!json_is_string(name) || json_string_length(name) >= RW_STORE_NAME_MAX ||
                    !rw_volume_entry_name_valid(json_string_value(name)))
                        return -EINVAL;
                memcpy(ret->volumes[i], json_string_value(name), json_string_length(name) + 1);
        }
        ret->n_volumes = json_array_size(volumes);
        ret->volumes_known = true;
        return 0;
}

/* A string that fits `size` with its NUL and holds none inside. */
static bool text_fits(const json_t *v, size_t size)
{
        return json_is_string(v) && json_string_length(v) < size &&
               strlen(json_string_value(v)) == json_string_length(v);
}

/* A small non-negative number: an enum's value. */
static bool small_number(const json_t *v)
{
        return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 64;
}

static int exec_state(const json_t *exec, struct rw_container_state *ret)
{
        const json_t *caps = json_object_get(exec, "capabilities");
        const json_t *tuning = json_object_get(exec, "tuning");
        const json_t *policy = json_object_get(exec, "policy");
        size_t i;
        json_t *v;

        if (!json_is_object(exec) || !small_number(policy) || !json_is_array(caps) ||
            json_array_size(caps) > RW_STATE_MAX_CAPS || !json_is_array(tuning) ||
            json_array_size(tuning) > RW_STATE_MAX_TUNING)
                return -EINVAL;
        json_array_foreach(caps, i, v)
        {
                if (!text_fits(v, sizeof(ret->exec_caps[i])))
                        return -EINVAL;
                memcpy(ret->exec_caps[i], json_string_value(v), json_string_length(v) + 1);
        }
        json_array_foreach(tuning, i, v)
        {
                const json_t *rule = json_array_get(v, 0), *action = json_array_get(v, 1);

                if (!json_is_array(v) || json_array_size(v) != 2 ||
                    !text_fits(rule, sizeof(ret->exec_tuning[i].rule)) || !small_number(action))
                        return -EINVAL;
                memcpy(ret->exec_tuning[i].rule, json_string_value(rule),
                       json_string_length(rule) + 1);
                ret->exec_tuning[i].action = (int)json_integer_value(action);
        }
        ret->exec_policy = (int)json_integer_value(policy);
        ret->n_exec_caps = json_array_size(caps);
        ret->n_exec_tuning = json_array_size(tuning);
        ret->exec_known = true;
        return 0;
}

static int policy_state(const json_t *policy, struct rw_container_state *ret)
{
        const json_t *exec = json_object_get(policy, "exec");
        const json_t *stamp = json_object_get(policy, "stamp");
        const json_t *log = json_object_get(policy, "log");
        const json_t *audit = json_object_get(policy, "audit");
        const json_t *refuse = json_object_get(policy, "refuse");
        const json_t *build = json_object_get(policy, "build");

        if (!json_is_object(policy) || !(refuse == NULL || json_is_boolean(refuse)) ||
            !(build == NULL || text_fits(build, sizeof(ret->policy_build))) ||
            !text_fits(stamp, sizeof(ret->policy_stamp)) || json_string_length(stamp) == 0 ||
            !(json_is_null(log) ||
              (text_fits(log, sizeof(ret->decision_log)) && json_string_value(log)[0] == '/')) ||
            !json_is_boolean(audit))
                return -EINVAL;
        /* a record that does not say whether a call that cannot be logged is refused, or which
         * build read the policy (runwarden before it did): its calls go the long way */
        if (refuse == NULL || build == NULL)
                return 0;
        memcpy(ret->policy_build, json_string_value(build), json_string_length(build) + 1);
        memcpy(ret->policy_stamp, json_string_value(stamp), json_string_length(stamp) + 1);
        if (json_is_string(log))
                memcpy(ret->decision_log, json_string_value(log), json_string_length(log) + 1);
        ret->tier_audit = json_is_true(audit);
        ret->log_refuse = json_is_true(refuse);
        return exec != NULL ? exec_state(exec, ret) : 0;
}

static int record_state(const struct record_view *v, struct rw_container_state *ret,
                        struct rw_error *err)
{
        if (json_string_length(v->tier) == 0 || json_string_length(v->tier) >= sizeof(ret->tier) ||
            strlen(json_string_value(v->tier)) != json_string_length(v->tier))
                return rw_error_set(err, EINVAL, "invalid tier name");
        memset(ret, 0, sizeof(*ret));
        memcpy(ret->tier, json_string_value(v->tier), json_string_length(v->tier));
        ret->uid = json_integer_value(v->uid);
        ret->gid = json_integer_value(v->gid);
        if (v->sandbox != NULL)
                snprintf(ret->sandbox, sizeof(ret->sandbox), "%s", json_string_value(v->sandbox));
        if (v->pod != NULL)
                snprintf(ret->pod, sizeof(ret->pod), "%s", json_string_value(v->pod));
        if (v->egress != NULL) {
                if (!u64_text(json_object_get(v->egress, "bundle_dev"), &ret->bundle_dev) ||
                    !u64_text(json_object_get(v->egress, "bundle_ino"), &ret->bundle_ino))
                        return rw_error_set(err, EINVAL, "invalid egress record");
                ret->egress = true;
                ret->egress_pin = json_is_true(json_object_get(v->egress, "pin"));
        }
        if (v->owner != NULL && owner_state(v->owner, ret) < 0)
                return rw_error_set(err, EINVAL, "invalid process record");
        if (v->volumes != NULL && volumes_state(v->volumes, ret) < 0)
                return rw_error_set(err, EINVAL, "invalid volume list");
        if (v->runtime != NULL &&
            (!json_is_string(v->runtime) ||
             json_string_length(v->runtime) >= sizeof(ret->runtime) ||
             strlen(json_string_value(v->runtime)) != json_string_length(v->runtime) ||
             json_string_value(v->runtime)[0] != '/'))
                return rw_error_set(err, EINVAL, "invalid runtime");
        if (v->runtime != NULL)
                memcpy(ret->runtime, json_string_value(v->runtime),
                       json_string_length(v->runtime) + 1);
        if (v->policy != NULL && policy_state(v->policy, ret) < 0)
                return rw_error_set(err, EINVAL, "invalid policy record");
        return 0;
}

/* The fields of a state file; *ret_ours false when it belongs to another root with the same
 * hash. */
static int parse_state(const char *data, size_t len, const char *root, const char *id,
                       struct rw_container_state *ret, bool *ret_ours, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        struct record_view v;
        int r;

        r = parse_record(data, len, &doc, &v, err);
        if (r < 0)
                return r;
        if (root == NULL ? v.root != NULL : v.root == NULL || strcmp(v.root, root) != 0) {
                *ret_ours = false;
                return 0;
        }
        if (strcmp(v.id, id) != 0)
                return rw_error_set(err, EINVAL, "it records container %s", v.id);
        r = record_state(&v, ret, err);
        if (r < 0)
                return r;
        *ret_ours = true;
        return 0;
}

int rw_state_load(const char *state_dir, const char *root, const char *id,
                  struct rw_container_state *ret, bool *ret_found, struct rw_error *err)
{
        _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
        _cleanup_free_ char *data = NULL;
        char name[NAME_MAX + 1];
        struct rw_error sub = {0};
        bool ours = false;
        size_t len = 0;
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        r = open_namespace(state_dir, root, false, &ns, err);
        if (r == -ENOENT) {
                *ret_found = false;
                return 0;
        }
        if (r < 0)
                return rw_error_prefix(err, "cannot read the record of container %s", id);
        r = rw_store_read(&ns, name, STATE_FILE_MAX, &data, &len, &sub);
        if (r == -ENOENT) {
                *ret_found = false;
                return 0;
        }
        if (r < 0) {
                *err = sub;
                return rw_error_prefix(err, "cannot read the record of container %s", id);
        }
        r = parse_state(data, len, root, id, ret, &ours, err);
        if (r < 0)
                return rw_error_prefix(err, "record %s of container %s", name, id);
        *ret_found = ours;
        return 0;
}

int rw_state_remove(const char *state_dir, const char *root, const char *id, struct rw_error *err)
{
        _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
        char name[NAME_MAX + 1];
        int r;

        r = file_name(id, name, sizeof(name), err);
        if (r < 0)
                return r;
        r = open_namespace(state_dir, root, false, &ns, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return rw_error_prefix(err, "cannot remove the record of container %s", id);
        r = rw_store_remove(&ns, name, err);
        if (r < 0)
                return rw_error_prefix(err, "cannot remove the record of container %s", id);
        return 0;
}

void rw_state_records_free(struct rw_container_record *records, size_t n)
{
        for (size_t i = 0; records != NULL && i < n; i++) {
                free(records[i].root);
                free(records[i].id);
        }
        free(records);
}

struct record_list {
        struct rw_container_record *items;
        size_t n;
};

static void record_list_clear(struct record_list *l)
{
        rw_state_records_free(l->items, l->n);
}

/* The record in `file` of the namespace store `ns`, appended to `list`: it must be where it
 * would be looked up. */
static int list_one(const struct rw_store *ns, const char *ns_name, const char *file,
                    struct record_list *list, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *data = NULL;
        char expected_ns[RW_STORE_NAME_MAX], expected_file[NAME_MAX + 1];
        struct rw_container_record *grown, *rec;
        struct record_view v;
        size_t len;
        int r;

        r = rw_store_read(ns, file, STATE_FILE_MAX, &data, &len, err);
        if (r >= 0)
                r = parse_record(data, len, &doc, &v, err);
        if (r < 0)
                return rw_error_prefix(err, "record %s/%s", ns->path, file);
        namespace_name(v.root, expected_ns);
        if (strcmp(ns_name, expected_ns) != 0 ||
            file_name(v.id, expected_file, sizeof(expected_file), err) < 0 ||
            strcmp(file, expected_file) != 0)
                return rw_error_set(err, EINVAL, "record %s/%s: it records another container",
                                    ns->path, file);
        grown = reallocarray(list->items, list->n + 1, sizeof(*list->items));
        if (grown == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        list->items = grown;
        rec = &list->items[list->n];
        *rec = (struct rw_container_record){0};
        list->n++;
        r = record_state(&v, &rec->state, err);
        if (r < 0)
                return rw_error_prefix(err, "record %s/%s", ns->path, file);
        rec->id = strdup(v.id);
        if (rec->id == NULL || (v.root != NULL && (rec->root = strdup(v.root)) == NULL))
                return rw_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int rw_state_list(const char *state_dir, struct rw_container_record **ret, size_t *ret_n,
                  struct rw_error *err)
{
        _cleanup_(record_list_clear) struct record_list list = {0};
        _cleanup_store_ struct rw_store top = RW_STORE_INIT;
        _cleanup_strv_ char **namespaces = NULL;
        struct rw_error sub = {0};
        int r;

        r = rw_store_open(state_dir_or_default(state_dir), false, &top, &sub);
        if (r == -ENOENT) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (r < 0) {
                *err = sub;
                return r;
        }
        r = rw_store_list(&top, "", &namespaces, err);
        if (r < 0)
                return r;
        for (size_t i = 0; namespaces[i] != NULL; i++) {
                _cleanup_store_ struct rw_store ns = RW_STORE_INIT;
                _cleanup_strv_ char **files = NULL;

                r = rw_store_open_child(&top, namespaces[i], false, &ns, err);
                if (r >= 0)
                        r = rw_store_list(&ns, STATE_SUFFIX, &files, err);
                if (r < 0)
                        return rw_error_prefix(err, "state directory %s", top.path);
                for (size_t k = 0; files[k] != NULL; k++) {
                        r = list_one(&ns, namespaces[i], files[k], &list, err);
                        if (r < 0)
                                return r;
                }
        }
        *ret = TAKE_PTR(list.items);
        *ret_n = list.n;
        list.n = 0;
        return 0;
}
