#pragma once
// A bounds-checked view of an instance's linear memory for the duration of
// one host call. Taken afresh on every host call because memory.grow may move
// the buffer. Every access is checked against the size first; arithmetic is
// done so that ptr + len cannot overflow.
#include <cstdint>
#include <cstring>

namespace dn {

struct GuestMemory {
    uint8_t *base = nullptr;
    uint64_t size = 0;

    bool contains(uint64_t ptr, uint64_t len) const { return ptr <= size && len <= size - ptr; }
    const char *at(uint64_t ptr) const { return reinterpret_cast<const char *>(base + ptr); }
    char *mutableAt(uint64_t ptr) const { return reinterpret_cast<char *>(base + ptr); }

    static uint64_t u64le(const char *p) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
        return v;
    }
    static uint32_t u32le(const char *p) {
        uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
        return v;
    }
    static void putU64le(char *p, uint64_t v) {
        for (int i = 0; i < 8; ++i) p[i] = char(uint8_t(v >> (8 * i)));
    }
};

// A {ptr, len} buffer descriptor as read from guest memory (not yet bounds-checked).
struct GuestBuf {
    uint64_t ptr = 0;
    uint64_t len = 0;
};

}  // namespace dn
