// The strong names of the IoT API (ThingName, ShadowName, ClientId) against AWS's patterns
// and lengths, and the argument checks of ListThings and UpdateThing, all made before any
// request is sent.
#include "iot/ShadowName.h"
#include "iot/ThingAttributeUpdate.h"
#include "iot/ThingName.h"
#include "iot/ThingQuery.h"
#include "mqtt/ClientId.h"

#include <QJsonDocument>
#include <QTest>

using namespace thingdeck;

Q_DECLARE_METATYPE(thingdeck::ThingQuery)

class TestIotNames : public QObject
{
    Q_OBJECT

private:
    static void addNameColumns()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem"); // a fragment of the error, empty when valid
    }

    template<typename Name> static void checkName()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const auto result = Name::create(text);
        QCOMPARE(result.ok(), problem.isEmpty());
        QCOMPARE(Name::validate(text).isEmpty(), problem.isEmpty());
        if (result.ok())
            QCOMPARE(result.value().toString(), text);
        else
            QVERIFY2(result.error().contains(problem), qPrintable(result.error()));
    }

private Q_SLOTS:
    void thingName_data()
    {
        addNameColumns();
        QTest::newRow("letters and digits") << QStringLiteral("Lamp42") << QString();
        QTest::newRow("colon underscore hyphen") << QStringLiteral("lamp:1_a-b") << QString();
        QTest::newRow("one character") << QStringLiteral("x") << QString();
        QTest::newRow("128 characters") << QString(128, QLatin1Char('a')) << QString();
        QTest::newRow("empty") << QString()
                               << QStringLiteral("is empty; AWS IoT requires 1 to 128");
        QTest::newRow("129 characters")
            << QString(129, QLatin1Char('a'))
            << QStringLiteral("is 129 characters long; AWS IoT allows at most 128");
        QTest::newRow("space") << QStringLiteral("bad name") << QStringLiteral("contains U+0020");
        QTest::newRow("slash") << QStringLiteral("a/b") << QStringLiteral("contains '/'");
        QTest::newRow("dot") << QStringLiteral("a.b") << QStringLiteral("contains '.'");
        QTest::newRow("dollar") << QStringLiteral("$lamp") << QStringLiteral("contains '$'");
        QTest::newRow("plus wildcard") << QStringLiteral("a+") << QStringLiteral("contains '+'");
        QTest::newRow("hash wildcard") << QStringLiteral("a#") << QStringLiteral("contains '#'");
        QTest::newRow("non-ASCII letter")
            << QStringLiteral("lampé") << QStringLiteral("[a-zA-Z0-9:_-]+");
        QTest::newRow("NUL") << QStringLiteral("a") + QChar(0) << QStringLiteral("U+0000");
    }

    void thingName() { checkName<ThingName>(); }

    void shadowName_data()
    {
        addNameColumns();
        QTest::newRow("plain") << QStringLiteral("config") << QString();
        QTest::newRow("dollar colon underscore hyphen")
            << QStringLiteral("$cfg:a_b-c") << QString();
        QTest::newRow("64 characters") << QString(64, QLatin1Char('s')) << QString();
        QTest::newRow("empty is not the classic shadow")
            << QString() << QStringLiteral("is empty; AWS IoT requires 1 to 64");
        QTest::newRow("65 characters")
            << QString(65, QLatin1Char('s'))
            << QStringLiteral("is 65 characters long; AWS IoT allows at most 64");
        QTest::newRow("slash") << QStringLiteral("a/b") << QStringLiteral("contains '/'");
        QTest::newRow("space") << QStringLiteral("my shadow") << QStringLiteral("U+0020");
        QTest::newRow("plus") << QStringLiteral("a+b") << QStringLiteral("[$a-zA-Z0-9:_-]+");
        QTest::newRow("hash") << QStringLiteral("#") << QStringLiteral("contains '#'");
    }

    void shadowName() { checkName<ShadowName>(); }

    void classicShadow()
    {
        const ShadowName classic = ShadowName::classic();
        QVERIFY(classic.isClassic());
        QVERIFY(classic.toString().isEmpty());
        const ShadowName named = ShadowName::create(QStringLiteral("cfg")).value();
        QVERIFY(!named.isClassic());
        QVERIFY(!(classic == named));
        QVERIFY(classic == ShadowName::classic());
    }

    void clientId_data()
    {
        addNameColumns();
        QTest::newRow("thing name") << QStringLiteral("lamp-1") << QString();
        QTest::newRow("any punctuation") << QStringLiteral("a/b+c#d $e.f") << QString();
        QTest::newRow("non-ASCII") << QStringLiteral("capteur-é") << QString();
        QTest::newRow("128 bytes") << QString(128, QLatin1Char('c')) << QString();
        QTest::newRow("64 two-byte characters are 128 bytes")
            << QString(64, QChar(0x00e9)) << QString();
        QTest::newRow("empty") << QString() << QStringLiteral("cannot be empty");
        QTest::newRow("129 bytes")
            << QString(129, QLatin1Char('c'))
            << QStringLiteral("129 bytes long in UTF-8; AWS IoT allows at most 128");
        QTest::newRow("65 two-byte characters are 130 bytes")
            << QString(65, QChar(0x00e9)) << QStringLiteral("130 bytes");
        QTest::newRow("43 three-byte characters are 129 bytes")
            << QString(43, QChar(0x20ac)) << QStringLiteral("129 bytes");
        QTest::newRow("NUL") << QStringLiteral("a") + QChar(0) + QStringLiteral("b")
                             << QStringLiteral("NUL");
        QTest::newRow("lone surrogate")
            << QStringLiteral("a") + QChar(0xd800) << QStringLiteral("lone surrogate");
    }

    void clientId() { checkName<ClientId>(); }

    void clientIdUtf8()
    {
        const ClientId id = ClientId::create(QStringLiteral("capteur-é")).value();
        QCOMPARE(id.toUtf8(), QByteArray("capteur-\xc3\xa9"));
    }

    void thingQuery_data()
    {
        QTest::addColumn<ThingQuery>("query");
        QTest::addColumn<QString>("problem");

        const auto query = [](const char *name, const char *value, bool prefix, const char *type,
                              int maxResults) {
            return ThingQuery{QString::fromUtf8(name), QString::fromUtf8(value), prefix,
                              QString::fromUtf8(type), maxResults};
        };
        QTest::newRow("nothing") << query("", "", false, "", 0) << QString();
        QTest::newRow("all filters") << query("room", "kitchen", true, "Lamp", 250) << QString();
        QTest::newRow("attribute name only") << query("room", "", false, "", 1) << QString();
        QTest::newRow("value characters")
            << query("a.b,c@d/e:f#g-h_", "x=[1]", false, "", 0) << QString();
        QTest::newRow("800-character value")
            << ThingQuery{QStringLiteral("a"), QString(800, QLatin1Char('v')), false, {}, 0}
            << QString();
        QTest::newRow("801-character value")
            << ThingQuery{QStringLiteral("a"), QString(801, QLatin1Char('v')), false, {}, 0}
            << QStringLiteral("attribute value is 801 characters long");
        QTest::newRow("maxResults 251")
            << query("", "", false, "", 251) << QStringLiteral("maxResults is 251");
        QTest::newRow("maxResults negative")
            << query("", "", false, "", -1) << QStringLiteral("accepts 1 to 250");
        QTest::newRow("value without name")
            << query("", "kitchen", false, "", 0) << QStringLiteral("needs an attribute name");
        QTest::newRow("prefix without name")
            << query("", "", true, "", 0) << QStringLiteral("needs an attribute name");
        QTest::newRow("space in attribute name")
            << query("my room", "", false, "", 0) << QStringLiteral("attribute name");
        QTest::newRow("equals in attribute name")
            << query("a=b", "", false, "", 0) << QStringLiteral("contains '='");
        QTest::newRow("space in value")
            << query("room", "living room", false, "", 0) << QStringLiteral("attribute value");
        QTest::newRow("slash in type")
            << query("", "", false, "a/b", 0) << QStringLiteral("thing type name");
    }

    void thingQuery()
    {
        QFETCH(ThingQuery, query);
        QFETCH(QString, problem);
        const QString found = query.validate();
        if (problem.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        else
            QVERIFY2(found.contains(problem), qPrintable(found));
    }

    void thingQueryItems()
    {
        const ThingQuery query{QStringLiteral("room"), QStringLiteral("kit"), true,
                               QStringLiteral("Lamp"), 20};
        const QList<std::pair<QString, QString>> expected{
            {QStringLiteral("maxResults"), QStringLiteral("20")},
            {QStringLiteral("attributeName"), QStringLiteral("room")},
            {QStringLiteral("attributeValue"), QStringLiteral("kit")},
            {QStringLiteral("usePrefixAttributeValue"), QStringLiteral("true")},
            {QStringLiteral("thingTypeName"), QStringLiteral("Lamp")}};
        QCOMPARE(query.toQueryItems(), expected);
        QVERIFY(ThingQuery().toQueryItems().isEmpty());
    }

    void attributeUpdate_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("problem");
        QTest::newRow("plain") << QStringLiteral("color") << QStringLiteral("red") << QString();
        QTest::newRow("empty value removes") << QStringLiteral("color") << QString() << QString();
        QTest::newRow("brackets and equals in value")
            << QStringLiteral("list") << QStringLiteral("[a=1]") << QString();
        QTest::newRow("empty name")
            << QString() << QStringLiteral("x") << QStringLiteral("attribute name is empty");
        QTest::newRow("bracket in name")
            << QStringLiteral("a[0]") << QStringLiteral("x") << QStringLiteral("contains '['");
        QTest::newRow("quote in value")
            << QStringLiteral("a") << QStringLiteral("\"x\"") << QStringLiteral("contains '\"'");
        QTest::newRow("129-character name") << QString(129, QLatin1Char('n')) << QStringLiteral("x")
                                            << QStringLiteral("129 characters long");
    }

    void attributeUpdate()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        ThingAttributeUpdate update;
        update.attributes.insert(name, value);
        const QString found = update.validate();
        if (problem.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        else
            QVERIFY2(found.contains(problem), qPrintable(found));
    }

    void attributeUpdateBody()
    {
        ThingAttributeUpdate update;
        update.attributes = {{QStringLiteral("color"), QStringLiteral("red")},
                             {QStringLiteral("old"), QString()}};
        update.expectedVersion = 3;
        QCOMPARE(
            QJsonDocument(update.toJson()).toJson(QJsonDocument::Compact),
            QByteArray("{\"attributePayload\":{\"attributes\":{\"color\":\"red\",\"old\":\"\"},"
                       "\"merge\":true},\"expectedVersion\":3}"));
        update.merge = false;
        update.expectedVersion.reset();
        QCOMPARE(
            QJsonDocument(update.toJson()).toJson(QJsonDocument::Compact),
            QByteArray("{\"attributePayload\":{\"attributes\":{\"color\":\"red\",\"old\":\"\"},"
                       "\"merge\":false}}"));
        update.expectedVersion = -1;
        QVERIFY(update.validate().contains(QStringLiteral("cannot be negative")));
    }
};

QTEST_GUILESS_MAIN(TestIotNames)
#include "tst_iotnames.moc"
