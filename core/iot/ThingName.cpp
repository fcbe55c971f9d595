#include "iot/ThingName.h"

#include "iot/IotNameRule.h"

namespace thingdeck {

QString ThingName::validate(const QString &text)
{
    return kThingNameRule.check(text);
}

Result<ThingName, QString> ThingName::create(const QString &text)
{
    const QString problem = validate(text);
    if (!problem.isEmpty())
        return fail(problem);
    return ThingName(text);
}

} // namespace thingdeck
