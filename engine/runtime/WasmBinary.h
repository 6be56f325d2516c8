#pragma once
// The one reader (and the few writers) of the WebAssembly binary format that
// the runtime needs before V8 sees a module: the section list, LEB128
// numbers, names and vectors, and the import, export and memory entries.
// ModuleShape reads a module's shape with it; MemoryImport and MethodDispatch
// rewrite sections with it.
//
// Modules come from peers and users, so the input is hostile: every read is
// bounds-checked, a failed read sets the reader's error and makes every later
// read fail too (returning zeros, never touching memory past the end), LEB128
// numbers longer or larger than their type fail instead of wrapping, and a
// vector count larger than the bytes left to hold its items fails before
// anything is allocated for it.
//
// Unsigned LEB128 is the same encoding as the multiformats varint of
// net/Varint.h, but the two are deliberately not shared: the binary format
// accepts non-minimal encodings (0x80 0x00 is a valid 0) that the varint rules
// forbid, bounds each number by its type (5 bytes and 32 bits for u32, unused
// bits of the last byte zero) rather than at 9 bytes, needs signed forms too,
// and the runtime does not link the network library for ten lines of code.
#include "util/Result.h"
#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>
#include <optional>
#include <vector>

namespace dn {

enum class WasmSectionId : uint8_t {
    Custom = 0, Type = 1, Import = 2, Function = 3, Table = 4, Memory = 5, Global = 6,
    Export = 7, Start = 8, Element = 9, Code = 10, Data = 11, DataCount = 12, Tag = 13,
};

// Position of a known section id in the order the binary format requires
// (the tag section sits between memory and global, data count before code);
// -1 for custom sections, which may appear anywhere, and unknown ids.
int wasmSectionRank(uint8_t id);

// A bounds-checked cursor over bytes the caller keeps alive. Reads past the
// end, over-long numbers and impossible counts fail the reader; check ok()
// (or error()) after a group of reads.
class WasmReader {
public:
    explicit WasmReader(QByteArrayView bytes) : data_(bytes) {}

    bool ok() const { return error_ == nullptr; }
    const char *error() const { return error_ ? error_ : ""; }
    bool atEnd() const { return pos_ >= data_.size(); }
    qsizetype offset() const { return pos_; }
    qsizetype remaining() const { return data_.size() - pos_; }
    // Marks the reader failed (the first reason is kept) and moves it to the end.
    void fail(const char *why);

    uint8_t byte();
    uint32_t u32();  // unsigned LEB128, at most 5 bytes
    int32_t i32();   // signed LEB128, at most 5 bytes
    void s33();      // signed 33-bit LEB128 (a heap type), skipped
    // A vector's item count; fails when `count * minItemBytes` exceeds the
    // bytes left, so a loop over the items is bounded by the input size.
    uint32_t count(qsizetype minItemBytes = 1);
    QByteArrayView bytes(qsizetype n);  // a view into the input; empty on failure
    QByteArrayView name();              // a length-prefixed byte string
    void skip(qsizetype n);

private:
    QByteArrayView data_;
    qsizetype pos_ = 0;
    const char *error_ = nullptr;
};

enum class WasmExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };

struct WasmLimits {
    uint32_t min = 0;
    std::optional<uint32_t> max;
    bool shared = false;
};

struct WasmImport {
    QByteArray module, name;
    WasmExternKind kind = WasmExternKind::Func;
    uint32_t typeIndex = 0;  // Func only
    WasmLimits limits;       // Table and Memory only
};

struct WasmExport {
    QByteArray name;
    WasmExternKind kind = WasmExternKind::Func;
    uint32_t index = 0;
};

// One entry each; on malformed input the reader fails and the value is partial.
uint8_t readWasmValType(WasmReader &r);  // reference types with an immediate collapse to 0
WasmLimits readWasmLimits(WasmReader &r, bool memory);
WasmImport readWasmImport(WasmReader &r);
WasmExport readWasmExport(WasmReader &r);

struct WasmSection {
    uint8_t id = 0;
    qsizetype start = 0;    // offset of the section header (its id byte)
    qsizetype payload = 0;  // offset of the payload
    qsizetype end = 0;      // one past the payload
};

// A module's header and section list. Keeps a (shared, not copied) reference
// to the bytes, so readers and views it hands out stay valid while it lives.
class WasmBinary {
public:
    // Checks the magic number and version, and that the sections tile the
    // rest exactly, have known ids and come in the required order with none
    // repeated. Error code compilation_error.
    static Result<WasmBinary> parse(const QByteArray &bytes);

    const QByteArray &bytes() const { return bytes_; }
    const std::vector<WasmSection> &sections() const { return sections_; }
    const WasmSection *find(WasmSectionId id) const;  // nullptr when absent
    WasmReader reader(const WasmSection &s) const;    // over the payload
    QByteArrayView payload(const WasmSection &s) const;
    QByteArrayView whole(const WasmSection &s) const;  // header and payload

private:
    QByteArray bytes_;
    std::vector<WasmSection> sections_;
};

// Writers for the rewrites.
void appendWasmU32(QByteArray &out, uint32_t v);
void appendWasmI32(QByteArray &out, int32_t v);
void appendWasmName(QByteArray &out, QByteArrayView name);
QByteArray wasmSection(WasmSectionId id, const QByteArray &payload);

}  // namespace dn
