/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "numbers.h"

/*
 * The model is runc 1.1: urfave/cli v1.22.6 or later over Go's flag package. Global flags are
 * parsed by Go's flag package alone; a command's arguments are first reordered by urfave (flags it
 * knows, with what may be their value, moved in front) and then parsed by Go's flag package.
 * Reproducing both steps exactly is what makes the bundle and container id found here the ones
 * runc will use: a bundle that differs from runc's would let runc start an unrewritten spec.
 *
 * Where runc itself would reject the command line (unknown flag, missing value, bad boolean),
 * runc is the one to say so: the parser keeps going and records nothing false.
 */

/* Where a recognised flag's value goes. */
enum slot {
        SLOT_NONE,
        SLOT_PRESERVE_FDS,
        /* runwarden's own: only before the command, removed from the delegate's argv */
        SLOT_RUNTIME,
        SLOT_MODE,
        SLOT_SECCOMP_DIR,
        SLOT_POLICY,
        SLOT_TIER,
        /* runc's global flags that runwarden reads */
        SLOT_ROOT,
        SLOT_LOG,
        SLOT_LOG_FORMAT,
        SLOT_DEBUG,
        SLOT_HELP,
        SLOT_VERSION,
        /* command flags that runwarden reads */
        SLOT_BUNDLE,
        SLOT_PROCESS,
        SLOT_CWD,
        SLOT_CAP,
        SLOT_CRIU,
        SLOT_NO_PIVOT,
        SLOT_NO_NEW_KEYRING,
        SLOT_USER,
        SLOT_ENV,
        SLOT_GIDS,
        SLOT_APPARMOR,
        SLOT_LABEL,
        SLOT_NNP,
        SLOT_CGROUP,
        SLOT_RESOURCES,
        SLOT_UPDATE, /* any other update flag: recorded as name=value */
        SLOT_EGRESS_HOOK,
        SLOT_RUNSC_NETWORK,
        SLOT_RUNSC_FLAG_OVERRIDE,
};

enum flag_kind {
        FLAG_BOOL,  /* takes no separate value, only "=true|false" */
        FLAG_VALUE, /* takes "=value" or the next argument, whatever it is */
};

/* A flag as urfave declares it: "bundle, b" is the name "bundle" with the alias "b". */
struct flag {
        const char *name;
        const char *alias; /* NULL if none */
        enum flag_kind kind;
        enum slot slot;
};

static const struct flag global_flags[] = {
    {"runtime", NULL, FLAG_VALUE, SLOT_RUNTIME},
    {"mode", NULL, FLAG_VALUE, SLOT_MODE},
    {"seccomp-dir", NULL, FLAG_VALUE, SLOT_SECCOMP_DIR},
    {"policy", NULL, FLAG_VALUE, SLOT_POLICY},
    {"tier", NULL, FLAG_VALUE, SLOT_TIER},
    {"egress-hook", NULL, FLAG_VALUE, SLOT_EGRESS_HOOK},
    {"debug", NULL, FLAG_BOOL, SLOT_DEBUG},
    {"log", NULL, FLAG_VALUE, SLOT_LOG},
    {"log-format", NULL, FLAG_VALUE, SLOT_LOG_FORMAT},
    {"root", NULL, FLAG_VALUE, SLOT_ROOT},
    {"criu", NULL, FLAG_VALUE, SLOT_CRIU},
    {"systemd-cgroup", NULL, FLAG_BOOL, SLOT_NONE},
    /* a string (true|false|auto) in runc, so it takes the next argument */
    {"rootless", NULL, FLAG_VALUE, SLOT_NONE},
    {"help", "h", FLAG_BOOL, SLOT_HELP},
    {"version", "v", FLAG_BOOL, SLOT_VERSION},
    /* runsc's (gVisor): whose network stack the sandbox uses decides whether egress rules in
     * the namespace hold (rule egress.gvisor); runc refuses them itself */
    {"network", NULL, FLAG_VALUE, SLOT_RUNSC_NETWORK},
    {"allow-flag-override", NULL, FLAG_BOOL, SLOT_RUNSC_FLAG_OVERRIDE},
};

/* urfave adds its help flag to every command: `create --help` prints help and creates nothing,
 * so it is recorded like a global --help (runwarden then only hands off). */
static const struct flag command_help_flag = {"help", "h", FLAG_BOOL, SLOT_HELP};

static const struct flag create_flags[] = {
    {"bundle", "b", FLAG_VALUE, SLOT_BUNDLE},
    {"console-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"pidfd-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"pid-file", NULL, FLAG_VALUE, SLOT_NONE},
    {"preserve-fds", NULL, FLAG_VALUE, SLOT_NONE},
    {"no-pivot", NULL, FLAG_BOOL, SLOT_NO_PIVOT},
    {"no-new-keyring", NULL, FLAG_BOOL, SLOT_NO_NEW_KEYRING},
};

static const struct flag run_flags[] = {
    {"bundle", "b", FLAG_VALUE, SLOT_BUNDLE},
    {"console-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"pidfd-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"pid-file", NULL, FLAG_VALUE, SLOT_NONE},
    {"preserve-fds", NULL, FLAG_VALUE, SLOT_NONE},
    {"no-pivot", NULL, FLAG_BOOL, SLOT_NO_PIVOT},
    {"no-new-keyring", NULL, FLAG_BOOL, SLOT_NO_NEW_KEYRING},
    {"detach", "d", FLAG_BOOL, SLOT_NONE},
    {"keep", NULL, FLAG_BOOL, SLOT_NONE},
    {"no-subreaper", NULL, FLAG_BOOL, SLOT_NONE},
};

static const struct flag exec_flags[] = {
    {"console-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"pidfd-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"cwd", NULL, FLAG_VALUE, SLOT_CWD},
    {"env", "e", FLAG_VALUE, SLOT_ENV},
    {"user", "u", FLAG_VALUE, SLOT_USER},
    {"additional-gids", "g", FLAG_VALUE, SLOT_GIDS},
    {"process", "p", FLAG_VALUE, SLOT_PROCESS},
    {"pid-file", NULL, FLAG_VALUE, SLOT_NONE},
    {"process-label", NULL, FLAG_VALUE, SLOT_LABEL},
    {"apparmor", NULL, FLAG_VALUE, SLOT_APPARMOR},
    {"cap", "c", FLAG_VALUE, SLOT_CAP},
    {"preserve-fds", NULL, FLAG_VALUE, SLOT_PRESERVE_FDS},
    {"cgroup", NULL, FLAG_VALUE, SLOT_CGROUP},
    {"tty", "t", FLAG_BOOL, SLOT_NONE},
    {"detach", "d", FLAG_BOOL, SLOT_NONE},
    {"no-new-privs", NULL, FLAG_BOOL, SLOT_NNP},
    {"ignore-paused", NULL, FLAG_BOOL, SLOT_NONE},
    {"no-subreaper", NULL, FLAG_BOOL, SLOT_NONE},
};

static const struct flag kill_flags[] = {
    {"all", "a", FLAG_BOOL, SLOT_NONE},
};

static const struct flag delete_flags[] = {
    {"force", "f", FLAG_BOOL, SLOT_NONE},
};

static const struct flag list_flags[] = {
    {"format", "f", FLAG_VALUE, SLOT_NONE},
    {"quiet", "q", FLAG_BOOL, SLOT_NONE},
};

static const struct flag ps_flags[] = {
    {"format", "f", FLAG_VALUE, SLOT_NONE},
};

static const struct flag events_flags[] = {
    {"interval", NULL, FLAG_VALUE, SLOT_NONE},
    {"stats", NULL, FLAG_BOOL, SLOT_NONE},
};

static const struct flag update_flags[] = {
    {"resources", "r", FLAG_VALUE, SLOT_RESOURCES},
    {"blkio-weight", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-period", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-quota", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-burst", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-share", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-rt-period", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-rt-runtime", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpuset-cpus", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpuset-mems", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"kernel-memory", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"kernel-memory-tcp", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"memory", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"memory-reservation", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"memory-swap", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"pids-limit", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"l3-cache-schema", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"mem-bw-schema", NULL, FLAG_VALUE, SLOT_UPDATE},
    {"cpu-idle", NULL, FLAG_VALUE, SLOT_UPDATE},
};

static const struct flag checkpoint_flags[] = {
    {"image-path", NULL, FLAG_VALUE, SLOT_NONE},
    {"work-path", NULL, FLAG_VALUE, SLOT_NONE},
    {"parent-path", NULL, FLAG_VALUE, SLOT_NONE},
    {"page-server", NULL, FLAG_VALUE, SLOT_NONE},
    {"status-fd", NULL, FLAG_VALUE, SLOT_NONE},
    {"manage-cgroups-mode", NULL, FLAG_VALUE, SLOT_NONE},
    {"empty-ns", NULL, FLAG_VALUE, SLOT_NONE},
    {"lsm-profile", NULL, FLAG_VALUE, SLOT_NONE},
    {"lsm-mount-context", NULL, FLAG_VALUE, SLOT_NONE},
    {"leave-running", NULL, FLAG_BOOL, SLOT_NONE},
    {"tcp-established", NULL, FLAG_BOOL, SLOT_NONE},
    {"ext-unix-sk", NULL, FLAG_BOOL, SLOT_NONE},
    {"shell-job", NULL, FLAG_BOOL, SLOT_NONE},
    {"lazy-pages", NULL, FLAG_BOOL, SLOT_NONE},
    {"file-locks", NULL, FLAG_BOOL, SLOT_NONE},
    {"pre-dump", NULL, FLAG_BOOL, SLOT_NONE},
    {"auto-dedup", NULL, FLAG_BOOL, SLOT_NONE},
};

static const struct flag restore_flags[] = {
    {"console-socket", NULL, FLAG_VALUE, SLOT_NONE},
    {"image-path", NULL, FLAG_VALUE, SLOT_NONE},
    {"work-path", NULL, FLAG_VALUE, SLOT_NONE},
    {"bundle", "b", FLAG_VALUE, SLOT_BUNDLE},
    {"pid-file", NULL, FLAG_VALUE, SLOT_NONE},
    {"manage-cgroups-mode", NULL, FLAG_VALUE, SLOT_NONE},
    {"empty-ns", NULL, FLAG_VALUE, SLOT_NONE},
    {"lsm-profile", NULL, FLAG_VALUE, SLOT_NONE},
    {"lsm-mount-context", NULL, FLAG_VALUE, SLOT_NONE},
    {"tcp-established", NULL, FLAG_BOOL, SLOT_NONE},
    {"ext-unix-sk", NULL, FLAG_BOOL, SLOT_NONE},
    {"shell-job", NULL, FLAG_BOOL, SLOT_NONE},
    {"file-locks", NULL, FLAG_BOOL, SLOT_NONE},
    {"detach", "d", FLAG_BOOL, SLOT_NONE},
    {"no-subreaper", NULL, FLAG_BOOL, SLOT_NONE},
    {"no-pivot", NULL, FLAG_BOOL, SLOT_NO_PIVOT},
    {"auto-dedup", NULL, FLAG_BOOL, SLOT_NONE},
    {"lazy-pages", NULL, FLAG_BOOL, SLOT_NONE},
};

/* spec writes a new config.json and reads none: its bundle is not recorded. */
static const struct flag spec_flags[] = {
    {"bundle", "b", FLAG_VALUE, SLOT_NONE},
    {"rootless", NULL, FLAG_BOOL, SLOT_NONE},
};

enum arg_order {
        REORDER,
        /* runc's SkipArgReorder: everything after the first positional argument belongs to the
         * process (exec) or to ps(1) (ps), flags included */
        KEEP_ORDER,
};

struct command {
        const char *name;
        enum rw_command id;
        const struct flag *flags;
        size_t n_flags;
        enum arg_order order;
};

#define FLAGS(table) (table), RW_ELEMENTSOF(table)
#define NO_FLAGS     NULL, 0

static const struct command commands[] = {
    {"create", RW_CMD_CREATE, FLAGS(create_flags), REORDER},
    {"run", RW_CMD_RUN, FLAGS(run_flags), REORDER},
    {"start", RW_CMD_START, NO_FLAGS, REORDER},
    {"exec", RW_CMD_EXEC, FLAGS(exec_flags), KEEP_ORDER},
    {"kill", RW_CMD_KILL, FLAGS(kill_flags), REORDER},
    {"delete", RW_CMD_DELETE, FLAGS(delete_flags), REORDER},
    {"state", RW_CMD_STATE, NO_FLAGS, REORDER},
    {"list", RW_CMD_LIST, FLAGS(list_flags), REORDER},
    {"ps", RW_CMD_PS, FLAGS(ps_flags), KEEP_ORDER},
    {"pause", RW_CMD_PAUSE, NO_FLAGS, REORDER},
    {"resume", RW_CMD_RESUME, NO_FLAGS, REORDER},
    {"events", RW_CMD_EVENTS, FLAGS(events_flags), REORDER},
    {"update", RW_CMD_UPDATE, FLAGS(update_flags), REORDER},
    {"features", RW_CMD_FEATURES, NO_FLAGS, REORDER},
    {"checkpoint", RW_CMD_CHECKPOINT, FLAGS(checkpoint_flags), REORDER},
    {"restore", RW_CMD_RESTORE, FLAGS(restore_flags), REORDER},
    {"spec", RW_CMD_SPEC, FLAGS(spec_flags), REORDER},
};

/* One argument in Go's flag syntax: "-name", "--name", "-name=value", "--name=value". */
struct flag_arg {
        const char *name;
        size_t name_len;
        const char *value; /* after "=", NULL when none was written */
        bool malformed;    /* "---x", "-=x": Go rejects these */
};

/* Go's flag package: anything shorter than two characters or not starting with "-" (so also a
 * lone "-") is not a flag and ends flag parsing. "--" is handled by the callers. */
static bool is_flag(const char *arg)
{
        return arg[0] == '-' && arg[1] != '\0';
}

static bool is_terminator(const char *arg)
{
        return strcmp(arg, "--") == 0;
}

static struct flag_arg split_flag(const char *arg)
{
        struct flag_arg f = {0};
        const char *eq;

        f.name = arg + (arg[1] == '-' ? 2 : 1);
        if (f.name[0] == '\0' || f.name[0] == '-' || f.name[0] == '=') {
                f.malformed = true;
                return f;
        }
        eq = strchr(f.name, '=');
        f.name_len = eq != NULL ? (size_t)(eq - f.name) : strlen(f.name);
        f.value = eq != NULL ? eq + 1 : NULL;
        return f;
}

static bool name_is(const char *name, const char *candidate, size_t len)
{
        return candidate != NULL && strlen(candidate) == len && memcmp(candidate, name, len) == 0;
}

static const struct flag *find_flag(const struct flag *flags, size_t n, const char *name,
                                    size_t len)
{
        for (size_t i = 0; i < n; i++)
                if (name_is(name, flags[i].name, len) || name_is(name, flags[i].alias, len))
                        return &flags[i];
        return NULL;
}

static const struct flag *find_command_flag(const struct command *cmd, const char *name, size_t len)
{
        const struct flag *f = find_flag(cmd->flags, cmd->n_flags, name, len);

        if (f == NULL)
                f = find_flag(&command_help_flag, 1, name, len);
        return f;
}

/* Go's strconv.ParseBool. False when `s` is not a boolean (runc then refuses the command line). */
static bool parse_bool(const char *s, bool *ret)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

        for (size_t i = 0; i < RW_ELEMENTSOF(yes); i++) {
                if (strcmp(s, yes[i]) == 0) {
                        *ret = true;
                        return true;
                }
                if (strcmp(s, no[i]) == 0) {
                        *ret = false;
                        return true;
                }
        }
        return false;
}

static bool is_own_slot(enum slot slot)
{
        return slot == SLOT_RUNTIME || slot == SLOT_MODE || slot == SLOT_SECCOMP_DIR ||
               slot == SLOT_POLICY || slot == SLOT_TIER || slot == SLOT_EGRESS_HOOK;
}

static int set_own_flag(struct rw_cli *cli, enum slot slot, const char *value, struct rw_error *err)
{
        switch (slot) {
        case SLOT_RUNTIME:
                if (value[0] != '/')
                        return rw_error_set(
                            err, EINVAL, "--runtime must be an absolute path, got \"%s\"", value);
                cli->runtime = value;
                return 0;
        case SLOT_SECCOMP_DIR:
                if (value[0] != '/')
                        return rw_error_set(err, EINVAL,
                                            "--seccomp-dir must be an absolute path, got \"%s\"",
                                            value);
                cli->seccomp_dir = value;
                return 0;
        case SLOT_EGRESS_HOOK:
                if (value[0] != '/')
                        return rw_error_set(err, EINVAL,
                                            "--egress-hook must be an absolute path, got \"%s\"",
                                            value);
                cli->egress_hook = value;
                return 0;
        case SLOT_POLICY:
                if (value[0] != '/')
                        return rw_error_set(err, EINVAL,
                                            "--policy must be an absolute path, got \"%s\"", value);
                cli->policy = value;
                return 0;
        case SLOT_TIER:
                if (value[0] == '\0')
                        return rw_error_set(err, EINVAL, "--tier needs a tier name");
                cli->tier = value;
                return 0;
        case SLOT_MODE:
                if (strcmp(value, "enforce") == 0)
                        cli->mode = RW_MODE_ENFORCE;
                else if (strcmp(value, "audit") == 0)
                        cli->mode = RW_MODE_AUDIT;
                else
                        return rw_error_set(err, EINVAL,
                                            "--mode must be \"enforce\" or \"audit\", got \"%s\"",
                                            value);
                return 0;
        default:
                return 0;
        }
}

static int strv_push(struct rw_strv *l, const char *value)
{
        const char **v = reallocarray(l->v, l->n + 1, sizeof(*v));

        if (v == NULL)
                return -ENOMEM;
        l->v = v;
        l->v[l->n++] = value;
        return 0;
}

static int strv_push_owned(struct rw_strv *l, char *value)
{
        char **o = reallocarray(l->owned, l->n_owned + 1, sizeof(*o));

        if (o == NULL) {
                free(value);
                return -ENOMEM;
        }
        l->owned = o;
        l->owned[l->n_owned++] = value;
        return strv_push(l, value);
}

static void strv_clear(struct rw_strv *l)
{
        for (size_t i = 0; i < l->n_owned; i++)
                free(l->owned[i]);
        free(l->owned);
        free(l->v);
        *l = (struct rw_strv){0};
}

/* Record a value flag. A repeated string flag keeps its last value, as in Go; runc's slice flags
 * (--cap, --env, --additional-gids, --cgroup) accumulate. */
static int set_value(struct rw_cli *cli, const struct flag *f, const char *value)
{
        char *entry;

        switch (f->slot) {
        case SLOT_ROOT:
                cli->root = value;
                break;
        case SLOT_LOG:
                cli->log = value;
                break;
        case SLOT_LOG_FORMAT:
                /* runc accepts only "text" and "json"; whatever else fails in runc itself */
                cli->log_format =
                    strcmp(value, "json") == 0 ? RW_LOG_FORMAT_JSON : RW_LOG_FORMAT_TEXT;
                break;
        case SLOT_CRIU:
                cli->criu = value;
                break;
        case SLOT_RUNSC_NETWORK:
                cli->runsc_network = value;
                break;
        case SLOT_BUNDLE:
                cli->bundle = value;
                break;
        case SLOT_PROCESS:
                cli->process = value;
                break;
        case SLOT_PRESERVE_FDS:
                cli->preserve_fds = value;
                break;
        case SLOT_CWD:
                cli->exec_cwd = value;
                break;
        case SLOT_USER:
                cli->exec_user = value;
                break;
        case SLOT_APPARMOR:
                cli->exec_apparmor = value;
                break;
        case SLOT_LABEL:
                cli->exec_label = value;
                break;
        case SLOT_CAP:
                return strv_push(&cli->exec_caps, value);
        case SLOT_ENV:
                return strv_push(&cli->exec_env, value);
        case SLOT_GIDS:
                return strv_push(&cli->exec_gids, value);
        case SLOT_CGROUP:
                return strv_push(&cli->exec_cgroups, value);
        case SLOT_RESOURCES:
                cli->resources = value;
                break;
        case SLOT_UPDATE:
                if (asprintf(&entry, "%s=%s", f->name, value) < 0)
                        return -ENOMEM;
                return strv_push_owned(&cli->update_flags, entry);
        default:
                break;
        }
        return 0;
}

static void set_bool(struct rw_cli *cli, enum slot slot, const char *written)
{
        bool value = true;

        if (written != NULL && !parse_bool(written, &value))
                return;
        switch (slot) {
        case SLOT_DEBUG:
                cli->debug = value;
                break;
        case SLOT_HELP:
                cli->help = value;
                break;
        case SLOT_VERSION:
                cli->version = value;
                break;
        case SLOT_NO_PIVOT:
                cli->no_pivot = value;
                break;
        case SLOT_NO_NEW_KEYRING:
                cli->no_new_keyring = value;
                break;
        case SLOT_RUNSC_FLAG_OVERRIDE:
                cli->runsc_flag_override = value;
                break;
        case SLOT_NNP:
                cli->exec_nnp_set = true;
                cli->exec_nnp = value;
                break;
        default:
                break;
        }
}

/*
 * Global flags, with Go's flag package: parsing stops at the first non-flag argument (the
 * command) or after "--". Marks runwarden's own flags and their values in `drop`. Returns the
 * index of the command (argc if there is none).
 */
static int parse_global(int argc, char *const *argv, struct rw_cli *cli, bool *drop,
                        struct rw_error *err)
{
        int i = 1;
        int failed = 0;

        /* After a bad runwarden flag, keep reading: a later --log says where the refusal goes. */
        while (i < argc && is_flag(argv[i])) {
                struct flag_arg arg;
                const struct flag *f;
                const char *value;
                bool own;
                int r;

                if (is_terminator(argv[i])) {
                        i++;
                        break;
                }
                arg = split_flag(argv[i]);
                f = arg.malformed ? NULL
                                  : find_flag(global_flags, RW_ELEMENTSOF(global_flags), arg.name,
                                              arg.name_len);
                own = f != NULL && is_own_slot(f->slot);
                drop[i++] = own;
                if (f == NULL) {
                        /* unknown: runc refuses it; assume it takes no separate value */
                        continue;
                }
                if (f->kind == FLAG_BOOL) {
                        set_bool(cli, f->slot, arg.value);
                        continue;
                }

                value = arg.value;
                if (value == NULL && i < argc) {
                        value = argv[i];
                        drop[i++] = own;
                }
                if (value == NULL && own)
                        return failed < 0
                                   ? failed
                                   : rw_error_set(err, EINVAL, "--%s needs a value", f->name);
                if (value == NULL) {
                        /* runc refuses a missing value: there is no command to find */
                        return failed < 0 ? failed : argc;
                }
                if (own) {
                        struct rw_error later;

                        r = set_own_flag(cli, f->slot, value, failed < 0 ? &later : err);
                        if (r < 0 && failed == 0)
                                failed = r;
                } else if (set_value(cli, f, value) < 0) {
                        return rw_error_set(err, ENOMEM, "parsing the command line");
                }
        }

        return failed < 0 ? failed : i;
}

/* urfave's argIsFlag: an argument naming one of the command's flags, with one, two or three
 * leading dashes and an optional "=value". */
static bool names_command_flag(const struct command *cmd, const char *arg)
{
        const char *name = arg;
        size_t len;

        if (arg[0] != '-' || strcmp(arg, "-") == 0 || is_terminator(arg))
                return false;
        if (strncmp(name, "--", 2) == 0)
                name += 2;
        if (name[0] == '-')
                name++;
        len = strcspn(name, "=");
        return find_command_flag(cmd, name, len) != NULL;
}

/*
 * urfave/cli v1.22.6+ reorderArgs, as indexes into argv: the command's known flags, each with the
 * next argument when that is not itself a known flag, go first; then, if "--" was met outside a
 * flag's value, "--" followed by the other arguments seen before it and everything after it;
 * otherwise the other arguments in order.
 */
static size_t reorder(const struct command *cmd, int argc, char *const *argv, int start,
                      size_t *order, size_t *rest)
{
        size_t n_order = 0, n_rest = 0;
        bool may_be_value = false;
        int i;

        for (i = start; i < argc; i++) {
                const char *arg = argv[i];

                if (may_be_value && !names_command_flag(cmd, arg)) {
                        may_be_value = false;
                        order[n_order++] = (size_t)i;
                } else if (is_terminator(arg)) {
                        break;
                } else if (names_command_flag(cmd, arg)) {
                        order[n_order++] = (size_t)i;
                        may_be_value = strchr(arg, '=') == NULL;
                } else {
                        rest[n_rest++] = (size_t)i;
                }
        }

        if (i < argc)
                order[n_order++] = (size_t)i++;
        for (size_t k = 0; k < n_rest; k++)
                order[n_order++] = rest[k];
        for (; i < argc; i++)
                order[n_order++] = (size_t)i;
        return n_order;
}

/* A command's arguments from argv[start] on. */
static int parse_command(const struct command *cmd, int argc, char *const *argv, int start,
                         struct rw_cli *cli, struct rw_error *err)
{
        size_t n = (size_t)(argc - start), j = 0, n_positional;
        _cleanup_free_ size_t *order = NULL;
        _cleanup_free_ size_t *rest = NULL;
        const char *positional[2] = {NULL, NULL};

        if (n == 0)
                return 0;
        order = calloc(n, sizeof(*order));
        rest = calloc(n, sizeof(*rest));
        if (order == NULL || rest == NULL)
                return rw_error_set_errno(err, ENOMEM, "parsing the %s command line", cmd->name);

        if (cmd->order == REORDER) {
                n = reorder(cmd, argc, argv, start, order, rest);
        } else {
                for (size_t k = 0; k < n; k++)
                        order[k] = (size_t)start + k;
        }

        /* Go's flag package over the (reordered) arguments */
        while (j < n && is_flag(argv[order[j]])) {
                const char *arg = argv[order[j++]];
                struct flag_arg a;
                const struct flag *f;
                const char *value;

                if (is_terminator(arg))
                        break;
                a = split_flag(arg);
                f = a.malformed ? NULL : find_command_flag(cmd, a.name, a.name_len);
                if (f != NULL && f->kind == FLAG_BOOL)
                        set_bool(cli, f->slot, a.value);
                if (f == NULL || f->kind == FLAG_BOOL) {
                        /* a boolean, or unknown (runc refuses it): takes no separate value */
                        continue;
                }
                value = a.value;
                if (value == NULL) {
                        if (j == n)
                                return 0; /* runc refuses a missing value */
                        value = argv[order[j++]];
                }
                if (set_value(cli, f, value) < 0)
                        return rw_error_set(err, ENOMEM, "parsing the %s command line", cmd->name);
        }

        n_positional = 0;
        for (; j < n && n_positional < RW_ELEMENTSOF(positional); j++)
                positional[n_positional++] = argv[order[j]];
        cli->container_id = positional[0];
        cli->exec_has_args = cmd->id == RW_CMD_EXEC && positional[1] != NULL;
        if (cmd->id == RW_CMD_KILL)
                cli->signal = positional[1];
        return 0;
}

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

int rw_cli_parse(int argc, char *const *argv, struct rw_cli *ret, struct rw_error *err)
{
        struct rw_cli cli = {.mode = RW_MODE_ENFORCE, .log_format = RW_LOG_FORMAT_TEXT};
        _cleanup_free_ bool *drop = NULL;
        _cleanup_free_ char **delegate = NULL;
        const struct command *cmd = NULL;
        size_t n = 0;
        int command, r;

        *ret = (struct rw_cli){0};
        if (argc < 1 || argv == NULL || argv[0] == NULL)
                return rw_error_set(err, EINVAL, "empty command line");

        drop = calloc((size_t)argc, sizeof(*drop));
        delegate = calloc((size_t)argc + 1, sizeof(*delegate));
        if (drop == NULL || delegate == NULL)
                return rw_error_set_errno(err, ENOMEM, "parsing the command line");

        command = parse_global(argc, argv, &cli, drop, err);
        if (command < 0) {
                /* where the engine wants to read why runwarden refused */
                ret->log = cli.log;
                ret->log_format = cli.log_format;
                return command;
        }

        if (command < argc) {
                cli.command_name = argv[command];
                cmd = find_command(cli.command_name);
                cli.command = cmd != NULL ? cmd->id : RW_CMD_UNKNOWN;
        }
        /* An unknown command's arguments are runc's to reject: nothing is read from them. */
        if (cmd != NULL) {
                r = parse_command(cmd, argc, argv, command + 1, &cli, err);
                if (r < 0)
                        return r;
        }

        for (int i = 0; i < argc; i++)
                if (!drop[i])
                        delegate[n++] = argv[i];
        delegate[n] = NULL;
        cli.delegate_argv = TAKE_PTR(delegate);
        cli.delegate_argc = n;
        *ret = cli;
        return 0;
}

int rw_cli_replace_process(struct rw_cli *cli, const char *path)
{
        const char *value = cli->process;

        if (value == NULL)
                return -ENOENT;
        for (size_t i = 1; i < cli->delegate_argc; i++) {
                const char *arg = cli->delegate_argv[i];
                size_t len = strlen(arg);
                char *replaced;

                /* the value is its own element, or the end of "--process=VALUE" */
                if (value < arg || value > arg + len)
                        continue;
                if (asprintf(&replaced, "%.*s%s", (int)(value - arg), arg, path) < 0)
                        return -ENOMEM;
                free(cli->process_arg);
                cli->process_arg = replaced;
                cli->delegate_argv[i] = replaced;
                cli->process = replaced + (value - arg);
                return 0;
        }
        return -ENOENT;
}

bool rw_cli_preserve_fds(const struct rw_cli *cli, unsigned max, unsigned *ret)
{
        *ret = 0;
        return cli->preserve_fds == NULL || rw_parse_plain_count(cli->preserve_fds, max, ret);
}

void rw_cli_clear(struct rw_cli *cli)
{
        if (cli == NULL)
                return;
        free(cli->delegate_argv);
        free(cli->process_arg);
        strv_clear(&cli->exec_caps);
        strv_clear(&cli->exec_env);
        strv_clear(&cli->exec_gids);
        strv_clear(&cli->exec_cgroups);
        strv_clear(&cli->update_flags);
        *cli = (struct rw_cli){0};
}

bool rw_cli_command_takes_bundle(enum rw_command command)
{
        return command == RW_CMD_CREATE || command == RW_CMD_RUN || command == RW_CMD_RESTORE;
}

bool rw_cli_changes_nothing(const struct rw_cli *cli)
{
        if (cli->help || cli->version)
                return true;
        switch (cli->command) {
        case RW_CMD_NONE: /* runc prints its help */
        case RW_CMD_STATE:
        case RW_CMD_LIST:
        case RW_CMD_PS:
        case RW_CMD_EVENTS:
        case RW_CMD_FEATURES:
        case RW_CMD_SPEC: /* writes a template config.json, starts nothing */
                return true;
        default:
                return false;
        }
}

bool rw_cli_stops(const struct rw_cli *cli)
{
        return !rw_cli_changes_nothing(cli) &&
               (cli->command == RW_CMD_KILL || cli->command == RW_CMD_DELETE);
}

const char *rw_cli_command_label(enum rw_command command)
{
        if (command == RW_CMD_NONE)
                return "none";
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++)
                if (commands[i].id == command)
                        return commands[i].name;
        return "unknown";
}
