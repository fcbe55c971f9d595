#include "aws/AwsError.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QXmlStreamReader>

#include <algorithm>
#include <array>

namespace thingdeck {

namespace {

// The throttling codes of the AWS SDKs' standard retry mode.
constexpr auto kThrottlingCodes = std::to_array<const char *>({
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
});

constexpr auto kTransientCodes = std::to_array<const char *>(
    {"RequestTimeout", "RequestTimeoutException", "InternalFailure", "ServiceUnavailable"});

bool contains(const auto &list, const QString &code)
{
    return std::ranges::any_of(list,
                               [&code](const char *item) { return code == QLatin1String(item); });
}

QByteArray headerValue(const QList<HttpHeader> &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// botocore: x-amzn-ErrorType first, then code / Code, then __type; "Code:http://..." keeps
// only "Code" and "aws.protocol#Code" only "Code". Shadow errors carry a numeric `code`, which
// is not an error code and is skipped.
QString errorCode(const QList<HttpHeader> &headers, const QJsonObject &body)
{
    QString code = QString::fromUtf8(headerValue(headers, "x-amzn-ErrorType"));
    for (const char *key : {"code", "Code", "__type"}) {
        if (code.isEmpty())
            code = body.value(QLatin1String(key)).toString();
    }
    code = code.section(QLatin1Char(':'), 0, 0);
    return code.section(QLatin1Char('#'), -1).trimmed();
}

QString errorMessage(const QJsonObject &body)
{
    for (const char *key : {"message", "Message", "errorMessage"}) {
        QString text = body.value(QLatin1String(key)).toString();
        if (!text.isEmpty())
            return text;
    }
    return {};
}

QString statusFallback(int status, const QByteArray &body)
{
    const QString start = QString::fromUtf8(body.left(200)).simplified();
    QString text = QStringLiteral("HTTP %1").arg(status);
    if (body.isEmpty())
        return text + QStringLiteral(" with an empty body");
    return text + QStringLiteral(" with a body that is not an AWS error: ") + start;
}

// The query protocol's error body (STS): <ErrorResponse><Error><Type/><Code/><Message/></Error>
// <RequestId/></ErrorResponse>, also with an <Errors> wrapper; elements found by local name.
bool parseXmlError(const QByteArray &body, AwsError &error)
{
    QXmlStreamReader xml(body);
    bool inError = false;
    bool found = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isEndElement() && xml.name() == QLatin1String("Error"))
            inError = false;
        if (!xml.isStartElement())
            continue;
        const QStringView name = xml.name();
        if (name == QLatin1String("Error")) {
            inError = found = true;
        } else if (inError && name == QLatin1String("Code")) {
            error.code = xml.readElementText().trimmed();
        } else if (inError && name == QLatin1String("Message")) {
            error.message = xml.readElementText().trimmed();
        } else if (name == QLatin1String("RequestId")) {
            error.requestId = xml.readElementText().trimmed();
        }
    }
    return found && !error.code.isEmpty();
}

} // namespace

bool AwsError::isThrottling() const
{
    return kind == Kind::Service && (httpStatus == 429 || contains(kThrottlingCodes, code));
}

bool AwsError::isRetryable() const
{
    switch (kind) {
    case Kind::Network:
    case Kind::Timeout:
        return true;
    case Kind::Service:
        return isThrottling() || httpStatus >= 500 || contains(kTransientCodes, code);
    default:
        return false;
    }
}

QString AwsError::toString() const
{
    QString text = operation.isEmpty() ? QString() : operation + QStringLiteral(" failed: ");
    if (kind == Kind::Service) {
        text += code.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus)
                               : QStringLiteral("%1 (HTTP %2)").arg(code).arg(httpStatus);
        if (!message.isEmpty())
            text += QStringLiteral(": ") + message;
    } else {
        text += message;
    }
    if (attempts > 1)
        text += QStringLiteral(" (after %1 attempts)").arg(attempts);
    if (!requestId.isEmpty())
        text += QStringLiteral(" [request id %1]").arg(requestId);
    return text;
}

AwsError AwsError::fromResponse(int status, const QList<HttpHeader> &headers,
                                const QByteArray &body)
{
    AwsError error;
    error.kind = Kind::Service;
    error.httpStatus = status;
    if (body.trimmed().startsWith('<') && parseXmlError(body, error))
        return error;
    error = AwsError();
    error.httpStatus = status;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = doc.object();
    error.code = errorCode(headers, object);
    error.message = errorMessage(object);
    if (error.message.isEmpty() && (parseError.error != QJsonParseError::NoError || body.isEmpty()))
        error.message = statusFallback(status, body);
    error.requestId = QString::fromUtf8(headerValue(headers, "x-amzn-RequestId"));
    if (error.requestId.isEmpty())
        error.requestId = QString::fromUtf8(headerValue(headers, "x-amz-request-id"));
    return error;
}

} // namespace thingdeck
