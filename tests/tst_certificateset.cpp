// CertificateSet against real files made with the openssl command line: every problem a user can
// have with the CA, certificate and key files gives one finding, with the right severity, the
// right file and the sentence a person reads. The loaded set then really works for mutual TLS
// (QSslServer <-> QSslSocket). Also the sentences for Paho's connect failures.
#include "TestCertificates.h"
#include "tls/CertificateSet.h"
#include "tls/CertificateValidity.h"
#include "tls/ConnectFailureText.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace thingdeck;
using namespace thingdeck::test;

using Problem = CertificateFinding::Problem;
using Role = CertificateFinding::Role;
using Severity = CertificateFinding::Severity;

class TestCertificateSet : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestCertificates> m_pki;

    QString path(const QString &name) const { return name.isEmpty() ? name : m_pki->path(name); }

    CertificateFiles files(const QString &ca, const QString &certificate, const QString &key,
                           const QByteArray &passphrase = {}) const
    {
        return {path(ca), path(certificate), path(key), passphrase};
    }

    // Fragments name the files as {ca}, {cert} and {key}.
    static QString expanded(QString fragment, const CertificateFiles &f)
    {
        return fragment.replace(QStringLiteral("{ca}"), f.caFile)
            .replace(QStringLiteral("{cert}"), f.certificateFile)
            .replace(QStringLiteral("{key}"), f.privateKeyFile);
    }

    static QString describe(const QList<CertificateFinding> &findings)
    {
        QStringList lines;
        for (const CertificateFinding &f : findings)
            lines.append((f.isError() ? QStringLiteral("error: ") : QStringLiteral("warning: ")) +
                         f.message);
        return lines.join(QLatin1Char('\n'));
    }

    static QSslConfiguration serverConfiguration(const QString &certificate, const QString &key,
                                                 const QString &ca)
    {
        QFile keyFile(key);
        if (!keyFile.open(QIODevice::ReadOnly))
            return {};
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(QSslCertificate::fromPath(certificate).value(0));
        configuration.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
        configuration.setCaCertificates(QSslCertificate::fromPath(ca));
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        return configuration;
    }

    void addProblemRow(const char *name, const QString &ca, const QString &certificate,
                       const QString &key, const QByteArray &passphrase, Problem problem,
                       Severity severity, Role role, const QString &file,
                       const QStringList &fragments)
    {
        QTest::newRow(name) << ca << certificate << key << passphrase << problem << severity << role
                            << file << fragments;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pki = std::make_unique<TestCertificates>(m_dir.path());
        QVERIFY2(m_pki->create(), qPrintable(m_pki->error()));
    }

    void acceptsGoodFiles_data()
    {
        QTest::addColumn<QString>("ca");
        QTest::addColumn<QString>("certificate");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("passphrase");
        QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
        QTest::addColumn<int>("chainLength");
        QTest::addColumn<int>("caCount");

        const QByteArray pass = TestCertificates::passphrase();
        const QString ca = QStringLiteral("ca.pem");
        const QString ec = QStringLiteral("ec.crt");
        QTest::newRow("RSA, PKCS#1 key")
            << ca << QStringLiteral("rsa.crt") << QStringLiteral("rsa.key") << QByteArray()
            << QSsl::Rsa << 1 << 1;
        QTest::newRow("RSA, PKCS#8 key")
            << ca << QStringLiteral("rsa.crt") << QStringLiteral("rsa-pkcs8.key") << QByteArray()
            << QSsl::Rsa << 1 << 1;
        QTest::newRow("RSA, encrypted PKCS#1 key")
            << ca << QStringLiteral("rsa.crt") << QStringLiteral("rsa-encrypted.key") << pass
            << QSsl::Rsa << 1 << 1;
        QTest::newRow("EC, SEC1 key")
            << ca << ec << QStringLiteral("ec.key") << QByteArray() << QSsl::Ec << 1 << 1;
        QTest::newRow("EC, PKCS#8 key")
            << ca << ec << QStringLiteral("ec-pkcs8.key") << QByteArray() << QSsl::Ec << 1 << 1;
        QTest::newRow("EC, encrypted PKCS#8 key")
            << ca << ec << QStringLiteral("ec-encrypted.key") << pass << QSsl::Ec << 1 << 1;
        QTest::newRow("passphrase given for a plain key")
            << ca << ec << QStringLiteral("ec.key") << pass << QSsl::Ec << 1 << 1;
        QTest::newRow("intermediate in the certificate file")
            << ca << QStringLiteral("chained.crt") << QStringLiteral("ec.key") << QByteArray()
            << QSsl::Ec << 2 << 1;
        QTest::newRow("intermediate as the CA file")
            << QStringLiteral("inter-ca.pem") << QStringLiteral("chained-leaf.crt")
            << QStringLiteral("ec.key") << QByteArray() << QSsl::Ec << 1 << 1;
        QTest::newRow("CA bundle") << QStringLiteral("bundle.pem") << ec << QStringLiteral("ec.key")
                                   << QByteArray() << QSsl::Ec << 1 << 2;
        // AWS IoT: the CA file (AmazonRootCA1.pem) is for the broker; AWS signs device
        // certificates with a CA of its own, so their issuer cannot be checked here.
        QTest::newRow("Amazon root CA file, device certificate from elsewhere")
            << QStringLiteral("amazon-ca.pem") << QStringLiteral("foreign.crt")
            << QStringLiteral("ec.key") << QByteArray() << QSsl::Ec << 1 << 1;
        QTest::newRow("no CA file: the system store")
            << QString() << QStringLiteral("foreign.crt") << QStringLiteral("ec.key")
            << QByteArray() << QSsl::Ec << 1 << 0;
    }

    void acceptsGoodFiles()
    {
        QFETCH(QString, ca);
        QFETCH(QString, certificate);
        QFETCH(QString, key);
        QFETCH(QByteArray, passphrase);
        QFETCH(QSsl::KeyAlgorithm, algorithm);
        QFETCH(int, chainLength);
        QFETCH(int, caCount);

        const CertificateFiles f = files(ca, certificate, key, passphrase);
        const CertificateSet set = CertificateSet::load(f);
        QVERIFY2(set.findings().isEmpty(), qPrintable(describe(set.findings())));
        QVERIFY(!set.hasErrors());
        QCOMPARE(set.privateKey().algorithm(), algorithm);
        QCOMPARE(set.privateKey().type(), QSsl::PrivateKey);
        QCOMPARE(set.certificateChain().size(), chainLength);
        QCOMPARE(set.caCertificates().size(), caCount);
        QCOMPARE(set.certificateFile(), f.certificateFile);
        QCOMPARE(set.privateKeyPassphrase(), passphrase);
        QVERIFY(CertificateSet::open(f).ok());
    }

    void reportsProblems_data()
    {
        QTest::addColumn<QString>("ca");
        QTest::addColumn<QString>("certificate");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("passphrase");
        QTest::addColumn<Problem>("problem");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<Role>("role");
        QTest::addColumn<QString>("file"); // as a fragment: {ca}, {cert}, {key} or empty
        QTest::addColumn<QStringList>("fragments");

        const QString ca = QStringLiteral("ca.pem");
        const QString ec = QStringLiteral("ec.crt");
        const QString ecKey = QStringLiteral("ec.key");
        const QString caFile = QStringLiteral("{ca}");
        const QString certFile = QStringLiteral("{cert}");
        const QString keyFile = QStringLiteral("{key}");
        const QByteArray none;
        const QByteArray pass = TestCertificates::passphrase();
        const QByteArray wrong = QByteArrayLiteral("hunter2");
        const Severity error = Severity::Error;
        const Severity warning = Severity::Warning;

        addProblemRow("CA file missing", QStringLiteral("missing-ca.pem"), ec, ecKey, none,
                      Problem::Missing, error, Role::CaFile, caFile,
                      {QStringLiteral("The CA file {ca} does not exist.")});
        addProblemRow("certificate file missing", ca, QStringLiteral("missing.crt"), ecKey, none,
                      Problem::Missing, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} does not exist.")});
        addProblemRow("key file missing", ca, ec, QStringLiteral("missing.key"), none,
                      Problem::Missing, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} does not exist.")});
        addProblemRow("no certificate file set", ca, QString(), ecKey, none, Problem::NotSet, error,
                      Role::CertificateFile, QString(),
                      {QStringLiteral("No certificate file is set; choose the device "
                                      "certificate (AWS names it …-certificate.pem.crt).")});
        addProblemRow("no key file set", ca, ec, QString(), none, Problem::NotSet, error,
                      Role::PrivateKeyFile, QString(),
                      {QStringLiteral("No private key file is set; choose the device's private "
                                      "key (AWS names it …-private.pem.key).")});
        addProblemRow("certificate path is a folder", ca, QStringLiteral("newcerts"), ecKey, none,
                      Problem::Unreadable, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} is a folder, not a file.")});
        addProblemRow("empty certificate file", ca, QStringLiteral("empty.pem"), ecKey, none,
                      Problem::Empty, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} is empty.")});
        addProblemRow("empty key file", ca, ec, QStringLiteral("empty.pem"), none, Problem::Empty,
                      error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} is empty.")});
        addProblemRow("garbage CA file", QStringLiteral("garbage.pem"), ec, ecKey, none,
                      Problem::NotPem, error, Role::CaFile, caFile,
                      {QStringLiteral("The CA file {ca} is not a PEM file: it has no "
                                      "\"-----BEGIN\" line.")});
        addProblemRow("garbage key file", ca, ec, QStringLiteral("garbage.pem"), none,
                      Problem::NotPem, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} is not a PEM file")});
        addProblemRow("DER certificate", ca, QStringLiteral("ec.der"), ecKey, none, Problem::NotPem,
                      error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} is binary (DER), but Thingdeck "
                                      "needs PEM text; convert it with \"openssl x509 -inform der "
                                      "-in {cert} -out {cert}.pem\".")});
        addProblemRow("key chosen as certificate", ca, ecKey, ecKey, none, Problem::WrongContent,
                      error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} holds a private key, not a "
                                      "certificate; are the certificate and key files swapped?")});
        addProblemRow("certificate chosen as key", ca, ec, ec, none, Problem::WrongContent, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} holds a certificate, not a "
                                      "private key; are the certificate and key files swapped?")});
        addProblemRow("public key chosen as key", ca, ec, QStringLiteral("ec-public.key"), none,
                      Problem::WrongContent, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} holds a public key, not the "
                                      "private key; choose the private key file (AWS names it "
                                      "…-private.pem.key).")});
        addProblemRow("signing request chosen as certificate", ca, QStringLiteral("ec.csr"), ecKey,
                      none, Problem::WrongContent, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} holds a certificate signing "
                                      "request, not a certificate; choose the certificate issued "
                                      "for it.")});
        addProblemRow("key chosen as CA file", QStringLiteral("ca.key"), ec, ecKey, none,
                      Problem::WrongContent, error, Role::CaFile, caFile,
                      {QStringLiteral("The CA file {ca} holds a private key, not a "
                                      "certificate.")});
        addProblemRow("damaged certificate", ca, QStringLiteral("damaged.pem"), ecKey, none,
                      Problem::Damaged, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate file {cert} holds a certificate that cannot "
                                      "be parsed; the file is damaged.")});
        addProblemRow("damaged key", ca, ec, QStringLiteral("damaged.key"), none, Problem::Damaged,
                      error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} holds a private key that cannot "
                                      "be parsed; the file is damaged.")});
        addProblemRow("Ed25519 key", ca, ec, QStringLiteral("ed25519.key"), none,
                      Problem::UnsupportedKey, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} holds a key of type ED25519; "
                                      "Thingdeck supports RSA and EC (ECDSA) keys only.")});
        addProblemRow("encrypted PKCS#8 key, no passphrase", ca, ec,
                      QStringLiteral("ec-encrypted.key"), none, Problem::PassphraseRequired, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} is encrypted; enter its "
                                      "passphrase.")});
        addProblemRow("encrypted PKCS#1 key, no passphrase", ca, QStringLiteral("rsa.crt"),
                      QStringLiteral("rsa-encrypted.key"), none, Problem::PassphraseRequired, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} is encrypted; enter its "
                                      "passphrase.")});
        addProblemRow("encrypted PKCS#8 key, wrong passphrase", ca, ec,
                      QStringLiteral("ec-encrypted.key"), wrong, Problem::WrongPassphrase, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} cannot be decrypted with the "
                                      "passphrase given; check the passphrase.")});
        addProblemRow("encrypted PKCS#1 key, wrong passphrase", ca, QStringLiteral("rsa.crt"),
                      QStringLiteral("rsa-encrypted.key"), wrong, Problem::WrongPassphrase, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} cannot be decrypted with the "
                                      "passphrase given; check the passphrase.")});
        addProblemRow("EC key of another pair", ca, ec, QStringLiteral("other.key"), none,
                      Problem::KeyMismatch, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key in {key} does not belong to the certificate "
                                      "in {cert}: they are from different key pairs.")});
        addProblemRow("EC key for an RSA certificate", ca, QStringLiteral("rsa.crt"), ecKey, none,
                      Problem::KeyMismatch, error, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key in {key} does not belong to the certificate "
                                      "in {cert}")});
        addProblemRow("encrypted key of another pair", ca, QStringLiteral("rsa.crt"),
                      QStringLiteral("ec-encrypted.key"), pass, Problem::KeyMismatch, error,
                      Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key in {key} does not belong to the certificate "
                                      "in {cert}")});
        addProblemRow("expired certificate", ca, QStringLiteral("expired.crt"), ecKey, none,
                      Problem::Expired, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} expired on 2020-02-01 "
                                      "(it was valid from 2020-01-01); it needs to be replaced by "
                                      "a new certificate.")});
        addProblemRow("certificate not valid yet", ca, QStringLiteral("future.crt"), ecKey, none,
                      Problem::NotYetValid, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} is not valid before "
                                      "2099-01-01 (today is "),
                       QStringLiteral("); check this computer's date and time.")});
        addProblemRow("expired CA", QStringLiteral("old-ca.pem"),
                      QStringLiteral("old-ca-device.crt"), ecKey, none, Problem::Expired, error,
                      Role::CaFile, caFile,
                      {QStringLiteral("The CA certificate \"Expired Test CA\" in {ca} expired on "
                                      "2020-01-01 (it was valid from 2010-01-01)")});
        addProblemRow("certificate from an unrelated CA", ca, QStringLiteral("foreign.crt"), ecKey,
                      none, Problem::NotSignedByCa, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} is not signed by a CA "
                                      "in the CA file {ca}: it was issued by \"Unrelated Test "
                                      "CA\", and the CA file holds \"Thingdeck Test CA\".")});
        addProblemRow("certificate from a look-alike CA", ca, QStringLiteral("impostor.crt"), ecKey,
                      none, Problem::NotSignedByCa, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} is not signed by a CA "
                                      "in the CA file {ca}: it names \"Thingdeck Test CA\" as its "
                                      "issuer, but the certificate of that name in the CA file "
                                      "has a different key.")});
        addProblemRow("intermediate missing", ca, QStringLiteral("chained-leaf.crt"), ecKey, none,
                      Problem::NotSignedByCa, error, Role::CertificateFile, certFile,
                      {QStringLiteral("it was issued by \"Thingdeck Test Intermediate\", and the "
                                      "CA file holds \"Thingdeck Test CA\".")});
        addProblemRow("issuer is no CA", QStringLiteral("rsa.crt"), QStringLiteral("by-leaf.crt"),
                      ecKey, none, Problem::ChainInvalid, error, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} cannot be verified "
                                      "with the CA file {ca}: invalid CA certificate.")});
        addProblemRow("key readable by others", ca, ec, QStringLiteral("open.key"), none,
                      Problem::KeyFileTooOpen, warning, Role::PrivateKeyFile, keyFile,
                      {QStringLiteral("The private key file {key} is readable by other users (mode "
                                      "0644); run chmod 600 {key} so that only you can read it.")});
        addProblemRow("certificate expires soon", ca, QStringLiteral("soon.crt"), ecKey, none,
                      Problem::ExpiresSoon, warning, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} expires on "),
                       QStringLiteral("; replace it before then.")});
        addProblemRow("server-only certificate", ca, QStringLiteral("server-only.crt"), ecKey, none,
                      Problem::NotForClientAuth, warning, Role::CertificateFile, certFile,
                      {QStringLiteral("The certificate \"dev-ec\" in {cert} is not meant for TLS "
                                      "clients (its key usage excludes client authentication); "
                                      "brokers that check this will refuse it.")});
    }

    void reportsProblems()
    {
        QFETCH(QString, ca);
        QFETCH(QString, certificate);
        QFETCH(QString, key);
        QFETCH(QByteArray, passphrase);
        QFETCH(Problem, problem);
        QFETCH(Severity, severity);
        QFETCH(Role, role);
        QFETCH(QString, file);
        QFETCH(QStringList, fragments);

        const CertificateFiles f = files(ca, certificate, key, passphrase);
        const CertificateSet set = CertificateSet::load(f);
        // Exactly one finding: one problem must not drown in follow-up complaints.
        QCOMPARE(set.findings().size(), 1);
        const CertificateFinding &finding = set.findings().first();
        QCOMPARE(finding.problem, problem);
        QCOMPARE(finding.severity, severity);
        QCOMPARE(finding.role, role);
        QCOMPARE(finding.file, expanded(file, f));
        QVERIFY2(finding.message.contains(finding.file), qPrintable(finding.message));
        for (const QString &fragment : fragments)
            QVERIFY2(finding.message.contains(expanded(fragment, f)), qPrintable(finding.message));
        QVERIFY(finding.message.endsWith(QLatin1Char('.')) ||
                finding.message.endsWith(QLatin1Char('?')));
        if (!passphrase.isEmpty())
            QVERIFY(!finding.message.contains(QString::fromUtf8(passphrase)));
        QCOMPARE(CertificateSet::open(f).ok(), severity == Severity::Warning);
    }

    void reportsUnreadableFile()
    {
        if (::geteuid() == 0)
            QSKIP("root reads every file");
        const QString locked = m_pki->path(QStringLiteral("locked.key"));
        QVERIFY(QFile::copy(m_pki->path(QStringLiteral("ec.key")), locked));
        QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
        const CertificateSet set = CertificateSet::load(files(
            QStringLiteral("ca.pem"), QStringLiteral("ec.crt"), QStringLiteral("locked.key")));
        QCOMPARE(set.findings().size(), 1);
        QCOMPARE(set.findings().first().problem, Problem::Unreadable);
        QCOMPARE(set.findings().first().message,
                 QStringLiteral("The private key file %1 cannot be read: Permission denied.")
                     .arg(locked));
    }

    void reportsEveryProblemInOrder()
    {
        const CertificateFiles f = files(QStringLiteral("garbage.pem"),
                                         QStringLiteral("expired.crt"), QStringLiteral("open.key"));
        const CertificateSet set = CertificateSet::load(f);
        QList<Problem> problems;
        for (const CertificateFinding &finding : set.findings())
            problems.append(finding.problem);
        QCOMPARE(problems,
                 (QList<Problem>{Problem::NotPem, Problem::Expired, Problem::KeyFileTooOpen}));
        const auto opened = CertificateSet::open(f);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().size(), 3);
        // What could be loaded is there despite the errors.
        QVERIFY(!set.privateKey().isNull());
        QCOMPARE(set.certificateChain().size(), 1);
    }

    void checksValidityAtTheGivenTime_data()
    {
        QTest::addColumn<int>("daysFromExpiry");
        QTest::addColumn<Problem>("problem");
        QTest::addColumn<QString>("fragment"); // {expiry}, {effective}, {now}: ISO dates
        QTest::addColumn<int>("count");

        QTest::newRow("31 days left") << -31 << Problem::NotSet << QString() << 0;
        QTest::newRow("29 days left")
            << -29 << Problem::ExpiresSoon
            << QStringLiteral("expires on {expiry}, in 29 days; replace it before then.") << 1;
        QTest::newRow("1 day left")
            << -1 << Problem::ExpiresSoon << QStringLiteral("expires on {expiry}, in 1 day;") << 1;
        QTest::newRow("a day late")
            << 1 << Problem::Expired
            << QStringLiteral("expired on {expiry} (it was valid from {effective});") << 1;
        // The CA was made moments before the certificate, so it is not valid yet either.
        QTest::newRow("before it begins")
            << -400 << Problem::NotYetValid
            << QStringLiteral("The certificate \"dev-ec\" in {cert} is not valid before "
                              "{effective} (today is {now});")
            << 2;
    }

    void checksValidityAtTheGivenTime()
    {
        QFETCH(int, daysFromExpiry);
        QFETCH(Problem, problem);
        QFETCH(QString, fragment);
        QFETCH(int, count);

        const CertificateFiles f =
            files(QStringLiteral("ca.pem"), QStringLiteral("ec.crt"), QStringLiteral("ec.key"));
        const QSslCertificate certificate = QSslCertificate::fromPath(f.certificateFile).value(0);
        const QDateTime now = certificate.expiryDate().addDays(daysFromExpiry);
        const CertificateSet set = CertificateSet::load(f, now);
        QCOMPARE(set.findings().size(), count);
        if (count == 0)
            return;
        QCOMPARE(set.findings().first().problem, problem);
        QCOMPARE(set.findings().last().role, count == 2 ? Role::CaFile : Role::CertificateFile);
        fragment = expanded(fragment, f);
        fragment
            .replace(QStringLiteral("{expiry}"),
                     CertificateValidity::isoDate(certificate.expiryDate()))
            .replace(QStringLiteral("{effective}"),
                     CertificateValidity::isoDate(certificate.effectiveDate()))
            .replace(QStringLiteral("{now}"), CertificateValidity::isoDate(now));
        QVERIFY2(set.findings().first().message.contains(fragment),
                 qPrintable(set.findings().first().message));
    }

    void sslConfigurationCompletesMutualTls_data()
    {
        QTest::addColumn<QString>("certificate");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("passphrase");

        QTest::newRow("RSA, PKCS#1")
            << QStringLiteral("rsa.crt") << QStringLiteral("rsa.key") << QByteArray();
        QTest::newRow("RSA, encrypted")
            << QStringLiteral("rsa.crt") << QStringLiteral("rsa-encrypted.key")
            << TestCertificates::passphrase();
        QTest::newRow("EC, PKCS#8")
            << QStringLiteral("ec.crt") << QStringLiteral("ec-pkcs8.key") << QByteArray();
        QTest::newRow("EC, encrypted")
            << QStringLiteral("ec.crt") << QStringLiteral("ec-encrypted.key")
            << TestCertificates::passphrase();
        QTest::newRow("with intermediate")
            << QStringLiteral("chained.crt") << QStringLiteral("ec.key") << QByteArray();
    }

    void sslConfigurationCompletesMutualTls()
    {
        QFETCH(QString, certificate);
        QFETCH(QString, key);
        QFETCH(QByteArray, passphrase);

        const CertificateSet set =
            CertificateSet::load(files(QStringLiteral("ca.pem"), certificate, key, passphrase));
        QVERIFY2(set.findings().isEmpty(), qPrintable(describe(set.findings())));

        QSslServer server;
        server.setSslConfiguration(serverConfiguration(m_pki->path(QStringLiteral("server.crt")),
                                                       m_pki->path(QStringLiteral("server.key")),
                                                       m_pki->path(QStringLiteral("ca.pem"))));
        QSignalSpy serverErrors(&server, &QSslServer::sslErrors);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        QSslSocket client;
        client.setSslConfiguration(set.sslConfiguration());
        QSignalSpy clientErrors(&client, &QSslSocket::sslErrors);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        // The server queues a connection only once the handshake, client certificate
        // included, has succeeded.
        QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), 10000);
        QTRY_VERIFY(client.isEncrypted());
        auto *accepted = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        QVERIFY(accepted);
        QCOMPARE(accepted->peerCertificate(), set.certificate());
        QCOMPARE(serverErrors.size(), 0);
        QCOMPARE(clientErrors.size(), 0);
    }

    void serverRejectsCertificateFromUnrelatedCa()
    {
        const CertificateSet set = CertificateSet::load(files(
            QStringLiteral("ca.pem"), QStringLiteral("foreign.crt"), QStringLiteral("ec.key")));
        QCOMPARE(set.findings().size(), 1);
        QCOMPARE(set.findings().first().problem, Problem::NotSignedByCa);

        QSslServer server;
        server.setSslConfiguration(serverConfiguration(m_pki->path(QStringLiteral("server.crt")),
                                                       m_pki->path(QStringLiteral("server.key")),
                                                       m_pki->path(QStringLiteral("ca.pem"))));
        QSignalSpy serverErrors(&server, &QSslServer::sslErrors);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        QSslSocket client;
        client.setSslConfiguration(set.sslConfiguration());
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        QTRY_VERIFY_WITH_TIMEOUT(!serverErrors.isEmpty(), 10000);
        // With TLS 1.3 the client may finish its side first; the server then drops it.
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 10000);
        QVERIFY(!server.hasPendingConnections());
    }

    void clientRejectsBrokerOutsideCaFile()
    {
        const CertificateSet set = CertificateSet::load(
            files(QStringLiteral("ca.pem"), QStringLiteral("ec.crt"), QStringLiteral("ec.key")));
        QVERIFY(set.findings().isEmpty());

        QSslServer server;
        server.setSslConfiguration(serverConfiguration(
            m_pki->path(QStringLiteral("other-server.crt")),
            m_pki->path(QStringLiteral("server.key")), m_pki->path(QStringLiteral("ca.pem"))));
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        QSslSocket client;
        client.setSslConfiguration(set.sslConfiguration());
        QSignalSpy clientErrors(&client, &QSslSocket::sslErrors);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        QTRY_VERIFY_WITH_TIMEOUT(!clientErrors.isEmpty(), 10000);
        QVERIFY(!client.isEncrypted());
    }

    void sslConfigurationTrustsOnlyTheCaFile()
    {
        const CertificateFiles f =
            files(QStringLiteral("ca.pem"), QStringLiteral("ec.crt"), QStringLiteral("ec.key"));
        const QSslConfiguration configuration = CertificateSet::load(f).sslConfiguration();
        QCOMPARE(configuration.caCertificates(), QSslCertificate::fromPath(f.caFile));
        QCOMPARE(configuration.peerVerifyMode(), QSslSocket::VerifyPeer);
        QCOMPARE(configuration.localCertificateChain().size(), 1);
        QVERIFY(!configuration.privateKey().isNull());

        // A CA file that cannot be loaded must not fall back to the system store.
        const CertificateSet broken = CertificateSet::load(files(
            QStringLiteral("garbage.pem"), QStringLiteral("ec.crt"), QStringLiteral("ec.key")));
        QVERIFY(broken.sslConfiguration().caCertificates().isEmpty());
    }

    void describesConnectFailures_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("details");
        QTest::addColumn<QString>("expected"); // a fragment

        const QString host = QStringLiteral("broker.example");
        const QString tls = QStringLiteral("TCP/TLS connect failure");
        QTest::newRow("CONNACK not authorized")
            << host << 5 << QStringLiteral("CONNACK return code") << QStringList()
            << QStringLiteral("The broker at broker.example:8883 accepted the TLS handshake but "
                              "refused the MQTT connection: not authorized. For AWS IoT, check "
                              "that the certificate is ACTIVE and attached to a policy");
        QTest::newRow("MQTT 5 not authorized")
            << host << 0x87 << QString() << QStringList()
            << QStringLiteral("refused the MQTT connection: not authorized.");
        QTest::newRow("MQTT 5 client id rejected")
            << host << 0x85 << QString() << QStringList()
            << QStringLiteral("refused the MQTT connection: it rejected the client ID.");
        QTest::newRow("MQTT 5 other reason")
            << host << 0x9f << QString() << QStringList()
            << QStringLiteral("refused the MQTT connection: reason code 0x9f.");
        QTest::newRow("unknown CA alert")
            << host << -1 << tls
            << QStringList{QStringLiteral("error:0A000418:SSL routines::tlsv1 alert unknown ca")}
            << QStringLiteral("The broker at broker.example:8883 refused the TLS handshake: it "
                              "does not trust the CA that signed the certificate.");
        QTest::newRow("expired alert")
            << host << -1 << QStringLiteral("TCP connect completion failure")
            << QStringList{QStringLiteral("SSL alert read:fatal:certificate expired")}
            << QStringLiteral("refused the TLS handshake: it reports that the certificate has "
                              "expired.");
        QTest::newRow("certificate required")
            << host << -1 << tls
            << QStringList{QStringLiteral("error:0A00045C:SSL routines::tlsv13 alert certificate "
                                          "required")}
            << QStringLiteral("refused the TLS handshake: it requires a client certificate and "
                              "none was sent.");
        QTest::newRow("revoked") << host << -1 << tls
                                 << QStringList{QStringLiteral("SSL alert read:fatal:certificate "
                                                               "revoked")}
                                 << QStringLiteral("the certificate has been revoked.");
        QTest::newRow("broker certificate untrusted")
            << host << -1 << tls
            << QStringList{QStringLiteral("error:0A000086:SSL routines:tls_post_process_server_"
                                          "certificate:certificate verify failed")}
            << QStringLiteral("The broker at broker.example:8883 presented a certificate that "
                              "the CA file does not trust;");
        QTest::newRow("OpenSSL's reason follows the sentence")
            << host << -1 << tls
            << QStringList{QStringLiteral("40C7F1A2B17F0000:error:0A000086:SSL routines:tls_post_"
                                          "process_server_certificate:certificate verify failed:"
                                          "../ssl/statem/statem_clnt.c:1889:")}
            << QStringLiteral("does not trust; for AWS IoT choose Amazon's root CA "
                              "(AmazonRootCA1.pem), otherwise the CA that signed the broker's "
                              "certificate. OpenSSL reported: certificate verify failed.");
        QTest::newRow("OpenSSL's extra data, each reason once")
            << host << -1 << tls
            << QStringList{QStringLiteral("40C7:error:0A000086:SSL routines:tls_post_process_"
                                          "server_certificate:certificate verify failed:x.c:1:"
                                          "Verify error:unable to get local issuer certificate"),
                           QStringLiteral("40C7:error:0A000086:SSL routines:tls_post_process_"
                                          "server_certificate:certificate verify failed:x.c:1:"
                                          "Verify error:unable to get local issuer certificate")}
            << QStringLiteral("certificate. OpenSSL reported: certificate verify failed (Verify "
                              "error:unable to get local issuer certificate).");
        QTest::newRow("alert we sent is not the broker's")
            << host << -1 << tls << QStringList{QStringLiteral("SSL alert write:fatal:unknown CA")}
            << QStringLiteral("presented a certificate that the CA file does not trust;");
        QTest::newRow("host name mismatch")
            << QStringLiteral("127.0.0.1") << -1 << tls
            << QStringList{QStringLiteral("X509_check_host for hostname 127.0.0.1 failed, rc 0")}
            << QStringLiteral("The broker at 127.0.0.1:8883 presented a certificate that is not "
                              "issued for 127.0.0.1;");
        QTest::newRow("nothing listening")
            << host << -1 << tls << QStringList{QStringLiteral("Connection refused")}
            << QStringLiteral("Nothing accepts connections at broker.example:8883; check the "
                              "host and the port.");
        QTest::newRow("no details")
            << host << -1 << tls << QStringList()
            << QStringLiteral("The broker at broker.example:8883 refused the TLS handshake or "
                              "closed the connection (Paho: \"TCP/TLS connect failure\").");
        QTest::newRow("IPv6, no message")
            << QStringLiteral("::1") << -1 << QString() << QStringList()
            << QStringLiteral("The broker at [::1]:8883 refused the TLS handshake or closed the "
                              "connection (Paho: \"code -1\").");
    }

    void describesConnectFailures()
    {
        QFETCH(QString, host);
        QFETCH(int, code);
        QFETCH(QString, message);
        QFETCH(QStringList, details);
        QFETCH(QString, expected);

        const QString sentence = ConnectFailureText::describe(host, 8883, code, message, details);
        QVERIFY2(sentence.contains(expected), qPrintable(sentence));
        QVERIFY(sentence.endsWith(QLatin1Char('.')));
        // Only OpenSSL's error lines (error:<code>:…) add their reason; trace lines do not.
        const bool openSslLine =
            !details.filter(QStringLiteral(":error:")).isEmpty() ||
            !details.filter(QRegularExpression(QStringLiteral("^error:"))).isEmpty();
        QCOMPARE(sentence.contains(QLatin1String("OpenSSL reported:")), openSslLine);
    }
};

QTEST_GUILESS_MAIN(TestCertificateSet)
#include "tst_certificateset.moc"
