#pragma once

#include "WebSocketGateSession.h"

#include <QList>
#include <QObject>
#include <QSslServer>

#include <chrono>
#include <optional>

namespace thingdeck {

class RequestAuthenticator;
class SandboxPki;

/// The sandbox's MQTT-over-WebSocket endpoint (AWS: wss://<endpoint>/mqtt on port 443). AWS IoT
/// lets a WebSocket in only with a valid SigV4 presigned URL (service iotdevicegateway); mosquitto
/// ignores the query string. So this gate listens with TLS on 127.0.0.1 (the sandbox's server
/// certificate; no client certificate), checks each upgrade request with the same
/// RequestAuthenticator as the REST API, and passes accepted connections to mosquitto's
/// internal plain websockets listener; see WebSocketGateSession.
class WebSocketGate : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketGate)
public:
    struct Options
    {
        quint16 brokerPort = 0; ///< mosquitto's internal plain websockets listener on loopback
        /// A presigned URL with a session token runs to about 2 KB; this leaves room for it
        /// and for headers.
        qsizetype maxHeadBytes = qsizetype{16} * 1024;
        /// From the end of the TLS handshake to the end of the request head; later → 408.
        std::chrono::milliseconds headTimeout{10000};
        qint64 maxBacklogBytes = qint64{1024} * 1024; ///< per direction and connection
        qint64 readChunkBytes = qint64{64} * 1024;
        /// Sessions at once. A client beyond this is told nothing: its connection is closed
        /// (close_notify, then FIN) right after the TLS handshake.
        int maxSessions = 256;
    };

    /// `authenticator` must outlive the gate.
    WebSocketGate(const RequestAuthenticator *authenticator, Options options,
                  QObject *parent = nullptr);
    ~WebSocketGate() override;

    /// Loads the server certificate and key of `pki` and listens on 127.0.0.1:`port` (0 picks
    /// a free port). An error names the file or the port.
    std::optional<QString> listen(const SandboxPki &pki, quint16 port = 0);
    /// Stops listening and closes every connection at once.
    void close();

    quint16 port() const { return m_server.serverPort(); }
    qsizetype sessionCount() const { return m_sessions.size(); }
    /// The most bytes any one connection has waiting to be written (to either side).
    qint64 largestBacklogBytes() const;

Q_SIGNALS:
    /// An upgrade request was refused; `reason` is one line starting with the HTTP status.
    void refused(const QString &reason);

private:
    void acceptPending();
    void accept(QSslSocket *socket);
    static void onSslErrors(QSslSocket *socket, const QList<QSslError> &errors);
    void onSessionFinished(WebSocketGateSession *session);

    const RequestAuthenticator *m_authenticator;
    Options m_options;
    QSslServer m_server;
    QList<WebSocketGateSession *> m_sessions; ///< children of this gate
};

} // namespace thingdeck
