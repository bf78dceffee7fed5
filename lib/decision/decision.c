/* SPDX-License-Identifier: Apache-2.0 */
#include "decision.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "exec.h"
#include "json.h"
#include "paths.h"
#include "rules.h"

static void use_tier(struct rw_decision *d, const struct rw_cli *cli, const struct rw_tier *tier)
{
        d->have_tier = true;
        d->choice.tier = tier;
        d->settings = tier->settings;
        d->audit = cli->mode == RW_MODE_AUDIT || tier->mode == RW_TIER_AUDIT;
}

/* The tier of a new container, chosen from its canonical spec (NULL: without one). */
static int choose_tier(struct rw_decision *d, const struct rw_cli *cli,
                       const struct rw_policy *policy, const char *invoked_as, const json_t *spec,
                       struct rw_error *err)
{
        const json_t *process = json_object_get(spec, "process");
        int r;

        r = rw_policy_choose_tier(policy, cli->tier, invoked_as,
                                  json_object_get(spec, "annotations"),
                                  json_object_get(process, "env"), &d->choice, err);
        if (r < 0)
                return rw_error_prefix(err, "choosing the tier");
        snprintf(d->tier_reason, sizeof(d->tier_reason), "%s", d->choice.reason);
        use_tier(d, cli, d->choice.tier);
        return 0;
}

/* The tier of an existing container: recorded at create, else what the policy would choose
 * without its spec (--tier, the binary name, default_tier). */
static int existing_tier(struct rw_decision *d, const struct rw_cli *cli,
                         const struct rw_policy *policy, const char *invoked_as,
                         const struct rw_decision_io *io, bool judged, struct rw_error *err)
{
        const struct rw_tier *tier;
        int r;

        if (cli->container_id != NULL) {
                r = io->load_record(io->userdata, cli->root, cli->container_id, &d->record,
                                    &d->have_record, err);
                if (r < 0)
                        return r;
        }
        if (!d->have_record) {
                r = choose_tier(d, cli, policy, invoked_as, NULL, err);
                if (r < 0)
                        return r;
                snprintf(d->tier_reason, sizeof(d->tier_reason), "%s (no record of the container)",
                         d->choice.reason);
                return 0;
        }
        tier = rw_policy_find_tier(policy, d->record.tier);
        /* Stopping and deleting must work whatever became of the policy: an engine that cannot
         * delete leaks containers. What is judged (exec, update) is refused instead. */
        if (tier == NULL && !judged) {
                r = choose_tier(d, cli, policy, invoked_as, NULL, err);
                if (r < 0)
                        return r;
                snprintf(d->tier_reason, sizeof(d->tier_reason),
                         "%s (the recorded tier %s is no longer in the policy)", d->choice.reason,
                         d->record.tier);
                return 0;
        }
        if (tier == NULL)
                return rw_error_set(err, ENOENT,
                                    "container %s was created in tier %s, which the policy no "
                                    "longer has",
                                    cli->container_id, d->record.tier);
        d->choice = (struct rw_tier_choice){.tier = tier, .source = RW_TIER_FROM_FLAG};
        snprintf(d->choice.reason, sizeof(d->choice.reason),
                 "the container's tier, recorded at create");
        snprintf(d->tier_reason, sizeof(d->tier_reason), "%s", d->choice.reason);
        use_tier(d, cli, tier);
        return 0;
}

void rw_decision_process_user(const json_t *process, int64_t *ret_uid, int64_t *ret_gid)
{
        const json_t *user = json_object_get(process, "user");
        const json_t *uid = json_object_get(user, "uid");
        const json_t *gid = json_object_get(user, "gid");

        /* The canonical view has no nulls and right types: absent is runc's zero value. */
        *ret_uid = json_is_integer(uid) ? json_integer_value(uid) : 0;
        *ret_gid = json_is_integer(gid) ? json_integer_value(gid) : 0;
}

/* Read document `which` at `where` through the spec gate into d->original / *ret_view. */
static int read_through_gate(const struct rw_cli *cli, const struct rw_decision_io *io,
                             enum rw_document which, const char *where, enum rw_spec_kind kind,
                             const char *name, json_t **ret_original, json_t **ret_view,
                             struct rw_plan *plan, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        int r;

        r = io->read_document(io->userdata, which, where, cli->root, &doc, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", name);
        r = rw_spec_read(doc, kind, name, ret_view, plan, err);
        if (r < 0)
                return r;
        if (ret_original != NULL)
                *ret_original = TAKE_PTR(doc);
        return 0;
}

/* Flags of the runtime command line that runc honours and no tier can make safe. */
static void judge_command_flags(const struct rw_cli *cli, struct rw_plan *plan)
{
        if (cli->criu != NULL)
                rw_plan_deny(plan, RW_RULE_COMMAND, "--criu",
                             "--criu %s would run that binary as root on the host", cli->criu);
        if (cli->no_pivot && rw_cli_command_takes_bundle(cli->command))
                rw_plan_deny(plan, RW_RULE_COMMAND, "--no-pivot",
                             "--no-pivot leaves the host's root filesystem reachable from the "
                             "container's mount namespace");
        if (cli->no_new_keyring && rw_cli_command_takes_bundle(cli->command))
                rw_plan_deny(plan, RW_RULE_COMMAND, "--no-new-keyring",
                             "--no-new-keyring shares the caller's session keyring with the job");
}

static int decide_bundle(struct rw_decision *d, const struct rw_cli *cli,
                         const struct rw_policy *policy, const char *invoked_as,
                         const struct rw_decision_io *io, struct rw_error *err)
{
        const char *bundle = cli->bundle != NULL ? cli->bundle : ".";
        struct rw_fact_request request;
        int r;

        d->rewrite = RW_DOC_BUNDLE_CONFIG;
        r = read_through_gate(cli, io, RW_DOC_BUNDLE_CONFIG, bundle, RW_SPEC_CONFIG, "config.json",
                              &d->original, &d->view, &d->plan, err);
        if (r < 0)
                return r;
        /* A spec runc would read otherwise is judged no further; the tier still decides whether
         * that refusal is enforced or only reported. */
        r = choose_tier(d, cli, policy, invoked_as, d->view, err);
        if (r < 0)
                return r;
        judge_command_flags(cli, &d->plan);
        if (d->view == NULL)
                return 0;

        if (rw_rules_seccomp_wants_profile(d->view, &d->settings)) {
                r = io->load_profile(io->userdata, d->settings.seccomp_profile_name,
                                     d->settings.capabilities, &d->profile, err);
                if (r < 0)
                        return rw_error_prefix(err, "loading the seccomp profile of tier %s",
                                               d->choice.tier->name);
                d->settings.seccomp_profile = d->profile;
        }
        request = (struct rw_fact_request){
            .spec = d->view,
            .bundle = bundle,
            .container_id = cli->container_id,
            .cli = cli,
            .policy = policy,
            .settings = &d->settings,
        };
        r = io->gather_facts(io->userdata, &request, &d->facts, err);
        if (r < 0)
                return r;
        d->have_facts = true;
        rw_rules_spec(d->view, &d->settings, &d->facts, &d->plan);

        snprintf(d->record.tier, sizeof(d->record.tier), "%s", d->choice.tier->name);
        rw_decision_process_user(json_object_get(d->view, "process"), &d->record.uid,
                                 &d->record.gid);
        d->save_record = true;
        return 0;
}

/* What the tier's exec policy says of a process running as uid:gid. */
static void judge_exec_policy(const struct rw_decision *d, int64_t uid, int64_t gid,
                              struct rw_plan *plan)
{
        const struct rw_tier *tier = d->choice.tier;

        if (tier->exec == RW_EXEC_DENY)
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "exec",
                             "tier %s does not allow exec into its containers", tier->name);
        else if (tier->exec == RW_EXEC_ALLOW_AS_OWNER && !d->have_record)
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "exec",
                             "tier %s allows exec only as the container's own user, and runwarden "
                             "has no record of who that is",
                             tier->name);
        else if (tier->exec == RW_EXEC_ALLOW_AS_OWNER &&
                 (uid != d->record.uid || gid != d->record.gid))
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "user",
                             "tier %s allows exec only as the container's own user "
                             "(%" PRId64 ":%" PRId64 "), not %" PRId64 ":%" PRId64,
                             tier->name, d->record.uid, d->record.gid, uid, gid);
}

static int decide_exec(struct rw_decision *d, const struct rw_cli *cli,
                       const struct rw_policy *policy, const char *invoked_as,
                       const struct rw_decision_io *io, struct rw_error *err)
{
        _cleanup_json_ json_t *config = NULL;
        _cleanup_plan_ struct rw_plan judged;
        int64_t uid, gid;
        int r;

        rw_plan_init(&judged);
        r = existing_tier(d, cli, policy, invoked_as, io, true, err);
        if (r < 0)
                return r;
        judge_command_flags(cli, &d->plan);
        rw_rules_exec_cgroups(&cli->exec_cgroups, &d->plan);

        if (cli->process != NULL) {
                /* runc takes the process file as it is and ignores --user, --cap, --cwd... */
                d->rewrite = RW_DOC_PROCESS;
                r = read_through_gate(cli, io, RW_DOC_PROCESS, cli->process, RW_SPEC_PROCESS,
                                      "the exec process", &d->original, &d->view, &d->plan, err);
                if (r < 0)
                        return r;
                if (d->view == NULL)
                        return 0;
                rw_rules_process(d->view, "", &d->settings, &d->plan);
                rw_rules_secrets(d->view, "", &d->plan);
                rw_decision_process_user(d->view, &uid, &gid);
                judge_exec_policy(d, uid, gid, &d->plan);
                return 0;
        }

        /* Without --process runc starts the process of the container's own config.json with
         * the flags applied over it: judge exactly that. A command line cannot be rewritten, so
         * whatever a rule would change is refused. */
        r = read_through_gate(cli, io, RW_DOC_CONTAINER_CONFIG, cli->container_id, RW_SPEC_CONFIG,
                              "the container's config.json", NULL, &config, &d->plan, err);
        if (r < 0)
                return r;
        if (config == NULL)
                return 0;
        r = rw_exec_process_from_flags(json_object_get(config, "process"), cli, &d->view, &d->plan,
                                       err);
        if (r < 0)
                return r;
        if (d->view == NULL)
                return 0;
        rw_rules_exec_lsm(json_object_get(config, "process"), d->view, &d->plan);
        rw_rules_process(d->view, "", &d->settings, &judged);
        rw_rules_secrets(d->view, "", &judged);
        rw_plan_tune(&judged, d->settings.tuning);
        rw_plan_changes_to_denials(&judged, "the exec command line asks for what this rule would "
                                            "change, and a command line cannot be rewritten");
        r = rw_plan_take(&d->plan, &judged);
        if (r < 0)
                return rw_error_set(err, ENOMEM, "judging the exec");
        rw_decision_process_user(d->view, &uid, &gid);
        judge_exec_policy(d, uid, gid, &d->plan);
        return 0;
}

static int decide_update(struct rw_decision *d, const struct rw_cli *cli,
                         const struct rw_policy *policy, const char *invoked_as,
                         const struct rw_decision_io *io, struct rw_error *err)
{
        _cleanup_json_ json_t *resources = NULL;
        int r;

        r = existing_tier(d, cli, policy, invoked_as, io, true, err);
        if (r < 0)
                return r;
        judge_command_flags(cli, &d->plan);
        if (cli->resources != NULL) {
                r = read_through_gate(cli, io, RW_DOC_RESOURCES, cli->resources, RW_SPEC_RESOURCES,
                                      "the update resources", NULL, &resources, &d->plan, err);
                if (r < 0)
                        return r;
                if (resources == NULL)
                        return 0;
        }
        rw_rules_update(resources, &cli->update_flags, &d->settings, &d->plan);
        return 0;
}

static bool command_is_known(enum rw_command command)
{
        return command != RW_CMD_UNKNOWN;
}

static void judge_outcome(struct rw_decision *d, bool passthrough)
{
        if (rw_plan_denied(&d->plan))
                d->enforce = RW_OUTCOME_REFUSED;
        else if (passthrough)
                d->enforce = RW_OUTCOME_PASSTHROUGH;
        else
                d->enforce = d->plan.n_changes > 0 ? RW_OUTCOME_REWRITTEN : RW_OUTCOME_UNCHANGED;
        if (d->audit && d->enforce != RW_OUTCOME_PASSTHROUGH)
                d->outcome = RW_OUTCOME_AUDITED;
        else
                d->outcome = d->enforce;
}

int rw_decide(const struct rw_cli *cli, const struct rw_policy *policy, const char *invoked_as,
              const struct rw_decision_io *io, struct rw_decision *ret, struct rw_error *err)
{
        bool passthrough = false;
        int r;

        memset(ret, 0, sizeof(*ret));
        rw_plan_init(&ret->plan);
        ret->command = cli->command;
        ret->record.uid = ret->record.gid = -1;
        ret->audit = cli->mode == RW_MODE_AUDIT;

        if (cli->help) {
                /* runc prints its help and does nothing else */
                r = 0;
                passthrough = true;
        } else if (rw_cli_command_takes_bundle(cli->command)) {
                r = decide_bundle(ret, cli, policy, invoked_as, io, err);
        } else if (cli->command == RW_CMD_EXEC) {
                r = decide_exec(ret, cli, policy, invoked_as, io, err);
        } else if (cli->command == RW_CMD_UPDATE) {
                r = decide_update(ret, cli, policy, invoked_as, io, err);
        } else {
                passthrough = true;
                r = existing_tier(ret, cli, policy, invoked_as, io, false, err);
                if (r >= 0) {
                        judge_command_flags(cli, &ret->plan);
                        if (!command_is_known(cli->command))
                                rw_plan_deny(&ret->plan, RW_RULE_COMMAND, cli->command_name,
                                             "runwarden does not know the runtime command %s",
                                             cli->command_name);
                        ret->remove_record = cli->command == RW_CMD_DELETE;
                }
        }
        if (r < 0)
                return r;
        rw_plan_tune(&ret->plan, ret->settings.tuning);
        if (ret->plan.oom)
                return rw_error_set(err, ENOMEM, "building the plan");
        judge_outcome(ret, passthrough);
        if (ret->enforce == RW_OUTCOME_REFUSED) {
                _cleanup_free_ char *why = rw_plan_describe_denials(&ret->plan);

                if (why == NULL || asprintf(&ret->message, "runwarden: %s", why) < 0)
                        return rw_error_set(err, ENOMEM, "describing the refusal");
        }
        if (ret->enforce == RW_OUTCOME_REFUSED || ret->audit)
                ret->save_record = ret->save_record && ret->audit;
        return 0;
}

void rw_decision_clear(struct rw_decision *d)
{
        json_decref(d->original);
        json_decref(d->view);
        json_decref(d->profile);
        if (d->have_facts)
                rw_facts_clear(&d->facts);
        rw_plan_clear(&d->plan);
        free(d->message);
        memset(d, 0, sizeof(*d));
}
