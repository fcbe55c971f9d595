#include "workspace/LaunchOptions.h"

#include <QSet>

#include <optional>

namespace thingdeck {

namespace {

// Options QGuiApplication consumes itself; those followed by a value list it in the set.
const QSet<QString> kQtOptionsWithValue{
    QStringLiteral("-platform"),       QStringLiteral("-platformpluginpath"),
    QStringLiteral("-platformtheme"),  QStringLiteral("-plugin"),
    QStringLiteral("-qwindowgeometry"), QStringLiteral("-qwindowicon"),
    QStringLiteral("-qwindowtitle"),   QStringLiteral("-style"),
    QStringLiteral("-stylesheet"),     QStringLiteral("-display"),
    QStringLiteral("-session"),        QStringLiteral("-widgetcount")};
const QSet<QString> kQtFlags{QStringLiteral("-reverse"), QStringLiteral("-nograb"),
                             QStringLiteral("-dograb"), QStringLiteral("-sync")};

LaunchOptions failure(const QString &message)
{
    LaunchOptions options;
    options.action = LaunchOptions::Action::Error;
    options.error = message;
    return options;
}

// "--name=value" or "--name value": the value, or nullopt when it is missing.
std::optional<QString> takeValue(const QStringList &arguments, int &i, const QString &inlineValue,
                                 bool hasInline)
{
    if (hasInline)
        return inlineValue.isEmpty() ? std::nullopt : std::optional<QString>(inlineValue);
    if (i + 1 >= arguments.size() || arguments.at(i + 1).startsWith(QLatin1String("--")))
        return std::nullopt;
    return arguments.at(++i);
}

} // namespace

LaunchOptions LaunchOptions::parse(const QStringList &arguments)
{
    LaunchOptions options;
    bool sandbox = false;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (kQtOptionsWithValue.contains(argument)) {
            ++i;
            continue;
        }
        if (kQtFlags.contains(argument))
            continue;
        const qsizetype equals = argument.indexOf(QLatin1Char('='));
        const QString name = equals < 0 ? argument : argument.left(equals);
        const QString inlineValue = equals < 0 ? QString() : argument.mid(equals + 1);
        if (name == QLatin1String("--help") || name == QLatin1String("-h")) {
            options.action = Action::Help;
            return options;
        }
        if (name == QLatin1String("--version") || name == QLatin1String("-v")) {
            options.action = Action::Version;
            return options;
        }
        if (name == QLatin1String("--sandbox")) {
            if (equals >= 0)
                return failure(QStringLiteral("--sandbox takes no value"));
            options.open = Open::Sandbox;
            sandbox = true;
            continue;
        }
        if (name == QLatin1String("--connection") || name == QLatin1String("--profile") ||
            name == QLatin1String("--region")) {
            const auto value = takeValue(arguments, i, inlineValue, equals >= 0);
            if (!value)
                return failure(QStringLiteral("%1 needs a value").arg(name));
            if (name == QLatin1String("--connection")) {
                options.open = Open::Connection;
                options.connection = *value;
            } else if (name == QLatin1String("--profile")) {
                options.open = Open::Profile;
                options.profile = *value;
            } else {
                options.region = *value;
            }
            continue;
        }
        return failure(QStringLiteral("unknown option %1 (see thingdeck --help)").arg(argument));
    }
    const int chosen = int(sandbox) + int(!options.connection.isEmpty()) +
                       int(!options.profile.isEmpty());
    if (chosen > 1)
        return failure(QStringLiteral("use only one of --sandbox, --connection and --profile"));
    if (!options.region.isEmpty() && options.open != Open::Profile)
        return failure(QStringLiteral("--region goes with --profile NAME"));
    return options;
}

QString LaunchOptions::helpText()
{
    return QStringLiteral(
        "Usage: thingdeck [OPTION]\n"
        "A desktop console for AWS IoT: browse things, edit device shadows, watch MQTT.\n"
        "\n"
        "  --sandbox            start the local AWS IoT sandbox and connect to it\n"
        "  --connection NAME    open the saved connection NAME\n"
        "  --profile NAME       open a connection with the AWS profile NAME (not saved)\n"
        "  --region REGION      with --profile: the region to use instead of the profile's\n"
        "  --help               show this help and exit\n"
        "  --version            show the version and exit\n"
        "\n"
        "Without an option, the last connection opens; on the first start without AWS\n"
        "configuration, a welcome view offers the local sandbox.\n"
        "AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL* and\n"
        "AWS_CA_BUNDLE are read as the AWS CLI reads them.\n"
        "\n"
        "Exit status: 0 on success, 2 for a command-line error.\n");
}

} // namespace thingdeck
