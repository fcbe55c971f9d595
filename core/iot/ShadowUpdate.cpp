#include "iot/ShadowUpdate.h"

#include "iot/ShadowJson.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace thingdeck {

namespace {

// Whole numbers a double holds exactly; a version beyond that cannot have come from us.
constexpr double kLargestExactInteger = 9007199254740992.0;

bool isVersionNumber(const QJsonValue &value)
{
    const double number = value.toDouble();
    return value.isDouble() && number >= 0 && number <= kLargestExactInteger &&
           std::floor(number) == number;
}

// A section may be absent or null; otherwise an object within the depth limit, without null
// in arrays.
std::optional<ShadowError> checkSection(const QJsonValue &section, ShadowError notAnObject)
{
    if (section.isUndefined() || section.isNull())
        return std::nullopt;
    if (!section.isObject())
        return notAnObject;
    if (ShadowJson::depth(section) > ShadowJson::kMaxDepth)
        return ShadowError::tooDeep();
    if (ShadowJson::hasNullInArray(section))
        return ShadowError::invalidNode();
    return std::nullopt;
}

} // namespace

Result<ShadowUpdate, ShadowError> ShadowUpdate::parse(const QByteArray &payload)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error == QJsonParseError::IllegalUTF8String)
        return fail(ShadowError::unsupportedEncoding());
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(ShadowError::invalidJson());
    return fromObject(document.object());
}

Result<ShadowUpdate, ShadowError> ShadowUpdate::fromObject(const QJsonObject &request)
{
    ShadowUpdate update;
    std::optional<ShadowError> error = update.readClientToken(request);
    if (!error)
        error = update.readState(request);
    if (!error)
        error = update.readVersion(request);
    if (!error)
        return update;
    error->clientToken = update.m_clientToken;
    return fail(*error);
}

std::optional<ShadowError> ShadowUpdate::readClientToken(const QJsonObject &request)
{
    const QJsonValue token = request.value(QStringLiteral("clientToken"));
    if (token.isUndefined() || token.isNull())
        return std::nullopt;
    if (!token.isString() || token.toString().toUtf8().size() > kMaxClientTokenBytes)
        return ShadowError::invalidClientToken();
    m_clientToken = token.toString();
    return std::nullopt;
}

std::optional<ShadowError> ShadowUpdate::readState(const QJsonObject &request)
{
    const QString stateKey = QStringLiteral("state");
    if (!request.contains(stateKey))
        return ShadowError::missingState();
    const QJsonValue state = request.value(stateKey);
    if (state.isNull())
        return std::nullopt; // m_state stays null: clear everything
    if (!state.isObject())
        return ShadowError::stateNotObject();
    const QJsonObject sections = state.toObject();
    const QJsonValue desired = sections.value(QStringLiteral("desired"));
    const QJsonValue reported = sections.value(QStringLiteral("reported"));
    if (auto error = checkSection(desired, ShadowError::desiredNotObject()))
        return error;
    if (auto error = checkSection(reported, ShadowError::reportedNotObject()))
        return error;
    QJsonObject kept; // inserting Undefined leaves the key out
    kept.insert(QStringLiteral("desired"), desired);
    kept.insert(QStringLiteral("reported"), reported);
    m_state = kept;
    return std::nullopt;
}

std::optional<ShadowError> ShadowUpdate::readVersion(const QJsonObject &request)
{
    const QJsonValue version = request.value(QStringLiteral("version"));
    if (version.isUndefined() || version.isNull())
        return std::nullopt;
    if (!isVersionNumber(version))
        return ShadowError::invalidVersion();
    m_version = version.toInteger();
    return std::nullopt;
}

std::optional<QJsonValue> ShadowUpdate::section(const QString &name) const
{
    const QJsonValue value = m_state.toObject().value(name);
    if (value.isUndefined())
        return std::nullopt;
    return value;
}

QJsonObject ShadowUpdate::acceptedResponse(qint64 version, qint64 timestamp) const
{
    QJsonObject document{{QStringLiteral("state"), m_state},
                         {QStringLiteral("metadata"), ShadowJson::stamp(m_state, timestamp)},
                         {QStringLiteral("version"), version},
                         {QStringLiteral("timestamp"), timestamp}};
    ShadowJson::insertClientToken(document, m_clientToken);
    return document;
}

} // namespace thingdeck
