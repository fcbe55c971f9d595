#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace thingdeck::test {

/// Runs the real thingdeck-sandbox executable for integration tests and reads the
/// sandbox.json it writes when ready. Test support may block; product code never does.
class SandboxProcess
{
public:
    explicit SandboxProcess(QString stateDir);
    ~SandboxProcess();

    /// Starts the sandbox with `extraArguments` and waits until it prints its sandbox.json
    /// path; false with error() set when it exits or takes longer than `timeoutMs`.
    bool start(const QStringList &extraArguments = {}, int timeoutMs = 60000);
    /// SIGTERM and wait; returns the exit code (-1 if it had to be killed).
    int stop(int timeoutMs = 15000);
    /// SIGKILL, as a crash would.
    void kill();

    QString error() const { return m_error; }
    qint64 processId() const { return m_process.processId(); }
    const QJsonObject &info() const { return m_info; }
    QString value(const char *key) const;
    int port(const char *key) const;
    QString deviceCertificate(int index) const;
    QString deviceKey(int index) const;
    QString deviceThing(int index) const;
    /// Output so far, for failure messages.
    QByteArray output();

    /// Environment for the AWS CLI pointed at the sandbox: keys, region, CA bundle, an empty
    /// HOME so that no user configuration leaks in.
    QProcessEnvironment awsEnvironment(const QString &home) const;
    QStringList endpointArguments() const;

    static QString executable();

private:
    QString m_stateDir;
    QProcess m_process;
    QJsonObject m_info;
    QString m_error;
    QByteArray m_output;
};

} // namespace thingdeck::test
