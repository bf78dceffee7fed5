/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The least a runtime wrapper can cost: execv() of the delegate with the same command line. The
 * benchmarks set runwarden beside it, so that the difference is runwarden's own work and not the
 * price of one more process image. Built with -DRW_BENCH_DELEGATE='"/path/to/runc"'.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        (void)argc;
        argv[0] = (char *)RW_BENCH_DELEGATE;
        execv(RW_BENCH_DELEGATE, argv);
        perror("execwrap: execv " RW_BENCH_DELEGATE);
        return 127;
}
