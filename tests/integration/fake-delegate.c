/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for runc in the hand-off tests: it records how it was started (pid, argv, which
 * descriptors are open) into $RW_FAKE_RECORD, and what it reads as the --process file into
 * $RW_FAKE_RECORD.process, prints $RW_FAKE_STDOUT on stdout, and exits with $RW_FAKE_EXIT. No
 * shell, no libc extras: what the test sees is exactly what execv() handed over.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The --process file as runc would open it, copied to RECORD.process. */
static void copy_process_file(const char *record, int argc, char **argv)
{
        const char *path = NULL;
        char out[4096], buf[4096];
        FILE *in, *f;
        size_t n;

        /* Go's flag spellings: -p, --p, -process, --process, each with " VALUE" or "=VALUE" */
        for (int i = 1; i < argc; i++) {
                const char *name = argv[i];
                size_t len;

                if (name[0] != '-')
                        continue;
                name += name[1] == '-' ? 2 : 1;
                len = strcspn(name, "=");
                if (!((len == 1 && name[0] == 'p') ||
                      (len == 7 && strncmp(name, "process", 7) == 0)))
                        continue;
                if (name[len] == '=')
                        path = name + len + 1;
                else if (i + 1 < argc)
                        path = argv[i + 1];
        }
        if (path == NULL || snprintf(out, sizeof(out), "%s.process", record) >= (int)sizeof(out))
                return;
        in = fopen(path, "r");
        if (in == NULL)
                return;
        f = fopen(out, "w");
        while (f != NULL && (n = fread(buf, 1, sizeof(buf), in)) > 0)
                fwrite(buf, 1, n, f);
        if (f != NULL)
                fclose(f);
        fclose(in);
}

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
                copy_process_file(record, argc, argv);
        }
        if (out != NULL)
                fputs(out, stdout);
        return code != NULL ? atoi(code) : 0;
}
