#pragma once

#include <QMap>
#include <QString>

namespace thingdeck {

/// One thing as ListThings reports it (aws-iot.md §3): the raw values AWS sent, for models to
/// store and format lazily.
struct ThingSummary
{
    QString name;
    QString typeName; ///< empty when the thing has no type
    QString arn;
    QMap<QString, QString> attributes;
    qint64 version = 0;

    bool operator==(const ThingSummary &) const = default;
};

} // namespace thingdeck
