/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The hand-off from `runwarden create` to its egress hook. At create, runwarden writes the
 * container's rule list to RW_EGRESS_DIR/<key>.json (root-only directory and file); the hook,
 * started by the runtime with the OCI state on its stdin, finds the file by the state's `id` and
 * `bundle`, checks it, removes it, and installs the rules.
 *
 * The key is SHA-256 of the container id and the device and inode of the bundle directory: the
 * id alone is not unique across runtime roots (containerd namespaces), and the bundle's spelling
 * may differ between runwarden's command line and the runtime's state, while its inode does not.
 * Nothing the container or the spec's writer controls chooses which file the hook reads or what
 * it holds: the hook takes no arguments, and a hook entry that was not runwarden's own finds no
 * file (or this container's own rules) and fails closed.
 *
 * With counters on, the hook also pins the namespace at RW_EGRESS_DIR/<key>.netns, so that
 * `runwarden delete` can read the counters after the container's processes are gone, then unpin.
 */

#include <stdbool.h>
#include <stdint.h>

#include "egress.h"
#include "error.h"

#define RW_EGRESS_DIR         "/run/runwarden/egress"
#define RW_EGRESS_KEY_CHARS   65 /* 64 hex digits and the NUL */
#define RW_EGRESS_HANDOFF_MAX (4u * 1024u * 1024u)

struct rw_egress_handoff {
        char *id;
        char *bundle; /* as runwarden saw it; the device and inode are what count */
        uint64_t bundle_dev;
        uint64_t bundle_ino;
        bool pin;       /* keep the namespace for the counters at delete */
        char tier[128]; /* for the hook's messages; informational */
        struct rw_egress_ruleset rules;
};

void rw_egress_handoff_free(struct rw_egress_handoff *h);

static inline void rw_egress_handoff_freep(struct rw_egress_handoff *h)
{
        rw_egress_handoff_free(h);
}

#define _cleanup_egress_handoff_ __attribute__((cleanup(rw_egress_handoff_freep)))

/* SHA-256 hex of "id\0dev\0ino" (decimal). */
int rw_egress_handoff_key(const char *id, uint64_t dev, uint64_t ino,
                          char ret_key[RW_EGRESS_KEY_CHARS], struct rw_error *err);

/* `dir` NULL: RW_EGRESS_DIR. Creates it (0700, every component checked) and writes atomically. */
int rw_egress_handoff_write(const char *dir, const struct rw_egress_handoff *h,
                            struct rw_error *err);

/*
 * What the hook does: find the hand-off of container `id` whose bundle is `bundle` (as the
 * runtime's state spells it), check that it is runwarden's (directory and file owned by root,
 * writable by nobody else, no symlink), that it names this container and this bundle, read it,
 * and remove it. A missing file is -ENOENT with a message.
 */
int rw_egress_handoff_take(const char *dir, const char *id, const char *bundle,
                           struct rw_egress_handoff *ret, struct rw_error *err);

/* The path of the namespace pin of (id, bundle inode), into buf. */
int rw_egress_pin_path(const char *dir, const char *id, uint64_t dev, uint64_t ino, char *buf,
                       size_t size, struct rw_error *err);

/* At delete: remove a hand-off that no hook took (the create failed before it ran). */
int rw_egress_handoff_remove(const char *dir, const char *id, uint64_t dev, uint64_t ino,
                             struct rw_error *err);
