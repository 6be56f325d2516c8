#pragma once
// Small helpers shared by the engine-level tests.
#include <QByteArray>
#include <QFile>
#include <QString>

namespace dn::test {

inline QByteArray readWasm(const QString &name) {
    QFile f(QStringLiteral(DN_WASM_DIR "/") + name + QStringLiteral(".wasm"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

}  // namespace dn::test
