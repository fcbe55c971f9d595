// thingdeck: the desktop program. Wiring only: parse the command line, build the settings,
// the workspace and the window, and open what was asked for.
#include "MainWindow.h"
#include "UnixSignalWatcher.h"
#include "common/FirstPaintReporter.h"
#include "session/DraftStore.h"
#include "session/ProfileCatalog.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "tls/OpenSslProcess.h"
#include "workspace/LaunchOptions.h"
#include "workspace/Workspace.h"

#include <thingdeck/Version.h>

#include <QApplication>
#include <QStandardPaths>
#include <QTextStream>

#include <cstdio>

using namespace thingdeck;

namespace {

void openRequested(const LaunchOptions &options, Workspace &workspace, MainWindow &window,
                   const Settings &settings, const QProcessEnvironment &environment)
{
    window.showWelcome(ProfileCatalog::hasAwsConfiguration(environment));
    switch (options.open) {
    case LaunchOptions::Open::Sandbox:
        return workspace.openSandbox();
    case LaunchOptions::Open::Connection:
        return workspace.openConnection(options.connection);
    case LaunchOptions::Open::Profile: {
        ConnectionSettings profile =
            ConnectionSettings::withDefaults(QStringLiteral("profile %1").arg(options.profile));
        profile.profile = options.profile;
        profile.region = options.region;
        return workspace.openUnsaved(profile);
    }
    case LaunchOptions::Open::Default:
        if (!settings.lastConnection().isEmpty() && settings.connection(settings.lastConnection()))
            workspace.openConnection(settings.lastConnection());
        return;
    }
}

QStringList rawArguments(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

} // namespace

int main(int argc, char **argv)
{
    thingdeck::keepOpenSslStateUntilExit();
    const LaunchOptions options = LaunchOptions::parse(rawArguments(argc, argv));
    if (options.action == LaunchOptions::Action::Help) {
        QTextStream(stdout) << LaunchOptions::helpText();
        return 0;
    }
    if (options.action == LaunchOptions::Action::Version) {
        QTextStream(stdout) << "thingdeck " << kVersion << Qt::endl;
        return 0;
    }
    if (options.action == LaunchOptions::Action::Error) {
        QTextStream(stderr) << "thingdeck: " << options.error << Qt::endl;
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("thingdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Thingdeck"));
    QApplication::setApplicationVersion(QString::fromLatin1(kVersion));
    QApplication::setDesktopFileName(QStringLiteral("thingdeck"));
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    Settings settings(Settings::defaultFilePath());
    SecretStore secrets;
    Workspace workspace(
        &settings, &secrets, environment,
        SandboxLauncher::locateExecutable(QApplication::applicationDirPath(), environment),
        SandboxLauncher::defaultStateDir());
    // Unapplied shadow edits: in the user's data directory, never in the settings file.
    DraftStore drafts(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                      QStringLiteral("/drafts"));
    if (const auto loaded = drafts.load(); !loaded.ok())
        qWarning().noquote() << loaded.error();
    MainWindow window(&workspace, &settings, &secrets, &drafts, environment);
    window.restoreState();
    FirstPaintReporter::installIfRequested(&window);
    window.show();
    // Ctrl+C in the terminal, or a session ending, closes the window as the user would: the
    // sandbox it started is stopped and the layout saved.
    UnixSignalWatcher unixSignals;
    QObject::connect(&unixSignals, &UnixSignalWatcher::terminationRequested, &window,
                     &MainWindow::close);
    openRequested(options, workspace, window, settings, environment);
    return QApplication::exec();
}
