#pragma once

#include "mqtt/TopicFilter.h"

namespace thingdeck {

/// Whether some topic name matches both filters, by the rules of TopicFilter::matches(): `+`
/// takes one level, `#` the rest (the parent level included), and a wildcard in the first
/// level never matches a topic that starts with '$'. A subscription that overlaps a denied
/// filter could receive a denied message, so AWS IoT would not allow it.
bool overlaps(const TopicFilter &a, const TopicFilter &b);

} // namespace thingdeck
