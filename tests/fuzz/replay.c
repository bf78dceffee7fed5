/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput() on files, without libFuzzer: the seed corpus and
 * the saved crash inputs (tests/fuzz/regressions/TARGET) in every build, so that a crash once
 * found stays fixed. Arguments are files or directories (their files, sorted; names starting
 * with "." or ending in ".md" are skipped). Fails when no input was run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fuzz.h"

static int run_file(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "rbe");
        _cleanup_free_ uint8_t *data = NULL;
        size_t len = 0, cap = 0, n;
        uint8_t *exact;

        if (f == NULL) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -1;
        }
        do {
                if (cap - len < 4096) {
                        uint8_t *bigger = realloc(data, cap + 65536);

                        if (bigger == NULL) {
                                fprintf(stderr, "replay: out of memory\n");
                                return -1;
                        }
                        data = bigger;
                        cap += 65536;
                }
                n = fread(data + len, 1, cap - len, f);
                len += n;
        } while (n > 0);
        if (ferror(f)) {
                fprintf(stderr, "replay: reading %s failed\n", path);
                return -1;
        }
        /* As libFuzzer does: the file's bytes in a buffer of exactly that size, so that the
         * sanitizers see a read past the end. */
        exact = realloc(data, len > 0 ? len : 1);
        if (exact == NULL) {
                fprintf(stderr, "replay: out of memory\n");
                return -1;
        }
        data = exact;
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
        LLVMFuzzerTestOneInput(data, len);
        return 0;
}

static int compare_names(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int wanted(const struct dirent *d)
{
        size_t len = strlen(d->d_name);

        return d->d_name[0] != '.' && !(len >= 3 && strcmp(d->d_name + len - 3, ".md") == 0);
}

int main(int argc, char **argv)
{
        size_t runs = 0;
        bool failed = false;

        for (int i = 1; i < argc; i++) {
                struct dirent **names = NULL;
                struct stat st;
                int n;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (run_file(argv[i]) < 0)
                                return 1;
                        runs++;
                        continue;
                }
                n = scandir(argv[i], &names, wanted, compare_names);
                if (n < 0) {
                        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                for (int k = 0; k < n; k++) {
                        _cleanup_free_ char *path = NULL;
                        bool ok;

                        ok = asprintf(&path, "%s/%s", argv[i], names[k]->d_name) >= 0 &&
                             stat(path, &st) == 0;
                        if (ok && S_ISREG(st.st_mode)) {
                                ok = run_file(path) == 0;
                                runs++;
                        }
                        if (!ok)
                                fprintf(stderr, "replay: cannot run %s/%s\n", argv[i],
                                        names[k]->d_name);
                        failed |= !ok;
                }
                for (int k = 0; k < n; k++)
                        free(names[k]);
                free(names);
        }
        if (failed)
                return 1;
        if (runs == 0) {
                fprintf(stderr, "replay: no input was run\n");
                return 1;
        }
        printf("replay: %zu inputs, no invariant broken\n", runs);
        return 0;
}
