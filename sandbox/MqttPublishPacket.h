#pragma once

#include "MqttPacket.h"
#include "Result.h"

#include <QString>

#include <optional>

namespace thingdeck {

/// The topic of a PUBLISH packet, MQTT 3.1.1 or 5. With MQTT 5 the topic may be empty and a
/// topic alias stand for a topic the client named earlier on the same connection.
class MqttPublishPacket
{
public:
    static Result<MqttPublishPacket, QString> parse(const MqttPacket &packet, bool version5);

    const QString &topic() const { return m_topic; }
    const std::optional<quint16> &topicAlias() const { return m_topicAlias; }

private:
    QString m_topic;
    std::optional<quint16> m_topicAlias;
};

} // namespace thingdeck
