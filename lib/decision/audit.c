/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include "spec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cleanup.h"
#include "utf8.h"
#include "json.h"
#include "utctime.h"

/*
 * The job sets its own environment: an identity value is a label, not a proof, and a job that
 * makes one a megabyte long must not make every line of the log that long.
 */
#define IDENTITY_MAX 256

const char *rw_outcome_name(enum rw_outcome outcome)
{
        switch (outcome) {
        case RW_OUTCOME_UNCHANGED:
                return "unchanged";
        case RW_OUTCOME_REWRITTEN:
                return "rewritten";
        case RW_OUTCOME_REFUSED:
                return "refused";
        case RW_OUTCOME_ERROR:
                return "error";
        case RW_OUTCOME_AUDITED:
                return "audited";
        case RW_OUTCOME_PASSTHROUGH:
                return "passthrough";
        }
        return "error";
}

/*
 * A JSON string for text that did not come from a parsed document (a bundle path from argv, an
 * error message naming one) and may therefore not be UTF-8: each invalid byte is written as the
 * four characters "\xNN" instead of losing the whole line. At most `max` bytes of input are taken
 * (0: all), cut before a character that would cross the limit. NULL only when out of memory.
 */
static json_t *text_value(const char *s, size_t max)
{
        const unsigned char *in = (const unsigned char *)s;
        size_t len = strlen(s), limit = max > 0 && max < len ? max : len, i = 0, o = 0;
        _cleanup_free_ char *out = NULL;

        /* Almost every value is ASCII: nothing to replace or check, no copy to build. */
        while (i < limit && in[i] < 0x80)
                i++;
        if (i == limit)
                return json_stringn_nocheck(s, limit);
        i = 0;
        out = malloc(limit * 4 + 1);
        if (out == NULL)
                return NULL;
        while (i < limit) {
                size_t n = rw_utf8_sequence(in + i, len - i);

                if (n == 0) {
                        o += (size_t)snprintf(out + o, 5, "\\x%02x", in[i]);
                        i++;
                        continue;
                }
                if (i + n > limit)
                        break;
                memcpy(out + o, in + i, n);
                o += n;
                i += n;
        }
        return json_stringn(out, o);
}

static int set_text(json_t *obj, const char *key, const char *s)
{
        if (s == NULL)
                return 0;
        return json_object_set_new(obj, key, text_value(s, 0));
}

/* An owned value of the plan, shared rather than copied: the line lives shorter than the plan. */
/* A change's value above this many bytes of JSON (a whole seccomp profile) is summarised: the
 * log stays greppable and a create line stays a few KB; `runwardenctl explain` shows it all. */
#define AUDIT_VALUE_MAX 1024

/* What each byte adds to a JSON string's length beyond itself: "\n" is 2, "\u0001" 6. */
static const unsigned char escape_extra[256] = {
    5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, /* \b \t \n, \f \r */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, ['"'] = 1, ['\\'] = 1,
};

/*
 * rw_json_compact_size(), the same count (the summary says it, byte for byte), in a third of the
 * instructions: a table instead of seven comparisons per byte of a string.
 */
static size_t value_size(const json_t *value)
{
        size_t n = 2;

        switch (json_typeof(value)) {
        case JSON_OBJECT: {
                const char *key;
                size_t key_len, count = 0;
                json_t *item;

                json_object_keylen_foreach((json_t *)value, key, key_len, item)
                {
                        n += 4 + key_len + value_size(item); /* "key": and a comma */
                        for (size_t i = 0; i < key_len; i++)
                                n += escape_extra[(unsigned char)key[i]];
                        count++;
                }
                return count > 0 ? n - 1 : n;
        }
        case JSON_ARRAY: {
                size_t count = json_array_size(value);

                for (size_t i = 0; i < count; i++)
                        n += value_size(json_array_get(value, i)) + 1;
                return count > 0 ? n - 1 : n;
        }
        case JSON_STRING: {
                const unsigned char *s = (const unsigned char *)json_string_value(value);
                size_t len = json_string_length(value);

                n += len;
                for (size_t i = 0; i < len; i++)
                        n += escape_extra[s[i]];
                return n;
        }
        default:
                return rw_json_compact_size(value);
        }
}

static int set_value(json_t *obj, const char *key, json_t *value)
{
        char summary[96];
        size_t len;

        if (value == NULL)
                return 0;
        if (rw_json_is_verbatim_document(value)) {
                /* a profile runwarden kept as text: read back only when it is shown whole */
                const char *text = rw_json_verbatim_document_text(value, &len);
                struct rw_error ignored = {0};
                json_t *tree = NULL;

                if (len <= AUDIT_VALUE_MAX && rw_json_parse(text, len, &tree, &ignored) == 0)
                        return json_object_set_new(obj, key, tree);
                snprintf(summary, sizeof(summary), "<%s of %zu bytes, not logged in full>",
                         text[0] == '{' ? "object" : "array", len);
                return json_object_set_new(obj, key, json_string(summary));
        }
        if (!json_is_object(value) && !json_is_array(value))
                return json_object_set(obj, key, value);
        /* counted, not written: the seccomp profile alone is 6 KB on every create */
        len = value_size(value);
        if (len <= AUDIT_VALUE_MAX)
                return json_object_set(obj, key, value);
        snprintf(summary, sizeof(summary), "<%s of %zu bytes, not logged in full>",
                 json_is_object(value) ? "object" : "array", len);
        return json_object_set_new(obj, key, json_string(summary));
}

/* The only values of the job's environment and annotations a line ever holds. */
static const struct identity_source {
        const char *group;
        const char *key;
        const char *name;
        bool annotation;
} identity_sources[] = {
    {"gitlab", "job_id", "CI_JOB_ID", false},
    {"gitlab", "project_path", "CI_PROJECT_PATH", false},
    {"gitlab", "pipeline_id", "CI_PIPELINE_ID", false},
    {"github", "repository", "GITHUB_REPOSITORY", false},
    {"github", "run_id", "GITHUB_RUN_ID", false},
    /* CRI-O's names first, then containerd's CRI plugin's */
    {"kubernetes", "namespace", "io.kubernetes.pod.namespace", true},
    {"kubernetes", "namespace", "io.kubernetes.cri.sandbox-namespace", true},
    {"kubernetes", "pod", "io.kubernetes.pod.name", true},
    {"kubernetes", "pod", "io.kubernetes.cri.sandbox-name", true},
};

/*
 * A config.json carries "process" (with its env) and annotations; the --process file of an exec is
 * a process object with "env" at its top level and no annotations.
 */
static int add_job(json_t *line, const json_t *spec)
{
        const json_t *process, *env, *annotations = NULL;
        _cleanup_json_ json_t *job = NULL;

        if (!json_is_object(spec))
                return 0;
        process = json_object_get(spec, "process");
        if (json_is_object(process)) {
                env = json_object_get(process, "env");
                annotations = json_object_get(spec, "annotations");
        } else {
                env = json_object_get(spec, "env");
        }
        if (!json_is_array(env))
                env = NULL;
        if (!json_is_object(annotations))
                annotations = NULL;

        job = json_object();
        if (job == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < RW_ELEMENTSOF(identity_sources); i++) {
                const struct identity_source *src = &identity_sources[i];
                json_t *group = json_object_get(job, src->group);
                const char *value;

                value = src->annotation ? rw_spec_string_member(annotations, src->name)
                                        : rw_spec_env_get(env, src->name);
                if (value == NULL || json_object_get(group, src->key) != NULL)
                        continue;
                if (group == NULL) {
                        group = json_object();
                        if (json_object_set_new(job, src->group, group) < 0)
                                return -ENOMEM;
                }
                if (json_object_set_new(group, src->key, text_value(value, IDENTITY_MAX)) < 0)
                        return -ENOMEM;
        }
        if (json_object_size(job) == 0)
                return 0;
        return json_object_set(line, "job", job);
}

static json_t *changes_array(const struct rw_plan *plan)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return NULL;
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *c = &plan->changes[i];
                json_t *o = json_object();

                /* Never c->anchor: for a redacted removal it is the secret itself. */
                if (json_array_append_new(array, o) < 0 || set_text(o, "rule", c->rule) < 0 ||
                    set_text(o, "path", c->path) < 0 || set_value(o, "before", c->before) < 0 ||
                    set_value(o, "after", c->after) < 0 || set_text(o, "reason", c->reason) < 0)
                        return NULL;
        }
        return TAKE_PTR(array);
}

static json_t *denials_array(const struct rw_plan *plan)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return NULL;
        for (size_t i = 0; i < plan->n_denials; i++) {
                const struct rw_denial *dn = &plan->denials[i];
                json_t *o = json_object();

                if (json_array_append_new(array, o) < 0 || set_text(o, "rule", dn->rule) < 0 ||
                    set_text(o, "item", dn->item) < 0 || set_text(o, "reason", dn->reason) < 0)
                        return NULL;
        }
        return TAKE_PTR(array);
}

static json_t *warnings_array(const struct rw_warning *items, size_t n)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                const struct rw_warning *w = &items[i];
                json_t *o = json_object();

                if (json_array_append_new(array, o) < 0 || set_text(o, "rule", w->rule) < 0 ||
                    set_text(o, "text", w->text) < 0)
                        return NULL;
        }
        return TAKE_PTR(array);
}

static int add_plan(json_t *line, const struct rw_plan *plan)
{
        if (plan == NULL)
                return 0;
        if (plan->n_changes > 0 && json_object_set_new(line, "changes", changes_array(plan)) < 0)
                return -ENOMEM;
        if (plan->n_denials > 0 && json_object_set_new(line, "denials", denials_array(plan)) < 0)
                return -ENOMEM;
        if (plan->n_warnings > 0 &&
            json_object_set_new(line, "warnings",
                                warnings_array(plan->warnings, plan->n_warnings)) < 0)
                return -ENOMEM;
        if (plan->n_notes > 0 &&
            json_object_set_new(line, "notes", warnings_array(plan->notes, plan->n_notes)) < 0)
                return -ENOMEM;
        return 0;
}

/* Takes over `text` (`len` bytes) and returns it with a newline, or NULL (text freed). */
static char *with_newline(char *text, size_t len)
{
        char *grown = realloc(text, len + 2);

        if (grown == NULL) {
                free(text);
                return NULL;
        }
        grown[len] = '\n';
        grown[len + 1] = '\0';
        return grown;
}

char *rw_audit_format(const struct rw_audit_entry *d)
{
        _cleanup_json_ json_t *line = json_object();
        _cleanup_free_ char *text = NULL;
        struct rw_error err;
        char time_text[64];
        size_t len;

        if (line == NULL)
                return NULL;
        if (rw_utc_format(&d->time, false, time_text, sizeof(time_text)) < 0)
                return NULL;
        if (set_text(line, "time", time_text) < 0 || set_text(line, "id", d->id) < 0 ||
            set_text(line, "command", d->command) < 0 ||
            set_text(line, "container_id", d->container_id) < 0 ||
            set_text(line, "bundle", d->bundle) < 0 || set_text(line, "tier", d->tier) < 0 ||
            set_text(line, "tier_reason", d->tier_reason) < 0)
                return NULL;
        if (d->tier_skipped != NULL && d->tier_skipped[0] != '\0' &&
            set_text(line, "tier_skipped", d->tier_skipped) < 0)
                return NULL;
        /* Without a tier there is no mode to report, only a default. */
        if (d->tier != NULL &&
            set_text(line, "mode", d->mode == RW_TIER_AUDIT ? "audit" : "enforce") < 0)
                return NULL;
        if (add_job(line, d->spec) < 0 ||
            set_text(line, "outcome", rw_outcome_name(d->outcome)) < 0 ||
            add_plan(line, d->plan) < 0 ||
            (d->egress != NULL && json_object_set(line, "egress", (json_t *)d->egress) < 0) ||
            set_text(line, "message", d->message) < 0 ||
            set_text(line, "delegate", d->delegate) < 0)
                return NULL;
        /* UINT64_MAX / 1000 fits in an int64 */
        if (json_object_set_new(line, "duration_us",
                                json_integer((json_int_t)(d->duration_ns / 1000))) < 0)
                return NULL;

        /* rw_json_dump() writes verbatim numbers of the plan (18446744073709551615) as numbers. */
        if (rw_json_dump(line, &text, &len, &err) < 0)
                return NULL;
        return with_newline(TAKE_PTR(text), len);
}

int rw_audit_new_id(char ret[33], struct rw_error *err)
{
        unsigned char bytes[16];
        ssize_t n;

        /* Early at boot the pool may not be ready yet; an id needs to be unique, not secret. */
        do
                n = getrandom(bytes, sizeof(bytes), GRND_NONBLOCK);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN) {
                do
                        n = getrandom(bytes, sizeof(bytes), GRND_INSECURE);
                while (n < 0 && errno == EINTR);
        }
        if (n < 0)
                return rw_error_set_errno(err, errno, "cannot get random bytes for a decision id");
        if ((size_t)n != sizeof(bytes))
                return rw_error_set(err, EIO, "short read of random bytes for a decision id");
        for (size_t i = 0; i < sizeof(bytes); i++)
                snprintf(ret + 2 * i, 3, "%02x", bytes[i]);
        return 0;
}
