// bench_thingload: how long the thing browser takes to load every thing of a running sandbox.
// It opens a ConsoleSession on the sandbox the way the desktop program does (Workspace:
// SandboxInfo's connection settings and the sandbox's keys), then ThingListModel::loadAll()
// until loadAllFinished. Not a test: it only measures (bench/run-browser-benchmark drives it).
//
// Usage: bench_thingload SANDBOX_JSON [NAMES_FILE]
// Prints one line: seconds=… rows=… pages=… rss_idle_kib=… rss_loaded_kib=… hwm_kib=…
// (seconds from loadAll() to loadAllFinished; RSS from /proc/self/status, idle = session open,
// nothing listed yet). With NAMES_FILE it also writes the things' names there, one a line.
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "session/SandboxInfo.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace thingdeck;

namespace {

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1.
qint64 statusKib(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = field + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

bool writeNames(const ThingListModel &model, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    QByteArray text;
    for (int row = 0; row < model.rowCount(); ++row)
        text += model.thingAt(row).name.toUtf8() + '\n';
    return file.write(text) == text.size();
}

int complain(const QString &message)
{
    std::fprintf(stderr, "bench_thingload: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2 || arguments.size() > 3)
        return complain(QStringLiteral("usage: bench_thingload SANDBOX_JSON [NAMES_FILE]"));
    const auto info = SandboxInfo::read(arguments.at(1));
    if (!info.ok())
        return complain(info.error());
    ConsoleSession session(info.value().connectionSettings(QStringLiteral("sandbox")),
                           QProcessEnvironment::systemEnvironment());
    session.setExplicitCredentials(info.value().credentials());
    const auto opened = session.open();
    if (!opened.ok())
        return complain(opened.error());
    ThingListModel *model = session.things();
    const qint64 idleKib = statusKib("VmRSS");
    QElapsedTimer clock;
    QObject::connect(model, &ThingListModel::errorOccurred, &app, [](const IotError &error) {
        complain(QStringLiteral("listing failed: ") + error.toString());
        QCoreApplication::exit(1);
    });
    QObject::connect(model, &ThingListModel::loadAllFinished, &app, [&](bool cancelled) {
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        std::printf("seconds=%.3f rows=%d pages=%d rss_idle_kib=%lld rss_loaded_kib=%lld "
                    "hwm_kib=%lld\n",
                    seconds, model->rowCount(), model->pagesLoaded(), idleKib, statusKib("VmRSS"),
                    statusKib("VmHWM"));
        const bool namesOk = arguments.size() < 3 || writeNames(*model, arguments.at(2));
        if (!namesOk)
            complain(QStringLiteral("cannot write ") + arguments.at(2));
        QCoreApplication::exit(cancelled || !namesOk ? 1 : 0);
    });
    QTimer::singleShot(0, model, [model, &clock] {
        clock.start();
        model->loadAll();
    });
    return QCoreApplication::exec();
}
