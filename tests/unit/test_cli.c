/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "cli.h"

#include <errno.h>
#include <string.h>

/* What every case checks: all of struct rw_cli. Fields left out of an initializer are expected to
 * be NULL / zero / false. */
struct expect {
        enum rw_command command;
        const char *command_name;
        const char *container_id;
        const char *bundle;
        const char *process;
        const char *exec_cwd;
        const char *exec_cap;
        const char *signal;
        const char *root;
        const char *log;
        enum rw_log_format log_format;
        bool debug;
        bool help;
        bool version;
        enum rw_mode mode;
        const char *runtime;
        const char *seccomp_dir;
};

#define ARGV(...) ((char *const[]){"runwarden", __VA_ARGS__, NULL})
#define ARGV(...) ((char *const[]){"runwarden", __VA_ARGS__, NULL})

#define DOCKER_ID  "5f0b1f6a2d8c4e0b9a7d3c1e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a"
#define MOBY_ROOT  "/var/run/docker/runtime-runc/moby"
#define MOBY_TASK  "/run/containerd/io.containerd.runtime.v2.task/moby/" DOCKER_ID
#define MOBY_LOG   MOBY_TASK "/log.json"
#define CTR_ROOT   "/run/containerd/runc/default"
#define CTR_TASK   "/run/containerd/io.containerd.runtime.v2.task/default/c1"
#define PODMAN_ID  "0d3c9b1a7e5f4d2c8b6a9e7f5d3c1b9a7e5f3d1c9b7a5e3f1d9c7b5a3e1f9d7c"
#define PODMAN_DIR "/var/lib/containers/storage/overlay-containers/" PODMAN_ID "/userdata"
#define CRIO_ID    "8e6c4a2f0d8b6e4c2a0f8d6b4e2c0a8f6d4b2e0c8a6f4d2b0e8c6a4f2d0b8e6c"
#define CRIO_DIR   "/run/containers/storage/overlay-containers/" CRIO_ID "/userdata"

static int count(char *const *argv)
{
        int n = 0;

        while (argv[n] != NULL)
                n++;
        return n;
}

static void assert_str(const char *what, const char *got, const char *want)
{
        if (want == NULL && got != NULL)
                fail_msg("%s: expected NULL, got \"%s\"", what, got);
        if (want != NULL && got == NULL)
                fail_msg("%s: expected \"%s\", got NULL", what, want);
        if (want != NULL && strcmp(got, want) != 0)
                fail_msg("%s: expected \"%s\", got \"%s\"", what, want, got);
}

static void assert_cli(const struct rw_cli *cli, const struct expect *e)
{
        assert_int_equal(cli->command, e->command);
        assert_str("command_name", cli->command_name, e->command_name);
        assert_str("container_id", cli->container_id, e->container_id);
        assert_str("bundle", cli->bundle, e->bundle);
        assert_str("process", cli->process, e->process);
        assert_str("exec_cwd", cli->exec_cwd, e->exec_cwd);
        assert_str("exec_cap", cli->exec_caps.n > 0 ? cli->exec_caps.v[0] : NULL, e->exec_cap);
        assert_str("signal", cli->signal, e->signal);
        assert_str("root", cli->root, e->root);
        assert_str("log", cli->log, e->log);
        assert_int_equal(cli->log_format, e->log_format);
        assert_int_equal(cli->debug, e->debug);
        assert_int_equal(cli->help, e->help);
        assert_int_equal(cli->version, e->version);
        assert_int_equal(cli->mode, e->mode);
        assert_str("runtime", cli->runtime, e->runtime);
        assert_str("seccomp_dir", cli->seccomp_dir, e->seccomp_dir);
}

/* delegate_argv is exactly `expected`, NULL-terminated, and every element is one of argv's own
 * pointers, in argv's order. */
static void assert_delegate(const struct rw_cli *cli, char *const *argv, char *const *expected)
{
        size_t n = (size_t)count(expected);
        int argc = count(argv), pos = 0;

        assert_non_null(cli->delegate_argv);
        assert_int_equal(cli->delegate_argc, n);
        for (size_t i = 0; i < n; i++) {
                assert_non_null(cli->delegate_argv[i]);
                assert_string_equal(cli->delegate_argv[i], expected[i]);
                while (pos < argc && argv[pos] != cli->delegate_argv[i])
                        pos++;
                if (pos == argc)
                        fail_msg("delegate_argv[%zu] is not argv's pointer, in argv's order", i);
                pos++;
        }
        assert_null(cli->delegate_argv[n]);
}

/* Parse `argv`, which must succeed, and check every field and the delegate's argv. */
static void check(char *const *argv, char *const *delegate, const struct expect *e)
{
        struct rw_error err = {0};
        struct rw_cli cli;
        int r;

        r = rw_cli_parse(count(argv), argv, &cli, &err);
        if (r < 0)
                fail_msg("rw_cli_parse failed: %s", err.msg);
        assert_int_equal(r, 0);
        assert_cli(&cli, e);
        assert_delegate(&cli, argv, delegate);
        rw_cli_clear(&cli);
        assert_null(cli.delegate_argv);
        assert_int_equal(cli.delegate_argc, 0);
}

/* The whole command line goes to runc unchanged. */
static void check_passthrough(char *const *argv, const struct expect *e)
{
        check(argv, argv, e);
}

/* Parse `argv`, which must fail with EINVAL naming `flag`, leaving *ret empty. */
static void check_error(char *const *argv, const char *flag)
{
        struct rw_error err = {0};
        struct rw_cli cli;
        int r;

        memset(&cli, 0xa5, sizeof(cli));
        r = rw_cli_parse(count(argv), argv, &cli, &err);
        assert_int_equal(r, -EINVAL);
        assert_int_equal(err.code, EINVAL);
        if (strstr(err.msg, flag) == NULL)
                fail_msg("error \"%s\" does not name %s", err.msg, flag);
        assert_null(cli.delegate_argv);
        assert_int_equal(cli.delegate_argc, 0);
        rw_cli_clear(&cli);
}

/* dockerd -> containerd-shim-runc-v2, as in the fixtures README */

static void test_docker_create(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "create", "--bundle", MOBY_TASK, "--pid-file", MOBY_TASK "/init.pid",
                               DOCKER_ID),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = DOCKER_ID,
                                           .bundle = MOBY_TASK,
                                           .root = MOBY_ROOT,
                                           .log = MOBY_LOG,
                                           .log_format = RW_LOG_FORMAT_JSON});
}

static void test_docker_create_console_socket(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "create", "--bundle", MOBY_TASK, "--pid-file", MOBY_TASK "/init.pid",
                               "--console-socket", "/tmp/pty2849372613/pty.sock", DOCKER_ID),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = DOCKER_ID,
                                           .bundle = MOBY_TASK,
                                           .root = MOBY_ROOT,
                                           .log = MOBY_LOG,
                                           .log_format = RW_LOG_FORMAT_JSON});
}

static void test_docker_start(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "start", DOCKER_ID),
                          &(struct expect){.command = RW_CMD_START,
                                           .command_name = "start",
                                           .container_id = DOCKER_ID,
                                           .root = MOBY_ROOT,
                                           .log = MOBY_LOG,
                                           .log_format = RW_LOG_FORMAT_JSON});
}

static void test_docker_exec(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "exec", "--process", "/tmp/runc-process3875802843", "--detach",
                               "--pid-file", MOBY_TASK "/execid.pid", DOCKER_ID),
                          &(struct expect){.command = RW_CMD_EXEC,
                                           .command_name = "exec",
                                           .container_id = DOCKER_ID,
                                           .process = "/tmp/runc-process3875802843",
                                           .root = MOBY_ROOT,
                                           .log = MOBY_LOG,
                                           .log_format = RW_LOG_FORMAT_JSON});
}

static void test_docker_kill(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "kill", DOCKER_ID, "9"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = DOCKER_ID,
                                           .signal = "9",
                                           .root = MOBY_ROOT,
                                           .log = MOBY_LOG,
                                           .log_format = RW_LOG_FORMAT_JSON});
}

static void test_docker_delete(void **state)
{
        const struct expect e = {.command = RW_CMD_DELETE,
                                 .command_name = "delete",
                                 .container_id = DOCKER_ID,
                                 .root = MOBY_ROOT,
                                 .log = MOBY_LOG,
                                 .log_format = RW_LOG_FORMAT_JSON};

        (void)state;
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "delete", DOCKER_ID),
                          &e);
        check_passthrough(ARGV("--root", MOBY_ROOT, "--log", MOBY_LOG, "--log-format", "json",
                               "delete", "--force", DOCKER_ID),
                          &e);
}

/* ctr run --runc-binary RUNTIME */

static void test_containerd(void **state)
{
        const struct expect base = {.command_name = "start",
                                    .container_id = "c1",
                                    .root = CTR_ROOT,
                                    .log = CTR_TASK "/log.json",
                                    .log_format = RW_LOG_FORMAT_JSON};
        struct expect e = base;

        (void)state;
        e.command = RW_CMD_CREATE;
        e.command_name = "create";
        e.bundle = CTR_TASK;
        check_passthrough(ARGV("--root", CTR_ROOT, "--log", CTR_TASK "/log.json", "--log-format",
                               "json", "create", "--bundle", CTR_TASK, "--pid-file",
                               CTR_TASK "/init.pid", "c1"),
                          &e);

        e = base;
        e.command = RW_CMD_START;
        check_passthrough(ARGV("--root", CTR_ROOT, "--log", CTR_TASK "/log.json", "--log-format",
                               "json", "start", "c1"),
                          &e);

        e = base;
        e.command = RW_CMD_DELETE;
        e.command_name = "delete";
        check_passthrough(ARGV("--root", CTR_ROOT, "--log", CTR_TASK "/log.json", "--log-format",
                               "json", "delete", "c1"),
                          &e);
        check_passthrough(ARGV("--root", CTR_ROOT, "--log", CTR_TASK "/log.json", "--log-format",
                               "json", "delete", "--force", "c1"),
                          &e);
}

/* podman through conmon */

static void test_podman(void **state)
{
        (void)state;
        check_passthrough(ARGV("--systemd-cgroup", "--log-format=json", "--log",
                               PODMAN_DIR "/oci-log", "create", "--bundle", PODMAN_DIR,
                               "--pid-file", PODMAN_DIR "/pidfile", "--console-socket",
                               "/run/libpod/socket/" PODMAN_ID "/attach", PODMAN_ID),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = PODMAN_ID,
                                           .bundle = PODMAN_DIR,
                                           .log = PODMAN_DIR "/oci-log",
                                           .log_format = RW_LOG_FORMAT_JSON});
        check_passthrough(ARGV("--systemd-cgroup", "state", PODMAN_ID),
                          &(struct expect){.command = RW_CMD_STATE,
                                           .command_name = "state",
                                           .container_id = PODMAN_ID});
        check_passthrough(ARGV("--systemd-cgroup", "kill", PODMAN_ID, "15"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = PODMAN_ID,
                                           .signal = "15"});
        check_passthrough(ARGV("--systemd-cgroup", "delete", "--force", PODMAN_ID),
                          &(struct expect){.command = RW_CMD_DELETE,
                                           .command_name = "delete",
                                           .container_id = PODMAN_ID});
        check_passthrough(ARGV("--systemd-cgroup", "--log-format=json", "--log",
                               PODMAN_DIR "/oci-log", "exec", "--process",
                               "/tmp/podman-exec-process", "--detach", "--pid-file",
                               PODMAN_DIR "/exec_pid", "--console-socket",
                               "/run/libpod/socket/exec/attach", PODMAN_ID),
                          &(struct expect){.command = RW_CMD_EXEC,
                                           .command_name = "exec",
                                           .container_id = PODMAN_ID,
                                           .process = "/tmp/podman-exec-process",
                                           .log = PODMAN_DIR "/oci-log",
                                           .log_format = RW_LOG_FORMAT_JSON});
}

/* CRI-O */

static void test_crio(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root", "/run/runc", "--systemd-cgroup", "kill", CRIO_ID, "KILL"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = CRIO_ID,
                                           .signal = "KILL",
                                           .root = "/run/runc"});
        check_passthrough(ARGV("--root", "/run/runc", "kill", CRIO_ID, "SIGKILL"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = CRIO_ID,
                                           .signal = "SIGKILL",
                                           .root = "/run/runc"});
        check_passthrough(ARGV("--root", "/run/runc", "--systemd-cgroup", "create", "--bundle",
                               CRIO_DIR, "--pid-file", CRIO_DIR "/pidfile", "--no-pivot", CRIO_ID),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = CRIO_ID,
                                           .bundle = CRIO_DIR,
                                           .root = "/run/runc"});
        /* "-" is the value of --resources (stdin), not a flag and not the container */
        check_passthrough(ARGV("--root", "/run/runc", "update", "--resources", "-", CRIO_ID),
                          &(struct expect){.command = RW_CMD_UPDATE,
                                           .command_name = "update",
                                           .container_id = CRIO_ID,
                                           .root = "/run/runc"});
}

static void test_no_command(void **state)
{
        (void)state;
        check_passthrough(ARGV("features"),
                          &(struct expect){.command = RW_CMD_FEATURES, .command_name = "features"});
        check_passthrough(ARGV("--version"), &(struct expect){.version = true});
        check_passthrough(ARGV("-v"), &(struct expect){.version = true});
        check_passthrough(ARGV("--help"), &(struct expect){.help = true});
        check_passthrough(ARGV("-h"), &(struct expect){.help = true});
        check_passthrough(ARGV("-help=false"), &(struct expect){0});
        check_passthrough(((char *const[]){"runwarden", NULL}), &(struct expect){0});
        check_passthrough(ARGV("--debug"), &(struct expect){.debug = true});
        check_passthrough(ARGV("--debug", "--"), &(struct expect){.debug = true});
        /* --help before a command: runc shows its help and runs nothing */
        check_passthrough(ARGV("--help", "create", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b",
                                           .help = true});
}

static void test_equals_forms(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root=/run/r", "--log=/l.json", "--log-format=json", "-debug=true",
                               "create", "--bundle=/b", "--pid-file=/b/pid", "--console-socket=/s",
                               "--preserve-fds=2", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b",
                                           .root = "/run/r",
                                           .log = "/l.json",
                                           .log_format = RW_LOG_FORMAT_JSON,
                                           .debug = true});
        check_passthrough(ARGV("-root", "/r", "-log-format", "text", "create", "-b=/x", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/x",
                                           .root = "/r"});
        check_passthrough(ARGV("create", "-bundle", "/x", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/x"});
        check_passthrough(ARGV("create", "-b", "/x", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/x"});
        check_passthrough(ARGV("run", "--bundle=/x", "-d", "--keep", "c1"),
                          &(struct expect){.command = RW_CMD_RUN,
                                           .command_name = "run",
                                           .container_id = "c1",
                                           .bundle = "/x"});
        /* a value may itself contain "=" */
        check_passthrough(ARGV("--log=/var/log/a=b.json", "create", "--bundle=/b=c", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b=c",
                                           .log = "/var/log/a=b.json"});
}

/* Booleans never take the next argument; "=value" is Go's strconv.ParseBool. */
static void test_booleans(void **state)
{
        const struct expect create = {.command = RW_CMD_CREATE,
                                      .command_name = "create",
                                      .container_id = "c1",
                                      .bundle = "/b"};
        struct expect e = create;

        (void)state;
        check_passthrough(ARGV("--systemd-cgroup=true", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--systemd-cgroup", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--systemd-cgroup=false", "create", "--bundle", "/b", "c1"), &e);

        e.debug = true;
        check_passthrough(ARGV("--debug", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug=1", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug=TRUE", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug=t", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug=True", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug=T", "create", "--bundle", "/b", "c1"), &e);
        e.debug = false;
        check_passthrough(ARGV("--debug", "--debug=false", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug", "--debug=0", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug", "--debug=F", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug", "--debug=False", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug", "--debug=f", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--debug", "--debug=FALSE", "create", "--bundle", "/b", "c1"), &e);
        /* not a boolean: runc refuses the command line; nothing is recorded as set */
        check_passthrough(ARGV("--debug=yes", "create", "--bundle", "/b", "c1"), &e);

        /* command booleans do not eat the container id */
        check_passthrough(ARGV("create", "--no-pivot", "--no-new-keyring", "--bundle", "/b", "c1"),
                          &e);
        check_passthrough(ARGV("create", "--bundle", "/b", "--no-pivot=true", "c1"), &e);
        check_passthrough(ARGV("kill", "--all", "c1", "KILL"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = "c1",
                                           .signal = "KILL"});
        check_passthrough(
            ARGV("kill", "-a", "c1"),
            &(struct expect){.command = RW_CMD_KILL, .command_name = "kill", .container_id = "c1"});
}

static void test_rootless_takes_value(void **state)
{
        const struct expect e = {.command = RW_CMD_CREATE,
                                 .command_name = "create",
                                 .container_id = "c1",
                                 .bundle = "/b"};

        (void)state;
        check_passthrough(ARGV("--rootless", "true", "create", "--bundle", "/b", "c1"), &e);
        check_passthrough(ARGV("--rootless", "auto", "--root", "/r", "create", "-b", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b",
                                           .root = "/r"});
        check_passthrough(ARGV("--rootless=false", "create", "--bundle", "/b", "c1"), &e);
        /* spec's own --rootless is a boolean */
        check_passthrough(ARGV("spec", "--rootless", "--bundle", "/b"),
                          &(struct expect){.command = RW_CMD_SPEC, .command_name = "spec"});
}

static void test_restore_and_checkpoint(void **state)
{
        (void)state;
        check_passthrough(ARGV("restore", "-no-subreaper", "--image-path", "/img", "--bundle", "/b",
                               "--detach", "--pid-file", "/p", "c1"),
                          &(struct expect){.command = RW_CMD_RESTORE,
                                           .command_name = "restore",
                                           .container_id = "c1",
                                           .bundle = "/b"});
        check_passthrough(ARGV("restore", "--tcp-established", "--manage-cgroups-mode", "soft",
                               "--empty-ns", "network", "--lsm-profile", "apparmor:p", "-b", "/b",
                               "--lazy-pages", "c1"),
                          &(struct expect){.command = RW_CMD_RESTORE,
                                           .command_name = "restore",
                                           .container_id = "c1",
                                           .bundle = "/b"});
        check_passthrough(ARGV("checkpoint", "--image-path", "/img", "--leave-running",
                               "--work-path", "/w", "--pre-dump", "--status-fd", "3", "c1"),
                          &(struct expect){.command = RW_CMD_CHECKPOINT,
                                           .command_name = "checkpoint",
                                           .container_id = "c1"});
}

static void test_own_flags_removed(void **state)
{
        char *const *argv;

        (void)state;
        argv = ARGV("--runtime", "/usr/sbin/runc", "--mode=audit", "--root", "/r", "create",
                    "--bundle", "/b", "c1");
        check(argv, ARGV("--root", "/r", "create", "--bundle", "/b", "c1"),
              &(struct expect){.command = RW_CMD_CREATE,
                               .command_name = "create",
                               .container_id = "c1",
                               .bundle = "/b",
                               .root = "/r",
                               .mode = RW_MODE_AUDIT,
                               .runtime = "/usr/sbin/runc"});

        argv = ARGV("--root", "/r", "-runtime=/opt/runc", "--log", "/l", "-mode", "enforce",
                    "--seccomp-dir", "/etc/rw/seccomp", "--log-format", "json", "start", "c1");
        check(argv, ARGV("--root", "/r", "--log", "/l", "--log-format", "json", "start", "c1"),
              &(struct expect){.command = RW_CMD_START,
                               .command_name = "start",
                               .container_id = "c1",
                               .root = "/r",
                               .log = "/l",
                               .log_format = RW_LOG_FORMAT_JSON,
                               .mode = RW_MODE_ENFORCE,
                               .runtime = "/opt/runc",
                               .seccomp_dir = "/etc/rw/seccomp"});

        argv = ARGV("--seccomp-dir=/s", "--mode", "audit", "--mode", "enforce", "--version");
        check(argv, ARGV("--version"),
              &(struct expect){.version = true, .mode = RW_MODE_ENFORCE, .seccomp_dir = "/s"});

        argv = ARGV("-seccomp-dir", "/s", "--runtime=/a", "--runtime", "/b");
        check(argv, ((char *const[]){"runwarden", NULL}),
              &(struct expect){.runtime = "/b", .seccomp_dir = "/s"});

        /* after the command they are the command's (unknown) flags and go to runc untouched */
        argv = ARGV("--mode", "audit", "create", "--runtime", "/x", "--bundle", "/b", "c1");
        check(argv, ARGV("create", "--runtime", "/x", "--bundle", "/b", "c1"),
              &(struct expect){.command = RW_CMD_CREATE,
                               .command_name = "create",
                               .container_id = "/x",
                               .bundle = "/b",
                               .mode = RW_MODE_AUDIT});

        /* a runc flag's value is never one of ours */
        check_passthrough(ARGV("--root", "--runtime", "create", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b",
                                           .root = "--runtime"});
        /* nor after "--" */
        check_passthrough(ARGV("--", "--runtime", "/x"),
                          &(struct expect){.command = RW_CMD_UNKNOWN, .command_name = "--runtime"});
}

static void test_own_flag_errors(void **state)
{
        (void)state;
        check_error(ARGV("--runtime"), "--runtime");
        check_error(ARGV("--root", "/r", "-runtime"), "--runtime");
        check_error(ARGV("--runtime", "runc", "create", "--bundle", "/b", "c1"), "--runtime");
        check_error(ARGV("--runtime=./runc", "create", "c1"), "--runtime");
        check_error(ARGV("--runtime=", "create", "c1"), "--runtime");
        /* Go's flag package takes the next argument whatever it is */
        check_error(ARGV("--runtime", "--mode", "audit", "create", "c1"), "--runtime");
        check_error(ARGV("--mode", "bogus", "create", "c1"), "--mode");
        check_error(ARGV("--mode=AUDIT", "create", "c1"), "--mode");
        check_error(ARGV("--mode="), "--mode");
        check_error(ARGV("--mode"), "--mode");
        check_error(ARGV("--seccomp-dir", "profiles", "create", "c1"), "--seccomp-dir");
        check_error(ARGV("--seccomp-dir"), "--seccomp-dir");
        /* the last one is checked even after a good one */
        check_error(ARGV("--mode", "audit", "--mode", "x", "create", "c1"), "--mode");
}

static void test_unknown_passthrough(void **state)
{
        (void)state;
        /* unknown global flags take no separate value */
        check_passthrough(ARGV("--weird", "create", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b"});
        check_passthrough(ARGV("--weird=x y", "-z", "--root", "/r", "kill", "c1", "TERM"),
                          &(struct expect){.command = RW_CMD_KILL,
                                           .command_name = "kill",
                                           .container_id = "c1",
                                           .signal = "TERM",
                                           .root = "/r"});
        check_passthrough(ARGV("---bad", "-=x", "state", "c1"),
                          &(struct expect){.command = RW_CMD_STATE,
                                           .command_name = "state",
                                           .container_id = "c1"});
        /* unknown command flags are booleans unless written with "=" */
        check_passthrough(ARGV("create", "--future-flag", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b"});
        check_passthrough(ARGV("create", "--future=v", "c1", "--bundle", "/b"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b"});
        /* unknown commands: named, nothing read from their arguments */
        check_passthrough(ARGV("--root", "/r", "frobnicate", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_UNKNOWN,
                                           .command_name = "frobnicate",
                                           .root = "/r"});
        check_passthrough(ARGV("help", "create"),
                          &(struct expect){.command = RW_CMD_UNKNOWN, .command_name = "help"});
        check_passthrough(ARGV("CREATE", "c1"),
                          &(struct expect){.command = RW_CMD_UNKNOWN, .command_name = "CREATE"});
        /* a lone "-" is not a flag: here it is the command */
        check_passthrough(
            ARGV("--debug", "-", "create"),
            &(struct expect){.command = RW_CMD_UNKNOWN, .command_name = "-", .debug = true});
        /* non-ASCII and empty arguments go through byte for byte */
        check_passthrough(ARGV("--log", "/tmp/\xc3\xa9t\xc3\xa9.json", "create", "", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "",
                                           .log = "/tmp/\xc3\xa9t\xc3\xa9.json"});
}

static void test_exec(void **state)
{
        const struct expect base = {
            .command = RW_CMD_EXEC, .command_name = "exec", .container_id = "c1"};
        struct expect e = base;

        (void)state;
        e.exec_cap = "CAP_SYS_ADMIN";
        check_passthrough(
            ARGV("exec", "--cap", "CAP_SYS_ADMIN", "--cap", "CAP_NET_ADMIN", "c1", "sh"), &e);
        check_passthrough(ARGV("exec", "-c", "CAP_SYS_ADMIN", "c1", "sh"), &e);
        check_passthrough(ARGV("exec", "-t", "--cap=CAP_SYS_ADMIN", "-c=CAP_BPF", "c1", "sh"), &e);

        e = base;
        e.exec_cwd = "/tmp";
        e.process = "/p2.json";
        check_passthrough(ARGV("exec", "--cwd", "/tmp", "-e", "A=b", "--user", "0:0", "-g", "10",
                               "-p", "/p1.json", "--process", "/p2.json", "--tty", "c1"),
                          &e);

        /* runc does not reorder exec: after the container id everything is the process's */
        e = base;
        check_passthrough(ARGV("exec", "--detach", "c1", "sh", "--cap", "CAP_SYS_ADMIN", "-p",
                               "/p.json", "--cwd", "/"),
                          &e);
        check_passthrough(ARGV("exec", "--preserve-fds", "2", "--ignore-paused", "--cgroup", "a",
                               "--process-label", "l", "--apparmor", "x", "--no-new-privs", "c1"),
                          &e);
}

/* urfave reorders a command's known flags in front of its positional arguments. */
static void test_reorder(void **state)
{
        const struct expect del = {
            .command = RW_CMD_DELETE, .command_name = "delete", .container_id = "c1"};
        const struct expect create = {.command = RW_CMD_CREATE,
                                      .command_name = "create",
                                      .container_id = "c1",
                                      .bundle = "/b"};

        (void)state;
        check_passthrough(ARGV("delete", "c1", "--force"), &del);
        check_passthrough(ARGV("delete", "--force", "c1"), &del);
        check_passthrough(ARGV("delete", "-f", "c1"), &del);
        check_passthrough(ARGV("create", "c1", "--bundle", "/b"), &create);
        check_passthrough(ARGV("create", "c1", "--pid-file", "/p", "--bundle", "/b", "--no-pivot"),
                          &create);
        /* a repeated flag keeps its last value, as in Go */
        check_passthrough(ARGV("create", "--bundle", "/a", "c1", "--bundle", "/b"), &create);
        /* values starting with "-" stay with their flag */
        check_passthrough(ARGV("update", "--memory-swap", "-1", "c1"),
                          &(struct expect){.command = RW_CMD_UPDATE,
                                           .command_name = "update",
                                           .container_id = "c1"});
        check_passthrough(ARGV("update", "c1", "-r", "-"),
                          &(struct expect){.command = RW_CMD_UPDATE,
                                           .command_name = "update",
                                           .container_id = "c1"});
        /* a value flag takes the next argument even when it is a known flag (Go does) */
        check_passthrough(ARGV("create", "--bundle", "--no-pivot", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "--no-pivot"});
        /* and urfave moves the argument after a boolean along with it: runc itself reads
         * "kill c1 --all 9" as container "9", signal "c1" */
        check_passthrough(ARGV("kill", "c1", "--all", "9"), &(struct expect){.command = RW_CMD_KILL,
                                                                             .command_name = "kill",
                                                                             .container_id = "9",
                                                                             .signal = "c1"});
        /* -h inside a command is a boolean that takes no value, and is recorded: runc prints
         * the command's help and does nothing else */
        check_passthrough(ARGV("delete", "-h", "c1"), &(struct expect){.command = RW_CMD_DELETE,
                                                                       .command_name = "delete",
                                                                       .container_id = "c1",
                                                                       .help = true});
        check_passthrough(ARGV("state", "c1", "--help"), &(struct expect){.command = RW_CMD_STATE,
                                                                          .command_name = "state",
                                                                          .container_id = "c1",
                                                                          .help = true});
        /* ps is not reordered either: ps(1) options follow the container id */
        check_passthrough(
            ARGV("ps", "--format", "json", "c1", "-f", "table", "-ef"),
            &(struct expect){.command = RW_CMD_PS, .command_name = "ps", .container_id = "c1"});
        check_passthrough(
            ARGV("ps", "c1", "-e", "-f"),
            &(struct expect){.command = RW_CMD_PS, .command_name = "ps", .container_id = "c1"});
        check_passthrough(ARGV("list", "-q", "--format", "json"),
                          &(struct expect){.command = RW_CMD_LIST, .command_name = "list"});
        check_passthrough(ARGV("events", "--interval", "5s", "--stats", "c1"),
                          &(struct expect){.command = RW_CMD_EVENTS,
                                           .command_name = "events",
                                           .container_id = "c1"});
}

static void test_double_dash(void **state)
{
        const struct expect create = {.command = RW_CMD_CREATE,
                                      .command_name = "create",
                                      .container_id = "c1",
                                      .bundle = "/b"};

        (void)state;
        /* "--" ends the global flags; the next argument is the command */
        check_passthrough(ARGV("--debug", "--", "create", "--bundle", "/b", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "/b",
                                           .debug = true});
        /* within a command, flags after "--" are positional */
        check_passthrough(ARGV("create", "--bundle", "/b", "--", "c1"), &create);
        check_passthrough(ARGV("create", "c1", "--bundle", "/b", "--", "--bundle", "/x"), &create);
        check_passthrough(ARGV("create", "--", "--bundle", "/b"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "--bundle"});
        check_passthrough(ARGV("kill", "c1", "--", "9"), &(struct expect){.command = RW_CMD_KILL,
                                                                          .command_name = "kill",
                                                                          .container_id = "c1",
                                                                          .signal = "9"});
        /* right after a value flag, "--" is its value */
        check_passthrough(ARGV("create", "--bundle", "--", "c1"),
                          &(struct expect){.command = RW_CMD_CREATE,
                                           .command_name = "create",
                                           .container_id = "c1",
                                           .bundle = "--"});
        check_passthrough(ARGV("--root", "--", "start", "c1"),
                          &(struct expect){.command = RW_CMD_START,
                                           .command_name = "start",
                                           .container_id = "c1",
                                           .root = "--"});
        /* and after a boolean urfave moves it next to the flag, where Go ends on it */
        check_passthrough(ARGV("delete", "--force", "--", "c1"),
                          &(struct expect){.command = RW_CMD_DELETE,
                                           .command_name = "delete",
                                           .container_id = "c1"});
}

/* Where runc would refuse the command line, nothing false is recorded. */
static void test_missing_runc_values(void **state)
{
        (void)state;
        check_passthrough(ARGV("--root"), &(struct expect){0});
        check_passthrough(ARGV("--debug", "--log"), &(struct expect){.debug = true});
        check_passthrough(ARGV("create", "--bundle"),
                          &(struct expect){.command = RW_CMD_CREATE, .command_name = "create"});
        check_passthrough(
            ARGV("exec", "c1", "--process"),
            &(struct expect){.command = RW_CMD_EXEC, .command_name = "exec", .container_id = "c1"});
        check_passthrough(ARGV("exec", "--process"),
                          &(struct expect){.command = RW_CMD_EXEC, .command_name = "exec"});
        check_passthrough(ARGV("--log-format", "xml", "kill"),
                          &(struct expect){.command = RW_CMD_KILL, .command_name = "kill"});
        check_passthrough(ARGV("--log-format=json", "--log-format", "text", "pause", "c1"),
                          &(struct expect){.command = RW_CMD_PAUSE,
                                           .command_name = "pause",
                                           .container_id = "c1"});
}

static void test_all_commands(void **state)
{
        static const struct {
                const char *name;
                enum rw_command command;
                bool takes_bundle;
        } cases[] = {
            {"create", RW_CMD_CREATE, true},
            {"run", RW_CMD_RUN, true},
            {"start", RW_CMD_START, false},
            {"exec", RW_CMD_EXEC, false},
            {"kill", RW_CMD_KILL, false},
            {"delete", RW_CMD_DELETE, false},
            {"state", RW_CMD_STATE, false},
            {"list", RW_CMD_LIST, false},
            {"ps", RW_CMD_PS, false},
            {"pause", RW_CMD_PAUSE, false},
            {"resume", RW_CMD_RESUME, false},
            {"events", RW_CMD_EVENTS, false},
            {"update", RW_CMD_UPDATE, false},
            {"features", RW_CMD_FEATURES, false},
            {"checkpoint", RW_CMD_CHECKPOINT, false},
            {"restore", RW_CMD_RESTORE, true},
            {"spec", RW_CMD_SPEC, false},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char name[32];

                strcpy(name, cases[i].name);
                check_passthrough(ARGV(name, "c1"), &(struct expect){.command = cases[i].command,
                                                                     .command_name = name,
                                                                     .container_id = "c1"});
                assert_int_equal(rw_cli_command_takes_bundle(cases[i].command),
                                 cases[i].takes_bundle);
        }
        assert_false(rw_cli_command_takes_bundle(RW_CMD_NONE));
        assert_false(rw_cli_command_takes_bundle(RW_CMD_UNKNOWN));
}

static void test_bad_input(void **state)
{
        struct rw_error err = {0};
        struct rw_cli cli;

        (void)state;
        assert_int_equal(rw_cli_parse(0, (char *const[]){NULL}, &cli, &err), -EINVAL);
        assert_int_equal(err.code, EINVAL);
        assert_null(cli.delegate_argv);
        rw_cli_clear(&cli);
        rw_cli_clear(NULL);
}

/* A bad runwarden flag still tells the caller where the engine's log is. */
static void test_error_keeps_log(void **state)
{
        char *argv[] = {"runwarden",    "--runtime", "runc",   "--log", "/run/x/log.json",
                        "--log-format", "json",      "create", "ID",    NULL};
        struct rw_cli cli;
        struct rw_error err = {0};

        (void)state;
        assert_true(rw_cli_parse(9, argv, &cli, &err) < 0);
        assert_non_null(strstr(err.msg, "runtime"));
        assert_string_equal(cli.log, "/run/x/log.json");
        assert_int_equal(cli.log_format, RW_LOG_FORMAT_JSON);
        assert_null(cli.delegate_argv);
        rw_cli_clear(&cli);
}

/* --policy and --tier are runwarden's: read, and removed from the delegate's argv. */
/* --egress-hook is runwarden's own; runsc's --network and --allow-flag-override are read and
 * handed on (egress.gvisor judges them). */
static void test_egress_flags(void **state)
{
        char *argv[] = {"runwarden",
                        "--egress-hook",
                        "/opt/rw/hook",
                        "--network",
                        "host",
                        "-allow-flag-override",
                        "--platform=ptrace",
                        "create",
                        "--bundle",
                        "/b",
                        "ID",
                        NULL};
        char *bad[] = {"runwarden", "--egress-hook=hook", "create", "ID", NULL};
        struct rw_cli cli;
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(rw_cli_parse(11, argv, &cli, &err), 0);
        assert_string_equal(cli.egress_hook, "/opt/rw/hook");
        assert_string_equal(cli.runsc_network, "host");
        assert_true(cli.runsc_flag_override);
        assert_int_equal(cli.command, RW_CMD_CREATE);
        assert_int_equal(cli.delegate_argc, 9);
        assert_string_equal(cli.delegate_argv[1], "--network");
        assert_string_equal(cli.delegate_argv[2], "host");
        assert_string_equal(cli.delegate_argv[3], "-allow-flag-override");
        assert_string_equal(cli.delegate_argv[4], "--platform=ptrace");
        assert_string_equal(cli.delegate_argv[5], "create");
        rw_cli_clear(&cli);
        assert_true(rw_cli_parse(4, bad, &cli, &err) < 0);
        assert_non_null(strstr(err.msg, "--egress-hook must be an absolute path"));
        rw_cli_clear(&cli);
}

static void test_policy_and_tier_flags(void **state)
{
        char *argv[] = {"runwarden-untrusted",
                        "--policy=/etc/rw/p.json",
                        "--root",
                        "/r",
                        "--tier",
                        "service",
                        "create",
                        "--bundle",
                        "/b",
                        "ID",
                        NULL};
        char *bad[] = {"runwarden", "--policy", "relative.json", "state", "ID", NULL};
        struct rw_cli cli;
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(rw_cli_parse(10, argv, &cli, &err), 0);
        assert_string_equal(cli.policy, "/etc/rw/p.json");
        assert_string_equal(cli.tier, "service");
        assert_string_equal(cli.bundle, "/b");
        assert_int_equal(cli.delegate_argc, 7);
        assert_string_equal(cli.delegate_argv[1], "--root");
        assert_string_equal(cli.delegate_argv[2], "/r");
        assert_string_equal(cli.delegate_argv[3], "create");
        assert_null(cli.delegate_argv[7]);
        rw_cli_clear(&cli);
        assert_true(rw_cli_parse(5, bad, &cli, &err) < 0);
        assert_non_null(strstr(err.msg, "--policy must be an absolute path"));
        rw_cli_clear(&cli);
}

/* `create --help` prints runc's help and creates nothing: recorded, so runwarden only hands off. */
static void test_command_help(void **state)
{
        char *argv[] = {"runwarden", "create", "--help", NULL};
        char *exec_argv[] = {"runwarden", "exec", "ID", "sh", "--help", NULL};
        struct rw_cli cli;
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(rw_cli_parse(3, argv, &cli, &err), 0);
        assert_true(cli.help);
        assert_int_equal(cli.command, RW_CMD_CREATE);
        rw_cli_clear(&cli);
        /* after exec's container id everything is the process's own argv */
        assert_int_equal(rw_cli_parse(5, exec_argv, &cli, &err), 0);
        assert_false(cli.help);
        rw_cli_clear(&cli);
}

/* The --process file named anew where runc reads it from, in every spelling; the rest untouched. */
static void assert_process_replaced(char *const *argv, const char *const *want)
{
        struct rw_cli cli;
        struct rw_error err = {0};
        size_t n = 0;

        assert_int_equal(rw_cli_parse(count(argv), argv, &cli, &err), 0);
        assert_int_equal(rw_cli_replace_process(&cli, "/proc/self/fd/7"), 0);
        while (want[n] != NULL)
                n++;
        assert_int_equal(cli.delegate_argc, n);
        for (size_t i = 0; i < n; i++)
                assert_str("delegate argv", cli.delegate_argv[i], want[i]);
        /* what runwarden reads from now on is the new name too */
        assert_str("process", cli.process, "/proc/self/fd/7");
        rw_cli_clear(&cli);
}

static void test_replace_process(void **state)
{
        struct rw_cli cli;
        struct rw_error err = {0};

        (void)state;
        assert_process_replaced(
            ARGV("--root", "/r", "exec", "--process", "/tmp/p.json", "-d", "c1"),
            (const char *const[]){"runwarden", "--root", "/r", "exec", "--process",
                                  "/proc/self/fd/7", "-d", "c1", NULL});
        assert_process_replaced(
            ARGV("exec", "-p", "/tmp/p.json", "c1"),
            (const char *const[]){"runwarden", "exec", "-p", "/proc/self/fd/7", "c1", NULL});
        assert_process_replaced(
            ARGV("exec", "--process=/tmp/p.json", "c1"),
            (const char *const[]){"runwarden", "exec", "--process=/proc/self/fd/7", "c1", NULL});
        assert_process_replaced(
            ARGV("exec", "-p=", "c1"),
            (const char *const[]){"runwarden", "exec", "-p=/proc/self/fd/7", "c1", NULL});
        /* Go keeps the last value: that one is replaced, the earlier one runc ignores stays */
        assert_process_replaced(
            ARGV("exec", "--process", "/tmp/a.json", "-process", "/tmp/b.json", "c1"),
            (const char *const[]){"runwarden", "exec", "--process", "/tmp/a.json", "-process",
                                  "/proc/self/fd/7", "c1", NULL});
        /* the same text twice: the element runc reads, not the first that looks alike */
        assert_process_replaced(
            ARGV("exec", "--process", "c1", "c1"),
            (const char *const[]){"runwarden", "exec", "--process", "/proc/self/fd/7", "c1", NULL});
        /* runwarden's own flags are not handed on, and do not move the element */
        assert_process_replaced(
            ARGV("--policy", "/p.json", "exec", "--process", "/tmp/p.json", "c1"),
            (const char *const[]){"runwarden", "exec", "--process", "/proc/self/fd/7", "c1", NULL});

        assert_int_equal(
            rw_cli_parse(count(ARGV("exec", "c1", "sh")), ARGV("exec", "c1", "sh"), &cli, &err), 0);
        assert_int_equal(rw_cli_replace_process(&cli, "/proc/self/fd/7"), -ENOENT);
        rw_cli_clear(&cli);
}

static void test_preserve_fds(void **state)
{
        static const struct {
                const char *value; /* NULL: no flag */
                bool plain;
                unsigned n;
        } cases[] = {
            {NULL, true, 0},      {"0", true, 0},     {"3", true, 3},
            {"4096", true, 4096}, {"4097", false, 0}, {"99999999999", false, 0},
            {"010", false, 0},    {"0x10", false, 0}, {"+5", false, 0},
            {"-1", false, 0},     {"1_0", false, 0},  {"", false, 0},
            {" 5", false, 0},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct rw_cli cli;
                struct rw_error err = {0};
                char *const *argv = cases[i].value != NULL ? (char *const[]){"runwarden",
                                                                             "exec",
                                                                             "--preserve-fds",
                                                                             (char *)cases[i].value,
                                                                             "c1",
                                                                             "sh",
                                                                             NULL}
                                                           : ARGV("exec", "c1", "sh");
                unsigned n = 99;

                assert_int_equal(rw_cli_parse(count(argv), argv, &cli, &err), 0);
                if (rw_cli_preserve_fds(&cli, 4096, &n) != cases[i].plain)
                        fail_msg("--preserve-fds %s: plain %d expected", cases[i].value,
                                 cases[i].plain);
                if (cases[i].plain)
                        assert_int_equal(n, cases[i].n);
                rw_cli_clear(&cli);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_error_keeps_log),
            cmocka_unit_test(test_policy_and_tier_flags),
            cmocka_unit_test(test_egress_flags),
            cmocka_unit_test(test_command_help),
            cmocka_unit_test(test_docker_create),
            cmocka_unit_test(test_docker_create_console_socket),
            cmocka_unit_test(test_docker_start),
            cmocka_unit_test(test_docker_exec),
            cmocka_unit_test(test_docker_kill),
            cmocka_unit_test(test_docker_delete),
            cmocka_unit_test(test_containerd),
            cmocka_unit_test(test_podman),
            cmocka_unit_test(test_crio),
            cmocka_unit_test(test_no_command),
            cmocka_unit_test(test_equals_forms),
            cmocka_unit_test(test_booleans),
            cmocka_unit_test(test_rootless_takes_value),
            cmocka_unit_test(test_restore_and_checkpoint),
            cmocka_unit_test(test_own_flags_removed),
            cmocka_unit_test(test_own_flag_errors),
            cmocka_unit_test(test_unknown_passthrough),
            cmocka_unit_test(test_exec),
            cmocka_unit_test(test_reorder),
            cmocka_unit_test(test_double_dash),
            cmocka_unit_test(test_missing_runc_values),
            cmocka_unit_test(test_all_commands),
            cmocka_unit_test(test_bad_input),
            cmocka_unit_test(test_replace_process),
            cmocka_unit_test(test_preserve_fds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
