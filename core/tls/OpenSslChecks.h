#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>

namespace thingdeck {

/// The checks Qt's certificate API cannot do, done with libcrypto directly: whether a private key
/// belongs to a certificate, whether a certificate chains up to given CAs (and only those; the
/// system store is never consulted), and whether a certificate may be used by a TLS client.
/// OpenSSL types stay inside the .cpp; the OpenSSL error queue is left empty.
class OpenSslChecks
{
public:
    enum class KeyMatch {
        Matches,
        Differs, ///< the key's public part is not the certificate's public key
        Unknown, ///< the key or the certificate could not be parsed
    };

    /// The outcome of building a chain from a certificate up to trusted CAs.
    struct ChainVerdict
    {
        enum class Outcome {
            Trusted,
            UnknownIssuer, ///< no trusted CA (or intermediate) signed it
            Invalid,       ///< a chain exists but is unusable (e.g. the issuer is not a CA)
        };
        Outcome outcome = Outcome::Trusted;
        QString reason;               ///< OpenSSL's verification error text, empty when trusted
        QList<QSslCertificate> chain; ///< when trusted: leaf, intermediates, then the CA used
    };

    /// Compares the public part of the PEM private key with the certificate's public key.
    static KeyMatch compareKey(const QByteArray &keyPem, const QByteArray &passphrase,
                               const QSslCertificate &certificate);

    /// The key's type as OpenSSL names it ("RSA", "EC", "ED25519", ...); empty when the PEM
    /// cannot be read, e.g. a damaged key or a wrong passphrase.
    static QString privateKeyType(const QByteArray &keyPem, const QByteArray &passphrase);

    /// Verifies `chain` (leaf first, then any intermediates from the same file) against
    /// `trustedCas` alone. Validity periods do not fail the verification (callers report them in
    /// their own words), but currently valid issuers are preferred when there is a choice.
    static ChainVerdict verifyChain(const QList<QSslCertificate> &chain,
                                    const QList<QSslCertificate> &trustedCas);

    /// False when the certificate's key usage or extended key usage excludes TLS client use.
    static bool allowsClientAuthentication(const QSslCertificate &certificate);
};

} // namespace thingdeck
