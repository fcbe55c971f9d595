#include "MqttPublishPacket.h"

#include "MqttProperties.h"
#include "MqttWireCursor.h"

namespace thingdeck {

// Topic, a packet identifier when QoS > 0, [v5 properties], then the payload.
Result<MqttPublishPacket, QString> MqttPublishPacket::parse(const MqttPacket &packet, bool version5)
{
    const int qos = (packet.flags() >> 1) & 0x03;
    if (qos == 3)
        return fail(QStringLiteral("malformed PUBLISH: QoS 3"));
    MqttWireCursor cursor(packet.body());
    const auto topic = cursor.lengthPrefixed();
    if (qos > 0)
        cursor.twoByteInteger();
    std::optional<QByteArrayView> properties = QByteArrayView();
    if (version5)
        properties = cursor.properties();
    if (!topic || !properties)
        return fail(QStringLiteral("malformed PUBLISH"));
    MqttPublishPacket publish;
    publish.m_topic = QString::fromUtf8(*topic);
    const auto alias = MqttProperties::twoByteInteger(*properties, MqttProperties::kTopicAlias);
    if (!alias)
        return fail(QStringLiteral("malformed PUBLISH: %1").arg(alias.error()));
    publish.m_topicAlias = alias.value();
    return publish;
}

} // namespace thingdeck
