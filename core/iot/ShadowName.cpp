#include "iot/ShadowName.h"

#include "iot/IotNameRule.h"

namespace thingdeck {

QString ShadowName::validate(const QString &text)
{
    return kShadowNameRule.check(text);
}

Result<ShadowName, QString> ShadowName::create(const QString &text)
{
    const QString problem = validate(text);
    if (!problem.isEmpty())
        return fail(problem);
    return ShadowName(text);
}

} // namespace thingdeck
