#pragma once
// Builds scripts for tests/wasm/abi_all.wat (see the opcode list there) and
// parses what its OUT buffer returns.
#include <QByteArray>
#include <cstdint>
#include <initializer_list>

namespace abi {

enum Op : uint8_t {
    Poke = 0, RegisterLen, ReadRegister, Input, ValueReturn, LogUtf8, PanicUtf8, Emit, EmitWithHandler,
    StorageRead, StorageWrite, StorageRemove, StorageScan, CounterAdd, CounterGet, ContextId, ExecutorId,
    TimeNow, ReturnOut, RetMem, Trap, Spin, Grow, Fill, RetReg, AppendReg, AppendMem
};

inline QByteArray u64(uint64_t v) {
    QByteArray b(8, '\0');
    for (int i = 0; i < 8; ++i) b[i] = char(uint8_t(v >> (8 * i)));
    return b;
}
inline QByteArray u32(uint32_t v) { return u64(v).left(4); }

struct Script {
    QByteArray b;
    Script &op(Op code, std::initializer_list<uint64_t> args = {}) {
        b.append(char(code));
        for (uint64_t a : args) b.append(u64(a));
        return *this;
    }
    Script &poke(uint64_t addr, const QByteArray &bytes) {
        op(Poke, {addr, uint64_t(bytes.size())});
        b.append(bytes);
        return *this;
    }
    // A {ptr, len} descriptor at `at`.
    Script &desc(uint64_t at, uint64_t ptr, uint64_t len) { return poke(at, u64(ptr) + u64(len)); }
    // `bytes` at `dataAt` plus a descriptor for them at `at`.
    Script &buf(uint64_t at, uint64_t dataAt, const QByteArray &bytes) {
        poke(dataAt, bytes);
        return desc(at, dataAt, uint64_t(bytes.size()));
    }
};

// Sequential reader of the OUT buffer (op ReturnOut).
struct Out {
    QByteArray b;
    int pos = 0;
    bool ok = true;
    uint64_t u64() {
        if (pos + 8 > b.size()) { ok = false; return 0; }
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(b[pos + i]);
        pos += 8;
        return v;
    }
    QByteArray bytes(int n) {
        if (pos + n > b.size()) { ok = false; return {}; }
        QByteArray r = b.mid(pos, n);
        pos += n;
        return r;
    }
    // What AppendReg wrote: the register's bytes, or "<absent>".
    QByteArray reg() {
        const uint64_t n = u64();
        return n == UINT64_MAX ? QByteArray("<absent>") : bytes(int(n));
    }
    bool atEnd() const { return ok && pos == b.size(); }
};

}  // namespace abi
