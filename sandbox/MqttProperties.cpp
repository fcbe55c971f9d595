#include "MqttProperties.h"

#include "MqttWireCursor.h"

#include <algorithm>
#include <array>

namespace thingdeck {

namespace {

// MQTT 5.0, section 2.2.2.2: the property identifiers by the type of their value.
constexpr std::array<quint8, 8> kByteProperties{0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A};
constexpr std::array<quint8, 4> kTwoByteProperties{0x13, 0x21, 0x22, 0x23};
constexpr std::array<quint8, 4> kFourByteProperties{0x02, 0x11, 0x18, 0x27};
constexpr std::array<quint8, 9> kLengthPrefixedProperties{0x03, 0x08, 0x09, 0x12, 0x15,
                                                          0x16, 0x1A, 0x1C, 0x1F};
constexpr quint8 kSubscriptionIdentifier = 0x0B; // a variable byte integer
constexpr quint8 kUserProperty = 0x26;           // a pair of strings

template<std::size_t N> bool isOneOf(const std::array<quint8, N> &ids, quint32 id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

} // namespace

Result<std::optional<quint16>, QString> MqttProperties::twoByteInteger(QByteArrayView block,
                                                                       quint8 id)
{
    MqttWireCursor cursor(block);
    while (!cursor.atEnd()) {
        const auto property = cursor.variableInteger();
        if (property && *property == id && isOneOf(kTwoByteProperties, id)) {
            if (const auto value = cursor.twoByteInteger())
                return std::optional<quint16>(*value);
        }
        if (cursor.failed() || !property || !skipValue(cursor, *property))
            return fail(QStringLiteral("malformed or unknown property %1")
                            .arg(property.value_or(0), 2, 16, QLatin1Char('0')));
    }
    return std::optional<quint16>();
}

bool MqttProperties::skipValue(MqttWireCursor &cursor, quint32 id)
{
    if (isOneOf(kByteProperties, id))
        return cursor.byte().has_value();
    if (isOneOf(kTwoByteProperties, id))
        return cursor.twoByteInteger().has_value();
    if (isOneOf(kFourByteProperties, id))
        return cursor.fourByteInteger().has_value();
    if (isOneOf(kLengthPrefixedProperties, id))
        return cursor.lengthPrefixed().has_value();
    if (id == kSubscriptionIdentifier)
        return cursor.variableInteger().has_value();
    if (id == kUserProperty)
        return cursor.lengthPrefixed().has_value() && cursor.lengthPrefixed().has_value();
    return false;
}

} // namespace thingdeck
