#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace thingdeck {

/// The JSON tree rules of the Device Shadow service (aws-iot.md §5.2–§5.4), applied to one
/// section (`desired` or `reported`) at a time. Stateless; ShadowUpdate and ShadowDocument
/// build on it.
class ShadowJson
{
public:
    ShadowJson() = delete;

    /// The deepest nesting the service accepts inside one section (§5.4).
    static constexpr int kMaxDepth = 6;

    /// `patch` merged into `target` key by key (§5.2): objects merge recursively, `null` deletes
    /// the key, anything else (arrays included) replaces the value whole. An object left
    /// without keys is removed too, the way an emptied section disappears ("If an update causes
    /// the desired or reported properties to become null, it is removed", DG
    /// device-shadow-document.md "Empty shadow document properties"); so a shadow never stores
    /// `{}`.
    static QJsonObject merge(QJsonObject target, const QJsonObject &patch);

    /// Nesting depth as the service counts it: every object or array is one level, scalars add
    /// none, so a section `{"a": 1}` is 1 deep and `{"1":{"2":{"3":{"4":{"5":{"6":"x"}}}}}}` is
    /// 6 deep. This is how AWS's own shadow implementation in Greengrass counts (its tests
    /// accept exactly that 6-key chain under `state.desired` and reject a 7th level with
    /// "JSON contains too many levels of nesting; maximum is 6";
    /// aws-greengrass/aws-greengrass-shadow-manager JsonUtilTest, PR #122). `state` and the
    /// section name themselves are not counted.
    static int depth(const QJsonValue &value);

    /// Whether a `null` appears anywhere inside an array of `value`: "Arrays can't have null
    /// values" (DG device-shadow-document.md "Array values"). Inside an array a null cannot
    /// mean "delete", so nulls in objects nested in arrays are refused as well.
    static bool hasNullInArray(const QJsonValue &value, bool insideArray = false);

    /// The metadata tree of an update request's value: every leaf (scalar, null or array)
    /// becomes `{"timestamp": T}`, objects are mirrored key by key. Arrays are leaves, as in the
    /// DG example document (`"sequence": {"timestamp": 12345}`).
    static QJsonValue stamp(const QJsonValue &value, qint64 timestamp);

    /// The metadata of a section after an update: mirrors `state` (the merged section); leaves
    /// that `patch` touched get `timestamp`, the others keep their timestamp from `before`.
    /// Keys no longer in `state` lose their metadata. `patch` is Undefined where the request
    /// did not reach.
    static QJsonValue metadataAfter(const QJsonValue &state, const QJsonValue &before,
                                    const QJsonValue &patch, qint64 timestamp);

    /// The delta of §5.3: desired keys absent from or different to reported; objects present
    /// on both sides are compared key by key keeping the path; arrays and other values compare
    /// whole (numbers by value, so 1 equals 1.0); reported-only keys are left out.
    static QJsonObject delta(const QJsonObject &desired, const QJsonObject &reported);

    /// The metadata of a delta: "its values are equal to the metadata in the desired field"
    /// (DG device-shadow-document.md "Delta state").
    static QJsonObject deltaMetadata(const QJsonObject &delta, const QJsonObject &desiredMetadata);

    /// Compact serialization, the form sizes are measured in.
    static QByteArray compact(const QJsonObject &object);

    /// Adds `clientToken` to a response document unless it is empty ("Present only if a client
    /// token was used", DG device-shadow-document.md).
    static void insertClientToken(QJsonObject &document, const QString &clientToken);

private:
    static void mergeKey(QJsonObject &target, const QString &key, const QJsonValue &value);
    static QJsonObject metadataOfObject(const QJsonObject &state, const QJsonObject &before,
                                        const QJsonObject &patch, qint64 timestamp);
    static QJsonObject leafStamp(qint64 timestamp);
};

} // namespace thingdeck
