#include "aws/RolePlan.h"

#include "aws/AwsConfig.h"

#include <QDateTime>

namespace thingdeck {
namespace {

const QString kRoleArn = QStringLiteral("role_arn");
const QString kTokenFile = QStringLiteral("web_identity_token_file");
const QString kSourceProfile = QStringLiteral("source_profile");
const QString kCredentialSource = QStringLiteral("credential_source");

ConfigError invalid(const QString &message)
{
    return {ConfigError::Kind::InvalidValue, message, QString(), 0};
}

bool hasStaticKeys(const ProfileFile::Properties &properties)
{
    return properties.contains(QStringLiteral("aws_access_key_id")) ||
           properties.contains(QStringLiteral("aws_secret_access_key"));
}

// Python's int() of the value; a value it rejects is dropped, as botocore drops it.
std::optional<qint64> durationOf(const ProfileFile::Properties &properties)
{
    const QString key = QStringLiteral("duration_seconds");
    if (!properties.contains(key))
        return std::nullopt;
    bool ok = false;
    const qint64 value = properties.value(key).trimmed().toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

AssumeRoleHop hopOf(const QString &profile, const ProfileFile::Properties &properties)
{
    return {profile,
            properties.value(kRoleArn),
            properties.value(QStringLiteral("role_session_name")),
            properties.value(QStringLiteral("external_id")),
            properties.value(QStringLiteral("mfa_serial")),
            durationOf(properties)};
}

QString pythonList(const QStringList &names)
{
    QStringList quoted;
    for (const QString &name : names)
        quoted.append(u'\'' + name + u'\'');
    return u'[' + quoted.join(QStringLiteral(", ")) + u']';
}

ConfigError loop(const QString &profile, const QStringList &visited)
{
    return {ConfigError::Kind::CredentialLoop,
            QStringLiteral("Infinite loop in credential configuration detected. Attempting to "
                           "load from profile %1 which has already been visited. Visited "
                           "profiles: %2")
                .arg(profile, pythonList(visited)),
            QString(), 0};
}

ConfigError noWebIdentityRole()
{
    return invalid(QStringLiteral(
        "The provided profile or the current environment is configured to assume role with web "
        "identity but has no role ARN configured. Ensure that the profile has the "
        "role_arnconfiguration set or the AWS_ROLE_ARN env var is set."));
}

/// botocore's AssumeRoleProvider walking source_profile links.
class Planner
{
public:
    explicit Planner(const AwsConfig &config)
        : m_config(config)
    {}

    Result<RolePlan, ConfigError> assumeRole(const QString &profile);
    std::optional<WebIdentitySource> webIdentity(const ProfileFile::Properties &properties,
                                                 bool useEnvironment) const;

private:
    Result<bool, ConfigError> source(const QString &profile,
                                     const ProfileFile::Properties &properties);
    Result<bool, ConfigError> sourceProfile(const QString &profile, const QString &source);
    Result<bool, ConfigError> credentialSource(const QString &profile, const QString &source);

    const AwsConfig &m_config;
    QStringList m_visited;
    RolePlan m_plan;
};

Result<RolePlan, ConfigError> Planner::assumeRole(const QString &profile)
{
    m_visited = {profile};
    const auto done = source(profile, m_config.profiles().profile(profile));
    if (!done)
        return fail(done.error());
    return m_plan;
}

// The source of `profile`'s role, then its own hop (appended after the source's hops).
Result<bool, ConfigError> Planner::source(const QString &profile,
                                          const ProfileFile::Properties &properties)
{
    const bool hasSource = properties.contains(kSourceProfile);
    const bool hasCredentialSource = properties.contains(kCredentialSource);
    if (hasSource && hasCredentialSource) {
        return fail(invalid(QStringLiteral("The profile \"%1\" contains both source_profile and "
                                           "credential_source.")
                                .arg(profile)));
    }
    if (!hasSource && !hasCredentialSource) {
        return fail(ConfigError{ConfigError::Kind::MissingKeys,
                                QStringLiteral("Partial credentials found in assume-role, "
                                               "missing: source_profile or credential_source"),
                                QString(), 0});
    }
    auto found = hasSource ? sourceProfile(profile, properties.value(kSourceProfile))
                           : credentialSource(profile, properties.value(kCredentialSource));
    if (!found)
        return found;
    m_plan.hops.append(hopOf(profile, properties));
    return true;
}

Result<bool, ConfigError> Planner::sourceProfile(const QString &profile, const QString &source)
{
    if (!m_config.profiles().hasProfile(source)) {
        return fail(invalid(QStringLiteral("The source_profile \"%1\" referenced in the profile "
                                           "\"%2\" does not exist.")
                                .arg(source, profile)));
    }
    const ProfileFile::Properties properties = m_config.profiles().profile(source);
    // Only a profile with its own keys may name itself: its keys are then the source.
    if (m_visited.contains(source) && (source != profile || !hasStaticKeys(properties)))
        return fail(loop(source, m_visited));
    m_visited.append(source);
    const bool assumed = properties.contains(kRoleArn) && !properties.contains(kTokenFile);
    if (assumed && !hasStaticKeys(properties))
        return this->source(source, properties);
    if (const auto web = webIdentity(properties, false)) {
        if (web->roleArn.isEmpty())
            return fail(noWebIdentityRole());
        m_plan.base = RolePlan::Base::WebIdentity;
        m_plan.webIdentity = *web;
        return true;
    }
    m_plan.base = RolePlan::Base::ProfileKeys;
    m_plan.baseProfile = source;
    return true;
}

Result<bool, ConfigError> Planner::credentialSource(const QString &profile, const QString &source)
{
    if (source == QLatin1String("Environment")) {
        m_plan.base = RolePlan::Base::Environment;
        m_plan.baseProfile = profile;
        return true;
    }
    if (source == QLatin1String("EcsContainer") || source == QLatin1String("Ec2InstanceMetadata")) {
        return fail(invalid(QStringLiteral("The profile \"%1\" takes its credentials from "
                                           "credential_source = %2, which Thingdeck does not "
                                           "support (only Environment). Use source_profile or "
                                           "credential_source = Environment.")
                                .arg(profile, source)));
    }
    return fail(invalid(QStringLiteral("The credential source \"%1\" referenced in profile \"%2\" "
                                       "is not valid.")
                            .arg(source, profile)));
}

std::optional<WebIdentitySource> Planner::webIdentity(const ProfileFile::Properties &properties,
                                                      bool useEnvironment) const
{
    const QProcessEnvironment &environment = m_config.environment();
    auto value = [&](const QString &variable, const QString &key) {
        const QString fromEnvironment = useEnvironment ? environment.value(variable) : QString();
        return fromEnvironment.isEmpty() ? properties.value(key) : fromEnvironment;
    };
    WebIdentitySource source{
        value(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), kTokenFile),
        value(QStringLiteral("AWS_ROLE_ARN"), kRoleArn),
        value(QStringLiteral("AWS_ROLE_SESSION_NAME"), QStringLiteral("role_session_name"))};
    if (source.tokenFile.isEmpty())
        return std::nullopt;
    return source;
}

} // namespace

CredentialCache::Arguments AssumeRoleHop::cacheArguments() const
{
    CredentialCache::Arguments arguments{{QStringLiteral("RoleArn"), roleArn}};
    if (!roleSessionName.isEmpty())
        arguments.append({QStringLiteral("RoleSessionName"), roleSessionName});
    if (!externalId.isEmpty())
        arguments.append({QStringLiteral("ExternalId"), externalId});
    if (!mfaSerial.isEmpty())
        arguments.append({QStringLiteral("SerialNumber"), mfaSerial});
    if (durationSeconds)
        arguments.append(
            {QStringLiteral("DurationSeconds"), QVariant::fromValue(*durationSeconds)});
    return arguments;
}

CredentialCache::Arguments WebIdentitySource::cacheArguments() const
{
    CredentialCache::Arguments arguments{{QStringLiteral("RoleArn"), roleArn}};
    if (!roleSessionName.isEmpty())
        arguments.append({QStringLiteral("RoleSessionName"), roleSessionName});
    return arguments;
}

Result<std::optional<RolePlan>, ConfigError> RolePlan::forProfile(const AwsConfig &config)
{
    const ProfileFile::Properties properties = config.profile();
    Planner planner(config);
    if (properties.contains(kRoleArn) && !properties.contains(kTokenFile)) {
        auto plan = planner.assumeRole(config.profileName());
        if (!plan)
            return fail(plan.error());
        return std::optional<RolePlan>(plan.value());
    }
    const auto web = planner.webIdentity(properties, !config.isProfileExplicit());
    if (!web)
        return std::optional<RolePlan>();
    if (web->roleArn.isEmpty())
        return fail(noWebIdentityRole());
    RolePlan plan;
    plan.base = Base::WebIdentity;
    plan.webIdentity = *web;
    return std::optional<RolePlan>(plan);
}

QString RolePlan::generatedSessionName(const QDateTime &now)
{
    return QStringLiteral("botocore-session-%1").arg(now.toSecsSinceEpoch());
}

} // namespace thingdeck
