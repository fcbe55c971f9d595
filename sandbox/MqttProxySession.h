#pragma once

#include "MqttPacketReader.h"
#include "MqttSessionPolicy.h"

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>

class QSslSocket;

namespace thingdeck {

/// One device connection through the MqttPolicyProxy: the device's TLS socket on one side, a
/// plain connection to mosquitto's internal listener on the other. What the device sends is
/// cut into packets, and each packet is checked by the session's MqttSessionPolicy before it
/// goes on; a refusal closes both connections at once, without a word, as AWS IoT does. What
/// mosquitto sends goes to the device unchanged. Both directions keep their order, and
/// neither side is read while the other still has more than Limits::maxBacklogBytes to write.
class MqttProxySession : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        quint32 maxRemainingLength = 0; ///< larger packets from the device close the connection
        qint64 maxBacklogBytes = 0;     ///< reading pauses while the other side has this much
        qint64 readChunkBytes = 0;      ///< the most read from a socket at once
        std::chrono::milliseconds connectTimeout{0}; ///< start() to a whole first packet
        std::chrono::milliseconds packetTimeout{0};  ///< first to last byte of a packet
    };

    /// Takes `client` (encrypted, its certificate verified) as a child.
    MqttProxySession(QSslSocket *client, MqttSessionPolicy policy, quint16 brokerPort,
                     Limits limits, QObject *parent = nullptr);
    ~MqttProxySession() override;
    Q_DISABLE_COPY_MOVE(MqttProxySession)

    /// Connects to mosquitto; forwarding starts once that connection is up.
    void start();
    /// Closes both connections at once; finished() follows.
    void abort();

    const QString &thingName() const { return m_policy.thingName(); }
    /// Bytes waiting to be written, to either side.
    qint64 backlogBytes() const;

Q_SIGNALS:
    /// The device sent something its policy denies (or broken MQTT); `reason` is one line.
    void refused(const QString &thingName, const QString &reason);
    /// Both connections are closed.
    void finished();

private:
    void onBrokerConnected();
    void onBrokerError(QAbstractSocket::SocketError error);
    void onClientDisconnected();
    void onBrokerDisconnected();
    void pumpClientToBroker();
    void pumpBrokerToClient();
    void drainClient();
    void drainBroker();
    bool forwardPackets();
    void refuse(const QString &reason);
    void closeQuietly();
    void onConnectTimeout();
    void onPacketTimeout();
    void trackPacketDeadline(bool packetTaken);
    void finishWhenClosed();
    qint64 clientBacklog() const;

    QSslSocket *m_client;
    QTcpSocket m_broker;
    MqttPacketReader m_reader;
    MqttSessionPolicy m_policy;
    Limits m_limits;
    quint16 m_brokerPort;
    QTimer m_closeTimer;
    QTimer m_connectTimer; ///< until the first whole packet (the CONNECT) has come
    QTimer m_packetTimer;  ///< while a packet has started but not finished
    bool m_brokerConnected = false;
    bool m_closing = false; ///< refused or aborted: nothing more is read or forwarded
    bool m_finished = false;
};

} // namespace thingdeck
