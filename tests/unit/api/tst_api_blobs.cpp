// Blob routes: single-shot and chunked uploads, streamed downloads, ids and
// errors, upload-session rules and expiry, and the blob-cache view.
#include "ApiFixture.h"
#include "crypto/Sha256.h"
#include <QRandomGenerator>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {
QByteArray randomBytes(qsizetype n, quint32 seed) {
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator g(seed);
    for (qsizetype i = 0; i < n; ++i) b[i] = char(g.generate() & 0xff);
    return b;
}
// The id BlobStore gives `data`: SHA-256 over the SHA-256 of each 1 MiB chunk.
QString expectedBlobId(const QByteArray &data) {
    Sha256 h;
    for (qsizetype off = 0; off < data.size(); off += BlobStore::kChunkSize) {
        const Hash32 c = sha256(QByteArrayView(data).sliced(off, std::min<qsizetype>(BlobStore::kChunkSize, data.size() - off)));
        h.add(QByteArrayView(c.data(), 32));
    }
    return h.finish().toBase58();
}
}  // namespace

class TstApiBlobs : public QObject {
    Q_OBJECT
    std::unique_ptr<ApiFixture> f;

    HttpResult put(const QString &path, const QByteArray &body) {
        return f->request("PUT", path, body, true, "application/octet-stream");
    }
    // Uploads `data` in parts of `partSize`; returns the finish answer.
    HttpResult upload(const QByteArray &data, qsizetype partSize) {
        const auto start = f->request("POST", QStringLiteral("/admin-api/blobs/uploads"));
        if (start.status != 201) return start;
        const QString base = QStringLiteral("/admin-api/blobs/uploads/") + start.json().value("uploadId").toString();
        int n = 0;
        for (qsizetype off = 0; off < data.size(); off += partSize, ++n) {
            const auto r = put(base + QStringLiteral("/%1").arg(n), data.mid(off, partSize));
            if (r.status != 200) return r;
            if (r.json().value("received").toInt() != n + 1) return r;
        }
        return f->request("POST", base + QStringLiteral("/finish"));
    }

private slots:
    void init() { f = std::make_unique<ApiFixture>(); }
    void cleanup() { f.reset(); }

    void singleShotRoundTrip() {
        const QByteArray data = randomBytes(2 * BlobStore::kChunkSize + 12345, 1);
        const auto r = put(QStringLiteral("/admin-api/blobs"), data);
        QCOMPARE(r.status, 201);
        const QString id = r.json().value("blobId").toString();
        QCOMPARE(id, expectedBlobId(data));
        QCOMPARE(r.json().value("size").toInteger(), data.size());

        const auto got = f->get(QStringLiteral("/admin-api/blobs/") + id);
        QCOMPARE(got.status, 200);
        QCOMPARE(got.header("Content-Type"), QByteArray("application/octet-stream"));
        QCOMPARE(got.header("Content-Length").toLongLong(), data.size());
        QVERIFY(got.body == data);

        const auto info = f->get(QStringLiteral("/admin-api/blobs/%1/info").arg(id)).json();
        QCOMPARE(info.value("chunks").toInt(), 3);
        QCOMPARE(info.value("size").toInteger(), data.size());
        const QJsonArray all = f->get(QStringLiteral("/admin-api/blobs")).json().value("blobs").toArray();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all[0].toObject().value("blobId").toString(), id);

        // Empty blob: zero chunks, empty body.
        const auto empty = put(QStringLiteral("/admin-api/blobs"), {});
        QCOMPARE(empty.status, 201);
        const auto emptyGot = f->get(QStringLiteral("/admin-api/blobs/") + empty.json().value("blobId").toString());
        QCOMPARE(emptyGot.status, 200);
        QVERIFY(emptyGot.body.isEmpty());
    }

    void chunkedUploadRoundTrip() {
        const QByteArray data = randomBytes(3 * BlobStore::kChunkSize + 777, 2);
        const auto done = upload(data, BlobStore::kChunkSize);
        QCOMPARE(done.status, 201);
        const QString id = done.json().value("blobId").toString();
        QCOMPARE(id, expectedBlobId(data));  // exactly what BlobStore would name it
        QCOMPARE(done.json().value("size").toInteger(), data.size());
        QVERIFY(f->get(QStringLiteral("/admin-api/blobs/") + id).body == data);
        // The parts need not be chunk-sized: the id depends on the bytes only.
        const auto small = upload(data, 300 * 1024);
        QCOMPARE(small.status, 201);
        QCOMPARE(small.json().value("blobId").toString(), id);
        QCOMPARE(f->server.stats().uploads, size_t(0));
    }

    void uploadSessionRules() {
        const auto start = f->request("POST", QStringLiteral("/admin-api/blobs/uploads"));
        const QString base = QStringLiteral("/admin-api/blobs/uploads/") + start.json().value("uploadId").toString();
        QCOMPARE(put(base + "/1", "x").status, 409);  // part 0 first
        const auto tooBig = put(base + "/0", QByteArray(BlobStore::kChunkSize + 1, 'a'));
        QCOMPARE(tooBig.status, 413);
        QCOMPARE(tooBig.errorCode(), QStringLiteral("too_large"));
        QCOMPARE(put(base + "/0", "abc").status, 200);
        QCOMPARE(put(base + "/0", "abc").status, 409);  // no repeats
        QCOMPARE(put(base + "/x1", "abc").status, 400);
        QCOMPARE(f->request("POST", base + "/finish").status, 201);
        QCOMPARE(f->request("POST", base + "/finish").status, 404);  // finished sessions are gone
        QCOMPARE(put(QStringLiteral("/admin-api/blobs/uploads/") + Hash32{}.toBase58() + "/0", "a").status, 404);
        QCOMPARE(put(QStringLiteral("/admin-api/blobs/uploads/..%2Fx/0"), "a").status, 400);
        QCOMPARE(f->request("GET", base + "/finish").status, 405);
    }

    void idleUploadsExpire() {
        f->server.setUploadIdleTimeout(100);
        const auto start = f->request("POST", QStringLiteral("/admin-api/blobs/uploads"));
        const QString base = QStringLiteral("/admin-api/blobs/uploads/") + start.json().value("uploadId").toString();
        QCOMPARE(put(base + "/0", "abc").status, 200);
        QCOMPARE(f->server.stats().uploads, size_t(1));
        QVERIFY(waitUntil([&] { return f->server.stats().uploads == 0; }, 10000));
        QCOMPARE(f->server.stats().uploadsExpired, quint64(1));
        QCOMPARE(put(base + "/1", "def").status, 404);
    }

    void unknownAndInvalidBlobs() {
        const auto unknown = f->get(QStringLiteral("/admin-api/blobs/") + Hash32{}.toBase58());
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.errorCode(), QStringLiteral("blob_not_found"));
        QCOMPARE(f->get(QStringLiteral("/admin-api/blobs/%1/info").arg(Hash32{}.toBase58())).status, 404);
        const auto bad = f->get(QStringLiteral("/admin-api/blobs/not-base58!"));
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.errorCode(), QStringLiteral("invalid_id"));
        // A valid base58 string that is not 32 bytes.
        QCOMPARE(f->get(QStringLiteral("/admin-api/blobs/abc")).status, 400);
        const auto big = put(QStringLiteral("/admin-api/blobs"), QByteArray(16 * 1024 * 1024 + 1, 'z'));
        QCOMPARE(big.status, 413);
    }

    void pipelinedDownloadsStayInOrder() {
        const QByteArray a = randomBytes(BlobStore::kChunkSize + 5, 3), b = randomBytes(1000, 4);
        const QString ida = put(QStringLiteral("/admin-api/blobs"), a).json().value("blobId").toString();
        const QString idb = put(QStringLiteral("/admin-api/blobs"), b).json().value("blobId").toString();
        RawHttp raw(f->port);
        raw.send(RawHttp::format("GET", "/admin-api/blobs/" + ida.toLatin1()) + RawHttp::format("GET", "/admin-api/health") +
                 RawHttp::format("GET", "/admin-api/blobs/" + idb.toLatin1()));
        const auto ra = raw.next(), rh = raw.next(), rb = raw.next();
        QVERIFY(ra && rh && rb);
        QVERIFY(ra->body == a);
        QCOMPARE(rh->json().value("status").toString(), QStringLiteral("ok"));
        QVERIFY(rb->body == b);
    }

    void blobCacheView() {
        const Hash32 id = sha256("cached");
        QVERIFY(f->node.blobCache().insert(id, QByteArray(1000, 'c')));
        QVERIFY(f->node.blobCache().lookup(id));
        const QJsonObject c = f->get(QStringLiteral("/admin-api/blob-cache")).json();
        QCOMPARE(c.value("stats").toObject().value("entries").toInt(), 1);
        QCOMPARE(c.value("stats").toObject().value("bytes").toInt(), 1000);
        QCOMPARE(c.value("stats").toObject().value("hits").toInt(), 1);
        const QJsonArray entries = c.value("entries").toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries[0].toObject().value("blobId").toString(), id.toBase58());
        QCOMPARE(entries[0].toObject().value("size").toInt(), 1000);

        const auto one = f->postJson(QStringLiteral("/admin-api/blob-cache/evict"), {{"blobId", id.toBase58()}});
        QCOMPARE(one.json().value("evicted").toInt(), 1);
        QCOMPARE(f->get(QStringLiteral("/admin-api/blob-cache")).json().value("stats").toObject().value("entries").toInt(), 0);
        const auto run = f->request("POST", QStringLiteral("/admin-api/blob-cache/evict"));
        QCOMPARE(run.status, 200);
        QCOMPARE(run.json().value("evicted").toInt(), 0);
        QCOMPARE(f->postJson(QStringLiteral("/admin-api/blob-cache/evict"), {{"blobId", "x"}}).status, 400);
    }
};

QTEST_GUILESS_MAIN(TstApiBlobs)
#include "tst_api_blobs.moc"
