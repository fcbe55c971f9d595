#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck {

/// Where the files for mutual TLS are: the CA(s) that sign the broker's certificate (and, outside
/// AWS, usually the device certificate too), the device certificate (optionally followed by its
/// intermediate CAs) and its private key. Never log `privateKeyPassphrase`.
struct CertificateFiles
{
    QString caFile; ///< PEM; empty means "trust the system's CA store"
    QString certificateFile;
    QString privateKeyFile;
    QByteArray privateKeyPassphrase; ///< only for an encrypted PEM key; empty otherwise
};

} // namespace thingdeck
