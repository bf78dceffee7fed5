/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl setup docker|containerd|podman: register runwarden's runtimes, one per tier of the
 * policy and each by the path of the tier's symlink, in an engine's configuration file. The merge
 * itself is pure (lib/setup/engines.h); this file reads, shows the diff, checks the result with
 * the engine's own parser when it can, writes atomically after a backup, and reloads dockerd when
 * asked. `setup everywhere` is in ctl_everywhere.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctl.h"
#include "ctl_config.h"
#include "setup_engines.h"
#include "engineview.h"
#include "fileio.h"
#include "hostutil.h"
#include "json.h"
#include "policy.h"
#include "textdiff.h"
#include "toml.h"

#define CONFIG_MAX (4u * 1024u * 1024u)

enum engine {
        ENGINE_DOCKER,
        ENGINE_CONTAINERD,
        ENGINE_PODMAN,
};

static const struct {
        const char *name;
        const char *config;
} engines[] = {
    [ENGINE_DOCKER] = {"docker", "/etc/docker/daemon.json"},
    [ENGINE_CONTAINERD] = {"containerd", "/etc/containerd/config.toml"},
    [ENGINE_PODMAN] = {"podman", "/etc/containers/containers.conf"},
};

#define CONTAINERD2_DROPIN "/etc/containerd/conf.d/runwarden.toml"

struct setup_options {
        enum engine engine;
        const char *config;
        const char *policy;
        const char *runwarden;
        const char *default_runtime;
        const char *containerd_version;
        bool dry_run;
        bool reload;
};

/* The runtimes to register, with the storage behind their strings. */
struct runtime_list {
        struct rw_engine_runtime *v;
        size_t n;
        char **owned;
        size_t n_owned;
};

static void runtime_list_clear(struct runtime_list *l)
{
        for (size_t i = 0; i < l->n_owned; i++)
                free(l->owned[i]);
        free(l->owned);
        free(l->v);
}

static int runtime_add(struct runtime_list *l, char *name, char *path)
{
        struct rw_engine_runtime *v = reallocarray(l->v, l->n + 1, sizeof(*v));
        char **owned = v != NULL ? reallocarray(l->owned, l->n_owned + 2, sizeof(*owned)) : NULL;

        if (v != NULL)
                l->v = v;
        if (owned != NULL)
                l->owned = owned;
        if (v == NULL || owned == NULL || name == NULL || path == NULL) {
                free(name);
                free(path);
                return -ENOMEM;
        }
        owned[l->n_owned++] = name;
        owned[l->n_owned++] = path;
        v[l->n++] = (struct rw_engine_runtime){name, path};
        return 0;
}

/* The policy whose tiers get a runtime: --policy (its text, as `policy validate` reads it), else
 * the installed one as runwarden loads it, else the baseline (no tier of its own). */
static int load_policy(const char *path, struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        bool found = false;
        int r;

        if (path == NULL)
                return rw_policy_load(NULL, ret, &found, err);
        r = rw_ctl_read_file(path, RW_JSON_MAX_SIZE, &text, &len, NULL, err);
        if (r == -ENOENT)
                return rw_error_set(err, ENOENT, "%s: no such file", path);
        if (r < 0)
                return r;
        return rw_policy_parse(text, len, path, ret, err);
}

/* runwarden and one runwarden-TIER per tier (least strict first), each checked to be runwarden. */
static int build_runtimes(const struct setup_options *o, struct runtime_list *list,
                          struct rw_error *err)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_free_ char *dir = NULL, *base = NULL;
        const char *runwarden = o->runwarden != NULL ? o->runwarden : RW_BINDIR "/runwarden";
        struct stat self, st;
        int r, problems = 0;

        if (runwarden[0] != '/')
                return rw_error_set(err, EINVAL, "--runwarden %s is not an absolute path",
                                    runwarden);
        r = load_policy(o->policy, &policy, err);
        if (r < 0)
                return rw_error_prefix(err, "policy");
        r = rw_path_split(runwarden, &dir, &base, err);
        if (r < 0)
                return r;
        if (stat(runwarden, &self) < 0) {
                fprintf(stderr, "runwardenctl setup: %s: %s\n", runwarden, strerror(errno));
                problems++;
        }
        r = runtime_add(list, strdup("runwarden"), strdup(runwarden));
        for (size_t s = 0; r >= 0 && s < policy.n_tiers; s++)
                for (size_t i = 0; r >= 0 && i < policy.n_tiers; i++) {
                        const char *tier = policy.tiers[i].name;
                        char *name = NULL, *path = NULL;

                        if (policy.tiers[i].strictness != s ||
                            strcmp(tier, RW_POLICY_BASELINE_TIER) == 0)
                                continue;
                        if (asprintf(&name, "runwarden-%s", tier) < 0)
                                name = NULL;
                        if (asprintf(&path, "%s/runwarden-%s", dir, tier) < 0)
                                path = NULL;
                        if (name != NULL && path != NULL &&
                            (stat(path, &st) < 0 || st.st_dev != self.st_dev ||
                             st.st_ino != self.st_ino)) {
                                fprintf(stderr,
                                        "runwardenctl setup: %s is not a link to %s (runwarden "
                                        "takes the tier from that name): ln -s %s %s\n",
                                        path, runwarden, base, path);
                                problems++;
                        }
                        r = runtime_add(list, name, path);
                }
        if (r < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (problems > 0 && !o->dry_run)
                return rw_error_set(err, ENOENT,
                                    "an engine would be given a runtime that does not exist; "
                                    "nothing written");
        return 0;
}

static const char *default_runtime_name(const struct setup_options *o, const struct runtime_list *l,
                                        char **owned)
{
        if (o->default_runtime == NULL)
                return NULL;
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->v[i].name, o->default_runtime) == 0)
                        return l->v[i].name;
        /* A tier's name stands for its runtime. */
        if (asprintf(owned, "runwarden-%s", o->default_runtime) < 0)
                return NULL;
        return *owned;
}

/* The new file as containerd itself reads it: every runtime it had is still there, runwarden's
 * have their BinaryName, the default runtime exists. */
static int containerd_verify(const char *old_text, size_t old_len, const char *text, size_t len,
                             const struct runtime_list *list, struct rw_error *err)
{
        _cleanup_(rw_cri_view_clear) struct rw_cri_view before = {0}, after = {0};
        int r;

        r = rw_containerd_dump(old_text != NULL ? old_text : "", old_text != NULL ? old_len : 0,
                               &before, err);
        if (r < 0)
                return rw_error_prefix(err, "the current file");
        r = rw_containerd_dump(text, len, &after, err);
        if (r < 0)
                return rw_error_prefix(err, "the new file");
        for (size_t i = 0; i < before.n; i++)
                if (rw_cri_view_binary(&after, before.names[i]) == NULL)
                        return rw_error_set(err, EINVAL,
                                            "containerd would lose its runtime %s with the new "
                                            "file",
                                            before.names[i]);
        for (size_t i = 0; i < list->n; i++) {
                const char *binary = rw_cri_view_binary(&after, list->v[i].name);

                if (binary == NULL || strcmp(binary, list->v[i].path) != 0)
                        return rw_error_set(err, EINVAL,
                                            "containerd does not see runtime %s with BinaryName "
                                            "%s in the new file (does an imported file replace "
                                            "the CRI plugin's section? containerd 1.x replaces a "
                                            "plugin's whole section with an imported one)",
                                            list->v[i].name, list->v[i].path);
        }
        if (after.default_name != NULL && rw_cri_view_binary(&after, after.default_name) == NULL)
                return rw_error_set(err, EINVAL,
                                    "containerd's default runtime %s is not among its runtimes",
                                    after.default_name);
        return 0;
}

/* containerd's major version: --containerd-version, else `containerd --version`, else 1. */
static int containerd_major(const struct setup_options *o, bool *ret_known)
{
        char *argv[] = {"containerd", "--version", NULL};
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        const char *v = o->containerd_version;
        char version[64] = "";
        int major = 1;

        *ret_known = false;
        if (v == NULL && rw_ctl_run(argv, -1, 10000, &out, &err) >= 0 && out.status == 0 &&
            sscanf(out.out, "containerd %*s %63s", version) == 1)
                v = version;
        if (v != NULL) {
                if (*v == 'v')
                        v++;
                major = atoi(v);
                *ret_known = major > 0;
                if (major <= 0)
                        major = 1;
        }
        rw_run_output_clear(&out);
        return major;
}

/* ---- dockerd reload ---- */

/* The configuration file a running dockerd reads: --config-file, else the default. */
static bool dockerd_reads(pid_t pid, const char *config_real)
{
        _cleanup_free_ char *cmdline = NULL;
        char path[64], exe[PATH_MAX], resolved[PATH_MAX];
        const char *config = engines[ENGINE_DOCKER].config;
        size_t len = 0;
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
        n = readlink(path, exe, sizeof(exe) - 1);
        if (n <= 0)
                return false;
        exe[n] = '\0';
        if (strcmp(strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe, "dockerd") != 0)
                return false;
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        if (rw_ctl_read_pseudo(path, 1 << 20, &cmdline, &len) < 0)
                return false;
        for (size_t i = 0; i < len; i += strlen(cmdline + i) + 1) {
                const char *arg = cmdline + i;

                if (strcmp(arg, "--config-file") == 0 && i + strlen(arg) + 1 < len)
                        config = cmdline + i + strlen(arg) + 1;
                else if (strncmp(arg, "--config-file=", 14) == 0)
                        config = arg + 14;
        }
        if (config[0] != '/') {
                char cwd_link[64], cwd[PATH_MAX], joined[PATH_MAX * 2];

                snprintf(cwd_link, sizeof(cwd_link), "/proc/%d/cwd", (int)pid);
                n = readlink(cwd_link, cwd, sizeof(cwd) - 1);
                if (n <= 0)
                        return false;
                cwd[n] = '\0';
                snprintf(joined, sizeof(joined), "%s/%s", cwd, config);
                return realpath(joined, resolved) != NULL && strcmp(resolved, config_real) == 0;
        }
        return realpath(config, resolved) != NULL && strcmp(resolved, config_real) == 0;
}

/* SIGHUP to every dockerd reading `config`: dockerd reloads its runtimes on it. */
static int reload_dockerd(const char *config)
{
        char real[PATH_MAX];
        DIR *proc;
        struct dirent *e;
        int sent = 0;

        if (realpath(config, real) == NULL) {
                fprintf(stderr, "runwardenctl setup: %s: %s\n", config, strerror(errno));
                return -1;
        }
        proc = opendir("/proc");
        if (proc == NULL)
                return -1;
        while ((e = readdir(proc)) != NULL) {
                char *end;
                long pid = strtol(e->d_name, &end, 10);

                if (*end != '\0' || pid <= 0 || !dockerd_reads((pid_t)pid, real))
                        continue;
                if (kill((pid_t)pid, SIGHUP) < 0) {
                        fprintf(stderr, "runwardenctl setup: SIGHUP to dockerd %ld: %s\n", pid,
                                strerror(errno));
                        closedir(proc);
                        return -1;
                }
                printf("reloaded: sent SIGHUP to dockerd %ld, which reads %s\n", pid, real);
                sent++;
        }
        closedir(proc);
        if (sent == 0)
                printf("no running dockerd reads %s: it takes the runtimes when it starts\n", real);
        return sent;
}

/* ---- the command ---- */

static void print_how_to_apply(const struct setup_options *o, const char *config, bool is_default)
{
        switch (o->engine) {
        case ENGINE_DOCKER:
                if (o->reload)
                        return;
                printf("to apply: dockerd re-reads its runtimes on SIGHUP, running containers "
                       "untouched: %s\n  (or run this again with --reload)\n",
                       is_default ? "systemctl reload docker"
                                  : "kill -HUP the dockerd started with --config-file");
                break;
        case ENGINE_CONTAINERD:
                printf("to apply: containerd reads %s only when it starts: systemctl restart "
                       "containerd\n  (running containers keep running: their shims outlive the "
                       "daemon; runwardenctl never restarts it)\n",
                       config);
                break;
        case ENGINE_PODMAN:
                printf("to apply: nothing to reload, podman reads %s at every command; a "
                       "running API service must be restarted: systemctl restart podman.service\n",
                       config);
                break;
        }
}

static void print_runtimes(const struct runtime_list *list)
{
        printf("runtimes:");
        for (size_t i = 0; i < list->n; i++)
                printf("%s %s -> %s", i > 0 ? "," : "", list->v[i].name, list->v[i].path);
        printf("\n");
}

/* What the command decided: the new text (NULL: nothing changes). */
static int merge(const struct setup_options *o, const char *config, const char *old_text,
                 size_t old_len, const struct rw_engine_request *req, char **ret_text,
                 struct rw_engine_notes *notes, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL, *merged = NULL;
        _cleanup_(rw_lines_clear) struct rw_lines lines = {0};
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        *ret_text = NULL;
        if (o->engine != ENGINE_DOCKER) {
                struct rw_toml check = {0};

                r = o->engine == ENGINE_CONTAINERD
                        ? rw_engine_containerd(old_text, old_len, req, &text, notes, err)
                        : rw_engine_podman(old_text, old_len, req, &text, notes, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", config);
                /* What runwardenctl wrote must read back. */
                r = rw_toml_scan(text, strlen(text), &check, err);
                rw_toml_clear(&check);
                if (r < 0)
                        return rw_error_prefix(err, "the new %s", config);
                if (old_text != NULL && strcmp(text, old_text) == 0)
                        return 0;
                *ret_text = TAKE_PTR(text);
                return 0;
        }
        if (old_text != NULL) {
                r = rw_json_parse(old_text, old_len, &doc, err);
                if (r < 0)
                        return rw_error_prefix(err, "%s", config);
        }
        r = rw_engine_docker(doc, req, &merged, notes, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", config);
        if (doc != NULL && json_equal(doc, merged))
                return 0;
        r = rw_lines_render_json(merged, &lines);
        f = r >= 0 ? open_memstream(&text, &size) : NULL;
        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < lines.n; i++)
                fprintf(f, "%s\n", lines.v[i]);
        if (fclose(f) != 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret_text = TAKE_PTR(text);
        return 0;
}

static int print_diff(const char *config, const char *old_text, size_t old_len, const char *text)
{
        _cleanup_(rw_lines_clear) struct rw_lines a = {0}, b = {0};
        _cleanup_free_ char *label = NULL;

        if (asprintf(&label, "%s (new)", config) < 0)
                return -ENOMEM;
        if ((old_text != NULL && rw_lines_split(old_text, old_len, &a) < 0) ||
            rw_lines_split(text, strlen(text), &b) < 0)
                return -ENOMEM;
        return rw_textdiff_print(stdout, &a, &b, old_text != NULL ? config : "/dev/null", label,
                                 true);
}

static int containerd2(const struct setup_options *o, const struct rw_engine_request *req)
{
        _cleanup_free_ char *dropin = NULL;
        struct rw_error err = {0};

        if (rw_engine_containerd2_dropin(req, &dropin, &err) < 0) {
                fprintf(stderr, "runwardenctl setup containerd: %s\n", err.msg);
                return 1;
        }
        printf("containerd 2.x: nothing written (runwardenctl edits containerd 1.6/1.7 files; "
               "this layout is not tested here).\n"
               "It would write %s:\n\n%s\n"
               "and make sure %s has\n  imports = [\"/etc/containerd/conf.d/*.toml\"]\n"
               "(containerd 2.x merges an imported file's plugin sections key by key; check "
               "with `containerd config dump` that runc is still listed), then: systemctl "
               "restart containerd\n",
               CONTAINERD2_DROPIN, dropin, o->config != NULL ? o->config : "config.toml");
        return 0;
}

static int setup_engine(const struct setup_options *o)
{
        _cleanup_(runtime_list_clear) struct runtime_list list = {0};
        _cleanup_(rw_engine_notes_clear) struct rw_engine_notes notes = {0};
        _cleanup_free_ char *old_text = NULL, *text = NULL, *backup = NULL, *owned_default = NULL;
        const char *config = o->config != NULL ? o->config : engines[o->engine].config;
        struct rw_engine_request req = {0};
        struct rw_error err = {0};
        struct stat st;
        size_t old_len = 0;
        bool major_known = false;
        int r;

        if (build_runtimes(o, &list, &err) < 0) {
                fprintf(stderr, "runwardenctl setup %s: %s\n", engines[o->engine].name, err.msg);
                return 1;
        }
        req.runtimes = list.v;
        req.n_runtimes = list.n;
        req.default_runtime = default_runtime_name(o, &list, &owned_default);
        if (o->engine == ENGINE_CONTAINERD && containerd_major(o, &major_known) >= 2)
                return containerd2(o, &req);

        r = rw_ctl_read_file(config, CONFIG_MAX, &old_text, &old_len, &st, &err);
        if (r < 0 && r != -ENOENT) {
                fprintf(stderr, "runwardenctl setup %s: %s\n", engines[o->engine].name, err.msg);
                return 2;
        }
        printf("%s: %s%s\n", engines[o->engine].name, config,
               old_text == NULL ? " (no such file yet)" : "");
        print_runtimes(&list);
        if (merge(o, config, old_text, old_len, &req, &text, &notes, &err) < 0) {
                fprintf(stderr, "runwardenctl setup %s: %s\n", engines[o->engine].name, err.msg);
                return 1;
        }
        if (text == NULL) {
                printf("unchanged: %s already registers these runtimes\n", config);
                /* Asked to reload: a file written earlier without --reload takes effect now. */
                if (o->engine == ENGINE_DOCKER && o->reload && !o->dry_run &&
                    reload_dockerd(config) < 0)
                        return 1;
                return 0;
        }
        for (size_t i = 0; i < notes.n; i++)
                printf("note: %s\n", notes.v[i]);
        if (print_diff(config, old_text, old_len, text) < 0) {
                fprintf(stderr, "runwardenctl setup: out of memory\n");
                return 1;
        }
        if (o->engine == ENGINE_CONTAINERD) {
                if (!rw_ctl_have_program("containerd")) {
                        printf("note: containerd is not installed here: the new file was checked "
                               "by runwardenctl's reader only\n");
                } else if (containerd_verify(old_text, old_len, text, strlen(text), &list, &err) <
                           0) {
                        fprintf(stderr, "runwardenctl setup containerd: %s; nothing written\n",
                                err.msg);
                        return 1;
                } else {
                        printf("checked: containerd config dump reads the new file with every "
                               "runtime it had and runwarden's\n");
                }
        }
        if (o->dry_run) {
                printf("dry run: nothing written\n");
                return 0;
        }
        if (rw_ctl_replace_config(config, old_text, old_len, old_text != NULL ? &st : NULL, text,
                                  strlen(text), &backup, &err) < 0) {
                fprintf(stderr, "runwardenctl setup %s: %s\n", engines[o->engine].name, err.msg);
                return 1;
        }
        if (backup != NULL)
                printf("backup: %s\n", backup);
        printf("written: %s\n", config);
        if (o->engine == ENGINE_DOCKER && o->reload && reload_dockerd(config) < 0)
                return 1;
        print_how_to_apply(o, config, o->config == NULL);
        return 0;
}

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: runwardenctl setup docker|containerd|podman [--dry-run] [--config FILE]\n"
            "                          [--policy FILE] [--runwarden PATH] [--default TIER]\n"
            "                          [--reload] [--containerd-version X.Y]\n"
            "       runwardenctl setup everywhere [--undo] [--dry-run] [--root DIR]\n"
            "\n"
            "Register runwarden's runtimes (runwarden, and runwarden-TIER for each tier of the\n"
            "policy, by the path of the tier's link) in the engine's configuration:\n"
            "  docker      %s: runtimes\n"
            "  containerd  %s: CRI runtimes (runc v2 shim, BinaryName)\n"
            "  podman      %s: [engine.runtimes], runtime_supports_json\n"
            "Every other key is kept; the diff is shown; the old file is kept as\n"
            "FILE.runwardenctl-TIME.bak. --reload sends SIGHUP to the dockerd that reads the\n"
            "file; containerd and podman are never restarted: the command says how.\n"
            "`everywhere` puts runwarden in runc's place (dpkg-divert): see runwardenctl(8).\n",
            engines[ENGINE_DOCKER].config, engines[ENGINE_CONTAINERD].config,
            engines[ENGINE_PODMAN].config);
}

int rw_ctl_setup(int argc, char **argv)
{
        static const struct option options[] = {
            {"dry-run", no_argument, NULL, 'n'},
            {"config", required_argument, NULL, 'c'},
            {"policy", required_argument, NULL, 'p'},
            {"runwarden", required_argument, NULL, 'r'},
            {"default", required_argument, NULL, 'd'},
            {"reload", no_argument, NULL, 'R'},
            {"containerd-version", required_argument, NULL, 'V'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct setup_options o = {0};
        bool found = false;
        int c;

        if (argc >= 2 && strcmp(argv[1], "everywhere") == 0)
                return rw_ctl_setup_everywhere(argc - 1, argv + 1);
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                return 0;
        }
        for (size_t i = 0; argc >= 2 && i < RW_ELEMENTSOF(engines); i++)
                if (strcmp(argv[1], engines[i].name) == 0) {
                        o.engine = (enum engine)i;
                        found = true;
                }
        if (!found) {
                if (argc >= 2)
                        fprintf(stderr, "runwardenctl setup: unknown engine %s\n", argv[1]);
                usage(stderr);
                return 2;
        }
        optind = 1;
        while ((c = getopt_long(argc - 1, argv + 1, "h", options, NULL)) != -1) {
                switch (c) {
                case 'n':
                        o.dry_run = true;
                        break;
                case 'c':
                        o.config = optarg;
                        break;
                case 'p':
                        o.policy = optarg;
                        break;
                case 'r':
                        o.runwarden = optarg;
                        break;
                case 'd':
                        o.default_runtime = optarg;
                        break;
                case 'R':
                        o.reload = true;
                        break;
                case 'V':
                        o.containerd_version = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc - 1) {
                fprintf(stderr, "runwardenctl setup: unexpected argument %s\n", argv[optind + 1]);
                return 2;
        }
        if (o.reload && o.engine != ENGINE_DOCKER) {
                fprintf(stderr,
                        "runwardenctl setup: --reload is for docker only (%s is never "
                        "restarted by runwardenctl)\n",
                        engines[o.engine].name);
                return 2;
        }
        if (o.containerd_version != NULL && o.engine != ENGINE_CONTAINERD) {
                fprintf(stderr, "runwardenctl setup: --containerd-version is for containerd\n");
                return 2;
        }
        return setup_engine(&o);
}
