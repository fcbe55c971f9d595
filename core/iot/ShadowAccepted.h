#pragma once

#include <QJsonObject>
#include <QString>

namespace thingdeck {

/// The answer to an accepted UpdateThingShadow or DeleteThingShadow (aws-iot.md §5.1): the
/// shadow's version after the change (after a delete: the version it had, which a shadow
/// created again continues from), the service's time, the echoed clientToken, and the JSON as
/// received (for an update: the request's fields and their metadata).
struct ShadowAccepted
{
    QString thingName;
    QString shadowName; ///< empty for the classic shadow
    qint64 version = 0;
    qint64 timestamp = 0; ///< epoch seconds, the service's clock
    QString clientToken;  ///< empty when the request had none
    QJsonObject json;

    bool operator==(const ShadowAccepted &) const = default;
};

} // namespace thingdeck
