#pragma once

#include "aws/AwsCredentials.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace thingdeck {

using HttpHeader = std::pair<QByteArray, QByteArray>;

/// The parts of an HTTP request that SigV4 covers, in the exact form they go on the wire.
struct SigV4Request
{
    QByteArray method; ///< e.g. "GET"
    QByteArray host;   ///< the Host header as sent: "host" or "host:port" (non-default port)
    QByteArray path;   ///< path as sent, already percent-encoded once ("/topics/a%2Fb")
    QByteArray query;  ///< query as sent, without '?'; empty when there is none
    QList<HttpHeader> headers;    ///< other headers to sign, as sent; never the ones Qt adds itself
    QByteArray body;              ///< the exact body bytes
    bool doubleEncodePath = true; ///< false only for S3
    bool normalizePath = true;    ///< remove "." / ".." and repeated "/" (false only for S3)
};

/// Region and signing name: "iot" (control plane), "iotdata" (data plane), "iotdevicegateway".
struct SigV4Scope
{
    QString region;
    QString service;
};

/// An Authorization header taken apart, for verifying incoming requests.
struct SigV4Authorization
{
    QByteArray accessKeyId;
    QByteArray date; ///< YYYYMMDD of the credential scope
    QByteArray region;
    QByteArray service;
    QList<QByteArray> signedHeaders; ///< lower-case names in the order given
    QByteArray signature;            ///< lower-case hex
};

/// AWS Signature Version 4: canonical request, string to sign, signing key, and the header and
/// presigned-URL forms. Every step is public so that a server can verify a request with it.
class SigV4Signer
{
public:
    enum class TokenMode {
        Signed,              ///< X-Amz-Security-Token is part of what is signed (REST)
        AppendedAfterSigning ///< added after signing, unsigned (AWS IoT MQTT over WebSocket)
    };

    /// UriEncode() of the SigV4 spec: every byte but A-Z a-z 0-9 - . _ ~ as upper-case %XX;
    /// '/' kept when `keepSlash`.
    static QByteArray uriEncode(const QByteArray &bytes, bool keepSlash = false);
    static QByteArray timestamp(const QDateTime &time);    ///< "20150830T123600Z" (UTC)
    static QByteArray payloadHash(const QByteArray &body); ///< lower-case hex SHA-256

    static QByteArray canonicalUri(const SigV4Request &request);
    static QByteArray canonicalQuery(const QByteArray &wireQuery);
    /// "name:value\n" lines, then SignedHeaders; `host` is always included.
    static std::pair<QByteArray, QByteArray> canonicalHeaders(const SigV4Request &request);
    static QByteArray canonicalRequest(const SigV4Request &request);
    static QByteArray credentialScope(const QByteArray &amzDate, const SigV4Scope &scope);
    static QByteArray stringToSign(const QByteArray &canonicalRequest, const QByteArray &amzDate,
                                   const SigV4Scope &scope);
    static QByteArray signingKey(const QString &secretAccessKey, const QByteArray &date,
                                 const SigV4Scope &scope); ///< raw 32 bytes
    static QByteArray signature(const QByteArray &stringToSign, const QByteArray &signingKey);

    /// Header form. Returns the headers to add to the request, in this order: X-Amz-Date,
    /// X-Amz-Security-Token (only with a session token), Authorization. The first two are
    /// signed. `request.headers` must not already contain them.
    static QList<HttpHeader> signHeaders(const SigV4Request &request,
                                         const AwsCredentials &credentials, const SigV4Scope &scope,
                                         const QDateTime &time);

    /// Presigned-URL form. Returns the complete query to send (without '?'): the request's own
    /// parameters plus X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires (only when
    /// `expiresSeconds` > 0), -Security-Token (signed, or appended last per `tokenMode`) and
    /// X-Amz-Signature.
    static QByteArray presignQuery(const SigV4Request &request, const AwsCredentials &credentials,
                                   const SigV4Scope &scope, const QDateTime &time,
                                   qint64 expiresSeconds, TokenMode tokenMode);

    /// Parses "AWS4-HMAC-SHA256 Credential=.../.../.../.../aws4_request, SignedHeaders=...,
    /// Signature=..."; nullopt when it is not of that form.
    static std::optional<SigV4Authorization> parseAuthorization(const QByteArray &header);
};

} // namespace thingdeck
