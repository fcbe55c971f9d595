#include "aws/CredentialProcess.h"

#include "aws/ProfileFile.h"

#include "Logging.h"
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>
#include <utility>

namespace thingdeck {
namespace {

// Debug output only when asked for (QT_LOGGING_RULES="thingdeck.aws.debug=true").

ConfigError processError(ConfigError::Kind kind, const QString &profile, const QString &program,
                         const QString &problem)
{
    const QString subject =
        program.isEmpty()
            ? QStringLiteral("The credential_process of profile '%1'").arg(profile)
            : QStringLiteral("The credential_process of profile '%1' (%2)").arg(profile, program);
    return {kind, subject + u' ' + problem + u'.', QString(), 0};
}

ConfigError invalidOutput(const QString &profile, const QString &problem)
{
    return processError(ConfigError::Kind::ProcessOutputInvalid, profile, QString(),
                        problem + QStringLiteral("; it must print {\"Version\": 1, "
                                                 "\"AccessKeyId\": …, \"SecretAccessKey\": …}"));
}

// The first few lines of stderr: enough to show the cause in a dialog without flooding it.
QString stderrSummary(const QByteArray &bytes)
{
    QStringList lines;
    for (const QString &line : QString::fromUtf8(bytes).split(u'\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
        if (lines.size() == 3)
            break;
    }
    const QString summary = lines.join(QStringLiteral(" / "));
    return summary.size() > 400 ? summary.left(400) + QStringLiteral("...") : summary;
}

std::optional<QString> versionProblem(const QJsonValue &version)
{
    if (version.isDouble() && version.toDouble() == 1.0)
        return std::nullopt;
    if (version.isUndefined())
        return QStringLiteral("printed JSON without a Version");
    if (version.isDouble())
        return QStringLiteral("printed Version %1, but only Version 1 is supported")
            .arg(version.toDouble());
    return QStringLiteral("printed a Version that is not the number 1");
}

std::optional<QString> requiredString(const QJsonObject &object, QLatin1String key)
{
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().isEmpty())
        return std::nullopt;
    return value.toString();
}

// RFC 3339 / ISO 8601 with or without fractional seconds. A time without an offset is taken
// as UTC, which is what AWS tools print.
Result<QDateTime, QString> expirationOf(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return QDateTime();
    const QDateTime time =
        value.isString() ? QDateTime::fromString(value.toString().trimmed(), Qt::ISODateWithMs)
                         : QDateTime();
    if (!time.isValid())
        return fail(QStringLiteral("printed an Expiration that is not an ISO 8601 time such as "
                                   "2030-01-01T00:00:00Z"));
    if (time.timeSpec() == Qt::LocalTime)
        return QDateTime(time.date(), time.time(), Qt::UTC);
    return time.toUTC();
}

CredentialProcess::Outcome credentialsFrom(const QJsonObject &object, const QString &profile)
{
    if (const auto problem = versionProblem(object.value(QLatin1String("Version"))))
        return fail(invalidOutput(profile, *problem));
    const auto accessKeyId = requiredString(object, QLatin1String("AccessKeyId"));
    const auto secretAccessKey = requiredString(object, QLatin1String("SecretAccessKey"));
    if (!accessKeyId || !secretAccessKey) {
        const QString missing =
            accessKeyId ? QStringLiteral("SecretAccessKey") : QStringLiteral("AccessKeyId");
        return fail(invalidOutput(profile, QStringLiteral("printed JSON without %1").arg(missing)));
    }
    const QJsonValue token = object.value(QLatin1String("SessionToken"));
    if (!token.isUndefined() && !token.isNull() && !token.isString())
        return fail(invalidOutput(profile, QStringLiteral("printed a SessionToken that is not a "
                                                          "string")));
    const auto expiration = expirationOf(object.value(QLatin1String("Expiration")));
    if (!expiration)
        return fail(invalidOutput(profile, expiration.error()));
    return AwsCredentials{*accessKeyId, *secretAccessKey, token.toString(), expiration.value(),
                          QStringLiteral("profile %1 (credential_process)").arg(profile)};
}

} // namespace

CredentialProcess::CredentialProcess(QString command, QString profile, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_profile(std::move(profile))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultTimeout);
    // A credential_process may prompt on a terminal, never on our stdin.
    m_process.setStandardInputFile(QProcess::nullDevice());
    connect(&m_process, &QProcess::errorOccurred, this, &CredentialProcess::onErrorOccurred);
    connect(&m_process, &QProcess::finished, this, &CredentialProcess::onFinished);
    connect(&m_timer, &QTimer::timeout, this, &CredentialProcess::onTimeout);
}

CredentialProcess::~CredentialProcess()
{
    // QProcess reaps a running child in its destructor; its signals must not reach us then.
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

void CredentialProcess::setEnvironment(const QProcessEnvironment &environment)
{
    m_process.setProcessEnvironment(environment);
}

void CredentialProcess::setTimeout(std::chrono::milliseconds timeout)
{
    m_timer.setInterval(timeout);
}

void CredentialProcess::start(Callback done)
{
    m_done = std::move(done);
    // botocore splits with shlex.split; QProcess::splitCommand knows no single quotes or
    // backslashes, so the shared splitter is used instead.
    const std::optional<QStringList> words = ProfileFile::splitShellWords(m_command);
    if (!words || words->isEmpty()) {
        complete(fail(failure(ConfigError::Kind::InvalidValue,
                              words ? QStringLiteral("is empty; set it to a command")
                                    : QStringLiteral("has an unclosed quote or a trailing "
                                                     "backslash; quote it as in a POSIX shell"))));
        return;
    }
    m_program = words->first();
    qCDebug(lcAws) << "running credential_process" << m_program << "for profile" << m_profile;
    m_timer.start();
    m_process.start(m_program, words->mid(1));
}

CredentialProcess::Outcome CredentialProcess::parseOutput(const QByteArray &output,
                                                          const QString &profile)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(output, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return fail(invalidOutput(profile, QStringLiteral("printed something that is not a JSON "
                                                          "object on stdout")));
    return credentialsFrom(document.object(), profile);
}

void CredentialProcess::onErrorOccurred(QProcess::ProcessError error)
{
    // Crashes and kills also arrive through finished(); only a failed start ends here.
    if (error != QProcess::FailedToStart)
        return;
    complete(fail(failure(ConfigError::Kind::ProcessFailed,
                          QStringLiteral("could not be started (%1); check the program path in "
                                         "the credential_process line")
                              .arg(m_process.errorString()))));
}

void CredentialProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    complete(outcomeOfExit(exitCode, status));
}

void CredentialProcess::onTimeout()
{
    // The timeout is reported once the killed process has been reaped, so that destroying this
    // object afterwards never has to wait for a child.
    m_timedOut = true;
    m_process.kill();
}

CredentialProcess::Outcome CredentialProcess::outcomeOfExit(int exitCode,
                                                            QProcess::ExitStatus status)
{
    if (m_timedOut) {
        return fail(failure(ConfigError::Kind::ProcessTimeout,
                            QStringLiteral("did not finish within %1 s and was stopped; run it "
                                           "in a terminal to check that it does not wait for "
                                           "input")
                                .arg(m_timer.interval() / 1000.0)));
    }
    if (status == QProcess::CrashExit)
        return fail(failure(ConfigError::Kind::ProcessFailed,
                            QStringLiteral("crashed; run it in a terminal to see why")));
    if (exitCode != 0) {
        const QString errors = stderrSummary(m_process.readAllStandardError());
        return fail(failure(ConfigError::Kind::ProcessFailed,
                            QStringLiteral("exited with code %1%2; run it in a terminal to see "
                                           "the whole error, then fix it or the "
                                           "credential_process line")
                                .arg(QString::number(exitCode),
                                     errors.isEmpty() ? QStringLiteral(" and printed no error")
                                                      : QStringLiteral(": ") + errors)));
    }
    return parseOutput(m_process.readAllStandardOutput(), m_profile);
}

ConfigError CredentialProcess::failure(ConfigError::Kind kind, const QString &problem) const
{
    return processError(kind, m_profile, m_program, problem);
}

void CredentialProcess::complete(const Outcome &outcome)
{
    if (m_completed)
        return;
    m_completed = true;
    m_timer.stop();
    qCDebug(lcAws) << "credential_process for profile" << m_profile
                   << (outcome.ok() ? "succeeded" : "failed");
    // Queued, so that the callback may delete this object and never runs inside start().
    QMetaObject::invokeMethod(
        this, [this, outcome] { std::exchange(m_done, Callback())(outcome); },
        Qt::QueuedConnection);
}

} // namespace thingdeck
