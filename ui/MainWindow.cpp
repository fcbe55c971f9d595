#include "MainWindow.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "common/ThemeController.h"
#include "connection/ConnectionDialog.h"
#include "connection/ConnectionEditor.h"
#include "connection/MfaCodeDialog.h"
#include "connection/PassphraseDialog.h"
#include "connection/SsoLoginDialog.h"
#include "connection/WelcomeView.h"
#include "messages/MessagePane.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxLauncher.h"
#include "shadow/ShadowEditor.h"
#include "things/ThingBrowser.h"
#include "things/ThingDetails.h"
#include "things/ThingRelations.h"
#include "workspace/Workspace.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <array>
#include <utility>

namespace thingdeck {

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kThingHeaderKey = QStringLiteral("thingBrowser/header");
// Bump when docks change, so that an old layout is not restored onto new docks.
constexpr int kStateVersion = 3;
// A "retrying" note stays this long past the retry's start: about one answer's time.
constexpr int kRetryNoteExtraMs = 3000;
const QString kShadowLayoutKey = QStringLiteral("shadowEditor/layout");
const QString kMessagePaneKey = QStringLiteral("messagePane/splitter");

enum CentrePage { WelcomePage, OpeningPage, DetailsPage };

} // namespace

MainWindow::MainWindow(Workspace *workspace, Settings *settings, SecretStore *secrets,
                       DraftStore *drafts, const QProcessEnvironment &environment, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_drafts(drafts)
    , m_environment(environment)
    , m_theme(std::make_unique<ThemeController>())
{
    setWindowTitle(QStringLiteral("Thingdeck"));
    setWindowIcon(Icons::application());
    setObjectName(QStringLiteral("thingdeckMainWindow"));
    buildCentre();
    buildDocks();
    buildActions();
    buildMenus();
    buildToolBar();
    buildStatusBar();
    bindWorkspace();
    reloadConnectionList();
    onSessionChanged(nullptr);
    resize(1280, 800);
}

// The MFA dialog source dies with the window; the workspace and its session may outlive it.
MainWindow::~MainWindow()
{
    if (ConsoleSession *session = m_workspace->session())
        session->setMfaCodeSource(nullptr);
    m_workspace->setMfaCodeSource(nullptr);
}

void MainWindow::buildCentre()
{
    auto *centre = new QWidget(this);
    auto *layout = new QVBoxLayout(centre);
    layout->setContentsMargins(6, 6, 6, 0);
    m_messages = new MessageBar(centre);
    layout->addWidget(m_messages);
    m_centre = new QStackedWidget(centre);
    m_welcome = new WelcomeView(m_centre);
    m_opening = new QWidget(m_centre);
    auto *openingLayout = new QVBoxLayout(m_opening);
    m_openingText = new QLabel(m_opening);
    m_openingText->setAlignment(Qt::AlignCenter);
    auto *busy = new QProgressBar(m_opening);
    busy->setRange(0, 0);
    busy->setMaximumWidth(240);
    busy->setAccessibleName(tr("Opening the connection"));
    openingLayout->addStretch(1);
    openingLayout->addWidget(m_openingText);
    openingLayout->addWidget(busy, 0, Qt::AlignHCenter);
    openingLayout->addStretch(2);
    // The selected thing: its shadows first, its registry details beside them.
    m_thingTabs = new QTabWidget(m_centre);
    m_thingTabs->setDocumentMode(true);
    m_thingTabs->setAccessibleName(tr("Selected thing"));
    m_shadowEditor = new ShadowEditor(m_drafts, m_thingTabs);
    m_details = new ThingDetails(m_thingTabs);
    m_thingTabs->addTab(m_shadowEditor, tr("&Shadow"));
    m_thingTabs->addTab(m_details, tr("&Details"));
    m_thingTabs->setTabToolTip(0, tr("Desired and reported state, editing, history (Ctrl+1)"));
    m_thingTabs->setTabToolTip(1, tr("Registry details and attributes (Ctrl+2)"));
    m_centre->insertWidget(WelcomePage, m_welcome);
    m_centre->insertWidget(OpeningPage, m_opening);
    m_centre->insertWidget(DetailsPage, m_thingTabs);
    layout->addWidget(m_centre, 1);
    setCentralWidget(centre);
    connect(m_welcome, &WelcomeView::sandboxRequested, m_workspace, &Workspace::openSandbox);
    connect(m_welcome, &WelcomeView::connectionsRequested, this,
            &MainWindow::openConnectionsDialog);
    connect(m_messages, &MessageBar::retryRequested, this, [this] {
        if (!m_ssoProfile.isEmpty())
            retryAfterSignIn();
        else if (!m_lastFailedConnection.isEmpty())
            m_workspace->openConnection(m_lastFailedConnection);
    });
    connect(m_messages, &MessageBar::actionRequested, this, &MainWindow::startSsoLogin);
    connect(m_details, &ThingDetails::copyRequested, this, &MainWindow::copyToClipboard);
}

void MainWindow::buildDocks()
{
    m_browser = new ThingBrowser(this);
    m_thingsDock = new QDockWidget(tr("Things"), this);
    m_thingsDock->setObjectName(QStringLiteral("thingsDock"));
    m_thingsDock->setWidget(m_browser);
    m_thingsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable |
                              QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, m_thingsDock);
    m_relations = new ThingRelations(this);
    m_relationsDock = new QDockWidget(tr("Groups and principals"), this);
    m_relationsDock->setObjectName(QStringLiteral("relationsDock"));
    m_relationsDock->setWidget(m_relations);
    addDockWidget(Qt::BottomDockWidgetArea, m_relationsDock);
    buildMessagesDock();
    resizeDocks({m_thingsDock}, {560}, Qt::Horizontal);
    resizeDocks({m_messagesDock}, {300}, Qt::Vertical);
    connect(m_browser, &ThingBrowser::currentThingChanged, this,
            [this](const std::optional<ThingSummary> &thing) {
                m_details->showThing(thing);
                m_relations->showThing(thing ? thing->name : QString());
                m_shadowEditor->setThing(thing ? thing->name : QString());
            });
    connect(m_browser, &ThingBrowser::thingActivated, this, [this] {
        m_thingTabs->setCurrentWidget(m_shadowEditor);
        m_shadowEditor->stateView()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_shadowEditor, &ShadowEditor::draftsChanged, m_browser, &ThingBrowser::repaintRows);
    m_browser->setDraftMarker([this](const QString &thing) {
        return m_drafts && m_session && m_drafts->hasDraft(m_session->settings().name, thing);
    });
    connect(m_browser, &ThingBrowser::copyRequested, this, &MainWindow::copyToClipboard);
    connect(m_relations, &ThingRelations::copyRequested, this, &MainWindow::copyToClipboard);
    connect(m_details, &ThingDetails::thingUpdated, this, [this](const ThingSummary &thing) {
        if (m_session && m_session->things())
            m_session->things()->updateThing(thing);
    });
}

// The live MQTT pane shares the bottom with the thing's groups and principals, as tabs.
void MainWindow::buildMessagesDock()
{
    const QString historyDirectory =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
        QStringLiteral("/publish");
    m_messagePane = new MessagePane(m_settings, historyDirectory, this);
    m_messagesDock = new QDockWidget(tr("Live MQTT"), this);
    m_messagesDock->setObjectName(QStringLiteral("messagesDock"));
    m_messagesDock->setWidget(m_messagePane);
    addDockWidget(Qt::BottomDockWidgetArea, m_messagesDock);
    tabifyDockWidget(m_messagesDock, m_relationsDock);
    m_messagesDock->raise();
    connect(m_messagePane, &MessagePane::copyRequested, this, &MainWindow::copyToClipboard);
    connect(m_browser, &ThingBrowser::watchRequested, this, [this](const QString &thing) {
        m_messagesDock->show();
        m_messagesDock->raise();
        m_messagePane->watchThing(thing);
    });
}

void MainWindow::buildActions()
{
    m_manageAction =
        new QAction(Icons::get(QStringLiteral("document-properties")), tr("&Connections…"), this);
    m_manageAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_manageAction->setToolTip(tr("Add, edit, duplicate and delete connections (Ctrl+Shift+O)"));
    m_sandboxAction =
        new QAction(Icons::get(QStringLiteral("computer")), tr("Open &Local Sandbox"), this);
    m_sandboxAction->setToolTip(tr("Start the local AWS IoT stand-in and connect to it"));
    m_connectAction =
        new QAction(Icons::get(QStringLiteral("network-connect")), tr("C&onnect"), this);
    m_connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_connectAction->setToolTip(tr("Open the connection chosen in the toolbar (Ctrl+K)"));
    m_disconnectAction =
        new QAction(Icons::get(QStringLiteral("network-disconnect")), tr("&Disconnect"), this);
    m_disconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_disconnectAction->setToolTip(tr("Close the open connection (Ctrl+Shift+K)"));
    m_refreshAction = new QAction(Icons::get(QStringLiteral("view-refresh")), tr("&Refresh"), this);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setToolTip(tr("Reload the things and the selected thing (F5)"));
    m_findAction = new QAction(Icons::get(QStringLiteral("edit-find")), tr("&Filter Things"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_manageAction, &QAction::triggered, this, &MainWindow::openConnectionsDialog);
    connect(m_sandboxAction, &QAction::triggered, m_workspace, &Workspace::openSandbox);
    connect(m_connectAction, &QAction::triggered, this,
            [this] { onConnectionChosen(m_connections->currentIndex()); });
    connect(m_disconnectAction, &QAction::triggered, m_workspace, &Workspace::closeConnection);
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refreshAll);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_thingsDock->show();
        m_thingsDock->raise();
        m_browser->focusFilter();
    });
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_manageAction);
    file->addAction(m_sandboxAction);
    file->addSeparator();
    file->addAction(m_connectAction);
    file->addAction(m_disconnectAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_refreshAction);
    view->addAction(m_findAction);
    view->addSeparator();
    QAction *thingsToggle = m_thingsDock->toggleViewAction();
    thingsToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
    QAction *relationsToggle = m_relationsDock->toggleViewAction();
    relationsToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
    QAction *messagesToggle = m_messagesDock->toggleViewAction();
    messagesToggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));
    view->addAction(thingsToggle);
    view->addAction(relationsToggle);
    view->addAction(messagesToggle);
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    const auto themes = std::to_array<std::pair<QString, Settings::Theme>>(
        {{tr("&System"), Settings::Theme::System},
         {tr("&Light"), Settings::Theme::Light},
         {tr("&Dark"), Settings::Theme::Dark}});
    for (const auto &[label, value] : themes) {
        QAction *action = theme->addAction(label);
        action->setCheckable(true);
        action->setData(int(value));
        m_themeGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, chosen = value] { setTheme(chosen); });
    }
    QMenu *thing = menuBar()->addMenu(tr("&Thing"));
    thing->addAction(m_browser->copyNameAction());
    thing->addAction(m_browser->copyArnAction());
    thing->addSeparator();
    thing->addAction(m_details->addAttributeAction());
    thing->addAction(m_details->removeAttributeAction());
    thing->addAction(m_details->revertAction());
    thing->addAction(m_details->saveAction());
    QMenu *shadow = menuBar()->addMenu(tr("S&hadow"));
    for (QAction *action : m_shadowEditor->menuActions())
        shadow->addAction(action);
    auto *showShadow = new QAction(tr("Show &Shadow"), this);
    showShadow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(showShadow, &QAction::triggered, this,
            [this] { m_thingTabs->setCurrentWidget(m_shadowEditor); });
    auto *showDetails = new QAction(tr("Show &Details"), this);
    showDetails->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    connect(showDetails, &QAction::triggered, this,
            [this] { m_thingTabs->setCurrentWidget(m_details); });
    view->insertAction(thingsToggle, showShadow);
    view->insertAction(thingsToggle, showDetails);
    view->insertSeparator(thingsToggle);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Thingdeck"), this, &MainWindow::showAbout);
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Connection"));
    bar->setObjectName(QStringLiteral("connectionToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *label = new QLabel(tr("C&onnection:"), bar);
    label->setContentsMargins(4, 0, 4, 0);
    m_connections = new QComboBox(bar);
    m_connections->setMinimumContentsLength(22);
    m_connections->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_connections->setAccessibleName(tr("Connection"));
    m_connections->setToolTip(tr("Choose a saved connection to open it"));
    label->setBuddy(m_connections);
    bar->addWidget(label);
    bar->addWidget(m_connections);
    bar->addAction(m_connectAction);
    bar->addAction(m_disconnectAction);
    bar->addSeparator();
    bar->addAction(m_refreshAction);
    bar->addAction(m_manageAction);
    connect(m_connections, &QComboBox::activated, this, &MainWindow::onConnectionChosen);
    connect(m_connections, &QComboBox::currentIndexChanged, this,
            &MainWindow::updateConnectionActions);
}

void MainWindow::buildStatusBar()
{
    m_connectionLabel = new QLabel(this);
    m_restLabel = new QLabel(this);
    m_mqttLabel = new QLabel(this);
    m_sandboxLabel = new QLabel(this);
    m_messageLabel = new QLabel(this);
    m_messageLabel->setAccessibleName(tr("Message rate and drops"));
    m_messageLabel->setObjectName(QStringLiteral("messageStatus"));
    m_connectionLabel->setAccessibleName(tr("Connection status"));
    m_restLabel->setAccessibleName(tr("REST status"));
    m_mqttLabel->setAccessibleName(tr("MQTT status"));
    m_sandboxLabel->setAccessibleName(tr("Sandbox status"));
    connect(m_messagePane, &MessagePane::statusChanged, this,
            [this] { m_messageLabel->setText(m_messagePane->statusText()); });
    for (QLabel *label :
         {m_connectionLabel, m_restLabel, m_mqttLabel, m_messageLabel, m_sandboxLabel}) {
        label->setContentsMargins(6, 0, 6, 0);
        statusBar()->addWidget(label);
    }
    statusBar()->setSizeGripEnabled(true);
}

void MainWindow::bindWorkspace()
{
    m_mfaSource = new DialogMfaCodeSource(this);
    m_workspace->setMfaCodeSource(m_mfaSource);
    connect(m_workspace, &Workspace::sessionChanged, this, &MainWindow::onSessionChanged);
    connect(m_workspace, &Workspace::openFailed, this, &MainWindow::onOpenFailed);
    connect(m_workspace, &Workspace::passphraseNeeded, this, &MainWindow::onPassphraseNeeded);
    connect(m_workspace, &Workspace::sandboxStatusChanged, this, &MainWindow::updateSandboxStatus);
    connect(m_workspace, &Workspace::sandboxDied, this, [this](const QString &sentence) {
        m_messages->showMessage(MessageBar::Level::Error,
                                sentence + tr(" Open the local sandbox again to restart it."));
        updateSandboxStatus();
    });
    connect(m_workspace, &Workspace::openingChanged, this, [this](bool opening) {
        if (opening) {
            m_openingText->setText(tr("Starting the local sandbox…"));
            m_centre->setCurrentIndex(OpeningPage);
        } else if (!m_session) {
            m_centre->setCurrentIndex(WelcomePage);
        }
        updateConnectionActions();
    });
    connect(m_workspace, &Workspace::shutDown, this, [this] {
        m_closeNow = true;
        close();
    });
}

void MainWindow::reloadConnectionList()
{
    const QString current = m_session ? m_session->settings().name : m_settings->lastConnection();
    const QSignalBlocker blocker(m_connections);
    m_connections->clear();
    for (const ConnectionSettings &connection : m_settings->connections()) {
        const QIcon icon = connection.kind == ConnectionSettings::Kind::Sandbox
                               ? Icons::get(QStringLiteral("computer"))
                               : QIcon();
        m_connections->addItem(icon, connection.name, connection.name);
    }
    if (m_session && m_connections->findData(current) < 0)
        m_connections->addItem(current, current); // an unsaved connection (--profile)
    m_connections->setCurrentIndex(std::max(0, m_connections->findData(current)));
    updateConnectionActions();
}

void MainWindow::onConnectionChosen(int index)
{
    const QString name = m_connections->itemData(index).toString();
    if (name.isEmpty() || (m_session && m_session->settings().name == name))
        return;
    m_messages->dismiss();
    m_workspace->openConnection(name);
}

void MainWindow::onSessionChanged(ConsoleSession *session)
{
    m_session = session;
    m_browser->setSession(session);
    m_details->setSession(session);
    m_relations->setSession(session);
    m_shadowEditor->setSession(session);
    m_messagePane->setSession(session);
    m_ssoProfile.clear();
    if (session) {
        m_lastFailedConnection.clear();
        m_messages->dismiss();
        connect(session, &ConsoleSession::restStateChanged, this, &MainWindow::updateRestStatus);
        // Shown until the retry has had time to answer; its outcome then updates the label.
        connect(session, &ConsoleSession::restRetrying, this,
                [this](const QString &sentence, int delayMs) {
                    statusBar()->showMessage(sentence, delayMs + kRetryNoteExtraMs);
                });
        connect(session, &ConsoleSession::mqttStatusChanged, this, &MainWindow::updateMqttStatus);
        connect(session, &ConsoleSession::clientIdWarning, this, [this](const QString &sentence) {
            m_messages->showMessage(MessageBar::Level::Warning, sentence);
        });
        connect(session, &ConsoleSession::ssoLoginRequired, this, &MainWindow::onSsoLoginRequired);
        m_centre->setCurrentIndex(DetailsPage);
        setWindowTitle(tr("%1 — Thingdeck").arg(session->settings().name));
    } else {
        if (!m_workspace->isOpening())
            m_centre->setCurrentIndex(WelcomePage);
        setWindowTitle(QStringLiteral("Thingdeck"));
    }
    reloadConnectionList();
    updateRestStatus();
    updateMqttStatus();
    updateSandboxStatus();
}

void MainWindow::onOpenFailed(const QString &sentence)
{
    m_lastFailedConnection = m_connections->currentData().toString();
    m_messages->showMessage(MessageBar::Level::Error, sentence, !m_lastFailedConnection.isEmpty());
    if (!m_session)
        m_centre->setCurrentIndex(WelcomePage);
}

void MainWindow::onSsoLoginRequired(const QString &profile, const QString &sentence)
{
    m_ssoProfile = profile;
    if (m_ssoDialog)
        return; // a sign-in is under way; its end says how it went
    offerSsoLogin(sentence);
}

// The button only when the CLI is there to run; Retry in both cases, for a sign-in made
// elsewhere (a terminal, another machine's token copied over).
void MainWindow::offerSsoLogin(const QString &sentence)
{
    if (QStandardPaths::findExecutable(m_awsProgram).isEmpty()) {
        m_messages->showMessage(
            MessageBar::Level::Error,
            sentence + tr(" The AWS CLI (aws) is not installed here: install it (on Debian: "
                          "`sudo apt install awscli`) or sign in another way, then choose Retry."),
            true);
        return;
    }
    m_messages->showMessage(MessageBar::Level::Error, sentence, true);
    m_messages->setAction(
        tr("Sign In with AWS SSO…"), tr("Sign in with AWS SSO"),
        tr("Runs `aws sso login --profile %1` and follows it; the list reloads when it is done")
            .arg(m_ssoProfile));
}

SsoLoginDialog *MainWindow::ssoLoginDialog() const
{
    return m_ssoDialog;
}

void MainWindow::startSsoLogin()
{
    if (m_ssoDialog) {
        m_ssoDialog->raise();
        m_ssoDialog->activateWindow();
        return;
    }
    const QString program = QStandardPaths::findExecutable(m_awsProgram);
    if (!m_session || m_ssoProfile.isEmpty() || program.isEmpty())
        return;
    m_messages->hide();
    m_ssoDialog = new SsoLoginDialog(program, m_ssoProfile, m_session->environment(), this);
    const QPointer<ConsoleSession> session = m_session;
    connect(m_ssoDialog, &SsoLoginDialog::succeeded, this, [this, session] {
        if (session != m_session)
            return;
        m_messages->showMessage(MessageBar::Level::Information,
                                tr("Signed in with AWS SSO (profile %1).").arg(m_ssoProfile));
        retryAfterSignIn();
    });
    connect(m_ssoDialog, &SsoLoginDialog::failed, this, [this, session](const QString &reason) {
        if (session == m_session)
            offerSsoLogin(tr("Signing in with AWS SSO failed: %1").arg(reason));
    });
    connect(m_ssoDialog, &SsoLoginDialog::cancelled, this, [this, session] {
        if (session == m_session)
            offerSsoLogin(tr("Signing in with AWS SSO was cancelled."));
    });
    m_ssoDialog->start();
}

// The chain caches only credentials, never a failure; invalidating also drops keys that the
// portal may have handed out for an older token, so that everything resolves afresh.
void MainWindow::retryAfterSignIn()
{
    m_ssoProfile.clear();
    if (!m_session)
        return;
    m_session->invalidateCredentials();
    refreshAll();
}

void MainWindow::onPassphraseNeeded(const QString &connection, const QString &keyFile,
                                    const QString &problem)
{
    if (!m_passphraseDialog) {
        m_passphraseDialog = new PassphraseDialog(connection, keyFile, true, this);
        m_passphraseDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_passphraseDialog, &PassphraseDialog::passphraseEntered, m_workspace,
                &Workspace::providePassphrase);
    }
    m_passphraseDialog->setProblem(problem);
    m_passphraseDialog->open();
}

void MainWindow::updateRestStatus()
{
    if (!m_session) {
        m_connectionLabel->setText(tr("Not connected"));
        m_restLabel->clear();
        return;
    }
    const ConnectionSettings &s = m_session->settings();
    m_connectionLabel->setText(s.name + QStringLiteral(" · ") + m_session->region());
    switch (m_session->restState()) {
    case ConsoleSession::RestState::Idle:
        m_restLabel->setText(tr("REST ready"));
        m_restLabel->setToolTip({});
        break;
    case ConsoleSession::RestState::Ok:
        m_restLabel->setText(tr("REST ok"));
        m_restLabel->setToolTip({});
        break;
    case ConsoleSession::RestState::Failed:
        m_restLabel->setText(tr("REST failed: %1")
                                 .arg(m_restLabel->fontMetrics().elidedText(m_session->restError(),
                                                                            Qt::ElideRight, 320)));
        m_restLabel->setToolTip(m_session->restError());
        break;
    }
}

void MainWindow::updateMqttStatus()
{
    m_mqttLabel->setText(m_session ? m_session->mqttStatusText() : QString());
    m_mqttLabel->setToolTip(m_mqttLabel->text());
}

void MainWindow::updateSandboxStatus()
{
    const QString text = m_workspace->sandboxStatusText();
    m_sandboxLabel->setText(text);
    m_sandboxLabel->setToolTip(m_workspace->sandbox()->lastStderrLine());
    m_sandboxLabel->setVisible(!text.isEmpty());
}

void MainWindow::updateConnectionActions()
{
    const bool open = m_session != nullptr;
    m_disconnectAction->setEnabled(open || m_workspace->isOpening());
    const QString chosen = m_connections->currentData().toString();
    m_connectAction->setEnabled(!chosen.isEmpty() &&
                                !(open && m_session->settings().name == chosen));
    m_refreshAction->setEnabled(open);
}

void MainWindow::refreshAll()
{
    if (!m_session)
        return;
    m_browser->refresh();
    m_details->reload();
    m_shadowEditor->refresh();
    m_relations->reload();
}

void MainWindow::copyToClipboard(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
    statusBar()->showMessage(tr("Copied %1").arg(text), 3000);
}

void MainWindow::setTheme(Settings::Theme theme)
{
    m_theme->apply(theme);
    m_settings->setTheme(theme);
    for (QAction *action : m_themeGroup->actions())
        action->setChecked(action->data().toInt() == int(theme));
}

void MainWindow::openConnectionsDialog()
{
    if (!m_connectionDialog) {
        m_connectionDialog = new ConnectionDialog(m_settings, m_secrets, m_environment, this);
        connect(m_connectionDialog, &ConnectionDialog::connectRequested, m_workspace,
                &Workspace::openConnection);
        connect(m_connectionDialog, &ConnectionDialog::connectionsChanged, this,
                &MainWindow::reloadConnectionList);
    }
    m_connectionDialog->editor()->reloadProfiles();
    m_connectionDialog->selectConnection(m_connections->currentData().toString());
    m_connectionDialog->open();
}

void MainWindow::showWelcome(bool hasAwsConfiguration)
{
    m_welcome->setHasAwsConfiguration(hasAwsConfiguration);
    if (!m_session && !m_workspace->isOpening())
        m_centre->setCurrentIndex(WelcomePage);
}

void MainWindow::restoreState()
{
    restoreGeometry(m_settings->viewState(kGeometryKey));
    if (!QMainWindow::restoreState(m_settings->viewState(kStateKey), kStateVersion)) {
        // First start (or an older layout): the centre gets the room, the bottom dock a strip.
        resizeDocks({m_thingsDock}, {530}, Qt::Horizontal);
        resizeDocks({m_messagesDock}, {290}, Qt::Vertical);
    }
    m_messagePane->restoreSplitterState(m_settings->viewState(kMessagePaneKey));
    m_shadowEditor->restoreLayout(m_settings->viewState(kShadowLayoutKey));
    m_browser->restoreHeaderState(m_settings->viewState(kThingHeaderKey));
    setTheme(m_settings->theme());
}

void MainWindow::saveState()
{
    m_settings->setViewState(kGeometryKey, saveGeometry());
    m_settings->setViewState(kStateKey, QMainWindow::saveState(kStateVersion));
    m_settings->setViewState(kThingHeaderKey, m_browser->headerState());
    m_settings->setViewState(kShadowLayoutKey, m_shadowEditor->saveLayout());
    m_settings->setViewState(kMessagePaneKey, m_messagePane->splitterState());
    m_settings->sync();
}

// Closing first stops what this window started (the session, the local sandbox), then
// closes for real once the workspace says it is done.
void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closeNow) {
        event->accept();
        return;
    }
    if (!m_closing && !m_draftsAcknowledged && m_drafts) {
        m_shadowEditor->saveDraft();
        const QList<ShadowDraft> drafts = m_drafts->drafts();
        if (!drafts.isEmpty()) {
            event->ignore();
            askAboutDrafts(drafts);
            return;
        }
    }
    if (!m_closing) {
        m_closing = true;
        saveState();
        statusBar()->showMessage(tr("Closing…"));
        m_workspace->shutdown();
    }
    event->ignore();
}

// Drafts are kept on disk and come back when their shadow is opened again; closing only says
// which ones there are, so that nobody leaves thinking an edit was applied.
void MainWindow::askAboutDrafts(const QList<ShadowDraft> &drafts)
{
    QStringList lines;
    for (const ShadowDraft &draft : drafts) {
        lines.append(QStringLiteral("• %1 / %2 (%3, %4)")
                         .arg(draft.key.thing,
                              draft.key.shadow.isEmpty() ? tr("classic shadow") : draft.key.shadow,
                              draft.key.connection, draft.section));
        if (lines.size() == 12 && drafts.size() > 12) {
            lines.append(tr("… and %n more", nullptr, int(drafts.size() - 12)));
            break;
        }
    }
    auto *box =
        new QMessageBox(QMessageBox::Information, tr("Unapplied Shadow Edits"),
                        tr("%n shadow edit(s) are not applied:", nullptr, int(drafts.size())),
                        QMessageBox::Cancel, this);
    box->setInformativeText(lines.join(QLatin1Char('\n')) +
                            tr("\n\nThey are kept as drafts and come back when you open those "
                               "shadows again."));
    QPushButton *quit = box->addButton(tr("Close and Keep Drafts"), QMessageBox::AcceptRole);
    box->setDefaultButton(quit);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("draftsOnCloseBox"));
    connect(box, &QMessageBox::buttonClicked, this, [this, quit](QAbstractButton *button) {
        if (button != quit)
            return;
        m_draftsAcknowledged = true;
        close();
    });
    box->open();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::NoIcon, tr("About Thingdeck"),
                                tr("<b>Thingdeck %1</b><p>A native desktop console for AWS IoT: "
                                   "browse things, edit device shadows and watch MQTT traffic.</p>")
                                    .arg(QApplication::applicationVersion()),
                                QMessageBox::Close, this);
    box->setIconPixmap(Icons::application().pixmap(64, 64));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace thingdeck
