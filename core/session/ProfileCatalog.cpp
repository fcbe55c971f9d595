#include "session/ProfileCatalog.h"

#include "aws/AwsConfig.h"
#include "aws/RolePlan.h"
#include "aws/SsoProfile.h"

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
        info.problem = setupProblem(config);
    if (info.problem.isEmpty())
        info.problem = problemOf(info);
    return info;
}

// In the credential chain's order (botocore's): assume role, web identity, SSO, then keys.
QString ProfileCatalog::credentialSource(const AwsConfig &config)
{
    const auto has = [&config](const char *property) {
        return config.profile().contains(QLatin1String(property));
    };
    const auto value = [&config](const char *property) {
        return config.profileProperty(QLatin1String(property));
    };
    if (has("web_identity_token_file"))
        return QStringLiteral("web identity");
    if (has("role_arn")) {
        const QString source =
            has("source_profile") ? value("source_profile") : value("credential_source");
        return QStringLiteral("assume role from %1").arg(source);
    }
    if (has("sso_account_id") || has("sso_role_name"))
        return QStringLiteral("SSO");
    if (!value("aws_access_key_id").isEmpty())
        return kAccessKeys;
    if (!value("credential_process").isEmpty())
        return QStringLiteral("credential_process");
    return kNone;
}

// Settings the chain would reject (botocore's words), found without any network call.
QString ProfileCatalog::setupProblem(const AwsConfig &config)
{
    const auto plan = RolePlan::forProfile(config);
    if (!plan)
        return plan.error().message;
    const auto sso = SsoProfile::forProfile(config.profiles(), config.profileName());
    if (!plan.value() && !sso)
        return sso.error().message;
    return {};
}

QString ProfileCatalog::problemOf(const ProfileInfo &info)
{
    if (info.credentialSource == kNone)
        return QStringLiteral("Profile '%1' has no credentials: add aws_access_key_id and "
                              "aws_secret_access_key, a role_arn with a source_profile, "
                              "sso_account_id and sso_role_name, or a credential_process, to it.")
            .arg(info.name);
    if (info.region.isEmpty() && info.controlPlaneUrl.isEmpty())
        return QStringLiteral("Profile '%1' has no region: add one to the profile, or set a "
                              "region override for the connection.")
            .arg(info.name);
    return {};
}

} // namespace thingdeck
