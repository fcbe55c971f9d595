#pragma once

#include "Result.h"
#include "aws/ConfigError.h"
#include "aws/ProfileFile.h"

#include <QString>

#include <optional>

namespace thingdeck {

/// A profile that gets its keys from IAM Identity Center (SSO), as botocore's SSOProvider reads
/// it: `sso_account_id` and `sso_role_name`, with `sso_start_url` and `sso_region` either in
/// the profile (legacy) or in the `[sso-session NAME]` section that `sso_session` names.
struct SsoProfile
{
    QString profile;
    QString sessionName; ///< empty for a legacy profile (its token is never refreshed)
    QString startUrl;
    QString ssoRegion; ///< where the portal and OIDC calls go (not the profile's `region`)
    QString accountId;
    QString roleName;

    /// The SSO settings of `profile`: std::nullopt when it has neither sso_account_id nor
    /// sso_role_name (the chain goes on), an InvalidValue error in botocore's words for a
    /// missing sso-session, values that differ between profile and sso-session, or missing keys.
    static Result<std::optional<SsoProfile>, ConfigError> forProfile(const ProfileFile &profiles,
                                                                     const QString &profile);

    bool isLegacy() const { return sessionName.isEmpty(); }

    /// The token file's name in ~/.aws/sso/cache (without ".json"): the SHA-1 of the session
    /// name, or of the exact start URL for a legacy profile.
    QString tokenCacheKey() const;
    /// The role-credential file's name in ~/.aws/cli/cache: the SHA-1 of
    /// `{"accountId":…,"roleName":…,"sessionName"|"startUrl":…}` (sorted, compact).
    QString roleCacheKey() const;
    /// The JSON roleCacheKey() hashes.
    QByteArray roleCacheJson() const;

    /// The SHA-1 (lowercase hex) of `text`'s UTF-8 bytes.
    static QString sha1Hex(const QString &text);
};

} // namespace thingdeck
