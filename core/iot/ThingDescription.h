#pragma once

#include <QMap>
#include <QString>

namespace thingdeck {

/// One thing as DescribeThing reports it (aws-iot.md §3).
struct ThingDescription
{
    QString name;
    QString id; ///< AWS's UUID for the thing
    QString arn;
    QString typeName;        ///< empty when the thing has no type
    QString defaultClientId; ///< the client id AWS suggests, normally the thing name
    QString billingGroupName;
    QMap<QString, QString> attributes;
    qint64 version = 0; ///< what UpdateThing's expectedVersion compares with

    bool operator==(const ThingDescription &) const = default;
};

} // namespace thingdeck
