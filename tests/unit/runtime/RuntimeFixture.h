#pragma once
// Shared helpers of the runtime tests: loading the built test modules and
// running abi_all scripts through a pool.
#include "AbiScript.h"
#include "FakeStorage.h"
#include "crypto/Sha256.h"
#include "runtime/ExecutorPool.h"
#include <QFile>
#include <QtTest>

inline QByteArray loadWasm(const char *name) {
    QFile f(QStringLiteral(DN_WASM_DIR "/%1.wasm").arg(QLatin1String(name)));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline dn::Hash32 filledHash(uint8_t b) {
    dn::Hash32 h;
    h.bytes.fill(b);
    return h;
}

inline dn::CallInput makeInput(const QByteArray &method, const QByteArray &input, dn::StorageView *storage = nullptr) {
    dn::CallInput in;
    in.method = method;
    in.input = input;
    in.contextId = filledHash(0xC1);
    in.executorId = filledHash(0xE7);
    in.time = 0x0123456789ABCDEFull;
    in.storage = storage;
    return in;
}

inline QString describe(const dn::CallOutcome &out) {
    if (!out.error) return QStringLiteral("ok");
    return QStringLiteral("%1: %2").arg(QLatin1String(dn::callErrorKindName(out.error->kind)), out.error->message);
}

// Compiles a test module, failing the current test if it does not compile.
#define COMPILE_OR_FAIL(var, pool, name)                                          \
    const QByteArray var##_bytes = loadWasm(name);                                \
    QVERIFY2(!var##_bytes.isEmpty(), name " is not built");                       \
    auto var##_r = (pool).compile(var##_bytes);                                   \
    QVERIFY2(var##_r.ok(), qPrintable(var##_r.ok() ? QString() : var##_r.error().message)); \
    std::shared_ptr<const dn::WasmApp> var = *var##_r

#define EXPECT_ERROR(out, kindValue)                                                              \
    do {                                                                                          \
        QVERIFY2((out).error.has_value(), "expected an error, the call succeeded");               \
        QCOMPARE(dn::callErrorKindName((out).error->kind), dn::callErrorKindName(kindValue));     \
    } while (0)
