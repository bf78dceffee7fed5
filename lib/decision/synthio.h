/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decision's edges without a host: documents and a container record handed in, host facts
 * as a typical host would give them (rw_facts_synthetic). For `runwardenctl policy test` and the
 * unit tests, so that a case decides the same on every machine. Seccomp profiles are still read
 * from `seccomp_dir` (NULL: the installed ones), without the compile cache.
 */

#include "decision.h"

struct rw_synthetic_io {
        struct rw_decision_io io; /* its userdata is this struct */
        const json_t *config;     /* config.json of create, and of the container for an exec */
        const json_t *process;    /* exec --process */
        const json_t *resources;  /* update --resources */
        const struct rw_container_state *record; /* NULL: nothing recorded */
        const char *seccomp_dir;
        const char *policy_stamp; /* the policy file's stamp now; NULL: it cannot be read */
        size_t n_policy_stamps;   /* how often it was asked for */
};

void rw_synthetic_io_init(struct rw_synthetic_io *s);
