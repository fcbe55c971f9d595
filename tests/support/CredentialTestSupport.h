#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck::test {

/// What the credential tests share: MFA codes computed independently of the sandbox's own
/// TOTP (RFC 6238 with Qt's HMAC), and where the AWS CLI is.
class CredentialTestSupport
{
public:
    CredentialTestSupport() = delete;

    /// RFC 4648 base32, as sandbox.json gives the MFA secret.
    static QByteArray base32Decode(const QString &text);
    /// RFC 6238: HMAC-SHA1, 30 s steps, `digits` digits.
    static QString totp(const QByteArray &secret, qint64 unixSeconds, int digits = 6);
    /// The current code, never one within 5 s of its step's end (it could be stale when it
    /// arrives): waits for the next step instead.
    static QString freshTotp(const QByteArray &secret);
    /// Debian's AWS CLI, or empty when it is not installed (tests that need it skip).
    static QString awsProgram();
};

} // namespace thingdeck::test
