#pragma once
// Shared helpers of the node tests: a config in a temporary data dir and the
// sample apps' modules.
#include "node/NodeConfig.h"
#include <QFile>
#include <QString>
#include <QtTest>

namespace dn::test {

inline NodeConfig nodeConfig(const QString &dataDir) {
    NodeConfig c;
    c.dataDir = dataDir;
    c.api.port = 0;         // any free port
    c.runtime.workers = 1;  // tests run on 2 cores next to other tests
    return c;
}

inline QByteArray wasm(const char *name) {
    QFile f(QStringLiteral(DN_WASM_DIR "/%1.wasm").arg(QLatin1String(name)));
    if (!f.open(QIODevice::ReadOnly)) qFatal("missing test module %s", name);
    return f.readAll();
}

// The value of one sample line ("name{labels} value") of Prometheus text, or -1.
inline double sampleValue(const QByteArray &text, const QByteArray &series) {
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return -1;
}

}  // namespace dn::test
