#include "aws/SsoProfile.h"

#include "aws/CredentialCache.h"

#include <QCryptographicHash>

namespace thingdeck {
namespace {

const QString kSsoSession = QStringLiteral("sso_session");

ConfigError invalid(const QString &message)
{
    return {ConfigError::Kind::InvalidValue, message, QString(), 0};
}

// botocore's _resolve_sso_session_reference: the session's keys are merged into the profile's,
// and a key set in both must have the same value.
Result<ProfileFile::Properties, ConfigError> resolveSession(const ProfileFile &profiles,
                                                            ProfileFile::Properties properties)
{
    if (!properties.contains(kSsoSession))
        return properties;
    const QString name = properties.value(kSsoSession);
    if (!profiles.ssoSessions().contains(name))
        return fail(
            invalid(QStringLiteral("The specified sso-session does not exist: \"%1\"").arg(name)));
    const ProfileFile::Properties session = profiles.ssoSessions().value(name);
    for (auto it = session.cbegin(); it != session.cend(); ++it) {
        if (properties.contains(it.key()) && properties.value(it.key()) != it.value()) {
            return fail(invalid(QStringLiteral("The value for %1 is inconsistent between profile "
                                               "(%2) and sso-session (%3).")
                                    .arg(it.key(), properties.value(it.key()), it.value())));
        }
        properties.insert(it.key(), it.value());
    }
    return properties;
}

} // namespace

Result<std::optional<SsoProfile>, ConfigError> SsoProfile::forProfile(const ProfileFile &profiles,
                                                                      const QString &profile)
{
    const ProfileFile::Properties own = profiles.profile(profile);
    if (!own.contains(QStringLiteral("sso_account_id")) &&
        !own.contains(QStringLiteral("sso_role_name")))
        return std::optional<SsoProfile>();
    const auto resolved = resolveSession(profiles, own);
    if (!resolved)
        return fail(resolved.error());
    const ProfileFile::Properties &properties = resolved.value();
    QStringList missing;
    for (const char *key : {"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"}) {
        if (!properties.contains(QLatin1String(key)))
            missing.append(QLatin1String(key));
    }
    if (!missing.isEmpty()) {
        return fail(invalid(QStringLiteral("The profile \"%1\" is configured to use SSO but is "
                                           "missing required configuration: %2")
                                .arg(profile, missing.join(QStringLiteral(", ")))));
    }
    return std::optional<SsoProfile>(SsoProfile{profile, properties.value(kSsoSession),
                                                properties.value(QStringLiteral("sso_start_url")),
                                                properties.value(QStringLiteral("sso_region")),
                                                properties.value(QStringLiteral("sso_account_id")),
                                                properties.value(QStringLiteral("sso_role_name"))});
}

QString SsoProfile::sha1Hex(const QString &text)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex());
}

QString SsoProfile::tokenCacheKey() const
{
    return sha1Hex(isLegacy() ? startUrl : sessionName);
}

QByteArray SsoProfile::roleCacheJson() const
{
    CredentialCache::Arguments arguments{{QStringLiteral("accountId"), accountId},
                                         {QStringLiteral("roleName"), roleName}};
    if (isLegacy())
        arguments.append({QStringLiteral("startUrl"), startUrl});
    else
        arguments.append({QStringLiteral("sessionName"), sessionName});
    return CredentialCache::canonicalJson(arguments, CredentialCache::Separators::Compact);
}

QString SsoProfile::roleCacheKey() const
{
    return QString::fromLatin1(
        QCryptographicHash::hash(roleCacheJson(), QCryptographicHash::Sha1).toHex());
}

} // namespace thingdeck
