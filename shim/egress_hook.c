/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden-egress-hook: the createRuntime hook runwarden injects into a container whose tier
 * controls egress. The runtime runs it on the host, after the container's namespaces exist (and
 * after the engine's own network setup) and before the job's first instruction, with the OCI
 * state on stdin: {"ociVersion", "id", "status", "pid", "bundle", "annotations"}.
 *
 *   state on stdin ─► the hand-off runwarden wrote at create (lib/net/egress_handoff.h)
 *                  ─► the network namespace of the state's pid, never the host's
 *                  ─► the rules in one nf_tables transaction (lib/net/nft.h) ─► pin (counters)
 *
 * It takes no arguments: nothing in the spec chooses what it installs. Any failure exits 1 with
 * one line on stderr, which the runtime puts in its error: the container is not started.
 *
 * runwarden's delete runs it once more, as `runwarden-egress-hook --counters` with the pinned
 * namespace on stdin: the counters of runwarden's chain on stdout (runwarden itself links no
 * netlink library, so that it can be a static executable: docs/performance.md).
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "egress.h"
#include "egress_hook.h"
#include "egress_handoff.h"
#include "error.h"
#include "netns.h"
#include "nft.h"

#define STATE_MAX (4u * 1024u * 1024u)
#define PROG      "runwarden-egress-hook"

struct hook_state {
        char id[1025];
        char bundle[PATH_MAX];
        pid_t pid;
};

static int read_stdin(char **ret, struct rw_error *err)
{
        _cleanup_free_ char *buf = malloc(STATE_MAX + 1);
        size_t len = 0;

        if (buf == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (;;) {
                ssize_t n = read(STDIN_FILENO, buf + len, STATE_MAX + 1 - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rw_error_set_errno(err, errno, "cannot read the state on stdin");
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > STATE_MAX)
                        return rw_error_set(err, E2BIG, "the state on stdin exceeds %u bytes",
                                            STATE_MAX);
        }
        buf[len] = '\0';
        if (strlen(buf) != len)
                return rw_error_set(err, EINVAL, "the state on stdin contains a NUL byte");
        *ret = TAKE_PTR(buf);
        return 0;
}

static int parse_state(const char *text, struct hook_state *ret, struct rw_error *err)
{
        _cleanup_json_ json_t *doc = NULL;
        json_error_t jerr;
        const char *id, *bundle;
        json_t *pid;

        doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
        if (doc == NULL)
                return rw_error_set(err, EINVAL, "the state on stdin is not JSON: %s", jerr.text);
        id = json_string_value(json_object_get(doc, "id"));
        bundle = json_string_value(json_object_get(doc, "bundle"));
        pid = json_object_get(doc, "pid");
        if (id == NULL || strlen(id) >= sizeof(ret->id))
                return rw_error_set(err, EINVAL, "the state has no usable \"id\"");
        if (bundle == NULL || strlen(bundle) >= sizeof(ret->bundle))
                return rw_error_set(err, EINVAL, "the state has no usable \"bundle\"");
        if (!json_is_integer(pid) || json_integer_value(pid) <= 0 ||
            json_integer_value(pid) > INT_MAX)
                return rw_error_set(err, EINVAL,
                                    "the state has no \"pid\" (the hook must be a createRuntime "
                                    "hook, run while the container exists)");
        snprintf(ret->id, sizeof(ret->id), "%s", id);
        snprintf(ret->bundle, sizeof(ret->bundle), "%s", bundle);
        ret->pid = (pid_t)json_integer_value(pid);
        return 0;
}

static int run(struct hook_state *st, struct rw_error *err)
{
        _cleanup_egress_handoff_ struct rw_egress_handoff h = {0};
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int nsfd = -1;
        enum rw_nft_outcome outcome;
        int r;

        r = read_stdin(&text, err);
        if (r < 0)
                return r;
        r = parse_state(text, st, err);
        if (r < 0)
                return r;
        r = rw_egress_handoff_take(NULL, st->id, st->bundle, &h, err);
        if (r < 0)
                return r;
        r = rw_netns_open_pid(st->pid, &nsfd, err);
        if (r < 0)
                return rw_error_prefix(err, "network namespace of pid %d", (int)st->pid);
        r = rw_nft_install(nsfd, &h.rules, &outcome, err);
        if (r < 0)
                return rw_error_prefix(err, "installing %zu egress rules (tier %s)",
                                       h.rules.n_rules, h.tier);
        if (h.pin) {
                char pin[PATH_MAX];

                r = rw_egress_pin_path(NULL, h.id, h.bundle_dev, h.bundle_ino, pin, sizeof(pin),
                                       err);
                if (r >= 0)
                        r = rw_netns_pin(nsfd, pin, err);
                if (r < 0)
                        return rw_error_prefix(err, "keeping the namespace for the counters");
        }
        return 0;
}

/* The counters of the namespace open as `nsfd`, summed per rule id in the chain's order. */
static int read_counters(int nsfd, json_t **ret, struct rw_error *err)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        _cleanup_json_ json_t *obj = NULL, *list = json_array();
        uint64_t blocked = 0;
        int r;

        r = rw_netns_check(nsfd, err);
        if (r < 0)
                return r;
        r = rw_nft_read(nsfd, &st, err);
        if (r < 0)
                return r;
        if (list == NULL)
                return rw_error_set(err, ENOMEM, "egress counters");
        for (size_t i = 0; i < st.n_rules; i++) {
                const struct rw_nft_rule_counter *c = &st.rules[i];
                json_t *entry = NULL, *e;
                size_t k;

                json_array_foreach(list, k, e)
                {
                        if (strcmp(json_string_value(json_object_get(e, "id")), c->id) == 0)
                                entry = e;
                }
                if (entry == NULL) {
                        entry =
                            json_pack("{s:s, s:I, s:I, s:b}", "id", c->id, "packets", (json_int_t)0,
                                      "bytes", (json_int_t)0, "reject", c->reject);
                        if (entry == NULL || json_array_append_new(list, entry) < 0)
                                return rw_error_set(err, ENOMEM, "egress counters");
                }
                json_object_set_new(
                    entry, "packets",
                    json_integer(json_integer_value(json_object_get(entry, "packets")) +
                                 (json_int_t)c->packets));
                json_object_set_new(
                    entry, "bytes",
                    json_integer(json_integer_value(json_object_get(entry, "bytes")) +
                                 (json_int_t)c->bytes));
                if (c->reject)
                        blocked += c->packets;
        }
        obj = json_pack("{s:b, s:s, s:O, s:I}", "present", st.present, "mode", st.mode, "counters",
                        list, "blocked", (json_int_t)blocked);
        if (obj == NULL)
                return rw_error_set(err, ENOMEM, "egress counters");
        *ret = TAKE_PTR(obj);
        return 0;
}

/* --counters: the namespace runwarden's delete opened from the pin on stdin, its counters on
 * stdout as one JSON object (lib/decision/egressio.h). */
static int counters(struct rw_error *err)
{
        _cleanup_json_ json_t *obj = NULL;

        if (read_counters(STDIN_FILENO, &obj, err) < 0)
                return -1;
        if (json_dumpf(obj, stdout, JSON_COMPACT) < 0 || fflush(stdout) != 0)
                return rw_error_set_errno(err, errno ? errno : EIO, "cannot write the counters");
        return 0;
}

int rw_egress_hook_main(int argc, char **argv)
{
        struct hook_state st = {.id = "?"};
        struct rw_error err = {0};

        if (argc == 2 && strcmp(argv[1], "--counters") == 0) {
                if (counters(&err) < 0) {
                        fprintf(stderr, PROG ": counters: %s\n", err.msg);
                        return 1;
                }
                return 0;
        }
        if (argc > 1) {
                fprintf(stderr, PROG ": refusing to run: the hook takes no arguments\n");
                return 1;
        }
        if (run(&st, &err) < 0) {
                fprintf(stderr, PROG ": container %s: %s; the container is not started\n", st.id,
                        err.msg);
                return 1;
        }
        return 0;
}
