/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secret-in-env: long-lived credentials in the process environment.
 *
 * Credentials are recognised by the formats their vendors document (docs/secrets.md lists each
 * with its source and its false-positive risks), not by entropy: a guess would strip random build
 * ids and hashes. Short-lived credentials (AWS STS keys, GitHub Actions' ghs_ tokens, GitLab's
 * CI_JOB_TOKEN) are what a job is supposed to get and are left alone.
 *
 * Nothing this rule creates contains a value: the plan shows the entry as "NAME=<redacted: KIND>"
 * and the reason names the variable and the kind only.
 */
#include "rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

/* Characters a credential body is made of. */
enum {
        UPPER = 1u << 0,
        LOWER = 1u << 1,
        DIGIT = 1u << 2,
        UNDERSCORE = 1u << 3,
        DASH = 1u << 4,
        BASE64_EXTRA = 1u << 5, /* "+", "/" and the "=" padding */
        ALNUM = UPPER | LOWER | DIGIT,
};

struct token_format {
        const char *prefix;
        const char *kind;
        unsigned body;   /* character classes after the prefix */
        size_t min, max; /* body length; max 0: unbounded */
        /* A prefix right before ours that makes the token a short-lived one, or NULL. */
        const char *unless_after;
};

/*
 * GitHub tokens are 36 characters after the prefix today; GitHub has announced they may grow up
 * to 255 characters in all, so longer ones are taken too. The AWS key id is exactly 20.
 */
static const struct token_format formats[] = {
    /* first: the AWS secret rule below looks for it by position */
    {"AKIA", "AWS access key id", UPPER | DIGIT, 16, 16, NULL},
    {"ghp_", "GitHub personal access token", ALNUM | UNDERSCORE, 36, 251, NULL},
    {"github_pat_", "GitHub fine-grained personal access token", ALNUM | UNDERSCORE, 82, 244, NULL},
    {"gho_", "GitHub OAuth access token", ALNUM | UNDERSCORE, 36, 251, NULL},
    {"ghu_", "GitHub App user access token", ALNUM | UNDERSCORE, 36, 251, NULL},
    {"ghr_", "GitHub App refresh token", ALNUM | UNDERSCORE, 36, 251, NULL},
    {"glpat-", "GitLab access token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"gldt-", "GitLab deploy token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"glrt-", "GitLab runner authentication token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"glptt-", "GitLab pipeline trigger token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"glft-", "GitLab feed token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"glagent-", "GitLab agent token", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    {"gloas-", "GitLab OAuth application secret", ALNUM | UNDERSCORE | DASH, 20, 0, NULL},
    /* With token rotation Slack prefixes its 12-hour access tokens with "xoxe." */
    {"xoxb-", "Slack bot token", ALNUM | DASH, 10, 0, "xoxe."},
    {"xoxp-", "Slack user token", ALNUM | DASH, 10, 0, "xoxe."},
    {"xoxa-", "Slack app token", ALNUM | DASH, 10, 0, "xoxe."},
    {"xoxr-", "Slack refresh token", ALNUM | DASH, 10, 0, NULL},
    {"xapp-", "Slack app-level token", ALNUM | DASH, 10, 0, NULL},
    {"xoxs-", "Slack session token", ALNUM | DASH, 10, 0, NULL},
    {"xoxe-", "Slack refresh token", ALNUM | DASH, 10, 0, NULL},
    {"AIza", "Google API key", ALNUM | UNDERSCORE | DASH, 35, 35, NULL},
    {"sk_live_", "Stripe live secret key", ALNUM, 20, 0, NULL},
    {"rk_live_", "Stripe live restricted key", ALNUM, 20, 0, NULL},
    {"npm_", "npm access token", ALNUM, 36, 36, NULL},
    /* "pypi-" and the start of the macaroon that names pypi.org as its location */
    {"pypi-AgEIcHlwaS5vcmc", "PyPI API token", ALNUM | UNDERSCORE | DASH, 50, 0, NULL},
    {"AccountKey=", "Azure storage account key", ALNUM | BASE64_EXTRA, 40, 0, NULL},
    {"SharedAccessKey=", "Azure shared access key", ALNUM | BASE64_EXTRA, 40, 0, NULL},
};

#define AWS_KEY_ID_FORMAT (&formats[0])

#define PRIVATE_KEY_KIND "private key"
#define AWS_SECRET_KIND  "AWS secret access key"

/* AWS's documented name for the secret half of a key pair: the value alone has no prefix. */
#define AWS_SECRET_NAME "AWS_SECRET_ACCESS_KEY"
#define AWS_SECRET_LEN  40

/* GitLab's per-job token: valid only while the job runs, and meant for it. */
#define GITLAB_JOB_TOKEN_NAME "CI_JOB_TOKEN"

/* The classes of every byte: the scans below look at every character of every entry. */
static const unsigned char byte_classes[256] = {
    ['A' ... 'Z'] = UPPER, ['a' ... 'z'] = LOWER, ['0' ... '9'] = DIGIT, ['_'] = UNDERSCORE,
    ['-'] = DASH,          ['+'] = BASE64_EXTRA,  ['/'] = BASE64_EXTRA,  ['='] = BASE64_EXTRA,
};

static bool in_classes(char c, unsigned classes)
{
        return (byte_classes[(unsigned char)c] & classes) != 0;
}

static bool is_word(char c)
{
        return in_classes(c, ALNUM | UNDERSCORE);
}

/* `s` points into `start`; whether a token of format `f` begins at s. */
static bool format_matches(const struct token_format *f, const char *start, const char *s)
{
        size_t prefix_len = strlen(f->prefix), n = 0;
        const char *body;

        if (strncmp(s, f->prefix, prefix_len) != 0)
                return false;
        if (f->unless_after != NULL) {
                size_t len = strlen(f->unless_after);

                if ((size_t)(s - start) >= len && strncmp(s - len, f->unless_after, len) == 0)
                        return false;
        }
        body = s + prefix_len;
        while (in_classes(body[n], f->body))
                n++;
        if (n < f->min || (f->max != 0 && n > f->max))
                return false;
        /* A longer word that merely contains a token-like run is something else. */
        return !is_word(body[n]);
}

/*
 * A PEM header of a private key (RFC 7468 labels: PRIVATE KEY, ENCRYPTED PRIVATE KEY, and the
 * legacy RSA/EC/DSA ones; OpenSSH's own; OpenPGP armor's PRIVATE KEY BLOCK). Public keys and
 * certificates are not secrets.
 */
static bool private_key_header(const char *s)
{
        static const char begin[] = "-----BEGIN ";
        static const char *const endings[] = {"PRIVATE KEY", "PRIVATE KEY BLOCK"};
        const char *label, *end;
        size_t len;

        /* called at every character of every environment entry: the first one decides most */
        if (*s != '-' || strncmp(s, begin, strlen(begin)) != 0)
                return false;
        label = s + strlen(begin);
        for (end = label; in_classes(*end, UPPER | DIGIT) || *end == ' '; end++)
                ;
        if (strncmp(end, "-----", 5) != 0)
                return false;
        len = (size_t)(end - label);
        for (size_t i = 0; i < RW_ELEMENTSOF(endings); i++) {
                size_t elen = strlen(endings[i]);

                if (len == elen && strncmp(label, endings[i], elen) == 0)
                        return true;
                if (len > elen && strncmp(end - elen, endings[i], elen) == 0 &&
                    *(end - elen - 1) == ' ')
                        return true;
        }
        return false;
}

/* Whether some format's prefix begins with `c`: most words begin no token at all. */
static bool may_begin_token(char c)
{
        static bool first[256], known;

        if (!known) {
                for (size_t i = 0; i < RW_ELEMENTSOF(formats); i++)
                        first[(unsigned char)formats[i].prefix[0]] = true;
                known = true;
        }
        return first[(unsigned char)c];
}

/* The kind of the first credential in `entry`, NULL if none: an entry is reported once. */
static const char *find_credential(const char *entry)
{
        for (const char *s = entry; *s != '\0'; s++) {
                /* "-----" delimits the header itself: no boundary needed before it */
                if (private_key_header(s)) {
                        return PRIVATE_KEY_KIND;
                }
                if ((s > entry && is_word(s[-1])) || !may_begin_token(*s))
                        continue;
                for (size_t i = 0; i < RW_ELEMENTSOF(formats); i++) {
                        if (formats[i].prefix[0] != *s || !format_matches(&formats[i], entry, s))
                                continue;
                        return formats[i].kind;
                }
        }
        return NULL;
}

static bool has_name(const char *entry, const char *name)
{
        size_t len = strlen(name);

        return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

static bool holds_aws_key_id(const char *entry)
{
        for (const char *s = entry; *s != '\0'; s++)
                if (*s == AWS_KEY_ID_FORMAT->prefix[0] && (s == entry || !is_word(s[-1])) &&
                    format_matches(AWS_KEY_ID_FORMAT, entry, s))
                        return true;
        return false;
}

static bool is_aws_secret(const char *entry)
{
        const char *value = entry + strlen(AWS_SECRET_NAME) + 1;
        size_t n = 0;

        if (!has_name(entry, AWS_SECRET_NAME))
                return false;
        while (in_classes(value[n], ALNUM | BASE64_EXTRA) && value[n] != '=')
                n++;
        return n == AWS_SECRET_LEN && value[n] == '\0';
}

/* Whether the part before "=" can be shown: present, and not itself holding a credential. */
static char *shown_name(const char *entry)
{
        const char *eq = strchr(entry, '=');
        _cleanup_free_ char *name = NULL;

        if (eq == NULL)
                return NULL;
        name = strndup(entry, (size_t)(eq - entry));
        if (name == NULL || find_credential(name) != NULL)
                return NULL;
        return TAKE_PTR(name);
}

static void strip(const char *entry, const char *kind, const char *env_pointer, size_t index,
                  json_t *element, struct rw_plan *plan)
{
        _cleanup_free_ char *name = shown_name(entry);
        _cleanup_free_ char *shown = NULL;

        if (name == NULL) {
                if (asprintf(&shown, "<redacted: %s>", kind) < 0) {
                        plan->oom = true;
                        return;
                }
                rw_plan_array_remove_redacted(
                    plan, RW_RULE_SECRET_ENV, env_pointer, index, element, json_string(shown),
                    "long-lived %s in environment entry %zu removed from the environment", kind,
                    index);
                return;
        }
        if (asprintf(&shown, "%s=<redacted: %s>", name, kind) < 0) {
                plan->oom = true;
                return;
        }
        rw_plan_array_remove_redacted(
            plan, RW_RULE_SECRET_ENV, env_pointer, index, element, json_string(shown),
            "long-lived %s in %s removed from the environment", kind, name);
}

static bool is_env_string(const json_t *v)
{
        return json_is_string(v) && !rw_json_is_verbatim_number(v);
}

void rw_rules_secrets(const json_t *process, const char *pointer, struct rw_plan *plan)
{
        _cleanup_free_ char *env_pointer = NULL;
        bool aws_key_id = false;
        const json_t *env;
        json_t *v;
        size_t i;
        bool ok;

        if (!json_is_object(process)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "process",
                             process == NULL ? "the spec has no process"
                                             : "the process is not a JSON object");
                return;
        }
        env = rw_spec_member(process, "env", JSON_ARRAY, "process.env", plan, &ok);
        if (env == NULL)
                return;
        env_pointer = rw_pointer_join(pointer, "env");
        if (env_pointer == NULL) {
                plan->oom = true;
                return;
        }

        json_array_foreach(env, i, v)
        {
                if (!is_env_string(v)) {
                        rw_plan_deny(plan, RW_RULE_SPEC, "process.env",
                                     "process.env holds an entry that is not a string");
                        continue;
                }
                aws_key_id = aws_key_id || holds_aws_key_id(json_string_value(v));
        }

        json_array_foreach(env, i, v)
        {
                const char *entry = json_string_value(v);
                const char *kind;

                if (!is_env_string(v) || has_name(entry, GITLAB_JOB_TOKEN_NAME))
                        continue;
                /* Without a long-term key id beside it, the secret belongs to STS credentials
                 * (ASIA... with a session token) or to nothing usable. */
                if (aws_key_id && is_aws_secret(entry))
                        kind = AWS_SECRET_KIND;
                else
                        kind = find_credential(entry);
                if (kind != NULL)
                        strip(entry, kind, env_pointer, i, v, plan);
        }
}
