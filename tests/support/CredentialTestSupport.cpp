#include "CredentialTestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QThread>

namespace thingdeck::test {

QByteArray CredentialTestSupport::base32Decode(const QString &text)
{
    static const QByteArray alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (QChar c : text) {
        const qsizetype index = alphabet.indexOf(char(c.toUpper().toLatin1()));
        if (index < 0)
            continue;
        buffer = (buffer << 5) | quint32(index);
        bits += 5;
        if (bits >= 8) {
            out += char((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

QString CredentialTestSupport::totp(const QByteArray &secret, qint64 unixSeconds, int digits)
{
    QByteArray counter(8, '\0');
    quint64 step = quint64(unixSeconds / 30);
    for (int i = 7; i >= 0; --i, step >>= 8)
        counter[i] = char(step & 0xff);
    const QByteArray mac =
        QMessageAuthenticationCode::hash(counter, secret, QCryptographicHash::Sha1);
    const int offset = mac.at(19) & 0x0f;
    const quint32 value = ((quint32(quint8(mac.at(offset))) & 0x7f) << 24) |
                          (quint32(quint8(mac.at(offset + 1))) << 16) |
                          (quint32(quint8(mac.at(offset + 2))) << 8) |
                          quint32(quint8(mac.at(offset + 3)));
    quint32 modulus = 1;
    for (int i = 0; i < digits; ++i)
        modulus *= 10;
    return QStringLiteral("%1").arg(value % modulus, digits, 10, QLatin1Char('0'));
}

QString CredentialTestSupport::freshTotp(const QByteArray &secret)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now % 30 >= 25)
        QThread::msleep(quint64(30 - now % 30) * 1000 + 300);
    return totp(secret, QDateTime::currentSecsSinceEpoch());
}

QString CredentialTestSupport::awsProgram()
{
    // Debian's awscli package (2.9.19 on Debian 12), the CLI these tests are written against;
    // another aws earlier on PATH may answer differently (exit codes, endpoint settings).
    const QString debian = QStringLiteral("/usr/bin/aws");
    return QFileInfo(debian).isExecutable() ? debian : QString();
}

} // namespace thingdeck::test
