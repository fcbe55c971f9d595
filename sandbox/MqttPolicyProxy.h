#pragma once

#include "BrokerProcess.h"
#include "MqttProxySession.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QSslServer>

#include <chrono>
#include <optional>

namespace thingdeck {

class SandboxPki;

/// The sandbox's AWS-like MQTT endpoint when IoT policy denials are configured: mosquitto
/// 2.0 grants a denied SUBSCRIBE and quietly drops a denied PUBLISH, where AWS IoT closes the
/// connection without a reason. This proxy stands in front of mosquitto and does what AWS
/// does. It listens with mutual TLS on 127.0.0.1 (client certificates from the sandbox CA
/// only; the certificate's CN is the thing name), connects each device to mosquitto's internal
/// plain listener, and forwards both ways; see MqttProxySession and MqttSessionPolicy.
class MqttPolicyProxy : public QObject
{
    Q_OBJECT
public:
    /// AWS IoT allows 128 KB of payload; twice that plus room for a topic and properties.
    static constexpr quint32 kDefaultMaxRemainingLength = 256 * 1024 + 8 * 1024;

    struct Options
    {
        quint16 brokerPort = 0; ///< mosquitto's internal plain listener on 127.0.0.1
        QList<BrokerProcess::Denial> denials;
        quint32 maxRemainingLength = kDefaultMaxRemainingLength;
        qint64 maxBacklogBytes = qint64{1024} * 1024; ///< per direction and connection
        qint64 readChunkBytes = qint64{64} * 1024;
        /// Sessions at once. A device beyond this is told nothing: its connection is closed
        /// (close_notify, then FIN) right after the TLS handshake, before any MQTT is read.
        int maxSessions = 256;
        /// From the end of the TLS handshake to a whole CONNECT packet; later → closed.
        std::chrono::milliseconds connectTimeout{10000};
        /// From the first byte of a packet to its last; a stalled packet → closed.
        std::chrono::milliseconds packetTimeout{30000};
    };

    explicit MqttPolicyProxy(Options options, QObject *parent = nullptr);
    ~MqttPolicyProxy() override;
    Q_DISABLE_COPY_MOVE(MqttPolicyProxy)

    /// Loads the CA and the server certificate and key of `pki` and listens on
    /// 127.0.0.1:`port` (0 picks a free port). An error names the file or the port.
    std::optional<QString> listen(const SandboxPki &pki, quint16 port = 0);
    /// Stops listening and closes every connection at once.
    void close();

    quint16 port() const { return m_server.serverPort(); }
    qsizetype sessionCount() const { return m_sessions.size(); }
    /// The most bytes any one connection has waiting to be written (to either side).
    qint64 largestBacklogBytes() const;

Q_SIGNALS:
    /// A device's connection was closed because of what it sent; `reason` is one line, e.g.
    /// "SUBSCRIBE secret/# overlaps the denied filter secret/#".
    void refused(const QString &thingName, const QString &reason);

private:
    static Result<QSslConfiguration, QString> tlsConfiguration(const SandboxPki &pki);
    void acceptPending();
    void accept(QSslSocket *socket);
    void turnAway(QSslSocket *socket);
    void onSslErrors(QSslSocket *socket, const QList<QSslError> &errors);
    void onSessionFinished(MqttProxySession *session);
    QList<TopicFilter> deniedTo(const QString &thingName) const;
    MqttProxySession::Limits limits() const;

    Options m_options;
    QSslServer m_server;
    QList<MqttProxySession *> m_sessions; ///< children of this proxy
};

} // namespace thingdeck
