#pragma once

#include "iot/IotError.h"
#include "iot/ListPager.h"
#include "iot/ShadowAccepted.h"
#include "iot/ShadowName.h"
#include "iot/ShadowSnapshot.h"
#include "iot/ThingName.h"
#include "mqtt/TopicName.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace thingdeck {

class IotEndpoints;

/// The AWS IoT data plane over HTTPS (aws-iot.md §4, §5): get, update and delete a classic or
/// named shadow, list a thing's named shadows, publish a message. Requests go to the data
/// endpoint from IotEndpoints (an override, or the account's iot:Data-ATS address), signed for
/// "iotdata".
///
/// Every call reports once, on the event loop, to a callback bound to `context` (nothing is
/// reported once `context` is destroyed; it must not be null). Arguments that break AWS's rules
/// are refused with IotError::Kind::InvalidArgument before any request is sent. An update based
/// on a version that is no longer current fails with IotError::Kind::Conflict: fetch the shadow
/// again and redo the change on top of it.
class ShadowClient : public QObject
{
    Q_OBJECT
public:
    /// ListNamedShadowsForThing's largest page (aws-iot.md §4).
    static constexpr int kMaxPageSize = 100;

    /// `endpoints` must outlive this client.
    explicit ShadowClient(IotEndpoints *endpoints, QObject *parent = nullptr);

    /// GetThingShadow. A shadow that does not exist fails with Kind::NotFound.
    void getShadow(const ThingName &thing, const ShadowName &shadow, QObject *context,
                   IotCallback<ShadowSnapshot> callback);
    /// UpdateThingShadow with a request document such as `{"state": {"desired": {…}}}`
    /// (optionally with "clientToken"). `basedOnVersion`, when given, is sent as the document's
    /// "version" (replacing one it has), so the update applies only to that version. The
    /// document is checked with the service's own rules (ShadowUpdate) before sending.
    void updateShadow(const ThingName &thing, const ShadowName &shadow, const QJsonObject &document,
                      std::optional<qint64> basedOnVersion, QObject *context,
                      IotCallback<ShadowAccepted> callback);
    /// DeleteThingShadow. A shadow that does not exist fails with Kind::NotFound.
    void deleteShadow(const ThingName &thing, const ShadowName &shadow, QObject *context,
                      IotCallback<ShadowAccepted> callback);
    /// ListNamedShadowsForThing, every page, one request at a time: the names, sorted as AWS
    /// answers them. The classic shadow is not listed; a thing without shadows has none.
    void listNamedShadows(const ThingName &thing, QObject *context,
                          IotCallback<QStringList> callback);
    /// Publish over HTTPS: `payload` as is to `topic` with QoS 0 or 1. A TopicName cannot hold
    /// a wildcard, so nothing can be published to a filter.
    void publish(const TopicName &topic, const QByteArray &payload, int qos, bool retain,
                 QObject *context, IotCallback<std::monostate> callback);

    /// The request body updateShadow() sends: `document` with `basedOnVersion` as "version".
    static QByteArray updateBody(const QJsonObject &document, std::optional<qint64> basedOnVersion);

private:
    using RequestFor = std::function<AwsRequest(const QUrl &dataPlane)>;

    template<typename T, typename Parse>
    void sendToDataPlane(QObject *context, RequestFor build, IotCallback<T> callback, Parse parse);
    void pageNamedShadows(const AwsRequest &first, QObject *context,
                          IotCallback<QStringList> callback);

    IotEndpoints *m_endpoints;
    ListPager m_pager;
};

} // namespace thingdeck
