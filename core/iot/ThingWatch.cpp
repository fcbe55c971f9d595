#include "iot/ThingWatch.h"

#include "iot/ShadowName.h"
#include "iot/ShadowTopics.h"

namespace thingdeck {

const QStringList &ThingWatch::shadowOperations()
{
    static const QStringList operations{
        QStringLiteral("update/documents"), QStringLiteral("update/delta"),
        QStringLiteral("update/accepted"),  QStringLiteral("update/rejected"),
        QStringLiteral("get/accepted"),     QStringLiteral("delete/accepted"),
    };
    return operations;
}

QStringList ThingWatch::topicFilters(const QString &thing, const QStringList &namedShadows,
                                     const QString &telemetryPattern)
{
    QList<ShadowName> shadows{ShadowName::classic()};
    for (const QString &name : namedShadows) {
        auto shadow = ShadowName::create(name);
        if (shadow.ok())
            shadows.append(shadow.value());
    }
    QStringList filters;
    for (const ShadowName &shadow : std::as_const(shadows)) {
        for (const QString &operation : shadowOperations())
            filters.append(shadowTopic(thing, shadow, operation));
    }
    filters.append(QStringLiteral("$aws/events/presence/+/") + thing);
    const QString telemetry = telemetryFilter(thing, telemetryPattern);
    if (!telemetry.isEmpty())
        filters.append(telemetry);
    return filters;
}

QString ThingWatch::telemetryFilter(const QString &thing, const QString &telemetryPattern)
{
    QString filter = telemetryPattern.trimmed();
    filter.replace(QStringLiteral("{thing}"), thing);
    return filter;
}

} // namespace thingdeck
