/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fast JSON reader (lib/base/jsonread.c) against jansson, differentially. Invariants, on any
 * input:
 *  - what the fast reader accepts, jansson (rw_json_parse_jansson) accepts;
 *  - then both documents are equal and written byte for byte alike (key order included);
 *  - rw_json_parse() accepts exactly what jansson accepts, with an equal document;
 *  - rw_json_loadb() is json_loadb(JSON_REJECT_DUPLICATES): the same document, or the same error.
 */
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "json.h"
#include "json_internal.h"

static char *dump(const json_t *doc, size_t *ret_len)
{
        struct rw_error err = {0};
        char *text = NULL;

        RW_FUZZ_ASSERT(rw_json_dump(doc, &text, ret_len, &err) == 0, "dumping: %s", err.msg);
        return text;
}

static void loadb_as_jansson(const char *text, size_t size)
{
        json_error_t ours, theirs;
        _cleanup_json_ json_t *a = rw_json_loadb(text, size, &ours);
        _cleanup_json_ json_t *b = json_loadb(text, size, JSON_REJECT_DUPLICATES, &theirs);

        RW_FUZZ_ASSERT((a == NULL) == (b == NULL), "rw_json_loadb %s what json_loadb %s",
                       a == NULL ? "refuses" : "accepts", b == NULL ? "refuses" : "accepts");
        if (a == NULL) {
                RW_FUZZ_ASSERT(strcmp(ours.text, theirs.text) == 0 && ours.line == theirs.line &&
                                   ours.column == theirs.column && ours.position == theirs.position,
                               "another error: %s / %s", ours.text, theirs.text);
                return;
        }
        RW_FUZZ_ASSERT(json_equal(a, b), "rw_json_loadb read another document");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data;
        _cleanup_json_ json_t *fast = rw_json_read_fast(text, size);
        _cleanup_json_ json_t *ref = NULL;
        _cleanup_json_ json_t *parsed = NULL;
        struct rw_error err = {0}, err2 = {0};
        int r = rw_json_parse_jansson(text, size, &ref, &err);
        int r2 = rw_json_parse(text, size, &parsed, &err2);

        loadb_as_jansson(text, size);
        RW_FUZZ_ASSERT((r < 0) == (r2 < 0), "rw_json_parse %s what jansson %s",
                       r2 < 0 ? "refuses" : "accepts", r < 0 ? "refuses" : "accepts");
        if (r < 0) {
                RW_FUZZ_ASSERT(fast == NULL, "the fast reader accepted what jansson refuses: %s",
                               err.msg);
                RW_FUZZ_ASSERT(strcmp(err.msg, err2.msg) == 0, "another message: %s / %s", err.msg,
                               err2.msg);
                return 0;
        }
        RW_FUZZ_ASSERT(json_equal(ref, parsed), "rw_json_parse read another document");
        if (fast != NULL) {
                _cleanup_free_ char *a = NULL, *b = NULL;
                size_t a_len, b_len;

                RW_FUZZ_ASSERT(json_equal(fast, ref), "the fast reader read another document");
                a = dump(fast, &a_len);
                b = dump(ref, &b_len);
                RW_FUZZ_ASSERT(a_len == b_len && memcmp(a, b, a_len) == 0,
                               "written differently: %s / %s", a, b);
        }
        return 0;
}
