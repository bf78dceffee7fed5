/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl explain: what runwarden would decide for a bundle, or for any runtime command line
 * (an exec, an update), and why. The decision comes from rw_decide() with the host's edges
 * (lib/decision/hostio.h), the very decision runwarden takes, so the explanation cannot drift
 * from what runwarden does.
 *
 * The before/after documents shown are redacted: every environment entry that secret-in-env
 * recognises as a credential is replaced by the rule's own "NAME=<redacted: KIND>" text, whatever
 * the tier does with it (strip, refuse or only warn), so no value reaches the terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cleanup.h"
#include "ctl.h"
#include "cli.h"
#include "decision.h"
#include "egressio.h"
#include "fileio.h"
#include "hostio.h"
#include "json.h"
#include "plan.h"
#include "policy.h"
#include "rules.h"
#include "textdiff.h"

struct explain_options {
        const char *target; /* BUNDLE or config.json; NULL when a command line is given */
        char **command;     /* the runtime command line after "--" (its flags and command) */
        int n_command;
        const char *tier;
        const char *policy;
        const char *invoked_as;
        const char *seccomp_dir;
        const char *egress_hook;
        bool json;
        bool full_diff;
};

/* ---- the documents before and after ---- */

static bool array_index_of(const json_t *array, const json_t *element, size_t *ret)
{
        for (size_t i = 0; i < json_array_size(array); i++)
                if (json_array_get(array, i) == element) {
                        *ret = i;
                        return true;
                }
        return false;
}

/*
 * Replace, in `copy` (a deep copy of `spec`), every process.env entry secret-in-env recognises by
 * the redacted text the rule shows for it. The rule is run on its own here because a tier that
 * only warns about (or refuses) credentials leaves them in both documents.
 */
static int redact_secrets(const json_t *spec, json_t *copy, struct rw_error *err)
{
        const json_t *process = json_object_get(spec, "process");
        const json_t *env = json_object_get(process, "env");
        json_t *copy_env = rw_pointer_get(copy, "/process/env");
        _cleanup_plan_ struct rw_plan found;

        rw_plan_init(&found);
        if (!json_is_array(env) || !json_is_array(copy_env))
                return 0;
        rw_rules_secrets(process, "/process", &found);
        if (found.oom)
                return rw_error_set(err, ENOMEM, "out of memory looking for credentials");
        for (size_t i = 0; i < found.n_changes; i++) {
                const struct rw_change *c = &found.changes[i];
                size_t k;

                if (c->kind != RW_CHANGE_ARRAY_REMOVE || !array_index_of(env, c->anchor, &k))
                        continue;
                /* Never fall back to showing the entry: without the rule's text, hide it all. */
                if (json_array_set_new(copy_env, k,
                                       c->before != NULL ? json_incref(c->before)
                                                         : json_string("<redacted>")) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

static int print_diff(const json_t *before, const json_t *after, const char *label_before,
                      const char *label_after, bool full)
{
        _cleanup_(rw_lines_clear) struct rw_lines a = {0};
        _cleanup_(rw_lines_clear) struct rw_lines b = {0};
        int r;

        r = rw_lines_render_json(before, &a);
        if (r >= 0)
                r = rw_lines_render_json(after, &b);
        if (r >= 0)
                r = rw_textdiff_print(stdout, &a, &b, label_before, label_after, full);
        return r;
}

/* ---- the explanation ---- */

static const char *mode_name(enum rw_tier_mode mode)
{
        return mode == RW_TIER_AUDIT ? "audit" : "enforce";
}

static json_t *value_or_null(const json_t *v)
{
        return v != NULL ? json_incref((json_t *)v) : json_null();
}

static int set_new(json_t *obj, const char *key, json_t *value)
{
        if (value == NULL)
                return -ENOMEM;
        return json_object_set_new(obj, key, value) < 0 ? -ENOMEM : 0;
}

static int append_new(json_t *array, json_t *value)
{
        if (value == NULL)
                return -ENOMEM;
        return json_array_append_new(array, value) < 0 ? -ENOMEM : 0;
}

/* The plan as the decision log shows it: changes, denials, warnings. */
static int add_plan(json_t *obj, const struct rw_plan *plan)
{
        json_t *changes = json_array(), *denials = json_array(), *warnings = json_array();
        int r = 0;

        if (set_new(obj, "changes", changes) < 0 || set_new(obj, "denials", denials) < 0 ||
            set_new(obj, "warnings", warnings) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_changes && r >= 0; i++) {
                const struct rw_change *c = &plan->changes[i];

                r = append_new(changes,
                               json_pack("{s:s,s:s,s:o,s:o,s:s}", "rule", c->rule, "path", c->path,
                                         "before", value_or_null(c->before), "after",
                                         value_or_null(c->after), "reason", c->reason));
        }
        for (size_t i = 0; i < plan->n_denials && r >= 0; i++)
                r = append_new(denials,
                               json_pack("{s:s,s:s,s:s}", "rule", plan->denials[i].rule, "item",
                                         plan->denials[i].item, "reason", plan->denials[i].reason));
        for (size_t i = 0; i < plan->n_warnings && r >= 0; i++)
                r = append_new(warnings, json_pack("{s:s,s:s}", "rule", plan->warnings[i].rule,
                                                   "text", plan->warnings[i].text));
        return r;
}

static int print_json(const struct rw_decision *ev, enum rw_outcome outcome,
                      enum rw_outcome enforce, const json_t *before, const json_t *after,
                      const json_t *egress, struct rw_error *err)
{
        const struct rw_tier_choice *choice = &ev->choice;
        _cleanup_json_ json_t *obj = json_object();
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        if (obj == NULL ||
            set_new(obj, "command", json_string(rw_cli_command_label(ev->command))) < 0 ||
            set_new(obj, "tier", json_string(choice->tier->name)) < 0 ||
            set_new(obj, "tier_reason", json_string(ev->tier_reason)) < 0 ||
            set_new(obj, "skipped", json_string(choice->skipped)) < 0 ||
            set_new(obj, "mode", json_string(mode_name(choice->tier->mode))) < 0 ||
            set_new(obj, "outcome", json_string(rw_outcome_name(outcome))) < 0 ||
            set_new(obj, "enforce_outcome", json_string(rw_outcome_name(enforce))) < 0 ||
            add_plan(obj, &ev->plan) < 0 ||
            (egress != NULL && set_new(obj, "egress", json_incref((json_t *)egress)) < 0) ||
            set_new(obj, "before", value_or_null(before)) < 0 ||
            set_new(obj, "after", value_or_null(after)) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* rw_json_dump() writes verbatim numbers (18446744073709551615) as numbers. */
        r = rw_json_dump(obj, &text, &len, err);
        if (r < 0)
                return r;
        printf("%s\n", text);
        return 0;
}

/* The rules runwarden's egress hook would install in the container's network namespace. */
static void print_egress(const json_t *egress)
{
        const json_t *rules = json_object_get(egress, "rules");
        const json_t *notes = json_object_get(egress, "notes");
        size_t i;
        json_t *v;

        printf("\negress (mode %s, %zu rules, first match wins; installed by %s):\n",
               json_string_value(json_object_get(egress, "mode")), json_array_size(rules),
               json_string_value(json_object_get(egress, "hook")));
        json_array_foreach(rules, i, v)
        {
                printf("  %s\n", json_string_value(v));
        }
        json_array_foreach(notes, i, v)
        {
                printf("  note: %s\n", json_string_value(v));
        }
}

static int print_text(const char *target, const struct rw_policy *policy,
                      const struct rw_decision *ev, enum rw_outcome outcome,
                      enum rw_outcome enforce, const json_t *before, const json_t *after,
                      const json_t *egress, bool full_diff)
{
        const struct rw_tier_choice *choice = &ev->choice;
        const struct rw_plan *plan = &ev->plan;
        bool audit = outcome == RW_OUTCOME_AUDITED;

        printf("%-9s %s\n", ev->rewrite == RW_DOC_PROCESS ? "process:" : "spec:", target);
        printf("command:  %s\n", rw_cli_command_label(ev->command));
        printf("policy:   %s\n", policy->origin != NULL ? policy->origin : "(unnamed)");
        printf("tier:     %s (%s)\n", choice->tier->name, ev->tier_reason);
        if (choice->skipped[0] != '\0')
                printf("skipped:  %s\n", choice->skipped);
        printf("mode:     %s\n", mode_name(choice->tier->mode));
        if (audit)
                printf(
                    "outcome:  audited: runc gets the spec unchanged; enforce would have %s it\n",
                    enforce == RW_OUTCOME_REFUSED     ? "refused"
                    : enforce == RW_OUTCOME_REWRITTEN ? "rewritten"
                                                      : "left");
        else
                printf("outcome:  %s\n", rw_outcome_name(outcome));

        if (plan->n_denials > 0) {
                printf("\n%s:\n", audit ? "enforce would refuse" : "refused");
                for (size_t i = 0; i < plan->n_denials; i++)
                        printf("  refused by rule %s: %s\n", plan->denials[i].rule,
                               plan->denials[i].reason);
        }
        if (plan->n_changes > 0) {
                printf("\n%s (%zu):\n", audit ? "changes enforce would make" : "changes",
                       plan->n_changes);
                for (size_t i = 0; i < plan->n_changes; i++) {
                        _cleanup_free_ char *what = rw_change_describe(&plan->changes[i], 200);

                        if (what == NULL)
                                return -ENOMEM;
                        printf("  %s\n", what);
                }
        }
        if (plan->n_warnings > 0) {
                printf("\nwarnings:\n");
                for (size_t i = 0; i < plan->n_warnings; i++)
                        printf("  %s: %s\n", plan->warnings[i].rule, plan->warnings[i].text);
        }
        if (egress != NULL)
                print_egress(egress);

        printf("\n");
        if (after == NULL) {
                printf("no diff: the spec is refused%s\n",
                       audit ? " by enforce" : ", runc is not started");
                return 0;
        }
        if (enforce == RW_OUTCOME_UNCHANGED || enforce == RW_OUTCOME_PASSTHROUGH) {
                printf("no diff: %s is handed on as it is\n",
                       ev->rewrite == RW_DOC_NONE ? "the command" : "the document");
                return 0;
        }
        {
                const char *doc = ev->rewrite == RW_DOC_PROCESS ? "process.json" : "config.json";
                char label_before[64], label_after[80];

                snprintf(label_before, sizeof(label_before), "%s (as the engine wrote it)", doc);
                snprintf(label_after, sizeof(label_after), "%s (as %s)", doc,
                         audit ? "enforce would hand it to runc" : "runc gets it");
                return print_diff(before, after, label_before, label_after, full_diff);
        }
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: runwardenctl explain [OPTIONS] BUNDLE|config.json\n"
                "       runwardenctl explain [OPTIONS] -- RUNTIME-ARGS...\n"
                "\n"
                "What runwarden would decide for this spec, or for a whole runtime command line\n"
                "(e.g. -- --root /run/runc exec --user 0 ID sh): the tier and why, the outcome,\n"
                "every change and refusal, and a diff of the document before and after.\n"
                "\n"
                "  --tier T         choose tier T, as runwarden --tier does\n"
                "  --policy F       the policy file (default " RW_POLICY_DEFAULT_PATH ")\n"
                "  --as NAME        the name runwarden is invoked as (runwarden-TIER)\n"
                "  --seccomp-dir D  where the tiers' seccomp profiles are\n"
                "  --egress-hook H  runwarden's egress hook, as runwarden --egress-hook names it\n"
                "  --json           one JSON object instead of text\n"
                "\n"
                "Exit status: 0 allowed, 1 refused, 2 usage or load errors.\n");
}

/* 0 to go on, else the exit status (-1 for a plain --help). */
static int parse_options(int argc, char **argv, struct explain_options *o)
{
        static const struct option options[] = {
            {"tier", required_argument, NULL, 't'},
            {"policy", required_argument, NULL, 'p'},
            {"as", required_argument, NULL, 'a'},
            {"seccomp-dir", required_argument, NULL, 's'},
            {"json", no_argument, NULL, 'j'},
            {"full-diff", no_argument, NULL, 'f'},
            {"egress-hook", required_argument, NULL, 'e'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "t:p:a:s:e:jfh", options, NULL)) != -1) {
                switch (c) {
                case 't':
                        o->tier = optarg;
                        break;
                case 'p':
                        o->policy = optarg;
                        break;
                case 'a':
                        o->invoked_as = optarg;
                        break;
                case 's':
                        o->seccomp_dir = optarg;
                        break;
                case 'e':
                        if (optarg[0] != '/') {
                                fprintf(stderr, "runwardenctl explain: --egress-hook needs an "
                                                "absolute path\n");
                                return 2;
                        }
                        o->egress_hook = optarg;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'f':
                        o->full_diff = true;
                        break;
                case 'h':
                        usage(stdout);
                        return -1;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind > 0 && optind <= argc && strcmp(argv[optind - 1], "--") == 0 && optind < argc) {
                o->command = argv + optind;
                o->n_command = argc - optind;
                return 0;
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "runwardenctl explain: expected one BUNDLE or config.json, or "
                                "-- and a runtime command line\n");
                usage(stderr);
                return 2;
        }
        o->target = argv[optind];
        return 0;
}

/* The runtime command line to decide: the one given after "--", or create of TARGET. */
static int explain_argv(const struct explain_options *o, bool *ret_is_file, char ***ret,
                        int *ret_argc, struct rw_error *err)
{
        struct stat st;
        char **argv;
        int n = o->command != NULL ? o->n_command : 4;

        *ret_is_file = false;
        argv = calloc((size_t)n + 2, sizeof(*argv));
        if (argv == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        argv[0] = (char *)o->invoked_as;
        if (o->command != NULL) {
                for (int i = 0; i < n; i++)
                        argv[i + 1] = o->command[i];
        } else {
                if (stat(o->target, &st) < 0) {
                        free(argv);
                        return rw_error_set_errno(err, errno, "%s", o->target);
                }
                *ret_is_file = !S_ISDIR(st.st_mode);
                argv[1] = (char *)"create";
                argv[2] = (char *)"--bundle";
                argv[3] = (char *)o->target;
                argv[4] = (char *)"explain";
        }
        *ret = argv;
        *ret_argc = n + 1;
        return 0;
}

int rw_ctl_explain(int argc, char **argv)
{
        struct explain_options o = {.invoked_as = "runwarden"};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_decision_ struct rw_decision ev = {0};
        _cleanup_json_ json_t *before = NULL;
        _cleanup_json_ json_t *after = NULL;
        _cleanup_json_ json_t *egress = NULL;
        _cleanup_free_ char **rt_argv = NULL;
        struct rw_host_io io;
        struct rw_cli cli = {0};
        struct rw_error err = {0};
        enum rw_outcome outcome, enforce;
        const json_t *spec;
        const char *target;
        bool found, is_file = false;
        int r, rt_argc = 0;

        r = parse_options(argc, argv, &o);
        if (r != 0)
                return r < 0 ? 0 : r;
        rw_host_io_init(&io);
        r = explain_argv(&o, &is_file, &rt_argv, &rt_argc, &err);
        if (r >= 0)
                r = rw_cli_parse(rt_argc, rt_argv, &cli, &err);
        if (r >= 0) {
                if (o.tier != NULL)
                        cli.tier = o.tier;
                if (o.seccomp_dir != NULL)
                        cli.seccomp_dir = o.seccomp_dir;
                if (o.policy != NULL)
                        cli.policy = o.policy;
                if (o.egress_hook != NULL)
                        cli.egress_hook = o.egress_hook;
                io.bundle_is_file = is_file;
                io.seccomp_dir = cli.seccomp_dir;
                r = rw_policy_load(cli.policy, &policy, &found, &err);
        }
        if (r >= 0)
                r = rw_decide(&cli, &policy, o.invoked_as, &io.io, &ev, &err);
        if (r < 0) {
                fprintf(stderr, "runwardenctl explain: %s\n", err.msg);
                rw_cli_clear(&cli);
                rw_host_io_clear(&io);
                return 2;
        }
        target = o.target != NULL ? o.target : cli.process != NULL ? cli.process : cli.command_name;

        enforce = ev.enforce;
        outcome = ev.outcome;
        spec = ev.view;
        if (spec != NULL) {
                before = json_deep_copy(spec);
                r = before != NULL
                        ? (ev.rewrite == RW_DOC_PROCESS ? 0 : redact_secrets(spec, before, &err))
                        : rw_error_set(&err, ENOMEM, "out of memory");
        }
        if (r >= 0 && spec != NULL && enforce != RW_OUTCOME_REFUSED && ev.rewrite != RW_DOC_NONE) {
                /* A copy of the redacted copy has the same shape as the spec the plan names. */
                after = json_deep_copy(before);
                r = after != NULL ? rw_plan_apply_copy(&ev.plan, spec, after, &err)
                                  : rw_error_set(&err, ENOMEM, "out of memory");
        }
        if (r >= 0 && ev.have_egress)
                r = rw_egress_log_rules(&ev.egress, rw_decision_egress_hook(&cli), &egress, &err);
        if (r >= 0) {
                if (o.json)
                        r = print_json(&ev, outcome, enforce, before, after, egress, &err);
                else if (print_text(target, &policy, &ev, outcome, enforce, before, after, egress,
                                    o.full_diff) < 0)
                        r = rw_error_set(&err, ENOMEM, "out of memory");
        }
        rw_cli_clear(&cli);
        rw_host_io_clear(&io);
        if (r < 0) {
                fprintf(stderr, "runwardenctl explain: %s\n", err.msg);
                return 2;
        }
        return enforce == RW_OUTCOME_REFUSED && outcome != RW_OUTCOME_AUDITED ? 1 : 0;
}
