/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden: a runc-compatible runtime that hardens the container spec, then hands off.
 *
 *   argv ─► parse (lib/cli) ─► policy (lib/policy) ─► decide (lib/decision: the spec gate, the
 *        tier, host facts, rules, plan, outcome) ─► delegate check ─► apply the plan, atomic
 *        write ─► decision log ─► container record ─► execv(delegate)
 *
 * Nothing is written to stdout, ever: during create the runtime's stdio are the container's, and
 * state/features/ps/--version are parsed from the delegate's stdout. stderr and the engine's --log
 * file are written only when runwarden refuses (and, with --debug or in audit mode, the log file
 * gets what was changed or would have been, and warnings go there always).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "arena.h"
#include "cleanup.h"
#include "cli.h"
#include "config.h"
#include "decision.h"
#include "egressio.h"
#include "enginelog.h"
#include "error.h"
#include "fileio.h"
#include "hostio.h"
#include "json.h"
#include "numbers.h"
#include "plan.h"
#include "pins.h"
#include "settings.h"
#include "policy.h"
#include "state.h"

/* Everything one invocation knows: for the engine log, the decision log and the hand-off. */
struct rw_call {
        struct rw_cli cli;
        const char *invoked_as;
        struct timespec started, started_mono;
        char id[33];
        struct rw_policy policy;
        bool have_policy;
        bool log_failed; /* the decision log could not be written: one attempt is enough */
        struct rw_host_io io;
        struct rw_decision d;
        bool decided;
        bool report;  /* the plan goes to the engine's log when the call is handed off */
        bool audit;   /* audit mode: nothing is refused, nothing changed */
        bool written; /* the document was rewritten (and must be put back on failure) */
        bool pinned;  /* pins were made for it (and must be released on failure) */
        bool pin_refused;
        bool recorded; /* its record and volume uses were saved (create) */
        const char *delegate;
        enum rw_outcome outcome;
        char *message;        /* the refusal or error, "runwarden: ..." */
        json_t *egress;       /* the decision log's "egress" */
        bool handoff_written; /* the egress hook's hand-off (removed again on a refusal) */
        int process_fd;       /* exec --process: the memfd runc reads instead (-1: none) */
};

static void call_clear(struct rw_call *c)
{
        if (c->process_fd >= 0)
                close(c->process_fd);
        json_decref(c->egress);
        rw_decision_clear(&c->d);
        rw_host_io_clear(&c->io);
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

static void log_linef(const struct rw_cli *cli, enum rw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void log_linef(const struct rw_cli *cli, enum rw_log_level level, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (n >= 0)
                log_line(cli, level, msg);
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

/* An earlier change of the plan takes away the same (caps-drop empties five sets alike). */
static bool said_before(const struct rw_plan *plan, size_t i)
{
        const struct rw_change *c = &plan->changes[i];

        for (size_t k = 0; k < i; k++) {
                const struct rw_change *o = &plan->changes[k];

                if (strcmp(o->rule, c->rule) == 0 && o->kind == c->kind &&
                    json_equal(o->before, c->before) &&
                    ((o->after == NULL && c->after == NULL) ||
                     (o->after != NULL && c->after != NULL && json_equal(o->after, c->after))))
                        return true;
        }
        return false;
}

/*
 * What the engine's log says of a decision that goes ahead: audit mode reports what enforce
 * would change or refuse (warning level); what enforce takes away from the spec (a device, a
 * bind, a sysctl, capabilities) is a warning, every other change goes there with --debug;
 * warnings of the rules (rules a tier only warns about, scratch it leaves out) always do.
 */
static void report_plan(const struct rw_call *c)
{
        const struct rw_plan *plan = &c->d.plan;

        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct rw_change *change = &plan->changes[i];
                bool strip = !c->audit && rw_change_takes_away(change);
                _cleanup_free_ char *what = NULL;

                if (!c->audit && !strip && !c->cli.debug)
                        continue;
                if (strip && said_before(plan, i))
                        continue;
                what = rw_change_describe(change, 200);
                if (what == NULL)
                        continue;
                if (c->audit)
                        log_linef(&c->cli, RW_LOG_WARNING, "runwarden audit: would change %s",
                                  what);
                else if (strip)
                        log_linef(&c->cli, RW_LOG_WARNING, "runwarden: stripped by rule %s", what);
                else
                        log_linef(&c->cli, RW_LOG_DEBUG, "runwarden: changed %s", what);
        }
        for (size_t i = 0; i < plan->n_warnings; i++)
                log_linef(&c->cli, RW_LOG_WARNING, "runwarden: warning from rule %s: %s",
                          plan->warnings[i].rule, plan->warnings[i].text);
        if (c->audit && rw_plan_denied(plan)) {
                _cleanup_free_ char *why = rw_plan_describe_denials(plan);

                if (why != NULL)
                        log_linef(&c->cli, RW_LOG_WARNING, "runwarden audit: would have %s", why);
        }
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
        /* Without /proc runc cannot work either; better a clear refusal than a loop. */
        if (stat("/proc/self/exe", &self) < 0)
                return rw_error_set_errno(err, errno,
                                          "cannot tell whether the delegate runtime %s is "
                                          "runwarden itself: /proc/self/exe",
                                          path);
        if (self.st_dev == st.st_dev && self.st_ino == st.st_ino)
                return rw_error_set(err, ELOOP,
                                    "delegate runtime %s is runwarden itself; point --runtime at "
                                    "the real runc",
                                    path);
        return 0;
}

/* The bind sources the plan points at pins (lib/facts/pins.h), made now that nothing is left to
 * refuse for but the rewrite itself. */
static int make_pins(struct rw_call *c, struct rw_error *err)
{
        _cleanup_free_ char *root = NULL;
        int r;

        if (c->d.rewrite != RW_DOC_BUNDLE_CONFIG || c->cli.container_id == NULL)
                return 0;
        r = rw_host_canonical_root(c->cli.root, &root, err);
        if (r < 0)
                return r;
        c->pinned = true;
        r = rw_pins_apply(NULL, root, c->cli.container_id, &c->d.plan, err);
        if (r < 0)
                c->pinned = false; /* rw_pins_apply() released what it made */
        return r;
}

static void release_pins(struct rw_call *c)
{
        _cleanup_free_ char *root = NULL;
        struct rw_error err = {0};

        if (!c->pinned)
                return;
        if (rw_host_canonical_root(c->cli.root, &root, &err) < 0 ||
            rw_pins_release(NULL, root, c->cli.container_id, &err) < 0)
                fprintf(stderr, "runwarden: releasing the pins: %s\n", err.msg);
        c->pinned = false;
}

/*
 * exec --process FILE: the hardened process reaches runc in a sealed memfd, named in FILE's place
 * on runc's command line (/proc/self/fd/N), and FILE stays as the engine wrote it. Nothing is
 * written to the host's /tmp (a disk on Debian: creating and renaming the file there was a third
 * of an exec's cost), nothing is left to put back on a refusal, and nothing can change what runc
 * reads after it was judged. The descriptor lies above those the runtime passes on to the
 * process: --preserve-fds, and the systemd socket-activation count LISTEN_FDS, which crun adds to
 * them; the runtime closes the others before the process starts. A count that is not a plain
 * decimal number of at most 4096 keeps the file's rewrite (*ret_done false).
 */
static int hand_process_in_memory(struct rw_call *c, const char *text, size_t len, bool *ret_done,
                                  struct rw_error *err)
{
        const char *listen = getenv("LISTEN_FDS");
        unsigned preserved, listened = 0;
        char path[64];
        int fd, r;

        *ret_done = false;
        if (!rw_cli_preserve_fds(&c->cli, 4096, &preserved) ||
            (listen != NULL && !rw_parse_plain_count(listen, 4096, &listened)))
                return 0;
        fd = rw_memfd_sealed("runwarden-process.json", text, len,
                             3 + (int)preserved + (int)listened, err);
        if (fd < 0)
                return fd;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        r = rw_cli_replace_process(&c->cli, path);
        if (r < 0) {
                close(fd);
                return rw_error_set(err, -r, "cannot name the hardened process for %s",
                                    c->cli.command_name);
        }
        c->process_fd = fd;
        *ret_done = true;
        return 0;
}

/* Apply the plan to the canonical view and replace the document it came from. */
static int write_document(struct rw_call *c, struct rw_error *err)
{
        _cleanup_free_ char *out = NULL;
        size_t out_len;
        bool done;
        int r;

        if (c->audit || c->d.outcome != RW_OUTCOME_REWRITTEN || c->d.rewrite == RW_DOC_NONE)
                return 0;
        if (c->io.doc.dirfd < 0 || c->d.view == NULL)
                return rw_error_set(err, EINVAL, "no document to rewrite");
        r = rw_plan_apply(&c->d.plan, c->d.view, err);
        if (r < 0)
                return r;
        r = rw_json_dump(c->d.view, &out, &out_len, err);
        if (r < 0)
                return r;
        r = make_pins(c, err);
        if (r < 0) {
                /* what was judged changed under the pin: host-mount's refusal, as at the check */
                c->pin_refused = true;
                return rw_error_prefix(err, "refused by rule %s", RW_RULE_HOST_MOUNT);
        }
        if (c->d.rewrite == RW_DOC_PROCESS) {
                r = hand_process_in_memory(c, out, out_len, &done, err);
                if (r < 0 || done)
                        return r;
        }
        /* The delegate reads it at once; after a crash of the host the engine writes the spec
         * again (docs/performance.md, Durability). */
        r = rw_file_replace_at(c->io.doc.dirfd, c->io.doc.name, out, out_len, &c->io.doc.st,
                               RW_DURABILITY_CACHE, err);
        if (r < 0)
                return rw_error_prefix(err, "writing %s", c->io.doc.name);
        c->written = true;
        return 0;
}

/* Forget what keep_records() recorded for a create that is refused after all. */
static void forget_records(struct rw_call *c)
{
        _cleanup_free_ char *root = NULL;
        struct rw_error err = {0};

        if (!c->recorded)
                return;
        if (rw_host_canonical_root(c->cli.root, &root, &err) == 0) {
                rw_state_remove(NULL, root, c->cli.container_id, &err);
                rw_volume_remove_user(NULL, root, c->cli.container_id,
                                      c->d.record.volumes_known ? c->d.record.volumes : NULL,
                                      c->d.record.n_volumes, &err);
        }
        c->recorded = false;
}

/* Put back what was rewritten before a hand-off that did not happen. */
static void restore_original(struct rw_call *c)
{
        struct rw_error err = {0};

        release_pins(c);
        forget_records(c);
        if (!c->written)
                return;
        if (rw_file_replace_at(c->io.doc.dirfd, c->io.doc.name, c->io.doc.bytes, c->io.doc.len,
                               &c->io.doc.st, RW_DURABILITY_CACHE, &err) < 0)
                fprintf(stderr, "runwarden: restoring %s failed: %s\n", c->io.doc.name, err.msg);
        else
                c->written = false;
}

/*
 * The egress rules the decision built: into the decision log, and — for a create that goes ahead
 * rewritten — into the hand-off the injected hook takes. A hand-off that cannot be written
 * refuses the create: the hook would fail it anyway, later and with less to say.
 */
static int prepare_egress(struct rw_call *c, struct rw_error *err)
{
        const struct rw_tier *tier = c->d.choice.tier;
        int r;

        if (!c->d.have_egress)
                return 0;
        r = rw_egress_log_rules(&c->d.egress, rw_decision_egress_hook(&c->cli), &c->egress, err);
        if (r < 0)
                return r;
        if (c->audit || c->d.outcome != RW_OUTCOME_REWRITTEN || c->io.doc.dirfd < 0)
                return 0;
        r = rw_egress_handoff_for(
            NULL, c->cli.container_id, c->cli.bundle != NULL ? c->cli.bundle : ".", c->io.doc.dirfd,
            tier->name, c->d.settings.egress->counters, &c->d.egress, &c->d.record, err);
        if (r < 0)
                return rw_error_prefix(err, "egress rules for the hook");
        c->handoff_written = true;
        return json_object_set_new(c->egress, "handoff", json_true()) < 0
                   ? rw_error_set(err, ENOMEM, "egress log")
                   : 0;
}

/* delete: what the hook's rules counted, read before runc removes the namespace; never stops
 * the delete. */
static void collect_egress(struct rw_call *c)
{
        struct rw_error err = {0};

        if (!c->decided || c->cli.command != RW_CMD_DELETE || !c->d.have_record ||
            c->cli.container_id == NULL)
                return;
        if (rw_egress_collect(NULL, rw_decision_egress_hook(&c->cli), c->cli.container_id,
                              &c->d.record, &c->egress, &err) < 0)
                log_linef(&c->cli, RW_LOG_WARNING, "runwarden: %s", err.msg);
}

/* update --resources -: runwarden read standard input to judge it; runc reads the same bytes. */
static int refeed_stdin(const struct rw_call *c, struct rw_error *err)
{
        _cleanup_close_ int fd = -1;
        size_t done = 0;

        if (!c->io.read_stdin)
                return 0;
        fd = memfd_create("runwarden-stdin", MFD_CLOEXEC);
        if (fd < 0)
                return rw_error_set_errno(err, errno, "memfd for standard input");
        while (done < c->io.stdin_len) {
                ssize_t n = write(fd, c->io.stdin_bytes + done, c->io.stdin_len - done);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rw_error_set_errno(err, errno, "memfd for standard input");
                done += (size_t)n;
        }
        if (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, STDIN_FILENO) < 0)
                return rw_error_set_errno(err, errno, "standard input for the delegate");
        return 0;
}

static int register_volumes(const struct rw_call *c, const char *root, struct rw_error *err)
{
        struct rw_volume_use use = {
            .root = (char *)root,
            .id = (char *)c->cli.container_id,
            .tier = (char *)c->d.record.tier,
        };

        for (size_t i = 0; c->d.volumes != NULL && c->d.volumes[i] != NULL; i++) {
                int r = rw_volume_add_user(NULL, c->d.volumes[i], &use, err);

                if (r < 0)
                        return rw_error_prefix(err, "registering volume %s", c->d.volumes[i]);
        }
        return 0;
}

/*
 * A record of this id that a create replaces is a container runc no longer has (one it has is
 * refused): deleted without runwarden. Its volumes are named in that record alone, and it would
 * stay their user, revived by every later container of the id: it leaves them now.
 */
static void forget_stale_volumes(struct rw_call *c, const char *root)
{
        struct rw_container_state old = {0};
        struct rw_error err = {0};
        bool found = false;

        if (rw_state_load(NULL, root, c->cli.container_id, &old, &found, &err) < 0) {
                /* unreadable: which volumes it names is unknown, so all of them */
                found = true;
                old.volumes_known = false;
        }
        if (found &&
            rw_volume_remove_user(NULL, root, c->cli.container_id,
                                  old.volumes_known ? old.volumes : NULL, old.n_volumes, &err) < 0)
                log_line(&c->cli, RW_LOG_WARNING, err.msg);
}

/*
 * What later calls about this container need: its tier, and the volumes it mounts. A volume that
 * cannot be registered would let another tier's container claim it later: the create is refused
 * then (and what was recorded is forgotten again). A delete forgets both, and the pins.
 */
static int keep_records(struct rw_call *c, struct rw_error *err)
{
        _cleanup_free_ char *root = NULL;
        struct rw_error state_err = {0};

        if (!c->decided || c->cli.container_id == NULL || !(c->d.save_record || c->d.remove_record))
                return 0;
        if (rw_host_canonical_root(c->cli.root, &root, &state_err) < 0) {
                log_line(&c->cli, RW_LOG_WARNING, state_err.msg);
                return 0;
        }
        if (c->d.remove_record) {
                /* the volumes it went into, as recorded at its create (else all of them) */
                bool known = c->d.have_record && c->d.record.volumes_known;

                /* runc unmounts nothing of the host's: the pins go with the record */
                if (rw_pins_release(NULL, root, c->cli.container_id, &state_err) < 0)
                        log_line(&c->cli, RW_LOG_WARNING, state_err.msg);
                rw_state_remove(NULL, root, c->cli.container_id, &state_err);
                if (rw_volume_remove_user(NULL, root, c->cli.container_id,
                                          known ? c->d.record.volumes : NULL, c->d.record.n_volumes,
                                          &state_err) < 0)
                        log_line(&c->cli, RW_LOG_WARNING, state_err.msg);
                return 0;
        }
        forget_stale_volumes(c, root);
        if (rw_state_save(NULL, root, c->cli.container_id, &c->d.record, &state_err) < 0) {
                /* no record rather than a stale one: a record of an earlier container of the id
                 * would otherwise name this one's tier, process and runtime */
                log_line(&c->cli, RW_LOG_WARNING, state_err.msg);
                rw_state_remove(NULL, root, c->cli.container_id, &state_err);
        }
        c->recorded = true;
        if (register_volumes(c, root, err) < 0 && !c->audit)
                return -EIO;
        return 0;
}

static bool command_is_logged(enum rw_command command)
{
        switch (command) {
        case RW_CMD_CREATE:
        case RW_CMD_RUN:
        case RW_CMD_RESTORE:
        case RW_CMD_EXEC:
        case RW_CMD_UPDATE:
        case RW_CMD_START:
        case RW_CMD_KILL:
        case RW_CMD_DELETE:
        case RW_CMD_CHECKPOINT:
        case RW_CMD_UNKNOWN:
                return true;
        default:
                return false;
        }
}

/* Whether a failure to write the decision log stops this call (only before a container or an
 * exec starts: refusing a delete because of a full disk would leak containers). */
static bool audit_failure_refuses(const struct rw_call *c)
{
        bool refuse = c->have_policy ? c->policy.audit_log_refuse
                                     : c->decided && c->d.from_record && c->d.record.log_refuse;

        return refuse && !c->audit &&
               (rw_cli_command_takes_bundle(c->cli.command) || c->cli.command == RW_CMD_EXEC);
}

/* Where the decision log is: the policy's, or as the container's record has it (NULL: none). */
static const char *decision_log(const struct rw_call *c)
{
        if (c->have_policy)
                return c->policy.audit_log;
        if (c->decided && c->d.from_record && c->d.record.decision_log[0] != '\0')
                return c->d.record.decision_log;
        return NULL;
}

static int write_decision(struct rw_call *c, struct rw_error *err)
{
        struct timespec now;
        _cleanup_free_ char *line = NULL;
        const char *tier = rw_decision_tier_name(&c->d);
        const char *log = decision_log(c);
        struct rw_audit_entry e = {
            .time = c->started,
            .id = c->id,
            .command = c->cli.command_name,
            .container_id = c->cli.container_id,
            .bundle = rw_cli_command_takes_bundle(c->cli.command)
                          ? (c->cli.bundle != NULL ? c->cli.bundle : ".")
                          : NULL,
            .tier = tier,
            .tier_reason = tier != NULL ? c->d.tier_reason : NULL,
            .tier_skipped = c->d.have_tier ? c->d.choice.skipped : NULL,
            .mode = c->audit ? RW_TIER_AUDIT : RW_TIER_ENFORCE,
            .spec = c->d.original,
            .plan = c->decided ? &c->d.plan : NULL,
            .outcome = c->outcome,
            .message = c->message,
            .delegate = c->delegate,
            .egress = c->egress,
        };

        if (log == NULL || c->log_failed || !command_is_logged(c->cli.command) || c->cli.help)
                return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        e.duration_ns = (uint64_t)(now.tv_sec - c->started_mono.tv_sec) * 1000000000u +
                        (uint64_t)(now.tv_nsec - c->started_mono.tv_nsec);
        line = rw_audit_format(&e);
        if (line == NULL)
                return rw_error_set(err, ENOMEM, "formatting the decision log line");
        /* The directory, one level, as logrotate setups expect it; never the whole path. A
         * refusal is synced before runwarden answers: it is the only trace of an attempt that
         * never ran. Other lines reach the disk with the page cache (docs/performance.md). */
        return rw_file_append_line(log, line, 0640, 0750,
                                   c->outcome == RW_OUTCOME_REFUSED ||
                                           c->outcome == RW_OUTCOME_ERROR
                                       ? RW_DURABILITY_SYNC
                                       : RW_DURABILITY_CACHE,
                                   err);
}

/* Refuse: the reason on stderr and as the one error line of the engine's log. */
static int refuse(struct rw_call *c)
{
        const char *msg = c->message != NULL ? c->message : "runwarden: refused";
        struct rw_error err = {0};

        restore_original(c);
        if (c->handoff_written) {
                if (rw_egress_handoff_undo(NULL, c->cli.container_id, &c->d.record, &err) < 0)
                        fprintf(stderr, "runwarden: %s\n", err.msg);
                c->handoff_written = false;
        }
        if (write_decision(c, &err) < 0)
                fprintf(stderr, "runwarden: decision log: %s\n", err.msg);
        fprintf(stderr, "%s\n", msg);
        log_line(&c->cli, RW_LOG_ERROR, msg);
        return EXIT_FAILURE;
}

/*
 * A call that only passes a command through, or an exec, for a container whose create recorded
 * the policy file as it was and the runtime it went to: while that file is unchanged, the record
 * says all such a call needs of the policy (lib/decision rw_decide_recorded()), and reading the
 * policy would cost more than the rest of the call. Anything unusual (no such record, a changed
 * policy, a recorded runtime that is no runtime any more) goes the way of every other call.
 */
static bool decide_from_record(struct rw_call *c)
{
        struct rw_error ignored = {0};

        if (!rw_decide_recorded(&c->cli, &c->io.io, &c->d))
                return false;
        if (check_delegate(rw_decision_delegate(&c->cli, NULL, &c->d.record), &ignored) < 0 ||
            rw_audit_new_id(c->id, &ignored) < 0) {
                rw_decision_clear(&c->d);
                return false;
        }
        c->decided = true;
        c->audit = c->audit || c->d.audit;
        c->outcome = c->d.outcome;
        if (c->d.outcome == RW_OUTCOME_REFUSED)
                set_message(c, RW_OUTCOME_REFUSED, "%s", c->d.message);
        else
                c->report = true;
        return true;
}

/*
 * Everything before the hand-off. On return, c->message set means: refuse. In audit mode
 * nothing is refused: what goes wrong is logged, and the call is handed off unchanged.
 */
static void decide(struct rw_call *c)
{
        struct rw_error err = {0};
        bool found = false;
        int r;

        c->audit = c->cli.mode == RW_MODE_AUDIT;
        if (decide_from_record(c))
                return;
        r = rw_policy_load(c->cli.policy, &c->policy, &found, &err);
        if (r < 0 && (rw_cli_changes_nothing(&c->cli) || rw_cli_stops(&c->cli))) {
                /* --version, state, list...: runc only prints; the tier would only have named
                 * the runtime to ask. kill and delete must work whatever became of the policy:
                 * an engine that cannot delete leaks containers. */
                log_linef(&c->cli, RW_LOG_WARNING, "runwarden: policy: %s; handed off to %s",
                          err.msg, c->cli.runtime != NULL ? c->cli.runtime : RW_DEFAULT_RUNTIME);
                r = rw_decide(&c->cli, NULL, c->invoked_as, &c->io.io, &c->d, &err);
                c->decided = r >= 0;
                if (r < 0)
                        set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                return;
        }
        if (r < 0) {
                if (c->audit) {
                        log_linef(&c->cli, RW_LOG_WARNING,
                                  "runwarden audit: policy: %s; handed off unchanged", err.msg);
                        return;
                }
                set_message(c, RW_OUTCOME_ERROR, "runwarden: policy: %s", err.msg);
                return;
        }
        c->have_policy = true;
        if (rw_audit_new_id(c->id, &err) < 0) {
                set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                return;
        }
        c->io.seccomp_dir = c->cli.seccomp_dir;
        c->io.cache_dir = RW_SECCOMP_CACHE_DIR;

        r = rw_decide(&c->cli, &c->policy, c->invoked_as, &c->io.io, &c->d, &err);
        c->decided = true;
        c->audit = c->audit || c->d.audit;
        if (r < 0) {
                if (c->audit) {
                        c->outcome = RW_OUTCOME_AUDITED;
                        log_linef(&c->cli, RW_LOG_WARNING,
                                  "runwarden audit: cannot decide (%s); handed off unchanged",
                                  err.msg);
                        return;
                }
                set_message(c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                return;
        }
        c->outcome = c->d.outcome;
        if (c->d.outcome == RW_OUTCOME_REFUSED) {
                set_message(c, RW_OUTCOME_REFUSED, "%s", c->d.message);
                return;
        }
        c->report = true;
}

/*
 * The egress hook when the command line names none: the installed one, else — runwarden run from
 * its build directory or a copy of the two programs — the runwarden-egress-hook beside this
 * binary, in a directory only root may change (a runwarden copied into /tmp does not take a hook
 * someone else put there). Either is judged by the hooks rule like any hook (root's, not writable
 * by others).
 */
static const char *egress_hook_default(char *buf, size_t size)
{
        struct stat st;
        char *slash;
        ssize_t n;

        if (access(RW_EGRESS_HOOK, F_OK) == 0 || errno != ENOENT)
                return NULL;
        n = readlink("/proc/self/exe", buf, size - 1);
        if (n <= 0 || (size_t)n >= size - 1)
                return NULL;
        buf[n] = '\0';
        slash = strrchr(buf, '/');
        if (slash == NULL || (size_t)(slash + 1 - buf) + sizeof(RW_EGRESS_HOOK_NAME) > size)
                return NULL;
        *slash = '\0';
        if (stat(slash == buf ? "/" : buf, &st) < 0 || st.st_uid != 0 ||
            (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
                return NULL;
        *slash = '/';
        memcpy(slash + 1, RW_EGRESS_HOOK_NAME, sizeof(RW_EGRESS_HOOK_NAME));
        return access(buf, F_OK) == 0 ? buf : NULL;
}

int main(int argc, char **argv)
{
        static char hook_beside[PATH_MAX];
        struct rw_call c = {.outcome = RW_OUTCOME_PASSTHROUGH, .process_fd = -1};
        struct rw_error err = {0};
        int r;

        rw_json_use_arena();
        clock_gettime(CLOCK_REALTIME, &c.started);
        clock_gettime(CLOCK_MONOTONIC, &c.started_mono);
        rw_host_io_init(&c.io);
        c.invoked_as = argc > 0 && argv[0] != NULL ? basename(argv[0]) : "runwarden";
        r = rw_cli_parse(argc, argv, &c.cli, &err);
        if (r < 0) {
                set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                r = refuse(&c);
                call_clear(&c);
                return r;
        }

        if (c.cli.egress_hook == NULL)
                c.cli.egress_hook = egress_hook_default(hook_beside, sizeof(hook_beside));
        decide(&c);
        if (c.message == NULL) {
                /* The operator's --runtime, else the container's own, else the tier's, else the
                 * built-in default. */
                const struct rw_tier *tier = c.d.have_tier ? c.d.choice.tier : NULL;

                const char *configured = rw_decision_delegate(&c.cli, tier, NULL);

                c.delegate =
                    rw_decision_delegate(&c.cli, tier, c.d.have_record ? &c.d.record : NULL);
                /* The recorded runtime that is no runtime any more (gone, or runwarden itself
                 * since runc was diverted to it) would strand the container: the configured
                 * one, as before runtimes were recorded. A decision from the record was
                 * taken only once its runtime passed (decide_from_record()). */
                r = c.d.from_record ? 0 : check_delegate(c.delegate, &err);
                if (r < 0 && strcmp(c.delegate, configured) != 0) {
                        log_linef(&c.cli, RW_LOG_WARNING,
                                  "runwarden: the container's recorded runtime: %s; handed to %s",
                                  err.msg, configured);
                        c.delegate = configured;
                        r = check_delegate(c.delegate, &err);
                }
                if (r < 0)
                        set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
        }
        if (c.message == NULL && prepare_egress(&c, &err) < 0)
                set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
        if (c.message == NULL)
                collect_egress(&c);
        /* Only now, with nothing left to refuse for, is the document rewritten. */
        if (c.message == NULL && write_document(&c, &err) < 0)
                set_message(&c, c.pin_refused ? RW_OUTCOME_REFUSED : RW_OUTCOME_ERROR,
                            "runwarden: %s", err.msg);
        if (c.message == NULL && refeed_stdin(&c, &err) < 0)
                set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
        if (c.message != NULL) {
                r = refuse(&c);
                call_clear(&c);
                return r;
        }
        if (keep_records(&c, &err) < 0) {
                set_message(&c, RW_OUTCOME_ERROR, "runwarden: %s", err.msg);
                r = refuse(&c);
                call_clear(&c);
                return r;
        }
        if (write_decision(&c, &err) < 0) {
                if (audit_failure_refuses(&c)) {
                        set_message(&c, RW_OUTCOME_ERROR,
                                    "runwarden: the decision log cannot be written and the policy "
                                    "says to refuse: %s",
                                    err.msg);
                        c.log_failed = true;
                        r = refuse(&c);
                        call_clear(&c);
                        return r;
                }
                fprintf(stderr, "runwarden: decision log: %s\n", err.msg);
        }

        /* Only now, with nothing left to refuse for: a refusal is the one line of the engine's
         * log (podman reads it as one JSON object). */
        if (c.report)
                report_plan(&c);
        c.cli.delegate_argv[0] = (char *)c.delegate;
        execv(c.delegate, c.cli.delegate_argv);
        set_message(&c, RW_OUTCOME_ERROR, "runwarden: cannot execute delegate runtime %s: %s",
                    c.delegate, strerror(errno));
        r = refuse(&c);
        call_clear(&c);
        return r;
}
