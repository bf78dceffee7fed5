/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The build of the running executable: its GNU build ID (the linker's hash of the program, in a
 * PT_NOTE segment), in hex. What runwarden caches between calls that depends on its own code (a
 * converted seccomp profile) names it, so that another build never reads what this one made,
 * even under the same version number.
 */

/* Room for the longest build ID (a SHA-1 is 20 bytes; the format allows more) and the NUL. */
#define RW_BUILD_ID_MAX 129

/* The build ID in `ret` as lowercase hex; "" when the executable has none (linked without
 * --build-id). Never fails. */
void rw_build_id(char ret[RW_BUILD_ID_MAX]);
