/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl seccomp: check profile files, show the OCI filter a profile becomes for a set of
 * capabilities, diff two profiles, and count what a profile allows next to Docker's default.
 */
#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config.h"
#include "ctl.h"
#include "json.h"
#include "seccomp_compare.h"
#include "seccomp_docker.h"
#include "seccomp_names.h"
#include "seccomp_profile.h"

#define EXIT_FINDING 1
#define EXIT_USAGE   2

/* The profile stats compares with, looked up like any other. */
#define DOCKER_PROFILE "docker-default"

#define MAX_CAPS 64

static void usage(FILE *out)
{
        fprintf(out,
                "usage: runwardenctl seccomp check FILE...\n"
                "       runwardenctl seccomp show PROFILE [--caps CAP,...] [--dir DIR]\n"
                "       runwardenctl seccomp diff PROFILE PROFILE [--caps CAP,...] [--dir DIR]\n"
                "       runwardenctl seccomp stats PROFILE [--caps CAP,...] [--dir DIR] "
                "[--against PROFILE]\n"
                "\n"
                "PROFILE is a name in the profile directory (default %s) or a file path.\n"
                "--caps names the capabilities the container keeps (default: none, as in the\n"
                "baseline); Docker-format profiles are resolved against them.\n",
                RW_SECCOMP_DIR);
}

struct options {
        const char *dir;
        const char *against;
        const char *positional[8];
        size_t n_positional;
        char *caps_storage[MAX_CAPS];
        const char *caps[MAX_CAPS + 1];
        size_t n_caps;
        bool caps_given;
};

static void options_clear(struct options *o)
{
        for (size_t i = 0; i < o->n_caps; i++)
                free(o->caps_storage[i]);
}

/* "sys_admin" or "cap_sys_admin" to "CAP_SYS_ADMIN" (checked later); NULL: out of memory. */
static char *normalize_cap(const char *text)
{
        char *cap;
        int n;

        n = strncasecmp(text, "CAP_", 4) == 0 ? asprintf(&cap, "%s", text)
                                              : asprintf(&cap, "CAP_%s", text);
        if (n < 0)
                return NULL;
        for (char *c = cap; *c != '\0'; c++)
                *c = (char)toupper((unsigned char)*c);
        return cap;
}

static int parse_caps(struct options *o, const char *list)
{
        _cleanup_free_ char *copy = strdup(list);
        char *save = NULL;

        if (copy == NULL)
                return -ENOMEM;
        o->caps_given = true;
        for (char *c = strtok_r(copy, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save)) {
                char *cap = normalize_cap(c);

                if (cap == NULL)
                        return -ENOMEM;
                if (o->n_caps == MAX_CAPS) {
                        free(cap);
                        fprintf(stderr, "runwardenctl seccomp: too many capabilities\n");
                        return -E2BIG;
                }
                o->caps_storage[o->n_caps] = cap;
                o->caps[o->n_caps++] = cap;
        }
        o->caps[o->n_caps] = NULL;
        return 0;
}

static bool capability_known(const char *cap)
{
        return strncmp(cap, "CAP_", 4) == 0 && capng_name_to_capability(cap + 4) >= 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
        memset(o, 0, sizeof(*o));
        o->dir = RW_SECCOMP_DIR;
        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i];

                /* --seccomp-dir as explain and policy test spell it. */
                if (strcmp(arg, "--dir") == 0 || strcmp(arg, "--seccomp-dir") == 0 ||
                    strcmp(arg, "--caps") == 0 || strcmp(arg, "--against") == 0) {
                        if (i + 1 >= argc) {
                                fprintf(stderr, "runwardenctl seccomp: %s needs a value\n", arg);
                                return -EINVAL;
                        }
                        if (strcmp(arg, "--caps") == 0) {
                                if (parse_caps(o, argv[++i]) < 0)
                                        return -EINVAL;
                        } else if (strcmp(arg, "--against") == 0) {
                                o->against = argv[++i];
                        } else {
                                o->dir = argv[++i];
                        }
                } else if (arg[0] == '-' && arg[1] != '\0') {
                        fprintf(stderr, "runwardenctl seccomp: unknown option %s\n", arg);
                        return -EINVAL;
                } else if (o->n_positional < RW_ELEMENTSOF(o->positional)) {
                        o->positional[o->n_positional++] = arg;
                } else {
                        fprintf(stderr, "runwardenctl seccomp: too many arguments\n");
                        return -EINVAL;
                }
        }
        for (size_t i = 0; i < o->n_caps; i++)
                if (!capability_known(o->caps[i])) {
                        fprintf(stderr, "runwardenctl seccomp: unknown capability %s\n",
                                o->caps[i]);
                        return -EINVAL;
                }
        return 0;
}

static bool is_path(const char *profile)
{
        size_t len = strlen(profile);

        return strchr(profile, '/') != NULL || (len > 5 && strcmp(profile + len - 5, ".json") == 0);
}

static int read_profile(const struct options *o, const char *profile, json_t **ret,
                        struct rw_error *err)
{
        if (is_path(profile))
                return rw_seccomp_read_file(profile, ret, err);
        return rw_seccomp_read_named(o->dir, profile, ret, err);
}

/* The OCI filter `profile` becomes on this host for the capabilities in `o`, checked. */
static int resolve(const struct options *o, const char *profile, json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *raw = NULL;
        _cleanup_json_ json_t *oci = NULL;
        struct rw_seccomp_target target;
        int r;

        r = read_profile(o, profile, &raw, err);
        if (r < 0)
                return r;
        r = rw_seccomp_target_host(o->n_caps > 0 ? o->caps : NULL, &target, err);
        if (r < 0)
                return r;
        r = rw_seccomp_convert(raw, &target, &oci, err);
        if (r >= 0)
                r = rw_seccomp_check(oci, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", profile);
        *ret = TAKE_PTR(oci);
        return 0;
}

static void print_caps(FILE *out, const char *const *caps)
{
        if (caps == NULL || caps[0] == NULL) {
                fprintf(out, "none");
                return;
        }
        for (size_t i = 0; caps[i] != NULL; i++)
                fprintf(out, "%s%s", i > 0 ? "," : "", caps[i]);
}

/* Compile the profile converted for `caps` and say what it became. */
static int check_converted(const char *file, const json_t *raw, const char *const *caps,
                           struct rw_error *err)
{
        _cleanup_json_ json_t *oci = NULL;
        struct rw_seccomp_target target;
        const json_t *arch;
        size_t insns, i;
        int r;

        r = rw_seccomp_target_host(caps, &target, err);
        if (r < 0)
                return r;
        r = rw_seccomp_convert(raw, &target, &oci, err);
        if (r >= 0)
                r = rw_seccomp_compile(oci, &insns, err);
        if (r < 0) {
                _cleanup_free_ char *what = NULL;

                if (asprintf(&what, "%s (converted for %s, kernel %u.%u, capabilities ", file,
                             target.arch->name, target.kernel_major, target.kernel_minor) < 0)
                        what = NULL;
                return rw_error_prefix(err, "%s%s)", what != NULL ? what : file,
                                       caps != NULL && caps[0] != NULL ? "as listed" : "none");
        }
        printf("  capabilities ");
        print_caps(stdout, caps);
        printf(": %zu rules, architectures %s", json_array_size(json_object_get(oci, "syscalls")),
               target.arch->name);
        json_array_foreach(json_object_get(oci, "architectures"), i, arch)
        {
                if (rw_seccomp_arch_by_name(json_string_value(arch)) != target.arch)
                        printf(",%s", json_string_value(arch));
        }
        printf("; %zu BPF instructions\n", insns);
        return 0;
}

static int check_one(const char *file)
{
        _cleanup_json_ json_t *raw = NULL;
        _cleanup_free_ const char **caps = NULL;
        struct rw_error err = {0};
        size_t insns;
        int r;

        r = rw_seccomp_read_file(file, &raw, &err);
        if (r < 0)
                goto fail;
        if (!rw_seccomp_is_docker_format(raw)) {
                r = rw_seccomp_compile(raw, &insns, &err);
                if (r < 0) {
                        rw_error_prefix(&err, "%s", file);
                        goto fail;
                }
                printf("%s: ok (OCI format): %zu rules, %zu BPF instructions on this host\n", file,
                       json_array_size(json_object_get(raw, "syscalls")), insns);
                return 0;
        }
        r = rw_seccomp_lint_docker(raw, &err);
        if (r < 0) {
                rw_error_prefix(&err, "%s", file);
                goto fail;
        }
        r = rw_seccomp_docker_capabilities(raw, &caps, &err);
        if (r < 0)
                goto fail;
        printf("%s: ok (Docker format), on this host:\n", file);
        /* With none of the capabilities it names, and with all of them: between the two, every
         * entry that can apply here is compiled at least once. */
        r = check_converted(file, raw, NULL, &err);
        if (r >= 0 && caps[0] != NULL)
                r = check_converted(file, raw, caps, &err);
        if (r < 0)
                goto fail;
        return 0;
fail:
        fflush(stdout);
        fprintf(stderr, "runwardenctl seccomp check: %s\n", err.msg);
        return EXIT_FINDING;
}

static int cmd_check(const struct options *o)
{
        int status = 0;

        if (o->n_positional == 0 || o->caps_given || o->against != NULL) {
                usage(stderr);
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < o->n_positional; i++)
                if (check_one(o->positional[i]) != 0)
                        status = EXIT_FINDING;
        return status;
}

static int cmd_show(const struct options *o)
{
        _cleanup_json_ json_t *oci = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        size_t len;

        if (o->n_positional != 1 || o->against != NULL) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (resolve(o, o->positional[0], &oci, &err) < 0 ||
            rw_json_dump(oci, &text, &len, &err) < 0) {
                fprintf(stderr, "runwardenctl seccomp show: %s\n", err.msg);
                return EXIT_FINDING;
        }
        printf("%s\n", text);
        return 0;
}

static int load_model(const struct options *o, const char *profile, struct rw_seccomp_model **ret,
                      struct rw_error *err)
{
        _cleanup_json_ json_t *oci = NULL;
        int r;

        r = resolve(o, profile, &oci, err);
        if (r < 0)
                return r;
        return rw_seccomp_model_new(oci, RW_SECCOMP_STRICT, ret, err);
}

static const char *side(bool wider_a, bool wider_b)
{
        if (wider_a && wider_b)
                return "each lets through calls the other does not";
        return wider_a ? "A lets through more" : "B lets through more";
}

static int cmd_diff(const struct options *o)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *a = NULL;
        _cleanup_seccomp_model_ struct rw_seccomp_model *b = NULL;
        _cleanup_free_ struct rw_seccomp_difference *diffs = NULL;
        const struct rw_seccomp_arch *shown = NULL;
        struct rw_error err = {0};
        size_t n;

        if (o->n_positional != 2 || o->against != NULL) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (load_model(o, o->positional[0], &a, &err) < 0 ||
            load_model(o, o->positional[1], &b, &err) < 0 ||
            rw_seccomp_diff(a, b, &diffs, &n, &err) < 0) {
                fprintf(stderr, "runwardenctl seccomp diff: %s\n", err.msg);
                return EXIT_FINDING;
        }
        printf("A: %s\nB: %s\ncapabilities: ", o->positional[0], o->positional[1]);
        print_caps(stdout, o->n_caps > 0 ? o->caps : NULL);
        printf("\n");
        if (n == 0) {
                printf("no difference\n");
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                const struct rw_seccomp_difference *d = &diffs[i];

                if (d->arch != shown) {
                        printf("%s:\n", d->arch->name);
                        shown = d->arch;
                }
                if (d->name[0] == '\0' && d->a == RW_SECCOMP_CONDITIONAL)
                        printf("  every call: only A has this architecture (B kills its calls)\n");
                else if (d->name[0] == '\0' && d->b == RW_SECCOMP_CONDITIONAL)
                        printf("  every call: only B has this architecture (A kills its calls)\n");
                else if (d->name[0] == '\0')
                        printf("  calls neither names: %s by A, %s by B (default actions)\n",
                               rw_seccomp_verdict_name(d->a), rw_seccomp_verdict_name(d->b));
                else if (d->a != d->b)
                        printf("  %-24s A %s, B %s\n", d->name, rw_seccomp_verdict_name(d->a),
                               rw_seccomp_verdict_name(d->b));
                else
                        printf("  %-24s %s in both, different arguments: %s\n", d->name,
                               rw_seccomp_verdict_name(d->a), side(d->a_wider, d->b_wider));
        }
        return EXIT_FINDING;
}

struct counts {
        size_t v[3]; /* by rw_seccomp_verdict */
};

/* The calls of the native architecture one filter lets through (more widely) than the other. */
static void print_wider(const struct rw_seccomp_difference *d, size_t n, uint32_t arch, bool a_side,
                        const char *wide, const char *narrow)
{
        size_t shown = 0;

        printf("\nlet through by %s, not (as widely) by %s:\n ", wide, narrow);
        for (size_t i = 0; i < n; i++) {
                enum rw_seccomp_verdict other = a_side ? d[i].b : d[i].a;

                if (d[i].arch->token != arch || d[i].name[0] == '\0' ||
                    !(a_side ? d[i].a_wider : d[i].b_wider))
                        continue;
                printf(" %s%s", d[i].name,
                       other == RW_SECCOMP_DENIED ? "" : " (narrower arguments)");
                shown++;
        }
        printf("%s\n", shown == 0 ? " (none)" : "");
}

static int cmd_stats(const struct options *o)
{
        static const char *const rows[] = {"denied", "conditionally allowed", "allowed"};
        const struct rw_seccomp_arch *native = rw_seccomp_arch_native();
        const char *against = o->against != NULL ? o->against : DOCKER_PROFILE;
        _cleanup_seccomp_model_ struct rw_seccomp_model *ours = NULL;
        _cleanup_seccomp_model_ struct rw_seccomp_model *docker = NULL;
        _cleanup_free_ struct rw_seccomp_difference *diffs = NULL;
        struct counts c_ours = {{0}}, c_docker = {{0}};
        struct rw_error err = {0};
        char **names = NULL;
        size_t n = 0, n_diffs = 0;

        if (o->n_positional != 1) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (native == NULL) {
                fprintf(stderr, "runwardenctl seccomp stats: unknown native architecture\n");
                return EXIT_FINDING;
        }
        if (load_model(o, o->positional[0], &ours, &err) < 0 ||
            load_model(o, against, &docker, &err) < 0 ||
            rw_seccomp_diff(ours, docker, &diffs, &n_diffs, &err) < 0 ||
            rw_seccomp_arch_syscalls(native->token, &names, &n, &err) < 0) {
                fprintf(stderr, "runwardenctl seccomp stats: %s\n", err.msg);
                return EXIT_FINDING;
        }
        for (size_t i = 0; i < n; i++) {
                c_ours.v[rw_seccomp_model_verdict(ours, native->token, names[i])]++;
                c_docker.v[rw_seccomp_model_verdict(docker, native->token, names[i])]++;
        }
        rw_seccomp_names_free(names, n);

        printf("%zu system calls of %s (libseccomp's table), capabilities ", n, native->name);
        print_caps(stdout, o->n_caps > 0 ? o->caps : NULL);
        printf("\n\n%-24s %16s %16s\n", "", o->positional[0], against);
        for (int v = RW_SECCOMP_ALLOWED; v >= RW_SECCOMP_DENIED; v--)
                printf("%-24s %16zu %16zu\n", rows[v], c_ours.v[v], c_docker.v[v]);
        print_wider(diffs, n_diffs, native->token, false, against, o->positional[0]);
        print_wider(diffs, n_diffs, native->token, true, o->positional[0], against);
        return 0;
}

int rw_ctl_seccomp(int argc, char **argv)
{
        static const struct {
                const char *name;
                int (*run)(const struct options *o);
        } commands[] = {
            {"check", cmd_check},
            {"show", cmd_show},
            {"diff", cmd_diff},
            {"stats", cmd_stats},
        };
        int (*run)(const struct options *o) = NULL;
        struct options o;
        int r;

        if (argc < 2) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(stdout);
                return 0;
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++)
                if (strcmp(argv[1], commands[i].name) == 0)
                        run = commands[i].run;
        if (run == NULL) {
                fprintf(stderr, "runwardenctl seccomp: unknown command %s\n\n", argv[1]);
                usage(stderr);
                return EXIT_USAGE;
        }
        r = parse_options(argc - 1, argv + 1, &o);
        if (r < 0)
                usage(stderr);
        else
                r = run(&o);
        options_clear(&o);
        return r < 0 ? EXIT_USAGE : r;
}
