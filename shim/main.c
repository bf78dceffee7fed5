/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden: a runc-compatible runtime that hardens the container spec, then hands off.
 *
 *   argv -> parse (cli.c) -> policy, tier (policy.c) -> load spec (json.c, fileio.c)
 *        -> host facts, rules build a plan (evaluate.c, rules*.c) -> apply plan -> atomic write
 *        -> decision log (audit.c) -> execv delegate
 *
 * Nothing is written to stdout, ever: during create the runtime's stdio are the container's, and
 * state/features/ps/--version are parsed from the delegate's stdout. stderr and the engine's --log
 * file are written only when runwarden refuses (and, with --debug or in audit mode, the log file
 * gets what was changed or would have been).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cleanup.h"
#include "cli.h"
#include "config.h"
#include "enginelog.h"
#include "error.h"
#include "evaluate.h"
#include "fileio.h"
#include "json.h"
#include "plan.h"
#include "policy.h"
#include "rules.h"
#include "state.h"

/* The document runwarden rewrites, kept so that a failed execv() can put the original back. */
struct rw_rewrite {
        int dirfd;
        const char *name;
        char *name_owned;
        char *original;
        size_t original_len;
        struct stat st;
        bool written;
};

/* Everything one invocation decides: for the engine log, the decision log and the hand-off. */
struct rw_call {
        struct rw_cli cli;
        const char *invoked_as;
        struct timespec started, started_mono;
        char id[33];
        struct rw_policy policy;
        bool have_policy;
        const struct rw_tier *tier;
        const char *tier_reason;
        const char *tier_skipped;
        char tier_reason_buf[600];
        bool audit_mode;
        const char *delegate;
        struct rw_rewrite rw;
        json_t *doc; /* the spec or exec process, for the job's identity in the decision log */
        struct rw_evaluation ev;
        struct rw_plan plan; /* exec */
        const struct rw_plan *used_plan;
        enum rw_outcome outcome;
        char *message; /* the refusal or error, "runwarden: ..." */
        struct rw_container_state state;
        bool have_state;
};

static void call_clear(struct rw_call *c)
{
        if (c->rw.dirfd >= 0)
                close(c->rw.dirfd);
        free(c->rw.name_owned);
        free(c->rw.original);
        json_decref(c->doc);
        rw_evaluation_clear(&c->ev);
        rw_plan_clear(&c->plan);
        free(c->message);
        if (c->have_policy)
                rw_policy_clear(&c->policy);
        rw_cli_clear(&c->cli);
}

static void log_line(const struct rw_cli *cli, enum rw_log_level level, const char *msg)
{
        struct rw_error err = {0};

        if (rw_enginelog_write(cli->log, cli->log_format, level, msg, &err) < 0)
                fprintf(stderr, "runwarden: %s\n", err.msg);
}

/* Record why runwarden refuses; the first reason wins. */
static void set_message(struct rw_call *c, enum rw_outcome outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_message(struct rw_call *c, enum rw_outcome outcome, const char *fmt, ...)
{
        va_list ap;

        c->outcome = outcome;
        if (c->message != NULL)
                return;
        va_start(ap, fmt);
        if (vasprintf(&c->message, fmt, ap) < 0)
                c->message = NULL;
        va_end(ap);
}

/* Audit mode reports what enforce would do; --debug reports what was done. */
static void report_plan(const struct rw_call *c, const struct rw_plan *plan)
{
        const char *prefix = c->audit_mode ? "runwarden audit: would change" : "runwarden: changed";

        if (!c->audit_mode && !c->cli.debug)
                return;
        for (size_t i = 0; i < plan->n_changes; i++) {
                _cleanup_free_ char *what = rw_change_describe(&plan->changes[i], 200);
                _cleanup_free_ char *msg = NULL;

                if (what != NULL && asprintf(&msg, "%s %s", prefix, what) >= 0)
                        log_line(&c->cli, c->audit_mode ? RW_LOG_WARNING : RW_LOG_DEBUG, msg);
        }
        for (size_t i = 0; i < plan->n_warnings; i++) {
                _cleanup_free_ char *msg = NULL;

                if (asprintf(&msg, "runwarden: warning from rule %s: %s", plan->warnings[i].rule,
                             plan->warnings[i].text) >= 0)
                        log_line(&c->cli, RW_LOG_WARNING, msg);
        }
        if (c->audit_mode && rw_plan_denied(plan)) {
                _cleanup_free_ char *why = rw_plan_describe_denials(plan);
                _cleanup_free_ char *msg = NULL;

                if (why != NULL && asprintf(&msg, "runwarden audit: would have %s", why) >= 0)
                        log_line(&c->cli, RW_LOG_WARNING, msg);
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

/* Judge a plan: report it and set the outcome, with the refusal when it holds denials. */
static int judge(struct rw_call *c, const struct rw_plan *plan, struct rw_error *err)
{
        c->used_plan = plan;
        /* A refusal is the one line of the engine's log (podman reads it as one JSON object):
         * what would have changed is in the decision log, not there. */
        if (c->audit_mode || !rw_plan_denied(plan))
                report_plan(c, plan);
        if (c->audit_mode) {
                c->outcome = RW_OUTCOME_AUDITED;
                return 0;
        }
        if (rw_plan_denied(plan)) {
                _cleanup_free_ char *why = rw_plan_describe_denials(plan);

                if (why == NULL)
                        return rw_error_set(err, ENOMEM, "describing the refusal");
                set_message(c, RW_OUTCOME_REFUSED, "runwarden: %s", why);
                return 0;
        }
        c->outcome = plan->n_changes == 0 ? RW_OUTCOME_UNCHANGED : RW_OUTCOME_REWRITTEN;
        return 0;
}

/* The last step before the hand-off that touches the document: apply the plan, write it. */
static int write_document(struct rw_call *c, struct rw_error *err)
{
        _cleanup_free_ char *out = NULL;
        size_t out_len;
        int r;

        if (c->outcome != RW_OUTCOME_REWRITTEN || c->doc == NULL)
                return 0;
        r = rw_plan_apply(c->used_plan, c->doc, err);
        if (r < 0)
                return r;
        r = rw_json_dump(c->doc, &out, &out_len, err);
        if (r < 0)
                return r;
        r = rw_file_replace_at(c->rw.dirfd, c->rw.name, out, out_len, &c->rw.st, err);
        if (r < 0)
                return rw_error_prefix(err, "writing %s", c->rw.name);
        c->rw.written = true;
        return 0;
}

static void use_tier(struct rw_call *c, const struct rw_tier *tier, const char *reason)
{
        c->tier = tier;
        c->tier_reason = reason;
        c->audit_mode = c->cli.mode == RW_MODE_AUDIT || tier->mode == RW_TIER_AUDIT;
}

/* The uid/gid a process runs as (process.user), -1 when absent or not an integer. */
static void process_user(const json_t *process, int64_t *ret_uid, int64_t *ret_gid)
{
        const json_t *user = json_object_get(process, "user");
        const json_t *uid = json_object_get(user, "uid");
        const json_t *gid = json_object_get(user, "gid");

        *ret_uid = json_is_integer(uid) ? json_integer_value(uid) : -1;
        *ret_gid = json_is_integer(gid) ? json_integer_value(gid) : -1;
}

/* create, run, restore: harden BUNDLE/config.json in the tier the policy chooses */
static int harden_bundle(struct rw_call *c, struct rw_error *err)
{
        const char *bundle = c->cli.bundle != NULL ? c->cli.bundle : ".";
        int r;

        r = rw_dir_open(bundle, &c->rw.dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "opening bundle %s", bundle);
        c->rw.name = "config.json";
        r = load_document(&c->rw, &c->doc, err);
        if (r < 0)
                return rw_error_prefix(err, "bundle %s", bundle);
        r = rw_evaluate_spec(&c->policy, c->cli.tier, c->invoked_as, c->doc, bundle,
                             c->cli.seccomp_dir, RW_SECCOMP_CACHE_DIR, &c->ev, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/config.json", bundle);
        use_tier(c, c->ev.choice.tier, c->ev.choice.reason);
        c->tier_skipped = c->ev.choice.skipped;
        r = judge(c, &c->ev.plan, err);
        if (r < 0)
                return r;
        snprintf(c->state.tier, sizeof(c->state.tier), "%s", c->tier->name);
        process_user(json_object_get(c->doc, "process"), &c->state.uid, &c->state.gid);
        return 0;
}

/* The tier of an existing container: recorded at create, else what the policy would choose
 * without the spec (--tier, the binary name, default_tier). */
static int container_tier(struct rw_call *c, const json_t *env, struct rw_error *err)
{
        struct rw_tier_choice choice;
        const struct rw_tier *tier;
        int r;

        if (c->cli.container_id != NULL) {
                r = rw_state_load(NULL, c->cli.root, c->cli.container_id, &c->state, &c->have_state,
                                  err);
                if (r < 0)
                        return r;
        }
        if (c->have_state) {
                tier = rw_policy_find_tier(&c->policy, c->state.tier);
                if (tier == NULL)
                        return rw_error_set(err, ENOENT,
                                            "container %s was created in tier %s, which the "
                                            "policy no longer has",
                                            c->cli.container_id, c->state.tier);
                snprintf(c->tier_reason_buf, sizeof(c->tier_reason_buf),
                         "the container's tier, recorded at create");
                use_tier(c, tier, c->tier_reason_buf);
                return 0;
        }
        r = rw_policy_choose_tier(&c->policy, c->cli.tier, c->invoked_as, NULL, env, &choice, err);
        if (r < 0)
                return rw_error_prefix(err, "choosing the tier");
        snprintf(c->tier_reason_buf, sizeof(c->tier_reason_buf), "%s (no record of the container)",
                 choice.reason);
        use_tier(c, choice.tier, c->tier_reason_buf);
        return 0;
}

/* exec: the tier's exec policy, --cap refused, --cwd checked, the --process file hardened */
static int harden_exec(struct rw_call *c, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL;
        const struct rw_settings *settings;
        int64_t uid = -1, gid = -1;
        int r;

        rw_plan_init(&c->plan);
        if (c->cli.process != NULL) {
                r = rw_path_split(c->cli.process, &dir, &c->rw.name_owned, err);
                if (r < 0)
                        return r;
                r = rw_dir_open(dir, &c->rw.dirfd, err);
                if (r < 0)
                        return rw_error_prefix(err, "exec --process %s", c->cli.process);
                c->rw.name = c->rw.name_owned;
                r = load_document(&c->rw, &c->doc, err);
                if (r < 0)
                        return rw_error_prefix(err, "exec --process %s", c->cli.process);
        }
        r = container_tier(c, json_object_get(c->doc, "env"), err);
        if (r < 0)
                return r;
        settings = &c->tier->settings;

        if (c->tier->exec == RW_EXEC_DENY)
                rw_plan_deny(&c->plan, RW_RULE_EXEC_POLICY, "exec",
                             "tier %s does not allow exec into its containers", c->tier->name);
        if (c->cli.exec_cap != NULL)
                rw_plan_deny(&c->plan, RW_RULE_EXEC_CAPS, c->cli.exec_cap,
                             "exec asks for capability %s (--cap)", c->cli.exec_cap);
        if (c->doc != NULL) {
                rw_rules_process(c->doc, "", settings, &c->plan);
                rw_rules_secrets(c->doc, "", &c->plan);
                process_user(c->doc, &uid, &gid);
        }
        /* runc takes --cwd over the process's own: the same rule judges it */
        if (c->cli.exec_cwd != NULL)
                rw_rules_cwd(c->cli.exec_cwd, "exec --cwd", &c->plan);
        if (c->tier->exec == RW_EXEC_ALLOW_AS_OWNER && c->have_state &&
            (uid != c->state.uid || gid != c->state.gid))
                rw_plan_deny(&c->plan, RW_RULE_EXEC_POLICY, "user",
                             "tier %s allows exec only as the container's own user "
                             "(%lld:%lld), not %lld:%lld",
                             c->tier->name, (long long)c->state.uid, (long long)c->state.gid,
                             (long long)uid, (long long)gid);
        rw_plan_tune(&c->plan, settings->tuning);
        return judge(c, &c->plan, err);
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

static bool command_is_logged(enum rw_command command)
{
        switch (command) {
        case RW_CMD_CREATE:
        case RW_CMD_RUN:
        case RW_CMD_RESTORE:
        case RW_CMD_EXEC:
        case RW_CMD_START:
        case RW_CMD_KILL:
        case RW_CMD_DELETE:
                return true;
        default:
                return false;
        }
}

/* Whether a failure to write the decision log stops this call (only before a container or an
 * exec starts: refusing a delete because of a full disk would leak containers). */
static bool audit_failure_refuses(const struct rw_call *c)
{
        return c->have_policy && c->policy.audit_log_refuse && !c->audit_mode &&
               (rw_cli_command_takes_bundle(c->cli.command) || c->cli.command == RW_CMD_EXEC);
}

static int write_decision(struct rw_call *c, struct rw_error *err)
{
        struct timespec now;
        _cleanup_free_ char *line = NULL;
        struct rw_decision d = {
            .time = c->started,
            .id = c->id,
            .command = c->cli.command_name,
            .container_id = c->cli.container_id,
            .bundle = rw_cli_command_takes_bundle(c->cli.command)
                          ? (c->cli.bundle != NULL ? c->cli.bundle : ".")
                          : NULL,
            .tier = c->tier != NULL ? c->tier->name : NULL,
            .tier_reason = c->tier_reason,
            .tier_skipped = c->tier_skipped,
            .mode = c->audit_mode ? RW_TIER_AUDIT : RW_TIER_ENFORCE,
            .spec = c->doc,
            .plan = c->used_plan,
            .outcome = c->outcome,
            .message = c->message,
            .delegate = c->delegate,
        };

        if (!c->have_policy || c->policy.audit_log == NULL)
                return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        d.duration_ns = (uint64_t)(now.tv_sec - c->started_mono.tv_sec) * 1000000000u +
                        (uint64_t)(now.tv_nsec - c->started_mono.tv_nsec);
        line = rw_audit_format(&d);
        if (line == NULL)
                return rw_error_set(err, ENOMEM, "formatting the decision log line");
        /* The directory, one level, as logrotate setups expect it; never the whole path. */
        return rw_file_append_line(c->policy.audit_log, line, 0640, 0750, err);
}

/* Refuse: the reason on stderr and as the one error line of the engine's log. */
static int refuse(struct rw_call *c)
{
        const char *msg = c->message != NULL ? c->message : "runwarden: refused";

        fprintf(stderr, "%s\n", msg);
        log_line(&c->cli, RW_LOG_ERROR, msg);
        return EXIT_FAILURE;
}

/* Put back what was rewritten before a hand-off that did not happen. */
static void restore_original(struct rw_call *c)
{
        struct rw_error err = {0};

        if (!c->rw.written)
                return;
        if (rw_file_replace_at(c->rw.dirfd, c->rw.name, c->rw.original, c->rw.original_len,
                               &c->rw.st, &err) < 0)
                fprintf(stderr, "runwarden: restoring %s failed: %s\n", c->rw.name, err.msg);
        else
                c->rw.written = false;
}

/* Everything before the hand-off. On return, c->message set means: refuse. */
static void decide(struct rw_call *c)
{
        struct rw_error err = {0};
        bool found = false;
        int r;

        if (command_is_logged(c->cli.command) && !c->cli.help) {
                r = rw_policy_load(c->cli.policy, &c->policy, &found, &err);
                if (r < 0) {
                        set_message(c, RW_OUTCOME_ERROR, "runwarden: policy: %s", err.msg);
                        return;
                }
                c->have_policy = true;
                r = rw_audit_new_id(c->id, &err);
                if (r < 0) {
                        set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                        return;
                }
        }
        c->outcome = RW_OUTCOME_PASSTHROUGH;
        if (rw_cli_command_takes_bundle(c->cli.command) && !c->cli.help)
                r = harden_bundle(c, &err);
        else if (c->cli.command == RW_CMD_EXEC && !c->cli.help)
                r = harden_exec(c, &err);
        else if (c->have_policy)
                r = container_tier(c, NULL, &err);
        else
                r = 0;
        if (r < 0) {
                set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                return;
        }
        if (c->message != NULL) /* refused: no delegate to look for */
                return;

        /* The delegate: the operator's --runtime, else the tier's, else the built-in default. */
        c->delegate = c->cli.runtime != NULL                        ? c->cli.runtime
                      : c->tier != NULL && c->tier->runtime != NULL ? c->tier->runtime
                                                                    : RW_DEFAULT_RUNTIME;
        r = check_delegate(c->delegate, &err);
        if (r < 0) {
                set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                return;
        }
        /* Only now, with nothing left to refuse for, is the document rewritten. */
        if (write_document(c, &err) < 0)
                set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
}

int main(int argc, char **argv)
{
        struct rw_call c = {.rw.dirfd = -1, .outcome = RW_OUTCOME_PASSTHROUGH};
        struct rw_error err = {0};
        int r;

        clock_gettime(CLOCK_REALTIME, &c.started);
        clock_gettime(CLOCK_MONOTONIC, &c.started_mono);
        rw_plan_init(&c.plan);
        c.invoked_as = argc > 0 && argv[0] != NULL ? basename(argv[0]) : "runwarden";
        r = rw_cli_parse(argc, argv, &c.cli, &err);
        if (r < 0) {
                set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                r = refuse(&c);
                call_clear(&c);
                return r;
        }

        decide(&c);
        if (c.message != NULL) {
                restore_original(&c);
                if (write_decision(&c, &err) < 0)
                        fprintf(stderr, "runwarden: decision log: %s\n", err.msg);
                r = refuse(&c);
                call_clear(&c);
                return r;
        }
        if (write_decision(&c, &err) < 0) {
                if (audit_failure_refuses(&c)) {
                        restore_original(&c);
                        set_message(&c, RW_OUTCOME_ERROR,
                                    "runwarden: the decision log cannot be written and the policy "
                                    "says to refuse: %s",
                                    err.msg);
                        r = refuse(&c);
                        call_clear(&c);
                        return r;
                }
                fprintf(stderr, "runwarden: decision log: %s\n", err.msg);
        }

        /* What later calls about this container need: its tier. A delete forgets it. */
        if (c.have_policy && c.tier != NULL && c.cli.container_id != NULL) {
                struct rw_error state_err = {0};

                if (rw_cli_command_takes_bundle(c.cli.command) &&
                    rw_state_save(NULL, c.cli.root, c.cli.container_id, &c.state, &state_err) < 0)
                        log_line(&c.cli, RW_LOG_WARNING, state_err.msg);
                else if (c.cli.command == RW_CMD_DELETE)
                        rw_state_remove(NULL, c.cli.root, c.cli.container_id, &state_err);
        }

        c.cli.delegate_argv[0] = (char *)c.delegate;
        execv(c.delegate, c.cli.delegate_argv);
        set_message(&c, RW_OUTCOME_ERROR, "runwarden: cannot execute delegate runtime %s: %s",
                    c.delegate, strerror(errno));
        restore_original(&c);
        r = refuse(&c);
        call_clear(&c);
        return r;
}
