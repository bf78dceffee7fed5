/* SPDX-License-Identifier: Apache-2.0 */
/*
 * esc-swap [--once] A B: what a job does to a directory it can write while the engine creates
 * another container that binds a path in it. It exchanges the names A and B (a real directory
 * and a symlink to the host) atomically with renameat2(RENAME_EXCHANGE), as fast as it can, until
 * it is killed; with --once, a single time (to put things back). At every instant each name
 * exists, so a runtime that checks a path and mounts it later may be handed the other one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv)
{
        bool once = argc == 4 && strcmp(argv[1], "--once") == 0;
        const char *a = argv[argc - 2], *b = argv[argc - 1];

        if (argc != 3 && !once) {
                fprintf(stderr, "usage: esc-swap [--once] A B\n");
                return 2;
        }
        do {
                if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) {
                        fprintf(stderr, "esc-swap: exchanging %s and %s: %s\n", a, b,
                                strerror(errno));
                        return 1;
                }
        } while (!once);
        return 0;
}
