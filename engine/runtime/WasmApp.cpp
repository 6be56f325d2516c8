#include "runtime/WasmApp.h"
#include <v8.h>

namespace dn {

WasmApp::WasmApp(AppInfo info, std::unique_ptr<v8::CompiledWasmModule> compiled, QSet<QByteArray> otherFunctions)
    : info_(std::move(info)), otherFunctions_(std::move(otherFunctions)), compiled_(std::move(compiled)) {
    for (const QString &m : info_.methods) methods_.insert(m.toUtf8());
}

WasmApp::~WasmApp() = default;

}  // namespace dn
