/* SPDX-License-Identifier: Apache-2.0 */
#include "arena.h"

#include <jansson.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define RW_ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RW_ARENA_OFF 1
#endif
#endif

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

/* Blocks of this size hold the allocations up to BIG_MIN; larger ones come from malloc(). */
#define BLOCK_SIZE (128u * 1024u)
#define BIG_MIN    (8u * 1024u)

/* In front of every allocation, keeping what follows aligned as malloc() would. */
struct header {
        alignas(max_align_t) size_t big; /* 1: from malloc(), freed; 0: from a block */
};

/* At the start of every block: the blocks newer than a mark are given back on release. */
struct block {
        alignas(max_align_t) struct block *prev;
};

static struct block *blocks;
static char *next, *limit;

static void *arena_malloc(size_t size)
{
        size_t need;
        struct header *h;

        if (size > BIG_MIN) {
                if (size > SIZE_MAX - sizeof(*h))
                        return NULL;
                h = malloc(sizeof(*h) + size);
                if (h == NULL)
                        return NULL;
                h->big = 1;
                return h + 1;
        }
        need = (sizeof(*h) + size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
        if ((size_t)(limit - next) < need) {
                /* the rest of the old block is left unused */
                struct block *b = malloc(BLOCK_SIZE);

                if (b == NULL)
                        return NULL;
                b->prev = blocks;
                blocks = b;
                next = (char *)(b + 1);
                limit = (char *)b + BLOCK_SIZE;
                MARK_UNUSED(next, (size_t)(limit - next));
        }
        h = (struct header *)(void *)next;
        next += need;
        MARK_WRITABLE(h, sizeof(*h));
        h->big = 0;
        MARK_ALLOCATED(h + 1, size);
        return h + 1;
}

static void arena_free(void *p)
{
        struct header *h;

        if (p == NULL)
                return;
        h = (struct header *)p - 1;
        if (h->big)
                free(h);
        else
                MARK_FREED(p);
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
        *ret = (struct rw_json_arena_mark){.block = blocks, .next = next, .limit = limit};
#else
        *ret = (struct rw_json_arena_mark){0};
#endif
}

void rw_json_arena_release(const struct rw_json_arena_mark *mark)
{
#ifndef RW_ARENA_OFF
        while (blocks != NULL && blocks != mark->block) {
                struct block *prev = blocks->prev;

                free(blocks);
                blocks = prev;
        }
        next = mark->next;
        limit = mark->limit;
        if (next != NULL)
                MARK_UNUSED(next, (size_t)(limit - next));
#else
        (void)mark;
#endif
}
