#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace thingdeck {

/// One whole MQTT control packet (3.1.1 or 5) exactly as it travelled, fixed header included,
/// so that a proxy can forward it byte for byte after looking inside.
struct MqttPacket
{
    enum Type : quint8 {
        Connect = 1,
        Connack = 2,
        Publish = 3,
        Puback = 4,
        Pubrec = 5,
        Pubrel = 6,
        Pubcomp = 7,
        Subscribe = 8,
        Suback = 9,
        Unsubscribe = 10,
        Unsuback = 11,
        Pingreq = 12,
        Pingresp = 13,
        Disconnect = 14,
        Auth = 15,
    };

    /// The largest value a remaining length (a variable byte integer) can hold.
    static constexpr quint32 kMaxVariableInteger = 268435455;

    QByteArray bytes;         ///< the whole packet
    qsizetype headerSize = 0; ///< the fixed header: first byte plus 1–4 length bytes

    quint8 type() const { return quint8(bytes.at(0)) >> 4; }
    quint8 flags() const { return quint8(bytes.at(0)) & 0x0F; }
    /// The variable header and payload, without the fixed header.
    QByteArrayView body() const { return QByteArrayView(bytes).sliced(headerSize); }

    /// A packet with the given first byte (type and flags) around `body`.
    static MqttPacket build(quint8 firstByte, QByteArrayView body);
    /// The MQTT variable byte integer encoding (1–4 bytes) of `value` ≤ kMaxVariableInteger.
    static QByteArray encodeVariableInteger(quint32 value);
    /// `text` as an MQTT UTF-8 string: a two-byte big-endian length, then the bytes.
    static QByteArray encodeString(QByteArrayView text);
};

} // namespace thingdeck
