#pragma once

#include "mqtt/MqttMessage.h"

#include <QObject>

namespace thingdeck {

class MqttConnection;
class ShadowService;

/// The MQTT side of the Device Shadow service, as AWS IoT runs it (aws-iot.md §5.5): answers
/// `$aws/things/<thing>/shadow[/name/<shadow>]/get|update|delete` on `/accepted` or
/// `/rejected`, and publishes what the ShadowService announces (`/update/delta`,
/// `/update/documents`) and the REST Publish requests, through the sandbox's own connection.
class ShadowTopicService : public QObject
{
    Q_OBJECT
public:
    ShadowTopicService(MqttConnection *connection, ShadowService *shadows,
                       QObject *parent = nullptr);

    /// Subscribes to the request topics. Call once connected.
    void start();
    quint64 requestsHandled() const { return m_handled; }

private:
    void onMessages(const MqttMessageBatch &messages);
    void handle(const MqttMessage &message);
    void send(const QString &topic, const QByteArray &payload, int qos = 1, bool retain = false);

    MqttConnection *m_connection;
    ShadowService *m_shadows;
    quint64 m_handled = 0;
};

} // namespace thingdeck
