#include "PageToken.h"

#include <QByteArray>

namespace thingdeck {

namespace {

// Versioned, so that a token from an older sandbox is refused rather than misread.
constexpr char kPrefix[] = "v1:";

} // namespace

QString PageToken::encode(const QString &lastName)
{
    const QByteArray raw = QByteArray(kPrefix) + lastName.toUtf8();
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<QString> PageToken::decode(const QString &token)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(kPrefix))
        return std::nullopt;
    return QString::fromUtf8(decoded.decoded.mid(qsizetype(sizeof(kPrefix)) - 1));
}

} // namespace thingdeck
