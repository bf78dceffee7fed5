/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command-line parser. The input is split into arguments at NUL and newline bytes (at most
 * 64). Invariants:
 *  - rw_cli_parse fails exactly when one of runwarden's own global flags (--runtime, --mode,
 *    --seccomp-dir, --policy, --tier, --egress-hook, before the command) lacks a value or has a bad
 * one;
 *  - the delegate's argv is argv without those flags and their values, in order: argv[0] first,
 *    every other argument kept, the command and everything after it untouched (a model of Go's
 *    flag package over runc's global flags, written here apart from cli.c, says which go);
 *  - every string the parser records points into argv;
 *  - parsing the delegate's argv again gives the same reading: runc, which gets that argv,
 *    sees the command, container, bundle and process file runwarden judged.
 */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

static const char *const own_flags[] = {"runtime", "mode", "seccomp-dir",
                                        "policy",  "tier", "egress-hook"};
/* the delegates' global flags that take a value (urfave StringFlag, and runsc's --network): the
 * next argument, whatever it is */
static const char *const value_flags[] = {"log",  "log-format", "root",
                                          "criu", "rootless",   "network"};

static bool in_list(const char *const *list, size_t n, const char *name, size_t len)
{
        for (size_t i = 0; i < n; i++)
                if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
                        return true;
        return false;
}

static bool own_value_ok(const char *name, size_t len, const char *value)
{
        if (len == 4 && memcmp(name, "mode", 4) == 0)
                return strcmp(value, "enforce") == 0 || strcmp(value, "audit") == 0;
        if (len == 4 && memcmp(name, "tier", 4) == 0)
                return value[0] != '\0';
        return value[0] == '/';
}

/* Go's flag package over the global flags: which arguments are runwarden's, where the command
 * is, and whether an own flag is missing its value or has a bad one. */
static void model(int argc, char **argv, bool *removed, int *ret_command, bool *ret_fails)
{
        int i = 1;

        *ret_fails = false;
        while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
                const char *name = argv[i] + (argv[i][1] == '-' ? 2 : 1);
                size_t len;
                bool inline_value;

                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                if (name[0] == '\0' || name[0] == '-' || name[0] == '=') {
                        i++;
                        continue;
                }
                len = strcspn(name, "=");
                inline_value = name[len] == '=';
                if (in_list(own_flags, RW_ELEMENTSOF(own_flags), name, len)) {
                        const char *value = inline_value ? name + len + 1 : NULL;

                        removed[i++] = true;
                        if (value == NULL && i < argc) {
                                value = argv[i];
                                removed[i++] = true;
                        }
                        if (value == NULL || !own_value_ok(name, len, value))
                                *ret_fails = true;
                        continue;
                }
                i++;
                if (!inline_value && in_list(value_flags, RW_ELEMENTSOF(value_flags), name, len) &&
                    i < argc)
                        i++;
        }
        *ret_command = i;
}

static bool points_into(const char *p, int argc, char **argv)
{
        if (p == NULL)
                return true;
        for (int i = 0; i < argc; i++)
                if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
                        return true;
        return false;
}

static bool same(const char *a, const char *b)
{
        return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_strv(const struct rw_strv *a, const struct rw_strv *b)
{
        if (a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!same(a->v[i], b->v[i]))
                        return false;
        return true;
}

static void check_pointers(const struct rw_cli *c, int argc, char **argv)
{
        const char *fields[] = {c->runtime,  c->seccomp_dir, c->policy,        c->tier,
                                c->root,     c->log,         c->command_name,  c->container_id,
                                c->bundle,   c->signal,      c->criu,          c->process,
                                c->exec_cwd, c->exec_user,   c->exec_apparmor, c->exec_label,
                                c->resources};
        const struct rw_strv *lists[] = {&c->exec_caps, &c->exec_env, &c->exec_gids,
                                         &c->exec_cgroups};

        for (size_t i = 0; i < RW_ELEMENTSOF(fields); i++)
                RW_FUZZ_ASSERT(points_into(fields[i], argc, argv), "field %zu not in argv", i);
        for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++)
                for (size_t i = 0; i < lists[l]->n; i++)
                        RW_FUZZ_ASSERT(points_into(lists[l]->v[i], argc, argv),
                                       "list %zu entry %zu not in argv", l, i);
}

static void check_same_reading(const struct rw_cli *a, const struct rw_cli *b)
{
        RW_FUZZ_ASSERT(a->command == b->command, "command %d, then %d", (int)a->command,
                       (int)b->command);
        RW_FUZZ_ASSERT(same(a->command_name, b->command_name), "command name");
        RW_FUZZ_ASSERT(same(a->container_id, b->container_id), "container id %s, then %s",
                       a->container_id, b->container_id);
        RW_FUZZ_ASSERT(same(a->bundle, b->bundle), "bundle %s, then %s", a->bundle, b->bundle);
        RW_FUZZ_ASSERT(same(a->root, b->root), "root");
        RW_FUZZ_ASSERT(same(a->log, b->log), "log");
        RW_FUZZ_ASSERT(a->log_format == b->log_format, "log format");
        RW_FUZZ_ASSERT(a->debug == b->debug && a->help == b->help && a->version == b->version,
                       "debug/help/version");
        RW_FUZZ_ASSERT(same(a->signal, b->signal), "signal");
        RW_FUZZ_ASSERT(same(a->criu, b->criu), "criu");
        RW_FUZZ_ASSERT(a->no_pivot == b->no_pivot && a->no_new_keyring == b->no_new_keyring,
                       "no-pivot/no-new-keyring");
        RW_FUZZ_ASSERT(same(a->process, b->process), "process %s, then %s", a->process, b->process);
        RW_FUZZ_ASSERT(same(a->exec_cwd, b->exec_cwd) && same(a->exec_user, b->exec_user) &&
                           same(a->exec_apparmor, b->exec_apparmor) &&
                           same(a->exec_label, b->exec_label),
                       "exec flags");
        RW_FUZZ_ASSERT(a->exec_nnp_set == b->exec_nnp_set && a->exec_nnp == b->exec_nnp,
                       "--no-new-privs");
        RW_FUZZ_ASSERT(same_strv(&a->exec_caps, &b->exec_caps) &&
                           same_strv(&a->exec_env, &b->exec_env) &&
                           same_strv(&a->exec_gids, &b->exec_gids) &&
                           same_strv(&a->exec_cgroups, &b->exec_cgroups),
                       "exec lists");
        RW_FUZZ_ASSERT(a->exec_has_args == b->exec_has_args, "exec args");
        RW_FUZZ_ASSERT(same(a->resources, b->resources), "resources");
        RW_FUZZ_ASSERT(same_strv(&a->update_flags, &b->update_flags), "update flags");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_free_ char *text = malloc(size + 1);
        char *argv[MAX_ARGS + 1];
        bool removed[MAX_ARGS] = {false};
        struct rw_cli cli = {0}, again = {0};
        struct rw_error err = {0};
        int argc = 0, command, r;
        bool fails;
        size_t n = 0, start = 0;

        RW_FUZZ_ASSERT(text != NULL, "out of memory");
        memcpy(text, data, size);
        text[size] = '\0';
        for (size_t i = 0; i <= size && argc < MAX_ARGS; i++)
                if (i == size || text[i] == '\0' || text[i] == '\n') {
                        text[i] = '\0';
                        argv[argc++] = text + start;
                        start = i + 1;
                }
        argv[argc] = NULL;

        model(argc, argv, removed, &command, &fails);
        r = rw_cli_parse(argc, argv, &cli, &err);
        if (fails) {
                RW_FUZZ_ASSERT(r < 0, "accepted a bad or missing value of runwarden's own flag");
                RW_FUZZ_ASSERT(err.code > 0 && err.msg[0] != '\0', "error without a message");
                RW_FUZZ_ASSERT(points_into(cli.log, argc, argv), "log not in argv");
                return 0;
        }
        RW_FUZZ_ASSERT(r == 0, "refused: %s", err.msg);
        check_pointers(&cli, argc, argv);
        RW_FUZZ_ASSERT(cli.delegate_argv != NULL && cli.delegate_argv[cli.delegate_argc] == NULL,
                       "delegate argv not NULL-terminated");
        for (int i = 0; i < argc; i++)
                if (!removed[i]) {
                        RW_FUZZ_ASSERT(n < cli.delegate_argc && cli.delegate_argv[n] == argv[i],
                                       "argument %d (%s) is not delegate argument %zu", i, argv[i],
                                       n);
                        n++;
                }
        RW_FUZZ_ASSERT(n == cli.delegate_argc, "%zu delegate arguments, expected %zu",
                       cli.delegate_argc, n);
        if (command < argc) {
                RW_FUZZ_ASSERT(cli.command_name == argv[command], "command is not argument %d",
                               command);
                RW_FUZZ_ASSERT(cli.command != RW_CMD_NONE, "no command");
        } else {
                RW_FUZZ_ASSERT(cli.command == RW_CMD_NONE && cli.command_name == NULL,
                               "a command where there is none");
        }
        RW_FUZZ_ASSERT(rw_cli_command_label(cli.command) != NULL, "no label");

        r = rw_cli_parse((int)cli.delegate_argc, cli.delegate_argv, &again, &err);
        RW_FUZZ_ASSERT(r == 0, "the delegate's argv is refused: %s", err.msg);
        RW_FUZZ_ASSERT(again.delegate_argc == cli.delegate_argc, "the delegate's argv shrinks");
        for (size_t i = 0; i < again.delegate_argc; i++)
                RW_FUZZ_ASSERT(again.delegate_argv[i] == cli.delegate_argv[i],
                               "delegate argument %zu changes", i);
        RW_FUZZ_ASSERT(again.runtime == NULL && again.policy == NULL && again.tier == NULL &&
                           again.seccomp_dir == NULL && again.mode == RW_MODE_ENFORCE,
                       "runwarden's own flags left in the delegate's argv");
        check_same_reading(&cli, &again);
        rw_cli_clear(&again);
        rw_cli_clear(&cli);
        return 0;
}
