/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl policy validate | test: check a policy file the way runwarden reads it, and run
 * the table tests kept beside it (deploy/policy/tests/README.md describes their format).
 *
 * Both read the file's text and hand it to rw_policy_parse(): they judge what the policy says,
 * wherever it is checked out. rw_policy_load()'s extra check that an installed policy belongs to
 * root is runwarden's (and explain's) business, not a CI job's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "fileio.h"
#include "json.h"
#include "policy.h"

/* Read a whole file through the safe accessors (no symlink as the last component). */
static int read_text(const char *path, char **ret_text, size_t *ret_len, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ char *base = NULL;
        _cleanup_close_ int dirfd = -1;
        int r;

        r = rw_path_split(path, &dir, &base, err);
        if (r >= 0)
                r = rw_dir_open(dir, &dirfd, err);
        if (r >= 0)
                r = rw_file_read_at(dirfd, base, RW_JSON_MAX_SIZE, ret_text, ret_len, NULL, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        return 0;
}

static int parse_policy_file(const char *path, struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = read_text(path, &text, &len, err);
        if (r < 0)
                return r;
        return rw_policy_parse(text, len, path, ret, err);
}

/* ---- validate ---- */

static void validate_usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl policy validate [--strict] [FILE]\n"
                     "\n"
                     "Check FILE (default " RW_POLICY_DEFAULT_PATH ") as runwarden would read it.\n"
                     "Errors name FILE:LINE:COLUMN; warnings (select rules that read input the\n"
                     "job controls and name a weaker tier) do not fail unless --strict.\n"
                     "\n"
                     "Exit status: 0 valid, 1 invalid (or warnings with --strict), 2 usage.\n");
}

static int policy_validate(int argc, char **argv)
{
        static const struct option options[] = {
            {"strict", no_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_policy_ struct rw_policy policy = {0};
        struct rw_error err = {0};
        const char *path = RW_POLICY_DEFAULT_PATH;
        char **warnings = NULL;
        bool strict = false;
        size_t n_warnings = 0;
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "sh", options, NULL)) != -1) {
                switch (c) {
                case 's':
                        strict = true;
                        break;
                case 'h':
                        validate_usage(stdout);
                        return 0;
                default:
                        validate_usage(stderr);
                        return 2;
                }
        }
        if (argc - optind > 1) {
                validate_usage(stderr);
                return 2;
        }
        if (optind < argc)
                path = argv[optind];

        if (parse_policy_file(path, &policy, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
        }
        if (rw_policy_warnings(&policy, &warnings, &err) < 0) {
                fprintf(stderr, "runwardenctl policy validate: %s\n", err.msg);
                return 2;
        }

        /* The tiers from the least strict to the strictest, as "strictness" orders them. */
        printf("%s: valid: %zu tier%s (", path, policy.n_tiers, policy.n_tiers == 1 ? "" : "s");
        for (size_t s = 0; s < policy.n_tiers; s++)
                for (size_t i = 0; i < policy.n_tiers; i++)
                        if (policy.tiers[i].strictness == s)
                                printf("%s%s", s > 0 ? ", " : "", policy.tiers[i].name);
        printf("; least strict first, default %s)\n", policy.default_tier);
        for (; warnings[n_warnings] != NULL; n_warnings++)
                fprintf(stderr, "warning: %s\n", warnings[n_warnings]);
        rw_strv_free(warnings);
        return strict && n_warnings > 0 ? 1 : 0;
}

int rw_ctl_policy(int argc, char **argv)
{
        if (argc >= 2 && strcmp(argv[1], "validate") == 0)
                return policy_validate(argc - 1, argv + 1);
        fprintf(stderr, "usage: runwardenctl policy validate [--strict] [FILE]\n");
        return 2;
}
