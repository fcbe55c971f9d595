#include "iot/ThingAttributeUpdate.h"

#include "iot/IotNameRule.h"

namespace thingdeck {

QString ThingAttributeUpdate::validate() const
{
    if (expectedVersion && *expectedVersion < 0)
        return QStringLiteral("The expected version cannot be negative.");
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        if (QString problem = kAttributeNameRule.check(it.key()); !problem.isEmpty())
            return problem;
        if (QString problem = kAttributeValueRule.check(it.value()); !problem.isEmpty())
            return problem;
    }
    return {};
}

QJsonObject ThingAttributeUpdate::toJson() const
{
    QJsonObject values;
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        values.insert(it.key(), it.value());
    QJsonObject body{
        {QStringLiteral("attributePayload"),
         QJsonObject{{QStringLiteral("attributes"), values}, {QStringLiteral("merge"), merge}}}};
    if (expectedVersion)
        body.insert(QStringLiteral("expectedVersion"), *expectedVersion);
    return body;
}

} // namespace thingdeck
