// Issue 3, acceptance 1: a running daemon driven only through deltactl and raw
// HTTP — install kv_store, create contexts, call set/get, list, delete,
// restart on the same data dir and find state and contexts again; --json
// output carries the documented fields; failures give the documented exit
// codes. The slots form one scenario and run in declaration order.
#include "DaemonHarness.h"

#include "crypto/Hash32.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn::test;

namespace {

QJsonObject findById(const QJsonArray &list, const char *field, const QString &id) {
    for (const QJsonValue &v : list)
        if (v.toObject().value(QLatin1String(field)).toString() == id) return v.toObject();
    return {};
}

QString unknownId() { return dn::Hash32::fromBytes(QByteArray(32, '\x11'))->toBase58(); }

}  // namespace

class DaemonCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString appId_, ctxId_, doomedId_, rootBefore_;

    CtlResult run(const QStringList &args) { return ctl(*node_, args); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFile::exists(deltanodeBinary()), qPrintable(deltanodeBinary()));
        QVERIFY2(QFile::exists(deltactlBinary()), qPrintable(deltactlBinary()));
        node_ = std::make_unique<Daemon>(dir_.filePath(QStringLiteral("node")));
        QString error;
        QVERIFY2(node_->start(&error), qPrintable(error));
        QVERIFY(!node_->token().isEmpty());
    }

    void installsApp() {
        const CtlResult r = run({QStringLiteral("--json"), QStringLiteral("app"), QStringLiteral("install"), wasmPath("kv_store"),
                                 QStringLiteral("--name"), QStringLiteral("kv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject app = r.json().value(QLatin1String("application")).toObject();
        appId_ = app.value(QLatin1String("applicationId")).toString();
        QVERIFY2(!appId_.isEmpty(), qPrintable(r.describe()));
        QCOMPARE(app.value(QLatin1String("name")).toString(), QStringLiteral("kv"));
        QCOMPARE(qint64(app.value(QLatin1String("size")).toDouble()), QFileInfo(wasmPath("kv_store")).size());
        const QJsonArray methods = app.value(QLatin1String("methods")).toArray();
        QVERIFY(methods.contains(QStringLiteral("set")) && methods.contains(QStringLiteral("get")));
        QVERIFY(app.contains(QLatin1String("hasInit")) && app.contains(QLatin1String("installedAt")));

        const CtlResult list = run({QStringLiteral("--json"), QStringLiteral("app"), QStringLiteral("list")});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(!findById(list.json().value(QLatin1String("applications")).toArray(), "applicationId", appId_).isEmpty());
        const CtlResult table = run({QStringLiteral("app"), QStringLiteral("list")});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(appId_.toUtf8()) && table.out.contains("APPLICATION ID"), table.out.constData());
    }

    void createsContexts() {
        const CtlResult r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("create"), appId_,
                                 QStringLiteral("--name"), QStringLiteral("main")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject c = r.json().value(QLatin1String("context")).toObject();
        ctxId_ = c.value(QLatin1String("contextId")).toString();
        QVERIFY(!ctxId_.isEmpty());
        QCOMPARE(c.value(QLatin1String("applicationId")).toString(), appId_);
        QCOMPARE(c.value(QLatin1String("name")).toString(), QStringLiteral("main"));
        for (const char *field : {"heads", "rootHash", "appliedCount", "pendingCount", "createdAt", "isOwner"})
            QVERIFY2(c.contains(QLatin1String(field)), field);
        QVERIFY(c.value(QLatin1String("heads")).isArray());

        const CtlResult d = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("create"), appId_,
                                 QStringLiteral("--name"), QStringLiteral("doomed")});
        QVERIFY2(d.exitCode == 0, qPrintable(d.describe()));
        doomedId_ = d.json().value(QLatin1String("context")).toObject().value(QLatin1String("contextId")).toString();
        QVERIFY(!doomedId_.isEmpty() && doomedId_ != ctxId_);
    }

    void callsSetAndGet() {
        CtlResult r = run({QStringLiteral("call"), ctxId_, QStringLiteral("set"), QStringLiteral(R"({"key":"a","value":"b"})")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out.trimmed(), QByteArray("null"));
        r = run({QStringLiteral("call"), ctxId_, QStringLiteral("get"), QStringLiteral(R"({"key":"a"})")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out.trimmed(), QByteArray("\"b\""));

        // --json prints the whole result, with the app's event.
        r = run({QStringLiteral("--json"), QStringLiteral("call"), ctxId_, QStringLiteral("set"), QStringLiteral(R"({"key":"c","value":"d"})")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject result = r.json();
        QVERIFY(result.value(QLatin1String("output")).isNull());
        QVERIFY(!result.value(QLatin1String("deltaId")).toString().isEmpty());
        QVERIFY(!result.value(QLatin1String("rootHash")).toString().isEmpty());
        QVERIFY(result.value(QLatin1String("logs")).isArray());
        const QJsonObject ev = result.value(QLatin1String("events")).toArray().first().toObject();
        QCOMPARE(ev.value(QLatin1String("kind")).toString(), QStringLiteral("Inserted"));
        QCOMPARE(ev.value(QLatin1String("data")).toObject().value(QLatin1String("key")).toString(), QStringLiteral("c"));

        // The same node through raw JSON-RPC, read back through deltactl.
        const HttpAnswer h = http_.execute(*node_, ctxId_, QStringLiteral("set"),
                                           QJsonObject{{QStringLiteral("key"), QStringLiteral("h")}, {QStringLiteral("value"), QStringLiteral("http")}});
        QVERIFY2(h.status == 200 && h.json().contains(QLatin1String("result")), qPrintable(h.describe()));
        r = run({QStringLiteral("call"), ctxId_, QStringLiteral("get"), QStringLiteral(R"({"key":"h"})")});
        QCOMPARE(r.out.trimmed(), QByteArray("\"http\""));
        r = run({QStringLiteral("--json"), QStringLiteral("call"), ctxId_, QStringLiteral("entries")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject all{{QStringLiteral("a"), QStringLiteral("b")}, {QStringLiteral("c"), QStringLiteral("d")},
                              {QStringLiteral("h"), QStringLiteral("http")}};
        QCOMPARE(r.json().value(QLatin1String("output")).toObject(), all);
    }

    void listsAndInspects() {
        CtlResult r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject c = findById(r.json().value(QLatin1String("contexts")).toArray(), "contextId", ctxId_);
        QVERIFY2(!c.isEmpty(), r.out.constData());
        QVERIFY(c.value(QLatin1String("appliedCount")).toInt() >= 3);
        rootBefore_ = c.value(QLatin1String("rootHash")).toString();

        r = run({QStringLiteral("context"), QStringLiteral("list")});
        QVERIFY(r.out.contains(ctxId_.toUtf8()) && r.out.contains("main") && r.out.contains("CONTEXT ID"));

        r = run({QStringLiteral("--json"), QStringLiteral("dag"), ctxId_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.json().value(QLatin1String("contextId")).toString(), ctxId_);
        QCOMPARE(r.json().value(QLatin1String("rootHash")).toString(), rootBefore_);
        QVERIFY(!r.json().value(QLatin1String("heads")).toArray().isEmpty());
        QVERIFY(r.json().value(QLatin1String("missingParents")).isArray());
        r = run({QStringLiteral("dag"), ctxId_});
        QVERIFY(r.out.contains("heads:") && r.out.contains(rootBefore_.toUtf8()));

        r = run({QStringLiteral("--json"), QStringLiteral("state"), ctxId_, QStringLiteral("--prefix"), QStringLiteral("kv/")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject a = findById(r.json().value(QLatin1String("entries")).toArray(), "key", QStringLiteral("kv/a"));
        QCOMPARE(a.value(QLatin1String("value")).toString(), QStringLiteral("b"));
        r = run({QStringLiteral("state"), ctxId_});
        QVERIFY(r.out.contains("kv/h") && r.out.contains("http"));

        r = run({QStringLiteral("--json"), QStringLiteral("status")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject st = r.json();
        QVERIFY(!st.value(QLatin1String("peerId")).toString().isEmpty());
        QVERIFY(st.value(QLatin1String("addresses")).isArray());
        QVERIFY(st.value(QLatin1String("apiUrl")).toString().startsWith(node_->apiUrl()));
        QVERIFY(!st.value(QLatin1String("version")).toString().isEmpty());
        QVERIFY(st.contains(QLatin1String("uptimeSeconds")) && st.contains(QLatin1String("peers")));
        QCOMPARE(st.value(QLatin1String("contexts")).toInt(), 2);
        QCOMPARE(st.value(QLatin1String("applications")).toInt(), 1);
        r = run({QStringLiteral("status")});
        QVERIFY(r.out.contains("peer id:") && r.out.contains(st.value(QLatin1String("peerId")).toString().toUtf8()));

        r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("invite"), ctxId_, QStringLiteral("--expires"), QStringLiteral("3600")});
        QVERIFY2(r.exitCode == 0 && r.json().value(QLatin1String("invitation")).toString().startsWith(QLatin1String("dn1")), qPrintable(r.describe()));
        r = run({QStringLiteral("context"), QStringLiteral("invite"), ctxId_});
        QVERIFY2(r.exitCode == 0 && r.out.startsWith("dn1"), qPrintable(r.describe()));
        // Members and invitations (ARCHITECTURE §15).
        r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("invite"), ctxId_, QStringLiteral("--uses"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0 && r.json().value(QLatin1String("uses")).toInt() == 3, qPrintable(r.describe()));
        const QString inviteId = r.json().value(QLatin1String("inviteId")).toString();
        QCOMPARE(inviteId.size(), 32);
        r = run({QStringLiteral("context"), QStringLiteral("invite"), ctxId_, QStringLiteral("--uses"), QStringLiteral("0")});
        QVERIFY2(r.exitCode != 0 && r.err.contains("--uses"), qPrintable(r.describe()));
        r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("members"), ctxId_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonArray members = r.json().value(QLatin1String("members")).toArray();
        QCOMPARE(members.size(), 1);
        QCOMPARE(members[0].toObject().value(QLatin1String("role")).toString(), QStringLiteral("admin"));
        QVERIFY(members[0].toObject().value(QLatin1String("self")).toBool());
        r = run({QStringLiteral("context"), QStringLiteral("members"), ctxId_});
        QVERIFY2(r.exitCode == 0 && r.out.contains("admin") && r.out.contains("ROLE"), qPrintable(r.describe()));
        r = run({QStringLiteral("context"), QStringLiteral("revoke-invite"), ctxId_, inviteId});
        QVERIFY2(r.exitCode == 0 && r.out.contains("revoked"), qPrintable(r.describe()));
        r = run({QStringLiteral("context"), QStringLiteral("invites"), ctxId_});
        QVERIFY2(r.exitCode == 0 && r.out.contains(inviteId.toUtf8()) && r.out.contains("revoked"), qPrintable(r.describe()));
        // The last admin cannot remove itself; a malformed peer id never reaches the node.
        r = run({QStringLiteral("context"), QStringLiteral("remove-member"), ctxId_, members[0].toObject().value(QLatin1String("peerId")).toString()});
        QVERIFY2(r.exitCode != 0 && r.err.contains("last_admin"), qPrintable(r.describe()));
        r = run({QStringLiteral("context"), QStringLiteral("set-role"), ctxId_, QStringLiteral("nope"), QStringLiteral("admin")});
        QVERIFY2(r.exitCode != 0 && r.err.contains("peer id"), qPrintable(r.describe()));
        r = run({QStringLiteral("--json"), QStringLiteral("peers")});
        QVERIFY2(r.exitCode == 0 && r.json().value(QLatin1String("peers")).isArray(), qPrintable(r.describe()));
        r = run({QStringLiteral("--json"), QStringLiteral("cache")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const char *field : {"entries", "bytes", "hits", "misses", "evictedIdle", "evictedCount", "evictedBytes"})
            QVERIFY2(r.json().value(QLatin1String("stats")).toObject().contains(QLatin1String(field)), field);
        r = run({QStringLiteral("cache"), QStringLiteral("evict")});
        QVERIFY2(r.exitCode == 0 && r.out.startsWith("evicted"), qPrintable(r.describe()));

        r = run({QStringLiteral("metrics")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("# TYPE"), qPrintable(r.describe()));
        const HttpAnswer h = http_.get(*node_, QStringLiteral("/admin-api/contexts/") + ctxId_);
        QCOMPARE(h.json().value(QLatin1String("context")).toObject().value(QLatin1String("contextId")).toString(), ctxId_);
    }

    void deletesContext() {
        CtlResult r = run({QStringLiteral("context"), QStringLiteral("delete"), doomedId_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("list")});
        QVERIFY(findById(r.json().value(QLatin1String("contexts")).toArray(), "contextId", doomedId_).isEmpty());
        QVERIFY(!findById(r.json().value(QLatin1String("contexts")).toArray(), "contextId", ctxId_).isEmpty());
        r = run({QStringLiteral("--json"), QStringLiteral("call"), doomedId_, QStringLiteral("get"), QStringLiteral(R"({"key":"a"})")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(), -32001);
        QVERIFY(r.err.contains("-32001"));
        const HttpAnswer again = http_.request("DELETE", QUrl(node_->apiUrl() + QStringLiteral("/admin-api/contexts/") + doomedId_), {}, node_->token());
        QCOMPARE(again.status, 404);
    }

    void exitCodes() {
        const QString url = node_->apiUrl();
        // 1: refused by the node, with its message.
        CtlResult r = ctlRaw({QStringLiteral("--node"), url, QStringLiteral("--token"), QStringLiteral("wrong"), QStringLiteral("context"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("401"), r.err.constData());
        r = run({QStringLiteral("call"), ctxId_, QStringLiteral("no_such_method")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("-32002"), r.err.constData());
        r = run({QStringLiteral("call"), unknownId(), QStringLiteral("get"), QStringLiteral(R"({"key":"a"})")});
        QCOMPARE(r.exitCode, 1);
        r = run({QStringLiteral("blob"), QStringLiteral("info"), unknownId()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("404"), r.err.constData());
        QTemporaryDir tmp;
        QFile notWasm(tmp.filePath(QStringLiteral("fake.wasm")));
        QVERIFY(notWasm.open(QIODevice::WriteOnly) && notWasm.write("this is not a module") > 0);
        notWasm.close();
        r = run({QStringLiteral("app"), QStringLiteral("install"), notWasm.fileName()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("400"), r.err.constData());

        // 2: usage errors, caught before any request.
        const QList<QStringList> usage = {
            {QStringLiteral("frobnicate")},
            {QStringLiteral("call"), ctxId_},
            {QStringLiteral("call"), QStringLiteral("not-base58-0OIl"), QStringLiteral("get")},
            {QStringLiteral("call"), ctxId_, QStringLiteral("set"), QStringLiteral("{key: a}")},
            {QStringLiteral("context"), QStringLiteral("create"), appId_, QStringLiteral("--init-args"), QStringLiteral("{")},
            {QStringLiteral("context"), QStringLiteral("join"), QStringLiteral("xyz")},
            {QStringLiteral("blob"), QStringLiteral("get"), QStringLiteral("../../etc/passwd"), tmp.filePath(QStringLiteral("out"))},
            {QStringLiteral("app"), QStringLiteral("install"), tmp.filePath(QStringLiteral("missing.wasm"))},
            {QStringLiteral("status"), QStringLiteral("--count"), QStringLiteral("3")},
            {QStringLiteral("watch"), ctxId_, QStringLiteral("--count"), QStringLiteral("many")},
        };
        for (const QStringList &args : usage) {
            r = run(args);
            QVERIFY2(r.exitCode == 2 && !r.err.trimmed().isEmpty(), qPrintable(args.join(QLatin1Char(' ')) + QStringLiteral(": ") + r.describe()));
        }
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("out"))));
        r = ctlRaw({QStringLiteral("--node"), url, QStringLiteral("--data-dir"), tmp.path(), QStringLiteral("status")});
        QCOMPARE(r.exitCode, 2);  // no api.token there

        // 3: nothing listens.
        r = ctlRaw({QStringLiteral("--node"), QStringLiteral("http://127.0.0.1:%1").arg(closedPort()), QStringLiteral("status")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(!r.err.isEmpty());

        // The token from the data dir, and the node and token from the environment.
        r = ctlRaw({QStringLiteral("--node"), url, QStringLiteral("--data-dir"), node_->dataDir(), QStringLiteral("context"), QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("DELTANODE_URL"), url);
        env.insert(QStringLiteral("DELTANODE_TOKEN"), node_->token());
        r = ctlRaw({QStringLiteral("app"), QStringLiteral("list")}, 60000, env);
        QVERIFY2(r.exitCode == 0 && r.out.contains(appId_.toUtf8()), qPrintable(r.describe()));
    }

    void stateSurvivesRestart() {
        QString error;
        QVERIFY2(node_->stop(&error), qPrintable(error));
        QVERIFY2(node_->start(&error), qPrintable(error));

        CtlResult r = run({QStringLiteral("call"), ctxId_, QStringLiteral("get"), QStringLiteral(R"({"key":"a"})")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out.trimmed(), QByteArray("\"b\""));
        r = run({QStringLiteral("--json"), QStringLiteral("context"), QStringLiteral("list")});
        const QJsonArray contexts = r.json().value(QLatin1String("contexts")).toArray();
        QCOMPARE(contexts.size(), 1);
        const QJsonObject c = findById(contexts, "contextId", ctxId_);
        QCOMPARE(c.value(QLatin1String("rootHash")).toString(), rootBefore_);
        QCOMPARE(c.value(QLatin1String("name")).toString(), QStringLiteral("main"));
        r = run({QStringLiteral("--json"), QStringLiteral("app"), QStringLiteral("list")});
        QVERIFY(!findById(r.json().value(QLatin1String("applications")).toArray(), "applicationId", appId_).isEmpty());
        r = run({QStringLiteral("--json"), QStringLiteral("state"), ctxId_, QStringLiteral("--prefix"), QStringLiteral("kv/")});
        QCOMPARE(r.json().value(QLatin1String("entries")).toArray().size(), 3);
        // And it keeps working after the restart.
        r = run({QStringLiteral("call"), ctxId_, QStringLiteral("set"), QStringLiteral(R"({"key":"after","value":"restart"})")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }

    void installsModuleOverRawLimit() {
        // kv_store plus a 17 MiB custom section (ignored by WebAssembly
        // engines): too big for one request body, so deltactl uploads it as a
        // chunked blob and installs from that.
        QFile kv(wasmPath("kv_store"));
        QVERIFY(kv.open(QIODevice::ReadOnly));
        QByteArray module = kv.readAll();
        const QByteArray name = "padding";
        const quint32 payload = 17u * 1024 * 1024;
        QByteArray section;
        section.append(char(name.size()));
        section.append(name);
        section.append(QByteArray(payload, '\0'));
        module.append(char(0));  // custom section id
        for (quint32 v = quint32(section.size());;) {  // LEB128 size
            const char byte = char(v & 0x7f);
            v >>= 7;
            module.append(v ? char(byte | 0x80) : byte);
            if (!v) break;
        }
        module.append(section);
        QTemporaryDir tmp;
        QFile big(tmp.filePath(QStringLiteral("big_kv.wasm")));
        QVERIFY(big.open(QIODevice::WriteOnly) && big.write(module) == module.size());
        big.close();

        const CtlResult r = run({QStringLiteral("--json"), QStringLiteral("app"), QStringLiteral("install"), big.fileName()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject app = r.json().value(QLatin1String("application")).toObject();
        QCOMPARE(app.value(QLatin1String("name")).toString(), QStringLiteral("big_kv"));
        QCOMPARE(qint64(app.value(QLatin1String("size")).toDouble()), qint64(module.size()));
        QVERIFY(app.value(QLatin1String("methods")).toArray().contains(QStringLiteral("set")));
        QVERIFY(app.value(QLatin1String("applicationId")).toString() != appId_);
    }

    void cleanupTestCase() {
        QString error;
        if (node_ && node_->running()) QVERIFY2(node_->stop(&error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(DaemonCliTest)
#include "tst_daemon_cli.moc"
