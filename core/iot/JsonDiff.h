#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
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

/// "state.desired.colour"; keys containing '.' or spaces or empty keys are quoted as ["a.b"]
/// (so `state["a.b"].x`); a key with a quote, a bracket or a backslash is quoted too, its
/// quotes and backslashes escaped as in JSON.
QString jsonPathText(const QStringList &path);

/// A value as one line of compact JSON (`21`, `"teal"`, `[1,2]`, `{"a":1}`, `null`), the way a
/// diff or a message shows it; empty for an Undefined (absent) value.
QString jsonValueText(const QJsonValue &value);

} // namespace thingdeck
