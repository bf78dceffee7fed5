/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spec reader: rw_json_parse, then rw_spec_read for each kind of document, rw_plan_apply of
 * the gate's plan on the view, and rw_json_dump of the result. Invariants:
 *  - a parsed document dumps and parses back to the same document;
 *  - rw_spec_read never changes its input and only fails when out of memory;
 *  - a refusal leaves no view and holds only "spec" denials; an acceptance holds only "spec"
 *    removals, which apply to the view;
 *  - the view with the removals applied is a fixed point: dumped, parsed and read again it is
 *    accepted with nothing to change and read to itself.
 */
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "json.h"
#include "plan.h"
#include "spec.h"

static json_t *round_trip(const json_t *doc, const char *what)
{
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        json_t *back = NULL;
        size_t len;

        RW_FUZZ_ASSERT(rw_json_dump(doc, &text, &len, &err) == 0, "dumping %s: %s", what, err.msg);
        RW_FUZZ_ASSERT(rw_json_parse(text, len, &back, &err) == 0, "parsing %s back: %s: %s", what,
                       err.msg, text);
        RW_FUZZ_ASSERT(json_equal(doc, back), "%s changed in a round trip: %s", what, text);
        return back;
}

static void read_kind(const json_t *doc, enum rw_spec_kind kind)
{
        _cleanup_json_ json_t *before = json_deep_copy(doc);
        _cleanup_json_ json_t *view = NULL;
        _cleanup_json_ json_t *again = NULL;
        _cleanup_json_ json_t *view2 = NULL;
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_plan_ struct rw_plan plan2;
        struct rw_error err = {0};

        rw_plan_init(&plan);
        rw_plan_init(&plan2);
        RW_FUZZ_ASSERT(before != NULL, "out of memory");
        RW_FUZZ_ASSERT(rw_spec_read(doc, kind, "fuzz", &view, &plan, &err) == 0, "kind %d: %s",
                       (int)kind, err.msg);
        RW_FUZZ_ASSERT(json_equal(doc, before), "rw_spec_read changed its input (kind %d)",
                       (int)kind);
        for (size_t i = 0; i < plan.n_denials; i++)
                RW_FUZZ_ASSERT(strcmp(plan.denials[i].rule, RW_RULE_SPEC) == 0, "denial by %s",
                               plan.denials[i].rule);
        for (size_t i = 0; i < plan.n_changes; i++)
                RW_FUZZ_ASSERT(strcmp(plan.changes[i].rule, RW_RULE_SPEC) == 0 &&
                                   plan.changes[i].kind == RW_CHANGE_DELETE,
                               "change %s by %s", plan.changes[i].pointer, plan.changes[i].rule);
        if (rw_plan_denied(&plan)) {
                RW_FUZZ_ASSERT(view == NULL, "a view of a refused document (kind %d)", (int)kind);
                return;
        }
        RW_FUZZ_ASSERT(view != NULL, "no view and no denial (kind %d)", (int)kind);
        RW_FUZZ_ASSERT(json_is_object(view), "the view is not an object");
        RW_FUZZ_ASSERT(rw_plan_apply(&plan, view, &err) == 0, "applying the spec plan: %s",
                       err.msg);

        again = round_trip(view, "the view");
        RW_FUZZ_ASSERT(rw_spec_read(again, kind, "fuzz", &view2, &plan2, &err) == 0, "%s", err.msg);
        RW_FUZZ_ASSERT(!rw_plan_denied(&plan2), "the view is refused: %s", plan2.denials[0].reason);
        RW_FUZZ_ASSERT(plan2.n_changes == 0, "the view still has %s to remove",
                       plan2.changes[0].pointer);
        RW_FUZZ_ASSERT(json_equal(view2, again), "the view does not read to itself (kind %d)",
                       (int)kind);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_json_ json_t *back = NULL;
        struct rw_error err = {0};

        if (rw_json_parse((const char *)data, size, &doc, &err) < 0)
                return 0;
        back = round_trip(doc, "the document");
        read_kind(doc, RW_SPEC_CONFIG);
        read_kind(doc, RW_SPEC_PROCESS);
        read_kind(doc, RW_SPEC_RESOURCES);
        return 0;
}
