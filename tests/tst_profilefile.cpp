#include "aws/ProfileFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace thingdeck;

namespace {

/// A case of profile-parser-tests.json where the AWS CLI (botocore 1.43.11 on Python's
/// configparser, run on the case's files) does not do what the cross-SDK data says. The row
/// asserts what the CLI does, because that is the behaviour users know.
struct CliDifference
{
    const char *name;
    const char *output; ///< the case's "output" as the CLI has it
};

// Why each differs:
// - configparser accepts any header that shlex splits into two words, so `foo!bar` is a name;
// - ':' separates a name from its value just like '=';
// - inline comments are not comments: `value # x` keeps ` # x`;
// - a section or property that appears twice in one file is a parse error, not a merge;
// - of `[default]` and `[profile default]`, the later section replaces the earlier one;
// - the credentials file names profiles verbatim: `[profile foo]` is a profile called
//   "profile foo", `[in valid 2]` and `[   foo    ]` are profiles too;
// - property names are not validated (`in valid = value` is kept), nor are sub-property
//   names (`= value` is a sub-property with an empty name);
// - `[   profile foo    ]` in the config file does not start with "profile", so it is ignored.
constexpr CliDifference kCliDifferences[] = {
    {"Profile names support alphanumeric characters and - / . % @ _ : +",
     R"({"config":{"profiles":{"some-thing:long/the_one%only.foo@bar+":{},"foo!bar":{}}}})"},
    {"Property definitions must contain an equals sign.",
     R"({"config":{"profiles":{"foo":{"key":"value"}}}})"},
    {"Pound sign comments are ignored.",
     R"({"config":{"profiles":{"foo":{"name":"value # Comment with # sign"}}}})"},
    {"Semicolon sign comments are ignored.",
     R"({"config":{"profiles":{"foo":{"name":"value ; Comment with ; sign"}}}})"},
    {"All comment types can be used together.",
     R"({"config":{"profiles":{"foo":{"name":"value # Comment with ; sign"}}}})"},
    {"Comments can be empty.", R"({"config":{"profiles":{"foo":{"name":"value ;"}}}})"},
    {"Continuations reset with profile definitions.", R"({"errorContaining":"appears twice"})"},
    {"Duplicate profiles in the same file merge properties.",
     R"({"errorContaining":"appears twice"})"},
    {"Duplicate properties in a profile use the last one defined.",
     R"({"errorContaining":"appears twice"})"},
    {"Duplicate properties in duplicate profiles use the last one defined.",
     R"({"errorContaining":"appears twice"})"},
    {"Duplicate properties in duplicate profiles use the last one defined (case insensitive).",
     R"({"errorContaining":"appears twice"})"},
    {"Default profile with profile prefix overrides default profile without prefix when profile "
     "prefix is first.",
     R"({"config":{"profiles":{"default":{"name2":"value2"}}}})"},
    {"Invalid profile names are ignored.",
     R"({"config":{"profiles":{"in valid 2":{"name2":"value2"}}}})"},
    {"Invalid property names are ignored.",
     R"({"config":{"profiles":{"foo":{"in valid":"value"}}}})"},
    {"Sub-property definitions cannot have an empty name.",
     R"({"config":{"profiles":{"foo":{"s3":"\n= value"}}}})"},
    {"Default profiles with mixed prefixes in the config file ignore the one without prefix when "
     "merging.",
     R"({"errorContaining":"appears twice"})"},
    {"Default profiles with mixed prefixes merge with credentials",
     R"({"errorContaining":"appears twice"})"},
    {"Credentials profiles with prefix are ignored.",
     R"({"config":{"profiles":{"profile foo":{"name":"value"}}}})"},
    {"Invalid continuation", R"({"errorContaining":"appears twice"})"},
    {"profile name with extra whitespace", R"({"config":{"profiles":{"bar":{}}}})"},
    {"profile name with extra whitespace in credentials",
     R"({"config":{"profiles":{"   foo    ":{"name":"value"},"profile bar":{}}}})"},
};

QJsonObject cliOutput(const QString &caseName, const QJsonObject &dataOutput)
{
    for (const CliDifference &difference : kCliDifferences) {
        if (caseName == QLatin1String(difference.name))
            return QJsonDocument::fromJson(difference.output).object();
    }
    return dataOutput;
}

QJsonArray parserCases()
{
    QFile file(QStringLiteral(THINGDECK_TEST_DATA "/aws-config-tests/profile-parser-tests.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("tests")).toArray();
}

QJsonObject toJson(const ProfileFile::Sections &sections)
{
    QJsonObject json;
    for (auto section = sections.cbegin(); section != sections.cend(); ++section) {
        QJsonObject properties;
        for (auto it = section.value().cbegin(); it != section.value().cend(); ++it)
            properties.insert(it.key(), it.value());
        json.insert(section.key(), properties);
    }
    return json;
}

Result<ProfileFile, ConfigError> parseBoth(const QString &config, const QString &credentials)
{
    auto configFile = ProfileFile::parse(config, ProfileFile::Kind::Config, QStringLiteral("cfg"));
    if (!configFile)
        return configFile;
    auto credentialsFile =
        ProfileFile::parse(credentials, ProfileFile::Kind::Credentials, QStringLiteral("creds"));
    if (!credentialsFile)
        return credentialsFile;
    return ProfileFile::merge(configFile.value(), credentialsFile.value());
}

ProfileFile parseConfig(const QString &text)
{
    auto parsed = ProfileFile::parse(text, ProfileFile::Kind::Config, QStringLiteral("config"));
    return parsed ? parsed.value() : ProfileFile();
}

} // namespace

class TestProfileFile : public QObject
{
    Q_OBJECT

private slots:
    void allCasesAreRead();
    void parserCase_data();
    void parserCase();
    void errorNamesFileAndLine_data();
    void errorNamesFileAndLine();
    void defaultSectionIsInherited();
    void quotedProfileNames();
    void servicesAndSubProperties();
    void blankLinesInsideAValueAreKept();
    void splitShellWords_data();
    void splitShellWords();
};

void TestProfileFile::allCasesAreRead()
{
    QCOMPARE(parserCases().size(), 65);
}

void TestProfileFile::parserCase_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("credentials");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonArray cases = parserCases();
    for (const QJsonValue value : cases) {
        const QJsonObject test = value.toObject();
        const QString name = test.value(QLatin1String("name")).toString();
        const QJsonObject input = test.value(QLatin1String("input")).toObject();
        QTest::newRow(name.toUtf8().constData())
            << input.value(QLatin1String("configFile")).toString()
            << input.value(QLatin1String("credentialsFile")).toString()
            << cliOutput(name, test.value(QLatin1String("output")).toObject());
    }
}

void TestProfileFile::parserCase()
{
    QFETCH(QString, config);
    QFETCH(QString, credentials);
    QFETCH(QJsonObject, expected);
    const auto parsed = parseBoth(config, credentials);
    if (expected.contains(QLatin1String("errorContaining"))) {
        QVERIFY(!parsed.ok());
        const QString fragment = expected.value(QLatin1String("errorContaining")).toString();
        QVERIFY2(parsed.error().message.contains(fragment), qPrintable(parsed.error().message));
        QCOMPARE(parsed.error().kind, ConfigError::Kind::MalformedFile);
        return;
    }
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    const QJsonObject want = expected.value(QLatin1String("config")).toObject();
    QCOMPARE(toJson(parsed.value().profiles()), want.value(QLatin1String("profiles")).toObject());
    if (want.contains(QLatin1String("sso_sessions"))) {
        QCOMPARE(toJson(parsed.value().ssoSessions()),
                 want.value(QLatin1String("sso_sessions")).toObject());
    }
}

void TestProfileFile::errorNamesFileAndLine_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::newRow("property before any section") << QStringLiteral("\n\nname = value\n") << 3;
    QTest::newRow("unclosed header") << QStringLiteral("[profile a]\nx = 1\n[profile b\n") << 3;
    QTest::newRow("line without '='") << QStringLiteral("[default]\r\n# c\r\njunk\r\n") << 3;
    QTest::newRow("empty name") << QStringLiteral("[default]\n= v\n") << 2;
    QTest::newRow("bad sub-property")
        << QStringLiteral("[default]\ns3 =\n  a = 1\n\n  broken\n") << 5;
    QTest::newRow("duplicate section")
        << QStringLiteral("[default]\n[profile a]\n[default]\n") << 3;
    QTest::newRow("duplicate property")
        << QStringLiteral("[profile a]\nRegion = x\nregion = y\n") << 3;
}

void TestProfileFile::errorNamesFileAndLine()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    const QString file = QStringLiteral("/home/u/.aws/config");
    const auto parsed = ProfileFile::parse(text, ProfileFile::Kind::Config, file);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().kind, ConfigError::Kind::MalformedFile);
    QCOMPARE(parsed.error().file, file);
    QCOMPARE(parsed.error().line, line);
    QVERIFY2(parsed.error().message.startsWith(file + QStringLiteral(", line %1: ").arg(line)),
             qPrintable(parsed.error().message));
}

// configparser's [DEFAULT] section is not a profile, but every section inherits its properties.
void TestProfileFile::defaultSectionIsInherited()
{
    const ProfileFile file = parseConfig(
        QStringLiteral("[DEFAULT]\nregion = eu-west-1\n[profile a]\n[profile b]\nregion = x\n"));
    QCOMPARE(file.profileNames(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(file.profile(QStringLiteral("a")).value(QStringLiteral("region")),
             QStringLiteral("eu-west-1"));
    QCOMPARE(file.profile(QStringLiteral("b")).value(QStringLiteral("region")),
             QStringLiteral("x"));
}

void TestProfileFile::quotedProfileNames()
{
    const ProfileFile file =
        parseConfig(QStringLiteral("[profile \"my dev\"]\n[profile 'it''s']\n[profile \"open]\n"));
    QCOMPARE(file.profileNames(), (QStringList{QStringLiteral("its"), QStringLiteral("my dev")}));
}

void TestProfileFile::servicesAndSubProperties()
{
    const ProfileFile file = parseConfig(QStringLiteral(
        "[profile dev]\nservices = local\n[services local]\niot_data_plane =\n"
        "  endpoint_url = https://localhost:4566\n  Other = a=b\n[servicesX y]\n[services]\n"));
    QCOMPARE(file.services().keys(), (QStringList{QStringLiteral("local"), QStringLiteral("y")}));
    const QString block =
        file.services().value(QStringLiteral("local")).value(QStringLiteral("iot_data_plane"));
    QVERIFY(ProfileFile::isSubPropertyBlock(block));
    const ProfileFile::Properties expected{
        {QStringLiteral("endpoint_url"), QStringLiteral("https://localhost:4566")},
        {QStringLiteral("Other"), QStringLiteral("a=b")}};
    QCOMPARE(ProfileFile::subProperties(block), expected);
    QVERIFY(ProfileFile::subProperties(QStringLiteral("plain")).isEmpty());
}

void TestProfileFile::blankLinesInsideAValueAreKept()
{
    const ProfileFile file =
        parseConfig(QStringLiteral("[default]\nx = 1\n\n  # note\n  two\n\n\n[profile a]\n"));
    QCOMPARE(file.profile(QStringLiteral("default")).value(QStringLiteral("x")),
             QStringLiteral("1\n\ntwo"));
}

void TestProfileFile::splitShellWords_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << QStringLiteral(" a  b\tc ")
                           << QStringList{QStringLiteral("a"), QStringLiteral("b"),
                                          QStringLiteral("c")}
                           << true;
    QTest::newRow("single quotes keep backslashes")
        << QStringLiteral(R"('a b\n' c)")
        << QStringList{QStringLiteral(R"(a b\n)"), QStringLiteral("c")} << true;
    QTest::newRow("double quotes escape quote and backslash")
        << QStringLiteral(R"("a \"b\" \\ \$x")") << QStringList{QStringLiteral(R"(a "b" \ \$x)")}
        << true;
    QTest::newRow("backslash outside quotes")
        << QStringLiteral(R"(a\ b \'c)") << QStringList{QStringLiteral("a b"), QStringLiteral("'c")}
        << true;
    QTest::newRow("adjacent quotes join")
        << QStringLiteral(R"(x"y z"'w')") << QStringList{QStringLiteral("xy zw")} << true;
    QTest::newRow("empty quotes are a word")
        << QStringLiteral("a '' \"\"") << QStringList{QStringLiteral("a"), QString(), QString()}
        << true;
    QTest::newRow("no expansion or comments")
        << QStringLiteral("$HOME ~ #x")
        << QStringList{QStringLiteral("$HOME"), QStringLiteral("~"), QStringLiteral("#x")} << true;
    QTest::newRow("unclosed quote") << QStringLiteral("a 'b") << QStringList() << false;
    QTest::newRow("trailing backslash") << QStringLiteral("a\\") << QStringList() << false;
}

void TestProfileFile::splitShellWords()
{
    QFETCH(QString, text);
    QFETCH(QStringList, words);
    QFETCH(bool, valid);
    const auto split = ProfileFile::splitShellWords(text);
    QCOMPARE(split.has_value(), valid);
    if (valid)
        QCOMPARE(*split, words);
}

QTEST_GUILESS_MAIN(TestProfileFile)
#include "tst_profilefile.moc"
