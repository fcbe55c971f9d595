// The subscription list of the live MQTT pane (rows, validation, pause/resume, colours,
// counting, persistence in the settings), the topics "watch this thing" subscribes to, and the
// echo matcher that keeps a published message from showing twice. The MQTT connection is a real
// one that is not connected: subscriptions wait as pending, as they do before a connect.
#include "iot/ThingWatch.h"
#include "models/SubscriptionListModel.h"
#include "mqtt/EchoMatcher.h"
#include "mqtt/MqttConnection.h"
#include "session/Settings.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

MqttMessage message(const QString &topic, const QByteArray &payload = "{}")
{
    MqttMessage m;
    m.topic = topic;
    m.payload = payload;
    return m;
}

} // namespace

class TestSubscriptionListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_connection = std::make_unique<MqttConnection>();
        m_model = std::make_unique<SubscriptionListModel>(m_connection.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_connection.reset();
    }

    void addValidatesAndSubscribes_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("plain") << QStringLiteral("dt/lamp/telemetry") << true;
        QTest::newRow("plus") << QStringLiteral("dt/+/telemetry") << true;
        QTest::newRow("hash") << QStringLiteral("dt/#") << true;
        QTest::newRow("trimmed") << QStringLiteral("  dt/#  ") << true;
        QTest::newRow("hash not last") << QStringLiteral("dt/#/x") << false;
        QTest::newRow("plus inside a level") << QStringLiteral("dt/a+/x") << false;
        QTest::newRow("empty") << QString() << false;
    }

    void addValidatesAndSubscribes()
    {
        QFETCH(QString, filter);
        QFETCH(bool, accepted);
        QSignalSpy changed(m_model.get(), &SubscriptionListModel::subscriptionsChanged);
        const auto added = m_model->add(filter, 1);
        QCOMPARE(added.ok(), accepted);
        QCOMPARE(m_model->rowCount(), accepted ? 1 : 0);
        QCOMPARE(m_connection->subscriptions().size(), accepted ? 1 : 0);
        QCOMPARE(changed.count(), accepted ? 1 : 0);
        if (!accepted) {
            QVERIFY(!added.error().isEmpty());
            return;
        }
        QCOMPARE(m_connection->subscriptions().first()->filter().toString(), filter.trimmed());
        QCOMPARE(m_connection->subscriptions().first()->qos(), 1);
        QCOMPARE(m_model->rowState(0), SubscriptionListModel::RowState::Pending);
        QCOMPARE(m_model->index(0, SubscriptionListModel::FilterColumn).data().toString(),
                 filter.trimmed());
    }

    void duplicateIsRefused()
    {
        QVERIFY(m_model->add(QStringLiteral("a/#"), 0).ok());
        const auto again = m_model->add(QStringLiteral("a/#"), 1);
        QVERIFY(!again.ok());
        QVERIFY(again.error().contains(QStringLiteral("a/#")));
        QCOMPARE(m_model->rowCount(), 1);
    }

    void pauseUnsubscribesAndKeepsTheRow()
    {
        QVERIFY(m_model->add(QStringLiteral("a/#"), 1).ok());
        QVERIFY(m_model->add(QStringLiteral("b/#"), 0).ok());
        m_model->setPaused(0, true);
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->rowState(0), SubscriptionListModel::RowState::Paused);
        QCOMPARE(m_connection->subscriptions().size(), 1);
        QCOMPARE(m_connection->subscriptions().first()->filter().toString(), QStringLiteral("b/#"));
        QCOMPARE(m_model->colourOfTopic(QStringLiteral("a/x")), -1); // paused: no colour
        m_model->setPaused(0, false);
        QCOMPARE(m_model->rowState(0), SubscriptionListModel::RowState::Pending);
        QCOMPARE(m_connection->subscriptions().size(), 2);
        QVERIFY(m_model->colourOfTopic(QStringLiteral("a/x")) >= 0);
    }

    void removeUnsubscribes()
    {
        QVERIFY(m_model->add(QStringLiteral("a/#"), 1).ok());
        QVERIFY(m_model->add(QStringLiteral("b/#"), 1).ok());
        m_model->remove(0);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(m_model->saved().first().filter, QStringLiteral("b/#"));
        QCOMPARE(m_connection->subscriptions().size(), 1);
    }

    void coloursAreDistinctAndFollowTheFirstMatch()
    {
        QVERIFY(m_model->add(QStringLiteral("dt/+/telemetry"), 0).ok());
        QVERIFY(m_model->add(QStringLiteral("dt/#"), 0).ok());
        const QList<SavedSubscription> saved = m_model->saved();
        QVERIFY(saved.at(0).colour != saved.at(1).colour);
        QCOMPARE(m_model->colourOfTopic(QStringLiteral("dt/lamp/telemetry")), saved.at(0).colour);
        QCOMPARE(m_model->colourOfTopic(QStringLiteral("dt/lamp/status")), saved.at(1).colour);
        QCOMPARE(m_model->colourOfTopic(QStringLiteral("other")), -1);
        for (int i = 0; i < SubscriptionListModel::kColourCount - 2; ++i)
            QVERIFY(m_model->add(QStringLiteral("c%1/#").arg(i), 0).ok());
        QList<int> colours;
        for (const SavedSubscription &s : m_model->saved())
            colours.append(s.colour);
        std::sort(colours.begin(), colours.end());
        QVERIFY(std::adjacent_find(colours.begin(), colours.end()) == colours.end());
    }

    void countsEveryMatchingRow()
    {
        QVERIFY(m_model->add(QStringLiteral("dt/+/telemetry"), 0).ok());
        QVERIFY(m_model->add(QStringLiteral("dt/#"), 0).ok());
        QVERIFY(m_model->add(QStringLiteral("$aws/things/+/shadow/update/documents"), 0).ok());
        MqttMessageBatch batch{message(QStringLiteral("dt/a/telemetry")),
                               message(QStringLiteral("dt/b/telemetry")),
                               message(QStringLiteral("dt/b/status")),
                               message(QStringLiteral("$aws/things/a/shadow/update/documents")),
                               message(QStringLiteral("unrelated"))};
        m_model->countMessages(batch);
        m_model->countMessages(batch);
        QCOMPARE(m_model->messageCount(0), 4u);
        QCOMPARE(m_model->messageCount(1), 6u);
        QCOMPARE(m_model->messageCount(2), 2u);
        m_model->resetCounts();
        QCOMPARE(m_model->messageCount(1), 0u);
    }

    void rateIsPerSecond()
    {
        QVERIFY(m_model->add(QStringLiteral("dt/#"), 0).ok());
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        MqttMessageBatch batch;
        for (int i = 0; i < 30; ++i)
            batch.append(message(QStringLiteral("dt/x")));
        m_model->countMessages(batch);
        // The rate is taken on the model's 1 s timer: the first tick sees 30 new messages.
        QTRY_VERIFY_WITH_TIMEOUT(m_model->rate(0) > 0, 3000);
        QCOMPARE(m_model->rate(0), 30.0);
    }

    void restoreAndSavedRoundTrip()
    {
        const QList<SavedSubscription> saved{{QStringLiteral("a/#"), 1, false, 3},
                                             {QStringLiteral("b/+"), 0, true, 7},
                                             {QStringLiteral("bad/#/x"), 0, false, 1},
                                             {QStringLiteral("a/#"), 0, false, 2}};
        m_model->restore(saved);
        QCOMPARE(m_model->rowCount(), 2); // the invalid one and the duplicate are skipped
        QCOMPARE(m_model->saved(), (QList<SavedSubscription>{saved.at(0), saved.at(1)}));
        QCOMPARE(m_connection->subscriptions().size(), 1); // the paused one is not subscribed
        QCOMPARE(m_model->rowState(1), SubscriptionListModel::RowState::Paused);
    }

    void settingsKeepSubscriptionsPerConnection()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("thingdeck.conf"));
        const QList<SavedSubscription> mine{{QStringLiteral("dt/#"), 1, false, 0},
                                            {QStringLiteral("x/+/y"), 0, true, 4}};
        {
            Settings settings(file);
            ConnectionSettings a = ConnectionSettings::withDefaults(QStringLiteral("a/b\\c"));
            QVERIFY(settings.saveConnection(a).ok());
            settings.setSubscriptions(a.name, mine);
            settings.setSubscriptions(QStringLiteral("other"),
                                      {{QStringLiteral("z"), 0, false, 1}});
            settings.sync();
        }
        Settings settings(file);
        QCOMPARE(settings.subscriptions(QStringLiteral("a/b\\c")), mine);
        QCOMPARE(settings.subscriptions(QStringLiteral("other")).size(), 1);
        QVERIFY(settings.subscriptions(QStringLiteral("unknown")).isEmpty());
        // A rename takes them along; removing the connection forgets them.
        ConnectionSettings renamed = *settings.connection(QStringLiteral("a/b\\c"));
        renamed.name = QStringLiteral("renamed");
        QVERIFY(settings.saveConnection(renamed, QStringLiteral("a/b\\c")).ok());
        QCOMPARE(settings.subscriptions(QStringLiteral("renamed")), mine);
        QVERIFY(settings.subscriptions(QStringLiteral("a/b\\c")).isEmpty());
        settings.removeConnection(QStringLiteral("renamed"));
        QVERIFY(settings.subscriptions(QStringLiteral("renamed")).isEmpty());
    }

    void messageCapsPersist()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("thingdeck.conf"));
        {
            Settings settings(file);
            QCOMPARE(settings.messageCaps(), (QPair<qint64, qint64>{0, 0}));
            settings.setMessageCaps(5000, 64LL << 20);
            settings.sync();
        }
        QCOMPARE(Settings(file).messageCaps(), (QPair<qint64, qint64>{5000, 64LL << 20}));
    }

    void watchTopicsAreExact()
    {
        const QStringList filters = ThingWatch::topicFilters(
            QStringLiteral("lamp-1"), {QStringLiteral("config"), QStringLiteral("bad/name")},
            QStringLiteral("dt/{thing}/#"));
        QStringList expected;
        for (const QString &prefix : {QStringLiteral("$aws/things/lamp-1/shadow/"),
                                      QStringLiteral("$aws/things/lamp-1/shadow/name/config/")}) {
            for (const QString &op :
                 {QStringLiteral("update/documents"), QStringLiteral("update/delta"),
                  QStringLiteral("update/accepted"), QStringLiteral("update/rejected"),
                  QStringLiteral("get/accepted"), QStringLiteral("delete/accepted")})
                expected.append(prefix + op);
        }
        expected << QStringLiteral("$aws/events/presence/+/lamp-1")
                 << QStringLiteral("dt/lamp-1/#");
        QCOMPARE(filters, expected);
        for (const QString &filter : filters) {
            if (filter.startsWith(QLatin1String("$aws/things/")))
                QVERIFY2(!filter.contains(QLatin1Char('+')) && !filter.contains(QLatin1Char('#')),
                         qPrintable(filter));
        }
        QCOMPARE(ThingWatch::topicFilters(QStringLiteral("t"), {}, QString()).size(), 7);
        QCOMPARE(ThingWatch::telemetryFilter(QStringLiteral("t"), QStringLiteral("fixed/#")),
                 QStringLiteral("fixed/#"));
    }

    void echoIsMarkedOnceAndExpectationsAreBounded()
    {
        qint64 now = 1000;
        EchoMatcher echoes([&now] { return now; });
        echoes.expect(message(QStringLiteral("t"), "one"));
        echoes.expect(message(QStringLiteral("t"), "one"));
        MqttMessageBatch batch{
            message(QStringLiteral("t"), "one"), message(QStringLiteral("t"), "two"),
            message(QStringLiteral("u"), "one"), message(QStringLiteral("t"), "one"),
            message(QStringLiteral("t"), "one")};
        echoes.markEchoes(batch);
        QCOMPARE(batch.at(0).outgoing, true);
        QCOMPARE(batch.at(1).outgoing, false);
        QCOMPARE(batch.at(2).outgoing, false);
        QCOMPARE(batch.at(3).outgoing, true);
        QCOMPARE(batch.at(4).outgoing, false); // two publishes, two echoes: the third is another's
        QCOMPARE(echoes.pending(), 0);
        for (int i = 0; i < EchoMatcher::kMaxExpected + 10; ++i)
            echoes.expect(message(QStringLiteral("t"), QByteArray::number(i)));
        QCOMPARE(echoes.pending(), EchoMatcher::kMaxExpected);
        now += EchoMatcher::kMaxAgeMs + 1;
        MqttMessageBatch late{message(QStringLiteral("t"), "500")};
        echoes.markEchoes(late);
        QCOMPARE(late.first().outgoing, false);
        QCOMPARE(echoes.pending(), 0);
    }

private:
    std::unique_ptr<MqttConnection> m_connection;
    std::unique_ptr<SubscriptionListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(TestSubscriptionListModel)
#include "tst_subscriptionlistmodel.moc"
