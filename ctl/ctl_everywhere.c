/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl setup everywhere [--undo]: runwarden in runc's place.
 *
 * Registering runwarden with an engine leaves runc itself reachable: anyone with the docker API
 * can ask for --runtime=runc, BuildKit runs runc directly, ctr and the containerd shims find runc
 * on $PATH. Everywhere mode diverts the distribution's runc (dpkg-divert --rename, so that package
 * upgrades of runc land beside it) to the path that is runwarden's default delegate, and puts a
 * symlink to runwarden where runc was. Every "runc" on the machine is then runwarden, and
 * runwarden hands off to the real one. The default delegate must therefore not be a runc name:
 * runwarden refuses to exec itself, and this command refuses to set up a loop.
 *
 * --root DIR works on a scratch root (dpkg-divert --root): tests never touch the host's runc.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h" /* RW_DEFAULT_RUNTIME, RW_POLICY_DEFAULT_PATH */
#include "ctl.h"
#include "ctl_config.h"
#include "fileio.h"
#include "hostutil.h"
#include "policy.h"

#define DIVERT_PACKAGE "runwarden"

/* Where distributions put runc: Debian's package has the binary in /usr/sbin and a symlink in
 * /usr/bin; Docker's containerd.io package has the binary in /usr/bin. */
static const char *const runc_paths[] = {"/usr/sbin/runc", "/usr/bin/runc"};
/* Other places a $PATH lookup of "runc" may find first. */
static const char *const other_runc_paths[] = {"/usr/local/sbin/runc", "/usr/local/bin/runc"};

struct everywhere {
        const char *root; /* "" for the host */
        const char *runwarden;
        const char *kept; /* runwarden's default delegate, where the real runc goes */
        bool dry_run;
};

static char *in_root(const struct everywhere *e, const char *path)
{
        char *out = NULL;

        if (asprintf(&out, "%s%s", e->root, path) < 0)
                return NULL;
        return out;
}

/* stat() of a path of the root, its symlinks followed inside the root (an absolute target is a
 * path of the root, not of the host). */
static int root_stat(const struct everywhere *e, const char *path, struct stat *ret)
{
        char cur[PATH_MAX];

        snprintf(cur, sizeof(cur), "%s", path);
        for (int hops = 0; hops < 40; hops++) {
                _cleanup_free_ char *p = in_root(e, cur);
                char target[PATH_MAX], next[PATH_MAX * 2];
                ssize_t n;

                if (p == NULL)
                        return -ENOMEM;
                if (lstat(p, ret) < 0)
                        return -errno;
                if (!S_ISLNK(ret->st_mode))
                        return 0;
                n = readlink(p, target, sizeof(target) - 1);
                if (n <= 0)
                        return -EINVAL;
                target[n] = '\0';
                if (target[0] == '/')
                        snprintf(next, sizeof(next), "%s", target);
                else
                        snprintf(next, sizeof(next), "%.*s/%s", (int)(strrchr(cur, '/') - cur), cur,
                                 target);
                if (strlen(next) >= sizeof(cur))
                        return -ENAMETOOLONG;
                memcpy(cur, next, strlen(next) + 1);
        }
        return -ELOOP;
}

static bool same_file(const struct everywhere *e, const char *a, const char *b)
{
        struct stat sa, sb;

        return root_stat(e, a, &sa) == 0 && root_stat(e, b, &sb) == 0 && sa.st_dev == sb.st_dev &&
               sa.st_ino == sb.st_ino;
}

/* Run dpkg-divert (with --root when working on a scratch root); its output goes to ours. */
static int dpkg_divert(const struct everywhere *e, char **args, char **ret_out)
{
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char *argv[16];
        size_t n = 0;
        int r;

        argv[n++] = "dpkg-divert";
        if (e->root[0] != '\0') {
                argv[n++] = "--root";
                argv[n++] = (char *)e->root;
        }
        for (; *args != NULL && n < RW_ELEMENTSOF(argv) - 1; args++)
                argv[n++] = *args;
        argv[n] = NULL;
        r = rw_ctl_run(argv, -1, 60000, &out, &err);
        if (r < 0) {
                fprintf(stderr, "runwardenctl setup everywhere: %s\n", err.msg);
                return r;
        }
        if (out.status != 0) {
                fprintf(stderr, "runwardenctl setup everywhere: dpkg-divert failed (%d): %s%s",
                        out.status, out.err, out.out);
                rw_run_output_clear(&out);
                return -EIO;
        }
        if (ret_out != NULL) {
                size_t len = strlen(out.out);

                while (len > 0 && out.out[len - 1] == '\n')
                        out.out[--len] = '\0';
                *ret_out = TAKE_PTR(out.out);
        } else if (out.out[0] != '\0') {
                printf("%s", out.out);
        }
        rw_run_output_clear(&out);
        return 0;
}

/* The package holding a diversion of `path`, "" when none. */
static int diversion_holder(const struct everywhere *e, const char *path, char **ret)
{
        char *args[] = {"--listpackage", (char *)path, NULL};

        return dpkg_divert(e, args, ret);
}

/* A symlink `path` -> `target`, made beside it and renamed into place. */
static int put_symlink(const char *target, const char *path)
{
        _cleanup_free_ char *tmp = NULL;

        if (asprintf(&tmp, "%s.runwardenctl-new", path) < 0)
                return -ENOMEM;
        (void)unlink(tmp);
        if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
                int saved = errno;

                fprintf(stderr, "runwardenctl setup everywhere: symlink %s -> %s: %s\n", path,
                        target, strerror(saved));
                (void)unlink(tmp);
                return -saved;
        }
        return 0;
}

/* The one runc binary to divert, from runc_paths. */
static int find_runc(const struct everywhere *e, const char **ret)
{
        const char *found = NULL;

        for (size_t i = 0; i < RW_ELEMENTSOF(runc_paths); i++) {
                _cleanup_free_ char *p = in_root(e, runc_paths[i]);
                struct stat st;

                if (p == NULL)
                        return -ENOMEM;
                if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (found != NULL) {
                        fprintf(stderr,
                                "runwardenctl setup everywhere: two runc binaries, %s and %s: "
                                "remove one first\n",
                                found, runc_paths[i]);
                        return -EEXIST;
                }
                found = runc_paths[i];
        }
        if (found == NULL) {
                fprintf(stderr, "runwardenctl setup everywhere: no runc binary at %s or %s\n",
                        runc_paths[0], runc_paths[1]);
                return -ENOENT;
        }
        *ret = found;
        return 0;
}

/* The policy's delegates must stay real runtimes once every runc name is runwarden. */
static int check_policy_delegates(const struct everywhere *e)
{
        _cleanup_free_ char *path = in_root(e, RW_POLICY_DEFAULT_PATH);
        _cleanup_free_ char *text = NULL;
        _cleanup_policy_ struct rw_policy policy = {0};
        struct rw_error err = {0};
        size_t len = 0;
        int r, bad = 0;

        if (path == NULL)
                return -ENOMEM;
        r = rw_ctl_read_file(path, 16u << 20, &text, &len, NULL, &err);
        if (r == -ENOENT)
                return 0;
        if (r < 0 || rw_policy_parse(text, len, path, &policy, &err) < 0) {
                fprintf(stderr, "runwardenctl setup everywhere: %s\n", err.msg);
                return -EINVAL;
        }
        for (size_t i = 0; i < policy.n_tiers; i++) {
                const char *rt = policy.tiers[i].runtime;

                for (size_t k = 0; rt != NULL && k < RW_ELEMENTSOF(runc_paths); k++)
                        if (strcmp(rt, runc_paths[k]) == 0) {
                                fprintf(stderr,
                                        "runwardenctl setup everywhere: tier %s hands off to "
                                        "%s, which becomes runwarden: set its \"runtime\" to %s "
                                        "(or remove it) first\n",
                                        policy.tiers[i].name, rt, e->kept);
                                bad++;
                        }
        }
        return bad > 0 ? -ELOOP : 0;
}

static int preflight(const struct everywhere *e)
{
        _cleanup_free_ char *runwarden = in_root(e, e->runwarden);
        _cleanup_free_ char *kept = in_root(e, e->kept);
        _cleanup_free_ char *kept_dir = NULL;
        struct stat st;

        if (runwarden == NULL || kept == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < RW_ELEMENTSOF(runc_paths); i++)
                if (strcmp(e->kept, runc_paths[i]) == 0 ||
                    strcmp(e->kept, other_runc_paths[i]) == 0) {
                        fprintf(stderr,
                                "runwardenctl setup everywhere: runwarden's default delegate is "
                                "%s, a name that everywhere mode turns into runwarden. Build "
                                "runwarden with -Ddefault_runtime=/usr/libexec/runwarden/runc (the "
                                "Debian package does)\n",
                                e->kept);
                        return -ELOOP;
                }
        if (stat(runwarden, &st) < 0 || !S_ISREG(st.st_mode)) {
                fprintf(stderr, "runwardenctl setup everywhere: no runwarden at %s\n", runwarden);
                return -ENOENT;
        }
        kept_dir = strdup(kept);
        if (kept_dir == NULL)
                return -ENOMEM;
        *strrchr(kept_dir, '/') = '\0';
        if (stat(kept_dir[0] != '\0' ? kept_dir : "/", &st) < 0 || !S_ISDIR(st.st_mode)) {
                fprintf(stderr, "runwardenctl setup everywhere: %s does not exist\n", kept_dir);
                return -ENOENT;
        }
        if (lstat(kept, &st) == 0 && !S_ISLNK(st.st_mode)) {
                fprintf(stderr,
                        "runwardenctl setup everywhere: %s exists and is not a symlink; it is "
                        "where the real runc goes\n",
                        kept);
                return -EEXIST;
        }
        return check_policy_delegates(e);
}

static void warn_other_runcs(const struct everywhere *e, const char *runc)
{
        for (size_t i = 0; i < RW_ELEMENTSOF(other_runc_paths); i++) {
                struct stat st;

                if (root_stat(e, other_runc_paths[i], &st) == 0 &&
                    !same_file(e, other_runc_paths[i], runc))
                        printf("warning: %s is another runc, found first on most $PATHs and not "
                               "covered: remove it\n",
                               other_runc_paths[i]);
        }
}

static int install(const struct everywhere *e)
{
        _cleanup_free_ char *holder = NULL, *runc_at = NULL, *kept = NULL;
        const char *runc = NULL;
        char *add[] = {"--package", DIVERT_PACKAGE, "--divert", (char *)e->kept,
                       "--rename",  "--add",        NULL,       NULL};
        char *undo[] = {"--package", DIVERT_PACKAGE, "--rename", "--remove", NULL, NULL};
        struct stat st;
        bool had_link = false;
        _cleanup_free_ char *old_link = NULL;
        int r;

        for (size_t i = 0; i < RW_ELEMENTSOF(runc_paths); i++) {
                free(holder);
                holder = NULL;
                r = diversion_holder(e, runc_paths[i], &holder);
                if (r < 0)
                        return 1;
                if (strcmp(holder, DIVERT_PACKAGE) == 0) {
                        if (same_file(e, runc_paths[i], e->runwarden)) {
                                printf("unchanged: everywhere mode is on (%s is runwarden, the "
                                       "real runc is %s)\n",
                                       runc_paths[i], e->kept);
                                return 0;
                        }
                        fprintf(stderr,
                                "runwardenctl setup everywhere: %s is diverted but is not "
                                "runwarden: run --undo, then again\n",
                                runc_paths[i]);
                        return 1;
                }
                if (holder[0] != '\0') {
                        fprintf(stderr,
                                "runwardenctl setup everywhere: %s is already diverted by %s\n",
                                runc_paths[i], holder);
                        return 1;
                }
        }
        if (preflight(e) < 0 || find_runc(e, &runc) < 0)
                return 1;
        runc_at = in_root(e, runc);
        kept = in_root(e, e->kept);
        if (runc_at == NULL || kept == NULL)
                return 1;
        warn_other_runcs(e, runc);
        add[6] = (char *)runc;
        undo[4] = (char *)runc;

        printf("everywhere mode%s%s:\n", e->root[0] != '\0' ? " in " : "", e->root);
        if (lstat(kept, &st) == 0)
                printf("  rm %s (the symlink to runc that runwarden's default delegate was)\n",
                       e->kept);
        printf("  dpkg-divert --package %s --divert %s --rename --add %s\n", DIVERT_PACKAGE,
               e->kept, runc);
        printf("  ln -s %s %s\n", e->runwarden, runc);
        if (e->dry_run) {
                printf("dry run: nothing changed\n");
                return 0;
        }

        if (lstat(kept, &st) == 0) {
                char target[PATH_MAX];
                ssize_t n = readlink(kept, target, sizeof(target) - 1);

                if (n > 0) {
                        target[n] = '\0';
                        old_link = strdup(target);
                }
                had_link = true;
                if (unlink(kept) < 0) {
                        fprintf(stderr, "runwardenctl setup everywhere: rm %s: %s\n", kept,
                                strerror(errno));
                        return 1;
                }
        }
        r = dpkg_divert(e, add, NULL);
        /* On failure, back to where it was. runc's own path is never removed here: when the
         * diversion was not made, the real runc is still there. */
        if (r >= 0) {
                r = put_symlink(e->runwarden, runc_at);
                if (r < 0)
                        (void)dpkg_divert(e, undo, NULL);
        }
        if (r < 0) {
                if (had_link && old_link != NULL)
                        (void)put_symlink(old_link, kept);
                fprintf(stderr, "runwardenctl setup everywhere: failed, undone\n");
                return 1;
        }
        if (!same_file(e, runc, e->runwarden) || lstat(kept, &st) < 0 || !S_ISREG(st.st_mode) ||
            access(kept, X_OK) < 0) {
                fprintf(stderr,
                        "runwardenctl setup everywhere: after the diversion, %s is not runwarden "
                        "or %s is not the real runc\n",
                        runc, kept);
                return 1;
        }
        printf("done: every runc on this machine is runwarden (%s -> %s); runwarden hands off to "
               "the real runc at %s\n",
               runc, e->runwarden, e->kept);
        printf("  containers started through the name runc (docker --runtime=runc, BuildKit, ctr, "
               "containerd's runc runtime) get the policy's select rules and default tier\n");
        printf("  undo: runwardenctl setup everywhere --undo\n");
        return 0;
}

static int uninstall(const struct everywhere *e)
{
        _cleanup_free_ char *holder = NULL, *runc_at = NULL, *kept = NULL;
        const char *runc = NULL;
        char *remove_args[] = {"--package", DIVERT_PACKAGE, "--rename", "--remove", NULL, NULL};
        struct stat st;

        for (size_t i = 0; i < RW_ELEMENTSOF(runc_paths) && runc == NULL; i++) {
                free(holder);
                holder = NULL;
                if (diversion_holder(e, runc_paths[i], &holder) < 0)
                        return 1;
                if (strcmp(holder, DIVERT_PACKAGE) == 0)
                        runc = runc_paths[i];
        }
        if (runc == NULL) {
                printf("unchanged: everywhere mode is off (no diversion of runc by %s)\n",
                       DIVERT_PACKAGE);
                return 0;
        }
        runc_at = in_root(e, runc);
        kept = in_root(e, e->kept);
        if (runc_at == NULL || kept == NULL)
                return 1;
        if (lstat(runc_at, &st) == 0 &&
            !(S_ISLNK(st.st_mode) && same_file(e, runc, e->runwarden))) {
                fprintf(stderr,
                        "runwardenctl setup everywhere: %s is not the symlink to runwarden that "
                        "everywhere mode made; left alone\n",
                        runc);
                return 1;
        }
        remove_args[4] = (char *)runc;
        printf("undo everywhere mode%s%s:\n", e->root[0] != '\0' ? " in " : "", e->root);
        printf("  rm %s\n", runc);
        printf("  dpkg-divert --package %s --rename --remove %s\n", DIVERT_PACKAGE, runc);
        printf("  ln -s %s %s\n", runc, e->kept);
        if (e->dry_run) {
                printf("dry run: nothing changed\n");
                return 0;
        }
        if (unlink(runc_at) < 0 && errno != ENOENT) {
                fprintf(stderr, "runwardenctl setup everywhere: rm %s: %s\n", runc_at,
                        strerror(errno));
                return 1;
        }
        if (dpkg_divert(e, remove_args, NULL) < 0) {
                (void)put_symlink(e->runwarden, runc_at);
                return 1;
        }
        /* The default delegate points at runc again, as the package installs it. */
        if (put_symlink(runc, kept) < 0)
                return 1;
        if (lstat(runc_at, &st) < 0 || !S_ISREG(st.st_mode)) {
                fprintf(stderr, "runwardenctl setup everywhere: %s is not runc after the undo\n",
                        runc);
                return 1;
        }
        printf("done: %s is runc again; runwarden's default delegate %s -> %s\n", runc, e->kept,
               runc);
        return 0;
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: runwardenctl setup everywhere [--undo] [--dry-run] [--root DIR]\n"
                "                                     [--runwarden PATH]\n"
                "\n"
                "Put runwarden in runc's place: dpkg-divert --rename moves the real runc to\n"
                "runwarden's default delegate (%s) and %s becomes a symlink\n"
                "to runwarden. --undo reverses it. --root works on another root directory.\n",
                RW_DEFAULT_RUNTIME, runc_paths[0]);
}

int rw_ctl_setup_everywhere(int argc, char **argv)
{
        static const struct option options[] = {
            {"undo", no_argument, NULL, 'u'},       {"dry-run", no_argument, NULL, 'n'},
            {"root", required_argument, NULL, 'r'}, {"runwarden", required_argument, NULL, 'w'},
            {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
        };
        struct everywhere e = {
            .root = "", .runwarden = RW_BINDIR "/runwarden", .kept = RW_DEFAULT_RUNTIME};
        _cleanup_free_ char *root = NULL;
        bool undo = false;
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
                switch (c) {
                case 'u':
                        undo = true;
                        break;
                case 'n':
                        e.dry_run = true;
                        break;
                case 'r':
                        free(root);
                        root = realpath(optarg, NULL);
                        if (root == NULL) {
                                fprintf(stderr, "runwardenctl setup everywhere: --root %s: %s\n",
                                        optarg, strerror(errno));
                                return 2;
                        }
                        /* "/" is the host itself. */
                        e.root = strcmp(root, "/") == 0 ? "" : root;
                        break;
                case 'w':
                        e.runwarden = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc || e.runwarden[0] != '/') {
                usage(stderr);
                return 2;
        }
        return undo ? uninstall(&e) : install(&e);
}
