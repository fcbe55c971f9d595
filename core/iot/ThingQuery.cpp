#include "iot/ThingQuery.h"

#include "iot/IotNameRule.h"

namespace thingdeck {

QString ThingQuery::validate() const
{
    if (maxResults < 0 || maxResults > kMaxResults)
        return QStringLiteral("maxResults is %1; AWS IoT accepts 1 to %2.")
            .arg(maxResults)
            .arg(kMaxResults);
    if (attributeName.isEmpty() && (!attributeValue.isEmpty() || prefixMatch))
        return QStringLiteral("An attribute value or prefix filter needs an attribute name.");
    if (!attributeName.isEmpty()) {
        if (QString problem = kAttributeNameRule.check(attributeName); !problem.isEmpty())
            return problem;
        if (QString problem = kAttributeValueRule.check(attributeValue); !problem.isEmpty())
            return problem;
    }
    if (!thingTypeName.isEmpty())
        return kThingTypeNameRule.check(thingTypeName);
    return {};
}

QList<std::pair<QString, QString>> ThingQuery::toQueryItems() const
{
    QList<std::pair<QString, QString>> items;
    if (maxResults > 0)
        items.append({QStringLiteral("maxResults"), QString::number(maxResults)});
    if (!attributeName.isEmpty())
        items.append({QStringLiteral("attributeName"), attributeName});
    if (!attributeValue.isEmpty())
        items.append({QStringLiteral("attributeValue"), attributeValue});
    if (prefixMatch)
        items.append({QStringLiteral("usePrefixAttributeValue"), QStringLiteral("true")});
    if (!thingTypeName.isEmpty())
        items.append({QStringLiteral("thingTypeName"), thingTypeName});
    return items;
}

} // namespace thingdeck
