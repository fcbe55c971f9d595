// SigV4 canonical request building on arbitrary bytes. Fields (NUL-separated): path, query,
// method, headers ("name:value" lines), body, and an Authorization header to parse.
// Properties: the canonical URI and query use only unreserved characters and upper-case %XX
// escapes; a normalized path has no empty, "." or ".." segment; canonicalQuery is idempotent;
// a signed request's Authorization header parses back with our key, date and scope, "host"
// among the signed headers and a 64-digit lower-case hex signature.

#include "FuzzSupport.h"

#include "aws/SigV4Signer.h"

#include <algorithm>
#include <string_view>

using namespace thingdeck;

namespace {

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

bool isUpperHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

bool isEncoded(const QByteArray &text, const QByteArray &alsoAllowed)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (isUnreserved(c) || alsoAllowed.contains(c))
            continue;
        if (c != '%' || i + 2 >= text.size() || !isUpperHex(text.at(i + 1)) ||
            !isUpperHex(text.at(i + 2)))
            return false;
        i += 2;
    }
    return true;
}

bool isLowerHex(const QByteArray &text)
{
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool isNormalized(const QByteArray &uri)
{
    if (!uri.startsWith('/'))
        return false;
    const QList<QByteArray> segments = uri.mid(1).split('/');
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QByteArray &segment = segments.at(i);
        const bool last = i + 1 == segments.size();
        if ((segment.isEmpty() && !last) || segment == "." || segment == "..")
            return false;
    }
    return true;
}

// RFC 9110 token characters: the only ones a header name can have on the wire (Qt and every
// HTTP stack refuse others), so a name outside them never reaches the signer from a request.
bool isToken(const QByteArray &name)
{
    static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    return !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               extra.find(c) != std::string_view::npos;
    });
}

QList<HttpHeader> headersOf(const QByteArray &text)
{
    QList<HttpHeader> headers;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon < 0 ? line : line.left(colon);
        const QByteArray lower = name.toLower();
        // signHeaders() adds these itself and requires that the request does not hold them.
        if (!isToken(name) || lower == "x-amz-date" || lower == "x-amz-security-token" ||
            lower == "authorization" || lower == "host")
            continue;
        headers.append({name, colon < 0 ? QByteArray() : line.mid(colon + 1)});
    }
    return headers;
}

void checkCanonicalParts(SigV4Request request)
{
    for (const bool normalize : {true, false}) {
        for (const bool doubleEncode : {true, false}) {
            request.normalizePath = normalize;
            request.doubleEncodePath = doubleEncode;
            const QByteArray uri = SigV4Signer::canonicalUri(request);
            FUZZ_CHECK(!uri.isEmpty());
            if (doubleEncode)
                FUZZ_CHECK(isEncoded(uri, "/"));
            if (normalize)
                FUZZ_CHECK(isNormalized(uri));
            SigV4Signer::canonicalRequest(request);
        }
    }
    const QByteArray query = SigV4Signer::canonicalQuery(request.query);
    FUZZ_CHECK(isEncoded(query, "=&"));
    FUZZ_CHECK(SigV4Signer::canonicalQuery(query) == query);
}

void checkSignedHeader(const SigV4Request &request)
{
    const AwsCredentials credentials{QStringLiteral("AKIDEXAMPLE"),
                                     QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                     QStringLiteral("token"), QDateTime(), QString()};
    const SigV4Scope scope{QStringLiteral("eu-west-1"), QStringLiteral("iotdata")};
    const QDateTime time(QDate(2015, 8, 30), QTime(12, 36), Qt::UTC);
    const QList<HttpHeader> added = SigV4Signer::signHeaders(request, credentials, scope, time);
    FUZZ_CHECK(added.size() == 3 && added.constLast().first == "Authorization");
    const auto parsed = SigV4Signer::parseAuthorization(added.constLast().second);
    FUZZ_CHECK(parsed.has_value());
    FUZZ_CHECK(parsed->accessKeyId == "AKIDEXAMPLE" && parsed->date == "20150830");
    FUZZ_CHECK(parsed->region == "eu-west-1" && parsed->service == "iotdata");
    FUZZ_CHECK(parsed->signedHeaders.contains("host"));
    FUZZ_CHECK(parsed->signature.size() == 64 && isLowerHex(parsed->signature));
    const QByteArray presigned = SigV4Signer::presignQuery(
        request, credentials, scope, time, 300, SigV4Signer::TokenMode::AppendedAfterSigning);
    FUZZ_CHECK(presigned.contains("X-Amz-Signature="));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> field = fuzz::fields(fuzz::input(data, size), 6);
    SigV4Request request;
    request.path = field.at(0);
    request.query = field.at(1);
    request.method = field.at(2).isEmpty() ? QByteArrayLiteral("GET") : field.at(2);
    request.host = QByteArrayLiteral("data-ats.iot.eu-west-1.amazonaws.com");
    request.headers = headersOf(field.at(3));
    request.body = field.at(4);
    checkCanonicalParts(request);
    checkSignedHeader(request);
    SigV4Signer::parseAuthorization(field.at(5));
    return 0;
}
