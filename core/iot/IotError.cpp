#include "iot/IotError.h"

namespace thingdeck {

namespace {

bool isConflict(const AwsError &error)
{
    if (error.code == QLatin1String("ConflictException") ||
        error.code == QLatin1String("VersionConflictException"))
        return true;
    // Another 409 code (ResourceAlreadyExistsException) is not about versions.
    return error.httpStatus == 409 && error.code.isEmpty();
}

bool isNotFound(const AwsError &error)
{
    return error.code == QLatin1String("ResourceNotFoundException") ||
           (error.httpStatus == 404 && error.code.isEmpty());
}

IotError::Kind kindOf(const AwsError &error)
{
    if (error.kind == AwsError::Kind::Cancelled)
        return IotError::Kind::Cancelled;
    if (error.kind != AwsError::Kind::Service)
        return IotError::Kind::Failed;
    if (isConflict(error))
        return IotError::Kind::Conflict;
    return isNotFound(error) ? IotError::Kind::NotFound : IotError::Kind::Failed;
}

} // namespace

QString IotError::toString() const
{
    return kind == Kind::InvalidArgument ? message : aws.toString();
}

IotError IotError::fromAws(const AwsError &error)
{
    return IotError{kindOf(error), error.message, error};
}

IotError IotError::invalidArgument(const QString &message)
{
    return IotError{Kind::InvalidArgument, message, AwsError()};
}

IotError IotError::invalidResponse(const QString &operation, const AwsResponse &response,
                                   const QString &message)
{
    AwsError error;
    error.kind = AwsError::Kind::InvalidResponse;
    error.httpStatus = response.httpStatus;
    error.operation = operation;
    error.requestId = response.requestId;
    error.attempts = response.attempts;
    error.message = QStringLiteral("the answer is not what AWS IoT sends: ") + message;
    return IotError{Kind::Failed, error.message, error};
}

} // namespace thingdeck
