#include "common/Icons.h"

// Q_INIT_RESOURCE must be called outside any namespace.
static void registerResources()
{
    Q_INIT_RESOURCE(thingdeck);
}

namespace thingdeck {

QIcon Icons::get(const QString &name)
{
    static const bool registered = (registerResources(), true);
    Q_UNUSED(registered);
    return QIcon::fromTheme(name,
                            QIcon(QStringLiteral(":/icons/") + name + QStringLiteral(".svg")));
}

QIcon Icons::application()
{
    get(QStringLiteral("thingdeck")); // registers the resources
    return QIcon::fromTheme(QStringLiteral("thingdeck"),
                            QIcon(QStringLiteral(":/icons/thingdeck.svg")));
}

} // namespace thingdeck
