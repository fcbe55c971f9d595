#pragma once

#include "session/ConnectionSettings.h"
#include "session/ConsoleSession.h"
#include "session/SandboxInfo.h"

#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>

#include <optional>

namespace thingdeck {

class ConsoleSession;
class MfaCodeSource;
class SandboxLauncher;
class SecretStore;
class Settings;

/// Everything the main window shows, minus the widgets: which connection is open (one
/// ConsoleSession at a time), the local sandbox Thingdeck started for it, and the steps between
/// choosing a connection and using it (starting the sandbox, asking for a key passphrase).
/// Switching closes the old session cleanly in the background while the new one opens; the old
/// one's late results never reach the new one, because each session owns its own clients.
class Workspace : public QObject
{
    Q_OBJECT
public:
    /// The name of the saved connection that opens the local sandbox.
    static QString sandboxConnectionName();

    /// `settings` and `secrets` must outlive the workspace. `sandboxExecutable` may be empty
    /// (the sandbox is then reported as not installed when asked for).
    Workspace(Settings *settings, SecretStore *secrets, const QProcessEnvironment &environment,
              QString sandboxExecutable, QString sandboxStateDir, QObject *parent = nullptr);
    ~Workspace() override;
    Q_DISABLE_COPY_MOVE(Workspace)

    /// Opens a saved connection; openFailed() with a sentence if it cannot be.
    void openConnection(const QString &name);
    /// Opens a connection that is not saved (e.g. --profile on the command line).
    void openUnsaved(const ConnectionSettings &settings);
    /// Opens the local sandbox, saving a connection for it the first time.
    void openSandbox();
    /// Closes the open connection, if any.
    void closeConnection();
    /// Closes the session and stops the sandbox this workspace started; shutDown() when done.
    void shutdown();

    /// The answer to passphraseNeeded(): connect with it (and keep it in the keyring with
    /// `remember`); an empty passphrase means the user declined, MQTT stays off.
    void providePassphrase(const QByteArray &passphrase, bool remember);
    /// Where sessions opened from now on ask for an MFA code (an assume-role profile with
    /// mfa_serial); not owned, must outlive the workspace's sessions. Null: such a profile
    /// fails with a sentence that says so.
    void setMfaCodeSource(MfaCodeSource *source) { m_mfa = source; }

    ConsoleSession *session() const { return m_session; }
    SandboxLauncher *sandbox() const { return m_sandbox; }
    /// "" when no sandbox was started; else "sandbox starting…", "sandbox running", …
    QString sandboxStatusText() const;
    bool isOpening() const { return m_pending.has_value(); }

Q_SIGNALS:
    /// A new session is open (null: no connection).
    void sessionChanged(thingdeck::ConsoleSession *session);
    /// Opening a connection failed; the sentence names the cause and the fix.
    void openFailed(const QString &sentence);
    /// The open connection's private key is encrypted and no passphrase is known.
    void passphraseNeeded(const QString &connection, const QString &keyFile,
                          const QString &problem);
    void sandboxStatusChanged();
    /// The sandbox started here stopped on its own, with its last error line.
    void sandboxDied(const QString &sentence);
    /// Whether a connection is being prepared (the sandbox starting).
    void openingChanged(bool opening);
    void shutDown();

private:
    void openSettings(const ConnectionSettings &settings, bool saved);
    void startSandboxFor(const ConnectionSettings &settings);
    void onSandboxReady(const SandboxInfo &info);
    void onSandboxFailed(const QString &sentence);
    void createSession(const ConnectionSettings &settings, bool saved,
                       const std::optional<SandboxInfo> &sandbox);
    void retireSession();
    void connectMqtt();
    void askForPassphrase(const QString &problem);
    bool needsPassphrase(const QByteArray &passphrase, QString *problem) const;
    void setPending(std::optional<ConnectionSettings> pending);
    void maybeFinishShutdown();

    Settings *m_settings;
    SecretStore *m_secrets;
    QProcessEnvironment m_environment;
    QString m_sandboxExecutable;
    QString m_sandboxStateDir;
    SandboxLauncher *m_sandbox;
    QPointer<ConsoleSession> m_session;
    MfaCodeSource *m_mfa = nullptr;
    int m_retiring = 0;                          ///< sessions closing in the background
    std::optional<ConnectionSettings> m_pending; ///< waiting for the sandbox
    bool m_pendingSaved = false;
    bool m_shuttingDown = false;
    bool m_sandboxStopped = true;
};

} // namespace thingdeck
