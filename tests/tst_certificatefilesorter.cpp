// CertificateFileSorter: dropped files sorted into CA, certificate and key by their content.
// The files are real, made with the openssl command line.
#include "TestPki.h"
#include "tls/CertificateFileSorter.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

class tst_CertificateFileSorter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sort_data();
    void sort();
    void nothing();
    void largeFileIsBounded();

private:
    bool openssl(const QStringList &arguments);
    bool write(const QString &name, const QByteArray &content);
    bool copy(const QString &from, const QString &to);
    bool concatenate(const QStringList &from, const QString &to);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

bool tst_CertificateFileSorter::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir.path());
    process.start(QStringLiteral("openssl"), arguments);
    const bool ok = process.waitForFinished(60000) &&
                    process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!ok)
        qWarning() << "openssl" << arguments << process.readAll();
    return ok;
}

bool tst_CertificateFileSorter::write(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

bool tst_CertificateFileSorter::copy(const QString &from, const QString &to)
{
    return QFile::copy(path(from), path(to));
}

bool tst_CertificateFileSorter::concatenate(const QStringList &from, const QString &to)
{
    QByteArray content;
    for (const QString &name : from) {
        QFile file(path(name));
        if (!file.open(QIODevice::ReadOnly))
            return false;
        content += file.readAll();
    }
    return write(to, content);
}

// Files: ca.pem (self-signed root, CA:TRUE), server.pem.crt (signed by it, CA:FALSE),
// ca.key / server-private.pem.key (EC, PKCS#8) from TestPki; the rest made here.
void tst_CertificateFileSorter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    test::TestPki pki(m_dir.path());
    QVERIFY2(pki.create(), qPrintable(pki.error()));
    const QString pass = QStringLiteral("pass:sorter-test");
    // An intermediate CA: signed by the root, not self-signed, CA:TRUE.
    QVERIFY(write(QStringLiteral("intermediate.ext"), "basicConstraints=critical,CA:TRUE\n"
                                                      "keyUsage=critical,keyCertSign,cRLSign\n"));
    QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                     QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                     QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                     QStringLiteral("intermediate.key"), QStringLiteral("-out"),
                     QStringLiteral("intermediate.csr"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=Intermediate")}));
    QVERIFY(
        openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                 QStringLiteral("intermediate.csr"), QStringLiteral("-CA"),
                 QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                 QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("30"),
                 QStringLiteral("-extfile"), QStringLiteral("intermediate.ext"),
                 QStringLiteral("-out"), QStringLiteral("intermediate.pem")}));
    // A self-signed device certificate (AWS registers those without a CA): CA:FALSE.
    QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                     QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("selfsigned-device.key"),
                     QStringLiteral("-out"), QStringLiteral("selfsigned-device.pem"),
                     QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=device"), QStringLiteral("-addext"),
                     QStringLiteral("basicConstraints=critical,CA:FALSE")}));
    // Keys: RSA PKCS#1 and PKCS#8, EC (SEC1) and PKCS#8, encrypted PKCS#8 and PKCS#1.
    QVERIFY(
        openssl({QStringLiteral("genrsa"), QStringLiteral("-traditional"), QStringLiteral("-out"),
                 QStringLiteral("rsa-pkcs1.key"), QStringLiteral("2048")}));
    QVERIFY(openssl({QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("rsa-pkcs1.key"),
                     QStringLiteral("-out"), QStringLiteral("rsa-pkcs8.key")}));
    QVERIFY(
        openssl({QStringLiteral("ecparam"), QStringLiteral("-name"), QStringLiteral("prime256v1"),
                 QStringLiteral("-genkey"), QStringLiteral("-noout"), QStringLiteral("-out"),
                 QStringLiteral("ec-sec1.key")}));
    QVERIFY(openssl({QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("ec-sec1.key"),
                     QStringLiteral("-aes256"), QStringLiteral("-passout"), pass,
                     QStringLiteral("-out"), QStringLiteral("ec-encrypted.key")}));
    QVERIFY(openssl({QStringLiteral("rsa"), QStringLiteral("-in"), QStringLiteral("rsa-pkcs1.key"),
                     QStringLiteral("-traditional"), QStringLiteral("-aes256"),
                     QStringLiteral("-passout"), pass, QStringLiteral("-out"),
                     QStringLiteral("rsa-encrypted.key")}));
    QVERIFY(openssl({QStringLiteral("pkey"), QStringLiteral("-in"),
                     QStringLiteral("server-private.pem.key"), QStringLiteral("-pubout"),
                     QStringLiteral("-out"), QStringLiteral("public.pem")}));
    QVERIFY(openssl({QStringLiteral("x509"), QStringLiteral("-in"),
                     QStringLiteral("server.pem.crt"), QStringLiteral("-outform"),
                     QStringLiteral("DER"), QStringLiteral("-out"), QStringLiteral("server.der")}));

    // What AWS hands out when a thing is created, and the same contents under misleading names.
    QVERIFY(copy(QStringLiteral("ca.pem"), QStringLiteral("AmazonRootCA1.pem")));
    QVERIFY(copy(QStringLiteral("server.pem.crt"), QStringLiteral("a1b2c3-certificate.pem.crt")));
    QVERIFY(
        copy(QStringLiteral("server-private.pem.key"), QStringLiteral("a1b2c3-private.pem.key")));
    QVERIFY(copy(QStringLiteral("public.pem"), QStringLiteral("a1b2c3-public.pem.key")));
    QVERIFY(copy(QStringLiteral("rsa-pkcs8.key"), QStringLiteral("device.crt")));
    QVERIFY(copy(QStringLiteral("server.pem.crt"), QStringLiteral("device.key")));
    QVERIFY(copy(QStringLiteral("ca.pem"), QStringLiteral("device-certificate.pem.crt")));
    QVERIFY(copy(QStringLiteral("server-private.pem.key"), QStringLiteral("ca.crt")));
    // Bundles: a certificate with its chain comes first; several CAs.
    QVERIFY(concatenate({QStringLiteral("server.pem.crt"), QStringLiteral("intermediate.pem")},
                        QStringLiteral("fullchain.pem")));
    QVERIFY(concatenate({QStringLiteral("intermediate.pem"), QStringLiteral("ca.pem")},
                        QStringLiteral("ca-bundle.pem")));
    // Text around the PEM block, as `openssl x509 -text` writes it.
    QFile server(path(QStringLiteral("server.pem.crt")));
    QVERIFY(server.open(QIODevice::ReadOnly));
    QVERIFY(write(QStringLiteral("with-text.pem"),
                  "Certificate:\n    Data: (abridged)\n" + server.readAll()));
    // Not for TLS: an SSH key, a broken certificate block, plain text, an empty file.
    QVERIFY(write(QStringLiteral("id_ed25519"),
                  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
                  "\n-----END OPENSSH PRIVATE KEY-----\n"));
    QVERIFY(write(QStringLiteral("broken.pem"),
                  "-----BEGIN CERTIFICATE-----\nTUlJQm5vdCBhIGNlcnRpZmljYXRl\n"
                  "-----END CERTIFICATE-----\n"));
    QVERIFY(write(QStringLiteral("readme.txt"), "Keep these files safe.\n"));
    QVERIFY(write(QStringLiteral("empty.pem"), QByteArray()));
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("folder.pem")));
}

void tst_CertificateFileSorter::sort_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("ca");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");

    const QString none;
    const QString ca = QStringLiteral("ca.pem");
    const QString cert = QStringLiteral("server.pem.crt");
    const QString key = QStringLiteral("server-private.pem.key");
    QTest::newRow("ca, certificate, key") << QStringList{ca, cert, key} << ca << cert << key;
    QTest::newRow("key, ca, certificate") << QStringList{key, ca, cert} << ca << cert << key;
    QTest::newRow("certificate, key, ca") << QStringList{cert, key, ca} << ca << cert << key;
    QTest::newRow("AWS download") << QStringList{QStringLiteral("a1b2c3-public.pem.key"),
                                                 QStringLiteral("a1b2c3-private.pem.key"),
                                                 QStringLiteral("AmazonRootCA1.pem"),
                                                 QStringLiteral("a1b2c3-certificate.pem.crt")}
                                  << QStringLiteral("AmazonRootCA1.pem")
                                  << QStringLiteral("a1b2c3-certificate.pem.crt")
                                  << QStringLiteral("a1b2c3-private.pem.key");
    QTest::newRow("misleading names")
        << QStringList{QStringLiteral("device.key"), QStringLiteral("device.crt"),
                       QStringLiteral("device-certificate.pem.crt")}
        << QStringLiteral("device-certificate.pem.crt") << QStringLiteral("device.key")
        << QStringLiteral("device.crt");
    QTest::newRow("a key called ca.crt")
        << QStringList{QStringLiteral("ca.crt"), cert} << none << cert << QStringLiteral("ca.crt");
    // Every key format OpenSSL writes is a key.
    for (const char *name : {"rsa-pkcs1.key", "rsa-pkcs8.key", "ec-sec1.key", "ec-encrypted.key",
                             "rsa-encrypted.key", "ca.key"}) {
        QTest::addRow("key %s", name)
            << QStringList{QLatin1String(name)} << none << none << QString::fromLatin1(name);
    }
    QTest::newRow("intermediate CA") << QStringList{QStringLiteral("intermediate.pem")}
                                     << QStringLiteral("intermediate.pem") << none << none;
    QTest::newRow("self-signed device certificate")
        << QStringList{QStringLiteral("selfsigned-device.pem"), ca} << ca
        << QStringLiteral("selfsigned-device.pem") << none;
    QTest::newRow("certificate with its chain")
        << QStringList{QStringLiteral("fullchain.pem"), QStringLiteral("ca-bundle.pem")}
        << QStringLiteral("ca-bundle.pem") << QStringLiteral("fullchain.pem") << none;
    QTest::newRow("text before the PEM block") << QStringList{QStringLiteral("with-text.pem")}
                                               << none << QStringLiteral("with-text.pem") << none;
    // Files that fit nowhere are left out, wherever they come.
    const QStringList misfits{QStringLiteral("public.pem"), QStringLiteral("server.der"),
                              QStringLiteral("id_ed25519"), QStringLiteral("broken.pem"),
                              QStringLiteral("readme.txt"), QStringLiteral("empty.pem"),
                              QStringLiteral("folder.pem"), QStringLiteral("no-such-file.pem")};
    for (const QString &misfit : misfits)
        QTest::addRow("only %s", qPrintable(misfit)) << QStringList{misfit} << none << none << none;
    QTest::newRow("misfits around the three")
        << (QStringList{misfits.mid(0, 4)} + QStringList{key, cert, ca} + misfits.mid(4)) << ca
        << cert << key;
    // Two candidates for one role: the first wins.
    QTest::newRow("two CAs") << QStringList{QStringLiteral("other-ca.pem"), ca}
                             << QStringLiteral("other-ca.pem") << none << none;
    QTest::newRow("two CAs, other order")
        << QStringList{ca, QStringLiteral("other-ca.pem")} << ca << none << none;
    QTest::newRow("two certificates")
        << QStringList{QStringLiteral("other-server.pem.crt"), cert, key} << none
        << QStringLiteral("other-server.pem.crt") << key;
    QTest::newRow("two keys") << QStringList{QStringLiteral("rsa-encrypted.key"), key} << none
                              << none << QStringLiteral("rsa-encrypted.key");
}

void tst_CertificateFileSorter::sort()
{
    QFETCH(QStringList, files);
    QFETCH(QString, ca);
    QFETCH(QString, certificate);
    QFETCH(QString, key);

    QStringList paths;
    for (const QString &file : files)
        paths.append(path(file));
    const auto absolute = [this](const QString &name) {
        return name.isEmpty() ? QString() : path(name);
    };
    const CertificateFiles sorted = CertificateFileSorter::sort(paths);
    QCOMPARE(sorted.caFile, absolute(ca));
    QCOMPARE(sorted.certificateFile, absolute(certificate));
    QCOMPARE(sorted.privateKeyFile, absolute(key));
    QVERIFY(sorted.privateKeyPassphrase.isEmpty());
}

void tst_CertificateFileSorter::nothing()
{
    const CertificateFiles sorted = CertificateFileSorter::sort({});
    QVERIFY(sorted.caFile.isEmpty() && sorted.certificateFile.isEmpty() &&
            sorted.privateKeyFile.isEmpty());
    const CertificateFiles blank = CertificateFileSorter::sort({QString()});
    QVERIFY(blank.caFile.isEmpty() && blank.certificateFile.isEmpty() &&
            blank.privateKeyFile.isEmpty());
}

// A big file dropped by mistake is read only in part; a key block at its start still counts.
void tst_CertificateFileSorter::largeFileIsBounded()
{
    QFile key(path(QStringLiteral("server-private.pem.key")));
    QVERIFY(key.open(QIODevice::ReadOnly));
    QVERIFY(write(QStringLiteral("large.key"), key.readAll() + QByteArray(4 << 20, '\n')));
    QVERIFY(write(QStringLiteral("large-tail.key"),
                  QByteArray(4 << 20, '\n') + QByteArray("-----BEGIN PRIVATE KEY-----\n")));
    const CertificateFiles sorted = CertificateFileSorter::sort(
        {path(QStringLiteral("large-tail.key")), path(QStringLiteral("large.key"))});
    QCOMPARE(sorted.privateKeyFile, path(QStringLiteral("large.key")));
}

QTEST_GUILESS_MAIN(tst_CertificateFileSorter)
#include "tst_certificatefilesorter.moc"
