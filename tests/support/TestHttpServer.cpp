#include "TestHttpServer.h"

#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

namespace thingdeck::test {

QByteArray RecordedRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray RecordedRequest::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

QByteArray RecordedRequest::header(const QByteArray &name) const
{
    QList<QByteArray> values;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values << value;
    }
    return values.join(',');
}

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
{
    m_handler = [](const RecordedRequest &) {
        return CannedReply::json(200, "{}");
    };
}

TestHttpServer::~TestHttpServer() = default;

bool TestHttpServer::listen()
{
    m_server = std::make_unique<QTcpServer>();
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this,
            &TestHttpServer::acceptPending);
    return m_server->listen(QHostAddress::LocalHost, 0);
}

bool TestHttpServer::listenTls(const QSslCertificate &certificate, const QSslKey &key)
{
    auto server = std::make_unique<QSslServer>();
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(certificate);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    server->setSslConfiguration(tls);
    m_server = std::move(server);
    m_tls = true;
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this,
            &TestHttpServer::acceptPending);
    return m_server->listen(QHostAddress::LocalHost, 0);
}

QUrl TestHttpServer::url() const
{
    QUrl u;
    u.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_server->serverPort());
    return u;
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

void TestHttpServer::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            onReadyRead(socket);
    }
}

void TestHttpServer::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    RecordedRequest request;
    while (takeRequest(buffer, request)) {
        m_requests.append(request);
        emit requestReceived();
        const CannedReply canned = m_handler(request);
        reply(socket, canned);
        if (canned.action != CannedReply::Action::Respond)
            return;
    }
}

// Takes one complete request (headers plus Content-Length body) off the front of `buffer`.
bool TestHttpServer::takeRequest(QByteArray &buffer, RecordedRequest &request)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request = RecordedRequest{requestLine.value(0), requestLine.value(1), {}, {}};
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        const qsizetype colon = line.indexOf(':');
        request.headers.append(
            thingdeck::HttpHeader{line.left(colon), line.mid(colon + 1).trimmed()});
    }
    const qsizetype length = request.header("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return false;
    request.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return true;
}

void TestHttpServer::reply(QTcpSocket *socket, const CannedReply &canned)
{
    if (canned.action == CannedReply::Action::NeverAnswer)
        return;
    if (canned.action == CannedReply::Action::DropConnection) {
        socket->abort();
        return;
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(canned.status) + " Status\r\n";
    for (const auto &[name, value] : canned.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(canned.body.size()) + "\r\n\r\n";
    out += canned.body;
    socket->write(out);
}

} // namespace thingdeck::test
