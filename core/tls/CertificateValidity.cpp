#include "tls/CertificateValidity.h"

#include "tls/CertificateReader.h"

namespace thingdeck {
namespace {

using Problem = CertificateFinding::Problem;
using Role = CertificateFinding::Role;

// "The certificate "dev1" in /path" or "The CA certificate "Root" in /path".
QString subject(const QSslCertificate &certificate, Role role, const QString &path)
{
    const QString kind =
        role == Role::CaFile ? QStringLiteral("CA certificate") : QStringLiteral("certificate");
    return QStringLiteral("The %1 %2 in %3")
        .arg(kind, CertificateReader::displayName(certificate), path);
}

CertificateFinding expired(const QSslCertificate &certificate, Role role, const QString &path)
{
    const QString sentence =
        QStringLiteral("%1 expired on %2 (it was valid from %3); it needs to be replaced by a new "
                       "certificate.")
            .arg(subject(certificate, role, path),
                 CertificateValidity::isoDate(certificate.expiryDate()),
                 CertificateValidity::isoDate(certificate.effectiveDate()));
    return CertificateFinding::error(Problem::Expired, role, path, sentence);
}

CertificateFinding notYetValid(const QSslCertificate &certificate, Role role, const QString &path,
                               const QDateTime &now)
{
    const QString sentence =
        QStringLiteral("%1 is not valid before %2 (today is %3); check this computer's date and "
                       "time.")
            .arg(subject(certificate, role, path),
                 CertificateValidity::isoDate(certificate.effectiveDate()),
                 CertificateValidity::isoDate(now));
    return CertificateFinding::error(Problem::NotYetValid, role, path, sentence);
}

CertificateFinding expiresSoon(const QSslCertificate &certificate, Role role, const QString &path,
                               qint64 days)
{
    const QString when = days == 0   ? QStringLiteral("today")
                         : days == 1 ? QStringLiteral("in 1 day")
                                     : QStringLiteral("in %1 days").arg(days);
    const QString sentence = QStringLiteral("%1 expires on %2, %3; replace it before then.")
                                 .arg(subject(certificate, role, path),
                                      CertificateValidity::isoDate(certificate.expiryDate()), when);
    return CertificateFinding::warning(Problem::ExpiresSoon, role, path, sentence);
}

} // namespace

std::optional<CertificateFinding> CertificateValidity::check(const QSslCertificate &certificate,
                                                             Role role, const QString &path,
                                                             const QDateTime &now)
{
    if (now < certificate.effectiveDate())
        return notYetValid(certificate, role, path, now);
    if (now > certificate.expiryDate())
        return expired(certificate, role, path);
    const qint64 daysLeft = now.daysTo(certificate.expiryDate());
    if (daysLeft < kWarningDays)
        return expiresSoon(certificate, role, path, daysLeft);
    return std::nullopt;
}

QString CertificateValidity::isoDate(const QDateTime &dateTime)
{
    return dateTime.toUTC().date().toString(Qt::ISODate);
}

} // namespace thingdeck
