#pragma once

#include "Result.h"
#include "SandboxPki.h"
#include "mqtt/TopicFilter.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <optional>

namespace thingdeck {

/// The sandbox's MQTT broker: mosquitto run as a child process with a generated config that
/// imitates AWS IoT Core's endpoints on loopback. Three listeners:
///  - internal: plain MQTT on 127.0.0.1, for the sandbox's own service connection and the MQTT
///    policy proxy (mosquitto also needs one normal listener for the websockets listener to
///    start at all);
///  - MQTT over mutual TLS (port 8883 in AWS): a client certificate from the sandbox CA is
///    required and its CN (the thing name) becomes the MQTT user name;
///  - internal: MQTT over plain websockets on loopback, behind the WebSocketGate, which
///    terminates TLS and checks the SigV4 presigned URL that mosquitto would ignore (the
///    public wss:// port, 443 in AWS, is the gate's).
/// Everything is asynchronous: start() returns at once and ready() or failed() follows.
/// The child never outlives this process, even when this process is killed with SIGKILL
/// (the kernel's parent-death signal; it follows the *thread* that started the child, so
/// start() belongs on a thread that lives as long as the broker, normally the main thread).
class BrokerProcess : public QObject
{
    Q_OBJECT
public:
    enum class State { NotRunning, Starting, Running, Stopping };
    Q_ENUM(State)

    /// A device (by thing name, the certificate CN) may neither publish to nor receive from
    /// topics matching `filter`. mosquitto 2.0 still grants the SUBSCRIBE and acknowledges the
    /// PUBLISH (then drops it) where AWS would close the connection; see writeAcl().
    struct Denial
    {
        QString thingName;
        TopicFilter filter;
    };

    struct Options
    {
        /// A name looked up in PATH, then /usr/local/sbin and /usr/sbin; or a path.
        QString program = QStringLiteral("mosquitto");
        /// Where mosquitto.conf (and mosquitto.acl) are written; empty: the PKI's directory.
        QString configDirectory;
        quint16 mqttPort = 0; ///< MQTT over mutual TLS; 0 picks a free port
        /// The internal plain websockets listener (for the WebSocketGate); 0 picks a free port.
        quint16 webSocketPort = 0;
        QList<Denial> denials;
        std::chrono::milliseconds stopTimeout{3000}; ///< SIGTERM, then SIGKILL after this
    };

    BrokerProcess(const SandboxPki &pki, Options options, QObject *parent = nullptr);
    /// Kills a broker that is still running and waits for it, briefly.
    ~BrokerProcess() override;
    Q_DISABLE_COPY_MOVE(BrokerProcess)

    /// Picks the ports, writes the config and starts mosquitto. ready() or failed() follows,
    /// always from the event loop (never inside start()). Ignored unless NotRunning.
    void start();
    /// SIGTERM, then SIGKILL if mosquitto is still there after Options::stopTimeout.
    /// exited() follows.
    void stop();

    State state() const { return m_state; }
    /// The ports in use, known once start() has been called (0 before).
    quint16 internalPort() const { return m_internalPort; }
    quint16 mqttPort() const { return m_mqttPort; }
    quint16 webSocketPort() const { return m_webSocketPort; }
    QString configFile() const;
    /// Empty when there are no denials (then every client may use every topic).
    QString aclFile() const;
    /// The broker's process id while it runs, 0 otherwise.
    qint64 processId() const { return m_process.processId(); }
    /// The last lines mosquitto wrote (at most logCapacity), oldest first, for diagnostics.
    QStringList recentLog() const { return m_log; }

    static constexpr qsizetype logCapacity = 50;

signals:
    void stateChanged(thingdeck::BrokerProcess::State state);
    /// mosquitto has opened all listeners.
    void ready();
    /// mosquitto could not start; `message` is one line naming the cause and the fix.
    void failed(const QString &message);
    /// mosquitto ended after ready() (or after stop() during start); `reason` for the log.
    void exited(const QString &reason);

private:
    Result<QString, QString> prepare();
    Result<QString, QString> resolveProgram() const;
    std::optional<QString> pickPorts();
    std::optional<QString> writeConfig() const;
    std::optional<QString> writeAcl() const;
    QString configText() const;
    QString tlsListenerText(quint16 port, const QString &address) const;
    void launch(const QString &program);
    void failLater(const QString &message);
    void setState(State state);
    void onReadyReadStandardError();
    void takeLine(const QByteArray &bytes);
    void onErrorOccurred(QProcess::ProcessError error);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onStopTimeout();
    QString startFailure(int exitCode, QProcess::ExitStatus status) const;
    QString busyPortFailure(quint16 port) const;
    std::optional<quint16> busyPort() const;
    std::optional<QString> fileFailure() const;

    QString m_caFile;
    QString m_certificateFile;
    QString m_keyFile;
    Options m_options;
    QProcess m_process;
    QTimer m_stopTimer;
    QElapsedTimer m_startTimer;
    QStringList m_log;
    QByteArray m_partialLine;
    State m_state = State::NotRunning;
    bool m_stopRequested = false;
    quint16 m_internalPort = 0;
    quint16 m_mqttPort = 0;
    quint16 m_webSocketPort = 0;
};

} // namespace thingdeck
