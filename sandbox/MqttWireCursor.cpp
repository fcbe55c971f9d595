#include "MqttWireCursor.h"

namespace thingdeck {

std::optional<QByteArrayView> MqttWireCursor::take(qsizetype count)
{
    if (m_failed || count < 0 || count > m_data.size() - m_position) {
        m_failed = true;
        return std::nullopt;
    }
    const QByteArrayView taken = m_data.sliced(m_position, count);
    m_position += count;
    return taken;
}

std::optional<quint8> MqttWireCursor::byte()
{
    const auto bytes = take(1);
    return bytes ? std::optional<quint8>(quint8(bytes->at(0))) : std::nullopt;
}

std::optional<quint16> MqttWireCursor::twoByteInteger()
{
    const auto bytes = take(2);
    if (!bytes)
        return std::nullopt;
    return quint16((quint8(bytes->at(0)) << 8) | quint8(bytes->at(1)));
}

std::optional<quint32> MqttWireCursor::fourByteInteger()
{
    const auto high = twoByteInteger();
    const auto low = twoByteInteger();
    if (!high || !low)
        return std::nullopt;
    return (quint32(*high) << 16) | *low;
}

std::optional<quint32> MqttWireCursor::variableInteger()
{
    quint32 value = 0;
    for (int i = 0; i < 4; ++i) {
        const auto digit = byte();
        if (!digit)
            return std::nullopt;
        value |= quint32(*digit & 0x7F) << (7 * i);
        if (!(*digit & 0x80))
            return value;
    }
    m_failed = true;
    return std::nullopt;
}

std::optional<QByteArrayView> MqttWireCursor::lengthPrefixed()
{
    const auto length = twoByteInteger();
    return length ? take(*length) : std::nullopt;
}

std::optional<QByteArrayView> MqttWireCursor::properties()
{
    const auto length = variableInteger();
    return length ? take(qsizetype(*length)) : std::nullopt;
}

} // namespace thingdeck
