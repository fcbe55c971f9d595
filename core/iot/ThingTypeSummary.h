#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace thingdeck {

/// One thing type as ListThingTypes reports it (aws-iot.md §3).
struct ThingTypeSummary
{
    QString name;
    QString arn;
    QString description;
    QStringList searchableAttributes;
    bool deprecated = false;
    QDateTime deprecationDate; ///< UTC; invalid unless deprecated
    QDateTime creationDate;    ///< UTC; invalid when AWS did not say

    bool operator==(const ThingTypeSummary &) const = default;
};

} // namespace thingdeck
