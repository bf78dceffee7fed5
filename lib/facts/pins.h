/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Pinned bind sources. A bind source below a tier's writable directory (a cache the runner shares
 * between jobs) can be swapped for a symlink by a running job between runwarden's check and runc's
 * mount. For such a source the host-mount rule rewrites the spec to a pin instead: before the
 * hand-off runwarden opens the source without following any symlink, checks it is the very
 * directory (device and inode) the rule judged, and bind-mounts it at
 * RW_PIN_DIR/<namespace>/<id>/<mount index>, a root-only directory no job can reach. runc then
 * mounts the pin, which nothing can swap. The pins are unmounted at the container's delete.
 *
 * <namespace> is "default" for runc's default --root and the hash of the canonical --root
 * otherwise, as for the container records (state.h).
 */

#include "error.h"
#include "plan.h"

#define RW_PIN_DIR "/run/runwarden/pins"

/* The directory of `id`'s pins under `root` (canonical; NULL: the default), for the rules to
 * name. -EINVAL for an id runc would refuse or one too long to be a directory name. */
int rw_pins_dir(const char *pin_dir, const char *root, const char *id, char **ret,
                struct rw_error *err);

/* Make every pin of `plan` (the changes carrying one), in the directory rw_pins_dir() named.
 * On error the pins already made are released again. */
int rw_pins_apply(const char *pin_dir, const char *root, const char *id, const struct rw_plan *plan,
                  struct rw_error *err);

/* Unmount and remove every pin of `id`; none there is not an error. */
int rw_pins_release(const char *pin_dir, const char *root, const char *id, struct rw_error *err);
