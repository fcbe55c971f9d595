// The shadow loop, measured: apply a desired value in the shadow editor, the sandbox's simulated
// device (report delay 0) reports it, and the reported value is shown in the editor's tree
// (model updated and the widget repainted). Next to it, in the same run, the same loop done with
// thingdeck-cli: `shadow update` as a process while a `sub` process prints the
// `update/documents` messages, until the line with the reported value is read. Then the time to
// open an 8 KB shadow in the editor (REST get + tree and text rendered and painted).
//
// Usage: bench_shadow_loop SANDBOX_JSON THINGDECK_CLI [ROUNDS]   (bench/run-shadow-benchmark)
#include "iot/JsonSyntax.h"
#include "iot/ShadowClient.h"
#include "models/ShadowStateModel.h"
#include "mqtt/MqttConnection.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxInfo.h"
#include "session/ShadowSession.h"
#include "shadow/JsonTextEdit.h"
#include "shadow/ShadowEditor.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace thingdeck;

namespace {

/// Spins the event loop until `done` or the timeout; a benchmark may, product code never does.
bool waitFor(const std::function<bool()> &done, int timeoutMs = 20000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index =
        size_t(std::clamp(p * double(values.size() - 1), 0.0, double(values.size() - 1)));
    return values[index];
}

void report(const char *what, const std::vector<double> &ms)
{
    std::printf("  %-44s n=%zu  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", what, ms.size(),
                percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0));
    std::fflush(stdout);
}

QString reportedCell(ShadowEditor &editor, const QString &key)
{
    return editor.stateModel()
        ->indexForPath({key}, ShadowStateModel::ReportedColumn)
        .data(Qt::DisplayRole)
        .toString();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_shadow_loop SANDBOX_JSON THINGDECK_CLI [ROUNDS]\n");
        return 2;
    }
    const auto info = SandboxInfo::read(QString::fromLocal8Bit(argv[1]));
    if (!info.ok()) {
        std::fprintf(stderr, "bench_shadow_loop: %s\n", qPrintable(info.error()));
        return 1;
    }
    const QString cli = QString::fromLocal8Bit(argv[2]);
    const int rounds = argc > 3 ? std::max(1, atoi(argv[3])) : 200;
    const SandboxInfo sandbox = info.value();
    if (sandbox.devices.isEmpty()) {
        std::fprintf(stderr, "bench_shadow_loop: the sandbox has no devices\n");
        return 1;
    }
    const QString thing = sandbox.devices.first().thingName; // a lamp: it has "brightness"
    QTemporaryDir home;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));

    ConsoleSession session(sandbox.connectionSettings(QStringLiteral("bench")), environment);
    session.setExplicitCredentials(sandbox.credentials());
    if (const auto opened = session.open(); !opened.ok()) {
        std::fprintf(stderr, "bench_shadow_loop: %s\n", qPrintable(opened.error()));
        return 1;
    }
    session.connectMqtt();
    DraftStore drafts(home.filePath(QStringLiteral("drafts")));
    ShadowEditor editor(&drafts);
    editor.resize(1100, 700);
    editor.setSession(&session);
    editor.show();
    editor.setThing(thing);
    if (!waitFor([&] {
            return editor.shadows()->isLive() && editor.baseVersion().has_value() &&
                   editor.stateModel()->rowCount() > 0;
        })) {
        std::fprintf(stderr, "bench_shadow_loop: the shadow of %s did not open live\n",
                     qPrintable(thing));
        return 1;
    }
    std::printf("Shadow loop on loopback, %d rounds each, thing %s (device report delay 0)\n",
                rounds, qPrintable(thing));

    // 1. The editor: text edited, applied, the device's reported value shown and painted.
    std::vector<double> editorMs;
    for (int i = 0; i < rounds; ++i) {
        const int value = 1000 + i;
        QJsonObject desired = editor.shadows()->current()->document.desired();
        desired.insert(QStringLiteral("brightness"), value);
        QTextCursor cursor(editor.jsonEditor()->document());
        cursor.select(QTextCursor::Document);
        cursor.insertText(formatJsonObject(desired));
        const QString expected = QString::number(value);
        QElapsedTimer clock;
        clock.start();
        editor.apply();
        if (!waitFor(
                [&] { return reportedCell(editor, QStringLiteral("brightness")) == expected; })) {
            std::fprintf(stderr, "bench_shadow_loop: round %d: the reported value never showed\n",
                         i);
            return 1;
        }
        editor.stateView()->viewport()->repaint();
        editorMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        // The next round starts from a settled editor (the report adopted, nothing edited).
        waitFor([&] { return !editor.hasEdit() && !editor.shadows()->isApplying(); });
    }
    report("editor: apply -> device report shown", editorMs);

    // 2. The same loop with thingdeck-cli: an update process per round, one sub process.
    QProcessEnvironment cliEnvironment = environment;
    cliEnvironment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), sandbox.accessKeyId);
    cliEnvironment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), sandbox.secretAccessKey);
    cliEnvironment.insert(QStringLiteral("AWS_REGION"), sandbox.region);
    cliEnvironment.insert(QStringLiteral("AWS_CA_BUNDLE"), sandbox.caFile);
    const QStringList mqtt{QStringLiteral("--mqtt-endpoint"),
                           QStringLiteral("%1:%2").arg(sandbox.mqttHost).arg(sandbox.mqttPort),
                           QStringLiteral("--ca"),
                           sandbox.caFile,
                           QStringLiteral("--cert"),
                           sandbox.devices.last().certificateFile,
                           QStringLiteral("--key"),
                           sandbox.devices.last().privateKeyFile};
    const QString documents = QStringLiteral("$aws/things/%1/shadow/update/documents").arg(thing);
    QProcess sub;
    sub.setProcessEnvironment(cliEnvironment);
    sub.start(cli, QStringList{QStringLiteral("sub"), documents} + mqtt);
    QByteArray lines;
    const auto readLines = [&] {
        lines += sub.readAllStandardOutput();
    };
    QObject::connect(&sub, &QProcess::readyReadStandardOutput, &app, readLines);
    // Subscribed once an update's documents message comes through.
    const auto reportedIn = [&](int value) {
        const QList<QByteArray> all = lines.split('\n');
        for (const QByteArray &line : all) {
            const QJsonObject message = QJsonDocument::fromJson(line).object();
            const QJsonObject payload =
                QJsonDocument::fromJson(
                    message.value(QStringLiteral("payload")).toString().toUtf8())
                    .object();
            const QJsonObject reported = payload.value(QStringLiteral("current"))
                                             .toObject()
                                             .value(QStringLiteral("state"))
                                             .toObject()
                                             .value(QStringLiteral("reported"))
                                             .toObject();
            if (reported.value(QStringLiteral("brightness")).toInt() == value)
                return true;
        }
        return false;
    };
    const auto update = [&](int value) {
        QProcess process;
        process.setProcessEnvironment(cliEnvironment);
        process.start(cli, {QStringLiteral("shadow"), QStringLiteral("update"), thing,
                            QStringLiteral(R"({"state":{"desired":{"brightness":%1}}})").arg(value),
                            QStringLiteral("--endpoint-url"), sandbox.restEndpoint});
        return waitFor([&] { return process.state() == QProcess::NotRunning; }, 30000) &&
               process.exitCode() == 0;
    };
    if (!waitFor(
            [&] {
                update(500);
                return waitFor([&] { return reportedIn(500); }, 2000);
            },
            30000)) {
        std::fprintf(stderr, "bench_shadow_loop: thingdeck-cli sub saw nothing: %s\n",
                     sub.readAllStandardError().constData());
        return 1;
    }
    std::vector<double> cliMs;
    for (int i = 0; i < rounds; ++i) {
        const int value = 5000 + i;
        lines.clear();
        QElapsedTimer clock;
        clock.start();
        if (!update(value) || !waitFor([&] { return reportedIn(value); })) {
            std::fprintf(stderr, "bench_shadow_loop: cli round %d failed\n", i);
            return 1;
        }
        cliMs.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    sub.terminate();
    sub.waitForFinished(5000);
    report("thingdeck-cli: shadow update -> sub line", cliMs);
    std::printf("  editor p50 is %.1fx faster than the CLI loop (target: editor p50 <= 50 ms)\n",
                percentile(cliMs, 0.5) / std::max(0.001, percentile(editorMs, 0.5)));

    // 3. Opening an 8 KB shadow: a named shadow filled close to the limit, then switched to
    //    from the classic one and back, each opening timed until the tree and text are shown.
    QJsonObject big;
    for (int i = 0;
         big.isEmpty() || QJsonDocument(big).toJson(QJsonDocument::Compact).size() < 3900; ++i) {
        big.insert(QStringLiteral("setting%1").arg(i, 3, 10, QLatin1Char('0')),
                   QJsonObject{{QStringLiteral("value"), i * 7},
                               {QStringLiteral("label"), QStringLiteral("value-%1").arg(i)}});
    }
    bool created = false;
    session.shadows()->updateShadow(
        ThingName::create(thing).value(), ShadowName::create(QStringLiteral("big")).value(),
        QJsonObject{{QStringLiteral("state"), QJsonObject{{QStringLiteral("desired"), big},
                                                          {QStringLiteral("reported"), big}}}},
        std::nullopt, &app, [&](const Result<ShadowAccepted, IotError> &r) {
            if (!r.ok())
                std::fprintf(stderr, "bench_shadow_loop: %s\n", qPrintable(r.error().toString()));
            created = true;
        });
    waitFor([&] { return created; });
    editor.refresh();
    QTabBar *tabs = editor.shadowTabs();
    const auto tabOf = [&](const QString &name) {
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->tabData(i).toString() == name)
                return i;
        }
        return -1;
    };
    if (!waitFor([&] { return tabOf(QStringLiteral("big")) >= 0; })) {
        std::fprintf(stderr, "bench_shadow_loop: the big shadow is not listed\n");
        return 1;
    }
    std::vector<double> openMs;
    const int opens = std::max(20, rounds / 4);
    qint64 bytes = 0;
    for (int i = 0; i < opens; ++i) {
        tabs->setCurrentIndex(tabOf(QString()));
        waitFor([&] { return editor.shadows()->state() == ShadowSession::State::Loaded; });
        QElapsedTimer clock;
        clock.start();
        tabs->setCurrentIndex(tabOf(QStringLiteral("big")));
        if (!waitFor([&] {
                return editor.shadows()->shadow().toString() == QStringLiteral("big") &&
                       editor.shadows()->state() == ShadowSession::State::Loaded &&
                       editor.baseVersion().has_value() && editor.stateModel()->rowCount() > 10;
            })) {
            std::fprintf(stderr, "bench_shadow_loop: the big shadow did not open\n");
            return 1;
        }
        editor.repaint();
        openMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        bytes = editor.shadows()->current()->document.stateSize();
    }
    std::printf("  (the opened shadow holds %lld bytes of state of the 8,192 allowed)\n",
                qlonglong(bytes));
    report("open an 8 KB shadow (get + render)", openMs);
    return 0;
}
