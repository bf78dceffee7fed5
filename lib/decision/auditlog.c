/* SPDX-License-Identifier: Apache-2.0 */
#include "auditlog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

void rw_auditlog_summary_clear(struct rw_auditlog_summary *s)
{
        json_decref(s->outcomes);
        json_decref(s->tiers);
        json_decref(s->outcome_tiers);
        json_decref(s->rules);
        json_decref(s->projects);
        json_decref(s->mounts);
        json_decref(s->open);
        *s = (struct rw_auditlog_summary){0};
}

int rw_auditlog_summary_init(struct rw_auditlog_summary *s, struct rw_error *err)
{
        *s = (struct rw_auditlog_summary){
            .outcomes = json_object(),
            .tiers = json_object(),
            .outcome_tiers = json_object(),
            .rules = json_object(),
            .projects = json_object(),
            .mounts = json_object(),
            .open = json_object(),
        };
        if (s->outcomes == NULL || s->tiers == NULL || s->outcome_tiers == NULL ||
            s->rules == NULL || s->projects == NULL || s->mounts == NULL || s->open == NULL) {
                rw_auditlog_summary_clear(s);
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* A string member; a number kept verbatim by the parser is not one. */
static const char *str_member(const json_t *obj, const char *key)
{
        const json_t *v = json_object_get(obj, key);

        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return NULL;
        return json_string_value(v);
}

static int bump(json_t *counts, const char *key)
{
        json_t *v = json_object_get(counts, key);

        if (v != NULL)
                return json_integer_set(v, json_integer_value(v) + 1);
        return json_object_set_new(counts, key, json_integer(1));
}

static json_t *child_object(json_t *parent, const char *key)
{
        json_t *o = json_object_get(parent, key);

        if (o != NULL)
                return o;
        o = json_object();
        if (json_object_set_new(parent, key, o) < 0)
                return NULL;
        return o;
}

/*
 * GitLab project, GitHub repository or Kubernetes namespace/pod: what an operator groups by.
 * start, kill and delete carry no job of their own; they belong to the project their container
 * was created for.
 */
static int project_of(const json_t *line, const json_t *open, char **ret)
{
        const json_t *job = json_object_get(line, "job");
        const json_t *k8s = json_object_get(job, "kubernetes");
        const char *p, *ns, *pod, *id;

        p = str_member(json_object_get(job, "gitlab"), "project_path");
        if (p == NULL)
                p = str_member(json_object_get(job, "github"), "repository");
        ns = str_member(k8s, "namespace");
        pod = str_member(k8s, "pod");
        if (p == NULL && ns != NULL && pod != NULL)
                return asprintf(ret, "%s/%s", ns, pod) < 0 ? -ENOMEM : 0;
        if (p == NULL)
                p = ns != NULL ? ns : pod;
        id = str_member(line, "container_id");
        if (p == NULL && id != NULL)
                p = str_member(json_object_get(open, id), "project");
        *ret = strdup(p != NULL ? p : RW_AUDITLOG_NONE);
        return *ret != NULL ? 0 : -ENOMEM;
}

/* Each rule counts once per decision and action, however many changes it made. */
static int add_rules(struct rw_auditlog_summary *s, const json_t *line)
{
        static const struct {
                const char *member, *action;
        } lists[] = {{"changes", "changed"}, {"denials", "refused"}};
        _cleanup_json_ json_t *seen = json_object();

        if (seen == NULL)
                return -ENOMEM;
        for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++) {
                const json_t *entry;
                size_t i;

                json_array_foreach(json_object_get(line, lists[l].member), i, entry)
                {
                        const char *rule = str_member(entry, "rule");
                        json_t *actions, *counts;

                        if (rule == NULL)
                                continue;
                        actions = child_object(seen, rule);
                        if (actions == NULL)
                                return -ENOMEM;
                        if (json_object_get(actions, lists[l].action) != NULL)
                                continue;
                        if (json_object_set_new(actions, lists[l].action, json_true()) < 0)
                                return -ENOMEM;
                        counts = json_object_get(s->rules, rule);
                        if (counts == NULL) {
                                counts = json_pack("{s:i, s:i}", "changed", 0, "refused", 0);
                                if (json_object_set_new(s->rules, rule, counts) < 0)
                                        return -ENOMEM;
                        }
                        if (bump(counts, lists[l].action) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static int add_mounts(struct rw_auditlog_summary *s, const json_t *line)
{
        const json_t *denial;
        size_t i;

        json_array_foreach(json_object_get(line, "denials"), i, denial)
        {
                const char *rule = str_member(denial, "rule");
                const char *item = str_member(denial, "item");

                if (rule == NULL || item == NULL ||
                    (strcmp(rule, "host-mount") != 0 && strcmp(rule, "engine-socket") != 0))
                        continue;
                if (bump(s->mounts, item) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/*
 * A container is open from an allowed create until a delete that runwarden handed off (a refused
 * one deleted nothing). Creating an id again moves it to the end, as the newest.
 */
static int track_container(struct rw_auditlog_summary *s, const json_t *line, const char *command,
                           const char *outcome, const char *tier, const char *project)
{
        const char *id = str_member(line, "container_id");
        const char *when = str_member(line, "time");

        if (id == NULL)
                return 0;
        if (strcmp(command, "create") == 0 &&
            (strcmp(outcome, "rewritten") == 0 || strcmp(outcome, "unchanged") == 0 ||
             strcmp(outcome, "audited") == 0)) {
                json_object_del(s->open, id);
                return json_object_set_new(s->open, id,
                                           json_pack("{s:s, s:s, s:s}", "tier", tier, "project",
                                                     project, "time",
                                                     when != NULL ? when : RW_AUDITLOG_NONE));
        }
        if (strcmp(command, "delete") == 0 && strcmp(outcome, "refused") != 0 &&
            strcmp(outcome, "error") != 0)
                json_object_del(s->open, id);
        return 0;
}

static bool blank(const char *text, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
                        return false;
        return true;
}

int rw_auditlog_add_line(struct rw_auditlog_summary *s, const char *text, size_t len,
                         struct rw_error *err)
{
        _cleanup_json_ json_t *line = NULL;
        _cleanup_free_ char *project = NULL;
        const char *command, *outcome, *tier;
        struct rw_error ignored;

        if (blank(text, len))
                return 0;
        if (rw_json_parse(text, len, &line, &ignored) < 0) {
                s->malformed++;
                return 0;
        }
        command = str_member(line, "command");
        outcome = str_member(line, "outcome");
        if (!json_is_object(line) || command == NULL || outcome == NULL) {
                s->malformed++;
                return 0;
        }
        tier = str_member(line, "tier");
        if (tier == NULL)
                tier = RW_AUDITLOG_NONE;
        s->decisions++;
        if (project_of(line, s->open, &project) < 0 || bump(s->outcomes, outcome) < 0 ||
            bump(s->tiers, tier) < 0 || bump(child_object(s->outcome_tiers, outcome), tier) < 0 ||
            bump(s->projects, project) < 0 || add_rules(s, line) < 0 || add_mounts(s, line) < 0 ||
            track_container(s, line, command, outcome, tier, project) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int rw_auditlog_read(struct rw_auditlog_summary *s, FILE *in, struct rw_error *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t cap = 0;
        ssize_t n;
        int r;

        errno = 0;
        while ((n = getline(&buf, &cap, in)) >= 0) {
                r = rw_auditlog_add_line(s, buf, (size_t)n, err);
                if (r < 0)
                        return r;
        }
        if (ferror(in))
                return rw_error_set_errno(err, errno != 0 ? errno : EIO,
                                          "cannot read the decision log");
        return 0;
}
