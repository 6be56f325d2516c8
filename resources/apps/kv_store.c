/*
 * kv_store — a replicated string -> string map.
 *
 * Methods (arguments and results are JSON):
 *   set     {"key": s, "value": s}  -> null    emits Inserted {"key","value"}
 *   get     {"key": s}              -> s | null
 *   remove  {"key": s}              -> bool    (whether it existed; emits
 *                                               Removed {"key"} if it did)
 *   entries {}                      -> {key: value, ...} in key order
 *   len     {}                      -> number of entries
 * Entries live under storage keys "kv/<key>" so that one prefix scan finds
 * them all; concurrent sets of one key resolve last-writer-wins.
 */
#include "deltanode.h"

#define KV_PREFIX "kv/"

/* The storage key for a user key. */
static dn_sb kv_key(const char *key, size_t klen) {
    dn_sb k;
    dn_sb_init(&k);
    dn_sb_puts(&k, KV_PREFIX);
    dn_sb_append(&k, key, klen);
    return k;
}

/* Event payload {"key": .., "value": ..}; value omitted when NULL. */
static dn_sb kv_event(const char *key, size_t klen, const char *value, size_t vlen) {
    dn_sb e;
    dn_sb_init(&e);
    dn_sb_puts(&e, "{\"key\":");
    dn_sb_json_str(&e, key, klen);
    if (value) {
        dn_sb_puts(&e, ",\"value\":");
        dn_sb_json_str(&e, value, vlen);
    }
    dn_sb_putc(&e, '}');
    return e;
}

DN_METHOD(set) {
    size_t n;
    const char *in = dn_input(&n);
    const char *key, *value;
    size_t klen, vlen;
    if (!dn_arg_str(in, n, "key", &key, &klen) || !dn_arg_str(in, n, "value", &value, &vlen))
        return;
    dn_sb k = kv_key(key, klen);
    dn_storage_set(k.data, k.len, value, vlen);
    dn_sb e = kv_event(key, klen, value, vlen);
    dn_emit("Inserted", e.data, e.len);
    dn_return_ok(DN_LIT("null"));
}

DN_METHOD(get) {
    size_t n;
    const char *in = dn_input(&n);
    const char *key;
    size_t klen;
    if (!dn_arg_str(in, n, "key", &key, &klen)) return;
    dn_sb k = kv_key(key, klen);
    size_t vlen;
    const uint8_t *value = dn_storage_get(k.data, k.len, &vlen);
    if (!value) {
        dn_return_ok(DN_LIT("null"));
        return;
    }
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_json_str(&out, value, vlen);
    dn_sb_return_ok(&out);
}

DN_METHOD(remove) {
    size_t n;
    const char *in = dn_input(&n);
    const char *key;
    size_t klen;
    if (!dn_arg_str(in, n, "key", &key, &klen)) return;
    dn_sb k = kv_key(key, klen);
    int existed = dn_storage_remove(k.data, k.len);
    if (!existed) {   /* removing nothing is not an event */
        dn_return_ok(DN_LIT("false"));
        return;
    }
    dn_sb e = kv_event(key, klen, NULL, 0);
    dn_emit("Removed", e.data, e.len);
    dn_return_ok(DN_LIT("true"));
}

DN_METHOD(entries) {
    size_t n;
    const char *in = dn_input(&n);
    if (!dn_arg_none(in, n)) return;
    dn_scan_iter it;
    dn_scan_begin(&it, DN_LIT(KV_PREFIX));
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_putc(&out, '{');
    int first = 1;
    while (dn_scan_next(&it)) {
        if (!first) dn_sb_putc(&out, ',');
        first = 0;
        size_t skip = sizeof(KV_PREFIX) - 1;   /* the host only returns prefixed keys */
        dn_sb_json_str(&out, it.key + skip, it.key_len - skip);
        dn_sb_putc(&out, ':');
        dn_sb_json_str(&out, it.value, it.value_len);
    }
    dn_sb_putc(&out, '}');
    dn_sb_return_ok(&out);
}

DN_METHOD(len) {
    size_t n;
    const char *in = dn_input(&n);
    if (!dn_arg_none(in, n)) return;
    dn_scan_iter it;
    dn_sb out;
    dn_sb_init(&out);
    dn_sb_uint(&out, dn_scan_begin(&it, DN_LIT(KV_PREFIX)));
    dn_sb_return_ok(&out);
}
