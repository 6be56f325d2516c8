// DeltaCodec: deterministic round trip, every CodecLimits bound, malformed input.
#include "CodecTestUtil.h"
#include "codec/DeltaCodec.h"
#include "deltanode.pb.h"

#include <QtTest>

#include <functional>

using namespace dn;
using namespace dn::test;
namespace pb = deltanode::pb;

class TestDeltaCodec : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void bodyRoundTrip();
    void bodyLimits();
    void bodyMalformed();

private:
    Ed25519Key author_;
    Hash32 ctx_;
    DeltaBody body_;
};

void TestDeltaCodec::initTestCase() {
    author_ = Ed25519Key::generate();
    ctx_ = randomHash();
    body_ = sampleBody(author_, ctx_);
}

void TestDeltaCodec::bodyRoundTrip() {
    const QByteArray bytes = encodeBody(body_);
    QCOMPARE(encodeBody(body_), bytes);  // deterministic
    auto back = decodeBody(bytes);
    QVERIFY2(back.ok(), back.ok() ? "" : qPrintable(back.error().message));
    QCOMPARE(*back, body_);
    QCOMPARE(encodeBody(*back), bytes);
    // Genesis and an empty body survive too.
    DeltaBody g;
    g.contextId = ctx_;
    g.author = author_.publicKey();
    g.parents = {Hash32::zero()};
    auto gb = decodeBody(encodeBody(g));
    QVERIFY(gb.ok());
    QVERIFY(gb->isGenesis());
    QCOMPARE(*gb, g);
}

void TestDeltaCodec::bodyLimits() {
    CodecLimits small;
    small.maxParents = 2;
    small.maxActions = 3;
    small.maxEvents = 2;
    small.maxKeyBytes = 4;
    small.maxValueBytes = 8;
    small.maxEventKindBytes = 8;
    small.maxEventDataBytes = 8;
    small.maxHandlerNameBytes = 7;
    small.maxBodyBytes = 4096;
    QVERIFY(decodeBody(encodeBody(body_), small).ok());  // exactly at the bounds
    auto expectOversized = [&](const std::function<void(DeltaBody &)> &change) {
        DeltaBody b = body_;
        change(b);
        auto r = decodeBody(encodeBody(b), small);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Oversized);
        QVERIFY(!r.error().message.isEmpty());
    };
    expectOversized([](DeltaBody &b) { b.parents.push_back(Hash32::zero()); });
    expectOversized([](DeltaBody &b) { b.actions.push_back(Action::remove("x")); });
    expectOversized([](DeltaBody &b) { b.events.push_back(Event{"k", "d", {}}); });
    expectOversized([](DeltaBody &b) { b.actions[1].key = "12345"; });
    expectOversized([](DeltaBody &b) { b.actions[0].value = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[0].kind = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[0].data = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[1].handler = "12345678"; });
    expectOversized([](DeltaBody &b) { b.actions[0].value = QByteArray(5000, 'v'); });  // body bound
    // Defaults are documented numbers.
    const CodecLimits d;
    QCOMPARE(d.maxEnvelopeBytes, 16 * 1024 * 1024);
    QCOMPARE(d.maxValueBytes, 10 * 1024 * 1024);
    QCOMPARE(d.maxKeyBytes, 1024 * 1024);
    QCOMPARE(d.maxEvents, 100);
}

void TestDeltaCodec::bodyMalformed() {
    auto expectMalformed = [](const QByteArray &bytes) {
        auto r = decodeBody(bytes);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Malformed);
    };
    expectMalformed(QByteArray("\xff\xff\xff\xff", 4));
    pb::DeltaBody m;
    m.set_context_id(std::string(31, 'c'));
    m.set_author(std::string(32, 'a'));
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // short context id
    m.set_context_id(std::string(32, 'c'));
    QVERIFY(decodeBody(QByteArray::fromStdString(m.SerializeAsString())).ok());
    m.add_parents(std::string(33, 'p'));
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // long parent
    m.clear_parents();
    m.add_actions();  // an action with no kind
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));
    m.clear_actions();
    m.set_author(std::string());
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // no author
}

QTEST_GUILESS_MAIN(TestDeltaCodec)
#include "tst_delta_codec.moc"
