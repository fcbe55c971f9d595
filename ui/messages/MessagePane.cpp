#include "messages/MessagePane.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "iot/IotError.h"
#include "iot/ShadowClient.h"
#include "iot/ThingName.h"
#include "iot/ThingWatch.h"
#include "messages/ColourStripeDelegate.h"
#include "messages/MessageDetails.h"
#include "messages/PublishPanel.h"
#include "messages/SubscriptionPanel.h"
#include "models/MessageFilterModel.h"
#include "models/MessageTableModel.h"
#include "models/SubscriptionListModel.h"
#include "mqtt/MessageExporter.h"
#include "mqtt/MessageImporter.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/TopicFilter.h"
#include "session/ConsoleSession.h"
#include "session/Settings.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace thingdeck {

namespace {

constexpr qint64 kMegabyte = qint64{1024} * 1024;
constexpr int kTextFilterDelayMs = 150;
/// How far back the diff looks for the previous message on the same topic.
constexpr qsizetype kPreviousSearchLimit = 200000;

QToolButton *toolButton(QWidget *parent, const QString &icon, const QString &text,
                        const QString &tip, const QString &objectName)
{
    auto *button = new QToolButton(parent);
    button->setIcon(Icons::get(icon));
    button->setText(text);
    button->setToolTip(tip);
    button->setAccessibleName(text);
    button->setObjectName(objectName);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    return button;
}

} // namespace

MessagePane::MessagePane(Settings *settings, const QString &publishHistoryDirectory,
                         QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_messageBar(new MessageBar(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    setObjectName(QStringLiteral("messagePane"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_messageBar);
    m_splitter->setObjectName(QStringLiteral("messageSplitter"));
    m_subscriptionPanel = new SubscriptionPanel(m_splitter);
    m_splitter->addWidget(m_subscriptionPanel);
    m_splitter->addWidget(buildCentre());
    // The side tabs come after the centre, not in the initializer list: creation order is the
    // keyboard's tab order.
    // NOLINTNEXTLINE(cppcoreguidelines-prefer-member-initializer): tab order, see above
    m_sideTabs = new QTabWidget(m_splitter);
    m_sideTabs->setObjectName(QStringLiteral("messageSideTabs"));
    m_sideTabs->setDocumentMode(true);
    // NOLINTNEXTLINE(cppcoreguidelines-prefer-member-initializer): tab order, see above
    m_details = new MessageDetails(m_sideTabs);
    m_publish = new PublishPanel(publishHistoryDirectory, m_sideTabs);
    m_sideTabs->addTab(m_details, tr("Details"));
    m_sideTabs->addTab(m_publish, tr("Publish"));
    m_splitter->addWidget(m_sideTabs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({330, 560, 390});
    m_subscriptionPanel->setMinimumWidth(240);
    layout->addWidget(m_splitter, 1);
    buildActions();
    connect(m_details, &MessageDetails::copyRequested, this, &MessagePane::copyRequested);
    connect(m_subscriptionPanel, &SubscriptionPanel::showOnlyRequested, this,
            [this](const QString &filter) {
                m_topicFilter->setText(filter);
                applyTopicFilter();
            });
    m_statusTimer.setInterval(kStatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &MessagePane::updateStatus);
    m_followTimer.setSingleShot(true);
    m_followTimer.setInterval(kFollowIntervalMs);
    connect(&m_followTimer, &QTimer::timeout, this, &MessagePane::scrollToEnd);
    m_textFilterTimer.setSingleShot(true);
    m_textFilterTimer.setInterval(kTextFilterDelayMs);
    connect(&m_textFilterTimer, &QTimer::timeout, this, &MessagePane::applyTextFilter);
    setSession(nullptr);
}

MessagePane::~MessagePane()
{
    unbindSession();
}

QWidget *MessagePane::buildCentre()
{
    auto *centre = new QWidget(m_splitter);
    auto *layout = new QVBoxLayout(centre);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(buildToolRow());
    layout->addWidget(buildFilterRow());
    m_filterModel = new MessageFilterModel(this);
    m_table = new QTableView(centre);
    m_table->setObjectName(QStringLiteral("messageTable"));
    m_table->setAccessibleName(tr("Messages"));
    m_table->setModel(m_filterModel);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(
        MessageTableModel::TimeColumn,
        new ColourStripeDelegate(
            [this](const QModelIndex &index) {
                return m_subscriptionModel
                           ? m_subscriptionModel->colourOfTopic(
                                 index.data(MessageTableModel::TopicRole).toString())
                           : -1;
            },
            m_table));
    layout->addWidget(m_table, 1);
    layout->addWidget(buildProgressRow());
    connect(m_filterModel, &QAbstractItemModel::rowsInserted, this, &MessagePane::onRowsInserted);
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &MessagePane::onScrolled);
    connect(m_table, &QWidget::customContextMenuRequested, this, &MessagePane::showTableMenu);
    return centre;
}

QWidget *MessagePane::buildToolRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_followButton = toolButton(row, QStringLiteral("go-bottom"), tr("Follow"),
                                tr("Keep the newest message in view. Scrolling up stops "
                                   "following; End in the table resumes."),
                                QStringLiteral("followButton"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_pauseButton = toolButton(row, QStringLiteral("media-playback-pause"), tr("Pause"),
                               tr("Stop the table from moving (Ctrl+P). Messages keep arriving "
                                  "into the store up to the cap."),
                               QStringLiteral("pauseMessages"));
    m_pauseButton->setCheckable(true);
    auto *clearButton = toolButton(row, QStringLiteral("edit-clear"), tr("Clear"),
                                   tr("Remove every message kept for this connection (Ctrl+L)"),
                                   QStringLiteral("clearMessages"));
    auto *exportButton = toolButton(row, QStringLiteral("document-save"), tr("Export"),
                                    tr("Save messages as NDJSON, one object per line, as "
                                       "thingdeck-cli sub prints them"),
                                    QStringLiteral("exportMessages"));
    auto *exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("Export Selection…"), this, [this] { chooseExportFile(true); });
    exportMenu->addAction(tr("Export All Kept…"), this, [this] { chooseExportFile(false); });
    exportButton->setMenu(exportMenu);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *importButton = toolButton(row, QStringLiteral("document-open"), tr("Import…"),
                                    tr("Read an NDJSON file written by Export or by thingdeck-cli "
                                       "sub into the table"),
                                    QStringLiteral("importMessages"));
    m_pausedLabel = new QLabel(row);
    m_pausedLabel->setObjectName(QStringLiteral("pausedLabel"));
    m_rateLabel = new QLabel(row);
    m_rateLabel->setObjectName(QStringLiteral("messageRate"));
    m_rateLabel->setToolTip(tr("Messages per second arriving on this connection"));
    m_droppedLabel = new QLabel(row);
    m_droppedLabel->setObjectName(QStringLiteral("droppedLabel"));
    m_capButton = buildCapButton();
    for (QWidget *w : std::initializer_list<QWidget *>{m_followButton, m_pauseButton, clearButton,
                                                       exportButton, importButton})
        layout->addWidget(w);
    layout->addWidget(m_pausedLabel);
    layout->addStretch(1);
    layout->addWidget(m_rateLabel);
    layout->addWidget(m_droppedLabel);
    layout->addWidget(m_capButton);
    connect(m_followButton, &QToolButton::toggled, this, &MessagePane::setFollowing);
    connect(m_pauseButton, &QToolButton::toggled, this, &MessagePane::setPaused);
    connect(clearButton, &QToolButton::clicked, this, &MessagePane::clear);
    connect(importButton, &QToolButton::clicked, this, &MessagePane::chooseImportFile);
    return row;
}

QToolButton *MessagePane::buildCapButton()
{
    auto *button = new QToolButton(this);
    button->setObjectName(QStringLiteral("capButton"));
    button->setAutoRaise(true);
    button->setPopupMode(QToolButton::InstantPopup);
    button->setToolTip(tr("How many messages, and how many bytes, the pane keeps; beyond either "
                          "cap the oldest are dropped"));
    button->setAccessibleName(tr("Message cap"));
    auto *menu = new QMenu(button);
    auto *form = new QWidget(menu);
    auto *layout = new QHBoxLayout(form);
    m_capMessages = new QSpinBox(form);
    m_capMessages->setObjectName(QStringLiteral("capMessages"));
    m_capMessages->setRange(1000, 5000000);
    m_capMessages->setSingleStep(10000);
    m_capMessages->setGroupSeparatorShown(true);
    m_capMessages->setSuffix(tr(" messages"));
    m_capMessages->setAccessibleName(tr("Keep at most this many messages"));
    m_capMegabytes = new QSpinBox(form);
    m_capMegabytes->setObjectName(QStringLiteral("capMegabytes"));
    m_capMegabytes->setRange(1, 8192);
    m_capMegabytes->setSingleStep(64);
    m_capMegabytes->setSuffix(tr(" MB"));
    m_capMegabytes->setAccessibleName(tr("Keep at most this many megabytes of messages"));
    layout->addWidget(new QLabel(tr("Keep at most"), form));
    layout->addWidget(m_capMessages);
    layout->addWidget(new QLabel(tr("and"), form));
    layout->addWidget(m_capMegabytes);
    auto *action = new QWidgetAction(menu);
    action->setDefaultWidget(form);
    menu->addAction(action);
    button->setMenu(menu);
    const auto apply = [this] {
        setCaps(m_capMessages->value(), qint64(m_capMegabytes->value()) * kMegabyte);
    };
    connect(m_capMessages, &QSpinBox::editingFinished, this, apply);
    connect(m_capMegabytes, &QSpinBox::editingFinished, this, apply);
    return button;
}

QWidget *MessagePane::buildFilterRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_topicFilter = new QLineEdit(row);
    m_topicFilter->setObjectName(QStringLiteral("topicFilterField"));
    m_topicFilter->setPlaceholderText(tr("Show topics matching, e.g. dt/+/telemetry"));
    m_topicFilter->setAccessibleName(tr("Show only topics matching this filter"));
    m_topicFilter->setToolTip(tr("An MQTT topic filter (+ and #) that the shown messages' "
                                 "topics must match"));
    m_topicFilter->setClearButtonEnabled(true);
    m_textFilter = new QLineEdit(row);
    m_textFilter->setObjectName(QStringLiteral("textFilterField"));
    m_textFilter->setPlaceholderText(tr("Find in topic or payload (Ctrl+Shift+F)"));
    m_textFilter->setAccessibleName(tr("Show only messages containing this text"));
    m_textFilter->setToolTip(tr("Case-insensitive text that the topic or the payload must "
                                "contain"));
    m_textFilter->setClearButtonEnabled(true);
    layout->addWidget(m_topicFilter, 1);
    layout->addWidget(m_textFilter, 1);
    connect(m_topicFilter, &QLineEdit::textChanged, this, &MessagePane::applyTopicFilter);
    connect(m_textFilter, &QLineEdit::textChanged, &m_textFilterTimer, qOverload<>(&QTimer::start));
    return row;
}

QWidget *MessagePane::buildProgressRow()
{
    m_progressRow = new QWidget(this);
    auto *layout = new QHBoxLayout(m_progressRow);
    layout->setContentsMargins(0, 0, 0, 0);
    m_progressLabel = new QLabel(m_progressRow);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName(QStringLiteral("transferProgress"));
    m_progress->setAccessibleName(tr("Export or import progress"));
    auto *cancel = new QPushButton(tr("Cancel"), m_progressRow);
    cancel->setAccessibleName(tr("Cancel the export or import"));
    layout->addWidget(m_progressLabel);
    layout->addWidget(m_progress, 1);
    layout->addWidget(cancel);
    m_progressRow->hide();
    connect(cancel, &QPushButton::clicked, this, [this] {
        if (m_exporter)
            m_exporter->cancel();
        if (m_importer)
            m_importer->cancel();
        endTransfer(false, tr("Cancelled."));
    });
    return m_progressRow;
}

void MessagePane::buildActions()
{
    auto *end = new QAction(tr("Follow Newest"), m_table);
    end->setShortcut(QKeySequence(Qt::Key_End));
    end->setShortcutContext(Qt::WidgetShortcut);
    connect(end, &QAction::triggered, this, [this] { setFollowing(true); });
    m_table->addAction(end);
    const auto paneAction = [this](const QKeySequence &keys, auto slot) {
        auto *action = new QAction(this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    paneAction(QKeySequence(Qt::CTRL | Qt::Key_P), [this] { m_pauseButton->toggle(); });
    paneAction(QKeySequence(Qt::CTRL | Qt::Key_L), [this] { clear(); });
    paneAction(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), [this] {
        m_textFilter->setFocus();
        m_textFilter->selectAll();
    });
}

void MessagePane::setSession(ConsoleSession *session)
{
    unbindSession();
    m_session = session;
    m_publish->setSession(session);
    m_details->clear();
    if (session)
        bindSession();
    setEnabled(session != nullptr);
    updateStatus();
}

void MessagePane::unbindSession()
{
    m_statusTimer.stop();
    m_subscriptionPanel->setModel(nullptr);
    m_filterModel->setSourceModel(nullptr);
    m_subscriptionModel.reset();
    if (m_exporter)
        m_exporter->cancel();
    if (m_importer)
        m_importer->cancel();
    m_exporter.reset();
    m_importer.reset();
    m_progressRow->hide();
    if (m_session)
        m_session->disconnect(this);
}

void MessagePane::bindSession()
{
    MessageStore *store = m_session->messages();
    const auto caps = m_settings ? m_settings->messageCaps() : QPair<qint64, qint64>{0, 0};
    setCaps(caps.first > 0 ? caps.first : store->capacity(),
            caps.second > 0 ? caps.second : store->byteBudget());
    m_session->messageModel()->setPaused(m_pauseButton->isChecked());
    m_filterModel->setSourceModel(m_session->messageModel());
    QHeaderView *header = m_table->horizontalHeader();
    header->resizeSection(MessageTableModel::TimeColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000")) + 24);
    header->resizeSection(MessageTableModel::DirectionColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("Dir_")) + 8);
    header->resizeSection(MessageTableModel::TopicColumn, 220);
    for (int c : {MessageTableModel::QosColumn, MessageTableModel::RetainedColumn,
                  MessageTableModel::SizeColumn})
        header->resizeSection(c, fontMetrics().horizontalAdvance(QStringLiteral("Retained_")));
    m_subscriptionModel = std::make_unique<SubscriptionListModel>(m_session->mqtt());
    restoreSubscriptions();
    m_subscriptionPanel->setModel(m_subscriptionModel.get());
    connect(m_subscriptionModel.get(), &SubscriptionListModel::subscriptionsChanged, this,
            &MessagePane::saveSubscriptions);
    connect(m_session->mqtt(), &MqttConnection::messagesReceived, m_subscriptionModel.get(),
            &SubscriptionListModel::countMessages);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MessagePane::showSelected);
    m_statusTimer.start();
}

// A connection's saved subscriptions; the local sandbox starts with its devices' telemetry, so
// that live traffic shows the first time it is opened.
void MessagePane::restoreSubscriptions()
{
    const ConnectionSettings &connection = m_session->settings();
    if (!m_settings)
        return;
    if (m_settings->hasSubscriptions(connection.name)) {
        m_subscriptionModel->restore(m_settings->subscriptions(connection.name));
        return;
    }
    if (connection.kind == ConnectionSettings::Kind::Sandbox) {
        const QString telemetry =
            ThingWatch::telemetryFilter(QStringLiteral("+"), connection.telemetryPattern);
        if (!telemetry.isEmpty())
            m_subscriptionModel->add(telemetry, 0);
    }
}

void MessagePane::saveSubscriptions()
{
    if (m_settings && m_session && m_subscriptionModel)
        m_settings->setSubscriptions(m_session->settings().name, m_subscriptionModel->saved());
}

void MessagePane::watchThing(const QString &thing)
{
    if (!m_session || !m_subscriptionModel)
        return;
    const auto name = ThingName::create(thing);
    if (!name.ok() || !m_session->shadows()) {
        watchTopics(thing, {}, name.ok() ? QString() : name.error());
        return;
    }
    const quint64 generation = ++m_watchGeneration;
    m_messageBar->showMessage(MessageBar::Level::Information,
                              tr("Listing the named shadows of %1…").arg(thing));
    m_session->shadows()->listNamedShadows(
        name.value(), this, [this, thing, generation](const Result<QStringList, IotError> &result) {
            if (generation != m_watchGeneration)
                return;
            watchTopics(thing, result.ok() ? result.value() : QStringList(),
                        result.ok() ? QString() : result.error().toString());
        });
}

void MessagePane::watchTopics(const QString &thing, const QStringList &namedShadows,
                              const QString &listProblem)
{
    if (!m_session || !m_subscriptionModel)
        return;
    const QStringList filters =
        ThingWatch::topicFilters(thing, namedShadows, m_session->settings().telemetryPattern);
    int added = 0;
    QStringList refused;
    for (const QString &filter : filters) {
        if (m_subscriptionModel->rowOf(filter) >= 0)
            continue;
        const auto result = m_subscriptionModel->add(filter, 1);
        result.ok() ? void(++added) : refused.append(result.error());
    }
    QString text = tr("Watching %1: %n new subscription(s) (shadow topics of %2, presence, "
                      "telemetry).",
                      nullptr, added)
                       .arg(thing)
                       .arg(namedShadows.isEmpty() ? tr("the classic shadow")
                                                   : tr("the classic and %n named shadow(s)",
                                                        nullptr, int(namedShadows.size())));
    if (!listProblem.isEmpty())
        text += QLatin1Char(' ') + tr("Named shadows could not be listed, so only the classic "
                                      "shadow is watched: %1")
                                       .arg(listProblem);
    if (!refused.isEmpty())
        text += QLatin1Char(' ') + refused.join(QLatin1Char(' '));
    const bool problem = !listProblem.isEmpty() || !refused.isEmpty();
    m_messageBar->showMessage(problem ? MessageBar::Level::Warning : MessageBar::Level::Information,
                              text);
}

void MessagePane::setFollowing(bool following)
{
    m_following = following;
    if (m_followButton->isChecked() != following)
        m_followButton->setChecked(following);
    if (following)
        scrollToEnd();
}

void MessagePane::setPaused(bool paused)
{
    if (m_pauseButton->isChecked() != paused)
        m_pauseButton->setChecked(paused);
    m_pauseButton->setIcon(Icons::get(paused ? QStringLiteral("media-playback-start")
                                             : QStringLiteral("media-playback-pause")));
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setAccessibleName(m_pauseButton->text());
    if (m_session)
        m_session->messageModel()->setPaused(paused);
    updateStatus();
}

bool MessagePane::isPaused() const
{
    return m_pauseButton->isChecked();
}

void MessagePane::clear()
{
    if (!m_session)
        return;
    MessageTableModel *model = m_session->messageModel();
    m_session->messages()->clear();
    // A paused model does not follow the store; the rows must go now all the same.
    model->setPaused(false);
    model->flush();
    model->setPaused(isPaused());
    if (m_subscriptionModel)
        m_subscriptionModel->resetCounts();
    m_details->clear();
    updateStatus();
}

void MessagePane::setCaps(qint64 messages, qint64 bytes)
{
    if (m_settings)
        m_settings->setMessageCaps(messages, bytes);
    if (m_session) {
        m_session->messages()->setCapacity(messages);
        m_session->messages()->setByteBudget(bytes);
    }
    const QSignalBlocker blockMessages(m_capMessages);
    const QSignalBlocker blockBytes(m_capMegabytes);
    m_capMessages->setValue(int(std::min<qint64>(messages, m_capMessages->maximum())));
    m_capMegabytes->setValue(int(std::clamp<qint64>(bytes / kMegabyte, 1, 8192)));
    updateStatus();
}

void MessagePane::applyTopicFilter()
{
    const QString text = m_topicFilter->text().trimmed();
    if (text.isEmpty()) {
        m_topicFilter->setStyleSheet(QString());
        m_topicFilter->setToolTip(tr("An MQTT topic filter (+ and #) that the shown messages' "
                                     "topics must match"));
        m_filterModel->setTopicFilter(std::nullopt);
        return;
    }
    const auto filter = TopicFilter::create(text);
    m_topicFilter->setStyleSheet(filter.ok() ? QString()
                                             : QStringLiteral("border: 1px solid #c0392b"));
    m_topicFilter->setToolTip(filter.ok() ? text : filter.error());
    if (filter.ok())
        m_filterModel->setTopicFilter(filter.value());
}

void MessagePane::applyTextFilter()
{
    m_filterModel->setSearchText(m_textFilter->text());
}

void MessagePane::onRowsInserted()
{
    if (m_following && !m_followTimer.isActive())
        m_followTimer.start();
}

void MessagePane::onScrolled(int value)
{
    if (m_scrolling)
        return;
    const bool atEnd = value >= m_table->verticalScrollBar()->maximum();
    if (atEnd != m_following)
        setFollowing(atEnd);
}

void MessagePane::scrollToEnd()
{
    m_scrolling = true;
    m_table->scrollToBottom();
    m_scrolling = false;
}

void MessagePane::updateStatus()
{
    const QLocale locale;
    if (!m_session) {
        m_rateLabel->clear();
        m_droppedLabel->clear();
        m_pausedLabel->clear();
        m_capButton->setText(tr("Cap"));
        emit statusChanged();
        return;
    }
    const MessageStore *store = m_session->messages();
    m_rateLabel->setText(tr("%1 msg/s").arg(locale.toString(store->rate(), 'f', 0)));
    const quint64 dropped = store->droppedCount() + m_session->mqtt()->droppedMessages();
    const QString cap = tr("cap %1 · %2 MB")
                            .arg(locale.toString(qint64(store->capacity())),
                                 locale.toString(store->byteBudget() / kMegabyte));
    m_droppedLabel->setText(dropped == 0 ? tr("0 dropped")
                                         : tr("%1 dropped:").arg(locale.toString(dropped)));
    m_droppedLabel->setToolTip(
        tr("%1 dropped by the cap (oldest first), %2 dropped before reaching the pane; %3 "
           "messages (%4 MB) kept")
            .arg(locale.toString(store->droppedCount()),
                 locale.toString(m_session->mqtt()->droppedMessages()),
                 locale.toString(qint64(store->size())),
                 locale.toString(double(store->byteSize()) / double(kMegabyte), 'f', 1)));
    m_capButton->setText(cap);
    const quint64 waiting = m_session->messageModel()->pendingCount();
    m_pausedLabel->setText(isPaused() ? tr("Paused: %1 new").arg(locale.toString(waiting))
                                      : QString());
    emit statusChanged();
}

QString MessagePane::statusText() const
{
    if (!m_session)
        return {};
    const QLocale locale;
    const quint64 dropped =
        m_session->messages()->droppedCount() + m_session->mqtt()->droppedMessages();
    return tr("%1 msg/s · %2 dropped")
        .arg(locale.toString(m_session->messages()->rate(), 'f', 0), locale.toString(dropped));
}

void MessagePane::showSelected()
{
    const MqttMessage *message = currentMessage();
    if (!message) {
        m_details->clear();
        return;
    }
    m_details->showMessage(*message, previousOnTopic(*message));
}

const MqttMessage *MessagePane::currentMessage() const
{
    if (!m_session)
        return nullptr;
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return nullptr;
    const QModelIndex source = m_filterModel->mapToSource(current);
    return m_session->messageModel()->messageAt(source.row());
}

const MqttMessage *MessagePane::previousOnTopic(const MqttMessage &message) const
{
    const MessageStore *store = m_session->messages();
    const quint64 first = store->firstId();
    const quint64 limit =
        message.id > quint64(kPreviousSearchLimit) ? message.id - quint64(kPreviousSearchLimit) : 0;
    for (quint64 id = message.id; id > first && id > limit;) {
        --id;
        const MqttMessage *candidate = store->findById(id);
        if (candidate && candidate->topic == message.topic)
            return candidate;
    }
    return nullptr;
}

void MessagePane::showTableMenu(const QPoint &position)
{
    const MqttMessage *message = currentMessage();
    if (!message)
        return;
    const QString topic = message->topic;
    const QString payload = QString::fromUtf8(message->payload);
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(Icons::get(QStringLiteral("edit-copy")), tr("Copy Topic"), this,
                    [this, topic] { emit copyRequested(topic); });
    menu->addAction(tr("Copy Payload"), this, [this, payload] { emit copyRequested(payload); });
    menu->addSeparator();
    menu->addAction(tr("Show Only This Topic"), this,
                    [this, topic] { m_topicFilter->setText(topic); });
    menu->addAction(tr("Publish to This Topic…"), this, [this, topic] {
        m_publish->setTopic(topic);
        m_sideTabs->setCurrentWidget(m_publish);
    });
    menu->popup(m_table->viewport()->mapToGlobal(position));
}

void MessagePane::chooseExportFile(bool selectionOnly)
{
    auto *dialog = new QFileDialog(this, tr("Export Messages"), QString(),
                                   tr("NDJSON (*.ndjson *.jsonl);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("ndjson"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, selectionOnly](const QString &path) { exportTo(path, selectionOnly); });
    dialog->open();
}

void MessagePane::chooseImportFile()
{
    auto *dialog = new QFileDialog(this, tr("Import Messages"), QString(),
                                   tr("NDJSON (*.ndjson *.jsonl *.json);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MessagePane::importFrom);
    dialog->open();
}

void MessagePane::exportTo(const QString &path, bool selectionOnly)
{
    if (!m_session || m_exporter || m_importer)
        return;
    MqttMessageBatch messages;
    MessageTableModel *model = m_session->messageModel();
    if (selectionOnly) {
        QModelIndexList rows = m_table->selectionModel()->selectedRows();
        std::sort(rows.begin(), rows.end());
        for (const QModelIndex &index : std::as_const(rows)) {
            if (const MqttMessage *m = model->messageAt(m_filterModel->mapToSource(index).row()))
                messages.append(*m);
        }
    } else {
        const MessageStore *store = m_session->messages();
        messages.reserve(store->size());
        for (qsizetype i = 0; i < store->size(); ++i)
            messages.append(store->at(i));
    }
    m_exporter = std::make_unique<MessageExporter>();
    connect(m_exporter.get(), &MessageExporter::progress, this,
            [this](qsizetype done, qsizetype total) {
                m_progress->setRange(0, int(std::max<qsizetype>(total, 1)));
                m_progress->setValue(int(done));
            });
    connect(m_exporter.get(), &MessageExporter::finished, this,
            [this, path](const Result<qsizetype, QString> &result) {
                endTransfer(result.ok(), result.ok() ? tr("Exported %n message(s) to %1.", nullptr,
                                                          int(result.value()))
                                                           .arg(QFileInfo(path).fileName())
                                                     : result.error());
            });
    startTransfer(tr("Exporting %n message(s)…", nullptr, int(messages.size())));
    m_exporter->start(path, messages);
}

void MessagePane::importFrom(const QString &path)
{
    if (!m_session || m_exporter || m_importer)
        return;
    m_importer = std::make_unique<MessageImporter>();
    connect(m_importer.get(), &MessageImporter::batchRead, m_session->messages(),
            &MessageStore::append);
    connect(m_importer.get(), &MessageImporter::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
    connect(m_importer.get(), &MessageImporter::finished, this,
            [this, path](const Result<qsizetype, QString> &result) {
                endTransfer(result.ok(), result.ok() ? tr("Imported %n message(s) from %1.",
                                                          nullptr, int(result.value()))
                                                           .arg(QFileInfo(path).fileName())
                                                     : result.error());
            });
    startTransfer(tr("Importing %1…").arg(QFileInfo(path).fileName()));
    m_importer->start(path);
}

void MessagePane::startTransfer(const QString &what)
{
    m_progressLabel->setText(what);
    m_progress->setRange(0, 0);
    m_progressRow->show();
}

void MessagePane::endTransfer(bool ok, const QString &sentence)
{
    m_progressRow->hide();
    // Deleted later: this may run inside one of their signals.
    if (m_exporter)
        m_exporter.release()->deleteLater();
    if (m_importer)
        m_importer.release()->deleteLater();
    m_messageBar->showMessage(ok ? MessageBar::Level::Information : MessageBar::Level::Error,
                              sentence);
    emit transferFinished(ok, sentence);
}

QByteArray MessagePane::splitterState() const
{
    return m_splitter->saveState();
}

void MessagePane::restoreSplitterState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_splitter->restoreState(state);
}

} // namespace thingdeck
