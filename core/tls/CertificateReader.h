#pragma once

#include "Result.h"
#include "tls/CertificateFinding.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>

namespace thingdeck {

/// Parses the certificates of a PEM certificate or CA file, or says in a sentence why it holds
/// none that can be used (a key or a signing request instead, or a damaged block).
class CertificateReader
{
public:
    static Result<QList<QSslCertificate>, CertificateFinding>
    read(const QByteArray &pem, const QString &path, CertificateFinding::Role role);

    /// How sentences name a certificate: its common name in quotes, else its subject.
    static QString displayName(const QSslCertificate &certificate);

    /// The issuer, named the same way.
    static QString issuerName(const QSslCertificate &certificate);
};

} // namespace thingdeck
