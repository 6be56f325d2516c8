// The sample apps built with the C SDK: (1) each module has exactly the shape
// the node accepts — `memory` and the app's methods exported as () -> (),
// imports only from module "env", only names in deltanode.imports, each with
// its ABI signature; (2) the apps behave as documented when driven through a
// stand-in host (mock_host.mjs, run with node when available), which also
// exercises the SDK's JSON reader/writer, registers, scans and allocator.
#include "WasmSections.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QtTest>

using dn::test::parseWasm;
using dn::test::WasmModuleInfo;

namespace {

// The host ABI (ARCHITECTURE §7 + storage_scan): every pointer/length is u64.
const QMap<QString, QString> kAbi = {
    {"register_len", "(i64)->(i64)"},      {"read_register", "(i64,i64)->(i32)"},
    {"input", "(i64)->()"},                {"value_return", "(i64)->()"},
    {"log_utf8", "(i64)->()"},             {"panic_utf8", "(i64,i64)->()"},
    {"emit", "(i64)->()"},                 {"emit_with_handler", "(i64,i64)->()"},
    {"storage_read", "(i64,i64)->(i32)"},  {"storage_write", "(i64,i64,i64)->(i32)"},
    {"storage_remove", "(i64,i64)->(i32)"}, {"storage_scan", "(i64,i64)->(i64)"},
    {"counter_add", "(i64,i64)->()"},      {"counter_get", "(i64,i64)->(i32)"},
    {"context_id", "(i64)->()"},           {"executor_id", "(i64)->()"},
    {"time_now", "(i64)->()"},
};

QByteArray readFile(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
QString wasmPath(const QString &app) { return QStringLiteral(DN_WASM_DIR "/") + app + ".wasm"; }

QJsonObject call(const QString &method, const QJsonValue &args = QJsonObject()) {
    return {{"method", method}, {"args", args}};
}
QJsonObject rawCall(const QString &method, const QString &raw) {
    return {{"method", method}, {"raw", raw}};
}
QJsonObject withIdentity(QJsonObject c, const QByteArray &executorHex, quint64 time) {
    c["executor"] = QString::fromLatin1(executorHex);
    c["time"] = QString::number(time);
    return c;
}
QJsonValue json(const QString &text) {   // parses a JSON value (scalars too)
    return QJsonDocument::fromJson(("[" + text + "]").toUtf8()).array().at(0);
}

}  // namespace

// Checks one outcome of mock_host.mjs: no trap, tag 0, and the value.
#define VERIFY_OK(out, expected)                                                          \
    do {                                                                                  \
        const QJsonObject o_ = (out).toObject();                                          \
        QVERIFY2(o_["trap"].isNull(), qPrintable(o_["trap"].toString()));                 \
        QCOMPARE(o_["tag"].toInt(-1), 0);                                                 \
        QCOMPARE(json(o_["ret"].toString()), QJsonValue(expected));                       \
    } while (0)
// ... or: the app answered with an error whose message contains `needle`.
#define VERIFY_APP_ERROR(out, needle)                                                     \
    do {                                                                                  \
        const QJsonObject o_ = (out).toObject();                                          \
        QVERIFY2(o_["trap"].isNull(), qPrintable(o_["trap"].toString()));                 \
        QCOMPARE(o_["tag"].toInt(-1), 1);                                                 \
        QVERIFY2(o_["ret"].toString().contains(needle), qPrintable(o_["ret"].toString())); \
        QVERIFY(o_["events"].toArray().isEmpty());                                        \
    } while (0)

class TestSampleApps : public QObject {
    Q_OBJECT
    QString m_node;
    QJsonArray run(const QString &app, const QJsonArray &calls);
private slots:
    void initTestCase();
    void importsFileMatchesAbi();
    void moduleShape_data();
    void moduleShape();
    void objdumpAgrees_data() { moduleShape_data(); }
    void objdumpAgrees();
    void kvStoreBehaviour();
    void kvStoreJsonEscapesAndErrors();
    void kvStoreLargeValueGrowsMemory();
    void counterBehaviour();
    void chatBehaviour();
    void chatHandler();
};

void TestSampleApps::initTestCase() {
    m_node = QStandardPaths::findExecutable("node");
    if (m_node.isEmpty()) m_node = QStandardPaths::findExecutable("nodejs");
}

// Runs calls in order against one in-memory state; one outcome per call.
QJsonArray TestSampleApps::run(const QString &app, const QJsonArray &calls) {
    QProcess p;
    p.start(m_node, {QStringLiteral(DN_SOURCE_DIR "/tests/unit/sdk/mock_host.mjs"), wasmPath(app)});
    if (!p.waitForStarted(10000)) return {};
    p.write(QJsonDocument(calls).toJson(QJsonDocument::Compact));
    p.closeWriteChannel();
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning() << "mock host failed:" << p.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).array();
}

void TestSampleApps::importsFileMatchesAbi() {
    const QByteArray text = readFile(QStringLiteral(DN_SOURCE_DIR "/resources/sdk/deltanode.imports"));
    QVERIFY(!text.isEmpty());
    QSet<QString> names;
    for (const QByteArray &line : text.split('\n'))
        if (!line.trimmed().isEmpty()) names.insert(QString::fromUtf8(line.trimmed()));
    const auto keys = kAbi.keys();
    QCOMPARE(names, QSet<QString>(keys.begin(), keys.end()));
}

void TestSampleApps::moduleShape_data() {
    QTest::addColumn<QString>("app");
    QTest::addColumn<QStringList>("methods");
    QTest::addColumn<QStringList>("mustImport");   // proves the app uses the intended ABI
    QTest::newRow("kv_store") << "kv_store" << QStringList{"set", "get", "remove", "entries", "len"}
                              << QStringList{"storage_write", "storage_read", "storage_remove",
                                             "storage_scan", "emit", "input", "value_return"};
    QTest::newRow("counter") << "counter" << QStringList{"init", "increment", "decrement", "get"}
                             << QStringList{"counter_add", "counter_get", "log_utf8"};
    QTest::newRow("chat") << "chat" << QStringList{"post", "messages", "on_message", "delivered"}
                          << QStringList{"time_now", "executor_id", "emit_with_handler",
                                         "storage_scan", "counter_add", "log_utf8"};
}

void TestSampleApps::moduleShape() {
    QFETCH(QString, app);
    QFETCH(QStringList, methods);
    QFETCH(QStringList, mustImport);
    const QByteArray bytes = readFile(wasmPath(app));
    QVERIFY2(!bytes.isEmpty(), qPrintable(wasmPath(app)));
    QVERIFY2(bytes.size() < 64 * 1024, "sample apps should stay small");
    const WasmModuleInfo m = parseWasm(bytes);
    QVERIFY2(m.error.isEmpty(), qPrintable(m.error));

    QSet<QString> imported;
    for (const auto &i : m.imports) {
        const QString what = i.module + "." + i.name;
        QVERIFY2(i.module == "env", qPrintable("import outside env: " + what));
        QVERIFY2(i.kind == 0, qPrintable("non-function import: " + what));
        QVERIFY2(kAbi.contains(i.name), qPrintable("unknown host function: " + what));
        QVERIFY2(i.typeIndex < uint32_t(m.types.size()), qPrintable(what));
        QCOMPARE(m.types[i.typeIndex].text(), kAbi.value(i.name));
        QVERIFY2(!imported.contains(i.name), qPrintable("imported twice: " + what));
        imported.insert(i.name);
    }
    for (const QString &name : mustImport)
        QVERIFY2(imported.contains(name), qPrintable(app + " does not import " + name));

    QCOMPARE(m.memories, 1);   // defined, not imported
    QVERIFY(m.memoryHasMax && m.memoryMax <= 1024);   // ≤ 64 MiB, the node's limit
    QStringList exported;
    for (const auto &e : m.exports) {
        exported << e.name;
        if (e.name == "memory") { QCOMPARE(e.kind, uint8_t(2)); continue; }
        QVERIFY2(methods.contains(e.name), qPrintable("unexpected export: " + e.name));
        QCOMPARE(e.kind, uint8_t(0));
        const auto *t = m.functionType(e.index);
        QVERIFY(t);
        QCOMPARE(t->text(), QString("()->()"));
    }
    exported.sort();
    QStringList expected = methods + QStringList{"memory"};
    expected.sort();
    QCOMPARE(exported, expected);
}

// wabt's view of the module must agree with the parser above.
void TestSampleApps::objdumpAgrees() {
    QFETCH(QString, app);
    const QString tool = QStandardPaths::findExecutable("wasm-objdump");
    if (tool.isEmpty()) QSKIP("wasm-objdump not installed");
    QProcess p;
    p.start(tool, {"-x", wasmPath(app)});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QSet<QString> toolImports, toolExports, ours, ourExports;
    static const QRegularExpression imp("<- ([^ ]+)$"), exp("-> \"([^\"]+)\"$");
    for (const QString &line : QString::fromUtf8(p.readAllStandardOutput()).split('\n')) {
        if (auto mi = imp.match(line.trimmed()); mi.hasMatch()) toolImports << mi.captured(1);
        if (auto me = exp.match(line.trimmed()); me.hasMatch()) toolExports << me.captured(1);
    }
    const WasmModuleInfo m = parseWasm(readFile(wasmPath(app)));
    for (const auto &i : m.imports) ours << i.module + "." + i.name;
    for (const auto &e : m.exports) ourExports << e.name;
    QVERIFY(!ours.isEmpty());
    QCOMPARE(toolImports, ours);
    QCOMPARE(toolExports, ourExports);
}

void TestSampleApps::kvStoreBehaviour() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    const QJsonArray out = run("kv_store", {
        call("set", QJsonObject{{"key", "a"}, {"value", "1"}}),            // 0
        call("set", QJsonObject{{"key", "b"}, {"value", "2"}}),            // 1
        call("get", QJsonObject{{"key", "a"}}),                            // 2
        call("get", QJsonObject{{"key", "missing"}}),                      // 3
        call("set", QJsonObject{{"key", "a"}, {"value", "one"}}),          // 4 overwrite
        call("entries"),                                                   // 5
        call("len"),                                                       // 6
        call("remove", QJsonObject{{"key", "b"}}),                         // 7
        call("remove", QJsonObject{{"key", "b"}}),                         // 8
        call("get", QJsonObject{{"key", "b"}}),                            // 9
        rawCall("len", ""),                                                // 10 no args at all
    });
    QCOMPARE(out.size(), 11);
    VERIFY_OK(out[0], QJsonValue());
    const QJsonArray ev = out[0]["events"].toArray();
    QCOMPARE(ev.size(), 1);
    QCOMPARE(ev[0]["kind"].toString(), QString("Inserted"));
    QCOMPARE(json(ev[0]["data"].toString()), QJsonValue(QJsonObject{{"key", "a"}, {"value", "1"}}));
    VERIFY_OK(out[2], "1");
    VERIFY_OK(out[3], QJsonValue());
    VERIFY_OK(out[5], (QJsonObject{{"a", "one"}, {"b", "2"}}));
    VERIFY_OK(out[6], 2);
    VERIFY_OK(out[7], true);
    const QJsonArray removed = out[7]["events"].toArray();
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed[0]["kind"].toString(), QString("Removed"));
    QCOMPARE(json(removed[0]["data"].toString()), QJsonValue(QJsonObject{{"key", "b"}}));
    VERIFY_OK(out[8], false);
    QVERIFY(out[8]["events"].toArray().isEmpty());
    VERIFY_OK(out[9], QJsonValue());
    VERIFY_OK(out[10], 1);
}

void TestSampleApps::kvStoreJsonEscapesAndErrors() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    const QString tricky = QString::fromUtf8("q\"uo\\te é 😀\n\t\x01 end");
    const QJsonArray out = run("kv_store", {
        call("set", QJsonObject{{"key", tricky}, {"value", tricky}}),
        call("get", QJsonObject{{"key", tricky}}),
        // \u escapes (incl. a surrogate pair), other fields of any type, spacing
        rawCall("set", R"( { "n": [1, {"x": null}], "k\u0065y" : "\u00e9\ud83d\ude00",
                            "value": "v\/2", "f": -1.5e3 } )"),
        call("get", QJsonObject{{"key", QString::fromUtf8("é😀")}}),
        call("entries"),
        rawCall("get", "not json"),
        rawCall("get", R"({"key":"a"} trailing)"),
        rawCall("get", R"({"key":"unterminated})"),
        call("get", QJsonObject{{"key", 5}}),
        call("set", QJsonObject{{"key", "k"}}),
        call("remove", QJsonObject()),
        call("len", QJsonArray{1}),
    });
    QCOMPARE(out.size(), 12);
    VERIFY_OK(out[0], QJsonValue());
    QCOMPARE(json(out[0]["events"][0]["data"].toString())["key"].toString(), tricky);
    VERIFY_OK(out[1], tricky);
    VERIFY_OK(out[2], QJsonValue());
    VERIFY_OK(out[3], "v/2");
    VERIFY_OK(out[4], (QJsonObject{{tricky, tricky}, {QString::fromUtf8("é😀"), "v/2"}}));
    for (int i : {5, 6, 7, 11}) VERIFY_APP_ERROR(out[i], "expected a JSON object");
    VERIFY_APP_ERROR(out[8], "\"key\" must be a string");
    VERIFY_APP_ERROR(out[9], "missing argument \"value\"");
    VERIFY_APP_ERROR(out[10], "missing argument \"key\"");
}

void TestSampleApps::kvStoreLargeValueGrowsMemory() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    QString big;   // 3 MiB, far past the initial 128 KiB of linear memory
    for (int i = 0; i < 3 * 1024 * 1024 / 8; ++i) big += QString::asprintf("%07d\n", i);
    const QJsonArray out = run("kv_store", {
        call("set", QJsonObject{{"key", "big"}, {"value", big}}),
        call("get", QJsonObject{{"key", "big"}}),
    });
    QCOMPARE(out.size(), 2);
    VERIFY_OK(out[0], QJsonValue());
    VERIFY_OK(out[1], big);
}

void TestSampleApps::counterBehaviour() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    const QJsonArray out = run("counter", {
        call("init"), call("get"), call("increment"),
        call("increment", QJsonObject{{"by", 5}}), call("decrement", QJsonObject{{"by", 2}}),
        call("decrement"),
        call("increment", QJsonObject{{"by", -1}}), call("increment", QJsonObject{{"by", 1.5}}),
        call("increment", QJsonObject{{"by", "2"}}), rawCall("increment", "["),
        call("get"),
    });
    QCOMPARE(out.size(), 11);
    QVERIFY(out[0]["trap"].isNull());
    QVERIFY(!out[0]["logs"].toArray().isEmpty());
    VERIFY_OK(out[1], 0);
    VERIFY_OK(out[2], 1);
    VERIFY_OK(out[3], 6);
    VERIFY_OK(out[4], 4);
    VERIFY_OK(out[5], 3);
    VERIFY_APP_ERROR(out[6], "must not be negative");
    VERIFY_APP_ERROR(out[7], "must be an integer");
    VERIFY_APP_ERROR(out[8], "must be an integer");
    VERIFY_APP_ERROR(out[9], "expected a JSON object");
    VERIFY_OK(out[10], 3);   // failed calls changed nothing
}

void TestSampleApps::chatBehaviour() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    const QByteArray alice = QByteArray(32, '\xa1').toHex(), bob = "0b0c0d0e" + QByteArray(28, 0).toHex();
    const quint64 later = 0x6700001280000000ull, earlier = 0x6700001240000000ull;
    const auto millis = [](quint64 t) { return qint64((t >> 32) * 1000 + (((t & 0xffffffffu) * 1000) >> 32)); };
    const QJsonArray out = run("chat", {
        withIdentity(call("post", QJsonObject{{"author", "alice"}, {"text", "second"}}), alice, later),
        withIdentity(call("post", QJsonObject{{"author", "bob"}, {"text", "first"}}), bob, earlier),
        call("messages"),
        call("messages", QJsonObject{{"limit", 1}}),
        call("messages", QJsonObject{{"limit", 0}}),
        call("messages", QJsonObject{{"limit", -1}}),
        call("post", QJsonObject{{"author", "x"}}),
    });
    QCOMPARE(out.size(), 7);
    VERIFY_OK(out[0], "msg/6700001280000000/a1a1a1a1");
    VERIFY_OK(out[1], "msg/6700001240000000/0b0c0d0e");
    const QJsonObject second{{"author", "alice"}, {"text", "second"}, {"time", millis(later)}};
    const QJsonObject first{{"author", "bob"}, {"text", "first"}, {"time", millis(earlier)}};
    const QJsonArray ev = out[0]["events"].toArray();
    QCOMPARE(ev.size(), 1);
    QCOMPARE(ev[0]["kind"].toString(), QString("MessagePosted"));
    QCOMPARE(ev[0]["handler"].toString(), QString("on_message"));
    QCOMPARE(json(ev[0]["data"].toString()), QJsonValue(second));
    VERIFY_OK(out[2], (QJsonArray{first, second}));   // time order, not post order
    VERIFY_OK(out[3], (QJsonArray{second}));          // the newest
    VERIFY_OK(out[4], QJsonArray());
    VERIFY_APP_ERROR(out[5], "must not be negative");
    VERIFY_APP_ERROR(out[6], "missing argument \"text\"");
}

void TestSampleApps::chatHandler() {
    if (m_node.isEmpty()) QSKIP("node not installed: behaviour checks need the mock host");
    QString longText;   // multi-byte characters across the log cut-off
    while (longText.size() < 3000) longText += QString::fromUtf8("ü€");
    const QJsonObject msg{{"author", "a"}, {"text", "hello"}, {"time", 1}};
    const QJsonArray out = run("chat", {
        call("delivered"),
        rawCall("on_message", QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact))),
        call("on_message", QJsonObject{{"author", "a"}, {"text", longText}, {"time", 2}}),
        rawCall("on_message", "garbage"),
        call("delivered"),
    });
    QCOMPARE(out.size(), 5);
    VERIFY_OK(out[0], 0);
    QVERIFY(out[1]["trap"].isNull());
    QCOMPARE(out[1]["logs"].toArray(), QJsonArray{"delivered: hello"});
    QVERIFY2(out[2]["trap"].isNull(), qPrintable(out[2]["trap"].toString()));   // valid UTF-8
    const QString line = out[2]["logs"][0].toString();
    QVERIFY(line.startsWith("delivered: ") && line.toUtf8().size() <= 1024 + 11);
    QVERIFY(longText.startsWith(line.mid(11)));
    VERIFY_APP_ERROR(out[3], "expected a JSON object");
    VERIFY_OK(out[4], 2);
}

QTEST_GUILESS_MAIN(TestSampleApps)
#include "tst_sample_apps.moc"
