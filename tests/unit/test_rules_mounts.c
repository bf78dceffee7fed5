/* SPDX-License-Identifier: Apache-2.0 */
/* The mount rules (engine-socket, host-mount, bind-options, kernel-fs-mount) and the root
 * filesystem rules (readonly-rootfs, scratch-tmpfs), on real engine fixtures and crafted specs. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"

#define MIB (1024u * 1024u)

static const struct rw_scratch_mount test_scratch[] = {
    {"/tmp", 512 * (uint64_t)MIB, 01777},
    {"/var/tmp", 512 * (uint64_t)MIB, 01777},
    {"/run", 64 * (uint64_t)MIB, 0755},
    {NULL, 512 * (uint64_t)MIB, 0700},
    {NULL, 0, 0},
};

static struct rw_settings test_settings(void)
{
        return (struct rw_settings){
            .pids_limit = 1000,
            .scratch = test_scratch,
            .readonly_rootfs = true,
        };
}

/* helpers */

static void add_fact(struct rw_host_facts *facts, const char *path, const char *real, mode_t mode)
{
        struct rw_error err = {0};

        assert_int_equal(rw_facts_add_path(facts, path, 0, real, mode, 8, 1000, &err), 0);
}

static void add_missing(struct rw_host_facts *facts, const char *path)
{
        struct rw_error err = {0};

        assert_int_equal(rw_facts_add_path(facts, path, ENOENT, NULL, 0, 0, 0, &err), 0);
}

/* The well-known sockets as the gatherer records them on a host where /var/run -> /run. */
static void init_facts(struct rw_host_facts *facts)
{
        static const char *const sockets[] = {
            "/var/run/docker.sock",
            "/run/docker.sock",
            "/var/run/containerd/containerd.sock",
            "/run/containerd/containerd.sock",
        };

        rw_test_facts_init(facts);
        facts->engine_sockets = calloc(RW_ELEMENTSOF(sockets), sizeof(char *));
        assert_non_null(facts->engine_sockets);
        for (size_t i = 0; i < RW_ELEMENTSOF(sockets); i++) {
                facts->engine_sockets[i] = strdup(sockets[i]);
                assert_non_null(facts->engine_sockets[i]);
                facts->n_engine_sockets++;
        }
}

/* Facts for every bind source not yet described: a regular file, where the spec says. A
 * fixture's docker container id (its containers/ID/hosts) becomes the container's own. */
static void add_plain_facts(struct rw_host_facts *facts, const json_t *spec)
{
        static const char prefix[] = "/var/lib/docker/containers/";
        size_t i;
        json_t *m;

        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                const char *source = json_string_value(json_object_get(m, "source"));

                if (source != NULL && strncmp(source, prefix, sizeof(prefix) - 1) == 0) {
                        const char *id = source + sizeof(prefix) - 1;

                        free(facts->container_id);
                        facts->container_id = strndup(id, strcspn(id, "/"));
                        assert_non_null(facts->container_id);
                }
        }

        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                const char *type = json_string_value(json_object_get(m, "type"));
                const char *source = json_string_value(json_object_get(m, "source"));

                if (type != NULL && strcmp(type, "bind") == 0 &&
                    rw_facts_lookup(facts, source) == NULL)
                        add_fact(facts, source, source, S_IFREG | 0644);
        }
}

/* A spec with these mounts (a JSON array text), the process env and user given. */
static json_t *make_spec(const char *mounts, const char *env, const char *user)
{
        _cleanup_free_ char *text = NULL;

        assert_true(asprintf(&text,
                             "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                             "\"process\":{\"user\":%s,\"env\":%s,\"args\":[\"true\"],"
                             "\"cwd\":\"/\"}%s%s}",
                             user != NULL ? user : "{\"uid\":0,\"gid\":0}",
                             env != NULL ? env : "[\"PATH=/usr/bin:/bin\"]",
                             mounts != NULL ? ",\"mounts\":" : "",
                             mounts != NULL ? mounts : "") > 0);
        return rw_test_parse(text);
}

static json_t *one_bind(const char *source, const char *destination)
{
        _cleanup_free_ char *mounts = NULL;

        assert_true(asprintf(&mounts,
                             "[{\"destination\":\"%s\",\"type\":\"bind\",\"source\":\"%s\","
                             "\"options\":[\"rbind\",\"rprivate\"]}]",
                             destination, source) > 0);
        return make_spec(mounts, NULL, NULL);
}

static void assert_json(const json_t *actual, const char *expected_text)
{
        _cleanup_json_ json_t *expected = rw_test_parse(expected_text);

        if (actual == NULL || !json_equal(actual, expected)) {
                _cleanup_free_ char *a =
                    actual != NULL ? json_dumps(actual, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

                fail_msg("got %s, want %s", a != NULL ? a : "(nothing)", expected_text);
        }
}

static size_t count_denials(const struct rw_plan *plan, const char *rule)
{
        size_t n = 0;

        for (size_t i = 0; i < plan->n_denials; i++)
                if (strcmp(plan->denials[i].rule, rule) == 0)
                        n++;
        return n;
}

static const struct rw_denial *find_denial_item(const struct rw_plan *plan, const char *rule,
                                                const char *item)
{
        for (size_t i = 0; i < plan->n_denials; i++)
                if (strcmp(plan->denials[i].rule, rule) == 0 &&
                    strcmp(plan->denials[i].item, item) == 0)
                        return &plan->denials[i];
        return NULL;
}

static void assert_contains(const char *haystack, const char *needle)
{
        if (haystack == NULL || strstr(haystack, needle) == NULL)
                fail_msg("\"%s\" does not contain \"%s\"", haystack != NULL ? haystack : "(null)",
                         needle);
}

/* The rules never change their input. */
static void run_rules(const json_t *spec, const struct rw_settings *settings,
                      const struct rw_host_facts *facts, struct rw_plan *plan, bool mounts,
                      bool rootfs)
{
        _cleanup_json_ json_t *copy = json_deep_copy(spec);

        assert_non_null(copy);
        if (mounts)
                rw_rules_mounts(spec, settings, facts, plan);
        if (rootfs)
                rw_rules_rootfs(spec, settings, facts, plan);
        assert_false(plan->oom);
        assert_true(json_equal(copy, spec));
}

/* The destinations of spec.mounts joined with " ". */
static char *destinations(const json_t *spec)
{
        char *out = strdup("");
        size_t i;
        json_t *m;

        assert_non_null(out);
        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                char *next = NULL;

                assert_true(asprintf(&next, "%s%s%s", out, i > 0 ? " " : "",
                                     json_string_value(json_object_get(m, "destination"))) > 0);
                free(out);
                out = next;
        }
        return out;
}

static void assert_destinations(const json_t *spec, const char *want)
{
        _cleanup_free_ char *got = destinations(spec);

        if (strcmp(got, want) != 0)
                fail_msg("mounts are\n  %s\nwant\n  %s", got, want);
}

#define TMPFS(dest, mode, size)                                                                    \
        "{\"destination\":\"" dest "\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"       \
        "[\"rw\",\"nosuid\",\"nodev\",\"mode=" mode "\",\"size=" size "\"]}"

/* fixtures */

#define PRIV_ID "a4c779a044220a35d31c70fb85d9044fab7206f61fa478471f8dec97aaa755bc"

static void privileged_facts(struct rw_host_facts *facts, const json_t *spec)
{
        init_facts(facts);
        add_fact(facts, "/var/run/docker.sock", "/run/docker.sock", S_IFSOCK | 0660);
        add_fact(facts, "/", "/", S_IFDIR | 0755);
        add_fact(facts, "/tmp/hostdir", "/tmp/hostdir", S_IFDIR | 0755);
        add_fact(facts, "/var/lib/docker/volumes/cachevol/_data",
                 "/var/lib/docker/volumes/cachevol/_data", S_IFDIR | 0755);
        add_plain_facts(facts, spec);
}

static void test_privileged_fixture(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        const struct rw_change *c;
        const struct rw_denial *d;

        (void)state;
        privileged_facts(&facts, spec);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, false);

        /* -v /var/run/docker.sock:/var/run/docker.sock is stripped, nothing else */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_ENGINE_SOCKET), 1);
        c = rw_test_find_change(&plan, RW_RULE_ENGINE_SOCKET, "/mounts/14");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_ARRAY_REMOVE);
        assert_ptr_equal(c->anchor, json_array_get(json_object_get(spec, "mounts"), 14));
        assert_contains(c->reason, "/var/run/docker.sock");

        /* -v /:/host and -v /tmp/hostdir:/builds are refused, nothing else is */
        assert_int_equal(plan.n_denials, 2);
        d = find_denial_item(&plan, RW_RULE_HOST_MOUNT, "/");
        assert_non_null(d);
        assert_contains(d->reason, "host root filesystem");
        assert_contains(d->reason, "/host");
        d = find_denial_item(&plan, RW_RULE_HOST_MOUNT, "/tmp/hostdir");
        assert_non_null(d);
        assert_string_equal(d->reason, "bind mount of host path /tmp/hostdir at /builds is "
                                       "outside the engine-managed directories");

        /* the kept binds: the volume and docker's three files */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 4);
        c = rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/8/options");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_SET);
        assert_json(c->before, "[\"rbind\"]");
        assert_json(c->after, "[\"rbind\",\"nosuid\",\"nodev\",\"rprivate\"]");
        for (int i = 11; i <= 13; i++) {
                char path[32];

                snprintf(path, sizeof(path), "/mounts/%d/options", i);
                c = rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, path);
                assert_non_null(c);
                assert_json(c->after, "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]");
        }
        assert_null(rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/7/options"));
        assert_null(rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/9/options"));
        assert_null(rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/14/options"));

        /* --privileged leaves /sys and /sys/fs/cgroup writable */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_KERNEL_MOUNT), 2);
        c = rw_test_find_change(&plan, RW_RULE_KERNEL_MOUNT, "/mounts/3/options");
        assert_non_null(c);
        assert_contains(c->reason, "sysfs read-only");
        assert_json(c->after, "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]");
        c = rw_test_find_change(&plan, RW_RULE_KERNEL_MOUNT, "/mounts/4/options");
        assert_non_null(c);
        assert_json(c->after, "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]");
}

/* The same spec without the two refused binds goes through, and comes out as expected. */
static void test_privileged_fixture_apply(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        json_t *mounts = json_object_get(spec, "mounts");

        (void)state;
        assert_int_equal(json_array_remove(mounts, 9), 0); /* -v /:/host */
        assert_int_equal(json_array_remove(mounts, 7), 0); /* -v /tmp/hostdir:/builds */
        privileged_facts(&facts, spec);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, true);
        assert_int_equal(plan.n_denials, 0);
        out = rw_test_apply(spec, &plan);

        assert_destinations(out, "/proc /dev /dev/pts /sys /sys/fs/cgroup /dev/mqueue /dev/shm "
                                 "/tmp /var/tmp /run /root /cache /scratch /etc/resolv.conf "
                                 "/etc/hostname /etc/hosts");
        assert_json(rw_test_get(out, "/mounts/7"), TMPFS("/tmp", "1777", "536870912"));
        assert_json(rw_test_get(out, "/mounts/8"), TMPFS("/var/tmp", "1777", "536870912"));
        assert_json(rw_test_get(out, "/mounts/9"), TMPFS("/run", "755", "67108864"));
        assert_json(rw_test_get(out, "/mounts/10"), TMPFS("/root", "700", "536870912"));
        assert_json(rw_test_get(out, "/mounts/11"),
                    "{\"destination\":\"/cache\",\"type\":\"bind\",\"source\":"
                    "\"/var/lib/docker/volumes/cachevol/_data\",\"options\":"
                    "[\"rbind\",\"nosuid\",\"nodev\",\"rprivate\"]}");
        /* --tmpfs /scratch is not a bind: left alone */
        assert_json(rw_test_get(out, "/mounts/12/options"),
                    "[\"noexec\",\"nosuid\",\"nodev\",\"rprivate\"]");
        assert_json(rw_test_get(out, "/mounts/13"),
                    "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":"
                    "\"/var/lib/docker/containers/" PRIV_ID "/resolv.conf\",\"options\":"
                    "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]}");
        assert_json(rw_test_get(out, "/mounts/3/options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]");
        assert_json(rw_test_get(out, "/mounts/4/options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]");
        assert_true(json_is_true(rw_test_get(out, "/root/readonly")));
        assert_null(rw_test_find_mount(out, "/var/run/docker.sock"));
}

static void test_docker_default_fixture(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        json_t *mounts = json_object_get(spec, "mounts");
        const struct rw_change *c;

        (void)state;
        init_facts(&facts);
        add_plain_facts(&facts, spec);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, true);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_ENGINE_SOCKET), 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 3);
        /* docker already mounts /sys and /sys/fs/cgroup read-only */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_KERNEL_MOUNT), 0);

        c = rw_test_find_change(&plan, RW_RULE_ROOTFS, "/root/readonly");
        assert_non_null(c);
        assert_null(c->before);
        assert_true(json_is_true(c->after));

        /* the four scratch mounts go before /etc/resolv.conf, the first non-kernel mount */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SCRATCH), 4);
        for (size_t i = 0; i < plan.n_changes; i++)
                if (strcmp(plan.changes[i].rule, RW_RULE_SCRATCH) == 0) {
                        assert_int_equal(plan.changes[i].kind, RW_CHANGE_ARRAY_INSERT);
                        assert_ptr_equal(plan.changes[i].anchor, json_array_get(mounts, 7));
                }

        out = rw_test_apply(spec, &plan);
        assert_destinations(out, "/proc /dev /dev/pts /sys /sys/fs/cgroup /dev/mqueue /dev/shm "
                                 "/tmp /var/tmp /run /root /etc/resolv.conf /etc/hostname "
                                 "/etc/hosts");
        assert_json(rw_test_get(out, "/mounts/12/options"),
                    "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]");
}

static void test_readonly_hostns_fixture(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-readonly-hostns.json");
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        const struct rw_change *c;
        const struct rw_denial *d;

        (void)state;
        init_facts(&facts);
        add_fact(&facts, "/dev/shm", "/dev/shm", S_IFDIR | 01777);
        add_plain_facts(&facts, spec);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, true);

        /* --ipc host binds the host's /dev/shm */
        assert_int_equal(plan.n_denials, 1);
        d = find_denial_item(&plan, RW_RULE_HOST_MOUNT, "/dev/shm");
        assert_non_null(d);
        assert_string_equal(d->reason, "bind mount of host path /dev/shm at /dev/shm is outside "
                                       "the engine-managed directories");
        /* --read-only: nothing to change */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_ROOTFS), 0);
        /* the ro binds only gain nosuid and nodev */
        c = rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/6/options");
        assert_non_null(c);
        assert_json(c->after, "[\"rbind\",\"ro\",\"rprivate\",\"nosuid\",\"nodev\"]");
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 3);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SCRATCH), 4);
}

static void test_containerd_fixture(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        init_facts(&facts);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, true);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_KERNEL_MOUNT), 0);
        /* ctr mounts its own tmpfs on /run: no scratch /run */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SCRATCH), 3);
        out = rw_test_apply(spec, &plan);
        assert_destinations(out, "/proc /dev /dev/pts /dev/shm /dev/mqueue /sys /tmp /var/tmp "
                                 "/root /run");
        /* ctr's own /run tmpfs gets nodev, as every tmpfs but /dev (mount-options) */
        assert_json(rw_test_get(out, "/mounts/9/options"),
                    "[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\",\"nodev\"]");
        assert_true(json_is_true(rw_test_get(out, "/root/readonly")));
        assert_string_equal(json_string_value(rw_test_get(out, "/root/path")), "rootfs");
}

static void test_ulimit_fixture(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-ulimit-unlimited.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        init_facts(&facts);
        add_plain_facts(&facts, spec);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, true);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 3);
        out = rw_test_apply(spec, &plan);
        assert_int_equal(json_array_size(json_object_get(out, "mounts")), 14);
}

/* engine-socket */

struct socket_case {
        const char *source;
        const char *realpath; /* NULL: the source does not exist on this host */
        mode_t mode;
};

static void check_socket_removed(const struct socket_case *sc)
{
        _cleanup_json_ json_t *spec = one_bind(sc->source, "/x");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        const struct rw_change *c;

        init_facts(&facts);
        if (sc->realpath != NULL)
                add_fact(&facts, sc->source, sc->realpath, sc->mode);
        else
                add_missing(&facts, sc->source);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, false);
        c = rw_test_find_change(&plan, RW_RULE_ENGINE_SOCKET, "/mounts/0");
        if (c == NULL || plan.n_changes != 1 || plan.n_denials != 0)
                fail_msg("bind of %s: %zu changes, %zu denials, engine-socket removal %s",
                         sc->source, plan.n_changes, plan.n_denials, c != NULL ? "yes" : "no");
        assert_int_equal(c->kind, RW_CHANGE_ARRAY_REMOVE);
        assert_contains(c->reason, sc->source);
        out = rw_test_apply(spec, &plan);
        assert_int_equal(json_array_size(json_object_get(out, "mounts")), 0);
}

static void test_engine_socket_spellings(void **state)
{
        static const struct socket_case cases[] = {
            /* by name, whether or not this host has the socket */
            {"/var/run/docker.sock", NULL, 0},
            {"/var/run/docker.sock", "/run/docker.sock", S_IFSOCK | 0660},
            {"/run/docker.sock", NULL, 0},
            {"//var//run/docker.sock", NULL, 0},
            {"/var/run/../run/docker.sock", NULL, 0},
            {"/var/run/docker.sock/", NULL, 0},
            {"/run/containerd/containerd.sock", NULL, 0},
            {"/run/crio/crio.sock", NULL, 0},
            {"/run/podman/podman.sock", NULL, 0},
            {"/run/user/1000/docker.sock", NULL, 0},
            {"/run/buildkit/buildkitd.sock", NULL, 0},
            {"docker.sock", NULL, 0},
            /* a symlink to the socket: the fact is of its target */
            {"/tmp/x", "/run/docker.sock", S_IFSOCK | 0660},
            /* a renamed socket, and any other host socket */
            {"/tmp/y", "/srv/engine/api", S_IFSOCK | 0660},
            {"/home/ci/agent.sock", "/home/ci/agent.sock", S_IFSOCK | 0600},
            /* directories holding a well-known socket */
            {"/var/run", "/run", S_IFDIR | 0755},
            {"/run", "/run", S_IFDIR | 0755},
            {"//var/run/../run/", "/run", S_IFDIR | 0755},
            {"/var", "/var", S_IFDIR | 0755},
            {"/run/containerd", "/run/containerd", S_IFDIR | 0711},
            {"/srv/link", "/run", S_IFDIR | 0755},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++)
                check_socket_removed(&cases[i]);
}

/* What engine-socket must leave to the other rules. */
static void test_engine_socket_not_matched(void **state)
{
        static const char *const sources[] = {"/", "/running", "/run/dockerx.sock",
                                              "/var/lib/docker/volumes/v/_data"};
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(sources); i++) {
                _cleanup_json_ json_t *spec = one_bind(sources[i], "/x");
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;

                init_facts(&facts);
                add_fact(&facts, sources[i], sources[i], S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                if (rw_test_count_changes(&plan, RW_RULE_ENGINE_SOCKET) != 0)
                        fail_msg("%s was taken for an engine socket", sources[i]);
        }

        /* not a bind: the source of a tmpfs is only a label */
        {
                _cleanup_json_ json_t *spec =
                    make_spec("[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":"
                              "\"/var/run/docker.sock\",\"options\":[\"nosuid\"]}]",
                              NULL, NULL);
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;

                init_facts(&facts);
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_ENGINE_SOCKET), 0);
                assert_int_equal(plan.n_denials, 0);
        }
}

/* A stripped mount is gone: the later rules do not judge it. */
static void test_engine_socket_removed_is_final(void **state)
{
        _cleanup_json_ json_t *spec = one_bind("/var/run/docker.sock", "/proc/sysrq-trigger");
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        init_facts(&facts);
        add_fact(&facts, "/var/run/docker.sock", "/run/docker.sock", S_IFSOCK | 0660);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, false);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 1);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_ENGINE_SOCKET), 1);
}

/* host-mount */

struct host_case {
        const char *source;
        const char *realpath; /* NULL with error 0: no fact at all */
        int error;
        mode_t mode;        /* 0: a directory */
        const char *reason; /* NULL: allowed */
};

static void check_host_mount(const struct host_case *hc)
{
        _cleanup_json_ json_t *spec = one_bind(hc->source, "/data");
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        const struct rw_denial *d;

        init_facts(&facts);
        facts.bundle = strdup("/srv/bundles/c1");
        assert_non_null(facts.bundle);
        facts.rootfs = strdup("/var/lib/docker/overlay2/l1/merged");
        assert_non_null(facts.rootfs);
        if (hc->error != 0)
                add_missing(&facts, hc->source);
        else if (hc->realpath != NULL)
                add_fact(&facts, hc->source, hc->realpath,
                         hc->mode != 0 ? hc->mode : S_IFDIR | 0755);
        rw_plan_init(&plan);
        run_rules(spec, &settings, &facts, &plan, true, false);
        d = rw_test_find_denial(&plan, RW_RULE_HOST_MOUNT);
        if (hc->reason == NULL) {
                if (plan.n_denials != 0)
                        fail_msg("bind of %s refused: %s", hc->source, plan.denials[0].reason);
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 1);
                return;
        }
        if (d == NULL || plan.n_denials != 1)
                fail_msg("bind of %s: %zu denials, want one by host-mount", hc->source,
                         plan.n_denials);
        assert_string_equal(d->item, hc->source);
        if (strcmp(d->reason, hc->reason) != 0)
                fail_msg("bind of %s refused with\n  %s\nwant\n  %s", hc->source, d->reason,
                         hc->reason);
        /* a refused bind is not rewritten */
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_BIND_OPTIONS), 0);
}

static void test_host_mount(void **state)
{
        static const struct host_case cases[] = {
            {"/", "/", 0, 0, "bind mount of the host root filesystem (/) at /data"},
            {"/var/lib/docker/volumes/../../../..", "/", 0, 0,
             "bind mount of the host root filesystem (/var/lib/docker/volumes/../../../..) at "
             "/data"},
            {"/var/lib/docker/volumes/v/_data/link", "/", 0, 0,
             "bind mount of the host root filesystem (/var/lib/docker/volumes/v/_data/link) at "
             "/data"},
            {"//", "/", 0, 0, "bind mount of the host root filesystem (//) at /data"},
            {"/tmp/hostdir", "/tmp/hostdir", 0, 0,
             "bind mount of host path /tmp/hostdir at /data is outside the engine-managed "
             "directories"},
            {"/var/lib/docker/volumes/v/_data/escape", "/etc", 0, 0,
             "bind mount of host path /var/lib/docker/volumes/v/_data/escape (resolved: /etc) at "
             "/data is outside the engine-managed directories"},
            {"/var/lib/docker/volumesX/a", "/var/lib/docker/volumesX/a", 0, 0,
             "bind source /var/lib/docker/volumesX/a lies in the engine's directory "
             "/var/lib/docker but is neither this container's own file nor a volume's top "
             "directory"},
            /* below a volume's top directory: the job writes there */
            {"/var/lib/docker/volumes/v/_data/sub", "/var/lib/docker/volumes/v/_data/sub", 0, 0,
             "bind source /var/lib/docker/volumes/v/_data/sub lies in the engine's directory "
             "/var/lib/docker but is neither this container's own file nor a volume's top "
             "directory"},
            /* every container's config and environment */
            {"/var/lib/docker/containers", "/var/lib/docker/containers", 0, 0,
             "bind source /var/lib/docker/containers lies in the engine's directory "
             "/var/lib/docker but is neither this container's own file nor a volume's top "
             "directory"},
            {"/var/lib/docker/containers/c2/hosts", "/var/lib/docker/containers/c2/hosts", 0,
             S_IFREG | 0644,
             "bind source /var/lib/docker/containers/c2/hosts is containers/{id}/hosts of c2, "
             "not of this container"},
            {"/run/containerd/io.containerd.runtime.v2.task",
             "/run/containerd/io.containerd.runtime.v2.task", 0, 0,
             "bind source /run/containerd/io.containerd.runtime.v2.task lies in the engine's "
             "directory /run/containerd but is neither this container's own file nor a volume's "
             "top directory"},
            {"/var/lib/docker/volumes/gone/_data", NULL, ENOENT, 0,
             "bind source /var/lib/docker/volumes/gone/_data does not exist or cannot be "
             "resolved"},
            {"/var/lib/docker/volumes/v/_data", NULL, 0, 0,
             "bind source /var/lib/docker/volumes/v/_data was not examined on the host"},
            {"../../etc", "/srv/etc", 0, 0,
             "bind mount of host path ../../etc (resolved: /srv/etc) at /data is outside the "
             "engine-managed directories"},
            /* the bundle holds config.json; the rootfs is the job's */
            {".", "/srv/bundles/c1", 0, 0,
             "bind source . lies in the container's bundle (it is the bundle): its config.json "
             "decides what the container is"},
            {"config.json", "/srv/bundles/c1/config.json", 0, S_IFREG | 0644,
             "bind source config.json lies in the container's bundle: its config.json decides "
             "what the container is"},
            {"/srv/bundles/c1/rootfs/etc/hosts", "/srv/bundles/c1/rootfs/etc/hosts", 0, 0,
             "bind source /srv/bundles/c1/rootfs/etc/hosts lies in the container's bundle: its "
             "config.json decides what the container is"},
            {"/var/lib/docker/overlay2/l1/merged/d2", "/var/lib/docker/overlay2/l1/merged/d2", 0, 0,
             "bind source /var/lib/docker/overlay2/l1/merged/d2 lies in the container's own root "
             "filesystem, which the job and the spec's earlier mounts can change"},
            /* allowed: judged by what they are */
            {"/var/lib/docker/volumes/v/_data", "/var/lib/docker/volumes/v/_data", 0, 0, NULL},
            {"/etc/../var/lib/docker/volumes/v/_data", "/var/lib/docker/volumes/v/_data", 0, 0,
             NULL},
            {"/srv/data", "/var/lib/docker/volumes/v/_data", 0, 0, NULL},
            {"/var/lib/docker/containers/c1/hosts", "/var/lib/docker/containers/c1/hosts", 0,
             S_IFREG | 0644, NULL},
            {"/var/lib/docker/containers/c1/mounts/shm", "/var/lib/docker/containers/c1/mounts/shm",
             0, 0, NULL},
            {"hostname", "/srv/bundles/c1/hostname", 0, S_IFREG | 0644, NULL},
            {"/usr/bin/docker-init", "/usr/bin/docker-init", 0, S_IFREG | 0755, NULL},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++)
                check_host_mount(&cases[i]);
}

/* What the host says beyond the path: a race, a mount in disguise, a mount below. */
static void test_host_mount_what_it_is(void **state)
{
        static const char *const volume = "/var/lib/docker/volumes/v/_data";
        static const struct {
                const char *unsafe_dir, *mount_desc, *exposes, *submount;
                bool private_tmpfs;
                const char *reason;
        } cases[] = {
            {"/var/lib/docker/volumes", NULL, NULL, NULL, false,
             "bind source /var/lib/docker/volumes/v/_data is reached through "
             "/var/lib/docker/volumes, a directory someone other than root can change: what "
             "runc mounts later need not be what runwarden checked now"},
            {NULL, "none /", "/", NULL, false,
             "bind source /var/lib/docker/volumes/v/_data is a mount (none /) of the host path /, "
             "not a directory of its engine: judged as / it is not allowed"},
            {NULL, "ext4 /dev/loop3", NULL, NULL, false,
             "bind source /var/lib/docker/volumes/v/_data is a mount of ext4 /dev/loop3, a "
             "filesystem of its own (a device, a network share), which the tier does not allow"},
            {NULL, NULL, NULL, "/var/lib/docker/volumes/v/_data/x (ext4 /dev/vda)", false,
             "bind source /var/lib/docker/volumes/v/_data has another mount below it: "
             "/var/lib/docker/volumes/v/_data/x (ext4 /dev/vda)"},
            /* a pod's secret: memory of its own */
            {NULL, "tmpfs tmpfs", NULL, NULL, true, NULL},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec = one_bind(volume, "/data");
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();
                struct rw_path_fact *f;

                init_facts(&facts);
                add_fact(&facts, volume, volume, S_IFDIR | 0755);
                f = rw_facts_lookup_mutable(&facts, volume);
                f->unsafe_dir = cases[i].unsafe_dir != NULL ? strdup(cases[i].unsafe_dir) : NULL;
                f->mountpoint = cases[i].mount_desc != NULL;
                f->mount_desc = cases[i].mount_desc != NULL ? strdup(cases[i].mount_desc) : NULL;
                f->exposes = cases[i].exposes != NULL ? strdup(cases[i].exposes) : NULL;
                f->submount = cases[i].submount != NULL ? strdup(cases[i].submount) : NULL;
                f->private_tmpfs = cases[i].private_tmpfs;
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                if (cases[i].reason == NULL) {
                        assert_int_equal(plan.n_denials, 0);
                        continue;
                }
                assert_int_equal(plan.n_denials, 1);
                assert_string_equal(plan.denials[0].reason, cases[i].reason);
        }
}

/* volumes.mounts: a volume that is a filesystem of its own, of a type the tier lists */
static void test_volume_mounts_allowed(void **state)
{
        static const char *const volume = "/var/lib/docker/volumes/v/_data";
        static const char *const nfs[] = {"nfs*", NULL};
        static const struct {
                const char *fs_type, *exposes, *submount;
                const char *const *allowed;
                bool denied;
        } cases[] = {
            {"nfs4", NULL, NULL, nfs, false},
            {"nfs4", NULL, NULL, NULL, true},  /* not listed */
            {"ext4", NULL, NULL, nfs, true},   /* another type */
            {"nfs4", "/srv", NULL, nfs, true}, /* a host path, whatever its type */
            {"nfs4", NULL, "/var/lib/x (ext4 /dev/vda)", nfs, true}, /* a mount below it */
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec = one_bind(volume, "/data");
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();
                struct rw_path_fact *f;

                settings.lists[RW_LIST_VOLUME_MOUNTS] = cases[i].allowed;
                init_facts(&facts);
                add_fact(&facts, volume, volume, S_IFDIR | 0755);
                f = rw_facts_lookup_mutable(&facts, volume);
                f->mountpoint = true;
                f->mount_desc = strdup("x server:/export");
                f->fs_type = strdup(cases[i].fs_type);
                f->exposes = cases[i].exposes != NULL ? strdup(cases[i].exposes) : NULL;
                f->submount = cases[i].submount != NULL ? strdup(cases[i].submount) : NULL;
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                if (rw_plan_denied(&plan) != cases[i].denied)
                        fail_msg("case %zu: %s", i,
                                 cases[i].denied ? "not refused" : plan.denials[0].reason);
        }
}

static void test_host_mount_without_facts(void **state)
{
        _cleanup_json_ json_t *spec = one_bind("/var/lib/docker/volumes/v/_data", "/data");
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        rw_plan_init(&plan);
        run_rules(spec, &settings, NULL, &plan, true, false);
        assert_int_equal(count_denials(&plan, RW_RULE_HOST_MOUNT), 1);
        assert_int_equal(plan.n_denials, 1);
}

/* bind-options */

struct options_case {
        const char *mount;
        const char *after; /* NULL: no change */
};

static void test_bind_options(void **state)
{
        static const struct options_case cases[] = {
            {"{\"type\":\"bind\",\"options\":[\"rbind\",\"rslave\"]}",
             "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]"},
            {"{\"type\":\"bind\",\"options\":[\"rbind\",\"suid\",\"dev\",\"shared\",\"rw\"]}",
             "[\"rbind\",\"rprivate\",\"rw\",\"nosuid\",\"nodev\"]"},
            {"{\"type\":\"bind\"}", "[\"nosuid\",\"nodev\",\"rprivate\"]"},
            {"{\"type\":\"bind\",\"options\":[\"bind\",\"private\"]}",
             "[\"bind\",\"private\",\"nosuid\",\"nodev\"]"},
            {"{\"type\":\"bind\",\"options\":[\"rbind\",\"rprivate\",\"rshared\"]}",
             "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]"},
            {"{\"type\":\"bind\",\"options\":[\"rbind\",\"runbindable\",\"slave\",\"unbindable\","
             "\"rshared\"]}",
             "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]"},
            {"{\"type\":\"bind\",\"options\":[\"rbind\",\"nodev\",\"ro\",\"nosuid\",\"rprivate\"]}",
             NULL},
            /* runc's test: the options make a bind, whatever the type; a bind is never taken
             * for the kernel filesystem its type names */
            {"{\"type\":\"sysfs\",\"options\":[\"rbind\"]}",
             "[\"rbind\",\"nosuid\",\"nodev\",\"rprivate\"]"},
            /* runc's test: the options make a bind, whatever the type */
            {"{\"type\":\"none\",\"options\":[\"bind\"]}", "[\"bind\",\"nosuid\",\"nodev\","
                                                           "\"rprivate\"]"},
            {"{\"options\":[\"rbind\",\"ro\"]}", "[\"rbind\",\"ro\",\"nosuid\",\"nodev\","
                                                 "\"rprivate\"]"},
        };
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *mounts = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *mount = rw_test_parse(cases[i].mount);
                const struct rw_change *c;

                /* the same volume every time, so that only the options vary */
                json_object_set_new(mount, "destination", json_string("/cache"));
                json_object_set_new(mount, "source",
                                    json_string("/var/lib/docker/volumes/v/_data"));
                mounts = json_dumps(mount, JSON_COMPACT);
                assert_non_null(mounts);
                {
                        _cleanup_free_ char *array = NULL;

                        assert_true(asprintf(&array, "[%s]", mounts) > 0);
                        spec = make_spec(array, NULL, NULL);
                }
                init_facts(&facts);
                add_fact(&facts, "/var/lib/docker/volumes/v/_data",
                         "/var/lib/docker/volumes/v/_data", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                assert_int_equal(plan.n_denials, 0);
                c = rw_test_find_change(&plan, RW_RULE_BIND_OPTIONS, "/mounts/0/options");
                if (cases[i].after == NULL) {
                        if (c != NULL)
                                fail_msg("%s changed", cases[i].mount);
                        continue;
                }
                if (c == NULL)
                        fail_msg("%s: no bind-options change", cases[i].mount);
                assert_int_equal(plan.n_changes, 1);
                assert_int_equal(c->kind, RW_CHANGE_SET);
                if (json_object_get(mount, "options") == NULL)
                        assert_null(c->before);
                else
                        assert_true(json_equal(c->before, json_object_get(mount, "options")));
                assert_json(c->after, cases[i].after);
                out = rw_test_apply(spec, &plan);
                assert_json(rw_test_get(out, "/mounts/0/options"), cases[i].after);
        }
}

/* kernel-fs-mount */

struct kernel_case {
        const char *mount;       /* JSON object; binds use an allowed volume */
        const char *denied_item; /* NULL: allowed */
        const char *reason;      /* part of the reason, or NULL */
};

static void test_kernel_fs_mount(void **state)
{
#define VOL ",\"source\":\"/var/lib/docker/volumes/v/_data\",\"options\":[\"rbind\"]"
        static const struct kernel_case cases[] = {
            {"{\"destination\":\"/proc/sys\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}", "/proc/sys",
             "cover part of /proc"},
            {"{\"destination\":\"/proc/sysrq-trigger\",\"type\":\"bind\"" VOL "}",
             "/proc/sysrq-trigger"},
            {"{\"destination\":\"//proc/./sys/../kcore\",\"type\":\"tmpfs\",\"source\":\"t\"}",
             "/proc/kcore"},
            {"{\"destination\":\"/sys/firmware\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}",
             "/sys/firmware", "cover part of /sys"},
            {"{\"destination\":\"/sys/fs/cgroup/x\",\"type\":\"cgroup2\",\"source\":\"c\"}",
             "/sys/fs/cgroup/x"},
            {"{\"destination\":\"/proc\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}", "/proc"},
            {"{\"destination\":\"/proc\",\"type\":\"sysfs\",\"source\":\"sysfs\"}", "/proc"},
            {"{\"destination\":\"/proc\",\"type\":\"bind\"" VOL "}", "/proc"},
            {"{\"destination\":\"/sys\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}", "/sys"},
            {"{\"destination\":\"/sys\",\"type\":\"sysfs\"" VOL "}", "/sys"},
            {"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}",
             "/sys/fs/cgroup"},
            {"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\"" VOL "}", "/sys/fs/cgroup"},
            {"{\"destination\":\"/\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}", "/",
             "root filesystem"},
            {"{\"destination\":\".\",\"type\":\"bind\"" VOL "}", "/"},
            /* unmasked second instances */
            {"{\"destination\":\"/mnt/proc\",\"type\":\"proc\",\"source\":\"proc\"}", "/mnt/proc",
             "proc filesystem at /mnt/proc"},
            {"{\"destination\":\"/host-sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}",
             "/host-sys"},
            {"{\"destination\":\"/cg\",\"type\":\"cgroup2\",\"source\":\"cgroup\"}", "/cg"},
            /* filesystems whose host data no fact covers */
            {"{\"destination\":\"/data\",\"type\":\"overlay\",\"source\":\"overlay\","
             "\"options\":[\"lowerdir=/etc\"]}",
             "/data"},
            {"{\"destination\":\"/disk\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}", "/disk"},
            {"{\"destination\":\"/dev\",\"type\":\"devtmpfs\",\"source\":\"devtmpfs\"}", "/dev",
             "type devtmpfs"},
            {"{\"destination\":\"/x\",\"source\":\"tmpfs\"}", "/x", "has no type"},
            /* a volume where runc makes its device nodes and masks paths (CVE-2025-31133) */
            {"{\"destination\":\"/dev\",\"type\":\"bind\"" VOL "}", "/dev", "device nodes"},
            {"{\"destination\":\"/dev/pts\",\"type\":\"bind\"" VOL "}", "/dev/pts"},
            {"{\"destination\":\"/dev/null\",\"type\":\"bind\"" VOL "}", "/dev/null"},
            {"{\"destination\":\"/dev//./console\",\"type\":\"bind\"" VOL "}", "/dev/console"},
            /* allowed */
            {"{\"destination\":\"/dev/shm\",\"type\":\"bind\"" VOL "}", NULL},
            {"{\"destination\":\"/dev/termination-log\",\"type\":\"bind\"" VOL "}", NULL},
            {"{\"destination\":\"/device\",\"type\":\"bind\"" VOL "}", NULL},
            {"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}", NULL},
            {"{\"destination\":\"/sys/\",\"type\":\"sysfs\",\"source\":\"sysfs\","
             "\"options\":[\"ro\"]}",
             NULL},
            {"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
             "\"options\":[\"ro\"]}",
             NULL},
            {"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\","
             "\"options\":[\"ro\"]}",
             NULL},
            {"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\"}", NULL},
            {"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"}", NULL},
            {"{\"destination\":\"/procfs\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}", NULL},
            {"{\"destination\":\"/system\",\"type\":\"bind\"" VOL "}", NULL},
        };
#undef VOL
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *array = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                const struct rw_denial *d;

                assert_true(asprintf(&array, "[%s]", cases[i].mount) > 0);
                spec = make_spec(array, NULL, NULL);
                init_facts(&facts);
                add_fact(&facts, "/var/lib/docker/volumes/v/_data",
                         "/var/lib/docker/volumes/v/_data", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                d = rw_test_find_denial(&plan, RW_RULE_KERNEL_MOUNT);
                if (cases[i].denied_item == NULL) {
                        if (plan.n_denials != 0)
                                fail_msg("%s refused: %s", cases[i].mount, plan.denials[0].reason);
                        continue;
                }
                if (d == NULL || plan.n_denials != 1)
                        fail_msg("%s: %zu denials, want one by kernel-fs-mount", cases[i].mount,
                                 plan.n_denials);
                assert_string_equal(d->item, cases[i].denied_item);
                if (cases[i].reason != NULL)
                        assert_contains(d->reason, cases[i].reason);
        }
}

static void test_sys_readonly(void **state)
{
        static const struct options_case cases[] = {
            {"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
             "\"options\":[\"rw\",\"nosuid\"]}",
             "[\"ro\",\"nosuid\"]"},
            {"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
             "\"options\":[\"nosuid\",\"ro\",\"rw\"]}",
             "[\"nosuid\",\"ro\"]"},
            {"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\"}",
             "[\"ro\"]"},
            {"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
             "\"options\":[\"ro\",\"nosuid\"]}",
             NULL},
            /* other kernel filesystems keep their options */
            {"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
             "\"options\":[\"rw\"]}",
             NULL},
        };
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *array = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_json_ json_t *out = NULL;
                _cleanup_plan_ struct rw_plan plan;
                const struct rw_change *c;

                assert_true(asprintf(&array, "[%s]", cases[i].mount) > 0);
                spec = make_spec(array, NULL, NULL);
                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, true, false);
                assert_int_equal(plan.n_denials, 0);
                c = rw_test_find_change(&plan, RW_RULE_KERNEL_MOUNT, "/mounts/0/options");
                if (cases[i].after == NULL) {
                        assert_int_equal(plan.n_changes, 0);
                        continue;
                }
                if (c == NULL)
                        fail_msg("%s: not made read-only", cases[i].mount);
                assert_json(c->after, cases[i].after);
                out = rw_test_apply(spec, &plan);
                assert_json(rw_test_get(out, "/mounts/0/options"), cases[i].after);
        }
}

static void test_malformed_mounts(void **state)
{
        static const char *const specs[] = {
            "{\"root\":{\"path\":\"r\"},\"mounts\":{}}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[\"/tmp\"]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"type\":\"tmpfs\"}]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"\",\"type\":\"tmpfs\"}]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\"}]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/x\",\"type\":7}]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
            "\"options\":[\"rw\",1]}]}",
            "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
            "\"options\":\"rw\"}]}",
        };
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(specs); i++) {
                _cleanup_json_ json_t *spec = rw_test_parse(specs[i]);
                _cleanup_plan_ struct rw_plan plan;

                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, true, false);
                if (count_denials(&plan, RW_RULE_SPEC) != 1 || plan.n_denials != 1)
                        fail_msg("%s: %zu denials, want one by rule spec", specs[i],
                                 plan.n_denials);
        }
}

/* readonly-rootfs */

static void test_readonly_rootfs(void **state)
{
        struct rw_settings settings = test_settings();

        (void)state;
        settings.scratch = NULL;
        {
                _cleanup_json_ json_t *spec =
                    rw_test_parse("{\"root\":{\"path\":\"rootfs\",\"readonly\":false}}");
                _cleanup_json_ json_t *out = NULL;
                _cleanup_plan_ struct rw_plan plan;
                const struct rw_change *c;

                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, false, true);
                assert_int_equal(plan.n_changes, 1);
                c = rw_test_find_change(&plan, RW_RULE_ROOTFS, "/root/readonly");
                assert_non_null(c);
                assert_true(json_is_false(c->before));
                out = rw_test_apply(spec, &plan);
                assert_json(out, "{\"root\":{\"path\":\"rootfs\",\"readonly\":true}}");
        }
        {
                _cleanup_json_ json_t *spec =
                    rw_test_parse("{\"root\":{\"path\":\"rootfs\",\"readonly\":true}}");
                _cleanup_plan_ struct rw_plan plan;

                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, false, true);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 0);
        }
        {
                _cleanup_json_ json_t *spec = rw_test_parse("{\"ociVersion\":\"1.0.2\"}");
                _cleanup_plan_ struct rw_plan plan;
                const struct rw_denial *d;

                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, false, true);
                d = rw_test_find_denial(&plan, RW_RULE_SPEC);
                assert_non_null(d);
                assert_string_equal(d->reason, "the spec has no root");
                assert_int_equal(plan.n_changes, 0);
        }
}

/* scratch-tmpfs */

/* Run both rule families on `spec` and return the applied document. */
static json_t *harden(const json_t *spec, const struct rw_settings *settings,
                      struct rw_host_facts *facts, struct rw_plan *plan)
{
        size_t i;
        json_t *m;

        /* each VOLUME() is a volume's top directory on the host */
        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                const char *source = json_string_value(json_object_get(m, "source"));
                char real[64];

                if (source == NULL || strncmp(source, "/var/lib/docker/volumes/v/", 26) != 0 ||
                    rw_facts_lookup(facts, source) != NULL)
                        continue;
                snprintf(real, sizeof(real), "/var/lib/docker/volumes/v%zu/_data", i);
                add_fact(facts, source, real, S_IFDIR | 0755);
        }
        add_plain_facts(facts, spec);
        run_rules(spec, settings, facts, plan, true, true);
        if (plan->n_denials != 0)
                fail_msg("refused: %s", plan->denials[0].reason);
        return rw_test_apply(spec, plan);
}

#define KERNEL_MOUNTS                                                                              \
        "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"                       \
        "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"

/* one volume per destination: volumes/v<DEST>/_data, the shape of a docker volume */
#define VOLUME(dest)                                                                               \
        "{\"destination\":\"" dest "\",\"type\":\"bind\",\"source\":"                              \
        "\"/var/lib/docker/volumes/v" dest "/_data\",\"options\":[\"rbind\"]}"

struct scratch_case {
        const char *mounts;
        const char *env;
        const char *user;
        const char *want; /* destinations after hardening */
};

static void test_scratch_placement(void **state)
{
        static const struct scratch_case cases[] = {
            /* an existing /tmp mount of any type suppresses the /tmp scratch */
            {"[" KERNEL_MOUNTS ",{\"destination\":\"/tmp\",\"type\":\"tmpfs\"}]", NULL, NULL,
             "/proc /dev /var/tmp /run /root /tmp"},
            {"[" KERNEL_MOUNTS "," VOLUME("/tmp/") "]", NULL, NULL,
             "/proc /dev /var/tmp /run /root /tmp/"},
            /* a volume at /var already makes /var/tmp writable */
            {"[" KERNEL_MOUNTS "," VOLUME("/var") "]", NULL, NULL,
             "/proc /dev /tmp /run /root /var"},
            /* ... but one below a scratch path must be mounted on top of the tmpfs */
            {"[" KERNEL_MOUNTS "," VOLUME("/tmp/cache") "]", NULL, NULL,
             "/proc /dev /tmp /var/tmp /run /root /tmp/cache"},
            /* Kubernetes' token lands below /run through the image's /var/run -> /run */
            {"[" KERNEL_MOUNTS "," VOLUME("/etc/hosts") "," VOLUME(
                 "/var/run/secrets/kubernetes.io/serviceaccount") "]",
             NULL, NULL,
             "/proc /dev /tmp /var/tmp /run /root /etc/hosts "
             "/var/run/secrets/kubernetes.io/serviceaccount"},
            /* kernel mounts after other mounts stay where they are */
            {"[" KERNEL_MOUNTS "," VOLUME("/data") ",{\"destination\":\"/dev/mqueue\","
                                                   "\"type\":\"mqueue\",\"source\":\"mqueue\"}]",
             NULL, NULL, "/proc /dev /tmp /var/tmp /run /root /data /dev/mqueue"},
            /* only kernel mounts: appended */
            {"[" KERNEL_MOUNTS "]", NULL, NULL, "/proc /dev /tmp /var/tmp /run /root"},
            {"[]", NULL, NULL, "/tmp /var/tmp /run /root"},
            /* no mounts member at all */
            {NULL, NULL, NULL, "/tmp /var/tmp /run /root"},
            /* HOME */
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/tmp\"]", NULL, "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/tmp/home/ci\"]", NULL,
             "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/home/../var/tmp/\"]", NULL,
             "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/\"]", NULL, "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=home\"]", NULL, "/proc /dev /tmp /var/tmp /run"},
            /* an empty HOME is none to runc: root's from the image (/root without facts) */
            {"[" KERNEL_MOUNTS "]", "[\"HOME=\"]", NULL, "/proc /dev /tmp /var/tmp /run /root"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/proc/self\"]", NULL, "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/dev\"]", NULL, "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/x/../sys/kernel\"]", NULL,
             "/proc /dev /tmp /var/tmp /run"},
            /* runc sets the variables in order: the last HOME is the process's */
            {"[" KERNEL_MOUNTS "]", "[\"HOME=/home/a\",\"HOME=/home/b\"]", NULL,
             "/proc /dev /tmp /var/tmp /run /home/b"},
            {"[" KERNEL_MOUNTS "]", "[\"HOMEDIR=/home/a\",\"XHOME=/x\"]", NULL,
             "/proc /dev /tmp /var/tmp /run /root"},
            /* a non-root user without HOME has nothing to protect */
            {"[" KERNEL_MOUNTS "]", NULL, "{\"uid\":1000,\"gid\":1000}",
             "/proc /dev /tmp /var/tmp /run"},
            {"[" KERNEL_MOUNTS "]", NULL, "{}", "/proc /dev /tmp /var/tmp /run /root"},
            /* a HOME already mounted */
            {"[" KERNEL_MOUNTS "," VOLUME("/root") "]", NULL, NULL,
             "/proc /dev /tmp /var/tmp /run /root"},
        };
        struct rw_settings settings = test_settings();

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec =
                    make_spec(cases[i].mounts, cases[i].env, cases[i].user);
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *got = NULL;

                init_facts(&facts);
                rw_plan_init(&plan);
                out = harden(spec, &settings, &facts, &plan);
                got = destinations(out);
                if (strcmp(got, cases[i].want) != 0)
                        fail_msg("case %zu (mounts %s, env %s): mounts are\n  %s\nwant\n  %s", i,
                                 cases[i].mounts, cases[i].env, got, cases[i].want);
        }
}

static void test_scratch_home_user(void **state)
{
        _cleanup_json_ json_t *spec =
            make_spec("[" KERNEL_MOUNTS "]", "[\"PATH=/bin\",\"HOME=/home/builder\"]",
                      "{\"uid\":1000,\"gid\":1001}");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        const struct rw_change *c;

        (void)state;
        init_facts(&facts);
        rw_plan_init(&plan);
        out = harden(spec, &settings, &facts, &plan);
        assert_destinations(out, "/proc /dev /tmp /var/tmp /run /home/builder");
        assert_json(rw_test_get(out, "/mounts/5"),
                    "{\"destination\":\"/home/builder\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                    "\"options\":[\"rw\",\"nosuid\",\"nodev\",\"mode=700\",\"size=536870912\","
                    "\"uid=1000\",\"gid=1001\"]}");
        assert_json(rw_test_get(out, "/mounts/2"), TMPFS("/tmp", "1777", "536870912"));
        c = rw_test_find_change(&plan, RW_RULE_SCRATCH, NULL);
        assert_non_null(c);
        assert_null(c->anchor);
        assert_contains(c->reason, "/tmp");
}

/* The image lacks a scratch directory: facts as the gatherer records it. */
static void add_rootfs_missing(struct rw_host_facts *facts, const char *scratch, bool exists,
                               uid_t uid, gid_t gid, mode_t mode)
{
        struct rw_rootfs_missing *grown = reallocarray(
            facts->rootfs_missing, facts->n_rootfs_missing + 1, sizeof(*facts->rootfs_missing));

        assert_non_null(grown);
        facts->rootfs_missing = grown;
        grown[facts->n_rootfs_missing] = (struct rw_rootfs_missing){
            .scratch = strdup(scratch),
            .exists = exists,
            .parent_known = !exists,
            .parent_uid = uid,
            .parent_gid = gid,
            .parent_mode = S_IFDIR | mode,
        };
        assert_non_null(grown[facts->n_rootfs_missing].scratch);
        facts->n_rootfs_missing++;
}

static const char *warning_of(const struct rw_plan *plan, const char *rule, const char *needle)
{
        for (size_t i = 0; i < plan->n_warnings; i++)
                if (strcmp(plan->warnings[i].rule, rule) == 0 &&
                    strstr(plan->warnings[i].text, needle) != NULL)
                        return plan->warnings[i].text;
        return NULL;
}

#define USERNS_LINUX                                                                               \
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"                    \
        "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"                  \
        "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}"

/*
 * A user namespace (Kubernetes hostUsers: false, docker userns-remap): runc makes missing mount
 * points as the namespace's root, which cannot create a directory in an image it does not own.
 * Such a scratch tmpfs is left out, with a warning; one runc can create, or any without a user
 * namespace, is kept.
 */
static void test_scratch_userns_missing_dirs(void **state)
{
        static const struct {
                bool userns;
                uid_t uid;
                gid_t gid;
                mode_t mode;
                const char *want;
        } cases[] = {
            /* the image is the host's root's: not mapped, not writable by others */
            {true, 0, 0, 0755, "/proc /dev /tmp /var/tmp /root"},
            /* owned by the namespace's root (docker userns-remap chowns the layers) */
            {true, 100000, 100000, 0755, "/proc /dev /tmp /var/tmp /run /root"},
            /* owned by some other mapped id: CAP_DAC_OVERRIDE in the namespace */
            {true, 101000, 101000, 0700, "/proc /dev /tmp /var/tmp /run /root"},
            /* mapped owner, unmapped group: no override */
            {true, 101000, 0, 0755, "/proc /dev /tmp /var/tmp /root"},
            /* writable by anyone */
            {true, 0, 0, 01777, "/proc /dev /tmp /var/tmp /run /root"},
            /* no user namespace: runc is the host's root and creates it */
            {false, 0, 0, 0755, "/proc /dev /tmp /var/tmp /run /root"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();
                const char *warning;

                assert_true(asprintf(&text,
                                     "{\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":{"
                                     "\"uid\":0,\"gid\":0},\"env\":[\"PATH=/bin\"],\"args\":["
                                     "\"true\"],\"cwd\":\"/\"},\"mounts\":[" KERNEL_MOUNTS "],%s}",
                                     cases[i].userns ? USERNS_LINUX
                                                     : "\"linux\":{\"namespaces\":[{\"type\":"
                                                       "\"mount\"}]}") > 0);
                spec = rw_test_parse(text);
                init_facts(&facts);
                add_rootfs_missing(&facts, "/run", false, cases[i].uid, cases[i].gid,
                                   cases[i].mode);
                rw_plan_init(&plan);
                out = harden(spec, &settings, &facts, &plan);
                assert_destinations(out, cases[i].want);
                warning = warning_of(&plan, RW_RULE_SCRATCH, "/run");
                if (strstr(cases[i].want, "/run") != NULL) {
                        assert_null(warning);
                } else {
                        assert_non_null(warning);
                        assert_contains(warning, "user namespace");
                        assert_contains(warning, "no scratch tmpfs at /run");
                }
        }
}

/* In a user namespace runc copies HOME only when the namespace maps every owner in it. */
static void test_scratch_userns_home_copy(void **state)
{
        static const struct {
                uid_t uid;
                bool overflow;
                bool copied;
        } cases[] = {
            {100000, false, true},  {165535, false, true}, {0, false, false},
            {165536, false, false}, {100000, true, false},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec = rw_test_parse(
                    "{\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                    "\"env\":[\"PATH=/bin\"],\"args\":[\"true\"],\"cwd\":\"/"
                    "\"},\"mounts\":[" KERNEL_MOUNTS "]," USERNS_LINUX "}");
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();

                init_facts(&facts);
                facts.home_has_content = true;
                facts.home_copyable = true;
                facts.home_bytes = 4096;
                facts.home_uids[0] = cases[i].uid;
                facts.home_gids[0] = 100000;
                facts.n_home_uids = facts.n_home_gids = 1;
                facts.home_ids_overflow = cases[i].overflow;
                rw_plan_init(&plan);
                out = harden(spec, &settings, &facts, &plan);
                if (cases[i].copied) {
                        assert_destinations(out, "/proc /dev /tmp /var/tmp /run /root");
                        assert_int_equal(plan.n_warnings, 0);
                } else {
                        assert_destinations(out, "/proc /dev /tmp /var/tmp /run");
                        assert_non_null(
                            warning_of(&plan, RW_RULE_SCRATCH, "does not map the owners"));
                }
        }
}

/* Something that is not a directory where a scratch tmpfs goes: runc could not mount one in any
 * namespace; $HOME is judged by its own fact. */
static void test_scratch_not_a_directory(void **state)
{
        _cleanup_json_ json_t *spec =
            make_spec("[" KERNEL_MOUNTS "]", "[\"PATH=/bin\",\"HOME=/home/ci\"]",
                      "{\"uid\":1000,\"gid\":1000}");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        init_facts(&facts);
        add_rootfs_missing(&facts, "/var/tmp", true, 0, 0, 0);
        add_rootfs_missing(&facts, "$HOME", false, 0, 0, 0755);
        rw_plan_init(&plan);
        out = harden(spec, &settings, &facts, &plan);
        /* no user namespace: runc creates /home/ci */
        assert_destinations(out, "/proc /dev /tmp /run /home/ci");
        assert_non_null(warning_of(&plan, RW_RULE_SCRATCH, "no scratch tmpfs at /var/tmp"));
        assert_int_equal(plan.n_warnings, 1);
}

/*
 * HOME with content in the image (toolchains in ~/.cargo, nvm): runc copies it into the tmpfs
 * (tmpcopyup), and the tmpfs gets the tier's size plus the copy; a copy beyond the tier's
 * tmpfs_size, or one runc could not make, leaves HOME as the image has it, with a warning.
 */
static void test_scratch_home_content(void **state)
{
        static const struct {
                bool copyable;
                uint64_t bytes, tmpfs_max;
                const char *size;   /* of the HOME tmpfs; NULL: none */
                const char *reason; /* of the change, or of the warning */
        } cases[] = {
            {true, 8192, 1024 * (uint64_t)MIB, "536879104", "a copy of the image's HOME (1 MiB"},
            {true, 1024 * (uint64_t)MIB, 1024 * (uint64_t)MIB, "1610612736", "(1024 MiB"},
            {true, 1024 * (uint64_t)MIB + 4096, 1024 * (uint64_t)MIB, NULL,
             "more memory than the tier's tmpfs_size (1024 MiB)"},
            /* no cap at all */
            {true, 4096 * (uint64_t)MIB, 0, "4831838208", "(4096 MiB"},
            {false, 4096, 1024 * (uint64_t)MIB, NULL, "cannot be copied into one (fifo is"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec = make_spec("[" KERNEL_MOUNTS "]", NULL, NULL);
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();
                const struct rw_change *c;

                settings.tmpfs_max = cases[i].tmpfs_max;
                init_facts(&facts);
                facts.home_has_content = true;
                facts.home_copyable = cases[i].copyable;
                facts.home_bytes = cases[i].bytes;
                if (!cases[i].copyable) {
                        facts.home_not_copyable = strdup("fifo is not a file");
                        assert_non_null(facts.home_not_copyable);
                }
                rw_plan_init(&plan);
                out = harden(spec, &settings, &facts, &plan);
                if (cases[i].size == NULL) {
                        const char *w = warning_of(&plan, RW_RULE_SCRATCH, "HOME /root");

                        assert_destinations(out, "/proc /dev /tmp /var/tmp /run");
                        assert_non_null(w);
                        assert_contains(w, cases[i].reason);
                        assert_contains(w, "read-only");
                        continue;
                }
                {
                        _cleanup_free_ char *want = NULL;

                        assert_true(asprintf(&want,
                                             "{\"destination\":\"/root\",\"type\":\"tmpfs\","
                                             "\"source\":\"tmpfs\",\"options\":[\"rw\",\"nosuid\","
                                             "\"nodev\",\"mode=700\",\"size=%s\",\"tmpcopyup\"]}",
                                             cases[i].size) > 0);
                        assert_destinations(out, "/proc /dev /tmp /var/tmp /run /root");
                        assert_json(rw_test_get(out, "/mounts/5"), want);
                }
                c = rw_test_find_change(&plan, RW_RULE_SCRATCH, NULL);
                for (size_t k = 0; k < plan.n_changes; k++)
                        if (strstr(plan.changes[k].reason, "HOME") != NULL)
                                c = &plan.changes[k];
                assert_contains(c->reason, cases[i].reason);
                assert_int_equal(plan.n_warnings, 0);
        }
        /* an empty HOME in the image needs no copy */
        {
                _cleanup_json_ json_t *spec = make_spec("[" KERNEL_MOUNTS "]", NULL, NULL);
                _cleanup_json_ json_t *out = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();

                init_facts(&facts);
                facts.home_copyable = true;
                rw_plan_init(&plan);
                out = harden(spec, &settings, &facts, &plan);
                assert_json(rw_test_get(out, "/mounts/5"), TMPFS("/root", "700", "536870912"));
        }
}

/* The tier's order does not matter: a tmpfs never hides another one. */
static void test_scratch_nested_entries(void **state)
{
        static const struct rw_scratch_mount nested[] = {
            {NULL, 16 * (uint64_t)MIB, 0700},   {"/run/", 1 * (uint64_t)MIB, 0755},
            {"/run", 2 * (uint64_t)MIB, 0711},  {"/srv/a/b", 1 * (uint64_t)MIB, 0750},
            {"/srv", 1 * (uint64_t)MIB, 01777}, {NULL, 0, 0},
        };
        _cleanup_json_ json_t *spec =
            make_spec("[" KERNEL_MOUNTS "," VOLUME("/etc/hosts") "]", "[\"HOME=/run/user/1000\"]",
                      "{\"uid\":1000,\"gid\":1000}");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        settings.scratch = nested;
        init_facts(&facts);
        rw_plan_init(&plan);
        out = harden(spec, &settings, &facts, &plan);
        assert_destinations(out, "/proc /dev /run /run/user/1000 /srv /srv/a/b /etc/hosts");
        assert_json(rw_test_get(out, "/mounts/2"), TMPFS("/run", "755", "1048576"));
        assert_json(rw_test_get(out, "/mounts/4"), TMPFS("/srv", "1777", "1048576"));
        assert_json(rw_test_get(out, "/mounts/5"), TMPFS("/srv/a/b", "750", "1048576"));
}

/* A mount the engine-socket rule strips neither covers a scratch path nor anchors the tmpfs. */
static void test_scratch_after_engine_socket(void **state)
{
        _cleanup_json_ json_t *spec =
            make_spec("[" KERNEL_MOUNTS ",{\"destination\":\"/tmp\",\"type\":\"bind\",\"source\":"
                      "\"/var/run\",\"options\":[\"rbind\"]}," VOLUME("/data") "]",
                      NULL, NULL);
        _cleanup_json_ json_t *out = NULL;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();
        json_t *mounts = json_object_get(spec, "mounts");
        const struct rw_change *c;

        (void)state;
        init_facts(&facts);
        add_fact(&facts, "/var/run", "/run", S_IFDIR | 0755);
        rw_plan_init(&plan);
        out = harden(spec, &settings, &facts, &plan);
        assert_non_null(rw_test_find_change(&plan, RW_RULE_ENGINE_SOCKET, "/mounts/2"));
        c = rw_test_find_change(&plan, RW_RULE_SCRATCH, NULL);
        assert_non_null(c);
        assert_ptr_equal(c->anchor, json_array_get(mounts, 3));
        assert_destinations(out, "/proc /dev /tmp /var/tmp /run /root /data");
        assert_json(rw_test_get(out, "/mounts/2"), TMPFS("/tmp", "1777", "536870912"));
}

static void test_scratch_invalid_user(void **state)
{
        _cleanup_json_ json_t *spec =
            make_spec("[]", "[\"HOME=/home/ci\"]", "{\"uid\":\"1000\",\"gid\":1000}");
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings = test_settings();

        (void)state;
        rw_plan_init(&plan);
        run_rules(spec, &settings, NULL, &plan, false, true);
        assert_int_equal(count_denials(&plan, RW_RULE_SPEC), 1);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SCRATCH), 3);
        for (size_t i = 0; i < plan.n_changes; i++)
                if (plan.changes[i].kind == RW_CHANGE_ARRAY_INSERT)
                        assert_string_not_equal(json_string_value(json_object_get(
                                                    plan.changes[i].after, "destination")),
                                                "/home/ci");
}

static void test_job_home(void **state)
{
        static const struct {
                const char *env, *user;
                bool passwd_known;       /* facts: the image's /etc/passwd was read */
                const char *passwd_home; /* its entry for the uid, NULL: none */
                const char *home;
                int64_t uid, gid;
        } cases[] = {
            {"[\"HOME=/home/a\",\"HOME=/home/b\"]", "{\"uid\":1000,\"gid\":50}", false, NULL,
             "/home/b", 1000, 50},
            {"[\"PATH=/bin\"]", "{\"uid\":0,\"gid\":0}", false, NULL, "/root", 0, 0},
            {"[\"PATH=/bin\"]", "{}", false, NULL, "/root", 0, 0},
            {"[\"PATH=/bin\"]", "{\"uid\":33,\"gid\":33}", false, NULL, NULL, 33, 33},
            {"[\"HOME=/srv\"]", "{\"uid\":0}", false, NULL, "/srv", 0, 0},
            {"[\"HOME=/srv\"]", "{\"uid\":-1,\"gid\":4294967295}", false, NULL, "/srv", -1, -1},
            /* runc takes HOME from the image's /etc/passwd when process.env has none */
            {"[\"PATH=/bin\"]", "{\"uid\":1000,\"gid\":1000}", true, "/home/ci", "/home/ci", 1000,
             1000},
            {"[\"PATH=/bin\"]", "{\"uid\":0}", true, "/var/root", "/var/root", 0, 0},
            /* an empty HOME counts as none (runc's os.Getenv) */
            {"[\"HOME=\"]", "{\"uid\":1000,\"gid\":1000}", true, "/home/ci", "/home/ci", 1000,
             1000},
            /* no entry for the uid: runc's default, "/" */
            {"[\"PATH=/bin\"]", "{\"uid\":4242,\"gid\":4242}", true, NULL, "/", 4242, 4242},
            {"[\"PATH=/bin\"]", "{\"uid\":0}", true, NULL, "/", 0, 0},
            /* the environment wins over the image */
            {"[\"HOME=/work\"]", "{\"uid\":1000,\"gid\":1000}", true, "/home/ci", "/work", 1000,
             1000},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_t *spec = make_spec(NULL, cases[i].env, cases[i].user);
                struct rw_host_facts facts = {
                    .passwd_known = cases[i].passwd_known,
                    .passwd_home = (char *)cases[i].passwd_home,
                };
                const char *home = "unset";
                int64_t uid = 12345, gid = 12345;

                rw_rules_job_home(spec, &facts, &home, &uid, &gid);
                if (cases[i].home == NULL)
                        assert_null(home);
                else
                        assert_string_equal(home, cases[i].home);
                assert_int_equal(uid, cases[i].uid);
                assert_int_equal(gid, cases[i].gid);
                if (!cases[i].passwd_known) {
                        const char *without = "unset";

                        rw_rules_job_home(spec, NULL, &without, &uid, &gid);
                        assert_ptr_equal(without, home);
                }
        }
        {
                _cleanup_json_ json_t *spec = rw_test_parse("{\"root\":{\"path\":\"r\"}}");
                const char *home = NULL;
                int64_t uid = 1, gid = 1;

                rw_rules_job_home(spec, NULL, &home, &uid, &gid);
                assert_string_equal(home, "/root");
                assert_int_equal(uid, 0);
                assert_int_equal(gid, 0);
        }
}

/* A bind source that lies on a mount of type `fstype` at `mountpoint`. */
static void add_fact_on_mount(struct rw_host_facts *facts, const char *path, mode_t mode,
                              const char *fstype, const char *mountpoint)
{
        struct rw_path_fact *f;

        add_fact(facts, path, path, mode);
        f = rw_facts_lookup_mutable(facts, path);
        assert_non_null(f);
        f->fs_type = strdup(fstype);
        f->fs_mountpoint = strdup(mountpoint);
        assert_non_null(f->fs_type);
        assert_non_null(f->fs_mountpoint);
}

/*
 * lxcfs: a tier that lists the files lxcfs stands in for gets binds of lxcfs's views over them,
 * read-only; a view over another file, a file outside the set (even listed), a view the tier
 * does not list, or a host file that is not lxcfs's stays refused.
 */
static void test_lxcfs(void **state)
{
        static const char *const listed[] = {"/proc/cpuinfo",
                                             "/proc/meminfo",
                                             "/proc/stat",
                                             "/proc/uptime",
                                             "/proc/diskstats",
                                             "/proc/swaps",
                                             "/proc/loadavg",
                                             "/proc/slabinfo",
                                             "/sys/devices/system/cpu/online",
                                             NULL};
        static const struct {
                const char *source, *destination;
                const char *fstype;
                const char *denied; /* rule of the refusal, NULL: allowed */
                const char *why;
        } cases[] = {
            {"/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", "fuse.lxcfs", NULL, NULL},
            {"/var/lib/lxcfs/proc/loadavg", "/proc//loadavg", "fuse.lxcfs", NULL, NULL},
            {"/var/lib/lxcfs/sys/devices/system/cpu/online", "/sys/devices/system/cpu/online",
             "fuse.lxcfs", NULL, NULL},
            {"/var/lib/lxcfs/proc/meminfo", "/proc/cpuinfo", "fuse.lxcfs", RW_RULE_HOST_MOUNT,
             "goes only over the file it stands for"},
            {"/var/lib/lxcfs/proc/slabinfo", "/proc/slabinfo", "fuse.lxcfs", RW_RULE_HOST_MOUNT,
             "not one of the files lxcfs may stand in for"},
            {"/var/lib/lxcfs/cgroup", "/cgroup", "fuse.lxcfs", RW_RULE_HOST_MOUNT,
             "not one of the files"},
            {"/var/lib/lxcfs/proc/meminfo", "/etc/meminfo", "fuse.lxcfs", RW_RULE_HOST_MOUNT,
             "goes only over the file"},
            /* a host file of the same name on another filesystem */
            {"/srv/fake/proc/meminfo", "/proc/meminfo", "ext4", RW_RULE_HOST_MOUNT,
             "outside the engine-managed directories"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *mounts = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();
                const char *mountpoint =
                    strcmp(cases[i].fstype, "fuse.lxcfs") == 0 ? "/var/lib/lxcfs" : "/";

                print_message("%s at %s\n", cases[i].source, cases[i].destination);
                settings.lists[RW_LIST_LXCFS] = listed;
                assert_true(asprintf(&mounts,
                                     "[" KERNEL_MOUNTS ",{\"destination\":\"%s\",\"type\":\"bind\","
                                     "\"source\":\"%s\",\"options\":[\"rbind\",\"rw\"]}]",
                                     cases[i].destination, cases[i].source) > 0);
                spec = make_spec(mounts, NULL, NULL);
                init_facts(&facts);
                add_fact_on_mount(&facts, cases[i].source,
                                  strcmp(cases[i].source, "/var/lib/lxcfs/cgroup") == 0
                                      ? S_IFDIR | 0755
                                      : S_IFREG | 0444,
                                  cases[i].fstype, mountpoint);
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                if (cases[i].denied == NULL) {
                        _cleanup_json_ json_t *out = NULL;

                        rw_test_assert_no_denials(&plan);
                        out = rw_test_apply(spec, &plan);
                        assert_json(rw_test_get(out, "/mounts/2/options"),
                                    "[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"rprivate\"]");
                        continue;
                }
                assert_true(count_denials(&plan, cases[i].denied) >= 1);
                assert_contains(find_denial_item(&plan, cases[i].denied, cases[i].source)->reason,
                                cases[i].why);
        }
        /* the baseline lists nothing: lxcfs's views stay out */
        {
                _cleanup_json_ json_t *spec = make_spec(
                    "[" KERNEL_MOUNTS ",{\"destination\":\"/proc/meminfo\",\"type\":\"bind\","
                    "\"source\":\"/var/lib/lxcfs/proc/meminfo\",\"options\":[\"rbind\",\"ro\"]}]",
                    NULL, NULL);
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                struct rw_settings settings = test_settings();

                init_facts(&facts);
                add_fact_on_mount(&facts, "/var/lib/lxcfs/proc/meminfo", S_IFREG | 0444,
                                  "fuse.lxcfs", "/var/lib/lxcfs");
                rw_plan_init(&plan);
                run_rules(spec, &settings, &facts, &plan, true, false);
                assert_contains(
                    find_denial_item(&plan, RW_RULE_HOST_MOUNT, "/var/lib/lxcfs/proc/meminfo")
                        ->reason,
                    "the tier does not let lxcfs stand in for it");
                assert_non_null(find_denial_item(&plan, RW_RULE_KERNEL_MOUNT, "/proc/meminfo"));
        }
}

/* A tier's own directories: read-write or read-only, and never an excuse for a source that
 * resolves elsewhere; a tier without a read-only root gets neither readonly nor scratch. */
static void test_tier_bind_prefixes_and_writable_root(void **state)
{
        static const struct rw_bind_prefix extra[] = {
            {"/srv/ci-cache", false},
            {"/srv/toolchains/", true},
            {NULL, false},
        };
        _cleanup_json_ json_t *cache = one_bind("/srv/ci-cache", "/cache");
        _cleanup_json_ json_t *below = one_bind("/srv/ci-cache/job1", "/cache");
        _cleanup_json_ json_t *tools = one_bind("/srv/toolchains/gcc", "/opt/gcc");
        _cleanup_json_ json_t *escape = one_bind("/srv/ci-cache/link", "/x");
        struct rw_settings settings = test_settings();

        (void)state;
        settings.extra_bind_prefixes = extra;
        {
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *out = NULL;

                init_facts(&facts);
                add_fact(&facts, "/srv/ci-cache", "/srv/ci-cache", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(cache, &settings, &facts, &plan, true, false);
                assert_int_equal(plan.n_denials, 0);
                out = rw_test_apply(cache, &plan);
                assert_false(rw_test_array_has_string(rw_test_get(out, "/mounts/0/options"), "ro"));
                assert_true(
                    rw_test_array_has_string(rw_test_get(out, "/mounts/0/options"), "nosuid"));
        }
        {
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *out = NULL;

                init_facts(&facts);
                add_fact(&facts, "/srv/toolchains/gcc", "/srv/toolchains/gcc", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(tools, &settings, &facts, &plan, true, false);
                assert_int_equal(plan.n_denials, 0);
                out = rw_test_apply(tools, &plan);
                assert_true(rw_test_array_has_string(rw_test_get(out, "/mounts/0/options"), "ro"));
                assert_false(rw_test_array_has_string(rw_test_get(out, "/mounts/0/options"), "rw"));
        }
        {
                /* below a writable directory of the tier a job could swap part of the path */
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;

                init_facts(&facts);
                add_fact(&facts, "/srv/ci-cache/job1", "/srv/ci-cache/job1", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(below, &settings, &facts, &plan, true, false);
                assert_int_equal(count_denials(&plan, RW_RULE_HOST_MOUNT), 1);
                assert_string_equal(plan.denials[0].reason,
                                    "bind source /srv/ci-cache/job1 lies below /srv/ci-cache, a "
                                    "writable directory of the tier, and cannot be pinned: a job "
                                    "could replace part of the path before runc mounts it");
        }
        {
                /* ... so with a pin directory it is mounted through a pin of what was judged */
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *out = NULL;
                const struct rw_change *pinned = NULL;

                init_facts(&facts);
                facts.pin_dir = strdup("/run/runwarden/pins/default/c1");
                assert_non_null(facts.pin_dir);
                add_fact(&facts, "/srv/ci-cache/job1", "/srv/ci-cache/job1", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(below, &settings, &facts, &plan, true, false);
                assert_int_equal(plan.n_denials, 0);
                for (size_t i = 0; i < plan.n_changes; i++)
                        if (plan.changes[i].pin != NULL)
                                pinned = &plan.changes[i];
                assert_non_null(pinned);
                assert_string_equal(pinned->rule, RW_RULE_HOST_MOUNT);
                assert_string_equal(pinned->pin->source, "/srv/ci-cache/job1");
                assert_int_equal(pinned->pin->dev, 8);
                assert_int_equal(pinned->pin->ino, 1000);
                assert_true(pinned->pin->directory);
                out = rw_test_apply(below, &plan);
                assert_string_equal(json_string_value(rw_test_get(out, "/mounts/0/source")),
                                    "/run/runwarden/pins/default/c1/0");
                assert_true(
                    rw_test_array_has_string(rw_test_get(out, "/mounts/0/options"), "nosuid"));
        }
        {
                /* a tier that refuses what host-mount would change refuses the pin, which goes */
                static const struct rw_rule_tuning refuse[] = {{RW_RULE_HOST_MOUNT, RW_RULE_REFUSE},
                                                               {NULL, RW_RULE_ENFORCE}};
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;

                init_facts(&facts);
                facts.pin_dir = strdup("/run/runwarden/pins/default/c1");
                assert_non_null(facts.pin_dir);
                add_fact(&facts, "/srv/ci-cache/job1", "/srv/ci-cache/job1", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(below, &settings, &facts, &plan, true, false);
                rw_plan_tune(&plan, refuse);
                assert_int_equal(count_denials(&plan, RW_RULE_HOST_MOUNT), 1);
                for (size_t i = 0; i < plan.n_changes; i++)
                        assert_null(plan.changes[i].pin);
        }
        {
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_plan_ struct rw_plan plan;

                init_facts(&facts);
                add_fact(&facts, "/srv/ci-cache/link", "/etc", S_IFDIR | 0755);
                rw_plan_init(&plan);
                run_rules(escape, &settings, &facts, &plan, true, false);
                assert_int_equal(count_denials(&plan, RW_RULE_HOST_MOUNT), 1);
        }
        {
                _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
                _cleanup_plan_ struct rw_plan plan;

                settings.readonly_rootfs = false;
                rw_plan_init(&plan);
                run_rules(spec, &settings, NULL, &plan, false, true);
                assert_int_equal(plan.n_changes, 0);
                assert_int_equal(plan.n_denials, 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_privileged_fixture),
            cmocka_unit_test(test_privileged_fixture_apply),
            cmocka_unit_test(test_docker_default_fixture),
            cmocka_unit_test(test_readonly_hostns_fixture),
            cmocka_unit_test(test_containerd_fixture),
            cmocka_unit_test(test_ulimit_fixture),
            cmocka_unit_test(test_engine_socket_spellings),
            cmocka_unit_test(test_engine_socket_not_matched),
            cmocka_unit_test(test_engine_socket_removed_is_final),
            cmocka_unit_test(test_host_mount),
            cmocka_unit_test(test_host_mount_without_facts),
            cmocka_unit_test(test_volume_mounts_allowed),
            cmocka_unit_test(test_bind_options),
            cmocka_unit_test(test_kernel_fs_mount),
            cmocka_unit_test(test_sys_readonly),
            cmocka_unit_test(test_malformed_mounts),
            cmocka_unit_test(test_readonly_rootfs),
            cmocka_unit_test(test_scratch_placement),
            cmocka_unit_test(test_scratch_home_user),
            cmocka_unit_test(test_scratch_userns_missing_dirs),
            cmocka_unit_test(test_scratch_not_a_directory),
            cmocka_unit_test(test_scratch_userns_home_copy),
            cmocka_unit_test(test_scratch_home_content),
            cmocka_unit_test(test_scratch_nested_entries),
            cmocka_unit_test(test_scratch_after_engine_socket),
            cmocka_unit_test(test_scratch_invalid_user),
            cmocka_unit_test(test_job_home),
            cmocka_unit_test(test_host_mount_what_it_is),
            cmocka_unit_test(test_lxcfs),
            cmocka_unit_test(test_tier_bind_prefixes_and_writable_root),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
