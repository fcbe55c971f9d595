#pragma once

#include "MqttPacket.h"
#include "Result.h"
#include "mqtt/TopicFilter.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace thingdeck {

class MqttConnectPacket;
class MqttPublishPacket;

/// What an AWS IoT policy decides about one client connection, without any socket: the
/// packets the client sends are checked in order against the filters denied to its thing.
/// Each packet is either forwarded (a CONNECT with the thing name as its user name, all else
/// unchanged) or refused, and a refusal means the connection is closed, as AWS IoT does:
///  - SUBSCRIBE to a filter that overlaps a denied filter (it could deliver a denied topic);
///  - PUBLISH to a topic a denied filter matches (also through an MQTT 5 topic alias);
///  - CONNECT with a will message on such a topic (AWS checks it when the client connects);
///  - anything that is not well-formed MQTT, a second CONNECT, or a packet before CONNECT.
class MqttSessionPolicy
{
public:
    /// Topic aliases above this are refused: mosquitto allows 10 by default and disconnects a
    /// client that goes beyond that anyway, and the alias table stays small.
    static constexpr quint16 kMaxTopicAlias = 1024;

    MqttSessionPolicy(QString thingName, QList<TopicFilter> denied);

    /// The bytes to forward for `packet`, or why the connection must be closed instead (one
    /// line for the log, e.g. "SUBSCRIBE secret/# overlaps the denied filter secret/#").
    Result<QByteArray, QString> inspect(const MqttPacket &packet);

    const QString &thingName() const { return m_thingName; }
    const QList<TopicFilter> &denied() const { return m_denied; }

private:
    Result<QByteArray, QString> inspectConnect(const MqttPacket &packet);
    Result<QByteArray, QString> inspectSubscribe(const MqttPacket &packet) const;
    Result<QByteArray, QString> inspectPublish(const MqttPacket &packet);
    std::optional<QString> refuseSubscription(const QString &filter) const;
    Result<QString, QString> resolveTopic(const MqttPublishPacket &publish);
    std::optional<TopicFilter> denialMatching(const QString &topic) const;

    QString m_thingName;
    QList<TopicFilter> m_denied;
    QHash<quint16, QString> m_topicAliases;
    bool m_connected = false;
    bool m_version5 = false;
};

} // namespace thingdeck
