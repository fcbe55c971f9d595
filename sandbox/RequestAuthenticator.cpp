#include "RequestAuthenticator.h"

#include <QTimeZone>

#include <map>

namespace thingdeck {

namespace {

AuthFailure failure(const char *code, const QString &message, int status = 403)
{
    return AuthFailure{status, QString::fromLatin1(code), message};
}

AuthFailure invalidSignature(const QString &message)
{
    return failure("InvalidSignatureException", message);
}

// API Gateway-style texts for an Authorization header it cannot take apart; like AWS, every
// missing part is named and the header is quoted.
AuthFailure incompleteSignature(const QByteArray &authorization, bool hasDate)
{
    QString message;
    for (const char *part : {"Credential", "Signature", "SignedHeaders"}) {
        if (!authorization.contains(QByteArray(QByteArray(part) + '=')))
            message += QStringLiteral("Authorization header requires '%1' parameter. ")
                           .arg(QLatin1String(part));
    }
    if (!hasDate)
        message += QStringLiteral("Authorization header requires existence of either a "
                                  "'X-Amz-Date' or a 'Date' header. ");
    if (message.isEmpty())
        message = QStringLiteral("Authorization header is not of the form 'AWS4-HMAC-SHA256 "
                                 "Credential=..., SignedHeaders=..., Signature=...'. ");
    return failure("IncompleteSignatureException",
                   message + QStringLiteral("Authorization=") + QString::fromUtf8(authorization));
}

std::optional<QDateTime> parseAmzDate(const QByteArray &text)
{
    if (text.size() != 16)
        return std::nullopt;
    QDateTime time =
        QDateTime::fromString(QString::fromLatin1(text), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (!time.isValid())
        return std::nullopt;
    time.setTimeZone(QTimeZone::utc());
    return time;
}

// Compares in time independent of where the first difference is, so that timing does not
// reveal how much of a guessed signature was right.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

// The request as the client signed it: its raw path and query, the values of exactly the
// headers it lists as signed (a listed header that is absent counts as empty) and the body.
SigV4Request signedPart(const HttpRequest &request, const SigV4Authorization &auth)
{
    SigV4Request part;
    part.method = request.method;
    part.host = request.header("host");
    part.path = request.path();
    part.query = request.query();
    part.body = request.body;
    for (const QByteArray &name : auth.signedHeaders) {
        if (name == "host")
            continue;
        bool found = false;
        for (const auto &[key, value] : request.headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                part.headers.append({name, value});
                found = true;
            }
        }
        if (!found)
            part.headers.append({name, QByteArray()});
    }
    return part;
}

AuthFailure missingToken()
{
    return failure("MissingAuthenticationTokenException",
                   QStringLiteral("Missing Authentication Token"));
}

AuthFailure invalidToken()
{
    return failure("UnrecognizedClientException",
                   QStringLiteral("The security token included in the request is invalid."));
}

QString stamp(const QDateTime &time)
{
    return QString::fromLatin1(SigV4Signer::timestamp(time));
}

std::optional<AuthFailure> checkNotFuture(const QDateTime &signedAt, const QDateTime &current)
{
    const QDateTime latest = current.addSecs(RequestAuthenticator::kMaxSkewSeconds);
    if (signedAt <= latest)
        return std::nullopt;
    return invalidSignature(
        QStringLiteral("Signature not yet current: %1 is still later than %2 (%3 + 5 min.)")
            .arg(stamp(signedAt), stamp(latest), stamp(current)));
}

QByteArray decodedName(const QByteArray &part)
{
    const qsizetype eq = part.indexOf('=');
    return QByteArray::fromPercentEncoding(eq < 0 ? part : part.left(eq));
}

using PresignedParams = std::map<QByteArray, QByteArray>;

// The X-Amz-* parameters of a presigned URL, decoded. A repeated one is refused: which of the
// two a signer meant cannot be known.
Result<PresignedParams, AuthFailure> presignedParams(const QByteArray &query)
{
    PresignedParams params;
    for (const QByteArray &part : query.split('&')) {
        const QByteArray name = decodedName(part);
        if (!name.startsWith("X-Amz-"))
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        if (!params.emplace(name, QByteArray::fromPercentEncoding(value)).second)
            return fail(failure("IncompleteSignatureException",
                                QStringLiteral("The query-string parameter '%1' is given more "
                                               "than once.")
                                    .arg(QString::fromLatin1(name))));
    }
    if (!params.contains("X-Amz-Algorithm") && !params.contains("X-Amz-Signature"))
        return fail(missingToken());
    for (const char *name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                             "X-Amz-SignedHeaders", "X-Amz-Date"}) {
        if (!params.contains(name))
            return fail(failure("IncompleteSignatureException",
                                QStringLiteral("AWS query-string parameters must include '%1'. "
                                               "Re-examine the query-string parameters.")
                                    .arg(QLatin1String(name))));
    }
    return params;
}

// The same fields as an Authorization header, taken apart by the same parser.
Result<SigV4Authorization, AuthFailure> presignedAuthorization(const PresignedParams &params)
{
    const QByteArray algorithm = params.at("X-Amz-Algorithm");
    if (algorithm != "AWS4-HMAC-SHA256")
        return fail(failure("IncompleteSignatureException",
                            QStringLiteral("X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'")));
    const QByteArray header = algorithm + " Credential=" + params.at("X-Amz-Credential") +
                              ", SignedHeaders=" + params.at("X-Amz-SignedHeaders") +
                              ", Signature=" + params.at("X-Amz-Signature");
    const auto auth = SigV4Signer::parseAuthorization(header);
    if (!auth)
        return fail(failure("IncompleteSignatureException",
                            QStringLiteral("The query-string parameters X-Amz-Credential, "
                                           "X-Amz-SignedHeaders and X-Amz-Signature are not of "
                                           "the SigV4 form.")));
    return *auth;
}

Result<std::optional<qint64>, AuthFailure> presignedExpires(const PresignedParams &params)
{
    const auto it = params.find("X-Amz-Expires");
    if (it == params.end())
        return std::optional<qint64>();
    bool number = false;
    const qint64 seconds = it->second.toLongLong(&number);
    if (!number || seconds < 0)
        return fail(failure("IncompleteSignatureException",
                            QStringLiteral("X-Amz-Expires should be a number")));
    if (seconds > RequestAuthenticator::kMaxPresignedSeconds)
        return fail(failure("IncompleteSignatureException",
                            QStringLiteral("X-Amz-Expires must be less than a week (in seconds) "
                                           "that is 604800")));
    return std::optional<qint64>(seconds);
}

// The query as the client signed it: without X-Amz-Signature, and for AWS IoT's WebSocket
// gateway without the token appended after signing (aws-iot.md §1.7).
QByteArray signedQuery(const QByteArray &query, ApiPlane plane)
{
    QList<QByteArray> kept;
    for (const QByteArray &part : query.split('&')) {
        const QByteArray name = decodedName(part);
        const bool unsignedToken =
            plane == ApiPlane::DeviceGateway && name == "X-Amz-Security-Token";
        if (!part.isEmpty() && name != "X-Amz-Signature" && !unsignedToken)
            kept.append(part);
    }
    return kept.join('&');
}

} // namespace

RequestAuthenticator::RequestAuthenticator(QString region, Clock clock)
    : m_region(std::move(region))
    , m_clock(std::move(clock))
{}

void RequestAuthenticator::addCredentials(const AwsCredentials &credentials)
{
    m_credentials.append(credentials);
}

QStringList RequestAuthenticator::servicesFor(ApiPlane plane)
{
    if (plane == ApiPlane::Data)
        return {QStringLiteral("iotdata")};
    if (plane == ApiPlane::Sts)
        return {QStringLiteral("sts")};
    if (plane == ApiPlane::DeviceGateway)
        return {QStringLiteral("iotdevicegateway")};
    return {QStringLiteral("iot"), QStringLiteral("execute-api")};
}

// The order of the checks: what the front end can judge from the header alone (form, date,
// scope) comes before the key lookup, and the clock and signature come last.
Result<AuthenticatedCaller, AuthFailure>
RequestAuthenticator::authenticate(const HttpRequest &request, ApiPlane plane) const
{
    if (!request.hasHeader("authorization"))
        return fail(missingToken());
    const QByteArray header = request.header("authorization");
    const QByteArray amzDate = request.header("x-amz-date");
    const auto auth = SigV4Signer::parseAuthorization(header);
    if (!auth || amzDate.isEmpty())
        return fail(incompleteSignature(header, !amzDate.isEmpty()));
    return verify(*auth, amzDate, request.header("x-amz-security-token"), request, plane,
                  std::nullopt);
}

Result<AuthenticatedCaller, AuthFailure>
RequestAuthenticator::authenticatePresigned(const HttpRequest &request, ApiPlane plane) const
{
    const auto params = presignedParams(request.query());
    if (!params)
        return fail(params.error());
    const auto auth = presignedAuthorization(params.value());
    if (!auth)
        return fail(auth.error());
    const auto expires = presignedExpires(params.value());
    if (!expires)
        return fail(expires.error());
    HttpRequest signedRequest = request;
    signedRequest.target = request.path() + '?' + signedQuery(request.query(), plane);
    const auto token = params.value().find("X-Amz-Security-Token");
    return verify(auth.value(), params.value().at("X-Amz-Date"),
                  token == params.value().end() ? QByteArray() : token->second, signedRequest,
                  plane, expires.value());
}

Result<AuthenticatedCaller, AuthFailure>
RequestAuthenticator::verify(const SigV4Authorization &auth, const QByteArray &amzDate,
                             const QByteArray &sentToken, const HttpRequest &signedRequest,
                             ApiPlane plane, std::optional<qint64> expires) const
{
    if (auto error = checkScope(auth, plane))
        return fail(*error);
    if (auto error = checkDate(auth, amzDate))
        return fail(*error);
    const std::optional<AwsCredentials> key = findKey(auth.accessKeyId);
    if (!key)
        return fail(invalidToken());
    if (auto error = checkToken(*key, sentToken))
        return fail(*error);
    if (auto error = checkExpiry(*key))
        return fail(*error);
    const QDateTime signedAt = *parseAmzDate(amzDate);
    if (auto error = expires ? checkLifetime(signedAt, *expires) : checkSkew(signedAt))
        return fail(*error);
    if (auto error = checkSignature(auth, *key, amzDate, signedRequest))
        return fail(*error);
    return AuthenticatedCaller{key->accessKeyId, QString::fromUtf8(auth.service)};
}

std::optional<AuthFailure> RequestAuthenticator::checkScope(const SigV4Authorization &auth,
                                                            ApiPlane plane) const
{
    const QStringList services = servicesFor(plane);
    if (!services.contains(QString::fromUtf8(auth.service)))
        return invalidSignature(
            QStringLiteral("Credential should be scoped to correct service: '%1'.")
                .arg(services.constFirst()));
    if (QString::fromUtf8(auth.region) == m_region)
        return std::nullopt;
    // Clients of STS's global endpoint sign for us-east-1 whatever their region (§2.5).
    if (plane == ApiPlane::Sts && auth.region == "us-east-1")
        return std::nullopt;
    // The data plane reports a foreign region as ForbiddenException (aws-iot.md §1.9).
    const QString message =
        QStringLiteral("Credential should be scoped to a valid region, not '%1'. ")
            .arg(QString::fromUtf8(auth.region));
    const bool dataPlane = plane == ApiPlane::Data || plane == ApiPlane::DeviceGateway;
    return dataPlane ? failure("ForbiddenException", message) : invalidSignature(message);
}

std::optional<AuthFailure> RequestAuthenticator::checkDate(const SigV4Authorization &auth,
                                                           const QByteArray &amzDate)
{
    if (!parseAmzDate(amzDate))
        return failure("IncompleteSignatureException",
                       QStringLiteral("Date must be in ISO-8601 'basic format'. Got '%1'. See "
                                      "http://en.wikipedia.org/wiki/ISO_8601")
                           .arg(QString::fromLatin1(amzDate)));
    if (auth.date == amzDate.left(8))
        return std::nullopt;
    return invalidSignature(
        QStringLiteral("Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                       "of date from HTTP: '%1' != '%2', from '%3'.")
            .arg(QString::fromLatin1(auth.date), QString::fromLatin1(amzDate.left(8)),
                 QString::fromLatin1(amzDate)));
}

std::optional<AuthFailure> RequestAuthenticator::checkSkew(const QDateTime &signedAt) const
{
    const QDateTime current = now();
    const QDateTime earliest = current.addSecs(-kMaxSkewSeconds);
    if (signedAt < earliest)
        return invalidSignature(
            QStringLiteral("Signature expired: %1 is now earlier than %2 (%3 - 5 min.)")
                .arg(stamp(signedAt), stamp(earliest), stamp(current)));
    return checkNotFuture(signedAt, current);
}

// AWS's text for a presigned URL past its X-Amz-Expires is not recorded in aws-iot.md; this
// one has the shape of its clock-skew text, with the URL's lifetime in place of 5 minutes.
std::optional<AuthFailure> RequestAuthenticator::checkLifetime(const QDateTime &signedAt,
                                                               qint64 expires) const
{
    const QDateTime current = now();
    const QDateTime earliest = current.addSecs(-expires);
    if (signedAt < earliest)
        return invalidSignature(
            QStringLiteral("Signature expired: %1 is now earlier than %2 (%3 - %4 sec.)")
                .arg(stamp(signedAt), stamp(earliest), stamp(current), QString::number(expires)));
    return checkNotFuture(signedAt, current);
}

// Keys with a session token are temporary credentials: AWS insists on the token. A token sent
// with long-term keys is refused the same way, as AWS cannot match it to them either.
std::optional<AuthFailure> RequestAuthenticator::checkToken(const AwsCredentials &key,
                                                            const QByteArray &sentToken)
{
    if (constantTimeEquals(sentToken, key.sessionToken.toUtf8()))
        return std::nullopt;
    return invalidToken();
}

std::optional<AuthFailure> RequestAuthenticator::checkSignature(const SigV4Authorization &auth,
                                                                const AwsCredentials &key,
                                                                const QByteArray &amzDate,
                                                                const HttpRequest &request)
{
    if (!auth.signedHeaders.contains("host"))
        return failure("IncompleteSignatureException",
                       QStringLiteral("'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                                      "Authorization."));
    const SigV4Scope scope{QString::fromUtf8(auth.region), QString::fromUtf8(auth.service)};
    const SigV4Request part = signedPart(request, auth);
    const QByteArray canonical = SigV4Signer::canonicalRequest(part);
    const QByteArray toSign = SigV4Signer::stringToSign(canonical, amzDate, scope);
    const QByteArray signingKey = SigV4Signer::signingKey(key.secretAccessKey, auth.date, scope);
    const bool sameList =
        SigV4Signer::canonicalHeaders(part).second == auth.signedHeaders.join(';');
    if (sameList && constantTimeEquals(SigV4Signer::signature(toSign, signingKey), auth.signature))
        return std::nullopt;
    return invalidSignature(QStringLiteral(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details."));
}

std::optional<AwsCredentials> RequestAuthenticator::findKey(const QByteArray &accessKeyId) const
{
    for (const AwsCredentials &key : m_credentials) {
        if (key.accessKeyId.toUtf8() == accessKeyId)
            return key;
    }
    if (m_lookup)
        return m_lookup(QString::fromUtf8(accessKeyId));
    return std::nullopt;
}

// Checked after the token matched, so that only the holder of the session token learns that
// the credentials expired; AWS words it without a final full stop.
std::optional<AuthFailure> RequestAuthenticator::checkExpiry(const AwsCredentials &key) const
{
    if (!key.expiration.isValid() || now() < key.expiration)
        return std::nullopt;
    return failure("ExpiredTokenException",
                   QStringLiteral("The security token included in the request is expired"));
}

QDateTime RequestAuthenticator::now() const
{
    return (m_clock ? m_clock() : QDateTime::currentDateTimeUtc()).toUTC();
}

} // namespace thingdeck
