// ShadowSession against the real thingdeck-sandbox process: REST for fetches and updates, its
// mosquitto for the live documents, and its simulated devices reporting desired values back.
#include "SandboxProcess.h"
#include "iot/ShadowClient.h"
#include "iot/ShadowTopics.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/TopicName.h"
#include "session/ConsoleSession.h"
#include "session/SandboxInfo.h"
#include "session/ShadowSession.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

QJsonObject update(const char *section, const QJsonObject &values, const QString &token = QString())
{
    QJsonObject document{
        {QStringLiteral("state"), QJsonObject{{QString::fromLatin1(section), values}}}};
    if (!token.isEmpty())
        document.insert(QStringLiteral("clientToken"), token);
    return document;
}

} // namespace

class tst_ShadowSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void opensClassicAndListsNamedShadows();
    void followsLiveAndSeesTheDeviceReport();
    void conflictFetchesTheNewerVersion();
    void createThenDeleteNamedShadow();
    void deletedClassicShadowIsMissing();
    void autoRefreshWithoutMqtt();
    void anotherClientsRejectionIsReported();
    void switchingThingsDropsStaleAnswers();

private:
    bool connectMqtt();
    /// Another client's update, straight through REST. A reported-only key makes no delta, so
    /// the simulated device does not answer it with a version of its own.
    qint64 updateElsewhere(const QString &thing, const char *section, const QJsonObject &values);

    QTemporaryDir m_state;
    QTemporaryDir m_home;
    std::unique_ptr<test::SandboxProcess> m_sandbox;
    SandboxInfo m_info;
    std::unique_ptr<ConsoleSession> m_session;
};

void tst_ShadowSession::initTestCase()
{
    m_sandbox = std::make_unique<test::SandboxProcess>(m_state.path());
    QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QStringLiteral("6"),
                               QStringLiteral("--telemetry-rate"), QStringLiteral("0"),
                               QStringLiteral("--report-delay"), QStringLiteral("0")}),
             qPrintable(m_sandbox->error()));
    const auto info = SandboxInfo::read(m_state.filePath(QStringLiteral("sandbox.json")));
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    m_info = info.value();
}

void tst_ShadowSession::cleanupTestCase()
{
    m_sandbox.reset();
}

void tst_ShadowSession::init()
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), m_home.path());
    m_session = std::make_unique<ConsoleSession>(
        m_info.connectionSettings(QStringLiteral("sandbox")), environment);
    m_session->setExplicitCredentials(m_info.credentials());
    const auto opened = m_session->open();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
}

void tst_ShadowSession::cleanup()
{
    m_session.reset();
}

bool tst_ShadowSession::connectMqtt()
{
    m_session->connectMqtt();
    return QTest::qWaitFor(
        [this] { return m_session->mqtt()->state() == MqttConnection::State::Connected; }, 30000);
}

qint64 tst_ShadowSession::updateElsewhere(const QString &thing, const char *section,
                                          const QJsonObject &values)
{
    std::optional<Result<ShadowAccepted, IotError>> result;
    m_session->shadows()->updateShadow(
        ThingName::create(thing).value(), ShadowName::classic(),
        update(section, values, QStringLiteral("elsewhere")), std::nullopt, this,
        [&result](const Result<ShadowAccepted, IotError> &r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 20000) || !result->ok())
        return -1;
    return result->value().version;
}

void tst_ShadowSession::opensClassicAndListsNamedShadows()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    QSignalSpy names(&shadows, &ShadowSession::namedShadowsChanged);
    const QString thing = m_sandbox->deviceThing(0); // every third device has a "config" shadow
    shadows.setThing(thing);
    QCOMPARE(shadows.thing(), thing);
    QCOMPARE(shadows.state(), ShadowSession::State::Loading);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.namedShadowsLoaded(), 20000);
    QCOMPARE(shadows.namedShadows(), QStringList{QStringLiteral("config")});
    QVERIFY(shadows.current());
    QVERIFY(shadows.current()->version >= 1);
    QCOMPARE(shadows.current()->document.desired().value(QStringLiteral("power")).toString(),
             QStringLiteral("on"));
    QCOMPARE(shadows.history().size(), 1);
    QCOMPARE(shadows.history().first().source, ShadowVersion::Source::Fetched);
    QVERIFY(!shadows.isLive()); // MQTT is off

    shadows.openShadow(ShadowName::create(QStringLiteral("config")).value());
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    QTRY_VERIFY(shadows.current().has_value());
    QCOMPARE(shadows.current()->document.desired().value(QStringLiteral("logLevel")).toString(),
             QStringLiteral("info"));
    QCOMPARE(shadows.history().size(), 1); // a new shadow starts a new history
}

// The loop the editor is judged by: apply desired, the device reports it back, the reported
// value arrives through MQTT without any fetch.
void tst_ShadowSession::followsLiveAndSeesTheDeviceReport()
{
    QVERIFY(connectMqtt());
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    const QString thing = m_sandbox->deviceThing(1);
    shadows.setThing(thing);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.isLive(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    const qint64 base = shadows.current()->version;

    QSignalSpy applied(&shadows, &ShadowSession::applied);
    const QString token = shadows.newClientToken();
    QVERIFY(shadows.apply(
        update("desired", {{QStringLiteral("mode"), QStringLiteral("cool")}}, token), base));
    QVERIFY(shadows.isApplying());
    QVERIFY(!shadows.apply(update("desired", {{QStringLiteral("mode"), QStringLiteral("off")}}),
                           base)); // one at a time
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, 20000);
    QCOMPARE(applied.first().first().toLongLong(), base + 1);

    // The device (report delay 0) answers the delta with a reported update: version base + 2.
    QTRY_VERIFY_WITH_TIMEOUT(
        shadows.current() && shadows.current()->document.reported().value(QStringLiteral("mode")) ==
                                 QStringLiteral("cool"),
        20000);
    const ShadowVersion reported = *shadows.current();
    QCOMPARE(reported.version, base + 2);
    QCOMPARE(reported.source, ShadowVersion::Source::Live);
    QVERIFY(!reported.byThisEditor);
    QCOMPARE(reported.author(), QStringLiteral("another client"));
    QVERIFY(reported.document.delta().isEmpty());

    const auto mine = std::find_if(shadows.history().cbegin(), shadows.history().cend(),
                                   [&](const ShadowVersion &v) { return v.version == base + 1; });
    QVERIFY(mine != shadows.history().cend());
    QVERIFY(mine->byThisEditor);
    QCOMPARE(mine->clientToken, token);
    QCOMPARE(mine->author(), QStringLiteral("this editor"));
    QCOMPARE(mine->document.desired().value(QStringLiteral("mode")).toString(),
             QStringLiteral("cool"));
    // Versions are in order and none repeats.
    for (qsizetype i = 1; i < shadows.history().size(); ++i)
        QVERIFY(shadows.history().at(i).version > shadows.history().at(i - 1).version);

    // Another client's update shows live with its clientToken, and a version jump is counted.
    const qint64 elsewhere =
        updateElsewhere(thing, "desired", {{QStringLiteral("fan"), QStringLiteral("on")}});
    QVERIFY(elsewhere > 0);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.current() && shadows.current()->version >= elsewhere, 20000);
    const auto other = std::find_if(shadows.history().cbegin(), shadows.history().cend(),
                                    [&](const ShadowVersion &v) { return v.version == elsewhere; });
    QVERIFY(other != shadows.history().cend());
    QCOMPARE(other->author(), QStringLiteral("client elsewhere"));
}

// An update based on a version the server has moved past: refused, the newer version fetched
// and handed over; nothing applied.
void tst_ShadowSession::conflictFetchesTheNewerVersion()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    const QString thing = m_sandbox->deviceThing(2);
    shadows.setThing(thing);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    const qint64 base = shadows.current()->version;
    const qint64 newer =
        updateElsewhere(thing, "reported", {{QStringLiteral("firmware"), QStringLiteral("1.1")}});
    QCOMPARE(newer, base + 1);

    QSignalSpy conflict(&shadows, &ShadowSession::conflict);
    QSignalSpy applied(&shadows, &ShadowSession::applied);
    QSignalSpy failed(&shadows, &ShadowSession::applyFailed);
    QVERIFY(shadows.apply(update("desired", {{QStringLiteral("units"), QStringLiteral("si")}},
                                 shadows.newClientToken()),
                          base));
    QTRY_COMPARE_WITH_TIMEOUT(conflict.size(), 1, 20000);
    QCOMPARE(applied.size(), 0);
    QCOMPARE(failed.size(), 0);
    const auto newest = conflict.first().first().value<ShadowVersion>();
    QCOMPARE(newest.version, newer);
    QCOMPARE(newest.document.reported().value(QStringLiteral("firmware")).toString(),
             QStringLiteral("1.1"));
    QCOMPARE(shadows.current()->version, newer);
    QVERIFY(!shadows.isApplying());

    // Re-applied on the version now seen, it goes through.
    QVERIFY(
        shadows.apply(update("desired", {{QStringLiteral("units"), QStringLiteral("si")}}), newer));
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.current()->version >= newer + 1, 20000);
    QCOMPARE(applied.last().first().toLongLong(), newer + 1);
    // Without MQTT only fetched versions are seen: the device may have reported meanwhile.
    QCOMPARE(shadows.current()->document.desired().value(QStringLiteral("units")).toString(),
             QStringLiteral("si"));
}

void tst_ShadowSession::createThenDeleteNamedShadow()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    shadows.setThing(m_sandbox->deviceThing(4));
    QTRY_VERIFY_WITH_TIMEOUT(shadows.namedShadowsLoaded(), 20000);
    QCOMPARE(shadows.namedShadows(), QStringList());

    const auto invalid = shadows.createNamedShadow(QStringLiteral("has space"));
    QVERIFY(!invalid.ok());
    QVERIFY(!invalid.error().isEmpty());

    QVERIFY(shadows.createNamedShadow(QStringLiteral("probe")).ok());
    QCOMPARE(shadows.shadow().toString(), QStringLiteral("probe"));
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.namedShadows(), QStringList{QStringLiteral("probe")}, 20000);
    QVERIFY(shadows.current()->byThisEditor);
    const auto again = shadows.createNamedShadow(QStringLiteral("probe"));
    QVERIFY(!again.ok());
    QVERIFY(again.error().contains(QStringLiteral("already")));

    const qint64 version = shadows.current()->version;
    shadows.deleteOpenShadow();
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Missing, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.namedShadows(), QStringList(), 20000);
    QVERIFY(!shadows.current()->document.exists());
    QCOMPARE(shadows.current()->source, ShadowVersion::Source::Deleted);
    QCOMPARE(shadows.current()->version, version);

    // Created again, it continues the version (AWS keeps it for 48 hours).
    shadows.createOpenShadow();
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.current()->document.exists(), 20000);
    QCOMPARE(shadows.current()->version, version + 1);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.namedShadows(), QStringList{QStringLiteral("probe")}, 20000);
}

void tst_ShadowSession::deletedClassicShadowIsMissing()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    shadows.setThing(m_sandbox->deviceThing(5));
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    shadows.deleteOpenShadow();
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Missing, 20000);

    // Opened afresh, a thing without a classic shadow says so.
    ShadowSession fresh(m_session->shadows(), m_session->mqtt());
    fresh.setThing(m_sandbox->deviceThing(5));
    QTRY_COMPARE_WITH_TIMEOUT(fresh.state(), ShadowSession::State::Missing, 20000);
    QVERIFY(!fresh.current());
    QVERIFY(fresh.history().isEmpty());
    fresh.createOpenShadow();
    QTRY_COMPARE_WITH_TIMEOUT(fresh.state(), ShadowSession::State::Loaded, 20000);
    QVERIFY(fresh.current()->document.exists());
}

void tst_ShadowSession::autoRefreshWithoutMqtt()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    const QString thing = m_sandbox->deviceThing(3);
    shadows.setThing(thing);
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    const qint64 base = shadows.current()->version;
    QVERIFY(updateElsewhere(thing, "reported",
                            {{QStringLiteral("firmware"), QStringLiteral("2")}}) > base);
    QTest::qWait(200);
    QCOMPARE(shadows.current()->version, base); // nothing follows it: MQTT is off
    shadows.setAutoRefresh(true);
    QVERIFY(shadows.autoRefresh());
    QTRY_COMPARE_WITH_TIMEOUT(shadows.current()->version, base + 1,
                              ShadowSession::kAutoRefreshMs * 3);
    QCOMPARE(shadows.current()->source, ShadowVersion::Source::Fetched);
    QCOMPARE(shadows.history().size(), 2);
}

void tst_ShadowSession::anotherClientsRejectionIsReported()
{
    QVERIFY(connectMqtt());
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    const QString thing = m_sandbox->deviceThing(1);
    shadows.setThing(thing);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.isLive(), 20000);
    QSignalSpy rejected(&shadows, &ShadowSession::updateRejected);
    const auto topic =
        TopicName::create(shadowTopic(thing, ShadowName::classic(), QStringLiteral("update")));
    QVERIFY(topic.ok());
    QVERIFY(m_session->mqtt()
                ->publish(topic.value(), R"({"state": 1, "clientToken": "tester"})", 1, false)
                .ok());
    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, 20000);
    const QString sentence = rejected.first().first().toString();
    QVERIFY2(sentence.contains(QStringLiteral("client tester")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("400")), qPrintable(sentence));
}

void tst_ShadowSession::switchingThingsDropsStaleAnswers()
{
    ShadowSession shadows(m_session->shadows(), m_session->mqtt());
    shadows.setThing(m_sandbox->deviceThing(0));
    shadows.setThing(m_sandbox->deviceThing(2)); // before the first answers
    QTRY_COMPARE_WITH_TIMEOUT(shadows.state(), ShadowSession::State::Loaded, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(shadows.namedShadowsLoaded(), 20000);
    QTest::qWait(300);                               // let any answer for the first thing arrive
    QCOMPARE(shadows.namedShadows(), QStringList()); // device 2 has no named shadow
    QCOMPARE(shadows.history().size(), 1);
    QVERIFY(shadows.current()->document.desired().contains(QStringLiteral("units")));
    shadows.setThing(QString());
    QCOMPARE(shadows.state(), ShadowSession::State::Idle);
    QVERIFY(!shadows.current());
}

QTEST_GUILESS_MAIN(tst_ShadowSession)
#include "tst_shadowsession.moc"
