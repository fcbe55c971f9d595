#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>

namespace thingdeck::test {

/// Real certificate files made with the openssl command line in a test's temporary folder:
/// a CA, a server certificate it signs for localhost/127.0.0.1, and an unrelated self-signed
/// "other" CA with its own server certificate (for untrusted-certificate cases).
class TestPki
{
public:
    explicit TestPki(QString directory);

    /// Creates all files; false with `error()` set when openssl fails.
    bool create();
    QString error() const { return m_error; }

    QString caFile() const { return path(QStringLiteral("ca.pem")); }
    QString serverCertificateFile() const { return path(QStringLiteral("server.pem.crt")); }
    QString serverKeyFile() const { return path(QStringLiteral("server-private.pem.key")); }
    QString otherCaFile() const { return path(QStringLiteral("other-ca.pem")); }
    QString otherServerCertificateFile() const
    {
        return path(QStringLiteral("other-server.pem.crt"));
    }
    QString otherServerKeyFile() const
    {
        return path(QStringLiteral("other-server-private.pem.key"));
    }

    static QSslCertificate loadCertificate(const QString &file);
    static QSslKey loadKey(const QString &file);

    QString path(const QString &name) const;

private:
    bool makeCa(const QString &prefix, const QString &commonName);
    bool makeServer(const QString &caPrefix, const QString &prefix);
    bool openssl(const QStringList &arguments);

    QString m_directory;
    QString m_error;
};

} // namespace thingdeck::test
