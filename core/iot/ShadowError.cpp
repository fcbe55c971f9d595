#include "iot/ShadowError.h"

namespace thingdeck {

QJsonObject ShadowError::toJson(std::optional<qint64> timestamp) const
{
    QJsonObject document{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (timestamp)
        document.insert(QStringLiteral("timestamp"), *timestamp);
    if (!clientToken.isEmpty())
        document.insert(QStringLiteral("clientToken"), clientToken);
    return document;
}

QString ShadowError::awsErrorType() const
{
    // The data-plane model's exception for each status (aws-iot.md §4 Errors).
    switch (code) {
    case 400:
        return QStringLiteral("InvalidRequestException");
    case 401:
        return QStringLiteral("UnauthorizedException");
    case 403:
        return QStringLiteral("ForbiddenException");
    case 404:
        return QStringLiteral("ResourceNotFoundException");
    case 405:
        return QStringLiteral("MethodNotAllowedException");
    case 409:
        return QStringLiteral("ConflictException");
    case 413:
        return QStringLiteral("RequestEntityTooLargeException");
    case 415:
        return QStringLiteral("UnsupportedDocumentEncodingException");
    case 429:
        return QStringLiteral("ThrottlingException");
    default:
        return QStringLiteral("InternalFailureException");
    }
}

ShadowError ShadowError::make(int code, const char *message)
{
    return ShadowError{code, QString::fromUtf8(message), QString()};
}

ShadowError ShadowError::invalidJson()
{
    return make(400, "Invalid JSON");
}

ShadowError ShadowError::unsupportedEncoding()
{
    return make(415, "Unsupported documented encoding; supported encoding is UTF-8");
}

ShadowError ShadowError::missingState()
{
    return make(400, "Missing required node: state");
}

ShadowError ShadowError::stateNotObject()
{
    return make(400, "State node must be an object");
}

ShadowError ShadowError::desiredNotObject()
{
    return make(400, "Desired node must be an object");
}

ShadowError ShadowError::reportedNotObject()
{
    return make(400, "Reported node must be an object");
}

ShadowError ShadowError::invalidVersion()
{
    return make(400, "Invalid version");
}

ShadowError ShadowError::invalidClientToken()
{
    return make(400, "Invalid clientToken");
}

ShadowError ShadowError::tooDeep()
{
    return make(400, "JSON contains too many levels of nesting; maximum is 6");
}

ShadowError ShadowError::invalidNode()
{
    return make(400, "State contains an invalid node");
}

ShadowError ShadowError::versionConflict()
{
    return make(409, "Version conflict");
}

ShadowError ShadowError::payloadTooLarge()
{
    return make(413, "The payload exceeds the maximum size allowed");
}

ShadowError ShadowError::noShadow(const QString &shadowName)
{
    const QString name = shadowName.isEmpty() ? QString() : QStringLiteral("'%1'").arg(shadowName);
    return ShadowError{404, QStringLiteral("No shadow exists with name: ") + name, QString()};
}

} // namespace thingdeck
