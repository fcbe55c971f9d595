#pragma once

#include "iot/ThingSummary.h"

#include <QList>
#include <QString>

namespace thingdeck {

/// One page of ListThings: the things, and the token that asks for the next page (empty on the
/// last page).
struct ThingPage
{
    QList<ThingSummary> things;
    QString nextToken;

    bool isLast() const { return nextToken.isEmpty(); }
    bool operator==(const ThingPage &) const = default;
};

} // namespace thingdeck
