#include "MqttConnectPacket.h"

#include "MqttWireCursor.h"

namespace thingdeck {

Result<MqttConnectPacket, QString> MqttConnectPacket::parse(const MqttPacket &packet)
{
    MqttConnectPacket connect;
    connect.m_firstByte = quint8(packet.bytes.at(0));
    if (!connect.readProtocol(packet.body()))
        return fail(QStringLiteral("not an MQTT 3.1, 3.1.1 or 5 CONNECT"));
    if (!connect.readPayload(packet.body()))
        return fail(QStringLiteral("malformed CONNECT"));
    return connect;
}

bool MqttConnectPacket::readProtocol(QByteArrayView body)
{
    MqttWireCursor cursor(body);
    const auto name = cursor.lengthPrefixed();
    const auto level = cursor.byte();
    if (!name || !level)
        return false;
    m_protocol = body.first(cursor.position()).toByteArray();
    m_level = *level;
    return (*name == "MQTT" && (m_level == 4 || m_level == 5)) ||
           (*name == "MQIsdp" && m_level == 3);
}

// The layout after the protocol level: flags, keep alive, [v5 properties], client id,
// [will: [v5 properties], topic, payload], [user name], [password].
bool MqttConnectPacket::readPayload(QByteArrayView body)
{
    MqttWireCursor cursor(body.sliced(m_protocol.size()));
    m_flags = cursor.byte().value_or(0);
    const qsizetype middleStart = cursor.position();
    cursor.twoByteInteger();
    if (isVersion5())
        cursor.properties();
    cursor.lengthPrefixed();
    if (m_flags & kWillFlag) {
        if (isVersion5())
            cursor.properties();
        m_willTopic = QString::fromUtf8(cursor.lengthPrefixed().value_or(QByteArrayView()));
        cursor.lengthPrefixed();
    }
    const qsizetype middleEnd = cursor.position();
    if (m_flags & kUserNameFlag)
        m_userName = QString::fromUtf8(cursor.lengthPrefixed().value_or(QByteArrayView()));
    const qsizetype passwordStart = cursor.position();
    if (m_flags & kPasswordFlag)
        cursor.lengthPrefixed();
    if (!cursor.atEnd())
        return false;
    const QByteArrayView rest = body.sliced(m_protocol.size());
    m_middle = rest.sliced(middleStart, middleEnd - middleStart).toByteArray();
    m_password = rest.sliced(passwordStart).toByteArray();
    return true;
}

MqttPacket MqttConnectPacket::withUserName(const QString &userName) const
{
    QByteArray body = m_protocol;
    body.append(char(m_flags | kUserNameFlag));
    body.append(m_middle);
    body.append(MqttPacket::encodeString(userName.toUtf8()));
    body.append(m_password);
    return MqttPacket::build(m_firstByte, body);
}

} // namespace thingdeck
