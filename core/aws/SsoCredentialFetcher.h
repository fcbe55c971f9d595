#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"
#include "aws/CredentialCache.h"
#include "aws/SsoEndpoint.h"
#include "aws/SsoProfile.h"
#include "aws/SsoToken.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace thingdeck {

class AwsClient;
struct AwsError;

/// Gets an SSO profile's role credentials the way botocore's SSOProvider and the AWS CLI do:
/// the CLI's cache `~/.aws/cli/cache` first (entries with more than 900 s left), else the
/// access token from `~/.aws/sso/cache` and an unsigned GetRoleCredentials call to the portal,
/// whose answer is cached. For an sso-session profile a token with less than 900 s left is
/// renewed first through SSO OIDC CreateToken when the cache has a refresh token and a live
/// client registration, and the token file is rewritten as the CLI rewrites it; a failed
/// renewal keeps a token that has not expired yet. Legacy tokens are sent as they are.
///
/// When a new login is the fix, the error is ConfigError::Kind::SsoLoginRequired with the
/// AWS CLI's words and the `aws sso login --profile NAME` to run.
class SsoCredentialFetcher : public QObject
{
    Q_OBJECT
public:
    using Outcome = Result<AwsCredentials, ConfigError>;
    using Callback = std::function<void(const Outcome &)>;

    /// `client` sends both calls unsigned (its CA bundle, timeouts and retries apply).
    SsoCredentialFetcher(SsoProfile profile, SsoEndpoint endpoint, AwsClient *client,
                         CredentialCache roleCache, QString tokenDirectory,
                         QObject *parent = nullptr);

    /// Runs once; `done` is called exactly once unless this object is destroyed first.
    void start(Callback done);

    /// CreateToken's JSON body, members in botocore's order.
    static QByteArray createTokenBody(const SsoToken &token);
    /// The keys of a GetRoleCredentials answer (`expiration` in ms, cut to whole seconds);
    /// the error says what is missing, never a value.
    static Result<AwsCredentials, QString> parseRoleCredentials(const QJsonObject &answer);

private:
    void withToken(const SsoToken &token, Callback done);
    void refresh(const SsoToken &token, Callback done);
    void onRefreshed(const SsoToken &old, const QJsonObject &answer, Callback done);
    void refreshFailed(const SsoToken &old, const QString &why, Callback done);
    void getRoleCredentials(const QString &accessToken, Callback done);
    ConfigError loginRequired(const QString &awsText) const;
    static ConfigError callFailed(const AwsError &error, const QString &operation,
                                  const QUrl &endpoint);

    SsoProfile m_profile;
    SsoEndpoint m_endpoint;
    AwsClient *m_client;
    CredentialCache m_roleCache;
    QString m_tokenDirectory;
};

} // namespace thingdeck
