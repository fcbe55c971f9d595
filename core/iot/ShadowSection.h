#pragma once

#include <QString>

namespace thingdeck {

/// Which state section of a shadow an edit is for: `desired` (what the user wants the device to
/// do) or `reported` (what the device says it does; edited by hand only to test devices).
enum class ShadowSection { Desired, Reported };

/// The section's key in a shadow document: "desired" or "reported".
inline QString sectionKey(ShadowSection section)
{
    return section == ShadowSection::Desired ? QStringLiteral("desired")
                                             : QStringLiteral("reported");
}

} // namespace thingdeck
