#pragma once

#include "aws/SigV4Signer.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrl>

#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace thingdeck::test {

/// One request as it arrived on the socket, byte for byte.
struct RecordedRequest
{
    QByteArray method;
    QByteArray target;                    ///< request-target as sent: path plus '?' query
    QList<thingdeck::HttpHeader> headers; ///< in arrival order, names as sent
    QByteArray body;

    QByteArray path() const;
    QByteArray query() const;
    QByteArray header(const QByteArray &name) const; ///< case-insensitive; repeated joined by ','
};

/// What the server does with a request.
struct CannedReply
{
    enum class Action { Respond, NeverAnswer, DropConnection };
    Action action = Action::Respond;
    int status = 200;
    QList<thingdeck::HttpHeader> headers;
    QByteArray body;

    static CannedReply json(int status, const QByteArray &body,
                            QList<thingdeck::HttpHeader> headers = {});
    static CannedReply neverAnswer();
    static CannedReply dropConnection();
};

/// A small HTTP/1.1 server on 127.0.0.1 (plain or TLS) for tests: it records every request
/// and answers from a handler, so a test can script success, AWS errors, silence or a dropped
/// connection. Keeps connections alive like a real server.
class TestHttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<CannedReply(const RecordedRequest &)>;

    explicit TestHttpServer(QObject *parent = nullptr);
    ~TestHttpServer() override;

    bool listen();
    bool listenTls(const QSslCertificate &certificate, const QSslKey &key);
    QUrl url() const;          ///< "http(s)://127.0.0.1:<port>"
    QUrl localhostUrl() const; ///< the same with host name "localhost"

    void setHandler(Handler handler);
    const QList<RecordedRequest> &requests() const;

Q_SIGNALS:
    void requestReceived();

private:
    void acceptPending();
    void onReadyRead(QTcpSocket *socket);
    bool takeRequest(QByteArray &buffer, RecordedRequest &request);
    void reply(QTcpSocket *socket, const CannedReply &reply);

    std::unique_ptr<QTcpServer> m_server;
    bool m_tls = false;
    Handler m_handler;
    QList<RecordedRequest> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace thingdeck::test
