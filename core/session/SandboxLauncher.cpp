#include "session/SandboxLauncher.h"

#include "session/SessionLogging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>

namespace thingdeck {

namespace {

const QString kExecutableName = QStringLiteral("thingdeck-sandbox");

bool isExecutableFile(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

// Complete lines taken off the front of `buffer`; a partial last line stays in it.
QStringList takeLines(QByteArray &buffer)
{
    QStringList lines;
    qsizetype newline = buffer.indexOf('\n');
    while (newline >= 0) {
        const QString line = QString::fromUtf8(buffer.left(newline)).trimmed();
        if (!line.isEmpty())
            lines.append(line);
        buffer.remove(0, newline + 1);
        newline = buffer.indexOf('\n');
    }
    return lines;
}

} // namespace

SandboxLauncher::SandboxLauncher(QObject *parent)
    : QObject(parent)
{
    m_readyTimer.setSingleShot(true);
    m_readyTimer.setInterval(kReadyTimeoutMs);
    connect(&m_readyTimer, &QTimer::timeout, this, &SandboxLauncher::onReadyTimeout);
    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(kStopTimeoutMs);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process)
            m_process->kill();
    });
}

// QProcess's destructor would SIGKILL the sandbox and wait for it. Instead the process gets
// SIGTERM and is handed to the application, which deletes it once it has ended (or, at the
// latest, when the application itself goes away).
SandboxLauncher::~SandboxLauncher()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() == QProcess::NotRunning || !QCoreApplication::instance())
        return;
    QProcess *orphan = m_process;
    orphan->setParent(QCoreApplication::instance());
    connect(orphan, &QProcess::finished, orphan, &QObject::deleteLater);
    orphan->terminate();
}

QString SandboxLauncher::locateExecutable(const QString &applicationDir,
                                          const QProcessEnvironment &environment)
{
    const QDir dir(applicationDir);
    for (const QString &candidate :
         {dir.filePath(kExecutableName),
          dir.filePath(QStringLiteral("../sandbox/") + kExecutableName)}) {
        if (isExecutableFile(candidate))
            return QDir::cleanPath(candidate);
    }
    const QStringList path =
        environment.value(QStringLiteral("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    return QStandardPaths::findExecutable(kExecutableName, path);
}

QString SandboxLauncher::defaultStateDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/thingdeck/sandbox");
}

qint64 SandboxLauncher::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void SandboxLauncher::start(const QString &executable, const QString &stateDir,
                            const QStringList &extraArguments)
{
    if (m_state != State::NotRunning && m_state != State::Failed)
        return;
    deleteProcess();
    m_executable = executable;
    m_stdout.clear();
    m_stderr.clear();
    m_lastStderrLine.clear();
    m_info = {};
    m_process = new QProcess(this);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &SandboxLauncher::onStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &SandboxLauncher::onStderr);
    connect(m_process, &QProcess::errorOccurred, this, &SandboxLauncher::onErrorOccurred);
    connect(m_process, &QProcess::finished, this, &SandboxLauncher::onFinished);
    // Should Thingdeck itself die (a crash, SIGKILL), the kernel sends the sandbox SIGTERM,
    // which stops it and its mosquitto cleanly instead of leaving them running.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    setState(State::Starting);
    m_readyTimer.start();
    qCInfo(lcSession) << "starting" << executable << "with state in" << stateDir;
    m_process->start(executable,
                     QStringList{QStringLiteral("--state-dir"), stateDir} + extraArguments);
}

void SandboxLauncher::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning || m_state == State::Stopping)
        return;
    m_readyTimer.stop();
    setState(State::Stopping);
    m_process->terminate();
    m_killTimer.start();
}

void SandboxLauncher::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void SandboxLauncher::onStdout()
{
    m_stdout += m_process->readAllStandardOutput();
    const QStringList lines = takeLines(m_stdout);
    // The sandbox prints one line, its sandbox.json's path, once it is ready.
    if (!lines.isEmpty() && m_state == State::Starting)
        onReadyLine(lines.first());
}

void SandboxLauncher::onStderr()
{
    m_stderr += m_process->readAllStandardError();
    const QStringList lines = takeLines(m_stderr);
    if (!lines.isEmpty())
        m_lastStderrLine = lines.last();
}

void SandboxLauncher::onReadyLine(const QString &path)
{
    m_readyTimer.stop();
    const auto info = SandboxInfo::read(path);
    if (!info.ok()) {
        failWith(info.error());
        return;
    }
    m_info = info.value();
    setState(State::Running);
    qCInfo(lcSession) << "sandbox ready:" << path;
    emit ready(m_info);
}

void SandboxLauncher::onErrorOccurred(QProcess::ProcessError error)
{
    // Only a failed start is not followed by finished().
    if (error == QProcess::FailedToStart && m_state == State::Starting)
        failWith(QStringLiteral("could not be started (%1)").arg(m_process->errorString()));
}

void SandboxLauncher::onFinished(int exitCode, QProcess::ExitStatus status)
{
    onStderr();
    const QString rest = QString::fromUtf8(m_stderr).trimmed();
    if (!rest.isEmpty())
        m_lastStderrLine = rest;
    m_readyTimer.stop();
    m_killTimer.stop();
    const State previous = m_state;
    if (previous == State::Starting)
        failWith(QStringLiteral("ended before it was ready (%1)")
                     .arg(exitDescription(exitCode, status)));
    else if (previous != State::Failed)
        setState(previous == State::Running ? State::Failed : State::NotRunning);
    if (previous == State::Running) {
        const QString sentence =
            QStringLiteral("The local sandbox stopped (%1)").arg(exitDescription(exitCode, status));
        emit died(m_lastStderrLine.isEmpty()
                      ? QString(sentence + QLatin1Char('.'))
                      : QString(sentence + QStringLiteral(": ") + m_lastStderrLine));
    } else if (previous == State::Stopping) {
        emit stopped();
    }
    deleteProcess();
}

void SandboxLauncher::onReadyTimeout()
{
    failWith(QStringLiteral("was not ready within %1 seconds").arg(kReadyTimeoutMs / 1000));
}

void SandboxLauncher::failWith(const QString &cause)
{
    m_readyTimer.stop();
    QString sentence = QStringLiteral("The local sandbox %1 %2").arg(m_executable, cause);
    sentence +=
        m_lastStderrLine.isEmpty() ? QStringLiteral(".") : QStringLiteral(": ") + m_lastStderrLine;
    qCWarning(lcSession) << sentence;
    setState(State::Failed);
    if (m_process && m_process->state() != QProcess::NotRunning)
        m_process->terminate();
    emit failed(sentence);
}

QString SandboxLauncher::exitDescription(int exitCode, QProcess::ExitStatus status)
{
    if (status == QProcess::CrashExit)
        return QStringLiteral("killed by a signal");
    return QStringLiteral("exit code %1").arg(exitCode);
}

void SandboxLauncher::deleteProcess()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning)
        m_process->kill();
    m_process->deleteLater();
    m_process = nullptr;
}

} // namespace thingdeck
