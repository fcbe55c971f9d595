#pragma once

#include "MqttPacket.h"
#include "Result.h"

#include <QString>

#include <optional>

namespace thingdeck {

/// A CONNECT packet taken apart far enough to see its protocol version and will topic and to
/// give it another user name. MQTT 3.1 ("MQIsdp", level 3), 3.1.1 (level 4) and 5 (level 5).
class MqttConnectPacket
{
public:
    static Result<MqttConnectPacket, QString> parse(const MqttPacket &packet);

    quint8 protocolLevel() const { return m_level; }
    bool isVersion5() const { return m_level == 5; }
    /// The topic of the will message, when the client set one.
    const std::optional<QString> &willTopic() const { return m_willTopic; }
    /// The user name the client sent, if any.
    const std::optional<QString> &userName() const { return m_userName; }
    /// The same CONNECT with `userName` as its user name, set or replaced; everything else,
    /// the password included, is kept byte for byte (only the remaining length changes).
    MqttPacket withUserName(const QString &userName) const;

private:
    static constexpr quint8 kUserNameFlag = 0x80;
    static constexpr quint8 kPasswordFlag = 0x40;
    static constexpr quint8 kWillFlag = 0x04;

    bool readProtocol(QByteArrayView body);
    bool readPayload(QByteArrayView body);

    quint8 m_firstByte = 0;
    QByteArray m_protocol; ///< the protocol name and level, as sent
    quint8 m_level = 0;
    quint8 m_flags = 0;
    QByteArray m_middle; ///< keep alive, properties, client id and will, as sent
    std::optional<QString> m_willTopic;
    std::optional<QString> m_userName;
    QByteArray m_password; ///< with its length prefix; empty when there is none
};

} // namespace thingdeck
