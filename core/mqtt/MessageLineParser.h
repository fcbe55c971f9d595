#pragma once

#include "Result.h"
#include "mqtt/MqttMessage.h"

#include <QByteArrayView>
#include <QString>

namespace thingdeck {

/// Reads back the JSON lines MessageLineFormatter writes (and `thingdeck-cli sub` prints): one
/// object with `topic`, `qos`, `retain`, `time` and either `payload` (UTF-8 text) or
/// `payloadBase64`. Any JSON object with those keys is accepted; other keys are ignored. For
/// every line the formatter writes, formatting the parsed message gives the same bytes again.
class MessageLineParser
{
public:
    /// The message of one line (its trailing newline may be present). `time` becomes
    /// milliseconds since the epoch (UTC when the text names no offset); `payloadBase64` must be
    /// canonical Base64. The error is a sentence naming the problem, without the line number.
    static Result<MqttMessage, QString> parse(QByteArrayView line);
};

} // namespace thingdeck
