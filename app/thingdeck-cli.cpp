// thingdeck-cli: the headless console on the same core as the GUI. Wiring only; see CliRunner.
#include "UnixSignalWatcher.h"
#include "cli/CliInvocation.h"
#include "cli/CliRunner.h"
#include "tls/OpenSslProcess.h"

#include <thingdeck/Version.h>

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>
#include <exception>

using namespace thingdeck;

namespace {

int run(int argc, char **argv)
{
    thingdeck::keepOpenSslStateUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("thingdeck-cli"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(kVersion));
    // Errors reach the user once, as the command's own one-line message; the core's progress
    // logging stays available through QT_LOGGING_RULES (e.g. "thingdeck.*.info=true").
    QLoggingCategory::setFilterRules(QStringLiteral("thingdeck.*.info=false"));
    const auto invocation = CliInvocation::parse(QCoreApplication::arguments());
    if (!invocation.ok()) {
        QTextStream(stderr) << "thingdeck-cli: " << invocation.error() << Qt::endl;
        return 2;
    }
    if (invocation.value().version) {
        QTextStream(stdout) << "thingdeck-cli " << kVersion << Qt::endl;
        return 0;
    }
    if (invocation.value().help) {
        const CliCommand *command = invocation.value().command;
        QTextStream(stdout) << (command ? CliInvocation::commandHelp(*command)
                                        : CliInvocation::generalHelp());
        return 0;
    }
    CliRunner runner(invocation.value(), QProcessEnvironment::systemEnvironment());
    QObject::connect(&runner, &CliRunner::finished, &app, &QCoreApplication::exit);
    // Ctrl+C, SIGTERM and SIGHUP end a command cleanly instead of by the default action.
    UnixSignalWatcher unixSignals;
    QObject::connect(&unixSignals, &UnixSignalWatcher::terminationRequested, &runner,
                     &CliRunner::stop);
    QMetaObject::invokeMethod(&runner, &CliRunner::start, Qt::QueuedConnection);
    const int exitCode = QCoreApplication::exec();
    // The last reply's deleteLater() is still pending when exec() returns; let it run while
    // its QNetworkAccessManager exists, instead of the manager deleting a live reply while
    // Qt's network thread tears it down (a double free seen under load).
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return exitCode;
}

} // namespace

int main(int argc, char *argv[])
{
    // Nothing here is meant to throw; if something does (std::bad_alloc), say so and exit with
    // EX_SOFTWARE rather than abort through std::terminate.
    try {
        return run(argc, argv);
    } catch (const std::exception &error) {
        static_cast<void>(std::fprintf(stderr, "thingdeck-cli: %s\n", error.what()));
    } catch (...) {
        static_cast<void>(std::fputs("thingdeck-cli: unexpected exception\n", stderr));
    }
    return 70;
}
