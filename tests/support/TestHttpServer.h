#pragma once

#include "HttpServer.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrl>

#include <functional>

namespace thingdeck::test {

/// One request as it arrived on the socket, byte for byte.
using RecordedRequest = thingdeck::HttpRequest;

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

/// The sandbox's HTTP/1.1 server scripted for tests: it records every request and answers
/// from a handler, so a test can script success, AWS errors, silence or a dropped connection.
class TestHttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<CannedReply(const RecordedRequest &)>;

    explicit TestHttpServer(QObject *parent = nullptr);

    bool listen();
    bool listenTls(const QSslCertificate &certificate, const QSslKey &key);
    QUrl url() const;          ///< "http(s)://127.0.0.1:<port>"
    QUrl localhostUrl() const; ///< the same with host name "localhost"

    void setHandler(Handler handler);
    const QList<RecordedRequest> &requests() const;

Q_SIGNALS:
    void requestReceived();

private:
    void handle(const HttpRequest &request, HttpResponder responder);

    HttpServer m_server;
    Handler m_handler;
    QList<RecordedRequest> m_requests;
    QList<HttpResponder> m_unanswered; ///< kept so that silent requests stay open
};

} // namespace thingdeck::test
