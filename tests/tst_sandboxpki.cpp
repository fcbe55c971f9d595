// The sandbox's certificates: AWS file names, chains that verify, the right extensions, keys
// that match and stay private, reuse across restarts, and clear errors.
#include "SandboxPki.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <sys/stat.h>

using namespace thingdeck;

namespace {

struct OpenSslFree
{
    void operator()(X509 *certificate) const { X509_free(certificate); }
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
    void operator()(BIO *bio) const { BIO_free(bio); }
    void operator()(X509_STORE *store) const { X509_STORE_free(store); }
    void operator()(X509_STORE_CTX *context) const { X509_STORE_CTX_free(context); }
};

template<typename T> using Owned = std::unique_ptr<T, OpenSslFree>;

QByteArray readAll(const QString &fileName)
{
    QFile file(fileName);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

Owned<X509> loadCertificate(const QString &fileName)
{
    const QByteArray pem = readAll(fileName);
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Owned<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Owned<EVP_PKEY> loadKey(const QString &fileName)
{
    const QByteArray pem = readAll(fileName);
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Owned<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Full chain verification by OpenSSL, including the purpose (server or client EKU).
QString verifyAgainstCa(const QString &certificateFile, const QString &caFile, int purpose)
{
    Owned<X509> ca = loadCertificate(caFile);
    Owned<X509> leaf = loadCertificate(certificateFile);
    Owned<X509_STORE> store(X509_STORE_new());
    Owned<X509_STORE_CTX> context(X509_STORE_CTX_new());
    if (!ca || !leaf || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
        X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr) != 1)
        return QStringLiteral("cannot load");
    X509_STORE_CTX_set_purpose(context.get(), purpose);
    if (X509_verify_cert(context.get()) == 1)
        return {};
    return QString::fromLatin1(
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
}

int modeOf(const QString &fileName)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(fileName).constData(), &info) == 0 ? int(info.st_mode & 0777)
                                                                       : -1;
}

QSslCertificate sslCertificate(const QString &fileName)
{
    const auto certificates = QSslCertificate::fromPath(fileName);
    return certificates.isEmpty() ? QSslCertificate() : certificates.first();
}

QString sha256Of(const QString &certificateFile)
{
    return QString::fromLatin1(
        sslCertificate(certificateFile).digest(QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestSandboxPki : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_pkiPath;

    SandboxPki ensured(const QStringList &things)
    {
        SandboxPki pki(m_pkiPath);
        const auto written = pki.ensure(things);
        if (!written)
            qWarning().noquote() << written.error();
        return pki;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_pkiPath = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) +
                                   QStringLiteral("/pki"));
    }

    void createsFilesWithAwsNames()
    {
        SandboxPki pki(m_pkiPath);
        const auto written = pki.ensure({QStringLiteral("dev-1"), QStringLiteral("dev-2")});
        QVERIFY2(written, qPrintable(written ? QString() : written.error()));
        const QString id = pki.certificateId(QStringLiteral("dev-1")).value_or(QString());
        QCOMPARE(id.size(), 64);
        const QStringList expected{
            QStringLiteral("ca.pem"),
            QStringLiteral("ca-private.pem.key"),
            QStringLiteral("server.pem.crt"),
            QStringLiteral("server-private.pem.key"),
            QStringLiteral("sandbox-service-certificate.pem.crt"),
            QStringLiteral("sandbox-service-private.pem.key"),
            id + QStringLiteral("-certificate.pem.crt"),
            id + QStringLiteral("-private.pem.key"),
            QStringLiteral("devices.json"),
        };
        for (const QString &name : expected) {
            QVERIFY2(QFile::exists(m_pkiPath + u'/' + name), qPrintable(name));
            QVERIFY2(written.value().contains(m_pkiPath + u'/' + name), qPrintable(name));
        }
        QCOMPARE(written.value().size(), 11); // 3 pairs, 2 device pairs, the index
        QCOMPARE(pki.deviceCertificateFile(QStringLiteral("dev-1")),
                 m_pkiPath + u'/' + id + QStringLiteral("-certificate.pem.crt"));
        QCOMPARE(pki.deviceKeyFile(QStringLiteral("dev-1")),
                 m_pkiPath + u'/' + id + QStringLiteral("-private.pem.key"));
        QCOMPARE(pki.thingNames(), (QStringList{QStringLiteral("dev-1"), QStringLiteral("dev-2")}));
    }

    void leafCertificatesVerify_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QString>("commonName");
        QTest::addColumn<int>("purpose");
        QTest::addColumn<int>("wrongPurpose");
        const int server = X509_PURPOSE_SSL_SERVER;
        const int client = X509_PURPOSE_SSL_CLIENT;
        QTest::newRow("server") << QStringLiteral("server") << QStringLiteral("localhost") << server
                                << client;
        QTest::newRow("service") << QStringLiteral("service") << QStringLiteral("sandbox-service")
                                 << client << server;
        QTest::newRow("device") << QStringLiteral("device") << QStringLiteral("thermostat-7")
                                << client << server;
    }

    void leafCertificatesVerify()
    {
        QFETCH(QString, which);
        QFETCH(QString, commonName);
        QFETCH(int, purpose);
        QFETCH(int, wrongPurpose);
        const SandboxPki pki = ensured({QStringLiteral("thermostat-7")});
        const QString file = which == QLatin1String("server") ? pki.serverCertificateFile()
                             : which == QLatin1String("service")
                                 ? pki.serviceCertificateFile()
                                 : pki.deviceCertificateFile(QStringLiteral("thermostat-7"));
        QCOMPARE(verifyAgainstCa(file, pki.caCertificateFile(), purpose), QString());
        // The EKU is exactly one of serverAuth / clientAuth, as the brief asks.
        QVERIFY(!verifyAgainstCa(file, pki.caCertificateFile(), wrongPurpose).isEmpty());
        const QSslCertificate certificate = sslCertificate(file);
        QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{commonName});
        QCOMPARE(certificate.issuerInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("Thingdeck Sandbox CA")});
        QVERIFY(certificate.expiryDate() > QDateTime::currentDateTimeUtc().addYears(9));
        QVERIFY(certificate.effectiveDate() <= QDateTime::currentDateTimeUtc());
        // 128 random bits: fewer than 13 bytes would happen once in 2^24 runs.
        Owned<X509> x509 = loadCertificate(file);
        QVERIFY(ASN1_STRING_length(X509_get0_serialNumber(x509.get())) >= 13);
    }

    void certificatesDoNotVerifyAgainstAnotherCa()
    {
        const SandboxPki pki = ensured({QStringLiteral("dev-1")});
        SandboxPki other(m_dir.filePath(QStringLiteral("another-ca")));
        QVERIFY(other.ensure({}));
        QVERIFY(!verifyAgainstCa(pki.deviceCertificateFile(QStringLiteral("dev-1")),
                                 other.caCertificateFile(), X509_PURPOSE_SSL_CLIENT)
                     .isEmpty());
    }

    void caHasCaExtensions()
    {
        const SandboxPki pki = ensured({});
        Owned<X509> ca = loadCertificate(pki.caCertificateFile());
        QVERIFY(ca);
        QVERIFY(X509_get_extension_flags(ca.get()) & EXFLAG_CA);
        const int constraints = X509_get_ext_by_NID(ca.get(), NID_basic_constraints, -1);
        QVERIFY(constraints >= 0);
        QCOMPARE(X509_EXTENSION_get_critical(X509_get_ext(ca.get(), constraints)), 1);
        QCOMPARE(X509_get_key_usage(ca.get()), quint32(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
        const QSslCertificate certificate = sslCertificate(pki.caCertificateFile());
        QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("Thingdeck Sandbox CA")});
        QVERIFY(certificate.isSelfSigned());
        QVERIFY(certificate.expiryDate() > QDateTime::currentDateTimeUtc().addYears(9));
    }

    void serverCertificateNamesLoopback()
    {
        const SandboxPki pki = ensured({});
        const auto names = sslCertificate(pki.serverCertificateFile()).subjectAlternativeNames();
        QCOMPARE(names.values(QSsl::DnsEntry), QStringList{QStringLiteral("localhost")});
        QCOMPARE(names.values(QSsl::IpAddressEntry), QStringList{QStringLiteral("127.0.0.1")});
        Owned<X509> server = loadCertificate(pki.serverCertificateFile());
        QCOMPARE(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
        QCOMPARE(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
        QCOMPARE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 0);
        QVERIFY(X509_get_extended_key_usage(server.get()) & XKU_SSL_SERVER);
    }

    void deviceCertificateIdIsSha256Fingerprint()
    {
        const SandboxPki pki = ensured({QStringLiteral("dev-1")});
        const QString id = pki.certificateId(QStringLiteral("dev-1")).value_or(QString());
        QCOMPARE(sha256Of(pki.deviceCertificateFile(QStringLiteral("dev-1"))), id);
        QCOMPARE(pki.certificateArn(QStringLiteral("dev-1"), QStringLiteral("eu-west-1"),
                                    QStringLiteral("123456789012")),
                 QStringLiteral("arn:aws:iot:eu-west-1:123456789012:cert/") + id);
        QVERIFY(!pki.certificateId(QStringLiteral("unknown")));
        QVERIFY(!pki.certificateArn(QStringLiteral("unknown"), QStringLiteral("eu-west-1"),
                                    QStringLiteral("123456789012")));
        QVERIFY(pki.deviceCertificateFile(QStringLiteral("unknown")).isEmpty());
    }

    void keysMatchAndStayPrivate_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("ca") << QStringLiteral("ca");
        QTest::newRow("server") << QStringLiteral("server");
        QTest::newRow("service") << QStringLiteral("service");
        QTest::newRow("device") << QStringLiteral("device");
    }

    void keysMatchAndStayPrivate()
    {
        QFETCH(QString, which);
        const SandboxPki pki = ensured({QStringLiteral("dev-1")});
        const QString device = QStringLiteral("dev-1");
        const bool isCa = which == QLatin1String("ca");
        const bool isServer = which == QLatin1String("server");
        const bool isService = which == QLatin1String("service");
        const QString certificate = isCa        ? pki.caCertificateFile()
                                    : isServer  ? pki.serverCertificateFile()
                                    : isService ? pki.serviceCertificateFile()
                                                : pki.deviceCertificateFile(device);
        const QString key = isCa        ? pki.caKeyFile()
                            : isServer  ? pki.serverKeyFile()
                            : isService ? pki.serviceKeyFile()
                                        : pki.deviceKeyFile(device);
        QCOMPARE(modeOf(key), 0600);
        QCOMPARE(modeOf(certificate), 0644);
        Owned<X509> x509 = loadCertificate(certificate);
        Owned<EVP_PKEY> privateKey = loadKey(key);
        QVERIFY(x509 && privateKey);
        QCOMPARE(X509_check_private_key(x509.get(), privateKey.get()), 1);
        QCOMPARE(EVP_PKEY_get_bits(privateKey.get()), 256);
        QVERIFY(!QSslKey(readAll(key), QSsl::Ec).isNull());
    }

    void secondEnsureReusesEverything()
    {
        const QStringList things{QStringLiteral("dev-1"), QStringLiteral("dev-2")};
        const SandboxPki first = ensured(things);
        QMap<QString, QByteArray> contents;
        QMap<QString, QDateTime> times;
        for (const QFileInfo &info : QDir(m_pkiPath).entryInfoList(QDir::Files)) {
            contents.insert(info.fileName(), readAll(info.filePath()));
            times.insert(info.fileName(), info.lastModified());
        }
        QCOMPARE(contents.size(), 11);

        SandboxPki second(m_pkiPath);
        const auto written = second.ensure(things);
        QVERIFY(written);
        QCOMPARE(written.value(), QStringList());
        for (const QString &thing : things)
            QCOMPARE(second.certificateId(thing), first.certificateId(thing));
        for (const QFileInfo &info : QDir(m_pkiPath).entryInfoList(QDir::Files)) {
            QCOMPARE(readAll(info.filePath()), contents.value(info.fileName()));
            QCOMPARE(info.lastModified(), times.value(info.fileName()));
        }
        QCOMPARE(QDir(m_pkiPath).entryList(QDir::Files).size(), 11);
    }

    void addingDeviceLaterKeepsOthers()
    {
        const SandboxPki first = ensured({QStringLiteral("dev-1")});
        const auto firstId = first.certificateId(QStringLiteral("dev-1"));
        const SandboxPki second = ensured({QStringLiteral("dev-2")});
        QCOMPARE(second.certificateId(QStringLiteral("dev-1")), firstId);
        QVERIFY(second.certificateId(QStringLiteral("dev-2")));
        QVERIFY(QFile::exists(second.deviceKeyFile(QStringLiteral("dev-1"))));

        SandboxPki restarted(m_pkiPath);
        QVERIFY(restarted.ensure({}));
        QCOMPARE(restarted.thingNames(),
                 (QStringList{QStringLiteral("dev-1"), QStringLiteral("dev-2")}));
        const QJsonObject index = QJsonDocument::fromJson(readAll(restarted.indexFile())).object();
        QCOMPARE(index.value(QLatin1String("things"))
                     .toObject()
                     .value(QLatin1String("dev-1"))
                     .toObject()
                     .value(QLatin1String("certificateId"))
                     .toString(),
                 *firstId);
    }

    void brokenDeviceCertificateIsMadeAgain()
    {
        const SandboxPki first = ensured({QStringLiteral("dev-1")});
        const QString oldCertificate = first.deviceCertificateFile(QStringLiteral("dev-1"));
        {
            QFile file(oldCertificate);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write("not a certificate");
        }
        SandboxPki second(m_pkiPath);
        const auto written = second.ensure({QStringLiteral("dev-1")});
        QVERIFY(written);
        QCOMPARE(written.value().size(), 3); // key, certificate, index
        QVERIFY(second.certificateId(QStringLiteral("dev-1")) !=
                first.certificateId(QStringLiteral("dev-1")));
        QVERIFY(!QFile::exists(oldCertificate));
        QCOMPARE(verifyAgainstCa(second.deviceCertificateFile(QStringLiteral("dev-1")),
                                 second.caCertificateFile(), X509_PURPOSE_SSL_CLIENT),
                 QString());
    }

    void newCaRemakesEveryCertificate()
    {
        const SandboxPki first = ensured({QStringLiteral("dev-1")});
        QVERIFY(QFile::remove(first.caCertificateFile()));
        QVERIFY(QFile::remove(first.caKeyFile()));
        const SandboxPki second = ensured({QStringLiteral("dev-1")});
        QVERIFY(second.certificateId(QStringLiteral("dev-1")) !=
                first.certificateId(QStringLiteral("dev-1")));
        QCOMPARE(verifyAgainstCa(second.serverCertificateFile(), second.caCertificateFile(),
                                 X509_PURPOSE_SSL_SERVER),
                 QString());
    }

    void caWithoutKeyIsAnError()
    {
        const SandboxPki first = ensured({});
        QVERIFY(QFile::remove(first.caKeyFile()));
        SandboxPki second(m_pkiPath);
        const auto result = second.ensure({});
        QVERIFY(!result);
        QVERIFY2(result.error().contains(first.caKeyFile()), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QLatin1String("delete")), qPrintable(result.error()));
    }

    void unwritableDirectoryIsAClearError()
    {
        // chmod does not stop root, and the tests may run as root: a path below a regular
        // file cannot be written by anyone.
        QTemporaryFile file;
        QVERIFY(file.open());
        SandboxPki pki(file.fileName() + QStringLiteral("/sub"));
        const auto result = pki.ensure({QStringLiteral("dev-1")});
        QVERIFY(!result);
        const QString expected =
            QStringLiteral("cannot write %1/sub/ca.pem: %1 is not a directory; choose a "
                           "--state-dir you can write to")
                .arg(file.fileName());
        QCOMPARE(result.error(), expected);
    }

    void invalidThingNamesAreRejected_data()
    {
        QTest::addColumn<QString>("thingName");
        QTest::newRow("empty") << QString();
        QTest::newRow("space") << QStringLiteral("my thing");
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("non-ascii") << QStringLiteral("th\u00e9rmostat");
        QTest::newRow("too long") << QString(129, u'a');
        QTest::newRow("reserved") << QStringLiteral("sandbox-service");
    }

    void invalidThingNamesAreRejected()
    {
        QFETCH(QString, thingName);
        SandboxPki pki(m_pkiPath);
        const auto result = pki.ensure({QStringLiteral("fine:name_1-2"), thingName});
        QVERIFY(!result);
        QVERIFY2(result.error().contains(thingName), qPrintable(result.error()));
        QVERIFY(!QFile::exists(pki.caCertificateFile()));
    }

    void twelveDevicesAreQuick()
    {
        QStringList things;
        for (int i = 1; i <= 12; ++i)
            things.append(QStringLiteral("device-%1").arg(i));
        QElapsedTimer timer;
        timer.start();
        SandboxPki pki(m_pkiPath);
        QVERIFY(pki.ensure(things));
        const qint64 created = timer.restart();
        SandboxPki again(m_pkiPath);
        QVERIFY(again.ensure(things));
        const qint64 reused = timer.elapsed();
        qInfo("CA + server + service + 12 devices: made in %lld ms, reused in %lld ms", created,
              reused);
        QCOMPARE(again.thingNames().size(), 12);
    }
};

QTEST_GUILESS_MAIN(TestSandboxPki)
#include "tst_sandboxpki.moc"
