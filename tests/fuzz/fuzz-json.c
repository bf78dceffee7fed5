/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fast reader against jansson (lib/base/json.c). Invariants:
 *  - what the fast reader reads, jansson (rw_json_parse_reference) reads too, to an equal document;
 *  - what jansson refuses, the fast reader refuses;
 *  - rw_json_parse gives jansson's answer;
 *  - what was read, rw_json_dump writes, and the fast reader reads that back to itself.
 */
#include <errno.h>

#include "cleanup.h"
#include "fuzz.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_json_ json_t *fast = NULL, *slow = NULL, *both = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0}, err2 = {0};
        const char *in = (const char *)data;
        int rf, rs, r;
        size_t len;

        if (size > 64 * 1024)
                return 0;
        rf = rw_json_parse_fast(in, size, &fast);
        rs = rw_json_parse_reference(in, size, &slow, &err);
        RW_FUZZ_ASSERT(rf >= 0 || rf == -EINVAL || rf == -ENOMEM, "fast reader returned %d", rf);
        RW_FUZZ_ASSERT(!(rf >= 0 && rs < 0), "the fast reader read what jansson refuses: %s",
                       err.msg);
        if (rf >= 0)
                RW_FUZZ_ASSERT(json_equal(fast, slow), "the two read different documents");
        r = rw_json_parse(in, size, &both, &err2);
        RW_FUZZ_ASSERT((r >= 0) == (rs >= 0), "rw_json_parse answered %d, jansson %d", r, rs);
        if (r < 0)
                return 0;
        RW_FUZZ_ASSERT(json_equal(both, slow), "rw_json_parse read another document");
        RW_FUZZ_ASSERT(rw_json_dump(both, &text, &len, &err) == 0, "dump: %s", err.msg);
        RW_FUZZ_ASSERT(rw_json_parse_fast(text, len, &back) == 0, "the fast reader refused %s",
                       text);
        RW_FUZZ_ASSERT(json_equal(both, back), "a dump did not read back to itself: %s", text);
        return 0;
}
