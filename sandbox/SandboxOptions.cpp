#include "SandboxOptions.h"

#include <QCommandLineParser>

namespace thingdeck {

namespace {

QList<QCommandLineOption> optionList()
{
    auto option = [](const char *name, const char *text, const char *value = nullptr) {
        return value ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(text),
                                          QString::fromLatin1(value))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(text));
    };
    return {
        option("state-dir", "Folder for certificates, state and sandbox.json (required).", "DIR"),
        option("things", "Number of simulated devices (default 12).", "N"),
        option("registry-things",
               "Number of plain registry things besides the devices (asset-000001, ...; "
               "no certificate, shadow or device; default 0, at most 1000000). Seeded once "
               "per state folder; a larger N later adds the rest.",
               "N"),
        option("telemetry-rate", "Telemetry messages per second over all devices (default 12).",
               "MSGS_PER_S"),
        option("http-port", "HTTPS port of the REST API (default: a free one).", "P"),
        option("mqtt-port", "MQTT over TLS port, client certificate required (default: free).",
               "P"),
        option("ws-port", "MQTT over secure WebSockets port (default: free).", "P"),
        option("region", "AWS region the sandbox claims to be (default us-east-1).", "REGION"),
        option("report-delay",
               "Milliseconds a device waits before reporting desired values "
               "back (default 500).",
               "MS"),
        option("throttle", "Answer every Nth REST request with ThrottlingException (tests).", "N"),
        option("deny",
               "Make the broker refuse a topic filter for one device, as an IoT policy "
               "would: THING=FILTER (repeatable).",
               "RULE"),
        option("mosquitto", "The mosquitto program to run (default: mosquitto from PATH).", "PATH"),
        option("credential-lifetime",
               "Seconds that the temporary credentials (STS AssumeRole, "
               "AssumeRoleWithWebIdentity, SSO GetRoleCredentials) and SSO access tokens the "
               "sandbox issues live, 1 to 43200. Without it they live as on AWS: DurationSeconds "
               "when the request gives one, else 3600. With it: SECONDS when the request gives "
               "no DurationSeconds, else the smaller of DurationSeconds and SECONDS "
               "(DurationSeconds is still checked against AWS's 900 to 43200 first). Afterwards "
               "they are refused with 403 ExpiredTokenException.",
               "SECONDS"),
    };
}

Result<quint16, QString> portValue(const QCommandLineParser &parser, const char *name)
{
    if (!parser.isSet(QString::fromLatin1(name)))
        return quint16(0);
    bool ok = false;
    const uint port = parser.value(QString::fromLatin1(name)).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("--%1 needs a port number between 0 and 65535.")
                        .arg(QString::fromLatin1(name)));
    return quint16(port);
}

std::optional<QString> readNumbers(const QCommandLineParser &parser, SandboxOptions &out)
{
    bool ok = true;
    if (parser.isSet(QStringLiteral("things")))
        out.things = parser.value(QStringLiteral("things")).toInt(&ok);
    if (!ok || out.things < 0 || out.things > 100000)
        return QStringLiteral("--things needs a number between 0 and 100000.");
    if (parser.isSet(QStringLiteral("registry-things")))
        out.registryThings = parser.value(QStringLiteral("registry-things")).toInt(&ok);
    if (!ok || out.registryThings < 0 || out.registryThings > 1000000)
        return QStringLiteral("--registry-things needs a number between 0 and 1000000.");
    if (parser.isSet(QStringLiteral("telemetry-rate")))
        out.telemetryRate = parser.value(QStringLiteral("telemetry-rate")).toDouble(&ok);
    if (!ok || out.telemetryRate < 0 || out.telemetryRate > 1e6)
        return QStringLiteral("--telemetry-rate needs messages per second between 0 and 1000000.");
    if (parser.isSet(QStringLiteral("report-delay")))
        out.reportDelayMs = parser.value(QStringLiteral("report-delay")).toInt(&ok);
    if (!ok || out.reportDelayMs < 0)
        return QStringLiteral("--report-delay needs a number of milliseconds.");
    if (parser.isSet(QStringLiteral("throttle")))
        out.throttleEvery = parser.value(QStringLiteral("throttle")).toInt(&ok);
    if (!ok || out.throttleEvery < 0)
        return QStringLiteral("--throttle needs a positive number N (every Nth request).");
    if (parser.isSet(QStringLiteral("credential-lifetime"))) {
        out.credentialLifetime = parser.value(QStringLiteral("credential-lifetime")).toInt(&ok);
        if (!ok || out.credentialLifetime < 1 ||
            out.credentialLifetime > SandboxOptions::kMaxCredentialLifetime)
            return QStringLiteral("--credential-lifetime needs a number of seconds between 1 and "
                                  "43200.");
    }
    return std::nullopt;
}

std::optional<QString> readPorts(const QCommandLineParser &parser, SandboxOptions &out)
{
    const auto http = portValue(parser, "http-port");
    const auto mqtt = portValue(parser, "mqtt-port");
    const auto ws = portValue(parser, "ws-port");
    for (const auto *port : {&http, &mqtt, &ws}) {
        if (!port->ok())
            return port->error();
    }
    out.httpPort = http.value();
    out.mqttPort = mqtt.value();
    out.wsPort = ws.value();
    return std::nullopt;
}

} // namespace

Result<SandboxOptions, QString> SandboxOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOptions(optionList());
    if (!parser.parse(arguments))
        return fail(parser.errorText() + QStringLiteral(" (see --help)"));
    SandboxOptions out;
    out.stateDir = parser.value(QStringLiteral("state-dir"));
    if (out.stateDir.isEmpty())
        return fail(QStringLiteral("--state-dir DIR is required: the folder where the sandbox "
                                   "keeps its certificates and state."));
    if (auto problem = readNumbers(parser, out))
        return fail(*problem);
    if (auto problem = readPorts(parser, out))
        return fail(*problem);
    if (parser.isSet(QStringLiteral("region")))
        out.region = parser.value(QStringLiteral("region"));
    if (parser.isSet(QStringLiteral("mosquitto")))
        out.mosquittoProgram = parser.value(QStringLiteral("mosquitto"));
    out.denyRules = parser.values(QStringLiteral("deny"));
    for (const QString &rule : std::as_const(out.denyRules)) {
        if (!rule.contains(QLatin1Char('=')))
            return fail(QStringLiteral("--deny needs THING=FILTER, got \"%1\".").arg(rule));
    }
    return out;
}

QString SandboxOptions::helpText()
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A local stand-in for AWS IoT Core: REST control and data plane (SigV4), "
        "device shadows, an MQTT broker with mutual TLS and simulated devices; on the same "
        "HTTPS port STS (AssumeRole, AssumeRoleWithWebIdentity, "
        "GetCallerIdentity), the SSO portal's GetRoleCredentials and SSO OIDC's "
        "CreateToken, with ready AWS config examples in DIR/examples. "
        "When ready it writes DIR/sandbox.json and prints its path."));
    parser.addOptions(optionList());
    // Written out rather than addHelpOption(), which would offer a --help-all that main()
    // does not answer.
    parser.addOption(QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("Show this help and exit.")));
    parser.addOption(QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")},
                                        QStringLiteral("Show the version and exit.")));
    return parser.helpText();
}

} // namespace thingdeck
