// thingdeck-sandbox: a local stand-in for AWS IoT Core. Wiring only; see Sandbox.
#include "Sandbox.h"
#include "SandboxOptions.h"
#include "UnixSignalWatcher.h"
#include "tls/OpenSslProcess.h"

#include <thingdeck/Version.h>

#include <QCoreApplication>
#include <QTextStream>

using namespace thingdeck;

int main(int argc, char *argv[])
{
    thingdeck::keepOpenSslStateUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("thingdeck-sandbox"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(kVersion));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"))) {
        out << SandboxOptions::helpText();
        return 0;
    }
    if (arguments.contains(QStringLiteral("--version")) ||
        arguments.contains(QStringLiteral("-v"))) {
        out << "thingdeck-sandbox " << kVersion << Qt::endl;
        return 0;
    }
    const auto options = SandboxOptions::parse(arguments);
    if (!options.ok()) {
        err << "thingdeck-sandbox: " << options.error() << Qt::endl;
        return 2;
    }
    Sandbox sandbox(options.value());
    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &sandbox, &Sandbox::stop);
    QObject::connect(&sandbox, &Sandbox::ready, &app,
                     [&out](const QString &file) { out << file << Qt::endl; });
    QObject::connect(&sandbox, &Sandbox::failed, &app, [&err](const QString &message) {
        err << "thingdeck-sandbox: " << message << Qt::endl;
        QCoreApplication::exit(1);
    });
    QObject::connect(&sandbox, &Sandbox::stopped, &app, [] { QCoreApplication::exit(0); });
    // Started from the event loop, so that an early failure's exit(1) finds a loop to end.
    QMetaObject::invokeMethod(&sandbox, &Sandbox::start, Qt::QueuedConnection);
    return QCoreApplication::exec();
}
