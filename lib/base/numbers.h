/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Numbers written on a runtime command line, read the way runc's Go code reads them. */

#include <stdbool.h>
#include <stdint.h>

/* Go's strconv.Atoi / ParseInt(s, 10, 64): an optional sign and decimal digits within int64.
 * False where Go returns an error. */
bool rw_parse_go_int(const char *s, int64_t *ret);

/* Go's strconv.ParseInt(s, 0, 64), as Go's flag package reads an int flag (runc's
 * --pids-limit): a sign, then 0x/0o/0b or a leading 0 for octal, '_' between digits. */
bool rw_parse_go_int_base0(const char *s, int64_t *ret);

/* docker/go-units RAMInBytes, as runc's update reads --memory: "512", "1.5g", "64MiB", "2 k"
 * (powers of 1024). */
/*
 * A count written as plain decimal digits, at most `max`: no sign, no leading zero, no base
 * prefix, no underscore (Go's base-0 reading would take "010" as octal and "0x8" as hex, C's
 * strtoul would take " 8"). False for anything else, the value not trusted then.
 */
bool rw_parse_plain_count(const char *s, unsigned max, unsigned *ret);

bool rw_parse_ram_bytes(const char *s, int64_t *ret);
