/* SPDX-License-Identifier: Apache-2.0 */
/* Typed access to the policy document, with errors that say where the value is. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "policy_internal.h"

void rw_policy_append(char *buf, size_t size, const char *fmt, ...)
{
        size_t o = strnlen(buf, size);
        va_list ap;

        if (o + 1 >= size)
                return;
        va_start(ap, fmt);
        vsnprintf(buf + o, size - o, fmt, ap);
        va_end(ap);
}

int rw_policy_fail(const struct rw_policy_parser *ps, const struct rw_json_path *p, bool at_key,
                   const char *fmt, ...)
{
        char msg[RW_ERROR_MSG_MAX], where[256], sep[3] = "";
        size_t offset;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        rw_jsonpos_path_format(p, where, sizeof(where));
        if (where[0] != '\0')
                strcpy(sep, ": ");
        if (rw_jsonpos_locate(ps->text, ps->len, p, at_key, &offset)) {
                int line, column;

                rw_jsonpos_line_column(ps->text, offset, &line, &column);
                return rw_error_set(ps->err, EINVAL, "%s:%d:%d: %s%s%s", ps->origin, line, column,
                                    where, sep, msg);
        }
        if (where[0] == '\0')
                return rw_error_set(ps->err, EINVAL, "%s: %s", ps->origin, msg);
        return rw_error_set(ps->err, EINVAL, "%s: %s: %s", ps->origin, where, msg);
}

int rw_policy_oom(const struct rw_policy_parser *ps)
{
        return rw_error_set(ps->err, ENOMEM, "%s: out of memory", ps->origin);
}

const char *rw_policy_kind_of(const json_t *v)
{
        if (rw_json_is_verbatim_number(v))
                return "a number";
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
                return "an integer";
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

int rw_policy_expect_object(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p)
{
        if (json_is_object(v))
                return 0;
        return rw_policy_fail(ps, p, false, "expected an object, got %s", rw_policy_kind_of(v));
}

int rw_policy_expect_array(const struct rw_policy_parser *ps, const json_t *v,
                           const struct rw_json_path *p)
{
        if (json_is_array(v))
                return 0;
        return rw_policy_fail(ps, p, false, "expected an array, got %s", rw_policy_kind_of(v));
}

/* Verbatim numbers travel as strings inside jansson: they must never pass for one. */
int rw_policy_expect_string(const struct rw_policy_parser *ps, const json_t *v,
                            const struct rw_json_path *p, const char **ret)
{
        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return rw_policy_fail(ps, p, false, "expected a string, got %s",
                                      rw_policy_kind_of(v));
        *ret = json_string_value(v);
        return 0;
}

int rw_policy_expect_nonempty_string(const struct rw_policy_parser *ps, const json_t *v,
                                     const struct rw_json_path *p, const char **ret)
{
        int r = rw_policy_expect_string(ps, v, p, ret);

        if (r < 0)
                return r;
        if ((*ret)[0] == '\0')
                return rw_policy_fail(ps, p, false, "must not be empty");
        return 0;
}

int rw_policy_expect_bool(const struct rw_policy_parser *ps, const json_t *v,
                          const struct rw_json_path *p, bool *ret)
{
        if (!json_is_boolean(v))
                return rw_policy_fail(ps, p, false, "expected true or false, got %s",
                                      rw_policy_kind_of(v));
        *ret = json_is_true(v);
        return 0;
}

int rw_policy_expect_integer(const struct rw_policy_parser *ps, const json_t *v,
                             const struct rw_json_path *p, int64_t *ret)
{
        const char *verbatim = rw_json_verbatim_number_text(v);

        if (verbatim != NULL)
                return rw_policy_fail(ps, p, false,
                                      "expected an integer, got %s (not an integer that fits "
                                      "in 64 bits)",
                                      verbatim);
        if (!json_is_integer(v))
                return rw_policy_fail(ps, p, false, "expected an integer, got %s",
                                      rw_policy_kind_of(v));
        *ret = json_integer_value(v);
        return 0;
}

/* `names` NULL-terminated; the result is the index of the match. */
int rw_policy_expect_enum(const struct rw_policy_parser *ps, const json_t *v,
                          const struct rw_json_path *p, const char *const *names, int *ret)
{
        char expected[256] = "";
        const char *s;
        int r;

        r = rw_policy_expect_string(ps, v, p, &s);
        if (r < 0)
                return r;
        for (int i = 0; names[i] != NULL; i++) {
                if (strcmp(s, names[i]) == 0) {
                        *ret = i;
                        return 0;
                }
                rw_policy_append(expected, sizeof(expected), "%s%s",
                                 i == 0                 ? ""
                                 : names[i + 1] == NULL ? " or "
                                                        : ", ",
                                 names[i]);
        }
        return rw_policy_fail(ps, p, false, "unknown value \"%s\" (expected %s)", s, expected);
}

int rw_policy_check_keys(const struct rw_policy_parser *ps, const json_t *obj,
                         const struct rw_json_path *p, const char *const *allowed)
{
        const char *key;
        json_t *value;

        json_object_foreach((json_t *)obj, key, value)
        {
                char list[512] = "";
                struct rw_json_path kp;
                bool known = false;

                for (size_t i = 0; allowed[i] != NULL && !known; i++)
                        known = strcmp(key, allowed[i]) == 0;
                if (known)
                        continue;
                /* The list is for the message only: every call loads the policy, and building it
                 * for every key was a third of that (docs/performance.md). */
                for (size_t i = 0; allowed[i] != NULL; i++)
                        rw_policy_append(list, sizeof(list), "%s%s", i == 0 ? "" : ", ",
                                         allowed[i]);
                kp = rw_jsonpos_path_key(p, key);
                return rw_policy_fail(ps, &kp, true, "unknown key (expected one of: %s)", list);
        }
        return 0;
}

int rw_policy_require_key(const struct rw_policy_parser *ps, const json_t *obj,
                          const struct rw_json_path *p, const char *key, const json_t **ret)
{
        *ret = json_object_get(obj, key);
        if (*ret == NULL)
                return rw_policy_fail(ps, p, false, "missing required key \"%s\"", key);
        return 0;
}
