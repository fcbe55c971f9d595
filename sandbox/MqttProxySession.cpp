#include "MqttProxySession.h"

#include "Logging.h"

#include <QHostAddress>
#include <QSslSocket>

namespace thingdeck {

namespace {

// A refused device whose socket does not take the last bytes within this is cut off.
constexpr int kCloseTimeoutMs = 5000;

bool isOpen(const QAbstractSocket &socket)
{
    return socket.state() == QAbstractSocket::ConnectedState;
}

} // namespace

MqttProxySession::MqttProxySession(QSslSocket *client, MqttSessionPolicy policy, quint16 brokerPort,
                                   Limits limits, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_reader(limits.maxRemainingLength)
    , m_policy(std::move(policy))
    , m_limits(limits)
    , m_brokerPort(brokerPort)
{
    m_client->setParent(this);
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, &MqttProxySession::abort);
    m_connectTimer.setSingleShot(true);
    m_connectTimer.setInterval(m_limits.connectTimeout);
    connect(&m_connectTimer, &QTimer::timeout, this, &MqttProxySession::onConnectTimeout);
    m_packetTimer.setSingleShot(true);
    m_packetTimer.setInterval(m_limits.packetTimeout);
    connect(&m_packetTimer, &QTimer::timeout, this, &MqttProxySession::onPacketTimeout);
    // Bounded socket buffers: what is not read stays in the kernel, and TCP slows the sender.
    m_client->setReadBufferSize(m_limits.readChunkBytes);
    m_broker.setReadBufferSize(m_limits.readChunkBytes);
    connect(m_client, &QSslSocket::readyRead, this, &MqttProxySession::pumpClientToBroker);
    connect(m_client, &QSslSocket::bytesWritten, this, &MqttProxySession::pumpBrokerToClient);
    connect(m_client, &QSslSocket::encryptedBytesWritten, this,
            &MqttProxySession::pumpBrokerToClient);
    connect(m_client, &QSslSocket::disconnected, this, &MqttProxySession::onClientDisconnected);
    connect(&m_broker, &QTcpSocket::connected, this, &MqttProxySession::onBrokerConnected);
    connect(&m_broker, &QTcpSocket::readyRead, this, &MqttProxySession::pumpBrokerToClient);
    connect(&m_broker, &QTcpSocket::bytesWritten, this, &MqttProxySession::pumpClientToBroker);
    connect(&m_broker, &QTcpSocket::disconnected, this, &MqttProxySession::onBrokerDisconnected);
    connect(&m_broker, &QTcpSocket::errorOccurred, this, &MqttProxySession::onBrokerError);
}

MqttProxySession::~MqttProxySession()
{
    // No signal of a socket may reach a session that is being destroyed.
    m_client->disconnect(this);
    m_broker.disconnect(this);
}

void MqttProxySession::start()
{
    if (m_client->state() != QAbstractSocket::ConnectedState) {
        finishWhenClosed();
        return;
    }
    m_connectTimer.start();
    m_broker.connectToHost(QHostAddress::LocalHost, m_brokerPort);
}

void MqttProxySession::abort()
{
    m_closing = true;
    m_closeTimer.stop();
    m_connectTimer.stop();
    m_packetTimer.stop();
    m_client->disconnect(this);
    m_broker.disconnect(this);
    m_client->abort();
    m_broker.abort();
    finishWhenClosed();
}

qint64 MqttProxySession::backlogBytes() const
{
    return clientBacklog() + m_broker.bytesToWrite();
}

// QSslSocket encrypts at once; the encrypted bytes are what waits for the device.
qint64 MqttProxySession::clientBacklog() const
{
    return m_client->bytesToWrite() + m_client->encryptedBytesToWrite();
}

void MqttProxySession::onBrokerConnected()
{
    m_brokerConnected = true;
    // MQTT packets are small and answered one by one: Nagle's algorithm would delay them.
    m_broker.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // The device may have sent its CONNECT already; no readyRead will come for it again.
    pumpClientToBroker();
}

void MqttProxySession::onBrokerError(QAbstractSocket::SocketError error)
{
    if (m_brokerConnected || m_finished)
        return; // disconnected() follows and closes the device's side
    qCWarning(lcSandbox).noquote()
        << "MQTT proxy: cannot reach mosquitto on port" << m_brokerPort << "for" << thingName()
        << "(" << error << m_broker.errorString() << "); closing the device's "
        << "connection";
    abort();
}

void MqttProxySession::onClientDisconnected()
{
    if (!isOpen(m_broker)) {
        abort();
        return;
    }
    drainClient();
    m_connectTimer.stop(); // the device has gone: nothing more can come to wait for
    m_packetTimer.stop();
    // Sends what is still waiting, then closes (a refusal on the way has closed it already).
    m_broker.disconnectFromHost();
    finishWhenClosed();
}

void MqttProxySession::onBrokerDisconnected()
{
    if (isOpen(*m_client)) {
        drainBroker();
        m_client->disconnectFromHost();
    }
    finishWhenClosed();
}

void MqttProxySession::pumpClientToBroker()
{
    if (m_closing || !isOpen(m_broker))
        return;
    while (m_broker.bytesToWrite() < m_limits.maxBacklogBytes && m_client->bytesAvailable() > 0) {
        m_reader.append(m_client->read(m_limits.readChunkBytes));
        if (!forwardPackets())
            return;
    }
}

void MqttProxySession::pumpBrokerToClient()
{
    if (m_closing || !isOpen(*m_client))
        return;
    while (clientBacklog() < m_limits.maxBacklogBytes && m_broker.bytesAvailable() > 0)
        m_client->write(m_broker.read(m_limits.readChunkBytes));
}

// A closed side can send nothing more, so what it sent last goes on regardless of the
// backlog; it is at most one read buffer.
void MqttProxySession::drainClient()
{
    while (!m_closing && m_client->bytesAvailable() > 0) {
        m_reader.append(m_client->read(m_limits.readChunkBytes));
        forwardPackets();
    }
}

void MqttProxySession::drainBroker()
{
    while (m_broker.bytesAvailable() > 0)
        m_client->write(m_broker.read(m_limits.readChunkBytes));
}

// Whole packets only: a packet is checked before any byte of it reaches mosquitto.
bool MqttProxySession::forwardPackets()
{
    for (bool taken = false;; taken = true) {
        auto packet = m_reader.next();
        if (!packet) {
            refuse(packet.error());
            return false;
        }
        if (!packet.value()) {
            trackPacketDeadline(taken);
            return true;
        }
        const auto verdict = m_policy.inspect(*packet.value());
        if (!verdict) {
            refuse(verdict.error());
            return false;
        }
        m_broker.write(verdict.value());
    }
}

// The deadline of a packet runs from its first byte: a packet taken restarts it for the next
// one, and a device trickling bytes cannot keep a packet open.
void MqttProxySession::trackPacketDeadline(bool packetTaken)
{
    if (packetTaken)
        m_connectTimer.stop(); // the first packet is the CONNECT; the policy checks that
    if (m_reader.bufferedBytes() == 0)
        m_packetTimer.stop();
    else if (packetTaken || !m_packetTimer.isActive())
        m_packetTimer.start();
}

void MqttProxySession::onConnectTimeout()
{
    if (m_closing)
        return;
    qCInfo(lcSandbox).noquote() << "MQTT proxy: closing the connection of" << thingName()
                                << "because no CONNECT came within"
                                << m_limits.connectTimeout.count() << "ms of the TLS handshake";
    closeQuietly();
}

// A packet waiting only because the proxy stopped reading (the broker's side is backed up)
// has not stalled: the device is given the time again.
void MqttProxySession::onPacketTimeout()
{
    if (m_closing)
        return;
    if (m_client->bytesAvailable() > 0 || m_broker.bytesToWrite() >= m_limits.maxBacklogBytes) {
        m_packetTimer.start();
        return;
    }
    qCInfo(lcSandbox).noquote() << "MQTT proxy: closing the connection of" << thingName()
                                << "because a packet it started was not complete within"
                                << m_limits.packetTimeout.count() << "ms";
    closeQuietly();
}

void MqttProxySession::refuse(const QString &reason)
{
    qCInfo(lcSandbox).noquote() << "MQTT proxy: closing the connection of" << thingName()
                                << "as AWS IoT would:" << reason;
    emit refused(thingName(), reason);
    closeQuietly();
}

void MqttProxySession::closeQuietly()
{
    m_closing = true;
    m_connectTimer.stop();
    m_packetTimer.stop();
    m_broker.disconnect(this);
    m_broker.abort();
    // As a broker closes a TLS connection: close_notify, then FIN. A bare FIN or RST makes
    // OpenSSL report "unexpected EOF" to the client, which Paho takes for a protocol error
    // rather than for the server hanging up.
    m_client->disconnectFromHost();
    m_closeTimer.start(kCloseTimeoutMs);
    finishWhenClosed();
}

void MqttProxySession::finishWhenClosed()
{
    if (m_finished || m_client->state() != QAbstractSocket::UnconnectedState ||
        m_broker.state() != QAbstractSocket::UnconnectedState)
        return;
    m_finished = true;
    m_closeTimer.stop();
    emit finished();
}

} // namespace thingdeck
