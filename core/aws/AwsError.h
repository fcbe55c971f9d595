#pragma once

#include "aws/ConfigError.h"
#include "aws/SigV4Signer.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace thingdeck {

/// A failed AWS call as a value. For service errors: the HTTP status, AWS's error code (from
/// x-amzn-ErrorType cut at ':', or __type / code in the body), its message and the request id.
struct AwsError
{
    enum class Kind {
        Service,         ///< the service answered with an HTTP error status
        Network,         ///< connection refused, dropped, host not found, ...
        Timeout,         ///< no complete answer within the timeout
        Tls,             ///< the TLS handshake failed (untrusted or wrong certificate, ...)
        Cancelled,       ///< cancelled by the caller
        Credentials,     ///< no usable credentials; message says why
        InvalidResponse, ///< a success status whose body is not the JSON expected
    };

    Kind kind = Kind::Service;
    int httpStatus = 0;
    QString code;    ///< e.g. "ResourceNotFoundException"; empty when not a service error
    QString message; ///< the service's message, or our sentence for local failures
    QString requestId;
    QString operation; ///< "GET /things/x", for messages
    int attempts = 1;
    /// For Kind::Credentials: why the credential chain failed, so that a caller can act on
    /// the kind (e.g. offer `aws sso login --profile` for SsoLoginRequired) without parsing
    /// `message`.
    std::optional<ConfigError> credentials = std::nullopt;

    bool isThrottling() const;
    /// Whether the AWS SDKs' standard retry mode would try again after this error.
    bool isRetryable() const;
    /// One sentence for a person: what failed, the cause, and the request id when known.
    QString toString() const;

    /// Builds the error of an HTTP error response from its status, headers and body.
    static AwsError fromResponse(int httpStatus, const QList<HttpHeader> &headers,
                                 const QByteArray &body);
};

} // namespace thingdeck
