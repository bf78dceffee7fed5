/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl: operator commands, kept out of runwarden itself so that they can never collide
 * with a runc command line.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "config.h"
#include "ctl.h"

static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
        const char *summary;
} subcommands[] = {
    {"explain", rw_ctl_explain, "explain BUNDLE|config.json: the tier, the outcome, the diff"},
    {"policy", rw_ctl_policy, "policy validate [FILE] | policy test DIR"},
    {"audit", rw_ctl_audit, "audit [FILE]: a summary of the decision log"},
    {"seccomp", rw_ctl_seccomp, "seccomp check FILE | show NAME | diff A B | stats NAME"},
    {"setup", rw_ctl_setup, "setup docker|containerd|podman|everywhere: register runwarden"},
    {"doctor", rw_ctl_doctor, "doctor [--json]: is this host set up, and safely?"},
    {"canary", rw_ctl_canary, "canary expect [TIER] | canary run --engine E --runtime R"},
};

static void usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl COMMAND [ARGS...]\n\ncommands:\n");
        for (size_t i = 0; i < RW_ELEMENTSOF(subcommands); i++)
                fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
        fprintf(out, "\nrunwardenctl --version prints the version.\n");
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
            strcmp(argv[1], "help") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(argv[1], "--version") == 0) {
                printf("runwardenctl %s\n", RW_VERSION);
                return 0;
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(subcommands); i++)
                if (strcmp(argv[1], subcommands[i].name) == 0)
                        return subcommands[i].run(argc - 1, argv + 1);
        fprintf(stderr, "runwardenctl: unknown command %s\n\n", argv[1]);
        usage(stderr);
        return 2;
}
