/*
 * counter — one shared PN-counter.
 *
 * Methods (arguments and results are JSON):
 *   init                           run once when the context is created
 *   increment {"by"?: n >= 0 (1)}  -> the new value
 *   decrement {"by"?: n >= 0 (1)}  -> the new value
 *   get       {}                   -> the value
 * The counter merges by summing every member's changes, so concurrent
 * increments on different members all count once the deltas meet.
 */
#include "deltanode.h"

#define COUNTER_KEY "count"

DN_METHOD(init) {
    dn_log("counter: created, value 0");
}

/* Adds sign * by; answers with the value as this member now sees it. */
static void change(int sign) {
    size_t n;
    const char *in = dn_input(&n);
    int64_t by;
    if (!dn_arg_int(in, n, "by", 1, &by)) return;
    if (by < 0) {
        dn_return_err("argument \"by\" must not be negative");
        return;
    }
    /* Read before writing, so the answer does not depend on whether the
     * node shows a call its own pending counter changes. Unsigned maths
     * wraps like the counter itself instead of overflowing. */
    int64_t before = dn_counter_get(DN_LIT(COUNTER_KEY));
    int64_t delta = sign > 0 ? by : (int64_t)((uint64_t)0 - (uint64_t)by);
    dn_counter_add(DN_LIT(COUNTER_KEY), delta);
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_int(&out, (int64_t)((uint64_t)before + (uint64_t)delta));
    dn_sb_return_ok(&out);
}

DN_METHOD(increment) { change(+1); }
DN_METHOD(decrement) { change(-1); }

DN_METHOD(get) {
    size_t n;
    const char *in = dn_input(&n);
    if (!dn_arg_none(in, n)) return;
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_int(&out, dn_counter_get(DN_LIT(COUNTER_KEY)));
    dn_sb_return_ok(&out);
}
