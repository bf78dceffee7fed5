/* SPDX-License-Identifier: Apache-2.0 */
#include "runcvers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct rw_runc_cve rw_runc_cves[] = {
    {"CVE-2024-21626",
     "leaked directory descriptor: process.cwd or an exec reaches the host",
     "1.1.12",
     {{1, 1, 12, 0}}},
    {"CVE-2025-31133",
     "maskedPaths: a /dev/null swapped for a symlink makes runc mount anything",
     "1.2.8, 1.3.3, 1.4.0-rc.3",
     {{1, 2, 8, 0}, {1, 3, 3, 0}, {1, 4, 0, 3}}},
    {"CVE-2025-52565",
     "/dev/console bind mount redirected before the masks are in place",
     "1.2.8, 1.3.3, 1.4.0-rc.3",
     {{1, 2, 8, 0}, {1, 3, 3, 0}, {1, 4, 0, 3}}},
    {"CVE-2025-52881",
     "LSM label and sysctl writes redirected to other /proc files",
     "1.2.8, 1.3.3, 1.4.0-rc.3",
     {{1, 2, 8, 0}, {1, 3, 3, 0}, {1, 4, 0, 3}}},
    {NULL, NULL, NULL, {{0}}},
};

static bool number(const char **p, int *ret)
{
        char *end;
        long v;

        if (**p < '0' || **p > '9')
                return false;
        v = strtol(*p, &end, 10);
        if (v > 100000)
                return false;
        *ret = (int)v;
        *p = end;
        return true;
}

bool rw_runc_version_parse(const char *text, struct rw_runc_version *ret)
{
        struct rw_runc_version v = {0};
        const char *p = text;

        if (*p == 'v')
                p++;
        if (!number(&p, &v.major) || *p++ != '.' || !number(&p, &v.minor) || *p++ != '.' ||
            !number(&p, &v.patch))
                return false;
        if (strncmp(p, "-rc.", 4) == 0) {
                p += 4;
                if (!number(&p, &v.rc) || v.rc == 0)
                        return false;
        } else if (strncmp(p, "-rc", 3) == 0) {
                p += 3;
                if (!number(&p, &v.rc) || v.rc == 0)
                        return false;
        }
        *ret = v;
        return true;
}

/* A release candidate comes before its release: rc 0 (a release) sorts last. */
static int compare(const struct rw_runc_version *a, const struct rw_runc_version *b)
{
        int ra = a->rc == 0 ? 1 << 30 : a->rc, rb = b->rc == 0 ? 1 << 30 : b->rc;

        if (a->major != b->major)
                return a->major < b->major ? -1 : 1;
        if (a->minor != b->minor)
                return a->minor < b->minor ? -1 : 1;
        if (a->patch != b->patch)
                return a->patch < b->patch ? -1 : 1;
        return ra < rb ? -1 : ra > rb;
}

static bool fixed_upstream(const struct rw_runc_cve *cve, const struct rw_runc_version *v)
{
        const struct rw_runc_version *newest = NULL;

        for (const struct rw_runc_version *f = cve->fixed; f->major != 0; f++) {
                if (f->major == v->major && f->minor == v->minor)
                        return compare(v, f) >= 0;
                newest = f;
        }
        /* Not a branch the fix was made on: a later one was made after it. */
        return newest != NULL && (v->major > newest->major ||
                                  (v->major == newest->major && v->minor > newest->minor));
}

enum rw_cve_status rw_runc_cve_judge(const struct rw_runc_cve *cve,
                                     const struct rw_runc_version *version,
                                     char *const *changelog_cves)
{
        if (fixed_upstream(cve, version))
                return RW_CVE_FIXED;
        for (; changelog_cves != NULL && *changelog_cves != NULL; changelog_cves++)
                if (strcmp(*changelog_cves, cve->id) == 0)
                        return RW_CVE_FIXED_BACKPORT;
        return RW_CVE_VULNERABLE;
}
