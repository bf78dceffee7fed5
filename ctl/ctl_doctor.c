/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl doctor: is this host set up for runwarden, and is what runwarden relies on sound?
 * Every check is a {section, id, status, message, data} record, printed as text or as one JSON
 * document; the exit status is 1 when one failed. Nothing is changed: the audit log is checked
 * with access() and statvfs(), never written; the engines are asked through their own tools and
 * API (containerd config dump, dockerd's GET /info).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h" /* RW_DEFAULT_RUNTIME, RW_SECCOMP_DIR, RW_VERSION, RW_EGRESS_HOOK */
#include "ctl.h"
#include "ctl_config.h"
#include "setup_engines.h"
#include "engineview.h"
#include "hostutil.h"
#include "egress_handoff.h"
#include "json.h"
#include "nft.h"
#include "policy.h"
#include "rules.h"
#include "runcvers.h"
#include "seccomp_profile.h"
#include "toml.h"

/* $PATH of a systemd service: where dockerd, containerd's shims and BuildKit look up "runc". */
#define SERVICE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct doctor_options {
        const char *policy;
        const char *runwarden;
        const char *docker_config;
        const char *docker_host;
        const char *containerd_config;
        const char *podman_config;
        const char *seccomp_dir;
        const char *egress_hook;
        const char *canary_image; /* --canary IMAGE: run the tripwire through each runtime */
        bool json;
};

struct report {
        json_t *checks;
        const char *section;
        int n_ok, n_warn, n_fail, n_info;
};

static void check(struct report *rep, const char *id, const char *status, json_t *data,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void check(struct report *rep, const char *id, const char *status, json_t *data,
                  const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        json_t *c;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        c = json_pack("{s:s,s:s,s:s,s:s}", "section", rep->section, "id", id, "status", status,
                      "message", msg != NULL ? msg : "(out of memory)");
        if (c != NULL && data != NULL)
                json_object_set(c, "data", data);
        json_decref(data);
        if (c != NULL)
                json_array_append_new(rep->checks, c);
        if (strcmp(status, "ok") == 0)
                rep->n_ok++;
        else if (strcmp(status, "warn") == 0)
                rep->n_warn++;
        else if (strcmp(status, "fail") == 0)
                rep->n_fail++;
        else
                rep->n_info++;
}

static bool same_file(const char *a, const char *b)
{
        struct stat sa, sb;

        return a != NULL && b != NULL && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
               sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* `name` looked up in `path_list` as a service would; NULL when none. */
static char *lookup(const char *name, const char *path_list)
{
        _cleanup_free_ char *copy = strdup(path_list);
        char *save = NULL;

        for (char *dir = copy != NULL ? strtok_r(copy, ":", &save) : NULL; dir != NULL;
             dir = strtok_r(NULL, ":", &save)) {
                char *p = NULL;

                if (asprintf(&p, "%s/%s", dir, name) < 0)
                        return NULL;
                if (access(p, X_OK) == 0)
                        return p;
                free(p);
        }
        return NULL;
}

/* ---- policy and runwarden ---- */

static void check_policy(struct report *rep, const struct doctor_options *o,
                         struct rw_policy *policy, bool *ret_found)
{
        struct rw_error err = {0};
        char **warnings = NULL;
        const char *path = o->policy != NULL ? o->policy : RW_POLICY_DEFAULT_PATH;

        rep->section = "policy";
        if (rw_policy_load(o->policy, policy, ret_found, &err) < 0) {
                check(rep, "policy.valid", "fail", json_pack("{s:s}", "path", path),
                      "%s (runwarden refuses every container while this is so)", err.msg);
                *ret_found = false;
                (void)rw_policy_baseline(policy, &err);
                return;
        }
        if (!*ret_found) {
                check(rep, "policy.valid", "info", json_pack("{s:s}", "path", path),
                      "no policy file at %s: every container gets the built-in baseline", path);
                return;
        }
        {
                json_t *tiers = json_array();
                _cleanup_free_ char *list = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&list, &size);

                for (size_t s = 0; s < policy->n_tiers; s++)
                        for (size_t i = 0; i < policy->n_tiers; i++)
                                if (policy->tiers[i].strictness == s) {
                                        json_array_append_new(tiers,
                                                              json_string(policy->tiers[i].name));
                                        if (f != NULL)
                                                fprintf(f, "%s%s", s > 0 ? ", " : "",
                                                        policy->tiers[i].name);
                                }
                if (f != NULL)
                        fclose(f);
                check(rep, "policy.valid", "ok",
                      json_pack("{s:s,s:o,s:s}", "path", path, "tiers", tiers, "default_tier",
                                policy->default_tier),
                      "%s: valid, tiers %s (least strict first), default %s", path,
                      list != NULL ? list : "", policy->default_tier);
        }
        if (rw_policy_warnings(policy, &warnings, &err) >= 0) {
                for (size_t i = 0; warnings[i] != NULL; i++)
                        check(rep, "policy.warning", "warn", NULL, "%s", warnings[i]);
                rw_strv_free(warnings);
        }
}

static void check_runwarden(struct report *rep, const struct doctor_options *o,
                            const struct rw_policy *policy, bool policy_found)
{
        const char *runwarden = o->runwarden != NULL ? o->runwarden : RW_BINDIR "/runwarden";
        _cleanup_free_ char *dir = strdup(runwarden);
        json_t *missing = json_array();
        size_t n_tiers = 0;

        rep->section = "runwarden";
        if (access(runwarden, X_OK) < 0) {
                check(rep, "runwarden.binary", "fail", json_pack("{s:s}", "path", runwarden),
                      "%s: %s", runwarden, strerror(errno));
                json_decref(missing);
                return;
        }
        check(rep, "runwarden.binary", "ok", json_pack("{s:s}", "path", runwarden), "%s",
              runwarden);
        if (dir == NULL || strrchr(dir, '/') == NULL) {
                json_decref(missing);
                return;
        }
        *strrchr(dir, '/') = '\0';
        for (size_t i = 0; policy_found && i < policy->n_tiers; i++) {
                _cleanup_free_ char *link = NULL;

                if (asprintf(&link, "%s/runwarden-%s", dir, policy->tiers[i].name) < 0)
                        continue;
                n_tiers++;
                if (!same_file(link, runwarden))
                        json_array_append_new(missing, json_string(link));
        }
        if (json_array_size(missing) > 0) {
                size_t n_missing = json_array_size(missing);
                _cleanup_free_ char *first = strdup(json_string_value(json_array_get(missing, 0)));

                check(rep, "runwarden.tier-links", "warn", json_pack("{s:o}", "missing", missing),
                      "%zu tier link(s) missing, e.g. %s: an engine registered with it fails "
                      "(ln -s runwarden %s)",
                      n_missing, first != NULL ? first : "", first != NULL ? first : "");
        } else {
                json_decref(missing);
                if (n_tiers > 0)
                        check(rep, "runwarden.tier-links", "ok", NULL,
                              "a runwarden-TIER link for each of the %zu tiers", n_tiers);
        }
}

/* ---- delegates ---- */

/* The package that owns `path` (following a dpkg diversion back to the diverted name). */
static char *owning_package(const char *path)
{
        char *argv[] = {"dpkg-query", "-S", (char *)path, NULL};
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char *pkg = NULL;

        if (rw_ctl_run(argv, -1, 10000, &out, &err) < 0)
                return NULL;
        for (char *line = out.out, *next; out.status == 0 && line != NULL && *line != '\0';
             line = next) {
                char *colon;

                next = strchr(line, '\n');
                if (next != NULL)
                        *next++ = '\0';
                if (strncmp(line, "diversion by", 12) == 0)
                        continue;
                colon = strstr(line, ": ");
                if (colon != NULL && strcmp(colon + 2, path) == 0) {
                        *colon = '\0';
                        /* "runc, other: path" names several; the first will do. */
                        line[strcspn(line, ",")] = '\0';
                        pkg = strdup(line);
                        break;
                }
        }
        rw_run_output_clear(&out);
        if (pkg == NULL) {
                /* A diverted file: dpkg knows it by the name it was diverted from. */
                char *list[] = {"dpkg-divert", "--list", NULL};

                if (rw_ctl_run(list, -1, 10000, &out, &err) >= 0 && out.status == 0) {
                        char from[PATH_MAX], to[PATH_MAX];
                        const char *line = out.out;

                        for (; line != NULL && *line != '\0'; line = strchr(line, '\n')) {
                                if (*line == '\n')
                                        line++;
                                if (sscanf(line, "diversion of %4095s to %4095s", from, to) == 2 &&
                                    strcmp(to, path) == 0) {
                                        rw_run_output_clear(&out);
                                        return owning_package(from);
                                }
                        }
                }
                rw_run_output_clear(&out);
        }
        return pkg;
}

static char *package_version(const char *pkg)
{
        char *argv[] = {"dpkg-query", "-W", "-f", "${Version}", (char *)pkg, NULL};
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char *v = NULL;

        if (rw_ctl_run(argv, -1, 10000, &out, &err) >= 0 && out.status == 0 && out.out[0] != '\0')
                v = strdup(out.out);
        rw_run_output_clear(&out);
        return v;
}

/* The CVE ids the package's Debian changelog names. */
static char **changelog_cves(const char *pkg)
{
        _cleanup_free_ char *path = NULL;
        char *argv[] = {"gzip", "-dc", NULL, NULL};
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char **ids = calloc(1, sizeof(char *));
        size_t n = 0;

        if (ids == NULL || asprintf(&path, "/usr/share/doc/%s/changelog.Debian.gz", pkg) < 0)
                return ids;
        argv[2] = path;
        if (rw_ctl_run(argv, -1, 10000, &out, &err) < 0 || out.status != 0) {
                rw_run_output_clear(&out);
                return ids;
        }
        for (const char *p = out.out; (p = strstr(p, "CVE-")) != NULL; p += 4) {
                size_t len = 4 + strspn(p + 4, "0123456789-");
                char *id = strndup(p, len);
                char **grown;
                bool seen = false;

                for (size_t k = 0; id != NULL && k < n; k++)
                        seen = seen || strcmp(ids[k], id) == 0;
                if (id == NULL || seen ||
                    (grown = reallocarray(ids, n + 2, sizeof(*ids))) == NULL) {
                        free(id);
                        continue;
                }
                ids = grown;
                ids[n++] = id;
                ids[n] = NULL;
        }
        rw_run_output_clear(&out);
        return ids;
}

static void strv_freep(char ***strv)
{
        rw_strv_free(*strv);
}

static void check_runc_cves(struct report *rep, const char *delegate, const char *version_text,
                            const char *pkg, const char *pkg_version)
{
        _cleanup_(strv_freep) char **ids = pkg != NULL ? changelog_cves(pkg) : NULL;
        struct rw_runc_version v;

        if (!rw_runc_version_parse(version_text, &v)) {
                check(rep, "delegate.cve", "warn", json_pack("{s:s}", "delegate", delegate),
                      "%s: cannot read the runc version \"%s\": its fixes are unknown", delegate,
                      version_text);
                return;
        }
        for (const struct rw_runc_cve *cve = rw_runc_cves; cve->id != NULL; cve++) {
                enum rw_cve_status s = rw_runc_cve_judge(cve, &v, ids);
                json_t *data = json_pack("{s:s,s:s,s:s,s:s,s:s*}", "delegate", delegate, "cve",
                                         cve->id, "fixed_in", cve->fixed_in, "basis",
                                         s == RW_CVE_FIXED            ? "upstream-version"
                                         : s == RW_CVE_FIXED_BACKPORT ? "package-changelog"
                                                                      : "none",
                                         "package_version", pkg_version);

                if (s == RW_CVE_FIXED)
                        check(rep, "delegate.cve", "ok", data, "%s (%s): fixed, runc %s >= %s",
                              cve->id, cve->what, version_text, cve->fixed_in);
                else if (s == RW_CVE_FIXED_BACKPORT)
                        check(rep, "delegate.cve", "ok", data,
                              "%s (%s): runc %s predates the fix (%s), but the changelog of "
                              "package %s %s names it: a backport",
                              cve->id, cve->what, version_text, cve->fixed_in, pkg, pkg_version);
                else if (pkg != NULL)
                        check(rep, "delegate.cve", "warn", data,
                              "%s (%s): runc %s predates the fix (%s) and the changelog of "
                              "package %s %s does not name it: treat it as vulnerable (check "
                              "your distribution's security tracker)",
                              cve->id, cve->what, version_text, cve->fixed_in, pkg, pkg_version);
                else
                        check(rep, "delegate.cve", "warn", data,
                              "%s (%s): runc %s predates the fix (%s) and comes from no package: "
                              "treat it as vulnerable",
                              cve->id, cve->what, version_text, cve->fixed_in);
        }
}

static void check_delegate(struct report *rep, const char *delegate, const char *used_by,
                           const char *runwarden)
{
        char *argv[] = {(char *)delegate, "--version", NULL};
        _cleanup_free_ char *real = NULL, *pkg = NULL, *pkg_version = NULL;
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char name[64] = "", version[128] = "";
        json_t *data;

        if (access(delegate, X_OK) < 0) {
                check(rep, "delegate.present", "fail",
                      json_pack("{s:s,s:s}", "delegate", delegate, "used_by", used_by),
                      "%s (%s): %s: runwarden refuses every container it would hand off", delegate,
                      used_by, strerror(errno));
                return;
        }
        if (same_file(delegate, runwarden)) {
                check(rep, "delegate.present", "fail",
                      json_pack("{s:s,s:s}", "delegate", delegate, "used_by", used_by),
                      "%s (%s) is runwarden itself: runwarden refuses to hand off to itself",
                      delegate, used_by);
                return;
        }
        real = realpath(delegate, NULL);
        if (rw_ctl_run(argv, -1, 10000, &out, &err) < 0 || out.status != 0 ||
            sscanf(out.out, "%63s version %127s", name, version) != 2) {
                check(rep, "delegate.present", "warn",
                      json_pack("{s:s,s:s}", "delegate", delegate, "used_by", used_by),
                      "%s (%s): `--version` did not say what it is", delegate, used_by);
                rw_run_output_clear(&out);
                return;
        }
        rw_run_output_clear(&out);
        pkg = real != NULL ? owning_package(real) : NULL;
        pkg_version = pkg != NULL ? package_version(pkg) : NULL;
        data = json_pack("{s:s,s:s,s:s*,s:s,s:s,s:s*,s:s*}", "delegate", delegate, "used_by",
                         used_by, "path", real, "name", name, "version", version, "package", pkg,
                         "package_version", pkg_version);
        check(rep, "delegate.present", "ok", data, "%s%s%s (%s): %s %s%s%s%s%s", delegate,
              real != NULL && strcmp(real, delegate) != 0 ? " -> " : "",
              real != NULL && strcmp(real, delegate) != 0 ? real : "", used_by, name, version,
              pkg != NULL ? ", package " : ", from no package", pkg != NULL ? pkg : "",
              pkg_version != NULL ? " " : "", pkg_version != NULL ? pkg_version : "");
        if (strcmp(name, "runc") == 0)
                check_runc_cves(rep, delegate, version, pkg, pkg_version);
}

static void check_delegates(struct report *rep, const struct doctor_options *o,
                            const struct rw_policy *policy)
{
        const char *runwarden = o->runwarden != NULL ? o->runwarden : RW_BINDIR "/runwarden";

        rep->section = "delegates";
        check_delegate(rep, RW_DEFAULT_RUNTIME, "the default delegate", runwarden);
        for (size_t i = 0; i < policy->n_tiers; i++) {
                const char *rt = policy->tiers[i].runtime;
                _cleanup_free_ char *used_by = NULL;
                bool seen = rt == NULL || strcmp(rt, RW_DEFAULT_RUNTIME) == 0;

                for (size_t k = 0; !seen && k < i; k++)
                        seen = policy->tiers[k].runtime != NULL &&
                               strcmp(policy->tiers[k].runtime, rt) == 0;
                if (seen || asprintf(&used_by, "tier %s", policy->tiers[i].name) < 0)
                        continue;
                check_delegate(rep, rt, used_by, runwarden);
        }
        check(rep, "delegate.note", "info", NULL,
              "a distribution backports fixes without changing runc's upstream version: a fix is "
              "taken as present when the version has it or when the package's changelog names "
              "the CVE; a changelog is the maintainer's statement (not a test of the binary), "
              "and a CVE it does not name may still be fixed under another description");
}

/* ---- kernel ---- */

static char *read_line(const char *path)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;

        if (rw_ctl_read_pseudo(path, 65536, &text, &len) < 0)
                return NULL;
        text[strcspn(text, "\n")] = '\0';
        return TAKE_PTR(text);
}

static void check_kernel(struct report *rep)
{
        _cleanup_free_ char *actions = read_line("/proc/sys/kernel/seccomp/actions_avail");
        _cleanup_free_ char *userns = read_line("/proc/sys/user/max_user_namespaces");
        _cleanup_free_ char *unpriv = read_line("/proc/sys/kernel/unprivileged_userns_clone");
        _cleanup_free_ char *apparmor = read_line("/sys/module/apparmor/parameters/enabled");
        _cleanup_free_ char *filesystems = NULL;
        struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
        struct utsname u;
        struct statfs sfs;
        size_t len = 0;
        long fd;

        rep->section = "kernel";
        if (uname(&u) == 0)
                check(rep, "kernel.release", "info", json_pack("{s:s}", "release", u.release),
                      "Linux %s", u.release);
        if (prctl(PR_GET_SECCOMP) < 0 || actions == NULL || strstr(actions, "errno") == NULL)
                check(rep, "kernel.seccomp", "fail", NULL,
                      "no seccomp filters: runwarden's seccomp rule cannot be enforced by runc");
        else
                check(rep, "kernel.seccomp", "ok", json_pack("{s:s}", "actions", actions),
                      "seccomp filters (actions: %s)", actions);
        if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
                check(rep, "kernel.cgroup", "ok", json_pack("{s:s}", "version", "2"),
                      "cgroup v2 (unified)");
        else
                check(rep, "kernel.cgroup", "info", json_pack("{s:s}", "version", "1"),
                      "cgroup v1 (or hybrid): runc and the pids limit work; cgroup v2 adds "
                      "delegation and reliable memory accounting");
        if (userns != NULL && atol(userns) > 0)
                check(rep, "kernel.userns", "info",
                      json_pack("{s:s,s:s*}", "max_user_namespaces", userns,
                                "unprivileged_userns_clone", unpriv),
                      "user namespaces available (max %s)%s", userns,
                      unpriv != NULL && strcmp(unpriv, "0") == 0
                          ? "; unprivileged ones disabled"
                          : "; unprivileged processes may create them (ci-default refuses "
                            "unshare(CLONE_NEWUSER) inside jobs)");
        else
                check(rep, "kernel.userns", "info", NULL, "user namespaces unavailable");
        fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
        if (fd >= 0) {
                close((int)fd);
                check(rep, "kernel.openat2", "ok", NULL,
                      "openat2 with RESOLVE_* flags (Linux >= 5.6)");
        } else {
                check(rep, "kernel.openat2", errno == ENOSYS ? "warn" : "info", NULL,
                      "openat2: %s (path resolution without symlinks needs Linux >= 5.6)",
                      strerror(errno));
        }
        if (rw_ctl_read_pseudo("/proc/filesystems", 1 << 20, &filesystems, &len) >= 0 &&
            strstr(filesystems, "\toverlay\n") != NULL)
                check(rep, "kernel.overlay", "ok", NULL, "overlay filesystem");
        else
                check(rep, "kernel.overlay", "info", NULL,
                      "no overlay filesystem registered (engines load the module when needed)");
        check(rep, "kernel.lsm", "info", NULL, "AppArmor %s",
              apparmor != NULL && apparmor[0] == 'Y' ? "enabled" : "not enabled");
}

/* ---- engines and the runc bypass ---- */

struct bypass {
        json_t *routes; /* [{engine, route, why}] */
};

static void bypass_add(struct bypass *b, const char *engine, const char *route, const char *why)
{
        json_array_append_new(
            b->routes, json_pack("{s:s,s:s,s:s}", "engine", engine, "route", route, "why", why));
}

/* What a runtime path given by name (dockerd's "runc") or path resolves to. */
static char *resolve_runtime(const char *path)
{
        if (path == NULL || path[0] == '\0')
                return lookup("runc", SERVICE_PATH);
        if (strchr(path, '/') == NULL)
                return lookup(path, SERVICE_PATH);
        return strdup(path);
}

/* The last line of `text` that is not empty (the canary's verdict), as [*ret, *ret_len). */
static void last_line(const char *text, const char **ret, int *ret_len)
{
        const char *end = text != NULL ? text + strlen(text) : NULL;
        const char *start;

        while (end != NULL && end > text && end[-1] == '\n')
                end--;
        start = end;
        while (start != NULL && start > text && start[-1] != '\n')
                start--;
        *ret = start != NULL ? start : "";
        *ret_len = start != NULL ? (int)(end - start) : 0;
}

/*
 * The tripwire (runwardenctl canary run, ctl/canary/README.md) through each of dockerd's runtimes
 * that go through runwarden: what a job there can really do, against what its tier allows. The
 * only check that starts containers, so only when asked (--canary IMAGE).
 */
static void check_canary(struct report *rep, const struct doctor_options *o, const char *sock,
                         const json_t *through)
{
        char self[PATH_MAX], host[PATH_MAX + 8];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        size_t i;
        json_t *name;

        if (n <= 0) {
                check(rep, "canary", "warn", NULL, "canary: cannot find runwardenctl itself");
                return;
        }
        self[n] = '\0';
        snprintf(host, sizeof(host), "unix://%s", sock);
        /* the docker client of the canary run talks to the daemon doctor looked at */
        setenv("DOCKER_HOST", host, 1);
        json_array_foreach((json_t *)through, i, name)
        {
                const char *runtime = json_string_value(name);
                char *argv[] = {self,
                                "canary",
                                "run",
                                "--engine",
                                "docker",
                                "--runtime",
                                (char *)runtime,
                                "--image",
                                (char *)o->canary_image,
                                o->policy != NULL ? "--policy" : NULL,
                                (char *)o->policy,
                                NULL};
                struct rw_run_output out = {0};
                struct rw_error err = {0};
                char id[128];
                const char *tail;
                int tail_len;

                snprintf(id, sizeof(id), "canary.%s", runtime);
                if (rw_ctl_run(argv, -1, 300000, &out, &err) < 0) {
                        check(rep, id, "warn", NULL, "canary through %s did not run: %s", runtime,
                              err.msg);
                        continue;
                }
                last_line(out.out, &tail, &tail_len);
                check(rep, id,
                      out.status == 0   ? "ok"
                      : out.status == 1 ? "fail"
                                        : "warn",
                      json_pack("{s:s,s:i}", "runtime", runtime, "exit", out.status),
                      "canary through %s: %s%.*s", runtime,
                      out.status == 0   ? ""
                      : out.status == 1 ? "a job can do more than its tier allows: "
                                        : "no verdict: ",
                      tail_len, tail);
                rw_run_output_clear(&out);
        }
}

static void check_docker(struct report *rep, const struct doctor_options *o, const char *runwarden,
                         struct bypass *b)
{
        const char *sock = o->docker_host;
        _cleanup_json_ json_t *info = NULL;
        struct rw_error err = {0};
        const json_t *runtimes;
        const char *name, *def;
        json_t *value, *through = json_array(), *around = json_array();

        if (sock == NULL) {
                const char *env = getenv("DOCKER_HOST");

                sock = env != NULL && strncmp(env, "unix://", 7) == 0 ? env + 7
                                                                      : "/var/run/docker.sock";
        } else if (strncmp(sock, "unix://", 7) == 0) {
                sock += 7;
        }
        if (rw_docker_info(sock, &info, &err) < 0) {
                _cleanup_free_ char *text = NULL;
                _cleanup_json_ json_t *conf = NULL;
                const char *path =
                    o->docker_config != NULL ? o->docker_config : "/etc/docker/daemon.json";
                size_t len = 0;

                json_decref(through);
                json_decref(around);
                if (rw_ctl_read_file(path, 4u << 20, &text, &len, NULL, NULL) < 0 ||
                    rw_json_parse(text, len, &conf, NULL) < 0) {
                        check(rep, "engine.docker", "info", NULL,
                              "dockerd: no running daemon at %s and no readable %s", sock, path);
                        return;
                }
                runtimes = json_object_get(conf, "runtimes");
                check(rep, "engine.docker", "info",
                      json_pack("{s:s,s:O*}", "config", path, "runtimes", runtimes),
                      "dockerd is not running at %s (%s); %s registers %zu runtime(s)", sock,
                      err.msg, path, json_object_size(runtimes));
                return;
        }
        runtimes = json_object_get(info, "Runtimes");
        def = json_string_value(json_object_get(info, "DefaultRuntime"));
        json_object_foreach((json_t *)runtimes, name, value)
        {
                _cleanup_free_ char *real =
                    resolve_runtime(json_string_value(json_object_get(value, "path")));

                if (real != NULL && same_file(real, runwarden)) {
                        json_array_append_new(through, json_string(name));
                } else {
                        json_array_append_new(around, json_string(name));
                        bypass_add(b, "docker", name,
                                   "anyone with access to the docker API can run "
                                   "--runtime=NAME without runwarden");
                }
        }
        {
                bool def_through = false;

                for (size_t i = 0; def != NULL && i < json_array_size(through); i++)
                        def_through =
                            def_through ||
                            strcmp(json_string_value(json_array_get(through, i)), def) == 0;
                if (o->canary_image != NULL)
                        check_canary(rep, o, sock, through);
                check(rep, "engine.docker", json_array_size(through) == 0 ? "warn" : "ok",
                      json_pack("{s:s,s:o,s:o,s:s*}", "socket", sock, "through_runwarden", through,
                                "around_runwarden", around, "default_runtime", def),
                      "dockerd at %s: %zu runtime(s) through runwarden, default runtime %s%s", sock,
                      json_array_size(through), def != NULL ? def : "?",
                      def_through ? " (through runwarden)" : " (not through runwarden)");
        }
        bypass_add(b, "docker", "BuildKit",
                   "docker build runs each RUN step with the runc found on $PATH");
}

static void check_containerd(struct report *rep, const struct doctor_options *o,
                             const char *runwarden, struct bypass *b)
{
        const char *path =
            o->containerd_config != NULL ? o->containerd_config : "/etc/containerd/config.toml";
        _cleanup_(rw_cri_view_clear) struct rw_cri_view v = {0};
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        json_t *through = json_array(), *around = json_array();
        bool def_through = false;
        size_t len = 0;
        int r;

        r = rw_ctl_read_file(path, 4u << 20, &text, &len, NULL, &err);
        if (r < 0 && r != -ENOENT) {
                check(rep, "engine.containerd", "warn", NULL, "containerd: %s", err.msg);
                goto done;
        }
        if (!rw_ctl_have_program("containerd")) {
                check(rep, "engine.containerd", "info", NULL, "containerd is not installed");
                goto done;
        }
        if (rw_containerd_dump(text != NULL ? text : "", text != NULL ? len : 0, &v, &err) < 0) {
                check(rep, "engine.containerd", "warn", json_pack("{s:s}", "config", path),
                      "containerd cannot read %s: %s", path, err.msg);
                goto done;
        }
        for (size_t i = 0; i < v.n; i++) {
                _cleanup_free_ char *real = resolve_runtime(v.binary[i]);

                if (real != NULL && same_file(real, runwarden)) {
                        json_array_append_new(through, json_string(v.names[i]));
                        def_through = def_through || (v.default_name != NULL &&
                                                      strcmp(v.default_name, v.names[i]) == 0);
                } else {
                        json_array_append_new(around, json_string(v.names[i]));
                        bypass_add(b, "containerd", v.names[i],
                                   "a pod's RuntimeClass can name this handler");
                }
        }
        check(rep, "engine.containerd", json_array_size(through) == 0 ? "warn" : "ok",
              json_pack("{s:s,s:O,s:O,s:s*}", "config", path, "through_runwarden", through,
                        "around_runwarden", around, "default_runtime", v.default_name),
              "containerd (%s): %zu CRI runtime(s) through runwarden, default runtime %s%s", path,
              json_array_size(through), v.default_name != NULL ? v.default_name : "?",
              def_through ? " (through runwarden)" : " (not through runwarden)");
        bypass_add(b, "containerd", "ctr run",
                   "ctr and containerd's own clients use io.containerd.runc.v2 with the runc on "
                   "$PATH");
done:
        json_decref(through);
        json_decref(around);
}

static void check_podman(struct report *rep, const struct doctor_options *o, const char *runwarden)
{
        const char *path =
            o->podman_config != NULL ? o->podman_config : "/etc/containers/containers.conf";
        _cleanup_free_ char *text = NULL, *def = NULL;
        struct rw_toml t = {0};
        struct rw_error err = {0};
        json_t *through = json_array();
        char *runtimes[] = {"engine", "runtimes", NULL}, *engine[] = {"engine", NULL};
        size_t len = 0, table;
        int r;

        if (!rw_ctl_have_program("podman")) {
                check(rep, "engine.podman", "info", NULL, "podman is not installed");
                json_decref(through);
                return;
        }
        r = rw_ctl_read_file(path, 4u << 20, &text, &len, NULL, &err);
        if (r == -ENOENT) {
                check(rep, "engine.podman", "info", NULL,
                      "podman: no %s, so no runwarden runtime (runwardenctl setup podman)", path);
                json_decref(through);
                return;
        }
        if (r < 0 || rw_toml_scan(text, len, &t, &err) < 0) {
                check(rep, "engine.podman", "warn", NULL, "podman: %s: %s", path, err.msg);
                json_decref(through);
                return;
        }
        table = rw_toml_find_table(&t, runtimes);
        for (size_t i = table + 1; table != SIZE_MAX && i < rw_toml_table_end(&t, table); i++) {
                char **paths = NULL;

                if (t.items[i].kind != RW_TOML_KEYVAL || t.items[i].key[1] != NULL ||
                    rw_toml_value_string_array(text, &t.items[i], &paths, NULL) < 0)
                        continue;
                for (size_t k = 0; paths[k] != NULL; k++)
                        if (access(paths[k], X_OK) == 0) {
                                if (same_file(paths[k], runwarden))
                                        json_array_append_new(through,
                                                              json_string(t.items[i].key[0]));
                                break;
                        }
                rw_toml_path_free(paths);
        }
        table = rw_toml_find_table(&t, engine);
        if (table != SIZE_MAX) {
                size_t item = rw_toml_find_key(&t, table, "runtime");

                if (item != SIZE_MAX)
                        (void)rw_toml_value_string(text, &t.items[item], &def, NULL);
        }
        rw_toml_clear(&t);
        check(rep, "engine.podman", json_array_size(through) == 0 ? "warn" : "ok",
              json_pack("{s:s,s:O,s:s*}", "config", path, "through_runwarden", through,
                        "default_runtime", def),
              "podman (%s): %zu runtime(s) through runwarden, default runtime %s (podman has no "
              "daemon: whoever runs it as root can pick any runtime)",
              path, json_array_size(through), def != NULL ? def : "podman's own (crun or runc)");
        json_decref(through);
}

static void check_engines(struct report *rep, const struct doctor_options *o)
{
        const char *runwarden = o->runwarden != NULL ? o->runwarden : RW_BINDIR "/runwarden";
        _cleanup_free_ char *runc = lookup("runc", SERVICE_PATH);
        struct bypass b = {json_array()};
        bool everywhere = runc != NULL && same_file(runc, runwarden);
        size_t open = 0;

        rep->section = "engines";
        check_docker(rep, o, runwarden, &b);
        check_containerd(rep, o, runwarden, &b);
        check_podman(rep, o, runwarden);

        rep->section = "bypass";
        check(rep, "bypass.runc", everywhere ? "ok" : "warn",
              json_pack("{s:s*,s:b}", "runc", runc, "everywhere", everywhere),
              everywhere ? "runc on $PATH (%s) is runwarden: `runc` from any engine, BuildKit or "
                           "ctr goes through runwarden"
                         : "runc on $PATH (%s) is the real runc: engines and tools that run "
                           "`runc` bypass runwarden (runwardenctl setup everywhere closes this)",
              runc != NULL ? runc : "none");
        for (size_t i = 0; i < json_array_size(b.routes); i++) {
                json_t *route = json_array_get(b.routes, i);
                const char *name = json_string_value(json_object_get(route, "route"));
                bool via_runc = strcmp(name, "runc") == 0 || strcmp(name, "BuildKit") == 0 ||
                                strcmp(name, "ctr run") == 0;

                /* With everywhere mode, the routes through the name runc are closed. */
                if (via_runc && everywhere)
                        continue;
                open++;
                check(rep, "bypass.route", "warn", json_incref(route), "%s: %s: %s",
                      json_string_value(json_object_get(route, "engine")), name,
                      json_string_value(json_object_get(route, "why")));
        }
        if (open == 0)
                check(rep, "bypass.route", "ok", NULL,
                      "no route to a container runtime around runwarden was found");
        json_decref(b.routes);
}

/* ---- audit log, seccomp profiles ---- */

/* Whether runwarden could create a file in directory `dir`: an O_TMPFILE probe (nothing stays
 * behind), else the permission bits and the mount's read-only flag. */
static int dir_writable(const char *dir)
{
        struct statvfs vfs;
        struct stat st;
        int fd;

        if (stat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0) {
                close(fd);
                return 0;
        }
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
                return -errno;
        if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
                return -EROFS;
        return access(dir, W_OK | X_OK) < 0 ? -errno : 0;
}

/* What runwarden's append_audit() does, short of writing: open the file for appending, or create
 * it (and its directory, one level). The directory that must take the new file is *ret_where. */
static int audit_writable(const char *path, char *where, size_t size)
{
        _cleanup_free_ char *dir = strdup(path);
        struct stat st;
        char *slash;
        int fd;

        if (dir == NULL)
                return -ENOMEM;
        snprintf(where, size, "%s", path);
        if (lstat(path, &st) == 0) {
                if (!S_ISREG(st.st_mode))
                        return -EINVAL;
                fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return -errno;
                close(fd);
                return 0;
        }
        slash = strrchr(dir, '/');
        if (slash == NULL)
                return -EINVAL;
        *slash = '\0';
        snprintf(where, size, "%s", dir[0] != '\0' ? dir : "/");
        if (stat(where, &st) == 0 || errno != ENOENT)
                return dir_writable(where);
        /* runwarden creates the directory itself, one level only. */
        slash = strrchr(dir, '/');
        if (slash == NULL)
                return -EINVAL;
        *slash = '\0';
        snprintf(where, size, "%s", dir[0] != '\0' ? dir : "/");
        return dir_writable(where);
}

static void check_audit_log(struct report *rep, const struct rw_policy *policy, bool found)
{
        const char *path = policy->audit_log != NULL ? policy->audit_log : RW_AUDIT_LOG_DEFAULT;
        bool refuse = found && policy->audit_log_refuse;
        char where[PATH_MAX];
        struct statvfs vfs;
        int r;

        rep->section = "audit log";
        r = audit_writable(path, where, sizeof(where));
        if (r < 0)
                check(rep, "audit.writable", refuse ? "fail" : "warn",
                      json_pack("{s:s,s:s,s:b}", "path", path, "where", where, "refuse", refuse),
                      "%s cannot be written (%s: %s)%s", path, where, strerror(-r),
                      refuse ? ": the policy says to refuse every container then"
                             : ": decisions go unrecorded");
        else if (statvfs(where, &vfs) == 0 &&
                 (unsigned long long)vfs.f_bavail * vfs.f_frsize < 64ull << 20)
                check(rep, "audit.writable", "warn", json_pack("{s:s}", "path", path),
                      "%s: less than 64 MiB free%s", path,
                      refuse ? " (the policy refuses containers when it is full)" : "");
        else
                check(rep, "audit.writable", "ok",
                      json_pack("{s:s,s:b}", "path", path, "refuse", refuse), "%s: writable%s",
                      path, refuse ? " (on_failure refuse)" : "");
}

/* Every tier's profile as runwarden would find it (the directory, else built in), converted and
 * compiled: a profile that is missing or does not compile refuses every container of its tiers. */
static void check_profiles(struct report *rep, const struct rw_policy *policy, const char *dir)
{
        rep->section = "seccomp";
        for (size_t i = 0; i < policy->n_tiers; i++) {
                const char *profile = policy->tiers[i].settings.seccomp_profile_name;
                _cleanup_json_ json_t *loaded = NULL;
                _cleanup_json_ json_t *raw = NULL;
                _cleanup_free_ char *where = NULL;
                struct rw_error err = {0};
                bool seen = false;

                for (size_t k = 0; profile != NULL && k < i; k++)
                        seen = seen || (policy->tiers[k].settings.seccomp_profile_name != NULL &&
                                        strcmp(policy->tiers[k].settings.seccomp_profile_name,
                                               profile) == 0);
                if (profile == NULL || seen)
                        continue;
                if (rw_seccomp_find_named(dir, profile, &raw, &where, &err) < 0 ||
                    rw_seccomp_load_profile(dir, profile, &loaded, &err) < 0) {
                        check(rep, "seccomp.profile", "fail",
                              json_pack("{s:s,s:s}", "profile", profile, "dir", dir),
                              "profile %s: %s (containers of the tiers using it are refused)",
                              profile, err.msg);
                        continue;
                }
                check(rep, "seccomp.profile", "ok",
                      json_pack("{s:s,s:s}", "profile", profile, "from", where), "profile %s: %s",
                      profile, where);
        }
}

/* ---- egress ---- */

static bool keeps_net_cap(const struct rw_tier *t)
{
        for (const char *const *c = t->settings.capabilities; c != NULL && *c != NULL; c++)
                if (strcmp(*c, "CAP_NET_ADMIN") == 0 || strcmp(*c, "CAP_NET_RAW") == 0)
                        return true;
        return false;
}

/* What the directory holds: hand-offs no hook took yet, namespaces kept for the counters. Both
 * go with runwarden's delete; containers deleted by runc alone leave theirs. */
static void check_egress_dir(struct report *rep)
{
        DIR *d = opendir(RW_EGRESS_DIR);
        size_t handoffs = 0, pins = 0;
        struct dirent *e;

        if (d == NULL)
                return;
        while ((e = readdir(d)) != NULL) {
                size_t len = strlen(e->d_name);

                if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
                        handoffs++;
                else if (len > 6 && strcmp(e->d_name + len - 6, ".netns") == 0)
                        pins++;
        }
        closedir(d);
        check(rep, "egress.dir", "info",
              json_pack("{s:s,s:I,s:I}", "path", RW_EGRESS_DIR, "handoffs", (json_int_t)handoffs,
                        "pins", (json_int_t)pins),
              "%s: %zu hand-off(s) no hook has taken, %zu network namespace(s) kept for the "
              "counters (runwarden delete releases both; a container deleted by runc alone "
              "leaves them)",
              RW_EGRESS_DIR, handoffs, pins);
}

static void *fresh_netns(void *arg)
{
        int *fd = arg;

        if (unshare(CLONE_NEWNET) == 0)
                *fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        return NULL;
}

/* nf_tables answers in a network namespace of its own, made for the question and gone after. */
static void check_nf_tables(struct report *rep)
{
        _cleanup_nft_status_ struct rw_nft_status st = {0};
        struct rw_error err = {0};
        int fd = -1;
        pthread_t t;

        if (pthread_create(&t, NULL, fresh_netns, &fd) != 0 || pthread_join(t, NULL) != 0 ||
            fd < 0) {
                check(rep, "egress.nf_tables", "info", NULL,
                      "cannot make a network namespace to ask nf_tables (not root?)");
                return;
        }
        if (rw_nft_read(fd, &st, &err) < 0)
                check(rep, "egress.nf_tables", "fail", NULL,
                      "nf_tables does not answer (%s): the egress hook fails every container",
                      err.msg);
        else
                check(rep, "egress.nf_tables", "ok", NULL,
                      "nf_tables answers in a network namespace");
        close(fd);
}

/*
 * The tiers with egress rules, the hook runwarden injects for them (the checks the hooks rule
 * makes), what refuses every container of a tier (CAP_NET_ADMIN or CAP_NET_RAW kept, runsc
 * without a network mode the rules hold in), nf_tables, and the hand-off directory.
 */
static void check_egress(struct report *rep, const struct doctor_options *o,
                         const struct rw_policy *policy)
{
        const char *hook = o->egress_hook != NULL ? o->egress_hook : RW_EGRESS_HOOK;
        json_t *tiers = json_array();
        struct stat st;
        size_t n = 0;

        rep->section = "egress";
        for (size_t i = 0; i < policy->n_tiers; i++) {
                const struct rw_tier *t = &policy->tiers[i];
                const char *runtime = t->runtime != NULL ? t->runtime : RW_DEFAULT_RUNTIME;
                const char *base = strrchr(runtime, '/');

                if (!rw_rules_egress_on(&t->settings))
                        continue;
                n++;
                json_array_append_new(
                    tiers, json_pack("{s:s,s:s}", "tier", t->name, "mode",
                                     rw_egress_mode_name(t->settings.egress->config.mode)));
                if (keeps_net_cap(t))
                        check(rep, "egress.capabilities", "fail",
                              json_pack("{s:s}", "tier", t->name),
                              "tier %s keeps CAP_NET_ADMIN or CAP_NET_RAW and has egress rules: "
                              "every container of it is refused (egress.capabilities)",
                              t->name);
                if (strncmp(base != NULL ? base + 1 : runtime, "runsc", 5) == 0)
                        check(rep, "egress.gvisor", "warn", json_pack("{s:s}", "tier", t->name),
                              "tier %s runs runsc and has egress rules: the engine must pass runsc "
                              "--network=host or --network=none, else its containers are refused "
                              "(egress.gvisor)",
                              t->name);
        }
        if (n == 0) {
                json_decref(tiers);
                check(rep, "egress.tiers", "info", NULL,
                      "no tier has egress rules: containers reach whatever their network does");
        } else {
                check(rep, "egress.tiers", "ok", json_pack("{s:o}", "tiers", tiers),
                      "%zu tier(s) with egress rules", n);
        }
        if (lstat(hook, &st) < 0)
                check(rep, "egress.hook", n > 0 ? "fail" : "info", json_pack("{s:s}", "path", hook),
                      "the egress hook %s: %s%s", hook, strerror(errno),
                      n > 0 ? " (containers of tiers with egress rules are refused)" : "");
        else if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
                 (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || access(hook, X_OK) < 0)
                check(rep, "egress.hook", n > 0 ? "fail" : "warn", json_pack("{s:s}", "path", hook),
                      "the egress hook %s must be an executable regular file of root's that nobody "
                      "else may write (the hooks rule refuses it otherwise)",
                      hook);
        else
                check(rep, "egress.hook", "ok", json_pack("{s:s}", "path", hook), "%s", hook);
        if (n > 0)
                check_nf_tables(rep);
        if (lstat(RW_EGRESS_DIR, &st) == 0 &&
            (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
                check(rep, "egress.dir", "fail", json_pack("{s:s}", "path", RW_EGRESS_DIR),
                      "%s must be a directory of root's that nobody else may write (the hook "
                      "refuses it)",
                      RW_EGRESS_DIR);
        else if (lstat(RW_EGRESS_DIR, &st) == 0)
                check_egress_dir(rep);
}

/* ---- output ---- */

static void print_text(const struct report *rep)
{
        const char *section = NULL;
        json_t *c;
        size_t i;

        printf("runwardenctl doctor (runwarden %s)\n", RW_VERSION);
        json_array_foreach(rep->checks, i, c)
        {
                const char *s = json_string_value(json_object_get(c, "section"));

                if (section == NULL || strcmp(section, s) != 0) {
                        printf("\n%s\n", s);
                        section = s;
                }
                printf("  %-5s %s\n", json_string_value(json_object_get(c, "status")),
                       json_string_value(json_object_get(c, "message")));
        }
        printf("\n%d ok, %d warning(s), %d failure(s)\n", rep->n_ok, rep->n_warn, rep->n_fail);
}

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: runwardenctl doctor [--json] [--policy FILE] [--runwarden PATH]\n"
            "                           [--docker-host SOCKET] [--docker-config FILE]\n"
            "                           [--containerd-config FILE] [--podman-config FILE]\n"
            "                           [--seccomp-dir DIR] [--egress-hook PATH]\n"
            "                           [--canary IMAGE]\n"
            "\n"
            "Check the policy, runwarden and its tier links, the delegate runtimes (runc's\n"
            "version against known escapes), kernel features, which engines use runwarden,\n"
            "the ways around it, the audit log, the seccomp profiles and the egress hook.\n"
            "Changes nothing. With --canary IMAGE, also runs runwarden-canary\n"
            "(ctl/canary/build-image.sh) through each docker runtime that goes through\n"
            "runwarden, as a job would, and fails when a job can do more than its tier allows.\n"
            "Exit status: 0 no failure (warnings allowed), 1 a failure, 2 usage.\n");
}

int rw_ctl_doctor(int argc, char **argv)
{
        static const struct option options[] = {
            {"json", no_argument, NULL, 'j'},
            {"policy", required_argument, NULL, 'p'},
            {"runwarden", required_argument, NULL, 'r'},
            {"docker-host", required_argument, NULL, 'H'},
            {"docker-config", required_argument, NULL, 'D'},
            {"containerd-config", required_argument, NULL, 'C'},
            {"podman-config", required_argument, NULL, 'P'},
            {"seccomp-dir", required_argument, NULL, 's'},
            {"egress-hook", required_argument, NULL, 'e'},
            {"canary", required_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_policy_ struct rw_policy policy = {0};
        struct doctor_options o = {0};
        struct report rep = {json_array(), "", 0, 0, 0, 0};
        bool found = false;
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
                switch (c) {
                case 'j':
                        o.json = true;
                        break;
                case 'p':
                        o.policy = optarg;
                        break;
                case 'r':
                        o.runwarden = optarg;
                        break;
                case 'H':
                        o.docker_host = optarg;
                        break;
                case 'D':
                        o.docker_config = optarg;
                        break;
                case 'C':
                        o.containerd_config = optarg;
                        break;
                case 'P':
                        o.podman_config = optarg;
                        break;
                case 's':
                        o.seccomp_dir = optarg;
                        break;
                case 'e':
                        o.egress_hook = optarg;
                        break;
                case 'c':
                        o.canary_image = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        json_decref(rep.checks);
                        return 0;
                default:
                        usage(stderr);
                        json_decref(rep.checks);
                        return 2;
                }
        }
        if (optind < argc || rep.checks == NULL) {
                usage(stderr);
                json_decref(rep.checks);
                return 2;
        }
        check_policy(&rep, &o, &policy, &found);
        check_runwarden(&rep, &o, &policy, found);
        check_delegates(&rep, &o, &policy);
        check_kernel(&rep);
        check_engines(&rep, &o);
        check_audit_log(&rep, &policy, found);
        check_profiles(&rep, &policy, o.seccomp_dir != NULL ? o.seccomp_dir : RW_SECCOMP_DIR);
        check_egress(&rep, &o, &policy);

        if (o.json) {
                json_t *doc = json_pack("{s:s,s:O,s:{s:i,s:i,s:i,s:i}}", "version", RW_VERSION,
                                        "checks", rep.checks, "summary", "ok", rep.n_ok, "warn",
                                        rep.n_warn, "fail", rep.n_fail, "info", rep.n_info);
                char *text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;

                if (text != NULL)
                        printf("%s\n", text);
                free(text);
                json_decref(doc);
        } else {
                print_text(&rep);
        }
        json_decref(rep.checks);
        return rep.n_fail > 0 ? 1 : 0;
}
