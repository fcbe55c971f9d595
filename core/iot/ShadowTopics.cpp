#include "iot/ShadowTopics.h"

namespace thingdeck {

QString shadowTopic(const QString &thing, const ShadowName &shadow, const QString &operation)
{
    QString topic = QStringLiteral("$aws/things/") + thing + QStringLiteral("/shadow/");
    if (!shadow.isClassic())
        topic += QStringLiteral("name/") + shadow.toString() + QLatin1Char('/');
    return topic + operation;
}

} // namespace thingdeck
