#pragma once

#include <QIcon>
#include <QString>

namespace thingdeck {

/// Icons by freedesktop name: the desktop's icon theme first, Thingdeck's own SVG
/// (":/icons/<name>.svg") when the theme has none.
class Icons
{
public:
    Icons() = delete;
    static QIcon get(const QString &name);
    static QIcon application();
};

} // namespace thingdeck
