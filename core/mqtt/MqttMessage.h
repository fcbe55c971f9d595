#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>

namespace thingdeck {

/// The MQTT 5 properties of a PUBLISH that a person reads or sets by hand. Absent (null) on
/// MQTT 3.1.1 connections, so a 3.1.1 message pays one pointer for them.
struct MqttProperties
{
    QString contentType;
    QString responseTopic;
    QByteArray correlationData;
    qint64 messageExpirySeconds = -1; ///< -1: none
    int payloadFormatIndicator = -1;  ///< -1: none; 0 bytes, 1 UTF-8
    QList<QPair<QString, QString>> userProperties;

    bool isEmpty() const
    {
        return contentType.isEmpty() && responseTopic.isEmpty() && correlationData.isEmpty() &&
               messageExpirySeconds < 0 && payloadFormatIndicator < 0 && userProperties.isEmpty();
    }
    bool operator==(const MqttProperties &other) const = default;
};

/// One MQTT message as received (or published by us). The payload is kept raw; formatting
/// happens only when shown.
struct MqttMessage
{
    quint64 id = 0; ///< assigned by the message store; 0 before that
    QString topic;
    QByteArray payload;
    qint64 timestampMs = 0; ///< milliseconds since the epoch, UTC, when it arrived
    quint8 qos = 0;
    bool retained = false;
    bool outgoing = false; ///< published by this client
    /// MQTT 5 only; shared, never changed after the message is made.
    std::shared_ptr<const MqttProperties> properties;
};

using MqttMessageBatch = QList<MqttMessage>;

} // namespace thingdeck
