#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>

class QSslSocket;

namespace thingdeck {

class RequestAuthenticator;
struct HttpResponse;

/// One client connection through the WebSocketGate. It reads the client's HTTP upgrade
/// request head (bounded in size and time) and checks its presigned URL with the
/// RequestAuthenticator, as AWS IoT's device gateway checks SigV4 for MQTT over WebSocket. A
/// refusal is answered with an HTTP error and AWS's JSON body, and the connection closed. An
/// accepted request goes, byte for byte, to mosquitto's internal plain websockets listener, and
/// from then on the session pipes bytes both ways: neither side is read while the other still
/// has more than Limits::maxBacklogBytes to write, and when one side closes, the other is
/// closed once what that side sent last has been passed on.
class WebSocketGateSession : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketGateSession)
public:
    struct Limits
    {
        qsizetype maxHeadBytes = 0;               ///< request line and headers; larger → 431
        std::chrono::milliseconds headTimeout{0}; ///< start() to the end of the head; later → 408
        qint64 maxBacklogBytes = 0;               ///< reading pauses while the other side has this
        qint64 readChunkBytes = 0;                ///< the most read from a socket at once
    };

    /// Takes `client` (encrypted) as a child. `authenticator` must outlive the session.
    WebSocketGateSession(QSslSocket *client, const RequestAuthenticator *authenticator,
                         quint16 brokerPort, Limits limits, QObject *parent = nullptr);
    ~WebSocketGateSession() override;

    /// Starts reading the request head.
    void start();
    /// Closes both connections at once; finished() follows.
    void abort();

    /// Bytes waiting to be written, to either side.
    qint64 backlogBytes() const;

Q_SIGNALS:
    /// The upgrade request was refused; `reason` is one line, e.g. "403 InvalidSignatureException:
    /// The request signature we calculated does not match …".
    void refused(const QString &reason);
    /// Both connections are closed.
    void finished();

private:
    enum class Phase { ReadingHead, ConnectingBroker, Piping, Closing };

    void onClientReadyRead();
    void readHead();
    void judge(qsizetype headEnd);
    void refuse(const HttpResponse &response, const QString &reason);
    void refuseWith(int status, const QByteArray &code, const QString &message);
    void onHeadTimeout();
    void onBrokerConnected();
    void onBrokerError(QAbstractSocket::SocketError error);
    void onClientDisconnected();
    void onBrokerDisconnected();
    void pumpClientToBroker();
    void pumpBrokerToClient();
    void finishWhenClosed();
    qint64 clientBacklog() const;

    QSslSocket *m_client;
    QTcpSocket m_broker;
    const RequestAuthenticator *m_authenticator;
    quint16 m_brokerPort;
    Limits m_limits;
    QByteArray m_head; ///< what the client sent before mosquitto was connected, bounded
    QTimer m_headTimer;
    QTimer m_closeTimer;
    Phase m_phase = Phase::ReadingHead;
    bool m_finished = false;
};

} // namespace thingdeck
