#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck {

/// RFC 6238 time-based one-time passwords as virtual MFA devices make them (HMAC-SHA1, 30 s
/// steps, 6 digits), and the RFC 4648 base32 form in which authenticator apps take the secret.
class Totp
{
public:
    static constexpr int kStepSeconds = 30;
    static constexpr int kDigits = 6;

    /// The code for the step that contains `unixSeconds`.
    static QString code(const QByteArray &secret, qint64 unixSeconds);
    /// True when `code` is the one of the current step or of the step before or after it (the
    /// tolerance for clocks that differ a little, as AWS allows).
    static bool verify(const QByteArray &secret, const QString &code, qint64 unixSeconds);
    /// Upper-case base32 without padding, e.g. for a 20-byte secret 32 characters.
    static QString base32(const QByteArray &bytes);
    /// HMAC with OpenSSL; `algorithm` is "SHA1" or "SHA256".
    static QByteArray hmac(const char *algorithm, const QByteArray &key, const QByteArray &data);
};

} // namespace thingdeck
