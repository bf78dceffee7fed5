/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secret-in-env and required-label.
 *
 * Every credential here is built at run time from a prefix and a filler of the right alphabet and
 * length, so the repository holds nothing a secret scanner would take for a real key.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* prefix, then n characters cycling through fill, then suffix */
static char *fake(const char *prefix, const char *fill, size_t n, const char *suffix)
{
        size_t plen = strlen(prefix), flen = strlen(fill), slen = strlen(suffix);
        char *s = malloc(plen + n + slen + 1);

        assert_non_null(s);
        memcpy(s, prefix, plen);
        for (size_t i = 0; i < n; i++)
                s[plen + i] = fill[i % flen];
        memcpy(s + plen + n, suffix, slen + 1);
        return s;
}

static char *pem(const char *label)
{
        _cleanup_free_ char *body = fake("", "FaKeKeYmAtErIaL0+/", 64, "");
        char *s = NULL;

        assert_true(asprintf(&s, "-----BEGIN %s-----\n%s\n%s\n-----END %s-----\n", label, body,
                             body, label) > 0);
        return s;
}

static char *entry(const char *name, const char *value)
{
        char *s = NULL;

        assert_true(asprintf(&s, "%s=%s", name, value) > 0);
        return s;
}

/* {"process": {"cwd": "/", "env": [entries...]}} */
static json_t *spec_with_env(const char *const *entries, size_t n)
{
        json_t *spec = json_object(), *process = json_object(), *env = json_array();

        assert_non_null(spec);
        assert_non_null(process);
        assert_non_null(env);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(json_array_append_new(env, json_string(entries[i])), 0);
        assert_int_equal(json_object_set_new(process, "cwd", json_string("/")), 0);
        assert_int_equal(json_object_set_new(process, "env", env), 0);
        assert_int_equal(json_object_set_new(spec, "process", process), 0);
        return spec;
}

/* Run the rule on spec.process, and check that it left its input alone. */
static void run_secrets(const json_t *spec, struct rw_plan *plan)
{
        _cleanup_json_ json_t *pristine = json_deep_copy(spec);

        rw_plan_init(plan);
        rw_rules_secrets(json_object_get(spec, "process"), "/process", plan);
        assert_false(plan->oom);
        assert_true(json_equal(spec, pristine));
}

static void assert_json_hides(const json_t *v, const char *secret)
{
        _cleanup_free_ char *text = NULL;

        if (v == NULL)
                return;
        text = json_dumps(v, JSON_ENCODE_ANY);
        assert_non_null(text);
        assert_null(strstr(text, secret));
}

/* Nothing the plan says, in any form, may contain `secret` (the anchor of a removal is the
 * element itself, which logs never print). */
static void assert_plan_hides(const struct rw_plan *plan, const char *secret)
{
        _cleanup_free_ char *denials = rw_plan_describe_denials(plan);

        assert_non_null(denials);
        assert_null(strstr(denials, secret));
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *c = &plan->changes[i];
                _cleanup_free_ char *line = rw_change_describe(c, 100000);
                _cleanup_free_ char *short_line = rw_change_describe(c, 40);

                assert_non_null(line);
                assert_non_null(short_line);
                assert_null(strstr(line, secret));
                assert_null(strstr(short_line, secret));
                assert_null(strstr(c->reason, secret));
                assert_null(strstr(c->path, secret));
                assert_json_hides(c->before, secret);
                assert_json_hides(c->after, secret);
                if (strcmp(c->rule, RW_RULE_SECRET_ENV) == 0)
                        assert_null(c->after);
                else
                        assert_json_hides(c->anchor, secret);
        }
        for (size_t i = 0; i < plan->n_denials; i++) {
                assert_null(strstr(plan->denials[i].item, secret));
                assert_null(strstr(plan->denials[i].reason, secret));
        }
        for (size_t i = 0; i < plan->n_warnings; i++)
                assert_null(strstr(plan->warnings[i].text, secret));
}

struct positive {
        const char *name;
        const char *prefix;
        const char *fill;
        size_t n;
        const char *suffix;
        const char *kind;
};

static const struct positive positives[] = {
    {"AWS_ACCESS_KEY_ID", "AKIA", "FAKE0", 16, "", "AWS access key id"},
    {"GH_TOKEN", "ghp_", "fAkE0x", 36, "", "GitHub personal access token"},
    /* GitHub announced tokens may grow to 255 characters */
    {"GH_TOKEN", "ghp_", "fAkE0x", 60, "", "GitHub personal access token"},
    {"GITHUB_PAT", "github_pat_", "fAkE_0", 82, "", "GitHub fine-grained personal access token"},
    {"GH_OAUTH", "gho_", "fAkE0x", 36, "", "GitHub OAuth access token"},
    {"GH_USER_TOKEN", "ghu_", "fAkE0x", 36, "", "GitHub App user access token"},
    {"GH_REFRESH", "ghr_", "fAkE0x", 76, "", "GitHub App refresh token"},
    {"GITLAB_TOKEN", "glpat-", "fAkE-0_", 20, "", "GitLab access token"},
    /* a routable token: base64url payload, then ".version.crc" */
    {"GITLAB_TOKEN", "glpat-", "fAkE-0_", 27, ".01.0fake0fake", "GitLab access token"},
    {"DEPLOY_TOKEN", "gldt-", "fAkE-0_", 20, "", "GitLab deploy token"},
    {"RUNNER_TOKEN", "glrt-", "fAkE-0_", 24, "", "GitLab runner authentication token"},
    {"TRIGGER_TOKEN", "glptt-", "fa4e0", 40, "", "GitLab pipeline trigger token"},
    {"FEED_TOKEN", "glft-", "fAkE-0_", 20, "", "GitLab feed token"},
    {"AGENT_TOKEN", "glagent-", "fAkE-0_", 50, "", "GitLab agent token"},
    {"OAUTH_SECRET", "gloas-", "fa4e0", 64, "", "GitLab OAuth application secret"},
    {"SLACK_BOT", "xoxb-", "1234-fAkE0", 40, "", "Slack bot token"},
    {"SLACK_USER", "xoxp-", "1234-fAkE0", 40, "", "Slack user token"},
    {"SLACK_APP", "xoxa-", "2-fAkE0", 40, "", "Slack app token"},
    {"SLACK_APP_TOKEN", "xapp-", "1-fAkE0", 60, "", "Slack app-level token"},
    {"SLACK_REFRESH", "xoxr-", "fAkE0", 30, "", "Slack refresh token"},
    {"SLACK_SESSION", "xoxs-", "1234-fAkE0", 40, "", "Slack session token"},
    {"SLACK_ROTATION_REFRESH", "xoxe-", "1-fAkE0", 60, "", "Slack refresh token"},
    {"GOOGLE_API_KEY", "AIza", "fAkE_-0", 35, "", "Google API key"},
    {"STRIPE_KEY", "sk_live_", "fAkE0", 24, "", "Stripe live secret key"},
    {"STRIPE_KEY", "sk_live_", "fAkE0", 99, "", "Stripe live secret key"},
    {"STRIPE_RESTRICTED", "rk_live_", "fAkE0", 24, "", "Stripe live restricted key"},
    {"NPM_TOKEN", "npm_", "fAkE0x", 36, "", "npm access token"},
    {"NPM_CONFIG", "//registry.npmjs.org/:_authToken=npm_", "fAkE0x", 36, "", "npm access token"},
    {"PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc", "fAkE-0_", 150, "", "PyPI API token"},
    {"AZURE_STORAGE_CONNECTION_STRING",
     "DefaultEndpointsProtocol=https;AccountName=fakeacct;AccountKey=", "FaKe0+/", 86,
     "==;EndpointSuffix=core.windows.net", "Azure storage account key"},
    {"SERVICEBUS_CONNECTION",
     "Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=",
     "FaKe0+/", 43, "=", "Azure shared access key"},
    /* a token inside a URL */
    {"REPO_URL", "https://oauth2:glpat-", "fAkE-0_", 20, "@gitlab.example/group/app.git",
     "GitLab access token"},
    {"GIT_URL", "https://x-access-token:ghp_", "fAkE0x", 36, "@github.example/o/r.git",
     "GitHub personal access token"},
};

static const char *const pem_labels[] = {
    "PRIVATE KEY",     "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY",       "EC PRIVATE KEY",
    "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY",   "PGP PRIVATE KEY BLOCK",
};

/* One credential in entry 1 of [PATH, NAME=value, HOME]: removed, redacted, nothing else. */
static void check_positive(const char *name, const char *value, const char *kind,
                           const char *secret)
{
        _cleanup_free_ char *e = entry(name, value);
        const char *entries[] = {"PATH=/usr/local/bin:/usr/bin:/bin", e, "HOME=/home/ci"};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        _cleanup_json_ json_t *out = NULL;
        _cleanup_free_ char *shown = NULL;
        _cleanup_free_ char *reason = NULL;
        _cleanup_plan_ struct rw_plan plan;
        const struct rw_change *c;

        print_message("%s: %s\n", name, kind);
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 1);
        c = rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/1");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_ARRAY_REMOVE);
        assert_string_equal(c->pointer, "/process/env");
        assert_ptr_equal(c->anchor, json_array_get(rw_test_get(spec, "/process/env"), 1));
        assert_true(asprintf(&shown, "%s=<redacted: %s>", name, kind) > 0);
        assert_string_equal(json_string_value(c->before), shown);
        assert_true(
            asprintf(&reason, "long-lived %s in %s removed from the environment", kind, name) > 0);
        assert_string_equal(c->reason, reason);
        assert_plan_hides(&plan, secret);
        assert_plan_hides(&plan, value);

        out = rw_test_apply(spec, &plan);
        assert_int_equal(json_array_size(rw_test_get(out, "/process/env")), 2);
        assert_string_equal(json_string_value(rw_test_get(out, "/process/env/0")), entries[0]);
        assert_string_equal(json_string_value(rw_test_get(out, "/process/env/1")), entries[2]);
}

static void test_true_positives(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(positives); i++) {
                const struct positive *p = &positives[i];
                _cleanup_free_ char *value = fake(p->prefix, p->fill, p->n, p->suffix);
                _cleanup_free_ char *body = fake("", p->fill, p->n, "");

                check_positive(p->name, value, p->kind, body);
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(pem_labels); i++) {
                _cleanup_free_ char *value = pem(pem_labels[i]);

                check_positive("DEPLOY_KEY", value, "private key", "FaKeKeYmAtErIaL0");
        }
}

static void test_fixture_aws_key_id(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        const json_t *env = rw_test_get(spec, "/process/env");
        const char *fixture_entry = json_string_value(json_array_get(env, 4));
        const char *key_id;
        const struct rw_change *c;

        (void)state;
        /* -e AWS_ACCESS_KEY_ID=... on the docker command line */
        assert_non_null(fixture_entry);
        assert_int_equal(strncmp(fixture_entry, "AWS_ACCESS_KEY_ID=AKIA", 22), 0);
        key_id = fixture_entry + strlen("AWS_ACCESS_KEY_ID=");

        run_secrets(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SECRET_ENV), 1);
        c = rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/4");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before),
                            "AWS_ACCESS_KEY_ID=<redacted: AWS access key id>");
        assert_plan_hides(&plan, key_id);

        out = rw_test_apply(spec, &plan);
        env = rw_test_get(out, "/process/env");
        assert_int_equal(json_array_size(env), 4);
        assert_true(rw_test_array_has_string(env, "CI_JOB_ID=4242"));
        assert_true(rw_test_array_has_string(env, "CI_PROJECT_PATH=group/app"));
        for (size_t i = 0; i < json_array_size(env); i++)
                assert_null(strstr(json_string_value(json_array_get(env, i)), key_id));

        /* all rules, refused for its host binds: the denials do not show the key either */
        {
                _cleanup_plan_ struct rw_plan all;
                struct rw_host_facts facts;
                struct rw_settings settings;
                static const struct rw_rule_tuning refuse[] = {
                    {RW_RULE_SECRET_ENV, RW_RULE_REFUSE},
                    {NULL, RW_RULE_ENFORCE},
                };
                _cleanup_free_ char *why = NULL;

                rw_settings_baseline(&settings);
                settings.tuning = refuse;
                rw_test_facts_for_spec(spec, &facts);
                rw_plan_init(&all);
                rw_rules_spec(spec, &settings, &facts, &all);
                rw_plan_tune(&all, settings.tuning); /* the decision tunes every plan */
                rw_facts_clear(&facts);
                assert_null(rw_test_find_change(&all, RW_RULE_SECRET_ENV, NULL));
                assert_non_null(rw_test_find_denial(&all, RW_RULE_SECRET_ENV));
                why = rw_plan_describe_denials(&all);
                assert_non_null(strstr(why, "refused by rule secret-in-env"));
                assert_non_null(strstr(why, "AWS_ACCESS_KEY_ID=<redacted: AWS access key id>"));
                assert_null(strstr(why, key_id));
                assert_plan_hides(&all, key_id);
        }
}

static void test_aws_secret_key_pair(void **state)
{
        _cleanup_free_ char *key_id = fake("AKIA", "FAKE0", 16, "");
        _cleanup_free_ char *secret = fake("", "fAkE/0+sEcReT", 40, "");
        _cleanup_free_ char *e_id = entry("AWS_ACCESS_KEY_ID", key_id);
        _cleanup_free_ char *e_secret = entry("AWS_SECRET_ACCESS_KEY", secret);
        const char *entries[] = {e_secret, "AWS_DEFAULT_REGION=eu-west-1", e_id};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        const struct rw_change *c;

        (void)state;
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_changes, 2);
        c = rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/0");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before),
                            "AWS_SECRET_ACCESS_KEY=<redacted: AWS secret access key>");
        assert_string_equal(c->reason, "long-lived AWS secret access key in "
                                       "AWS_SECRET_ACCESS_KEY removed from the environment");
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/2"));
        assert_plan_hides(&plan, secret);
        assert_plan_hides(&plan, key_id);
        out = rw_test_apply(spec, &plan);
        assert_int_equal(json_array_size(rw_test_get(out, "/process/env")), 1);
        assert_string_equal(json_string_value(rw_test_get(out, "/process/env/0")),
                            "AWS_DEFAULT_REGION=eu-west-1");
}

/* STS never issues AKIA ids: a session token beside one does not make the pair short-lived. */
static void test_aws_session_token_with_akia(void **state)
{
        _cleanup_free_ char *e_id = fake("AWS_ACCESS_KEY_ID=AKIA", "FAKE0", 16, "");
        _cleanup_free_ char *e_secret = fake("AWS_SECRET_ACCESS_KEY=", "fAkE/0+sEcReT", 40, "");
        _cleanup_free_ char *e_token = fake("AWS_SESSION_TOKEN=", "FwoGZXIvYXdzEFaKe0+/", 300, "");
        const char *entries[] = {e_id, e_secret, e_token};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_changes, 2);
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/0"));
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/1"));
}

/* Entries that must come through untouched, each in a spec of its own. */
static void test_false_positives(void **state)
{
        _cleanup_free_ char *asia = fake("AWS_ACCESS_KEY_ID=ASIA", "FAKE0", 16, "");
        _cleanup_free_ char *sts_secret = fake("AWS_SECRET_ACCESS_KEY=", "fAkE/0+sEcReT", 40, "");
        _cleanup_free_ char *sts_token =
            fake("AWS_SESSION_TOKEN=", "FwoGZXIvYXdzEFaKe0+/", 300, "");
        _cleanup_free_ char *ghs = fake("GITHUB_TOKEN=ghs_", "fAkE0x", 36, "");
        _cleanup_free_ char *job_token = fake("CI_JOB_TOKEN=glcbt-64_", "fAkE-0_", 20, "");
        /* GitLab's job token is exempt by name, whatever its value looks like */
        _cleanup_free_ char *job_token_pat = fake("CI_JOB_TOKEN=glpat-", "fAkE-0_", 20, "");
        _cleanup_free_ char *glpat_short = fake("GITLAB_TOKEN=glpat-", "fAkE-0_", 19, "");
        _cleanup_free_ char *akia_in_word = fake("BUILD_ID=XAKIA", "FAKE0", 16, "");
        _cleanup_free_ char *akia_long = fake("BUILD_ID=AKIA", "FAKE0", 17, "");
        _cleanup_free_ char *akia_short = fake("BUILD_ID=AKIA", "FAKE0", 15, "");
        _cleanup_free_ char *akia_lower_tail = fake("BUILD_ID=AKIA", "FAKE0", 16, "x");
        _cleanup_free_ char *akia_lower = fake("BUILD_ID=AKIA", "fake0", 16, "");
        _cleanup_free_ char *ghp_short = fake("GH_TOKEN=ghp_", "fAkE0x", 35, "");
        _cleanup_free_ char *ghp_in_word = fake("SHA=xghp_", "fAkE0x", 36, "");
        _cleanup_free_ char *fine_short = fake("GITHUB_PAT=github_pat_", "fAkE_0", 81, "");
        _cleanup_free_ char *secret_alone = fake("AWS_SECRET_ACCESS_KEY=", "fAkE/0+sEcReT", 40, "");
        _cleanup_free_ char *rotating_slack = fake("SLACK_TOKEN=xoxe.xoxp-1-", "fAkE0", 60, "");
        _cleanup_free_ char *stripe_test = fake("STRIPE_KEY=sk_test_", "fAkE0", 24, "");
        _cleanup_free_ char *npm_short = fake("NPM_TOKEN=npm_", "fAkE0x", 35, "");
        _cleanup_free_ char *aiza_short = fake("MAPS_KEY=AIza", "fAkE_-0", 34, "");
        _cleanup_free_ char *testpypi =
            fake("TEST_PYPI_TOKEN=pypi-AgENdGVzdC5weXBpLm9yZw", "fAkE-0_", 150, "");
        _cleanup_free_ char *azurite =
            fake("AZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true", "", 0, "");
        _cleanup_free_ char *short_key =
            fake("CONN=AccountName=fakeacct;AccountKey=", "FaKe0+/", 10, ";");
        _cleanup_free_ char *base64_blob =
            fake("CONFIG_B64=", "U29tZSBiYXNlNjQgYmxvYiB0aGF0IGlzIG5vdCBhIHNlY3JldA+/", 400, "==");
        _cleanup_free_ char *jwt =
            fake("ACTIONS_ID_TOKEN_REQUEST_TOKEN=eyJ", "hbGciOiJSUzI1NiJ9.fAkE-_", 300, "");
        _cleanup_free_ char *hex = fake("CI_COMMIT_SHA=", "0123456789abcdef", 40, "");
        _cleanup_free_ char *public_key = pem("PUBLIC KEY");
        _cleanup_free_ char *rsa_public_key = pem("RSA PUBLIC KEY");
        _cleanup_free_ char *certificate = pem("CERTIFICATE");
        _cleanup_free_ char *pgp_public = pem("PGP PUBLIC KEY BLOCK");
        _cleanup_free_ char *e_public_key = entry("TLS_PUBKEY", public_key);
        _cleanup_free_ char *e_rsa_public_key = entry("SSH_PUBKEY", rsa_public_key);
        _cleanup_free_ char *e_certificate = entry("CA_CERT", certificate);
        _cleanup_free_ char *e_pgp_public = entry("GPG_PUBKEY", pgp_public);
        const char *const entries[] = {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=a4c779a04422",
            "CI_JOB_ID=4242",
            "GITLAB_CI=true",
            "EMPTY=",
            "NO_EQUALS_SIGN",
            "PRIVATE_KEY_PATH=/run/secrets/deploy_key",
            "DOC=see -----BEGIN PRIVATE KEY in the manual",
            "GREETING=xoxo",
            asia,
            sts_secret,
            sts_token,
            ghs,
            job_token,
            job_token_pat,
            glpat_short,
            akia_in_word,
            akia_long,
            akia_short,
            akia_lower_tail,
            akia_lower,
            ghp_short,
            ghp_in_word,
            fine_short,
            rotating_slack,
            stripe_test,
            npm_short,
            aiza_short,
            testpypi,
            azurite,
            short_key,
            base64_blob,
            jwt,
            hex,
            e_public_key,
            e_rsa_public_key,
            e_certificate,
            e_pgp_public,
        };

        (void)state;
        /* all together: ASIA credentials with their session token are short-lived */
        {
                _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
                _cleanup_plan_ struct rw_plan plan;

                run_secrets(spec, &plan);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_warnings, 0);
        }
        /* one by one, so that no entry is judged by another's company */
        for (size_t i = 0; i < RW_ELEMENTSOF(entries); i++) {
                _cleanup_json_ json_t *spec = spec_with_env(&entries[i], 1);
                _cleanup_plan_ struct rw_plan plan;

                run_secrets(spec, &plan);
                if (plan.n_changes != 0)
                        fail_msg("entry %zu (%.30s...) was flagged", i, entries[i]);
                assert_int_equal(plan.n_denials, 0);
        }
        /* the secret without a long-term key id beside it */
        {
                const char *alone[] = {secret_alone, "AWS_DEFAULT_REGION=eu-west-1"};
                _cleanup_json_ json_t *spec = spec_with_env(alone, RW_ELEMENTSOF(alone));
                _cleanup_plan_ struct rw_plan plan;

                run_secrets(spec, &plan);
                assert_int_equal(plan.n_changes, 0);
        }
}

static void test_one_report_per_entry(void **state)
{
        _cleanup_free_ char *ghp = fake("ghp_", "fAkE0x", 36, "");
        _cleanup_free_ char *glpat = fake("glpat-", "fAkE-0_", 20, "");
        _cleanup_free_ char *key = pem("OPENSSH PRIVATE KEY");
        _cleanup_free_ char *all = NULL;
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = NULL;
        const struct rw_change *c;

        (void)state;
        assert_true(asprintf(&all, "TOKENS=%s %s\n%s", ghp, glpat, key) > 0);
        {
                const char *entries[] = {all};

                spec = spec_with_env(entries, 1);
        }
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_changes, 1);
        c = &plan.changes[0];
        /* the first credential in the entry names the kind */
        assert_string_equal(json_string_value(c->before),
                            "TOKENS=<redacted: GitHub personal access token>");
        assert_plan_hides(&plan, ghp);
        assert_plan_hides(&plan, glpat);
        assert_plan_hides(&plan, "FaKeKeYmAtErIaL0");
}

/* A credential in the name part (or an entry without "="): the name is not shown either. */
static void test_name_holds_credential(void **state)
{
        _cleanup_free_ char *bare = fake("ghp_", "fAkE0x", 36, "");
        _cleanup_free_ char *as_name = fake("glpat-", "fAkE-0_", 20, "=1");
        const char *entries[] = {"A=1", bare, as_name};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        const struct rw_change *c;

        (void)state;
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_changes, 2);
        c = rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/1");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before),
                            "<redacted: GitHub personal access token>");
        assert_string_equal(c->reason, "long-lived GitHub personal access token in environment "
                                       "entry 1 removed from the environment");
        c = rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/2");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before), "<redacted: GitLab access token>");
        assert_plan_hides(&plan, bare);
        assert_plan_hides(&plan, "fAkE-0_fAkE");
        out = rw_test_apply(spec, &plan);
        assert_int_equal(json_array_size(rw_test_get(out, "/process/env")), 1);
}

/* Several flagged entries among clean ones: exactly those go, the rest keep their order. */
static void test_apply_removes_exactly_flagged(void **state)
{
        _cleanup_free_ char *e1 = fake("GITLAB_TOKEN=glpat-", "fAkE-0_", 20, "");
        _cleanup_free_ char *e3 = fake("NPM_TOKEN=npm_", "fAkE0x", 36, "");
        _cleanup_free_ char *key = pem("EC PRIVATE KEY");
        _cleanup_free_ char *e4 = entry("SSH_KEY", key);
        _cleanup_free_ char *e6 = fake("GITHUB_TOKEN=ghs_", "fAkE0x", 36, "");
        const char *entries[] = {"PATH=/usr/bin:/bin", e1, "CI_JOB_ID=4242", e3, e4,
                                 "HOME=/root",         e6};
        static const size_t kept[] = {0, 2, 5, 6};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        const json_t *env;

        (void)state;
        run_secrets(spec, &plan);
        assert_int_equal(plan.n_changes, 3);
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/1"));
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/3"));
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/4"));
        out = rw_test_apply(spec, &plan);
        env = rw_test_get(out, "/process/env");
        assert_int_equal(json_array_size(env), RW_ELEMENTSOF(kept));
        for (size_t i = 0; i < RW_ELEMENTSOF(kept); i++)
                assert_string_equal(json_string_value(json_array_get(env, i)), entries[kept[i]]);
        /* nothing else in the spec changed */
        assert_int_equal(json_object_size(json_object_get(out, "process")), 2);
        assert_string_equal(json_string_value(rw_test_get(out, "/process/cwd")), "/");
}

/* An exec --process file is a bare process object: pointer "". */
static void test_exec_process(void **state)
{
        _cleanup_json_ json_t *process = rw_test_load_fixture("docker-exec-process-user.json");
        _cleanup_free_ char *token = fake("GH_TOKEN=ghp_", "fAkE0x", 36, "");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        json_t *env = json_object_get(process, "env");
        size_t n = json_array_size(env);

        (void)state;
        assert_true(n > 0);
        assert_int_equal(json_array_append_new(env, json_string(token)), 0);
        rw_plan_init(&plan);
        rw_rules_secrets(process, "", &plan);
        assert_int_equal(plan.n_changes, 1);
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, NULL));
        assert_string_equal(plan.changes[0].pointer, "/env");
        out = rw_test_apply(process, &plan);
        assert_int_equal(json_array_size(json_object_get(out, "env")), n);
        assert_true(rw_test_array_has_string(json_object_get(out, "env"), "FOO=bar"));
}

/* The tier's action: strip (as the rule says), warn, refuse. The value is never shown. */
static void test_tuning(void **state)
{
        _cleanup_free_ char *pat = fake("glpat-", "fAkE-0_", 24, "");
        _cleanup_free_ char *e_pat = entry("GITLAB_TOKEN", pat);
        _cleanup_free_ char *key = pem("RSA PRIVATE KEY");
        _cleanup_free_ char *e_key = entry("DEPLOY_KEY", key);
        const char *entries[] = {"PATH=/usr/bin", e_pat, e_key};
        _cleanup_json_ json_t *spec = spec_with_env(entries, RW_ELEMENTSOF(entries));
        static const struct rw_rule_tuning warn[] = {
            {RW_RULE_SECRET_ENV, RW_RULE_WARN},
            {NULL, RW_RULE_ENFORCE},
        };
        static const struct rw_rule_tuning refuse[] = {
            {RW_RULE_CAPS, RW_RULE_WARN},
            {RW_RULE_SECRET_ENV, RW_RULE_REFUSE},
            {NULL, RW_RULE_ENFORCE},
        };
        static const struct rw_rule_tuning strip[] = {
            {RW_RULE_SECRET_ENV, RW_RULE_ENFORCE},
            {NULL, RW_RULE_ENFORCE},
        };

        (void)state;
        {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *out = NULL;

                run_secrets(spec, &plan);
                rw_plan_tune(&plan, strip);
                assert_int_equal(plan.n_changes, 2);
                assert_int_equal(plan.n_denials, 0);
                out = rw_test_apply(spec, &plan);
                assert_int_equal(json_array_size(rw_test_get(out, "/process/env")), 1);
        }
        {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *out = NULL;

                run_secrets(spec, &plan);
                rw_plan_tune(&plan, warn);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_warnings, 2);
                for (size_t i = 0; i < plan.n_warnings; i++) {
                        assert_string_equal(plan.warnings[i].rule, RW_RULE_SECRET_ENV);
                        assert_non_null(strstr(plan.warnings[i].text, "<redacted: "));
                }
                assert_non_null(strstr(plan.warnings[0].text, "GITLAB_TOKEN"));
                assert_non_null(strstr(plan.warnings[1].text, "DEPLOY_KEY"));
                assert_plan_hides(&plan, pat);
                assert_plan_hides(&plan, "FaKeKeYmAtErIaL0");
                /* warn changes nothing */
                out = rw_test_apply(spec, &plan);
                assert_true(json_equal(out, spec));
        }
        {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *why = NULL;

                run_secrets(spec, &plan);
                rw_plan_tune(&plan, refuse);
                assert_int_equal(plan.n_changes, 0);
                assert_true(rw_plan_denied(&plan));
                assert_int_equal(plan.n_denials, 2);
                assert_string_equal(plan.denials[0].rule, RW_RULE_SECRET_ENV);
                assert_string_equal(plan.denials[0].item, "/process/env/1");
                why = rw_plan_describe_denials(&plan);
                assert_non_null(why);
                assert_non_null(strstr(why, "refused by rule secret-in-env"));
                assert_non_null(strstr(why, "GITLAB_TOKEN=<redacted: GitLab access token>"));
                assert_non_null(strstr(why, "DEPLOY_KEY=<redacted: private key>"));
                assert_null(strstr(why, pat));
                assert_null(strstr(why, "fAkE-0_"));
                assert_null(strstr(why, "BEGIN"));
                assert_null(strstr(why, "FaKeKeYmAtErIaL0"));
                assert_plan_hides(&plan, pat);
        }
}

static void test_malformed_env(void **state)
{
        static const char *const docs[] = {
            "{\"process\":{\"env\":\"PATH=/bin\"}}",
            "{\"process\":{\"env\":[\"PATH=/bin\",42]}}",
            "{\"process\":{\"env\":[\"PATH=/bin\",18446744073709551615]}}",
            "{\"process\":{\"env\":[null]}}",
            "{\"process\":{\"env\":{\"PATH\":\"/bin\"}}}",
            "{\"process\":[]}",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(docs); i++) {
                _cleanup_json_ json_t *spec = rw_test_parse(docs[i]);
                _cleanup_plan_ struct rw_plan plan;

                print_message("%s\n", docs[i]);
                run_secrets(spec, &plan);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 1);
                assert_string_equal(plan.denials[0].rule, RW_RULE_SPEC);
        }
        /* no env at all is fine */
        {
                _cleanup_json_ json_t *spec = rw_test_parse("{\"process\":{\"cwd\":\"/\"}}");
                _cleanup_plan_ struct rw_plan plan;

                run_secrets(spec, &plan);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 0);
        }
        /* a non-string entry does not hide a credential next to it */
        {
                _cleanup_free_ char *token = fake("ghp_", "fAkE0x", 36, "");
                _cleanup_free_ char *doc = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_plan_ struct rw_plan plan;

                assert_true(asprintf(&doc, "{\"process\":{\"env\":[1,\"T=%s\"]}}", token) > 0);
                spec = rw_test_parse(doc);
                run_secrets(spec, &plan);
                assert_int_equal(plan.n_denials, 1);
                assert_non_null(rw_test_find_change(&plan, RW_RULE_SECRET_ENV, "/process/env/1"));
        }
}

/* required-label */

static void run_required(const json_t *spec, const struct rw_requirement *reqs,
                         struct rw_plan *plan)
{
        struct rw_settings settings;
        _cleanup_json_ json_t *pristine = json_deep_copy(spec);

        rw_settings_baseline(&settings);
        settings.requirements = reqs;
        rw_plan_init(plan);
        rw_rules_required(spec, &settings, plan);
        assert_false(plan->oom);
        assert_int_equal(plan->n_changes, 0);
        assert_true(json_equal(spec, pristine));
}

static size_t count_required_denials(const json_t *spec, const struct rw_requirement *reqs)
{
        _cleanup_plan_ struct rw_plan plan;

        run_required(spec, reqs, &plan);
        return plan.n_denials;
}

static const char *only_denial(const struct rw_plan *plan, const char *rule)
{
        assert_int_equal(plan->n_denials, 1);
        assert_string_equal(plan->denials[0].rule, rule);
        return plan->denials[0].reason;
}

static void test_required_annotation(void **state)
{
        static const struct rw_requirement ephemeral[] = {
            {RW_REQUIRE_ANNOTATION, "runwarden.io/ephemeral", "true"},
            {RW_REQUIRE_ANNOTATION, NULL, NULL},
        };
        static const struct rw_requirement any[] = {
            {RW_REQUIRE_ANNOTATION, "runwarden.io/job", NULL},
            {RW_REQUIRE_ANNOTATION, NULL, NULL},
        };
        _cleanup_json_ json_t *good = rw_test_parse(
            "{\"annotations\":{\"runwarden.io/ephemeral\":\"true\",\"runwarden.io/job\":\"\"}}");
        _cleanup_json_ json_t *other =
            rw_test_parse("{\"annotations\":{\"runwarden.io/ephemeral\":\"not-quite-true\"}}");
        _cleanup_json_ json_t *none = rw_test_parse("{\"process\":{\"env\":[]}}");
        _cleanup_json_ json_t *bad_type =
            rw_test_parse("{\"annotations\":{\"runwarden.io/ephemeral\":true}}");
        _cleanup_json_ json_t *bad_annotations = rw_test_parse("{\"annotations\":[]}");

        (void)state;
        assert_int_equal(count_required_denials(good, ephemeral), 0);
        assert_int_equal(count_required_denials(good, any), 0);
        /* no requirements: nothing is checked */
        assert_int_equal(count_required_denials(none, NULL), 0);
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(none, ephemeral, &plan);
                assert_string_equal(
                    only_denial(&plan, RW_RULE_REQUIRED),
                    "the tier requires annotation runwarden.io/ephemeral=true; it is missing");
                assert_string_equal(plan.denials[0].item, "runwarden.io/ephemeral");
        }
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(other, ephemeral, &plan);
                assert_string_equal(
                    only_denial(&plan, RW_RULE_REQUIRED),
                    "the tier requires annotation runwarden.io/ephemeral=true; it has another "
                    "value");
        }
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(other, any, &plan);
                assert_string_equal(only_denial(&plan, RW_RULE_REQUIRED),
                                    "the tier requires annotation runwarden.io/job; it is missing");
        }
        /* a malformed member is refused as such, not reported missing as well */
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(bad_type, ephemeral, &plan);
                only_denial(&plan, RW_RULE_SPEC);
        }
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(bad_annotations, ephemeral, &plan);
                only_denial(&plan, RW_RULE_SPEC);
        }
}

static void test_required_env(void **state)
{
        static const struct rw_requirement label[] = {
            {RW_REQUIRE_ENV, "RUNNER_LABEL", "ephemeral"},
            {RW_REQUIRE_ENV, NULL, NULL},
        };
        static const struct rw_requirement any[] = {
            {RW_REQUIRE_ENV, "CI_JOB_ID", NULL},
            {RW_REQUIRE_ENV, NULL, NULL},
        };
        static const struct rw_requirement both[] = {
            {RW_REQUIRE_ANNOTATION, "runwarden.io/ephemeral", "true"},
            {RW_REQUIRE_ENV, "RUNNER_LABEL", "ephemeral"},
            {RW_REQUIRE_ENV, "CI_JOB_ID", NULL},
            {RW_REQUIRE_ENV, NULL, NULL},
        };
        _cleanup_json_ json_t *good = rw_test_parse(
            "{\"process\":{\"env\":[\"PATH=/bin\",\"RUNNER_LABEL=ephemeral\",\"CI_JOB_ID=\"]}}");
        /* glibc's getenv() returns the first entry: that is the one the job sees */
        _cleanup_json_ json_t *first_wins = rw_test_parse(
            "{\"process\":{\"env\":[\"RUNNER_LABEL=s3cr3t-actual\",\"RUNNER_LABEL=ephemeral\"]}}");
        _cleanup_json_ json_t *first_good = rw_test_parse(
            "{\"process\":{\"env\":[\"RUNNER_LABEL=ephemeral\",\"RUNNER_LABEL=other\"]}}");
        _cleanup_json_ json_t *near_misses = rw_test_parse(
            "{\"process\":{\"env\":[\"RUNNER_LABEL\",\"RUNNER_LABELS=ephemeral\",\"CI_JOB_IDX=1\","
            "\"XCI_JOB_ID=1\"]}}");
        _cleanup_json_ json_t *fixture = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_json_ json_t *bad_env = rw_test_parse("{\"process\":{\"env\":[7]}}");

        (void)state;
        assert_int_equal(count_required_denials(good, label), 0);
        assert_int_equal(count_required_denials(good, any), 0);
        assert_int_equal(count_required_denials(first_good, label), 0);
        assert_int_equal(count_required_denials(fixture, any), 0);
        {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *why = NULL;

                run_required(first_wins, label, &plan);
                assert_string_equal(only_denial(&plan, RW_RULE_REQUIRED),
                                    "the tier requires environment variable "
                                    "RUNNER_LABEL=ephemeral; it has another value");
                why = rw_plan_describe_denials(&plan);
                assert_null(strstr(why, "s3cr3t-actual"));
        }
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(near_misses, both, &plan);
                assert_int_equal(plan.n_denials, 3);
                assert_string_equal(
                    plan.denials[0].reason,
                    "the tier requires annotation runwarden.io/ephemeral=true; it is missing");
                assert_string_equal(plan.denials[1].reason,
                                    "the tier requires environment variable "
                                    "RUNNER_LABEL=ephemeral; it is missing");
                assert_string_equal(plan.denials[2].reason,
                                    "the tier requires environment variable CI_JOB_ID; it is "
                                    "missing");
                assert_string_equal(plan.denials[2].item, "CI_JOB_ID");
        }
        {
                _cleanup_plan_ struct rw_plan plan;

                run_required(bad_env, any, &plan);
                assert_non_null(rw_test_find_denial(&plan, RW_RULE_SPEC));
        }
}

/* The tier may tune required-label like any rule: warn turns the refusal into a warning. */
static void test_required_tuned(void **state)
{
        static const struct rw_requirement ephemeral[] = {
            {RW_REQUIRE_ANNOTATION, "runwarden.io/ephemeral", "true"},
            {RW_REQUIRE_ANNOTATION, NULL, NULL},
        };
        static const struct rw_rule_tuning warn[] = {
            {RW_RULE_REQUIRED, RW_RULE_WARN},
            {NULL, RW_RULE_ENFORCE},
        };
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        run_required(spec, ephemeral, &plan);
        assert_true(rw_plan_denied(&plan));
        rw_plan_tune(&plan, warn);
        assert_false(rw_plan_denied(&plan));
        assert_int_equal(plan.n_warnings, 1);
        assert_string_equal(plan.warnings[0].rule, RW_RULE_REQUIRED);
        assert_string_equal(
            plan.warnings[0].text,
            "would refuse: the tier requires annotation runwarden.io/ephemeral=true; it is "
            "missing");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_true_positives),
            cmocka_unit_test(test_fixture_aws_key_id),
            cmocka_unit_test(test_aws_secret_key_pair),
            cmocka_unit_test(test_aws_session_token_with_akia),
            cmocka_unit_test(test_false_positives),
            cmocka_unit_test(test_one_report_per_entry),
            cmocka_unit_test(test_name_holds_credential),
            cmocka_unit_test(test_apply_removes_exactly_flagged),
            cmocka_unit_test(test_exec_process),
            cmocka_unit_test(test_tuning),
            cmocka_unit_test(test_malformed_env),
            cmocka_unit_test(test_required_annotation),
            cmocka_unit_test(test_required_env),
            cmocka_unit_test(test_required_tuned),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
