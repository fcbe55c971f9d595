#pragma once

#include "MqttPacket.h"
#include "Result.h"

#include <QString>

#include <optional>

namespace thingdeck {

/// Cuts a byte stream into whole MQTT control packets (3.1.1 and 5 share the framing: one byte
/// of type and flags, then the remaining length as a variable byte integer of 1–4 bytes).
/// Bounded: it holds at most one unfinished packet plus what was appended since packets were
/// last taken, and a packet whose remaining length is over the limit is refused as soon as its
/// fixed header is known, before its body is buffered.
class MqttPacketReader
{
public:
    explicit MqttPacketReader(quint32 maxRemainingLength);

    void append(QByteArrayView bytes);
    /// The next whole packet; std::nullopt while more bytes are needed; or why the stream is
    /// not MQTT or the packet is too large (the reader is then of no further use).
    Result<std::optional<MqttPacket>, QString> next();
    /// Bytes received but not yet taken as packets.
    qsizetype bufferedBytes() const { return m_buffer.size() - m_offset; }

private:
    struct FixedHeader
    {
        qsizetype size = 0; ///< type byte plus length bytes
        quint32 remainingLength = 0;
    };

    Result<std::optional<FixedHeader>, QString> fixedHeader() const;

    QByteArray m_buffer;
    qsizetype m_offset = 0; ///< where the next packet starts in m_buffer
    quint32 m_maxRemainingLength;
};

} // namespace thingdeck
