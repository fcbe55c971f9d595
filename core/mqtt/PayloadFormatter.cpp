#include "mqtt/PayloadFormatter.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>
#include <QStringList>

#include <algorithm>
#include <optional>
#include <string_view>

namespace thingdeck {

namespace {

constexpr qsizetype kDumpBytesPerLine = 16;
constexpr qsizetype kMaxUtf8Bytes = 4;
constexpr qsizetype kJsonIndent = 4;
constexpr std::string_view kHexDigits = "0123456789abcdef";

bool isControl(QChar c)
{
    const char16_t u = c.unicode();
    if (u == u'\t' || u == u'\n' || u == u'\r')
        return false;
    return u < 0x20 || (u >= 0x7f && u <= 0x9f);
}

/// The bytes as text when they are valid UTF-8 without control characters (tabs and line
/// breaks aside); nothing otherwise.
std::optional<QString> decodeText(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError() || std::any_of(text.cbegin(), text.cend(), isControl))
        return std::nullopt;
    return text;
}

bool isJson(const QByteArray &payload)
{
    QJsonParseError error;
    QJsonDocument::fromJson(payload, &error);
    return error.error == QJsonParseError::NoError;
}

/// Moves a cut at `size` back to the start of the UTF-8 sequence it would split.
qsizetype utf8Boundary(const QByteArray &bytes, qsizetype size)
{
    if (size >= bytes.size())
        return bytes.size();
    for (int step = 0; step < kMaxUtf8Bytes - 1 && size > 0; ++step) {
        if ((quint8(bytes.at(size)) & 0xc0) != 0x80)
            break;
        --size;
    }
    return size;
}

/// Cuts to at most maxChars with an ellipsis when anything was left out.
QString elide(const QString &text, qsizetype maxChars, bool truncated)
{
    if (text.size() <= maxChars && !truncated)
        return text;
    qsizetype keep = std::min(text.size(), maxChars - 1);
    if (keep > 0 && keep < text.size() && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + u'\x2026';
}

void appendHexByte(QString &out, quint8 byte)
{
    out += QLatin1Char(kHexDigits[byte >> 4]);
    out += QLatin1Char(kHexDigits[byte & 0xf]);
}

QString hexDumpLine(QByteArrayView line, qsizetype offset)
{
    QString text = QStringLiteral("%1  ").arg(offset, 8, 16, QLatin1Char('0'));
    QString ascii;
    for (qsizetype i = 0; i < kDumpBytesPerLine; ++i) {
        if (i == kDumpBytesPerLine / 2)
            text += u' ';
        if (i >= line.size()) {
            text += QLatin1String("   ");
            continue;
        }
        const auto byte = quint8(line.at(i));
        appendHexByte(text, byte);
        text += u' ';
        ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
    }
    return text + QLatin1String(" |") + ascii + u'|';
}

/// Copies one character of a JSON string; returns whether the string goes on.
bool copyStringChar(QChar c, bool &escaped, QString &out)
{
    out += c;
    if (escaped) {
        escaped = false;
        return true;
    }
    escaped = c == u'\\';
    return c != u'"';
}

} // namespace

PayloadFormatter::Kind PayloadFormatter::detect(const QByteArray &payload)
{
    if (payload.isEmpty())
        return Kind::Empty;
    if (!decodeText(payload))
        return Kind::Binary;
    return isJson(payload) ? Kind::Json : Kind::Text;
}

PayloadFormatter::Formatted PayloadFormatter::format(const QByteArray &payload)
{
    if (payload.isEmpty())
        return {};
    const std::optional<QString> text = decodeText(payload);
    if (!text)
        return {Kind::Binary, hexDump(payload)};
    if (isJson(payload))
        return {Kind::Json, indentJson(*text)};
    return {Kind::Text, *text};
}

QString PayloadFormatter::preview(const QByteArray &payload, qsizetype maxChars)
{
    if (payload.isEmpty() || maxChars <= 0)
        return {};
    // Enough bytes for maxChars characters even if every one takes four.
    const qsizetype scanned = utf8Boundary(payload, maxChars * kMaxUtf8Bytes);
    if (const std::optional<QString> text = decodeText(QByteArrayView(payload).first(scanned)))
        return elide(text->simplified(), maxChars, scanned < payload.size());
    const qsizetype shown = std::min(payload.size(), std::max<qsizetype>(1, maxChars / 3));
    return elide(QString::fromLatin1(payload.left(shown).toHex(' ')), maxChars,
                 shown < payload.size());
}

QString PayloadFormatter::hexDump(const QByteArray &payload)
{
    QStringList lines;
    lines.reserve(payload.size() / kDumpBytesPerLine + 1);
    const QByteArrayView bytes(payload);
    for (qsizetype offset = 0; offset < bytes.size(); offset += kDumpBytesPerLine) {
        const qsizetype length = std::min(kDumpBytesPerLine, bytes.size() - offset);
        lines += hexDumpLine(bytes.sliced(offset, length), offset);
    }
    return lines.join(u'\n');
}

QString PayloadFormatter::indentJson(const QString &json)
{
    QString out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    bool opened = false; // just after '{' or '[': an empty container stays on one line
    const auto newline = [&out, &depth] {
        out += u'\n';
        out += QString(depth * kJsonIndent, u' ');
    };
    for (const QChar c : json) {
        if (inString) {
            inString = copyStringChar(c, escaped, out);
            continue;
        }
        if (c.isSpace())
            continue;
        const bool closing = c == u'}' || c == u']';
        depth -= closing ? 1 : 0;
        if (opened != closing)
            newline();
        opened = c == u'{' || c == u'[';
        depth += opened ? 1 : 0;
        out += c;
        if (c == u',')
            newline();
        else if (c == u':')
            out += u' ';
        inString = c == u'"';
    }
    return out;
}

} // namespace thingdeck
