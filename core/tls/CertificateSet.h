#pragma once

#include "Result.h"
#include "tls/CertificateFiles.h"
#include "tls/CertificateFinding.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace thingdeck {

/// The CA, certificate and private key files of a mutual-TLS identity, loaded with Qt and checked
/// before any connection is tried. Paho reports every TLS problem as "TCP/TLS connect failure",
/// so these findings are the only place a user learns what is wrong with the files: missing,
/// unreadable or not PEM; a key that is encrypted, does not decrypt, or does not belong to the
/// certificate; a certificate out of its validity period, not signed by the CA file, or not meant
/// for clients; and a key file other users can read. A value type; cheap to copy.
class CertificateSet
{
public:
    CertificateSet() = default;

    /// Loads and checks the files. Never fails as such: whatever is wrong is in findings(), and
    /// whatever could be loaded is available. `now` is the time validity is checked against.
    static CertificateSet load(const CertificateFiles &files,
                               const QDateTime &now = QDateTime::currentDateTimeUtc());

    /// load() for callers that cannot go on after an error: the set (possibly with warnings),
    /// or all findings when at least one of them is an error.
    static Result<CertificateSet, QList<CertificateFinding>>
    open(const CertificateFiles &files, const QDateTime &now = QDateTime::currentDateTimeUtc());

    const CertificateFiles &files() const { return m_files; }
    QString caFile() const { return m_files.caFile; }
    QString certificateFile() const { return m_files.certificateFile; }
    QString privateKeyFile() const { return m_files.privateKeyFile; }
    /// For handing on to a TLS library (Paho); never log it.
    QByteArray privateKeyPassphrase() const { return m_files.privateKeyPassphrase; }

    /// Errors and warnings in the order found: CA file, certificate file, key file, then the
    /// checks across files.
    const QList<CertificateFinding> &findings() const { return m_findings; }
    bool hasErrors() const;

    /// The CA file's certificates; empty when no CA file is set (the system store is trusted).
    const QList<QSslCertificate> &caCertificates() const { return m_caCertificates; }
    /// The device certificate first, then any intermediates that followed it in its file.
    const QList<QSslCertificate> &certificateChain() const { return m_certificateChain; }
    QSslCertificate certificate() const { return m_certificateChain.value(0); }
    QSslKey privateKey() const { return m_privateKey; }

    /// A client configuration for mutual-TLS HTTPS (QNetworkRequest / QSslSocket): the CA file's
    /// certificates as the only trusted CAs (or the system store when no CA file is set), the
    /// certificate chain and key as the local identity, and peer verification on.
    QSslConfiguration sslConfiguration() const;

private:
    void loadCaFile();
    void loadCertificateFile(const QDateTime &now);
    QByteArray loadPrivateKeyFile();
    void checkKeyFileMode();
    void checkClientUsage();
    void checkKeyMatches(const QByteArray &keyPem);
    QList<QSslCertificate> checkSignedByCa();
    QString unknownIssuerSentence() const;
    void checkIssuerValidity(const QList<QSslCertificate> &issuers, const QDateTime &now);
    void checkValidity(const QSslCertificate &checked, const QDateTime &now);
    bool caFileSpeaksForCertificate() const;
    void add(const CertificateFinding &finding) { m_findings.append(finding); }

    CertificateFiles m_files;
    QList<QSslCertificate> m_caCertificates;
    QList<QSslCertificate> m_certificateChain;
    QSslKey m_privateKey;
    QList<CertificateFinding> m_findings;
};

} // namespace thingdeck
