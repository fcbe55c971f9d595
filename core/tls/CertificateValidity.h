#pragma once

#include "tls/CertificateFinding.h"

#include <QDateTime>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace thingdeck {

/// Checks a certificate's validity period against a given time and says, with the dates, when it
/// has ended, has not begun (usually a wrong clock), or ends soon.
class CertificateValidity
{
public:
    /// Valid for fewer days than this, a certificate gets a warning.
    static constexpr int kWarningDays = 30;

    /// Nothing when `certificate` is valid at `now` for at least kWarningDays more days.
    static std::optional<CertificateFinding> check(const QSslCertificate &certificate,
                                                   CertificateFinding::Role role,
                                                   const QString &path, const QDateTime &now);

    /// A date as the sentences show it: ISO 8601, in UTC.
    static QString isoDate(const QDateTime &dateTime);
};

} // namespace thingdeck
