#pragma once

#include "Result.h"
#include "tls/CertificateFinding.h"

#include <QByteArray>
#include <QString>

namespace thingdeck {

/// Reads one of the files of a CertificateSet, or says in a sentence naming the file why it
/// cannot be used: no path, no such file, a folder, unreadable, too large, empty, or not PEM text
/// (with the conversion command when it is binary DER).
class PemFile
{
public:
    static Result<QByteArray, CertificateFinding> read(const QString &path,
                                                       CertificateFinding::Role role);

    /// `path` as a shell word: unchanged when it is plain, else in single quotes.
    static QString shellQuoted(const QString &path);

    /// Whether `pem` holds a block whose label ends with `label`, e.g. "PRIVATE KEY".
    static bool hasBlock(const QByteArray &pem, const QByteArray &label);
};

} // namespace thingdeck
