#include "aws/SigV4Signer.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <algorithm>
#include <map>
#include <string_view>

namespace thingdeck {

namespace {

QByteArray algorithm()
{
    return QByteArrayLiteral("AWS4-HMAC-SHA256");
}

QByteArray terminator()
{
    return QByteArrayLiteral("aws4_request");
}

using QueryParam = std::pair<QByteArray, QByteArray>;

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isLowerHex(const QByteArray &text)
{
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Our own decoder rather than QByteArray::fromPercentEncoding() so that the rules are explicit:
// '+' stays '+' (SigV4 is not form encoding) and a malformed escape is kept literally, which
// the re-encoding then turns into "%25".
QByteArray percentDecode(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const bool escape = text.at(i) == '%' && i + 2 < text.size() &&
                            hexValue(text.at(i + 1)) >= 0 && hexValue(text.at(i + 2)) >= 0;
        if (!escape) {
            out.append(text.at(i));
            continue;
        }
        out.append(static_cast<char>(hexValue(text.at(i + 1)) * 16 + hexValue(text.at(i + 2))));
        i += 2;
    }
    return out;
}

QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QByteArray sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// Segment-wise like botocore's posixpath.normpath(): "." vanishes, ".." removes the segment
// before it, and empty segments (repeated '/') disappear. A trailing '/' is significant to
// services, so it survives unless nothing but the root is left.
QByteArray normalizedPath(const QByteArray &path)
{
    QList<QByteArray> kept;
    for (const QByteArray &segment : path.split('/')) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty())
                kept.removeLast();
            continue;
        }
        kept.append(segment);
    }
    QByteArray result = '/' + kept.join('/');
    if (!kept.isEmpty() && path.endsWith('/'))
        result.append('/');
    return result;
}

QList<QueryParam> decodedQueryParams(const QByteArray &wireQuery)
{
    QList<QueryParam> params;
    for (const QByteArray &part : wireQuery.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray name = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        params.append({percentDecode(name), percentDecode(value)});
    }
    return params;
}

QByteArray canonicalHeaderValue(const QByteArray &value)
{
    // simplified() trims and turns every internal whitespace run into one space.
    return value.simplified();
}

// Lower-case name -> canonical value. std::map keeps the names in byte order; the values of
// a repeated name are joined with ',' in the order they were given.
std::map<QByteArray, QByteArray> headersByName(const SigV4Request &request)
{
    std::map<QByteArray, QByteArray> values;
    values[QByteArrayLiteral("host")] = canonicalHeaderValue(request.host);
    for (const HttpHeader &header : request.headers) {
        const QByteArray name = header.first.trimmed().toLower();
        // request.host is what goes on the wire; a stray Host entry must not be signed twice.
        if (name == "host")
            continue;
        const QByteArray value = canonicalHeaderValue(header.second);
        const auto [it, inserted] = values.emplace(name, value);
        if (!inserted)
            it->second += ',' + value;
    }
    return values;
}

QByteArray authorizationValue(const QByteArray &accessKeyId, const QByteArray &scope,
                              const QByteArray &signedHeaders, const QByteArray &signature)
{
    return algorithm() + " Credential=" + accessKeyId + '/' + scope +
           ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
}

// Everything the header and query forms share once the request to sign is complete.
struct SigningResult
{
    QByteArray signedHeaders;
    QByteArray signature;
};

SigningResult signRequest(const SigV4Request &request, const AwsCredentials &credentials,
                          const SigV4Scope &scope, const QByteArray &amzDate)
{
    const QByteArray creq = SigV4Signer::canonicalRequest(request);
    const QByteArray sts = SigV4Signer::stringToSign(creq, amzDate, scope);
    const QByteArray key =
        SigV4Signer::signingKey(credentials.secretAccessKey, amzDate.left(8), scope);
    return {SigV4Signer::canonicalHeaders(request).second, SigV4Signer::signature(sts, key)};
}

QByteArray appendQuery(const QByteArray &query, const QByteArray &extra)
{
    return query.isEmpty() ? extra : query + '&' + extra;
}

QByteArray presignParams(const SigV4Request &request, const AwsCredentials &credentials,
                         const SigV4Scope &scope, const QByteArray &amzDate, qint64 expiresSeconds)
{
    const QByteArray credential =
        credentials.accessKeyId.toUtf8() + '/' + SigV4Signer::credentialScope(amzDate, scope);
    QByteArray params = "X-Amz-Algorithm=" + algorithm();
    params += "&X-Amz-Credential=" + SigV4Signer::uriEncode(credential);
    params += "&X-Amz-Date=" + amzDate;
    if (expiresSeconds > 0)
        params += "&X-Amz-Expires=" + QByteArray::number(expiresSeconds);
    const QByteArray signedHeaders = SigV4Signer::canonicalHeaders(request).second;
    params += "&X-Amz-SignedHeaders=" + SigV4Signer::uriEncode(signedHeaders);
    return params;
}

QByteArray tokenParam(const AwsCredentials &credentials)
{
    return "X-Amz-Security-Token=" + SigV4Signer::uriEncode(credentials.sessionToken.toUtf8());
}

// "Credential=AKID/20150830/us-east-1/service/aws4_request"
bool parseCredential(const QByteArray &value, SigV4Authorization &out)
{
    const QList<QByteArray> parts = value.split('/');
    if (parts.size() != 5 || parts.at(4) != terminator())
        return false;
    if (std::any_of(parts.begin(), parts.end(), [](const QByteArray &p) { return p.isEmpty(); }))
        return false;
    const QByteArray &date = parts.at(1);
    if (date.size() != 8 ||
        !std::all_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    out.accessKeyId = parts.at(0);
    out.date = date;
    out.region = parts.at(2);
    out.service = parts.at(3);
    return true;
}

bool parseSignedHeaders(const QByteArray &value, SigV4Authorization &out)
{
    const QList<QByteArray> names = value.split(';');
    for (const QByteArray &name : names) {
        if (name.isEmpty() || name != name.toLower())
            return false;
    }
    out.signedHeaders = names;
    return true;
}

// Every SigV4 signer writes lower-case hex; accepting other spellings would only make two
// equal signatures compare unequal later.
bool parseSignatureValue(const QByteArray &value, SigV4Authorization &out)
{
    if (value.size() != 64 || !isLowerHex(value))
        return false;
    out.signature = value;
    return true;
}

// Splits "Credential=..., SignedHeaders=..., Signature=..." into its three fields; nullopt
// on anything else (a missing, unknown or repeated field, or a blank inside a field).
std::optional<std::map<QByteArray, QByteArray>> authorizationFields(const QByteArray &text)
{
    const QList<QByteArray> parts = text.split(',');
    if (parts.size() != 3)
        return std::nullopt;
    std::map<QByteArray, QByteArray> fields;
    for (const QByteArray &part : parts) {
        // Blanks are tolerated around the commas only.
        const QByteArray field = part.trimmed();
        const qsizetype eq = field.indexOf('=');
        if (eq <= 0 || field.contains(' ') ||
            !fields.emplace(field.left(eq), field.mid(eq + 1)).second)
            return std::nullopt;
    }
    return fields;
}

} // namespace

QByteArray SigV4Signer::uriEncode(const QByteArray &bytes, bool keepSlash)
{
    constexpr std::string_view hexDigits = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        if (isUnreserved(c) || (keepSlash && c == '/')) {
            out.append(c);
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        out.append('%');
        out.append(hexDigits[byte >> 4]);
        out.append(hexDigits[byte & 0x0f]);
    }
    return out;
}

QByteArray SigV4Signer::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

QByteArray SigV4Signer::payloadHash(const QByteArray &body)
{
    return sha256Hex(body);
}

QByteArray SigV4Signer::canonicalUri(const SigV4Request &request)
{
    QByteArray path = request.path.isEmpty() ? QByteArrayLiteral("/") : request.path;
    if (request.normalizePath)
        path = normalizedPath(path);
    // The wire path is already encoded once; every service but S3 signs it encoded twice.
    return request.doubleEncodePath ? uriEncode(path, true) : path;
}

QByteArray SigV4Signer::canonicalQuery(const QByteArray &wireQuery)
{
    QList<QueryParam> params = decodedQueryParams(wireQuery);
    for (QueryParam &param : params)
        param = {uriEncode(param.first), uriEncode(param.second)};
    // Byte order on the encoded forms: upper case before lower case, '%' before letters.
    std::sort(params.begin(), params.end());
    QByteArray out;
    for (const QueryParam &param : params)
        out += (out.isEmpty() ? "" : "&") + param.first + '=' + param.second;
    return out;
}

std::pair<QByteArray, QByteArray> SigV4Signer::canonicalHeaders(const SigV4Request &request)
{
    QByteArray lines;
    QList<QByteArray> names;
    for (const auto &[name, value] : headersByName(request)) {
        lines += name + ':' + value + '\n';
        names.append(name);
    }
    return {lines, names.join(';')};
}

QByteArray SigV4Signer::canonicalRequest(const SigV4Request &request)
{
    const auto [headerLines, signedHeaders] = canonicalHeaders(request);
    return request.method.toUpper() + '\n' + canonicalUri(request) + '\n' +
           canonicalQuery(request.query) + '\n' + headerLines + '\n' + signedHeaders + '\n' +
           payloadHash(request.body);
}

QByteArray SigV4Signer::credentialScope(const QByteArray &amzDate, const SigV4Scope &scope)
{
    // The scope date must be the first 8 characters of X-Amz-Date, never a second clock read.
    return amzDate.left(8) + '/' + scope.region.toUtf8() + '/' + scope.service.toUtf8() + '/' +
           terminator();
}

QByteArray SigV4Signer::stringToSign(const QByteArray &canonicalRequest, const QByteArray &amzDate,
                                     const SigV4Scope &scope)
{
    return algorithm() + '\n' + amzDate + '\n' + credentialScope(amzDate, scope) + '\n' +
           sha256Hex(canonicalRequest);
}

QByteArray SigV4Signer::signingKey(const QString &secretAccessKey, const QByteArray &date,
                                   const SigV4Scope &scope)
{
    const QByteArray kDate = hmac("AWS4" + secretAccessKey.toUtf8(), date);
    const QByteArray kRegion = hmac(kDate, scope.region.toUtf8());
    const QByteArray kService = hmac(kRegion, scope.service.toUtf8());
    return hmac(kService, terminator());
}

QByteArray SigV4Signer::signature(const QByteArray &stringToSign, const QByteArray &signingKey)
{
    return hmac(signingKey, stringToSign).toHex();
}

QList<HttpHeader> SigV4Signer::signHeaders(const SigV4Request &request,
                                           const AwsCredentials &credentials,
                                           const SigV4Scope &scope, const QDateTime &time)
{
    const QByteArray amzDate = timestamp(time);
    QList<HttpHeader> added{{QByteArrayLiteral("X-Amz-Date"), amzDate}};
    if (!credentials.sessionToken.isEmpty())
        added.append(
            {QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken.toUtf8()});

    SigV4Request toSign = request;
    toSign.headers += added;
    const SigningResult result = signRequest(toSign, credentials, scope, amzDate);
    const QByteArray authorization =
        authorizationValue(credentials.accessKeyId.toUtf8(), credentialScope(amzDate, scope),
                           result.signedHeaders, result.signature);
    added.append({QByteArrayLiteral("Authorization"), authorization});
    return added;
}

QByteArray SigV4Signer::presignQuery(const SigV4Request &request, const AwsCredentials &credentials,
                                     const SigV4Scope &scope, const QDateTime &time,
                                     qint64 expiresSeconds, TokenMode tokenMode)
{
    const QByteArray amzDate = timestamp(time);
    const bool hasToken = !credentials.sessionToken.isEmpty();
    QByteArray params = presignParams(request, credentials, scope, amzDate, expiresSeconds);
    if (hasToken && tokenMode == TokenMode::Signed)
        params = appendQuery(params, tokenParam(credentials));

    SigV4Request toSign = request;
    toSign.query = appendQuery(request.query, params);
    const SigningResult result = signRequest(toSign, credentials, scope, amzDate);

    QByteArray query = canonicalQuery(toSign.query) + "&X-Amz-Signature=" + result.signature;
    // AWS IoT's WebSocket endpoint wants the token outside the signature, after it.
    if (hasToken && tokenMode == TokenMode::AppendedAfterSigning)
        query = appendQuery(query, tokenParam(credentials));
    return query;
}

std::optional<SigV4Authorization> SigV4Signer::parseAuthorization(const QByteArray &header)
{
    const QByteArray prefix = algorithm() + ' ';
    if (!header.startsWith(prefix))
        return std::nullopt;
    const auto fields = authorizationFields(header.mid(prefix.size()));
    if (!fields)
        return std::nullopt;
    SigV4Authorization result;
    const auto field = [&fields](const char *name) {
        const auto it = fields->find(QByteArray(name));
        return it == fields->end() ? QByteArray() : it->second;
    };
    if (!parseCredential(field("Credential"), result) ||
        !parseSignedHeaders(field("SignedHeaders"), result) ||
        !parseSignatureValue(field("Signature"), result))
        return std::nullopt;
    return result;
}

} // namespace thingdeck
