#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace thingdeck {
class SandboxPki;
}

namespace thingdeck::test {

/// mosquitto run by a test so that it can be killed with SIGKILL, as a crash would end it, and
/// started again on the same port: one MQTT-over-mutual-TLS listener on loopback with the
/// sandbox PKI's server files (the certificate CN becomes the user name, as in BrokerProcess).
/// With `persistent`, sessions and queued messages are kept in the directory and saved on
/// every change, so that a persistent session survives a SIGKILL. Test support: start() waits
/// (running the event loop) until mosquitto listens. mosquitto never outlives the test.
class RestartableBroker
{
public:
    RestartableBroker(const SandboxPki &pki, QString directory, bool persistent);
    ~RestartableBroker();

    /// Writes the config (the port is picked on the first start and kept) and starts
    /// mosquitto; false with error() set unless it listens within `timeoutMs`.
    bool start(int timeoutMs = 15000);
    /// SIGKILL, then waits until the process has ended.
    void kill();

    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString error() const { return m_error; }
    /// How often start() has succeeded.
    int starts() const { return m_starts; }

private:
    bool pickPort();
    bool writeConfig() const;
    QString configText() const;
    void takeOutput();

    QString m_caFile;
    QString m_certificateFile;
    QString m_keyFile;
    QString m_directory;
    bool m_persistent;
    QProcess m_process;
    QByteArray m_output; ///< what mosquitto wrote since the last start
    QString m_error;
    quint16 m_port = 0;
    int m_starts = 0;
};

} // namespace thingdeck::test
