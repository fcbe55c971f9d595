#include "messages/SubscriptionPanel.h"

#include "common/Icons.h"
#include "messages/ColourStripeDelegate.h"
#include "models/SubscriptionListModel.h"
#include "mqtt/TopicFilter.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace thingdeck {

SubscriptionPanel::SubscriptionPanel(QWidget *parent)
    : QWidget(parent)
    , m_problem(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    buildView();
    buildActions();
    auto *header = new QHBoxLayout;
    auto *title = new QLabel(tr("Subscriptions"), this);
    // A font, not a style sheet: a style sheet would keep the palette of its time and lose
    // the dark theme chosen later.
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title, 1);
    header->addWidget(m_pause);
    header->addWidget(m_remove);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    m_problem->setObjectName(QStringLiteral("subscriptionProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_problem->setAccessibleName(tr("Refused subscription"));
    m_problem->hide();
    layout->addWidget(m_problem);
    buildEntry(layout);
    setModel(nullptr);
}

void SubscriptionPanel::buildView()
{
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("subscriptionView"));
    m_view->setAccessibleName(tr("Subscriptions"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setItemDelegateForColumn(
        SubscriptionListModel::FilterColumn,
        new ColourStripeDelegate(
            [](const QModelIndex &index) {
                return index.data(SubscriptionListModel::ColourRole).toInt();
            },
            m_view));
    connect(m_view, &QWidget::customContextMenuRequested, this, &SubscriptionPanel::showMenu);
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        emit showOnlyRequested(index.data(SubscriptionListModel::FilterRole).toString());
    });
}

void SubscriptionPanel::buildActions()
{
    m_pauseAction =
        new QAction(Icons::get(QStringLiteral("media-playback-pause")), tr("Pause / Resume"), this);
    m_pauseAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_pauseAction->setShortcutContext(Qt::WidgetShortcut);
    m_pauseAction->setToolTip(tr("Pause the selected subscriptions (unsubscribes, keeps the row) "
                                 "or resume them (Space)"));
    m_removeAction =
        new QAction(Icons::get(QStringLiteral("list-remove")), tr("Remove Subscription"), this);
    m_removeAction->setShortcut(QKeySequence::Delete);
    m_removeAction->setShortcutContext(Qt::WidgetShortcut);
    m_removeAction->setToolTip(tr("Unsubscribe and remove the selected rows (Delete)"));
    m_showOnlyAction = new QAction(tr("Show Only These Messages"), this);
    m_view->addAction(m_pauseAction);
    m_view->addAction(m_removeAction);
    connect(m_pauseAction, &QAction::triggered, this, &SubscriptionPanel::togglePausedSelected);
    connect(m_removeAction, &QAction::triggered, this, &SubscriptionPanel::removeSelected);
    connect(m_showOnlyAction, &QAction::triggered, this, [this] {
        const QList<int> rows = selectedRows();
        if (!rows.isEmpty() && m_model)
            emit showOnlyRequested(m_model->saved().at(rows.first()).filter);
    });
    m_menu = new QMenu(this);
    m_menu->addAction(m_pauseAction);
    m_menu->addAction(m_removeAction);
    m_menu->addSeparator();
    m_menu->addAction(m_showOnlyAction);
    const auto makeButton = [this](QAction *action, const QString &name) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        button->setObjectName(name);
        button->setAccessibleName(action->text());
        return button;
    };
    m_pause = makeButton(m_pauseAction, QStringLiteral("pauseSubscription"));
    m_remove = makeButton(m_removeAction, QStringLiteral("removeSubscription"));
}

void SubscriptionPanel::buildEntry(QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    m_hint = new QLabel(tr("No subscriptions: type a topic filter below, or select a thing and "
                           "press Watch."),
                        this);
    m_hint->setObjectName(QStringLiteral("subscriptionHint"));
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // drawn in the disabled (muted) colour
    layout->addWidget(m_hint);
    m_entry = new QLineEdit(this);
    m_entry->setObjectName(QStringLiteral("subscriptionEntry"));
    m_entry->setPlaceholderText(tr("Topic filter, e.g. dt/+/telemetry"));
    m_entry->setAccessibleName(tr("New subscription's topic filter"));
    m_entry->setToolTip(tr("An MQTT topic filter: + stands for one level, # for the rest. "
                           "Enter subscribes."));
    m_entry->setClearButtonEnabled(true);
    m_qos = new QComboBox(this);
    m_qos->setObjectName(QStringLiteral("subscriptionQos"));
    m_qos->addItem(tr("QoS 0"), 0);
    m_qos->addItem(tr("QoS 1"), 1);
    m_qos->setAccessibleName(tr("New subscription's QoS"));
    m_qos->setToolTip(tr("QoS 0: at most once. QoS 1: at least once (the broker resends until "
                         "acknowledged)."));
    m_add = new QPushButton(Icons::get(QStringLiteral("list-add")), tr("Subscribe"), this);
    m_add->setObjectName(QStringLiteral("subscribeButton"));
    m_add->setAccessibleName(tr("Subscribe"));
    layout->addWidget(m_entry);
    row->addWidget(m_qos, 1);
    row->addWidget(m_add, 1);
    layout->addLayout(row);
    m_entryError = new QLabel(this);
    m_entryError->setObjectName(QStringLiteral("subscriptionEntryError"));
    m_entryError->setWordWrap(true);
    m_entryError->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_entryError->hide();
    layout->addWidget(m_entryError);
    connect(m_entry, &QLineEdit::textChanged, this, &SubscriptionPanel::validateEntry);
    connect(m_entry, &QLineEdit::returnPressed, this, &SubscriptionPanel::addFromEntry);
    connect(m_add, &QPushButton::clicked, this, &SubscriptionPanel::addFromEntry);
}

void SubscriptionPanel::setModel(SubscriptionListModel *model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    m_view->setModel(model);
    setEnabled(model != nullptr);
    if (model) {
        QHeaderView *header = m_view->horizontalHeader();
        header->setSectionResizeMode(SubscriptionListModel::FilterColumn, QHeaderView::Stretch);
        for (int c = SubscriptionListModel::QosColumn; c < SubscriptionListModel::ColumnCount; ++c)
            header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
        connect(model, &QAbstractItemModel::dataChanged, this, &SubscriptionPanel::updateProblem);
        connect(model, &QAbstractItemModel::modelReset, this, &SubscriptionPanel::updateProblem);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &SubscriptionPanel::updateProblem);
        connect(model, &QAbstractItemModel::rowsInserted, this, &SubscriptionPanel::updateProblem);
        connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            updateButtons();
            updateProblem();
        });
    }
    validateEntry();
    updateButtons();
    updateProblem();
}

void SubscriptionPanel::addFromEntry()
{
    if (!m_model || m_entry->text().trimmed().isEmpty())
        return;
    const auto added = m_model->add(m_entry->text(), m_qos->currentData().toInt());
    if (!added.ok()) {
        m_entryError->setText(added.error());
        m_entryError->show();
        return;
    }
    m_entry->clear();
    m_view->selectRow(added.value());
}

void SubscriptionPanel::togglePausedSelected()
{
    if (!m_model)
        return;
    const QList<int> rows = selectedRows();
    // One press pauses them all unless all are paused already (then it resumes them).
    const bool allPaused = std::all_of(rows.begin(), rows.end(), [this](int row) {
        return m_model->rowState(row) == SubscriptionListModel::RowState::Paused;
    });
    const bool anyRefused = std::any_of(rows.begin(), rows.end(), [this](int row) {
        return m_model->rowState(row) == SubscriptionListModel::RowState::Refused;
    });
    for (int row : rows)
        m_model->setPaused(row, !(allPaused || anyRefused));
    updateButtons();
}

void SubscriptionPanel::removeSelected()
{
    if (!m_model)
        return;
    QList<int> rows = selectedRows();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : std::as_const(rows))
        m_model->remove(row);
}

void SubscriptionPanel::validateEntry()
{
    const QString text = m_entry->text().trimmed();
    const QString problem = text.isEmpty() ? QString() : TopicFilter::validate(text);
    m_entryError->setText(problem);
    m_entryError->setVisible(!problem.isEmpty());
    m_add->setEnabled(m_model && !text.isEmpty() && problem.isEmpty());
}

void SubscriptionPanel::updateButtons()
{
    const QList<int> rows = selectedRows();
    const bool any = m_model && !rows.isEmpty();
    m_pauseAction->setEnabled(any);
    m_removeAction->setEnabled(any);
    m_showOnlyAction->setEnabled(any);
    const bool resume =
        any && std::all_of(rows.begin(), rows.end(), [this](int row) {
            return m_model->rowState(row) != SubscriptionListModel::RowState::Active &&
                   m_model->rowState(row) != SubscriptionListModel::RowState::Pending;
        });
    m_pauseAction->setText(resume ? tr("Resume") : tr("Pause"));
    m_pauseAction->setIcon(Icons::get(resume ? QStringLiteral("media-playback-start")
                                             : QStringLiteral("media-playback-pause")));
    m_pause->setAccessibleName(m_pauseAction->text());
}

// The sentence of the selected refused row, else of the first refused row: a refusal must be
// seen without hunting for a tooltip.
void SubscriptionPanel::updateProblem()
{
    QString text;
    if (m_model) {
        QList<int> rows = selectedRows();
        for (int row = 0; row < m_model->rowCount(); ++row)
            rows.append(row);
        for (int row : std::as_const(rows)) {
            if (!m_model->problem(row).isEmpty()) {
                text = m_model->problem(row);
                break;
            }
        }
    }
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    m_hint->setVisible(m_model && m_model->rowCount() == 0);
    updateButtons();
}

QList<int> SubscriptionPanel::selectedRows() const
{
    QList<int> rows;
    if (!m_view->selectionModel())
        return rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    return rows;
}

void SubscriptionPanel::showMenu(const QPoint &position)
{
    if (m_model && !selectedRows().isEmpty())
        m_menu->popup(m_view->viewport()->mapToGlobal(position));
}

} // namespace thingdeck
