/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * runwarden-canary: run as a job's command, it tries from inside what a hostile job would and
 * judges each attempt against the tier's expectation (ctl/canary/README.md). Static, without the
 * sanitizers and without libseccomp, so that it runs in an image holding nothing else.
 *
 * An attempt has an expectation (blocked, allowed, or either), an outcome (stopped, succeeded,
 * not tested) and the runwarden rule that should have stopped it. The canary fails when an
 * attempt the tier forbids succeeded. Attempts that could change the canary's own state if they
 * succeeded (unshare, setuid, the seccomp probes) run in a forked child.
 */

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RW_CANARY_TEXT_MAX 512

enum rw_canary_expected {
        RW_CANARY_BLOCKED,
        RW_CANARY_ALLOWED,
        RW_CANARY_EITHER,
};

enum rw_canary_outcome {
        RW_CANARY_STOPPED,
        RW_CANARY_SUCCEEDED,
        RW_CANARY_NOT_TESTED,
};

enum rw_canary_verdict {
        RW_CANARY_OK,
        RW_CANARY_FAIL,     /* forbidden, and it succeeded */
        RW_CANARY_STRICTER, /* allowed, and it was stopped: a note, not a failure */
        RW_CANARY_SKIPPED,
};

/* The expectation: a document of `runwardenctl canary expect` (ctl/canary_expect.h), checked. */
struct rw_canary_expectation {
        json_t *doc;
        const char *source; /* "built-in baseline" or the file name */
        const char *tier;
        const char *policy;
        bool audit;
        uint64_t capabilities; /* bit N: capability N may be kept */
        bool readonly_rootfs;
        int64_t pids_limit;
        const char *seccomp_profile; /* may be NULL */
        const json_t *syscalls;      /* name -> verdict; may be NULL */
        const json_t *unenforced;    /* array of rule ids */
        const json_t *scratch;       /* array of paths, "$HOME" */
        const json_t *devices;       /* array of paths */
        const json_t *bind_prefixes; /* array of {path, read_only} */
        const json_t *socket_paths;  /* array of paths */
        const json_t *socket_names;  /* array of basenames */
};

/* Parse and check an expectation; on failure `why` says what is wrong. Takes `text`'s content
 * only (the caller keeps it). */
int rw_canary_expect_parse(const char *text, size_t len, const char *source,
                           struct rw_canary_expectation *ret, char *why, size_t why_size);
void rw_canary_expect_clear(struct rw_canary_expectation *e);

bool rw_canary_expect_cap(const struct rw_canary_expectation *e, int cap);
/* "denied", "conditional", "allowed", or NULL when the expectation does not say. */
const char *rw_canary_expect_syscall(const struct rw_canary_expectation *e, const char *name);
bool rw_canary_expect_unenforced(const struct rw_canary_expectation *e, const char *rule);
bool rw_canary_in_list(const json_t *array, const char *value);

struct rw_canary_attempt {
        char id[96];
        const char *rule; /* the runwarden rule that keeps it from working; "-" for none */
        enum rw_canary_expected expected;
        char expected_why[160]; /* "CAP_NET_RAW kept", "rule caps-drop only warns" */
        enum rw_canary_outcome outcome;
        char result[RW_CANARY_TEXT_MAX];
        enum rw_canary_verdict verdict;
};

struct rw_canary_report {
        const struct rw_canary_expectation *expect;
        struct rw_canary_attempt *attempts;
        size_t n, cap;
        bool oom;
};

/*
 * Record one attempt. `expected_why` (may be NULL) says where the expectation comes from when it
 * is not the plain rule. A rule the tier does not enforce (warn, audit mode) turns the
 * expectation into "either".
 */
void rw_canary_record(struct rw_canary_report *rep, const char *id, const char *rule,
                      enum rw_canary_expected expected, const char *expected_why,
                      enum rw_canary_outcome outcome, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

struct rw_canary_summary {
        size_t ok, failed, stricter, skipped;
        /* no seccomp filter or no no_new_privs, and more capabilities or a writable root than
         * the tier's: runwarden never saw this container */
        bool not_hardened;
};

void rw_canary_summarize(const struct rw_canary_report *rep, struct rw_canary_summary *ret);
/* The table, a "not hardened" line when it applies, and the last line "verdict: PASS|FAIL: ..."
 * that runwardenctl canary run looks for. */
void rw_canary_print_table(const struct rw_canary_report *rep, const char *version);
/* The same as one JSON document with "verdict": "pass"|"fail". */
int rw_canary_print_json(const struct rw_canary_report *rep, const char *version);

/* The attempt families. `host_hostname` may be NULL. */
struct rw_canary_options {
        const char *host_hostname;
        bool metadata;
        size_t walk_limit;
};

void rw_canary_process(struct rw_canary_report *rep);
void rw_canary_seccomp(struct rw_canary_report *rep);
void rw_canary_filesystem(struct rw_canary_report *rep);
void rw_canary_kernel(struct rw_canary_report *rep);
void rw_canary_walk(struct rw_canary_report *rep, const struct rw_canary_options *o);
void rw_canary_namespaces(struct rw_canary_report *rep, const struct rw_canary_options *o);
void rw_canary_network(struct rw_canary_report *rep, const struct rw_canary_options *o);

/* ---- helpers (util.c) ---- */

/* "EPERM", or "errno N". */
const char *rw_canary_errname(int e);

/*
 * Run fn(arg) in a forked child; returns what fn returned there (0 or a negative errno), or
 * -ECHILD-like values: *ret_signal is the signal that killed the child (SIGSYS: a seccomp filter
 * that kills), 0 otherwise.
 */
int rw_canary_in_child(int (*fn)(void *arg), void *arg, int *ret_signal);

/* One line of /proc/self/mountinfo, unescaped. */
struct rw_canary_mount {
        char *root;   /* the path inside its filesystem that is mounted */
        char *point;  /* where, in this mount namespace */
        char *opts;   /* per-mount options: "ro,nosuid,..." */
        char *fstype; /* "ext4", "fuse.sshfs" */
        char *source;
};

int rw_canary_mounts(struct rw_canary_mount **ret, size_t *ret_n);
void rw_canary_mounts_free(struct rw_canary_mount *m, size_t n);
/* True when the comma-separated `opts` holds `opt`. */
bool rw_canary_has_opt(const char *opts, const char *opt);
/* True when `path` is `dir` or below it (both normalized, absolute). */
bool rw_canary_path_below(const char *path, const char *dir);

/* The capability names the kernel knows, by number; NULL past the end. */
const char *rw_canary_cap_name(int cap);
#define RW_CANARY_CAP_MAX 63
