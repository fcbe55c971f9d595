// MessageDetails offscreen: the default tab per payload kind, lazy formatting, the paged hex
// view (also for 1 MB and 10 MB payloads), MQTT 5 properties, the diff against the previous
// message, copying and the placeholder. With THINGDECK_DETAILS_SCREENSHOTS=<dir> it also saves
// what the pane looks like (light and dark) as PNGs there.
#include "common/ThemeController.h"
#include "messages/HexView.h"
#include "messages/MessageDetails.h"
#include "messages/MessageDetailsDiff.h"
#include "messages/MessageDetailsHeader.h"
#include "messages/MessageDetailsNotice.h"
#include "messages/MessageDetailsTextFeeder.h"
#include "mqtt/PayloadFormatter.h"
#include "shadow/DiffView.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTextDocument>

#include <memory>

using namespace thingdeck;

namespace {

constexpr qint64 kNoon = 1'700'000'000'000; // 2023-11-14 22:13:20 UTC

MqttMessage messageWith(const QByteArray &payload,
                        const QString &topic = QStringLiteral("dt/sensor-007/telemetry"))
{
    MqttMessage message;
    message.topic = topic;
    message.payload = payload;
    message.timestampMs = kNoon;
    message.qos = 1;
    return message;
}

QByteArray binaryBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(i * 7 + 3); // includes control bytes: binary
    return bytes;
}

QByteArray bigJson(qsizetype size)
{
    QByteArray json("{\"readings\": [");
    while (json.size() < size - 64)
        json += "{\"t\": 21.5, \"h\": 40, \"ok\": true},";
    json += "{\"t\": 0}]}";
    return json;
}

QByteArray jsonOf(const char *text)
{
    return QByteArray(text);
}

} // namespace

class tst_MessageDetails : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void jsonPayload();
    void textPayload();
    void emptyPayload();
    void binaryPayload();
    void largePayload_data();
    void largePayload();
    void largeJsonFormatsOnDemand();
    void headerLine();
    void mqtt5Properties();
    void diffJsonObjects();
    void diffNoPrevious();
    void diffText();
    void diffBinary();
    void copy_data();
    void copy();
    void copyShortcut();
    void hexKeyboard();
    void clearShowsPlaceholder();
    void accessibleNames();
    void screenshots();

private:
    std::unique_ptr<MessageDetails> m_details;
};

void tst_MessageDetails::init()
{
    m_details = std::make_unique<MessageDetails>();
    m_details->resize(900, 300);
}

void tst_MessageDetails::cleanup()
{
    m_details.reset();
}

void tst_MessageDetails::jsonPayload()
{
    const QByteArray payload = jsonOf(R"({"temperature":21.5,"tags":["a","b"],"ok":true})");
    m_details->showMessage(messageWith(payload), nullptr);
    QVERIFY(m_details->hasMessage());
    QCOMPARE(m_details->payloadKind(), PayloadFormatter::Kind::Json);
    QCOMPARE(m_details->tabs()->currentIndex(), int(MessageDetails::JsonTab));
    QVERIFY(m_details->tabs()->isTabEnabled(MessageDetails::JsonTab));
    const QString pretty = m_details->jsonView()->toPlainText();
    QCOMPARE(pretty, PayloadFormatter::indentJson(QString::fromUtf8(payload)));
    QVERIFY(pretty.contains(QStringLiteral("\n    \"temperature\": 21.5,")));
    // Lazy: the Text tab is filled only when shown.
    QVERIFY(m_details->textView()->toPlainText().isEmpty());
    m_details->tabs()->setCurrentIndex(MessageDetails::TextTab);
    QCOMPARE(m_details->textView()->toPlainText(), QString::fromUtf8(payload));
}

void tst_MessageDetails::textPayload()
{
    const QByteArray payload("hello \xc3\xa9t\xc3\xa9\nsecond line");
    m_details->showMessage(messageWith(payload), nullptr);
    QCOMPARE(m_details->payloadKind(), PayloadFormatter::Kind::Text);
    QCOMPARE(m_details->tabs()->currentIndex(), int(MessageDetails::TextTab));
    QVERIFY(!m_details->tabs()->isTabEnabled(MessageDetails::JsonTab));
    QVERIFY(!m_details->tabs()->tabToolTip(MessageDetails::JsonTab).isEmpty());
    QCOMPARE(m_details->textView()->toPlainText(), QString::fromUtf8(payload));
    QVERIFY(m_details->jsonView()->toPlainText().isEmpty());
}

void tst_MessageDetails::emptyPayload()
{
    m_details->showMessage(messageWith({}), nullptr);
    QCOMPARE(m_details->tabs()->currentIndex(), int(MessageDetails::TextTab));
    QVERIFY(!m_details->textView()->placeholderText().isEmpty());
    QVERIFY(!m_details->copyPayloadAction()->isEnabled());
    QCOMPARE(m_details->hexView()->lineCount(), 0);
}

void tst_MessageDetails::binaryPayload()
{
    const QByteArray payload = binaryBytes(40);
    m_details->showMessage(messageWith(payload), nullptr);
    QCOMPARE(m_details->payloadKind(), PayloadFormatter::Kind::Binary);
    QCOMPARE(m_details->tabs()->currentIndex(), int(MessageDetails::HexTab));
    const HexView *hex = m_details->hexView();
    QCOMPARE(hex->lineCount(), 3);
    const QStringList dump = PayloadFormatter::hexDump(payload).split(u'\n');
    for (int line = 0; line < 3; ++line)
        QCOMPARE(hex->lineText(line), dump.at(line));
    QCOMPARE(hex->lineText(0).left(60),
             QStringLiteral("00000000  03 0a 11 18 1f 26 2d 34  3b 42 49 50 57 5e 65 6c  "));
    QVERIFY(hex->lineText(2).startsWith(QStringLiteral("00000020  ")));
    QVERIFY(hex->lineText(3).isEmpty());
    // Text still works, with invalid sequences replaced.
    m_details->tabs()->setCurrentIndex(MessageDetails::TextTab);
    QVERIFY(m_details->textView()->toPlainText().contains(QChar::ReplacementCharacter));
}

void tst_MessageDetails::largePayload_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("defaultTab");
    QTest::newRow("1 MB binary") << binaryBytes(1024 * 1024) << int(MessageDetails::HexTab);
    QTest::newRow("10 MB binary") << binaryBytes(10 * 1024 * 1024) << int(MessageDetails::HexTab);
    QTest::newRow("10 MB JSON") << bigJson(10 * 1024 * 1024) << int(MessageDetails::TextTab);
}

void tst_MessageDetails::largePayload()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, defaultTab);
    m_details->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_details.get()));
    const MqttMessage message = messageWith(payload);
    QElapsedTimer timer;
    timer.start();
    m_details->showMessage(message, nullptr);
    m_details->repaint();
    qInfo("showMessage + paint of %lld bytes: %lld ms", qlonglong(payload.size()),
          qlonglong(timer.elapsed()));
    QCOMPARE(m_details->tabs()->currentIndex(), defaultTab);
    QCOMPARE(m_details->hexView()->lineCount(), int((payload.size() + 15) / 16));
    const int last = m_details->hexView()->lineCount() - 1;
    const qsizetype lastOffset = qsizetype(last) * 16;
    const QString expected = QStringLiteral("%1").arg(lastOffset, 8, 16, QLatin1Char('0')) +
                             PayloadFormatter::hexDump(payload.mid(lastOffset)).mid(8);
    QCOMPARE(m_details->hexView()->lineText(last), expected);
    timer.restart();
    m_details->tabs()->setCurrentIndex(MessageDetails::HexTab);
    m_details->hexView()->verticalScrollBar()->setValue(m_details->hexView()->lineCount() / 2);
    m_details->repaint();
    qInfo("hex tab scrolled to the middle and painted: %lld ms", qlonglong(timer.elapsed()));
}

void tst_MessageDetails::largeJsonFormatsOnDemand()
{
    const QByteArray payload = bigJson(10 * 1024 * 1024);
    m_details->showMessage(messageWith(payload), nullptr);
    QCOMPARE(m_details->payloadKind(), PayloadFormatter::Kind::Json);
    QVERIFY(m_details->textNotice()->isVisibleTo(m_details.get()));
    QCOMPARE(m_details->textView()->toPlainText().size(), MessageDetails::kTextPreviewBytes);
    QVERIFY(m_details->textNotice()->text().contains(QStringLiteral("10.0 MB")));
    m_details->tabs()->setCurrentIndex(MessageDetails::JsonTab);
    QVERIFY(m_details->jsonView()->toPlainText().isEmpty()); // not formatted yet
    QVERIFY(m_details->jsonNotice()->isVisibleTo(m_details.get()));
    QVERIFY(m_details->jsonNotice()->text().contains(QStringLiteral("10.0 MB")));
    QElapsedTimer timer;
    timer.start();
    m_details->jsonNotice()->button()->click();
    qInfo("Format as JSON of 10 MB: click returned after %lld ms", qlonglong(timer.elapsed()));
    const QString expected = PayloadFormatter::indentJson(QString::fromUtf8(payload));
    QVERIFY(m_details->jsonFeeder()->isRunning()); // fed a slice at a time
    QVERIFY(m_details->jsonNotice()->text().contains(QStringLiteral("Formatting")));
    QVERIFY(m_details->jsonView()->toPlainText().startsWith(
        QStringLiteral("{\n    \"readings\": [\n        {\n            \"t\": 21.5,")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_details->jsonFeeder()->isRunning(), 120000);
    qInfo("all of it shown after %lld ms", qlonglong(timer.elapsed()));
    QVERIFY(!m_details->jsonNotice()->isVisibleTo(m_details.get()));
    QCOMPARE(m_details->jsonView()->document()->blockCount(), expected.count(u'\n') + 1);
    QCOMPARE(m_details->jsonView()->toPlainText().size(), expected.size());
    // Formatted once per message: showing the tab again does not reset it.
    m_details->tabs()->setCurrentIndex(MessageDetails::HexTab);
    m_details->tabs()->setCurrentIndex(MessageDetails::JsonTab);
    QVERIFY(!m_details->jsonView()->toPlainText().isEmpty());
    // Stop keeps what is shown.
    m_details->formatJson();
    QVERIFY(m_details->jsonFeeder()->isRunning());
    m_details->jsonNotice()->button()->click();
    QVERIFY(!m_details->jsonFeeder()->isRunning());
    QVERIFY(m_details->jsonNotice()->text().startsWith(QStringLiteral("Stopped at")));
    QVERIFY(!m_details->jsonView()->toPlainText().isEmpty());
}

void tst_MessageDetails::headerLine()
{
    MqttMessage message = messageWith(QByteArray(1234, 'x'), QStringLiteral("a/b/c"));
    message.retained = true;
    message.outgoing = true;
    m_details->showMessage(message, nullptr);
    const QString time = QDateTime::fromMSecsSinceEpoch(kNoon, Qt::UTC)
                             .toLocalTime()
                             .toString(QStringLiteral("HH:mm:ss.zzz"));
    const QString size = QLocale().toString(1234);
    QCOMPARE(m_details->header()->infoText(),
             QStringLiteral("QoS 1 \u00b7 retained \u00b7 %1 bytes \u00b7 %2 \u00b7 outgoing")
                 .arg(size, time));
    QCOMPARE(m_details->header()->topic(), QStringLiteral("a/b/c"));
    QVERIFY(m_details->header()->propertiesText().isEmpty());
    auto *properties = m_details->findChild<QWidget *>(QStringLiteral("properties"));
    QVERIFY(properties);
    QVERIFY(!properties->isVisibleTo(m_details.get()));
}

void tst_MessageDetails::mqtt5Properties()
{
    auto properties = std::make_shared<MqttProperties>();
    properties->contentType = QStringLiteral("application/json");
    properties->responseTopic = QStringLiteral("cmd/sensor-007/reply");
    properties->correlationData = QByteArray("\x01\x02\xff", 3);
    properties->messageExpirySeconds = 60;
    properties->payloadFormatIndicator = 1;
    properties->userProperties = {{QStringLiteral("source"), QStringLiteral("lab")},
                                  {QStringLiteral("rev"), QStringLiteral("2")}};
    MqttMessage message = messageWith(jsonOf(R"({"a":1})"));
    message.properties = properties;
    m_details->showMessage(message, nullptr);
    auto *form = m_details->findChild<QWidget *>(QStringLiteral("properties"));
    QVERIFY(form->isVisibleTo(m_details.get()));
    const QString text = m_details->header()->propertiesText();
    QVERIFY2(text.contains(QStringLiteral("Content type: application/json")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Response topic: cmd/sensor-007/reply")));
    QVERIFY(text.contains(QStringLiteral("Correlation data: 01 02 ff (hex)")));
    QVERIFY(text.contains(QStringLiteral("Expires after: 60 s")));
    QVERIFY(text.contains(QStringLiteral("Payload format: UTF-8")));
    QVERIFY(text.contains(QStringLiteral("User properties: source=lab, rev=2")));

    properties = std::make_shared<MqttProperties>();
    properties->correlationData = "req-42";
    message.properties = properties;
    m_details->showMessage(message, nullptr);
    QCOMPARE(m_details->header()->propertiesText(), QStringLiteral("Correlation data: req-42"));
}

void tst_MessageDetails::diffJsonObjects()
{
    const MqttMessage previous = messageWith(jsonOf(R"({"a":1,"b":2,"c":3})"));
    const MqttMessage current = messageWith(jsonOf(R"({"a":1,"b":5,"d":4})"));
    m_details->showMessage(current, &previous);
    QVERIFY(m_details->diff()->summary().isEmpty()); // compared only when shown
    m_details->tabs()->setCurrentIndex(MessageDetails::DiffTab);
    QCOMPARE(m_details->diff()->summary(), QStringLiteral("1 changed, 1 added, 1 removed"));
    QCOMPARE(m_details->diff()->summary(), m_details->diff()->diffView()->summary());
    QVERIFY(m_details->diff()->diffView()->isVisibleTo(m_details.get()));
}

void tst_MessageDetails::diffNoPrevious()
{
    m_details->showMessage(messageWith(jsonOf(R"({"a":1})")), nullptr);
    QVERIFY(m_details->tabs()->isTabEnabled(MessageDetails::DiffTab));
    m_details->tabs()->setCurrentIndex(MessageDetails::DiffTab);
    QCOMPARE(m_details->diff()->summary(), QStringLiteral("No earlier message on this topic."));
}

void tst_MessageDetails::diffText()
{
    const MqttMessage previous = messageWith("one\ntwo\nthree");
    const MqttMessage current = messageWith("one\n2\nthree\nfour");
    m_details->showMessage(current, &previous);
    m_details->tabs()->setCurrentIndex(MessageDetails::DiffTab);
    QCOMPARE(m_details->diff()->summary(),
             QStringLiteral("1 lines removed, 2 added (previous \u2192 this message)"));
    QCOMPARE(m_details->diff()->textDiff()->toPlainText(),
             QStringLiteral("  one\n- two\n+ 2\n  three\n+ four"));
}

void tst_MessageDetails::diffBinary()
{
    const MqttMessage previous = messageWith(binaryBytes(20));
    const MqttMessage current = messageWith(jsonOf(R"({"a":1})"));
    m_details->showMessage(current, &previous);
    m_details->tabs()->setCurrentIndex(MessageDetails::DiffTab);
    QVERIFY2(m_details->diff()->summary().startsWith(
                 QStringLiteral("Not JSON objects: no structured diff.")),
             qPrintable(m_details->diff()->summary()));
}

void tst_MessageDetails::copy_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("expected");
    const QByteArray json = jsonOf(R"({"a": 1})");
    QTest::newRow("json as sent") << json << QString::fromUtf8(json);
    QTest::newRow("text") << QByteArray("caf\xc3\xa9") << QStringLiteral("caf\u00e9");
    const QByteArray binary = binaryBytes(20);
    QTest::newRow("binary as hex dump") << binary << PayloadFormatter::hexDump(binary);
}

void tst_MessageDetails::copy()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, expected);
    m_details->showMessage(messageWith(payload, QStringLiteral("dt/x")), nullptr);
    QSignalSpy spy(m_details.get(), &MessageDetails::copyRequested);
    m_details->copyPayloadAction()->trigger();
    m_details->copyTopicAction()->trigger();
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(0).at(0).toString(), expected);
    QCOMPARE(spy.at(1).at(0).toString(), QStringLiteral("dt/x"));
}

void tst_MessageDetails::copyShortcut()
{
    m_details->show();
    QApplication::setActiveWindow(m_details.get());
    QVERIFY(QTest::qWaitForWindowActive(m_details.get()));
    m_details->showMessage(messageWith("payload text", QStringLiteral("dt/y")), nullptr);
    m_details->textView()->setFocus();
    QSignalSpy spy(m_details.get(), &MessageDetails::copyRequested);
    QTest::keyClick(m_details->textView(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClick(m_details->textView(), Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("payload text"));
    QCOMPARE(spy.at(1).at(0).toString(), QStringLiteral("dt/y"));
}

void tst_MessageDetails::hexKeyboard()
{
    m_details->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_details.get()));
    m_details->showMessage(messageWith(binaryBytes(16 * 1000)), nullptr);
    HexView *hex = m_details->hexView();
    QCOMPARE(hex->lineCount(), 1000);
    const int page = hex->visibleLineCount();
    QVERIFY(page > 1);
    QCOMPARE(hex->verticalScrollBar()->maximum(), 1000 - page);
    QTest::keyClick(hex, Qt::Key_PageDown);
    QCOMPARE(hex->firstVisibleLine(), page);
    QTest::keyClick(hex, Qt::Key_Down);
    QCOMPARE(hex->firstVisibleLine(), page + 1);
    QTest::keyClick(hex, Qt::Key_Up);
    QTest::keyClick(hex, Qt::Key_PageUp);
    QCOMPARE(hex->firstVisibleLine(), 0);
    QTest::keyClick(hex, Qt::Key_End);
    QCOMPARE(hex->firstVisibleLine(), 1000 - page);
    QTest::keyClick(hex, Qt::Key_Home);
    QCOMPARE(hex->firstVisibleLine(), 0);
}

void tst_MessageDetails::clearShowsPlaceholder()
{
    QVERIFY(!m_details->hasMessage());
    QCOMPARE(m_details->placeholderText(), QStringLiteral("Select a message to see its payload."));
    m_details->showMessage(messageWith("x"), nullptr);
    QVERIFY(m_details->placeholderText().isEmpty());
    m_details->clear();
    QVERIFY(!m_details->hasMessage());
    QCOMPARE(m_details->placeholderText(), QStringLiteral("Select a message to see its payload."));
    QCOMPARE(m_details->hexView()->lineCount(), 0);
    QVERIFY(!m_details->copyPayloadAction()->isEnabled());
}

void tst_MessageDetails::accessibleNames()
{
    m_details->showMessage(messageWith(jsonOf(R"({"a":1})")), nullptr);
    const QList<QWidget *> widgets = m_details->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control =
            widget->focusPolicy() != Qt::NoFocus || qobject_cast<QAbstractButton *>(widget);
        if (control && !widget->inherits("QScrollBar") && !widget->inherits("QTabBar") &&
            widget->parentWidget() && !widget->parentWidget()->inherits("QAbstractScrollArea"))
            QVERIFY2(!widget->accessibleName().isEmpty(), widget->metaObject()->className());
    }
    for (QAction *action : {m_details->copyPayloadAction(), m_details->copyTopicAction()}) {
        QVERIFY(!action->toolTip().isEmpty());
        QVERIFY(!action->shortcut().isEmpty());
    }
}

void tst_MessageDetails::screenshots()
{
    const QString dir = qEnvironmentVariable("THINGDECK_DETAILS_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set THINGDECK_DETAILS_SCREENSHOTS=<dir> to save screenshots");
    QDir().mkpath(dir);
    auto properties = std::make_shared<MqttProperties>();
    properties->contentType = QStringLiteral("application/json");
    properties->responseTopic = QStringLiteral("cmd/sensor-007/reply");
    properties->correlationData = "req-42";
    properties->messageExpirySeconds = 60;
    properties->userProperties = {{QStringLiteral("source"), QStringLiteral("lab")},
                                  {QStringLiteral("rev"), QStringLiteral("2")}};
    MqttMessage json = messageWith(
        jsonOf(R"({"temperature":21.5,"humidity":40,"ok":true,"tags":["lab","north"],"fw":null})"));
    json.retained = true;
    MqttMessage mqtt5 = json;
    mqtt5.properties = properties;
    mqtt5.outgoing = true;
    const MqttMessage binary = messageWith(binaryBytes(300), QStringLiteral("dt/sensor-007/raw"));
    const MqttMessage previous = messageWith(jsonOf(R"({"temperature":20,"humidity":40,"x":1})"));
    m_details->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_details.get()));
    const auto save = [&](const QString &name) {
        QCoreApplication::sendPostedEvents(); // the layout requests, as the event loop would
        QVERIFY(m_details->grab().save(dir + u'/' + name + QStringLiteral(".png")));
    };
    for (const auto &[palette, theme] :
         {std::pair{ThemeController::lightPalette(), QStringLiteral("light")},
          std::pair{ThemeController::darkPalette(), QStringLiteral("dark")}}) {
        QApplication::setPalette(palette);
        QTRY_COMPARE(m_details->palette().color(QPalette::Base), palette.color(QPalette::Base));
        m_details->showMessage(json, &previous);
        save(QStringLiteral("details-json-") + theme);
        m_details->showMessage(binary, nullptr);
        save(QStringLiteral("details-binary-") + theme);
        m_details->showMessage(mqtt5, &previous);
        save(QStringLiteral("details-mqtt5-") + theme);
        m_details->tabs()->setCurrentIndex(MessageDetails::DiffTab);
        save(QStringLiteral("details-diff-") + theme);
        m_details->clear();
        save(QStringLiteral("details-empty-") + theme);
    }
}

QTEST_MAIN(tst_MessageDetails)
#include "tst_messagedetails.moc"
