/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * runwarden's runtimes merged into an engine's configuration (runwardenctl setup): pure
 * functions, the file's content in, the new content and notes for the operator out. Every key
 * the operator wrote is kept; only the runtimes runwardenctl manages are added, replaced or
 * removed. A managed runtime is named "runwarden" or "runwarden-*" (one per tier: each engine
 * registers it by the path of the tier's symlink, as runwarden takes the tier from the name it is
 * invoked as). docs/install.md says what each engine gets and why.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct rw_engine_runtime {
        const char *name; /* "runwarden", "runwarden-trusted" */
        const char *path; /* absolute path of runwarden or of the tier's symlink */
};

struct rw_engine_request {
        const struct rw_engine_runtime *runtimes;
        size_t n_runtimes;
        const char *default_runtime; /* make it the engine's default runtime; NULL: leave it */
};

/* One line each, for the operator; NULL-terminated once anything was added. */
struct rw_engine_notes {
        char **v;
        size_t n;
};
void rw_engine_notes_clear(struct rw_engine_notes *notes);

/* Whether runwardenctl manages a runtime of this name. */
bool rw_engine_name_is_managed(const char *name);

/*
 * dockerd's daemon.json: `runtimes.NAME = {"path": PATH}`, never "runtimeArgs" (dockerd turns
 * them into a shell script that does not exec the runtime). `config` is the parsed file (NULL:
 * there is none). Managed runtimes that the request no longer names are removed. With a default
 * runtime, "default-runtime" is set. *ret is a new document; keys keep their order.
 */
int rw_engine_docker(const json_t *config, const struct rw_engine_request *req, json_t **ret,
                     struct rw_engine_notes *notes, struct rw_error *err);

/*
 * containerd 1.6/1.7's config.toml (`version = 2`, or version 1 without the key): runtimes of
 * the CRI plugin with runtime_type io.containerd.runc.v2 and options.BinaryName, in one block
 * between marker comments that runwardenctl replaces as a whole (an imported drop-in would not
 * do: containerd 1.x replaces a plugin's whole section with the imported one). When the file names
 * no runtime of its own, containerd's built-in "runc" runtime is written too: a file that names
 * any runtime replaces containerd's list. SystemdCgroup follows the runc runtime's. `text` NULL:
 * no file (a version 2 file is written). *ret is the new text, equal to the old when nothing
 * changes.
 */
int rw_engine_containerd(const char *text, size_t len, const struct rw_engine_request *req,
                         char **ret, struct rw_engine_notes *notes, struct rw_error *err);

/* containerd 2.x: the drop-in for /etc/containerd/conf.d (config version 3, the CRI runtime
 * plugin io.containerd.cri.v1.runtime). Not merged into config.toml: 2.x merges imported plugin
 * sections key by key. */
int rw_engine_containerd2_dropin(const struct rw_engine_request *req, char **ret,
                                 struct rw_error *err);

/*
 * podman's containers.conf: `[engine.runtimes] NAME = ["PATH"]` and every name in
 * `[engine] runtime_supports_json` (so that podman reads runwarden's refusal from the runtime's
 * JSON log and shows it to the user; an absent list is podman's default list plus runwarden's
 * names). With a default runtime, `[engine] runtime`. Lines runwardenctl writes sit between
 * marker comments inside each table; a managed runtime the operator defined elsewhere in
 * [engine.runtimes] is updated where it is.
 */
int rw_engine_podman(const char *text, size_t len, const struct rw_engine_request *req, char **ret,
                     struct rw_engine_notes *notes, struct rw_error *err);

/* The names podman 4 and 5 treat as supporting --log-format=json when the list is not set. */
extern const char *const rw_engine_podman_json_defaults[];
