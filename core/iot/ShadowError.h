#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace thingdeck {

/// A rejected Device Shadow request as a value: the HTTP status AWS uses as `code` and AWS's
/// message text (aws-iot.md §4 "Shadow error texts", [IOT-SHADOW-ERR]). It renders as the
/// error response document `{"code", "message", "timestamp"?, "clientToken"?}` (§5.1) that
/// MQTT callers get on `/rejected` and REST callers get as the body of the HTTP error.
struct ShadowError
{
    int code = 0;
    QString message;
    /// The request's clientToken when it could be read before the request was rejected; an
    /// empty token is left out of the document.
    QString clientToken;

    /// The error response document; `timestamp` is left out when not given, as AWS sometimes
    /// does (§5.1 "timestamp not always present").
    QJsonObject toJson(std::optional<qint64> timestamp = std::nullopt) const;

    /// The REST error type for the `x-amzn-ErrorType` header, e.g. "ConflictException" for
    /// 409 (aws-iot.md §4 Errors).
    QString awsErrorType() const;

    bool operator==(const ShadowError &) const = default;

    static ShadowError invalidJson();
    static ShadowError unsupportedEncoding();
    static ShadowError missingState();
    static ShadowError stateNotObject();
    static ShadowError desiredNotObject();
    static ShadowError reportedNotObject();
    static ShadowError invalidVersion();
    static ShadowError invalidClientToken();
    static ShadowError tooDeep();
    static ShadowError invalidNode();
    static ShadowError versionConflict();
    static ShadowError payloadTooLarge();
    /// 404 for a shadow that does not exist. AWS quotes a named shadow's name
    /// ("No shadow exists with name: 'Limits'", [IS-IOS-5388]) and leaves the name empty for
    /// the classic shadow ("No shadow exists with name: ", [IS-JS-4372]); pass an empty
    /// `shadowName` for the classic shadow.
    static ShadowError noShadow(const QString &shadowName);

private:
    static ShadowError make(int code, const char *message);
};

} // namespace thingdeck
