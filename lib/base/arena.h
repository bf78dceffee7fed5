/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * jansson's memory, for a process that lives for one runtime call: rw_json_use_arena() makes
 * jansson allocate from one reserved stretch of address space, bump by bump, and never give back
 * what it frees (the process exits or execs the runtime within a few milliseconds). A spec's tree
 * is thousands of small allocations; taking each from glibc's malloc and freeing it again was a
 * tenth of a create's instructions (docs/performance.md).
 *
 * What jansson frees stays allocated until the process ends: at most what it allocated in all,
 * bounded by the document size limit like the tree itself (beyond the stretch, and for anything
 * above 8 KiB, malloc() serves and free() takes back). Builds with AddressSanitizer keep
 * glibc's allocator (rw_json_use_arena() does nothing there), so the sanitizers still see every
 * use after free and every overflow of jansson's memory. The arena itself is seen by valgrind
 * with -Dvalgrind_arena=true: memcheck then knows each allocation on it as if from malloc().
 */

/* Defined where the arena is off: AddressSanitizer, as gcc (__SANITIZE_ADDRESS__) or clang
 * (__has_feature: Debian 12's clang 14 has no __SANITIZE_ADDRESS__) says. The tests ask too. */
#if defined(__SANITIZE_ADDRESS__)
#define RW_ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RW_ARENA_OFF 1
#endif
#endif

/*
 * Call once, before the first jansson value is made; a no-op under AddressSanitizer. Memory
 * jansson hands out (json_dumps()) is then not free()'s: the runtime's code writes with
 * rw_json_dump() (lib/base/json.h) instead.
 */
void rw_json_use_arena(void);

/*
 * Where the arena stands, and going back there: once everything jansson allocated after the
 * mark has been freed again (a reader that gave up and released what it built), the next
 * allocation starts where the mark was (the pages stay the process's, to be written again).
 * Anything allocated after the mark and still in use would be overwritten. No-ops where the arena
 * is off.
 */
struct rw_json_arena_mark {
        char *next;
};

void rw_json_arena_mark(struct rw_json_arena_mark *ret);
void rw_json_arena_release(const struct rw_json_arena_mark *mark);
