#pragma once

#include "mqtt/MqttMessage.h"

#include <QByteArray>

namespace thingdeck {

/// Formats received MQTT messages as the JSON lines `thingdeck-cli sub` prints: one object per
/// line with `topic`, `qos`, `retain`, `time` (ISO 8601 UTC, milliseconds) and `payload` when
/// the payload is valid UTF-8, else `payloadBase64`. Hand-written because it runs once per
/// message at tens of thousands of messages per second.
class MessageLineFormatter
{
public:
    /// Appends one line (with its newline) to `out`.
    static void append(const MqttMessage &message, QByteArray &out);
    static bool isValidUtf8(const QByteArray &bytes);
    /// Appends `text` (UTF-8) as a JSON string literal, quotes included.
    static void appendJsonString(const QByteArray &text, QByteArray &out);
    static QByteArray isoTime(qint64 msecsSinceEpoch);
};

} // namespace thingdeck
