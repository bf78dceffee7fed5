/* SPDX-License-Identifier: Apache-2.0 */
/*
 * egress-tool: drives lib/net directly for the egress integration test and its benchmark, below
 * runwarden (which the test also runs as an engine does):
 *
 *   egress-tool build CONFIG [--env NAME=VALUE]... [--resolv-conf FILE]
 *                     [--host NAME=ADDR[,ADDR]]... [--out RULES]
 *                                        the rules of a tier's "egress" object (CONFIG, read by
 *                                        the policy parser), printed, and as the hook reads them
 *   egress-tool install TARGET RULES     install; prints installed, kept or replaced
 *   egress-tool show TARGET              the table's mode, fingerprint and per-rule counters
 *   egress-tool remove TARGET            remove runwarden's table
 *   egress-tool handoff RULES --id ID --bundle DIR [--pin] [--tier NAME]
 *                                        write a hand-off for the hook: for tests of the hook on
 *                                        its own, with what runwarden create never writes (a
 *                                        container without a network namespace), and for the
 *                                        benchmark of the hook alone
 *   egress-tool paths --id ID --bundle DIR
 *                                        the hand-off file and the pin of that container
 *   TARGET: --netns PATH | --pid PID
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "egress.h"
#include "egress_handoff.h"
#include "egress_json.h"
#include "error.h"
#include "netns.h"
#include "nft.h"
#include "policy.h"

#define MAX_ITEMS 64

static int fail(const struct rw_error *err)
{
        fprintf(stderr, "egress-tool: %s\n", err->msg);
        return 1;
}

static int usage(void)
{
        fprintf(stderr, "usage: egress-tool build|install|show|remove|handoff|paths ... "
                        "(see the source)\n");
        return 2;
}

static int load_json(const char *path, json_t **ret, struct rw_error *err)
{
        json_error_t jerr;
        json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

        if (doc == NULL)
                return rw_error_set(err, EINVAL, "%s:%d: %s", path, jerr.line, jerr.text);
        *ret = doc;
        return 0;
}

static int open_target(int argc, char **argv, int *i, int *ret_fd, struct rw_error *err)
{
        if (*i + 1 >= argc)
                return rw_error_set(err, EINVAL, "expected --netns PATH or --pid PID");
        if (strcmp(argv[*i], "--netns") == 0) {
                *i += 2;
                return rw_netns_open_path(argv[*i - 1], ret_fd, err);
        }
        if (strcmp(argv[*i], "--pid") == 0) {
                *i += 2;
                return rw_netns_open_pid((pid_t)atoi(argv[*i - 1]), ret_fd, err);
        }
        return rw_error_set(err, EINVAL, "expected --netns PATH or --pid PID");
}

static int load_rules(const char *path, struct rw_egress_ruleset *ret, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        int r = load_json(path, &doc, err);

        if (r < 0)
                return r;
        return rw_egress_ruleset_from_json(doc, ret, err);
}

static int cmd_build(int argc, char **argv, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL, *out_json = NULL;
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_free_ struct rw_cidr *resolvers = NULL;
        _cleanup_free_ char *config = NULL, *wrapped = NULL;
        _cleanup_free_ char *text = NULL;
        const char *env[MAX_ITEMS], *out = NULL;
        struct rw_egress_host hosts[MAX_ITEMS];
        struct rw_cidr host_addrs[MAX_ITEMS][8];
        char *host_names[MAX_ITEMS] = {0};
        size_t n_env = 0, n_hosts = 0, n_resolvers = 0;
        int r;

        if (argc < 3)
                return rw_error_set(err, EINVAL, "build CONFIG");
        r = load_json(argv[2], &doc, err);
        if (r < 0)
                return r;
        for (int i = 3; i < argc; i += 2) {
                if (i + 1 >= argc)
                        return rw_error_set(err, EINVAL, "%s needs a value", argv[i]);
                if (strcmp(argv[i], "--env") == 0 && n_env < MAX_ITEMS) {
                        env[n_env++] = argv[i + 1];
                } else if (strcmp(argv[i], "--out") == 0) {
                        out = argv[i + 1];
                } else if (strcmp(argv[i], "--resolv-conf") == 0) {
                        _cleanup_free_ char *conf = NULL;
                        size_t len;
                        FILE *f = fopen(argv[i + 1], "re");

                        if (f == NULL)
                                return rw_error_set_errno(err, errno, "%s", argv[i + 1]);
                        len = 0;
                        r = getdelim(&conf, &len, '\0', f) < 0 ? -EIO : 0;
                        fclose(f);
                        if (r < 0)
                                return rw_error_set(err, EIO, "cannot read %s", argv[i + 1]);
                        free(resolvers);
                        resolvers = NULL;
                        r = rw_egress_parse_resolv_conf(conf, &resolvers, &n_resolvers, err);
                        if (r < 0)
                                return r;
                } else if (strcmp(argv[i], "--host") == 0 && n_hosts < MAX_ITEMS) {
                        char *spec = argv[i + 1], *eq = strchr(spec, '='), *save = NULL;
                        size_t n = 0;

                        if (eq == NULL)
                                return rw_error_set(err, EINVAL, "--host NAME=ADDR[,ADDR]");
                        *eq = '\0';
                        host_names[n_hosts] = spec;
                        for (char *a = strtok_r(eq + 1, ",", &save); a != NULL && n < 8;
                             a = strtok_r(NULL, ",", &save)) {
                                r = rw_cidr_parse(a, &host_addrs[n_hosts][n], err);
                                if (r < 0)
                                        return r;
                                n++;
                        }
                        hosts[n_hosts] = (struct rw_egress_host){.name = host_names[n_hosts],
                                                                 .addrs = host_addrs[n_hosts],
                                                                 .n_addrs = n};
                        n_hosts++;
                } else {
                        return rw_error_set(err, EINVAL, "unknown option %s", argv[i]);
                }
        }
        /* The policy reads a tier's "egress" object: CONFIG becomes the one tier's. */
        config = json_dumps(doc, JSON_COMPACT);
        if (config == NULL ||
            asprintf(&wrapped,
                     "{\"version\": 1, \"default_tier\": \"t\", \"strictness\": [\"t\"], "
                     "\"tiers\": {\"t\": {\"egress\": %s}}}",
                     config) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        r = rw_policy_parse(wrapped, strlen(wrapped), argv[2], &policy, err);
        if (r < 0)
                return r;
        {
                struct rw_egress_facts facts = {.env = env,
                                                .n_env = n_env,
                                                .resolvers = resolvers,
                                                .n_resolvers = n_resolvers,
                                                .hosts = hosts,
                                                .n_hosts = n_hosts};

                r = rw_egress_build(&policy.tiers[0].settings.egress->config, &facts, &set, err);
                if (r < 0)
                        return r;
        }
        r = rw_egress_ruleset_format(&set, &text, err);
        if (r < 0)
                return r;
        fputs(text, stdout);
        for (size_t i = 0; i < set.n_notes; i++)
                printf("note: %s\n", set.notes[i]);
        if (out != NULL) {
                r = rw_egress_ruleset_to_json(&set, &out_json, err);
                if (r < 0)
                        return r;
                if (json_dump_file(out_json, out, JSON_INDENT(1)) < 0)
                        return rw_error_set(err, EIO, "cannot write %s", out);
        }
        return 0;
}

static int cmd_install(int argc, char **argv, struct rw_error *err)
{
        _cleanup_egress_ruleset_ struct rw_egress_ruleset set = {0};
        _cleanup_close_ int nsfd = -1;
        enum rw_nft_outcome outcome;
        int i = 2, r;

        r = open_target(argc, argv, &i, &nsfd, err);
        if (r < 0)
                return r;
        if (i >= argc)
                return rw_error_set(err, EINVAL, "install TARGET RULES");
        r = load_rules(argv[i], &set, err);
        if (r < 0)
                return r;
        r = rw_nft_install(nsfd, &set, &outcome, err);
        if (r < 0)
                return r;
        printf("%s\n", rw_nft_outcome_name(outcome));
        return 0;
}

static void print_status(const struct rw_nft_status *st)
{
        if (!st->present) {
                printf("absent\n");
                return;
        }
        printf("table mode=%s fingerprint=%s chain=%s reject_rules=%zu\n",
               st->mode[0] ? st->mode : "?", st->fingerprint[0] ? st->fingerprint : "?",
               st->chain_ok ? "ok" : "unexpected", st->n_reject_rules);
        for (size_t i = 0; i < st->n_rules; i++)
                printf("rule %zu %s packets=%" PRIu64 " bytes=%" PRIu64 "\n", i + 1,
                       st->rules[i].id[0] ? st->rules[i].id : "?", st->rules[i].packets,
                       st->rules[i].bytes);
}

static int cmd_show(int argc, char **argv, struct rw_error *err)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        _cleanup_close_ int nsfd = -1;
        int i = 2, r;

        r = open_target(argc, argv, &i, &nsfd, err);
        if (r < 0)
                return r;
        r = rw_nft_read(nsfd, &st, err);
        if (r < 0)
                return r;
        print_status(&st);
        return 0;
}

static int cmd_remove(int argc, char **argv, struct rw_error *err)
{
        _cleanup_close_ int nsfd = -1;
        int i = 2, r;

        r = open_target(argc, argv, &i, &nsfd, err);
        if (r < 0)
                return r;
        return rw_nft_remove(nsfd, err);
}

static int bundle_identity(const char *bundle, struct stat *ret, struct rw_error *err)
{
        if (stat(bundle, ret) < 0)
                return rw_error_set_errno(err, errno, "cannot stat %s", bundle);
        return 0;
}

static int cmd_handoff(int argc, char **argv, struct rw_error *err)
{
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        const char *id = NULL, *bundle = NULL, *tier = "test";
        struct stat st;
        int r;

        if (argc < 3)
                return rw_error_set(err, EINVAL, "handoff RULES --id ID --bundle DIR");
        for (int i = 3; i < argc; i++) {
                if (strcmp(argv[i], "--pin") == 0)
                        h.pin = true;
                else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc)
                        id = argv[++i];
                else if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc)
                        bundle = argv[++i];
                else if (strcmp(argv[i], "--tier") == 0 && i + 1 < argc)
                        tier = argv[++i];
                else
                        return rw_error_set(err, EINVAL, "unknown option %s", argv[i]);
        }
        if (id == NULL || bundle == NULL)
                return rw_error_set(err, EINVAL, "handoff needs --id and --bundle");
        r = bundle_identity(bundle, &st, err);
        if (r < 0)
                return r;
        r = load_rules(argv[2], &h.rules, err);
        if (r < 0)
                return r;
        h.id = strdup(id);
        h.bundle = strdup(bundle);
        if (h.id == NULL || h.bundle == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        h.bundle_dev = (uint64_t)st.st_dev;
        h.bundle_ino = (uint64_t)st.st_ino;
        snprintf(h.tier, sizeof(h.tier), "%s", tier);
        return rw_egress_handoff_write(NULL, &h, err);
}

static int id_bundle(int argc, char **argv, const char **ret_id, struct stat *ret_st,
                     struct rw_error *err)
{
        const char *bundle = NULL;

        *ret_id = NULL;
        for (int i = 2; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--id") == 0)
                        *ret_id = argv[i + 1];
                else if (strcmp(argv[i], "--bundle") == 0)
                        bundle = argv[i + 1];
        }
        if (*ret_id == NULL || bundle == NULL)
                return rw_error_set(err, EINVAL, "expected --id ID --bundle DIR");
        return bundle_identity(bundle, ret_st, err);
}

static int cmd_paths(int argc, char **argv, struct rw_error *err)
{
        char key[RW_EGRESS_KEY_CHARS], pin[PATH_MAX];
        const char *id;
        struct stat st;
        int r;

        r = id_bundle(argc, argv, &id, &st, err);
        if (r < 0)
                return r;
        r = rw_egress_handoff_key(id, (uint64_t)st.st_dev, (uint64_t)st.st_ino, key, err);
        if (r < 0)
                return r;
        r = rw_egress_pin_path(NULL, id, (uint64_t)st.st_dev, (uint64_t)st.st_ino, pin, sizeof(pin),
                               err);
        if (r < 0)
                return r;
        printf("%s/%s.json %s\n", RW_EGRESS_DIR, key, pin);
        return 0;
}

int main(int argc, char **argv)
{
        struct rw_error err = {0};
        int r;

        if (argc < 2)
                return usage();
        if (strcmp(argv[1], "build") == 0)
                r = cmd_build(argc, argv, &err);
        else if (strcmp(argv[1], "install") == 0)
                r = cmd_install(argc, argv, &err);
        else if (strcmp(argv[1], "show") == 0)
                r = cmd_show(argc, argv, &err);
        else if (strcmp(argv[1], "remove") == 0)
                r = cmd_remove(argc, argv, &err);
        else if (strcmp(argv[1], "handoff") == 0)
                r = cmd_handoff(argc, argv, &err);
        else if (strcmp(argv[1], "paths") == 0)
                r = cmd_paths(argc, argv, &err);
        else
                return usage();
        return r < 0 ? fail(&err) : 0;
}
