/* SPDX-License-Identifier: Apache-2.0 */
#include "enginelog.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "utctime.h"

static const char *level_name(enum rw_log_level level)
{
        switch (level) {
        case RW_LOG_DEBUG:
                return "debug";
        case RW_LOG_WARNING:
                return "warning";
        case RW_LOG_ERROR:
                return "error";
        }
        return "error";
}

/* logrus text quoting: the value in double quotes with Go's %q escapes for what matters. */
static char *quote_text(const char *s)
{
        size_t len = strlen(s);
        char *out = malloc(len * 4 + 3);
        char *o = out;

        if (out == NULL)
                return NULL;
        *o++ = '"';
        for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
                switch (*p) {
                case '"':
                case '\\':
                        *o++ = '\\';
                        *o++ = (char)*p;
                        break;
                case '\n':
                        *o++ = '\\';
                        *o++ = 'n';
                        break;
                case '\r':
                        *o++ = '\\';
                        *o++ = 'r';
                        break;
                case '\t':
                        *o++ = '\\';
                        *o++ = 't';
                        break;
                default:
                        if (*p < 0x20)
                                o += sprintf(o, "\\x%02x", *p);
                        else
                                *o++ = (char)*p;
                }
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

char *rw_enginelog_format(enum rw_log_format format, enum rw_log_level level, const char *msg,
                          const struct timespec *now)
{
        char when[64];
        char *line = NULL;

        /* a time beyond any calendar: Go's zero time */
        if (rw_utc_format(now, true, when, sizeof(when)) < 0)
                snprintf(when, sizeof(when), "0001-01-01T00:00:00Z");
        if (format == RW_LOG_FORMAT_JSON) {
                _cleanup_json_ json_t *obj = json_object();
                _cleanup_free_ char *text = NULL;
                struct rw_error err = {0};
                size_t len;

                if (obj == NULL ||
                    json_object_set_new(obj, "level", json_string(level_name(level))) ||
                    json_object_set_new(obj, "msg", json_string(msg)) ||
                    json_object_set_new(obj, "time", json_string(when)))
                        return NULL;
                if (rw_json_dump(obj, &text, &len, &err) < 0 || asprintf(&line, "%s\n", text) < 0)
                        return NULL;
                return line;
        }
        {
                _cleanup_free_ char *quoted = quote_text(msg);

                if (quoted == NULL || asprintf(&line, "time=\"%s\" level=%s msg=%s\n", when,
                                               level_name(level), quoted) < 0)
                        return NULL;
        }
        return line;
}

int rw_enginelog_write(const char *path, enum rw_log_format format, enum rw_log_level level,
                       const char *msg, struct rw_error *err)
{
        _cleanup_free_ char *line = NULL;
        struct timespec now;

        if (path == NULL)
                return 0;
        clock_gettime(CLOCK_REALTIME, &now);
        line = rw_enginelog_format(format, level, msg, &now);
        if (line == NULL)
                return rw_error_set(err, ENOMEM, "formatting a log line");
        /* the engine reads it as soon as the runtime exits */
        return rw_file_append_line(path, line, 0644, 0, RW_DURABILITY_CACHE, err);
}
