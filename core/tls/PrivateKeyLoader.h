#pragma once

#include "Result.h"
#include "tls/CertificateFinding.h"

#include <QByteArray>
#include <QSslKey>
#include <QString>

namespace thingdeck {

/// Turns the PEM text of a private key file into a QSslKey, or into a sentence saying why not.
/// QSslKey must be told the algorithm, so RSA is tried first, then EC. Both the traditional
/// forms ("RSA PRIVATE KEY", "EC PRIVATE KEY", also encrypted with Proc-Type headers) and PKCS#8
/// ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY") are accepted.
class PrivateKeyLoader
{
public:
    /// `path` only names the file in sentences; the passphrase never appears in them.
    static Result<QSslKey, CertificateFinding>
    load(const QByteArray &pem, const QByteArray &passphrase, const QString &path);

    /// Whether the PEM key is encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY" or a Proc-Type header).
    static bool isEncrypted(const QByteArray &pem);
};

} // namespace thingdeck
