#include "session/SecretStore.h"
#include "session/Settings.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

// Every message logged while the test runs, to prove that no secret reaches a log.
QStringList g_logged;
QtMessageHandler g_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_logged.append(message);
    g_previousHandler(type, context, message);
}

const QByteArray kPassphrase("correct horse battery staple 7f3e");

/// Runs under `dbus-run-session` with an unlocked gnome-keyring (the second CTest entry).
bool keyringExpected()
{
    return qEnvironmentVariableIntValue("THINGDECK_TEST_KEYRING") == 1;
}

} // namespace

class tst_SecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void memory();
    void passphraseNeverInSettingsFile();
    void withoutKeyringKeepsInMemory();
    void keyringRoundTrip();
    void callbackDroppedWithContext();
    void nothingLogged();

private:
    struct Outcome
    {
        bool done = false;
        bool ok = false;
        QString error;
        QByteArray value;
    };
    std::shared_ptr<Outcome> write(SecretStore &store, const QString &name,
                                   const QByteArray &secret);
    std::shared_ptr<Outcome> read(SecretStore &store, const QString &name);

    QTemporaryDir m_dir;
    QString m_connection =
        QStringLiteral("tst_secretstore %1").arg(QCoreApplication::applicationPid());
};

void tst_SecretStore::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("thingdeck.*=true"));
    g_previousHandler = qInstallMessageHandler(recordMessage);
}

std::shared_ptr<tst_SecretStore::Outcome>
tst_SecretStore::write(SecretStore &store, const QString &name, const QByteArray &secret)
{
    auto outcome = std::make_shared<Outcome>();
    store.writeToKeyring(name, secret, this, [outcome](const Result<bool, QString> &result) {
        outcome->done = true;
        outcome->ok = result.ok();
        outcome->error = result.ok() ? QString() : result.error();
    });
    return outcome;
}

std::shared_ptr<tst_SecretStore::Outcome> tst_SecretStore::read(SecretStore &store,
                                                                const QString &name)
{
    auto outcome = std::make_shared<Outcome>();
    store.readFromKeyring(name, this, [outcome](const Result<QByteArray, QString> &result) {
        outcome->done = true;
        outcome->ok = result.ok();
        outcome->error = result.ok() ? QString() : result.error();
        outcome->value = result.ok() ? result.value() : QByteArray();
    });
    return outcome;
}

void tst_SecretStore::memory()
{
    SecretStore store;
    QVERIFY(!store.memoryPassphrase(QStringLiteral("a")));
    store.rememberInMemory(QStringLiteral("a"), kPassphrase);
    store.rememberInMemory(QStringLiteral("b"), QByteArray());
    QCOMPARE(store.memoryPassphrase(QStringLiteral("a")), std::optional<QByteArray>(kPassphrase));
    QCOMPARE(store.memoryPassphrase(QStringLiteral("b")), std::optional<QByteArray>(QByteArray()));
    store.forgetInMemory(QStringLiteral("a"));
    QVERIFY(!store.memoryPassphrase(QStringLiteral("a")));
    QCOMPARE(SecretStore::keyringKey(QStringLiteral("prod")), QStringLiteral("passphrase/prod"));
}

// The most important promise: whatever happens with the keyring, the settings file never
// holds the passphrase.
void tst_SecretStore::passphraseNeverInSettingsFile()
{
    const QString path = m_dir.filePath(QStringLiteral("thingdeck.conf"));
    Settings settings(path);
    ConnectionSettings connection = ConnectionSettings::withDefaults(m_connection);
    connection.certificateFile = QStringLiteral("/certs/device.pem");
    connection.privateKeyFile = QStringLiteral("/certs/encrypted.key");
    connection.rememberPassphrase = true;
    QVERIFY(settings.saveConnection(connection).ok());

    SecretStore store;
    const auto outcome = write(store, connection.name, kPassphrase);
    QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 30000);
    settings.setLastConnection(connection.name);
    settings.sync();

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains(connection.name.toUtf8()));
    QVERIFY(bytes.contains("rememberPassphrase=true"));
    QVERIFY(!bytes.contains(kPassphrase));
    QVERIFY(!bytes.contains(kPassphrase.toBase64()));
    QVERIFY(!bytes.contains(kPassphrase.toHex()));
    store.removeFromKeyring(connection.name);
}

void tst_SecretStore::withoutKeyringKeepsInMemory()
{
    if (keyringExpected())
        QSKIP("runs without a desktop keyring (the plain CTest entry)");
    SecretStore store;
    const auto outcome = write(store, m_connection, kPassphrase);
    QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 30000);
    QVERIFY(!outcome->ok);
    QVERIFY2(outcome->error.startsWith(QLatin1String("No desktop keyring is available (")),
             qPrintable(outcome->error));
    QVERIFY2(outcome->error.endsWith(
                 QLatin1String("The passphrase is kept in memory until Thingdeck closes.")),
             qPrintable(outcome->error));
    QCOMPARE(store.memoryPassphrase(m_connection), std::optional<QByteArray>(kPassphrase));

    const auto readBack = read(store, m_connection);
    QTRY_VERIFY_WITH_TIMEOUT(readBack->done, 30000);
    QVERIFY(!readBack->ok);
    QVERIFY2(readBack->error.contains(QLatin1String("keyring")), qPrintable(readBack->error));
}

void tst_SecretStore::keyringRoundTrip()
{
    if (!keyringExpected())
        QSKIP("needs dbus-run-session and gnome-keyring-daemon (tst_secretstore_keyring)");
    {
        SecretStore writer;
        const auto written = write(writer, m_connection, kPassphrase);
        QTRY_VERIFY_WITH_TIMEOUT(written->done, 30000);
        QVERIFY2(written->ok, qPrintable(written->error));
    }
    SecretStore reader; // a fresh store: nothing in memory, so it comes from the keyring
    QVERIFY(!reader.memoryPassphrase(m_connection));
    const auto readBack = read(reader, m_connection);
    QTRY_VERIFY_WITH_TIMEOUT(readBack->done, 30000);
    QVERIFY2(readBack->ok, qPrintable(readBack->error));
    QCOMPARE(readBack->value, kPassphrase);
    QCOMPARE(reader.memoryPassphrase(m_connection), std::optional<QByteArray>(kPassphrase));

    reader.removeFromKeyring(m_connection);
    QVERIFY(!reader.memoryPassphrase(m_connection));
    // Keyring jobs run one after the other, so the read sees the deletion.
    const auto gone = read(reader, m_connection);
    QTRY_VERIFY_WITH_TIMEOUT(gone->done, 30000);
    QVERIFY(!gone->ok);
    QVERIFY2(gone->error.contains(QLatin1String("no passphrase saved")) &&
                 gone->error.contains(m_connection),
             qPrintable(gone->error));
}

void tst_SecretStore::callbackDroppedWithContext()
{
    SecretStore store;
    bool called = false;
    {
        QObject context;
        store.readFromKeyring(m_connection, &context,
                              [&called](const Result<QByteArray, QString> &) { called = true; });
    }
    // A later call on the same store finishes after the first one.
    const auto after = read(store, m_connection);
    QTRY_VERIFY_WITH_TIMEOUT(after->done, 30000);
    QVERIFY(!called);
}

void tst_SecretStore::nothingLogged()
{
    for (const QString &message : std::as_const(g_logged))
        QVERIFY2(!message.toUtf8().contains(kPassphrase), qPrintable(message));
}

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"
