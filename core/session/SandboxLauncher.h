#pragma once

#include "session/SandboxInfo.h"

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace thingdeck {

/// Runs thingdeck-sandbox as a child process for the GUI, without ever blocking: start() returns
/// at once, ready() follows once the sandbox printed its sandbox.json path and the file reads.
/// Only ever signals its own child; a sandbox stops its mosquitto itself on SIGTERM.
class SandboxLauncher : public QObject
{
    Q_OBJECT
public:
    enum class State { NotRunning, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    static constexpr int kReadyTimeoutMs = 60000;
    static constexpr int kStopTimeoutMs = 5000;

    explicit SandboxLauncher(QObject *parent = nullptr);
    /// A running sandbox gets SIGTERM; nothing waits for it to end.
    ~SandboxLauncher() override;
    Q_DISABLE_COPY_MOVE(SandboxLauncher)

    /// thingdeck-sandbox beside the executable, else in the build tree
    /// (`<applicationDir>/../sandbox/`), else on the environment's PATH; empty when not found.
    static QString locateExecutable(const QString &applicationDir,
                                    const QProcessEnvironment &environment);
    /// GenericDataLocation + "/thingdeck/sandbox".
    static QString defaultStateDir();

    /// Starts `executable --state-dir stateDir extraArguments…`. Ignored unless NotRunning or
    /// Failed. Ends in ready() or failed().
    void start(const QString &executable, const QString &stateDir,
               const QStringList &extraArguments = {});
    /// SIGTERM, then SIGKILL after kStopTimeoutMs; stopped() once the process has ended.
    void stop();

    State state() const { return m_state; }
    /// The last line the sandbox wrote to stderr (its error messages), or empty.
    QString lastStderrLine() const { return m_lastStderrLine; }
    /// What the sandbox.json said; valid once ready() was emitted.
    SandboxInfo info() const { return m_info; }
    /// The child's pid while it runs, else 0.
    qint64 processId() const;

Q_SIGNALS:
    void stateChanged(thingdeck::SandboxLauncher::State state);
    void ready(const thingdeck::SandboxInfo &info);
    /// Could not start, ended before it was ready, or was not ready in time.
    void failed(const QString &sentence);
    /// Ended after it was ready, and not through stop(): "the local sandbox stopped (…): …".
    void died(const QString &sentence);
    void stopped();

private:
    void setState(State state);
    void onStdout();
    void onStderr();
    void onErrorOccurred(QProcess::ProcessError error);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onReadyTimeout();
    void onReadyLine(const QString &path);
    void failWith(const QString &cause);
    static QString exitDescription(int exitCode, QProcess::ExitStatus status);
    void deleteProcess();

    QProcess *m_process = nullptr;
    QString m_executable;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QString m_lastStderrLine;
    SandboxInfo m_info;
    State m_state = State::NotRunning;
    QTimer m_readyTimer;
    QTimer m_killTimer;
};

} // namespace thingdeck
