#include "models/ThingListModel.h"

#include "iot/RegistryClient.h"

#include <QSet>

#include <climits>

namespace thingdeck {

ThingListModel::ThingListModel(RegistryClient *registry, QObject *parent)
    : QAbstractTableModel(parent)
    , m_registry(registry)
    , m_hasMore(registry != nullptr)
{}

int ThingListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ThingListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ThingListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row.thing, index.column());
    case Qt::ToolTipRole:
        if (index.column() == AttributesColumn && !row.thing.attributes.isEmpty())
            return attributesToolTip(row.thing.attributes);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == VersionColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortData(row.thing, index.column());
    case ThingNameRole:
        return row.thing.name;
    case SearchTextRole:
        return row.searchText;
    default:
        return {};
    }
}

QVariant ThingListModel::displayData(const ThingSummary &thing, int column)
{
    switch (column) {
    case NameColumn:
        return thing.name;
    case TypeColumn:
        return thing.typeName;
    case AttributesColumn:
        return shortAttributes(thing.attributes);
    case VersionColumn:
        return QVariant::fromValue(thing.version);
    default:
        return {};
    }
}

QVariant ThingListModel::sortData(const ThingSummary &thing, int column) const
{
    if (column != AttributesColumn)
        return displayData(thing, column);
    QStringList pairs;
    for (auto it = thing.attributes.cbegin(); it != thing.attributes.cend(); ++it)
        pairs.append(it.key() + QLatin1Char('=') + it.value());
    return pairs.join(QStringLiteral(", "));
}

QVariant ThingListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case AttributesColumn:
        return tr("Attributes");
    case VersionColumn:
        return tr("Version");
    default:
        return {};
    }
}

QHash<int, QByteArray> ThingListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ThingNameRole, "thingName");
    names.insert(SortRole, "sortValue");
    names.insert(SearchTextRole, "searchText");
    return names;
}

QString ThingListModel::shortAttributes(const QMap<QString, QString> &attributes)
{
    QString out;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += it.key() + QLatin1Char('=') + it.value();
        if (out.size() > kAttributesDisplayLength) {
            out.truncate(kAttributesDisplayLength);
            out += QChar(0x2026); // …
            break;
        }
    }
    return out;
}

QString ThingListModel::attributesToolTip(const QMap<QString, QString> &attributes)
{
    QStringList lines;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it)
        lines.append(it.key() + QLatin1Char('=') + it.value());
    return lines.join(QLatin1Char('\n'));
}

QString ThingListModel::searchText(const ThingSummary &thing)
{
    QString text = thing.name + QLatin1Char('\n') + thing.typeName;
    for (const QString &value : thing.attributes)
        text += QLatin1Char('\n') + value;
    return text.toLower();
}

// ---- paging -----------------------------------------------------------------------------

bool ThingListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_registry && m_hasMore && !m_loading && !m_error && !m_refresh;
}

void ThingListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void ThingListModel::setQuery(const ThingQuery &query)
{
    m_query = query;
    restart();
    if (m_registry)
        requestPage();
}

void ThingListModel::clear()
{
    restart();
    m_hasMore = false;
}

void ThingListModel::restart()
{
    if (m_loadingAll)
        stopLoadAll(true);
    ++m_generation;
    m_refresh.reset();
    m_error.reset();
    m_nextToken.clear();
    m_pages = 0;
    m_hasMore = m_registry != nullptr;
    m_wantPage = false;
    setLoading(false); // before the reset: a view may ask for the first page on it
    beginResetModel();
    ++m_revision;
    m_rows.clear();
    m_rowOfName.clear();
    endResetModel();
}

void ThingListModel::requestPage()
{
    if (m_wantPage || (m_inFlight && m_inFlightGeneration == m_generation))
        return; // this listing's next page is already asked for
    setLoading(true);
    m_wantPage = true;
    sendIfIdle();
}

// A request of an abandoned listing cannot be recalled: the next one waits for its answer, so
// that there is never more than one request in flight.
void ThingListModel::sendIfIdle()
{
    if (m_inFlight || !m_wantPage || !m_registry)
        return;
    m_wantPage = false;
    m_inFlight = true;
    m_inFlightGeneration = m_generation;
    ThingQuery query = m_query;
    if (query.maxResults == 0)
        query.maxResults = ThingQuery::kMaxResults;
    const quint64 generation = m_generation;
    m_registry->listThings(query, m_nextToken, this,
                           [this, generation](const Result<ThingPage, IotError> &result) {
                               onPage(generation, result);
                           });
}

void ThingListModel::onPage(quint64 generation, const Result<ThingPage, IotError> &result)
{
    m_inFlight = false;
    if (generation != m_generation) {
        sendIfIdle();
        return;
    }
    if (!result.ok()) {
        m_error = result.error();
        setLoading(false);
        Q_EMIT errorOccurred(*m_error);
        return;
    }
    takePage(result.value());
}

void ThingListModel::takePage(const ThingPage &page)
{
    ++m_pages;
    m_nextToken = page.nextToken;
    m_hasMore = !page.isLast();
    if (m_refresh) {
        m_refresh->things.append(page.things);
        continueRefresh();
        return;
    }
    appendThings(page.things);
    continueLoadAll();
}

void ThingListModel::retry()
{
    if (!m_error || !m_registry)
        return;
    m_error.reset();
    requestPage();
}

void ThingListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

// ---- load all ---------------------------------------------------------------------------

void ThingListModel::loadAll()
{
    if (!m_registry || m_loadingAll)
        return;
    if (!m_hasMore) {
        Q_EMIT loadAllFinished(false);
        return;
    }
    m_loadingAll = true;
    m_error.reset();
    if (!m_loading)
        requestPage();
}

void ThingListModel::cancelLoadAll()
{
    if (m_loadingAll)
        stopLoadAll(true);
}

void ThingListModel::stopLoadAll(bool cancelled)
{
    m_loadingAll = false;
    Q_EMIT loadAllFinished(cancelled);
}

void ThingListModel::continueLoadAll()
{
    if (m_loadingAll)
        Q_EMIT loadAllProgress(int(m_rows.size()), m_pages);
    if (m_loadingAll && m_hasMore) {
        requestPage();
        return;
    }
    setLoading(false);
    if (m_loadingAll)
        stopLoadAll(false);
}

// ---- refresh ----------------------------------------------------------------------------

void ThingListModel::refresh()
{
    if (!m_registry)
        return;
    const bool listedToTheEnd = !m_hasMore && !m_rows.isEmpty();
    if (m_loadingAll)
        stopLoadAll(true);
    ++m_generation;
    m_error.reset();
    m_nextToken.clear();
    m_pages = 0;
    m_wantPage = false;
    m_refresh = Refresh{{}, listedToTheEnd ? INT_MAX : qMax(int(m_rows.size()), 1)};
    requestPage();
}

void ThingListModel::continueRefresh()
{
    if (m_hasMore && m_refresh->things.size() < m_refresh->target) {
        requestPage();
        return;
    }
    setLoading(false);
    finishRefresh();
}

void ThingListModel::finishRefresh()
{
    // m_refresh stays set while rows change, so that a view cannot fetch more in between.
    const QList<ThingSummary> things = std::move(m_refresh->things);
    mergeRows(things);
    m_refresh.reset();
    Q_EMIT refreshed();
    if (m_loadingAll)
        continueLoadAll();
}

// Both listings come in AWS's order, so the rows that stay are in the same order in both: the
// new things are inserted between them in runs, and a view's selection stays on its rows.
void ThingListModel::mergeRows(const QList<ThingSummary> &things)
{
    removeRowsNotIn(things);
    if (!keptRowsInOrder(things)) {
        replaceRows(things);
        return;
    }
    for (int i = 0; i < things.size(); ++i) {
        if (i < m_rows.size() && m_rows.at(i).thing.name == things.at(i).name) {
            if (!(m_rows.at(i).thing == things.at(i)))
                setRow(i, things.at(i));
            continue;
        }
        const QString next = i < m_rows.size() ? m_rows.at(i).thing.name : QString();
        int end = i;
        while (end < things.size() && (next.isNull() || things.at(end).name != next))
            ++end;
        beginInsertRows({}, i, end - 1);
        ++m_revision;
        for (int k = i; k < end; ++k)
            m_rows.insert(k, Row{things.at(k), searchText(things.at(k))});
        endInsertRows();
        i = end - 1;
    }
    rebuildIndex();
}

void ThingListModel::removeRowsNotIn(const QList<ThingSummary> &things)
{
    QSet<QString> names;
    names.reserve(things.size());
    for (const ThingSummary &thing : things)
        names.insert(thing.name);
    for (int last = int(m_rows.size()) - 1; last >= 0; --last) {
        if (names.contains(m_rows.at(last).thing.name))
            continue;
        int first = last;
        while (first > 0 && !names.contains(m_rows.at(first - 1).thing.name))
            --first;
        removeRowRange(first, last);
        last = first;
    }
}

void ThingListModel::removeRowRange(int first, int last)
{
    beginRemoveRows({}, first, last);
    ++m_revision;
    m_rows.remove(first, last - first + 1);
    endRemoveRows();
}

bool ThingListModel::keptRowsInOrder(const QList<ThingSummary> &things) const
{
    QHash<QString, int> position;
    position.reserve(things.size());
    for (int i = 0; i < things.size(); ++i)
        position.insert(things.at(i).name, i);
    int previous = -1;
    for (const Row &row : m_rows) {
        const int at = position.value(row.thing.name, -1);
        if (at <= previous)
            return false;
        previous = at;
    }
    return true;
}

void ThingListModel::replaceRows(const QList<ThingSummary> &things)
{
    beginResetModel();
    ++m_revision;
    m_rows.clear();
    for (const ThingSummary &thing : things)
        m_rows.append(Row{thing, searchText(thing)});
    rebuildIndex();
    endResetModel();
}

void ThingListModel::rebuildIndex()
{
    m_rowOfName.clear();
    m_rowOfName.reserve(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOfName.insert(m_rows.at(row).thing.name, row);
}

// ---- rows -------------------------------------------------------------------------------

void ThingListModel::appendThings(const QList<ThingSummary> &things)
{
    if (things.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(things.size()) - 1);
    ++m_revision;
    for (const ThingSummary &thing : things) {
        m_rowOfName.insert(thing.name, int(m_rows.size()));
        m_rows.append(Row{thing, searchText(thing)});
    }
    endInsertRows();
}

void ThingListModel::updateThing(const ThingSummary &thing)
{
    const int row = rowOfThing(thing.name);
    if (row >= 0 && !(m_rows.at(row).thing == thing))
        setRow(row, thing);
}

void ThingListModel::setRow(int row, const ThingSummary &thing)
{
    ++m_revision;
    m_rows[row] = Row{thing, searchText(thing)};
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace thingdeck
