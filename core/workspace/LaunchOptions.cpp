#include "workspace/LaunchOptions.h"

#include <QStringView>

#include <algorithm>
#include <array>
#include <optional>

namespace thingdeck {

namespace {

// Options QGuiApplication, QApplication and the xcb plugin consume themselves, with one dash
// or two: those followed by a value, those without one, and those with an inline "=value".
// Constant arrays of views rather than QSet/QStringList: nothing to construct (or throw) before
// main().
constexpr auto kQtOptionsWithValue =
    std::to_array<QStringView>({u"-platform", u"-platformpluginpath", u"-platformtheme", u"-plugin",
                                u"-qwindowgeometry", u"-qwindowicon", u"-qwindowtitle", u"-style",
                                u"-stylesheet", u"-display", u"-session", u"-geometry"});
constexpr auto kQtFlags = std::to_array<QStringView>(
    {u"-reverse", u"-nograb", u"-dograb", u"-sync", u"-widgetcount", u"-testability"});
constexpr auto kQtInlineValueOptions =
    std::to_array<QStringView>({u"-style=", u"-stylesheet=", u"-qmljsdebugger="});

bool listed(const auto &options, const QString &option)
{
    return std::find(options.begin(), options.end(), option) != options.end();
}

// How many arguments a Qt option takes up (itself and its value), or 0 for any other one.
int qtOptionSpan(const QString &argument)
{
    const QString option = argument.startsWith(QLatin1String("--")) ? argument.mid(1) : argument;
    if (listed(kQtOptionsWithValue, option))
        return 2;
    if (listed(kQtFlags, option))
        return 1;
    for (const QStringView prefix : kQtInlineValueOptions) {
        if (option.startsWith(prefix))
            return 1;
    }
    return 0;
}

LaunchOptions failure(const QString &message)
{
    LaunchOptions options;
    options.action = LaunchOptions::Action::Error;
    options.error = message;
    return options;
}

LaunchOptions withAction(LaunchOptions::Action action)
{
    LaunchOptions options;
    options.action = action;
    return options;
}

bool isFlag(const QString &name)
{
    return name == QLatin1String("--help") || name == QLatin1String("-h") ||
           name == QLatin1String("--version") || name == QLatin1String("-v") ||
           name == QLatin1String("--sandbox");
}

bool takesValue(const QString &name)
{
    return name == QLatin1String("--connection") || name == QLatin1String("--profile") ||
           name == QLatin1String("--region");
}

// "--name=value" or "--name value": the value, or nullopt when it is missing or empty.
std::optional<QString> takeValue(const QStringList &arguments, int &i, const QString &inlineValue,
                                 bool hasInline)
{
    if (hasInline)
        return inlineValue.isEmpty() ? std::nullopt : std::optional<QString>(inlineValue);
    if (i + 1 >= arguments.size() || arguments.at(i + 1).startsWith(QLatin1String("--")))
        return std::nullopt;
    const QString &value = arguments.at(++i);
    return value.isEmpty() ? std::nullopt : std::optional<QString>(value);
}

void setValue(LaunchOptions &options, const QString &name, const QString &value)
{
    if (name == QLatin1String("--connection")) {
        options.open = LaunchOptions::Open::Connection;
        options.connection = value;
    } else if (name == QLatin1String("--profile")) {
        options.open = LaunchOptions::Open::Profile;
        options.profile = value;
    } else {
        options.region = value;
    }
}

// Applies the option at arguments[i] (and its value, moving i past it); what parsing ends
// with (help, version, an error), or nullopt to go on.
std::optional<LaunchOptions> applyOption(const QStringList &arguments, int &i,
                                         LaunchOptions &options, bool &sandbox)
{
    const QString &argument = arguments.at(i);
    const qsizetype equals = argument.indexOf(QLatin1Char('='));
    const QString name = equals < 0 ? argument : argument.left(equals);
    if (isFlag(name)) {
        if (equals >= 0)
            return failure(QStringLiteral("%1 takes no value").arg(name));
        if (name == QLatin1String("--help") || name == QLatin1String("-h"))
            return withAction(LaunchOptions::Action::Help);
        if (name != QLatin1String("--sandbox"))
            return withAction(LaunchOptions::Action::Version);
        options.open = LaunchOptions::Open::Sandbox;
        sandbox = true;
        return std::nullopt;
    }
    if (!takesValue(name))
        return failure(QStringLiteral("unknown option %1 (see thingdeck --help)").arg(argument));
    const auto value = takeValue(arguments, i, argument.mid(equals + 1), equals >= 0);
    if (!value)
        return failure(QStringLiteral("%1 needs a value").arg(name));
    setValue(options, name, *value);
    return std::nullopt;
}

} // namespace

LaunchOptions LaunchOptions::parse(const QStringList &arguments)
{
    LaunchOptions options;
    bool sandbox = false;
    for (int i = 1; i < arguments.size(); ++i) {
        if (const int span = qtOptionSpan(arguments.at(i)); span > 0) {
            i += span - 1;
            continue;
        }
        if (auto finished = applyOption(arguments, i, options, sandbox))
            return *finished;
    }
    const int chosen =
        int(sandbox) + int(!options.connection.isEmpty()) + int(!options.profile.isEmpty());
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
        "  --region REGION      with --profile: this region instead of the profile's\n"
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
