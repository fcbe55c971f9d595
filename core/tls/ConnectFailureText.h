#pragma once

#include <QString>
#include <QStringList>

namespace thingdeck {

/// Turns a failed MQTT connect into one sentence for a person, for use once CertificateSet has
/// found nothing wrong with the files. Paho says "TCP/TLS connect failure" for nearly every TLS
/// problem, so the cause comes from the OpenSSL lines Paho hands to its ssl_error_cb and trace
/// callback when there are any; the sentence then says which side refused and what to check.
class ConnectFailureText
{
public:
    /// `code` and `message` as in Paho's failure data: a negative MQTTASYNC_ error, an MQTT 3.1.1
    /// CONNACK return code (1-5) or an MQTT 5 reason code (0x80 and up). `tlsDetails` are the
    /// OpenSSL error and trace lines collected during the attempt (may be empty); the reasons
    /// of the OpenSSL error lines among them ("certificate verify failed") end the sentence.
    static QString describe(const QString &host, quint16 port, int code, const QString &message,
                            const QStringList &tlsDetails = {});

    /// "host:port", with brackets around an IPv6 address.
    static QString endpoint(const QString &host, quint16 port);
};

} // namespace thingdeck
