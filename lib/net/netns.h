/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The container's network namespace, reached without ever leaving runwarden's own: a namespace
 * is opened as a descriptor, judged by its inode, and used through sockets created in it by a
 * short-lived thread (a network namespace belongs to a thread, and a netlink socket keeps the
 * namespace it was created in). The host's namespace is refused everywhere.
 */

#include <sys/types.h>

#include "error.h"

/*
 * Open /proc/PID/ns/net. Refused (-EPERM) when it is the host's: the namespace of pid 1 or the
 * caller's own (the hook runs in the runtime's namespace, which is where a host-networked
 * container lives). When /proc/1/ns/net cannot be read, the caller's alone decides.
 */
int rw_netns_open_pid(pid_t pid, int *ret_fd, struct rw_error *err);

/* The same for a namespace file: a pin, /run/netns/NAME, a path in the spec. */
int rw_netns_open_path(const char *path, int *ret_fd, struct rw_error *err);

/* -EPERM unless `nsfd` is a network namespace other than the host's (as above). */
int rw_netns_check(int nsfd, struct rw_error *err);

/* socket(domain, type|SOCK_CLOEXEC, protocol) inside the namespace `nsfd`; the caller stays. */
int rw_netns_socket(int nsfd, int domain, int type, int protocol, int *ret_fd,
                    struct rw_error *err);

/*
 * Keep the namespace alive after its last process exits, as `ip netns` does: bind-mount it on
 * `path` (created 0600 if missing; a stale mount there is replaced). Undone by rw_netns_unpin(),
 * which also removes the file and treats a missing file as done.
 */
int rw_netns_pin(int nsfd, const char *path, struct rw_error *err);
int rw_netns_unpin(const char *path, struct rw_error *err);
