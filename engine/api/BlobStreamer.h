#pragma once
// Serves one blob as an HTTP body without holding it in memory: the headers
// (with Content-Length) first, then one verified chunk at a time, read on the
// offload pool and written only once the socket has fewer than 1 MiB unsent.
// A client that stops reading therefore costs at most about two chunks.
// A chunk that turns out missing or corrupt mid-stream cannot be reported in
// the body any more; the connection is closed so the client sees a short read.
#include "api/HttpConnection.h"
#include "blob/BlobReader.h"
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <functional>
#include <memory>

namespace dn {

class Offload;

class BlobStreamer : public QObject {
    Q_OBJECT
public:
    // Starts at once; deletes itself when done or when the connection goes away.
    static void start(std::shared_ptr<const BlobReader> reader, Offload &offload,
                      QHttpServerResponder &responder, std::function<void()> finished);

private:
    BlobStreamer(std::shared_ptr<const BlobReader> reader, Offload &offload, QHttpServerResponder &responder,
                 std::function<void()> finished);
    void pump();
    void done();

    std::shared_ptr<const BlobReader> reader_;
    Offload &offload_;
    QHttpServerResponder &responder_;  // owned by the HttpConnection until finished_ runs
    QPointer<QTcpSocket> socket_;
    std::function<void()> finished_;
    int next_ = 0;
    bool reading_ = false;
};

}  // namespace dn
