#include "iot/JsonDiff.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace thingdeck {

namespace {

// The union of both objects' keys, sorted (QJsonObject::keys() is sorted the same way).
QStringList unionOfKeys(const QJsonObject &before, const QJsonObject &after)
{
    QStringList keys = before.keys() + after.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

// Depth first over sorted keys, which is exactly the component-by-component path order.
void diffInto(QList<JsonChange> &changes, QStringList &path, const QJsonObject &before,
              const QJsonObject &after)
{
    for (const QString &key : unionOfKeys(before, after)) {
        const QJsonValue left = before.value(key);
        const QJsonValue right = after.value(key);
        path.append(key);
        if (left.isUndefined())
            changes.append({path, JsonChange::Kind::Added, QJsonValue::Undefined, right});
        else if (right.isUndefined())
            changes.append({path, JsonChange::Kind::Removed, left, QJsonValue::Undefined});
        else if (left.isObject() && right.isObject())
            diffInto(changes, path, left.toObject(), right.toObject());
        else if (left != right)
            changes.append({path, JsonChange::Kind::Changed, left, right});
        path.removeLast();
    }
}

bool needsQuotes(const QString &key)
{
    return key.isEmpty() || std::any_of(key.begin(), key.end(), [](QChar c) {
               return c.isSpace() || c == QLatin1Char('.') || c == QLatin1Char('"') ||
                      c == QLatin1Char('[') || c == QLatin1Char(']') || c == QLatin1Char('\\');
           });
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
    QString text;
    for (const QString &key : path) {
        if (needsQuotes(key)) {
            // A JSON string's own escaping, so the quoted key reads back unambiguously.
            text += QLatin1Char('[') + jsonValueText(key) + QLatin1Char(']');
            continue;
        }
        if (!text.isEmpty())
            text += QLatin1Char('.');
        text += key;
    }
    return text;
}

QString jsonValueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    default: {
        // Through a one-element array: QJsonDocument only writes arrays and objects, and this
        // way numbers and escapes read exactly as JSON writes them.
        const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(json.mid(1, json.size() - 2));
    }
    }
}

} // namespace thingdeck
