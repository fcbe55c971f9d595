// LaunchOptions: the desktop program's command line, parsed before any window exists.
#include "workspace/LaunchOptions.h"

#include <QTest>

using namespace thingdeck;

Q_DECLARE_METATYPE(thingdeck::LaunchOptions::Open)
Q_DECLARE_METATYPE(thingdeck::LaunchOptions::Action)

namespace {

QStringList commandLine(const QString &arguments)
{
    QStringList list{QStringLiteral("thingdeck")};
    if (!arguments.isEmpty())
        list += arguments.split(QLatin1Char(' '));
    return list;
}

} // namespace

class tst_LaunchOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opens_data();
    void opens();
    void helpAndVersion_data();
    void helpAndVersion();
    void errors_data();
    void errors();
    void emptySeparateValue();
    void helpText();
};

void tst_LaunchOptions::opens_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<LaunchOptions::Open>("open");
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("region");

    using Open = LaunchOptions::Open;
    const QString none;
    QTest::newRow("nothing") << QString() << Open::Default << none << none << none;
    QTest::newRow("sandbox") << "--sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("sandbox twice")
        << "--sandbox --sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("connection value")
        << "--connection prod" << Open::Connection << "prod" << none << none;
    QTest::newRow("connection=value")
        << "--connection=prod" << Open::Connection << "prod" << none << none;
    QTest::newRow("connection=a=b")
        << "--connection=a=b" << Open::Connection << "a=b" << none << none;
    QTest::newRow("connection value with one dash")
        << "--connection -odd" << Open::Connection << "-odd" << none << none;
    QTest::newRow("last connection wins")
        << "--connection a --connection=b" << Open::Connection << "b" << none << none;
    QTest::newRow("profile value") << "--profile dev" << Open::Profile << none << "dev" << none;
    QTest::newRow("profile=value") << "--profile=dev" << Open::Profile << none << "dev" << none;
    QTest::newRow("profile and region")
        << "--profile dev --region eu-west-1" << Open::Profile << none << "dev"
        << "eu-west-1";
    QTest::newRow("region= before profile=")
        << "--region=us-east-2 --profile=dev" << Open::Profile << none << "dev"
        << "us-east-2";
    // Qt's own options are QApplication's business, with one dash or two.
    QTest::newRow("-platform offscreen")
        << "-platform offscreen --sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("--platform offscreen")
        << "--platform offscreen --sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("-style Fusion")
        << "--connection x -style Fusion" << Open::Connection << "x" << none << none;
    QTest::newRow("-style=Fusion")
        << "-style=Fusion --connection x" << Open::Connection << "x" << none << none;
    QTest::newRow("-stylesheet=file")
        << "-stylesheet=a.qss --sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("-reverse") << "-reverse --profile p" << Open::Profile << none << "p" << none;
    QTest::newRow("-widgetcount is a flag")
        << "-widgetcount --sandbox" << Open::Sandbox << none << none << none;
    QTest::newRow("Qt value that looks like ours")
        << "-qwindowtitle --sandbox" << Open::Default << none << none << none;
    QTest::newRow("all of Qt's together")
        << "-platform offscreen -style Fusion -reverse -session s1 -qwindowgeometry 640x480 "
           "--profile p"
        << Open::Profile << none << "p" << none;
    QTest::newRow("Qt option last, value missing")
        << "--sandbox -platform" << Open::Sandbox << none << none << none;
}

void tst_LaunchOptions::opens()
{
    QFETCH(QString, arguments);
    QFETCH(LaunchOptions::Open, open);
    QFETCH(QString, connection);
    QFETCH(QString, profile);
    QFETCH(QString, region);

    const LaunchOptions options = LaunchOptions::parse(commandLine(arguments));
    QVERIFY2(options.error.isEmpty(), qPrintable(options.error));
    QCOMPARE(options.action, LaunchOptions::Action::Run);
    QCOMPARE(options.open, open);
    QCOMPARE(options.connection, connection);
    QCOMPARE(options.profile, profile);
    QCOMPARE(options.region, region);
}

void tst_LaunchOptions::helpAndVersion_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<LaunchOptions::Action>("action");

    using Action = LaunchOptions::Action;
    QTest::newRow("--help") << "--help" << Action::Help;
    QTest::newRow("-h") << "-h" << Action::Help;
    QTest::newRow("--version") << "--version" << Action::Version;
    QTest::newRow("-v") << "-v" << Action::Version;
    QTest::newRow("help after options") << "--profile p --help" << Action::Help;
    QTest::newRow("help before an unknown option") << "--help --bogus" << Action::Help;
    QTest::newRow("help beside a conflict") << "--sandbox --connection c --help" << Action::Help;
    QTest::newRow("help after Qt's options") << "-platform offscreen --help" << Action::Help;
    QTest::newRow("version before help") << "--version --help" << Action::Version;
    QTest::newRow("unknown before help") << "--bogus --help" << Action::Error;
}

void tst_LaunchOptions::helpAndVersion()
{
    QFETCH(QString, arguments);
    QFETCH(LaunchOptions::Action, action);

    const LaunchOptions options = LaunchOptions::parse(commandLine(arguments));
    QCOMPARE(options.action, action);
    QCOMPARE(options.error.isEmpty(), action != LaunchOptions::Action::Error);
}

void tst_LaunchOptions::errors_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown option") << "--bogus"
                                    << "unknown option --bogus (see thingdeck --help)";
    QTest::newRow("unknown option=value") << "--bogus=1"
                                          << "unknown option --bogus=1 (see thingdeck --help)";
    QTest::newRow("unknown short option") << "-x"
                                          << "unknown option -x (see thingdeck --help)";
    QTest::newRow("a bare word") << "prod"
                                 << "unknown option prod (see thingdeck --help)";
    QTest::newRow("single-dash connection") << "-connection prod"
                                            << "unknown option -connection (see thingdeck --help)";
    QTest::newRow("after a good option") << "--sandbox --bogus"
                                         << "unknown option --bogus (see thingdeck --help)";
    QTest::newRow("connection at the end") << "--connection"
                                           << "--connection needs a value";
    QTest::newRow("connection before an option") << "--connection --sandbox"
                                                 << "--connection needs a value";
    QTest::newRow("connection=") << "--connection="
                                 << "--connection needs a value";
    QTest::newRow("profile at the end") << "--profile"
                                        << "--profile needs a value";
    QTest::newRow("profile=") << "--profile= --sandbox"
                              << "--profile needs a value";
    QTest::newRow("region at the end") << "--profile p --region"
                                       << "--region needs a value";
    QTest::newRow("region=") << "--region= --profile p"
                             << "--region needs a value";
    QTest::newRow("region alone") << "--region eu-west-1"
                                  << "--region goes with --profile NAME";
    QTest::newRow("region with sandbox") << "--sandbox --region eu-west-1"
                                         << "--region goes with --profile NAME";
    QTest::newRow("region with connection") << "--connection c --region=eu-west-1"
                                            << "--region goes with --profile NAME";
    const QString onlyOne = QStringLiteral("use only one of --sandbox, --connection and --profile");
    QTest::newRow("sandbox and connection") << "--sandbox --connection c" << onlyOne;
    QTest::newRow("connection and sandbox") << "--connection=c --sandbox" << onlyOne;
    QTest::newRow("sandbox and profile") << "--sandbox --profile p" << onlyOne;
    QTest::newRow("connection and profile") << "--connection c --profile=p" << onlyOne;
    QTest::newRow("all three") << "--profile p --connection c --sandbox" << onlyOne;
    QTest::newRow("two and a region") << "--profile p --connection c --region r" << onlyOne;
    QTest::newRow("sandbox=value") << "--sandbox=yes"
                                   << "--sandbox takes no value";
    QTest::newRow("sandbox=") << "--sandbox="
                              << "--sandbox takes no value";
    QTest::newRow("help=value") << "--help=all"
                                << "--help takes no value";
    QTest::newRow("version=value") << "--version=2"
                                   << "--version takes no value";
}

void tst_LaunchOptions::errors()
{
    QFETCH(QString, arguments);
    QFETCH(QString, error);

    const LaunchOptions options = LaunchOptions::parse(commandLine(arguments));
    QCOMPARE(options.action, LaunchOptions::Action::Error);
    QCOMPARE(options.error, error);
    QVERIFY(!options.error.contains(QLatin1Char('\n')));
    QCOMPARE(options.open, LaunchOptions::Open::Default);
    QVERIFY(options.connection.isEmpty() && options.profile.isEmpty() && options.region.isEmpty());
}

// A value given as its own, empty argument (`--connection ""`) is as missing as no value.
void tst_LaunchOptions::emptySeparateValue()
{
    const QStringList connection{QStringLiteral("thingdeck"), QStringLiteral("--connection"),
                                 QString()};
    QCOMPARE(LaunchOptions::parse(connection).error, QStringLiteral("--connection needs a value"));
    const QStringList profile{QStringLiteral("thingdeck"), QStringLiteral("--profile"), QString(),
                              QStringLiteral("--region"), QStringLiteral("r")};
    QCOMPARE(LaunchOptions::parse(profile).error, QStringLiteral("--profile needs a value"));
}

void tst_LaunchOptions::helpText()
{
    const QString text = LaunchOptions::helpText();
    QVERIFY(text.startsWith(QLatin1String("Usage: thingdeck")));
    QVERIFY(text.endsWith(QLatin1Char('\n')));
    for (const char *option : {"--sandbox", "--connection NAME", "--profile NAME",
                               "--region REGION", "--help", "--version"})
        QVERIFY2(text.contains(QLatin1String(option)), option);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (const QString &line : lines)
        QVERIFY2(line.size() <= 80, qPrintable(line));
}

QTEST_GUILESS_MAIN(tst_LaunchOptions)
#include "tst_launchoptions.moc"
