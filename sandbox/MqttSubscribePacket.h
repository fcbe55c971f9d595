#pragma once

#include "MqttPacket.h"
#include "Result.h"

#include <QStringList>

namespace thingdeck {

/// The topic filters of a SUBSCRIBE packet, MQTT 3.1.1 or 5, exactly as the client wrote them
/// (shared subscriptions keep their "$share/<group>/" prefix).
class MqttSubscribePacket
{
public:
    static Result<MqttSubscribePacket, QString> parse(const MqttPacket &packet, bool version5);

    const QStringList &filters() const { return m_filters; }

private:
    QStringList m_filters;
};

} // namespace thingdeck
