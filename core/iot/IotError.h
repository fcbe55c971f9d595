#pragma once

#include "Result.h"
#include "aws/AwsClient.h"
#include "aws/AwsError.h"

#include <QString>

#include <functional>
#include <variant>

namespace thingdeck {

/// A failed registry or shadow call as a value. The kind tells a caller what to do next
/// without parsing AWS's codes: fix the input, show "not found", or — for a conflict —
/// re-fetch the current version and let the user redo the edit on top of it. The AwsError
/// underneath keeps every detail (status, code, message, request id).
struct IotError
{
    enum class Kind {
        InvalidArgument, ///< refused before any request: an argument breaks AWS's rules
        NotFound,        ///< the thing, shadow or other resource does not exist (HTTP 404)
        /// HTTP 409: the version the request was based on is no longer the current one
        /// (ConflictException for shadows, VersionConflictException for things).
        Conflict,
        Cancelled, ///< cancelled by the caller
        Failed,    ///< anything else: network, TLS, credentials, throttling, a service error
    };

    Kind kind = Kind::Failed;
    QString message; ///< what went wrong, in a sentence; AWS's message for service errors
    AwsError aws;    ///< the failed AWS call; a default value for InvalidArgument

    bool isConflict() const { return kind == Kind::Conflict; }
    bool isNotFound() const { return kind == Kind::NotFound; }
    /// One sentence for a person, with the operation and request id when there was a request.
    QString toString() const;

    static IotError fromAws(const AwsError &error);
    static IotError invalidArgument(const QString &message);
    /// A success status whose body is not what the operation answers.
    static IotError invalidResponse(const QString &operation, const AwsResponse &response,
                                    const QString &message);
};

/// The outcome of a call whose success carries no value.
using IotOutcome = Result<std::monostate, IotError>;

/// How the IoT clients report: once, on the event loop, to a callback bound to a context.
template<typename T> using IotCallback = std::function<void(const Result<T, IotError> &)>;

} // namespace thingdeck
