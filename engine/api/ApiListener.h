#pragma once
// The listening socket of the API server, handed to QHttpServer with bind().
// QHttpServer 6.4 buffers a whole request (and has no size limit of its own),
// so every connection gets a read-buffer cap of kMaxRequestBytes, and a
// request whose headers announce a larger body is answered 413 at once and
// the connection closed, before any of the body is buffered. (A request whose
// headers arrive split across reads is only held by the cap: it stalls there
// instead of being refused, but cannot grow memory.)
#include <QTcpServer>

namespace dn {

class ApiListener : public QTcpServer {
    Q_OBJECT
public:
    explicit ApiListener(QObject *parent = nullptr) : QTcpServer(parent) {}
    // The object whose readyRead handling is cut off for a refused connection.
    void setHttpServer(QObject *server) { http_ = server; }
    quint64 refusedCount() const { return refused_; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void inspect(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, int status, const QByteArray &path, const QString &message);

    QObject *http_ = nullptr;
    quint64 refused_ = 0;
};

}  // namespace dn
