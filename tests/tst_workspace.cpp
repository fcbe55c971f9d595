// Workspace against the real thingdeck-sandbox executable: the sandbox it starts, the session
// it opens, a key passphrase asked for and remembered, and a clean shutdown.
//
// The functions from openSandbox() on share one workspace and its running sandbox (started
// once, since a start takes seconds) and run in the order declared.
#include "SandboxProcess.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "iot/ThingQuery.h"
#include "mqtt/MqttConnection.h"
#include "session/ConsoleSession.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "workspace/Workspace.h"

#include "ProcessState.h"
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <QTest>

#include <memory>
#include <optional>

using namespace thingdeck;

namespace {

constexpr int kDefaultThings = 12; // the sandbox's default; Workspace passes no --things
const QString kKeyConnection = QStringLiteral("device with encrypted key");
const QByteArray kPassphrase("right horse 42");

bool isRunning(qint64 pid)
{
    return thingdeck::test::ProcessState::isRunning(pid);
}

ConsoleSession *sessionOf(const QSignalSpy &spy, int index)
{
    return spy.at(index).first().value<ConsoleSession *>();
}

} // namespace

class tst_Workspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void missingConnection();
    void emptySandboxExecutable();
    void sandboxNameTaken();
    void shutdownWhenIdle();
    void openSandbox();
    void openSandboxAgainReusesIt();
    void closeAndOpenByName();
    void passphrase();
    void shutdown();

private:
    QProcessEnvironment environment() const;
    QString file(const QString &name) const { return m_dir.filePath(name); }
    std::optional<int> countThings(ConsoleSession *session);
    bool encryptDeviceKey(const QString &key, const QString &encrypted);

    QTemporaryDir m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<Workspace> m_workspace; ///< the one with the real sandbox
};

void tst_Workspace::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("home")));
    QVERIFY(QFileInfo(test::SandboxProcess::executable()).isExecutable());
    m_settings = std::make_unique<Settings>(file(QStringLiteral("thingdeck.conf")));
    m_secrets = std::make_unique<SecretStore>();
    m_workspace = std::make_unique<Workspace>(m_settings.get(), m_secrets.get(), environment(),
                                              test::SandboxProcess::executable(),
                                              file(QStringLiteral("sandbox")));
}

// The destructor sends SIGTERM should a failed test leave the sandbox running.
void tst_Workspace::cleanupTestCase()
{
    m_workspace.reset();
    m_secrets.reset();
    m_settings.reset();
}

// An empty HOME: no AWS configuration of whoever runs the tests leaks in.
QProcessEnvironment tst_Workspace::environment() const
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), file(QStringLiteral("home")));
    return environment;
}

std::optional<int> tst_Workspace::countThings(ConsoleSession *session)
{
    std::optional<Result<ThingPage, IotError>> page;
    session->registry()->listThings(ThingQuery{}, QString(), this,
                                    [&page](const Result<ThingPage, IotError> &r) { page = r; });
    if (!QTest::qWaitFor([&page] { return page.has_value(); }, 30000))
        return std::nullopt;
    if (!page->ok()) {
        qWarning() << page->error().toString();
        return std::nullopt;
    }
    return int(page->value().things.size());
}

bool tst_Workspace::encryptDeviceKey(const QString &key, const QString &encrypted)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("pkey"), QStringLiteral("-in"), key, QStringLiteral("-aes256"),
                   QStringLiteral("-passout"), QStringLiteral("pass:") + QLatin1String(kPassphrase),
                   QStringLiteral("-out"), encrypted});
    const bool ok = openssl.waitForFinished(30000) && openssl.exitCode() == 0;
    if (!ok)
        qWarning() << openssl.readAll();
    return ok;
}

void tst_Workspace::missingConnection()
{
    QSignalSpy failed(m_workspace.get(), &Workspace::openFailed);
    QSignalSpy changed(m_workspace.get(), &Workspace::sessionChanged);
    m_workspace->openConnection(QStringLiteral("missing"));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().toString(),
             QStringLiteral("There is no saved connection called \"missing\": choose one in the "
                            "toolbar or create it under Connections."));
    QVERIFY(changed.isEmpty());
    QVERIFY(!m_workspace->session());
    QVERIFY(!m_workspace->isOpening());
}

void tst_Workspace::emptySandboxExecutable()
{
    Settings settings(file(QStringLiteral("no-sandbox.conf")));
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment(), QString(),
                        file(QStringLiteral("no-sandbox")));
    QSignalSpy failed(&workspace, &Workspace::openFailed);
    QSignalSpy opening(&workspace, &Workspace::openingChanged);
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    workspace.openSandbox();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().toString(),
             QStringLiteral("The local sandbox (thingdeck-sandbox) was not found beside Thingdeck "
                            "or on PATH. Reinstall Thingdeck, or put thingdeck-sandbox on PATH."));
    QCOMPARE(opening.size(), 2);
    QCOMPARE(opening.at(1).first().toBool(), false);
    QVERIFY(!workspace.isOpening());
    QVERIFY(changed.isEmpty());
    QVERIFY(!workspace.session());
    QCOMPARE(workspace.sandboxStatusText(), QString());
    QVERIFY(!QFileInfo::exists(file(QStringLiteral("no-sandbox"))));
}

// A connection the user saved under the sandbox's usual name stays theirs; the sandbox gets
// one connection of its own, once, however often it is opened.
void tst_Workspace::sandboxNameTaken()
{
    Settings settings(file(QStringLiteral("name-taken.conf")));
    ConnectionSettings mine = ConnectionSettings::withDefaults(Workspace::sandboxConnectionName());
    mine.profile = QStringLiteral("work");
    QVERIFY(settings.saveConnection(mine).ok());
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment(), QString(),
                        file(QStringLiteral("name-taken")));
    QSignalSpy failed(&workspace, &Workspace::openFailed);
    workspace.openSandbox();
    workspace.openSandbox();
    QCOMPARE(failed.size(), 2); // no executable, but the connection is saved
    const QList<ConnectionSettings> saved = settings.connections();
    QCOMPARE(saved.size(), 2);
    QCOMPARE(saved.at(0), mine);
    QCOMPARE(saved.at(1).name, Workspace::sandboxConnectionName() + QStringLiteral(" 2"));
    QCOMPARE(saved.at(1).kind, ConnectionSettings::Kind::Sandbox);
}

void tst_Workspace::shutdownWhenIdle()
{
    Settings settings(file(QStringLiteral("idle.conf")));
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment(), QString(),
                        file(QStringLiteral("idle")));
    QSignalSpy down(&workspace, &Workspace::shutDown);
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    workspace.shutdown();
    QVERIFY(down.isEmpty()); // queued: the caller's connections are in place
    QTRY_COMPARE(down.size(), 1);
    QVERIFY(changed.isEmpty());
}

void tst_Workspace::openSandbox()
{
    Workspace &workspace = *m_workspace;
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    QSignalSpy failed(&workspace, &Workspace::openFailed);
    QSignalSpy opening(&workspace, &Workspace::openingChanged);
    QSignalSpy status(&workspace, &Workspace::sandboxStatusChanged);
    workspace.openSandbox();
    QVERIFY(workspace.isOpening());
    QCOMPARE(opening.size(), 1);
    QCOMPARE(workspace.sandboxStatusText(), QStringLiteral("sandbox starting…"));
    const auto saved = m_settings->connection(Workspace::sandboxConnectionName());
    QVERIFY(saved);
    QCOMPARE(saved->kind, ConnectionSettings::Kind::Sandbox);
    QCOMPARE(Settings(m_settings->filePath()).connection(saved->name), saved);

    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty() || !failed.isEmpty(),
                             SandboxLauncher::kReadyTimeoutMs);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QCOMPARE(changed.size(), 1);
    ConsoleSession *session = sessionOf(changed, 0);
    QVERIFY(session);
    QCOMPARE(workspace.session(), session);
    QVERIFY(!workspace.isOpening());
    QCOMPARE(opening.size(), 2);
    QVERIFY(!status.isEmpty());
    QCOMPARE(workspace.sandboxStatusText(), QStringLiteral("sandbox running"));
    QCOMPARE(m_settings->lastConnection(), Workspace::sandboxConnectionName());

    const SandboxInfo info = workspace.sandbox()->info();
    QCOMPARE(info.path, file(QStringLiteral("sandbox/sandbox.json")));
    QCOMPARE(session->settings().name, Workspace::sandboxConnectionName());
    QCOMPARE(session->settings().kind, ConnectionSettings::Kind::Sandbox);
    QCOMPARE(session->settings().clientId, saved->clientId);
    QCOMPARE(session->settings().mqttPort, info.mqttPort);
    QCOMPARE(session->region(), info.region);
    QCOMPARE(countThings(session), std::optional<int>(kDefaultThings));
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QCOMPARE(session->mqttStatusText(),
             QStringLiteral("MQTT connected (mutual TLS, %1)").arg(info.mqttPort));
    QVERIFY(failed.isEmpty());
}

// The running sandbox serves the next session at once: no second process, no second connection.
void tst_Workspace::openSandboxAgainReusesIt()
{
    Workspace &workspace = *m_workspace;
    QVERIFY(workspace.session());
    const qint64 pid = workspace.sandbox()->processId();
    QPointer<ConsoleSession> old = workspace.session();
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    QSignalSpy opening(&workspace, &Workspace::openingChanged);
    workspace.openSandbox();
    QCOMPARE(changed.size(), 1);
    ConsoleSession *session = sessionOf(changed, 0);
    QVERIFY(session && session != old);
    QVERIFY(opening.isEmpty());
    QCOMPARE(workspace.sandbox()->processId(), pid);
    QCOMPARE(m_settings->connections().size(), 1);
    QTRY_VERIFY(old.isNull()); // closed in the background, then deleted
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
}

void tst_Workspace::closeAndOpenByName()
{
    Workspace &workspace = *m_workspace;
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    workspace.closeConnection();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(sessionOf(changed, 0), nullptr);
    QVERIFY(!workspace.session());
    QCOMPARE(workspace.sandboxStatusText(), QStringLiteral("sandbox running"));
    workspace.closeConnection(); // nothing open: nothing happens
    QCOMPARE(changed.size(), 1);

    workspace.openConnection(Workspace::sandboxConnectionName());
    QCOMPARE(changed.size(), 2);
    ConsoleSession *session = sessionOf(changed, 1);
    QVERIFY(session);
    QCOMPARE(session->settings().kind, ConnectionSettings::Kind::Sandbox);
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
}

// An AWS-profile connection to the running sandbox (keys, region and CA bundle from AWS_*
// variables) whose device key is an encrypted copy of the sandbox's.
void tst_Workspace::passphrase()
{
    const SandboxInfo info = m_workspace->sandbox()->info();
    QVERIFY(!info.devices.isEmpty());
    const QString keyFile = file(QStringLiteral("encrypted-private.pem.key"));
    QVERIFY(encryptDeviceKey(info.devices.first().privateKeyFile, keyFile));

    Settings settings(file(QStringLiteral("keys.conf")));
    ConnectionSettings connection = ConnectionSettings::withDefaults(kKeyConnection);
    connection.kind = ConnectionSettings::Kind::AwsProfile;
    connection.region = info.region;
    connection.controlPlaneUrl = info.restEndpoint;
    connection.dataPlaneUrl = info.restEndpoint;
    connection.mqttHost = info.mqttHost;
    connection.mqttPort = info.mqttPort;
    connection.caFile = info.caFile;
    connection.certificateFile = info.devices.first().certificateFile;
    connection.privateKeyFile = keyFile;
    QVERIFY(settings.saveConnection(connection).ok());
    QProcessEnvironment environment = this->environment();
    environment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), info.accessKeyId);
    environment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), info.secretAccessKey);
    environment.insert(QStringLiteral("AWS_REGION"), info.region);
    environment.insert(QStringLiteral("AWS_CA_BUNDLE"), info.caFile);
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment, QString(),
                        file(QStringLiteral("unused")));
    QSignalSpy needed(&workspace, &Workspace::passphraseNeeded);
    QSignalSpy failed(&workspace, &Workspace::openFailed);

    workspace.openConnection(kKeyConnection);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    ConsoleSession *session = workspace.session();
    QVERIFY(session);
    QCOMPARE(needed.size(), 1);
    QCOMPARE(needed.at(0).at(0).toString(), kKeyConnection);
    QCOMPARE(needed.at(0).at(1).toString(), keyFile);
    QCOMPARE(needed.at(0).at(2).toString(), QString());
    QCOMPARE(session->mqtt()->state(), MqttConnection::State::Disconnected);
    QCOMPARE(countThings(session), std::optional<int>(kDefaultThings)); // REST needs no key

    workspace.providePassphrase("wrong", false);
    QCOMPARE(needed.size(), 2);
    QCOMPARE(needed.at(1).at(0).toString(), kKeyConnection);
    QCOMPARE(needed.at(1).at(2).toString(),
             QStringLiteral("The private key file %1 cannot be decrypted with the passphrase "
                            "given; check the passphrase.")
                 .arg(keyFile));
    QVERIFY(!secrets.memoryPassphrase(kKeyConnection));

    workspace.providePassphrase({}, false); // declined: MQTT stays off, nothing asked
    QCOMPARE(needed.size(), 2);
    QCOMPARE(session->mqttStatusText(), QStringLiteral("MQTT off"));

    workspace.providePassphrase(kPassphrase, false);
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QCOMPARE(secrets.memoryPassphrase(kKeyConnection), std::optional<QByteArray>(kPassphrase));
    QCOMPARE(needed.size(), 2);

    // Opened again, the connection uses the passphrase kept in memory without asking.
    workspace.openConnection(kKeyConnection);
    QVERIFY(workspace.session() && workspace.session() != session);
    QTRY_COMPARE_WITH_TIMEOUT(workspace.session()->mqtt()->state(),
                              MqttConnection::State::Connected, 20000);
    QCOMPARE(needed.size(), 2);
    QVERIFY(failed.isEmpty());
}

void tst_Workspace::shutdown()
{
    Workspace &workspace = *m_workspace;
    QVERIFY(workspace.session());
    const SandboxInfo info = workspace.sandbox()->info();
    QVERIFY(isRunning(info.pid));
    QPointer<ConsoleSession> session = workspace.session();
    QSignalSpy down(&workspace, &Workspace::shutDown);
    QSignalSpy changed(&workspace, &Workspace::sessionChanged);
    workspace.shutdown();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(sessionOf(changed, 0), nullptr);
    QCOMPARE(workspace.sandboxStatusText(), QStringLiteral("sandbox stopping…"));
    QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, SandboxLauncher::kStopTimeoutMs + 5000);
    QVERIFY(!isRunning(info.pid));
    QCOMPARE(workspace.sandboxStatusText(), QString());
    QTRY_VERIFY(session.isNull());
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(info.brokerPid), 10000);
    QCOMPARE(down.size(), 1);
}

QTEST_GUILESS_MAIN(tst_Workspace)
#include "tst_workspace.moc"
