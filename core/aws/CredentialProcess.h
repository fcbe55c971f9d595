#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

#include <chrono>
#include <functional>

namespace thingdeck {

/// Runs a profile's `credential_process` once, as botocore does: the command line is split into
/// words like a POSIX shell would (quotes and backslashes) and run without a shell; it must
/// exit 0 and print `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
/// "Expiration"?}` on stdout. Everything is asynchronous; a command that outlives the timeout
/// is killed. Messages never contain stdout, which holds the secret.
class CredentialProcess : public QObject
{
    Q_OBJECT
public:
    using Outcome = Result<AwsCredentials, ConfigError>;
    using Callback = std::function<void(const Outcome &)>;

    static constexpr std::chrono::milliseconds defaultTimeout{60000};

    /// `command` is the credential_process value; `profile` names it in `source` and messages.
    CredentialProcess(QString command, QString profile, QObject *parent = nullptr);
    ~CredentialProcess() override;
    Q_DISABLE_COPY_MOVE(CredentialProcess)

    /// The environment the command runs in (by default the one this process has).
    void setEnvironment(const QProcessEnvironment &environment);
    void setTimeout(std::chrono::milliseconds timeout);

    /// Starts the command once. `done` runs exactly once, from the event loop (never inside
    /// start()), unless this object is destroyed first.
    void start(Callback done);

    /// Reads the command's stdout into credentials, or says what is wrong without quoting it.
    static Outcome parseOutput(const QByteArray &output, const QString &profile);

private:
    void onErrorOccurred(QProcess::ProcessError error);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onTimeout();
    Outcome outcomeOfExit(int exitCode, QProcess::ExitStatus status);
    ConfigError failure(ConfigError::Kind kind, const QString &problem) const;
    void complete(const Outcome &outcome);

    QString m_command;
    QString m_profile;
    QString m_program;
    QProcess m_process;
    QTimer m_timer;
    Callback m_done;
    bool m_timedOut = false;
    bool m_completed = false;
};

} // namespace thingdeck
