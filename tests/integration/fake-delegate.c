/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for runc in the hand-off tests: it records how it was started (pid, argv, which
 * descriptors are open) into $RW_FAKE_RECORD, prints $RW_FAKE_STDOUT on stdout, and exits with
 * $RW_FAKE_EXIT. No shell, no libc extras: what the test sees is exactly what execv() handed over.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        const char *record = getenv("RW_FAKE_RECORD");
        const char *out = getenv("RW_FAKE_STDOUT");
        const char *code = getenv("RW_FAKE_EXIT");
        FILE *f;

        if (record != NULL) {
                f = fopen(record, "w");
                if (f == NULL)
                        return 99;
                fprintf(f, "pid %d\n", (int)getpid());
                for (int i = 0; i < argc; i++)
                        fprintf(f, "argv[%d] %s\n", i, argv[i]);
                for (int fd = 0; fd < 64; fd++) {
                        struct stat st;

                        if (fd != fileno(f) && fstat(fd, &st) == 0)
                                fprintf(f, "fd %d\n", fd);
                }
                fclose(f);
        }
        if (out != NULL)
                fputs(out, stdout);
        return code != NULL ? atoi(code) : 0;
}
