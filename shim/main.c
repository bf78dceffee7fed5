/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden: a runc-compatible runtime that hardens the container spec, then hands off.
 *
 *   argv -> parse (cli.c) -> load spec (json.c, fileio.c) -> host facts (facts.c)
 *        -> rules build a plan (rules*.c, pure) -> apply plan -> atomic write -> execv delegate
 *
 * Nothing is written to stdout, ever: during create the runtime's stdio are the container's, and
 * state/features/ps/--version are parsed from the delegate's stdout. stderr and the engine's --log
 * file are written only when runwarden refuses (and, with --debug or --mode audit, the log file
 * gets what was changed or would have been).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "config.h"
#include "enginelog.h"
#include "error.h"
#include "fileio.h"
#include "json.h"
#include "plan.h"
#include "rules.h"
#include "seccomp_profile.h"

/* What the hand-off needs to undo a rewrite should execv() itself fail. */
struct rw_rewrite {
        int dirfd;
        const char *name;
        char *original;
        size_t original_len;
        struct stat st;
};

static void rewrite_clear(struct rw_rewrite *rw)
{
        if (rw->dirfd >= 0)
                close(rw->dirfd);
        free(rw->original);
        rw->dirfd = -1;
        rw->original = NULL;
}

static void log_line(const struct rw_cli *cli, enum rw_log_level level, const char *msg)
{
        struct rw_error err = {0};

        if (rw_enginelog_write(cli->log, cli->log_format, level, msg, &err) < 0)
                fprintf(stderr, "runwarden: %s\n", err.msg);
}

/* The one way runwarden refuses: the reason on stderr and as the last error line of the log. */
static int refuse(const struct rw_cli *cli, const char *msg)
{
        fprintf(stderr, "%s\n", msg);
        log_line(cli, RW_LOG_ERROR, msg);
        return EXIT_FAILURE;
}

static int refuse_error(const struct rw_cli *cli, const struct rw_error *err)
{
        _cleanup_free_ char *msg = NULL;

        if (asprintf(&msg, "runwarden: %s", err->msg) < 0)
                return refuse(cli, "runwarden: out of memory");
        return refuse(cli, msg);
}

/* Audit mode reports what enforce would do; --debug reports what was done. */
static void report_plan(const struct rw_cli *cli, const struct rw_plan *plan)
{
        bool audit = cli->mode == RW_MODE_AUDIT;

        if (!audit && !cli->debug)
                return;
        for (size_t i = 0; i < plan->n_changes; i++) {
                _cleanup_free_ char *what = rw_change_describe(&plan->changes[i], 200);
                _cleanup_free_ char *msg = NULL;

                if (what == NULL || asprintf(&msg, "runwarden%s: %s %s", audit ? " audit" : "",
                                             audit ? "would change" : "changed", what) < 0)
                        continue;
                log_line(cli, audit ? RW_LOG_WARNING : RW_LOG_DEBUG, msg);
        }
        if (audit && rw_plan_denied(plan)) {
                _cleanup_free_ char *why = rw_plan_describe_denials(plan);
                _cleanup_free_ char *msg = NULL;

                if (why != NULL && asprintf(&msg, "runwarden audit: would have %s", why) >= 0)
                        log_line(cli, RW_LOG_WARNING, msg);
        }
}

/* Read rw->name in rw->dirfd once, keeping the original bytes to restore on a failed hand-off. */
static int load_document(struct rw_rewrite *rw, json_t **ret, struct rw_error *err)
{
        int r;

        r = rw_file_read_at(rw->dirfd, rw->name, RW_JSON_MAX_SIZE, &rw->original, &rw->original_len,
                            &rw->st, err);
        if (r < 0)
                return r;
        r = rw_json_parse(rw->original, rw->original_len, ret, err);
        if (r < 0)
                return rw_error_prefix(err, "%s is not valid JSON", rw->name);
        return 0;
}

/*
 * Act on a plan: report it, and unless refused or in audit mode, apply it and write the document
 * back atomically. A refusal is returned in *ret_denial (enforce mode only).
 */
static int carry_out(const struct rw_cli *cli, struct rw_rewrite *rw, json_t *doc,
                     const struct rw_plan *plan, char **ret_denial, struct rw_error *err)
{
        _cleanup_free_ char *out = NULL;
        size_t out_len;
        int r;

        report_plan(cli, plan);
        if (cli->mode == RW_MODE_AUDIT)
                return 0;
        if (rw_plan_denied(plan)) {
                *ret_denial = rw_plan_describe_denials(plan);
                if (*ret_denial == NULL)
                        return rw_error_set(err, ENOMEM, "describing the refusal");
                return 0;
        }
        if (plan->n_changes == 0)
                return 0;
        r = rw_plan_apply(plan, doc, err);
        if (r < 0)
                return r;
        r = rw_json_dump(doc, &out, &out_len, err);
        if (r < 0)
                return r;
        return rw_file_replace_at(rw->dirfd, rw->name, out, out_len, &rw->st, err);
}

/* create, run, restore: harden BUNDLE/config.json */
static int harden_bundle(const struct rw_cli *cli, struct rw_rewrite *rw, char **ret_denial,
                         struct rw_error *err)
{
        const char *bundle = cli->bundle != NULL ? cli->bundle : ".";
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_facts_ struct rw_host_facts facts = {0};
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings;
        int r;

        rw_plan_init(&plan);
        rw_settings_baseline(&settings);
        r = rw_dir_open(bundle, &rw->dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "opening bundle %s", bundle);
        rw->name = "config.json";
        r = load_document(rw, &spec, err);
        if (r < 0)
                return rw_error_prefix(err, "bundle %s", bundle);
        /* Compiling a profile costs tens of milliseconds: only when the spec has no filter. */
        if (rw_rules_seccomp_wants_profile(spec, &settings)) {
                r = rw_seccomp_profile_for(cli->seccomp_dir != NULL ? cli->seccomp_dir
                                                                    : RW_SECCOMP_DIR,
                                           settings.seccomp_profile_name, settings.capabilities,
                                           RW_SECCOMP_CACHE_DIR, &profile, err);
                if (r < 0)
                        return rw_error_prefix(err, "loading the seccomp profile");
                settings.seccomp_profile = profile;
        }
        r = rw_facts_gather(spec, bundle, &facts, err);
        if (r < 0)
                return r;
        r = rw_facts_resolve_prefixes(&facts, settings.bind_prefixes, err);
        if (r < 0)
                return r;
        rw_rules_spec(spec, &settings, &facts, &plan);
        r = carry_out(cli, rw, spec, &plan, ret_denial, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/config.json", bundle);
        return 0;
}

/* exec: refuse --cap, check --cwd, harden the --process file */
static int harden_exec(const struct rw_cli *cli, struct rw_rewrite *rw, char **ret_denial,
                       struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ char *base = NULL;
        _cleanup_json_ json_t *process = NULL;
        _cleanup_plan_ struct rw_plan plan;
        int r;

        rw_plan_init(&plan);
        if (cli->exec_cap != NULL) {
                if (asprintf(ret_denial, "refused by rule %s: exec asks for capability %s (--cap)",
                             RW_RULE_EXEC_CAPS, cli->exec_cap) < 0)
                        return rw_error_set(err, ENOMEM, "describing the refusal");
                return 0;
        }
        if (cli->exec_cwd != NULL) {
                _cleanup_json_ json_t *cwd_only = json_pack("{s:s}", "cwd", cli->exec_cwd);
                _cleanup_plan_ struct rw_plan cwd_plan;

                rw_plan_init(&cwd_plan);
                if (cwd_only == NULL)
                        return rw_error_set(err, ENOMEM, "checking --cwd");
                rw_rules_process(cwd_only, "", NULL, &cwd_plan);
                if (rw_plan_denied(&cwd_plan)) {
                        *ret_denial = rw_plan_describe_denials(&cwd_plan);
                        return *ret_denial != NULL ? 0 : rw_error_set(err, ENOMEM, "describing");
                }
        }
        if (cli->process == NULL)
                return 0;
        r = rw_path_split(cli->process, &dir, &base, err);
        if (r < 0)
                return r;
        r = rw_dir_open(dir, &rw->dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "exec --process %s", cli->process);
        rw->name = base;
        r = load_document(rw, &process, err);
        if (r >= 0) {
                rw_rules_process(process, "", NULL, &plan);
                r = carry_out(cli, rw, process, &plan, ret_denial, err);
        }
        rw->name = NULL;
        if (r < 0)
                return rw_error_prefix(err, "exec --process %s", cli->process);
        return 0;
}

/* The delegate: an absolute path, never looked up on PATH, never runwarden itself. */
static int check_delegate(const char *path, struct rw_error *err)
{
        struct stat self, st;

        if (path[0] != '/')
                return rw_error_set(err, EINVAL, "the delegate runtime %s is not an absolute path",
                                    path);
        if (stat(path, &st) < 0)
                return rw_error_set_errno(err, errno, "delegate runtime %s", path);
        if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
                return rw_error_set(err, EACCES, "delegate runtime %s is not an executable file",
                                    path);
        if (stat("/proc/self/exe", &self) == 0 && self.st_dev == st.st_dev &&
            self.st_ino == st.st_ino)
                return rw_error_set(err, ELOOP,
                                    "delegate runtime %s is runwarden itself; point --runtime at "
                                    "the real runc",
                                    path);
        return 0;
}

int main(int argc, char **argv)
{
        struct rw_cli cli = {0};
        struct rw_error err = {0};
        struct rw_rewrite rw = {.dirfd = -1};
        _cleanup_free_ char *denial = NULL;
        const char *delegate;
        int r;

        r = rw_cli_parse(argc, argv, &cli, &err);
        if (r < 0)
                return refuse_error(&cli, &err);
        delegate = cli.runtime != NULL ? cli.runtime : RW_DEFAULT_RUNTIME;
        r = check_delegate(delegate, &err);
        if (r < 0)
                goto fail;

        if (rw_cli_command_takes_bundle(cli.command) && !cli.help)
                r = harden_bundle(&cli, &rw, &denial, &err);
        else if (cli.command == RW_CMD_EXEC && !cli.help)
                r = harden_exec(&cli, &rw, &denial, &err);
        if (r < 0)
                goto fail;
        if (denial != NULL) {
                _cleanup_free_ char *msg = NULL;

                rewrite_clear(&rw);
                if (asprintf(&msg, "runwarden: %s", denial) < 0)
                        r = refuse(&cli, "runwarden: refused (out of memory describing why)");
                else
                        r = refuse(&cli, msg);
                rw_cli_clear(&cli);
                return r;
        }

        cli.delegate_argv[0] = (char *)delegate;
        execv(delegate, cli.delegate_argv);
        r = rw_error_set_errno(&err, errno, "cannot execute delegate runtime %s", delegate);
        /* Hand-off failed after a rewrite: put the original spec back before refusing. */
        if (rw.original != NULL && rw.dirfd >= 0 && rw.name != NULL) {
                struct rw_error restore_err = {0};

                if (rw_file_replace_at(rw.dirfd, rw.name, rw.original, rw.original_len, &rw.st,
                                       &restore_err) < 0) {
                        char first[RW_ERROR_MSG_MAX];

                        memcpy(first, err.msg, sizeof(first));
                        rw_error_set(&err, err.code, "%.400s; restoring %s also failed: %.400s",
                                     first, rw.name, restore_err.msg);
                }
        }
fail:
        rewrite_clear(&rw);
        r = refuse_error(&cli, &err);
        rw_cli_clear(&cli);
        return r;
}
