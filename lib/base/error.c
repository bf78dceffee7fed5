/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int error_vset(struct rw_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static int error_vset(struct rw_error *err, int code, const char *fmt, va_list ap)
{
        if (code <= 0)
                code = EIO;
        if (err != NULL) {
                err->code = code;
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        }
        return -code;
}

int rw_error_set(struct rw_error *err, int code, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = error_vset(err, code, fmt, ap);
        va_end(ap);
        return r;
}

int rw_error_set_errno(struct rw_error *err, int code, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = error_vset(err, code, fmt, ap);
        va_end(ap);
        if (err != NULL) {
                size_t len = strlen(err->msg);
                snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(err->code));
        }
        return r;
}

int rw_error_prefix(struct rw_error *err, const char *fmt, ...)
{
        char context[RW_ERROR_MSG_MAX];
        size_t clen, olen;
        va_list ap;
        int n;

        if (err == NULL)
                return -EIO;
        if (err->code <= 0)
                err->code = EIO;
        va_start(ap, fmt);
        n = vsnprintf(context, sizeof(context) - 2, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -err->code;
        clen = strlen(context);
        memcpy(context + clen, ": ", 3);
        clen += 2;
        olen = strnlen(err->msg, sizeof(err->msg) - 1);
        if (clen + olen > sizeof(err->msg) - 1)
                olen = sizeof(err->msg) - 1 - clen;
        memmove(err->msg + clen, err->msg, olen);
        memcpy(err->msg, context, clen);
        err->msg[clen + olen] = '\0';
        return -err->code;
}
