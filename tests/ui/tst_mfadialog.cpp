// The GUI's MFA dialog in front of the real sandbox STS: a session whose profile assumes a
// role with mfa_serial asks through DialogMfaCodeSource, and the code typed lists the things.
#include "CredentialTestSupport.h"
#include "SandboxProcess.h"
#include "connection/MfaCodeDialog.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace thingdeck;
using thingdeck::test::SandboxProcess;

using thingdeck::test::CredentialTestSupport;

class TestMfaDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SandboxProcess> m_sandbox;
    QJsonObject m_examples;

    // A session on the sandbox's MFA example profile, with a HOME of its own (so no cached
    // credentials from another case).
    std::unique_ptr<ConsoleSession> session(const QString &home, MfaCodeSource *source)
    {
        const QJsonObject mfa = m_examples.value(QStringLiteral("ways"))
                                    .toObject()
                                    .value(QStringLiteral("mfa"))
                                    .toObject();
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HOME"), home);
        environment.insert(QStringLiteral("AWS_CONFIG_FILE"),
                           mfa.value(QStringLiteral("configFile")).toString());
        environment.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"),
                           mfa.value(QStringLiteral("credentialsFile")).toString());
        ConnectionSettings settings = ConnectionSettings::withDefaults(QStringLiteral("mfa"));
        settings.profile = mfa.value(QStringLiteral("profile")).toString();
        auto out = std::make_unique<ConsoleSession>(settings, environment);
        out->setMfaCodeSource(source);
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(QStringLiteral("sandbox")));
        QVERIFY2(m_sandbox->start({QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
                 qPrintable(m_sandbox->error()));
        m_examples = m_sandbox->info().value(QStringLiteral("examples")).toObject();
        QVERIFY(!m_examples.isEmpty());
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void codeTypedListsTheThings()
    {
        QWidget window;
        DialogMfaCodeSource source(&window);
        auto s = session(m_dir.filePath(QStringLiteral("home-ok")), &source);
        QVERIFY2(s->open().ok(), "the session opens");
        s->things()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(source.currentDialog(), 20000);
        MfaCodeDialog *dialog = source.currentDialog();
        QVERIFY(dialog->isVisible());
        const QJsonObject mfa = m_examples.value(QStringLiteral("mfa")).toObject();
        QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // nothing typed yet
        QTest::keyClicks(dialog->field(), QStringLiteral("12a3"));
        QCOMPARE(dialog->field()->text(), QStringLiteral("123")); // digits only
        QVERIFY(!ok->isEnabled());
        dialog->field()->clear();
        // Not within 3 s of a step boundary, so the code is still current when it arrives.
        while (QDateTime::currentSecsSinceEpoch() % 30 > 26)
            QThread::msleep(200);
        const QString code =
            CredentialTestSupport::totp(CredentialTestSupport::base32Decode(
                                            mfa.value(QStringLiteral("secretBase32")).toString()),
                                        QDateTime::currentSecsSinceEpoch());
        QTest::keyClicks(dialog->field(), code);
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(s->things()->rowCount() > 0, 20000);
        QVERIFY(!source.currentDialog());
    }

    void cancelIsAnErrorThatSaysSo()
    {
        QWidget window;
        DialogMfaCodeSource source(&window);
        auto s = session(m_dir.filePath(QStringLiteral("home-cancel")), &source);
        QVERIFY(s->open().ok());
        QSignalSpy errors(s->things(), &ThingListModel::errorOccurred);
        s->things()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(source.currentDialog(), 20000);
        source.currentDialog()->reject();
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 20000);
        const auto error = errors.first().first().value<IotError>();
        QVERIFY2(error.message.contains(QStringLiteral("cancelled")), qPrintable(error.message));
        QCOMPARE(s->things()->rowCount(), 0);
    }

    void windowClosedUnansweredIsAnError()
    {
        auto window = std::make_unique<QWidget>();
        auto *source = new DialogMfaCodeSource(window.get());
        MfaCodeSource::CodeResult got = QString();
        bool answered = false;
        source->request(QStringLiteral("arn:aws:iam::123456789012:mfa/someone"),
                        [&](const MfaCodeSource::CodeResult &result) {
                            got = result;
                            answered = true;
                        });
        QVERIFY(!answered); // never inside request()
        QVERIFY(source->currentDialog());
        delete source->currentDialog();
        QVERIFY(answered);
        QVERIFY(!got.ok());
        QVERIFY(got.error().contains(QStringLiteral("closed")));
    }
};

QTEST_MAIN(TestMfaDialog)
#include "tst_mfadialog.moc"
