/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tier's arena: every allocation of a resolved tier (its lists, strings, egress settings) is a
 * block of one arena, freed together, so tiers can be freed in any order.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

struct arena_block {
        struct arena_block *next;
        max_align_t data[];
};

struct rw_policy_arena {
        struct arena_block *head;
};

struct rw_policy_arena *rw_policy_arena_new(void)
{
        return calloc(1, sizeof(struct rw_policy_arena));
}

void *rw_policy_arena_alloc(struct rw_policy_arena *a, size_t n, size_t size)
{
        struct arena_block *b;

        if (size != 0 && n > (SIZE_MAX - sizeof(*b)) / size)
                return NULL;
        b = calloc(1, sizeof(*b) + n * size);
        if (b == NULL)
                return NULL;
        b->next = a->head;
        a->head = b;
        return b->data;
}

char *rw_policy_arena_strdup(struct rw_policy_arena *a, const char *s)
{
        size_t len = strlen(s);
        char *copy = rw_policy_arena_alloc(a, len + 1, 1);

        if (copy != NULL)
                memcpy(copy, s, len + 1);
        return copy;
}

void rw_policy_arena_free(struct rw_policy_arena *a)
{
        if (a == NULL)
                return;
        while (a->head != NULL) {
                struct arena_block *next = a->head->next;
                free(a->head);
                a->head = next;
        }
        free(a);
}
