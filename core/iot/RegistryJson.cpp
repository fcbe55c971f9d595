#include "iot/RegistryJson.h"

#include "JsonKey.h"

#include <QTimeZone>

#include <cmath>

namespace thingdeck {

namespace {

// A required non-empty string member.
Result<QString, QString> requiredString(const QJsonObject &json, const char *name)
{
    const QString value = json.value(jsonKey(name)).toString();
    if (value.isEmpty())
        return fail(QStringLiteral("no \"%1\"").arg(jsonKey(name)));
    return value;
}

Result<QMap<QString, QString>, QString> attributesOf(const QJsonObject &json)
{
    const QJsonValue value = json.value(jsonKey("attributes"));
    if (value.isUndefined() || value.isNull())
        return QMap<QString, QString>();
    if (!value.isObject())
        return fail(QStringLiteral("\"attributes\" is not an object"));
    QMap<QString, QString> out;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            return fail(QStringLiteral("attribute \"%1\" is not a string").arg(it.key()));
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

// Registry timestamps are epoch seconds, possibly fractional (aws-iot.md §3).
QDateTime timeOf(const QJsonValue &seconds)
{
    if (!seconds.isDouble())
        return {};
    return QDateTime::fromMSecsSinceEpoch(std::llround(seconds.toDouble() * 1000.0),
                                          QTimeZone::utc());
}

QStringList stringsOf(const QJsonValue &array)
{
    QStringList out;
    for (const auto &item : array.toArray())
        out.append(item.toString());
    return out;
}

} // namespace

Result<ThingSummary, QString> RegistryJson::thingSummary(const QJsonValue &item)
{
    const QJsonObject json = item.toObject();
    const auto name = requiredString(json, "thingName");
    if (!name.ok())
        return fail(QStringLiteral("a thing has ") + name.error());
    const auto attributes = attributesOf(json);
    if (!attributes.ok())
        return fail(attributes.error());
    return ThingSummary{name.value(), json.value(jsonKey("thingTypeName")).toString(),
                        json.value(jsonKey("thingArn")).toString(), attributes.value(),
                        json.value(jsonKey("version")).toInteger()};
}

Result<ThingPage, QString> RegistryJson::thingPage(const QJsonObject &page)
{
    ThingPage out;
    const auto taken = appendItems(page, "things", &RegistryJson::thingSummary, out.things);
    if (!taken.ok())
        return fail(taken.error());
    out.nextToken = page.value(jsonKey("nextToken")).toString();
    return out;
}

Result<ThingDescription, QString> RegistryJson::thingDescription(const QJsonObject &json)
{
    const auto name = requiredString(json, "thingName");
    if (!name.ok())
        return fail(name.error());
    const auto attributes = attributesOf(json);
    if (!attributes.ok())
        return fail(attributes.error());
    ThingDescription out;
    out.name = name.value();
    out.id = json.value(jsonKey("thingId")).toString();
    out.arn = json.value(jsonKey("thingArn")).toString();
    out.typeName = json.value(jsonKey("thingTypeName")).toString();
    out.defaultClientId = json.value(jsonKey("defaultClientId")).toString();
    out.billingGroupName = json.value(jsonKey("billingGroupName")).toString();
    out.attributes = attributes.value();
    out.version = json.value(jsonKey("version")).toInteger();
    return out;
}

Result<ThingTypeSummary, QString> RegistryJson::thingType(const QJsonValue &item)
{
    const QJsonObject json = item.toObject();
    const auto name = requiredString(json, "thingTypeName");
    if (!name.ok())
        return fail(QStringLiteral("a thing type has ") + name.error());
    const QJsonObject properties = json.value(jsonKey("thingTypeProperties")).toObject();
    const QJsonObject metadata = json.value(jsonKey("thingTypeMetadata")).toObject();
    ThingTypeSummary out;
    out.name = name.value();
    out.arn = json.value(jsonKey("thingTypeArn")).toString();
    out.description = properties.value(jsonKey("thingTypeDescription")).toString();
    out.searchableAttributes = stringsOf(properties.value(jsonKey("searchableAttributes")));
    out.deprecated = metadata.value(jsonKey("deprecated")).toBool();
    out.deprecationDate = timeOf(metadata.value(jsonKey("deprecationDate")));
    out.creationDate = timeOf(metadata.value(jsonKey("creationDate")));
    return out;
}

Result<ThingGroupSummary, QString> RegistryJson::thingGroup(const QJsonValue &item)
{
    const QJsonObject json = item.toObject();
    const auto name = requiredString(json, "groupName");
    if (!name.ok())
        return fail(QStringLiteral("a thing group has ") + name.error());
    return ThingGroupSummary{name.value(), json.value(jsonKey("groupArn")).toString()};
}

Result<QString, QString> RegistryJson::principal(const QJsonValue &item)
{
    if (!item.isString() || item.toString().isEmpty())
        return fail(QStringLiteral("a principal is not an ARN string"));
    return item.toString();
}

} // namespace thingdeck
