#include "tls/CertificateFileSorter.h"

#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslCertificateExtension>

namespace thingdeck {

namespace {

enum class Kind { Unknown, Ca, Certificate, PrivateKey };

// PEM files are small; reading a bounded prefix keeps a large dropped file harmless.
constexpr qint64 kMaxPemBytes = 256 * 1024;

bool isCa(const QSslCertificate &certificate)
{
    if (certificate.isSelfSigned())
        return true;
    const auto extensions = certificate.extensions();
    for (const auto &extension : extensions) {
        if (extension.name() == QLatin1String("basicConstraints"))
            return extension.value().toMap().value(QStringLiteral("ca")).toBool();
    }
    return false;
}

Kind kindOf(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Kind::Unknown;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Kind::Unknown;
    const QByteArray text = file.read(kMaxPemBytes);
    if (text.contains("PRIVATE KEY-----"))
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
