// The publish panel offscreen, on a session of its own against the real sandbox process:
// MQTT (mutual TLS) and the HTTPS data-plane Publish, with the broker's echo on test/#.
#include "SandboxProcess.h"
#include "common/MessageBar.h"
#include "messages/PublishHistoryList.h"
#include "messages/PublishPanel.h"
#include "messages/PublishPayloadEditor.h"
#include "messages/PublishProblemLabel.h"
#include "messages/PublishPropertiesEditor.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/MqttSubscription.h"
#include "mqtt/TopicFilter.h"
#include "session/ConsoleSession.h"
#include "session/PublishHistory.h"
#include "session/SandboxInfo.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;

class TestPublishPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void publishOverMqttIsAcknowledgedAndShownOnce();
    void publishOverHttpsIsSentAndShownOnce();
    void invalidTopicDisablesPublish();
    void hexModeSendsExactBytes();
    void historyPersistsAcrossPanels();
    void sendAgainFromHistory();
    void loadFromHistoryFillsTheForm();
    void templatesSaveLoadDelete();
    void notConnectedWithMqttForcedSaysWhy();
    void withoutSessionTheFormIsDisabled();
    void mqtt5FieldsOnlyOnMqtt5();
    void completerOffersTopicsSeen();
    void screenshots();

private:
    std::unique_ptr<ConsoleSession> openSession(const QString &name, bool connect);
    void fill(const QString &topic, const QString &payload, int qos, PublishPanel::Route route);
    qsizetype countMessages(const QString &topic) const;
    const MqttMessage *lastMessage(const QString &topic) const;
    QString uniqueTopic(const char *what);
    void grab(const QString &name, int height);

    QTemporaryDir m_dir;
    QTemporaryDir m_historyDir;
    std::unique_ptr<test::SandboxProcess> m_sandbox;
    SandboxInfo m_info;
    std::unique_ptr<ConsoleSession> m_session;
    std::unique_ptr<PublishPanel> m_panel;
    int m_counter = 0;
};

void TestPublishPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_historyDir.isValid());
    m_sandbox = std::make_unique<test::SandboxProcess>(m_dir.filePath(QStringLiteral("sandbox")));
    QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QStringLiteral("2"),
                               QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
             qPrintable(m_sandbox->error()));
    const auto info = SandboxInfo::read(m_dir.filePath(QStringLiteral("sandbox/sandbox.json")));
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    m_info = info.value();
    m_session = openSession(QStringLiteral("publish-sandbox"), true);
    QVERIFY(m_session);
    MqttSubscription *subscription =
        m_session->mqtt()->subscribe(TopicFilter::create(QStringLiteral("test/#")).value(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(subscription->state(), MqttSubscription::State::Subscribed, 20000);
}

void TestPublishPanel::cleanupTestCase()
{
    m_panel.reset();
    m_session.reset();
    m_sandbox.reset();
}

void TestPublishPanel::init()
{
    m_panel = std::make_unique<PublishPanel>(m_historyDir.path());
    m_panel->resize(380, 600);
    m_panel->setSession(m_session.get());
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestPublishPanel::cleanup()
{
    m_panel.reset();
}

std::unique_ptr<ConsoleSession> TestPublishPanel::openSession(const QString &name, bool connect)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    auto session = std::make_unique<ConsoleSession>(m_info.connectionSettings(name), environment);
    session->setExplicitCredentials(m_info.credentials());
    if (!session->open().ok())
        return nullptr;
    if (!connect)
        return session;
    session->connectMqtt();
    ConsoleSession *raw = session.get();
    const bool up = QTest::qWaitFor(
        [raw] { return raw->mqtt()->state() == MqttConnection::State::Connected; }, 30000);
    return up ? std::move(session) : nullptr;
}

void TestPublishPanel::fill(const QString &topic, const QString &payload, int qos,
                            PublishPanel::Route route)
{
    m_panel->payloadEditor()->setMode(PublishPayloadEditor::Mode::Text);
    m_panel->topicField()->setText(topic);
    m_panel->payloadEditor()->editor()->setPlainText(payload);
    m_panel->qosSelector()->setCurrentIndex(qos);
    m_panel->routeSelector()->setCurrentIndex(int(route));
}

qsizetype TestPublishPanel::countMessages(const QString &topic) const
{
    return m_session->messages()->topicCounts().value(topic);
}

const MqttMessage *TestPublishPanel::lastMessage(const QString &topic) const
{
    const MessageStore *store = m_session->messages();
    for (qsizetype i = store->size() - 1; i >= 0; --i) {
        if (store->at(i).topic == topic)
            return &store->at(i);
    }
    return nullptr;
}

QString TestPublishPanel::uniqueTopic(const char *what)
{
    return QStringLiteral("test/%1/%2").arg(QLatin1String(what)).arg(++m_counter);
}

void TestPublishPanel::publishOverMqttIsAcknowledgedAndShownOnce()
{
    const QString topic = uniqueTopic("mqtt");
    fill(topic, QStringLiteral("{\"t\": 21}"), 1, PublishPanel::Route::Mqtt);
    QCOMPARE(m_panel->payloadEditor()->note()->text(), QStringLiteral("Valid JSON"));
    QVERIFY(m_panel->publishButton()->isEnabled());
    QTest::mouseClick(m_panel->publishButton(), Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 1, 20000);
    QVERIFY(lastMessage(topic)->outgoing);
    QCOMPARE(lastMessage(topic)->payload, QByteArray("{\"t\": 21}"));
    QCOMPARE(m_panel->history()->records().first().via, PublishRecord::Mqtt);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome,
                              PublishRecord::Acknowledged, 20000);
    QCOMPARE(m_panel->historyList()->topLevelItem(0)->text(PublishHistoryList::OutcomeColumn),
             QStringLiteral("Acknowledged (PUBACK)"));
    QCOMPARE(m_panel->historyList()->topLevelItem(0)->text(PublishHistoryList::TopicColumn), topic);

    // A second message after it, by Ctrl+Return from the payload editor: once it is in, the
    // broker has delivered everything before it, so the first shows exactly once.
    const QString marker = uniqueTopic("marker");
    m_panel->topicField()->setText(marker);
    m_panel->payloadEditor()->editor()->setFocus();
    QTest::keyClick(m_panel->payloadEditor()->editor(), Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(marker), 1, 20000);
    QCOMPARE(countMessages(topic), 1);
    QVERIFY(!m_panel->messageBar()->isVisible());
}

void TestPublishPanel::publishOverHttpsIsSentAndShownOnce()
{
    const QString topic = uniqueTopic("https");
    fill(topic, QStringLiteral("plain text"), 1, PublishPanel::Route::Https);
    QCOMPARE(m_panel->payloadEditor()->note()->text(), QStringLiteral("Not JSON: sent as text"));
    QTest::mouseClick(m_panel->publishButton(), Qt::LeftButton);
    QCOMPARE(m_panel->history()->records().first().via, PublishRecord::Https);
    QCOMPARE(m_panel->historyList()->topLevelItem(0)->text(PublishHistoryList::ViaColumn),
             QStringLiteral("HTTPS"));

    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome, PublishRecord::Sent,
                              20000);
    QCOMPARE(m_panel->historyList()->topLevelItem(0)->text(PublishHistoryList::OutcomeColumn),
             QStringLiteral("Sent"));
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 1, 20000);
    QVERIFY(lastMessage(topic)->outgoing);

    const QString marker = uniqueTopic("marker");
    fill(marker, QStringLiteral("m"), 1, PublishPanel::Route::Https);
    m_panel->publish();
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(marker), 1, 20000);
    QCOMPARE(countMessages(topic), 1);
}

void TestPublishPanel::invalidTopicDisablesPublish()
{
    const qsizetype before = m_panel->history()->records().size();
    fill(QStringLiteral("test/+/bad"), QStringLiteral("x"), 0, PublishPanel::Route::Mqtt);
    QVERIFY(!m_panel->publishButton()->isEnabled());
    QVERIFY(m_panel->topicProblem()->isVisible());
    QVERIFY(!m_panel->topicProblem()->text().isEmpty());

    m_panel->topicField()->setFocus();
    QTest::keyClick(m_panel->topicField(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(m_panel->history()->records().size(), before);
    QVERIFY(m_panel->messageBar()->isVisible());

    m_panel->topicField()->setText(QStringLiteral("test/good"));
    QVERIFY(m_panel->publishButton()->isEnabled());
    QVERIFY(!m_panel->topicProblem()->isVisible());
    m_panel->topicField()->clear();
    QVERIFY(!m_panel->publishButton()->isEnabled());
    QVERIFY(!m_panel->topicProblem()->isVisible()); // empty: no sentence yet
}

void TestPublishPanel::hexModeSendsExactBytes()
{
    const QString topic = uniqueTopic("hex");
    fill(topic, QString(), 1, PublishPanel::Route::Automatic);
    PublishPayloadEditor *payload = m_panel->payloadEditor();
    QVERIFY(payload->setMode(PublishPayloadEditor::Mode::Hex));
    payload->editor()->setPlainText(QStringLiteral("00 ff 1"));
    QVERIFY(!m_panel->publishButton()->isEnabled());
    QVERIFY(payload->note()->text().startsWith(QStringLiteral("Not hex")));
    payload->editor()->setPlainText(QStringLiteral("00 ff 10 7B\n0d0a"));
    QVERIFY(m_panel->publishButton()->isEnabled());
    QCOMPARE(payload->note()->text(), QStringLiteral("6 bytes"));
    QTest::mouseClick(m_panel->publishButton(), Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 1, 20000);
    QCOMPARE(lastMessage(topic)->payload, QByteArray::fromHex("00ff107b0d0a"));
    QVERIFY(lastMessage(topic)->outgoing);

    // Text mode shows the same bytes as text where they are text; binary stays hex on load.
    payload->editor()->setPlainText(QStringLiteral("41 42"));
    QVERIFY(payload->setMode(PublishPayloadEditor::Mode::Text));
    QCOMPARE(payload->editor()->toPlainText(), QStringLiteral("AB"));
    m_panel->loadRecord(0);
    QCOMPARE(payload->mode(), PublishPayloadEditor::Mode::Hex);
    QCOMPARE(payload->payload().value(), QByteArray::fromHex("00ff107b0d0a"));
}

void TestPublishPanel::historyPersistsAcrossPanels()
{
    const QString topic = uniqueTopic("persist");
    fill(topic, QStringLiteral("[1, 2]"), 1, PublishPanel::Route::Mqtt);
    m_panel->publish();
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome,
                              PublishRecord::Acknowledged, 20000);
    const QList<PublishRecord> records = m_panel->history()->records();
    m_panel.reset();

    PublishPanel again(m_historyDir.path());
    again.setSession(m_session.get());
    QCOMPARE(again.history()->records(), records);
    QCOMPARE(again.historyList()->topLevelItemCount(), records.size());
    QCOMPARE(again.historyList()->topLevelItem(0)->text(PublishHistoryList::TopicColumn), topic);
    QCOMPARE(again.historyList()->topLevelItem(0)->text(PublishHistoryList::OutcomeColumn),
             QStringLiteral("Acknowledged (PUBACK)"));
}

void TestPublishPanel::sendAgainFromHistory()
{
    const QString topic = uniqueTopic("again");
    fill(topic, QStringLiteral("{\"n\": 1}"), 1, PublishPanel::Route::Mqtt);
    m_panel->publish();
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome,
                              PublishRecord::Acknowledged, 20000);

    // The form now says something else; Send Again sends the row as it was.
    fill(uniqueTopic("other"), QStringLiteral("other"), 0, PublishPanel::Route::Mqtt);
    PublishHistoryList *list = m_panel->historyList();
    list->setCurrentItem(list->topLevelItem(0));
    const qsizetype before = m_panel->history()->records().size();
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Return); // activation = double-click
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 2, 20000);
    QCOMPARE(m_panel->history()->records().size(), before + 1);
    QCOMPARE(m_panel->history()->records().first().topic, topic);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome,
                              PublishRecord::Acknowledged, 20000);
    QCOMPARE(m_panel->history()->records().at(1).outcome, PublishRecord::Acknowledged);

    // Several in flight at once: each answer lands on its own row although rows shift.
    for (int i = 0; i < 3; ++i) {
        fill(topic, QString::number(i), i % 2, PublishPanel::Route::Mqtt);
        m_panel->publish();
    }
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 5, 20000);
    const QList<PublishRecord> &records = m_panel->history()->records();
    // Rows 0 and 2 went with QoS 0 (sent), row 1 with QoS 1 (acknowledged).
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().at(0).outcome, PublishRecord::Sent,
                              20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().at(1).outcome,
                              PublishRecord::Acknowledged, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().at(2).outcome, PublishRecord::Sent,
                              20000);
    QCOMPARE(records.at(0).payload, QByteArray("2"));
    QCOMPARE(records.at(2).payload, QByteArray("0"));
}

void TestPublishPanel::loadFromHistoryFillsTheForm()
{
    const QString topic = uniqueTopic("load");
    fill(topic, QStringLiteral("{\"load\": true}"), 1, PublishPanel::Route::Mqtt);
    m_panel->retainBox()->setChecked(false);
    m_panel->publish();
    QTRY_COMPARE_WITH_TIMEOUT(countMessages(topic), 1, 20000);
    fill(QStringLiteral("test/elsewhere"), QStringLiteral("x"), 0, PublishPanel::Route::Mqtt);
    PublishHistoryList *list = m_panel->historyList();
    list->setCurrentItem(list->topLevelItem(0));
    m_panel->loadRecord(list->currentRow());
    QCOMPARE(m_panel->topicField()->text(), topic);
    QCOMPARE(m_panel->payloadEditor()->editor()->toPlainText(), QStringLiteral("{\"load\": true}"));
    QCOMPARE(m_panel->qosSelector()->currentIndex(), 1);
}

void TestPublishPanel::templatesSaveLoadDelete()
{
    fill(QStringLiteral("test/template"), QStringLiteral("{\"cmd\": \"reboot\"}"), 1,
         PublishPanel::Route::Automatic);
    m_panel->retainBox()->setChecked(true);
    QTest::mouseClick(m_panel->saveTemplateButton(), Qt::LeftButton);
    QVERIFY(m_panel->templateNameField()->isVisible());
    QVERIFY(m_panel->templateNameField()->hasFocus());
    QTest::keyClicks(m_panel->templateNameField(), QStringLiteral("Reboot"));
    QTest::keyClick(m_panel->templateNameField(), Qt::Key_Return);
    QVERIFY(!m_panel->templateNameField()->isVisible());
    QCOMPARE(m_panel->history()->templateNames(), QStringList{QStringLiteral("Reboot")});
    QCOMPARE(m_panel->templateSelector()->currentText(), QStringLiteral("Reboot"));

    // Escape cancels naming.
    QTest::mouseClick(m_panel->saveTemplateButton(), Qt::LeftButton);
    QTest::keyClick(m_panel->templateNameField(), Qt::Key_Escape);
    QVERIFY(!m_panel->templateNameField()->isVisible());

    fill(QStringLiteral("test/other"), QStringLiteral("nothing"), 0, PublishPanel::Route::Mqtt);
    m_panel->retainBox()->setChecked(false);
    QComboBox *templates = m_panel->templateSelector();
    templates->setFocus();
    templates->setCurrentIndex(-1);
    QTest::keyClick(templates, Qt::Key_Down); // chooses the first template, as a user would
    QCOMPARE(templates->currentText(), QStringLiteral("Reboot"));
    QCOMPARE(m_panel->topicField()->text(), QStringLiteral("test/template"));
    QCOMPARE(m_panel->payloadEditor()->editor()->toPlainText(),
             QStringLiteral("{\"cmd\": \"reboot\"}"));
    QCOMPARE(m_panel->qosSelector()->currentIndex(), 1);
    QVERIFY(m_panel->retainBox()->isChecked());

    // Templates are kept with the connection's file.
    {
        PublishHistory reread(m_historyDir.path());
        QVERIFY(!reread.load(m_session->settings().name));
        QVERIFY(reread.templateNamed(QStringLiteral("Reboot")).has_value());
    }

    QTest::mouseClick(m_panel->deleteTemplateButton(), Qt::LeftButton);
    QVERIFY(m_panel->history()->templateNames().isEmpty());
    QCOMPARE(templates->count(), 0);
    QVERIFY(!m_panel->deleteTemplateButton()->isEnabled());
}

void TestPublishPanel::notConnectedWithMqttForcedSaysWhy()
{
    std::unique_ptr<ConsoleSession> offline = openSession(QStringLiteral("offline"), false);
    QVERIFY(offline);
    m_panel->setSession(offline.get());
    QVERIFY(m_panel->history()->records().isEmpty());
    fill(QStringLiteral("test/offline"), QStringLiteral("x"), 1, PublishPanel::Route::Mqtt);
    QTest::mouseClick(m_panel->publishButton(), Qt::LeftButton);
    QVERIFY(m_panel->messageBar()->isVisible());
    QCOMPARE(m_panel->messageBar()->level(), MessageBar::Level::Error);
    QVERIFY2(m_panel->messageBar()->text().contains(QStringLiteral("MQTT is not connected")),
             qPrintable(m_panel->messageBar()->text()));
    QVERIFY(m_panel->messageBar()->text().contains(QStringLiteral("connect MQTT")));
    QVERIFY(m_panel->history()->records().isEmpty());

    // Automatic falls back to HTTPS when MQTT is down.
    m_panel->routeSelector()->setCurrentIndex(int(PublishPanel::Route::Automatic));
    m_panel->publish();
    QCOMPARE(m_panel->history()->records().size(), 1);
    QCOMPARE(m_panel->history()->records().first().via, PublishRecord::Https);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->history()->records().first().outcome, PublishRecord::Sent,
                              20000);
    QVERIFY(!m_panel->messageBar()->isVisible());

    // The session going away leaves the panel disabled, not dangling.
    offline.reset();
    QVERIFY(!m_panel->session());
    QVERIFY(m_panel->noSessionLabel()->isVisible());
}

void TestPublishPanel::withoutSessionTheFormIsDisabled()
{
    m_panel->setSession(nullptr);
    QVERIFY(m_panel->noSessionLabel()->isVisible());
    QVERIFY(m_panel->noSessionLabel()->text().contains(QStringLiteral("Open a connection")));
    QVERIFY(!m_panel->topicField()->isEnabled());
    QVERIFY(!m_panel->publishButton()->isEnabled());
    QCOMPARE(m_panel->historyList()->topLevelItemCount(), 0);
    m_panel->setSession(m_session.get());
    QVERIFY(!m_panel->noSessionLabel()->isVisible());
    QVERIFY(m_panel->topicField()->isEnabled());
}

void TestPublishPanel::mqtt5FieldsOnlyOnMqtt5()
{
    QVERIFY(!m_panel->propertiesGroup()->isVisible()); // the sandbox session is MQTT 3.1.1

    ConnectionSettings settings = m_info.connectionSettings(QStringLiteral("v5"));
    settings.mqttVersion = MqttConnectOptions::Version::Mqtt5;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    ConsoleSession v5(settings, environment);
    m_panel->setSession(&v5);
    QVERIFY(m_panel->propertiesGroup()->isVisible());
    PublishPropertiesEditor *properties = m_panel->propertiesEditor();
    QVERIFY(!properties->isVisible()); // collapsed until checked
    m_panel->propertiesGroup()->setChecked(true);
    QVERIFY(properties->isVisible());
    m_panel->topicField()->setText(QStringLiteral("test/v5"));
    QVERIFY(m_panel->publishButton()->isEnabled());
    properties->responseTopicField()->setText(QStringLiteral("reply/#"));
    QVERIFY(!properties->problem().isEmpty());
    QVERIFY(!m_panel->publishButton()->isEnabled());
    properties->responseTopicField()->setText(QStringLiteral("reply/here"));
    QVERIFY(m_panel->publishButton()->isEnabled());
    properties->contentTypeField()->setText(QStringLiteral("application/json"));
    MqttProperties expected;
    expected.contentType = QStringLiteral("application/json");
    expected.responseTopic = QStringLiteral("reply/here");
    expected.messageExpirySeconds = 60;
    expected.userProperties = {{QStringLiteral("a"), QStringLiteral("1")}};
    properties->setProperties(expected);
    QCOMPARE(properties->properties(), expected);
    QCOMPARE(properties->userPropertiesTable()->rowCount(), 1);
    m_panel->setSession(nullptr);
}

void TestPublishPanel::completerOffersTopicsSeen()
{
    m_panel->topicField()->clearFocus();
    m_panel->topicField()->setFocus();
    QTRY_VERIFY(m_panel->topicField()->hasFocus());
    auto *model = qobject_cast<QStringListModel *>(m_panel->topicCompleter()->model());
    QVERIFY(model);
    const QStringList topics = model->stringList();
    QVERIFY(!topics.isEmpty());
    for (const QString &topic : m_session->messages()->topicCounts().keys())
        QVERIFY(topics.contains(topic));
}

void TestPublishPanel::grab(const QString &name, int height)
{
    m_panel->resize(380, height);
    QTRY_COMPARE(m_panel->size(), QSize(380, height));
    // Test only: child layouts and palette changes arrive as posted events; let them land.
    QApplication::processEvents();
    QApplication::processEvents();
    const QString path = QStringLiteral("/tmp/publish-%1-%2.png").arg(name).arg(height);
    QVERIFY(m_panel->grab().save(path));
}

void TestPublishPanel::screenshots()
{
    if (qEnvironmentVariableIsEmpty("THINGDECK_PUBLISH_SCREENSHOTS"))
        QSKIP("set THINGDECK_PUBLISH_SCREENSHOTS=1 to save /tmp/publish-*.png");
    fill(QStringLiteral("dt/sensor-007/cmd"), QStringLiteral("{\"cmd\": \"reboot\", \"delay\": 5}"),
         1, PublishPanel::Route::Automatic);
    m_panel->payloadEditor()->reformat();
    grab(QStringLiteral("light"), 320);
    grab(QStringLiteral("light"), 600);
    m_panel->topicField()->setText(QStringLiteral("dt/+/cmd"));
    m_panel->routeSelector()->setCurrentIndex(int(PublishPanel::Route::Mqtt));
    grab(QStringLiteral("invalid"), 600);

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x33));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    const QPalette saved = QApplication::palette();
    QApplication::setPalette(dark);
    grab(QStringLiteral("dark"), 600);
    QApplication::setPalette(saved);

    ConnectionSettings settings = m_info.connectionSettings(QStringLiteral("v5-shot"));
    settings.mqttVersion = MqttConnectOptions::Version::Mqtt5;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    ConsoleSession v5(settings, environment);
    m_panel->setSession(&v5);
    grab(QStringLiteral("v5"), 600);
    m_panel->propertiesGroup()->setChecked(true);
    grab(QStringLiteral("v5-open"), 600);
    m_panel->setSession(nullptr);
    grab(QStringLiteral("none"), 320);
}

QTEST_MAIN(TestPublishPanel)
#include "tst_publishpanel.moc"
