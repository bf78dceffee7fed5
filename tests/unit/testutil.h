/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Helpers shared by the unit tests. Include after <cmocka.h>'s prerequisites (stdarg.h, stddef.h,
 * stdint.h, setjmp.h). Every helper fails the current test (cmocka) rather than returning errors.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "facts.h"
#include "plan.h"
#include "rules.h"
#include "ruleset.h"

/* Parse JSON text with the lossless parser (lib/json.h). */
json_t *rw_test_parse(const char *text);

/* Load a captured engine input from $RW_FIXTURES_DIR (tests/fixtures/engines). */
json_t *rw_test_load_fixture(const char *name);

/* Read a whole file into memory (NUL-terminated). */
char *rw_test_read_file(const char *path, size_t *ret_len);

/* Call fn with the path and the text (NUL-terminated, writable) of every *.json in
 * $RW_FIXTURES_DIR; the number of fixtures. */
int rw_test_each_fixture(void (*fn)(const char *path, char *text, size_t len));

/* Facts for a host whose pid 1 namespaces are (dev 1, inode 4026531830 + type); no paths. */
void rw_test_facts_init(struct rw_host_facts *facts);

/* The first change / denial of `rule` (and, if `path` is not NULL, at that readable path). */
const struct rw_change *rw_test_find_change(const struct rw_plan *plan, const char *rule,
                                            const char *path);
const struct rw_denial *rw_test_find_denial(const struct rw_plan *plan, const char *rule);
size_t rw_test_count_changes(const struct rw_plan *plan, const char *rule);

/* A deep copy of `spec` with `plan` applied (asserts that applying succeeds). */
json_t *rw_test_apply(const json_t *spec, const struct rw_plan *plan);

/* The value at JSON pointer `pointer` in `doc`, NULL if absent. */
json_t *rw_test_get(const json_t *doc, const char *pointer);

/* The mount with this destination in spec.mounts, NULL if none. */
json_t *rw_test_find_mount(const json_t *spec, const char *destination);

/* True when the JSON array of strings `array` contains `s`. */
int rw_test_array_has_string(const json_t *array, const char *s);

/* rw_facts_synthetic() (lib/facts.h), failing the test on error. */
void rw_test_facts_for_spec(const json_t *spec, struct rw_host_facts *facts);

/* The profile NAME from $RW_SOURCE_ROOT/seccomp-profiles, loaded and checked as runwarden does
 * (rw_seccomp_load_profile); NULL, with the reason printed, when that fails. For group setups. */
json_t *rw_test_load_profile(const char *name);

/* Make a fresh directory /tmp/rw-test-TAG-XXXXXX into `buf`; fails the test when it cannot. */
void rw_test_mkdtemp(char *buf, size_t size, const char *tag);

/* Remove `path` and everything below it, never following a symbolic link; for teardowns. */
void rw_test_remove_tree(const char *path);

/* Fail, printing every denial, unless the plan has none. */
void rw_test_assert_no_denials(const struct rw_plan *plan);
