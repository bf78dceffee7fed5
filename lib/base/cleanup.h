/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one lifetime idiom of runwarden: __attribute__((cleanup)) at the point of acquisition, with
 * ownership handed on explicitly by TAKE_PTR()/TAKE_FD(). Every destructor accepts NULL / -1.
 */

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void rw_freep(void *p)
{
        free(*(void **)p);
}

static inline void rw_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void rw_fclosep(FILE **f)
{
        if (*f != NULL)
                fclose(*f);
}

static inline void rw_json_decrefp(json_t **j)
{
        json_decref(*j);
}

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_free_   _cleanup_(rw_freep)
#define _cleanup_close_  _cleanup_(rw_closep)
#define _cleanup_fclose_ _cleanup_(rw_fclosep)
#define _cleanup_json_   _cleanup_(rw_json_decrefp)

/* Hand the value on and leave the variable empty, so its cleanup does nothing. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                __typeof__(p) _taken = (p);                                                        \
                (p) = NULL;                                                                        \
                _taken;                                                                            \
        })

#define TAKE_FD(fd)                                                                                \
        ({                                                                                         \
                int _taken = (fd);                                                                 \
                (fd) = -1;                                                                         \
                _taken;                                                                            \
        })

#define RW_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
