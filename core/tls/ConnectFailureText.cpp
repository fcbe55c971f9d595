#include "tls/ConnectFailureText.h"

#include <QRegularExpression>

#include <array>
#include <optional>

namespace thingdeck {
namespace {

/// What an OpenSSL line means, recognised by a fragment of it.
struct TlsClue
{
    QLatin1String fragment;
    QLatin1String meaning;
};

// The broker's alerts (it refused us), most specific first.
constexpr auto kBrokerAlerts = std::to_array<TlsClue>({
    {QLatin1String("certificate expired"),
     QLatin1String("it reports that the certificate has expired. Check this computer's date, or "
                   "replace the certificate")},
    {QLatin1String("unknown ca"),
     QLatin1String("it does not trust the CA that signed the certificate. For AWS IoT, register "
                   "the certificate (or its CA) in this account and region; other brokers must "
                   "trust the certificate's CA")},
    {QLatin1String("certificate revoked"),
     QLatin1String("the certificate has been revoked. For AWS IoT, check that the certificate "
                   "is ACTIVE")},
    {QLatin1String("certificate required"),
     QLatin1String("it requires a client certificate and none was sent")},
    {QLatin1String("peer did not return a certificate"),
     QLatin1String("it requires a client certificate and none was sent")},
    {QLatin1String("bad certificate"),
     QLatin1String("it does not accept the certificate. For AWS IoT, check that the certificate "
                   "is registered in this region and ACTIVE")},
    {QLatin1String("certificate unknown"),
     QLatin1String("it does not accept the certificate. For AWS IoT, check that the certificate "
                   "is registered in this region and ACTIVE")},
    {QLatin1String("protocol version"),
     QLatin1String("no TLS version both sides support could be agreed")},
    {QLatin1String("handshake failure"),
     QLatin1String("no TLS version or cipher both sides support could be agreed")},
});

std::optional<QString> brokerAlert(const QString &evidence, const QString &where)
{
    for (const TlsClue &clue : kBrokerAlerts) {
        if (evidence.contains(clue.fragment, Qt::CaseInsensitive)) {
            return QStringLiteral("The broker at %1 refused the TLS handshake: %2.")
                .arg(where, clue.meaning);
        }
    }
    return std::nullopt;
}

// Our side refused the broker's certificate.
std::optional<QString> serverCertificateProblem(const QString &evidence, const QString &host,
                                                const QString &where)
{
    if (evidence.contains(QLatin1String("X509_check_host"), Qt::CaseInsensitive) ||
        evidence.contains(QLatin1String("X509_check_ip"), Qt::CaseInsensitive) ||
        evidence.contains(QLatin1String("hostname mismatch"), Qt::CaseInsensitive)) {
        return QStringLiteral("The broker at %1 presented a certificate that is not issued for "
                              "%2; connect to a host name the certificate names (for AWS IoT, "
                              "the account's ATS endpoint, …-ats.iot.<region>.amazonaws.com).")
            .arg(where, host);
    }
    // Paho's trace shows an alert we sent as "SSL alert write:...": we refused the broker.
    if (evidence.contains(QLatin1String("certificate verify failed"), Qt::CaseInsensitive) ||
        evidence.contains(QLatin1String("alert write"), Qt::CaseInsensitive)) {
        return QStringLiteral("The broker at %1 presented a certificate that the CA file does not "
                              "trust; for AWS IoT choose Amazon's root CA (AmazonRootCA1.pem), "
                              "otherwise the CA that signed the broker's certificate.")
            .arg(where);
    }
    return std::nullopt;
}

std::optional<QString> networkProblem(const QString &evidence, const QString &where)
{
    if (evidence.contains(QLatin1String("connection refused"), Qt::CaseInsensitive) ||
        evidence.contains(QLatin1String("rc 111"))) {
        return QStringLiteral("Nothing accepts connections at %1; check the host and the port.")
            .arg(where);
    }
    return std::nullopt;
}

QString connackMeaning(int code)
{
    switch (code) {
    case 1:
    case 0x84:
        return QStringLiteral("it does not support this MQTT version");
    case 2:
    case 0x85:
        return QStringLiteral("it rejected the client ID. For AWS IoT, check that the policy "
                              "allows iot:Connect with this client ID");
    case 3:
    case 0x88:
        return QStringLiteral("the server is unavailable; try again later");
    case 4:
    case 0x86:
        return QStringLiteral("the user name or password is wrong");
    case 5:
    case 0x87:
        return QStringLiteral("not authorized. For AWS IoT, check that the certificate is ACTIVE "
                              "and attached to a policy that allows iot:Connect for this client "
                              "ID");
    default:
        return QStringLiteral("reason code 0x%1").arg(code, 2, 16, QLatin1Char('0'));
    }
}

QString unexplained(const QString &where, int code, const QString &message)
{
    const QString paho = message.isEmpty() ? QStringLiteral("code %1").arg(code) : message;
    return QStringLiteral("The broker at %1 refused the TLS handshake or closed the connection "
                          "(Paho: \"%2\"). The certificate files passed every check, so check "
                          "that the host and port are right and that the broker accepts this "
                          "certificate (for AWS IoT: registered in this region, ACTIVE, with a "
                          "policy attached).")
        .arg(where, paho);
}

// "<thread>:error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify
// failed:<source file>:<line>:<data>" → "certificate verify failed": OpenSSL's reason (and its
// extra data), the part of the line a person can read. Empty for anything else.
QString openSslReason(const QString &line)
{
    static const QRegularExpression errorCode(QStringLiteral("error:[0-9A-Fa-f]{8}:"));
    const QRegularExpressionMatch match = errorCode.match(line);
    if (!match.hasMatch())
        return {};
    const QStringList fields = line.mid(match.capturedEnd()).split(QLatin1Char(':'));
    if (fields.size() < 3 || fields.at(2).trimmed().isEmpty())
        return {};
    const QString reason = fields.at(2).trimmed();
    const QString data = fields.mid(5).join(QLatin1Char(':')).trimmed();
    return data.isEmpty() ? reason : reason + QStringLiteral(" (") + data + QLatin1Char(')');
}

// The sentence names the cause in words; OpenSSL's own reasons follow it, so what the user
// reports can be matched with the broker's log.
QString openSslSuffix(const QStringList &tlsDetails)
{
    QStringList reasons;
    for (const QString &line : tlsDetails) {
        const QString reason = openSslReason(line);
        if (!reason.isEmpty() && !reasons.contains(reason))
            reasons.append(reason);
    }
    if (reasons.isEmpty())
        return {};
    return QStringLiteral(" OpenSSL reported: %1.").arg(reasons.join(QStringLiteral("; ")));
}

QString tlsSentence(const QString &host, const QString &where, int code, const QString &message,
                    const QStringList &tlsDetails)
{
    const QStringList lines = tlsDetails + QStringList{message};
    QStringList received; // without the alerts we sent, which would read like the broker's
    for (const QString &line : lines) {
        if (!line.contains(QLatin1String("alert write"), Qt::CaseInsensitive))
            received.append(line);
    }
    const QString evidence = lines.join(QLatin1Char('\n'));
    if (auto sentence = brokerAlert(received.join(QLatin1Char('\n')), where))
        return *sentence;
    if (auto sentence = serverCertificateProblem(evidence, host, where))
        return *sentence;
    if (auto sentence = networkProblem(evidence, where))
        return *sentence;
    return unexplained(where, code, message);
}

} // namespace

QString ConnectFailureText::describe(const QString &host, quint16 port, int code,
                                     const QString &message, const QStringList &tlsDetails)
{
    const QString where = endpoint(host, port);
    if (code > 0) {
        return QStringLiteral("The broker at %1 accepted the TLS handshake but refused the MQTT "
                              "connection: %2.")
            .arg(where, connackMeaning(code));
    }
    return tlsSentence(host, where, code, message, tlsDetails) + openSslSuffix(tlsDetails);
}

QString ConnectFailureText::endpoint(const QString &host, quint16 port)
{
    const QString shownHost =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shownHost + QLatin1Char(':') + QString::number(port);
}

} // namespace thingdeck
