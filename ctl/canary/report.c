/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canary.h"

static enum rw_canary_verdict judge(enum rw_canary_expected expected,
                                    enum rw_canary_outcome outcome)
{
        if (outcome == RW_CANARY_NOT_TESTED)
                return RW_CANARY_SKIPPED;
        if (expected == RW_CANARY_BLOCKED && outcome == RW_CANARY_SUCCEEDED)
                return RW_CANARY_FAIL;
        if (expected == RW_CANARY_ALLOWED && outcome == RW_CANARY_STOPPED)
                return RW_CANARY_STRICTER;
        return RW_CANARY_OK;
}

void rw_canary_record(struct rw_canary_report *rep, const char *id, const char *rule,
                      enum rw_canary_expected expected, const char *expected_why,
                      enum rw_canary_outcome outcome, const char *fmt, ...)
{
        struct rw_canary_attempt *a;
        va_list ap;

        if (rep->n == rep->cap) {
                size_t cap = rep->cap ? rep->cap * 2 : 64;
                struct rw_canary_attempt *grown = reallocarray(rep->attempts, cap, sizeof(*a));

                if (grown == NULL) {
                        rep->oom = true;
                        return;
                }
                rep->attempts = grown;
                rep->cap = cap;
        }
        a = &rep->attempts[rep->n++];
        *a = (struct rw_canary_attempt){.rule = rule, .expected = expected, .outcome = outcome};
        snprintf(a->id, sizeof(a->id), "%s", id);
        if (expected_why != NULL)
                snprintf(a->expected_why, sizeof(a->expected_why), "%s", expected_why);
        /* A rule the tier only warns about promises nothing: whatever happens is the tier's. */
        if (expected != RW_CANARY_EITHER && strcmp(rule, "-") != 0 &&
            rw_canary_expect_unenforced(rep->expect, rule)) {
                a->expected = RW_CANARY_EITHER;
                snprintf(a->expected_why, sizeof(a->expected_why), "%s",
                         rep->expect->audit ? "the tier is in audit mode" : "the tier only warns");
        }
        va_start(ap, fmt);
        vsnprintf(a->result, sizeof(a->result), fmt, ap);
        va_end(ap);
        a->verdict = judge(a->expected, a->outcome);
}

static const char *expected_name(enum rw_canary_expected e)
{
        switch (e) {
        case RW_CANARY_BLOCKED:
                return "blocked";
        case RW_CANARY_ALLOWED:
                return "allowed";
        default:
                return "either";
        }
}

static const char *outcome_name(enum rw_canary_outcome o)
{
        switch (o) {
        case RW_CANARY_STOPPED:
                return "stopped";
        case RW_CANARY_SUCCEEDED:
                return "succeeded";
        default:
                return "not tested";
        }
}

static const char *verdict_name(enum rw_canary_verdict v)
{
        switch (v) {
        case RW_CANARY_OK:
                return "ok";
        case RW_CANARY_FAIL:
                return "FAIL";
        case RW_CANARY_STRICTER:
                return "stricter";
        default:
                return "skipped";
        }
}

/*
 * runwarden applies a seccomp filter and no_new_privs in every tier that enforces; the tier
 * decides the capabilities and the root. A container without one of the first two and beyond
 * the tier in one of the others never went through runwarden. A tier that keeps more than the
 * expected one (a loosened tier) fails only the second kind.
 */
static const char *const always_ids[] = {"no-new-privs", "seccomp.mode", NULL};
static const char *const tier_ids[] = {"caps.bounding", "rootfs.write", NULL};

static bool in(const char *const *ids, const char *id)
{
        for (const char *const *p = ids; *p != NULL; p++)
                if (strcmp(*p, id) == 0)
                        return true;
        return false;
}

void rw_canary_summarize(const struct rw_canary_report *rep, struct rw_canary_summary *ret)
{
        size_t always = 0, tier = 0;

        *ret = (struct rw_canary_summary){0};
        for (size_t i = 0; i < rep->n; i++) {
                const struct rw_canary_attempt *a = &rep->attempts[i];

                switch (a->verdict) {
                case RW_CANARY_FAIL:
                        ret->failed++;
                        always += in(always_ids, a->id);
                        tier += in(tier_ids, a->id);
                        break;
                case RW_CANARY_STRICTER:
                        ret->stricter++;
                        break;
                case RW_CANARY_SKIPPED:
                        ret->skipped++;
                        break;
                default:
                        ret->ok++;
                }
        }
        ret->not_hardened = always > 0 && tier > 0;
}

static void print_list(const struct rw_canary_report *rep, bool hardening_only)
{
        const char *sep = "";

        for (size_t i = 0; i < rep->n; i++) {
                const struct rw_canary_attempt *a = &rep->attempts[i];

                if (a->verdict != RW_CANARY_FAIL)
                        continue;
                if (hardening_only && !in(always_ids, a->id) && !in(tier_ids, a->id))
                        continue;
                printf("%s%s", sep, a->id);
                sep = ", ";
        }
}

void rw_canary_print_table(const struct rw_canary_report *rep, const char *version)
{
        const struct rw_canary_expectation *e = rep->expect;
        struct rw_canary_summary s;
        int id_w = 7, rule_w = 4;

        rw_canary_summarize(rep, &s);
        printf("runwarden-canary %s: tier %s, policy %s, expectation from %s\n", version, e->tier,
               e->policy ? e->policy : "(unnamed)", e->source);
        if (e->audit)
                printf("note: the tier is in audit mode: runwarden enforces nothing in it\n");
        for (size_t i = 0; i < rep->n; i++) {
                int l = (int)strlen(rep->attempts[i].id);
                int r = (int)strlen(rep->attempts[i].rule);

                id_w = l > id_w ? l : id_w;
                rule_w = r > rule_w ? r : rule_w;
        }
        id_w = id_w > 40 ? 40 : id_w;
        printf("%-8s  %-*s  %-*s  %-9s  %s\n", "VERDICT", id_w, "ATTEMPT", rule_w, "RULE",
               "EXPECTED", "RESULT");
        for (size_t i = 0; i < rep->n; i++) {
                const struct rw_canary_attempt *a = &rep->attempts[i];

                printf("%-8s  %-*s  %-*s  %-9s  %s: %s", verdict_name(a->verdict), id_w, a->id,
                       rule_w, a->rule, expected_name(a->expected), outcome_name(a->outcome),
                       a->result);
                /* Why a thing is allowed or not judged; "blocked" needs no reason. */
                if (a->expected_why[0] != '\0' && a->expected != RW_CANARY_BLOCKED)
                        printf(" (%s: %s)", expected_name(a->expected), a->expected_why);
                printf("\n");
        }
        if (s.not_hardened) {
                printf("not hardened: ");
                print_list(rep, true);
                printf(" failed: this container was not run through runwarden, or runwarden "
                       "passed it through unchanged\n");
        }
        if (s.failed > 0) {
                printf("verdict: FAIL: %zu attempt%s the tier forbids succeeded: ", s.failed,
                       s.failed == 1 ? "" : "s");
                print_list(rep, false);
                printf("\n");
        } else {
                printf("verdict: PASS: %zu attempts, none the tier forbids succeeded (%zu stricter "
                       "than the tier, %zu not tested)\n",
                       rep->n, s.stricter, s.skipped);
        }
}

int rw_canary_print_json(const struct rw_canary_report *rep, const char *version)
{
        const struct rw_canary_expectation *e = rep->expect;
        struct rw_canary_summary s;
        json_t *doc, *attempts, *failed;
        int r = 0;

        rw_canary_summarize(rep, &s);
        attempts = json_array();
        failed = json_array();
        doc =
            json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o, s:o, s:b, s:s}", "canary", version, "tier",
                      e->tier, "policy", e->policy, "expectation", e->source, "seccomp_profile",
                      e->seccomp_profile, "attempts", attempts, "failed", failed, "hardened",
                      !s.not_hardened, "verdict", s.failed > 0 ? "fail" : "pass");
        if (doc == NULL)
                return -1;
        for (size_t i = 0; i < rep->n; i++) {
                const struct rw_canary_attempt *a = &rep->attempts[i];

                r |= json_array_append_new(
                    attempts,
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", a->id, "rule", a->rule,
                              "expected", expected_name(a->expected), "expected_why",
                              a->expected_why, "outcome", outcome_name(a->outcome), "result",
                              a->result, "verdict", verdict_name(a->verdict)));
                if (a->verdict == RW_CANARY_FAIL)
                        r |= json_array_append_new(failed, json_string(a->id));
        }
        if (r == 0)
                r = json_dumpf(doc, stdout, JSON_INDENT(2));
        if (r == 0)
                printf("\n");
        json_decref(doc);
        return r;
}
