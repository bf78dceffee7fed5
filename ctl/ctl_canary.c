/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl canary expect | run: the tripwire's two host-side halves (ctl/canary/README.md).
 *
 * `expect` states what a tier allows, for runwarden-canary to check from inside a job: the
 * policy and the seccomp profiles live on the host, the canary lives in the job.
 *
 * `run` starts the canary through an engine exactly as a job is started (docker run --runtime
 * NAME, or ctr run --runc-binary PATH), hands it the expectation on its command line (ctr never
 * closes a container's standard input, and a bind of a file would be refused by host-mount),
 * shows its table and returns its verdict. The canary's last line (or its JSON "verdict") tells a
 * canary that ran and found a regression (1) from an engine that never ran it (3): both engines
 * exit with the container's status, and ctr also exits 1 on its own errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "canary_expect.h"
#include "cleanup.h"
#include "config.h"
#include "ctl.h"
#include "fileio.h"
#include "json.h"
#include "policy.h"
#include "seccomp_profile.h"

#define CANARY_IMAGE_DOCKER "runwarden-canary:latest"
#define CANARY_IMAGE_CTR    "docker.io/library/runwarden-canary:latest"
#define CANARY_PATH         "/runwarden-canary"
#define CANARY_OUTPUT_MAX   (4u * 1024u * 1024u)
#define CANARY_TIMEOUT      300

enum run_status {
        RUN_PASS = 0,
        RUN_REGRESSION = 1,
        RUN_USAGE = 2,
        RUN_NOT_RUN = 3,
};

extern char **environ;

struct expect_options {
        const char *tier;
        const char *policy;
        const char *seccomp_dir;
        bool no_policy;
};

/* The tier of `policy` named `name` (NULL: the policy's default). */
static const struct rw_tier *pick_tier(const struct rw_policy *policy, const char *name,
                                       struct rw_error *err)
{
        const struct rw_tier *tier =
            rw_policy_find_tier(policy, name ? name : policy->default_tier);

        if (tier == NULL)
                rw_error_set(err, ENOENT, "%s: no tier %s", policy->origin,
                             name ? name : policy->default_tier);
        return tier;
}

/*
 * The installed policy as runwarden reads it (or the baseline without one); a file named with
 * --policy is read as `policy validate` reads it, for its text alone: an expectation is often
 * written from a checkout under review, whose owner need not be root.
 */
static int load_policy(const struct expect_options *o, struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        bool found;
        size_t len;
        int r;

        if (o->no_policy)
                return rw_policy_baseline(ret, err);
        if (o->policy == NULL)
                return rw_policy_load(NULL, ret, &found, err);
        r = rw_file_read(o->policy, RW_JSON_MAX_SIZE, &text, &len, NULL, NULL, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", o->policy);
        return rw_policy_parse(text, len, o->policy, ret, err);
}

/* The expectation document of tier o->tier, or an error. */
static int build_expectation(const struct expect_options *o, const struct rw_policy *policy,
                             json_t **ret, struct rw_error *err)
{
        _cleanup_json_ json_t *profile = NULL;
        const struct rw_tier *tier = pick_tier(policy, o->tier, err);
        struct rw_canary_input in = {.policy = policy, .tier = tier};
        int r;

        if (tier == NULL)
                return -err->code;
        if (tier->settings.seccomp_profile_name != NULL) {
                r = rw_seccomp_profile_for(o->seccomp_dir ? o->seccomp_dir : RW_SECCOMP_DIR,
                                           tier->settings.seccomp_profile_name,
                                           tier->settings.capabilities, NULL, &profile, err);
                if (r < 0)
                        return rw_error_prefix(err, "tier %s", tier->name);
                in.seccomp_profile = profile;
        }
        return rw_canary_expect(&in, ret, err);
}

static int dump(const json_t *doc, size_t flags, char **ret, struct rw_error *err)
{
        char *text = json_dumps(doc, flags);

        if (text == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = text;
        return 0;
}

/* ---- expect ---- */

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t w = write(fd, buf, len);

                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                buf += w;
                len -= (size_t)w;
        }
        return 0;
}

static int write_file(const char *path, const char *text, struct rw_error *err)
{
        _cleanup_close_ int fd =
            open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        int r;

        if (fd < 0)
                return rw_error_set_errno(err, errno, "%s", path);
        r = write_all(fd, text, strlen(text));
        if (r >= 0)
                r = write_all(fd, "\n", 1);
        if (r >= 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        return r < 0 ? rw_error_set_errno(err, -r, "%s", path) : 0;
}

static void expect_usage(FILE *out)
{
        fprintf(out,
                "usage: runwardenctl canary expect [TIER] [--policy FILE | --no-policy]\n"
                "                                  [--seccomp-dir DIR] [--output FILE]\n"
                "\n"
                "Print what runwarden-canary must find inside a container of TIER (default: the\n"
                "policy's default tier), as JSON for `runwarden-canary --expect FILE|-`.\n"
                "\n"
                "  --policy FILE     the policy (default " RW_POLICY_DEFAULT_PATH "; none there:\n"
                "                    the built-in baseline)\n"
                "  --no-policy       the built-in baseline, whatever is installed\n"
                "  --seccomp-dir DIR where the seccomp profiles are (default " RW_SECCOMP_DIR ")\n"
                "  --output FILE     write it to FILE instead of standard output\n"
                "\n"
                "Exit status: 0 written, 2 usage or an error (unknown tier, invalid policy).\n");
}

static int canary_expect_cmd(int argc, char **argv)
{
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"no-policy", no_argument, NULL, 'n'},
            {"seccomp-dir", required_argument, NULL, 's'},
            {"output", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *text = NULL;
        struct expect_options o = {0};
        struct rw_error err = {0};
        const char *output = NULL;
        int c, r;

        optind = 1;
        while ((c = getopt_long(argc, argv, "p:ns:o:h", options, NULL)) != -1) {
                switch (c) {
                case 'p':
                        o.policy = optarg;
                        break;
                case 'n':
                        o.no_policy = true;
                        break;
                case 's':
                        o.seccomp_dir = optarg;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        expect_usage(stdout);
                        return 0;
                default:
                        expect_usage(stderr);
                        return RUN_USAGE;
                }
        }
        if (argc - optind > 1 || (o.no_policy && o.policy != NULL)) {
                expect_usage(stderr);
                return RUN_USAGE;
        }
        if (optind < argc)
                o.tier = argv[optind];

        r = load_policy(&o, &policy, &err);
        if (r >= 0)
                r = build_expectation(&o, &policy, &doc, &err);
        if (r >= 0)
                r = dump(doc, JSON_INDENT(2), &text, &err);
        if (r >= 0 && output != NULL)
                r = write_file(output, text, &err);
        if (r < 0) {
                fprintf(stderr, "runwardenctl canary expect: %s\n", err.msg);
                return RUN_USAGE;
        }
        if (strcmp(json_string_value(json_object_get(doc, "mode")), "audit") == 0)
                fprintf(stderr,
                        "runwardenctl canary expect: warning: tier %s is in audit mode: it "
                        "enforces nothing, and the canary will judge nothing\n",
                        json_string_value(json_object_get(doc, "tier")));
        if (output == NULL)
                printf("%s\n", text);
        return 0;
}

/* ---- run ---- */

struct run_options {
        struct expect_options expect;
        const char *engine;  /* "docker" or "ctr" */
        const char *runtime; /* docker: a registered runtime name; ctr: the runc binary */
        const char *image;
        const char *expect_file; /* a pinned expectation instead of the policy's view */
        const char *engine_bin;  /* the docker or ctr client (default: from PATH) */
        const char *address;     /* ctr --address */
        const char *ns;          /* ctr --namespace */
        const char *canary_path; /* the canary inside the image */
        char **engine_args;      /* before the image in `docker run` / `ctr run` */
        size_t n_engine_args;
        unsigned timeout; /* seconds */
        bool json;
        bool metadata;
};

static void run_usage(FILE *out)
{
        fprintf(
            out,
            "usage: runwardenctl canary run --engine docker|ctr --runtime NAME [--image IMAGE]\n"
            "                               [--tier T] [--policy F | --no-policy]\n"
            "                               [--seccomp-dir DIR] [--expect FILE] [--json]\n"
            "                               [--metadata] [--engine-arg ARG]...\n"
            "                               [--engine-bin PATH] [--address SOCK] [--namespace NS]\n"
            "                               [--timeout SECONDS]\n"
            "\n"
            "Run runwarden-canary through the engine as a job runs (docker run --runtime NAME,\n"
            "or ctr run --runc-binary NAME), hand it the tier's expectation and print its table.\n"
            "\n"
            "  --runtime NAME    docker: a runtime registered with dockerd (runwarden,\n"
            "                    runwarden-TIER, or runc to see what an unhardened job can do);\n"
            "                    ctr: the runc-compatible binary (a path or a name on PATH)\n"
            "  --image IMAGE     the canary image (ctl/canary/build-image.sh; default\n"
            "                    " CANARY_IMAGE_DOCKER " for docker, " CANARY_IMAGE_CTR "\n"
            "                    for ctr)\n"
            "  --tier T          the tier whose expectation to check (default: TIER of a runtime\n"
            "                    named runwarden-TIER, else the policy's default tier)\n"
            "  --expect FILE     a pinned expectation (runwardenctl canary expect -o FILE)\n"
            "                    instead of the installed policy's view\n"
            "  --metadata        let the canary try 169.254.169.254:80 (and give the container\n"
            "                    the engine's default network instead of none)\n"
            "  --engine-arg ARG  one more argument for docker run / ctr run, before the image\n"
            "  --timeout SECONDS stop waiting for a verdict after SECONDS (default 300)\n"
            "\n"
            "Exit status: 0 the canary passed, 1 it found something the tier forbids, 2 usage or\n"
            "an error, 3 the canary did not run (the engine or the runtime failed).\n");
}

static int add_arg(char ***argv, size_t *n, const char *arg)
{
        char **grown = reallocarray(*argv, *n + 2, sizeof(**argv));

        if (grown == NULL)
                return -ENOMEM;
        grown[(*n)++] = (char *)arg;
        grown[*n] = NULL;
        *argv = grown;
        return 0;
}

/* The tier a runtime named runwarden-TIER chooses (as runwarden does from its link name). */
static const char *tier_of_runtime(const struct rw_policy *policy, const char *runtime)
{
        const char *base = strrchr(runtime, '/');

        base = base ? base + 1 : runtime;
        if (strncmp(base, "runwarden-", 10) != 0 || rw_policy_find_tier(policy, base + 10) == NULL)
                return NULL;
        return base + 10;
}

/* The engine's command line; the strings point into `o` and `id`. */
static int engine_argv(const struct run_options *o, const char *id, const char *expectation,
                       const char *hostname, char ***ret, struct rw_error *err)
{
        _cleanup_free_ char **argv = NULL;
        bool docker = strcmp(o->engine, "docker") == 0;
        size_t n = 0;
        int r = 0;

        r |= add_arg(&argv, &n, o->engine_bin ? o->engine_bin : o->engine);
        if (!docker) {
                if (o->address != NULL) {
                        r |= add_arg(&argv, &n, "--address");
                        r |= add_arg(&argv, &n, o->address);
                }
                if (o->ns != NULL) {
                        r |= add_arg(&argv, &n, "--namespace");
                        r |= add_arg(&argv, &n, o->ns);
                }
        }
        r |= add_arg(&argv, &n, "run");
        r |= add_arg(&argv, &n, "--rm");
        if (docker) {
                r |= add_arg(&argv, &n, "--name");
                r |= add_arg(&argv, &n, id);
                r |= add_arg(&argv, &n, "--runtime");
                r |= add_arg(&argv, &n, o->runtime);
                if (!o->metadata)
                        r |= add_arg(&argv, &n, "--network=none");
        } else {
                r |= add_arg(&argv, &n, "--runc-binary");
                r |= add_arg(&argv, &n, o->runtime);
        }
        for (size_t i = 0; i < o->n_engine_args; i++)
                r |= add_arg(&argv, &n, o->engine_args[i]);
        r |= add_arg(&argv, &n,
                     o->image ? o->image
                     : docker ? CANARY_IMAGE_DOCKER
                              : CANARY_IMAGE_CTR);
        if (!docker)
                r |= add_arg(&argv, &n, id);
        r |= add_arg(&argv, &n, o->canary_path ? o->canary_path : CANARY_PATH);
        r |= add_arg(&argv, &n, "--expect-json");
        r |= add_arg(&argv, &n, expectation);
        if (hostname != NULL) {
                r |= add_arg(&argv, &n, "--host-hostname");
                r |= add_arg(&argv, &n, hostname);
        }
        if (o->json)
                r |= add_arg(&argv, &n, "--json");
        if (o->metadata)
                r |= add_arg(&argv, &n, "--metadata");
        if (r != 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(argv);
        return 0;
}

/* Milliseconds left before `deadline` (CLOCK_MONOTONIC), 0 when it has passed. */
static int ms_left(const struct timespec *deadline)
{
        struct timespec now;
        long long ms;

        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
        return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Run argv with /dev/null as its standard input, its standard output both shown as it comes and
 * kept in *ret_output, its standard error going to ours. *ret_status is its wait status;
 * *ret_timed_out says it was killed after `timeout` seconds without finishing.
 */
static int spawn_canary(char **argv, unsigned timeout, char **ret_output, int *ret_status,
                        bool *ret_timed_out, struct rw_error *err)
{
        posix_spawn_file_actions_t actions;
        _cleanup_close_ int out_r = -1;
        _cleanup_free_ char *output = malloc(CANARY_OUTPUT_MAX + 1);
        struct timespec deadline;
        int out[2];
        size_t len = 0;
        pid_t pid;
        int r;

        *ret_timed_out = false;
        if (output == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (pipe2(out, O_CLOEXEC) < 0)
                return rw_error_set_errno(err, errno, "pipe");
        out_r = out[0];
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        r = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        if (r != 0)
                return rw_error_set_errno(err, r, "cannot run %s", argv[0]);

        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout;
        for (;;) {
                struct pollfd pfd = {.fd = out_r, .events = POLLIN};
                ssize_t got;

                r = poll(&pfd, 1, ms_left(&deadline));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r == 0) {
                        /* The engine client goes; what it started may not (docker run --rm
                         * removes the container when the client is still there to ask). */
                        *ret_timed_out = true;
                        kill(pid, SIGTERM);
                        break;
                }
                if (r < 0 || len == CANARY_OUTPUT_MAX)
                        break;
                got = read(out_r, output + len, CANARY_OUTPUT_MAX - len);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        break;
                fwrite(output + len, 1, (size_t)got, stdout);
                fflush(stdout);
                len += (size_t)got;
        }
        close(TAKE_FD(out_r));
        while (waitpid(pid, ret_status, 0) < 0)
                if (errno != EINTR)
                        return rw_error_set_errno(err, errno, "waitpid");
        output[len] = '\0';
        *ret_output = TAKE_PTR(output);
        return 0;
}

/* "pass", "fail", or NULL when the output holds no verdict of the canary's. */
static const char *canary_verdict(const char *output, bool json)
{
        if (json) {
                json_t *doc = json_loads(output, JSON_DISABLE_EOF_CHECK, NULL);
                const char *v = json_string_value(json_object_get(doc, "verdict"));
                const char *r = NULL;

                if (v != NULL && strcmp(v, "pass") == 0)
                        r = "pass";
                else if (v != NULL && strcmp(v, "fail") == 0)
                        r = "fail";
                json_decref(doc);
                return r;
        }
        for (const char *line = output; line != NULL && *line != '\0';) {
                if (strncmp(line, "verdict: PASS", 13) == 0)
                        return "pass";
                if (strncmp(line, "verdict: FAIL", 13) == 0)
                        return "fail";
                line = strchr(line, '\n');
                if (line != NULL)
                        line++;
        }
        return NULL;
}

static int parse_run_options(int argc, char **argv, struct run_options *o)
{
        static const struct option options[] = {
            {"engine", required_argument, NULL, 'e'},
            {"runtime", required_argument, NULL, 'r'},
            {"image", required_argument, NULL, 'i'},
            {"tier", required_argument, NULL, 't'},
            {"policy", required_argument, NULL, 'p'},
            {"no-policy", no_argument, NULL, 'n'},
            {"seccomp-dir", required_argument, NULL, 's'},
            {"expect", required_argument, NULL, 'x'},
            {"json", no_argument, NULL, 'j'},
            {"metadata", no_argument, NULL, 'm'},
            {"engine-arg", required_argument, NULL, 'a'},
            {"engine-bin", required_argument, NULL, 'b'},
            {"address", required_argument, NULL, 'A'},
            {"namespace", required_argument, NULL, 'N'},
            {"canary-path", required_argument, NULL, 'c'},
            {"timeout", required_argument, NULL, 'T'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
                switch (c) {
                case 'e':
                        o->engine = optarg;
                        break;
                case 'r':
                        o->runtime = optarg;
                        break;
                case 'i':
                        o->image = optarg;
                        break;
                case 't':
                        o->expect.tier = optarg;
                        break;
                case 'p':
                        o->expect.policy = optarg;
                        break;
                case 'n':
                        o->expect.no_policy = true;
                        break;
                case 's':
                        o->expect.seccomp_dir = optarg;
                        break;
                case 'x':
                        o->expect_file = optarg;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'm':
                        o->metadata = true;
                        break;
                case 'a':
                        if (add_arg(&o->engine_args, &o->n_engine_args, optarg) < 0) {
                                fprintf(stderr, "runwardenctl canary run: out of memory\n");
                                return RUN_USAGE;
                        }
                        break;
                case 'b':
                        o->engine_bin = optarg;
                        break;
                case 'A':
                        o->address = optarg;
                        break;
                case 'N':
                        o->ns = optarg;
                        break;
                case 'c':
                        o->canary_path = optarg;
                        break;
                case 'T': {
                        char *end;
                        unsigned long t;

                        errno = 0;
                        t = strtoul(optarg, &end, 10);
                        if (errno != 0 || *end != '\0' || t == 0 || t > 86400) {
                                fprintf(stderr, "runwardenctl canary run: --timeout: 1 to 86400 "
                                                "seconds\n");
                                return RUN_USAGE;
                        }
                        o->timeout = (unsigned)t;
                        break;
                }
                case 'h':
                        run_usage(stdout);
                        return -1;
                default:
                        run_usage(stderr);
                        return RUN_USAGE;
                }
        }
        if (optind != argc || o->engine == NULL || o->runtime == NULL ||
            (strcmp(o->engine, "docker") != 0 && strcmp(o->engine, "ctr") != 0) ||
            (o->expect.no_policy && o->expect.policy != NULL) ||
            (strcmp(o->engine, "docker") == 0 && (o->address != NULL || o->ns != NULL))) {
                run_usage(stderr);
                return RUN_USAGE;
        }
        return 0;
}

/* The expectation as one compact line (it goes on the canary's command line): the pinned file,
 * or the policy's view of the tier. */
static int run_expectation(struct run_options *o, char **ret, struct rw_error *err)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_json_ json_t *doc = NULL;
        int r;

        if (o->expect_file != NULL) {
                r = rw_file_read_json(o->expect_file, RW_JSON_MAX_SIZE, &doc, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", o->expect_file);
                fprintf(stderr, "# canary: expectation %s\n", o->expect_file);
                return dump(doc, JSON_COMPACT, ret, err);
        }
        r = load_policy(&o->expect, &policy, err);
        if (r < 0)
                return r;
        if (o->expect.tier == NULL)
                o->expect.tier = tier_of_runtime(&policy, o->runtime);
        r = build_expectation(&o->expect, &policy, &doc, err);
        if (r < 0)
                return r;
        fprintf(stderr, "# canary: expectation of tier %s (policy %s)\n",
                json_string_value(json_object_get(doc, "tier")), policy.origin);
        return dump(doc, JSON_COMPACT, ret, err);
}

static int canary_run_cmd(int argc, char **argv)
{
        struct run_options o = {.timeout = CANARY_TIMEOUT};
        _cleanup_free_ char *input = NULL;
        _cleanup_free_ char *output = NULL;
        _cleanup_free_ char **cmd = NULL;
        struct rw_error err = {0};
        char hostname[HOST_NAME_MAX + 1] = "";
        char id[64];
        const char *verdict;
        bool timed_out = false;
        int status = 0, r;

        r = parse_run_options(argc, argv, &o);
        if (r != 0) {
                free(o.engine_args);
                return r < 0 ? 0 : r;
        }
        if (gethostname(hostname, sizeof(hostname) - 1) < 0)
                hostname[0] = '\0';
        snprintf(id, sizeof(id), "runwarden-canary-%ld", (long)getpid());

        r = run_expectation(&o, &input, &err);
        if (r >= 0)
                r = engine_argv(&o, id, input, hostname[0] ? hostname : NULL, &cmd, &err);
        if (r >= 0) {
                fprintf(stderr, "# canary:");
                for (char **p = cmd; *p != NULL; p++)
                        fprintf(stderr, " %s", *p == input ? "EXPECTATION" : *p);
                fprintf(stderr, "\n");
                r = spawn_canary(cmd, o.timeout, &output, &status, &timed_out, &err);
        }
        free(o.engine_args);
        if (r < 0) {
                fprintf(stderr, "runwardenctl canary run: %s\n", err.msg);
                return RUN_USAGE;
        }

        if (timed_out) {
                fprintf(stderr,
                        "runwardenctl canary run: no verdict after %u s: stopped %s (the container "
                        "may still run: %s)\n",
                        o.timeout, o.engine, id);
                return RUN_NOT_RUN;
        }
        verdict = canary_verdict(output, o.json);
        if (verdict == NULL) {
                fprintf(
                    stderr,
                    "runwardenctl canary run: the canary did not run to its verdict (%s %s %d); "
                    "see the engine's message above\n",
                    o.engine, WIFEXITED(status) ? "exited with status" : "was killed by signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
                return RUN_NOT_RUN;
        }
        if (strcmp(verdict, "pass") == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return RUN_PASS;
        if (strcmp(verdict, "fail") == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1)
                return RUN_REGRESSION;
        fprintf(stderr,
                "runwardenctl canary run: the canary's verdict (%s) and the engine's exit status "
                "(%d) disagree\n",
                verdict, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return RUN_NOT_RUN;
}

static void usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl canary expect [TIER] [--policy FILE] ...\n"
                     "       runwardenctl canary run --engine docker|ctr --runtime NAME ...\n"
                     "\n"
                     "runwardenctl canary COMMAND --help describes each.\n");
}

int rw_ctl_canary(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return RUN_USAGE;
        }
        if (strcmp(argv[1], "expect") == 0)
                return canary_expect_cmd(argc - 1, argv + 1);
        if (strcmp(argv[1], "run") == 0)
                return canary_run_cmd(argc - 1, argv + 1);
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(stdout);
                return 0;
        }
        fprintf(stderr, "runwardenctl canary: unknown command %s\n\n", argv[1]);
        usage(stderr);
        return RUN_USAGE;
}
