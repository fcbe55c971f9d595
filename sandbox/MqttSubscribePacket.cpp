#include "MqttSubscribePacket.h"

#include "MqttWireCursor.h"

namespace thingdeck {

// Packet identifier, [v5 properties], then one or more pairs of filter and options byte.
Result<MqttSubscribePacket, QString> MqttSubscribePacket::parse(const MqttPacket &packet,
                                                                bool version5)
{
    MqttWireCursor cursor(packet.body());
    cursor.twoByteInteger();
    if (version5)
        cursor.properties();
    MqttSubscribePacket subscribe;
    while (!cursor.failed() && !cursor.atEnd()) {
        const auto filter = cursor.lengthPrefixed();
        cursor.byte();
        if (filter)
            subscribe.m_filters.append(QString::fromUtf8(*filter));
    }
    if (cursor.failed() || subscribe.m_filters.isEmpty())
        return fail(QStringLiteral("malformed SUBSCRIBE"));
    return subscribe;
}

} // namespace thingdeck
