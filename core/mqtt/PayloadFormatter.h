#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck {

/// Turns a raw MQTT payload into text on demand; nothing is cached. JSON is re-indented from
/// its own text, so key order and number spelling (e.g. 64-bit ids) stay as the device sent
/// them. Valid UTF-8 without control characters is text; anything else is shown as hex.
class PayloadFormatter
{
public:
    enum class Kind { Empty, Json, Text, Binary };

    struct Formatted
    {
        Kind kind = Kind::Empty;
        QString text;
    };

    /// Characters in a preview, the ellipsis included.
    static constexpr qsizetype kPreviewChars = 120;

    /// What the whole payload is; parses it, so it is as costly as format().
    static Kind detect(const QByteArray &payload);
    /// The whole payload for a detail view: pretty JSON, the text, or a hex dump.
    static Formatted format(const QByteArray &payload);
    /// One line for a table cell, at most maxChars long. Looks only at the first bytes, so it
    /// costs the same for any payload size; a long payload whose start is text previews as
    /// text even if it turns binary later.
    static QString preview(const QByteArray &payload, qsizetype maxChars = kPreviewChars);
    /// Offset, 16 bytes in hex and their printable ASCII, one line per 16 bytes.
    static QString hexDump(const QByteArray &payload);
    /// The JSON text (which must be valid JSON) with one value per line, indented by 4.
    static QString indentJson(const QString &json);
};

} // namespace thingdeck
