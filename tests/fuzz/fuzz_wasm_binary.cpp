// The WebAssembly reader a user or peer controls: every app module goes
// through ModuleShape::read, importMemory and addMethodDispatch before V8
// sees it. Nothing may crash or read past the input; a module the reader
// accepts must come out of each rewrite as a module the reader accepts again,
// with the same functions and exports (the rewrites only move the memory to
// an import and add one export).
#include "FuzzTarget.h"

#include "runtime/MemoryImport.h"
#include "runtime/MethodDispatch.h"
#include "runtime/ModuleShape.h"

#include <cstdlib>

using namespace dn;

namespace {

// The exported functions, as the runtime picks its methods.
std::vector<uint32_t> exportedFunctions(const ModuleShape &s) {
    std::vector<uint32_t> out;
    for (const auto &e : s.exports)
        if (e.kind == ModuleShape::ExternKind::Func && e.index < s.functionTypes.size()) out.push_back(e.index);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto shape = ModuleShape::read(bytes);
    if (!shape) return 0;
    if (auto imported = importMemory(bytes)) {
        auto again = ModuleShape::read(*imported);
        if (!again || again->functionTypes.size() != shape->functionTypes.size()) std::abort();
    }
    const auto methods = exportedFunctions(*shape);
    if (auto dispatched = addMethodDispatch(bytes, methods, uint32_t(shape->functionTypes.size()))) {
        auto again = ModuleShape::read(*dispatched);
        // One function more (the dispatcher) and its export.
        if (!again || again->functionTypes.size() != shape->functionTypes.size() + 1) std::abort();
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    using namespace std::string_literals;
    const std::string header = "\0asm\x01\0\0\0"s;
    // (module (memory 1) (func (export "m")) (export "memory" (memory 0)))
    const std::string own = header + "\x01\x04\x01\x60\x00\x00"s + "\x03\x02\x01\x00"s + "\x05\x03\x01\x00\x01"s +
                            "\x07\x0e\x02\x01m\x00\x00\x06memory\x02\x00"s + "\x0a\x04\x01\x02\x00\x0b"s;
    // The same with an imported memory and an imported function before it.
    const std::string imported = header + "\x01\x04\x01\x60\x00\x00"s +
                                 "\x02\x1a\x02\x03" "env\x06memory\x02\x00\x01"s + "\x03" "env\x04tick\x00\x00"s +
                                 "\x03\x02\x01\x00"s + "\x07\x05\x01\x01m\x00\x01"s + "\x0a\x04\x01\x02\x00\x0b"s;
    return {own, imported, header};
}
