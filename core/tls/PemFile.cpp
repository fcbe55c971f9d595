#include "tls/PemFile.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <optional>

namespace thingdeck {
namespace {

using Problem = CertificateFinding::Problem;
using Role = CertificateFinding::Role;

// Far more than any CA bundle (Debian's is ~220 KB); stops a wrongly chosen huge file from
// being read whole.
constexpr qint64 kMaxBytes = qint64(4) * 1024 * 1024;

CertificateFinding problem(Problem kind, Role role, const QString &path, const QString &what)
{
    const QString sentence =
        QStringLiteral("The %1 %2 %3").arg(CertificateFinding::roleName(role), path, what);
    return CertificateFinding::error(kind, role, path, sentence);
}

CertificateFinding notSet(Role role)
{
    const QString hint = role == Role::PrivateKeyFile
                             ? QStringLiteral("the device's private key (AWS names it "
                                              "…-private.pem.key)")
                             : QStringLiteral("the device certificate (AWS names it "
                                              "…-certificate.pem.crt)");
    return CertificateFinding::error(
        Problem::NotSet, role, QString(),
        QStringLiteral("No %1 is set; choose %2.").arg(CertificateFinding::roleName(role), hint));
}

std::optional<CertificateFinding> checkPath(const QString &path, Role role)
{
    const QFileInfo info(path);
    if (!info.exists())
        return problem(Problem::Missing, role, path, QStringLiteral("does not exist."));
    if (info.isDir())
        return problem(Problem::Unreadable, role, path, QStringLiteral("is a folder, not a file."));
    // A pipe or device would block the read, or never end.
    if (!info.isFile())
        return problem(Problem::Unreadable, role, path, QStringLiteral("is not a regular file."));
    if (info.size() > kMaxBytes) {
        const QString size = QString::number(double(info.size()) / (1024 * 1024), 'f', 1);
        return problem(Problem::Unreadable, role, path,
                       QStringLiteral("is too large (%1 MB) to be a certificate or key; check "
                                      "that the right file is chosen.")
                           .arg(size));
    }
    return std::nullopt;
}

CertificateFinding binaryDer(const QString &path, Role role)
{
    const QString tool =
        role == Role::PrivateKeyFile ? QStringLiteral("pkey") : QStringLiteral("x509");
    const QString quoted = PemFile::shellQuoted(path);
    return problem(Problem::NotPem, role, path,
                   QStringLiteral("is binary (DER), but Thingdeck needs PEM text; convert it "
                                  "with \"openssl %1 -inform der -in %2 -out %3\".")
                       .arg(tool, quoted, PemFile::shellQuoted(path + QStringLiteral(".pem"))));
}

std::optional<CertificateFinding> checkContent(const QByteArray &bytes, const QString &path,
                                               Role role)
{
    if (bytes.trimmed().isEmpty())
        return problem(Problem::Empty, role, path, QStringLiteral("is empty."));
    if (bytes.contains("-----BEGIN "))
        return std::nullopt;
    // Every DER certificate or key is an ASN.1 SEQUENCE, whose first byte is 0x30.
    if (bytes.startsWith('\x30'))
        return binaryDer(path, role);
    return problem(Problem::NotPem, role, path,
                   QStringLiteral("is not a PEM file: it has no \"-----BEGIN\" line."));
}

} // namespace

Result<QByteArray, CertificateFinding> PemFile::read(const QString &path, Role role)
{
    if (path.isEmpty())
        return fail(notSet(role));
    if (auto finding = checkPath(path, role))
        return fail(*finding);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(problem(Problem::Unreadable, role, path,
                            QStringLiteral("cannot be read: %1.").arg(file.errorString())));
    }
    QByteArray bytes = file.read(kMaxBytes);
    if (auto finding = checkContent(bytes, path, role))
        return fail(*finding);
    return bytes;
}

QString PemFile::shellQuoted(const QString &path)
{
    const auto isPlain = [](QChar c) {
        return (c.isLetterOrNumber() && c.unicode() < 128) ||
               QStringLiteral("_./+:@%=,-").contains(c);
    };
    if (!path.isEmpty() && std::all_of(path.begin(), path.end(), isPlain))
        return path;
    QString escaped = path;
    escaped.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

bool PemFile::hasBlock(const QByteArray &pem, const QByteArray &label)
{
    const QByteArray begin("-----BEGIN ");
    qsizetype from = 0;
    while ((from = pem.indexOf(begin, from)) >= 0) {
        from += begin.size();
        const qsizetype end = pem.indexOf("-----", from);
        if (end > 0 && pem.mid(from, end - from).endsWith(label))
            return true;
    }
    return false;
}

} // namespace thingdeck
