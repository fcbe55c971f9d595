#pragma once

#include "Result.h"
#include "iot/ShadowDocument.h"
#include "iot/ShadowError.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace thingdeck {

class StateStore;

/// The answer to a shadow request: the document to send back (REST body, or the MQTT
/// `/accepted` payload) or the error document's value (REST error, or `/rejected`).
using ShadowReply = Result<QJsonObject, ShadowError>;

/// The Device Shadow service of the sandbox (aws-iot.md §4–§5), shared by the REST data plane
/// and the MQTT shadow topics: get, update, delete and list named shadows, persisted through
/// the StateStore. The shadow rules themselves live in core/iot (ShadowDocument, ShadowUpdate).
///
/// Callers answer their requester themselves from the returned value (HTTP response, or
/// `/accepted` / `/rejected` for MQTT). What AWS publishes to other subscribers after an
/// accepted update — `/update/delta` (when desired and reported differ) and
/// `/update/documents` — comes out of published(), emitted from the event loop after the call
/// returns, so that an MQTT caller can publish its `/update/accepted` first, in AWS's order.
/// A delete publishes nothing besides the requester's own `/delete/accepted` (§5.5).
class ShadowService : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    /// ListNamedShadowsForThing's page size when none is given (AWS does not document it).
    static constexpr int kDefaultPageSize = 25;
    /// Largest Publish payload, as for MQTT messages (aws-iot.md §6).
    static constexpr int kMaxPublishBytes = 128 * 1024;

    explicit ShadowService(StateStore *store, Clock clock = {}, QObject *parent = nullptr);

    /// GetThingShadow / `…/get`: the full document with delta, or 404 for a shadow that does
    /// not exist (or was deleted). An empty `shadowName` is the classic shadow.
    ShadowReply getShadow(const QString &thing, const QString &shadowName,
                          const QString &clientToken = {});
    /// UpdateThingShadow / `…/update` with the raw request bytes: the accepted document, or
    /// the rejection (400 / 409 / 413 / 415). The thing need not be in the registry.
    ShadowReply updateShadow(const QString &thing, const QString &shadowName,
                             const QByteArray &payload);
    /// DeleteThingShadow / `…/delete`: `{"version","timestamp"}`; the version is kept for a
    /// shadow created again later.
    ShadowReply deleteShadow(const QString &thing, const QString &shadowName,
                             const QString &clientToken = {});
    /// ListNamedShadowsForThing: `{"results","nextToken"?,"timestamp"}`; an unknown thing has
    /// no shadows. `pageSize` 0 means the default.
    ShadowReply listNamedShadows(const QString &thing, const QString &nextToken, int pageSize);

    /// Publish: checks the topic (no wildcards, at most 256 bytes and 7 '/' beyond a
    /// `$aws/rules/<rule>/` prefix), QoS (0 or 1) and size, then emits publishRequested.
    std::optional<ShadowError> publish(const QString &topic, const QByteArray &payload, int qos,
                                       bool retain);

    /// `$aws/things/<thing>/shadow` or `$aws/things/<thing>/shadow/name/<shadow>`.
    static QString topicPrefix(const QString &thing, const QString &shadowName);
    /// The clientToken of an MQTT `/get` or `/delete` payload; empty when there is none.
    static QString clientTokenOf(const QByteArray &payload);

Q_SIGNALS:
    /// A message the shadow service publishes to MQTT subscribers.
    void published(const QString &topic, const QByteArray &payload);
    /// A Publish request accepted for the broker.
    void publishRequested(const QString &topic, const QByteArray &payload, int qos, bool retain);

private:
    std::optional<ShadowError> checkNames(const QString &thing, const QString &shadowName) const;
    std::optional<ShadowError> save(const QString &thing, const QString &shadowName,
                                    const ShadowDocument &document);
    void announceUpdate(const QString &prefix, const ShadowDocument &previous,
                        const ShadowDocument &current, qint64 timestamp,
                        const QString &clientToken);
    qint64 now() const;

    StateStore *m_store;
    Clock m_clock;
};

} // namespace thingdeck
