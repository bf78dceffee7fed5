/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * runc versions and the container-escape CVEs that runwardenctl doctor warns about. runwarden
 * hardens the spec and then runs runc: a runc that a malicious image can escape from defeats it.
 *
 * The upstream version alone does not settle it on a distribution: Debian backports fixes without
 * changing the upstream part of the version (runc 1.1.5+ds1-1+deb12u1 carries the fix for
 * CVE-2024-21626, fixed upstream in 1.1.12). The judgement therefore also takes the CVE ids that
 * the package's changelog names. A changelog entry is the maintainer's statement, not a proof, and
 * its absence proves nothing either; the result says which of the two it rests on.
 */

#include <stdbool.h>

struct rw_runc_version {
        int major, minor, patch;
        int rc; /* N for "-rc.N"; 0 for a release */
};

/* "1.1.5+ds1", "v1.4.0-rc.3", "1.2.8": false when it does not start with MAJOR.MINOR.PATCH. */
bool rw_runc_version_parse(const char *text, struct rw_runc_version *ret);

struct rw_runc_cve {
        const char *id;
        const char *what;
        const char *fixed_in; /* for messages: "1.1.12" */
        /* The first fixed version of each release branch; a later branch is fixed, an earlier
         * one is not. Terminated by major == 0. */
        struct rw_runc_version fixed[4];
};

/* CVE-2024-21626, CVE-2025-31133, CVE-2025-52565, CVE-2025-52881; terminated by id == NULL. */
extern const struct rw_runc_cve rw_runc_cves[];

enum rw_cve_status {
        RW_CVE_FIXED,          /* the upstream version has the fix */
        RW_CVE_FIXED_BACKPORT, /* the upstream version has not, the package changelog names it */
        RW_CVE_VULNERABLE,     /* neither */
};

/* `changelog_cves`: CVE ids the package's changelog names (NULL-terminated; NULL: no package). */
enum rw_cve_status rw_runc_cve_judge(const struct rw_runc_cve *cve,
                                     const struct rw_runc_version *version,
                                     char *const *changelog_cves);
