#pragma once

#include "HttpServer.h"
#include "Result.h"

#include <QMap>
#include <QString>

#include <optional>

namespace thingdeck {

class CredentialStore;
class RequestAuthenticator;
struct IssuedCredentials;
struct SandboxRole;

/// An STS refusal as AWS's query protocol reports it (aws-credentials.md §2.4).
struct StsError
{
    int httpStatus = 400;
    QString code;
    QString message;
};

/// Who signed an STS request: the sandbox's IAM user or a role session it issued.
struct StsCaller
{
    QString arn;
    QString userId;
    QString roleName; ///< empty for the IAM user
};

/// The sandbox's stand-in for AWS STS (query protocol, version 2011-06-15) on the REST API's
/// port: `POST /` with a form body (or `GET /?Action=…`). AssumeRole and GetCallerIdentity are
/// SigV4-checked for the signing name "sts"; AssumeRoleWithWebIdentity is unsigned, as on AWS.
/// Answers are AWS's XML shapes, refusals its ErrorResponse XML with AWS's codes and wording.
class StsService
{
public:
    struct Options
    {
        QString accountId;
        QString userName;          ///< the IAM user that owns the sandbox's static keys
        QString staticAccessKeyId; ///< that user's key
        int lifetimeCap = 0;       ///< --credential-lifetime; 0 = AWS's rule
    };

    StsService(RequestAuthenticator *authenticator, CredentialStore *store, Options options);

    /// True for requests STS answers: `POST /` with a form body, `GET /` with an Action.
    static bool accepts(const HttpRequest &request);
    HttpResponse respond(const HttpRequest &request);

    /// Seconds issued credentials live: `requested` (AWS's default 3600 when absent), and with a
    /// cap (--credential-lifetime) the cap when absent, else the smaller of the two.
    static int lifetime(std::optional<int> requested, int cap);
    /// The ARN a caller of GetCallerIdentity sees for the IAM user.
    QString userArn() const;

private:
    using Params = QMap<QString, QString>;

    HttpResponse signedAction(const HttpRequest &request, const QString &action,
                              const Params &params);
    HttpResponse assumeRole(const Params &params, const StsCaller &caller);
    HttpResponse assumeRoleWithWebIdentity(const Params &params);
    HttpResponse getCallerIdentity(const StsCaller &caller) const;
    std::optional<StsError> checkTrust(const SandboxRole &role, const Params &params,
                                       const StsCaller &caller) const;
    std::optional<StsError> checkMfa(const Params &params) const;
    Result<int, StsError> duration(const Params &params, const SandboxRole &role,
                                   const StsCaller &caller) const;
    std::optional<StsCaller> callerFor(const QString &accessKeyId) const;
    QString assumedRoleArn(const QString &roleName, const QString &sessionName) const;

    using Fields = QList<std::pair<QString, QString>>;
    /// The XML answer of an Assume… action; `extra` elements follow the credentials.
    HttpResponse credentialsResponse(const QString &action, const IssuedCredentials &issued,
                                     const SandboxRole &role, const Fields &extra = {}) const;
    static HttpResponse error(const StsError &error);

    RequestAuthenticator *m_authenticator;
    CredentialStore *m_store;
    Options m_options;
};

} // namespace thingdeck
