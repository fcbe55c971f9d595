#pragma once

#include <QString>

namespace thingdeck {

/// A thing group by name and ARN, as ListThingGroupsForThing reports it (aws-iot.md §3).
struct ThingGroupSummary
{
    QString name;
    QString arn;

    bool operator==(const ThingGroupSummary &) const = default;
};

} // namespace thingdeck
