/* SPDX-License-Identifier: Apache-2.0 */
#include "arena.h"

#include <jansson.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef RW_ARENA_OFF
/*
 * -Dvalgrind_arena=true: memcheck is told of every allocation, free and unused stretch, so that
 * valgrind sees a use after free of jansson's memory here as it would with malloc(). Off by
 * default: the client requests cost instructions in every allocation.
 */
#ifdef RW_ARENA_VALGRIND
#include <valgrind/memcheck.h>
#define MARK_ALLOCATED(p, size) VALGRIND_MALLOCLIKE_BLOCK(p, size, 0, 0)
#define MARK_FREED(p)           VALGRIND_FREELIKE_BLOCK(p, 0)
#define MARK_UNUSED(p, size)    VALGRIND_MAKE_MEM_NOACCESS(p, size)
#define MARK_WRITABLE(p, size)  VALGRIND_MAKE_MEM_UNDEFINED(p, size)
#else
#define MARK_ALLOCATED(p, size) ((void)0)
#define MARK_FREED(p)           ((void)0)
#define MARK_UNUSED(p, size)    ((void)0)
#define MARK_WRITABLE(p, size)  ((void)0)
#endif

/*
 * One stretch of address space, reserved once, bumped through; what lies outside it came from
 * malloc() and goes back to free(), so no allocation needs a header. It is made writable and
 * populated a chunk at a time as the bump pointer reaches it (one madvise() instead of a page
 * fault per page: about half the cost on a VM, docs/performance.md); growing a chunk at a time
 * also keeps transparent huge pages out of it.
 * Allocations above BIG_MIN, and all of them once the stretch is used up, come from malloc().
 */
#define RESERVE (64u * 1024u * 1024u)
#define CHUNK   (64u * 1024u)
#define BIG_MIN (8u * 1024u)
/* what jansson stores: pointers, sizes, int64 and double (malloc()'s 16 is not needed) */
#define ALIGN                                                                                      \
        alignof(union {                                                                            \
                void *p;                                                                           \
                size_t z;                                                                          \
                long long ll;                                                                      \
                double d;                                                                          \
        })

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

static char *base, *next, *usable, *limit, *end;
static bool unavailable, no_populate;

/* Address space only: nothing is charged to the commit limit (vm.overcommit_memory=2 too) before
 * grow() makes a stretch writable. */
static bool reserve(void)
{
        void *p =
            mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

        if (p == MAP_FAILED) {
                unavailable = true; /* malloc() it is, for every allocation */
                return false;
        }
        base = next = usable = p;
        limit = end = base + RESERVE;
        MARK_UNUSED(base, RESERVE);
        return true;
}

/* Make the stretch writable and populated up to `upto`, whole chunks at a time. False: it cannot
 * be (the reservation is used up, or the commit limit is reached); malloc() serves instead. */
static bool grow(const char *upto)
{
        size_t n = ((size_t)(upto - usable) + CHUNK - 1) / CHUNK * CHUNK;

        if (n > (size_t)(limit - usable) || mprotect(usable, n, PROT_READ | PROT_WRITE) < 0) {
                limit = usable; /* not again: malloc() from here on */
                return false;
        }
        /* an older kernel: the pages fault in one by one, as they would anyway */
        if (!no_populate && madvise(usable, n, MADV_POPULATE_WRITE) < 0)
                no_populate = true;
        usable += n;
        return true;
}

static bool in_arena(const void *p)
{
        return base != NULL && (uintptr_t)p >= (uintptr_t)base && (uintptr_t)p < (uintptr_t)end;
}

static void *arena_malloc(size_t size)
{
        size_t need = size == 0 ? ALIGN : (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
        char *p;

        if (size > BIG_MIN || (base == NULL && (unavailable || !reserve())) ||
            (size_t)(limit - next) < need || ((size_t)(usable - next) < need && !grow(next + need)))
                return malloc(size);
        p = next;
        next += need;
        MARK_ALLOCATED(p, size);
        return p;
}

static void arena_free(void *p)
{
        if (p == NULL)
                return;
        if (in_arena(p))
                MARK_FREED(p);
        else
                free(p);
}

#endif

void rw_json_use_arena(void)
{
#ifndef RW_ARENA_OFF
        json_set_alloc_funcs(arena_malloc, arena_free);
#endif
}

void rw_json_arena_mark(struct rw_json_arena_mark *ret)
{
#ifndef RW_ARENA_OFF
        *ret = (struct rw_json_arena_mark){.next = next};
#else
        *ret = (struct rw_json_arena_mark){0};
#endif
}

void rw_json_arena_release(const struct rw_json_arena_mark *mark)
{
#ifndef RW_ARENA_OFF
        /* a mark taken before the stretch was reserved stands for its start */
        if (base == NULL)
                return;
        next = mark->next != NULL ? mark->next : base;
        MARK_UNUSED(next, (size_t)(end - next));
#else
        (void)mark;
#endif
}
