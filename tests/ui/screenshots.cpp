// thingdeck-screenshots: drives the real main window on the local sandbox and saves what the
// screen shows at each step, for the README (scripts/screenshots runs it under Xvfb). Not a
// test: it asserts nothing, it only shows.
#include "MainWindow.h"
#include "common/MessageBar.h"
#include "connection/ConnectionDialog.h"
#include "connection/ConnectionEditor.h"
#include "connection/FileField.h"
#include "iot/JsonSyntax.h"
#include "iot/ShadowClient.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "shadow/JsonTextEdit.h"
#include "shadow/ShadowConflictPanel.h"
#include "shadow/ShadowEditor.h"
#include "things/ThingBrowser.h"
#include "workspace/Workspace.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

#include <functional>

using namespace thingdeck;

namespace {

/// Runs steps one after another on the event loop; a step may wait for a condition.
class Script : public QObject
{
public:
    using Step = std::function<bool()>; ///< true when done; false to be asked again soon

    void add(Step step) { m_steps.append(std::move(step)); }
    void start()
    {
        connect(&m_timer, &QTimer::timeout, this, &Script::tick);
        m_timer.start(250);
    }

private:
    void tick()
    {
        if (m_steps.isEmpty()) {
            m_timer.stop();
            return;
        }
        if (++m_ticks > 240) { // one minute for any step
            QTextStream(stderr) << "screenshots: a step timed out" << Qt::endl;
            QApplication::exit(1);
            return;
        }
        if (m_steps.first()()) {
            m_steps.removeFirst();
            m_ticks = 0;
        }
    }

    QList<Step> m_steps;
    QTimer m_timer;
    int m_ticks = 0;
};

bool save(const QString &path)
{
    const bool ok = QGuiApplication::primaryScreen()->grabWindow(0).save(path);
    QTextStream(stdout) << (ok ? "saved " : "could not save ") << path << Qt::endl;
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("thingdeck"));
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs");
    QDir().mkpath(out);
    const auto environment = QProcessEnvironment::systemEnvironment();
    Settings settings(Settings::defaultFilePath());
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment,
                        QStringLiteral(THINGDECK_SANDBOX_EXECUTABLE),
                        SandboxLauncher::defaultStateDir());
    DraftStore drafts(QDir(SandboxLauncher::defaultStateDir()).filePath(QStringLiteral("drafts")));
    MainWindow window(&workspace, &settings, &secrets, &drafts, environment);
    window.restoreState();
    window.setGeometry(0, 0, 1280, 800);
    window.show();
    workspace.openSandbox();
    QObject::connect(&app, &QApplication::lastWindowClosed, &app, &QApplication::quit);
    Script script;
    auto settle = [n = 0]() mutable {
        return ++n > 6;
    }; // let paints and replies land
    script.add([&] {
        auto *things = workspace.session() ? workspace.session()->things() : nullptr;
        return things && things->rowCount() > 0 && !things->isLoading();
    });
    script.add([&] { return window.browser()->selectThing(QStringLiteral("thermostat-05")); });
    script.add(settle);
    script.add([&] { return save(out + QStringLiteral("/thingdeck-things.png")); });
    // An edit typed in the shadow editor while another client changes the same section: the
    // conflict panel, with the edit kept.
    script.add([&] {
        ShadowEditor *editor = window.shadowEditor();
        const auto desired = editor->jsonEditor()->json();
        if (!desired.ok() || !editor->baseVersion())
            return false;
        QJsonObject edit = desired.value();
        edit.insert(QStringLiteral("targetTemperature"), 23);
        QTextCursor cursor(editor->jsonEditor()->document());
        cursor.select(QTextCursor::Document);
        cursor.insertText(formatJsonObject(edit));
        workspace.session()->shadows()->updateShadow(
            ThingName::create(QStringLiteral("thermostat-05")).value(), ShadowName::classic(),
            QJsonObject{
                {QStringLiteral("state"),
                 QJsonObject{{QStringLiteral("desired"),
                              QJsonObject{{QStringLiteral("fan"), QStringLiteral("on")}}}}}},
            std::nullopt, &window, [](const Result<ShadowAccepted, IotError> &) {});
        return true;
    });
    script.add([&] { return window.shadowEditor()->conflictPanel()->isVisible(); });
    script.add(settle);
    script.add([&] { return save(out + QStringLiteral("/thingdeck-shadow-conflict.png")); });
    script.add([&] {
        window.shadowEditor()->conflictPanel()->reapplyButton()->click();
        return true;
    });
    script.add(settle);
    script.add([&] { return save(out + QStringLiteral("/thingdeck-shadow.png")); });
    script.add([&] {
        window.browser()->filterField()->setText(QStringLiteral("sens"));
        return true;
    });
    script.add([n = 0]() mutable { return ++n > 3; });
    script.add([&] { return save(out + QStringLiteral("/thingdeck-filter.png")); });
    script.add([&] {
        window.browser()->filterField()->clear();
        window.openConnectionsDialog();
        // The device certificate's field given the private key: the check says so at once.
        window.connectionDialog()->newConnection();
        ConnectionEditor *editor = window.connectionDialog()->editor();
        auto files = workspace.sandbox()->info();
        editor->setSettings([&] {
            ConnectionSettings s =
                ConnectionSettings::withDefaults(QStringLiteral("Factory line 2"));
            s.profile = QString();
            s.region = QStringLiteral("eu-central-1");
            s.caFile = files.caFile;
            s.certificateFile = files.devices.value(0).privateKeyFile;
            s.privateKeyFile = files.devices.value(1).privateKeyFile;
            return s;
        }());
        return true;
    });
    script.add([n = 0]() mutable { return ++n > 3; });
    script.add([&] { return save(out + QStringLiteral("/thingdeck-certificate-error.png")); });
    script.add([&] {
        window.connectionDialog()->reject();
        window.connectionDialog()->reject(); // the second close discards the unsaved form
        return true;
    });
    script.add([&] {
        QMetaObject::invokeMethod(&window, [&] {
            for (QAction *action : window.findChildren<QAction *>()) {
                if (action->text() == QStringLiteral("&Dark"))
                    action->trigger();
            }
        });
        return true;
    });
    script.add([n = 0]() mutable { return ++n > 3; });
    script.add([&] { return save(out + QStringLiteral("/thingdeck-dark.png")); });
    script.add([&] {
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&System"))
                action->trigger();
        }
        window.close();
        return true;
    });
    script.start();
    return app.exec();
}
