#include "things/ThingBrowser.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "models/ThingFilterModel.h"
#include "models/ThingListModel.h"
#include "session/ConsoleSession.h"
#include "things/MatchHighlightDelegate.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace thingdeck {

ThingBrowser::ThingBrowser(QWidget *parent)
    : QWidget(parent)
    , m_proxy(new ThingFilterModel(this))
    , m_delegate(new MatchHighlightDelegate(this))
    , m_messages(new MessageBar(this))
    , m_view(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    buildFilterBar(layout);
    buildServerFilter(layout);
    layout->addWidget(m_messages);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(m_delegate);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ThingListModel::NameColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAccessibleName(tr("Things"));
    m_view->verticalHeader()->hide();
    // Uniform row heights: the view never measures rows, so 100,000 of them stay smooth.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->installEventFilter(this);
    layout->addWidget(m_view, 1);
    buildFooter(layout);
    buildActions();
    connect(m_filter, &QLineEdit::textChanged, this, &ThingBrowser::onFilterTextChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ThingBrowser::onCurrentChanged);
    connect(m_view, &QTableView::doubleClicked, this, [this] {
        if (const auto thing = currentThing())
            emit thingActivated(*thing);
    });
    connect(m_view, &QTableView::customContextMenuRequested, this, &ThingBrowser::showContextMenu);
    connect(m_messages, &MessageBar::retryRequested, this, [this] {
        if (m_model)
            m_model->retry();
    });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ThingBrowser::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ThingBrowser::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ThingBrowser::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ThingBrowser::updateCount);
    setSession(nullptr);
}

ThingBrowser::~ThingBrowser() = default;

void ThingBrowser::buildFilterBar(QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    row->setSpacing(4);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter loaded things (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(Icons::get(QStringLiteral("edit-find")), QLineEdit::LeadingPosition);
    m_filter->setAccessibleName(tr("Filter things"));
    m_filter->setToolTip(tr("Narrows the loaded things as you type: matches names, types and "
                            "attribute values, ignoring case. Down arrow moves to the list."));
    m_filter->installEventFilter(this);
    m_serverToggle = new QToolButton(this);
    m_serverToggle->setText(tr("Server filter"));
    m_serverToggle->setCheckable(true);
    m_serverToggle->setAccessibleName(tr("Show server-side filter"));
    m_serverToggle->setToolTip(tr("Ask AWS for only the things with an attribute value or of "
                                  "a thing type (starts a new listing)"));
    row->addWidget(m_filter, 1);
    row->addWidget(m_serverToggle);
    layout->addLayout(row);
}

void ThingBrowser::buildServerFilter(QVBoxLayout *layout)
{
    m_serverBar = new QWidget(this);
    auto *row = new QHBoxLayout(m_serverBar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    m_attributeName = new QLineEdit(m_serverBar);
    m_attributeName->setPlaceholderText(tr("attribute"));
    m_attributeName->setAccessibleName(tr("Attribute name"));
    m_attributeName->setToolTip(tr("Only things that have this attribute"));
    m_attributeValue = new QLineEdit(m_serverBar);
    m_attributeValue->setPlaceholderText(tr("value"));
    m_attributeValue->setAccessibleName(tr("Attribute value"));
    m_attributeValue->setToolTip(tr("…with this value (leave empty for any value)"));
    m_thingType = new QComboBox(m_serverBar);
    m_thingType->setEditable(true);
    m_thingType->setAccessibleName(tr("Thing type"));
    m_thingType->setToolTip(tr("Only things of this type (leave empty for any type)"));
    m_thingType->lineEdit()->setPlaceholderText(tr("any type"));
    m_thingType->setMinimumContentsLength(8);
    auto *apply = new QPushButton(tr("Apply"), m_serverBar);
    apply->setAccessibleName(tr("Apply server filter"));
    auto *clear = new QToolButton(m_serverBar);
    clear->setIcon(Icons::get(QStringLiteral("window-close")));
    clear->setAccessibleName(tr("Clear server filter"));
    clear->setToolTip(tr("List every thing again"));
    row->addWidget(m_attributeName, 2);
    row->addWidget(new QLabel(QStringLiteral("="), m_serverBar));
    row->addWidget(m_attributeValue, 2);
    row->addWidget(m_thingType, 2);
    row->addWidget(apply);
    row->addWidget(clear);
    m_serverBar->hide();
    layout->addWidget(m_serverBar);
    connect(m_serverToggle, &QToolButton::toggled, m_serverBar, &QWidget::setVisible);
    connect(m_serverToggle, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            m_attributeName->setFocus();
    });
    connect(apply, &QPushButton::clicked, this, &ThingBrowser::applyServerFilter);
    connect(m_attributeName, &QLineEdit::returnPressed, this, &ThingBrowser::applyServerFilter);
    connect(m_attributeValue, &QLineEdit::returnPressed, this, &ThingBrowser::applyServerFilter);
    connect(clear, &QToolButton::clicked, this, &ThingBrowser::clearServerFilter);
}

void ThingBrowser::buildFooter(QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    row->setSpacing(6);
    m_count = new QLabel(this);
    m_count->setAccessibleName(tr("Things loaded"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(90);
    m_progress->setAccessibleName(tr("Loading progress"));
    m_loadAll = new QPushButton(Icons::get(QStringLiteral("go-bottom")), tr("Load &all"), this);
    m_loadAll->setAccessibleName(tr("Load all things"));
    m_loadAll->setToolTip(tr("Load every page of things now, rather than as you scroll"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel loading"));
    m_cancel->setToolTip(tr("Stop loading pages; the things loaded so far stay"));
    m_watchButton = new QPushButton(Icons::get(QStringLiteral("view-visible")), tr("&Watch"), this);
    m_watchButton->setObjectName(QStringLiteral("watchThingButton"));
    m_watchButton->setAccessibleName(tr("Watch this thing"));
    m_watchButton->setToolTip(tr("Subscribe to the selected thing's shadow topics, presence events "
                                 "and telemetry in the Live MQTT pane (Ctrl+Shift+W)"));
    m_watchButton->setEnabled(false);
    row->addWidget(m_count, 1);
    row->addWidget(m_watchButton);
    row->addWidget(m_progress);
    row->addWidget(m_cancel);
    row->addWidget(m_loadAll);
    layout->addLayout(row);
    connect(m_loadAll, &QPushButton::clicked, this, &ThingBrowser::loadAll);
    connect(this, &ThingBrowser::currentThingChanged, m_watchButton,
            [this](const std::optional<ThingSummary> &thing) {
                m_watchButton->setEnabled(thing.has_value());
            });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_model)
            m_model->cancelLoadAll();
    });
}

void ThingBrowser::setSession(ConsoleSession *session)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_session = session;
    m_selectedName.clear();
    m_model = session ? session->things() : nullptr;
    m_proxy->setSourceModel(m_model);
    if (m_model && !m_headerPrepared) {
        // The header has sections only once a model is set: restore the saved widths now.
        m_headerPrepared = true;
        if (m_savedHeader.isEmpty() || !m_view->horizontalHeader()->restoreState(m_savedHeader))
            applyDefaultColumnWidths();
    }
    m_messages->dismiss();
    m_thingType->clear();
    setEnabled(session != nullptr);
    if (m_model)
        bindModel();
    updateCount();
    updateFooterState();
}

void ThingBrowser::bindModel()
{
    connect(m_model, &ThingListModel::errorOccurred, this, &ThingBrowser::onError);
    connect(m_model, &ThingListModel::loadingChanged, this, &ThingBrowser::updateFooterState);
    connect(m_model, &ThingListModel::loadAllProgress, this, &ThingBrowser::onLoadAllProgress);
    connect(m_model, &ThingListModel::loadAllFinished, this, &ThingBrowser::onLoadAllFinished);
    connect(m_model, &ThingListModel::refreshed, this, &ThingBrowser::onRefreshed);
    connect(m_model, &ThingListModel::loadingChanged, this, [this](bool loading) {
        if (!loading && m_session && !m_messages->isVisible())
            m_session->reportRestResult(nullptr);
    });
    loadThingTypes();
}

void ThingBrowser::loadThingTypes()
{
    m_thingType->addItem(QString());
    m_session->registry()->listThingTypes(
        this, [this](const Result<QList<ThingTypeSummary>, IotError> &types) {
            if (!types.ok())
                return; // the filter still takes a typed name; the list is a convenience
            for (const ThingTypeSummary &type : types.value())
                m_thingType->addItem(type.name);
        });
}

std::optional<ThingSummary> ThingBrowser::currentThing() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!m_model || !index.isValid() || !m_view->selectionModel()->isRowSelected(index.row(), {}))
        return std::nullopt;
    return m_model->thingAt(m_proxy->mapToSource(index).row());
}

bool ThingBrowser::selectThing(const QString &name)
{
    if (!m_model)
        return false;
    const int row = m_model->rowOfThing(name);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

void ThingBrowser::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void ThingBrowser::refresh()
{
    if (!m_model)
        return;
    const auto thing = currentThing();
    m_selectedBeforeRefresh = thing ? thing->name : QString();
    m_messages->dismiss();
    m_model->refresh();
}

void ThingBrowser::loadAll()
{
    if (!m_model || m_model->isLoadingAll())
        return;
    m_messages->dismiss();
    m_model->loadAll();
    updateFooterState();
}

QByteArray ThingBrowser::headerState() const
{
    return m_headerPrepared ? m_view->horizontalHeader()->saveState() : m_savedHeader;
}

void ThingBrowser::restoreHeaderState(const QByteArray &state)
{
    m_savedHeader = state;
    if (m_headerPrepared && !state.isEmpty())
        m_view->horizontalHeader()->restoreState(state);
}

// Until the user has sized the columns (the header state is restored on the next start), a
// layout that shows names, types and a useful part of the attributes in the default dock.
void ThingBrowser::applyDefaultColumnWidths()
{
    const int unit = m_view->fontMetrics().horizontalAdvance(QLatin1Char('m'));
    m_view->setColumnWidth(ThingListModel::NameColumn, unit * 11);
    m_view->setColumnWidth(ThingListModel::TypeColumn, unit * 7);
    m_view->setColumnWidth(ThingListModel::AttributesColumn, unit * 20);
    m_view->setColumnWidth(ThingListModel::VersionColumn, unit * 5);
}

void ThingBrowser::applyServerFilter()
{
    if (!m_model)
        return;
    ThingQuery query;
    query.attributeName = m_attributeName->text().trimmed();
    query.attributeValue = m_attributeValue->text().trimmed();
    query.thingTypeName = m_thingType->currentText().trimmed();
    query.maxResults = ThingQuery::kMaxResults;
    const QString problem = query.validate();
    if (!problem.isEmpty()) {
        m_messages->showMessage(MessageBar::Level::Warning,
                                tr("Server filter not applied: %1").arg(problem));
        return;
    }
    m_messages->dismiss();
    m_model->setQuery(query);
    updateCount();
}

void ThingBrowser::clearServerFilter()
{
    m_attributeName->clear();
    m_attributeValue->clear();
    m_thingType->setCurrentText(QString());
    ThingQuery everything;
    everything.maxResults = ThingQuery::kMaxResults;
    if (m_model && !(m_model->query() == everything))
        applyServerFilter();
    m_serverToggle->setChecked(false);
}

// The selected thing stays selected while the filter hides it and is selected again when it
// shows up, so that narrowing and widening the list never loses the user's place.
void ThingBrowser::onFilterTextChanged(const QString &text)
{
    m_delegate->setFilterText(text.trimmed());
    m_filtering = true;
    m_proxy->setFilterText(text.trimmed());
    if (!m_selectedName.isEmpty() && !currentThing())
        selectThing(m_selectedName);
    m_filtering = false;
    m_view->viewport()->update();
    if (m_view->currentIndex().isValid())
        m_view->scrollTo(m_view->currentIndex());
}

void ThingBrowser::onCurrentChanged()
{
    const auto thing = currentThing();
    if (!thing && m_filtering)
        return; // hidden by the filter, not deselected
    m_selectedName = thing ? thing->name : QString();
    emit currentThingChanged(thing);
}

void ThingBrowser::onError(const IotError &error)
{
    if (m_session)
        m_session->reportRestResult(&error);
    // The window offers the sign-in for this one; the list only says why it is empty.
    const bool signInNeeded =
        error.aws.credentials && error.aws.credentials->kind == ConfigError::Kind::SsoLoginRequired;
    const QString why =
        signInNeeded
            ? tr("sign in with AWS SSO first (the message at the top of the window offers it).")
            : error.toString();
    m_messages->showMessage(MessageBar::Level::Error, tr("Could not list things: %1").arg(why),
                            error.kind != IotError::Kind::InvalidArgument);
    updateFooterState();
}

void ThingBrowser::onLoadAllProgress(int things, int pages)
{
    m_count->setText(tr("Loading all: %1 things, %2 pages…")
                         .arg(QLocale().toString(things), QLocale().toString(pages)));
}

void ThingBrowser::onLoadAllFinished(bool cancelled)
{
    updateFooterState();
    updateCount();
    if (cancelled)
        m_count->setText(m_count->text() + tr(" (loading cancelled)"));
}

void ThingBrowser::onRefreshed()
{
    if (!m_selectedBeforeRefresh.isEmpty())
        selectThing(m_selectedBeforeRefresh);
    m_selectedBeforeRefresh.clear();
    updateCount();
}

void ThingBrowser::updateCount()
{
    if (!m_model) {
        m_count->setText(tr("Not connected"));
        return;
    }
    if (m_model->isLoadingAll())
        return;
    const QLocale locale;
    const int loaded = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    QString text = m_model->hasMore() ? tr("%1 loaded, more to load").arg(locale.toString(loaded))
                                      : tr("%n thing(s)", nullptr, loaded);
    if (!m_proxy->filterText().isEmpty())
        text = tr("%1 of %2 shown").arg(locale.toString(shown), text);
    m_count->setText(text);
}

void ThingBrowser::updateFooterState()
{
    const bool loading = m_model && m_model->isLoading();
    const bool loadingAll = m_model && m_model->isLoadingAll();
    m_progress->setVisible(loading);
    m_cancel->setVisible(loadingAll);
    m_loadAll->setEnabled(m_model && m_model->hasMore() && !loadingAll);
    if (!loadingAll)
        updateCount();
}

void ThingBrowser::buildActions()
{
    m_copyName = new QAction(Icons::get(QStringLiteral("edit-copy")), tr("Copy &Name"), this);
    m_copyName->setShortcut(QKeySequence::Copy);
    m_copyArn = new QAction(tr("Copy &ARN"), this);
    m_copyArn->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_refreshAction =
        new QAction(Icons::get(QStringLiteral("view-refresh")), tr("&Refresh List"), this);
    m_watch =
        new QAction(Icons::get(QStringLiteral("view-visible")), tr("&Watch This Thing"), this);
    m_watch->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m_watch->setToolTip(tr("Subscribe to its shadow topics, presence events and telemetry"));
    for (QAction *action : {m_copyName, m_copyArn, m_refreshAction, m_watch}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
    }
    m_contextMenu = new QMenu(this);
    m_contextMenu->addAction(m_copyName);
    m_contextMenu->addAction(m_copyArn);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_watch);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_refreshAction);
    connect(m_copyName, &QAction::triggered, this, [this] {
        if (const auto thing = currentThing())
            emit copyRequested(thing->name);
    });
    connect(m_copyArn, &QAction::triggered, this, [this] {
        if (const auto thing = currentThing())
            emit copyRequested(thing->arn);
    });
    connect(m_refreshAction, &QAction::triggered, this, &ThingBrowser::refresh);
    connect(m_watchButton, &QPushButton::clicked, m_watch, &QAction::trigger);
    connect(m_watch, &QAction::triggered, this, [this] {
        if (const auto thing = currentThing())
            emit watchRequested(thing->name);
    });
}

void ThingBrowser::showContextMenu(const QPoint &position)
{
    const bool hasThing = currentThing().has_value();
    m_copyName->setEnabled(hasThing);
    m_copyArn->setEnabled(hasThing);
    m_watch->setEnabled(hasThing);
    m_contextMenu->popup(m_view->viewport()->mapToGlobal(position));
}

void ThingBrowser::setDraftMarker(std::function<bool(const QString &thing)> marker)
{
    m_delegate->setDraftMarker(std::move(marker));
    repaintRows();
}

void ThingBrowser::repaintRows()
{
    m_view->viewport()->update();
}

// Down in the filter field moves into the list; Enter in the list opens the thing.
bool ThingBrowser::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *key = dynamic_cast<QKeyEvent *>(event);
    if (!key)
        return QWidget::eventFilter(watched, event);
    if (watched == m_filter && key->key() == Qt::Key_Down) {
        m_view->setFocus(Qt::TabFocusReason);
        if (!currentThing() && m_proxy->rowCount() > 0)
            m_view->selectRow(0);
        return true;
    }
    if (watched == m_view && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
        if (const auto thing = currentThing())
            emit thingActivated(*thing);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace thingdeck
