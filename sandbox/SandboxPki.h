#pragma once

#include "Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace thingdeck {

/// The sandbox's certificates, kept in one directory and made with OpenSSL's C API (never the
/// openssl command line): a CA, a server certificate for the HTTPS and MQTT listeners
/// (localhost / 127.0.0.1), a client certificate for the sandbox's own MQTT connection and one
/// client certificate per device. Device files are named the way the AWS console names them,
/// `<certificateId>-certificate.pem.crt` and `<certificateId>-private.pem.key`, where the
/// certificate id is the SHA-256 fingerprint of the certificate, as in AWS. `devices.json` maps
/// thing names to certificate ids so that a restart reuses them. Keys are EC P-256 (fast to
/// make); key files are 0600, all files are written atomically. The server key is 0600 as well:
/// BrokerProcess keeps mosquitto running as the sandbox's own user (`user root` when root), so
/// mosquitto can read it without loosening its mode or changing its owner.
class SandboxPki
{
public:
    explicit SandboxPki(QString directory);

    /// The common name (and so the MQTT user name) of the sandbox's own client certificate.
    static QString serviceCommonName() { return QStringLiteral("sandbox-service"); }

    /// Creates what is missing and reuses what exists and still fits (parses, key matches,
    /// signed by the CA, not expired); a certificate that does not fit is made again. Things
    /// known from an earlier call but not named now are kept. Returns the files written by this
    /// call (empty when everything was reused), or one sentence naming the file, the cause
    /// and the fix.
    Result<QStringList, QString> ensure(const QStringList &thingNames);

    QString directory() const { return m_directory; }
    QString caCertificateFile() const { return path(QStringLiteral("ca.pem")); }
    QString caKeyFile() const { return path(QStringLiteral("ca-private.pem.key")); }
    QString serverCertificateFile() const { return path(QStringLiteral("server.pem.crt")); }
    QString serverKeyFile() const { return path(QStringLiteral("server-private.pem.key")); }
    QString serviceCertificateFile() const;
    QString serviceKeyFile() const;
    QString indexFile() const { return path(QStringLiteral("devices.json")); }

    /// Things with a certificate, as of the last ensure().
    QStringList thingNames() const { return m_certificateIds.keys(); }
    /// The 64-hex-digit certificate id of a thing's certificate, if it has one.
    std::optional<QString> certificateId(const QString &thingName) const;
    /// Empty when the thing has no certificate.
    QString deviceCertificateFile(const QString &thingName) const;
    /// Empty when the thing has no certificate.
    QString deviceKeyFile(const QString &thingName) const;
    /// The principal AWS would attach to the thing: `arn:aws:iot:<region>:<account>:cert/<id>`.
    std::optional<QString> certificateArn(const QString &thingName, const QString &region,
                                          const QString &account) const;

    /// Why a thing name cannot be used for a certificate (AWS rules), if it cannot.
    static std::optional<QString> thingNameProblem(const QString &thingName);

private:
    struct Authority;
    struct LeafSpec;

    QString path(const QString &fileName) const;
    QString deviceCertificatePath(const QString &certificateId) const;
    QString deviceKeyPath(const QString &certificateId) const;
    LeafSpec serverSpec() const;
    LeafSpec serviceSpec() const;
    std::optional<QString> validate(const QStringList &thingNames) const;
    std::optional<QString> makeDirectory() const;
    std::optional<QString> loadIndex();
    std::optional<QString> saveIndex(const QMap<QString, QString> &ids, QStringList &written) const;
    Result<Authority, QString> ensureAuthority(QStringList &written) const;
    Result<Authority, QString> loadAuthority() const;
    Result<Authority, QString> createAuthority(QStringList &written) const;
    std::optional<QString> ensureLeaf(const Authority &ca, const LeafSpec &spec,
                                      QStringList &written) const;
    std::optional<QString> ensureDevices(const Authority &ca, const QStringList &thingNames,
                                         QStringList &written);
    Result<QString, QString> ensureDevice(const Authority &ca, const QString &thingName,
                                          QStringList &written) const;
    bool deviceFits(const Authority &ca, const QString &certificateId) const;
    void removeDeviceFiles(const QString &certificateId) const;

    QString m_directory;
    QMap<QString, QString> m_certificateIds; ///< thing name → certificate id
};

} // namespace thingdeck
