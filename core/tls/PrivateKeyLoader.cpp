#include "tls/PrivateKeyLoader.h"

#include "tls/OpenSslChecks.h"
#include "tls/PemFile.h"

namespace thingdeck {
namespace {

using Problem = CertificateFinding::Problem;

CertificateFinding problem(Problem kind, const QString &path, const QString &what)
{
    return CertificateFinding::error(kind, CertificateFinding::Role::PrivateKeyFile, path,
                                     QStringLiteral("The private key file %1 %2").arg(path, what));
}

// A PEM file without a private key block: say what it holds instead, since the usual cause is a
// neighbouring file chosen by mistake (AWS hands out certificate, public and private key).
CertificateFinding wrongContent(const QByteArray &pem, const QString &path)
{
    if (PemFile::hasBlock(pem, "PUBLIC KEY")) {
        return problem(Problem::WrongContent, path,
                       QStringLiteral("holds a public key, not the private key; choose the "
                                      "private key file (AWS names it …-private.pem.key)."));
    }
    if (PemFile::hasBlock(pem, "CERTIFICATE")) {
        return problem(Problem::WrongContent, path,
                       QStringLiteral("holds a certificate, not a private key; are the "
                                      "certificate and key files swapped?"));
    }
    return problem(Problem::WrongContent, path,
                   QStringLiteral("holds no private key (no \"-----BEGIN … PRIVATE KEY-----\" "
                                  "block)."));
}

QSslKey tryAlgorithms(const QByteArray &pem, const QByteArray &passphrase)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey, passphrase);
        if (!key.isNull())
            return key;
    }
    return {};
}

// Qt could not load the key: find out whether it is the passphrase, damage, or a key type that
// QSslKey does not handle (Ed25519, DSA, ...).
CertificateFinding whyNotLoaded(const QByteArray &pem, const QByteArray &passphrase,
                                const QString &path)
{
    const QString type = OpenSslChecks::privateKeyType(pem, passphrase);
    if (!type.isEmpty()) {
        return problem(
            Problem::UnsupportedKey, path,
            QStringLiteral("holds a key of type %1; Thingdeck supports RSA and EC (ECDSA) "
                           "keys only.")
                .arg(type));
    }
    if (PrivateKeyLoader::isEncrypted(pem)) {
        return problem(Problem::WrongPassphrase, path,
                       QStringLiteral("cannot be decrypted with the passphrase given; check the "
                                      "passphrase."));
    }
    return problem(Problem::Damaged, path,
                   QStringLiteral("holds a private key that cannot be parsed; the file is "
                                  "damaged."));
}

} // namespace

Result<QSslKey, CertificateFinding>
PrivateKeyLoader::load(const QByteArray &pem, const QByteArray &passphrase, const QString &path)
{
    if (!PemFile::hasBlock(pem, "PRIVATE KEY"))
        return fail(wrongContent(pem, path));
    if (isEncrypted(pem) && passphrase.isEmpty()) {
        return fail(problem(Problem::PassphraseRequired, path,
                            QStringLiteral("is encrypted; enter its passphrase.")));
    }
    QSslKey key = tryAlgorithms(pem, passphrase);
    if (key.isNull())
        return fail(whyNotLoaded(pem, passphrase, path));
    return key;
}

bool PrivateKeyLoader::isEncrypted(const QByteArray &pem)
{
    return PemFile::hasBlock(pem, "ENCRYPTED PRIVATE KEY") ||
           pem.contains("Proc-Type: 4,ENCRYPTED");
}

} // namespace thingdeck
