#pragma once

#include "session/Settings.h"

#include <QMainWindow>
#include <QPointer>
#include <QProcessEnvironment>

#include <memory>

class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QVBoxLayout;

namespace thingdeck {

class ConnectionDialog;
class ConsoleSession;
class DialogMfaCodeSource;
class DraftStore;
class ShadowEditor;
struct ShadowDraft;
class MessageBar;
class MessagePane;
class PassphraseDialog;
class SecretStore;
class SsoLoginDialog;
class ThemeController;
class ThingBrowser;
class ThingDetails;
class ThingRelations;
class WelcomeView;
class Workspace;

/// The one main window: the thing browser docked on the left, the selected thing in the
/// centre, its groups and principals docked at the bottom, the connection switcher in the
/// toolbar and the connection, REST, MQTT and sandbox state in the status bar. Wiring only: the
/// Workspace decides what is open, the panes bind to its session.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// `drafts` keeps unapplied shadow edits (may be null: drafts are then not kept).
    MainWindow(Workspace *workspace, Settings *settings, SecretStore *secrets, DraftStore *drafts,
               const QProcessEnvironment &environment, QWidget *parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    /// Restores geometry, docks, column widths and the theme from the settings.
    void restoreState();
    /// With no connection open: the welcome view (it says whether AWS profiles exist).
    void showWelcome(bool hasAwsConfiguration);
    void openConnectionsDialog();
    /// The AWS CLI that "Sign In with AWS SSO…" runs: a name looked up on PATH, or a path
    /// (tests give a stand-in). "aws" unless set.
    void setAwsProgram(const QString &program) { m_awsProgram = program; }
    /// The sign-in window while `aws sso login` runs, else null.
    SsoLoginDialog *ssoLoginDialog() const;

    ThingBrowser *browser() const { return m_browser; }
    ThingDetails *details() const { return m_details; }
    ShadowEditor *shadowEditor() const { return m_shadowEditor; }
    QTabWidget *thingTabs() const { return m_thingTabs; }
    ThingRelations *relations() const { return m_relations; }
    MessagePane *messagePane() const { return m_messagePane; }
    QDockWidget *messagesDock() const { return m_messagesDock; }
    WelcomeView *welcome() const { return m_welcome; }
    MessageBar *messageBar() const { return m_messages; }
    QComboBox *connectionSelector() const { return m_connections; }
    ConnectionDialog *connectionDialog() const { return m_connectionDialog; }
    QLabel *restStatus() const { return m_restLabel; }
    QLabel *mqttStatus() const { return m_mqttLabel; }
    QLabel *sandboxStatus() const { return m_sandboxLabel; }
    QLabel *messageStatus() const { return m_messageLabel; }
    QLabel *connectionStatus() const { return m_connectionLabel; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildCentre();
    void buildDocks();
    void buildMessagesDock();
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildStatusBar();
    void bindWorkspace();
    void reloadConnectionList();
    void onConnectionChosen(int index);
    void onSessionChanged(ConsoleSession *session);
    void onOpenFailed(const QString &sentence);
    void onSsoLoginRequired(const QString &profile, const QString &sentence);
    void offerSsoLogin(const QString &sentence);
    void startSsoLogin();
    void retryAfterSignIn();
    void onPassphraseNeeded(const QString &connection, const QString &keyFile,
                            const QString &problem);
    void updateRestStatus();
    void updateMqttStatus();
    void updateSandboxStatus();
    void updateConnectionActions();
    void refreshAll();
    void copyToClipboard(const QString &text);
    void setTheme(Settings::Theme theme);
    void saveState();
    void showAbout();
    void askAboutDrafts(const QList<ShadowDraft> &drafts);

    Workspace *m_workspace;
    Settings *m_settings;
    SecretStore *m_secrets;
    DraftStore *m_drafts;
    QProcessEnvironment m_environment;
    std::unique_ptr<ThemeController> m_theme;
    QPointer<ConsoleSession> m_session;
    QStackedWidget *m_centre = nullptr;
    MessageBar *m_messages = nullptr;
    WelcomeView *m_welcome = nullptr;
    QWidget *m_opening = nullptr;
    QLabel *m_openingText = nullptr;
    QTabWidget *m_thingTabs = nullptr;
    ShadowEditor *m_shadowEditor = nullptr;
    ThingDetails *m_details = nullptr;
    ThingBrowser *m_browser = nullptr;
    ThingRelations *m_relations = nullptr;
    QDockWidget *m_thingsDock = nullptr;
    QDockWidget *m_relationsDock = nullptr;
    MessagePane *m_messagePane = nullptr;
    QDockWidget *m_messagesDock = nullptr;
    QLabel *m_messageLabel = nullptr;
    QComboBox *m_connections = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_restLabel = nullptr;
    QLabel *m_mqttLabel = nullptr;
    QLabel *m_sandboxLabel = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_disconnectAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_manageAction = nullptr;
    QAction *m_sandboxAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_quitAction = nullptr;
    QActionGroup *m_themeGroup = nullptr;
    ConnectionDialog *m_connectionDialog = nullptr;
    QPointer<PassphraseDialog> m_passphraseDialog;
    DialogMfaCodeSource *m_mfaSource = nullptr;
    QString m_lastFailedConnection;
    QString m_awsProgram = QStringLiteral("aws");
    QString m_ssoProfile; ///< the profile of the SSO message shown, empty when none is
    QPointer<SsoLoginDialog> m_ssoDialog;
    bool m_closing = false;
    bool m_closeNow = false;
    bool m_draftsAcknowledged = false; ///< the user saw which drafts stay unapplied
};

} // namespace thingdeck
