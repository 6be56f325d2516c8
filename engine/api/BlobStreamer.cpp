#include "api/BlobStreamer.h"
#include "api/ApiLimits.h"
#include "api/ApiLog.h"
#include "api/Offload.h"

namespace dn {

void BlobStreamer::start(std::shared_ptr<const BlobReader> reader, Offload &offload,
                         QHttpServerResponder &responder, std::function<void()> finished) {
    // Parented to the socket: if the client goes away, the streamer goes too.
    new BlobStreamer(std::move(reader), offload, responder, std::move(finished));
}

BlobStreamer::BlobStreamer(std::shared_ptr<const BlobReader> reader, Offload &offload,
                           QHttpServerResponder &responder, std::function<void()> finished)
    : QObject(responder.socket()),
      reader_(std::move(reader)),
      offload_(offload),
      responder_(responder),
      socket_(responder.socket()),
      finished_(std::move(finished)) {
    using Status = QHttpServerResponder::StatusCode;
    responder_.writeStatusLine(Status::Ok);
    responder_.writeHeader("Content-Type", "application/octet-stream");
    responder_.writeHeader("Content-Length", QByteArray::number(qulonglong(reader_->info().size)));
    responder_.writeBody("", 0);  // ends the headers
    connect(socket_, &QTcpSocket::bytesWritten, this, &BlobStreamer::pump);
    pump();
}

void BlobStreamer::pump() {
    if (reading_ || !socket_) return;
    if (next_ >= reader_->chunkCount()) return done();
    if (socket_->bytesToWrite() > api::kStreamLowWater) return;  // wait for bytesWritten
    reading_ = true;
    QPointer<BlobStreamer> self(this);
    offload_.run([reader = reader_, n = next_] { return reader->chunk(n); },
                 [self](Result<QByteArray> chunk) {
                     if (!self) return;
                     self->reading_ = false;
                     if (!self->socket_) return;
                     if (!chunk) {
                         qCWarning(lcApi) << "blob download aborted:" << chunk.error().message;
                         self->socket_->abort();
                         return self->done();
                     }
                     self->responder_.writeBody(chunk->constData(), chunk->size());
                     ++self->next_;
                     self->pump();
                 });
}

void BlobStreamer::done() {
    if (socket_) disconnect(socket_, nullptr, this, nullptr);
    if (auto f = std::move(finished_)) f();
    deleteLater();
}

}  // namespace dn
