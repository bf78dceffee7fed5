/* SPDX-License-Identifier: Apache-2.0 */
#include "exec.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cleanup.h"
#include "numbers.h"
#include "spec.h"

static int set_string(json_t *obj, const char *key, const char *value)
{
        return json_object_set_new(obj, key, json_string(value)) < 0 ? -ENOMEM : 0;
}

/* Append `value` to the string array `key` of `obj`, creating it. */
static int append_string(json_t *obj, const char *key, const char *value)
{
        json_t *array = json_object_get(obj, key);

        if (array == NULL) {
                array = json_array();
                if (array == NULL || json_object_set_new(obj, key, array) < 0)
                        return -ENOMEM;
        }
        return json_array_append_new(array, json_string(value)) < 0 ? -ENOMEM : 0;
}

static json_t *child_object(json_t *obj, const char *key)
{
        json_t *child = json_object_get(obj, key);

        if (child == NULL) {
                child = json_object();
                if (child == NULL || json_object_set_new(obj, key, child) < 0)
                        return NULL;
        }
        return child;
}

/* runc: strings.SplitN(user, ":", 2), strconv.Atoi of each part, then uint32(n) — so
 * "4294967296" is uid 0. */
static int apply_user(json_t *process, const char *spec, struct rw_plan *plan)
{
        _cleanup_free_ char *copy = strdup(spec);
        json_t *user = child_object(process, "user");
        char *colon;
        int64_t n;

        if (copy == NULL || user == NULL)
                return -ENOMEM;
        colon = strchr(copy, ':');
        if (colon != NULL) {
                *colon = '\0';
                if (!rw_parse_go_int(colon + 1, &n)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, "--user",
                                     "exec --user %s: the group is not a number, runc refuses it",
                                     spec);
                        return 1;
                }
                if (json_object_set_new(user, "gid", json_integer((uint32_t)n)) < 0)
                        return -ENOMEM;
        }
        if (!rw_parse_go_int(copy, &n)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "--user",
                             "exec --user %s: the user is not a number, runc refuses it", spec);
                return 1;
        }
        return json_object_set_new(user, "uid", json_integer((uint32_t)n)) < 0 ? -ENOMEM : 0;
}

static int apply_gids(json_t *process, const struct rw_strv *gids, struct rw_plan *plan)
{
        json_t *user, *list;

        if (gids->n == 0)
                return 0;
        user = child_object(process, "user");
        list = user != NULL ? json_object_get(user, "additionalGids") : NULL;
        if (user != NULL && list == NULL) {
                list = json_array();
                if (list == NULL || json_object_set_new(user, "additionalGids", list) < 0)
                        return -ENOMEM;
        }
        if (list == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < gids->n; i++) {
                int64_t n;

                if (!rw_parse_go_int(gids->v[i], &n) || n < 0) {
                        rw_plan_deny(plan, RW_RULE_SPEC, "--additional-gids",
                                     "exec --additional-gids %s: runc refuses it", gids->v[i]);
                        return 1;
                }
                if (json_array_append_new(list, json_integer((uint32_t)n)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* --cap adds to every set but the inheritable one. */
static int apply_caps(json_t *process, const struct rw_strv *caps)
{
        static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
        json_t *capabilities;

        if (caps->n == 0)
                return 0;
        capabilities = child_object(process, "capabilities");
        if (capabilities == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < caps->n; i++)
                for (size_t s = 0; s < RW_ELEMENTSOF(sets); s++)
                        if (append_string(capabilities, sets[s], caps->v[i]) < 0)
                                return -ENOMEM;
        return 0;
}

static int apply_flags(json_t *p, const struct rw_cli *cli, struct rw_plan *plan)
{
        int r;

        if (cli->exec_cwd != NULL && cli->exec_cwd[0] != '\0' &&
            set_string(p, "cwd", cli->exec_cwd) < 0)
                return -ENOMEM;
        if (cli->exec_apparmor != NULL && cli->exec_apparmor[0] != '\0' &&
            set_string(p, "apparmorProfile", cli->exec_apparmor) < 0)
                return -ENOMEM;
        if (cli->exec_label != NULL && cli->exec_label[0] != '\0' &&
            set_string(p, "selinuxLabel", cli->exec_label) < 0)
                return -ENOMEM;
        r = apply_caps(p, &cli->exec_caps);
        if (r < 0)
                return r;
        for (size_t i = 0; i < cli->exec_env.n; i++)
                if (append_string(p, "env", cli->exec_env.v[i]) < 0)
                        return -ENOMEM;
        if (cli->exec_nnp_set &&
            json_object_set_new(p, "noNewPrivileges", json_boolean(cli->exec_nnp)) < 0)
                return -ENOMEM;
        if (cli->exec_user != NULL && cli->exec_user[0] != '\0') {
                r = apply_user(p, cli->exec_user, plan);
                if (r != 0)
                        return r;
        }
        return apply_gids(p, &cli->exec_gids, plan);
}

int rw_exec_process_from_flags(const json_t *base, const struct rw_cli *cli, json_t **ret,
                               struct rw_plan *plan, struct rw_error *err)
{
        _cleanup_json_ json_t *p = base != NULL ? json_deep_copy(base) : json_object();
        int r;

        *ret = NULL;
        if (p == NULL)
                return rw_error_set(err, ENOMEM, "building the exec process");
        r = apply_flags(p, cli, plan);
        if (r < 0)
                return rw_error_set(err, ENOMEM, "building the exec process");
        if (r == 0)
                *ret = TAKE_PTR(p);
        return 0;
}
