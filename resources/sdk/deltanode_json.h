/*
 * deltanode_json.h — just enough JSON for app arguments and results.
 * Included by deltanode.h (which supplies dn_alloc & co); include that one.
 *
 * Reading: method arguments arrive as one flat JSON object, e.g.
 *   {"key":"a","value":"b"}
 * dn_json_get_str / dn_json_get_int look a field up by name and validate the
 * whole text on the way (so "not JSON" is always detected). Values of other
 * fields may be anything (nested objects, arrays, numbers...), they are
 * skipped. Empty input counts as {} so argument-less calls need not send one.
 *
 * Writing: dn_sb is a growable string; dn_sb_json_str appends a quoted,
 * escaped JSON string.
 */
#ifndef DELTANODE_JSON_H
#define DELTANODE_JSON_H

/* ---- string builder ------------------------------------------------------ */

typedef struct { char *data; size_t len, cap; } dn_sb;   /* data NUL-terminated */

static inline void dn_sb_init(dn_sb *sb) { sb->data = NULL; sb->len = sb->cap = 0; }
static inline void dn_sb_reserve(dn_sb *sb, size_t extra) {
    if (sb->data && sb->len + extra < sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap <= sb->len + extra) cap *= 2;
    sb->data = (char *)dn_realloc(sb->data, sb->cap, cap);
    sb->cap = cap;
    sb->data[sb->len] = 0;
}
static inline void dn_sb_append(dn_sb *sb, const void *p, size_t n) {
    dn_sb_reserve(sb, n);
    memcpy(sb->data + sb->len, p, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}
static inline void dn_sb_putc(dn_sb *sb, char c) { dn_sb_append(sb, &c, 1); }
static inline void dn_sb_puts(dn_sb *sb, const char *s) { dn_sb_append(sb, s, dn_strlen(s)); }

static inline void dn_sb_uint(dn_sb *sb, uint64_t v) {
    char tmp[20];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) dn_sb_putc(sb, tmp[--n]);
}
static inline void dn_sb_int(dn_sb *sb, int64_t v) {
    if (v < 0) { dn_sb_putc(sb, '-'); dn_sb_uint(sb, (uint64_t)0 - (uint64_t)v); }
    else dn_sb_uint(sb, (uint64_t)v);
}
/* Lowercase hex of the low `digits` nibbles of v, zero-padded. */
static inline void dn_sb_hex(dn_sb *sb, uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) dn_sb_putc(sb, "0123456789abcdef"[(v >> (4 * i)) & 15]);
}
/* Appends bytes s[0..n) as a JSON string literal, quotes included. */
static inline void dn_sb_json_str(dn_sb *sb, const void *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    dn_sb_putc(sb, '"');
    for (size_t i = 0; i < n; ++i) {
        unsigned char c = p[i];
        switch (c) {
        case '"':  dn_sb_puts(sb, "\\\""); break;
        case '\\': dn_sb_puts(sb, "\\\\"); break;
        case '\n': dn_sb_puts(sb, "\\n"); break;
        case '\r': dn_sb_puts(sb, "\\r"); break;
        case '\t': dn_sb_puts(sb, "\\t"); break;
        default:
            if (c < 0x20) { dn_sb_puts(sb, "\\u00"); dn_sb_hex(sb, c, 2); }
            else dn_sb_putc(sb, (char)c);   /* UTF-8 passes through */
        }
    }
    dn_sb_putc(sb, '"');
}
/* Returns the built JSON as the call's successful result. */
static inline void dn_sb_return_ok(const dn_sb *sb) { dn_return_ok(sb->data ? sb->data : "", sb->len); }

/* ---- reader -------------------------------------------------------------- */

enum { DN_JSON_OK = 1, DN_JSON_ABSENT = 0, DN_JSON_INVALID = -1, DN_JSON_WRONG_TYPE = -2 };

typedef struct { const char *p, *end; } dn_json_cur_;

static inline void dn_json_ws_(dn_json_cur_ *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) ++c->p;
}
static inline int dn_json_hex4_(const char *p, const char *end, uint32_t *out) {
    if (end - p < 4) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 1;
}
static inline void dn_sb_utf8_(dn_sb *sb, uint32_t cp) {
    char b[4];
    if (cp < 0x80) { b[0] = (char)cp; dn_sb_append(sb, b, 1); }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 63)); dn_sb_append(sb, b, 2); }
    else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | (cp >> 6 & 63)); b[2] = (char)(0x80 | (cp & 63));
        dn_sb_append(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | (cp >> 12 & 63));
        b[2] = (char)(0x80 | (cp >> 6 & 63)); b[3] = (char)(0x80 | (cp & 63));
        dn_sb_append(sb, b, 4);
    }
}
/* Parses a string literal at c->p; decoded UTF-8 goes to `out` if given.
 * Lone surrogates decode to U+FFFD so the output is always valid UTF-8. */
static inline int dn_json_string_(dn_json_cur_ *c, dn_sb *out) {
    if (c->p >= c->end || *c->p != '"') return 0;
    ++c->p;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"') return 1;
        if (ch < 0x20) return 0;
        if (ch != '\\') { if (out) dn_sb_putc(out, (char)ch); continue; }
        if (c->p >= c->end) return 0;
        uint32_t cp;
        switch (*c->p++) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u': {
            if (!dn_json_hex4_(c->p, c->end, &cp)) return 0;
            c->p += 4;
            uint32_t lo;
            if (cp >= 0xD800 && cp < 0xDC00 && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' &&
                dn_json_hex4_(c->p + 2, c->end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                c->p += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            break;
        }
        default: return 0;
        }
        if (out) dn_sb_utf8_(out, cp);
    }
    return 0;
}
static inline int dn_json_digits_(dn_json_cur_ *c) {
    const char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') ++c->p;
    return c->p > start;
}
static inline int dn_json_number_(dn_json_cur_ *c) {
    if (c->p < c->end && *c->p == '-') ++c->p;
    if (c->p < c->end && *c->p == '0') ++c->p;
    else if (!dn_json_digits_(c)) return 0;
    if (c->p < c->end && *c->p == '.') { ++c->p; if (!dn_json_digits_(c)) return 0; }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        ++c->p;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) ++c->p;
        if (!dn_json_digits_(c)) return 0;
    }
    return 1;
}
static inline int dn_json_word_(dn_json_cur_ *c, const char *w) {
    size_t n = dn_strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return 0;
    c->p += n;
    return 1;
}
/* Skips (and validates) one value of any type. */
static inline int dn_json_value_(dn_json_cur_ *c, int depth) {
    dn_json_ws_(c);
    if (c->p >= c->end || depth > 64) return 0;
    char ch = *c->p;
    if (ch == '"') return dn_json_string_(c, NULL);
    if (ch == 't') return dn_json_word_(c, "true");
    if (ch == 'f') return dn_json_word_(c, "false");
    if (ch == 'n') return dn_json_word_(c, "null");
    if (ch == '-' || (ch >= '0' && ch <= '9')) return dn_json_number_(c);
    if (ch != '{' && ch != '[') return 0;
    char close = ch == '{' ? '}' : ']';
    ++c->p;
    dn_json_ws_(c);
    if (c->p < c->end && *c->p == close) { ++c->p; return 1; }
    for (;;) {
        if (ch == '{') {
            dn_json_ws_(c);
            if (!dn_json_string_(c, NULL)) return 0;
            dn_json_ws_(c);
            if (c->p >= c->end || *c->p++ != ':') return 0;
        }
        if (!dn_json_value_(c, depth + 1)) return 0;
        dn_json_ws_(c);
        if (c->p >= c->end) return 0;
        char sep = *c->p++;
        if (sep == close) return 1;
        if (sep != ',') return 0;
    }
}

/* Finds `field` in the JSON object json[0..len). On DN_JSON_OK, [*val,
 * *val_end) is the field's raw value text. Returns DN_JSON_ABSENT if the
 * object has no such field, DN_JSON_INVALID if the text is not one object.
 * If a field repeats, the first occurrence wins. */
static inline int dn_json_find(const char *json, size_t len, const char *field,
                               const char **val, const char **val_end) {
    dn_json_cur_ c = { json, json + len };
    size_t flen = dn_strlen(field);
    int found = 0;
    dn_json_ws_(&c);
    if (c.p == c.end) return DN_JSON_ABSENT;            /* empty input == {} */
    if (*c.p++ != '{') return DN_JSON_INVALID;
    dn_json_ws_(&c);
    if (c.p < c.end && *c.p == '}') ++c.p;
    else for (;;) {
        dn_sb key;
        dn_sb_init(&key);
        dn_sb_reserve(&key, 16);
        dn_json_ws_(&c);
        if (!dn_json_string_(&c, &key)) return DN_JSON_INVALID;
        int match = !found && dn_mem_eq(key.data, key.len, field, flen);
        dn_free(key.data);                              /* key was the last allocation */
        dn_json_ws_(&c);
        if (c.p >= c.end || *c.p++ != ':') return DN_JSON_INVALID;
        dn_json_ws_(&c);
        const char *start = c.p;
        if (!dn_json_value_(&c, 1)) return DN_JSON_INVALID;
        if (match) { found = 1; *val = start; *val_end = c.p; }
        dn_json_ws_(&c);
        if (c.p >= c.end) return DN_JSON_INVALID;
        char sep = *c.p++;
        if (sep == '}') break;
        if (sep != ',') return DN_JSON_INVALID;
    }
    dn_json_ws_(&c);
    if (c.p != c.end) return DN_JSON_INVALID;           /* trailing garbage */
    return found ? DN_JSON_OK : DN_JSON_ABSENT;
}

/* String field, decoded (escapes resolved) into fresh NUL-terminated memory.
 * A JSON null counts as absent. */
static inline int dn_json_get_str(const char *json, size_t len, const char *field,
                                  const char **out, size_t *out_len) {
    const char *v = NULL, *ve = NULL;
    int r = dn_json_find(json, len, field, &v, &ve);
    if (r != DN_JSON_OK) return r;
    if (*v == 'n') return DN_JSON_ABSENT;
    if (*v != '"') return DN_JSON_WRONG_TYPE;
    dn_sb s;
    dn_sb_init(&s);
    dn_sb_reserve(&s, (size_t)(ve - v));
    dn_json_cur_ c = { v, ve };
    dn_json_string_(&c, &s);                            /* already validated */
    *out = s.data;
    *out_len = s.len;
    return DN_JSON_OK;
}

/* Integer field (no fraction/exponent, fits int64). A JSON null counts as absent. */
static inline int dn_json_get_int(const char *json, size_t len, const char *field, int64_t *out) {
    const char *v = NULL, *ve = NULL;
    int r = dn_json_find(json, len, field, &v, &ve);
    if (r != DN_JSON_OK) return r;
    if (*v == 'n') return DN_JSON_ABSENT;
    int neg = *v == '-';
    const char *p = v + neg;
    if (p == ve) return DN_JSON_WRONG_TYPE;
    uint64_t mag = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < ve; ++p) {
        if (*p < '0' || *p > '9') return DN_JSON_WRONG_TYPE;
        uint64_t d = (uint64_t)(*p - '0');
        if (mag > (limit - d) / 10) return DN_JSON_WRONG_TYPE;
        mag = mag * 10 + d;
    }
    *out = neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
    return DN_JSON_OK;
}

/* ---- argument helpers: reply with a readable error on failure ------------ */

static inline void dn_arg_error_(int r, const char *field, const char *type) {
    dn_sb m;
    dn_sb_init(&m);
    if (r == DN_JSON_INVALID) {
        dn_sb_puts(&m, "invalid arguments: expected a JSON object");
    } else {
        dn_sb_puts(&m, r == DN_JSON_ABSENT ? "missing argument \"" : "argument \"");
        dn_sb_puts(&m, field);
        dn_sb_puts(&m, r == DN_JSON_ABSENT ? "\" (" : "\" must be ");
        dn_sb_puts(&m, type);
        if (r == DN_JSON_ABSENT) dn_sb_putc(&m, ')');
    }
    dn_return_err_n(m.data, m.len);
}
/* Required string argument. Returns 1, or 0 after replying with an error. */
static inline int dn_arg_str(const char *json, size_t len, const char *field,
                             const char **out, size_t *out_len) {
    int r = dn_json_get_str(json, len, field, out, out_len);
    if (r == DN_JSON_OK) return 1;
    dn_arg_error_(r, field, "a string");
    return 0;
}
/* Optional integer argument (`def` when absent). Returns 1, or 0 after
 * replying with an error. */
static inline int dn_arg_int(const char *json, size_t len, const char *field, int64_t def,
                             int64_t *out) {
    int r = dn_json_get_int(json, len, field, out);
    if (r == DN_JSON_OK) return 1;
    if (r == DN_JSON_ABSENT) { *out = def; return 1; }
    dn_arg_error_(r, field, "an integer");
    return 0;
}
/* For methods without arguments: rejects input that is not a JSON object. */
static inline int dn_arg_none(const char *json, size_t len) {
    const char *v, *ve;
    if (dn_json_find(json, len, "", &v, &ve) != DN_JSON_INVALID) return 1;
    dn_arg_error_(DN_JSON_INVALID, "", "");
    return 0;
}

#endif /* DELTANODE_JSON_H */
