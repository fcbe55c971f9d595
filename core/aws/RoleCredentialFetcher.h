#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"
#include "aws/CredentialCache.h"
#include "aws/RolePlan.h"
#include "aws/StsEndpoint.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace thingdeck {

class AwsClient;
class MfaCodeSource;
struct AwsError;
struct AwsResponse;

/// Carries out a RolePlan: the base credentials, then one STS call per hop, each signed with
/// the keys of the hop before it (AssumeRoleWithWebIdentity unsigned). Like botocore it starts
/// at the top: a hop whose cache entry is fresh needs nothing below it (no source keys, no MFA
/// code, no call). Every answer is written to the cache.
class RoleCredentialFetcher : public QObject
{
    Q_OBJECT
public:
    using Outcome = Result<AwsCredentials, ConfigError>;
    using Callback = std::function<void(const Outcome &)>;
    /// Delivers the base credentials of a ProfileKeys or Environment plan.
    using BaseSource = std::function<void(const Callback &)>;

    /// `sts` sends the calls (its TLS settings, timeouts and retries apply); `mfa` may be null.
    RoleCredentialFetcher(RolePlan plan, StsEndpoint endpoint, AwsClient *sts,
                          CredentialCache cache, MfaCodeSource *mfa, QObject *parent = nullptr);

    void setBaseSource(BaseSource source);

    /// Runs once; `done` is called exactly once unless this object is destroyed first.
    void start(Callback done);

    /// The form body of an AssumeRole call, parameters in botocore's order.
    static QByteArray assumeRoleBody(const AssumeRoleHop &hop, const QString &sessionName,
                                     const QString &tokenCode);
    /// The form body of an AssumeRoleWithWebIdentity call; `token` is sent byte for byte.
    static QByteArray webIdentityBody(const WebIdentitySource &source, const QString &sessionName,
                                      const QByteArray &token);
    /// Python's urlencode (quote_plus) of one value.
    static QByteArray formEncode(const QByteArray &value);

private:
    void credentialsFor(int level, Callback callback);
    void assumeRole(const AssumeRoleHop &hop, const AwsCredentials &source, Callback callback);
    void sendAssumeRole(const AssumeRoleHop &hop, const AwsCredentials &source,
                        const QString &tokenCode, Callback callback);
    void webIdentity(Callback callback);
    void send(const QByteArray &body, const AwsCredentials *signer, const QString &operation,
              const QString &cacheKey, const QString &source, Callback callback);
    std::optional<Outcome> cached(const QString &key) const;

    RolePlan m_plan;
    StsEndpoint m_endpoint;
    AwsClient *m_sts;
    CredentialCache m_cache;
    MfaCodeSource *m_mfa;
    BaseSource m_baseSource;
};

} // namespace thingdeck
