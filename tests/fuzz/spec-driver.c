/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwarden's side of the differential test (differential.py): reads "KIND PATH" lines on standard
 * input and writes one JSON object per document, in order:
 *   {"verdict": "accept", "view": TEXT}  the canonical view with the plan's removals applied,
 *                                        as rw_json_dump() writes it
 *   {"verdict": "refuse", "stage": "parse", "error": MSG}       rw_json_parse() refused
 *   {"verdict": "refuse", "stage": "spec", "denials": [{"item": POINTER, "reason": TEXT}...]}
 *   {"verdict": "refuse", "stage": "apply" | "dump", "error": MSG}   the plan could not be
 *                                        applied or the view not written: a bug
 * KIND is config, process or resources. Exits non-zero only on I/O or memory failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "plan.h"
#include "spec.h"

static int read_file(const char *path, char **ret, size_t *ret_len)
{
        _cleanup_fclose_ FILE *f = fopen(path, "rbe");
        _cleanup_free_ char *data = NULL;
        size_t len = 0, cap = 0, n;

        if (f == NULL)
                return -errno;
        do {
                if (cap - len < 65536) {
                        char *bigger = realloc(data, cap + 65536 + 1);

                        if (bigger == NULL)
                                return -ENOMEM;
                        data = bigger;
                        cap += 65536;
                }
                n = fread(data + len, 1, cap - len, f);
                len += n;
        } while (n > 0);
        if (ferror(f))
                return -EIO;
        data[len] = '\0';
        *ret = TAKE_PTR(data);
        *ret_len = len;
        return 0;
}

/* Messages quote the input, which need not be UTF-8: keep them printable as JSON strings. */
static json_t *printable(const char *s)
{
        _cleanup_free_ char *copy = strdup(s);

        if (copy == NULL)
                return NULL;
        for (char *p = copy; *p != '\0'; p++)
                if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
                        *p = '?';
        return json_string(copy);
}

static json_t *refusal(const char *stage, const char *msg)
{
        return json_pack("{s:s, s:s, s:o*}", "verdict", "refuse", "stage", stage, "error",
                         printable(msg));
}

static json_t *judge(enum rw_spec_kind kind, const char *text, size_t len)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_json_ json_t *view = NULL;
        _cleanup_free_ char *out = NULL;
        struct rw_error err = {0};
        size_t out_len;

        rw_plan_init(&plan);
        if (rw_json_parse(text, len, &doc, &err) < 0)
                return refusal("parse", err.msg);
        if (rw_spec_read(doc, kind, "document", &view, &plan, &err) < 0)
                return NULL;
        if (rw_plan_denied(&plan)) {
                json_t *denials = json_array();

                if (denials == NULL)
                        return NULL;
                for (size_t i = 0; i < plan.n_denials; i++)
                        json_array_append_new(denials,
                                              json_pack("{s:o*, s:o*}", "item",
                                                        json_string(plan.denials[i].item), "reason",
                                                        printable(plan.denials[i].reason)));
                return json_pack("{s:s, s:s, s:o}", "verdict", "refuse", "stage", "spec", "denials",
                                 denials);
        }
        if (view == NULL)
                return refusal("spec", "no view and no denial");
        if (rw_plan_apply(&plan, view, &err) < 0)
                return refusal("apply", err.msg);
        if (rw_json_dump(view, &out, &out_len, &err) < 0)
                return refusal("dump", err.msg);
        return json_pack("{s:s, s:s%}", "verdict", "accept", "view", out, out_len);
}

int main(void)
{
        char line[4096];

        while (fgets(line, sizeof(line), stdin) != NULL) {
                _cleanup_free_ char *text = NULL;
                _cleanup_json_ json_t *result = NULL;
                _cleanup_free_ char *printed = NULL;
                enum rw_spec_kind kind;
                char *path = strchr(line, ' ');
                size_t len = 0;
                int r;

                line[strcspn(line, "\n")] = '\0';
                if (path == NULL) {
                        fprintf(stderr, "spec-driver: bad input line \"%s\"\n", line);
                        return 2;
                }
                *path++ = '\0';
                if (strcmp(line, "config") == 0)
                        kind = RW_SPEC_CONFIG;
                else if (strcmp(line, "process") == 0)
                        kind = RW_SPEC_PROCESS;
                else if (strcmp(line, "resources") == 0)
                        kind = RW_SPEC_RESOURCES;
                else {
                        fprintf(stderr, "spec-driver: unknown kind \"%s\"\n", line);
                        return 2;
                }
                r = read_file(path, &text, &len);
                if (r < 0) {
                        fprintf(stderr, "spec-driver: %s: %s\n", path, strerror(-r));
                        return 2;
                }
                result = judge(kind, text, len);
                printed = result != NULL ? json_dumps(result, JSON_COMPACT) : NULL;
                if (printed == NULL) {
                        fprintf(stderr, "spec-driver: %s: out of memory\n", path);
                        return 2;
                }
                puts(printed);
        }
        return fflush(stdout) == 0 ? 0 : 2;
}
