#include "iot/JsonDiff.h"

#include <QSet>

#include <algorithm>

namespace thingdeck {

namespace {

void diffInto(QList<JsonChange> &changes, QStringList &path, const QJsonObject &before,
              const QJsonObject &after)
{
    // QJsonObject keeps its keys sorted, so walking both key lists merged keeps the order.
    QStringList keys = before.keys() + after.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const QString &key : std::as_const(keys)) {
        const QJsonValue left = before.value(key);
        const QJsonValue right = after.value(key);
        path.append(key);
        if (left.isUndefined()) {
            changes.append({path, JsonChange::Kind::Added, QJsonValue::Undefined, right});
        } else if (right.isUndefined()) {
            changes.append({path, JsonChange::Kind::Removed, left, QJsonValue::Undefined});
        } else if (left.isObject() && right.isObject()) {
            diffInto(changes, path, left.toObject(), right.toObject());
        } else if (left != right) {
            changes.append({path, JsonChange::Kind::Changed, left, right});
        }
        path.removeLast();
    }
}

} // namespace

QList<JsonChange> diffJson(const QJsonObject &before, const QJsonObject &after)
{
    QList<JsonChange> changes;
    QStringList path;
    diffInto(changes, path, before, after);
    return changes;
}

QString jsonPathText(const QStringList &path)
{
    QStringList parts;
    for (const QString &key : path) {
        const bool plain = !key.isEmpty() && !key.contains(QLatin1Char('.')) &&
                           !key.contains(QLatin1Char(' ')) && !key.contains(QLatin1Char('"'));
        parts.append(plain ? key : QStringLiteral("[\"%1\"]").arg(key));
    }
    return parts.join(QLatin1Char('.'));
}

} // namespace thingdeck
