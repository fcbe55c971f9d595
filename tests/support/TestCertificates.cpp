#include "TestCertificates.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <iterator>
#include <utility>

namespace thingdeck::test {
namespace {

// Run in the fixture's folder, so that every file name is relative.
const char *const kCaCommands[] = {
    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem"
    " -days 3650 -subj \"/CN=Thingdeck Test CA\" -addext basicConstraints=critical,CA:TRUE"
    " -addext keyUsage=critical,keyCertSign,cRLSign",
    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other-ca.key"
    " -out other-ca.pem -days 3650 -subj \"/CN=Unrelated Test CA\""
    " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout impostor-ca.key"
    " -out impostor-ca.pem -days 3650 -subj \"/CN=Thingdeck Test CA\""
    " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout amazon-ca.key"
    " -out amazon-ca.pem -days 3650 -subj \"/C=US/O=Amazon/CN=Amazon Root CA 1\""
    " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
    "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout inter-ca.key"
    " -out inter-ca.csr -subj \"/CN=Thingdeck Test Intermediate\"",
    "x509 -req -in inter-ca.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650"
    " -extfile ca.ext -out inter-ca.pem",
    "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key"
    " -out server.csr -subj /CN=localhost",
    "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365"
    " -extfile server.ext -out server.crt",
    "x509 -req -in server.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days 365"
    " -extfile server.ext -out other-server.crt",
};

const char *const kKeyCommands[] = {
    "genrsa -traditional -out rsa.key 2048",
    "pkey -in rsa.key -out rsa-pkcs8.key",
    "rsa -in rsa.key -traditional -aes256 -passout \"pass:correct horse\" -out rsa-encrypted.key",
    "ecparam -name prime256v1 -genkey -noout -out ec.key",
    "pkey -in ec.key -out ec-pkcs8.key",
    "pkey -in ec.key -aes256 -passout \"pass:correct horse\" -out ec-encrypted.key",
    "ecparam -name prime256v1 -genkey -noout -out other.key",
    "genpkey -algorithm ed25519 -out ed25519.key",
    "pkey -in ec.key -pubout -out ec-public.key",
};

const char *const kDeviceCommands[] = {
    "req -new -key rsa.key -out rsa.csr -subj /CN=dev-rsa",
    "x509 -req -in rsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out rsa.crt",
    "req -new -key ec.key -out ec.csr -subj /CN=dev-ec",
    "x509 -req -in ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out ec.crt",
    "x509 -req -in ec.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out foreign.crt",
    "x509 -req -in ec.csr -CA impostor-ca.pem -CAkey impostor-ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out impostor.crt",
    "x509 -req -in ec.csr -CA inter-ca.pem -CAkey inter-ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out chained-leaf.crt",
    "x509 -req -in ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10"
    " -extfile client.ext -out soon.crt",
    "x509 -req -in ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365"
    " -extfile server.ext -out server-only.crt",
    // `openssl x509` cannot back-date in OpenSSL 3.0; `openssl ca` can.
    "ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in ec.csr -out expired.crt"
    " -startdate 20200101000000Z -enddate 20200201000000Z -extensions ext -notext",
    "ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in ec.csr -out future.crt"
    " -startdate 20990101000000Z -enddate 21000101000000Z -extensions ext -notext",
    "x509 -in ec.crt -outform der -out ec.der",
    "x509 -req -in ec.csr -CA rsa.crt -CAkey rsa.key -CAcreateserial -days 365"
    " -extfile client.ext -out by-leaf.crt",
    "req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout old-ca.key"
    " -out old-ca.csr -subj \"/CN=Expired Test CA\"",
    "ca -batch -config ca.cnf -selfsign -keyfile old-ca.key -in old-ca.csr -out old-ca.pem"
    " -startdate 20100101000000Z -enddate 20200101000000Z -extensions ca_ext -notext",
    "x509 -req -in ec.csr -CA old-ca.pem -CAkey old-ca.key -CAcreateserial -days 365"
    " -extfile client.ext -out old-ca-device.crt",
};

constexpr char kCaConfig[] = "[ ca ]\ndefault_ca = CA_default\n"
                             "[ CA_default ]\ndatabase = index.txt\nserial = serial\n"
                             "new_certs_dir = newcerts\ndefault_md = sha256\n"
                             "policy = policy_any\nunique_subject = no\n"
                             "[ policy_any ]\ncommonName = supplied\n"
                             "[ ext ]\nbasicConstraints = CA:FALSE\n"
                             "extendedKeyUsage = clientAuth\n"
                             "[ ca_ext ]\nbasicConstraints = critical,CA:TRUE\n"
                             "keyUsage = critical,keyCertSign,cRLSign\n";

// The first line of a PEM file's body: enough to look right, too short to parse.
QByteArray truncatedPem(const QByteArray &pem)
{
    const QList<QByteArray> lines = pem.split('\n');
    return lines.value(0) + '\n' + lines.value(1) + '\n' + lines.value(lines.size() - 2) + '\n';
}

} // namespace

TestCertificates::TestCertificates(QString directory)
    : m_directory(std::move(directory))
{}

QString TestCertificates::path(const QString &name) const
{
    return m_directory + QLatin1Char('/') + name;
}

bool TestCertificates::create()
{
    return writeConfigFiles() && runAll(kCaCommands, int(std::size(kCaCommands))) &&
           runAll(kKeyCommands, int(std::size(kKeyCommands))) &&
           runAll(kDeviceCommands, int(std::size(kDeviceCommands))) && writeDerivedFiles() &&
           restrictKeys();
}

bool TestCertificates::writeConfigFiles()
{
    return QDir(m_directory).mkpath(QStringLiteral("newcerts")) &&
           write(QStringLiteral("ca.cnf"), kCaConfig) && write(QStringLiteral("index.txt"), {}) &&
           write(QStringLiteral("serial"), "01\n") &&
           write(QStringLiteral("ca.ext"), "basicConstraints=critical,CA:TRUE\n"
                                           "keyUsage=critical,keyCertSign,cRLSign\n") &&
           write(QStringLiteral("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                               "basicConstraints=CA:FALSE\n"
                                               "extendedKeyUsage=serverAuth\n") &&
           write(QStringLiteral("client.ext"),
                 "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
}

bool TestCertificates::writeDerivedFiles()
{
    return write(QStringLiteral("chained.crt"),
                 read(QStringLiteral("chained-leaf.crt")) + read(QStringLiteral("inter-ca.pem"))) &&
           write(QStringLiteral("open.key"), read(QStringLiteral("ec.key"))) &&
           write(QStringLiteral("bundle.pem"),
                 read(QStringLiteral("other-ca.pem")) + read(QStringLiteral("ca.pem"))) &&
           write(QStringLiteral("garbage.pem"), "This is not a certificate.\n") &&
           write(QStringLiteral("empty.pem"), {}) &&
           write(QStringLiteral("damaged.pem"), truncatedPem(read(QStringLiteral("ec.crt")))) &&
           write(QStringLiteral("damaged.key"), truncatedPem(read(QStringLiteral("ec-pkcs8.key"))));
}

bool TestCertificates::restrictKeys()
{
    const QStringList keys = QDir(m_directory).entryList({QStringLiteral("*.key")}, QDir::Files);
    for (const QString &key : keys) {
        if (!QFile::setPermissions(path(key), QFile::ReadOwner | QFile::WriteOwner))
            return false;
    }
    return QFile::setPermissions(path(QStringLiteral("open.key")),
                                 QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                     QFile::ReadOther);
}

bool TestCertificates::runAll(const char *const *commands, int count)
{
    for (int i = 0; i < count; ++i) {
        if (!openssl(QString::fromLatin1(commands[i])))
            return false;
    }
    return true;
}

// Test support may block: it runs before the event loop matters.
bool TestCertificates::openssl(const QString &command)
{
    QProcess process;
    process.setWorkingDirectory(m_directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), QProcess::splitCommand(command));
    if (process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit &&
        process.exitCode() == 0)
        return true;
    m_error = QStringLiteral("openssl %1 failed: %2")
                  .arg(command, QString::fromLocal8Bit(process.readAll()));
    return false;
}

bool TestCertificates::write(const QString &name, const QByteArray &bytes)
{
    QFile file(path(name));
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size())
        return true;
    m_error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
}

QByteArray TestCertificates::read(const QString &name) const
{
    QFile file(path(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace thingdeck::test
