/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the engines themselves say about their runtimes, for runwardenctl setup (checking what it
 * writes) and doctor: containerd through `containerd config dump`, dockerd through GET /info on
 * its API socket.
 */

#include <jansson.h>
#include <stddef.h>

#include "error.h"

/* The CRI plugin's runtimes as containerd reads a configuration. */
struct rw_cri_view {
        char **names;  /* runtime names */
        char **binary; /* their options.BinaryName, "" when unset (runc from $PATH) */
        size_t n;
        char *default_name; /* default_runtime_name, NULL when the dump has none */
};
void rw_cri_view_clear(struct rw_cri_view *v);

/* The runtimes of `containerd config dump`'s output. */
int rw_cri_view_parse(const char *dump, size_t len, struct rw_cri_view *ret, struct rw_error *err);

/* options.BinaryName of runtime `name`, NULL when there is no such runtime. */
const char *rw_cri_view_binary(const struct rw_cri_view *v, const char *name);

/* `containerd --config FILE config dump` on `text` (handed over in a memfd: nothing written). */
int rw_containerd_dump(const char *text, size_t len, struct rw_cri_view *ret, struct rw_error *err);

/* GET /info from the dockerd listening on the unix socket `socket_path`: the parsed body. */
int rw_docker_info(const char *socket_path, json_t **ret, struct rw_error *err);
