#include "Totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace thingdeck {

QByteArray Totp::hmac(const char *algorithm, const QByteArray &key, const QByteArray &data)
{
    const EVP_MD *md = qstrcmp(algorithm, "SHA1") == 0 ? EVP_sha1() : EVP_sha256();
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (!HMAC(md, key.constData(), int(key.size()),
              reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()),
              out.data(), &length))
        return {};
    return {reinterpret_cast<const char *>(out.data()), int(length)};
}

// RFC 4226 §5.3: dynamic truncation of HMAC-SHA1 over the big-endian step counter.
QString Totp::code(const QByteArray &secret, qint64 unixSeconds)
{
    const auto step = quint64(unixSeconds / kStepSeconds);
    QByteArray counter(8, '\0');
    for (int i = 0; i < 8; ++i)
        counter[7 - i] = char((step >> (8 * i)) & 0xff);
    const QByteArray mac = hmac("SHA1", secret, counter);
    if (mac.size() < 20)
        return {};
    const int offset = mac.at(19) & 0x0f;
    const quint32 binary = (quint32(quint8(mac.at(offset)) & 0x7f) << 24) |
                           (quint32(quint8(mac.at(offset + 1))) << 16) |
                           (quint32(quint8(mac.at(offset + 2))) << 8) |
                           quint32(quint8(mac.at(offset + 3)));
    return QStringLiteral("%1").arg(binary % 1000000u, kDigits, 10, QLatin1Char('0'));
}

bool Totp::verify(const QByteArray &secret, const QString &code, qint64 unixSeconds)
{
    if (code.size() != kDigits)
        return false;
    constexpr std::array<qint64, 3> kDrifts{0, -1, 1};
    return std::any_of(kDrifts.begin(), kDrifts.end(), [&](qint64 drift) {
        return Totp::code(secret, unixSeconds + drift * kStepSeconds) == code;
    });
}

QString Totp::base32(const QByteArray &bytes)
{
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    for (char byte : bytes) {
        buffer = (buffer << 8) | quint8(byte);
        bits += 8;
        while (bits >= 5) {
            out += QLatin1Char(alphabet.at((buffer >> (bits - 5)) & 0x1f));
            bits -= 5;
        }
    }
    if (bits > 0)
        out += QLatin1Char(alphabet.at((buffer << (5 - bits)) & 0x1f));
    return out;
}

} // namespace thingdeck
