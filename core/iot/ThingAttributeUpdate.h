#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

namespace thingdeck {

/// An UpdateThing that changes attributes (aws-iot.md §3): with `merge` the given attributes
/// are set and the others kept, and an empty value removes an attribute ("To remove an
/// attribute, call UpdateThing with an empty attribute value"); without it the given
/// attributes replace all of them. `expectedVersion` makes the update apply only to that
/// version of the thing; otherwise it fails as a conflict.
struct ThingAttributeUpdate
{
    QMap<QString, QString> attributes;
    bool merge = true;
    std::optional<qint64> expectedVersion;

    /// Why AWS would refuse these attributes, or an empty string.
    QString validate() const;
    /// The request body: `{"attributePayload": {"attributes", "merge"}, "expectedVersion"?}`.
    QJsonObject toJson() const;

    bool operator==(const ThingAttributeUpdate &) const = default;
};

} // namespace thingdeck
