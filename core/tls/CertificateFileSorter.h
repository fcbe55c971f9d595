#pragma once

#include "tls/CertificateFiles.h"

#include <QStringList>

namespace thingdeck {

/// Sorts files dropped on a connection (what AWS hands out when a thing is created:
/// `…-certificate.pem.crt`, `…-private.pem.key`, `AmazonRootCA1.pem`, often with a public key
/// too) into CA, device certificate and private key, by their PEM content rather than their
/// names: a PEM private key of a kind TLS loads (PKCS#8, encrypted PKCS#8, RSA, EC) is the
/// key; a certificate is the CA when its basicConstraints say so (or, lacking that extension,
/// when it is self-signed), else the device's. Files that fit nowhere (a public key, an SSH
/// key, a folder) are left out.
class CertificateFileSorter
{
public:
    CertificateFileSorter() = delete;

    /// The roles found; a field stays empty when no file fits it. With two candidates for the
    /// same role, the first one wins.
    static CertificateFiles sort(const QStringList &paths);
};

} // namespace thingdeck
