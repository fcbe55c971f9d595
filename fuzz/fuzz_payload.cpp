// The payload formatter on arbitrary bytes. The first byte is the preview width, the rest
// the payload. Properties: detect() agrees with format(); Json output is JSON with the same
// value as the payload; Text output is the payload decoded; a Binary dump has one line per
// 16 bytes; a preview never exceeds its width.

#include "FuzzSupport.h"

#include "mqtt/PayloadFormatter.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace thingdeck;

namespace {

QJsonDocument parsed(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError);
    return document;
}

void checkFormat(const QByteArray &payload)
{
    const PayloadFormatter::Formatted formatted = PayloadFormatter::format(payload);
    FUZZ_CHECK(PayloadFormatter::detect(payload) == formatted.kind);
    switch (formatted.kind) {
    case PayloadFormatter::Kind::Empty:
        FUZZ_CHECK(payload.isEmpty() && formatted.text.isEmpty());
        break;
    case PayloadFormatter::Kind::Json:
        FUZZ_CHECK(parsed(formatted.text.toUtf8()) == parsed(payload));
        break;
    case PayloadFormatter::Kind::Text:
        FUZZ_CHECK(formatted.text == QString::fromUtf8(payload));
        break;
    case PayloadFormatter::Kind::Binary:
        FUZZ_CHECK(formatted.text.count(QLatin1Char('\n')) == (payload.size() - 1) / 16);
        FUZZ_CHECK(formatted.text == PayloadFormatter::hexDump(payload));
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray payload = fuzz::input(data + 1, size - 1);
    const qsizetype width = data[0];
    checkFormat(payload);
    FUZZ_CHECK(PayloadFormatter::preview(payload, width).size() <= width);
    FUZZ_CHECK(PayloadFormatter::preview(payload).size() <= PayloadFormatter::kPreviewChars);
    const QStringList lines = PayloadFormatter::hexDump(payload).split(QLatin1Char('\n'));
    FUZZ_CHECK(payload.isEmpty() || lines.size() == (payload.size() + 15) / 16);
    return 0;
}
