#pragma once

#include <QString>

namespace thingdeck {

/// A JSON member name written as a plain literal, `object.value(jsonKey("thingName"))`:
/// the build forbids implicit conversion from `const char *` (QT_NO_CAST_FROM_ASCII), and
/// every AWS member name is ASCII.
inline QString jsonKey(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace thingdeck
