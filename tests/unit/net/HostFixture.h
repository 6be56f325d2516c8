#pragma once
// Helpers for tests that run real Hosts on loopback in one process.
#include "crypto/Sha256.h"
#include "net/Host.h"
#include "net/Stream.h"

#include <QtTest>
#include <memory>
#include <optional>

namespace dn::test {

inline const QString kEcho = QStringLiteral("/test/echo/1.0.0");
inline const QString kSink = QStringLiteral("/test/sink/1.0.0");      // answers SHA-256 of all it got
inline const QString kSource = QStringLiteral("/test/source/1.0.0");  // sends N (decimal line) bytes
inline const QString kHold = QStringLiteral("/test/hold/1.0.0");      // keeps the stream, does nothing

// Deterministic bytes for transfers.
inline QByteArray patternBytes(qsizetype n, uint32_t seed) {
    QByteArray b(n, Qt::Uninitialized);
    uint32_t x = seed * 2654435761u + 1;
    for (qsizetype i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = char(x);
    }
    return b;
}

inline void installTestProtocols(Host &h, QList<QPointer<Stream>> *held = nullptr) {
    h.setStreamHandler(kEcho, [](Stream *s) {
        QObject::connect(s, &Stream::readyRead, s, [s] { s->write(s->readAll()); });
        QObject::connect(s, &Stream::readFinished, s, [s] {
            s->write(s->readAll());
            s->closeWrite();
        });
    });
    h.setStreamHandler(kSink, [](Stream *s) {
        auto hasher = std::make_shared<Sha256>();
        QObject::connect(s, &Stream::readyRead, s, [s, hasher] { hasher->add(s->readAll()); });
        QObject::connect(s, &Stream::readFinished, s, [s, hasher] {
            hasher->add(s->readAll());
            s->write(hasher->finish().toByteArray());
            s->closeWrite();
        });
    });
    h.setStreamHandler(kSource, [](Stream *s) {
        auto line = std::make_shared<QByteArray>();
        QObject::connect(s, &Stream::readyRead, s, [s, line] {
            *line += s->readAll();
            if (!line->endsWith('\n')) return;
            const qsizetype n = line->trimmed().toLongLong();
            s->write(patternBytes(n, 42));
            s->closeWrite();
        });
    });
    h.setStreamHandler(kHold, [held](Stream *s) {
        if (held) held->append(s);
    });
}

inline HostConfig quietConfig() {
    HostConfig c;
    c.pingIntervalMs = 0;  // tests ping explicitly
    return c;
}

struct TestHost {
    std::unique_ptr<Host> host;
    Multiaddr addr;
    QList<QPointer<Stream>> held;
    explicit TestHost(HostConfig c = quietConfig()) : host(std::make_unique<Host>(Ed25519Key::generate(), c)) {
        installTestProtocols(*host, &held);
        auto r = host->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
        if (r) addr = *r;
    }
    Host *operator->() { return host.get(); }
};

// Dials and waits; nullptr on failure (the error in *err).
inline Connection *dialAndWait(Host &from, const Multiaddr &to, QString *err = nullptr, int ms = 10000) {
    std::optional<Result<Connection *>> r;
    from.dial(to, [&r](Result<Connection *> x) { r = x; });
    QElapsedTimer t;
    t.start();
    while (!r && t.elapsed() < ms) QTest::qWait(5);
    if (!r) {
        if (err) *err = QStringLiteral("timeout");
        return nullptr;
    }
    if (!*r) {
        if (err) *err = r->error().wire() + QStringLiteral(": ") + r->error().message;
        return nullptr;
    }
    return r->value();
}

inline Stream *openAndWait(Host &from, const PeerId &peer, const QStringList &protos, QString *err = nullptr) {
    std::optional<Result<Stream *>> r;
    from.newStream(peer, protos, [&r](Result<Stream *> x) { r = x; });
    QElapsedTimer t;
    t.start();
    while (!r && t.elapsed() < 10000) QTest::qWait(5);
    if (!r || !*r) {
        if (err) *err = r ? r->error().message : QStringLiteral("timeout");
        return nullptr;
    }
    return r->value();
}

// Writes `req`, half-closes, collects everything until the peer's EOF.
inline std::optional<QByteArray> roundTrip(Stream *s, const QByteArray &req, int ms = 20000) {
    QPointer<Stream> g(s);
    auto got = std::make_shared<QByteArray>();
    auto done = std::make_shared<bool>(false);
    QObject::connect(s, &Stream::readyRead, s, [s, got] { *got += s->readAll(); });
    QObject::connect(s, &Stream::readFinished, s, [s, got, done] {
        *got += s->readAll();
        *done = true;
    });
    s->write(req);
    s->closeWrite();
    QElapsedTimer t;
    t.start();
    while (!*done && t.elapsed() < ms) QTest::qWait(2);
    if (!*done) return std::nullopt;
    return *got;
}

}  // namespace dn::test
