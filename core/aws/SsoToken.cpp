#include "aws/SsoToken.h"

#include "aws/CredentialCache.h"
#include "aws/SsoProfile.h"
#include "aws/StsResponse.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace thingdeck {
namespace {

QString pathOf(const QString &directory, const SsoProfile &profile)
{
    return directory + u'/' + profile.tokenCacheKey() + QStringLiteral(".json");
}

// botocore's SSOTokenLoadError texts.
ConfigError loadError(const QString &what, const SsoProfile &profile, const QString &file)
{
    return SsoToken::loginRequired(QStringLiteral("Error loading SSO Token: Token for ") + what,
                                   profile.profile, file);
}

QString text(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString();
}

} // namespace

QString SsoToken::defaultDirectory(const QString &home)
{
    return (home.isEmpty() ? QDir::homePath() : home) + QStringLiteral("/.aws/sso/cache");
}

Result<SsoToken, ConfigError> SsoToken::read(const QString &directory, const SsoProfile &profile)
{
    const QString path = pathOf(directory, profile);
    QFile file(path);
    if (!QFileInfo::exists(path) || !file.open(QIODevice::ReadOnly)) {
        const QString name = profile.isLegacy() ? profile.startUrl : profile.sessionName;
        return fail(loadError(name + QStringLiteral(" does not exist"), profile, path));
    }
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    SsoToken token;
    token.startUrl = text(object, "startUrl");
    token.region = text(object, "region");
    token.accessToken = text(object, "accessToken");
    token.expiresAt = StsResponse::parseTime(text(object, "expiresAt"));
    token.clientId = text(object, "clientId");
    token.clientSecret = text(object, "clientSecret");
    token.registrationExpiresText = text(object, "registrationExpiresAt");
    token.registrationExpiresAt = StsResponse::parseTime(token.registrationExpiresText);
    token.refreshToken = text(object, "refreshToken");
    // botocore names the start URL here even for an sso-session profile.
    if (token.accessToken.isEmpty() || !token.expiresAt.isValid())
        return fail(loadError(profile.startUrl + QStringLiteral(" is invalid"), profile, path));
    return token;
}

bool SsoToken::canRefresh(const QDateTime &now) const
{
    return !refreshToken.isEmpty() && !clientId.isEmpty() && !clientSecret.isEmpty() &&
           registrationExpiresAt.isValid() && now.secsTo(registrationExpiresAt) > 0;
}

bool SsoToken::needsRefresh(const QDateTime &now) const
{
    return now.secsTo(expiresAt) < kRefreshWindowSeconds;
}

bool SsoToken::isExpired(const QDateTime &now) const
{
    return now >= expiresAt;
}

ConfigError SsoToken::loginRequired(const QString &awsText, const QString &profile,
                                    const QString &file)
{
    ConfigError error{
        ConfigError::Kind::SsoLoginRequired,
        awsText +
            QStringLiteral(". Run `aws sso login --profile %1`, then try again.").arg(profile),
        file, 0};
    error.profile = profile;
    return error;
}

QString SsoToken::formatTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + u'Z';
}

QByteArray SsoToken::fileContent() const
{
    const auto string = [](const QString &value) {
        return CredentialCache::pythonString(value);
    };
    CredentialCache::JsonMembers members{
        {QStringLiteral("startUrl"), string(startUrl)},
        {QStringLiteral("region"), string(region)},
        {QStringLiteral("accessToken"), string(accessToken)},
        {QStringLiteral("expiresAt"), string(formatTime(expiresAt))},
        {QStringLiteral("clientId"), string(clientId)},
        {QStringLiteral("clientSecret"), string(clientSecret)},
        {QStringLiteral("registrationExpiresAt"), string(registrationExpiresText)},
    };
    if (!refreshToken.isEmpty())
        members.append({QStringLiteral("refreshToken"), string(refreshToken)});
    return CredentialCache::pythonObject(members);
}

std::optional<QString> SsoToken::write(const QString &directory, const SsoProfile &profile) const
{
    return CredentialCache::writePrivateFile(directory, pathOf(directory, profile), fileContent());
}

} // namespace thingdeck
