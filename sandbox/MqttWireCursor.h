#pragma once

#include <QByteArrayView>

#include <optional>

namespace thingdeck {

/// Reads MQTT data types from a packet body: big-endian integers, variable byte integers,
/// length-prefixed strings and binary data, and MQTT 5 property blocks. Every read checks its
/// bounds: one past the end gives std::nullopt, and so does every read after it.
class MqttWireCursor
{
public:
    explicit MqttWireCursor(QByteArrayView data)
        : m_data(data)
    {}

    std::optional<quint8> byte();
    std::optional<quint16> twoByteInteger();
    std::optional<quint32> fourByteInteger();
    std::optional<quint32> variableInteger();
    /// A two-byte length, then that many bytes: UTF-8 strings and binary data alike.
    std::optional<QByteArrayView> lengthPrefixed();
    /// An MQTT 5 property block: its length as a variable byte integer, then the properties.
    std::optional<QByteArrayView> properties();
    std::optional<QByteArrayView> take(qsizetype count);

    qsizetype position() const { return m_position; }
    bool atEnd() const { return !m_failed && m_position == m_data.size(); }
    bool failed() const { return m_failed; }

private:
    QByteArrayView m_data;
    qsizetype m_position = 0;
    bool m_failed = false;
};

} // namespace thingdeck
