/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden-canary [--expect FILE|- | --expect-json TEXT] [--json] [--metadata]
 *                  [--host-hostname NAME]
 *
 * Exit status: 0 nothing the tier forbids succeeded, 1 something did (the table says what), 2 a
 * usage error or an expectation it cannot read. Without --expect it checks the built-in
 * baseline's expectation, written at build time by `runwardenctl canary expect --no-policy`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline-expect.h" /* rw_canary_baseline_expect, generated */
#include "canary.h"
#include "cleanup.h"
#include "config.h"

#define EXPECT_MAX (1024 * 1024)
#define WALK_LIMIT 200000

static void usage(FILE *out)
{
        fprintf(out,
                "usage: runwarden-canary [--expect FILE|- | --expect-json TEXT] [--json]\n"
                "                        [--metadata] [--host-hostname NAME] [--walk-limit N]\n"
                "                        [--print-expect]\n"
                "\n"
                "Try from inside this container what a hostile CI job would, and judge each\n"
                "attempt against the tier's expectation (runwardenctl canary expect TIER).\n"
                "\n"
                "  --expect FILE|-       the expectation (default: runwarden's built-in baseline)\n"
                "  --expect-json TEXT    the expectation itself (runwardenctl canary run uses it)\n"
                "  --json                one JSON document instead of the table\n"
                "  --metadata            also try to connect to 169.254.169.254:80 (the cloud\n"
                "                        metadata service); no other address is ever contacted\n"
                "  --host-hostname NAME  the host's name: the same name inside is the host's\n"
                "                        uts namespace\n"
                "  --walk-limit N        stop the filesystem walk for sockets after N entries\n"
                "                        (default %d)\n"
                "  --print-expect        print the expectation and exit\n"
                "\n"
                "Exit status: 0 nothing the tier forbids succeeded, 1 something did, 2 usage or\n"
                "an unreadable expectation.\n",
                WALK_LIMIT);
}

static int read_input(const char *path, char **ret, size_t *ret_len)
{
        _cleanup_fclose_ FILE *owned = NULL;
        _cleanup_free_ char *buf = malloc(EXPECT_MAX + 1);
        FILE *f = stdin;
        size_t len = 0;

        if (buf == NULL)
                return -ENOMEM;
        if (strcmp(path, "-") != 0) {
                owned = fopen(path, "re");
                if (owned == NULL)
                        return -errno;
                f = owned;
        }
        while (len < EXPECT_MAX) {
                size_t got = fread(buf + len, 1, EXPECT_MAX - len, f);

                if (got == 0)
                        break;
                len += got;
        }
        if (ferror(f))
                return -EIO;
        if (len == EXPECT_MAX)
                return -EFBIG;
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

int main(int argc, char **argv)
{
        static const struct option options[] = {
            {"expect", required_argument, NULL, 'e'},
            {"expect-json", required_argument, NULL, 'J'},
            {"json", no_argument, NULL, 'j'},
            {"metadata", no_argument, NULL, 'm'},
            {"host-hostname", required_argument, NULL, 'H'},
            {"walk-limit", required_argument, NULL, 'w'},
            {"print-expect", no_argument, NULL, 'p'},
            {"version", no_argument, NULL, 'V'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct rw_canary_options o = {.walk_limit = WALK_LIMIT};
        struct rw_canary_expectation e = {0};
        struct rw_canary_report rep = {.expect = &e};
        struct rw_canary_summary s;
        _cleanup_free_ char *text = NULL;
        const char *expect_path = NULL;
        const char *expect_json = NULL;
        bool json = false, print_expect = false;
        char why[512] = "";
        size_t len = 0;
        char *end;
        int c, r;

        /* Line-buffered so that the children's output and ours keep their order. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
                switch (c) {
                case 'e':
                        expect_path = optarg;
                        break;
                case 'J':
                        expect_json = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'm':
                        o.metadata = true;
                        break;
                case 'H':
                        o.host_hostname = optarg;
                        break;
                case 'w':
                        errno = 0;
                        o.walk_limit = strtoul(optarg, &end, 10);
                        if (errno != 0 || *end != '\0' || o.walk_limit == 0) {
                                fprintf(stderr,
                                        "runwarden-canary: --walk-limit: not a positive "
                                        "number: %s\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'p':
                        print_expect = true;
                        break;
                case 'V':
                        printf("runwarden-canary %s\n", RW_VERSION);
                        return 0;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind != argc || (expect_path != NULL && expect_json != NULL)) {
                usage(stderr);
                return 2;
        }

        if (expect_json != NULL) {
                r = rw_canary_expect_parse(expect_json, strlen(expect_json), "the command line", &e,
                                           why, sizeof(why));
        } else if (expect_path != NULL) {
                r = read_input(expect_path, &text, &len);
                if (r < 0) {
                        fprintf(stderr, "runwarden-canary: %s: %s\n",
                                strcmp(expect_path, "-") ? expect_path : "standard input",
                                strerror(-r));
                        return 2;
                }
                r = rw_canary_expect_parse(
                    text, len, strcmp(expect_path, "-") ? expect_path : "standard input", &e, why,
                    sizeof(why));
        } else {
                r = rw_canary_expect_parse(rw_canary_baseline_expect,
                                           strlen(rw_canary_baseline_expect), "built-in baseline",
                                           &e, why, sizeof(why));
        }
        if (r < 0) {
                fprintf(stderr, "runwarden-canary: the expectation (%s): %s\n",
                        expect_json   ? "--expect-json"
                        : expect_path ? expect_path
                                      : "built-in baseline",
                        why);
                return 2;
        }
        if (print_expect) {
                r = json_dumpf(e.doc, stdout, JSON_INDENT(2));
                printf("\n");
                rw_canary_expect_clear(&e);
                return r == 0 ? 0 : 2;
        }

        rw_canary_process(&rep);
        rw_canary_seccomp(&rep);
        rw_canary_filesystem(&rep);
        rw_canary_kernel(&rep);
        rw_canary_walk(&rep, &o);
        rw_canary_namespaces(&rep, &o);
        rw_canary_network(&rep, &o);

        if (rep.oom) {
                fprintf(stderr, "runwarden-canary: out of memory\n");
                return 2;
        }
        if (json) {
                if (rw_canary_print_json(&rep, RW_VERSION) < 0) {
                        fprintf(stderr, "runwarden-canary: cannot write the JSON report\n");
                        return 2;
                }
        } else {
                rw_canary_print_table(&rep, RW_VERSION);
        }
        rw_canary_summarize(&rep, &s);
        free(rep.attempts);
        rw_canary_expect_clear(&e);
        return s.failed > 0 ? 1 : 0;
}
