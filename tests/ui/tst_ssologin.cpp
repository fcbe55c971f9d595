// "Sign In with AWS SSO…" in the real window against the real sandbox's SSO portal: a profile
// whose token is missing fails with the SSO kind, the window offers the sign-in when the AWS
// CLI is there, runs it (a stand-in script here: the real one needs a browser) and lists the
// things without a restart; a failing CLI shows its output; without a CLI no button is offered.
#include "MainWindow.h"
#include "SandboxProcess.h"
#include "common/MessageBar.h"
#include "connection/SsoLoginDialog.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "workspace/Workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;
using thingdeck::test::SandboxProcess;

namespace {

/// One window as main() builds it, on an environment of the test's own (HOME without token).
struct Harness
{
    Harness(const QString &dir, const QProcessEnvironment &environment)
        : settings(dir + QStringLiteral("/thingdeck.conf"))
        , workspace(&settings, &secrets, environment, QString(), dir + QStringLiteral("/state"))
        , window(&workspace, &settings, &secrets, nullptr, environment)
    {
        window.show();
    }

    ~Harness()
    {
        QSignalSpy done(&workspace, &Workspace::shutDown);
        window.close();
        if (done.isEmpty())
            done.wait(20000);
    }

    ThingListModel *things() const
    {
        return workspace.session() ? workspace.session()->things() : nullptr;
    }

    Settings settings;
    SecretStore secrets;
    Workspace workspace;
    MainWindow window;
};

} // namespace

class TestSsoLogin : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SandboxProcess> m_sandbox;
    QJsonObject m_examples;

    QJsonObject ssoWay() const
    {
        return m_examples.value(QStringLiteral("ways"))
            .toObject()
            .value(QStringLiteral("sso"))
            .toObject();
    }

    QString tokenCacheFile() const
    {
        return m_examples.value(QStringLiteral("sso"))
            .toObject()
            .value(QStringLiteral("tokenCacheFile"))
            .toString();
    }

    QProcessEnvironment environment(const QString &home) const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("AWS_CONFIG_FILE"),
                   ssoWay().value(QStringLiteral("configFile")).toString());
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"),
                   ssoWay().value(QStringLiteral("credentialsFile")).toString());
        return env;
    }

    // An executable script standing in for the AWS CLI.
    QString script(const QString &name, const QString &body) const
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(QStringLiteral("#!/bin/sh\n%1\n").arg(body).toUtf8());
        file.close();
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                            QFileDevice::ExeOwner);
        return path;
    }

    // Opens the SSO profile in a fresh HOME and waits for the window's SSO message.
    std::unique_ptr<Harness> openWithoutToken(const QString &home, const QString &awsProgram)
    {
        QDir().mkpath(home);
        auto harness = std::make_unique<Harness>(home, environment(home));
        harness->window.setAwsProgram(awsProgram);
        ConnectionSettings settings = ConnectionSettings::withDefaults(QStringLiteral("sso"));
        settings.profile = ssoWay().value(QStringLiteral("profile")).toString();
        harness->workspace.openUnsaved(settings);
        return harness;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(QStringLiteral("sandbox")));
        QVERIFY2(m_sandbox->start({QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
                 qPrintable(m_sandbox->error()));
        m_examples = m_sandbox->info().value(QStringLiteral("examples")).toObject();
        QVERIFY(!ssoWay().isEmpty());
        QVERIFY(QFileInfo::exists(tokenCacheFile()));
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void signInListsTheThings()
    {
        const QString home = m_dir.filePath(QStringLiteral("home-ok"));
        // Writes the token where the CLI would, in the HOME of the session's environment.
        const QString aws = script(
            QStringLiteral("aws-ok"),
            QStringLiteral(
                "echo \"Attempting to open the SSO authorization page.\"\n"
                "echo \"https://device.sso.example/?user_code=ABCD-EFGH\"\n"
                "[ \"$1 $2 $3 $4\" = \"sso login --profile %1\" ] || exit 3\n"
                "mkdir -p \"$HOME/.aws/sso/cache\" && cp '%2' \"$HOME/.aws/sso/cache/\"\n"
                "echo \"Successfully logged into Start URL\"")
                .arg(ssoWay().value(QStringLiteral("profile")).toString(), tokenCacheFile()));
        auto h = openWithoutToken(home, aws);
        MessageBar *bar = h->window.messageBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->actionButton()->isVisible(), 20000);
        QVERIFY2(bar->text().contains(QStringLiteral("aws sso login --profile")),
                 qPrintable(bar->text()));
        QPushButton *signIn = bar->actionButton();
        QCOMPARE(signIn->text(), QStringLiteral("Sign In with AWS SSO…"));
        QVERIFY(!signIn->accessibleName().isEmpty());
        QVERIFY(signIn->toolTip().contains(QStringLiteral("aws sso login --profile")));
        QVERIFY(bar->isRetryable());
        QVERIFY(h->window.restStatus()->text().startsWith(QStringLiteral("REST failed")));
        QCOMPARE(h->things()->rowCount(), 0);

        QTest::mouseClick(signIn, Qt::LeftButton);
        QVERIFY(h->window.ssoLoginDialog());
        QPointer<SsoLoginDialog> dialog = h->window.ssoLoginDialog();
        QTRY_COMPARE_WITH_TIMEOUT(dialog ? dialog->userCode() : QStringLiteral("ABCD-EFGH"),
                                  QStringLiteral("ABCD-EFGH"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(h->things()->rowCount() > 0, 20000);
        QVERIFY(!h->window.ssoLoginDialog());
        QVERIFY(!bar->actionButton()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(h->window.restStatus()->text(), QStringLiteral("REST ok"), 10000);
    }

    void failedSignInShowsItsOutput()
    {
        const QString home = m_dir.filePath(QStringLiteral("home-fail"));
        const QString aws =
            script(QStringLiteral("aws-fail"),
                   QStringLiteral("echo 'Error when retrieving token from sso: Token has "
                                  "expired and refresh failed' >&2\nexit 1"));
        auto h = openWithoutToken(home, aws);
        MessageBar *bar = h->window.messageBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->actionButton()->isVisible(), 20000);
        QTest::mouseClick(bar->actionButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(bar->text().contains(QStringLiteral("refresh failed")), 10000);
        QVERIFY2(bar->text().contains(QStringLiteral("failed")), qPrintable(bar->text()));
        QCOMPARE(bar->level(), MessageBar::Level::Error);
        QVERIFY(bar->actionButton()->isVisible()); // it can be tried again
        QVERIFY(!h->window.ssoLoginDialog());
        QCOMPARE(h->things()->rowCount(), 0);

        // Signing in elsewhere (a terminal) and choosing Retry resolves again: no cached failure.
        const QString cache = home + QStringLiteral("/.aws/sso/cache/");
        QVERIFY(QDir().mkpath(cache));
        QVERIFY(QFile::copy(tokenCacheFile(), cache + QFileInfo(tokenCacheFile()).fileName()));
        QPushButton *retry = nullptr;
        for (QPushButton *button : bar->findChildren<QPushButton *>())
            if (button->accessibleName() == QStringLiteral("Retry"))
                retry = button;
        QVERIFY(retry && retry->isVisible());
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(h->things()->rowCount() > 0, 20000);
    }

    void cancelStopsTheCli()
    {
        const QString home = m_dir.filePath(QStringLiteral("home-cancel"));
        const QString aws = script(QStringLiteral("aws-slow"),
                                   QStringLiteral("echo 'Then enter the code:'\necho WXYZ-1234\n"
                                                  "exec sleep 60"));
        auto h = openWithoutToken(home, aws);
        MessageBar *bar = h->window.messageBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->actionButton()->isVisible(), 20000);
        QTest::mouseClick(bar->actionButton(), Qt::LeftButton);
        QPointer<SsoLoginDialog> dialog = h->window.ssoLoginDialog();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->userCode(), QStringLiteral("WXYZ-1234"), 10000);
        QVERIFY(dialog->findChild<QPlainTextEdit *>()->toPlainText().contains(
            QStringLiteral("WXYZ-1234")));
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog, 10000);
        QVERIFY2(bar->text().contains(QStringLiteral("cancelled")), qPrintable(bar->text()));
    }

    void withoutTheCliSaysToInstallIt()
    {
        const QString home = m_dir.filePath(QStringLiteral("home-nocli"));
        auto h = openWithoutToken(home, m_dir.filePath(QStringLiteral("no-such-aws")));
        MessageBar *bar = h->window.messageBar();
        QTRY_VERIFY_WITH_TIMEOUT(
            bar->isVisible() && bar->text().contains(QStringLiteral("aws sso login")), 20000);
        QVERIFY2(bar->text().contains(QStringLiteral("sudo apt install awscli")),
                 qPrintable(bar->text()));
        QVERIFY(!bar->actionButton()->isVisible());
        QVERIFY(bar->isRetryable());
    }
};

QTEST_MAIN(TestSsoLogin)
#include "tst_ssologin.moc"
