#include "WebSocketGate.h"

#include "Logging.h"
#include "SandboxTls.h"

#include <QSslSocket>

namespace thingdeck {

namespace {

// How long a client may take for its TLS handshake before the server drops it.
constexpr int kHandshakeTimeoutMs = 10000;

} // namespace

WebSocketGate::WebSocketGate(const RequestAuthenticator *authenticator, Options options,
                             QObject *parent)
    : QObject(parent)
    , m_authenticator(authenticator)
    , m_options(options)
{
    m_server.setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(&m_server, &QSslServer::pendingConnectionAvailable, this,
            &WebSocketGate::acceptPending);
    connect(&m_server, &QSslServer::sslErrors, this, &WebSocketGate::onSslErrors);
}

WebSocketGate::~WebSocketGate()
{
    close();
}

std::optional<QString> WebSocketGate::listen(const SandboxPki &pki, quint16 port)
{
    const auto tls = SandboxTls::serverConfiguration(pki);
    if (!tls)
        return tls.error();
    m_server.setSslConfiguration(tls.value());
    if (!m_server.listen(QHostAddress::LocalHost, port))
        return QStringLiteral("cannot listen on 127.0.0.1 port %1: %2")
            .arg(QString::number(port), m_server.errorString());
    qCInfo(lcSandbox) << "WebSocket gate on port" << m_server.serverPort() << "in front of"
                      << "mosquitto's websockets port" << m_options.brokerPort;
    return std::nullopt;
}

void WebSocketGate::close()
{
    m_server.close();
    // Aborting finishes a session at once, which removes it from the list.
    const QList<WebSocketGateSession *> sessions = m_sessions;
    for (WebSocketGateSession *session : sessions)
        session->abort();
}

qint64 WebSocketGate::largestBacklogBytes() const
{
    qint64 largest = 0;
    for (const WebSocketGateSession *session : m_sessions)
        largest = std::max(largest, session->backlogBytes());
    return largest;
}

void WebSocketGate::acceptPending()
{
    while (m_server.hasPendingConnections())
        accept(qobject_cast<QSslSocket *>(m_server.nextPendingConnection()));
}

void WebSocketGate::accept(QSslSocket *socket)
{
    if (!socket)
        return;
    if (m_sessions.size() >= m_options.maxSessions) {
        qCInfo(lcSandbox) << "WebSocket gate: closing a new connection: the limit of"
                          << m_options.maxSessions << "sessions is reached";
        SandboxTls::closeGracefully(socket, this, m_options.headTimeout);
        return;
    }
    const WebSocketGateSession::Limits limits{m_options.maxHeadBytes, m_options.headTimeout,
                                              m_options.maxBacklogBytes, m_options.readChunkBytes};
    auto *session =
        new WebSocketGateSession(socket, m_authenticator, m_options.brokerPort, limits, this);
    m_sessions.append(session);
    connect(session, &WebSocketGateSession::refused, this, &WebSocketGate::refused);
    connect(session, &WebSocketGateSession::finished, this,
            [this, session] { onSessionFinished(session); });
    session->start();
}

// The handshake fails after this; the reason is worth a line, as mosquitto logs it too.
void WebSocketGate::onSslErrors(QSslSocket *socket, const QList<QSslError> &errors)
{
    QStringList reasons;
    for (const QSslError &error : errors)
        reasons.append(error.errorString());
    qCInfo(lcSandbox).noquote() << "WebSocket gate: refused a TLS client from"
                                << socket->peerAddress().toString() << "-"
                                << reasons.join(QStringLiteral("; "));
}

void WebSocketGate::onSessionFinished(WebSocketGateSession *session)
{
    m_sessions.removeOne(session);
    session->deleteLater();
}

} // namespace thingdeck
