/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The runtime command line, parsed the way runc's own CLI library (urfave/cli v1 on Go's flag
 * package) parses it:
 *  - a flag is "-name" or "--name"; a value is "--name value" or "--name=value";
 *  - a boolean flag takes no separate value, only "--name=true|false";
 *  - global flags come before the command; parsing of global flags stops at the first
 *    non-flag argument (the command) or at "--";
 *  - a command's flags may come before or after its positional arguments (urfave reorders them).
 *
 * runwarden's own global flags (--runtime, --mode, --seccomp-dir, --policy, --tier,
 * --egress-hook) are recognised
 * among runc's global flags and left out of the delegate's argv. Everything else, known or not, is
 * passed through untouched and in order.
 */

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum rw_command {
        RW_CMD_NONE, /* no command at all (e.g. just --version) */
        RW_CMD_CREATE,
        RW_CMD_RUN,
        RW_CMD_START,
        RW_CMD_EXEC,
        RW_CMD_KILL,
        RW_CMD_DELETE,
        RW_CMD_STATE,
        RW_CMD_LIST,
        RW_CMD_PS,
        RW_CMD_PAUSE,
        RW_CMD_RESUME,
        RW_CMD_EVENTS,
        RW_CMD_UPDATE,
        RW_CMD_FEATURES,
        RW_CMD_CHECKPOINT,
        RW_CMD_RESTORE,
        RW_CMD_SPEC,
        RW_CMD_UNKNOWN, /* a command runwarden does not know: passed through */
};

/* A growable list of strings pointing into argv (or owned by the list, see `owned`). */
struct rw_strv {
        const char **v;
        size_t n;
        char **owned; /* strings this list allocated, freed with it */
        size_t n_owned;
};

enum rw_log_format {
        RW_LOG_FORMAT_TEXT, /* runc's default (logrus text) */
        RW_LOG_FORMAT_JSON,
};

enum rw_mode {
        RW_MODE_ENFORCE,
        RW_MODE_AUDIT,
};

struct rw_cli {
        /* runwarden's own global flags */
        const char *runtime;     /* --runtime PATH, NULL: the built-in default */
        enum rw_mode mode;       /* --mode enforce|audit */
        const char *seccomp_dir; /* --seccomp-dir DIR, NULL: the installed profiles */
        const char *policy;      /* --policy FILE, NULL: /etc/runwarden/policy.json if present */
        const char *tier;        /* --tier NAME, NULL: chosen by the policy */
        const char *egress_hook; /* --egress-hook PATH, NULL: the installed hook */

        /* runc's global flags that runwarden needs to read */
        const char *root;              /* --root */
        const char *log;               /* --log FILE */
        enum rw_log_format log_format; /* --log-format text|json */
        bool debug;                    /* --debug */
        bool help;                     /* --help / -h, before the command or in it */
        bool version;                  /* --version / -v before the command */

        /* the command and what runwarden reads of its arguments */
        enum rw_command command;
        const char *command_name; /* as given, NULL for RW_CMD_NONE */
        const char *container_id; /* first positional argument, NULL if none */
        const char *bundle;       /* create/run/restore --bundle/-b; NULL: working directory */
        const char *signal;       /* kill: second positional argument, NULL if none */
        const char *criu;         /* global --criu PATH, NULL when not given */
        /* runsc's global --network (sandbox, host, none; NULL: not given, its default sandbox)
         * and --allow-flag-override, read for egress (runc refuses both itself) */
        const char *runsc_network;
        bool runsc_flag_override;
        bool no_pivot;       /* create/run/restore --no-pivot */
        bool no_new_keyring; /* create/run --no-new-keyring */

        /* exec: --process, and the flags runc applies to the container's process when there is
         * no --process (runc ignores them when there is one) */
        const char *process;       /* --process/-p FILE */
        const char *preserve_fds;  /* exec --preserve-fds N, as written */
        char *process_arg;         /* what rw_cli_replace_process() put in delegate_argv */
        const char *exec_cwd;      /* --cwd DIR */
        const char *exec_user;     /* --user/-u UID[:GID] */
        const char *exec_apparmor; /* --apparmor PROFILE */
        const char *exec_label;    /* --process-label LABEL */
        bool exec_nnp_set;         /* --no-new-privs given, with the value exec_nnp */
        bool exec_nnp;
        struct rw_strv exec_caps;    /* --cap/-c, each */
        struct rw_strv exec_env;     /* --env/-e, each */
        struct rw_strv exec_gids;    /* --additional-gids/-g, each as written */
        struct rw_strv exec_cgroups; /* --cgroup, each */
        bool exec_has_args;          /* a command follows the container id */

        /* update: --resources and every other flag with its value */
        const char *resources;       /* --resources/-r FILE ("-": standard input) */
        struct rw_strv update_flags; /* "name=value" for each resource flag given */

        /* The delegate's argv: argv without runwarden's own flags, NULL-terminated. Element 0 is
         * a copy of argv[0]; the caller replaces it with the delegate's path before execv. The
         * strings point into the argv given to rw_cli_parse(). */
        char **delegate_argv;
        size_t delegate_argc;
};

/*
 * Parse argv. Only runwarden's own flags (missing or bad value), an empty argv or lack of memory
 * can make this fail. On failure only `log` and `log_format` of *ret are filled, from the global
 * flags, so that the refusal still reaches the engine's log.
 */
int rw_cli_parse(int argc, char *const *argv, struct rw_cli *ret, struct rw_error *err);
/*
 * Name `path` instead of the --process file in delegate_argv, in the element runc reads its
 * value from (`-p FILE`, `--process FILE`, `--process=FILE`...: the last one given). -ENOENT
 * when the command line has no --process.
 */
int rw_cli_replace_process(struct rw_cli *cli, const char *path);

/*
 * exec --preserve-fds as runc would count it, for a value written as a plain decimal number of
 * at most `max`; false for anything else (no flag: 0).
 */
bool rw_cli_preserve_fds(const struct rw_cli *cli, unsigned max, unsigned *ret);

void rw_cli_clear(struct rw_cli *cli);

/* True for the commands whose bundle config.json runwarden rewrites (create, run, restore). */
bool rw_cli_command_takes_bundle(enum rw_command command);

/* The command's name as runc spells it ("create", "exec"; "none", "unknown"). */
const char *rw_cli_command_label(enum rw_command command);

/* Whether runc, given this command line, only prints or reads (--help, --version, state, list,
 * ps, events, features, spec): such a call is handed off without a policy or a tier. */
bool rw_cli_changes_nothing(const struct rw_cli *cli);

/* Whether the call only stops or removes a container (kill, delete): it must go through even
 * when the policy or the tier cannot be known, or an engine that cannot delete leaks
 * containers. */
bool rw_cli_stops(const struct rw_cli *cli);
