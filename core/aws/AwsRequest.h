#pragma once

#include "aws/SigV4Signer.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <utility>

namespace thingdeck {

/// One AWS REST call before signing. Path segments and query items are raw text; the request
/// encodes them itself (strict RFC 3986, the SigV4 UriEncode set), so that what is signed and
/// what QNetworkAccessManager sends are the same bytes.
struct AwsRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl endpoint;            ///< scheme, host, optional port and base path; no query
    QString signingService;   ///< "iot" or "iotdata"
    QStringList pathSegments; ///< raw segments: {"topics", "a/b"} goes out as /topics/a%2Fb
    QList<std::pair<QString, QString>> query; ///< raw names and values, in order
    QByteArray body;
    QByteArray contentType;               ///< sent (and signed) when not empty
    QList<HttpHeader> headers;            ///< further headers to send and sign
    std::chrono::milliseconds timeout{0}; ///< per attempt; 0 means the client's default
    /// How the request is signed. Chain: with the client's CredentialChain; Given: with
    /// `credentials` (an STS call signed by a source profile's keys); None: not at all
    /// (AssumeRoleWithWebIdentity).
    enum class Signing { Chain, Given, None };
    Signing signing = Signing::Chain;
    AwsCredentials credentials; ///< for Signing::Given only; never logged
    QString signingRegion;      ///< empty: the client's region
    bool jsonResponse = true;   ///< false: a success body is handed over raw (XML of STS)

    QByteArray wirePath() const;   ///< base path + encoded segments, "/" when empty
    QByteArray wireQuery() const;  ///< encoded query without '?', empty when none
    QByteArray hostHeader() const; ///< "host" or "host:port" for a non-default port
    QUrl url() const;              ///< the URL to request, built from the wire forms
    /// The part of the request that SigV4 covers, exactly as it will be sent.
    SigV4Request toSigV4() const;
    /// "GET /things/x" for messages; contains no query values, headers or body.
    QString describe() const;
};

} // namespace thingdeck
