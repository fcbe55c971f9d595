#include "MqttPacketReader.h"

namespace thingdeck {

namespace {

constexpr int kMaxLengthBytes = 4;

} // namespace

MqttPacketReader::MqttPacketReader(quint32 maxRemainingLength)
    : m_maxRemainingLength(maxRemainingLength)
{}

void MqttPacketReader::append(QByteArrayView bytes)
{
    // Taken packets are dropped here, once per append, rather than once per packet: removing
    // from the front of a buffer that holds many small packets would copy it again and again.
    if (m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

Result<std::optional<MqttPacket>, QString> MqttPacketReader::next()
{
    const auto header = fixedHeader();
    if (!header)
        return fail(header.error());
    if (!header.value())
        return std::optional<MqttPacket>();
    const qsizetype total = header.value()->size + qsizetype(header.value()->remainingLength);
    if (bufferedBytes() < total)
        return std::optional<MqttPacket>();
    MqttPacket packet{m_buffer.mid(m_offset, total), header.value()->size};
    m_offset += total;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return std::optional<MqttPacket>(std::move(packet));
}

Result<std::optional<MqttPacketReader::FixedHeader>, QString> MqttPacketReader::fixedHeader() const
{
    if (bufferedBytes() == 0)
        return std::optional<FixedHeader>();
    if ((quint8(m_buffer.at(m_offset)) >> 4) == 0)
        return fail(QStringLiteral("packet type 0 is reserved"));
    quint32 value = 0;
    for (int i = 0; i < kMaxLengthBytes; ++i) {
        if (bufferedBytes() < 2 + i)
            return std::optional<FixedHeader>();
        const auto digit = quint8(m_buffer.at(m_offset + 1 + i));
        value |= quint32(digit & 0x7F) << (7 * i);
        if (digit & 0x80)
            continue;
        if (value > m_maxRemainingLength)
            return fail(QStringLiteral("a packet of %1 bytes is over the limit of %2 bytes")
                            .arg(value)
                            .arg(m_maxRemainingLength));
        return std::optional<FixedHeader>(FixedHeader{2 + i, value});
    }
    return fail(QStringLiteral("the remaining length is longer than 4 bytes"));
}

} // namespace thingdeck
