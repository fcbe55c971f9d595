#include "SandboxTls.h"

#include "SandboxPki.h"

#include <QFile>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

namespace thingdeck {

namespace {

Result<QByteArray, QString> readPem(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString()));
    return file.readAll();
}

// SandboxPki makes EC keys; RSA keeps an older state directory usable.
QSslKey parseKey(const QByteArray &pem)
{
    const QSslKey key(pem, QSsl::Ec);
    return key.isNull() ? QSslKey(pem, QSsl::Rsa) : key;
}

} // namespace

Result<QSslConfiguration, QString> SandboxTls::serverConfiguration(const SandboxPki &pki)
{
    const auto ca = readPem(pki.caCertificateFile());
    const auto certificate = readPem(pki.serverCertificateFile());
    const auto key = readPem(pki.serverKeyFile());
    for (const auto *pem : {&ca, &certificate, &key}) {
        if (!pem->ok())
            return fail(pem->error());
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromData(ca.value()));
    tls.setLocalCertificateChain(QSslCertificate::fromData(certificate.value()));
    tls.setPrivateKey(parseKey(key.value()));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (tls.caCertificates().isEmpty() || tls.localCertificate().isNull() ||
        tls.privateKey().isNull())
        return fail(QStringLiteral("cannot load the sandbox certificates from %1; delete the "
                                   "folder to have the sandbox make them anew")
                        .arg(pki.directory()));
    return tls;
}

void SandboxTls::closeGracefully(QSslSocket *socket, QObject *owner,
                                 std::chrono::milliseconds timeout)
{
    socket->setParent(owner);
    QObject::connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(timeout, socket, &QSslSocket::abort);
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
}

} // namespace thingdeck
