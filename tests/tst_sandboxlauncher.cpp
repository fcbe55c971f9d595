// SandboxLauncher against the real thingdeck-sandbox executable.
#include "SandboxProcess.h"
#include "session/SandboxLauncher.h"

#include "ProcessState.h"
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <QTest>

#include <csignal>

using namespace thingdeck;

namespace {

const QStringList kSmall{QStringLiteral("--things"), QStringLiteral("2"),
                         QStringLiteral("--telemetry-rate"), QStringLiteral("0")};

bool isRunning(qint64 pid)
{
    return thingdeck::test::ProcessState::isRunning(pid);
}

QString executable()
{
    return test::SandboxProcess::executable();
}

} // namespace

class tst_SandboxLauncher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void locateExecutable();
    void defaultStateDir();
    void startStopAndRestart();
    void killedSandboxDies();
    void missingExecutableFails();
    void badArgumentsFail();
    void destructorTerminates();

private:
    bool startAndWait(SandboxLauncher &launcher, const QString &stateDir);
};

void tst_SandboxLauncher::locateExecutable()
{
    const QFileInfo sandbox(executable());
    QProcessEnvironment noPath;
    // Beside the executable.
    QCOMPARE(SandboxLauncher::locateExecutable(sandbox.path(), noPath),
             sandbox.canonicalFilePath());
    // The build tree: app/ and sandbox/ are siblings.
    const QString appDir = sandbox.dir().filePath(QStringLiteral("../app"));
    QCOMPARE(QFileInfo(SandboxLauncher::locateExecutable(appDir, noPath)).canonicalFilePath(),
             sandbox.canonicalFilePath());
    // PATH.
    QTemporaryDir elsewhere;
    QProcessEnvironment withPath;
    withPath.insert(QStringLiteral("PATH"), QStringLiteral("/nonexistent:") + sandbox.path());
    QCOMPARE(QFileInfo(SandboxLauncher::locateExecutable(elsewhere.path(), withPath))
                 .canonicalFilePath(),
             sandbox.canonicalFilePath());
    QVERIFY(SandboxLauncher::locateExecutable(elsewhere.path(), noPath).isEmpty());
}

void tst_SandboxLauncher::defaultStateDir()
{
    QVERIFY(SandboxLauncher::defaultStateDir().endsWith(QLatin1String("/thingdeck/sandbox")));
}

bool tst_SandboxLauncher::startAndWait(SandboxLauncher &launcher, const QString &stateDir)
{
    QSignalSpy ready(&launcher, &SandboxLauncher::ready);
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start(executable(), stateDir, kSmall);
    if (launcher.state() != SandboxLauncher::State::Starting)
        return false;
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60000))
        return false;
    if (!failed.isEmpty())
        qWarning() << failed.first().first().toString();
    return !ready.isEmpty() && launcher.state() == SandboxLauncher::State::Running;
}

void tst_SandboxLauncher::startStopAndRestart()
{
    QTemporaryDir state;
    SandboxLauncher launcher;
    QVERIFY(startAndWait(launcher, state.path()));
    const SandboxInfo info = launcher.info();
    QCOMPARE(info.path, state.filePath(QStringLiteral("sandbox.json")));
    QCOMPARE(info.devices.size(), 2);
    QVERIFY(QFile::exists(info.caFile));
    QVERIFY(QFile::exists(info.devices.first().certificateFile));
    QCOMPARE(info.pid, launcher.processId());
    QVERIFY(isRunning(info.brokerPid));

    QSignalSpy stopped(&launcher, &SandboxLauncher::stopped);
    QSignalSpy died(&launcher, &SandboxLauncher::died);
    launcher.stop();
    QCOMPARE(launcher.state(), SandboxLauncher::State::Stopping);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 15000);
    QCOMPARE(launcher.state(), SandboxLauncher::State::NotRunning);
    QCOMPARE(launcher.processId(), 0);
    QVERIFY(!isRunning(info.pid));
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(info.brokerPid), 10000);
    QVERIFY(died.isEmpty());

    // The same state folder brings back the same things and certificates.
    QVERIFY(startAndWait(launcher, state.path()));
    QCOMPARE(launcher.info().devices, info.devices);
    QCOMPARE(launcher.info().accessKeyId, info.accessKeyId);
    launcher.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 2, 15000);
}

void tst_SandboxLauncher::killedSandboxDies()
{
    QTemporaryDir state;
    SandboxLauncher launcher;
    QVERIFY(startAndWait(launcher, state.path()));
    const qint64 brokerPid = launcher.info().brokerPid;
    QSignalSpy died(&launcher, &SandboxLauncher::died);
    QVERIFY(::kill(pid_t(launcher.processId()), SIGKILL) == 0);
    QTRY_COMPARE_WITH_TIMEOUT(died.size(), 1, 10000);
    const QString sentence = died.first().first().toString();
    QVERIFY2(sentence.startsWith(QLatin1String("The local sandbox stopped (killed by a signal)")),
             qPrintable(sentence));
    QCOMPARE(launcher.state(), SandboxLauncher::State::Failed);
    // The sandbox's broker notices its parent is gone.
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(brokerPid), 15000);
}

void tst_SandboxLauncher::missingExecutableFails()
{
    QTemporaryDir state;
    const QString missing = state.filePath(QStringLiteral("no-such-sandbox"));
    SandboxLauncher launcher;
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start(missing, state.path());
    QTRY_COMPARE(failed.size(), 1);
    const QString sentence = failed.first().first().toString();
    QVERIFY2(sentence.contains(missing) && sentence.contains(QLatin1String("could not be started")),
             qPrintable(sentence));
    QCOMPARE(launcher.state(), SandboxLauncher::State::Failed);
}

void tst_SandboxLauncher::badArgumentsFail()
{
    QTemporaryDir state;
    SandboxLauncher launcher;
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start(executable(), state.path(), {QStringLiteral("--things"), QStringLiteral("-1")});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 15000);
    const QString sentence = failed.first().first().toString();
    QVERIFY2(sentence.contains(QLatin1String("ended before it was ready (exit code 2)")),
             qPrintable(sentence));
    QVERIFY2(sentence.contains(QLatin1String("--things needs a number")), qPrintable(sentence));
    QVERIFY(launcher.lastStderrLine().contains(QLatin1String("--things")));
}

void tst_SandboxLauncher::destructorTerminates()
{
    QTemporaryDir state;
    qint64 pid = 0;
    qint64 brokerPid = 0;
    {
        SandboxLauncher launcher;
        QVERIFY(startAndWait(launcher, state.path()));
        pid = launcher.processId();
        brokerPid = launcher.info().brokerPid;
    }
    // SIGTERM lets the sandbox stop its broker itself.
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(pid), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(brokerPid), 15000);
}

QTEST_GUILESS_MAIN(tst_SandboxLauncher)
#include "tst_sandboxlauncher.moc"
