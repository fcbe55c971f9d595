#include "CliCommand.h"

namespace thingdeck {

namespace {

QCommandLineOption flag(const char *name, const char *text)
{
    return {QString::fromLatin1(name), QString::fromLatin1(text)};
}

QCommandLineOption valued(const char *name, const char *text, const char *value)
{
    return {QString::fromLatin1(name), QString::fromLatin1(text), QString::fromLatin1(value)};
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QList<CliCommand> makeCommands()
{
    using Id = CliCommand::Id;
    const auto shadowName = valued("name", "Named shadow (default: the classic shadow).", "SHADOW");
    const auto qos = valued("qos", "Quality of service, 0 or 1 (default 0).", "0|1");
    return {
        {Id::ThingsList,
         words("things list"),
         {},
         QStringLiteral("List things, one name per line (all pages)."),
         {valued("attribute", "Only things with this attribute value.", "NAME=VALUE"),
          valued("type", "Only things of this thing type.", "TYPE"),
          flag("prefix", "Match --attribute's value as a prefix."),
          flag("json", "Print one JSON object per thing and line.")}},
        {Id::ThingsDescribe,
         words("things describe"),
         words("THING"),
         QStringLiteral("Describe one thing (JSON)."),
         {}},
        {Id::Endpoint,
         words("endpoint"),
         {},
         QStringLiteral("Print the account's MQTT endpoint (iot:Data-ATS)."),
         {}},
        {Id::ShadowGet,
         words("shadow get"),
         words("THING"),
         QStringLiteral("Print a thing's shadow document."),
         {shadowName}},
        {Id::ShadowUpdate,
         words("shadow update"),
         words("THING DOCUMENT"),
         QStringLiteral("Update a shadow with a JSON document ({\"state\":{...}}); - reads stdin."),
         {shadowName, valued("version", "Only if the shadow is still at this version.", "N")}},
        {Id::ShadowDelete,
         words("shadow delete"),
         words("THING"),
         QStringLiteral("Delete a shadow."),
         {shadowName}},
        {Id::ShadowList,
         words("shadow list"),
         words("THING"),
         QStringLiteral("List a thing's named shadows, one per line."),
         {}},
        {Id::Sub,
         words("sub"),
         words("FILTER..."),
         QStringLiteral("Subscribe and print one JSON object per message and line."),
         {valued("count", "Exit after N messages.", "N"), qos,
          flag("persistent-session", "Keep the session (clean session off) across runs."),
          valued("mqtt-version", "3.1.1 (default) or 5.", "VERSION")},
         QStringLiteral(
             "Lines are written as messages arrive, also into a pipe or a file. Ctrl+C\n"
             "(SIGINT), SIGTERM or SIGHUP stops it cleanly: everything received is written,\n"
             "the connection is closed, and the exit code is 128+N (130 for Ctrl+C), as a\n"
             "shell reports a command ended by a signal; with --count N it exits 0.")},
        {Id::Pub,
         words("pub"),
         words("TOPIC PAYLOAD"),
         QStringLiteral("Publish one message; - as PAYLOAD reads stdin."),
         {qos, flag("retain", "Ask the broker to retain the message."),
          flag("http", "Publish over HTTPS (SigV4) instead of MQTT."),
          valued("mqtt-version", "3.1.1 (default) or 5.", "VERSION")}},
    };
}

} // namespace

int CliCommand::minArguments() const
{
    return int(arguments.size()); // "FILTER..." needs at least one
}

int CliCommand::maxArguments() const
{
    if (!arguments.isEmpty() && arguments.last().endsWith(QLatin1String("...")))
        return -1;
    return int(arguments.size());
}

QString CliCommand::usage() const
{
    QString text = QStringLiteral("thingdeck-cli ") + words.join(QLatin1Char(' '));
    for (const QString &argument : arguments)
        text += QLatin1Char(' ') + argument;
    return text + QStringLiteral(" [options]");
}

const QList<CliCommand> &CliCommand::all()
{
    static const QList<CliCommand> commands = makeCommands();
    return commands;
}

QList<QCommandLineOption> CliCommand::globalOptions()
{
    return {
        valued("profile", "Profile from ~/.aws/config and ~/.aws/credentials.", "NAME"),
        valued("region", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile).",
               "REGION"),
        valued("endpoint-url", "REST endpoint to use instead of AWS's (e.g. the sandbox).", "URL"),
        valued("mqtt-endpoint", "MQTT broker (default: the described endpoint, port 8883).",
               "HOST:PORT"),
        valued("cert", "Device certificate file (PEM) for mutual TLS.", "FILE"),
        valued("key", "Private key file (PEM) of the certificate.", "FILE"),
        valued("ca", "CA file that signs the broker's certificate.", "FILE"),
        valued("transport", "mtls (8883), alpn (443, x-amzn-mqtt-ca) or wss (443, SigV4).",
               "mtls|alpn|wss"),
        valued("client-id", "MQTT client id (default: thingdeck-<random>).", "ID"),
        flag("help", "Show help for the command."),
    };
}

} // namespace thingdeck
