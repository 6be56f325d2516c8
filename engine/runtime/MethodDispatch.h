#pragma once
// Rewrites a module so that its methods are reached through one generated
// export, `dn.call(i32 k)`, which calls method k, instead of through the
// module's own exports.
//
// Why: every call instantiates the module afresh, and V8 builds a JS function
// object (with its shared info and map) for every exported function of every
// instance, then freezes the exports object. With one export instead of all
// of an app's methods (and its `memory`), instantiation costs markedly less;
// this was the largest single part of a kv_store `set` call.
//
// Invisible to the app: its functions, tables, globals, start function and
// memory are untouched; the dispatcher is appended after every existing
// function and type, so no index changes. Exports are not observable from
// inside a module.
#include "util/Result.h"
#include <QByteArray>
#include <cstdint>
#include <vector>

namespace dn {

inline constexpr const char *kDispatchExport = "dn.call";

// `methodFunctions[k]` is the function index method k calls; `functionCount`
// is the size of the function index space (imported + defined). Error code
// compilation_error on a malformed module.
Result<QByteArray> addMethodDispatch(const QByteArray &bytes, const std::vector<uint32_t> &methodFunctions,
                                     uint32_t functionCount);

}  // namespace dn
