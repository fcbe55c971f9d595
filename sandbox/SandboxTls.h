#pragma once

#include "Result.h"

#include <QSslConfiguration>
#include <QString>

#include <chrono>

class QObject;
class QSslSocket;

namespace thingdeck {

class SandboxPki;

/// What the sandbox's TLS front ends (the MQTT policy proxy, the WebSocket gate) share: the
/// server side of TLS with the sandbox's certificates, and closing a connection the way a
/// broker does.
class SandboxTls
{
public:
    SandboxTls() = delete;

    /// The CA, the server certificate and its key of `pki`, TLS 1.2 or later, no client
    /// certificate asked for (callers that want one set the peer verify mode). An error names
    /// the file, or the folder to delete when the files do not load.
    static Result<QSslConfiguration, QString> serverConfiguration(const SandboxPki &pki);

    /// Closes `socket` as a broker closes TLS: close_notify, then FIN (a bare RST makes
    /// OpenSSL report "unexpected EOF", which clients take for a protocol error). The socket
    /// becomes a child of `owner` and is deleted once closed; a peer that does not take the
    /// last bytes within `timeout` is cut off.
    static void closeGracefully(QSslSocket *socket, QObject *owner,
                                std::chrono::milliseconds timeout);
};

} // namespace thingdeck
