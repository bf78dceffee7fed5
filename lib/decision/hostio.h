/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decision's edges on a real host (struct rw_decision_io): documents read from the bundle
 * and the files a command line names, container records from the state store, seccomp profiles
 * from the profile directory and its compile cache, and host facts. Used by runwarden and by
 * runwardenctl explain, so both decide on the same inputs.
 *
 * The document that a rewrite would replace (the bundle's config.json, an exec --process file)
 * is kept open: its directory descriptor, name, bytes and stat, so that the caller writes the new
 * one atomically in the very directory it read, or puts the bytes back.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "decision.h"

struct rw_host_file {
        int dirfd;
        char *name;
        char *bytes;
        size_t len;
        struct stat st;
};

struct rw_host_io {
        struct rw_decision_io io; /* its userdata is this struct */
        const char *seccomp_dir;  /* NULL: the installed profiles */
        const char *cache_dir;    /* NULL: no compile cache */
        const char *state_dir;    /* NULL: RW_STATE_DIR */
        const char *pin_dir;      /* NULL: RW_PIN_DIR */
        /* a config.json, not a bundle, was named (runwardenctl explain FILE) */
        bool bundle_is_file;
        struct rw_host_file doc; /* the document a rewrite replaces; dirfd -1 when none */
        /* update --resources -: what was read from standard input, to hand on to runc */
        char *stdin_bytes;
        size_t stdin_len;
        bool read_stdin;
};

void rw_host_io_init(struct rw_host_io *h);
void rw_host_io_clear(struct rw_host_io *h);

/*
 * The state root runc will use for `root` (NULL: runc's default /run/runc), as one canonical
 * absolute path: made absolute against the working directory and cleaned the way runc's
 * filepath.Abs does, then with symlinks resolved as far as the path exists. Caller frees.
 */
int rw_host_canonical_root(const char *root, char **ret, struct rw_error *err);
