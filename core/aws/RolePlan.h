#pragma once

#include "Result.h"
#include "aws/ConfigError.h"
#include "aws/CredentialCache.h"

#include <QList>
#include <QString>

#include <optional>

namespace thingdeck {

class AwsConfig;

/// One AssumeRole call of a profile with `role_arn`, as botocore builds it from the profile.
struct AssumeRoleHop
{
    QString profile;
    QString roleArn;
    QString roleSessionName; ///< as configured; empty: generated per call
    QString externalId;
    QString mfaSerial;
    std::optional<qint64> durationSeconds; ///< dropped when the value is not an integer

    /// The arguments the cache key is made of (never TokenCode or a generated session name).
    CredentialCache::Arguments cacheArguments() const;
};

/// AssumeRoleWithWebIdentity settings, each from the environment first (unless disabled).
struct WebIdentitySource
{
    QString tokenFile; ///< as written: no `~` expansion
    QString roleArn;
    QString roleSessionName; ///< empty: generated per call

    CredentialCache::Arguments cacheArguments() const;
};

/// How a profile's credentials come from STS: a base (keys of a profile, the environment, or
/// web identity), then zero or more AssumeRole hops, each signed with the previous one's keys.
struct RolePlan
{
    enum class Base {
        ProfileKeys, ///< `baseProfile`'s keys or credential_process (botocore's profile chain)
        Environment, ///< credential_source = Environment
        WebIdentity, ///< `webIdentity`
    };
    Base base = Base::ProfileKeys;
    QString baseProfile;
    WebIdentitySource webIdentity;
    QList<AssumeRoleHop> hops; ///< in call order; the last one gives the profile's keys

    /// The plan for `config`'s selected profile, following botocore's AssumeRoleProvider and
    /// AssumeRoleWithWebIdentityProvider: std::nullopt when the profile uses neither (the
    /// caller goes on with the rest of the chain), an error for settings botocore rejects, with
    /// botocore's words (loops: "Infinite loop in credential configuration detected. …").
    static Result<std::optional<RolePlan>, ConfigError> forProfile(const AwsConfig &config);

    /// `botocore-session-<unix seconds>`.
    static QString generatedSessionName(const QDateTime &now);
};

} // namespace thingdeck
