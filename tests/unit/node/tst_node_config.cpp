// NodeConfig and NodeCommandLine: the shipped defaults, values from a file,
// flags on top, and bad values refused with the file, line and key named.
#include "node/NodeCommandLine.h"
#include "node/NodeConfig.h"
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;

namespace {
Result<NodeConfig> resolveArgs(const QStringList &argv) {
    QCommandLineParser p;
    NodeCommandLine::addOptions(p);
    if (!p.parse(QStringList{QStringLiteral("deltanode")} + argv)) return Error{ErrorCode::InvalidArgument, p.errorText()};
    auto args = NodeCommandLine::read(p);
    if (!args) return args.error();
    return NodeCommandLine::resolve(*args);
}

void writeFile(const QString &path, const QByteArray &text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}
}  // namespace

class TestNodeConfig : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void shippedFileHoldsTheDefaults() {
        // The compiled-in copy, and the file in the source tree, both parse
        // to exactly the member defaults.
        auto compiled = NodeConfig::fromToml(NodeConfig::defaultToml(), QStringLiteral("default"));
        QVERIFY2(compiled, qPrintable(compiled ? QString() : compiled.error().message));
        NodeConfig expected;
        expected.configFile = QStringLiteral("default");
        QVERIFY(*compiled == expected);
        auto source = NodeConfig::fromFile(QStringLiteral(DN_SOURCE_DIR "/resources/deltanode.toml"));
        QVERIFY(source);
        source->configFile = expected.configFile;
        QVERIFY(*source == expected);
        QCOMPARE(expected.blobCache.maxBytes, 500ull << 20);
        QCOMPARE(expected.blobCache.maxIdleMs, 300000);
        QCOMPARE(expected.timers.tombstoneRetentionH, 24);
    }

    void valuesFromText() {
        const QByteArray text = R"(
[api]
port = 0
[p2p]
listen = ["/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001"]
bootstrap = ["/dns4/node.example/tcp/2428/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf"]
mdns = false
[blob_cache]
max_idle_s = 10
max_entries = 3
max_bytes = "1 MiB"
max_item_bytes = 4096
[runtime]
workers = 2
timeout_ms = 250
)";
        auto c = NodeConfig::fromToml(text, QStringLiteral("x.toml"));
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->api.port, 0);
        QCOMPARE(c->api.host, QStringLiteral("127.0.0.1"));  // untouched keys keep defaults
        QCOMPARE(c->p2p.listen.size(), 2);
        QCOMPARE(c->p2p.bootstrap.size(), 1);
        QCOMPARE(c->p2p.mdns, false);
        QCOMPARE(c->blobCache.maxIdleMs, 10000);
        QCOMPARE(c->blobCache.maxEntries, size_t(3));
        QCOMPARE(c->blobCache.maxBytes, 1ull << 20);
        QCOMPARE(c->blobCache.maxItemBytes, 4096ull);
        QCOMPARE(c->sync.frequencyS, 10);
        const auto o = c->engineOptions();
        QCOMPARE(o.workers, 2);
        QCOMPARE(o.limits.timeout.count(), 250);
        QCOMPARE(o.dag.pendingMaxAgeMs, 300000);
    }

    void badValuesRefused_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");  // must appear in the message
        QTest::newRow("port range") << QByteArray("[api]\nport = 70000\n") << "bad.toml:2: api.port: expected an integer from 0 to 65535, got 70000";
        QTest::newRow("port type") << QByteArray("[api]\n\nport = \"80\"\n") << "bad.toml:3: api.port: expected an integer";
        QTest::newRow("host") << QByteArray("[api]\nhost = \"not a host\"\n") << "api.host: expected an IP address";
        QTest::newRow("unknown key") << QByteArray("[blob_cache]\nmax_idel_s = 3\n") << "bad.toml:2: unknown key blob_cache.max_idel_s";
        QTest::newRow("unknown section") << QByteArray("[apii]\nport = 1\n") << "unknown section [apii]";
        QTest::newRow("section not a table") << QByteArray("api = 3\n") << "api must be a table";
        QTest::newRow("syntax") << QByteArray("[api\nport = 1\n") << "bad.toml:1: not valid TOML";
        QTest::newRow("bootstrap without peer") << QByteArray("[p2p]\nbootstrap = [\"/ip4/1.2.3.4/tcp/1\"]\n") << "p2p.bootstrap: \"/ip4/1.2.3.4/tcp/1\": a bootstrap address must end in /p2p/<peer id>";
        QTest::newRow("listen not multiaddr") << QByteArray("[p2p]\nlisten = [\"127.0.0.1:4001\"]\n") << "p2p.listen: \"127.0.0.1:4001\": a multiaddr starts with '/'";
        QTest::newRow("listen udp") << QByteArray("[p2p]\nlisten = [\"/ip4/127.0.0.1/udp/4001\"]\n") << "only TCP transports";
        QTest::newRow("listen not array") << QByteArray("[p2p]\nlisten = \"/ip4/127.0.0.1/tcp/1\"\n") << "p2p.listen: expected an array";
        QTest::newRow("workers") << QByteArray("[runtime]\nworkers = -1\n") << "runtime.workers: expected an integer from 0 to 256, got -1";
        QTest::newRow("bytes") << QByteArray("[blob_cache]\nmax_bytes = \"lots\"\n") << "blob_cache.max_bytes: expected a byte size";
        QTest::newRow("float") << QByteArray("[sync]\ntimeout_s = 1.5\n") << "sync.timeout_s: expected an integer from 1 to 3600, got 1.5";
        QTest::newRow("bool") << QByteArray("[p2p]\nmdns = 1\n") << "p2p.mdns: expected true or false, got 1";
    }
    void badValuesRefused() {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto c = NodeConfig::fromToml(text, QStringLiteral("bad.toml"));
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::BadConfig);
        QVERIFY2(c.error().message.contains(expected), qPrintable(c.error().message));
    }

    void byteSizes() {
        QCOMPARE(parseByteSize(QStringLiteral("17")).value(), 17ull);
        QCOMPARE(parseByteSize(QStringLiteral("64 KiB")).value(), 65536ull);
        QCOMPARE(parseByteSize(QStringLiteral("500MiB")).value(), 500ull << 20);
        QCOMPARE(parseByteSize(QStringLiteral("2 gib")).value(), 2ull << 30);
        QCOMPARE(parseByteSize(QStringLiteral("3 MB")).value(), 3000000ull);
        QVERIFY(!parseByteSize(QStringLiteral("-1")));
        QVERIFY(!parseByteSize(QStringLiteral("1.5 MiB")));
        QVERIFY(!parseByteSize(QStringLiteral("99999999999999999 TiB")));
    }

    void firstStartWritesTheDefaultFile() {
        const QString dir = tmp_.filePath(QStringLiteral("first"));
        auto c = resolveArgs({QStringLiteral("--data-dir"), dir});
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->dataDir, dir);
        const QString file = dir + QStringLiteral("/config.toml");
        QCOMPARE(c->configFile, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), NodeConfig::defaultToml());
        QCOMPARE(QFile::permissions(dir) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        // An edited file is read, not overwritten, on the next start.
        writeFile(file, "[api]\nport = 4242\n");
        auto again = resolveArgs({QStringLiteral("--data-dir"), dir});
        QVERIFY(again);
        QCOMPARE(again->api.port, 4242);
    }

    void profilesLiveInTheXdgDataDir() {
        qputenv("XDG_DATA_HOME", tmp_.filePath(QStringLiteral("xdg")).toUtf8());
        auto c = resolveArgs({QStringLiteral("--profile"), QStringLiteral("alice")});
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->dataDir, tmp_.filePath(QStringLiteral("xdg/deltanode/alice")));
        QVERIFY(QFile::exists(c->dataDir + QStringLiteral("/config.toml")));
        auto bad = resolveArgs({QStringLiteral("--profile"), QStringLiteral("../evil")});
        QVERIFY(!bad);
        QVERIFY(bad.error().message.startsWith(QStringLiteral("--profile:")));
    }

    void flagsOverrideTheFile() {
        const QString file = tmp_.filePath(QStringLiteral("custom.toml"));
        writeFile(file, "[api]\nport = 9999\nhost = \"127.0.0.1\"\n[runtime]\nworkers = 5\n[p2p]\nlisten = [\"/ip4/0.0.0.0/tcp/1\"]\n");
        const QString peer = QStringLiteral("/ip4/127.0.0.1/tcp/2/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf");
        auto c = resolveArgs({QStringLiteral("--data-dir"), tmp_.filePath(QStringLiteral("flags")),
                              QStringLiteral("--config"), file, QStringLiteral("--api-port"), QStringLiteral("0"),
                              QStringLiteral("--api-host"), QStringLiteral("::1"), QStringLiteral("--workers"),
                              QStringLiteral("3"), QStringLiteral("--listen"), QStringLiteral("/ip4/127.0.0.1/tcp/4001"),
                              QStringLiteral("--listen"), QStringLiteral("/ip4/127.0.0.1/tcp/4002"),
                              QStringLiteral("--bootstrap"), peer + QLatin1Char(',') + peer});
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->configFile, file);
        QCOMPARE(c->api.port, 0);
        QCOMPARE(c->api.host, QStringLiteral("::1"));
        QCOMPARE(c->runtime.workers, 3);
        QCOMPARE(c->p2p.listen, (QStringList{QStringLiteral("/ip4/127.0.0.1/tcp/4001"), QStringLiteral("/ip4/127.0.0.1/tcp/4002")}));
        QCOMPARE(c->p2p.bootstrap, (QStringList{peer, peer}));
        // --config does not create a file in the data dir.
        QVERIFY(!QFile::exists(tmp_.filePath(QStringLiteral("flags/config.toml"))));
    }

    void badFlagsRefused_data() {
        QTest::addColumn<QStringList>("argv");
        QTest::addColumn<QString>("expected");
        QTest::newRow("api-port") << QStringList{"--api-port", "70000"} << "--api-port: expected an integer from 0 to 65535, got '70000'";
        QTest::newRow("api-port text") << QStringList{"--api-port", "http"} << "--api-port: expected an integer";
        QTest::newRow("api-host") << QStringList{"--api-host", "nowhere"} << "--api-host: 'nowhere' is not an IP address";
        QTest::newRow("workers") << QStringList{"--workers", "-2"} << "--workers: expected an integer from 0 to 256";
        QTest::newRow("listen") << QStringList{"--listen", "/ip4/1.2.3/tcp/1"} << "--listen: '/ip4/1.2.3/tcp/1': '1.2.3' is not an IPv4 address";
        QTest::newRow("bootstrap") << QStringList{"--bootstrap", "/ip4/1.2.3.4/tcp/1"} << "--bootstrap: '/ip4/1.2.3.4/tcp/1': a bootstrap address must end in /p2p/<peer id>";
        QTest::newRow("missing config") << QStringList{"--config", "/nonexistent/deltanode.toml"} << "cannot read the config file /nonexistent/deltanode.toml";
    }
    void badFlagsRefused() {
        QFETCH(QStringList, argv);
        QFETCH(QString, expected);
        auto c = resolveArgs(QStringList{QStringLiteral("--data-dir"), tmp_.filePath(QStringLiteral("badflags"))} + argv);
        QVERIFY(!c);
        QVERIFY2(c.error().message.contains(expected), qPrintable(c.error().message));
    }

    void badFileNamesTheFile() {
        const QString file = tmp_.filePath(QStringLiteral("broken.toml"));
        writeFile(file, "[dag]\nmax_pending = 0\n");
        auto c = resolveArgs({QStringLiteral("--data-dir"), tmp_.filePath(QStringLiteral("broken")), QStringLiteral("--config"), file});
        QVERIFY(!c);
        QVERIFY2(c.error().message.startsWith(file + QStringLiteral(":2: dag.max_pending")), qPrintable(c.error().message));
    }
};

QTEST_GUILESS_MAIN(TestNodeConfig)
#include "tst_node_config.moc"
