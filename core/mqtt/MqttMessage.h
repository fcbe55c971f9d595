#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace thingdeck {

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
};

using MqttMessageBatch = QList<MqttMessage>;

} // namespace thingdeck
