// bench_gui_things: the real main window (under Xvfb, or offscreen) connected to a sandbox
// with many things, as a user would connect: an AWS "profile" from the environment (the
// sandbox's keys, region, endpoint and CA bundle). Loads every thing into the browser with
// Load all, then types into the filter field, and prints: load time, resident memory before
// and after, and milliseconds per keystroke until the window has processed it (filter,
// layout and paint). Figures, not a test (bench/run-gui-benchmark).
#include "MainWindow.h"
#include "models/ThingListModel.h"
#include "session/DraftStore.h"
#include "session/SandboxInfo.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "things/ThingBrowser.h"
#include "workspace/Workspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace thingdeck;

namespace {

double rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}

// Keystrokes as someone narrows, corrects and widens a search.
QStringList keystrokes()
{
    QStringList texts;
    const QString words[] = {QStringLiteral("asset-0421"), QStringLiteral("room-1"),
                             QStringLiteral("pump")};
    for (const QString &word : words) {
        for (int i = 1; i <= word.size(); ++i)
            texts << word.left(i);
        for (int i = word.size() - 1; i >= 0; --i)
            texts << word.left(i);
    }
    return texts;
}

void report(const char *label, std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    const auto at = [&ms](double q) {
        return ms[std::min(ms.size() - 1, size_t(q * ms.size()))];
    };
    std::printf("  %-34s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%zu keystrokes)\n", label,
                at(0.5), at(0.99), ms.back(), ms.size());
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_gui_things SANDBOX_JSON\n");
        return 2;
    }
    const auto info = SandboxInfo::read(QString::fromLocal8Bit(argv[1]));
    if (!info.ok()) {
        std::fprintf(stderr, "bench_gui_things: %s\n", qPrintable(info.error()));
        return 1;
    }
    QTemporaryDir home;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), info.value().accessKeyId);
    environment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), info.value().secretAccessKey);
    environment.insert(QStringLiteral("AWS_REGION"), info.value().region);
    environment.insert(QStringLiteral("AWS_ENDPOINT_URL"), info.value().restEndpoint);
    environment.insert(QStringLiteral("AWS_CA_BUNDLE"), info.value().caFile);
    Settings settings(home.filePath(QStringLiteral("thingdeck.conf")));
    SecretStore secrets;
    Workspace workspace(&settings, &secrets, environment, {}, {});
    DraftStore drafts(home.filePath(QStringLiteral("drafts")));
    MainWindow window(&workspace, &settings, &secrets, &drafts, environment);
    window.resize(1280, 800);
    window.show();
    ConnectionSettings connection = ConnectionSettings::withDefaults(QStringLiteral("bench"));
    QElapsedTimer clock; // from opening the connection: the first page counts too
    clock.start();
    workspace.openUnsaved(connection); // registry only: no certificate, MQTT stays off
    ThingListModel *things = workspace.session() ? workspace.session()->things() : nullptr;
    if (!things) {
        std::fprintf(stderr, "bench_gui_things: the connection did not open\n");
        return 1;
    }
    double idleRss = 0;
    QObject::connect(things, &ThingListModel::loadAllFinished, &app, [&](bool cancelled) {
        const double seconds = clock.nsecsElapsed() / 1e9;
        std::printf("  Load all in the browser             %d things, %d pages in %.2f s%s\n",
                    things->rowCount(), things->pagesLoaded(), seconds,
                    cancelled ? " (cancelled!)" : "");
        std::printf("  RSS after the first page            %.1f MB\n", idleRss);
        std::printf("  RSS with every thing loaded         %.1f MB\n", rssMb());
        std::vector<double> ms;
        QLineEdit *filter = window.browser()->filterField();
        for (const QString &text : keystrokes()) {
            QElapsedTimer stroke;
            stroke.start();
            filter->setText(text);
            // A benchmark may spin the loop: the keystroke counts until the window has
            // filtered, laid out and painted it.
            QApplication::processEvents();
            window.browser()->view()->viewport()->repaint();
            ms.push_back(stroke.nsecsElapsed() / 1e6);
        }
        report("filter as you type (window)", ms);
        std::fflush(stdout);
        QApplication::exit(cancelled ? 1 : 0);
    });
    // Once the first page is in, load everything, as the Load all button does.
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        if (things->rowCount() == 0 || things->isLoading())
            return;
        poll.stop();
        idleRss = rssMb();
        window.browser()->loadAll();
    });
    poll.start(20);
    return app.exec();
}
