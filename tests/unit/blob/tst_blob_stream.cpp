// BlobWriter / BlobReader: streamed blobs get the same id as BlobStore::put,
// read back intact chunk by chunk, share chunks, and refuse corruption.
#include "blob/BlobReader.h"
#include "blob/BlobStore.h"
#include "blob/BlobWriter.h"
#include "crypto/Sha256.h"
#include "store/Keys.h"
#include "store/Store.h"
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;

namespace {
QByteArray pattern(qsizetype size, quint32 seed) {
    QByteArray b(size, Qt::Uninitialized);
    QRandomGenerator rng(seed);
    for (qsizetype i = 0; i < size; ++i) b[i] = char(rng.bounded(256));
    return b;
}
}  // namespace

class TestBlobStream : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Store> store_;  // the test's own, to damage chunks in place
    std::unique_ptr<BlobStore> blobs_;

private slots:
    void init() {
        QVERIFY(dir_.isValid());
        auto s = Store::open(dir_.filePath(QString::number(QRandomGenerator::global()->generate())));
        QVERIFY(s);
        store_ = std::move(*s);
        blobs_ = std::make_unique<BlobStore>(*store_);
    }
    void cleanup() {
        blobs_.reset();
        store_.reset();
    }

    void sameIdAsPut_data() {
        QTest::addColumn<qsizetype>("size");
        QTest::addColumn<int>("piece");
        QTest::newRow("empty") << qsizetype(0) << 100;
        QTest::newRow("small") << qsizetype(1000) << 7;
        QTest::newRow("one chunk exactly") << qsizetype(BlobStore::kChunkSize) << 65536;
        QTest::newRow("2.5 chunks, odd pieces") << qsizetype(BlobStore::kChunkSize * 5 / 2) << 333333;
        QTest::newRow("3 chunks in one write") << qsizetype(BlobStore::kChunkSize * 3) << BlobStore::kChunkSize * 3;
    }
    void sameIdAsPut() {
        QFETCH(qsizetype, size);
        QFETCH(int, piece);
        const QByteArray data = pattern(size, 7);
        BlobWriter w = blobs_->writer();
        for (qsizetype off = 0; off < size; off += piece) QVERIFY(w.write(QByteArrayView(data).sliced(off, std::min<qsizetype>(piece, size - off))));
        QCOMPARE(w.size(), uint64_t(size));
        const auto info = w.finish();
        QVERIFY(info);
        BlobStore blobs(*store_);
        const auto put = blobs.put(data);
        QVERIFY(put);
        QCOMPARE(info->id, put->id);
        QCOMPARE(info->chunks, put->chunks);
        QCOMPARE(blobs.get(info->id).value(), data);

        auto reader = blobs_->reader(info->id);
        QVERIFY(reader);
        QCOMPARE(reader->info().size, uint64_t(size));
        QByteArray joined;
        for (int i = 0; i < reader->chunkCount(); ++i) {
            auto c = reader->chunk(i);
            QVERIFY(c);
            QVERIFY(c->size() <= BlobStore::kChunkSize);
            joined.append(*c);
        }
        QCOMPARE(joined, data);
        QVERIFY(!reader->chunk(reader->chunkCount()));
    }

    void boundedChunksInFlight() {
        // Writing faster than the disk syncs must not queue the whole blob.
        BlobWriter w = blobs_->writer();
        const QByteArray chunk = pattern(BlobStore::kChunkSize, 11);
        int most = 0;
        for (int i = 0; i < 24; ++i) {
            QByteArray c = chunk;
            c[0] = char(i);  // distinct chunks: each one is written
            QVERIFY(w.write(c));
            most = std::max(most, w.chunksInFlight());
        }
        QVERIFY2(most <= BlobWriter::kMaxInFlight, qPrintable(QString::number(most)));
        const auto info = w.finish();
        QVERIFY(info);
        QCOMPARE(w.chunksInFlight(), 0);
        QCOMPARE(info->chunks, 24);
    }

    void waitDurableDrainsQueuedChunks() {
        // What an upload part waits for before it is answered.
        const uint64_t before = store_->stats().batchesCommitted;
        BlobWriter w = blobs_->writer();
        const QByteArray chunk = pattern(BlobStore::kChunkSize, 5);
        for (int i = 0; i < 3; ++i) {
            QByteArray c = chunk;
            c[0] = char(i);
            QVERIFY(w.write(c));
        }
        QVERIFY(w.write("tail"));  // a partial chunk stays buffered
        w.waitDurable();
        QCOMPARE(w.chunksInFlight(), 0);
        // The store counts a batch before running its callback.
        QVERIFY(store_->stats().batchesCommitted >= before + 3);
        QVERIFY(!store_->contains(keys::chunk(sha256(QByteArray("tail")))));
        QVERIFY(w.finish());
    }

    void finishTwiceRefused() {
        BlobWriter w = blobs_->writer();
        QVERIFY(w.write("abc"));
        QVERIFY(w.finish());
        QVERIFY(!w.finish());
        QVERIFY(!w.write("d"));
    }

    void listsBlobs() {
        BlobStore blobs(*store_);
        QVERIFY(blobs.put("one"));
        QVERIFY(blobs.put("two"));
        QCOMPARE(blobs.list().size(), size_t(2));
        QCOMPARE(blobs.list(1).size(), size_t(1));
    }

    void missingAndCorrupt() {
        QCOMPARE(blobs_->reader(sha256("nope")).error().code, ErrorCode::BlobNotFound);
        BlobStore blobs(*store_);
        const QByteArray data = pattern(BlobStore::kChunkSize + 10, 3);
        const auto info = blobs.put(data);
        QVERIFY(info);
        auto reader = blobs_->reader(info->id);
        QVERIFY(reader);
        // Damage the second chunk in place.
        const Hash32 secondId = sha256(data.mid(BlobStore::kChunkSize));
        Batch b;
        b.put(keys::chunk(secondId), QByteArray("garbage"));
        QVERIFY(store_->commitSync(std::move(b)));
        QVERIFY(reader->chunk(0));
        const auto bad = reader->chunk(1);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::Corrupt);
    }
};

QTEST_GUILESS_MAIN(TestBlobStream)
#include "tst_blob_stream.moc"
