#include "RestartableBroker.h"

#include "SandboxPki.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace thingdeck::test {

RestartableBroker::RestartableBroker(const SandboxPki &pki, QString directory, bool persistent)
    : m_caFile(pki.caCertificateFile())
    , m_certificateFile(pki.serverCertificateFile())
    , m_keyFile(pki.serverKeyFile())
    , m_directory(std::move(directory))
    , m_persistent(persistent)
{
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setStandardOutputFile(QProcess::nullDevice());
    // The kernel kills mosquitto when the thread that started it ends, even by SIGKILL.
    m_process.setChildProcessModifier([parent = ::getpid()] {
        ::prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(SIGKILL));
        if (::getppid() != parent)
            ::_exit(1);
    });
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { takeOutput(); });
}

RestartableBroker::~RestartableBroker()
{
    kill();
}

bool RestartableBroker::start(int timeoutMs)
{
    if (isRunning())
        return true;
    if ((m_port == 0 && !pickPort()) || !writeConfig())
        return false;
    m_output.clear();
    // Debian installs it in sbin, which a test's PATH may lack.
    QString program = QStandardPaths::findExecutable(QStringLiteral("mosquitto"));
    if (program.isEmpty()) {
        program = QStandardPaths::findExecutable(
            QStringLiteral("mosquitto"),
            {QStringLiteral("/usr/local/sbin"), QStringLiteral("/usr/sbin")});
    }
    m_process.start(
        program, {QStringLiteral("-c"), QDir(m_directory).filePath(QStringLiteral("faults.conf"))});
    // "mosquitto version 2.0.11 running" comes once every listener is open.
    const bool ready = QTest::qWaitFor(
        [this] { return m_output.contains(" running\n") || !isRunning(); }, timeoutMs);
    if (!ready || !isRunning()) {
        m_error = QStringLiteral("mosquitto did not start: %1 %2")
                      .arg(m_process.errorString(), QString::fromUtf8(m_output.right(2000)));
        kill();
        return false;
    }
    ++m_starts;
    return true;
}

void RestartableBroker::kill()
{
    if (!isRunning())
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

// Kept for every restart, so that clients reconnect to the address they know. A port that
// was free a moment ago can be taken in between; start() then fails and says so.
bool RestartableBroker::pickPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        m_error = QStringLiteral("no free loopback port: %1").arg(probe.errorString());
        return false;
    }
    m_port = probe.serverPort();
    return true;
}

bool RestartableBroker::writeConfig() const
{
    QFile file(QDir(m_directory).filePath(QStringLiteral("faults.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(configText().toUtf8()) > 0;
}

QString RestartableBroker::configText() const
{
    QString text = QStringLiteral("per_listener_settings false\n"
                                  "log_dest stderr\n"
                                  "log_timestamp false\n");
    if (::geteuid() == 0)
        text += QStringLiteral("user root\n"); // the 0600 key files stay readable
    if (m_persistent) {
        // Saved after every change (a subscription, a queued QoS 1 message), so that what
        // a SIGKILL interrupts is at most the change being made.
        text += QStringLiteral("persistence true\n"
                               "persistence_location %1/\n"
                               "autosave_on_changes true\n"
                               "autosave_interval 1\n")
                    .arg(m_directory);
    } else {
        text += QStringLiteral("persistence false\n");
    }
    text += QStringLiteral("listener %1 127.0.0.1\n"
                           "cafile %2\ncertfile %3\nkeyfile %4\n"
                           "require_certificate true\n"
                           "use_identity_as_username true\n")
                .arg(QString::number(m_port), m_caFile, m_certificateFile, m_keyFile);
    return text;
}

// Bounded: only the latest output is kept, for the start-up check and failure messages.
void RestartableBroker::takeOutput()
{
    m_output += m_process.readAllStandardError();
    if (m_output.size() > 64 * 1024)
        m_output = m_output.right(16 * 1024);
}

} // namespace thingdeck::test
