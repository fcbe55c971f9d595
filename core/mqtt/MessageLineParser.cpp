#include "mqtt/MessageLineParser.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace thingdeck {

namespace {

using Parsed = Result<MqttMessage, QString>;

QString missing(QLatin1StringView key)
{
    return QStringLiteral("line has no \"%1\"").arg(key);
}

QString wrongType(QLatin1StringView key, QLatin1StringView expected)
{
    return QStringLiteral("\"%1\" is not %2").arg(key, expected);
}

// Reads topic, qos and retain into `message`; an error sentence when one is missing or wrong.
std::optional<QString> readHeader(const QJsonObject &json, MqttMessage &message)
{
    const QJsonValue topic = json.value(QLatin1StringView("topic"));
    if (topic.isUndefined())
        return missing(QLatin1StringView("topic"));
    if (!topic.isString() || topic.toString().isEmpty())
        return wrongType(QLatin1StringView("topic"), QLatin1StringView("a non-empty string"));
    const QJsonValue qos = json.value(QLatin1StringView("qos"));
    if (qos.isUndefined())
        return missing(QLatin1StringView("qos"));
    if (!qos.isDouble() || (qos.toDouble() != 0 && qos.toDouble() != 1 && qos.toDouble() != 2))
        return wrongType(QLatin1StringView("qos"), QLatin1StringView("0, 1 or 2"));
    const QJsonValue retain = json.value(QLatin1StringView("retain"));
    if (retain.isUndefined())
        return missing(QLatin1StringView("retain"));
    if (!retain.isBool())
        return wrongType(QLatin1StringView("retain"), QLatin1StringView("true or false"));
    message.topic = topic.toString();
    message.qos = static_cast<quint8>(qos.toInt());
    message.retained = retain.toBool();
    return std::nullopt;
}

std::optional<QString> readTime(const QJsonObject &json, MqttMessage &message)
{
    const QJsonValue time = json.value(QLatin1StringView("time"));
    if (time.isUndefined())
        return missing(QLatin1StringView("time"));
    QDateTime parsed = QDateTime::fromString(time.toString(), Qt::ISODateWithMs);
    if (!time.isString() || !parsed.isValid())
        return wrongType(QLatin1StringView("time"), QLatin1StringView("an ISO 8601 date and time"));
    if (parsed.timeSpec() == Qt::LocalTime) // no offset written: the formatter's zone, UTC
        parsed.setTimeSpec(Qt::UTC);
    message.timestampMs = parsed.toMSecsSinceEpoch();
    return std::nullopt;
}

// Canonical Base64 only, so that formatting the message again writes the same text.
std::optional<QString> readBase64(const QJsonValue &value, MqttMessage &message)
{
    if (!value.isString())
        return wrongType(QLatin1StringView("payloadBase64"), QLatin1StringView("a string"));
    const QByteArray text = value.toString().toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64() != text)
        return QStringLiteral("payloadBase64 is not valid Base64");
    message.payload = std::move(decoded.decoded);
    return std::nullopt;
}

std::optional<QString> readPayload(const QJsonObject &json, MqttMessage &message)
{
    const QJsonValue text = json.value(QLatin1StringView("payload"));
    const QJsonValue base64 = json.value(QLatin1StringView("payloadBase64"));
    if (!text.isUndefined() && !base64.isUndefined())
        return QStringLiteral("line has both \"payload\" and \"payloadBase64\"");
    if (!base64.isUndefined())
        return readBase64(base64, message);
    if (text.isUndefined())
        return QStringLiteral("line has neither \"payload\" nor \"payloadBase64\"");
    if (!text.isString())
        return wrongType(QLatin1StringView("payload"), QLatin1StringView("a string"));
    message.payload = text.toString().toUtf8();
    return std::nullopt;
}

} // namespace

Result<MqttMessage, QString> MessageLineParser::parse(QByteArrayView line)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return fail(QStringLiteral("line is not JSON (%1 at character %2)")
                        .arg(error.errorString())
                        .arg(error.offset + 1));
    if (!document.isObject())
        return fail(QStringLiteral("line is not a JSON object"));
    const QJsonObject json = document.object();
    MqttMessage message;
    for (auto read : {readHeader, readTime, readPayload}) {
        if (auto problem = read(json, message))
            return fail(*std::move(problem));
    }
    return message;
}

} // namespace thingdeck
