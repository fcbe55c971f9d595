#include "aws/CredentialChain.h"

#include "aws/AwsConfig.h"
#include "aws/CredentialProcess.h"

#include "Logging.h"

#include <utility>

namespace thingdeck {
namespace {

// Debug output only when asked for (QT_LOGGING_RULES="thingdeck.aws.debug=true").

// Credentials this close to expiry are fetched again rather than handed out.
constexpr qint64 kRefreshWindowSeconds = 300;

QString configureCommand(const QString &profile)
{
    return profile == QLatin1String("default")
               ? QStringLiteral("`aws configure`")
               : QStringLiteral("`aws configure --profile %1`").arg(profile);
}

ConfigError missingKeys(const QString &where, const QString &missing, const QString &fix,
                        const QString &file)
{
    return {ConfigError::Kind::MissingKeys,
            QStringLiteral("%1 has no value for %2. %3").arg(where, missing, fix), file, 0};
}

// botocore prefers the legacy name when both are there.
QString sessionTokenOf(const ProfileFile::Properties &properties)
{
    const QString legacy = QStringLiteral("aws_security_token");
    return properties.contains(legacy) ? properties.value(legacy)
                                       : properties.value(QStringLiteral("aws_session_token"));
}

// A profile's static keys in one file, as botocore's SharedCredentialProvider and
// ConfigProvider read them: only aws_access_key_id makes the file count, and then the secret
// must be there too.
std::optional<CredentialChain::CredentialsResult> fromProfileKeys(const ProfileFile &file,
                                                                  const QString &profile,
                                                                  const QString &path,
                                                                  const QString &label)
{
    const ProfileFile::Properties properties = file.profile(profile);
    if (!properties.contains(QStringLiteral("aws_access_key_id")))
        return std::nullopt;
    const QString accessKeyId = properties.value(QStringLiteral("aws_access_key_id"));
    const QString secret = properties.value(QStringLiteral("aws_secret_access_key"));
    if (accessKeyId.isEmpty() || secret.isEmpty()) {
        return fail(missingKeys(
            QStringLiteral("Profile '%1' in %2").arg(profile, path),
            accessKeyId.isEmpty() ? QStringLiteral("aws_access_key_id")
                                  : QStringLiteral("aws_secret_access_key"),
            QStringLiteral("Add it to the profile or run %1.").arg(configureCommand(profile)),
            path));
    }
    return AwsCredentials{accessKeyId, secret, sessionTokenOf(properties), QDateTime(),
                          QStringLiteral("profile %1 (%2)").arg(profile, label)};
}

// Settings that botocore turns into credentials through STS or IAM Identity Center, which
// this chain does not do; named in the "no credentials" message so the cause is clear.
QStringList unsupportedSettings(const AwsConfig &config)
{
    QStringList present;
    for (const QString &name :
         {QStringLiteral("role_arn"), QStringLiteral("sso_session"),
          QStringLiteral("sso_start_url"), QStringLiteral("web_identity_token_file")}) {
        if (config.profile().contains(name))
            present.append(name);
    }
    return present;
}

ConfigError noCredentials(const AwsConfig &config, const QProcessEnvironment &environment)
{
    const QString profile = config.profileName();
    QString message =
        QStringLiteral("No AWS credentials for profile '%1': %2 %3 and %4 have neither keys nor "
                       "a credential_process for it. Run %5, or set AWS_ACCESS_KEY_ID and "
                       "AWS_SECRET_ACCESS_KEY.")
            .arg(profile,
                 config.isProfileExplicit()
                     ? QStringLiteral("the environment was skipped because the profile was "
                                      "chosen explicitly, and")
                     : QStringLiteral("the environment has no AWS_ACCESS_KEY_ID, and"),
                 config.credentialsPath(), config.configPath(), configureCommand(profile));
    const bool secretWithoutKey =
        environment.value(QStringLiteral("AWS_ACCESS_KEY_ID")).isEmpty() &&
        !environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).isEmpty();
    if (secretWithoutKey)
        message += QStringLiteral(" AWS_SECRET_ACCESS_KEY is set, but like the AWS CLI, Thingdeck "
                                  "ignores it without AWS_ACCESS_KEY_ID.");
    return {ConfigError::Kind::NoCredentials, message, QString(), 0};
}

ConfigError withUnsupportedHint(ConfigError error, const AwsConfig &config)
{
    const QStringList unsupported = unsupportedSettings(config);
    if (!unsupported.isEmpty()) {
        error.message += QStringLiteral(" The profile sets %1, which Thingdeck cannot use yet; "
                                        "give it a credential_process instead.")
                             .arg(unsupported.join(QStringLiteral(", ")));
    }
    return error;
}

QDateTime parseExpiration(const QString &text)
{
    const QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (time.isValid() && time.timeSpec() == Qt::LocalTime)
        return QDateTime(time.date(), time.time(), Qt::UTC);
    return time.toUTC();
}

} // namespace

CredentialChain::CredentialChain(QProcessEnvironment environment, QString explicitProfile,
                                 QObject *parent)
    : QObject(parent)
    , m_environment(environment) // implicitly shared; Qt 6.4 has no move for it
    , m_explicitProfile(std::move(explicitProfile))
{}

CredentialChain::~CredentialChain() = default;

void CredentialChain::setExplicitCredentials(const AwsCredentials &credentials)
{
    if (!credentials.isValid()) {
        m_explicitCredentials.reset();
        return;
    }
    m_explicitCredentials = credentials;
    if (m_explicitCredentials->source.isEmpty())
        m_explicitCredentials->source = QStringLiteral("explicit settings");
}

void CredentialChain::fetch(QObject *context, Callback callback)
{
    m_waiters.append({context ? context : this, std::move(callback)});
    if (m_resolving)
        return; // this caller gets the result of the resolution in flight
    m_resolving = true;
    QMetaObject::invokeMethod(this, &CredentialChain::resolve, Qt::QueuedConnection);
}

void CredentialChain::invalidate()
{
    m_cached.reset();
    ++m_generation;
}

QString CredentialChain::profileName() const
{
    return AwsConfig::selectProfile(m_environment, m_explicitProfile);
}

void CredentialChain::resolve()
{
    if (m_explicitCredentials)
        return finish(*m_explicitCredentials, false);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_cached && !m_cached->expiresWithin(kRefreshWindowSeconds, now))
        return finish(*m_cached, false);
    m_resolvingGeneration = m_generation;
    const auto config = AwsConfig::load(m_environment, m_explicitProfile);
    if (!config)
        return finish(fail(config.error()), false);
    resolveWithConfig(config.value());
}

void CredentialChain::resolveWithConfig(const AwsConfig &config)
{
    if (!config.isProfileExplicit()) {
        if (const auto environment = fromEnvironment())
            return finish(*environment, true);
    }
    const QString profile = config.profileName();
    if (const auto keys =
            fromProfileKeys(config.credentialsFile(), profile, config.credentialsPath(),
                            QStringLiteral("credentials file")))
        return finish(*keys, true);
    const QString command = config.profileProperty(QStringLiteral("credential_process"));
    if (!command.isEmpty())
        return startProcess(config, command);
    if (const auto keys = fromProfileKeys(config.configFile(), profile, config.configPath(),
                                          QStringLiteral("config file")))
        return finish(*keys, true);
    finish(fail(withUnsupportedHint(noCredentials(config, m_environment), config)), false);
}

// botocore's EnvProvider: only AWS_ACCESS_KEY_ID makes the environment count.
std::optional<CredentialChain::CredentialsResult> CredentialChain::fromEnvironment() const
{
    const QString accessKeyId = m_environment.value(QStringLiteral("AWS_ACCESS_KEY_ID"));
    if (accessKeyId.isEmpty())
        return std::nullopt;
    const QString secret = m_environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY"));
    if (secret.isEmpty()) {
        return fail(missingKeys(QStringLiteral("The environment sets AWS_ACCESS_KEY_ID but"),
                                QStringLiteral("AWS_SECRET_ACCESS_KEY"),
                                QStringLiteral("Set both, or unset AWS_ACCESS_KEY_ID to use "
                                               "profile '%1'.")
                                    .arg(profileName()),
                                QString()));
    }
    const QString legacyToken = m_environment.value(QStringLiteral("AWS_SECURITY_TOKEN"));
    const QString token = legacyToken.isEmpty()
                              ? m_environment.value(QStringLiteral("AWS_SESSION_TOKEN"))
                              : legacyToken;
    const QString expiration = m_environment.value(QStringLiteral("AWS_CREDENTIAL_EXPIRATION"));
    const QDateTime expires = expiration.isEmpty() ? QDateTime() : parseExpiration(expiration);
    if (!expiration.isEmpty() && !expires.isValid()) {
        return fail(
            ConfigError{ConfigError::Kind::InvalidValue,
                        QStringLiteral("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time "
                                       "such as 2030-01-01T00:00:00Z. Correct or unset it."),
                        QString(), 0});
    }
    return AwsCredentials{accessKeyId, secret, token, expires, QStringLiteral("environment")};
}

void CredentialChain::startProcess(const AwsConfig &config, const QString &command)
{
    const QString profile = config.profileName();
    auto *process = new CredentialProcess(command, profile, this);
    process->setEnvironment(m_environment);
    process->start([this, process, profile](const CredentialsResult &result) {
        process->deleteLater();
        onProcessDone(result, profile);
    });
}

void CredentialChain::onProcessDone(const CredentialsResult &result, const QString &profile)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!result.ok() || !result.value().expiresWithin(0, now))
        return finish(result, true);
    finish(fail(ConfigError{ConfigError::Kind::ProcessOutputInvalid,
                            QStringLiteral("The credential_process of profile '%1' returned keys "
                                           "that expired at %2. Check the computer's clock and "
                                           "the command.")
                                .arg(profile, result.value().expiration.toString(Qt::ISODate)),
                            QString(), 0}),
           false);
}

void CredentialChain::finish(const CredentialsResult &result, bool cacheable)
{
    if (cacheable && result.ok() && m_resolvingGeneration == m_generation)
        m_cached = result.value();
    if (result.ok())
        qCDebug(lcAws) << "credentials from" << result.value().source;
    else
        qCDebug(lcAws) << "credential resolution failed:" << result.error().message;
    m_resolving = false;
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &waiter : waiters) {
        // Queued on the context: Qt drops the call if the context dies before it runs.
        if (waiter.context) {
            QMetaObject::invokeMethod(
                waiter.context.data(), [callback = waiter.callback, result] { callback(result); },
                Qt::QueuedConnection);
        }
    }
}

} // namespace thingdeck
