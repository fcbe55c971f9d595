#include "models/SubscriptionListModel.h"

#include "mqtt/MqttConnection.h"
#include "mqtt/TopicFilter.h"

#include <QLocale>

#include <algorithm>
#include <array>

namespace thingdeck {

namespace {

QString policyAdvice(const QString &filter)
{
    return QStringLiteral("Check that the IoT policy allows iot:Subscribe on topicfilter/%1 "
                          "and iot:Receive on the matching topic/… resources, then resume it.")
        .arg(filter);
}

} // namespace

SubscriptionListModel::SubscriptionListModel(MqttConnection *connection, QObject *parent)
    : QAbstractTableModel(parent)
    , m_connection(connection)
{
    m_rateTimer.setInterval(kRateIntervalMs);
    connect(&m_rateTimer, &QTimer::timeout, this, &SubscriptionListModel::updateRates);
    m_rateTimer.start();
}

SubscriptionListModel::~SubscriptionListModel()
{
    for (Row &row : m_rows) {
        if (row.handle)
            row.handle->disconnect(this);
    }
}

int SubscriptionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SubscriptionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SubscriptionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int row = index.row();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, index.column());
    case Qt::ToolTipRole:
        return problem(row).isEmpty() ? m_rows[size_t(row)].saved.filter : problem(row);
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn || index.column() == RateColumn)
            return {Qt::AlignRight | Qt::AlignVCenter};
        return {};
    case ColourRole:
        return m_rows[size_t(row)].saved.colour;
    case PausedRole:
        return rowState(row) == RowState::Paused;
    case FailedRole:
        return rowState(row) == RowState::Refused;
    case FilterRole:
        return m_rows[size_t(row)].saved.filter;
    default:
        return {};
    }
}

QVariant SubscriptionListModel::displayData(int row, int column) const
{
    const Row &r = m_rows[size_t(row)];
    const QLocale locale;
    switch (column) {
    case FilterColumn:
        return r.saved.filter;
    case QosColumn:
        return r.saved.qos;
    case CountColumn:
        return locale.toString(r.count);
    case RateColumn:
        return rowState(row) == RowState::Active ? locale.toString(r.rate, 'f', r.rate < 10 ? 1 : 0)
                                                 : QString();
    case StateColumn:
        return stateText(row);
    default:
        return {};
    }
}

QString SubscriptionListModel::stateText(int row) const
{
    switch (rowState(row)) {
    case RowState::Pending:
        return tr("pending");
    case RowState::Active:
        return tr("active");
    case RowState::Paused:
        return tr("paused");
    case RowState::Refused:
        return tr("refused");
    }
    return {};
}

QVariant SubscriptionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FilterColumn:
        return tr("Topic filter");
    case QosColumn:
        return tr("QoS");
    case CountColumn:
        return tr("Count");
    case RateColumn:
        return tr("/s");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

Result<int, QString> SubscriptionListModel::add(const QString &filter, int qos)
{
    const QString text = filter.trimmed();
    const QString problemText = TopicFilter::validate(text);
    if (!problemText.isEmpty())
        return fail(problemText);
    if (rowOf(text) >= 0)
        return fail(tr("%1 is already in the list.").arg(text));
    if (qsizetype(m_rows.size()) >= kMaxSubscriptions)
        return fail(tr("At most %1 subscriptions: remove one first.").arg(kMaxSubscriptions));
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row added;
    added.saved = SavedSubscription{text, std::clamp(qos, 0, 1), false, nextColour()};
    m_rows.push_back(added);
    subscribeRow(m_rows.back());
    endInsertRows();
    invalidateTopics();
    emit subscriptionsChanged();
    return row;
}

void SubscriptionListModel::remove(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    beginRemoveRows({}, row, row);
    unsubscribeRow(m_rows[size_t(row)]);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    invalidateTopics();
    emit subscriptionsChanged();
}

void SubscriptionListModel::setPaused(int row, bool paused)
{
    if (row < 0 || row >= rowCount())
        return;
    Row &r = m_rows[size_t(row)];
    const bool failed = rowState(row) == RowState::Refused;
    if (r.saved.paused == paused && !(failed && !paused))
        return;
    r.saved.paused = paused;
    unsubscribeRow(r);
    if (!paused)
        subscribeRow(r);
    r.rate = 0;
    invalidateTopics();
    emitRowChanged(row);
    emit subscriptionsChanged();
}

void SubscriptionListModel::restore(const QList<SavedSubscription> &saved)
{
    beginResetModel();
    for (Row &row : m_rows)
        unsubscribeRow(row);
    m_rows.clear();
    for (const SavedSubscription &s : saved) {
        if (!TopicFilter::validate(s.filter).isEmpty() || rowOf(s.filter) >= 0)
            continue;
        SavedSubscription copy = s;
        copy.qos = std::clamp(copy.qos, 0, 1);
        copy.colour = std::clamp(copy.colour, 0, kColourCount - 1);
        Row row;
        row.saved = copy;
        m_rows.push_back(row);
        if (!copy.paused)
            subscribeRow(m_rows.back());
    }
    endResetModel();
    invalidateTopics();
}

QList<SavedSubscription> SubscriptionListModel::saved() const
{
    QList<SavedSubscription> all;
    for (const Row &row : m_rows)
        all.append(row.saved);
    return all;
}

int SubscriptionListModel::rowOf(const QString &filter) const
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&filter](const Row &row) { return row.saved.filter == filter; });
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

SubscriptionListModel::RowState SubscriptionListModel::rowState(int row) const
{
    const Row &r = m_rows[size_t(row)];
    if (r.saved.paused)
        return RowState::Paused;
    if (!r.handle)
        return RowState::Refused; // the connection is gone, or it was never subscribed
    switch (r.handle->state()) {
    case MqttSubscription::State::Subscribed:
        return RowState::Active;
    case MqttSubscription::State::Failed:
        return RowState::Refused;
    default:
        return RowState::Pending;
    }
}

QString SubscriptionListModel::problem(int row) const
{
    if (rowState(row) != RowState::Refused)
        return {};
    const Row &r = m_rows[size_t(row)];
    const QString reason =
        r.handle && !r.handle->errorString().isEmpty()
            ? r.handle->errorString()
            : tr("The broker refused the subscription to %1.").arg(r.saved.filter);
    return reason + QLatin1Char(' ') + policyAdvice(r.saved.filter);
}

quint64 SubscriptionListModel::messageCount(int row) const
{
    return m_rows[size_t(row)].count;
}

double SubscriptionListModel::rate(int row) const
{
    return m_rows[size_t(row)].rate;
}

int SubscriptionListModel::colourOfTopic(const QString &topic) const
{
    const QList<int> &rows = rowsMatching(topic);
    return rows.isEmpty() ? -1 : m_rows[size_t(rows.first())].saved.colour;
}

void SubscriptionListModel::countMessages(const MqttMessageBatch &batch)
{
    for (const MqttMessage &message : batch) {
        for (int row : rowsMatching(message.topic))
            ++m_rows[size_t(row)].count;
    }
}

void SubscriptionListModel::resetCounts()
{
    for (Row &row : m_rows) {
        row.count = 0;
        row.countAtTick = 0;
        row.rate = 0;
    }
    if (!m_rows.empty())
        emit dataChanged(index(0, CountColumn), index(rowCount() - 1, RateColumn));
}

void SubscriptionListModel::subscribeRow(Row &row)
{
    if (!m_connection)
        return;
    auto filter = TopicFilter::create(row.saved.filter);
    if (!filter.ok())
        return;
    row.handle = m_connection->subscribe(filter.value(), row.saved.qos);
    connect(row.handle.data(), &MqttSubscription::stateChanged, this,
            &SubscriptionListModel::onHandleStateChanged);
}

void SubscriptionListModel::unsubscribeRow(Row &row)
{
    if (!row.handle)
        return;
    MqttSubscription *handle = row.handle.data();
    row.handle.clear();
    handle->disconnect(this);
    if (m_connection && m_connection->subscriptions().contains(handle))
        m_connection->unsubscribe(handle); // deletes the handle later
    else
        handle->deleteLater(); // a refused handle the connection already gave up
}

void SubscriptionListModel::onHandleStateChanged()
{
    const auto *handle = qobject_cast<MqttSubscription *>(sender());
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].handle == handle) {
            emitRowChanged(int(i));
            invalidateTopics(); // a refused row no longer counts or colours
            return;
        }
    }
}

void SubscriptionListModel::updateRates()
{
    if (m_rows.empty())
        return;
    const double seconds = kRateIntervalMs / 1000.0;
    for (Row &row : m_rows) {
        row.rate = double(row.count - row.countAtTick) / seconds;
        row.countAtTick = row.count;
    }
    emit dataChanged(index(0, CountColumn), index(rowCount() - 1, RateColumn));
}

int SubscriptionListModel::nextColour() const
{
    std::array<int, kColourCount> uses{};
    for (const Row &row : m_rows)
        ++uses.at(size_t(std::clamp(row.saved.colour, 0, kColourCount - 1)));
    return int(std::min_element(uses.begin(), uses.end()) - uses.begin());
}

// Paused and refused rows receive nothing, so they neither count nor colour.
const QList<int> &SubscriptionListModel::rowsMatching(const QString &topic) const
{
    auto it = m_topicRows.constFind(topic);
    if (it != m_topicRows.constEnd())
        return it.value();
    if (m_topicRows.size() >= kTopicCacheLimit)
        m_topicRows.clear();
    QList<int> rows;
    for (size_t i = 0; i < m_rows.size(); ++i) {
        const RowState state = rowState(int(i));
        if (state == RowState::Paused || state == RowState::Refused)
            continue;
        auto filter = TopicFilter::create(m_rows[i].saved.filter);
        if (filter.ok() && filter.value().matches(topic))
            rows.append(int(i));
    }
    return m_topicRows.insert(topic, rows).value();
}

void SubscriptionListModel::invalidateTopics()
{
    m_topicRows.clear();
}

void SubscriptionListModel::emitRowChanged(int row)
{
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace thingdeck
