#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace thingdeck {

/// One difference between two JSON objects, at a key path from the root.
struct JsonChange
{
    enum class Kind { Added, Removed, Changed };
    QStringList path; ///< e.g. {"state", "desired", "colour"}
    Kind kind = Kind::Changed;
    QJsonValue before; ///< Undefined when Added
    QJsonValue after;  ///< Undefined when Removed
    bool operator==(const JsonChange &) const = default;
};

/// Every difference between `before` and `after`: objects on both sides are descended; arrays,
/// scalars and type changes are compared as whole values (one Changed). A key present on one
/// side only is one Added/Removed with its whole value (not descended). Sorted by path
/// (lexicographic by key, component by component).
QList<JsonChange> diffJson(const QJsonObject &before, const QJsonObject &after);

/// "state.desired.colour"; keys containing '.' or spaces, and empty keys, are quoted: ["a.b"].
QString jsonPathText(const QStringList &path);

} // namespace thingdeck
