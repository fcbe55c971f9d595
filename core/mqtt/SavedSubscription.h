#pragma once

#include <QString>

namespace thingdeck {

/// One subscription as saved with a connection (Settings::subscriptions()).
struct SavedSubscription
{
    QString filter;
    int qos = 0;
    bool paused = false;
    int colour = 0; ///< index into the pane's palette, kept so colours survive a restart

    bool operator==(const SavedSubscription &other) const = default;
};

} // namespace thingdeck
