#include "mqtt/MessageLineFormatter.h"

#include <QDateTime>

#include <string_view>

namespace thingdeck {

namespace {

// Length of the UTF-8 sequence that starts with `lead`, or 0 when it cannot start one.
int sequenceLength(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0;
}

// Rejects overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
bool validSecondByte(unsigned char lead, unsigned char next)
{
    if (lead == 0xE0)
        return next >= 0xA0 && next <= 0xBF;
    if (lead == 0xED)
        return next >= 0x80 && next <= 0x9F;
    if (lead == 0xF0)
        return next >= 0x90 && next <= 0xBF;
    if (lead == 0xF4)
        return next >= 0x80 && next <= 0x8F;
    return next >= 0x80 && next <= 0xBF;
}

constexpr std::string_view kHex = "0123456789abcdef";

} // namespace

bool MessageLineFormatter::isValidUtf8(const QByteArray &bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i < size;) {
        const int length = sequenceLength(p[i]);
        if (length == 0 || i + length > size)
            return false;
        if (length > 1 && !validSecondByte(p[i], p[i + 1]))
            return false;
        for (int k = 2; k < length; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
        }
        i += length;
    }
    return true;
}

void MessageLineFormatter::appendJsonString(const QByteArray &text, QByteArray &out)
{
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += c == '\n'   ? QByteArrayLiteral("\\n")
                   : c == '\t' ? QByteArrayLiteral("\\t")
                   : c == '\r' ? QByteArrayLiteral("\\r")
                               : QByteArray("\\u00") + kHex[u >> 4] + kHex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

QByteArray MessageLineFormatter::isoTime(qint64 msecsSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC)
        .toString(Qt::ISODateWithMs)
        .toLatin1();
}

void MessageLineFormatter::append(const MqttMessage &message, QByteArray &out)
{
    out += R"({"topic":)";
    appendJsonString(message.topic.toUtf8(), out);
    out += R"(,"qos":)";
    out += char('0' + message.qos);
    out += message.retained ? R"(,"retain":true,"time":")" : R"(,"retain":false,"time":")";
    out += isoTime(message.timestampMs);
    if (isValidUtf8(message.payload)) {
        out += R"(","payload":)";
        appendJsonString(message.payload, out);
    } else {
        out += R"(","payloadBase64":")";
        out += message.payload.toBase64();
        out += '"';
    }
    out += "}\n";
}

} // namespace thingdeck
