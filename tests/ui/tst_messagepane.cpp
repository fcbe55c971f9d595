// The live MQTT pane in the real window, offscreen, against the real sandbox process: its
// mosquitto with mutual TLS behind the policy proxy (--deny), its simulated devices sending
// telemetry, and its REST API (named shadows for "watch this thing").
#include "MainWindow.h"
#include "SandboxProcess.h"
#include "SandboxSeeder.h"
#include "common/MessageBar.h"
#include "iot/ShadowClient.h"
#include "iot/ThingName.h"
#include "iot/ThingWatch.h"
#include "messages/HexView.h"
#include "messages/MessageDetails.h"
#include "messages/MessagePane.h"
#include "messages/SubscriptionPanel.h"
#include "models/MessageFilterModel.h"
#include "models/MessageTableModel.h"
#include "models/SubscriptionListModel.h"
#include "models/ThingListModel.h"
#include "mqtt/MessageLineFormatter.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxInfo.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "things/ThingBrowser.h"
#include "workspace/Workspace.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace thingdeck;

namespace {

const QString kConnection = QStringLiteral("pane-sandbox");
constexpr int kThings = 3;
constexpr int kDeniedDevice = 0; // the device whose certificate the window connects with

struct Harness
{
    Harness(const QString &dir, const QProcessEnvironment &environment)
        : settings(dir + QStringLiteral("/thingdeck.conf"))
        , workspace(&settings, &secrets, environment, {}, {})
        , drafts(dir + QStringLiteral("/drafts"))
        , window(&workspace, &settings, &secrets, &drafts, environment)
    {
        drafts.load();
        window.restoreState();
        window.resize(1280, 800);
        window.show();
    }

    bool closeAndWait()
    {
        QSignalSpy done(&workspace, &Workspace::shutDown);
        window.close();
        return done.count() > 0 || done.wait(20000);
    }

    Settings settings;
    SecretStore secrets;
    Workspace workspace;
    DraftStore drafts;
    MainWindow window;
};

TopicName topic(const QString &text)
{
    return TopicName::create(text).value();
}

} // namespace

class TestMessagePane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void subscribeAndSeeTelemetry();
    void pauseAndResumeASubscription();
    void followStopsWhenScrolledUpAndEndResumes();
    void pauseTheTableAndClear();
    void topicAndTextFilters();
    void binaryMegabyteShowsInHexAndExportsAsBase64();
    void byteCapDropsOldestAndCounts();
    void exportThenImportRoundTripsByteForByte();
    void watchThisThingSubscribesToExactlyItsTopics();
    void policyDenialShowsOnTheRowAndIsNotRetried();

private:
    MessagePane *pane() const { return m_main->window.messagePane(); }
    ConsoleSession *session() const { return m_main->workspace.session(); }
    SubscriptionListModel *subscriptions() const { return pane()->subscriptionModel(); }
    bool addSubscription(const QString &filter, int qos = 1);
    bool rowActive(const QString &filter) const;
    /// Publishes on `marker/N` and waits until it arrived: everything this client published
    /// before, and everything the broker routed to it before, has arrived too.
    bool sync();
    bool sendAndWait(const QString &topicName, const QByteArray &payload, int qos = 1,
                     bool retain = false);
    QStringList shownTopics() const;
    int storeRowsOn(const QString &topicName) const;
    void removeAllSubscriptions();
    bool exportAll(const QString &path);

    QTemporaryDir m_dir;
    std::unique_ptr<test::SandboxProcess> m_sandbox;
    SandboxInfo m_info;
    QProcessEnvironment m_environment;
    std::unique_ptr<Harness> m_main;
    int m_marker = 0;
};

void TestMessagePane::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    const QString denied = SandboxSeeder::thingNames(kThings).at(kDeniedDevice);
    m_sandbox = std::make_unique<test::SandboxProcess>(m_dir.filePath(QStringLiteral("sandbox")));
    QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QString::number(kThings),
                               QStringLiteral("--telemetry-rate"), QStringLiteral("30"),
                               QStringLiteral("--deny"), denied + QStringLiteral("=secret/#")}),
             qPrintable(m_sandbox->error()));
    const auto info = SandboxInfo::read(m_dir.filePath(QStringLiteral("sandbox/sandbox.json")));
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    m_info = info.value();
    m_environment = m_sandbox->awsEnvironment(m_dir.filePath(QStringLiteral("home")));
    m_main = std::make_unique<Harness>(m_dir.path(), m_environment);
    ConnectionSettings connection = m_info.connectionSettings(kConnection);
    connection.kind = ConnectionSettings::Kind::AwsProfile; // keys from the environment
    m_main->workspace.openUnsaved(connection);
    QVERIFY(session());
    QVERIFY(QTest::qWaitFor(
        [this] {
            return session()->things() && session()->things()->rowCount() >= kThings &&
                   session()->mqtt()->state() == MqttConnection::State::Connected;
        },
        30000));
    QVERIFY(m_main->window.messagesDock()->isVisible());
    QCOMPARE(subscriptions()->rowCount(), 0);
    QVERIFY(pane()->subscriptions()->hintLabel()->isVisible());
    QVERIFY(addSubscription(QStringLiteral("marker/#")));
}

void TestMessagePane::cleanupTestCase()
{
    if (m_main)
        QVERIFY(m_main->closeAndWait());
    m_main.reset();
    m_sandbox.reset();
}

bool TestMessagePane::addSubscription(const QString &filter, int qos)
{
    SubscriptionPanel *panel = pane()->subscriptions();
    panel->filterEntry()->setText(filter);
    panel->qosChoice()->setCurrentIndex(qos);
    if (!panel->addButton()->isEnabled())
        return false;
    QTest::keyClick(panel->filterEntry(), Qt::Key_Return);
    return rowActive(filter) ||
           QTest::qWaitFor([this, filter] { return rowActive(filter); }, 10000);
}

bool TestMessagePane::rowActive(const QString &filter) const
{
    const int row = subscriptions()->rowOf(filter);
    return row >= 0 && subscriptions()->rowState(row) == SubscriptionListModel::RowState::Active;
}

bool TestMessagePane::sync()
{
    const QString name = QStringLiteral("marker/%1").arg(++m_marker);
    return sendAndWait(name, "sync");
}

bool TestMessagePane::sendAndWait(const QString &topicName, const QByteArray &payload, int qos,
                                  bool retain)
{
    const int before = storeRowsOn(topicName);
    if (!session()->mqtt()->send(topic(topicName), payload, qos, retain).ok())
        return false;
    return QTest::qWaitFor([&] { return storeRowsOn(topicName) > before; }, 15000);
}

int TestMessagePane::storeRowsOn(const QString &topicName) const
{
    return int(session()->messages()->topicCounts().value(topicName));
}

QStringList TestMessagePane::shownTopics() const
{
    QStringList topics;
    const QAbstractItemModel *model = pane()->table()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        topics.append(model->index(row, 0).data(MessageTableModel::TopicRole).toString());
    return topics;
}

void TestMessagePane::removeAllSubscriptions()
{
    while (subscriptions()->rowCount() > 0)
        subscriptions()->remove(0);
}

bool TestMessagePane::exportAll(const QString &path)
{
    QSignalSpy finished(pane(), &MessagePane::transferFinished);
    pane()->exportTo(path, false);
    if (finished.isEmpty() && !finished.wait(30000))
        return false;
    return finished.first().at(0).toBool();
}

// Typed in the panel, subscribed on the broker, telemetry from the devices in the table,
// coloured by its subscription and counted on its row; saved with the connection.
void TestMessagePane::subscribeAndSeeTelemetry()
{
    QVERIFY(addSubscription(QStringLiteral("dt/#"), 0));
    QVERIFY(!pane()->subscriptions()->hintLabel()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(shownTopics().size() >= 10, 15000);
    const QStringList topics = shownTopics();
    const QString telemetry = topics.last();
    QVERIFY2(telemetry.startsWith(QLatin1String("dt/")), qPrintable(telemetry));
    const int row = subscriptions()->rowOf(QStringLiteral("dt/#"));
    QCOMPARE(subscriptions()->colourOfTopic(telemetry), subscriptions()->saved().at(row).colour);
    QTRY_VERIFY(subscriptions()->messageCount(row) >= 10);
    QTRY_VERIFY(subscriptions()->rate(row) > 0);
    QTRY_VERIFY(!pane()->rateLabel()->text().startsWith(QLatin1String("0 ")));
    QVERIFY(m_main->window.messageStatus()->text().contains(QLatin1String("msg/s")));
    const QList<SavedSubscription> saved = m_main->settings.subscriptions(kConnection);
    QCOMPARE(saved.size(), 2);
    QCOMPARE(saved.at(1).filter, QStringLiteral("dt/#"));
    // An invalid filter is refused with the reason, before anything is sent.
    pane()->subscriptions()->filterEntry()->setText(QStringLiteral("dt/#/x"));
    QVERIFY(!pane()->subscriptions()->addButton()->isEnabled());
    pane()->subscriptions()->filterEntry()->clear();
}

// Paused: unsubscribed, the row kept, nothing counted. Resumed: messages flow again.
void TestMessagePane::pauseAndResumeASubscription()
{
    SubscriptionPanel *panel = pane()->subscriptions();
    const int row = subscriptions()->rowOf(QStringLiteral("dt/#"));
    panel->view()->setFocus();
    panel->view()->selectRow(row);
    QTest::keyClick(panel->view(), Qt::Key_Space);
    QCOMPARE(subscriptions()->rowState(row), SubscriptionListModel::RowState::Paused);
    QCOMPARE(panel->pauseButton()->defaultAction()->text(), QStringLiteral("Resume"));
    QVERIFY(sync()); // the UNSUBSCRIBE went before it, so the broker has applied it
    const quint64 counted = subscriptions()->messageCount(row);
    const int mine = storeRowsOn(QStringLiteral("dt/pane-test/telemetry"));
    QVERIFY(session()
                ->mqtt()
                ->send(topic(QStringLiteral("dt/pane-test/telemetry")), "{}", 1, false)
                .ok());
    QVERIFY(sync()); // what was published before the marker would have arrived before it
    QCOMPARE(storeRowsOn(QStringLiteral("dt/pane-test/telemetry")), mine);
    QCOMPARE(subscriptions()->messageCount(row), counted);
    QCOMPARE(m_main->settings.subscriptions(kConnection).at(row).paused, true);

    QTest::keyClick(panel->view(), Qt::Key_Space);
    QTRY_VERIFY(rowActive(QStringLiteral("dt/#")));
    QVERIFY(sendAndWait(QStringLiteral("dt/pane-test/telemetry"), "{}"));
    QVERIFY(subscriptions()->messageCount(row) > counted);
}

void TestMessagePane::followStopsWhenScrolledUpAndEndResumes()
{
    QTableView *table = pane()->table();
    QScrollBar *bar = table->verticalScrollBar();
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > 60, 15000);
    QVERIFY(pane()->isFollowing());
    QTRY_COMPARE(bar->value(), bar->maximum());
    bar->setValue(0); // the user scrolls up
    QVERIFY(!pane()->isFollowing());
    QVERIFY(!pane()->followButton()->isChecked());
    const int rows = table->model()->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > rows + 5, 10000);
    QCOMPARE(bar->value(), 0); // new rows did not move the view
    table->setFocus();
    QTest::keyClick(table, Qt::Key_End);
    QVERIFY(pane()->isFollowing());
    QVERIFY(pane()->followButton()->isChecked());
    const int later = table->model()->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > later + 5, 10000);
    QTRY_COMPARE(bar->value(), bar->maximum());
}

// Paused, the table stands still while the store keeps taking messages (counted on screen);
// resumed, it catches up. Clear empties both.
// A case that fails half-way must not leave the table paused for the ones after it.
void TestMessagePane::cleanup()
{
    if (m_main && pane()->isPaused())
        pane()->setPaused(false);
}

void TestMessagePane::pauseTheTableAndClear()
{
    QAbstractItemModel *model = pane()->table()->model();
    QTest::mouseClick(pane()->pauseButton(), Qt::LeftButton);
    QVERIFY(pane()->isPaused());
    const int rows = model->rowCount();
    const quint64 next = session()->messages()->nextId();
    QTRY_VERIFY_WITH_TIMEOUT(session()->messages()->nextId() > next + 10, 10000);
    QCOMPARE(model->rowCount(), rows);
    // The label is refreshed on the model's flush timer: wait for it to count what came in.
    QTRY_VERIFY_WITH_TIMEOUT(pane()->pausedLabel()->text().startsWith(QLatin1String("Paused: ")) &&
                                 !pane()->pausedLabel()->text().endsWith(QLatin1String(" 0 new")),
                             10000);
    QTest::keyClick(pane(), Qt::Key_P, Qt::ControlModifier);
    QVERIFY(!pane()->isPaused());
    QVERIFY(model->rowCount() >= rows + 10);
    QVERIFY(pane()->pausedLabel()->text().isEmpty());

    QTest::keyClick(pane()->table(), Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(session()->messages()->size(), 0);
    QCOMPARE(subscriptions()->messageCount(subscriptions()->rowOf(QStringLiteral("dt/#"))), 0u);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 10000); // live again
}

void TestMessagePane::topicAndTextFilters()
{
    QVERIFY(addSubscription(QStringLiteral("filt/#")));
    QVERIFY(sendAndWait(QStringLiteral("filt/a/x"), R"({"needle": 1})"));
    QVERIFY(sendAndWait(QStringLiteral("filt/b/x"), "haystack"));
    pane()->topicFilterField()->setText(QStringLiteral("filt/a/#"));
    QTRY_COMPARE(shownTopics(), QStringList{QStringLiteral("filt/a/x")});
    pane()->topicFilterField()->setText(QStringLiteral("filt/+/x"));
    QTRY_COMPARE(shownTopics(),
                 (QStringList{QStringLiteral("filt/a/x"), QStringLiteral("filt/b/x")}));
    // Not a filter: said on the field, the last good filter stays.
    pane()->topicFilterField()->setText(QStringLiteral("filt/#/x"));
    QVERIFY(!pane()->topicFilterField()->toolTip().isEmpty());
    QCOMPARE(pane()->filterModel()->topicFilter()->toString(), QStringLiteral("filt/+/x"));
    pane()->topicFilterField()->clear();
    QTest::keyClick(pane(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(pane()->textFilterField()->hasFocus());
    QTest::keyClicks(pane()->textFilterField(), QStringLiteral("HAYSTACK"));
    QTRY_COMPARE(shownTopics(), QStringList{QStringLiteral("filt/b/x")});
    pane()->textFilterField()->setText(QStringLiteral("needle"));
    QTRY_COMPARE(shownTopics(), QStringList{QStringLiteral("filt/a/x")});
    pane()->textFilterField()->setText(QStringLiteral("filt/b"));
    QTRY_COMPARE(shownTopics(), QStringList{QStringLiteral("filt/b/x")}); // topics are searched too
    pane()->textFilterField()->clear();
    QTRY_VERIFY(shownTopics().size() > 2);
}

// AWS IoT (and the sandbox's broker, which keeps its limit) refuses payloads over 128 KB, so a
// 1 MB payload reaches the pane from a file, as recorded elsewhere; a 120 KB one over MQTT.
void TestMessagePane::binaryMegabyteShowsInHexAndExportsAsBase64()
{
    QVERIFY(addSubscription(QStringLiteral("bin/#")));
    QRandomGenerator generator(42);
    const auto randomBytes = [&generator](qsizetype size) {
        QByteArray bytes(size, Qt::Uninitialized);
        for (char &byte : bytes)
            byte = char(generator.bounded(256));
        bytes[0] = '\xff'; // never valid UTF-8
        return bytes;
    };
    const QByteArray overMqtt = randomBytes(120 * 1024);
    QVERIFY(sendAndWait(QStringLiteral("bin/mqtt"), overMqtt));
    MqttMessage big;
    big.topic = QStringLiteral("bin/file");
    big.payload = randomBytes(1024 * 1024);
    big.timestampMs = QDateTime::currentMSecsSinceEpoch();
    big.qos = 1;
    QByteArray line;
    MessageLineFormatter::append(big, line);
    const QString source = m_dir.filePath(QStringLiteral("big.ndjson"));
    QFile in(source);
    QVERIFY(in.open(QIODevice::WriteOnly) && in.write(line) == line.size());
    in.close();
    QSignalSpy imported(pane(), &MessagePane::transferFinished);
    pane()->importFrom(source);
    QVERIFY(imported.wait(30000));
    QVERIFY2(imported.first().at(0).toBool(), qPrintable(imported.first().at(1).toString()));

    pane()->topicFilterField()->setText(QStringLiteral("bin/#"));
    QTRY_COMPARE(shownTopics(),
                 (QStringList{QStringLiteral("bin/mqtt"), QStringLiteral("bin/file")}));
    QTableView *table = pane()->table();
    table->setFocus();
    MessageDetails *details = pane()->details();
    table->selectRow(0);
    QCOMPARE(details->tabs()->currentIndex(), int(MessageDetails::HexTab));
    QCOMPARE(details->hexView()->lineCount(), int(overMqtt.size() / 16));
    table->selectRow(1);
    QCOMPARE(details->tabs()->currentIndex(), int(MessageDetails::HexTab));
    QCOMPARE(details->hexView()->lineCount(), 1024 * 1024 / 16);
    QVERIFY(details->hexView()->lineText(0).startsWith(QLatin1String("00000000")));

    const QString path = m_dir.filePath(QStringLiteral("blob.ndjson"));
    QSignalSpy finished(pane(), &MessagePane::transferFinished);
    pane()->exportTo(path, true); // the selection: the 1 MB message
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray exported = file.readAll();
    QCOMPARE(exported, line);
    const QJsonObject object = QJsonDocument::fromJson(exported).object();
    QVERIFY(!object.contains(QLatin1String("payload")));
    QCOMPARE(
        QByteArray::fromBase64(object.value(QLatin1String("payloadBase64")).toString().toLatin1()),
        big.payload);
    pane()->topicFilterField()->clear();
}

void TestMessagePane::byteCapDropsOldestAndCounts()
{
    MessageStore *store = session()->messages();
    pane()->setCaps(100000, MessageStore::kMinByteBudget); // 1 MB
    QCOMPARE(store->byteBudget(), MessageStore::kMinByteBudget);
    QVERIFY(pane()
                ->findChild<QToolButton *>(QStringLiteral("capButton"))
                ->text()
                .contains(QLatin1String("1 MB")));
    QVERIFY(addSubscription(QStringLiteral("cap/#")));
    const quint64 dropped = store->droppedCount();
    for (int i = 0; i < 30; ++i) {
        QByteArray payload(100 * 1024, 'x');
        payload.replace(0, 8, QByteArray::number(i).rightJustified(8, '0'));
        QVERIFY(session()->mqtt()->send(topic(QStringLiteral("cap/big")), payload, 1, false).ok());
    }
    const int capRow = subscriptions()->rowOf(QStringLiteral("cap/#"));
    // Telemetry keeps arriving too: wait until all 30 were counted on their row.
    QTRY_VERIFY_WITH_TIMEOUT(subscriptions()->messageCount(capRow) >= 30, 30000);
    QVERIFY(store->byteSize() <= MessageStore::kMinByteBudget);
    QVERIFY(store->droppedCount() >= dropped + 20);
    // Oldest first: what is kept is the newest of the big ones.
    QVERIFY(storeRowsOn(QStringLiteral("cap/big")) <= 10);
    QList<int> kept;
    for (qsizetype i = 0; i < store->size(); ++i) {
        if (store->at(i).topic == QStringLiteral("cap/big"))
            kept.append(store->at(i).payload.left(8).toInt());
    }
    QVERIFY(!kept.isEmpty());
    QCOMPARE(kept.last(), 29);
    QVERIFY(kept.first() >= 20);
    QTRY_VERIFY(pane()->droppedLabel()->text().endsWith(QLatin1String("dropped:")));
    QVERIFY(m_main->window.messageStatus()->text().contains(QLatin1String("dropped")));
    subscriptions()->remove(subscriptions()->rowOf(QStringLiteral("cap/#")));
    pane()->setCaps(MessageStore::kDefaultCapacity, MessageStore::kDefaultByteBudget);
    QCOMPARE(
        m_main->settings.messageCaps(),
        (QPair<qint64, qint64>{MessageStore::kDefaultCapacity, MessageStore::kDefaultByteBudget}));
}

void TestMessagePane::exportThenImportRoundTripsByteForByte()
{
    QVERIFY(addSubscription(QStringLiteral("rt/#")));
    QVERIFY(sendAndWait(QStringLiteral("rt/text"), "plain text, ünïcode"));
    QVERIFY(sendAndWait(QStringLiteral("rt/ünï/code"), R"({"a": [1, 2.50, "x"]})"));
    QVERIFY(sendAndWait(QStringLiteral("rt/binary"), QByteArray("\x00\x01\xfe\xff", 4)));
    QVERIFY(sendAndWait(QStringLiteral("rt/empty"), QByteArray()));
    QVERIFY(sendAndWait(QStringLiteral("rt/retained"), "kept", 1, true));
    // Only the marker stays subscribed, so nothing arrives while the files are made.
    for (int row = 0; row < subscriptions()->rowCount(); ++row) {
        if (subscriptions()->saved().at(row).filter != QStringLiteral("marker/#"))
            subscriptions()->setPaused(row, true);
    }
    QVERIFY(sync());
    const QString first = m_dir.filePath(QStringLiteral("first.ndjson"));
    const QString second = m_dir.filePath(QStringLiteral("second.ndjson"));
    QVERIFY(exportAll(first));
    pane()->clear();
    QSignalSpy imported(pane(), &MessagePane::transferFinished);
    pane()->importFrom(first);
    QVERIFY(imported.wait(30000));
    QVERIFY2(imported.first().at(0).toBool(), qPrintable(imported.first().at(1).toString()));
    QVERIFY(exportAll(second));
    QFile a(first);
    QFile b(second);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    const QByteArray exported = a.readAll();
    QVERIFY(exported.count('\n') >= 5);
    QVERIFY(exported.contains("\"payloadBase64\":\"AAH+/w==\""));
    QCOMPARE(b.readAll(), exported);
    QVERIFY(pane()->messageBar()->text().contains(QLatin1String("Exported")));
    for (int row = 0; row < subscriptions()->rowCount(); ++row)
        subscriptions()->setPaused(row, false);
}

void TestMessagePane::watchThisThingSubscribesToExactlyItsTopics()
{
    removeAllSubscriptions();
    const QString thing = m_sandbox->deviceThing(1);
    QStringList named;
    bool listed = false;
    session()->shadows()->listNamedShadows(ThingName::create(thing).value(), this,
                                           [&](const Result<QStringList, IotError> &result) {
                                               named = result.ok() ? result.value() : QStringList();
                                               listed = result.ok();
                                           });
    QTRY_VERIFY(listed);
    const QStringList expected =
        ThingWatch::topicFilters(thing, named, session()->settings().telemetryPattern);
    QVERIFY(expected.contains(QStringLiteral("$aws/events/presence/+/") + thing));
    QVERIFY(expected.contains(QStringLiteral("dt/%1/#").arg(thing)));
    QVERIFY(m_main->window.browser()->selectThing(thing));
    QVERIFY(m_main->window.browser()->watchButton()->isEnabled());
    m_main->window.browser()->watchAction()->trigger();
    QTRY_COMPARE(subscriptions()->rowCount(), int(expected.size()));
    QStringList filters;
    for (const SavedSubscription &s : subscriptions()->saved())
        filters.append(s.filter);
    QCOMPARE(filters, expected);
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(expected.begin(), expected.end(),
                                         [this](const QString &f) { return rowActive(f); }),
                             15000);
    QVERIFY(pane()->messageBar()->text().contains(thing));
    // Watching again adds nothing.
    m_main->window.browser()->watchAction()->trigger();
    QTRY_VERIFY(pane()->messageBar()->text().contains(QLatin1String("0 new")));
    QCOMPARE(subscriptions()->rowCount(), int(expected.size()));
    // Its telemetry arrives on the telemetry row.
    const int telemetryRow = subscriptions()->rowOf(QStringLiteral("dt/%1/#").arg(thing));
    QTRY_VERIFY_WITH_TIMEOUT(subscriptions()->messageCount(telemetryRow) > 0, 15000);
}

// The sandbox's broker closes the connection on the denied SUBSCRIBE, as AWS IoT does. The row
// says so with the filter and the advice; the connection comes back with the other
// subscriptions and does not ask for the denied one again.
void TestMessagePane::policyDenialShowsOnTheRowAndIsNotRetried()
{
    QVERIFY(addSubscription(QStringLiteral("marker/#")));
    SubscriptionPanel *panel = pane()->subscriptions();
    panel->filterEntry()->setText(QStringLiteral("secret/#"));
    QTest::keyClick(panel->filterEntry(), Qt::Key_Return);
    const int row = subscriptions()->rowOf(QStringLiteral("secret/#"));
    QVERIFY(row >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(subscriptions()->rowState(row),
                              SubscriptionListModel::RowState::Refused, 15000);
    QTRY_VERIFY(panel->problemLabel()->isVisible());
    const QString problem = panel->problemLabel()->text();
    QVERIFY2(problem.contains(QLatin1String("secret/#")), qPrintable(problem));
    QVERIFY2(problem.contains(QLatin1String("iot:Subscribe")), qPrintable(problem));
    QVERIFY(subscriptions()->index(row, SubscriptionListModel::StateColumn).data().toString() ==
            QStringLiteral("refused"));
    QTRY_COMPARE_WITH_TIMEOUT(session()->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(rowActive(QStringLiteral("marker/#")), 15000);
    QVERIFY(sync());
    QCOMPARE(subscriptions()->rowState(row), SubscriptionListModel::RowState::Refused);
    for (MqttSubscription *s : session()->mqtt()->subscriptions())
        QVERIFY(s->filter().toString() != QStringLiteral("secret/#"));
    QCOMPARE(session()->mqtt()->state(), MqttConnection::State::Connected);
}

QTEST_MAIN(TestMessagePane)
#include "tst_messagepane.moc"
