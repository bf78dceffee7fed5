/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Numbers written on a runtime command line, read the way runc's Go code reads them. */

#include <stdbool.h>
#include <stdint.h>

/* Go's strconv.Atoi / ParseInt(s, 10, 64): an optional sign and decimal digits within int64.
 * False where Go returns an error. */
bool rw_parse_go_int(const char *s, int64_t *ret);
