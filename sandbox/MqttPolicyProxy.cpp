#include "MqttPolicyProxy.h"

#include "Logging.h"
#include "SandboxTls.h"

#include <QSslSocket>

namespace thingdeck {

namespace {

// How long a client may take for its TLS handshake before the server drops it.
constexpr int kHandshakeTimeoutMs = 10000;

} // namespace

MqttPolicyProxy::MqttPolicyProxy(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_server.setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(&m_server, &QSslServer::pendingConnectionAvailable, this,
            &MqttPolicyProxy::acceptPending);
    connect(&m_server, &QSslServer::sslErrors, this, &MqttPolicyProxy::onSslErrors);
}

MqttPolicyProxy::~MqttPolicyProxy()
{
    close();
}

std::optional<QString> MqttPolicyProxy::listen(const SandboxPki &pki, quint16 port)
{
    const auto tls = tlsConfiguration(pki);
    if (!tls)
        return tls.error();
    m_server.setSslConfiguration(tls.value());
    if (!m_server.listen(QHostAddress::LocalHost, port))
        return QStringLiteral("cannot listen on 127.0.0.1 port %1: %2")
            .arg(QString::number(port), m_server.errorString());
    qCInfo(lcSandbox) << "MQTT policy proxy on port" << m_server.serverPort() << "in front of"
                      << "mosquitto's port" << m_options.brokerPort << "with"
                      << m_options.denials.size() << "denials";
    return std::nullopt;
}

// Only the sandbox CA is trusted, so only its device certificates get in, as only
// certificates registered with AWS IoT do there.
Result<QSslConfiguration, QString> MqttPolicyProxy::tlsConfiguration(const SandboxPki &pki)
{
    auto tls = SandboxTls::serverConfiguration(pki);
    if (!tls)
        return tls;
    tls.value().setPeerVerifyMode(QSslSocket::VerifyPeer);
    // AWS IoT's MQTT on port 443 asks for this ALPN name; offering it lets such clients in.
    tls.value().setAllowedNextProtocols({QByteArrayLiteral("x-amzn-mqtt-ca")});
    return tls;
}

void MqttPolicyProxy::close()
{
    m_server.close();
    // Aborting finishes a session at once, which removes it from the list.
    const QList<MqttProxySession *> sessions = m_sessions;
    for (MqttProxySession *session : sessions)
        session->abort();
}

qint64 MqttPolicyProxy::largestBacklogBytes() const
{
    qint64 largest = 0;
    for (const MqttProxySession *session : m_sessions)
        largest = std::max(largest, session->backlogBytes());
    return largest;
}

void MqttPolicyProxy::acceptPending()
{
    while (m_server.hasPendingConnections())
        accept(qobject_cast<QSslSocket *>(m_server.nextPendingConnection()));
}

void MqttPolicyProxy::accept(QSslSocket *socket)
{
    if (!socket)
        return;
    const QString thing =
        socket->peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0);
    if (thing.isEmpty()) {
        qCInfo(lcSandbox) << "MQTT proxy: refused a client certificate without a common name";
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (m_sessions.size() >= m_options.maxSessions) {
        qCInfo(lcSandbox).noquote()
            << "MQTT proxy: closing the connection of" << thing
            << "before its CONNECT: the limit of" << m_options.maxSessions << "sessions is reached";
        turnAway(socket);
        return;
    }
    auto *session = new MqttProxySession(socket, MqttSessionPolicy(thing, deniedTo(thing)),
                                         m_options.brokerPort, limits(), this);
    m_sessions.append(session);
    connect(session, &MqttProxySession::refused, this, &MqttPolicyProxy::refused);
    connect(session, &MqttProxySession::finished, this,
            [this, session] { onSessionFinished(session); });
    session->start();
}

// A device that does not take the close within the CONNECT deadline is cut off.
void MqttPolicyProxy::turnAway(QSslSocket *socket)
{
    SandboxTls::closeGracefully(socket, this, m_options.connectTimeout);
}

// The handshake fails after this; the reason is worth a line, as mosquitto logs it too.
void MqttPolicyProxy::onSslErrors(QSslSocket *socket, const QList<QSslError> &errors)
{
    QStringList reasons;
    for (const QSslError &error : errors)
        reasons.append(error.errorString());
    qCInfo(lcSandbox).noquote() << "MQTT proxy: refused a TLS client from"
                                << socket->peerAddress().toString() << "-"
                                << reasons.join(QStringLiteral("; "));
}

void MqttPolicyProxy::onSessionFinished(MqttProxySession *session)
{
    m_sessions.removeOne(session);
    session->deleteLater();
}

QList<TopicFilter> MqttPolicyProxy::deniedTo(const QString &thingName) const
{
    QList<TopicFilter> filters;
    for (const BrokerProcess::Denial &denial : m_options.denials) {
        if (denial.thingName == thingName)
            filters.append(denial.filter);
    }
    return filters;
}

MqttProxySession::Limits MqttPolicyProxy::limits() const
{
    return {m_options.maxRemainingLength, m_options.maxBacklogBytes, m_options.readChunkBytes,
            m_options.connectTimeout, m_options.packetTimeout};
}

} // namespace thingdeck
