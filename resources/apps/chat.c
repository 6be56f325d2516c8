/*
 * chat — a message log shared by the members of a context.
 *
 * Methods (arguments and results are JSON):
 *   post      {"author": s, "text": s} -> the message's storage key (string)
 *   messages  {"limit"?: n >= 0}       -> [{"author","text","time"}, ...]
 *                                          oldest first; with a limit, the
 *                                          newest `limit` messages
 *   on_message (event handler)         counts and logs a received message
 *   delivered {}                       -> messages this member has received
 *
 * A message is stored under "msg/<16 hex digits of the HLC time>/<first 8
 * hex digits of the author's executor id>", so key order is time order and
 * two members posting at the same instant do not overwrite each other.
 * "time" in a message is milliseconds since the Unix epoch.
 */
#include "deltanode.h"

#define MSG_PREFIX "msg/"
#define DELIVERED_KEY "delivered"
#define LOG_TEXT_MAX 1024

DN_METHOD(post) {
    size_t n;
    const char *in = dn_input(&n);
    const char *author, *text;
    size_t alen, tlen;
    if (!dn_arg_str(in, n, "author", &author, &alen) || !dn_arg_str(in, n, "text", &text, &tlen))
        return;

    uint64_t now = dn_time_now();
    uint8_t me[32];
    dn_executor_id(me);
    dn_sb key;
    dn_sb_init(&key);
    dn_sb_puts(&key, MSG_PREFIX);
    dn_sb_hex(&key, now, 16);
    dn_sb_putc(&key, '/');
    dn_sb_hex(&key, (uint64_t)me[0] << 24 | (uint64_t)me[1] << 16 | (uint64_t)me[2] << 8 | me[3], 8);

    /* HLC time: high 32 bits Unix seconds, low 32 bits binary fraction. */
    uint64_t millis = (now >> 32) * 1000u + (((now & 0xFFFFFFFFu) * 1000u) >> 32);
    dn_sb msg;
    dn_sb_init(&msg);
    dn_sb_puts(&msg, "{\"author\":");
    dn_sb_json_str(&msg, author, alen);
    dn_sb_puts(&msg, ",\"text\":");
    dn_sb_json_str(&msg, text, tlen);
    dn_sb_puts(&msg, ",\"time\":");
    dn_sb_uint(&msg, millis);
    dn_sb_putc(&msg, '}');

    dn_storage_set(key.data, key.len, msg.data, msg.len);
    dn_emit_with_handler("MessagePosted", msg.data, msg.len, "on_message");

    dn_sb out;
    dn_sb_init(&out);
    dn_sb_json_str(&out, key.data, key.len);
    dn_sb_return_ok(&out);
}

DN_METHOD(messages) {
    size_t n;
    const char *in = dn_input(&n);
    int64_t limit;
    if (!dn_arg_int(in, n, "limit", INT64_MAX, &limit)) return;
    if (limit < 0) {
        dn_return_err("argument \"limit\" must not be negative");
        return;
    }
    dn_scan_iter it;
    uint64_t count = dn_scan_begin(&it, DN_LIT(MSG_PREFIX));
    uint64_t skip = count > (uint64_t)limit ? count - (uint64_t)limit : 0;

    dn_sb out;
    dn_sb_init(&out);
    dn_sb_putc(&out, '[');
    int first = 1;
    for (uint64_t i = 0; dn_scan_next(&it); ++i) {
        if (i < skip) continue;
        if (!first) dn_sb_putc(&out, ',');
        first = 0;
        dn_sb_append(&out, it.value, it.value_len);   /* stored as JSON already */
    }
    dn_sb_putc(&out, ']');
    dn_sb_return_ok(&out);
}

/* Runs on every member that receives a MessagePosted event (not on the
 * author); input is the message JSON. Delivery is at-least-once, so the
 * count is "deliveries seen", which may exceed messages after a replay. */
DN_METHOD(on_message) {
    size_t n;
    const char *in = dn_input(&n);
    const char *text;
    size_t tlen;
    if (!dn_arg_str(in, n, "text", &text, &tlen)) return;
    dn_counter_add(DN_LIT(DELIVERED_KEY), 1);
    /* Log lines are capped by the node; cut long texts on a UTF-8 boundary. */
    if (tlen > LOG_TEXT_MAX) {
        tlen = LOG_TEXT_MAX;
        while (tlen > 0 && ((unsigned char)text[tlen] & 0xC0) == 0x80) --tlen;
    }
    dn_sb line;
    dn_sb_init(&line);
    dn_sb_puts(&line, "delivered: ");
    dn_sb_append(&line, text, tlen);
    dn_log_n(line.data, line.len);
}

DN_METHOD(delivered) {
    size_t n;
    const char *in = dn_input(&n);
    if (!dn_arg_none(in, n)) return;
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_int(&out, dn_counter_get(DN_LIT(DELIVERED_KEY)));
    dn_sb_return_ok(&out);
}
