#include "SandboxProcess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <csignal>

namespace thingdeck::test {

SandboxProcess::SandboxProcess(QString stateDir)
    : m_stateDir(std::move(stateDir))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

SandboxProcess::~SandboxProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
}

QString SandboxProcess::executable()
{
    return QStringLiteral(THINGDECK_SANDBOX_EXECUTABLE);
}

bool SandboxProcess::start(const QStringList &extraArguments, int timeoutMs)
{
    m_output.clear();
    m_process.start(executable(),
                    QStringList{QStringLiteral("--state-dir"), m_stateDir} + extraArguments);
    const QString expected = m_stateDir + QStringLiteral("/sandbox.json");
    QDeadlineTimer deadline(timeoutMs);
    while (!m_output.contains(expected.toUtf8())) {
        if (m_process.state() == QProcess::NotRunning || deadline.hasExpired()) {
            m_error = QStringLiteral("sandbox did not become ready: ") +
                      QString::fromUtf8(m_output + m_process.readAll());
            return false;
        }
        m_process.waitForReadyRead(100);
        m_output += m_process.readAll();
    }
    QFile file(expected);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = file.errorString();
        return false;
    }
    m_info = QJsonDocument::fromJson(file.readAll()).object();
    return !m_info.isEmpty();
}

int SandboxProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    m_output += m_process.readAll();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void SandboxProcess::kill()
{
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(5000);
}

QByteArray SandboxProcess::output()
{
    m_output += m_process.readAll();
    return m_output;
}

QString SandboxProcess::value(const char *key) const
{
    return m_info.value(QLatin1String(key)).toString();
}

int SandboxProcess::port(const char *key) const
{
    return m_info.value(QLatin1String(key)).toInt();
}

QString SandboxProcess::deviceCertificate(int index) const
{
    return m_info.value(QStringLiteral("devices"))
        .toArray()
        .at(index)
        .toObject()
        .value(QStringLiteral("certificateFile"))
        .toString();
}

QString SandboxProcess::deviceKey(int index) const
{
    return m_info.value(QStringLiteral("devices"))
        .toArray()
        .at(index)
        .toObject()
        .value(QStringLiteral("privateKeyFile"))
        .toString();
}

QString SandboxProcess::deviceThing(int index) const
{
    return m_info.value(QStringLiteral("devices"))
        .toArray()
        .at(index)
        .toObject()
        .value(QStringLiteral("thingName"))
        .toString();
}

QProcessEnvironment SandboxProcess::awsEnvironment(const QString &home) const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    // Our own executables started with this environment keep the sanitizer settings
    // (LeakSanitizer's suppressions among them).
    for (const char *name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
        if (qEnvironmentVariableIsSet(name))
            env.insert(QLatin1String(name), qEnvironmentVariable(name));
    }
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), value("accessKeyId"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), value("secretAccessKey"));
    env.insert(QStringLiteral("AWS_REGION"), value("region"));
    env.insert(QStringLiteral("AWS_DEFAULT_REGION"), value("region"));
    env.insert(QStringLiteral("AWS_CA_BUNDLE"), value("caFile"));
    env.insert(QStringLiteral("AWS_ENDPOINT_URL"), value("restEndpoint"));
    env.insert(QStringLiteral("AWS_PAGER"), QString());
    return env;
}

QStringList SandboxProcess::endpointArguments() const
{
    // Debian's AWS CLI (2.9) ignores AWS_ENDPOINT_URL, so pass it explicitly too.
    return {QStringLiteral("--endpoint-url"), value("restEndpoint")};
}

} // namespace thingdeck::test
