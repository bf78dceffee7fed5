/* SPDX-License-Identifier: Apache-2.0 */
#include "decision.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "config.h"
#include "exec.h"
#include "json.h"
#include "paths.h"
#include "rules.h"
#include "ruleset.h"

/* How a call knows an existing container's tier, from its record. */
#define RECORDED_TIER "the container's tier, recorded at create"

static void use_tier(struct rw_decision *d, const struct rw_cli *cli, const struct rw_tier *tier)
{
        d->have_tier = true;
        d->choice.tier = tier;
        d->settings = tier->settings;
        d->settings.tier_name = tier->name;
        d->settings.strictness = (int64_t)tier->strictness;
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
        snprintf(d->choice.reason, sizeof(d->choice.reason), RECORDED_TIER);
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

static bool allowed(const struct rw_settings *settings, const char *what)
{
        for (const char *const *p = settings->lists[RW_LIST_RUNTIME]; p != NULL && *p != NULL; p++)
                if (strcmp(*p, what) == 0)
                        return true;
        return false;
}

/* Flags of the runtime command line that runc honours and that the tier must allow by name
 * ("runtime_allow": "no-pivot", "no-new-keyring", "criu=PATH"). */
static void judge_command_flags(const struct rw_cli *cli, const struct rw_settings *settings,
                                struct rw_plan *plan)
{
        if (cli->criu != NULL) {
                char want[4096];

                snprintf(want, sizeof(want), "criu=%s", cli->criu);
                if (!allowed(settings, want))
                        rw_plan_deny(plan, RW_RULE_COMMAND, "--criu",
                                     "--criu %s would run that binary as root on the host",
                                     cli->criu);
        }
        if (cli->no_pivot && rw_cli_command_takes_bundle(cli->command) &&
            !allowed(settings, "no-pivot"))
                rw_plan_deny(plan, RW_RULE_COMMAND, "--no-pivot",
                             "--no-pivot leaves the host's root filesystem reachable from the "
                             "container's mount namespace");
        if (cli->no_new_keyring && rw_cli_command_takes_bundle(cli->command) &&
            !allowed(settings, "no-new-keyring"))
                rw_plan_deny(plan, RW_RULE_COMMAND, "--no-new-keyring",
                             "--no-new-keyring shares the caller's session keyring with the job");
}

/* What the rules need to know of other containers' tiers, from the policy. */
static void describe_tiers(struct rw_host_facts *facts, const struct rw_policy *policy)
{
        for (size_t i = 0; i < facts->n_paths; i++) {
                struct rw_container_ref *o = &facts->paths[i].owner;
                const struct rw_tier *t =
                    o->tier != NULL ? rw_policy_find_tier(policy, o->tier) : NULL;

                if (t == NULL)
                        continue;
                o->exec = t->exec == RW_EXEC_DENY ? RW_TIER_EXEC_DENIED : 0;
                o->strictness = (int64_t)t->strictness;
        }
}

const char *rw_decision_delegate(const struct rw_cli *cli, const struct rw_tier *tier,
                                 const struct rw_container_state *record)
{
        if (cli->runtime != NULL)
                return cli->runtime;
        if (record != NULL && record->runtime[0] != '\0')
                return record->runtime;
        if (tier != NULL && tier->runtime != NULL)
                return tier->runtime;
        return RW_DEFAULT_RUNTIME;
}

const char *rw_decision_egress_hook(const struct rw_cli *cli)
{
        return cli->egress_hook != NULL ? cli->egress_hook : RW_EGRESS_HOOK;
}

/* The rules the egress hook installs for this container: the tier's settings, the spec's
 * environment (KUBERNETES_SERVICE_HOST only adds rejections) and the egress facts. */
static int build_egress(struct rw_decision *d, struct rw_error *err)
{
        const json_t *env = json_object_get(json_object_get(d->view, "process"), "env");
        const struct rw_egress_settings *s = d->settings.egress;
        _cleanup_free_ const char **vars = NULL;
        struct rw_egress_facts facts;
        size_t i, n = 0;
        json_t *v;
        int r;

        if (s == NULL || s->config.mode == RW_EGRESS_MODE_OFF)
                return 0;
        vars = calloc(json_array_size(env) + 1, sizeof(*vars));
        if (vars == NULL)
                return rw_error_set(err, ENOMEM, "egress rules");
        json_array_foreach(env, i, v)
        {
                if (json_is_string(v))
                        vars[n++] = json_string_value(v);
        }
        facts = (struct rw_egress_facts){
            .env = vars,
            .n_env = n,
            .resolvers = d->facts.egress.resolvers,
            .n_resolvers = d->facts.egress.n_resolvers,
            .hosts = d->facts.egress.hosts.hosts,
            .n_hosts = d->facts.egress.hosts.n_hosts,
        };
        r = rw_egress_build(&s->config, &facts, &d->egress, err);
        if (r < 0)
                return rw_error_prefix(err, "building the egress rules of tier %s",
                                       d->choice.tier->name);
        d->have_egress = true;
        return 0;
}

/* The volumes a create goes ahead with, to be registered as this container's. */
static int collect_volumes(struct rw_decision *d, struct rw_error *err)
{
        const json_t *mounts = json_object_get(d->view, "mounts");
        size_t i, n = 0;
        json_t *m;

        d->volumes = calloc(json_array_size(mounts) + 1, sizeof(char *));
        if (d->volumes == NULL)
                return rw_error_set(err, ENOMEM, "volumes");
        json_array_foreach(mounts, i, m)
        {
                const char *src = json_string_value(json_object_get(m, "source"));
                const struct rw_path_fact *f = src != NULL ? rw_facts_lookup(&d->facts, src) : NULL;
                const char *base;

                if (f == NULL || f->realpath == NULL || !S_ISDIR(f->mode))
                        continue;
                base = strrchr(f->realpath, '/');
                /* docker's and podman's volumes: VOLUMES/NAME/_data */
                if (base == NULL || strcmp(base, "/_data") != 0)
                        continue;
                d->volumes[n] = strdup(f->realpath);
                if (d->volumes[n++] == NULL)
                        return rw_error_set(err, ENOMEM, "volumes");
        }
        return 0;
}

/* What an exec is compared with (rule exec-policy), kept in the record when it fits: the
 * container's process labels and additional groups (no rule changes them). */
static void record_owner(const json_t *process, struct rw_container_state *st)
{
        const char *apparmor = rw_spec_string_member(process, "apparmorProfile");
        const char *selinux = rw_spec_string_member(process, "selinuxLabel");
        const json_t *gids = json_object_get(json_object_get(process, "user"), "additionalGids");
        size_t i;
        json_t *g;

        st->owner_known = false;
        if (json_array_size(gids) > RW_ELEMENTSOF(st->gids) ||
            snprintf(st->apparmor, sizeof(st->apparmor), "%s", apparmor != NULL ? apparmor : "") >=
                (int)sizeof(st->apparmor) ||
            snprintf(st->selinux, sizeof(st->selinux), "%s", selinux != NULL ? selinux : "") >=
                (int)sizeof(st->selinux))
                return;
        json_array_foreach(gids, i, g)
        {
                /* the gate's view holds uint32 here; anything else is not recorded */
                if (!json_is_integer(g) || json_integer_value(g) < 0 ||
                    json_integer_value(g) > (json_int_t)UINT32_MAX)
                        return;
                st->gids[i] = (uint32_t)json_integer_value(g);
        }
        st->n_gids = json_array_size(gids);
        st->owner_known = true;
}

/* The volume registry's entries the container goes into: a delete takes it out of those
 * alone. More than the record holds: none recorded (a delete then reads every entry). */
static void record_volumes(char **volumes, struct rw_container_state *st)
{
        size_t n = 0;

        st->volumes_known = false;
        while (volumes != NULL && volumes[n] != NULL)
                n++;
        if (n > RW_ELEMENTSOF(st->volumes))
                return;
        for (size_t i = 0; i < n; i++)
                rw_volume_entry_name(volumes[i], st->volumes[i]);
        st->n_volumes = n;
        st->volumes_known = true;
}

/* What an exec needs of the tier (judge_exec(): the exec policy, the capabilities rule, the rule
 * tuning), when it fits the record. */
static void record_exec(const struct rw_tier *tier, struct rw_container_state *st)
{
        const struct rw_settings *set = &tier->settings;
        size_t n = 0;

        st->exec_known = false;
        for (const char *const *c = set->capabilities; c != NULL && *c != NULL; c++, n++)
                if (n >= RW_STATE_MAX_CAPS || snprintf(st->exec_caps[n], sizeof(st->exec_caps[n]),
                                                       "%s", *c) >= (int)sizeof(st->exec_caps[n]))
                        return;
        st->n_exec_caps = n;
        n = 0;
        for (const struct rw_rule_tuning *t = set->tuning; t != NULL && t->rule != NULL; t++, n++)
                if (n >= RW_STATE_MAX_TUNING ||
                    snprintf(st->exec_tuning[n].rule, sizeof(st->exec_tuning[n].rule), "%s",
                             t->rule) >= (int)sizeof(st->exec_tuning[n].rule))
                        return;
                else
                        st->exec_tuning[n].action = (int)t->action;
        st->n_exec_tuning = n;
        st->exec_policy = (int)tier->exec;
        st->exec_known = true;
}

/* What a later call that only passes through needs of the policy (rw_decide_recorded()); a log
 * path that would not fit leaves the stamp unknown, and such calls read the policy. */
static void record_policy(struct rw_decision *d, const struct rw_policy *policy)
{
        struct rw_container_state *st = &d->record;
        const char *log = policy->audit_log != NULL ? policy->audit_log : "";

        rw_build_id(st->policy_build);
        if (st->policy_build[0] == '\0' || policy->stamp[0] == '\0' ||
            (log[0] != '\0' && log[0] != '/') || strlen(log) >= sizeof(st->decision_log) ||
            strlen(policy->stamp) >= sizeof(st->policy_stamp))
                return;
        memcpy(st->policy_stamp, policy->stamp, strlen(policy->stamp) + 1);
        memcpy(st->decision_log, log, strlen(log) + 1);
        st->tier_audit = d->choice.tier->mode == RW_TIER_AUDIT;
        st->log_refuse = policy->audit_log_refuse;
        record_exec(d->choice.tier, st);
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
        judge_command_flags(cli, &d->settings, &d->plan);
        if (d->view == NULL)
                return 0;

        if (rw_rules_seccomp_wants_profile(d->view, &d->settings)) {
                /* replaced or added whole, never compared rule by rule: its text will do */
                r = io->load_profile(
                    io->userdata, d->settings.seccomp_profile_name, d->settings.capabilities,
                    d->settings.seccomp_mode == RW_SECCOMP_REPLACE, &d->profile, err);
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
            .egress_hook = rw_decision_egress_hook(cli),
            .delegate = rw_decision_delegate(cli, d->choice.tier, NULL),
        };
        r = io->gather_facts(io->userdata, &request, &d->facts, err);
        if (r < 0)
                return r;
        d->have_facts = true;
        describe_tiers(&d->facts, policy);
        /* runc refuses it anyway, but only after runwarden recorded it: the running container's
         * record (its tier, its process, its volumes, its runtime) would be this spec's. */
        if (d->facts.container_exists)
                rw_plan_deny(&d->plan, RW_RULE_COMMAND, cli->container_id,
                             "container %s already exists under the state root: runc refuses "
                             "to create it again, and its record stays the running one's",
                             cli->container_id);
        rw_rules_spec(d->view, &d->settings, &d->facts, &d->plan);
        r = build_egress(d, err);
        if (r < 0)
                return r;
        r = collect_volumes(d, err);
        if (r < 0)
                return r;
        record_volumes(d->volumes, &d->record);
        /* too long a path to record: later calls ask the tier's runtime, as before */
        if (snprintf(d->record.runtime, sizeof(d->record.runtime), "%s",
                     rw_decision_delegate(cli, d->choice.tier, NULL)) >=
            (int)sizeof(d->record.runtime))
                d->record.runtime[0] = '\0';

        snprintf(d->record.tier, sizeof(d->record.tier), "%s", d->choice.tier->name);
        record_policy(d, policy);
        {
                const json_t *annotations = json_object_get(d->view, "annotations");
                const char *sandbox =
                    rw_spec_string_member(annotations, "io.kubernetes.cri.sandbox-id");
                const char *pod =
                    rw_spec_string_member(annotations, "io.kubernetes.cri.sandbox-uid");

                snprintf(d->record.sandbox, sizeof(d->record.sandbox), "%s",
                         sandbox != NULL ? sandbox : "");
                snprintf(d->record.pod, sizeof(d->record.pod), "%s", pod != NULL ? pod : "");
        }
        rw_decision_process_user(json_object_get(d->view, "process"), &d->record.uid,
                                 &d->record.gid);
        record_owner(json_object_get(d->view, "process"), &d->record);
        /* not even in audit mode, where the refusal above is only reported */
        d->save_record = !d->facts.container_exists;
        return 0;
}

/* Whether every additional group of `process` is one of `owner`'s. */
static bool gids_within(const json_t *process, const json_t *owner)
{
        const json_t *asked = json_object_get(json_object_get(process, "user"), "additionalGids");
        const json_t *allowed = json_object_get(json_object_get(owner, "user"), "additionalGids");
        size_t i, k;
        json_t *g, *a;

        json_array_foreach(asked, i, g)
        {
                bool found = false;

                json_array_foreach(allowed, k, a)
                {
                        if (json_integer_value(a) == json_integer_value(g))
                                found = true;
                }
                if (!found)
                        return false;
        }
        return true;
}

/*
 * What the tier's exec policy says of the process an exec runs. allow-as-owner: its user, group
 * and additional groups must be the container's own — `owner`: its process as recorded at create,
 * else as its config.json has it (what runc itself started); without either, the record's user
 * alone (no groups: an exec with additional groups is then refused).
 */
static void judge_exec_policy(const struct rw_decision *d, const json_t *process,
                              const json_t *owner, struct rw_plan *plan)
{
        const struct rw_tier *tier = d->choice.tier;
        int64_t uid, gid, owner_uid = d->record.uid, owner_gid = d->record.gid;

        if (tier->exec == RW_EXEC_DENY) {
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "exec",
                             "tier %s does not allow exec into its containers", tier->name);
                return;
        }
        if (tier->exec != RW_EXEC_ALLOW_AS_OWNER)
                return;
        if (owner == NULL && !d->have_record) {
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "exec",
                             "tier %s allows exec only as the container's own user, and runwarden "
                             "has no record of who that is",
                             tier->name);
                return;
        }
        rw_decision_process_user(process, &uid, &gid);
        if (owner != NULL)
                rw_decision_process_user(owner, &owner_uid, &owner_gid);
        if (uid != owner_uid || gid != owner_gid)
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "user",
                             "tier %s allows exec only as the container's own user "
                             "(%" PRId64 ":%" PRId64 "), not %" PRId64 ":%" PRId64,
                             tier->name, owner_uid, owner_gid, uid, gid);
        else if (!gids_within(process, owner))
                rw_plan_deny(plan, RW_RULE_EXEC_POLICY, "additionalGids",
                             "tier %s allows exec only as the container's own user, and the "
                             "exec asks for groups the container's process does not have",
                             tier->name);
}

/* An exec into the container of the tier d->choice.tier. */
static int judge_exec(struct rw_decision *d, const struct rw_cli *cli,
                      const struct rw_decision_io *io, struct rw_error *err)
{
        _cleanup_json_ json_t *config = NULL, *owner = NULL;
        _cleanup_plan_ struct rw_plan judged;
        int r;

        rw_plan_init(&judged);
        judge_command_flags(cli, &d->settings, &d->plan);
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
                /* The container's own process: whose process an exec must be (allow-as-owner),
                 * and the security labels it must keep (the file names its own). As recorded at
                 * create, else from its config.json. */
                if (d->have_record && d->record.owner_known) {
                        owner = rw_state_owner_process(&d->record);
                        if (owner == NULL)
                                return rw_error_set(err, ENOMEM, "judging the exec");
                } else {
                        _cleanup_plan_ struct rw_plan ignored;
                        struct rw_error sub = {0};

                        rw_plan_init(&ignored);
                        if (read_through_gate(cli, io, RW_DOC_CONTAINER_CONFIG, cli->container_id,
                                              RW_SPEC_CONFIG, "the container's config.json", NULL,
                                              &config, &ignored, &sub) < 0)
                                config = NULL;
                        owner = json_incref(json_object_get(config, "process"));
                }
                if (config != NULL || owner != NULL)
                        rw_rules_exec_lsm(owner, d->view, &d->plan);
                else
                        rw_plan_deny(&d->plan, RW_RULE_EXEC_POLICY, "exec",
                                     "the container's own config.json cannot be read (runc's "
                                     "state under --root names its bundle): the exec's security "
                                     "labels cannot be compared with the container's");
                judge_exec_policy(d, d->view, owner, &d->plan);
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
        judge_exec_policy(d, d->view, json_object_get(config, "process"), &d->plan);
        return 0;
}

static int decide_exec(struct rw_decision *d, const struct rw_cli *cli,
                       const struct rw_policy *policy, const char *invoked_as,
                       const struct rw_decision_io *io, struct rw_error *err)
{
        int r = existing_tier(d, cli, policy, invoked_as, io, true, err);

        return r < 0 ? r : judge_exec(d, cli, io, err);
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
        judge_command_flags(cli, &d->settings, &d->plan);
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

/* The plan tuned, the outcome, the refusal's message. */
static int finish(struct rw_decision *ret, bool passthrough, struct rw_error *err)
{
        rw_plan_tune(&ret->plan, ret->settings.tuning);
        if (ret->plan.oom)
                return rw_error_set(err, ENOMEM, "building the plan");
        judge_outcome(ret, passthrough);
        if (ret->enforce == RW_OUTCOME_REFUSED) {
                _cleanup_free_ char *why = rw_plan_describe_denials(&ret->plan);

                if (why == NULL || asprintf(&ret->message, "runwarden: %s", why) < 0)
                        return rw_error_set(err, ENOMEM, "describing the refusal");
        }
        if (ret->outcome == RW_OUTCOME_REFUSED)
                ret->save_record = false;
        return 0;
}

/* The container's record without a policy to judge by: only which runtime created it. */
static void load_record_only(struct rw_decision *d, const struct rw_cli *cli,
                             const struct rw_decision_io *io)
{
        struct rw_error ignored = {0};

        if (cli->container_id != NULL && io->load_record(io->userdata, cli->root, cli->container_id,
                                                         &d->record, &d->have_record, &ignored) < 0)
                d->have_record = false;
}

bool rw_decision_may_use_record(const struct rw_cli *cli)
{
        if (cli->container_id == NULL || cli->criu != NULL || cli->help)
                return false;
        switch (cli->command) {
        case RW_CMD_STATE:
        case RW_CMD_START:
        case RW_CMD_KILL:
        case RW_CMD_DELETE:
        case RW_CMD_PAUSE:
        case RW_CMD_RESUME:
        case RW_CMD_PS:
        case RW_CMD_EVENTS:
        case RW_CMD_EXEC:
                return true;
        default:
                return false;
        }
}

/* The tier the record describes, for judge_exec(): this build recorded it. */
static bool record_exec_tier(struct rw_decision *d, const struct rw_cli *cli)
{
        const struct rw_container_state *st = &d->record;
        struct rw_tier *t = &d->record_tier;

        if (!st->exec_known || st->exec_policy > RW_EXEC_ALLOW_AS_OWNER)
                return false;
        for (size_t i = 0; i < st->n_exec_caps; i++)
                d->record_caps[i] = st->exec_caps[i];
        d->record_caps[st->n_exec_caps] = NULL;
        for (size_t i = 0; i < st->n_exec_tuning; i++) {
                if (st->exec_tuning[i].action > RW_RULE_WARN)
                        return false;
                d->record_tuning[i] = (struct rw_rule_tuning){
                    .rule = st->exec_tuning[i].rule,
                    .action = (enum rw_rule_action)st->exec_tuning[i].action};
        }
        d->record_tuning[st->n_exec_tuning] = (struct rw_rule_tuning){0};
        *t = (struct rw_tier){
            .name = (char *)st->tier,
            .mode = st->tier_audit ? RW_TIER_AUDIT : RW_TIER_ENFORCE,
            .exec = (enum rw_exec_policy)st->exec_policy,
            .runtime = (char *)st->runtime,
        };
        rw_settings_baseline(&t->settings);
        t->settings.capabilities = d->record_caps;
        t->settings.tuning = st->n_exec_tuning > 0 ? d->record_tuning : NULL;
        use_tier(d, cli, t);
        d->choice = (struct rw_tier_choice){.tier = t, .source = RW_TIER_FROM_FLAG};
        return true;
}

bool rw_decide_recorded(const struct rw_cli *cli, const struct rw_decision_io *io,
                        struct rw_decision *ret)
{
        struct rw_error ignored = {0};
        char build[RW_BUILD_ID_MAX], stamp[RW_FILE_STAMP_MAX];

        memset(ret, 0, sizeof(*ret));
        rw_plan_init(&ret->plan);
        rw_build_id(build);
        /* the policy file is looked at only for a record that could stand for it */
        if (!rw_decision_may_use_record(cli) || io->policy_stamp == NULL ||
            io->load_record(io->userdata, cli->root, cli->container_id, &ret->record,
                            &ret->have_record, &ignored) < 0 ||
            !ret->have_record || ret->record.runtime[0] == '\0' ||
            ret->record.policy_stamp[0] == '\0' || build[0] == '\0' ||
            strcmp(ret->record.policy_build, build) != 0 ||
            io->policy_stamp(io->userdata, cli->policy, stamp, &ignored) < 0 ||
            strcmp(ret->record.policy_stamp, stamp) != 0) {
                rw_decision_clear(ret);
                return false;
        }
        /* as rw_decide() under that policy: the recorded tier is in it, the command is known;
         * only an exec has something to judge */
        ret->command = cli->command;
        ret->from_record = true;
        ret->audit = cli->mode == RW_MODE_AUDIT || ret->record.tier_audit;
        if (cli->command == RW_CMD_EXEC &&
            (!record_exec_tier(ret, cli) || judge_exec(ret, cli, io, &ignored) < 0)) {
                rw_decision_clear(ret);
                return false;
        }
        snprintf(ret->tier_reason, sizeof(ret->tier_reason), RECORDED_TIER);
        if (ret->have_tier)
                snprintf(ret->choice.reason, sizeof(ret->choice.reason), RECORDED_TIER);
        ret->remove_record = cli->command == RW_CMD_DELETE;
        if (finish(ret, cli->command != RW_CMD_EXEC, &ignored) < 0) {
                rw_decision_clear(ret);
                return false;
        }
        return true;
}

const char *rw_decision_tier_name(const struct rw_decision *d)
{
        if (d->have_tier)
                return d->choice.tier->name;
        return d->from_record ? d->record.tier : NULL;
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

        if (rw_cli_changes_nothing(cli)) {
                /* runc only prints or reads. The tier, when the policy names one, only says
                 * which runtime to ask; without one (no policy, a name the policy does not
                 * define) the default runtime answers. */
                struct rw_error ignored = {0};

                r = 0;
                passthrough = true;
                if (policy != NULL &&
                    existing_tier(ret, cli, policy, invoked_as, io, false, &ignored) < 0) {
                        ret->have_tier = false;
                        ret->settings = (struct rw_settings){0};
                }
                if (policy == NULL)
                        load_record_only(ret, cli, io);
        } else if (rw_cli_command_takes_bundle(cli->command)) {
                r = decide_bundle(ret, cli, policy, invoked_as, io, err);
        } else if (cli->command == RW_CMD_EXEC) {
                r = decide_exec(ret, cli, policy, invoked_as, io, err);
        } else if (cli->command == RW_CMD_UPDATE) {
                r = decide_update(ret, cli, policy, invoked_as, io, err);
        } else if (rw_cli_stops(cli) && policy == NULL) {
                /* the policy did not load: stop and delete all the same, with the runtime that
                 * created the container (else the default) */
                passthrough = true;
                r = 0;
                load_record_only(ret, cli, io);
                ret->remove_record = cli->command == RW_CMD_DELETE;
        } else {
                passthrough = true;
                r = existing_tier(ret, cli, policy, invoked_as, io, false, err);
                if (r < 0 && rw_cli_stops(cli)) {
                        /* no tier to be had (a name the policy lacks): the default runtime */
                        snprintf(ret->tier_reason, sizeof(ret->tier_reason), "none: %.700s",
                                 err->msg);
                        ret->have_tier = false;
                        ret->settings = (struct rw_settings){0};
                        r = 0;
                }
                if (r >= 0) {
                        judge_command_flags(cli, &ret->settings, &ret->plan);
                        if (!command_is_known(cli->command) &&
                            !allowed(&ret->settings, cli->command_name))
                                rw_plan_deny(&ret->plan, RW_RULE_COMMAND, cli->command_name,
                                             "runwarden does not know the runtime command %s",
                                             cli->command_name);
                        ret->remove_record = cli->command == RW_CMD_DELETE;
                }
        }
        if (r < 0)
                return r;
        return finish(ret, passthrough, err);
}

void rw_decision_clear(struct rw_decision *d)
{
        json_decref(d->original);
        json_decref(d->view);
        json_decref(d->profile);
        if (d->have_facts)
                rw_facts_clear(&d->facts);
        rw_plan_clear(&d->plan);
        rw_egress_ruleset_free(&d->egress);
        free(d->message);
        for (size_t i = 0; d->volumes != NULL && d->volumes[i] != NULL; i++)
                free(d->volumes[i]);
        free(d->volumes);
        memset(d, 0, sizeof(*d));
}
