#include "WebSocketGateSession.h"

#include "HttpServer.h"
#include "Logging.h"
#include "RequestAuthenticator.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>

#include <utility>

namespace thingdeck {

namespace {

// A refused client whose socket does not take the answer within this is cut off.
constexpr int kCloseTimeoutMs = 5000;

bool isOpen(const QAbstractSocket &socket)
{
    return socket.state() == QAbstractSocket::ConnectedState;
}

// AWS's body for a refused WebSocket upgrade is not recorded (aws-iot.md names only the REST
// texts); this is the shape of the REST data plane's 403, whose texts the checks share.
HttpResponse errorResponse(int status, const QByteArray &code, const QString &message)
{
    HttpResponse response;
    response.status = status;
    response.headers.append(HttpHeader{"Content-Type", "application/json"});
    if (!code.isEmpty())
        response.headers.append(HttpHeader{"x-amzn-ErrorType", code});
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("message"), message}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

} // namespace

WebSocketGateSession::WebSocketGateSession(QSslSocket *client,
                                           const RequestAuthenticator *authenticator,
                                           quint16 brokerPort, Limits limits, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_authenticator(authenticator)
    , m_brokerPort(brokerPort)
    , m_limits(limits)
{
    m_client->setParent(this);
    m_headTimer.setSingleShot(true);
    m_headTimer.setInterval(m_limits.headTimeout);
    connect(&m_headTimer, &QTimer::timeout, this, &WebSocketGateSession::onHeadTimeout);
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, &WebSocketGateSession::abort);
    // Bounded socket buffers: what is not read stays in the kernel, and TCP slows the sender.
    m_client->setReadBufferSize(m_limits.readChunkBytes);
    m_broker.setReadBufferSize(m_limits.readChunkBytes);
    connect(m_client, &QSslSocket::readyRead, this, &WebSocketGateSession::onClientReadyRead);
    connect(m_client, &QSslSocket::bytesWritten, this, &WebSocketGateSession::pumpBrokerToClient);
    connect(m_client, &QSslSocket::encryptedBytesWritten, this,
            &WebSocketGateSession::pumpBrokerToClient);
    connect(m_client, &QSslSocket::disconnected, this, &WebSocketGateSession::onClientDisconnected);
    connect(&m_broker, &QTcpSocket::connected, this, &WebSocketGateSession::onBrokerConnected);
    connect(&m_broker, &QTcpSocket::readyRead, this, &WebSocketGateSession::pumpBrokerToClient);
    connect(&m_broker, &QTcpSocket::bytesWritten, this, &WebSocketGateSession::pumpClientToBroker);
    connect(&m_broker, &QTcpSocket::disconnected, this,
            &WebSocketGateSession::onBrokerDisconnected);
    connect(&m_broker, &QTcpSocket::errorOccurred, this, &WebSocketGateSession::onBrokerError);
}

WebSocketGateSession::~WebSocketGateSession()
{
    // No signal of a socket may reach a session that is being destroyed.
    m_client->disconnect(this);
    m_broker.disconnect(this);
}

void WebSocketGateSession::start()
{
    if (!isOpen(*m_client)) {
        abort();
        return;
    }
    m_headTimer.start();
    // The request may have come with the end of the handshake; no readyRead comes for it again.
    readHead();
}

void WebSocketGateSession::abort()
{
    m_phase = Phase::Closing;
    m_headTimer.stop();
    m_closeTimer.stop();
    m_client->disconnect(this);
    m_broker.disconnect(this);
    m_client->abort();
    m_broker.abort();
    finishWhenClosed();
}

qint64 WebSocketGateSession::backlogBytes() const
{
    return clientBacklog() + m_broker.bytesToWrite();
}

// QSslSocket encrypts at once; the encrypted bytes are what waits for the client.
qint64 WebSocketGateSession::clientBacklog() const
{
    return m_client->bytesToWrite() + m_client->encryptedBytesToWrite();
}

void WebSocketGateSession::onClientReadyRead()
{
    if (m_phase == Phase::ReadingHead)
        readHead();
    else if (m_phase == Phase::Piping)
        pumpClientToBroker();
    // While mosquitto is being connected, what comes waits in the (bounded) socket buffer.
}

// Never more than one byte beyond the limit is taken, so a client cannot grow the buffer.
void WebSocketGateSession::readHead()
{
    m_head += m_client->read(m_limits.maxHeadBytes + 1 - m_head.size());
    const qsizetype end = HttpServer::headEnd(m_head);
    if (end > 0 && end <= m_limits.maxHeadBytes) {
        judge(end);
        return;
    }
    if (end > 0 || m_head.size() > m_limits.maxHeadBytes)
        refuseWith(431, {},
                   QStringLiteral("The request line and headers exceed %1 bytes.")
                       .arg(m_limits.maxHeadBytes));
}

void WebSocketGateSession::judge(qsizetype headEnd)
{
    m_headTimer.stop();
    const auto request = HttpServer::parseRequestHead(m_head.left(headEnd));
    if (!request) {
        refuseWith(request.error().status, {}, QString::fromUtf8(request.error().reason));
        return;
    }
    const auto caller =
        m_authenticator->authenticatePresigned(request.value(), ApiPlane::DeviceGateway);
    if (!caller) {
        const AuthFailure &failure = caller.error();
        refuseWith(failure.httpStatus, failure.code.toLatin1(), failure.message);
        return;
    }
    qCDebug(lcSandbox).noquote() << "WebSocket gate: accepted a connection signed by"
                                 << caller.value().accessKeyId;
    m_phase = Phase::ConnectingBroker;
    m_broker.connectToHost(QHostAddress::LocalHost, m_brokerPort);
}

void WebSocketGateSession::refuseWith(int status, const QByteArray &code, const QString &message)
{
    QString reason = QString::number(status) + u' ';
    if (!code.isEmpty())
        reason += QString::fromLatin1(code) + QStringLiteral(": ");
    reason += message;
    refuse(errorResponse(status, code, message), reason);
}

void WebSocketGateSession::refuse(const HttpResponse &response, const QString &reason)
{
    qCInfo(lcSandbox).noquote() << "WebSocket gate: refused a connection from"
                                << m_client->peerAddress().toString() << "with" << reason;
    m_phase = Phase::Closing;
    m_headTimer.stop();
    m_head.clear();
    emit refused(reason);
    m_client->write(HttpServer::serializeResponse(response, false));
    // Sends the answer, then close_notify and FIN, as AWS closes after its answer.
    m_client->disconnectFromHost();
    m_closeTimer.start(kCloseTimeoutMs);
    finishWhenClosed();
}

void WebSocketGateSession::onHeadTimeout()
{
    if (m_phase != Phase::ReadingHead)
        return;
    refuseWith(408, {},
               QStringLiteral("The request line and headers did not arrive within %1 ms.")
                   .arg(m_limits.headTimeout.count()));
}

// The head goes on unchanged: mosquitto answers the upgrade itself.
void WebSocketGateSession::onBrokerConnected()
{
    m_phase = Phase::Piping;
    // MQTT packets are small and answered one by one: Nagle's algorithm would delay them.
    m_broker.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_broker.write(std::exchange(m_head, {}));
    pumpClientToBroker();
}

void WebSocketGateSession::onBrokerError(QAbstractSocket::SocketError error)
{
    if (m_phase != Phase::ConnectingBroker)
        return; // disconnected() follows when a connected broker goes
    qCWarning(lcSandbox).noquote() << "WebSocket gate: cannot reach mosquitto on port"
                                   << m_brokerPort << "(" << error << m_broker.errorString() << ")";
    refuseWith(503, "ServiceUnavailableException",
               QStringLiteral("The MQTT broker cannot be reached."));
}

void WebSocketGateSession::onClientDisconnected()
{
    if (m_phase != Phase::Piping || !isOpen(m_broker)) {
        abort();
        return;
    }
    // What the client sent last goes on regardless of the backlog; it is at most one buffer.
    while (m_client->bytesAvailable() > 0)
        m_broker.write(m_client->read(m_limits.readChunkBytes));
    m_broker.disconnectFromHost();
    finishWhenClosed();
}

void WebSocketGateSession::onBrokerDisconnected()
{
    if (m_phase == Phase::Piping && isOpen(*m_client)) {
        while (m_broker.bytesAvailable() > 0)
            m_client->write(m_broker.read(m_limits.readChunkBytes));
        m_client->disconnectFromHost();
    }
    finishWhenClosed();
}

void WebSocketGateSession::pumpClientToBroker()
{
    if (m_phase != Phase::Piping || !isOpen(m_broker))
        return;
    while (m_broker.bytesToWrite() < m_limits.maxBacklogBytes && m_client->bytesAvailable() > 0)
        m_broker.write(m_client->read(m_limits.readChunkBytes));
}

void WebSocketGateSession::pumpBrokerToClient()
{
    if (m_phase != Phase::Piping || !isOpen(*m_client))
        return;
    while (clientBacklog() < m_limits.maxBacklogBytes && m_broker.bytesAvailable() > 0)
        m_client->write(m_broker.read(m_limits.readChunkBytes));
}

void WebSocketGateSession::finishWhenClosed()
{
    if (m_finished || m_client->state() != QAbstractSocket::UnconnectedState ||
        m_broker.state() != QAbstractSocket::UnconnectedState)
        return;
    m_finished = true;
    m_headTimer.stop();
    m_closeTimer.stop();
    emit finished();
}

} // namespace thingdeck
