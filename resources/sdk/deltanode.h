/*
 * deltanode.h — the C SDK for deltanode apps (header-only, no libc needed).
 *
 * An app is a WebAssembly module built with
 *   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry ... app.c
 * that exports `memory` and one `void name(void)` function per method.
 * The node calls a method with its JSON arguments available through
 * dn_input(); the method answers with dn_return_ok()/dn_return_err().
 * Every storage/counter write a method makes is buffered by the node and
 * committed as one delta only if the method returns without trapping.
 *
 * Conventions used throughout this SDK:
 *  - byte strings are passed as (pointer, length); DN_LIT("abc") expands to
 *    both for a string literal;
 *  - memory returned by the SDK comes from a bump allocator (dn_alloc) and
 *    lives until the call ends; apps need not free anything;
 *  - on wasm32 pointers are 32-bit but the host ABI speaks u64, which is why
 *    the raw imports take uint64_t and the wrappers cast for you.
 *
 * Only include this header from ONE translation unit per app: it defines the
 * allocator state and the memcpy/memset the compiler may call.
 */
#ifndef DELTANODE_H
#define DELTANODE_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* 1. The host ABI (module "env"). Layouts are fixed: little-endian, u64.    */
/* ------------------------------------------------------------------------ */

typedef struct { uint64_t ptr, len; } dn_buf;                 /* 16 bytes */
typedef struct { uint64_t tag; dn_buf value; } dn_value_return; /* 0 ok, 1 err */
typedef struct { dn_buf file; uint32_t line, column; } dn_location;
typedef struct { dn_buf kind; dn_buf data; } dn_event;

_Static_assert(sizeof(dn_buf) == 16, "dn_buf layout");
_Static_assert(sizeof(dn_value_return) == 24, "dn_value_return layout");
_Static_assert(sizeof(dn_location) == 24, "dn_location layout");
_Static_assert(sizeof(dn_event) == 32, "dn_event layout");

/* The raw imports carry a dn_sys_ prefix in C so that short host names like
 * `input` or `emit` do not collide with app code; the wasm import name is the
 * host name listed in deltanode.imports. */
#define DN_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

DN_IMPORT(register_len)  uint64_t dn_sys_register_len(uint64_t reg);
DN_IMPORT(read_register) uint32_t dn_sys_read_register(uint64_t reg, uint64_t buf_ptr);
DN_IMPORT(input)         void dn_sys_input(uint64_t reg);
DN_IMPORT(value_return)  void dn_sys_value_return(uint64_t value_return_ptr);
DN_IMPORT(log_utf8)      void dn_sys_log_utf8(uint64_t buf_ptr);
DN_IMPORT(panic_utf8)    void dn_sys_panic_utf8(uint64_t msg_buf_ptr, uint64_t loc_ptr);
DN_IMPORT(emit)          void dn_sys_emit(uint64_t event_ptr);
DN_IMPORT(emit_with_handler) void dn_sys_emit_with_handler(uint64_t event_ptr, uint64_t handler_buf_ptr);
DN_IMPORT(storage_read)  uint32_t dn_sys_storage_read(uint64_t key_buf, uint64_t reg);
DN_IMPORT(storage_write) uint32_t dn_sys_storage_write(uint64_t key_buf, uint64_t value_buf, uint64_t reg);
DN_IMPORT(storage_remove) uint32_t dn_sys_storage_remove(uint64_t key_buf, uint64_t reg);
DN_IMPORT(storage_scan)  uint64_t dn_sys_storage_scan(uint64_t prefix_buf, uint64_t reg);
DN_IMPORT(counter_add)   void dn_sys_counter_add(uint64_t key_buf, int64_t amount);
DN_IMPORT(counter_get)   uint32_t dn_sys_counter_get(uint64_t key_buf, uint64_t reg);
DN_IMPORT(context_id)    void dn_sys_context_id(uint64_t reg);
DN_IMPORT(executor_id)   void dn_sys_executor_id(uint64_t reg);
DN_IMPORT(time_now)      void dn_sys_time_now(uint64_t buf_ptr);


#define DN_LIT(s) (s), (sizeof(s) - 1)   /* string literal -> ptr, len */
#define DN_REG 0                          /* the scratch register the SDK uses */
#define DN_PTR(p) ((uint64_t)(uintptr_t)(p))

static inline dn_buf dn_buf_of(const void *p, size_t n) {
    dn_buf b = { DN_PTR(p), (uint64_t)n };
    return b;
}

/* ------------------------------------------------------------------------ */
/* 2. Memory: the few libc routines the compiler may emit calls to, and a    */
/*    bump allocator over __heap_base that grows memory on demand.          */
/* ------------------------------------------------------------------------ */

/* no_builtin stops clang from turning these very loops back into calls to
 * themselves; hidden keeps them out of the module's exports. */
#define DN_LIBC __attribute__((weak, visibility("hidden"), no_builtin))
DN_LIBC void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *o = (unsigned char *)d; const unsigned char *i = (const unsigned char *)s;
    while (n--) *o++ = *i++;
    return d;
}
DN_LIBC void *memmove(void *d, const void *s, size_t n) {
    unsigned char *o = (unsigned char *)d; const unsigned char *i = (const unsigned char *)s;
    if (o < i) { while (n--) *o++ = *i++; }
    else { while (n--) o[n] = i[n]; }
    return d;
}
DN_LIBC void *memset(void *d, int c, size_t n) {
    unsigned char *o = (unsigned char *)d;
    while (n--) *o++ = (unsigned char)c;
    return d;
}
DN_LIBC int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; n; --n, ++x, ++y) if (*x != *y) return *x - *y;
    return 0;
}
static inline size_t dn_strlen(const char *s) { size_t n = 0; while (s[n]) ++n; return n; }
static inline int dn_mem_eq(const void *a, size_t an, const void *b, size_t bn) {
    return an == bn && memcmp(a, b, an) == 0;
}

__attribute__((noreturn)) static inline void dn_panic_at(const char *msg, const char *file,
                                                        uint32_t line);
/* Aborts the call: nothing it wrote is committed; the caller sees `msg`. */
#define dn_panic(msg) dn_panic_at((msg), __FILE__, __LINE__)

extern unsigned char __heap_base;   /* provided by wasm-ld: end of static data */
static uintptr_t dn_heap_top_, dn_heap_last_;

/* Makes [0, end) addressable, growing linear memory (64 KiB pages). */
static inline void dn_heap_ensure_(uintptr_t end) {
    uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
    if (end <= have) return;
    size_t pages = (size_t)((end - have + 65535u) / 65536u);
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) dn_panic("out of memory");
}

/* Returns n bytes, 8-aligned, never NULL (panics when memory is exhausted). */
static inline void *dn_alloc(size_t n) {
    if (!dn_heap_top_) dn_heap_top_ = ((uintptr_t)&__heap_base + 7u) & ~(uintptr_t)7u;
    uintptr_t p = dn_heap_top_;
    if (n > UINTPTR_MAX - p - 8u) dn_panic("out of memory");
    dn_heap_ensure_(p + n);
    dn_heap_top_ = (p + n + 7u) & ~(uintptr_t)7u;
    dn_heap_last_ = p;
    return (void *)p;
}
/* Resizes a block; the most recent allocation grows in place (cheap appends). */
static inline void *dn_realloc(void *ptr, size_t old_n, size_t new_n) {
    if (ptr && (uintptr_t)ptr == dn_heap_last_) {
        uintptr_t p = (uintptr_t)ptr;
        if (new_n > UINTPTR_MAX - p - 8u) dn_panic("out of memory");
        dn_heap_ensure_(p + new_n);
        dn_heap_top_ = (p + new_n + 7u) & ~(uintptr_t)7u;
        return ptr;
    }
    void *q = dn_alloc(new_n);
    if (ptr) memcpy(q, ptr, old_n < new_n ? old_n : new_n);
    return q;
}
/* Gives memory back only if `ptr` is the most recent allocation (temporaries). */
static inline void dn_free(void *ptr) {
    if (ptr && (uintptr_t)ptr == dn_heap_last_) { dn_heap_top_ = dn_heap_last_; dn_heap_last_ = 0; }
}

/* Defines the exported method `name`:
 *   DN_METHOD(get) { ... }   ->  wasm export "get", signature () -> ()
 * The C symbols are prefixed, so a method may be called anything (even
 * `remove`). The wrapper starts the heap afresh: every call begins with an
 * empty heap whether or not the node reuses the instance. */
#define DN_METHOD(name)                                                            \
    static void dn_method_body_##name(void);                                       \
    __attribute__((export_name(#name), visibility("hidden"))) void dn_method_##name(void) { \
        dn_heap_top_ = dn_heap_last_ = 0;                                          \
        dn_method_body_##name();                                                   \
    }                                                                              \
    static void dn_method_body_##name(void)

/* ------------------------------------------------------------------------ */
/* 3. Registers, input and return values.                                   */
/* ------------------------------------------------------------------------ */

/* Copies register `reg` into fresh memory (NUL-terminated for convenience).
 * Returns NULL if the register is absent. */
static inline uint8_t *dn_register_read(uint64_t reg, size_t *len) {
    uint64_t n = dn_sys_register_len(reg);
    if (n == UINT64_MAX) { if (len) *len = 0; return NULL; }
    uint8_t *data = (uint8_t *)dn_alloc((size_t)n + 1);
    dn_buf b = dn_buf_of(data, (size_t)n);
    if (!dn_sys_read_register(reg, DN_PTR(&b))) dn_panic("register length changed while reading");
    data[n] = 0;
    if (len) *len = (size_t)n;
    return data;
}

/* The call's arguments: a JSON object (event data for event handlers). */
static inline const char *dn_input(size_t *len) {
    dn_sys_input(DN_REG);
    const char *in = (const char *)dn_register_read(DN_REG, len);
    return in ? in : "";
}

static inline void dn_value_return_(uint64_t tag, const void *p, size_t n) {
    dn_value_return r = { tag, dn_buf_of(p, n) };
    dn_sys_value_return(DN_PTR(&r));
}
/* Successful result: `json` is the JSON text of the return value. */
static inline void dn_return_ok(const char *json, size_t len) { dn_value_return_(0, json, len); }
/* Failed result (tag 1): the text becomes the call's error message and the
 * node discards everything the call wrote or emitted. */
static inline void dn_return_err(const char *msg) { dn_value_return_(1, msg, dn_strlen(msg)); }
static inline void dn_return_err_n(const char *msg, size_t len) { dn_value_return_(1, msg, len); }

/* ------------------------------------------------------------------------ */
/* 4. Logging, panics and events.                                           */
/* ------------------------------------------------------------------------ */

/* One log line (valid UTF-8, at most 16 KiB; at most 1024 lines per call). */
static inline void dn_log_n(const char *s, size_t n) { dn_buf b = dn_buf_of(s, n); dn_sys_log_utf8(DN_PTR(&b)); }
static inline void dn_log(const char *s) { dn_log_n(s, dn_strlen(s)); }

__attribute__((noreturn)) static inline void dn_panic_at(const char *msg, const char *file, uint32_t line) {
    dn_buf m = dn_buf_of(msg, dn_strlen(msg));
    dn_location loc = { dn_buf_of(file, dn_strlen(file)), line, 0 };
    dn_sys_panic_utf8(DN_PTR(&m), DN_PTR(&loc));
    __builtin_trap();   /* the host never returns from panic_utf8 */
}

/* Publishes an event (kind ≤ 100 bytes, data ≤ 16 KiB; ≤ 100 per call) to
 * clients subscribed to the context; it travels inside the delta. */
static inline void dn_emit(const char *kind, const void *data, size_t data_len) {
    dn_event e = { dn_buf_of(kind, dn_strlen(kind)), dn_buf_of(data, data_len) };
    dn_sys_emit(DN_PTR(&e));
}
/* Same, and every OTHER member runs method `handler` with input = data once
 * the delta applies there (never on the author). Handlers may run more than
 * once and in any order, so make them idempotent/commutative. */
static inline void dn_emit_with_handler(const char *kind, const void *data, size_t data_len,
                                        const char *handler) {
    dn_event e = { dn_buf_of(kind, dn_strlen(kind)), dn_buf_of(data, data_len) };
    dn_buf h = dn_buf_of(handler, dn_strlen(handler));
    dn_sys_emit_with_handler(DN_PTR(&e), DN_PTR(&h));
}

/* ------------------------------------------------------------------------ */
/* 5. Storage (last-writer-wins map), counters (PN-counters), scans.        */
/* ------------------------------------------------------------------------ */

/* Returns the value of `key` (NUL-terminated copy) or NULL if absent. */
static inline uint8_t *dn_storage_get(const void *key, size_t klen, size_t *vlen) {
    dn_buf k = dn_buf_of(key, klen);
    if (!dn_sys_storage_read(DN_PTR(&k), DN_REG)) { if (vlen) *vlen = 0; return NULL; }
    return dn_register_read(DN_REG, vlen);
}
/* Writes key = value; returns 1 if the key existed before. */
static inline int dn_storage_set(const void *key, size_t klen, const void *val, size_t vlen) {
    dn_buf k = dn_buf_of(key, klen), v = dn_buf_of(val, vlen);
    return (int)dn_sys_storage_write(DN_PTR(&k), DN_PTR(&v), DN_REG);
}
/* Deletes key; returns 1 if it existed. */
static inline int dn_storage_remove(const void *key, size_t klen) {
    dn_buf k = dn_buf_of(key, klen);
    return (int)dn_sys_storage_remove(DN_PTR(&k), DN_REG);
}

/* Counters merge by summing every member's increments, so concurrent
 * dn_counter_add calls on different members never lose an update. */
static inline void dn_counter_add(const void *key, size_t klen, int64_t amount) {
    dn_buf k = dn_buf_of(key, klen);
    dn_sys_counter_add(DN_PTR(&k), amount);
}
/* Current value (0 for a counter never touched). */
static inline int64_t dn_counter_get(const void *key, size_t klen) {
    dn_buf k = dn_buf_of(key, klen);
    if (!dn_sys_counter_get(DN_PTR(&k), DN_REG)) return 0;
    size_t n = 0;
    const uint8_t *b = dn_register_read(DN_REG, &n);
    if (!b || n != 8) dn_panic("counter_get: expected 8 bytes");
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
    return (int64_t)v;
}

/* Iterates the live entries whose key starts with a prefix, in key order:
 *   dn_scan_iter it; dn_scan_begin(&it, DN_LIT("kv/"));
 *   while (dn_scan_next(&it)) use(it.key, it.key_len, it.value, it.value_len);
 * Keys and values point into one buffer that stays valid for the call. */
typedef struct {
    const uint8_t *pos, *end;
    uint64_t count;                       /* number of entries found */
    const uint8_t *key, *value;           /* current entry */
    size_t key_len, value_len;
} dn_scan_iter;

static inline uint64_t dn_scan_begin(dn_scan_iter *it, const void *prefix, size_t plen) {
    dn_buf p = dn_buf_of(prefix, plen);
    size_t n = 0;
    it->count = dn_sys_storage_scan(DN_PTR(&p), DN_REG);
    it->pos = dn_register_read(DN_REG, &n);
    it->end = it->pos ? it->pos + n : NULL;
    it->key = it->value = NULL;
    it->key_len = it->value_len = 0;
    return it->count;
}
static inline size_t dn_scan_u32_(dn_scan_iter *it) {
    if (it->end - it->pos < 4) dn_panic("storage_scan: truncated result");
    size_t v = (size_t)it->pos[0] | (size_t)it->pos[1] << 8 | (size_t)it->pos[2] << 16 |
               (size_t)it->pos[3] << 24;
    it->pos += 4;
    if ((size_t)(it->end - it->pos) < v) dn_panic("storage_scan: truncated result");
    return v;
}
/* Advances to the next entry; returns 0 when there are no more. */
static inline int dn_scan_next(dn_scan_iter *it) {
    if (!it->pos || it->pos >= it->end) return 0;
    it->key_len = dn_scan_u32_(it);   it->key = it->pos;   it->pos += it->key_len;
    it->value_len = dn_scan_u32_(it); it->value = it->pos; it->pos += it->value_len;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* 6. Who, where, when.                                                     */
/* ------------------------------------------------------------------------ */

static inline void dn_id_(void (*fn)(uint64_t), uint8_t out[32], const char *what) {
    size_t n = 0;
    fn(DN_REG);
    const uint8_t *b = dn_register_read(DN_REG, &n);
    if (!b || n != 32) dn_panic(what);
    memcpy(out, b, 32);
}
/* The context this call runs in (32 bytes). */
static inline void dn_context_id(uint8_t out[32]) { dn_id_(dn_sys_context_id, out, "context_id: expected 32 bytes"); }
/* The identity executing the call (32 bytes). */
static inline void dn_executor_id(uint8_t out[32]) { dn_id_(dn_sys_executor_id, out, "executor_id: expected 32 bytes"); }

/* The transaction's hybrid-logical-clock time, NTP64 (upper 32 bits seconds
 * since 1900, lower 32 bits fraction). Stable within one call. */
static inline uint64_t dn_time_now(void) {
    uint8_t b[8];
    dn_buf d = dn_buf_of(b, 8);
    dn_sys_time_now(DN_PTR(&d));
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
    return v;
}

#include "deltanode_json.h"   /* JSON reading and writing for args/results */

#endif /* DELTANODE_H */
