#include "iot/ShadowJson.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace thingdeck {

QJsonObject ShadowJson::merge(QJsonObject target, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it)
        mergeKey(target, it.key(), it.value());
    return target;
}

void ShadowJson::mergeKey(QJsonObject &target, const QString &key, const QJsonValue &value)
{
    if (value.isNull()) {
        target.remove(key);
        return;
    }
    if (!value.isObject()) {
        target.insert(key, value);
        return;
    }
    // A non-object value is replaced by the object: merging into {} gives the patch itself.
    const QJsonObject merged = merge(target.value(key).toObject(), value.toObject());
    if (merged.isEmpty())
        target.remove(key);
    else
        target.insert(key, merged);
}

int ShadowJson::depth(const QJsonValue &value)
{
    int deepest = 0;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            deepest = std::max(deepest, depth(it.value()));
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const auto &element : array)
            deepest = std::max(deepest, depth(element));
    } else {
        return 0;
    }
    return deepest + 1;
}

bool ShadowJson::hasNullInArray(const QJsonValue &value, bool insideArray)
{
    if (value.isNull())
        return insideArray;
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::any_of(array.begin(), array.end(),
                           [](const QJsonValue &element) { return hasNullInArray(element, true); });
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (hasNullInArray(it.value(), insideArray))
            return true;
    }
    return false;
}

QJsonObject ShadowJson::leafStamp(qint64 timestamp)
{
    return QJsonObject{{QStringLiteral("timestamp"), timestamp}};
}

QJsonValue ShadowJson::stamp(const QJsonValue &value, qint64 timestamp)
{
    if (!value.isObject())
        return leafStamp(timestamp);
    const QJsonObject object = value.toObject();
    QJsonObject result;
    for (auto it = object.begin(); it != object.end(); ++it)
        result.insert(it.key(), stamp(it.value(), timestamp));
    return result;
}

QJsonValue ShadowJson::metadataAfter(const QJsonValue &state, const QJsonValue &before,
                                     const QJsonValue &patch, qint64 timestamp)
{
    if (state.isObject())
        return metadataOfObject(state.toObject(), before.toObject(), patch.toObject(), timestamp);
    // A leaf the request did not reach keeps its time; a missing one (a stored document
    // without metadata) is stamped so that metadata always mirrors the state.
    if (patch.isUndefined() && before.isObject())
        return before;
    return leafStamp(timestamp);
}

QJsonObject ShadowJson::metadataOfObject(const QJsonObject &state, const QJsonObject &before,
                                         const QJsonObject &patch, qint64 timestamp)
{
    // Keys of `state` that are not in `patch` were not touched: their `before` entries are
    // their own (an object that replaced a leaf only has keys from the patch).
    QJsonObject result;
    for (auto it = state.begin(); it != state.end(); ++it) {
        const QString &key = it.key();
        result.insert(key,
                      metadataAfter(it.value(), before.value(key), patch.value(key), timestamp));
    }
    return result;
}

QJsonObject ShadowJson::delta(const QJsonObject &desired, const QJsonObject &reported)
{
    QJsonObject result;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
        const QJsonValue wanted = it.value();
        const QJsonValue actual = reported.value(it.key());
        if (wanted.isObject() && actual.isObject()) {
            const QJsonObject nested = delta(wanted.toObject(), actual.toObject());
            if (!nested.isEmpty())
                result.insert(it.key(), nested);
        } else if (wanted != actual) {
            result.insert(it.key(), wanted);
        }
    }
    return result;
}

QJsonObject ShadowJson::deltaMetadata(const QJsonObject &delta, const QJsonObject &desiredMetadata)
{
    // Delta objects are desired objects (or parts of them), so the desired metadata mirrors
    // them; leaves take the desired leaf's timestamp.
    QJsonObject result;
    for (auto it = delta.begin(); it != delta.end(); ++it) {
        const QJsonValue metadata = desiredMetadata.value(it.key());
        if (it.value().isObject())
            result.insert(it.key(), deltaMetadata(it.value().toObject(), metadata.toObject()));
        else
            result.insert(it.key(), metadata);
    }
    return result;
}

QByteArray ShadowJson::compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void ShadowJson::insertClientToken(QJsonObject &document, const QString &clientToken)
{
    if (!clientToken.isEmpty())
        document.insert(QStringLiteral("clientToken"), clientToken);
}

} // namespace thingdeck
