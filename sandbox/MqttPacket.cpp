#include "MqttPacket.h"

namespace thingdeck {

MqttPacket MqttPacket::build(quint8 firstByte, QByteArrayView body)
{
    MqttPacket packet;
    packet.bytes.append(char(firstByte));
    packet.bytes.append(encodeVariableInteger(quint32(body.size())));
    packet.headerSize = packet.bytes.size();
    packet.bytes.append(body);
    return packet;
}

QByteArray MqttPacket::encodeVariableInteger(quint32 value)
{
    QByteArray out;
    do {
        quint8 digit = value % 128;
        value /= 128;
        if (value > 0)
            digit |= 0x80;
        out.append(char(digit));
    } while (value > 0);
    return out;
}

QByteArray MqttPacket::encodeString(QByteArrayView text)
{
    const auto size = quint16(text.size());
    QByteArray out;
    out.append(char(size >> 8));
    out.append(char(size & 0xFF));
    out.append(text);
    return out;
}

} // namespace thingdeck
