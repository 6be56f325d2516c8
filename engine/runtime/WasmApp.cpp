#include "runtime/WasmApp.h"
#include <v8.h>

namespace dn {

WasmApp::WasmApp(AppInfo info, std::unique_ptr<v8::CompiledWasmModule> compiled, QSet<QByteArray> otherFunctions,
                 MemoryLimits memory)
    : info_(std::move(info)), otherFunctions_(std::move(otherFunctions)), compiled_(std::move(compiled)),
      memory_(memory) {
    for (int i = 0; i < info_.methods.size(); ++i) methods_.insert(info_.methods[i].toUtf8(), i);
}

WasmApp::~WasmApp() = default;

}  // namespace dn
