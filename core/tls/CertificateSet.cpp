#include "tls/CertificateSet.h"

#include "tls/CertificateReader.h"
#include "tls/CertificateValidity.h"
#include "tls/OpenSslChecks.h"
#include "tls/PemFile.h"
#include "tls/PrivateKeyLoader.h"

#include <QFileInfo>
#include <QSslSocket>

#include <algorithm>
#include <array>
#include <utility>

namespace thingdeck {
namespace {

using Problem = CertificateFinding::Problem;
using Role = CertificateFinding::Role;
using Outcome = OpenSslChecks::ChainVerdict::Outcome;

// The permission bits as a POSIX mode, for the sentence and the check.
int posixMode(QFileDevice::Permissions permissions)
{
    const auto bits =
        std::to_array<std::pair<QFileDevice::Permission, int>>({{QFileDevice::ReadOwner, 0400},
                                                                {QFileDevice::WriteOwner, 0200},
                                                                {QFileDevice::ExeOwner, 0100},
                                                                {QFileDevice::ReadGroup, 040},
                                                                {QFileDevice::WriteGroup, 020},
                                                                {QFileDevice::ExeGroup, 010},
                                                                {QFileDevice::ReadOther, 04},
                                                                {QFileDevice::WriteOther, 02},
                                                                {QFileDevice::ExeOther, 01}});
    int mode = 0;
    for (const auto &[permission, bit] : bits)
        mode |= permissions.testFlag(permission) ? bit : 0;
    return mode;
}

// "holds "Root A", "Root B" and 3 more": what the CA file offered instead.
QString namesOf(const QList<QSslCertificate> &certificates)
{
    constexpr qsizetype kShown = 3;
    QStringList names;
    for (qsizetype i = 0; i < std::min(kShown, certificates.size()); ++i)
        names.append(CertificateReader::displayName(certificates.at(i)));
    QString text = names.join(QStringLiteral(", "));
    if (certificates.size() > kShown)
        text += QStringLiteral(" and %1 more").arg(certificates.size() - kShown);
    return text;
}

// Amazon's root CAs sign AWS IoT's server certificates, never device certificates (those come
// from AWS IoT's own CA or a CA registered in the account, neither of which is in the file).
bool isAmazonRoot(const QSslCertificate &certificate)
{
    return certificate.subjectInfo(QSslCertificate::Organization)
        .contains(QStringLiteral("Amazon"));
}

} // namespace

CertificateSet CertificateSet::load(const CertificateFiles &files, const QDateTime &now)
{
    CertificateSet set;
    set.m_files = files;
    set.loadCaFile();
    set.loadCertificateFile(now);
    const QByteArray keyPem = set.loadPrivateKeyFile();
    set.checkKeyMatches(keyPem);
    set.checkIssuerValidity(set.checkSignedByCa(), now);
    return set;
}

Result<CertificateSet, QList<CertificateFinding>>
CertificateSet::open(const CertificateFiles &files, const QDateTime &now)
{
    CertificateSet set = load(files, now);
    if (set.hasErrors())
        return fail(set.findings());
    return set;
}

bool CertificateSet::hasErrors() const
{
    return std::any_of(m_findings.begin(), m_findings.end(),
                       [](const CertificateFinding &f) { return f.isError(); });
}

QSslConfiguration CertificateSet::sslConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    // A CA file that failed to load leaves the list empty: then nothing is trusted, rather than
    // silently falling back to the system store the user did not choose.
    if (!m_files.caFile.isEmpty())
        configuration.setCaCertificates(m_caCertificates);
    configuration.setLocalCertificateChain(m_certificateChain);
    configuration.setPrivateKey(m_privateKey);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return configuration;
}

void CertificateSet::loadCaFile()
{
    if (m_files.caFile.isEmpty())
        return; // the system's CA store is trusted
    auto pem = PemFile::read(m_files.caFile, Role::CaFile);
    if (!pem.ok())
        return add(pem.error());
    auto certificates = CertificateReader::read(pem.value(), m_files.caFile, Role::CaFile);
    if (!certificates.ok())
        return add(certificates.error());
    m_caCertificates = std::move(certificates).value();
}

void CertificateSet::loadCertificateFile(const QDateTime &now)
{
    const QString &path = m_files.certificateFile;
    auto pem = PemFile::read(path, Role::CertificateFile);
    if (!pem.ok())
        return add(pem.error());
    auto certificates = CertificateReader::read(pem.value(), path, Role::CertificateFile);
    if (!certificates.ok())
        return add(certificates.error());
    m_certificateChain = std::move(certificates).value();
    checkValidity(certificate(), now);
    checkClientUsage();
}

QByteArray CertificateSet::loadPrivateKeyFile()
{
    const QString &path = m_files.privateKeyFile;
    auto pem = PemFile::read(path, Role::PrivateKeyFile);
    if (!pem.ok()) {
        add(pem.error());
        return {};
    }
    if (PemFile::hasBlock(pem.value(), "PRIVATE KEY"))
        checkKeyFileMode(); // only worth saying about a file that really holds a key
    auto key = PrivateKeyLoader::load(pem.value(), m_files.privateKeyPassphrase, path);
    if (!key.ok()) {
        add(key.error());
        return {};
    }
    m_privateKey = key.value();
    return pem.value();
}

void CertificateSet::checkKeyFileMode()
{
    const QString &path = m_files.privateKeyFile;
    const int mode = posixMode(QFileInfo(path).permissions());
    if ((mode & 0077) == 0)
        return;
    const QString access =
        (mode & 0044) != 0 ? QStringLiteral("readable") : QStringLiteral("writable");
    const QString sentence =
        QStringLiteral("The private key file %1 is %2 by other users (mode %3); run chmod 600 %4 "
                       "so that only you can read it.")
            .arg(path, access, QStringLiteral("0%1").arg(mode, 3, 8, QLatin1Char('0')),
                 PemFile::shellQuoted(path));
    add(CertificateFinding::warning(Problem::KeyFileTooOpen, Role::PrivateKeyFile, path, sentence));
}

void CertificateSet::checkValidity(const QSslCertificate &checked, const QDateTime &now)
{
    const bool fromCaFile = m_caCertificates.contains(checked);
    const Role role = fromCaFile ? Role::CaFile : Role::CertificateFile;
    const QString &path = fromCaFile ? m_files.caFile : m_files.certificateFile;
    if (auto finding = CertificateValidity::check(checked, role, path, now))
        add(*finding);
}

void CertificateSet::checkClientUsage()
{
    if (OpenSslChecks::allowsClientAuthentication(certificate()))
        return;
    const QString sentence =
        QStringLiteral("The certificate %1 in %2 is not meant for TLS clients (its key usage "
                       "excludes client authentication); brokers that check this will refuse it.")
            .arg(CertificateReader::displayName(certificate()), m_files.certificateFile);
    add(CertificateFinding::warning(Problem::NotForClientAuth, Role::CertificateFile,
                                    m_files.certificateFile, sentence));
}

void CertificateSet::checkKeyMatches(const QByteArray &keyPem)
{
    if (m_privateKey.isNull() || m_certificateChain.isEmpty())
        return;
    const auto match =
        OpenSslChecks::compareKey(keyPem, m_files.privateKeyPassphrase, certificate());
    if (match != OpenSslChecks::KeyMatch::Differs)
        return;
    const QString sentence =
        QStringLiteral("The private key in %1 does not belong to the certificate in %2: they are "
                       "from different key pairs. Choose the key that was created with this "
                       "certificate.")
            .arg(m_files.privateKeyFile, m_files.certificateFile);
    add(CertificateFinding::error(Problem::KeyMismatch, Role::PrivateKeyFile,
                                  m_files.privateKeyFile, sentence));
}

bool CertificateSet::caFileSpeaksForCertificate() const
{
    return !m_caCertificates.isEmpty() && !m_certificateChain.isEmpty() &&
           !std::all_of(m_caCertificates.begin(), m_caCertificates.end(), isAmazonRoot);
}

// Returns the issuers the chain was built from (empty when it was not checked or failed).
QList<QSslCertificate> CertificateSet::checkSignedByCa()
{
    if (!caFileSpeaksForCertificate())
        return {};
    auto verdict = OpenSslChecks::verifyChain(m_certificateChain, m_caCertificates);
    if (verdict.outcome == Outcome::Trusted)
        return verdict.chain.mid(1);
    const QString &path = m_files.certificateFile;
    if (verdict.outcome == Outcome::UnknownIssuer) {
        add(CertificateFinding::error(Problem::NotSignedByCa, Role::CertificateFile, path,
                                      unknownIssuerSentence()));
        return {};
    }
    const QString sentence =
        QStringLiteral("The certificate %1 in %2 cannot be verified with the CA file %3: %4.")
            .arg(CertificateReader::displayName(certificate()), path, m_files.caFile,
                 verdict.reason);
    add(CertificateFinding::error(Problem::ChainInvalid, Role::CertificateFile, path, sentence));
    return {};
}

QString CertificateSet::unknownIssuerSentence() const
{
    const QString issuer = CertificateReader::issuerName(certificate());
    const bool sameName = std::any_of(m_caCertificates.begin(), m_caCertificates.end(),
                                      [&issuer](const QSslCertificate &ca) {
                                          return CertificateReader::displayName(ca) == issuer;
                                      });
    // A CA of the same name that did not sign it: a re-created CA, or a look-alike.
    const QString detail =
        sameName ? QStringLiteral("it names %1 as its issuer, but the certificate of that name in "
                                  "the CA file has a different key")
                       .arg(issuer)
                 : QStringLiteral("it was issued by %1, and the CA file holds %2")
                       .arg(issuer, namesOf(m_caCertificates));
    return QStringLiteral("The certificate %1 in %2 is not signed by a CA in the CA file %3: %4.")
        .arg(CertificateReader::displayName(certificate()), m_files.certificateFile, m_files.caFile,
             detail);
}

// The CAs behind the certificate: those of the verified chain, or, when no chain was built,
// everything in the files that could be one.
void CertificateSet::checkIssuerValidity(const QList<QSslCertificate> &issuers,
                                         const QDateTime &now)
{
    QList<QSslCertificate> checked = issuers;
    if (checked.isEmpty())
        checked = m_certificateChain.mid(1) + m_caCertificates;
    for (const QSslCertificate &issuer : std::as_const(checked)) {
        if (issuer != certificate()) // a self-signed device certificate was checked already
            checkValidity(issuer, now);
    }
}

} // namespace thingdeck
