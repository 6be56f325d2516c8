#include "runtime/HostAbi.h"
#include "runtime/CallError.h"
#include <QStringList>
#include <cstring>

namespace dn {
namespace {

const HostFnSpec kHostFunctions[] = {
    {HostFn::RegisterLen, "register_len", 1, 'I'},
    {HostFn::ReadRegister, "read_register", 2, 'i'},
    {HostFn::Input, "input", 1, 'v'},
    {HostFn::ValueReturn, "value_return", 1, 'v'},
    {HostFn::LogUtf8, "log_utf8", 1, 'v'},
    {HostFn::PanicUtf8, "panic_utf8", 2, 'v'},
    {HostFn::Emit, "emit", 1, 'v'},
    {HostFn::EmitWithHandler, "emit_with_handler", 2, 'v'},
    {HostFn::StorageRead, "storage_read", 2, 'i'},
    {HostFn::StorageWrite, "storage_write", 3, 'i'},
    {HostFn::StorageRemove, "storage_remove", 2, 'i'},
    {HostFn::StorageScan, "storage_scan", 2, 'I'},
    {HostFn::CounterAdd, "counter_add", 2, 'v'},
    {HostFn::CounterGet, "counter_get", 2, 'i'},
    {HostFn::ContextId, "context_id", 1, 'v'},
    {HostFn::ExecutorId, "executor_id", 1, 'v'},
    {HostFn::TimeNow, "time_now", 1, 'v'},
};
static_assert(sizeof kHostFunctions / sizeof kHostFunctions[0] == size_t(HostFn::Count_));

QString typeName(char t) {
    switch (uint8_t(t)) {
    case 0x7F: return QStringLiteral("i32");
    case 0x7E: return QStringLiteral("i64");
    case 0x7D: return QStringLiteral("f32");
    case 0x7C: return QStringLiteral("f64");
    case 0x7B: return QStringLiteral("v128");
    default: return QStringLiteral("ref");
    }
}

QString signature(const QByteArray &params, const QByteArray &results) {
    QStringList p, r;
    for (char c : params) p << typeName(c);
    for (char c : results) r << typeName(c);
    return QStringLiteral("(%1) -> (%2)").arg(p.join(QStringLiteral(", ")), r.join(QStringLiteral(", ")));
}

QByteArray expectedResults(const HostFnSpec &s) {
    if (s.result == 'i') return QByteArray(1, char(0x7F));
    if (s.result == 'I') return QByteArray(1, char(0x7E));
    return {};
}

Result<void> linkError(const QString &message) {
    return Result<void>::failure(errorCodeOf(CallErrorKind::Link), message);
}

}  // namespace

const HostFnSpec *hostFunctions() { return kHostFunctions; }

Result<void> checkImports(const ModuleShape &module) {
    for (const auto &im : module.imports) {
        const QString qualified = QString::fromUtf8(im.module + '.' + im.name);
        if (im.kind != ModuleShape::ExternKind::Func)
            return linkError(QStringLiteral("unsupported import %1: only env host functions may be imported")
                                 .arg(qualified));
        const HostFnSpec *spec = nullptr;
        if (im.module == "env")
            for (const auto &s : kHostFunctions)
                if (im.name == s.name) spec = &s;
        if (!spec) return linkError(QStringLiteral("unknown import %1").arg(qualified));
        if (im.typeIndex >= module.types.size())
            return linkError(QStringLiteral("import %1 has an invalid type index").arg(qualified));
        const auto &t = module.types[im.typeIndex];
        const QByteArray params(spec->params, char(0x7E));
        const QByteArray results = expectedResults(*spec);
        if (t.params != params || t.results != results)
            return linkError(QStringLiteral("import %1 has signature %2, expected %3")
                                 .arg(qualified, signature(t.params, t.results), signature(params, results)));
    }
    return {};
}

}  // namespace dn
