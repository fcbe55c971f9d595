#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace thingdeck {

/// An IAM role the sandbox lets callers assume, with the conditions its trust policy would set.
struct SandboxRole
{
    QString name;
    QString roleId; ///< "AROA…", the unique id AWS puts before ":session" in AssumedRoleId
    bool requiresMfa = false;
    QString externalId;           ///< required ExternalId; empty when none is required
    bool webIdentity = false;     ///< trusts the sandbox's web identity tokens, not the account
    QString trustedRole;          ///< when set, only sessions of this role may assume it (chaining)
    int maxSessionSeconds = 3600; ///< IAM's MaxSessionDuration

    QString arn(const QString &accountId) const;
    QString description() const; ///< one line for sandbox.json
};

/// Temporary credentials the sandbox issued for a role session.
struct IssuedCredentials
{
    AwsCredentials keys; ///< ASIA… key, secret, session token and expiration
    QString roleName;
    QString sessionName;
};

/// What a web identity token the sandbox signed says.
struct WebIdentityClaims
{
    QString issuer;
    QString subject;
    QString audience;
    QDateTime expiresAt;
};

/// The sandbox's credential services' state, kept in `<state dir>/credentials.json` (mode 0600)
/// so that a restart still accepts what it issued: the roles, the virtual MFA device's secret,
/// the key that signs web identity tokens, the SSO client with its access and refresh tokens,
/// and the temporary credentials issued. Every list is capped; expired credentials are
/// forgotten a day after they expire (until then they are recognised, and refused as expired).
class CredentialStore
{
public:
    static constexpr int kMaxIssued = 4096;
    static constexpr int kMaxSsoTokens = 256;
    static constexpr int kMaxRefreshTokens = 64;
    static constexpr const char *kWebIdentityIssuer = "https://oidc.thingdeck-sandbox.localhost";
    static constexpr const char *kWebIdentityAudience = "sts.amazonaws.com";
    static constexpr const char *kWebIdentitySubject = "system:serviceaccount:thingdeck:sandbox";

    /// Reads the file, or seeds the roles and secrets into a new one.
    static Result<std::unique_ptr<CredentialStore>, QString> loadOrCreate(const QString &stateDir);

    const QList<SandboxRole> &roles() const { return m_roles; }
    const SandboxRole *roleByArn(const QString &accountId, const QString &arn) const;
    const SandboxRole *roleByName(const QString &name) const;

    /// The virtual MFA device's name (arn:aws:iam::ACCOUNT:mfa/NAME) and TOTP secret.
    static QString mfaDeviceName() { return QStringLiteral("thingdeck-sandbox"); }
    QByteArray mfaSecret() const { return m_mfaSecret; }

    /// New credentials for a session of `role` that live `seconds`.
    IssuedCredentials issue(const SandboxRole &role, const QString &sessionName, int seconds);
    std::optional<IssuedCredentials> find(const QString &accessKeyId) const;

    /// A JWT-shaped token signed with the store's key, valid for `seconds`.
    QString makeWebIdentityToken(int seconds) const;
    /// The claims of a token this store signed; nullopt for any other string. Expiry is the
    /// caller's to check.
    std::optional<WebIdentityClaims> verifyWebIdentityToken(const QString &token) const;

    QString ssoClientId() const { return m_ssoClientId; }
    QString ssoClientSecret() const { return m_ssoClientSecret; }
    /// A new SSO access token valid for `seconds`.
    QString issueSsoAccessToken(int seconds);
    /// The expiry of an access token this store issued; nullopt when it is unknown.
    std::optional<QDateTime> ssoAccessTokenExpiry(const QString &token) const;
    QString issueRefreshToken();
    bool isRefreshToken(const QString &token) const;

    /// Problems writing the file so far (the services keep answering from memory).
    QString lastError() const { return m_lastError; }

private:
    explicit CredentialStore(QString path);
    void seed();
    void fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
    void prune();
    void save();

    QString m_path;
    QList<SandboxRole> m_roles;
    QByteArray m_mfaSecret;
    QByteArray m_webIdentityKey;
    QString m_ssoClientId;
    QString m_ssoClientSecret;
    QList<std::pair<QString, QDateTime>> m_ssoTokens; ///< oldest first
    QStringList m_refreshTokens;                      ///< oldest first
    QList<IssuedCredentials> m_issued;                ///< oldest first
    QString m_lastError;
};

} // namespace thingdeck
