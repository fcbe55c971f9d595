#include "aws/SsoCredentialFetcher.h"

#include "aws/AwsClient.h"

#include "Logging.h"

namespace thingdeck {
namespace {

const QString kGetRoleCredentials = QStringLiteral("GetRoleCredentials");
const QString kCreateToken = QStringLiteral("CreateToken");

// botocore maps this code (HTTP 401) to UnauthorizedSSOTokenError.
bool isUnauthorized(const AwsError &error)
{
    return error.kind == AwsError::Kind::Service &&
           (error.code == QLatin1String("UnauthorizedException") ||
            (error.code.isEmpty() && error.httpStatus == 401));
}

} // namespace

SsoCredentialFetcher::SsoCredentialFetcher(SsoProfile profile, SsoEndpoint endpoint,
                                           AwsClient *client, CredentialCache roleCache,
                                           QString tokenDirectory, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_endpoint(std::move(endpoint))
    , m_client(client)
    , m_roleCache(std::move(roleCache))
    , m_tokenDirectory(std::move(tokenDirectory))
{}

void SsoCredentialFetcher::start(Callback done)
{
    const auto cached = m_roleCache.read(m_profile.roleCacheKey(), QDateTime::currentDateTimeUtc());
    if (!cached)
        return done(fail(cached.error()));
    if (cached.value()) {
        qCDebug(lcAws) << "SSO role credentials from"
                       << m_roleCache.filePath(m_profile.roleCacheKey());
        return done(*cached.value());
    }
    const auto token = SsoToken::read(m_tokenDirectory, m_profile);
    if (!token)
        return done(fail(token.error()));
    withToken(token.value(), std::move(done));
}

// botocore's SSOTokenProvider for sso-session profiles; SSOTokenLoader (no checks) for legacy.
void SsoCredentialFetcher::withToken(const SsoToken &token, Callback done)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_profile.isLegacy() || !token.needsRefresh(now))
        return getRoleCredentials(token.accessToken, std::move(done));
    if (token.canRefresh(now))
        return refresh(token, std::move(done));
    refreshFailed(token,
                  QStringLiteral("the cached token has no usable refresh token or client "
                                 "registration"),
                  std::move(done));
}

QByteArray SsoCredentialFetcher::createTokenBody(const SsoToken &token)
{
    const auto string = [](const QString &value) {
        return CredentialCache::pythonString(value);
    };
    return CredentialCache::pythonObject({
        {QStringLiteral("grantType"), string(QStringLiteral("refresh_token"))},
        {QStringLiteral("clientId"), string(token.clientId)},
        {QStringLiteral("clientSecret"), string(token.clientSecret)},
        {QStringLiteral("refreshToken"), string(token.refreshToken)},
    });
}

void SsoCredentialFetcher::refresh(const SsoToken &token, Callback done)
{
    AwsRequest request;
    request.method = QByteArrayLiteral("POST");
    request.endpoint = m_endpoint.oidc;
    request.signingService = QStringLiteral("sso-oauth");
    request.pathSegments = {QStringLiteral("token")};
    request.contentType = QByteArrayLiteral("application/json");
    request.body = createTokenBody(token);
    request.signing = AwsRequest::Signing::None;
    m_client->send(
        request, this,
        [this, token, done = std::move(done)](const Result<AwsResponse, AwsError> &reply) {
            if (!reply)
                return refreshFailed(
                    token, callFailed(reply.error(), kCreateToken, m_endpoint.oidc).message, done);
            onRefreshed(token, reply.value().json.object(), done);
        });
}

// The file is rewritten as botocore's _refresher does: registration copied, refreshToken only
// when the answer has one.
void SsoCredentialFetcher::onRefreshed(const SsoToken &old, const QJsonObject &answer,
                                       Callback done)
{
    const QString accessToken = answer.value(QStringLiteral("accessToken")).toString();
    const qint64 expiresIn = answer.value(QStringLiteral("expiresIn")).toInteger(-1);
    if (accessToken.isEmpty() || expiresIn < 0)
        return refreshFailed(old, QStringLiteral("the answer lacks accessToken or expiresIn"),
                             std::move(done));
    SsoToken token = old;
    token.startUrl = m_profile.startUrl;
    token.region = m_profile.ssoRegion;
    token.accessToken = accessToken;
    token.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
    token.refreshToken = answer.value(QStringLiteral("refreshToken")).toString();
    if (auto problem = token.write(m_tokenDirectory, m_profile))
        qCWarning(lcAws) << "renewed SSO token not saved:" << *problem;
    getRoleCredentials(token.accessToken, std::move(done));
}

void SsoCredentialFetcher::refreshFailed(const SsoToken &old, const QString &why, Callback done)
{
    qCWarning(lcAws) << "SSO token of profile" << m_profile.profile << "not renewed:" << why;
    if (!old.isExpired(QDateTime::currentDateTimeUtc()))
        return getRoleCredentials(old.accessToken, std::move(done));
    done(fail(loginRequired(
        QStringLiteral("Error when retrieving token from sso: Token has expired and refresh "
                       "failed"))));
}

void SsoCredentialFetcher::getRoleCredentials(const QString &accessToken, Callback done)
{
    AwsRequest request;
    request.endpoint = m_endpoint.portal;
    request.signingService = QStringLiteral("awsssoportal");
    request.pathSegments = {QStringLiteral("federation"), QStringLiteral("credentials")};
    request.query = {{QStringLiteral("role_name"), m_profile.roleName},
                     {QStringLiteral("account_id"), m_profile.accountId}};
    request.headers = {{QByteArrayLiteral("x-amz-sso_bearer_token"), accessToken.toUtf8()}};
    request.signing = AwsRequest::Signing::None;
    m_client->send(
        request, this, [this, done = std::move(done)](const Result<AwsResponse, AwsError> &reply) {
            if (!reply && isUnauthorized(reply.error())) {
                return done(fail(loginRequired(QStringLiteral(
                    "The SSO session associated with this profile has expired or is otherwise "
                    "invalid. To refresh this SSO session run aws sso login with the corresponding "
                    "profile"))));
            }
            if (!reply)
                return done(
                    fail(callFailed(reply.error(), kGetRoleCredentials, m_endpoint.portal)));
            auto credentials = parseRoleCredentials(reply.value().json.object());
            if (!credentials) {
                return done(
                    fail(ConfigError{ConfigError::Kind::SsoFailed,
                                     QStringLiteral("The SSO portal at %1 answered oddly: %2.")
                                         .arg(m_endpoint.portal.host(), credentials.error()),
                                     QString(), 0}));
            }
            const QString key = m_profile.roleCacheKey();
            if (auto problem = m_roleCache.writeSso(key, credentials.value()))
                qCWarning(lcAws) << "not cached:" << *problem;
            AwsCredentials keys = credentials.value();
            keys.source = QStringLiteral("profile %1 (SSO)").arg(m_profile.profile);
            done(keys);
        });
}

Result<AwsCredentials, QString>
SsoCredentialFetcher::parseRoleCredentials(const QJsonObject &answer)
{
    const QJsonObject role = answer.value(QStringLiteral("roleCredentials")).toObject();
    AwsCredentials credentials;
    credentials.accessKeyId = role.value(QStringLiteral("accessKeyId")).toString();
    credentials.secretAccessKey = role.value(QStringLiteral("secretAccessKey")).toString();
    credentials.sessionToken = role.value(QStringLiteral("sessionToken")).toString();
    const QJsonValue expiration = role.value(QStringLiteral("expiration"));
    if (!credentials.isValid() || credentials.sessionToken.isEmpty() || !expiration.isDouble())
        return fail(QStringLiteral("roleCredentials lacks accessKeyId, secretAccessKey, "
                                   "sessionToken or a numeric expiration"));
    // botocore formats expiration / 1000 with whole seconds: the milliseconds are dropped.
    const qint64 milliseconds = expiration.toInteger();
    credentials.expiration = QDateTime::fromSecsSinceEpoch(milliseconds / 1000, Qt::UTC);
    return credentials;
}

ConfigError SsoCredentialFetcher::loginRequired(const QString &awsText) const
{
    return SsoToken::loginRequired(awsText, m_profile.profile);
}

// A service error in the AWS CLI's words; anything else names the host.
ConfigError SsoCredentialFetcher::callFailed(const AwsError &error, const QString &operation,
                                             const QUrl &endpoint)
{
    QString text;
    if (error.kind == AwsError::Kind::Service && !error.code.isEmpty()) {
        text = QStringLiteral("An error occurred (%1) when calling the %2 operation: %3")
                   .arg(error.code, operation, error.message);
        if (!error.requestId.isEmpty())
            text += QStringLiteral(" [request id %1]").arg(error.requestId);
    } else {
        AwsError local = error;
        local.operation.clear();
        text = QStringLiteral("The %1 call to %2 failed: %3")
                   .arg(operation, endpoint.host(), local.toString());
    }
    return {ConfigError::Kind::SsoFailed, text, QString(), 0};
}

} // namespace thingdeck
