#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>

#include <functional>
#include <optional>

namespace thingdeck {

class AwsConfig;

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

    /// Values set here win over everything else (the app's own settings).
    void setExplicitCredentials(const AwsCredentials &credentials);

    /// Delivers credentials (cached while more than five minutes from expiry) or the error.
    /// The callback always runs later from the event loop, never inside fetch(), and never when
    /// `context` has been destroyed.
    /// A null `context` binds the callback to the chain itself.
    void fetch(QObject *context, Callback callback);

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
    void onProcessDone(const CredentialsResult &result, const QString &profile);
    void finish(const CredentialsResult &result, bool cacheable);

    QProcessEnvironment m_environment;
    QString m_explicitProfile;
    std::optional<AwsCredentials> m_explicitCredentials;
    std::optional<AwsCredentials> m_cached;
    QList<Waiter> m_waiters;
    bool m_resolving = false;
    quint64 m_generation = 0; ///< bumped by invalidate(); older results are not cached
    quint64 m_resolvingGeneration = 0;
};

} // namespace thingdeck
