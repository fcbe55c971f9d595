#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck::test {

/// Every kind of certificate file a user might choose, good and bad, made with the openssl
/// command line in a test's temporary folder. Names (see path()):
///  - CAs: ca.pem (signs everything valid), other-ca.pem (unrelated), impostor-ca.pem (same
///    name as ca.pem, different key), amazon-ca.pem (subject O=Amazon, like AmazonRootCA1.pem),
///    inter-ca.pem (an intermediate signed by ca.pem)
///  - keys: rsa.key (PKCS#1), rsa-pkcs8.key, rsa-encrypted.key (PKCS#1 with Proc-Type), ec.key
///    (SEC1), ec-pkcs8.key, ec-encrypted.key (encrypted PKCS#8), other.key (matches nothing),
///    ed25519.key, ec-public.key, open.key (ec.key with mode 0644), damaged.key
///  - device certificates, all for ec.key unless named otherwise: rsa.crt (for rsa.key), ec.crt,
///    foreign.crt (by other-ca), impostor.crt (by impostor-ca), chained.crt (leaf by inter-ca,
///    then inter-ca), expired.crt (2020-01-01 to 2020-02-01), future.crt (2099-01-01 to
///    2100-01-01), soon.crt (10 days), server-only.crt (serverAuth only), ec.der, ec.csr,
///    by-leaf.crt (signed by rsa.crt, which is no CA), old-ca-device.crt (by old-ca.pem, a CA
///    valid 2010-01-01 to 2020-01-01)
///  - bundle.pem: other-ca.pem followed by ca.pem
///  - broker side: server.crt / server.key (ca.pem, for 127.0.0.1), other-server.crt
///  - junk: garbage.pem, empty.pem, damaged.pem
class TestCertificates
{
public:
    explicit TestCertificates(QString directory);

    /// Creates all files; false with error() set when openssl fails.
    bool create();
    QString error() const { return m_error; }

    QString path(const QString &name) const;
    /// The passphrase of the encrypted keys.
    static QByteArray passphrase() { return QByteArrayLiteral("correct horse"); }

private:
    bool writeConfigFiles();
    bool writeDerivedFiles();
    bool runAll(const char *const *commands, int count);
    bool openssl(const QString &command);
    bool write(const QString &name, const QByteArray &bytes);
    QByteArray read(const QString &name) const;
    bool restrictKeys();

    QString m_directory;
    QString m_error;
};

} // namespace thingdeck::test
