#pragma once

#include "Result.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace thingdeck {

class MqttWireCursor;

/// Looks up values in an MQTT 5 property block. Every property must be walked to reach the
/// next one, so every identifier of the specification is known here with the type of its
/// value; an unknown identifier makes the block malformed, as it does for a broker.
class MqttProperties
{
public:
    MqttProperties() = delete;

    /// PUBLISH: stands for a topic name the client set earlier on the same connection.
    static constexpr quint8 kTopicAlias = 0x23;

    /// The value of the two-byte-integer property `id` (its first occurrence); std::nullopt
    /// when the block does not hold it; an error when the block is malformed.
    static Result<std::optional<quint16>, QString> twoByteInteger(QByteArrayView block, quint8 id);

private:
    static bool skipValue(MqttWireCursor &cursor, quint32 id);
};

} // namespace thingdeck
