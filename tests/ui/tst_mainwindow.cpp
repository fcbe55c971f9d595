// The desktop program offscreen, on the real local sandbox that the workspace starts as a
// child process (as `thingdeck --sandbox` does), plus the executable's command line.
#include "MainWindow.h"
#include "ProcessState.h"
#include "aws/AwsClient.h"
#include "common/MessageBar.h"
#include "connection/ConnectionDialog.h"
#include "connection/ConnectionEditor.h"
#include "connection/FileField.h"
#include "iot/RegistryClient.h"
#include "models/AttributeEditModel.h"
#include "models/ThingFilterModel.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "things/ThingBrowser.h"
#include "things/ThingDetails.h"
#include "things/ThingRelations.h"
#include "workspace/Workspace.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/types.h>

using namespace thingdeck;

namespace {

bool processAlive(qint64 pid)
{
    return thingdeck::test::ProcessState::isRunning(pid);
}

/// One window as main() builds it, over a settings file and sandbox state of the test's own.
struct Harness
{
    Harness(const QString &settingsFile, const QString &stateDir)
        : settings(settingsFile)
        , workspace(&settings, &secrets, QProcessEnvironment::systemEnvironment(),
                    QStringLiteral(THINGDECK_SANDBOX_EXECUTABLE), stateDir)
        , drafts(QFileInfo(settingsFile).dir().filePath(QStringLiteral("drafts")))
        , window(&workspace, &settings, &secrets, &drafts, QProcessEnvironment::systemEnvironment())
    {
        window.restoreState();
        window.show();
    }

    ThingListModel *things() const
    {
        return workspace.session() ? workspace.session()->things() : nullptr;
    }

    /// Closes the window the way a user does and waits until the workspace has shut down.
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

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void opensSandboxAndListsThings();
    void modelsPassTheTester();
    void pagesAndLoadsAllWithCancel();
    void filtersAndSorts();
    void filterKeyboardAndHighlight();
    void selectionSurvivesTheFilter();
    void showsDetailsAndRelations();
    void editsAttributesThroughTheSandbox();
    void attributeConflictReloadsAndSaysSo();
    void badCertificateShowsItsSentence();
    void retryShowsInTheStatusBar();
    void connectionSurvivesRestartWithoutSecrets();
    void switchingConnectionsEndsConnected();
    void sandboxStopsWithTheWindow();
    void commandLine_data();
    void commandLine();

private:
    QString settingsFile() const { return m_dir.filePath(QStringLiteral("thingdeck.conf")); }
    QString stateDir() const { return m_dir.filePath(QStringLiteral("sandbox")); }
    bool waitForThings(Harness &harness, int count);
    QString makeEncryptedKey(const QByteArray &passphrase);

    QTemporaryDir m_dir;
    std::unique_ptr<Harness> m_main;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Nothing of the user's may leak in or be written: settings, keyring, AWS files.
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qunsetenv("AWS_PROFILE");
    qunsetenv("AWS_CONFIG_FILE");
    qunsetenv("AWS_SHARED_CREDENTIALS_FILE");
    m_main = std::make_unique<Harness>(settingsFile(), stateDir());
    m_main->workspace.openSandbox();
    QVERIFY(waitForThings(*m_main, 12));
}

void TestMainWindow::cleanupTestCase()
{
    if (m_main)
        QVERIFY(m_main->closeAndWait());
    m_main.reset();
}

bool TestMainWindow::waitForThings(Harness &harness, int count)
{
    return QTest::qWaitFor(
        [&harness, count] {
            return harness.things() && harness.things()->rowCount() >= count &&
                   !harness.things()->isLoading();
        },
        60000);
}

void TestMainWindow::opensSandboxAndListsThings()
{
    MainWindow &window = m_main->window;
    QCOMPARE(window.browser()->view()->model()->rowCount(), 12);
    QCOMPARE(window.connectionSelector()->currentText(), Workspace::sandboxConnectionName());
    QTRY_COMPARE_WITH_TIMEOUT(window.restStatus()->text(), QStringLiteral("REST ok"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        window.mqttStatus()->text().startsWith(QStringLiteral("MQTT connected (mutual TLS")),
        20000);
    QCOMPARE(window.sandboxStatus()->text(), QStringLiteral("sandbox running"));
    QVERIFY(window.connectionStatus()->text().contains(QStringLiteral("us-east-1")));
    QVERIFY(processAlive(m_main->workspace.sandbox()->processId()));
}

void TestMainWindow::modelsPassTheTester()
{
    ThingListModel *things = m_main->things();
    QAbstractItemModelTester sourceTester(things,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(m_main->window.browser()->proxy(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester attributeTester(
        m_main->window.details()->attributes(),
        QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_main->window.browser()->filterField()->setText(QStringLiteral("lamp"));
    m_main->window.browser()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!things->isLoading(), 10000);
    QVERIFY(m_main->window.browser()->selectThing(QStringLiteral("lamp-04")));
    QTRY_COMPARE_WITH_TIMEOUT(m_main->window.details()->description()->name,
                              QStringLiteral("lamp-04"), 10000);
    m_main->window.details()->attributes()->addAttribute();
    m_main->window.details()->attributes()->revert();
    m_main->window.browser()->filterField()->clear();
}

void TestMainWindow::pagesAndLoadsAllWithCancel()
{
    ThingListModel *things = m_main->things();
    QAbstractItemModelTester tester(things, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // One thing per page, and a list a few rows high: the view pages in what it can show
    // (fetchMore as it needs rows), and stops there.
    m_main->window.browser()->view()->setFixedHeight(110);
    ThingQuery small;
    small.maxResults = 1;
    things->setQuery(small);
    // Qt's view asks for more while its last row is in sight: it has stopped once that row
    // is out of sight with no page in flight.
    QTableView *view = m_main->window.browser()->view();
    const auto lastRowOutOfSight = [view] {
        const QModelIndex last = view->model()->index(view->model()->rowCount() - 1, 0);
        const QRect where = view->visualRect(last); // invalid until the view has laid it out
        return where.isValid() && !view->viewport()->rect().intersects(where);
    };
    QTRY_VERIFY_WITH_TIMEOUT(!things->isLoading() && lastRowOutOfSight(), 10000);
    const int shown = things->rowCount();
    QCOMPARE(things->pagesLoaded(), shown);
    QVERIFY2(shown > 1 && shown < 12, qPrintable(QString::number(shown)));
    QVERIFY(things->canFetchMore({}));

    // Load all, cancelled after the first page it loads.
    QSignalSpy progress(things, &ThingListModel::loadAllProgress);
    QSignalSpy finished(things, &ThingListModel::loadAllFinished);
    m_main->window.browser()->loadAll();
    QVERIFY(things->isLoadingAll());
    things->cancelLoadAll();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(finished.first().first().toBool(), true);
    QTRY_VERIFY_WITH_TIMEOUT(!things->isLoading(), 10000);
    QVERIFY(things->rowCount() < 12);
    QVERIFY(things->hasMore());

    // And to the end, with progress in things and pages.
    m_main->window.browser()->loadAll();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
    QCOMPARE(finished.last().first().toBool(), false);
    QCOMPARE(things->rowCount(), 12);
    QVERIFY(!things->hasMore());
    QVERIFY(progress.count() >= 2);
    QCOMPARE(progress.last().at(0).toInt(), 12);
    QCOMPARE(progress.last().at(1).toInt(), 12);
    m_main->window.browser()->view()->setMinimumHeight(0);
    m_main->window.browser()->view()->setMaximumHeight(QWIDGETSIZE_MAX);
    ThingQuery everything;
    everything.maxResults = ThingQuery::kMaxResults;
    things->setQuery(everything);
    QVERIFY(waitForThings(*m_main, 12));
}

void TestMainWindow::filtersAndSorts()
{
    ThingBrowser *browser = m_main->window.browser();
    QTableView *view = browser->view();
    QTest::keyClicks(browser->filterField(), QStringLiteral("THERMO"));
    QCOMPARE(view->model()->rowCount(), 4);
    for (int row = 0; row < 4; ++row)
        QVERIFY(view->model()->index(row, 0).data().toString().startsWith(
            QStringLiteral("thermostat")));
    browser->filterField()->clear();
    // The type column, descending: thermostats first, lamps last.
    view->horizontalHeader()->setSortIndicator(ThingListModel::TypeColumn, Qt::DescendingOrder);
    QCOMPARE(view->model()->index(0, ThingListModel::TypeColumn).data().toString(),
             QStringLiteral("Thermostat"));
    QCOMPARE(view->model()->index(11, ThingListModel::TypeColumn).data().toString(),
             QStringLiteral("Lamp"));
    view->horizontalHeader()->setSortIndicator(ThingListModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(view->model()->index(0, 0).data().toString(), QStringLiteral("lamp-01"));
    // Server-side: only one type, as a new listing.
    ThingQuery lamps;
    lamps.thingTypeName = QStringLiteral("Lamp");
    lamps.maxResults = ThingQuery::kMaxResults;
    m_main->things()->setQuery(lamps);
    QTRY_VERIFY_WITH_TIMEOUT(m_main->things()->rowCount() == 4 && !m_main->things()->isLoading(),
                             10000);
    ThingQuery everything;
    everything.maxResults = ThingQuery::kMaxResults;
    m_main->things()->setQuery(everything);
    QVERIFY(waitForThings(*m_main, 12));
}

void TestMainWindow::filterKeyboardAndHighlight()
{
    MainWindow &window = m_main->window;
    window.activateWindow();
    QTest::keySequence(&window, QKeySequence::Find);
    QTRY_VERIFY(window.browser()->filterField()->hasFocus());
    QTest::keyClicks(window.browser()->filterField(), QStringLiteral("sensor-0"));
    QCOMPARE(window.browser()->view()->model()->rowCount(), 3);
    const auto ranges =
        ThingFilterModel::matchRanges(QStringLiteral("sensor-06"), QStringLiteral("sensor-0"));
    QCOMPARE(ranges.size(), 1);
    QTest::keyClick(window.browser()->filterField(), Qt::Key_Down);
    QVERIFY(window.browser()->view()->hasFocus());
    QVERIFY(window.browser()->currentThing());
    QCOMPARE(window.browser()->currentThing()->name, QStringLiteral("sensor-03"));
    QSignalSpy activated(window.browser(), &ThingBrowser::thingActivated);
    QTest::keyClick(window.browser()->view(), Qt::Key_Down);
    QTest::keyClick(window.browser()->view(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().value<ThingSummary>().name, QStringLiteral("sensor-06"));
    window.browser()->filterField()->clear();
}

void TestMainWindow::selectionSurvivesTheFilter()
{
    ThingBrowser *browser = m_main->window.browser();
    QVERIFY(browser->selectThing(QStringLiteral("thermostat-05")));
    QSignalSpy changed(browser, &ThingBrowser::currentThingChanged);
    browser->filterField()->setText(QStringLiteral("sens")); // hides it
    QVERIFY(!browser->currentThing());
    QCOMPARE(m_main->window.details()->description()->name, QStringLiteral("thermostat-05"));
    browser->filterField()->clear(); // shows it again, selected
    QVERIFY(browser->currentThing());
    QCOMPARE(browser->currentThing()->name, QStringLiteral("thermostat-05"));
    for (const auto &signal : changed) // never told the panes that nothing is selected
        QVERIFY(signal.first().value<std::optional<ThingSummary>>().has_value());
}

// A REST call being retried is said in the status bar, so a slow list does not look frozen.
// (Real retries through faults are in tst_faultsrest; here the client's signal is raised.)
void TestMainWindow::retryShowsInTheStatusBar()
{
    ConsoleSession *session = m_main->workspace.session();
    QVERIFY(session && session->aws());
    AwsError error;
    error.httpStatus = 503;
    error.code = QStringLiteral("ServiceUnavailableException");
    error.message = QStringLiteral("Service unavailable");
    error.operation = QStringLiteral("GET /things");
    emit session->aws()->retrying(AwsClient::CallId{1}, 1, 800, error);
    const QString shown = m_main->window.statusBar()->currentMessage();
    QVERIFY2(shown.contains(QLatin1String("ServiceUnavailableException")), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("retrying in 0.8 s (attempt 2 of 3)")),
             qPrintable(shown));
    QTRY_VERIFY_WITH_TIMEOUT(m_main->window.statusBar()->currentMessage().isEmpty(), 15000);
}

void TestMainWindow::showsDetailsAndRelations()
{
    MainWindow &window = m_main->window;
    QVERIFY(window.browser()->selectThing(QStringLiteral("sensor-06")));
    QTRY_VERIFY_WITH_TIMEOUT(
        window.details()->description() && !window.details()->description()->id.isEmpty(), 10000);
    const ThingDescription thing = *window.details()->description();
    QCOMPARE(thing.name, QStringLiteral("sensor-06"));
    QVERIFY(thing.arn.endsWith(QStringLiteral(":thing/sensor-06")));
    QCOMPARE(thing.typeName, QStringLiteral("Sensor"));
    QVERIFY(window.details()->attributes()->rowCount() > 0);
    // Its certificate is attached in the sandbox, as AWS's console attaches one.
    QTRY_VERIFY_WITH_TIMEOUT(
        window.relations()->principals()->count() == 1 &&
            window.relations()->principals()->item(0)->text().contains(QStringLiteral(":cert/")),
        10000);
    QVERIFY(window.relations()->groups()->count() >= 1);
}

void TestMainWindow::editsAttributesThroughTheSandbox()
{
    MainWindow &window = m_main->window;
    QVERIFY(window.browser()->selectThing(QStringLiteral("lamp-07")));
    QTRY_VERIFY_WITH_TIMEOUT(window.details()->description() &&
                                 window.details()->description()->name ==
                                     QStringLiteral("lamp-07") &&
                                 !window.details()->description()->id.isEmpty(),
                             10000);
    const qint64 before = window.details()->description()->version;
    AttributeEditModel *attributes = window.details()->attributes();
    const int row = attributes->addAttribute();
    QVERIFY(attributes->setData(attributes->index(row, 0), QStringLiteral("installedBy"),
                                Qt::EditRole));
    QVERIFY(
        attributes->setData(attributes->index(row, 1), QStringLiteral("kitchen"), Qt::EditRole));
    QVERIFY(window.details()->saveAction()->isEnabled());
    window.details()->saveAction()->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(
        window.details()->messageBar()->text().contains(QStringLiteral("saved")),
        qPrintable(window.details()->messageBar()->text()), 10000);
    // What the sandbox's registry now says, asked afresh.
    std::optional<ThingDescription> stored;
    m_main->workspace.session()->registry()->describeThing(
        ThingName::create(QStringLiteral("lamp-07")).value(), this,
        [&stored](const Result<ThingDescription, IotError> &r) { stored = r.value(); });
    QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 10000);
    QCOMPARE(stored->attributes.value(QStringLiteral("installedBy")), QStringLiteral("kitchen"));
    QCOMPARE(stored->version, before + 1);
    // The list follows: the row's version and attributes changed in place.
    const int listRow = m_main->things()->rowOfThing(QStringLiteral("lamp-07"));
    QCOMPARE(m_main->things()->thingAt(listRow).version, before + 1);
    QTRY_COMPARE_WITH_TIMEOUT(window.details()->description()->version, before + 1, 10000);
}

void TestMainWindow::attributeConflictReloadsAndSaysSo()
{
    MainWindow &window = m_main->window;
    QVERIFY(window.browser()->selectThing(QStringLiteral("lamp-10")));
    QTRY_VERIFY_WITH_TIMEOUT(window.details()->description() &&
                                 window.details()->description()->name ==
                                     QStringLiteral("lamp-10") &&
                                 !window.details()->description()->id.isEmpty(),
                             10000);
    const qint64 loaded = window.details()->description()->version;
    // Someone else changes the thing meanwhile.
    ThingAttributeUpdate elsewhere;
    elsewhere.attributes.insert(QStringLiteral("owner"), QStringLiteral("ops"));
    bool done = false;
    m_main->workspace.session()->registry()->updateThingAttributes(
        ThingName::create(QStringLiteral("lamp-10")).value(), elsewhere, this,
        [&done](const Result<std::monostate, IotError> &r) { done = r.ok(); });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    AttributeEditModel *attributes = window.details()->attributes();
    const int row = attributes->addAttribute();
    attributes->setData(attributes->index(row, 0), QStringLiteral("installedBy"), Qt::EditRole);
    attributes->setData(attributes->index(row, 1), QStringLiteral("hall"), Qt::EditRole);
    window.details()->saveAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(
        window.details()->messageBar()->text().contains(QStringLiteral("changed elsewhere")),
        10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.details()->description() &&
                                 window.details()->description()->version == loaded + 1,
                             10000);
    QCOMPARE(window.details()->description()->attributes.value(QStringLiteral("owner")),
             QStringLiteral("ops"));
    QVERIFY(!window.details()->description()->attributes.contains(QStringLiteral("installedBy")));
}

void TestMainWindow::badCertificateShowsItsSentence()
{
    MainWindow &window = m_main->window;
    window.openConnectionsDialog();
    ConnectionDialog *dialog = window.connectionDialog();
    QVERIFY(dialog->isVisible());
    dialog->newConnection();
    const SandboxInfo info = m_main->workspace.sandbox()->info();
    ConnectionEditor *editor = dialog->editor();
    editor->caField()->setPath(info.caFile);
    editor->keyField()->setPath(info.devices.value(0).privateKeyFile);
    // The key file where the certificate belongs: said at once, next to that field.
    editor->certificateField()->setPath(info.devices.value(0).privateKeyFile);
    QVERIFY(!editor->certificateField()->findingsText().isEmpty());
    QVERIFY(editor->caField()->findingsText().isEmpty());
    editor->certificateField()->setPath(m_dir.filePath(QStringLiteral("missing.pem.crt")));
    QVERIFY(editor->certificateField()->findingsText().contains(QStringLiteral("missing.pem.crt")));
    // The right file: no sentence left.
    editor->certificateField()->setPath(info.devices.value(0).certificateFile);
    QCOMPARE(editor->certificateField()->findingsText(), QString());
    dialog->reject();
    dialog->reject(); // the second close discards the unsaved form
    QTRY_VERIFY(!dialog->isVisible());
}

QString TestMainWindow::makeEncryptedKey(const QByteArray &passphrase)
{
    const QString key = m_dir.filePath(QStringLiteral("encrypted-private.pem.key"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                   QStringLiteral("-aes-256-cbc"), QStringLiteral("-pass"),
                   QStringLiteral("pass:") + QString::fromUtf8(passphrase), QStringLiteral("-out"),
                   key});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return {};
    return key;
}

void TestMainWindow::connectionSurvivesRestartWithoutSecrets()
{
    const QByteArray passphrase("correct-horse-battery-staple");
    const QString key = makeEncryptedKey(passphrase);
    QVERIFY(!key.isEmpty());
    const QString file = m_dir.filePath(QStringLiteral("restart.conf"));
    {
        Harness first(file, stateDir());
        first.window.openConnectionsDialog();
        ConnectionDialog *dialog = first.window.connectionDialog();
        ConnectionEditor *editor = dialog->editor();
        editor->nameField()->setText(QStringLiteral("Factory line 2"));
        editor->caField()->setPath(m_main->workspace.sandbox()->info().caFile);
        editor->certificateField()->setPath(
            m_main->workspace.sandbox()->info().devices.value(0).certificateFile);
        editor->keyField()->setPath(key);
        auto *passField = editor->findChild<QLineEdit *>();
        Q_UNUSED(passField);
        for (QLineEdit *edit : editor->findChildren<QLineEdit *>()) {
            if (edit->echoMode() == QLineEdit::Password) {
                QVERIFY(edit->isEnabled()); // the key is encrypted, so the field is offered
                edit->setText(QString::fromUtf8(passphrase));
            }
        }
        QVERIFY(dialog->saveCurrent());
        QCOMPARE(first.secrets.memoryPassphrase(QStringLiteral("Factory line 2")), passphrase);
        dialog->accept();
        QVERIFY(first.closeAndWait());
    }
    QFile stored(file);
    QVERIFY(stored.open(QIODevice::ReadOnly));
    const QByteArray bytes = stored.readAll();
    QVERIFY(bytes.contains("Factory line 2"));
    QVERIFY(!bytes.contains(passphrase));
    QVERIFY(!bytes.contains(passphrase.toBase64()));
    QVERIFY(!bytes.contains(m_main->workspace.sandbox()->info().secretAccessKey.toUtf8()));
    // The window state came back too.
    Harness second(file, stateDir());
    QVERIFY(second.window.connectionSelector()->findText(QStringLiteral("Factory line 2")) >= 0);
    QVERIFY(!second.settings.viewState(QStringLiteral("mainWindow/state")).isEmpty());
    QVERIFY(second.closeAndWait());
}

void TestMainWindow::switchingConnectionsEndsConnected()
{
    // Two saved connections on the same sandbox: switching back and forth quickly must end
    // with the last one open and connected, never torn down by the one before.
    Workspace &workspace = m_main->workspace;
    ConnectionSettings other = ConnectionSettings::withDefaults(QStringLiteral("Sandbox again"));
    other.kind = ConnectionSettings::Kind::Sandbox;
    QVERIFY(m_main->settings.saveConnection(other).ok());
    for (int i = 0; i < 10; ++i) {
        workspace.openConnection(i % 2 ? Workspace::sandboxConnectionName()
                                       : QStringLiteral("Sandbox again"));
        QTest::qWait(i * 10);
    }
    QCOMPARE(workspace.session()->settings().name, Workspace::sandboxConnectionName());
    QTRY_VERIFY_WITH_TIMEOUT(
        m_main->window.mqttStatus()->text().startsWith(QStringLiteral("MQTT connected")), 20000);
    QTest::qWait(1500); // a late result from an old session would show up here
    QVERIFY(m_main->window.mqttStatus()->text().startsWith(QStringLiteral("MQTT connected")));
    QVERIFY(waitForThings(*m_main, 12));
}

void TestMainWindow::sandboxStopsWithTheWindow()
{
    Harness harness(m_dir.filePath(QStringLiteral("stop.conf")),
                    m_dir.filePath(QStringLiteral("sandbox-stop")));
    harness.workspace.openSandbox();
    QVERIFY(waitForThings(harness, 12));
    const qint64 pid = harness.workspace.sandbox()->processId();
    const qint64 broker = harness.workspace.sandbox()->info().brokerPid;
    QVERIFY(processAlive(pid));
    QVERIFY(processAlive(broker));
    // The other window's sandbox is not touched.
    const qint64 otherPid = m_main->workspace.sandbox()->processId();
    QVERIFY(harness.closeAndWait());
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(broker), 10000);
    QVERIFY(processAlive(otherPid));
}

void TestMainWindow::commandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << 2
                                    << QStringLiteral("unknown option --frobnicate");
    QTest::newRow("missing value") << QStringList{QStringLiteral("--connection")} << 2
                                   << QStringLiteral("--connection needs a value");
    QTest::newRow("region alone") << QStringList{QStringLiteral("--region"), QStringLiteral("x")}
                                  << 2 << QStringLiteral("--region goes with --profile");
    QTest::newRow("two targets") << QStringList{QStringLiteral("--sandbox"),
                                                QStringLiteral("--profile=p")}
                                 << 2 << QStringLiteral("only one of");
    QTest::newRow("help") << QStringList{QStringLiteral("--help")} << 0
                          << QStringLiteral("--connection NAME");
    QTest::newRow("version") << QStringList{QStringLiteral("--version")} << 0
                             << QStringLiteral("thingdeck 0.");
}

void TestMainWindow::commandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    QProcess gui;
    gui.start(QStringLiteral(THINGDECK_GUI_EXECUTABLE), arguments);
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), exitCode);
    const QString text =
        QString::fromUtf8(exitCode ? gui.readAllStandardError() : gui.readAllStandardOutput());
    QVERIFY2(text.contains(output), qPrintable(text));
    if (exitCode == 2)
        QCOMPARE(text.trimmed().count(QLatin1Char('\n')), 0); // one line
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
