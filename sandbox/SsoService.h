#pragma once

#include "HttpServer.h"

#include <QJsonObject>
#include <QString>

namespace thingdeck {

class CredentialStore;

/// The sandbox's stand-ins for the IAM Identity Center (SSO) portal's GetRoleCredentials
/// (`GET /federation/credentials`, bearer token in `x-amz-sso_bearer_token`) and SSO OIDC's
/// CreateToken with a refresh token (`POST /token`), as rest-json services on the REST API's
/// port (aws-credentials.md §5.3, §5.4). Both are unsigned, as on AWS. Access tokens come from
/// the CredentialStore and live as long as the sandbox's other credentials.
class SsoService
{
public:
    struct Options
    {
        QString accountId;
        QString sessionName = QStringLiteral("thingdeck-sandbox-user"); ///< role session name
        int lifetimeCap = 0; ///< --credential-lifetime; 0 = AWS's rule
    };

    SsoService(CredentialStore *store, Options options);

    static bool accepts(const HttpRequest &request);
    HttpResponse respond(const HttpRequest &request);

    /// Seconds an access token (and role credentials from it) live.
    int tokenSeconds() const;

private:
    HttpResponse getRoleCredentials(const HttpRequest &request);
    HttpResponse createToken(const HttpRequest &request);

    static HttpResponse json(int status, const QJsonObject &body, const QByteArray &errorType = {});
    static HttpResponse oidcError(int status, const char *type, const char *error,
                                  const QString &description);

    CredentialStore *m_store;
    Options m_options;
};

} // namespace thingdeck
