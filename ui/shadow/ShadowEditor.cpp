#include "shadow/ShadowEditor.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "iot/JsonSyntax.h"
#include "iot/ShadowEdit.h"
#include "models/ShadowStateModel.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "shadow/JsonTextEdit.h"
#include "shadow/ShadowConflictPanel.h"
#include "shadow/ShadowHistoryPanel.h"

#include <QAction>
#include <QCheckBox>
#include <QDataStream>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTabBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace thingdeck {

namespace {

enum Page { EmptyPage, EditorPage };
enum RightPage { TextPage, ConflictPage };

constexpr int kDraftSaveDelayMs = 800;
constexpr int kClockMs = 5000;

/// Tints keys that are in the delta (desired differs from reported) so they stand out.
class StateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ShadowStateModel::RemovedRole).toBool())
            option->font.setStrikeOut(true);
        else if (index.data(ShadowStateModel::EditedRole).toBool() &&
                 (index.flags() & Qt::ItemIsEditable))
            option->font.setItalic(true);
        if (!index.data(ShadowStateModel::InDeltaRole).toBool())
            return;
        const QColor base = option->palette.color(QPalette::Base);
        const QColor tint(230, 160, 0);
        const float a = 0.25F;
        option->backgroundBrush = QColor::fromRgbF(base.redF() * (1 - a) + tint.redF() * a,
                                                   base.greenF() * (1 - a) + tint.greenF() * a,
                                                   base.blueF() * (1 - a) + tint.blueF() * a);
    }
};

QString relativeTime(qint64 seconds)
{
    const qint64 age = std::max<qint64>(0, QDateTime::currentSecsSinceEpoch() - seconds);
    if (age < 60)
        return QObject::tr("%1 s ago").arg(age);
    if (age < 3600)
        return QObject::tr("%1 min ago").arg(age / 60);
    if (age < 86400)
        return QObject::tr("%1 h ago").arg(age / 3600);
    return QObject::tr("%1 d ago").arg(age / 86400);
}

QJsonObject sectionOf(const ShadowDocument &document, ShadowSection section)
{
    return section == ShadowSection::Desired ? document.desired() : document.reported();
}

} // namespace

ShadowEditor::ShadowEditor(DraftStore *drafts, QWidget *parent)
    : QWidget(parent)
    , m_drafts(drafts)
{
    buildUi();
    m_draftTimer.setSingleShot(true);
    m_draftTimer.setInterval(kDraftSaveDelayMs);
    connect(&m_draftTimer, &QTimer::timeout, this, &ShadowEditor::saveDraft);
    m_clock.setInterval(kClockMs);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        m_model->refreshTimes();
        updateInfo();
    });
    m_clock.start();
    setSession(nullptr);
}

ShadowEditor::~ShadowEditor()
{
    saveDraft();
}

void ShadowEditor::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_messages = new MessageBar(this);
    layout->addWidget(m_messages);
    connect(m_messages, &MessageBar::retryRequested, this, &ShadowEditor::refresh);
    buildActions();
    layout->addLayout(buildHeader());

    m_versionLabel = new QLabel(this);
    m_versionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_versionLabel->setAccessibleName(tr("Version"));
    m_versionLabel->setWordWrap(true);
    layout->addWidget(m_versionLabel);

    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages, 1);
    buildEmptyPage();
    buildEditorPage();
    connectUi();
}

// Actions, for the buttons and the window's Shadow menu.
void ShadowEditor::buildActions()
{
    m_applyAction =
        new QAction(Icons::get(QStringLiteral("document-save")), tr("&Apply Edit"), this);
    m_applyAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_applyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_refreshAction =
        new QAction(Icons::get(QStringLiteral("view-refresh")), tr("&Refresh Shadow"), this);
    m_refreshAction->setIconText(tr("Refresh"));
    m_refreshAction->setToolTip(tr("Fetches the shadow and its named shadows again"));
    m_reformatAction = new QAction(tr("Re&format JSON"), this);
    m_reformatAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_reformatAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_newAction =
        new QAction(Icons::get(QStringLiteral("list-add")), tr("&New Named Shadow…"), this);
    m_newAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_newAction->setToolTip(tr("Creates a named shadow for this thing"));
    m_deleteAction =
        new QAction(Icons::get(QStringLiteral("process-stop")), tr("&Delete Shadow…"), this);
    m_deleteAction->setIconText(tr("Delete…"));
    m_deleteAction->setToolTip(tr("Deletes the open shadow, after asking"));
    for (QAction *action : {m_applyAction, m_reformatAction})
        addAction(action);
}

// Header: thing, shadow tabs, live state.
QHBoxLayout *ShadowEditor::buildHeader()
{
    auto *header = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setAccessibleName(tr("Thing"));
    header->addWidget(m_title);
    header->addSpacing(12);
    m_tabs = new QTabBar(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setExpanding(false);
    m_tabs->setDrawBase(false);
    m_tabs->setAccessibleName(tr("Shadows"));
    m_tabs->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
    m_tabs->setToolTip(tr("The thing's classic shadow and its named shadows"));
    header->addWidget(m_tabs);
    m_newShadow = new QToolButton(this);
    m_newShadow->setAutoRaise(true);
    header->addWidget(m_newShadow);
    header->addStretch(1);
    m_liveLabel = new QLabel(this);
    m_liveLabel->setAccessibleName(tr("Live updates"));
    header->addWidget(m_liveLabel);
    m_autoRefresh = new QCheckBox(tr("Auto-refresh"), this);
    m_autoRefresh->setAccessibleName(tr("Auto-refresh"));
    m_autoRefresh->setToolTip(tr("Fetch the shadow every %1 s while MQTT does not follow it")
                                  .arg(ShadowSession::kAutoRefreshMs / 1000));
    header->addWidget(m_autoRefresh);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setAutoRaise(true);
    header->addWidget(refreshButton);
    m_deleteShadow = new QToolButton(this);
    m_deleteShadow->setAutoRaise(true);
    header->addWidget(m_deleteShadow);
    m_newShadow->setDefaultAction(m_newAction);
    m_newShadow->setAccessibleName(tr("New named shadow"));
    m_deleteShadow->setDefaultAction(m_deleteAction);
    m_deleteShadow->setAccessibleName(tr("Delete shadow"));
    refreshButton->setDefaultAction(m_refreshAction);
    for (QToolButton *button : {refreshButton, m_deleteShadow})
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    refreshButton->setAccessibleName(tr("Refresh shadow"));
    return header;
}

// No thing, no shadow, loading.
void ShadowEditor::buildEmptyPage()
{
    m_emptyPage = new QWidget(m_pages);
    auto *emptyLayout = new QVBoxLayout(m_emptyPage);
    m_emptyText = new QLabel(m_emptyPage);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setWordWrap(true);
    m_createShadow =
        new QPushButton(Icons::get(QStringLiteral("list-add")), tr("Create Shadow"), m_emptyPage);
    m_createShadow->setAccessibleName(tr("Create shadow"));
    m_createShadow->setToolTip(tr("Creates the shadow with an empty desired state"));
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(m_emptyText);
    emptyLayout->addWidget(m_createShadow, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(2);
    m_pages->insertWidget(EmptyPage, m_emptyPage);
}

// The editor: the tree and the text side by side, the history below.
void ShadowEditor::buildEditorPage()
{
    m_vertical = new QSplitter(Qt::Vertical, m_pages);
    m_vertical->setObjectName(QStringLiteral("shadowVerticalSplitter"));
    m_horizontal = new QSplitter(Qt::Horizontal, m_vertical);
    m_horizontal->setObjectName(QStringLiteral("shadowHorizontalSplitter"));
    QWidget *left = buildStatePane();
    buildTextPane();
    m_horizontal->addWidget(left);
    m_horizontal->addWidget(m_rightStack);
    m_horizontal->setStretchFactor(0, 3);
    m_horizontal->setStretchFactor(1, 2);

    m_history = new ShadowHistoryPanel(m_vertical);
    m_historySplitter = m_history->findChild<QSplitter *>(QStringLiteral("historySplitter"));
    m_vertical->addWidget(m_horizontal);
    m_vertical->addWidget(m_history);
    m_vertical->setStretchFactor(0, 3);
    m_vertical->setStretchFactor(1, 1);
    m_vertical->setSizes({380, 130});
    m_horizontal->setSizes({560, 400});
    m_vertical->setCollapsible(0, false);
    m_pages->insertWidget(EditorPage, m_vertical);
}

QWidget *ShadowEditor::buildStatePane()
{
    auto *left = new QWidget(m_horizontal);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_model = new ShadowStateModel(this);
    m_tree = new QTreeView(left);
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new StateDelegate(m_tree));
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                            QAbstractItemView::AnyKeyPressed);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setAccessibleName(tr("Shadow state"));
    m_tree->setToolTip(tr("Desired and reported state; keys in the delta are tinted. Double-click "
                          "or F2 edits a value; Delete removes a key."));
    m_tree->header()->setStretchLastSection(true);
    m_tree->installEventFilter(this);
    leftLayout->addWidget(m_tree, 1);
    leftLayout->addLayout(buildKeyForm(left));
    m_editReported = new QCheckBox(tr("Edit reported state (for testing devices)"), left);
    m_editReported->setAccessibleName(tr("Edit reported state"));
    m_editReported->setToolTip(
        tr("Edits the reported section instead of desired, as a device would report it"));
    leftLayout->addWidget(m_editReported);
    return left;
}

// New key and value: Return in the key moves on to the value, Return there adds the key.
QHBoxLayout *ShadowEditor::buildKeyForm(QWidget *pane)
{
    auto *form = new QHBoxLayout;
    auto *newKey = new QLineEdit(pane);
    newKey->setPlaceholderText(tr("New key"));
    newKey->setAccessibleName(tr("New key name"));
    newKey->setToolTip(tr("Added under the selected object, or at the top level"));
    auto *newValue = new QLineEdit(pane);
    newValue->setPlaceholderText(tr("Value (JSON or text)"));
    newValue->setAccessibleName(tr("New key value"));
    newValue->setToolTip(tr(R"(21, true, "text", [1,2] or {"a":1}; anything else is a string)"));
    m_addKey = new QPushButton(Icons::get(QStringLiteral("list-add")), tr("Add Key"), pane);
    m_addKey->setAccessibleName(tr("Add key"));
    m_removeKey =
        new QPushButton(Icons::get(QStringLiteral("list-remove")), tr("Remove Key"), pane);
    m_removeKey->setAccessibleName(tr("Remove key"));
    m_removeKey->setToolTip(tr("Removes the selected key; it is sent as null (Delete)"));
    form->addWidget(newKey, 2);
    form->addWidget(newValue, 3);
    form->addWidget(m_addKey);
    form->addWidget(m_removeKey);
    const auto addKey = [this, newKey, newValue] {
        const QString name = newKey->text().trimmed();
        if (name.isEmpty()) {
            newKey->setFocus();
            return;
        }
        // The value as JSON when it is JSON, else as a string.
        const QJsonValue value = ShadowStateModel::parseValueText(newValue->text());
        QModelIndex parent = m_tree->currentIndex().siblingAtColumn(0);
        if (parent.isValid() && !m_model->hasChildren(parent))
            parent = parent.parent();
        if (!m_model->addKey(parent, name, value)) {
            m_syntaxLabel->setText(tr("%1 already exists there.").arg(name));
            return;
        }
        newKey->clear();
        newValue->clear();
        newKey->setFocus();
    };
    connect(m_addKey, &QPushButton::clicked, this, addKey);
    connect(newValue, &QLineEdit::returnPressed, this, addKey);
    connect(newKey, &QLineEdit::returnPressed, newValue, qOverload<>(&QWidget::setFocus));
    connect(m_removeKey, &QPushButton::clicked, this, [this] {
        const QModelIndex index = m_tree->currentIndex();
        if (index.isValid())
            m_model->removeKey(index.siblingAtColumn(0));
    });
    return form;
}

void ShadowEditor::buildTextPane()
{
    m_rightStack = new QStackedWidget(m_horizontal);
    auto *rightStack = m_rightStack;
    rightStack->setObjectName(QStringLiteral("shadowRightStack"));
    auto *textPage = new QWidget(rightStack);
    auto *textLayout = new QVBoxLayout(textPage);
    textLayout->setContentsMargins(0, 0, 0, 0);
    m_editorTitle = new QLabel(textPage);
    textLayout->addWidget(m_editorTitle);
    m_editor = new JsonTextEdit(textPage);
    textLayout->addWidget(m_editor, 1);
    m_syntaxLabel = new QLabel(textPage);
    m_syntaxLabel->setWordWrap(true);
    m_syntaxLabel->setAccessibleName(tr("Validation"));
    m_syntaxLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    textLayout->addWidget(m_syntaxLabel);
    auto *buttons = new QHBoxLayout;
    m_reformat = new QPushButton(tr("Reformat"), textPage);
    m_reformat->setAccessibleName(tr("Reformat"));
    m_reformat->setToolTip(tr("Re-indents the JSON (Ctrl+Shift+F)"));
    m_revert = new QPushButton(Icons::get(QStringLiteral("edit-undo")), tr("Revert"), textPage);
    m_revert->setAccessibleName(tr("Revert"));
    m_revert->setToolTip(tr("Drops the edit and shows the newest version"));
    m_apply = new QPushButton(Icons::get(QStringLiteral("document-save")), tr("Apply"), textPage);
    m_apply->setAccessibleName(tr("Apply"));
    m_apply->setToolTip(
        tr("Sends only what changed, based on the version shown (Ctrl+Enter or Ctrl+S)"));
    m_apply->setDefault(true);
    buttons->addWidget(m_reformat);
    buttons->addWidget(m_revert);
    buttons->addStretch(1);
    buttons->addWidget(m_apply);
    textLayout->addLayout(buttons);
    rightStack->insertWidget(TextPage, textPage);
    m_conflict = new ShadowConflictPanel(rightStack);
    rightStack->insertWidget(ConflictPage, m_conflict);
}

void ShadowEditor::connectUi()
{
    connect(m_applyAction, &QAction::triggered, this, &ShadowEditor::apply);
    connect(m_apply, &QPushButton::clicked, this, &ShadowEditor::apply);
    connect(m_editor, &JsonTextEdit::applyRequested, this, &ShadowEditor::apply);
    connect(m_refreshAction, &QAction::triggered, this, &ShadowEditor::refresh);
    connect(m_reformatAction, &QAction::triggered, m_editor, &JsonTextEdit::reformat);
    connect(m_reformat, &QPushButton::clicked, m_editor, &JsonTextEdit::reformat);
    connect(m_revert, &QPushButton::clicked, this, &ShadowEditor::revert);
    connect(m_newAction, &QAction::triggered, this, &ShadowEditor::newNamedShadow);
    connect(m_deleteAction, &QAction::triggered, this, &ShadowEditor::deleteShadow);
    connect(m_createShadow, &QPushButton::clicked, this, [this] {
        if (m_shadows)
            m_shadows->createOpenShadow();
    });
    connect(m_tabs, &QTabBar::currentChanged, this, &ShadowEditor::onTabChosen);
    connect(m_autoRefresh, &QCheckBox::toggled, this, [this](bool on) {
        if (m_shadows)
            m_shadows->setAutoRefresh(on);
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &ShadowEditor::onTextChanged);
    connect(m_model, &ShadowStateModel::editedSectionChanged, this, &ShadowEditor::onModelEdited);
    connect(m_editReported, &QCheckBox::toggled, this, &ShadowEditor::onEditReportedToggled);
    connect(m_conflict, &ShadowConflictPanel::reapplyRequested, this,
            [this] { reapplyOnNewest(true); });
    connect(m_conflict, &ShadowConflictPanel::adjustRequested, this,
            [this] { reapplyOnNewest(false); });
    connect(m_conflict, &ShadowConflictPanel::discardRequested, this, &ShadowEditor::revert);
}

QByteArray ShadowEditor::saveLayout() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << m_vertical->saveState() << m_horizontal->saveState() << m_historySplitter->saveState();
    return state;
}

void ShadowEditor::restoreLayout(const QByteArray &state)
{
    if (state.isEmpty())
        return;
    QDataStream in(state);
    QByteArray vertical;
    QByteArray horizontal;
    QByteArray history;
    in >> vertical >> horizontal >> history;
    if (in.status() != QDataStream::Ok)
        return;
    m_vertical->restoreState(vertical);
    m_horizontal->restoreState(horizontal);
    m_historySplitter->restoreState(history);
}

QList<QAction *> ShadowEditor::menuActions() const
{
    return {m_applyAction, m_refreshAction, m_reformatAction, m_newAction, m_deleteAction};
}

bool ShadowEditor::eventFilter(QObject *watched, QEvent *event)
{
    // While a value is edited its field has the keys; here Delete is the tree's own.
    const auto *key = dynamic_cast<QKeyEvent *>(event);
    if (watched == m_tree && event->type() == QEvent::KeyPress && key) {
        if (key->key() == Qt::Key_Delete && m_tree->currentIndex().isValid()) {
            m_model->removeKey(m_tree->currentIndex().siblingAtColumn(0));
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ShadowEditor::setSession(ConsoleSession *session)
{
    saveDraft();
    m_history->setSession(nullptr);
    m_session = session;
    m_shadows.reset();
    m_base.reset();
    m_awaitingVersion.reset();
    m_newest.reset();
    if (session && session->shadows() && session->mqtt()) {
        m_shadows = std::make_unique<ShadowSession>(session->shadows(), session->mqtt());
        m_shadows->setAutoRefresh(m_autoRefresh->isChecked());
        bindShadows();
    }
    m_history->setSession(m_shadows.get());
    m_thing.clear();
    setThing(QString());
}

void ShadowEditor::bindShadows()
{
    ShadowSession *shadows = m_shadows.get();
    connect(shadows, &ShadowSession::namedShadowsChanged, this,
            &ShadowEditor::onNamedShadowsChanged);
    connect(shadows, &ShadowSession::stateChanged, this, &ShadowEditor::onStateChanged);
    connect(shadows, &ShadowSession::currentChanged, this, &ShadowEditor::onCurrentChanged);
    connect(shadows, &ShadowSession::liveChanged, this, &ShadowEditor::updateInfo);
    connect(shadows, &ShadowSession::applied, this, &ShadowEditor::onApplied);
    connect(shadows, &ShadowSession::conflict, this, &ShadowEditor::onConflict);
    connect(shadows, &ShadowSession::applyFailed, this, [this](const QString &sentence) {
        m_messages->showMessage(MessageBar::Level::Error,
                                tr("Not applied: %1 Your edit is kept.").arg(sentence));
        updateActions();
    });
    connect(shadows, &ShadowSession::operationFailed, this, [this](const QString &sentence) {
        m_messages->showMessage(MessageBar::Level::Error, sentence);
        updateActions();
    });
    connect(shadows, &ShadowSession::updateRejected, this, [this](const QString &sentence) {
        m_messages->showMessage(MessageBar::Level::Warning, sentence);
    });
}

void ShadowEditor::setThing(const QString &thing)
{
    if (m_shadows && thing == m_thing && !thing.isEmpty())
        return;
    saveDraft();
    m_thing = thing;
    m_base.reset();
    m_awaitingVersion.reset();
    m_newest.reset();
    m_messages->dismiss();
    m_title->setText(thing);
    {
        const QSignalBlocker blocker(m_tabs);
        while (m_tabs->count() > 0)
            m_tabs->removeTab(0);
    }
    if (m_shadows)
        m_shadows->setThing(thing);
    if (!m_shadows || thing.isEmpty()) {
        m_emptyText->setText(m_shadows ? tr("Select a thing to see its shadows.")
                                       : tr("Open a connection to see shadows."));
        m_createShadow->hide();
        m_pages->setCurrentIndex(EmptyPage);
    }
    onNamedShadowsChanged();
    onStateChanged();
    updateInfo();
    updateActions();
}

void ShadowEditor::onNamedShadowsChanged()
{
    if (!m_shadows || m_thing.isEmpty())
        return;
    QStringList names{QString()};
    names += m_shadows->namedShadows();
    const QString open = m_shadows->shadow().toString();
    if (!names.contains(open))
        names.append(open); // just deleted, or created and not listed yet
    const QSignalBlocker blocker(m_tabs);
    while (m_tabs->count() > 0)
        m_tabs->removeTab(0);
    for (const QString &name : std::as_const(names)) {
        const int index = m_tabs->addTab(name.isEmpty() ? tr("Classic") : name);
        m_tabs->setTabData(index, name);
        const bool draft =
            m_drafts &&
            m_drafts->draft(ShadowDraftKey{connectionName(), m_thing, name}).has_value();
        if (draft) {
            m_tabs->setTabText(index, m_tabs->tabText(index) + QStringLiteral(" ✎"));
            m_tabs->setTabToolTip(index, tr("Has an unapplied edit (a draft)"));
        }
        if (name == open)
            m_tabs->setCurrentIndex(index);
    }
    if (!m_shadows->namedShadowsError().isEmpty())
        m_messages->showMessage(
            MessageBar::Level::Warning,
            tr("The named shadows could not be listed: %1").arg(m_shadows->namedShadowsError()),
            true);
}

QString ShadowEditor::currentShadowName() const
{
    return m_shadows ? m_shadows->shadow().toString() : QString();
}

QString ShadowEditor::connectionName() const
{
    return m_session ? m_session->settings().name : QString();
}

void ShadowEditor::onTabChosen(int index)
{
    if (!m_shadows || index < 0)
        return;
    const QString name = m_tabs->tabData(index).toString();
    if (name == currentShadowName() && m_shadows->state() != ShadowSession::State::Idle)
        return;
    saveDraft();
    m_base.reset();
    m_awaitingVersion.reset();
    m_newest.reset();
    m_messages->dismiss();
    if (name.isEmpty()) {
        m_shadows->openShadow(ShadowName::classic());
    } else {
        const auto shadow = ShadowName::create(name);
        if (shadow.ok())
            m_shadows->openShadow(shadow.value());
    }
    onNamedShadowsChanged(); // saving the draft may have rebuilt the tabs around the old one
    onStateChanged();
}

void ShadowEditor::onStateChanged()
{
    if (!m_shadows || m_thing.isEmpty())
        return;
    const QString shadowText = currentShadowName().isEmpty()
                                   ? tr("no classic shadow")
                                   : tr("no shadow named “%1”").arg(currentShadowName());
    switch (m_shadows->state()) {
    case ShadowSession::State::Idle:
        break;
    case ShadowSession::State::Loading:
        if (!m_base) {
            m_emptyText->setText(tr("Loading the shadow…"));
            m_createShadow->hide();
            m_pages->setCurrentIndex(EmptyPage);
        }
        break;
    case ShadowSession::State::Missing:
        m_emptyText->setText(tr("%1 has %2.").arg(m_thing, shadowText));
        m_createShadow->setVisible(true);
        m_pages->setCurrentIndex(EmptyPage);
        m_base.reset();
        break;
    case ShadowSession::State::Failed:
        m_messages->showMessage(MessageBar::Level::Error, m_shadows->errorText(), true);
        if (!m_base) {
            m_emptyText->setText(tr("The shadow could not be loaded."));
            m_createShadow->hide();
            m_pages->setCurrentIndex(EmptyPage);
        }
        break;
    case ShadowSession::State::Loaded:
        m_pages->setCurrentIndex(EditorPage);
        break;
    }
    updateInfo();
    updateActions();
}

void ShadowEditor::onCurrentChanged()
{
    const auto current = m_shadows ? m_shadows->current() : std::nullopt;
    if (!current || !current->document.exists()) {
        updateInfo();
        updateActions();
        return;
    }
    if (!m_base) {
        loadDraftOrBase();
    } else if (m_shadows->isApplying()) {
        // Until the answer says which version the update made, a new version only updates
        // the tree: it may be this very update arriving first over MQTT.
        m_syncing = true;
        m_model->setDocument(current->document, true);
        m_syncing = false;
    } else if (m_awaitingVersion && current->version >= *m_awaitingVersion) {
        // The applied edit is now the shadow: the editor shows the new version.
        m_awaitingVersion.reset();
        loadBase(*current);
    } else if (!hasEdit() && !m_awaitingVersion) {
        loadBase(*current); // nothing typed: follow the shadow live
    } else if (m_rightStack->currentIndex() == ConflictPage ||
               sectionOf(current->document, section()) != baseSection()) {
        showConflict(*current, false); // what the edit is about changed under it
    } else {
        // Only the other section moved (a device reporting): the tree shows it and the edit
        // is carried onto it, since what it edits did not change.
        m_base = *current;
        m_syncing = true;
        m_model->setDocument(current->document, true);
        m_syncing = false;
    }
    updateInfo();
    updateActions();
}

void ShadowEditor::loadBase(const ShadowVersion &version)
{
    m_base = version;
    m_newest.reset();
    m_syncing = true;
    m_model->setDocument(version.document);
    m_model->setEditableSection(section());
    m_editor->setJson(sectionOf(version.document, section()));
    m_syncing = false;
    m_tree->expandAll();
    m_tree->resizeColumnToContents(ShadowStateModel::KeyColumn);
    m_rightStack->setCurrentIndex(TextPage);
    onTextChanged();
    updateInfo();
    updateActions();
}

void ShadowEditor::loadDraftOrBase()
{
    const auto current = m_shadows->current();
    if (!current)
        return;
    const auto draft =
        m_drafts ? m_drafts->draft(ShadowDraftKey{connectionName(), m_thing, currentShadowName()})
                 : std::nullopt;
    if (!draft) {
        loadBase(*current);
        return;
    }
    const auto document = ShadowDocument::fromJson(draft->baseDocument);
    ShadowVersion base = *current;
    if (document.ok() && document.value().version() == draft->baseVersion) {
        base.document = document.value();
        base.version = draft->baseVersion;
    }
    {
        const QSignalBlocker blocker(m_editReported);
        m_editReported->setChecked(draft->section == sectionKey(ShadowSection::Reported));
    }
    loadBase(base);
    m_editor->setJsonText(draft->text);
    onTextChanged();
    m_messages->showMessage(
        MessageBar::Level::Information,
        tr("Restored your unapplied edit of %1 (based on version %2, saved %3).")
            .arg(sectionKey(section()))
            .arg(draft->baseVersion)
            .arg(QLocale().toString(draft->savedAt, QLocale::ShortFormat)));
    if (current->version > base.version)
        onCurrentChanged(); // decides between carrying the edit over and the conflict view
}

void ShadowEditor::setEditText(const QJsonObject &section)
{
    // One undoable step, so that Ctrl+Z in the text takes back a change made in the tree.
    QTextCursor cursor(m_editor->document());
    cursor.select(QTextCursor::Document);
    cursor.insertText(formatJsonObject(section));
}

void ShadowEditor::onTextChanged()
{
    if (m_syncing)
        return;
    const auto parsed = m_editor->json();
    if (parsed.ok()) {
        m_syncing = true;
        m_model->setEditedSection(parsed.value());
        m_syncing = false;
        m_syntaxLabel->setStyleSheet(QString());
        m_syntaxLabel->setText(hasEdit() ? tr("Edited, not applied yet (Ctrl+Enter applies).")
                                         : QString());
    } else {
        m_syntaxLabel->setStyleSheet(QStringLiteral("color: #d03030;"));
        m_syntaxLabel->setText(parsed.error().message);
    }
    scheduleDraftSave();
    updateActions();
}

void ShadowEditor::onModelEdited(const QJsonObject &section)
{
    if (m_syncing)
        return;
    m_syncing = true;
    setEditText(section);
    m_syncing = false;
    onTextChanged();
}

void ShadowEditor::onEditReportedToggled(bool on)
{
    Q_UNUSED(on);
    if (m_base)
        loadBase(m_shadows && m_shadows->current() ? *m_shadows->current() : *m_base);
}

ShadowSection ShadowEditor::section() const
{
    return m_editReported->isChecked() ? ShadowSection::Reported : ShadowSection::Desired;
}

QJsonObject ShadowEditor::baseSection() const
{
    return m_base ? sectionOf(m_base->document, section()) : QJsonObject();
}

bool ShadowEditor::hasEdit() const
{
    if (!m_base)
        return false;
    const auto parsed = m_editor->json();
    return !parsed.ok() || parsed.value() != baseSection();
}

std::optional<qint64> ShadowEditor::baseVersion() const
{
    if (!m_base || !m_base->document.exists())
        return std::nullopt;
    return m_base->version;
}

void ShadowEditor::apply()
{
    if (!m_shadows || !m_base || m_shadows->isApplying())
        return;
    const auto parsed = m_editor->json();
    if (!parsed.ok()) {
        m_editor->setFocus();
        return;
    }
    // A newer version that left the edited section as it was (a device reporting) is shown in
    // the tree already: the edit goes on it rather than into a certain 409.
    const auto current = m_shadows->current();
    if (current && current->document.exists() && current->version > m_base->version &&
        sectionOf(current->document, section()) == baseSection())
        m_base = *current;
    // What the edit changes is checked against the version it is based on, and only that goes.
    const auto request =
        buildShadowEdit(m_base->document, section(), parsed.value(), m_shadows->newClientToken());
    if (!request.ok()) {
        m_syntaxLabel->setStyleSheet(QStringLiteral("color: #d03030;"));
        m_syntaxLabel->setText(request.error().message);
        m_editor->markPath(request.error().path);
        const QModelIndex index = m_model->indexForPath(request.error().path);
        if (index.isValid())
            m_tree->setCurrentIndex(index);
        return;
    }
    m_messages->dismiss();
    m_shadows->apply(request.value().document, baseVersion());
    m_syntaxLabel->setStyleSheet(QString());
    m_syntaxLabel->setText(tr("Applying on version %1…").arg(m_base->version));
    updateActions();
}

void ShadowEditor::onApplied(qint64 version)
{
    m_awaitingVersion = version;
    if (m_drafts) {
        const ShadowDraftKey key{connectionName(), m_thing, currentShadowName()};
        if (m_drafts->draft(key)) {
            m_drafts->remove(key);
            emit draftsChanged();
            onNamedShadowsChanged();
        }
    }
    m_syntaxLabel->setStyleSheet(QString());
    m_syntaxLabel->setText(tr("Applied: version %1.").arg(version));
    const auto current = m_shadows->current();
    if (current && current->version >= version)
        onCurrentChanged();
    updateActions();
}

void ShadowEditor::onConflict(const ShadowVersion &newest)
{
    showConflict(newest, true);
}

void ShadowEditor::showConflict(const ShadowVersion &newest, bool afterRejection)
{
    const auto parsed = m_editor->json();
    if (!parsed.ok() || !m_base)
        return;
    m_newest = newest;
    const QString key = sectionKey(section());
    const QString author =
        newest.author().isEmpty() ? QString() : tr(" by %1").arg(newest.author());
    const QString sentence =
        afterRejection
            ? tr("Not applied: the shadow is at version %1%2, newer than the version %3 your edit "
                 "is based on. Your edit is kept.")
                  .arg(newest.version)
                  .arg(author)
                  .arg(m_base->version)
            : tr("Version %1%2 changed the %3 state while you were editing version %4. Your edit "
                 "is kept.")
                  .arg(newest.version)
                  .arg(author, key)
                  .arg(m_base->version);
    QJsonObject mine{{key, parsed.value()}};
    QJsonObject theirs{{key, sectionOf(newest.document, section())}};
    m_conflict->showConflict(sentence, mine, tr("Your edit (on version %1)").arg(m_base->version),
                             theirs, tr("Version %1").arg(newest.version), newest.version);
    m_syncing = true;
    m_model->setDocument(newest.document, true);
    m_syncing = false;
    m_rightStack->setCurrentIndex(ConflictPage);
    m_conflict->reapplyButton()->setFocus();
    updateActions();
}

void ShadowEditor::reapplyOnNewest(bool sendNow)
{
    if (!m_newest || !m_base)
        return;
    const auto parsed = m_editor->json();
    if (!parsed.ok())
        return;
    // The user's change (against their base) replayed on the version they now see.
    const QJsonObject patch = shadowPatch(baseSection(), parsed.value());
    const QJsonObject onNewest = mergePatch(sectionOf(m_newest->document, section()), patch);
    const ShadowVersion newest = *m_newest;
    loadBase(newest);
    setEditText(onNewest);
    if (sendNow)
        apply();
    else
        m_editor->setFocus();
}

void ShadowEditor::revert()
{
    if (!m_shadows)
        return;
    const auto current = m_shadows->current();
    if (current && current->document.exists())
        loadBase(*current);
    else if (m_base)
        loadBase(*m_base);
    saveDraft();
}

void ShadowEditor::refresh()
{
    if (m_shadows)
        m_shadows->refresh(true);
}

void ShadowEditor::newNamedShadow()
{
    if (!m_shadows || m_thing.isEmpty())
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New Named Shadow"));
    dialog->setLabelText(
        tr("Name of the new shadow of %1 (1–64 of A–Z a–z 0–9 : _ - $):").arg(m_thing));
    dialog->setAccessibleName(tr("New named shadow"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &name) {
        saveDraft();
        m_base.reset();
        m_awaitingVersion.reset();
        const auto created = m_shadows->createNamedShadow(name.trimmed());
        if (!created.ok()) {
            m_messages->showMessage(MessageBar::Level::Error, created.error());
            return;
        }
        m_messages->dismiss();
        onNamedShadowsChanged();
    });
    dialog->open();
}

void ShadowEditor::deleteShadow()
{
    if (!m_shadows || m_thing.isEmpty() || !m_shadows->current() ||
        !m_shadows->current()->document.exists())
        return;
    const QString which = currentShadowName().isEmpty()
                              ? tr("the classic shadow of %1").arg(m_thing)
                              : tr("the shadow “%1” of %2").arg(currentShadowName(), m_thing);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete Shadow"),
                                tr("Delete %1?").arg(which), QMessageBox::Cancel, this);
    box->setInformativeText(tr("Its desired and reported state are removed; devices stop "
                               "receiving deltas for it. This cannot be undone."));
    QPushButton *remove = box->addButton(tr("Delete Shadow"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, remove](QAbstractButton *button) {
        if (button == remove && m_shadows)
            m_shadows->deleteOpenShadow();
    });
    box->open();
}

void ShadowEditor::updateInfo()
{
    if (!m_shadows || m_thing.isEmpty()) {
        m_versionLabel->clear();
        m_liveLabel->clear();
        m_autoRefresh->setEnabled(false);
        return;
    }
    const bool live = m_shadows->isLive();
    m_liveLabel->setText(live ? tr("● Live") : tr("○ Not live"));
    m_liveLabel->setToolTip(live ? tr("Updates arrive over MQTT as they happen")
                                 : tr("MQTT does not follow this shadow; refresh to see changes, "
                                      "or turn on auto-refresh"));
    m_autoRefresh->setEnabled(!live);
    const auto current = m_shadows->current();
    if (!current || !current->document.exists()) {
        m_versionLabel->setText(m_shadows->state() == ShadowSession::State::Loading ? tr("Loading…")
                                                                                    : QString());
        return;
    }
    QStringList parts;
    parts.append(tr("Version %1").arg(current->version));
    if (current->timestamp > 0) {
        const QDateTime time = QDateTime::fromSecsSinceEpoch(current->timestamp);
        parts.append(tr("updated %1 (%2)")
                         .arg(QLocale().toString(time, QLocale::ShortFormat),
                              relativeTime(current->timestamp)));
    }
    if (!current->author().isEmpty())
        parts.append(tr("last update by %1").arg(current->author()));
    if (m_base && m_base->version != current->version && hasEdit())
        parts.append(tr("your edit is based on version %1").arg(m_base->version));
    m_versionLabel->setText(parts.join(QStringLiteral(" · ")));
    m_versionLabel->setToolTip(
        current->clientToken.isEmpty()
            ? QString()
            : tr("clientToken of the last update: %1").arg(current->clientToken));
}

void ShadowEditor::updateActions()
{
    const bool loaded = m_shadows && m_base && m_pages->currentIndex() == EditorPage;
    const bool applying = m_shadows && m_shadows->isApplying();
    const bool valid = m_editor->json().ok();
    const bool edited = hasEdit();
    m_applyAction->setEnabled(loaded && valid && edited && !applying);
    m_apply->setEnabled(m_applyAction->isEnabled());
    m_revert->setEnabled(loaded && (edited || m_newest.has_value()));
    m_reformat->setEnabled(loaded && valid);
    m_reformatAction->setEnabled(m_reformat->isEnabled());
    m_refreshAction->setEnabled(m_shadows && !m_thing.isEmpty());
    m_newAction->setEnabled(m_shadows && !m_thing.isEmpty());
    m_deleteAction->setEnabled(m_shadows && m_shadows->current() &&
                               m_shadows->current()->document.exists());
    m_editReported->setEnabled(loaded && !edited);
    m_editReported->setToolTip(edited ? tr("Apply or revert your edit first")
                                      : tr("Edits the reported section instead of desired, as a "
                                           "device would report it"));
    m_addKey->setEnabled(loaded);
    m_removeKey->setEnabled(loaded && m_tree->currentIndex().isValid());
    m_editorTitle->setText(section() == ShadowSection::Desired ? tr("Desired state (JSON)")
                                                               : tr("Reported state (JSON)"));
    m_editor->setSubject(section() == ShadowSection::Desired ? tr("the desired state")
                                                             : tr("the reported state"));
}

void ShadowEditor::scheduleDraftSave()
{
    if (m_drafts && !m_syncing)
        m_draftTimer.start();
}

void ShadowEditor::saveDraft()
{
    m_draftTimer.stop();
    if (!m_drafts || m_thing.isEmpty() || !m_shadows || !m_session)
        return;
    const ShadowDraftKey key{connectionName(), m_thing, currentShadowName()};
    const bool had = m_drafts->draft(key).has_value();
    if (!hasEdit() || m_awaitingVersion) {
        if (had) {
            m_drafts->remove(key);
            emit draftsChanged();
            onNamedShadowsChanged();
        }
        return;
    }
    ShadowDraft draft;
    draft.key = key;
    draft.section = sectionKey(section());
    draft.text = m_editor->toPlainText();
    draft.baseVersion = m_base->version;
    draft.baseDocument = m_base->document.toJson();
    draft.savedAt = QDateTime::currentDateTime();
    const auto stored = m_drafts->put(draft);
    if (!stored.ok()) {
        m_messages->showMessage(
            MessageBar::Level::Error,
            tr("Your edit could not be saved as a draft: %1").arg(stored.error()));
        return;
    }
    if (!had) {
        emit draftsChanged();
        onNamedShadowsChanged();
    }
}

} // namespace thingdeck
