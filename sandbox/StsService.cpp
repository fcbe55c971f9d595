#include "StsService.h"

#include "CredentialStore.h"
#include "JsonKey.h"
#include "RequestAuthenticator.h"
#include "Totp.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QUuid>
#include <QXmlStreamWriter>

#include <algorithm>
#include <functional>

namespace thingdeck {

namespace {

const QString kNamespace = QStringLiteral("https://sts.amazonaws.com/doc/2011-06-15/");
constexpr int kDefaultSeconds = 3600;
constexpr int kMinSeconds = 900;
constexpr int kMaxSeconds = 43200;
constexpr int kChainedMaxSeconds = 3600;

// application/x-www-form-urlencoded as botocore writes it: '+' is a space, the rest %XX.
QMap<QString, QString> parseForm(QByteArray form)
{
    QMap<QString, QString> params;
    form.replace('+', ' ');
    for (const QByteArray &part : form.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QString name = QString::fromUtf8(QByteArray::fromPercentEncoding(part.left(eq)));
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        if (!params.contains(name))
            params.insert(name, QString::fromUtf8(QByteArray::fromPercentEncoding(value)));
    }
    return params;
}

QString iso8601(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

StsError validation(const QStringList &problems)
{
    const QString count =
        problems.size() == 1
            ? QStringLiteral("1 validation error detected: ")
            : QStringLiteral("%1 validation errors detected: ").arg(problems.size());
    return StsError{400, jsonKey("ValidationError"), count + problems.join(QStringLiteral("; "))};
}

QString constraint(const QString &value, const char *member, const QString &rule)
{
    return QStringLiteral("Value '%1' at '%2' failed to satisfy constraint: Member must %3")
        .arg(value, QLatin1String(member), rule);
}

// The model's constraints on one string member: required, length range, pattern.
void checkString(const QMap<QString, QString> &params, const char *name, const char *member,
                 int minLength, int maxLength, const QString &pattern, QStringList &problems)
{
    if (!params.contains(jsonKey(name))) {
        problems.append(QStringLiteral("Value null at '%1' failed to satisfy constraint: Member "
                                       "must not be null")
                            .arg(QLatin1String(member)));
        return;
    }
    const QString value = params.value(jsonKey(name));
    if (value.size() < minLength)
        problems.append(
            constraint(value, member,
                       QStringLiteral("have length greater than or equal to %1").arg(minLength)));
    else if (value.size() > maxLength)
        problems.append(constraint(
            value, member, QStringLiteral("have length less than or equal to %1").arg(maxLength)));
    else if (!pattern.isEmpty() && !QRegularExpression(QRegularExpression::anchoredPattern(pattern))
                                        .match(value)
                                        .hasMatch())
        problems.append(constraint(
            value, member, QStringLiteral("satisfy regular expression pattern: %1").arg(pattern)));
}

QStringList checkRoleParams(const QMap<QString, QString> &params)
{
    QStringList problems;
    checkString(params, "RoleArn", "roleArn", 20, 2048, {}, problems);
    checkString(params, "RoleSessionName", "roleSessionName", 2, 64, QStringLiteral("[\\w+=,.@-]*"),
                problems);
    return problems;
}

void writeCredentials(QXmlStreamWriter &xml, const IssuedCredentials &issued)
{
    xml.writeStartElement(jsonKey("Credentials"));
    xml.writeTextElement(jsonKey("AccessKeyId"), issued.keys.accessKeyId);
    xml.writeTextElement(jsonKey("SecretAccessKey"), issued.keys.secretAccessKey);
    xml.writeTextElement(jsonKey("SessionToken"), issued.keys.sessionToken);
    xml.writeTextElement(jsonKey("Expiration"), iso8601(issued.keys.expiration));
    xml.writeEndElement();
}

HttpResponse xmlResponse(int status, const QByteArray &body, const QByteArray &requestId)
{
    HttpResponse response;
    response.status = status;
    response.body = body;
    response.headers.append(HttpHeader{"Content-Type", "text/xml"});
    response.headers.append(HttpHeader{"x-amzn-RequestId", requestId});
    return response;
}

// <ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata>
HttpResponse resultResponse(const QString &action,
                            const std::function<void(QXmlStreamWriter &)> &writeResult)
{
    const QByteArray requestId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    QByteArray body;
    QXmlStreamWriter xml(&body);
    xml.setAutoFormatting(true);
    xml.writeStartElement(action + QStringLiteral("Response"));
    xml.writeDefaultNamespace(kNamespace);
    xml.writeStartElement(action + QStringLiteral("Result"));
    writeResult(xml);
    xml.writeEndElement();
    xml.writeStartElement(jsonKey("ResponseMetadata"));
    xml.writeTextElement(jsonKey("RequestId"), QString::fromLatin1(requestId));
    xml.writeEndElement();
    xml.writeEndElement();
    return xmlResponse(200, body, requestId);
}

// The IoT-style refusals of the authenticator in STS's words (its codes lack "Exception").
StsError stsAuthError(const AuthFailure &failure)
{
    const QString &code = failure.code;
    if (code == QLatin1String("MissingAuthenticationTokenException"))
        return {403, jsonKey("MissingAuthenticationToken"),
                QStringLiteral("Request is missing Authentication Token")};
    if (code == QLatin1String("UnrecognizedClientException"))
        return {403, jsonKey("InvalidClientTokenId"), failure.message};
    if (code == QLatin1String("ExpiredTokenException"))
        return {403, jsonKey("ExpiredToken"), failure.message};
    if (code == QLatin1String("IncompleteSignatureException"))
        return {400, jsonKey("IncompleteSignature"), failure.message};
    return {403, jsonKey("SignatureDoesNotMatch"), failure.message};
}

} // namespace

StsService::StsService(RequestAuthenticator *authenticator, CredentialStore *store, Options options)
    : m_authenticator(authenticator)
    , m_store(store)
    , m_options(std::move(options))
{}

bool StsService::accepts(const HttpRequest &request)
{
    if (request.path() != "/")
        return false;
    if (request.method == "POST")
        return request.header("content-type").startsWith("application/x-www-form-urlencoded");
    return request.method == "GET" && request.query().contains("Action=");
}

int StsService::lifetime(std::optional<int> requested, int cap)
{
    if (cap <= 0)
        return requested.value_or(kDefaultSeconds);
    return requested ? std::min(*requested, cap) : cap;
}

QString StsService::userArn() const
{
    return QStringLiteral("arn:aws:iam::%1:user/%2").arg(m_options.accountId, m_options.userName);
}

HttpResponse StsService::respond(const HttpRequest &request)
{
    const Params params = parseForm(request.method == "POST" ? request.body : request.query());
    const QString action = params.value(jsonKey("Action"));
    if (action.isEmpty())
        return error({400, jsonKey("MissingAction"), QStringLiteral("Missing Action")});
    if (action == QLatin1String("AssumeRoleWithWebIdentity"))
        return assumeRoleWithWebIdentity(params);
    return signedAction(request, action, params);
}

HttpResponse StsService::signedAction(const HttpRequest &request, const QString &action,
                                      const Params &params)
{
    const auto caller = m_authenticator->authenticate(request, ApiPlane::Sts);
    if (!caller.ok())
        return error(stsAuthError(caller.error()));
    const std::optional<StsCaller> who = callerFor(caller.value().accessKeyId);
    if (!who)
        return error(stsAuthError({403, jsonKey("UnrecognizedClientException"),
                                   QStringLiteral("The security token included in the request "
                                                  "is invalid.")}));
    if (action == QLatin1String("AssumeRole"))
        return assumeRole(params, *who);
    if (action == QLatin1String("GetCallerIdentity"))
        return getCallerIdentity(*who);
    return error(
        {400, jsonKey("InvalidAction"),
         QStringLiteral("Could not find operation %1 for version %2")
             .arg(action, params.value(jsonKey("Version"), jsonKey("NO_VERSION_SPECIFIED")))});
}

HttpResponse StsService::assumeRole(const Params &params, const StsCaller &caller)
{
    QStringList problems = checkRoleParams(params);
    if (params.contains(jsonKey("ExternalId")))
        checkString(params, "ExternalId", "externalId", 2, 1224, QStringLiteral("[\\w+=,.@:/-]*"),
                    problems);
    if (params.contains(jsonKey("TokenCode")))
        checkString(params, "TokenCode", "tokenCode", 6, 6, QStringLiteral("[\\d]*"), problems);
    if (!problems.isEmpty())
        return error(validation(problems));
    const QString roleArn = params.value(jsonKey("RoleArn"));
    const SandboxRole *role = m_store->roleByArn(m_options.accountId, roleArn);
    if (!role)
        return error({403, jsonKey("AccessDenied"),
                      QStringLiteral("User: %1 is not authorized to perform: sts:AssumeRole on "
                                     "resource: %2")
                          .arg(caller.arn, roleArn)});
    const auto seconds = duration(params, *role, caller);
    if (!seconds.ok())
        return error(seconds.error());
    if (auto refused = checkTrust(*role, params, caller))
        return error(*refused);
    const IssuedCredentials issued =
        m_store->issue(*role, params.value(jsonKey("RoleSessionName")), seconds.value());
    return credentialsResponse(jsonKey("AssumeRole"), issued, *role);
}

// DurationSeconds within 900–43200, the role's MaxSessionDuration, and one hour for a role
// session assuming another role (role chaining); then the --credential-lifetime rule.
Result<int, StsError> StsService::duration(const Params &params, const SandboxRole &role,
                                           const StsCaller &caller) const
{
    std::optional<int> requested;
    if (params.contains(jsonKey("DurationSeconds"))) {
        bool ok = false;
        const QString text = params.value(jsonKey("DurationSeconds"));
        const int value = text.toInt(&ok);
        if (!ok)
            return fail(
                validation({constraint(text, "durationSeconds", QStringLiteral("be a number"))}));
        if (value < kMinSeconds)
            return fail(validation({constraint(
                text, "durationSeconds",
                QStringLiteral("have value greater than or equal to %1").arg(kMinSeconds))}));
        if (value > kMaxSeconds)
            return fail(validation({constraint(
                text, "durationSeconds",
                QStringLiteral("have value less than or equal to %1").arg(kMaxSeconds))}));
        if (!caller.roleName.isEmpty() && value > kChainedMaxSeconds)
            return fail(StsError{400, jsonKey("ValidationError"),
                                 QStringLiteral("The requested DurationSeconds exceeds the 1 hour "
                                                "session limit for roles assumed by role "
                                                "chaining.")});
        if (value > role.maxSessionSeconds)
            return fail(StsError{400, jsonKey("ValidationError"),
                                 QStringLiteral("The requested DurationSeconds exceeds the "
                                                "MaxSessionDuration set for this role.")});
        requested = value;
    }
    return lifetime(requested, m_options.lifetimeCap);
}

// What the role's trust policy would demand of this caller; AWS answers a failed condition
// with the same AccessDenied as an unknown role, except for a bad MFA code.
std::optional<StsError> StsService::checkTrust(const SandboxRole &role, const Params &params,
                                               const StsCaller &caller) const
{
    const StsError denied{403, jsonKey("AccessDenied"),
                          QStringLiteral("User: %1 is not authorized to perform: sts:AssumeRole "
                                         "on resource: %2")
                              .arg(caller.arn, role.arn(m_options.accountId))};
    if (role.webIdentity)
        return denied;
    if (!role.trustedRole.isEmpty() && caller.roleName != role.trustedRole)
        return denied;
    if (!role.externalId.isEmpty() && params.value(jsonKey("ExternalId")) != role.externalId)
        return denied;
    if (!role.requiresMfa)
        return std::nullopt;
    if (!params.contains(jsonKey("SerialNumber")) || !params.contains(jsonKey("TokenCode")))
        return denied;
    return checkMfa(params);
}

std::optional<StsError> StsService::checkMfa(const Params &params) const
{
    const QString serial = QStringLiteral("arn:aws:iam::%1:mfa/%2")
                               .arg(m_options.accountId, CredentialStore::mfaDeviceName());
    if (params.value(jsonKey("SerialNumber")) != serial)
        return StsError{403, jsonKey("AccessDenied"),
                        QStringLiteral("MultiFactorAuthentication failed, unable to validate MFA "
                                       "code. Please verify your MFA serial number is valid and "
                                       "associated with this user.")};
    if (!Totp::verify(m_store->mfaSecret(), params.value(jsonKey("TokenCode")),
                      QDateTime::currentSecsSinceEpoch()))
        return StsError{403, jsonKey("AccessDenied"),
                        QStringLiteral("MultiFactorAuthentication failed with invalid MFA one "
                                       "time pass code.")};
    return std::nullopt;
}

HttpResponse StsService::assumeRoleWithWebIdentity(const Params &params)
{
    QStringList problems = checkRoleParams(params);
    checkString(params, "WebIdentityToken", "webIdentityToken", 4, 20000, {}, problems);
    if (!problems.isEmpty())
        return error(validation(problems));
    const auto claims = m_store->verifyWebIdentityToken(params.value(jsonKey("WebIdentityToken")));
    if (!claims)
        return error({400, jsonKey("InvalidIdentityToken"),
                      QStringLiteral("The web identity token that was passed could not be "
                                     "validated by AWS. Get a new identity token from the "
                                     "identity provider and then retry the request.")});
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (claims->expiresAt.toSecsSinceEpoch() <= now)
        return error({400, jsonKey("ExpiredTokenException"),
                      QStringLiteral("Token expired: current date/time %1 must be before the "
                                     "expiration date/time %2")
                          .arg(now)
                          .arg(claims->expiresAt.toSecsSinceEpoch())});
    const SandboxRole *role =
        m_store->roleByArn(m_options.accountId, params.value(jsonKey("RoleArn")));
    if (!role || !role->webIdentity)
        return error({403, jsonKey("AccessDenied"),
                      QStringLiteral("Not authorized to perform sts:AssumeRoleWithWebIdentity")});
    const auto seconds = duration(params, *role, StsCaller{});
    if (!seconds.ok())
        return error(seconds.error());
    const IssuedCredentials issued =
        m_store->issue(*role, params.value(jsonKey("RoleSessionName")), seconds.value());
    return credentialsResponse(jsonKey("AssumeRoleWithWebIdentity"), issued, *role,
                               {{jsonKey("SubjectFromWebIdentityToken"), claims->subject},
                                {jsonKey("Audience"), claims->audience},
                                {jsonKey("Provider"), claims->issuer}});
}

HttpResponse StsService::getCallerIdentity(const StsCaller &caller) const
{
    return resultResponse(jsonKey("GetCallerIdentity"), [&](QXmlStreamWriter &xml) {
        xml.writeTextElement(jsonKey("Arn"), caller.arn);
        xml.writeTextElement(jsonKey("UserId"), caller.userId);
        xml.writeTextElement(jsonKey("Account"), m_options.accountId);
    });
}

std::optional<StsCaller> StsService::callerFor(const QString &accessKeyId) const
{
    if (accessKeyId == m_options.staticAccessKeyId) {
        // A stable IAM user id (AIDA…) derived from the key, so it needs no state of its own.
        const QByteArray digest =
            QCryptographicHash::hash(accessKeyId.toUtf8(), QCryptographicHash::Sha1);
        return StsCaller{userArn(), QStringLiteral("AIDA") + Totp::base32(digest).left(17), {}};
    }
    const auto issued = m_store->find(accessKeyId);
    const SandboxRole *role = issued ? m_store->roleByName(issued->roleName) : nullptr;
    if (!role)
        return std::nullopt;
    return StsCaller{assumedRoleArn(role->name, issued->sessionName),
                     role->roleId + QLatin1Char(':') + issued->sessionName, role->name};
}

QString StsService::assumedRoleArn(const QString &roleName, const QString &sessionName) const
{
    return QStringLiteral("arn:aws:sts::%1:assumed-role/%2/%3")
        .arg(m_options.accountId, roleName, sessionName);
}

HttpResponse StsService::credentialsResponse(const QString &action, const IssuedCredentials &issued,
                                             const SandboxRole &role, const Fields &extra) const
{
    return resultResponse(action, [&](QXmlStreamWriter &xml) {
        writeCredentials(xml, issued);
        xml.writeStartElement(jsonKey("AssumedRoleUser"));
        xml.writeTextElement(jsonKey("AssumedRoleId"),
                             role.roleId + QLatin1Char(':') + issued.sessionName);
        xml.writeTextElement(jsonKey("Arn"), assumedRoleArn(role.name, issued.sessionName));
        xml.writeEndElement();
        for (const auto &[name, value] : extra)
            xml.writeTextElement(name, value);
    });
}

HttpResponse StsService::error(const StsError &error)
{
    const QByteArray requestId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    QByteArray body;
    QXmlStreamWriter xml(&body);
    xml.setAutoFormatting(true);
    xml.writeStartElement(jsonKey("ErrorResponse"));
    xml.writeDefaultNamespace(kNamespace);
    xml.writeStartElement(jsonKey("Error"));
    xml.writeTextElement(jsonKey("Type"), jsonKey("Sender"));
    xml.writeTextElement(jsonKey("Code"), error.code);
    xml.writeTextElement(jsonKey("Message"), error.message);
    xml.writeEndElement();
    xml.writeTextElement(jsonKey("RequestId"), QString::fromLatin1(requestId));
    xml.writeEndElement();
    return xmlResponse(error.httpStatus, body, requestId);
}

} // namespace thingdeck
