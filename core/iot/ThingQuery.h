#pragma once

#include <QList>
#include <QString>

#include <utility>

namespace thingdeck {

/// What ListThings is asked for (aws-iot.md §3): filters that AWS applies, and the page size.
struct ThingQuery
{
    /// Only things that have this attribute; empty for no attribute filter.
    QString attributeName;
    /// With attributeName: only things whose attribute has this value (or starts with it,
    /// see prefixMatch); empty for any value.
    QString attributeValue;
    /// usePrefixAttributeValue: attributeValue is a prefix rather than the whole value.
    bool prefixMatch = false;
    /// Only things of this type; empty for any type.
    QString thingTypeName;
    /// Things per page, 1–250; 0 leaves it to AWS.
    int maxResults = 0;

    static constexpr int kMaxResults = 250;

    /// Why AWS would refuse this query, or an empty string: the names and values against
    /// AWS's patterns, maxResults against its range, and a value or prefix without a name.
    QString validate() const;
    /// The query parameters of the request, without nextToken.
    QList<std::pair<QString, QString>> toQueryItems() const;

    bool operator==(const ThingQuery &) const = default;
};

} // namespace thingdeck
