/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput(); it is linked either
 * with libFuzzer (-Dfuzzing=true, clang) or with replay.c, which feeds it the seed corpus and the
 * saved regression inputs in every build (the unit suite).
 *
 * A target checks invariants with RW_FUZZ_ASSERT: a broken one prints what failed and aborts,
 * which libFuzzer records as a crash and the replay test as a failure.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RW_FUZZ_ASSERT(cond, ...)                                                                  \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__,       \
                                #cond);                                                            \
                        fprintf(stderr, __VA_ARGS__);                                              \
                        fputc('\n', stderr);                                                       \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)
