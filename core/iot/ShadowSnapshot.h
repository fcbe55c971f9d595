#pragma once

#include "iot/ShadowDocument.h"

#include <QJsonObject>
#include <QString>

namespace thingdeck {

/// A shadow as GetThingShadow answered it (aws-iot.md §4, §5.1): the document (desired,
/// reported, their metadata, the version; delta() computes the delta), the service's time of
/// the answer, and the JSON as received. Names which shadow it is, so that it can travel as
/// a domain event on its own.
struct ShadowSnapshot
{
    QString thingName;
    QString shadowName; ///< empty for the classic shadow
    ShadowDocument document;
    qint64 timestamp = 0; ///< epoch seconds, the service's clock
    QJsonObject json;     ///< the answer as received, `state.delta` included

    bool operator==(const ShadowSnapshot &) const = default;
};

} // namespace thingdeck
