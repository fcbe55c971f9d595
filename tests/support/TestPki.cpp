#include "TestPki.h"

#include <QFile>
#include <QProcess>

namespace thingdeck::test {

namespace {

const QStringList kEcKey = {
    QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};

} // namespace

TestPki::TestPki(QString directory)
    : m_directory(std::move(directory))
{}

QString TestPki::path(const QString &name) const
{
    return m_directory + QLatin1Char('/') + name;
}

bool TestPki::create()
{
    return makeCa(QStringLiteral("ca"), QStringLiteral("Thingdeck Test CA")) &&
           makeServer(QStringLiteral("ca"), QStringLiteral("server")) &&
           makeCa(QStringLiteral("other-ca"), QStringLiteral("Unrelated Test CA")) &&
           makeServer(QStringLiteral("other-ca"), QStringLiteral("other-server"));
}

bool TestPki::makeCa(const QString &prefix, const QString &commonName)
{
    return openssl(
        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kEcKey +
        QStringList{QStringLiteral("-keyout"), path(prefix + QStringLiteral(".key")),
                    QStringLiteral("-out"), path(prefix + QStringLiteral(".pem")),
                    QStringLiteral("-days"), QStringLiteral("3650"), QStringLiteral("-subj"),
                    QStringLiteral("/CN=") + commonName, QStringLiteral("-addext"),
                    QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                    QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
}

bool TestPki::makeServer(const QString &caPrefix, const QString &prefix)
{
    const QString csr = path(prefix + QStringLiteral(".csr"));
    const QString extensions = path(prefix + QStringLiteral(".ext"));
    QFile ext(extensions);
    if (!ext.open(QIODevice::WriteOnly)) {
        m_error = ext.errorString();
        return false;
    }
    ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
              "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    ext.close();
    const bool requested = openssl(QStringList{QStringLiteral("req")} + kEcKey +
                                   QStringList{QStringLiteral("-keyout"),
                                               path(prefix + QStringLiteral("-private.pem.key")),
                                               QStringLiteral("-out"), csr, QStringLiteral("-subj"),
                                               QStringLiteral("/CN=localhost")});
    return requested &&
           openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                    QStringLiteral("-CA"), path(caPrefix + QStringLiteral(".pem")),
                    QStringLiteral("-CAkey"), path(caPrefix + QStringLiteral(".key")),
                    QStringLiteral("-CAcreateserial"), QStringLiteral("-days"),
                    QStringLiteral("365"), QStringLiteral("-extfile"), extensions,
                    QStringLiteral("-out"), path(prefix + QStringLiteral(".pem.crt"))});
}

// Test support may block: it runs before the event loop matters.
bool TestPki::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        m_error =
            QStringLiteral("openssl %1 failed: %2")
                .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

QSslCertificate TestPki::loadCertificate(const QString &file)
{
    const QList<QSslCertificate> list = QSslCertificate::fromPath(file);
    return list.value(0);
}

QSslKey TestPki::loadKey(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray pem = f.readAll();
    QSslKey key(pem, QSsl::Ec);
    return key.isNull() ? QSslKey(pem, QSsl::Rsa) : key;
}

} // namespace thingdeck::test
