#include "tls/CertificateReader.h"

#include "tls/PemFile.h"

namespace thingdeck {
namespace {

using Problem = CertificateFinding::Problem;
using Role = CertificateFinding::Role;

CertificateFinding problem(Problem kind, Role role, const QString &path, const QString &what)
{
    return CertificateFinding::error(
        kind, role, path,
        QStringLiteral("The %1 %2 %3").arg(CertificateFinding::roleName(role), path, what));
}

// PEM without a certificate: name what it holds, since the usual cause is a neighbouring file
// chosen by mistake.
CertificateFinding noCertificate(const QByteArray &pem, const QString &path, Role role)
{
    if (PemFile::hasBlock(pem, "PRIVATE KEY")) {
        const QString swapped = role == Role::CertificateFile
                                    ? QStringLiteral("; are the certificate and key files swapped?")
                                    : QStringLiteral(".");
        return problem(Problem::WrongContent, role, path,
                       QStringLiteral("holds a private key, not a certificate") + swapped);
    }
    if (PemFile::hasBlock(pem, "CERTIFICATE REQUEST")) {
        return problem(Problem::WrongContent, role, path,
                       QStringLiteral("holds a certificate signing request, not a certificate; "
                                      "choose the certificate issued for it."));
    }
    return problem(Problem::WrongContent, role, path,
                   QStringLiteral("holds no certificate (no \"-----BEGIN CERTIFICATE-----\" "
                                  "block)."));
}

QString quotedNameOf(const QStringList &commonNames, const QString &fallback)
{
    const QString name = commonNames.isEmpty() ? fallback : commonNames.join(QStringLiteral(", "));
    return QLatin1Char('"') + name + QLatin1Char('"');
}

} // namespace

Result<QList<QSslCertificate>, CertificateFinding>
CertificateReader::read(const QByteArray &pem, const QString &path, Role role)
{
    const qsizetype blocks = pem.count("-----BEGIN CERTIFICATE-----");
    if (blocks == 0)
        return fail(noCertificate(pem, path, role));
    QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates.size() < blocks) {
        return fail(problem(Problem::Damaged, role, path,
                            QStringLiteral("holds a certificate that cannot be parsed; the file "
                                           "is damaged.")));
    }
    return certificates;
}

QString CertificateReader::displayName(const QSslCertificate &certificate)
{
    return quotedNameOf(certificate.subjectInfo(QSslCertificate::CommonName),
                        certificate.subjectDisplayName());
}

QString CertificateReader::issuerName(const QSslCertificate &certificate)
{
    return quotedNameOf(certificate.issuerInfo(QSslCertificate::CommonName),
                        certificate.issuerDisplayName());
}

} // namespace thingdeck
