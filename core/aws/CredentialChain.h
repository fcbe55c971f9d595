#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>

class QNetworkAccessManager;

#include <functional>
#include <optional>

namespace thingdeck {

class AwsConfig;
class AwsClient;
class MfaCodeSource;
struct RolePlan;
struct SsoProfile;

/// Finds AWS credentials the way the AWS CLI does: explicit values > environment > shared
/// credentials file > credential_process > config file, for the profile given explicitly or by
/// AWS_PROFILE (else "default"). Caches the result and refreshes it before it expires.
///
/// In detail it follows botocore: the profile comes from `explicitProfile`, else
/// AWS_DEFAULT_PROFILE, else AWS_PROFILE, else "default"; a profile given as `explicitProfile`
/// (like the CLI's --profile) skips the environment keys, AWS_PROFILE does not; a profile's
/// keys in the credentials file come before its credential_process, and keys in the config
/// file after it. Files are read again on every resolution, so edits count after invalidate()
/// or expiry. Only one resolution (and so one credential_process) runs at a time; every fetch()
/// made meanwhile gets its result.
///
/// Profiles with `role_arn` (source_profile chains, credential_source = Environment) and web
/// identity (`web_identity_token_file`, AWS_WEB_IDENTITY_TOKEN_FILE) get their keys from STS,
/// sharing the AWS CLI's cache `~/.aws/cli/cache` (see RolePlan, RoleCredentialFetcher,
/// CredentialCache, StsEndpoint). Profiles with `sso_account_id` / `sso_role_name` (IAM
/// Identity Center, after those and before the credentials file, as in botocore) get them from
/// the SSO portal with the token `aws sso login` cached (see SsoCredentialFetcher); an SSO
/// profile also works as a source_profile. Keys that expire are refreshed 15 minutes ahead; if
/// that fails they are still used until 10 minutes are left, never later.
class CredentialChain : public QObject
{
    Q_OBJECT
public:
    using CredentialsResult = Result<AwsCredentials, ConfigError>;
    using Callback = std::function<void(const CredentialsResult &)>;

    /// `environment` replaces the process environment (tests pass their own).
    explicit CredentialChain(QProcessEnvironment environment, QString explicitProfile = {},
                             QObject *parent = nullptr);
    ~CredentialChain() override;
    Q_DISABLE_COPY_MOVE(CredentialChain)

    /// Values set here win over everything else (the app's own settings).
    void setExplicitCredentials(const AwsCredentials &credentials);

    /// Delivers credentials (cached while more than five minutes from expiry) or the error.
    /// The callback always runs later from the event loop, never inside fetch(), and never when
    /// `context` has been destroyed.
    /// A null `context` binds the callback to the chain itself.
    void fetch(QObject *context, Callback callback);

    /// Who is asked for MFA codes (`mfa_serial`); not owned, may be null (then such a profile
    /// fails with "… needs an MFA code; …"). It must outlive the chain or be reset first.
    void setMfaCodeSource(MfaCodeSource *source);

    /// The manager STS calls go through; not owned. Without one the chain makes its own.
    void setNetworkAccessManager(QNetworkAccessManager *network);

    /// Drops cached credentials, so the next fetch() resolves again.
    void invalidate();

    QString profileName() const;

private:
    struct Waiter
    {
        QPointer<QObject> context;
        Callback callback;
    };

    void resolve();
    void resolveWithConfig(const AwsConfig &config);
    std::optional<CredentialsResult> fromEnvironment() const;
    void startProcess(const AwsConfig &config, const QString &command);
    void runProcess(const QString &command, const QString &profile, Callback done);
    void startRole(const AwsConfig &config, const RolePlan &plan);
    void runSso(const AwsConfig &config, const SsoProfile &profile, Callback done);
    Result<AwsClient *, ConfigError> makeClient(const AwsConfig &config, const QString &region);
    CredentialsResult environmentForCredentialSource(const QString &profile) const;
    void resolveSourceProfile(const AwsConfig &config, const QString &profile, Callback done);
    QNetworkAccessManager *network();
    void finish(const CredentialsResult &delivered, bool cacheable);

    QProcessEnvironment m_environment;
    QString m_explicitProfile;
    std::optional<AwsCredentials> m_explicitCredentials;
    std::optional<AwsCredentials> m_cached;
    std::optional<AwsCredentials> m_fallback; ///< used if a refresh in the advisory window fails
    MfaCodeSource *m_mfa = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QNetworkAccessManager *m_ownNetwork = nullptr;
    QList<Waiter> m_waiters;
    bool m_resolving = false;
    quint64 m_generation = 0; ///< bumped by invalidate(); older results are not cached
    quint64 m_resolvingGeneration = 0;
};

} // namespace thingdeck
