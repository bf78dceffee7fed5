/* SPDX-License-Identifier: Apache-2.0 */
/*
 * egress.*: a tier that controls egress (docs/egress.md) gets runwarden's own hook as the last
 * createRuntime hook. runc runs it after the namespaces exist and the engine's own network setup
 * (docker's libnetwork prestart hook, CNI before a pod's sandbox) is done, before the job's first
 * instruction; it installs the rules the decision built (lib/net) in the container's network
 * namespace. What would leave those rules without effect is refused, never papered over:
 *
 *   egress.host-network   the container shares the host's network namespace
 *   egress.capabilities   the job would keep CAP_NET_ADMIN (remove the rules) or CAP_NET_RAW
 *                         (send frames below them)
 *   egress.gvisor         runsc's own network stack sends the sandbox's packets below netfilter
 *   egress.hook           runwarden's hook binary fails the checks every hook binary must pass
 *
 * None of them can be tuned (lib/policy): a tier that cannot live with one sets "egress": {"mode":
 * "off"} and says so.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "json.h"
#include "paths.h"
#include "rules.h"

static const char *const net_caps[] = {"CAP_NET_ADMIN", "CAP_NET_RAW"};
static const char *const cap_sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};

bool rw_rules_egress_on(const struct rw_settings *settings)
{
        return settings != NULL && settings->egress != NULL &&
               settings->egress->config.mode != RW_EGRESS_MODE_OFF;
}

static bool is_net_cap(const char *cap)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(net_caps); i++)
                if (strcmp(cap, net_caps[i]) == 0)
                        return true;
        return false;
}

static bool tuned_to_warn(const struct rw_settings *settings, const char *rule)
{
        for (const struct rw_rule_tuning *t = settings->tuning; t != NULL && t->rule != NULL; t++)
                if (strcmp(t->rule, rule) == 0)
                        return t->action == RW_RULE_WARN;
        return false;
}

static bool same_file(const struct rw_file_id *a, const struct rw_file_id *b)
{
        return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
}

/* The network namespace the container runs in must be its own (a new one, or a pod's). */
static void judge_network(const json_t *spec, const struct rw_settings *settings,
                          const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *namespaces = json_object_get(json_object_get(spec, "linux"), "namespaces");
        const json_t *entry, *found = NULL;
        const struct rw_path_fact *f;
        const char *path;
        size_t i;

        json_array_foreach(namespaces, i, entry)
        {
                const char *type = json_string_value(json_object_get(entry, "type"));

                if (type != NULL && strcmp(type, "network") == 0)
                        found = entry;
        }
        if (found == NULL) {
                rw_plan_deny(plan, RW_RULE_EGRESS_HOST_NETWORK, "network namespace",
                             "the container would share the host's network namespace, and tier "
                             "%s controls egress: its rules are only ever installed in a "
                             "container's own namespace",
                             settings->tier_name != NULL ? settings->tier_name : "baseline");
                return;
        }
        path = json_string_value(json_object_get(found, "path"));
        if (path == NULL || path[0] == '\0')
                return;
        f = rw_facts_lookup(facts, path);
        if (f != NULL && same_file(&f->id, &facts->host_ns[RW_NS_NETWORK]))
                rw_plan_deny(plan, RW_RULE_EGRESS_HOST_NETWORK, path,
                             "the container would join the host's network namespace (%s), and "
                             "tier %s controls egress",
                             path, settings->tier_name != NULL ? settings->tier_name : "baseline");
}

/*
 * CAP_NET_ADMIN removes runwarden's table; CAP_NET_RAW hands frames to the device below the inet
 * hooks (test-egress.sh shows such a frame reaching the metadata listener). The tier's own list
 * is what caps-drop keeps; with caps-drop only warning, the spec's sets are kept as they are.
 */
static void judge_capabilities(const json_t *spec, const struct rw_settings *settings,
                               struct rw_plan *plan)
{
        const json_t *caps = json_object_get(json_object_get(spec, "process"), "capabilities");
        const char *tier = settings->tier_name != NULL ? settings->tier_name : "baseline";

        for (const char *const *c = settings->capabilities; c != NULL && *c != NULL; c++)
                if (is_net_cap(*c))
                        rw_plan_deny(plan, RW_RULE_EGRESS_CAPS, *c,
                                     "tier %s keeps %s and controls egress: with it a job could "
                                     "%s",
                                     tier, *c,
                                     strcmp(*c, "CAP_NET_ADMIN") == 0
                                         ? "remove its egress rules"
                                         : "send raw frames below its egress rules");
        if (!tuned_to_warn(settings, RW_RULE_CAPS))
                return;
        for (size_t s = 0; s < RW_ELEMENTSOF(cap_sets); s++) {
                const json_t *set = json_object_get(caps, cap_sets[s]);
                size_t i;
                json_t *cap;

                json_array_foreach(set, i, cap)
                {
                        const char *name = json_string_value(cap);
                        char item[64];

                        if (name == NULL || !is_net_cap(name))
                                continue;
                        snprintf(item, sizeof(item), "%s %s", cap_sets[s], name);
                        rw_plan_deny(plan, RW_RULE_EGRESS_CAPS, item,
                                     "the spec keeps %s in its %s set (caps-drop only warns in "
                                     "tier %s), and the tier controls egress",
                                     name, cap_sets[s], tier);
                }
        }
}

/*
 * runsc in its default network mode moves the namespace's addresses into its own stack
 * (netstack) and sends raw frames on the interface: nothing passes the namespace's inet output
 * hook. With --network=host its sockets are the kernel's, in the namespace the hook filters;
 * with --network=none there is no network at all.
 */
static void judge_gvisor(const struct rw_settings *settings, const struct rw_host_facts *facts,
                         struct rw_plan *plan)
{
        const struct rw_egress_host_facts *e = &facts->egress;
        const char *tier = settings->tier_name != NULL ? settings->tier_name : "baseline";
        const char *net = e->runsc_network;

        if (!e->delegate_runsc)
                return;
        if (net == NULL || (strcmp(net, "host") != 0 && strcmp(net, "none") != 0))
                rw_plan_deny(plan, RW_RULE_EGRESS_GVISOR, "runsc --network",
                             "runsc's own network stack (--network=%s) sends the sandbox's "
                             "packets below netfilter: tier %s's egress rules would be installed "
                             "and never applied; run runsc with --network=host or --network=none",
                             net != NULL ? net : "sandbox, its default", tier);
        if (e->runsc_flag_override)
                rw_plan_deny(plan, RW_RULE_EGRESS_GVISOR, "runsc --allow-flag-override",
                             "runsc --allow-flag-override lets an annotation "
                             "(dev.gvisor.flag.network) give a container runsc's own network "
                             "stack, which bypasses tier %s's egress rules",
                             tier);
}

/* Entries of runwarden's own hook already in the spec (a bundle created before): the hook takes
 * its rules once, so the entry of this create replaces them. */
static void remove_previous(const json_t *create_runtime, const char *hook, struct rw_plan *plan)
{
        size_t i;
        json_t *entry;

        json_array_foreach(create_runtime, i, entry)
        {
                if (rw_rules_is_egress_hook(entry, hook))
                        rw_plan_array_remove(plan, RW_RULE_EGRESS_HOOK, "/hooks/createRuntime", i,
                                             entry,
                                             "runwarden's egress hook of an earlier create of "
                                             "this bundle; this create's own comes last");
        }
}

void rw_rules_egress(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        const json_t *hooks = json_object_get(spec, "hooks");
        const json_t *create_runtime = json_object_get(hooks, "createRuntime");
        const char *hook = facts->egress.hook;
        const char *why;
        json_t *entry;

        remove_previous(create_runtime, hook, plan);
        if (!rw_rules_egress_on(settings))
                return;
        judge_network(spec, settings, facts, plan);
        judge_capabilities(spec, settings, plan);
        judge_gvisor(settings, facts, plan);
        if (hook == NULL || hook[0] != '/') {
                rw_plan_deny(plan, RW_RULE_EGRESS_HOOK, "runwarden-egress-hook",
                             "no absolute path for runwarden's egress hook");
                return;
        }
        why = rw_rules_hook_binary_problem(rw_facts_hook(facts, hook));
        if (why != NULL) {
                const struct rw_hook_fact *f = rw_facts_hook(facts, hook);

                rw_plan_deny(plan, RW_RULE_EGRESS_HOOK, hook,
                             "runwarden's egress hook %s cannot be used: %s%s", hook, why,
                             f != NULL && f->error != 0
                                 ? " (it is installed with runwarden, or taken from beside an "
                                   "uninstalled runwarden binary)"
                                 : "");
                return;
        }

        entry = rw_rules_egress_hook_entry(hook);
        if (entry == NULL) {
                plan->oom = true;
                return;
        }
        if (!json_is_object(hooks)) {
                json_t *value = json_pack("{s:[o]}", "createRuntime", entry);

                if (value == NULL) {
                        plan->oom = true;
                        return;
                }
                rw_plan_set_new(plan, RW_RULE_EGRESS_HOOK, "/hooks", NULL, value,
                                "runwarden's egress hook installs tier %s's rules (mode %s) in "
                                "the container's network namespace before the job starts",
                                settings->tier_name != NULL ? settings->tier_name : "baseline",
                                rw_egress_mode_name(settings->egress->config.mode));
        } else if (!json_is_array(create_runtime)) {
                json_t *value = json_pack("[o]", entry);

                if (value == NULL) {
                        plan->oom = true;
                        return;
                }
                rw_plan_set_new(plan, RW_RULE_EGRESS_HOOK, "/hooks/createRuntime", NULL, value,
                                "runwarden's egress hook installs tier %s's rules (mode %s) in "
                                "the container's network namespace before the job starts",
                                settings->tier_name != NULL ? settings->tier_name : "baseline",
                                rw_egress_mode_name(settings->egress->config.mode));
        } else {
                rw_plan_array_insert_new(
                    plan, RW_RULE_EGRESS_HOOK, "/hooks/createRuntime", NULL, entry,
                    "runwarden's egress hook, the last createRuntime hook, installs tier %s's "
                    "rules (mode %s) in the container's network namespace before the job starts",
                    settings->tier_name != NULL ? settings->tier_name : "baseline",
                    rw_egress_mode_name(settings->egress->config.mode));
        }
}
