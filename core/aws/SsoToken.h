#pragma once

#include "Result.h"
#include "aws/ConfigError.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace thingdeck {

struct SsoProfile;

/// An IAM Identity Center access token as `aws sso login` leaves it in
/// `~/.aws/sso/cache/<key>.json`: accessToken and expiresAt, and for sso-session logins the
/// client registration and refresh token that let it be renewed (SSO OIDC CreateToken).
/// Never log the token, the refresh token or the client secret.
struct SsoToken
{
    /// Tokens with less than this left are renewed when they can be (botocore's window).
    static constexpr qint64 kRefreshWindowSeconds = 900;

    QString startUrl;
    QString region;
    QString accessToken;
    QDateTime expiresAt;
    QString clientId;
    QString clientSecret;
    QString registrationExpiresText; ///< registrationExpiresAt as written; copied unchanged
    QDateTime registrationExpiresAt;
    QString refreshToken;

    /// `$HOME/.aws/sso/cache` (HOME from `home`, else the user's home).
    static QString defaultDirectory(const QString &home);

    /// Reads `profile`'s token from `directory`. Errors are SsoLoginRequired with botocore's
    /// texts ("Error loading SSO Token: Token for my-sso does not exist", "… is invalid").
    static Result<SsoToken, ConfigError> read(const QString &directory, const SsoProfile &profile);

    /// True when a refresh may be tried: refreshToken, clientId, clientSecret and a
    /// registrationExpiresAt still in the future.
    bool canRefresh(const QDateTime &now) const;
    bool needsRefresh(const QDateTime &now) const;
    bool isExpired(const QDateTime &now) const;

    /// The file as the AWS CLI writes it (key order startUrl, region, accessToken, expiresAt,
    /// clientId, clientSecret, registrationExpiresAt, refreshToken; times
    /// `%Y-%m-%dT%H:%M:%SZ`; no refreshToken member when there is none).
    QByteArray fileContent() const;
    /// Writes fileContent() atomically with mode 0600; the error names the file.
    std::optional<QString> write(const QString &directory, const SsoProfile &profile) const;

    /// An SsoLoginRequired error: the AWS CLI's `awsText`, then "Run `aws sso login --profile
    /// NAME`, then try again."
    static ConfigError loginRequired(const QString &awsText, const QString &profile,
                                     const QString &file = {});

    /// `YYYY-MM-DDTHH:MM:SSZ`, as botocore's _sso_json_dumps writes times.
    static QString formatTime(const QDateTime &time);
};

} // namespace thingdeck
