#include "aws/CredentialChain.h"

#include "aws/AwsClient.h"
#include "aws/AwsConfig.h"
#include "aws/CredentialCache.h"
#include "aws/CredentialProcess.h"
#include "aws/RoleCredentialFetcher.h"
#include "aws/RolePlan.h"
#include "aws/SsoCredentialFetcher.h"
#include "aws/SsoEndpoint.h"
#include "aws/SsoProfile.h"
#include "aws/StsEndpoint.h"

#include <QNetworkAccessManager>

#include "Logging.h"

#include <utility>

namespace thingdeck {
namespace {

// Debug output only when asked for (QT_LOGGING_RULES="thingdeck.aws.debug=true").

// botocore's RefreshableCredentials: inside the advisory window a refresh is tried and, if it
// fails, the old keys are still handed out; inside the mandatory window they are not.
constexpr qint64 kAdvisoryRefreshSeconds = 900;
constexpr qint64 kMandatoryRefreshSeconds = 600;

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

// SSO settings without sso_account_id / sso_role_name do not make an SSO profile (botocore
// skips it); named in the "no credentials" message so the cause is clear.
QStringList unusedSsoSettings(const AwsConfig &config)
{
    QStringList present;
    for (const QString &name : {QStringLiteral("sso_session"), QStringLiteral("sso_start_url"),
                                QStringLiteral("sso_region")}) {
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

ConfigError withSsoHint(ConfigError error, const AwsConfig &config)
{
    const QStringList unused = unusedSsoSettings(config);
    if (!unused.isEmpty()) {
        error.message += QStringLiteral(" The profile sets %1, but SSO credentials also need "
                                        "sso_account_id and sso_role_name in the profile.")
                             .arg(unused.join(QStringLiteral(", ")));
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

void CredentialChain::setMfaCodeSource(MfaCodeSource *source)
{
    m_mfa = source;
}

void CredentialChain::setNetworkAccessManager(QNetworkAccessManager *network)
{
    m_network = network;
}

QNetworkAccessManager *CredentialChain::network()
{
    if (m_network)
        return m_network;
    if (!m_ownNetwork)
        m_ownNetwork = new QNetworkAccessManager(this);
    return m_ownNetwork;
}

void CredentialChain::invalidate()
{
    m_cached.reset();
    m_fallback.reset();
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
    if (m_cached && !m_cached->expiresWithin(kAdvisoryRefreshSeconds, now))
        return finish(*m_cached, false);
    m_fallback.reset();
    if (m_cached && !m_cached->expiresWithin(kMandatoryRefreshSeconds, now))
        m_fallback = m_cached;
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
    const auto plan = RolePlan::forProfile(config);
    if (!plan)
        return finish(fail(plan.error()), false);
    if (plan.value())
        return startRole(config, *plan.value());
    const QString profile = config.profileName();
    const auto sso = SsoProfile::forProfile(config.profiles(), profile);
    if (!sso)
        return finish(fail(sso.error()), false);
    if (sso.value()) {
        return runSso(config, *sso.value(),
                      [this](const CredentialsResult &result) { finish(result, result.ok()); });
    }
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
    finish(fail(withSsoHint(noCredentials(config, m_environment), config)), false);
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
    runProcess(command, config.profileName(),
               [this](const CredentialsResult &result) { finish(result, result.ok()); });
}

void CredentialChain::runProcess(const QString &command, const QString &profile, Callback done)
{
    auto *process = new CredentialProcess(command, profile, this);
    process->setEnvironment(m_environment);
    process->start([process, profile, done](const CredentialsResult &result) {
        process->deleteLater();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (!result.ok() || !result.value().expiresWithin(0, now))
            return done(result);
        done(fail(ConfigError{ConfigError::Kind::ProcessOutputInvalid,
                              QStringLiteral("The credential_process of profile '%1' returned "
                                             "keys that expired at %2. Check the computer's "
                                             "clock and the command.")
                                  .arg(profile, result.value().expiration.toString(Qt::ISODate)),
                              QString(), 0}));
    });
}

// The STS calls go through an AwsClient of their own, with the CA bundle of the profile
// (AWS_CA_BUNDLE / ca_bundle) like every other call, on the shared network manager.
Result<AwsClient *, ConfigError> CredentialChain::makeClient(const AwsConfig &config,
                                                             const QString &region)
{
    AwsClientOptions options;
    options.region = region;
    if (!config.caBundle().isEmpty()) {
        const auto bundle = AwsClient::loadCaBundle(config.caBundle());
        if (!bundle)
            return fail(ConfigError{ConfigError::Kind::UnreadableFile, bundle.error(),
                                    config.caBundle(), 0});
        options.extraCaCertificates = bundle.value();
    }
    return new AwsClient(network(), nullptr, options);
}

void CredentialChain::startRole(const AwsConfig &config, const RolePlan &plan)
{
    const auto endpoint = StsEndpoint::resolve(config);
    if (!endpoint)
        return finish(fail(endpoint.error()), false);
    const auto client = makeClient(config, endpoint.value().signingRegion);
    if (!client)
        return finish(fail(client.error()), false);
    const QString home = m_environment.value(QStringLiteral("HOME"));
    auto *sts = client.value();
    auto *fetcher = new RoleCredentialFetcher(
        plan, endpoint.value(), sts, CredentialCache(CredentialCache::defaultDirectory(home)),
        m_mfa, this);
    sts->setParent(fetcher);
    const QString baseProfile = plan.baseProfile;
    if (plan.base == RolePlan::Base::Environment) {
        fetcher->setBaseSource([this, baseProfile](const Callback &done) {
            done(environmentForCredentialSource(baseProfile));
        });
    } else {
        fetcher->setBaseSource([this, config, baseProfile](const Callback &done) {
            resolveSourceProfile(config, baseProfile, done);
        });
    }
    fetcher->start([this, fetcher](const CredentialsResult &result) {
        fetcher->deleteLater();
        finish(result, result.ok());
    });
}

// The portal and OIDC calls go through an AwsClient of their own, like the STS calls.
void CredentialChain::runSso(const AwsConfig &config, const SsoProfile &profile, Callback done)
{
    const auto endpoint = SsoEndpoint::resolve(config, profile.ssoRegion);
    if (!endpoint)
        return done(fail(endpoint.error()));
    const auto client = makeClient(config, profile.ssoRegion);
    if (!client)
        return done(fail(client.error()));
    const QString home = m_environment.value(QStringLiteral("HOME"));
    auto *fetcher =
        new SsoCredentialFetcher(profile, endpoint.value(), client.value(),
                                 CredentialCache(CredentialCache::defaultDirectory(home)),
                                 SsoToken::defaultDirectory(home), this);
    client.value()->setParent(fetcher);
    fetcher->start([fetcher, done = std::move(done)](const CredentialsResult &result) {
        fetcher->deleteLater();
        done(result);
    });
}

// credential_source = Environment: botocore's EnvProvider, also under an explicit profile.
CredentialChain::CredentialsResult
CredentialChain::environmentForCredentialSource(const QString &profile) const
{
    if (auto keys = fromEnvironment())
        return *keys;
    return fail(ConfigError{ConfigError::Kind::NoCredentials,
                            QStringLiteral("Error when retrieving credentials from Environment: No "
                                           "credentials found in credential_source referenced in "
                                           "profile %1")
                                .arg(profile),
                            QString(), 0});
}

// A source profile's own keys, as botocore's profile-only chain finds them: SSO, credentials
// file, credential_process, config file. Unlike botocore 1.29 (§5.8 of the reference), an SSO
// source profile's sso_session is looked up in that profile, not in the one being assumed.
void CredentialChain::resolveSourceProfile(const AwsConfig &config, const QString &profile,
                                           Callback done)
{
    const auto sso = SsoProfile::forProfile(config.profiles(), profile);
    if (!sso)
        return done(fail(sso.error()));
    if (sso.value())
        return runSso(config, *sso.value(), std::move(done));
    if (const auto keys =
            fromProfileKeys(config.credentialsFile(), profile, config.credentialsPath(),
                            QStringLiteral("credentials file")))
        return done(*keys);
    const QString command =
        config.profiles().profile(profile).value(QStringLiteral("credential_process"));
    if (!command.isEmpty())
        return runProcess(command, profile, std::move(done));
    if (const auto keys = fromProfileKeys(config.configFile(), profile, config.configPath(),
                                          QStringLiteral("config file")))
        return done(*keys);
    done(fail(
        ConfigError{ConfigError::Kind::NoCredentials,
                    QStringLiteral("The source profile \"%1\" must have credentials.").arg(profile),
                    QString(), 0}));
}

void CredentialChain::finish(const CredentialsResult &delivered, bool cacheable)
{
    CredentialsResult result = delivered;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (result.ok() && result.value().expiresWithin(0, now)) {
        result = fail(ConfigError{ConfigError::Kind::InvalidValue,
                                  QStringLiteral("Credentials were refreshed, but the refreshed "
                                                 "credentials are still expired (%1). Check the "
                                                 "computer's clock.")
                                      .arg(result.value().source),
                                  QString(), 0});
        cacheable = false;
    }
    if (!result.ok() && m_fallback && !m_fallback->expiresWithin(kMandatoryRefreshSeconds, now)) {
        qCWarning(lcAws) << "refreshing credentials failed; using the current ones until"
                         << m_fallback->expiration.toString(Qt::ISODate) << ":"
                         << result.error().message;
        result = *m_fallback;
        cacheable = false;
    }
    m_fallback.reset();
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
