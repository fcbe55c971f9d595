#include "TestHttpServer.h"

namespace thingdeck::test {

CannedReply CannedReply::json(int status, const QByteArray &body,
                              QList<thingdeck::HttpHeader> headers)
{
    CannedReply r;
    r.status = status;
    r.body = body;
    r.headers = std::move(headers);
    r.headers.append(thingdeck::HttpHeader{"Content-Type", "application/json"});
    return r;
}

CannedReply CannedReply::neverAnswer()
{
    CannedReply r;
    r.action = Action::NeverAnswer;
    return r;
}

CannedReply CannedReply::dropConnection()
{
    CannedReply r;
    r.action = Action::DropConnection;
    return r;
}

TestHttpServer::TestHttpServer(QObject *parent)
    : QObject(parent)
    , m_server([this](const HttpRequest &request, HttpResponder responder) {
        handle(request, std::move(responder));
    })
{
    m_handler = [](const RecordedRequest &) {
        return CannedReply::json(200, "{}");
    };
}

bool TestHttpServer::listen()
{
    return m_server.listen();
}

bool TestHttpServer::listenTls(const QSslCertificate &certificate, const QSslKey &key)
{
    return m_server.listenTls(certificate, key);
}

QUrl TestHttpServer::url() const
{
    return m_server.url();
}

QUrl TestHttpServer::localhostUrl() const
{
    QUrl u = url();
    u.setHost(QStringLiteral("localhost"));
    return u;
}

void TestHttpServer::setHandler(Handler handler)
{
    m_handler = std::move(handler);
}

const QList<RecordedRequest> &TestHttpServer::requests() const
{
    return m_requests;
}

void TestHttpServer::handle(const HttpRequest &request, HttpResponder responder)
{
    m_requests.append(request);
    emit requestReceived();
    const CannedReply canned = m_handler(request);
    switch (canned.action) {
    case CannedReply::Action::NeverAnswer:
        m_unanswered.append(std::move(responder));
        break;
    case CannedReply::Action::DropConnection:
        responder.dropConnection();
        break;
    case CannedReply::Action::Respond:
        responder.respond(HttpResponse{canned.status, canned.headers, canned.body});
        break;
    }
}

} // namespace thingdeck::test
