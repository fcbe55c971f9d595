#include "SsoService.h"

#include "CredentialStore.h"
#include "JsonKey.h"
#include "StsService.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <QUuid>

namespace thingdeck {

SsoService::SsoService(CredentialStore *store, Options options)
    : m_store(store)
    , m_options(std::move(options))
{}

bool SsoService::accepts(const HttpRequest &request)
{
    return (request.method == "GET" && request.path() == "/federation/credentials") ||
           (request.method == "POST" && request.path() == "/token");
}

HttpResponse SsoService::respond(const HttpRequest &request)
{
    if (request.path() == "/token")
        return createToken(request);
    return getRoleCredentials(request);
}

int SsoService::tokenSeconds() const
{
    return StsService::lifetime(std::nullopt, m_options.lifetimeCap);
}

// An unknown or expired token is 401 UnauthorizedException, which botocore turns into "The SSO
// session associated with this profile has expired or is otherwise invalid".
HttpResponse SsoService::getRoleCredentials(const HttpRequest &request)
{
    const QString token = QString::fromUtf8(request.header("x-amz-sso_bearer_token"));
    const auto expiry = m_store->ssoAccessTokenExpiry(token);
    if (!expiry || *expiry <= QDateTime::currentDateTimeUtc())
        return json(401,
                    {{jsonKey("message"), QStringLiteral("Session token not found or invalid")}},
                    "UnauthorizedException");
    const QUrlQuery query(QString::fromUtf8(request.query()));
    const QString accountId = query.queryItemValue(jsonKey("account_id"), QUrl::FullyDecoded);
    const QString roleName = query.queryItemValue(jsonKey("role_name"), QUrl::FullyDecoded);
    if (accountId.isEmpty() || roleName.isEmpty())
        return json(400,
                    {{jsonKey("message"), QStringLiteral("account_id and role_name are required")}},
                    "InvalidRequestException");
    const SandboxRole *role = m_store->roleByName(roleName);
    if (accountId != m_options.accountId || !role || role->webIdentity)
        return json(403, {{jsonKey("message"), QStringLiteral("No access")}}, "ForbiddenException");
    // Role credentials end with the token that got them at the latest.
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(*expiry);
    const IssuedCredentials issued =
        m_store->issue(*role, m_options.sessionName, int(std::max<qint64>(1, left)));
    return json(
        200, {{jsonKey("roleCredentials"),
               QJsonObject{{jsonKey("accessKeyId"), issued.keys.accessKeyId},
                           {jsonKey("secretAccessKey"), issued.keys.secretAccessKey},
                           {jsonKey("sessionToken"), issued.keys.sessionToken},
                           {jsonKey("expiration"), issued.keys.expiration.toMSecsSinceEpoch()}}}});
}

HttpResponse SsoService::createToken(const HttpRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString grantType = body.value(jsonKey("grantType")).toString();
    if (grantType.isEmpty() || body.value(jsonKey("clientId")).toString().isEmpty())
        return oidcError(400, "InvalidRequestException", "invalid_request",
                         QStringLiteral("grantType, clientId and clientSecret are required"));
    if (body.value(jsonKey("clientId")).toString() != m_store->ssoClientId() ||
        body.value(jsonKey("clientSecret")).toString() != m_store->ssoClientSecret())
        return oidcError(401, "InvalidClientException", "invalid_client",
                         QStringLiteral("Invalid client provided"));
    if (grantType != QLatin1String("refresh_token"))
        return oidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                         QStringLiteral("The sandbox only supports the refresh_token grant; "
                                        "its token cache file is written for you"));
    if (!m_store->isRefreshToken(body.value(jsonKey("refreshToken")).toString()))
        return oidcError(400, "InvalidGrantException", "invalid_grant",
                         QStringLiteral("Invalid refresh token provided"));
    const int seconds = tokenSeconds();
    return json(200, {{jsonKey("accessToken"), m_store->issueSsoAccessToken(seconds)},
                      {jsonKey("tokenType"), jsonKey("Bearer")},
                      {jsonKey("expiresIn"), seconds},
                      {jsonKey("refreshToken"), m_store->issueRefreshToken()}});
}

HttpResponse SsoService::json(int status, const QJsonObject &body, const QByteArray &errorType)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    response.headers.append(HttpHeader{"Content-Type", "application/json"});
    response.headers.append(HttpHeader{
        "x-amzn-RequestId", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()});
    if (!errorType.isEmpty())
        response.headers.append(HttpHeader{"x-amzn-ErrorType", errorType});
    return response;
}

HttpResponse SsoService::oidcError(int status, const char *type, const char *error,
                                   const QString &description)
{
    return json(status,
                {{jsonKey("error"), jsonKey(error)}, {jsonKey("error_description"), description}},
                type);
}

} // namespace thingdeck
