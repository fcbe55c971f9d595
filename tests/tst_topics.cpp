// Topic names (publishable, AWS limits) and topic filters (wildcards, matching rules).
#include "mqtt/TopicFilter.h"
#include "mqtt/TopicName.h"

#include <QTest>

using namespace thingdeck;

class TestTopics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topicName_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem"); // a fragment of the error, empty when valid

        QTest::newRow("plain") << QStringLiteral("dt/lamp-1/telemetry") << QString();
        QTest::newRow("shadow topic with 7+ slashes is reserved")
            << QStringLiteral("$aws/things/lamp-1/shadow/name/cfg/update/accepted") << QString();
        QTest::newRow("non-ASCII") << QStringLiteral("capteurs/température") << QString();
        QTest::newRow("empty") << QString() << QStringLiteral("cannot be empty");
        QTest::newRow("plus wildcard") << QStringLiteral("a/+/b") << QStringLiteral("wildcard");
        QTest::newRow("hash wildcard") << QStringLiteral("a/#") << QStringLiteral("wildcard");
        QTest::newRow("8 slashes")
            << QStringLiteral("a/b/c/d/e/f/g/h/i") << QStringLiteral("at most 7");
        QTest::newRow("7 slashes") << QStringLiteral("a/b/c/d/e/f/g/h") << QString();
        QTest::newRow("257 bytes") << QString(257, QLatin1Char('x')) << QStringLiteral("257 bytes");
        QTest::newRow("256 bytes") << QString(256, QLatin1Char('x')) << QString();
        QTest::newRow("NUL") << (QStringLiteral("dt/a") + QChar(0) + QStringLiteral("b"))
                             << QStringLiteral("NUL character");
        QTest::newRow("multi-byte counted in bytes")
            << QString(129, QChar(0x00e9)) << QStringLiteral("258 bytes");
    }

    void topicName()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const auto result = TopicName::create(text);
        QCOMPARE(result.ok(), problem.isEmpty());
        if (result.ok())
            QCOMPARE(result.value().toString(), text);
        else
            QVERIFY2(result.error().contains(problem), qPrintable(result.error()));
    }

    void topicFilterValidity_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");

        QTest::newRow("exact") << QStringLiteral("dt/lamp/telemetry") << true;
        QTest::newRow("plus level") << QStringLiteral("dt/+/telemetry") << true;
        QTest::newRow("hash last") << QStringLiteral("dt/#") << true;
        QTest::newRow("only hash") << QStringLiteral("#") << true;
        QTest::newRow("only plus") << QStringLiteral("+") << true;
        QTest::newRow("hash not last") << QStringLiteral("dt/#/x") << false;
        QTest::newRow("hash inside level") << QStringLiteral("dt/a#") << false;
        QTest::newRow("plus inside level") << QStringLiteral("dt/a+/x") << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("NUL") << (QStringLiteral("dt/a") + QChar(0) + QStringLiteral("b/#"))
                             << false;
    }

    void topicFilterValidity()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QCOMPARE(TopicFilter::create(text).ok(), valid);
    }

    void matches_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("topic");
        QTest::addColumn<bool>("match");

        QTest::newRow("exact") << QStringLiteral("a/b") << QStringLiteral("a/b") << true;
        QTest::newRow("exact differs") << QStringLiteral("a/b") << QStringLiteral("a/c") << false;
        QTest::newRow("plus one level")
            << QStringLiteral("a/+/c") << QStringLiteral("a/b/c") << true;
        QTest::newRow("plus not two levels")
            << QStringLiteral("a/+") << QStringLiteral("a/b/c") << false;
        QTest::newRow("plus matches empty level")
            << QStringLiteral("a/+/c") << QStringLiteral("a//c") << true;
        QTest::newRow("hash matches parent")
            << QStringLiteral("a/#") << QStringLiteral("a") << true;
        QTest::newRow("hash matches deep")
            << QStringLiteral("a/#") << QStringLiteral("a/b/c/d") << true;
        QTest::newRow("hash alone") << QStringLiteral("#") << QStringLiteral("x/y") << true;
        QTest::newRow("hash never matches $ topics")
            << QStringLiteral("#") << QStringLiteral("$aws/things/x") << false;
        QTest::newRow("plus first never matches $ topics")
            << QStringLiteral("+/things/x") << QStringLiteral("$aws/things/x") << false;
        QTest::newRow("explicit $aws filter")
            << QStringLiteral("$aws/things/+/shadow/#")
            << QStringLiteral("$aws/things/lamp/shadow/update/delta") << true;
        QTest::newRow("longer topic") << QStringLiteral("a/b") << QStringLiteral("a/b/c") << false;
        QTest::newRow("shorter topic") << QStringLiteral("a/b/c") << QStringLiteral("a/b") << false;
    }

    void matches()
    {
        QFETCH(QString, filter);
        QFETCH(QString, topic);
        QFETCH(bool, match);
        QCOMPARE(TopicFilter::create(filter).value().matches(topic), match);
    }
};

QTEST_GUILESS_MAIN(TestTopics)
#include "tst_topics.moc"
