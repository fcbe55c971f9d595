#include "session/ProfileCatalog.h"

#include "aws/AwsConfig.h"

namespace thingdeck {

namespace {

// The profile variables make AwsConfig insist on that profile; listing wants the files only.
QProcessEnvironment withoutProfileVariables(QProcessEnvironment environment)
{
    environment.remove(QStringLiteral("AWS_PROFILE"));
    environment.remove(QStringLiteral("AWS_DEFAULT_PROFILE"));
    return environment;
}

const QString kAccessKeys = QStringLiteral("access keys");
const QString kNone = QStringLiteral("none");

} // namespace

Result<QList<ProfileInfo>, QString> ProfileCatalog::list(const QProcessEnvironment &environment)
{
    const auto config = AwsConfig::load(withoutProfileVariables(environment));
    if (!config.ok())
        return fail(config.error().message);
    QList<ProfileInfo> profiles;
    for (const QString &name : config.value().profileNames())
        profiles.append(describe(environment, name));
    return profiles;
}

ProfileInfo ProfileCatalog::describe(const QProcessEnvironment &environment, const QString &profile)
{
    const auto config = AwsConfig::load(environment, profile);
    if (!config.ok()) {
        ProfileInfo info;
        info.name = profile;
        info.credentialSource = kNone;
        info.problem = config.error().message;
        return info;
    }
    return describeLoaded(config.value());
}

bool ProfileCatalog::hasAwsConfiguration(const QProcessEnvironment &environment)
{
    if (!environment.value(QStringLiteral("AWS_ACCESS_KEY_ID")).isEmpty())
        return true;
    const auto config = AwsConfig::load(withoutProfileVariables(environment));
    return config.ok() && !config.value().profileNames().isEmpty();
}

ProfileInfo ProfileCatalog::describeLoaded(const AwsConfig &config)
{
    ProfileInfo info;
    info.name = config.profileName();
    info.region = config.region();
    info.caBundle = config.caBundle();
    info.credentialSource = credentialSource(config);
    const auto control = config.endpointUrl(QStringLiteral("iot"));
    const auto data = config.endpointUrl(QStringLiteral("iot-data-plane"));
    if (control.ok())
        info.controlPlaneUrl = control.value().toString();
    if (data.ok())
        info.dataPlaneUrl = data.value().toString();
    if (!control.ok() || !data.ok())
        info.problem = (control.ok() ? data.error() : control.error()).message;
    else
        info.problem = problemOf(info);
    return info;
}

QString ProfileCatalog::credentialSource(const AwsConfig &config)
{
    const auto has = [&config](const char *property) {
        return !config.profileProperty(QLatin1String(property)).isEmpty();
    };
    if (has("aws_access_key_id"))
        return kAccessKeys;
    if (has("credential_process"))
        return QStringLiteral("credential_process");
    if (has("role_arn"))
        return QStringLiteral("role_arn (not supported yet)");
    if (has("sso_session") || has("sso_start_url"))
        return QStringLiteral("SSO (not supported yet)");
    return kNone;
}

QString ProfileCatalog::problemOf(const ProfileInfo &info)
{
    if (info.credentialSource.endsWith(QLatin1String("(not supported yet)")))
        return QStringLiteral("Profile '%1' gets its credentials through %2, which Thingdeck "
                              "cannot use yet: give it access keys or a credential_process.")
            .arg(info.name, info.credentialSource.section(QLatin1Char(' '), 0, 0));
    if (info.credentialSource == kNone)
        return QStringLiteral("Profile '%1' has no credentials: add aws_access_key_id and "
                              "aws_secret_access_key, or a credential_process, to it.")
            .arg(info.name);
    if (info.region.isEmpty() && info.controlPlaneUrl.isEmpty())
        return QStringLiteral("Profile '%1' has no region: add one to the profile, or set a "
                              "region override for the connection.")
            .arg(info.name);
    return {};
}

} // namespace thingdeck
