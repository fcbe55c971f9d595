#include "tls/CertificateFileSorter.h"

#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslCertificateExtension>

#include <algorithm>

namespace thingdeck {

namespace {

enum class Kind { Unknown, Ca, Certificate, PrivateKey };

// PEM files are small; reading a bounded prefix keeps a large dropped file harmless.
constexpr qint64 kMaxPemBytes = qint64{256} * 1024;

// The PEM labels of the private keys TLS loads (PKCS#8, encrypted PKCS#8, PKCS#1 / SEC1);
// an OpenSSH key, say, is no use for mutual TLS.
const QByteArrayList kKeyMarkers{
    "-----BEGIN PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"};

bool isPrivateKey(const QByteArray &text)
{
    return std::any_of(kKeyMarkers.cbegin(), kKeyMarkers.cend(),
                       [&text](const QByteArray &marker) { return text.contains(marker); });
}

// basicConstraints decides; only a certificate without it (an old v1 root) counts as a CA
// for being self-signed, since AWS also registers self-signed device certificates.
bool isCa(const QSslCertificate &certificate)
{
    const auto extensions = certificate.extensions();
    for (const auto &extension : extensions) {
        if (extension.name() == QLatin1String("basicConstraints"))
            return extension.value().toMap().value(QStringLiteral("ca")).toBool();
    }
    return certificate.isSelfSigned();
}

Kind kindOf(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Kind::Unknown;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Kind::Unknown;
    const QByteArray text = file.read(kMaxPemBytes);
    if (isPrivateKey(text))
        return Kind::PrivateKey;
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(text, QSsl::Pem);
    if (certificates.isEmpty())
        return Kind::Unknown;
    return isCa(certificates.first()) ? Kind::Ca : Kind::Certificate;
}

} // namespace

CertificateFiles CertificateFileSorter::sort(const QStringList &paths)
{
    CertificateFiles files;
    for (const QString &path : paths) {
        QString *slot = nullptr;
        switch (kindOf(path)) {
        case Kind::Ca:
            slot = &files.caFile;
            break;
        case Kind::Certificate:
            slot = &files.certificateFile;
            break;
        case Kind::PrivateKey:
            slot = &files.privateKeyFile;
            break;
        case Kind::Unknown:
            break;
        }
        if (slot && slot->isEmpty())
            *slot = path;
    }
    return files;
}

} // namespace thingdeck
